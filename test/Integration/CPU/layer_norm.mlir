// Layer norm compiled for the CPU and checked against the float64 reference.
// RUN: norm-run %s --entry=width_1 --random-inputs --check | FileCheck %s --check-prefix=W1
// RUN: norm-run %s --entry=odd_width_f32 --random-inputs --seed=3 --check | FileCheck %s --check-prefix=ODD
// RUN: norm-run %s --entry=wide_8192_bf16 --random-inputs --check | FileCheck %s --check-prefix=WIDE
// RUN: norm-run %s --entry=wide_8192_bf16 --random-inputs --check --pipeline-options=bf16-rounding=exact | FileCheck %s --check-prefix=WIDE
// RUN: %if avx512bf16 %{ norm-run %s --entry=wide_8192_bf16 --random-inputs --check --pipeline-options=bf16-rounding=native-ftz | FileCheck %s --check-prefix=WIDE %}
// RUN: norm-run %s --entry=last_two_dims_f16 --random-inputs --check | FileCheck %s --check-prefix=TWO
// RUN: norm-run %s --entry=dynamic_rows --random-inputs --check | FileCheck %s --check-prefix=DYN
// RUN: norm-run %s --entry=mean_1e4_f32 --random-inputs --check | FileCheck %s --check-prefix=BIG
// RUN: norm-run %s --entry=stats_f64 --random-inputs --check | FileCheck %s --check-prefix=F64

// A row of one value normalizes to 0: the output is the bias.
// W1: result0 (f32): 5 values
// W1: check: PASS
func.func @width_1(%x: tensor<5x1xf32>, %g: tensor<1xf32>, %b: tensor<1xf32>) -> tensor<5x1xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<1xf32>) bias(%b : tensor<1xf32>) : tensor<5x1xf32>
  return %y : tensor<5x1xf32>
}

// ODD: result0 (f32): 231 values
// ODD: check: PASS
func.func @odd_width_f32(%x: tensor<3x7x11xf32>, %g: tensor<11xf32>, %b: tensor<11xf32>) -> tensor<3x7x11xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<11xf32>) bias(%b : tensor<11xf32>) : tensor<3x7x11xf32>
  return %y : tensor<3x7x11xf32>
}

// bf16 results within 1 ulp of the correctly rounded float64 result, both
// when f32 is rounded to bf16 in integer arithmetic and with AVX512-BF16's
// instruction (run where the host has it).
// WIDE: result0 (bf16): 32768 values, {{.*}} max ulp {{0|1}}.0, PASS
// WIDE: check: PASS
func.func @wide_8192_bf16(%x: tensor<4x8192xbf16>, %g: tensor<8192xbf16>, %b: tensor<8192xbf16>) -> tensor<4x8192xbf16> {
  %y = norm.layer_norm %x scale(%g : tensor<8192xbf16>) bias(%b : tensor<8192xbf16>) : tensor<4x8192xbf16>
  return %y : tensor<4x8192xbf16>
}

// TWO: result0 (f16): 384 values, {{.*}} max ulp {{0|1}}.0, PASS
// TWO: check: PASS
func.func @last_two_dims_f16(%x: tensor<2x3x8x8xf16>, %g: tensor<8x8xf16>) -> tensor<2x3x8x8xf16> {
  %y = norm.layer_norm %x scale(%g : tensor<8x8xf16>) {axis = -2 : i64} : tensor<2x3x8x8xf16>
  return %y : tensor<2x3x8x8xf16>
}

// The normalizer itself sees dynamic batch and sequence dims.
// DYN: result0 (f32): 1536 values
// DYN: check: PASS
func.func private @ln_dynamic(%x: tensor<?x?x64xf32>, %g: tensor<64xf32>) -> tensor<?x?x64xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<64xf32>) : tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
func.func @dynamic_rows(%x: tensor<2x12x64xf32>, %g: tensor<64xf32>) -> tensor<2x12x64xf32> {
  %d = tensor.cast %x : tensor<2x12x64xf32> to tensor<?x?x64xf32>
  %y = call @ln_dynamic(%d, %g) : (tensor<?x?x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  %s = tensor.cast %y : tensor<?x?x64xf32> to tensor<2x12x64xf32>
  return %s : tensor<2x12x64xf32>
}

// Data with mean 1e4 and deviation 1 normalize to f32 accuracy: the variance
// is not E[x^2] - E[x]^2 (which would lose every digit here).
// BIG: result0 (f32): 4096 values, max abs {{.*}}e-0{{[6-9]}}, max rel {{.*}}, PASS
// BIG: result1 (f32): 4 values
// BIG: check: PASS
func.func @mean_1e4_f32(%x: tensor<4x1024xf32>) -> (tensor<4x1024xf32>, tensor<4xf32>) {
  %c = arith.constant dense<1.0e4> : tensor<4x1024xf32>
  %big = arith.addf %x, %c : tensor<4x1024xf32>
  %y, %mean = norm.layer_norm %big : tensor<4x1024xf32> mean(tensor<4xf32>)
  return %y, %mean : tensor<4x1024xf32>, tensor<4xf32>
}

// F64: result0 (f64): 96 values
// F64: result1 (f64): 6 values
// F64: result2 (f64): 6 values
// F64: check: PASS
func.func @stats_f64(%x: tensor<6x16xf64>) -> (tensor<6x16xf64>, tensor<6xf64>, tensor<6xf64>) {
  %y, %m, %r = norm.layer_norm %x {compute_type = f64, epsilon = 1.0e-3 : f64}
                 : tensor<6x16xf64> mean(tensor<6xf64>) rstd(tensor<6xf64>)
  return %y, %m, %r : tensor<6x16xf64>, tensor<6xf64>, tensor<6xf64>
}
