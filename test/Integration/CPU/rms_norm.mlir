// RMS norm compiled for the CPU and checked against the float64 reference.
// RUN: norm-run %s --entry=width_1 --random-inputs --check | FileCheck %s --check-prefix=W1
// RUN: norm-run %s --entry=odd_width_gemma_f16 --random-inputs --seed=7 --check | FileCheck %s --check-prefix=GEMMA
// RUN: norm-run %s --entry=wide_8192_bf16 --random-inputs --check | FileCheck %s --check-prefix=WIDE
// RUN: norm-run %s --entry=dynamic_rows_rstd --random-inputs --check | FileCheck %s --check-prefix=DYN

// W1: result0 (f32): 6 values
// W1: check: PASS
func.func @width_1(%x: tensor<6x1xf32>) -> tensor<6x1xf32> {
  %y = norm.rms_norm %x : tensor<6x1xf32>
  return %y : tensor<6x1xf32>
}

// Gemma multiplies by (1 + w).
// GEMMA: result0 (f16): 165 values, {{.*}} max ulp {{0|1}}.0, PASS
// GEMMA: check: PASS
func.func @odd_width_gemma_f16(%x: tensor<5x33xf16>, %w: tensor<33xf16>) -> tensor<5x33xf16> {
  %y = norm.rms_norm %x scale(%w : tensor<33xf16>) {scale_offset = 1.0 : f64} : tensor<5x33xf16>
  return %y : tensor<5x33xf16>
}

// WIDE: result0 (bf16): 24576 values, {{.*}} max ulp {{0|1}}.0, PASS
// WIDE: check: PASS
func.func @wide_8192_bf16(%x: tensor<3x8192xbf16>, %w: tensor<8192xbf16>) -> tensor<3x8192xbf16> {
  %y = norm.rms_norm %x scale(%w : tensor<8192xbf16>) : tensor<3x8192xbf16>
  return %y : tensor<3x8192xbf16>
}

// DYN: result0 (f32): 256 values
// DYN: result1 (f32): 4 values
// DYN: check: PASS
func.func private @rms_dynamic(%x: tensor<?x64xf32>) -> (tensor<?x64xf32>, tensor<?xf32>) {
  %y, %r = norm.rms_norm %x {epsilon = 1.0e-5 : f64} : tensor<?x64xf32> rstd(tensor<?xf32>)
  return %y, %r : tensor<?x64xf32>, tensor<?xf32>
}
func.func @dynamic_rows_rstd(%x: tensor<4x64xf32>) -> (tensor<4x64xf32>, tensor<4xf32>) {
  %d = tensor.cast %x : tensor<4x64xf32> to tensor<?x64xf32>
  %y, %r = call @rms_dynamic(%d) : (tensor<?x64xf32>) -> (tensor<?x64xf32>, tensor<?xf32>)
  %ys = tensor.cast %y : tensor<?x64xf32> to tensor<4x64xf32>
  %rs = tensor.cast %r : tensor<?xf32> to tensor<4xf32>
  return %ys, %rs : tensor<4x64xf32>, tensor<4xf32>
}
