// norm.batch_norm_grad compiled for the CPU and checked against the float64
// evaluation (runtime/reference's batchNormGrad, checked against finite
// differences in test/Unit/Runtime/GradientTest.cpp): training steps whose
// forward saves the batch statistics and whose backward uses them; NCHW and
// NHWC; f32, bf16, f16; masked; eval; batch 1; one channel of one value;
// 16384 values per channel (f64 sums); data with mean 1e4; the same bits
// for 1 and 2 threads.
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-run %s --entry=train_nchw --random-inputs --check | FileCheck %s --check-prefix=NCHW
// RUN: norm-run %s --entry=train_masked_bf16 --random-inputs --check | FileCheck %s --check-prefix=MASK
// RUN: norm-run %s --entry=eval_nhwc_f16 --random-inputs --check | FileCheck %s --check-prefix=EVAL
// RUN: norm-run %s --entry=train_batch_1 --random-inputs --check | FileCheck %s --check-prefix=B1
// RUN: norm-run %s --entry=train_long_nhwc --random-inputs --check | FileCheck %s --check-prefix=LONG
// RUN: norm-run %s --entry=train_long_nhwc --random-inputs --num-threads=1 --output-dir=%t/one
// RUN: norm-run %s --entry=train_long_nhwc --random-inputs --num-threads=2 --output-dir=%t/two
// RUN: cmp %t/one/result0.npy %t/two/result0.npy
// RUN: cmp %t/one/result1.npy %t/two/result1.npy
// RUN: cmp %t/one/result2.npy %t/two/result2.npy
// RUN: %python -c "import numpy as n; r = n.random.default_rng(5); n.save('%t/x.npy', (r.standard_normal((8, 4, 6, 6)) * 0.5 + 1e4).astype(n.float32)); n.save('%t/g.npy', r.standard_normal(4).astype(n.float32)); n.save('%t/dy.npy', r.standard_normal((8, 4, 6, 6)).astype(n.float32))"
// RUN: norm-run %s --entry=train_mean_1e4 --input=%t/x.npy --input=%t/g.npy --input=%t/dy.npy --check | FileCheck %s --check-prefix=FAR

// NCHW: result0 (f32): 1120 values, {{.*}} PASS
// NCHW: result1 (f32): 8 values, {{.*}} PASS
// NCHW: result2 (f32): 8 values, {{.*}} PASS
// NCHW: check: PASS
func.func @train_nchw(%x: tensor<4x8x5x7xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>,
                      %rm: tensor<8xf32>, %rv: tensor<8xf32>, %dy: tensor<4x8x5x7xf32>)
    -> (tensor<4x8x5x7xf32>, tensor<8xf32>, tensor<8xf32>) {
  %y, %nm, %nv, %mean, %rstd = norm.batch_norm train %x, %g, %b, %rm, %rv
      : tensor<4x8x5x7xf32>, params tensor<8xf32>, stats tensor<8xf32>
        saved_mean(tensor<8xf32>) saved_rstd(tensor<8xf32>)
  %dx, %dg, %db = norm.batch_norm_grad train %dy, %x, %mean, %rstd, %g
      : tensor<4x8x5x7xf32>, params tensor<8xf32>, stats tensor<8xf32>
        scale_grad(tensor<8xf32>) bias_grad(tensor<8xf32>)
  return %dx, %dg, %db : tensor<4x8x5x7xf32>, tensor<8xf32>, tensor<8xf32>
}

// Padding positions: they neither count nor get a gradient.
// MASK: result0 (bf16): 1728 values, {{.*}} PASS
// MASK: check: PASS
func.func @train_masked_bf16(%x: tensor<3x16x6x6xbf16>, %g: tensor<16xbf16>, %b: tensor<16xbf16>,
                             %rm: tensor<16xbf16>, %rv: tensor<16xbf16>, %m: tensor<3x6x6xi1>,
                             %dy: tensor<3x16x6x6xbf16>)
    -> (tensor<3x16x6x6xbf16>, tensor<16xbf16>, tensor<16xbf16>) {
  %y, %nm, %nv, %mean, %rstd = norm.batch_norm train %x, %g, %b, %rm, %rv mask(%m : tensor<3x6x6xi1>)
      : tensor<3x16x6x6xbf16>, params tensor<16xbf16>, stats tensor<16xbf16>
        saved_mean(tensor<16xf32>) saved_rstd(tensor<16xf32>)
  %dx, %dg, %db = norm.batch_norm_grad train %dy, %x, %mean, %rstd, %g mask(%m : tensor<3x6x6xi1>)
      : tensor<3x16x6x6xbf16>, params tensor<16xbf16>, stats tensor<16xf32>
        scale_grad(tensor<16xbf16>) bias_grad(tensor<16xbf16>)
  return %dx, %dg, %db : tensor<3x16x6x6xbf16>, tensor<16xbf16>, tensor<16xbf16>
}

// Eval, channels last: the running statistics are constants.
// EVAL: result0 (f16): 1200 values, {{.*}} PASS
// EVAL: check: PASS
func.func @eval_nhwc_f16(%x: tensor<2x5x5x24xf16>, %g: tensor<24xf16>, %b: tensor<24xf16>,
                         %rm: tensor<24xf16>, %rv: tensor<24xf16>, %dy: tensor<2x5x5x24xf16>)
    -> (tensor<2x5x5x24xf16>, tensor<24xf16>, tensor<24xf16>) {
  %y, %nm, %nv, %mean, %rstd = norm.batch_norm eval %x, %g, %b, %rm, %rv {channel_axis = 3 : i64}
      : tensor<2x5x5x24xf16>, params tensor<24xf16>, stats tensor<24xf16>
        saved_mean(tensor<24xf32>) saved_rstd(tensor<24xf32>)
  %dx, %dg, %db = norm.batch_norm_grad eval %dy, %x, %mean, %rstd, %g {channel_axis = 3 : i64}
      : tensor<2x5x5x24xf16>, params tensor<24xf16>, stats tensor<24xf32>
        scale_grad(tensor<24xf16>) bias_grad(tensor<24xf16>)
  return %dx, %dg, %db : tensor<2x5x5x24xf16>, tensor<24xf16>, tensor<24xf16>
}

// B1: result0 (f32): 72 values, {{.*}} PASS
// B1: check: PASS
func.func @train_batch_1(%x: tensor<1x8x3x3xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>,
                         %rm: tensor<8xf32>, %rv: tensor<8xf32>, %dy: tensor<1x8x3x3xf32>)
    -> tensor<1x8x3x3xf32> {
  %y, %nm, %nv, %mean, %rstd = norm.batch_norm train %x, %g, %b, %rm, %rv
      : tensor<1x8x3x3xf32>, params tensor<8xf32>, stats tensor<8xf32>
        saved_mean(tensor<8xf32>) saved_rstd(tensor<8xf32>)
  %dx = norm.batch_norm_grad train %dy, %x, %mean, %rstd, %g
      : tensor<1x8x3x3xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %dx : tensor<1x8x3x3xf32>
}

// 16 x 32 x 32 = 16384 values per channel: the sums in f64.
// LONG: result0 (f32): 262144 values, {{.*}} PASS
// LONG: check: PASS
func.func @train_long_nhwc(%x: tensor<16x32x32x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>,
                           %rm: tensor<16xf32>, %rv: tensor<16xf32>, %dy: tensor<16x32x32x16xf32>)
    -> (tensor<16x32x32x16xf32>, tensor<16xf32>, tensor<16xf32>) {
  %y, %nm, %nv, %mean, %rstd = norm.batch_norm train %x, %g, %b, %rm, %rv {channel_axis = -1 : i64}
      : tensor<16x32x32x16xf32>, params tensor<16xf32>, stats tensor<16xf32>
        saved_mean(tensor<16xf32>) saved_rstd(tensor<16xf32>)
  %dx, %dg, %db = norm.batch_norm_grad train %dy, %x, %mean, %rstd, %g {channel_axis = -1 : i64}
      : tensor<16x32x32x16xf32>, params tensor<16xf32>, stats tensor<16xf32>
        scale_grad(tensor<16xf32>) bias_grad(tensor<16xf32>)
  return %dx, %dg, %db : tensor<16x32x32x16xf32>, tensor<16xf32>, tensor<16xf32>
}

// FAR: result0 (f32): 1152 values, {{.*}} PASS
// FAR: check: PASS
func.func @train_mean_1e4(%x: tensor<8x4x6x6xf32>, %g: tensor<4xf32>, %dy: tensor<8x4x6x6xf32>)
    -> (tensor<8x4x6x6xf32>, tensor<4xf32>) {
  %zero = arith.constant dense<0.0> : tensor<4xf32>
  %one = arith.constant dense<1.0> : tensor<4xf32>
  %y, %nm, %nv, %mean, %rstd = norm.batch_norm train %x, %g, %zero, %zero, %one
      : tensor<8x4x6x6xf32>, params tensor<4xf32>, stats tensor<4xf32>
        saved_mean(tensor<4xf32>) saved_rstd(tensor<4xf32>)
  %dx, %dg = norm.batch_norm_grad train %dy, %x, %mean, %rstd, %g
      : tensor<8x4x6x6xf32>, params tensor<4xf32>, stats tensor<4xf32> scale_grad(tensor<4xf32>)
  return %dx, %dg : tensor<8x4x6x6xf32>, tensor<4xf32>
}
