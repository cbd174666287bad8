// norm.group_norm_grad compiled for the CPU and checked against the float64
// evaluation (runtime/reference's groupNormGrad, checked against finite
// differences in test/Unit/Runtime/GradientTest.cpp): NCHW with a scale,
// instance norm NHWC, one group (layer norm over C x H x W), f32, bf16, f16,
// batch 1, 16384 values per group (f64 sums), data with mean 1e4, and the
// same bits for 1 and 2 threads.
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-run %s --entry=nchw_scale --random-inputs --check | FileCheck %s --check-prefix=NCHW
// RUN: norm-run %s --entry=instance_nhwc_bf16 --random-inputs --check | FileCheck %s --check-prefix=INST
// RUN: norm-run %s --entry=one_group_f16 --random-inputs --check | FileCheck %s --check-prefix=ONE
// RUN: norm-run %s --entry=long_groups --random-inputs --check | FileCheck %s --check-prefix=LONG
// RUN: norm-run %s --entry=long_groups --random-inputs --num-threads=1 --output-dir=%t/one
// RUN: norm-run %s --entry=long_groups --random-inputs --num-threads=2 --output-dir=%t/two
// RUN: cmp %t/one/result0.npy %t/two/result0.npy
// RUN: cmp %t/one/result1.npy %t/two/result1.npy
// RUN: cmp %t/one/result2.npy %t/two/result2.npy
// RUN: %python -c "import numpy as n; r = n.random.default_rng(7); n.save('%t/dy.npy', r.standard_normal((1, 8, 6, 6)).astype(n.float32)); n.save('%t/x.npy', (r.standard_normal((1, 8, 6, 6)) * 0.5 + 1e4).astype(n.float32)); n.save('%t/g.npy', r.standard_normal(8).astype(n.float32))"
// RUN: norm-run %s --entry=batch_1_mean_1e4 --input=%t/dy.npy --input=%t/x.npy --input=%t/g.npy --check | FileCheck %s --check-prefix=FAR

// NCHW: result0 (f32): 4096 values, {{.*}} PASS
// NCHW: result1 (f32): 32 values, {{.*}} PASS
// NCHW: result2 (f32): 32 values, {{.*}} PASS
// NCHW: check: PASS
func.func @nchw_scale(%dy: tensor<2x32x8x8xf32>, %x: tensor<2x32x8x8xf32>, %g: tensor<32xf32>)
    -> (tensor<2x32x8x8xf32>, tensor<32xf32>, tensor<32xf32>) {
  %dx, %dg, %db = norm.group_norm_grad %dy, %x scale(%g : tensor<32xf32>) {num_groups = 8 : i64}
      : tensor<2x32x8x8xf32> scale_grad(tensor<32xf32>) bias_grad(tensor<32xf32>)
  return %dx, %dg, %db : tensor<2x32x8x8xf32>, tensor<32xf32>, tensor<32xf32>
}

// INST: result0 (bf16): 1200 values, {{.*}} PASS
// INST: check: PASS
func.func @instance_nhwc_bf16(%dy: tensor<3x5x5x16xbf16>, %x: tensor<3x5x5x16xbf16>, %g: tensor<16xbf16>)
    -> (tensor<3x5x5x16xbf16>, tensor<16xbf16>) {
  %dx, %db = norm.group_norm_grad %dy, %x scale(%g : tensor<16xbf16>)
      {num_groups = 16 : i64, channel_axis = -1 : i64} : tensor<3x5x5x16xbf16> bias_grad(tensor<16xbf16>)
  return %dx, %db : tensor<3x5x5x16xbf16>, tensor<16xbf16>
}

// ONE: result0 (f16): 588 values, {{.*}} PASS
// ONE: check: PASS
func.func @one_group_f16(%dy: tensor<3x4x7x7xf16>, %x: tensor<3x4x7x7xf16>) -> tensor<3x4x7x7xf16> {
  %dx = norm.group_norm_grad %dy, %x {num_groups = 1 : i64} : tensor<3x4x7x7xf16>
  return %dx : tensor<3x4x7x7xf16>
}

// 16 channels of 32 x 32 per group: 16384 values, the sums in f64.
// LONG: result0 (f32): 131072 values, {{.*}} PASS
// LONG: check: PASS
func.func @long_groups(%dy: tensor<2x64x32x32xf32>, %x: tensor<2x64x32x32xf32>, %g: tensor<64xf32>)
    -> (tensor<2x64x32x32xf32>, tensor<64xf32>, tensor<64xf32>) {
  %dx, %dg, %db = norm.group_norm_grad %dy, %x scale(%g : tensor<64xf32>) {num_groups = 4 : i64}
      : tensor<2x64x32x32xf32> scale_grad(tensor<64xf32>) bias_grad(tensor<64xf32>)
  return %dx, %dg, %db : tensor<2x64x32x32xf32>, tensor<64xf32>, tensor<64xf32>
}

// FAR: result0 (f32): 288 values, {{.*}} PASS
// FAR: check: PASS
func.func @batch_1_mean_1e4(%dy: tensor<1x8x6x6xf32>, %x: tensor<1x8x6x6xf32>, %g: tensor<8xf32>)
    -> (tensor<1x8x6x6xf32>, tensor<8xf32>) {
  %dx, %dg = norm.group_norm_grad %dy, %x scale(%g : tensor<8xf32>) {num_groups = 2 : i64}
      : tensor<1x8x6x6xf32> scale_grad(tensor<8xf32>)
  return %dx, %dg : tensor<1x8x6x6xf32>, tensor<8xf32>
}
