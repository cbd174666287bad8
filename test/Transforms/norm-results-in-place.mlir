// RUN: norm-opt %s --split-input-file --norm-results-in-place | FileCheck %s

// Group norm's (N, G, C/G, H, W) result written straight into the caller's
// (N, C, H, W) buffer: no temporary, no copy.
// CHECK-LABEL: func.func @grouped
// CHECK-SAME:    (%[[X:.*]]: memref<2x8x4x4xf32>, %[[OUT:.*]]: memref<2x8x4x4xf32> {bufferize.result})
// CHECK:         %[[VIEW:.*]] = memref.expand_shape %[[OUT]] {{\[}}[0], [1, 2], [3], [4]] output_shape [2, 2, 4, 4, 4]
// CHECK:         linalg.generic {{.*}} outs(%[[VIEW]] : memref<2x2x4x4x4xf32>)
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     memref.copy
// CHECK:         return
func.func @grouped(%x: memref<2x8x4x4xf32>, %out: memref<2x8x4x4xf32> {bufferize.result}) {
  %a = memref.alloc() : memref<2x2x4x4x4xf32>
  %xe = memref.expand_shape %x [[0], [1, 2], [3], [4]] output_shape [2, 2, 4, 4, 4] : memref<2x8x4x4xf32> into memref<2x2x4x4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>, affine_map<(a, b, c, d, e) -> (a, b, c, d, e)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%xe : memref<2x2x4x4x4xf32>) outs(%a : memref<2x2x4x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  %c = memref.collapse_shape %a [[0], [1, 2], [3], [4]] : memref<2x2x4x4x4xf32> into memref<2x8x4x4xf32>
  memref.copy %c, %out : memref<2x8x4x4xf32> to memref<2x8x4x4xf32>
  return
}

// -----

// The temporary is read after the copy: it must stay.
// CHECK-LABEL: func.func @negative_read_after_copy
// CHECK:         memref.alloc
// CHECK:         memref.copy
func.func @negative_read_after_copy(%out: memref<8xf32> {bufferize.result}) -> f32 {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<2x4xf32>
  %c = memref.collapse_shape %a [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  memref.copy %c, %out : memref<8xf32> to memref<8xf32>
  %v = memref.load %a[%c0, %c0] : memref<2x4xf32>
  return %v : f32
}

// -----

// Not a result argument: the caller's buffer may be read, leave it alone.
// CHECK-LABEL: func.func @negative_plain_argument
// CHECK:         memref.copy
func.func @negative_plain_argument(%out: memref<8xf32>) {
  %a = memref.alloc() : memref<2x4xf32>
  %c = memref.collapse_shape %a [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  memref.copy %c, %out : memref<8xf32> to memref<8xf32>
  return
}
