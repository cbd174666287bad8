// Weight norm on the CPU, with and without `dim`, checked against the
// float64 reference.
// RUN: norm-run %s --entry=per_output_channel --random-inputs --check | FileCheck %s --check-prefix=DIM0
// RUN: norm-run %s --entry=per_column_bf16 --random-inputs --check | FileCheck %s --check-prefix=DIM1
// RUN: norm-run %s --entry=whole_tensor --random-inputs --check | FileCheck %s --check-prefix=ALL

// DIM0: result0 (f32): 288 values
// DIM0: check: PASS
func.func @per_output_channel(%v: tensor<16x2x3x3xf32>, %g: tensor<16xf32>) -> tensor<16x2x3x3xf32> {
  %w = norm.weight_norm %v, %g {dim = 0 : i64} : tensor<16x2x3x3xf32>, tensor<16xf32>
  return %w : tensor<16x2x3x3xf32>
}

// DIM1: result0 (bf16): 160 values, {{.*}} max ulp {{0|1}}.0, PASS
// DIM1: check: PASS
func.func @per_column_bf16(%v: tensor<8x20xbf16>, %g: tensor<20xbf16>) -> tensor<8x20xbf16> {
  %w = norm.weight_norm %v, %g {dim = -1 : i64} : tensor<8x20xbf16>, tensor<20xbf16>
  return %w : tensor<8x20xbf16>
}

// ALL: result0 (f64): 35 values
// ALL: check: PASS
func.func @whole_tensor(%v: tensor<5x7xf64>, %g: tensor<f64>) -> tensor<5x7xf64> {
  %w = norm.weight_norm %v, %g {compute_type = f64} : tensor<5x7xf64>, tensor<f64>
  return %w : tensor<5x7xf64>
}
