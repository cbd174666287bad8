// Group and instance norm on the CPU, NCHW and NHWC, checked against the
// float64 reference.
// RUN: norm-run %s --entry=one_group_nchw --random-inputs --check | FileCheck %s --check-prefix=ONE
// RUN: norm-run %s --entry=instance_nchw --random-inputs --check | FileCheck %s --check-prefix=INST
// RUN: norm-run %s --entry=groups_nhwc_f16 --random-inputs --check | FileCheck %s --check-prefix=NHWC
// RUN: norm-run %s --entry=instance_nhwc --random-inputs --check | FileCheck %s --check-prefix=INSTNHWC
// RUN: norm-run %s --entry=groups_nchw --random-inputs --check --pipeline-options=vector-bits=512 | FileCheck %s --check-prefix=VEC
// RUN: norm-run %s --entry=groups_nchw --random-inputs --check --pipeline-options=vector-bits=256 --verify-each | FileCheck %s --check-prefix=VEC
// RUN: norm-run %s --entry=groups_nchw_bf16 --random-inputs --check | FileCheck %s --check-prefix=VECBF16

// ONE: result0 (f32): 400 values
// ONE: check: PASS
func.func @one_group_nchw(%x: tensor<2x8x5x5xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x8x5x5xf32> {
  %y = norm.group_norm %x scale(%g : tensor<8xf32>) bias(%b : tensor<8xf32>) {num_groups = 1 : i64} : tensor<2x8x5x5xf32>
  return %y : tensor<2x8x5x5xf32>
}

// INST: result0 (f32): 400 values
// INST: check: PASS
func.func @instance_nchw(%x: tensor<2x8x5x5xf32>, %g: tensor<8xf32>) -> tensor<2x8x5x5xf32> {
  %y = norm.group_norm %x scale(%g : tensor<8xf32>) {num_groups = 8 : i64} : tensor<2x8x5x5xf32>
  return %y : tensor<2x8x5x5xf32>
}

// NHWC: result0 (f16): 1152 values, {{.*}} max ulp {{0|1}}.0, PASS
// NHWC: check: PASS
func.func @groups_nhwc_f16(%x: tensor<2x6x6x16xf16>, %g: tensor<16xf16>, %b: tensor<16xf16>) -> tensor<2x6x6x16xf16> {
  %y = norm.group_norm %x scale(%g : tensor<16xf16>) bias(%b : tensor<16xf16>)
         {num_groups = 4 : i64, channel_axis = 3 : i64} : tensor<2x6x6x16xf16>
  return %y : tensor<2x6x6x16xf16>
}

// INSTNHWC: result0 (f32): 288 values
// INSTNHWC: check: PASS
func.func @instance_nhwc(%x: tensor<2x4x4x9xf32>) -> tensor<2x4x4x9xf32> {
  %y = norm.group_norm %x {num_groups = 9 : i64, channel_axis = -1 : i64} : tensor<2x4x4x9xf32>
  return %y : tensor<2x4x4x9xf32>
}

// NCHW with groups of 4 channels x 12 x 12: norm-tile-rows reduces each
// group as one run of 576 values with vector accumulators, and applies along
// H x W = 144 (12 is no multiple of a vector), in both vector widths (one
// run verifies the IR after every pass of the lowering).
// VEC: result0 (f32): 18432 values
// VEC: check: PASS
func.func @groups_nchw(%x: tensor<4x32x12x12xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>) -> tensor<4x32x12x12xf32> {
  %y = norm.group_norm %x scale(%g : tensor<32xf32>) bias(%b : tensor<32xf32>) {num_groups = 8 : i64} : tensor<4x32x12x12xf32>
  return %y : tensor<4x32x12x12xf32>
}

// VECBF16: result0 (bf16): 2048 values
// VECBF16: check: PASS
func.func @groups_nchw_bf16(%x: tensor<2x16x8x8xbf16>, %g: tensor<16xbf16>, %b: tensor<16xbf16>) -> tensor<2x16x8x8xbf16> {
  %y = norm.group_norm %x scale(%g : tensor<16xbf16>) bias(%b : tensor<16xbf16>) {num_groups = 2 : i64} : tensor<2x16x8x8xbf16>
  return %y : tensor<2x16x8x8xbf16>
}
