// Group and instance norm on the CPU, NCHW and NHWC, checked against the
// float64 reference.
// RUN: norm-run %s --entry=one_group_nchw --random-inputs --check | FileCheck %s --check-prefix=ONE
// RUN: norm-run %s --entry=instance_nchw --random-inputs --check | FileCheck %s --check-prefix=INST
// RUN: norm-run %s --entry=groups_nhwc_f16 --random-inputs --check | FileCheck %s --check-prefix=NHWC
// RUN: norm-run %s --entry=instance_nhwc --random-inputs --check | FileCheck %s --check-prefix=INSTNHWC

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
