// The ops passes create (fused residual forms, projection fusions, SyncBN
// pieces) on the CPU, checked against the float64 reference.
// RUN: norm-run %s --entry=add_rms_norm_bf16 --random-inputs --check | FileCheck %s --check-prefix=ADDRMS
// RUN: norm-run %s --entry=add_layer_norm_f32 --random-inputs --check | FileCheck %s --check-prefix=ADDLN
// RUN: norm-run %s --entry=qk_project_norm --random-inputs --check | FileCheck %s --check-prefix=QK
// RUN: norm-run %s --entry=flashnorm_projection --random-inputs --check | FileCheck %s --check-prefix=FLASH
// RUN: norm-run %s --entry=sync_batch_norm --random-inputs --check | FileCheck %s --check-prefix=SYNC
// RUN: norm-run %s --entry=add_layer_norm_tiles --random-inputs --check --pipeline-options=streaming-threshold=1024 | FileCheck %s --check-prefix=ADDTILES

// ADDRMS: result0 (bf16): 16384 values, {{.*}} max ulp {{0|1}}.0, PASS
// ADDRMS: result1 (bf16): 16384 values, {{.*}} max ulp 0.0, PASS
// ADDRMS: check: PASS
func.func @add_rms_norm_bf16(%x: tensor<4x4096xbf16>, %r: tensor<4x4096xbf16>, %w: tensor<4096xbf16>)
    -> (tensor<4x4096xbf16>, tensor<4x4096xbf16>) {
  %y, %sum = norm.add_rms_norm %x, %r scale(%w : tensor<4096xbf16>) : tensor<4x4096xbf16>
  return %y, %sum : tensor<4x4096xbf16>, tensor<4x4096xbf16>
}

// ADDLN: result0 (f32): 231 values
// ADDLN: check: PASS
func.func @add_layer_norm_f32(%x: tensor<3x7x11xf32>, %r: tensor<3x7x11xf32>, %g: tensor<11xf32>,
                              %b: tensor<11xf32>) -> (tensor<3x7x11xf32>, tensor<3x7x11xf32>) {
  %y, %sum = norm.add_layer_norm %x, %r scale(%g : tensor<11xf32>) bias(%b : tensor<11xf32>)
               : tensor<3x7x11xf32>
  return %y, %sum : tensor<3x7x11xf32>, tensor<3x7x11xf32>
}

// Tiles of 4 rows of 256: the reductions and the apply compute the sum
// themselves, and the apply writes it too, here with non-temporal stores.
// ADDTILES: result0 (f32): 16384 values
// ADDTILES: result1 (f32): 16384 values, max abs 0.0e+00
// ADDTILES: check: PASS
func.func @add_layer_norm_tiles(%x: tensor<64x256xf32>, %r: tensor<64x256xf32>, %g: tensor<256xf32>,
                                %b: tensor<256xf32>) -> (tensor<64x256xf32>, tensor<64x256xf32>) {
  %y, %sum = norm.add_layer_norm %x, %r scale(%g : tensor<256xf32>) bias(%b : tensor<256xf32>)
               : tensor<64x256xf32>
  return %y, %sum : tensor<64x256xf32>, tensor<64x256xf32>
}

// A K projection with per-head RMS norm (QK-norm) in its epilogue.
// QK: result0 (f32): 768 values
// QK: check: PASS
func.func @qk_project_norm(%x: tensor<2x6x32xf32>, %w: tensor<32x64xf32>, %pb: tensor<64xf32>,
                           %g: tensor<16xf32>) -> tensor<2x6x64xf32> {
  %k = norm.project_norm rms %x, %w proj_bias(%pb : tensor<64xf32>) scale(%g : tensor<16xf32>)
         {head_dim = 16 : i64, epsilon = 1.0e-6 : f64}
         : tensor<2x6x32xf32>, tensor<32x64xf32> -> tensor<2x6x64xf32>
  return %k : tensor<2x6x64xf32>
}

// FLASH: result0 (f32): 240 values
// FLASH: check: PASS
func.func @flashnorm_projection(%x: tensor<5x24xf32>, %w: tensor<24x48xf32>, %b: tensor<48xf32>)
    -> tensor<5x48xf32> {
  %y = norm.norm_project layer %x, %w bias(%b : tensor<48xf32>) {epsilon = 1.0e-5 : f64}
         : tensor<5x24xf32>, tensor<24x48xf32> -> tensor<5x48xf32>
  return %y : tensor<5x48xf32>
}

// Local statistics, the (single-process) collective, then the apply.
// SYNC: result0 (f32): 240 values
// SYNC: result1 (f32): 4 values, max abs 0.0e+00
// SYNC: check: PASS
func.func @sync_batch_norm(%x: tensor<6x4x10xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>)
    -> (tensor<6x4x10xf32>, tensor<4xf32>, tensor<4xf32>) {
  %n, %mean, %m2 = norm.batch_stats %x : tensor<6x4x10xf32> -> tensor<4xf32>
  %tn, %tmean, %tm2 = norm.all_reduce_stats "dp" %n, %mean, %m2 : tensor<4xf32>
  %var = arith.divf %tm2, %tn : tensor<4xf32>
  %y = norm.batch_norm_apply %x, %tmean, %var scale(%g : tensor<4xf32>) bias(%b : tensor<4xf32>)
         : tensor<6x4x10xf32>, tensor<4xf32>
  return %y, %tn, %tm2 : tensor<6x4x10xf32>, tensor<4xf32>, tensor<4xf32>
}
