// Statistics that do not depend on the order of the elements, long sums that
// stay accurate, no silent 0, bias or Inf from overflow or underflow, exact
// bf16: each case against the float64 reference (f32 1e-5 relative, bf16 one
// ulp), the adversarial inputs from Inputs/numerics.py.
// RUN: rm -rf %t && %python %S/Inputs/numerics.py %t
//
// An extreme value first or last, +-Inf and NaN rows: the same accuracy
// whatever the order (the *_perm inputs permute every row).
// RUN: norm-run %s --entry=ln_rows --input=%t/rows.npy --check | FileCheck %s --check-prefix=ROWS
// RUN: norm-run %s --entry=ln_rows --input=%t/rows_perm.npy --check | FileCheck %s --check-prefix=ROWS
// RUN: norm-run %s --entry=ln_rows --input=%t/rows.npy --output-dir=%t/rows.out
// RUN: %python -c "import numpy as n; m = n.load('%t/rows.out/result1.npy'); y = n.load('%t/rows.out/result0.npy'); print(m[2], m[3], n.isnan(y[2:5]).all(), n.isfinite(y[[0, 1, 5]]).all())" | FileCheck %s --check-prefix=SPECIAL
// RUN: norm-run %s --entry=ln_rows_f16 --input=%t/rows_f16.npy --check | FileCheck %s --check-prefix=F16
// RUN: norm-run %s --entry=ln_rows_f16 --input=%t/rows_f16_perm.npy --check | FileCheck %s --check-prefix=F16
// Long rows: a mean of 1e4 with a far first element, 2^18-wide RMS rows.
// RUN: norm-run %s --entry=ln_far --input=%t/far.npy --check | FileCheck %s --check-prefix=FAR
// RUN: norm-run %s --entry=ln_mean_1e6 --input=%t/mean6.npy --check | FileCheck %s --check-prefix=MEAN6
// RUN: norm-run %s --entry=ln_far --input=%t/far_perm.npy --check | FileCheck %s --check-prefix=FAR
// RUN: norm-run %s --entry=rms_wide --input=%t/wide.npy --check | FileCheck %s --check-prefix=WIDE
// The longest reductions in f32: 8192-value rows, 6272-value groups.
// RUN: norm-run %s --entry=ln_far_8192 --input=%t/far8k.npy --check | FileCheck %s --check-prefix=FAR8K
// RUN: norm-run %s --entry=gn_groups --input=%t/groups.npy --check | FileCheck %s --check-prefix=GROUPS
// Long reductions over outer dims: weight norm of 65537 rows and 17
// columns, batch norm over 2^20 values per channel, NHWC group norm.
// RUN: norm-run %s --entry=wn_columns --input=%t/columns.npy --input=%t/g17.npy --check | FileCheck %s --check-prefix=COLS
// RUN: norm-run %s --entry=bn_channels --input=%t/channels.npy --input=%t/c2.npy --input=%t/z2.npy --input=%t/z2.npy --input=%t/c2.npy --check | FileCheck %s --check-prefix=BN
// RUN: norm-run %s --entry=gn_nhwc --input=%t/nhwc.npy --check | FileCheck %s --check-prefix=GN
// Squares that fit f32 but whose sums do not, squares that underflow: the
// f32 statistics are computed again in f64.
// RUN: norm-run %s --entry=ln_huge --input=%t/huge.npy --check | FileCheck %s --check-prefix=HUGE
// RUN: norm-run %s --entry=rms_huge --input=%t/huge.npy --input=%t/g64.npy --check | FileCheck %s --check-prefix=HUGE
// RUN: norm-run %s --entry=wn_tiny --input=%t/tiny.npy --input=%t/g8.npy --check | FileCheck %s --check-prefix=TINY
// RUN: norm-run %s --entry=ln_tiny_eps --input=%t/tiny.npy --check | FileCheck %s --check-prefix=TINY
// bf16: subnormal sums kept, data near bf16's largest value.
// RUN: norm-run %s --entry=add_rms_subnormal_bf16 --input=%t/sub_x.npy --input=%t/sub_r.npy --input=%t/g64_bf16.npy --check | FileCheck %s --check-prefix=SUB
// RUN: norm-run %s --entry=big_bf16 --input=%t/big_bf16.npy --input=%t/g64_bf16.npy --check | FileCheck %s --check-prefix=BIGBF

// ROWS: result0 (f32): 24582 values, {{.*}} PASS
// ROWS: result1 (f32): 6 values, {{.*}} PASS
// ROWS: result2 (f32): 6 values, {{.*}} PASS
// ROWS: check: PASS
// SPECIAL: inf -inf True True
func.func @ln_rows(%x: tensor<6x4097xf32>) -> (tensor<6x4097xf32>, tensor<6xf32>, tensor<6xf32>) {
  %y, %m, %r = norm.layer_norm %x : tensor<6x4097xf32> mean(tensor<6xf32>) rstd(tensor<6xf32>)
  return %y, %m, %r : tensor<6x4097xf32>, tensor<6xf32>, tensor<6xf32>
}

// F16: result0 (f16): 4096 values, {{.*}} max ulp {{0|1}}.0, PASS
// F16: check: PASS
func.func @ln_rows_f16(%x: tensor<4x1024xf16>) -> tensor<4x1024xf16> {
  %y = norm.layer_norm %x : tensor<4x1024xf16>
  return %y : tensor<4x1024xf16>
}

// FAR: result0 (f32): 131074 values, {{.*}} PASS
// FAR: result1 (f32): 2 values, {{.*}} PASS
// FAR: check: PASS
func.func @ln_far(%x: tensor<2x65537xf32>) -> (tensor<2x65537xf32>, tensor<2xf32>) {
  %y, %m = norm.layer_norm %x : tensor<2x65537xf32> mean(tensor<2xf32>)
  return %y, %m : tensor<2x65537xf32>, tensor<2xf32>
}

// MEAN6: result0 (f32): 16384 values, {{.*}} PASS
// MEAN6: result1 (f32): 4 values, {{.*}} PASS
// MEAN6: result2 (f32): 4 values, {{.*}} PASS
// MEAN6: check: PASS
func.func @ln_mean_1e6(%x: tensor<4x4096xf32>) -> (tensor<4x4096xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %m, %r = norm.layer_norm %x : tensor<4x4096xf32> mean(tensor<4xf32>) rstd(tensor<4xf32>)
  return %y, %m, %r : tensor<4x4096xf32>, tensor<4xf32>, tensor<4xf32>
}

// FAR8K: result0 (f32): 32768 values, {{.*}} PASS
// FAR8K: check: PASS
func.func @ln_far_8192(%x: tensor<4x8192xf32>) -> tensor<4x8192xf32> {
  %y = norm.layer_norm %x : tensor<4x8192xf32>
  return %y : tensor<4x8192xf32>
}

// GROUPS: result0 (f32): 100352 values, {{.*}} PASS
// GROUPS: check: PASS
func.func @gn_groups(%x: tensor<2x64x28x28xf32>) -> tensor<2x64x28x28xf32> {
  %y = norm.group_norm %x {num_groups = 8 : i64} : tensor<2x64x28x28xf32>
  return %y : tensor<2x64x28x28xf32>
}

// WIDE: result0 (f32): 524288 values, {{.*}} PASS
// WIDE: check: PASS
func.func @rms_wide(%x: tensor<2x262144xf32>) -> tensor<2x262144xf32> {
  %y = norm.rms_norm %x : tensor<2x262144xf32>
  return %y : tensor<2x262144xf32>
}

// COLS: result0 (f32): 1114129 values, {{.*}} PASS
// COLS: check: PASS
func.func @wn_columns(%v: tensor<65537x17xf32>, %g: tensor<17xf32>) -> tensor<65537x17xf32> {
  %w = norm.weight_norm %v, %g {dim = -1 : i64} : tensor<65537x17xf32>, tensor<17xf32>
  return %w : tensor<65537x17xf32>
}

// BN: result0 (f32): 2097152 values, {{.*}} PASS
// BN: result1 (f32): 2 values, {{.*}} PASS
// BN: result2 (f32): 2 values, {{.*}} PASS
// BN: check: PASS
func.func @bn_channels(%x: tensor<16x2x256x256xf32>, %g: tensor<2xf32>, %b: tensor<2xf32>,
                       %m: tensor<2xf32>, %v: tensor<2xf32>)
    -> (tensor<16x2x256x256xf32>, tensor<2xf32>, tensor<2xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v
      : tensor<16x2x256x256xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y, %nm, %nv : tensor<16x2x256x256xf32>, tensor<2xf32>, tensor<2xf32>
}

// GN: result0 (f32): 262144 values, {{.*}} PASS
// GN: check: PASS
func.func @gn_nhwc(%x: tensor<2x64x64x32xf32>) -> tensor<2x64x64x32xf32> {
  %y = norm.group_norm %x {num_groups = 2 : i64, channel_axis = -1 : i64} : tensor<2x64x64x32xf32>
  return %y : tensor<2x64x64x32xf32>
}

// HUGE: result0 (f32): 256 values, {{.*}} PASS
// HUGE: check: PASS
func.func @ln_huge(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %y = norm.layer_norm %x : tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}
func.func @rms_huge(%x: tensor<4x64xf32>, %g: tensor<64xf32>) -> tensor<4x64xf32> {
  %y = norm.rms_norm %x scale(%g : tensor<64xf32>) : tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// TINY: result0 (f32): 512 values, {{.*}} PASS
// TINY: check: PASS
func.func @wn_tiny(%v: tensor<8x64xf32>, %g: tensor<8xf32>) -> tensor<8x64xf32> {
  %w = norm.weight_norm %v, %g {dim = 0 : i64} : tensor<8x64xf32>, tensor<8xf32>
  return %w : tensor<8x64xf32>
}
func.func @ln_tiny_eps(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %y = norm.layer_norm %x {epsilon = 1.0e-30 : f64} : tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

// SUB: result0 (bf16): 256 values, {{.*}} max ulp {{0|1}}.0, PASS
// SUB: result1 (bf16): 256 values, {{.*}} max ulp 0.0, PASS
// SUB: check: PASS
func.func @add_rms_subnormal_bf16(%x: tensor<4x64xbf16>, %r: tensor<4x64xbf16>, %g: tensor<64xbf16>)
    -> (tensor<4x64xbf16>, tensor<4x64xbf16>) {
  %y, %s = norm.add_rms_norm %x, %r scale(%g : tensor<64xbf16>) : tensor<4x64xbf16>
  return %y, %s : tensor<4x64xbf16>, tensor<4x64xbf16>
}

// BIGBF: result0 (bf16): 256 values, {{.*}} max ulp {{0|1}}.0, PASS
// BIGBF: check: PASS
func.func @big_bf16(%x: tensor<4x64xbf16>, %g: tensor<64xbf16>) -> tensor<4x64xbf16> {
  %y = norm.layer_norm %x scale(%g : tensor<64xbf16>) : tensor<4x64xbf16>
  return %y : tensor<4x64xbf16>
}
