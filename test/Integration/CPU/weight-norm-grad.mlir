// norm.weight_norm_grad compiled for the CPU and checked against the float64
// evaluation (runtime/reference's weightNormGrad, checked against finite
// differences in test/Unit/Runtime/GradientTest.cpp): a conv weight per
// output channel (dim 0), a linear weight per input column (dim 1, f16),
// the whole tensor (bf16, scalar g), slices of 16384 values (f64 sums), and
// the same bits for 1 and 2 threads.
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-run %s --entry=conv_dim_0 --random-inputs --check | FileCheck %s --check-prefix=CONV
// RUN: norm-run %s --entry=linear_dim_1_f16 --random-inputs --check | FileCheck %s --check-prefix=LIN
// RUN: norm-run %s --entry=whole_bf16 --random-inputs --check | FileCheck %s --check-prefix=WHOLE
// RUN: norm-run %s --entry=long_slices --random-inputs --check | FileCheck %s --check-prefix=LONG
// RUN: norm-run %s --entry=long_slices --random-inputs --num-threads=1 --output-dir=%t/one
// RUN: norm-run %s --entry=long_slices --random-inputs --num-threads=2 --output-dir=%t/two
// RUN: cmp %t/one/result0.npy %t/two/result0.npy
// RUN: cmp %t/one/result1.npy %t/two/result1.npy

// CONV: result0 (f32): 1728 values, {{.*}} PASS
// CONV: result1 (f32): 64 values, {{.*}} PASS
// CONV: check: PASS
func.func @conv_dim_0(%dw: tensor<64x3x3x3xf32>, %v: tensor<64x3x3x3xf32>, %g: tensor<64xf32>)
    -> (tensor<64x3x3x3xf32>, tensor<64xf32>) {
  %dv, %dg = norm.weight_norm_grad %dw, %v, %g {dim = 0 : i64} : tensor<64x3x3x3xf32>, tensor<64xf32>
  return %dv, %dg : tensor<64x3x3x3xf32>, tensor<64xf32>
}

// LIN: result0 (f16): 2368 values, {{.*}} PASS
// LIN: result1 (f16): 37 values, {{.*}} PASS
// LIN: check: PASS
func.func @linear_dim_1_f16(%dw: tensor<64x37xf16>, %v: tensor<64x37xf16>, %g: tensor<37xf16>)
    -> (tensor<64x37xf16>, tensor<37xf16>) {
  %dv, %dg = norm.weight_norm_grad %dw, %v, %g {dim = -1 : i64} : tensor<64x37xf16>, tensor<37xf16>
  return %dv, %dg : tensor<64x37xf16>, tensor<37xf16>
}

// WHOLE: result0 (bf16): 105 values, {{.*}} PASS
// WHOLE: result1 (bf16): 1 values, {{.*}} PASS
// WHOLE: check: PASS
func.func @whole_bf16(%dw: tensor<3x5x7xbf16>, %v: tensor<3x5x7xbf16>, %g: tensor<bf16>)
    -> (tensor<3x5x7xbf16>, tensor<bf16>) {
  %dv, %dg = norm.weight_norm_grad %dw, %v, %g : tensor<3x5x7xbf16>, tensor<bf16>
  return %dv, %dg : tensor<3x5x7xbf16>, tensor<bf16>
}

// LONG: result0 (f32): 131072 values, {{.*}} PASS
// LONG: check: PASS
func.func @long_slices(%dw: tensor<8x16384xf32>, %v: tensor<8x16384xf32>, %g: tensor<8xf32>)
    -> (tensor<8x16384xf32>, tensor<8xf32>) {
  %dv, %dg = norm.weight_norm_grad %dw, %v, %g {dim = 0 : i64} : tensor<8x16384xf32>, tensor<8xf32>
  return %dv, %dg : tensor<8x16384xf32>, tensor<8xf32>
}
