// RUN: norm-opt %s --convert-norm-to-gpu --canonicalize --split-input-file | FileCheck %s

// A wide f32 row: one CTA of 128 threads per row, each keeping 8 vectors of
// 4 (4096 = 128 x 8 x 4), no bounds checks; the warps' sums through 3 x 4
// shared slots (the mean, then the sums of the deviations and of their
// squares: the corrected two-pass algorithm).
// CHECK-LABEL: func.func @layer_norm_wide
// CHECK-DAG:     %[[C128:.*]] = arith.constant 128 : index
// CHECK-DAG:     %[[ROWS:.*]] = arith.constant 16384 : index
// CHECK:         %[[Y:.*]] = memref.alloc() : memref<16384x4096xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %[[ROWS]], {{.*}}) threads({{.*}}) in ({{.*}} = %[[C128]], {{.*}} = %c1{{.*}}, {{.*}}) workgroup(%[[SMEM:.*]] : memref<12xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-8: vector.load %{{.*}} {alignment = 16 : i64} : memref<16384x4096xf32>, vector<4xf32>
// CHECK-NOT:     scf.if
// CHECK-COUNT-5: gpu.shuffle  xor
// CHECK:         memref.store {{.*}}, %[[SMEM]]
// CHECK:         gpu.barrier
// CHECK-COUNT-8: arith.subf {{.*}} : vector<4xf32>
// CHECK-COUNT-5: gpu.shuffle  xor
// CHECK:         gpu.barrier
// CHECK-COUNT-5: gpu.shuffle  xor
// CHECK:         gpu.barrier
// CHECK:         arith.maximumf
// CHECK:         math.rsqrt
// CHECK-COUNT-8: vector.store {{.*}} {alignment = 16 : i64} : memref<16384x4096xf32>, vector<4xf32>
// CHECK:         bufferization.to_tensor %[[Y]] restrict writable
// CHECK-NOT:     norm.layer_norm
func.func @layer_norm_wide(%x: tensor<16384x4096xf32>, %g: tensor<4096xf32>,
                           %b: tensor<4096xf32>) -> tensor<16384x4096xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<4096xf32>) bias(%b : tensor<4096xf32>)
         : tensor<16384x4096xf32>
  return %y : tensor<16384x4096xf32>
}

// -----

// Per-head QK-norm, bf16 rows of 128: 16 lanes per row (one vector of 8
// each), 8 rows per 128-thread CTA, shuffles only (no shared memory, no
// barrier). Rows are flattened over (tokens, heads); the grid rounds up and
// rows past the end store nothing.
// CHECK-LABEL: func.func @qk_norm
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[CTAS:.*]] = arith.constant 16384 : index
// CHECK:         memref.collapse_shape {{.*}} {{\[\[}}0, 1], [2]] : memref<4096x32x128xbf16> into memref<131072x128xbf16>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %[[CTAS]], {{.*}}) threads({{.*}}) in ({{.*}} = %[[C16]], {{.*}} = %[[C8]], {{.*}})
// CHECK-NOT:     workgroup
// CHECK:         vector.load {{.*}} {alignment = 16 : i64} : memref<131072x128xbf16>, vector<8xbf16>
// CHECK:         arith.extf {{.*}} : vector<8xbf16> to vector<8xf32>
// CHECK-COUNT-4: gpu.shuffle  xor
// CHECK-NOT:     gpu.shuffle
// CHECK-NOT:     gpu.barrier
// CHECK:         arith.truncf {{.*}} : vector<8xf32> to vector<8xbf16>
// CHECK:         scf.if
// CHECK-NEXT:      vector.store
// CHECK-NOT:     norm.rms_norm
func.func @qk_norm(%q: tensor<4096x32x128xbf16>, %w: tensor<128xbf16>)
    -> tensor<4096x32x128xbf16> {
  %y = norm.rms_norm %q scale(%w : tensor<128xbf16>) : tensor<4096x32x128xbf16>
  return %y : tensor<4096x32x128xbf16>
}

// -----

// A row of 96 f32 (24 vectors) on a warp: the lanes past the row load
// zeros, do not count in the variance, and store nothing. The sum is stored
// too, and the residual row read once.
// CHECK-LABEL: func.func @add_layer_norm_ragged
// CHECK:         %[[SUM:.*]] = memref.alloc() : memref<37x96xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c10, {{.*}}) threads({{.*}}) in ({{.*}} = %c32, {{.*}} = %c4, {{.*}})
// CHECK:         %[[ROW_OK:.*]] = arith.cmpi ult, %{{.*}}, %c37
// CHECK:         %[[IN:.*]] = arith.cmpi ult, %{{.*}}, %c24
// CHECK:         %[[XR:.*]]:2 = scf.if %[[IN]] -> (vector<4xf32>, vector<4xf32>)
// CHECK:           vector.load
// CHECK:           vector.load
// CHECK:         } else {
// CHECK:           scf.yield %[[ZERO:.*]], %[[ZERO]]
// CHECK:         %[[H:.*]] = arith.addf %[[XR]]#0, %[[XR]]#1 : vector<4xf32>
// CHECK:         %[[STORE_OK:.*]] = arith.andi %[[IN]], %[[ROW_OK]]
// CHECK:         scf.if %[[STORE_OK]] {
// CHECK-NEXT:      vector.store %[[H]], %[[SUM]]
// CHECK:         arith.select %[[IN]]
// CHECK-NOT:     norm.add_layer_norm
func.func @add_layer_norm_ragged(%x: tensor<37x96xf32>, %r: tensor<37x96xf32>)
    -> (tensor<37x96xf32>, tensor<37x96xf32>) {
  %y, %s = norm.add_layer_norm %x, %r : tensor<37x96xf32>
  return %y, %s : tensor<37x96xf32>, tensor<37x96xf32>
}

// -----

// The optional statistics results are written by the first thread of a row.
// CHECK-LABEL: func.func @layer_norm_stats
// CHECK:         %[[MEAN:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK:         %[[RSTD:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK:         gpu.launch
// CHECK:           memref.store %{{.*}}, %[[MEAN]]
// CHECK:           memref.store %{{.*}}, %[[RSTD]]
func.func @layer_norm_stats(%x: tensor<?x256xf32>)
    -> (tensor<?x256xf32>, tensor<?xf32>, tensor<?xf32>) {
  %y, %m, %r = norm.layer_norm %x : tensor<?x256xf32> mean(tensor<?xf32>) rstd(tensor<?xf32>)
  return %y, %m, %r : tensor<?x256xf32>, tensor<?xf32>, tensor<?xf32>
}

// -----

// Group norm over NCHW: a row is one group of 8 channels x 28 x 28 (6272
// f32, 1568 vectors: 224 threads of 7); every vector lies in one channel,
// whose scale is loaded once and broadcast: channel (row % 32) * 8 + col / 784.
// CHECK-LABEL: func.func @group_norm_nchw
// CHECK:         memref.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [2048, 6272] : memref<12845056xf32> into memref<2048x6272xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c2048, {{.*}}) threads({{.*}}) in ({{.*}} = %c224, {{.*}}) workgroup(%{{.*}} : memref<21xf32, #gpu.address_space<workgroup>>)
// CHECK:         %[[ROW:.*]] = arith.minui %{{.*}}, %c2047
// CHECK-COUNT-7: vector.load {{.*}} : memref<2048x6272xf32>, vector<4xf32>
// CHECK:         %[[G:.*]] = arith.remui %[[ROW]], %c32
// CHECK-DAG:     %[[BASE:.*]] = arith.muli %[[G]], %c8
// CHECK-DAG:     %[[C:.*]] = arith.divui %{{.*}}, %c784
// CHECK:         %[[CH:.*]] = arith.addi %[[BASE]], %[[C]]
// CHECK:         %[[CL:.*]] = arith.minui %[[CH]], %c255
// CHECK:         %[[GAMMA:.*]] = tensor.extract %{{.*}}[%[[CL]]] : tensor<256xf32>
// CHECK:         vector.broadcast %[[GAMMA]] : f32 to vector<4xf32>
// CHECK-NOT:     norm.group_norm
func.func @group_norm_nchw(%x: tensor<64x256x28x28xf32>, %g: tensor<256xf32>)
    -> tensor<64x256x28x28xf32> {
  %y = norm.group_norm %x scale(%g : tensor<256xf32>) {num_groups = 32 : i64}
         : tensor<64x256x28x28xf32>
  return %y : tensor<64x256x28x28xf32>
}

// -----

// Left to convert-norm-to-linalg: a row too wide for registers, f64
// statistics, a whole tensor as one row, group norm over NHWC (a group's
// channels are not contiguous), and batch norm.
// CHECK-LABEL: func.func @not_row_kernels
// CHECK-NOT:     gpu.launch
// CHECK:         norm.rms_norm {{.*}} : tensor<4x65536xf32>
// CHECK:         norm.layer_norm {{.*}} : tensor<4x512xf32>
// CHECK:         norm.layer_norm {{.*}} : tensor<512xf32>
// CHECK:         norm.group_norm
// CHECK:         norm.batch_norm
func.func @not_row_kernels(%a: tensor<4x65536xf32>,
                           %c: tensor<4x512xf32>, %d: tensor<512xf32>,
                           %e: tensor<8x16x4x4xf32>, %p: tensor<16xf32>,
                           %f: tensor<2x4x4x16xf32>)
    -> (tensor<4x65536xf32>, tensor<4x512xf32>, tensor<512xf32>,
        tensor<2x4x4x16xf32>, tensor<8x16x4x4xf32>) {
  %0 = norm.rms_norm %a : tensor<4x65536xf32>
  %2 = norm.layer_norm %c {compute_type = f64} : tensor<4x512xf32>
  %3 = norm.layer_norm %d {axis = 0 : i64} : tensor<512xf32>
  %5 = norm.group_norm %f {num_groups = 4 : i64, channel_axis = 3 : i64}
         : tensor<2x4x4x16xf32>
  %4:3 = norm.batch_norm train %e, %p, %p, %p, %p
         : tensor<8x16x4x4xf32>, params tensor<16xf32>, stats tensor<16xf32>
  return %0, %2, %3, %5, %4#0
      : tensor<4x65536xf32>, tensor<4x512xf32>, tensor<512xf32>,
        tensor<2x4x4x16xf32>, tensor<8x16x4x4xf32>
}
