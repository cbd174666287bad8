// The gradient ops compiled for the CPU and checked against the float64
// evaluation (runtime/reference's layerNormGrad/rmsNormGrad, themselves
// checked against finite differences in test/Unit/Runtime/GradientTest.cpp):
// training steps whose forward saves mean and rstd and whose backward
// uses them, in one module; widths 1, odd, 4096 and 8192; f32, bf16, f16;
// batch 1; the fused residual forms; data with mean 1e4.
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-run %s --entry=layer_norm_step --random-inputs --check | FileCheck %s --check-prefix=LN
// RUN: norm-run %s --entry=layer_norm_width_1 --random-inputs --check | FileCheck %s --check-prefix=W1
// RUN: norm-run %s --entry=layer_norm_4096_bf16 --random-inputs --check | FileCheck %s --check-prefix=BF16
// RUN: norm-run %s --entry=rms_norm_8192_f16_gemma --random-inputs --check | FileCheck %s --check-prefix=F16
// RUN: norm-run %s --entry=layer_norm_8192_f16 --random-inputs --check | FileCheck %s --check-prefix=LNF16
// RUN: norm-run %s --entry=rms_norm_batch_1_weightless --random-inputs --check | FileCheck %s --check-prefix=B1
// RUN: norm-run %s --entry=rms_norm_odd_bf16 --random-inputs --check | FileCheck %s --check-prefix=ODD
// RUN: norm-run %s --entry=rms_norm_width_1 --random-inputs --check | FileCheck %s --check-prefix=RW1
// RUN: norm-run %s --entry=add_rms_norm_step --random-inputs --check | FileCheck %s --check-prefix=ADD
// RUN: norm-run %s --entry=add_layer_norm_step_bf16 --random-inputs --check | FileCheck %s --check-prefix=ADDLN
// RUN: norm-run %s --entry=blocks_and_rest --random-inputs --check | FileCheck %s --check-prefix=BLOCKS
// RUN: norm-run %s --entry=threads --random-inputs --num-threads=1 --output-dir=%t/one
// RUN: norm-run %s --entry=threads --random-inputs --num-threads=2 --output-dir=%t/two
// RUN: cmp %t/one/result0.npy %t/two/result0.npy
// RUN: cmp %t/one/result1.npy %t/two/result1.npy
// RUN: cmp %t/one/result2.npy %t/two/result2.npy
// RUN: %python -c "import numpy as n; r = n.random.default_rng(3); n.save('%t/x.npy', (r.standard_normal((4, 512)) * 0.5 + 1e4).astype(n.float32)); n.save('%t/g.npy', r.standard_normal(512).astype(n.float32)); n.save('%t/dy.npy', r.standard_normal((4, 512)).astype(n.float32))"
// RUN: norm-run %s --entry=layer_norm_mean_1e4 --input=%t/x.npy --input=%t/g.npy --input=%t/dy.npy --check | FileCheck %s --check-prefix=FAR

// LN: result1 (f32): 296 values, {{.*}} PASS
// LN: result2 (f32): 37 values, {{.*}} PASS
// LN: result3 (f32): 37 values, {{.*}} PASS
// LN: check: PASS
func.func @layer_norm_step(%x: tensor<8x37xf32>, %g: tensor<37xf32>, %b: tensor<37xf32>,
                           %dy: tensor<8x37xf32>)
    -> (tensor<8x37xf32>, tensor<8x37xf32>, tensor<37xf32>, tensor<37xf32>) {
  %y, %mean, %rstd = norm.layer_norm %x scale(%g : tensor<37xf32>) bias(%b : tensor<37xf32>)
      : tensor<8x37xf32> mean(tensor<8xf32>) rstd(tensor<8xf32>)
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %mean, %rstd scale(%g : tensor<37xf32>)
      : tensor<8x37xf32>, stats tensor<8xf32> scale_grad(tensor<37xf32>) bias_grad(tensor<37xf32>)
  return %y, %dx, %dg, %db : tensor<8x37xf32>, tensor<8x37xf32>, tensor<37xf32>, tensor<37xf32>
}

// A row of one value normalizes to 0 whatever it is: its gradient is 0.
// W1: result0 (f32): 6 values, max abs 0
// W1: check: PASS
func.func @layer_norm_width_1(%x: tensor<6x1xf32>, %dy: tensor<6x1xf32>) -> tensor<6x1xf32> {
  %y, %mean, %rstd = norm.layer_norm %x : tensor<6x1xf32> mean(tensor<6xf32>) rstd(tensor<6xf32>)
  %dx = norm.layer_norm_grad %dy, %x, %mean, %rstd : tensor<6x1xf32>, stats tensor<6xf32>
  return %dx : tensor<6x1xf32>
}

// BF16: result0 (bf16): 12288 values, {{.*}} max ulp {{0|1}}.0, PASS
// BF16: result1 (bf16): 4096 values, {{.*}} max ulp {{0|1}}.0, PASS
// BF16: result2 (bf16): 4096 values, {{.*}} max ulp {{0|1}}.0, PASS
// BF16: check: PASS
func.func @layer_norm_4096_bf16(%x: tensor<3x4096xbf16>, %g: tensor<4096xbf16>,
                                %dy: tensor<3x4096xbf16>)
    -> (tensor<3x4096xbf16>, tensor<4096xbf16>, tensor<4096xbf16>) {
  %y, %mean, %rstd = norm.layer_norm %x scale(%g : tensor<4096xbf16>)
      : tensor<3x4096xbf16> mean(tensor<3xf32>) rstd(tensor<3xf32>)
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %mean, %rstd scale(%g : tensor<4096xbf16>)
      : tensor<3x4096xbf16>, stats tensor<3xf32> scale_grad(tensor<4096xbf16>) bias_grad(tensor<4096xbf16>)
  return %dx, %dg, %db : tensor<3x4096xbf16>, tensor<4096xbf16>, tensor<4096xbf16>
}

// F16: result0 (f16): 16384 values, {{.*}} max ulp {{0|1}}.0, PASS
// F16: result1 (f16): 8192 values, {{.*}} max ulp {{0|1}}.0, PASS
// F16: check: PASS
func.func @rms_norm_8192_f16_gemma(%x: tensor<2x8192xf16>, %w: tensor<8192xf16>,
                                   %dy: tensor<2x8192xf16>)
    -> (tensor<2x8192xf16>, tensor<8192xf16>) {
  %y, %rstd = norm.rms_norm %x scale(%w : tensor<8192xf16>) {scale_offset = 1.0 : f64}
      : tensor<2x8192xf16> rstd(tensor<2xf32>)
  %dx, %dw = norm.rms_norm_grad %dy, %x, %rstd scale(%w : tensor<8192xf16>) {scale_offset = 1.0 : f64}
      : tensor<2x8192xf16>, stats tensor<2xf32> scale_grad(tensor<8192xf16>)
  return %dx, %dw : tensor<2x8192xf16>, tensor<8192xf16>
}

// LNF16: result0 (f16): 16384 values, {{.*}} max ulp {{0|1}}.0, PASS
// LNF16: result1 (f16): 8192 values, {{.*}} max ulp {{0|1}}.0, PASS
// LNF16: result2 (f16): 8192 values, {{.*}} max ulp {{0|1}}.0, PASS
// LNF16: check: PASS
func.func @layer_norm_8192_f16(%x: tensor<2x8192xf16>, %g: tensor<8192xf16>, %b: tensor<8192xf16>,
                               %dy: tensor<2x8192xf16>)
    -> (tensor<2x8192xf16>, tensor<8192xf16>, tensor<8192xf16>) {
  %y, %mean, %rstd = norm.layer_norm %x scale(%g : tensor<8192xf16>) bias(%b : tensor<8192xf16>)
      : tensor<2x8192xf16> mean(tensor<2xf32>) rstd(tensor<2xf32>)
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %mean, %rstd scale(%g : tensor<8192xf16>)
      : tensor<2x8192xf16>, stats tensor<2xf32> scale_grad(tensor<8192xf16>) bias_grad(tensor<8192xf16>)
  return %dx, %dg, %db : tensor<2x8192xf16>, tensor<8192xf16>, tensor<8192xf16>
}

// ODD: result0 (bf16): 4995 values, {{.*}} max ulp {{0|1}}.0, PASS
// ODD: result1 (bf16): 999 values, {{.*}} max ulp {{0|1}}.0, PASS
// ODD: check: PASS
func.func @rms_norm_odd_bf16(%x: tensor<5x999xbf16>, %w: tensor<999xbf16>, %dy: tensor<5x999xbf16>)
    -> (tensor<5x999xbf16>, tensor<999xbf16>) {
  %y, %rstd = norm.rms_norm %x scale(%w : tensor<999xbf16>) : tensor<5x999xbf16> rstd(tensor<5xf32>)
  %dx, %dw = norm.rms_norm_grad %dy, %x, %rstd scale(%w : tensor<999xbf16>)
      : tensor<5x999xbf16>, stats tensor<5xf32> scale_grad(tensor<999xbf16>)
  return %dx, %dw : tensor<5x999xbf16>, tensor<999xbf16>
}

// A row of one value x normalizes to x / sqrt(x^2 + eps): dx = dy w eps rstd^3.
// RW1: result0 (f32): 7 values, {{.*}} PASS
// RW1: result1 (f32): 1 values, {{.*}} PASS
// RW1: check: PASS
func.func @rms_norm_width_1(%x: tensor<7x1xf32>, %w: tensor<1xf32>, %dy: tensor<7x1xf32>)
    -> (tensor<7x1xf32>, tensor<1xf32>) {
  %y, %rstd = norm.rms_norm %x scale(%w : tensor<1xf32>) : tensor<7x1xf32> rstd(tensor<7xf32>)
  %dx, %dw = norm.rms_norm_grad %dy, %x, %rstd scale(%w : tensor<1xf32>)
      : tensor<7x1xf32>, stats tensor<7xf32> scale_grad(tensor<1xf32>)
  return %dx, %dw : tensor<7x1xf32>, tensor<1xf32>
}

// B1: result0 (f32): 4096 values, {{.*}} PASS
// B1: check: PASS
func.func @rms_norm_batch_1_weightless(%x: tensor<1x4096xf32>, %dy: tensor<1x4096xf32>)
    -> tensor<1x4096xf32> {
  %y, %rstd = norm.rms_norm %x : tensor<1x4096xf32> rstd(tensor<1xf32>)
  %dx = norm.rms_norm_grad %dy, %x, %rstd : tensor<1x4096xf32>, stats tensor<1xf32>
  return %dx : tensor<1x4096xf32>
}

// The pre-norm residual: h = x + r feeds the norm and the next residual
// add, whose gradient %dh arrives too; both summands get one gradient.
// ADD: result0 (f32): 1024 values, {{.*}} PASS
// ADD: result1 (f32): 256 values, {{.*}} PASS
// ADD: check: PASS
func.func @add_rms_norm_step(%x: tensor<4x256xf32>, %r: tensor<4x256xf32>,
                             %w: tensor<256xf32>, %dy: tensor<4x256xf32>,
                             %dh: tensor<4x256xf32>)
    -> (tensor<4x256xf32>, tensor<256xf32>) {
  %h = arith.addf %x, %r : tensor<4x256xf32>
  %y, %rstd = norm.rms_norm %h scale(%w : tensor<256xf32>) : tensor<4x256xf32> rstd(tensor<4xf32>)
  %ds, %dw = norm.rms_norm_grad %dy, %h, %rstd scale(%w : tensor<256xf32>) sum_grad(%dh : tensor<4x256xf32>)
      : tensor<4x256xf32>, stats tensor<4xf32> scale_grad(tensor<256xf32>)
  return %ds, %dw : tensor<4x256xf32>, tensor<256xf32>
}

// ADDLN: result0 (bf16): 2304 values, {{.*}} max ulp {{0|1}}.0, PASS
// ADDLN: check: PASS
func.func @add_layer_norm_step_bf16(%x: tensor<2x3x384xbf16>, %r: tensor<2x3x384xbf16>,
                                    %dy: tensor<2x3x384xbf16>, %dh: tensor<2x3x384xbf16>)
    -> tensor<2x3x384xbf16> {
  %h = arith.addf %x, %r : tensor<2x3x384xbf16>
  %y, %mean, %rstd = norm.layer_norm %h : tensor<2x3x384xbf16> mean(tensor<2x3xf32>) rstd(tensor<2x3xf32>)
  %ds = norm.layer_norm_grad %dy, %h, %mean, %rstd sum_grad(%dh : tensor<2x3x384xbf16>)
      : tensor<2x3x384xbf16>, stats tensor<2x3xf32>
  return %ds : tensor<2x3x384xbf16>
}

// Far from 0 the forward's two-pass statistics keep xhat exact enough.
// FAR: result1 (f32): 2048 values, {{.*}} PASS
// FAR: result2 (f32): 512 values, {{.*}} PASS
// FAR: check: PASS
func.func @layer_norm_mean_1e4(%x: tensor<4x512xf32>, %g: tensor<512xf32>, %dy: tensor<4x512xf32>)
    -> (tensor<4x512xf32>, tensor<4x512xf32>, tensor<512xf32>) {
  %y, %mean, %rstd = norm.layer_norm %x scale(%g : tensor<512xf32>)
      : tensor<4x512xf32> mean(tensor<4xf32>) rstd(tensor<4xf32>)
  %dx, %dg = norm.layer_norm_grad %dy, %x, %mean, %rstd scale(%g : tensor<512xf32>)
      : tensor<4x512xf32>, stats tensor<4xf32> scale_grad(tensor<512xf32>)
  return %y, %dx, %dg : tensor<4x512xf32>, tensor<4x512xf32>, tensor<512xf32>
}

// The bits do not depend on the number of threads: rows are split across
// threads, the cross-row sums are not (compared with cmp above).
func.func @threads(%x: tensor<64x1024xf32>, %g: tensor<1024xf32>, %dy: tensor<64x1024xf32>)
    -> (tensor<64x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) {
  %y, %mean, %rstd = norm.layer_norm %x scale(%g : tensor<1024xf32>)
      : tensor<64x1024xf32> mean(tensor<64xf32>) rstd(tensor<64xf32>)
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %mean, %rstd scale(%g : tensor<1024xf32>)
      : tensor<64x1024xf32>, stats tensor<64xf32> scale_grad(tensor<1024xf32>) bias_grad(tensor<1024xf32>)
  return %dx, %dg, %db : tensor<64x1024xf32>, tensor<1024xf32>, tensor<1024xf32>
}

// 77 rows: two blocks of 32 (partial sums merged in order) and 13 after.
// BLOCKS: result0 (f32): 7392 values, {{.*}} PASS
// BLOCKS: result1 (f32): 96 values, {{.*}} PASS
// BLOCKS: result2 (f32): 96 values, {{.*}} PASS
// BLOCKS: check: PASS
func.func @blocks_and_rest(%x: tensor<77x96xf32>, %g: tensor<96xf32>, %dy: tensor<77x96xf32>)
    -> (tensor<77x96xf32>, tensor<96xf32>, tensor<96xf32>) {
  %y, %mean, %rstd = norm.layer_norm %x scale(%g : tensor<96xf32>)
      : tensor<77x96xf32> mean(tensor<77xf32>) rstd(tensor<77xf32>)
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %mean, %rstd scale(%g : tensor<96xf32>)
      : tensor<77x96xf32>, stats tensor<77xf32> scale_grad(tensor<96xf32>) bias_grad(tensor<96xf32>)
  return %dx, %dg, %db : tensor<77x96xf32>, tensor<96xf32>, tensor<96xf32>
}
