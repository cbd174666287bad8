// RUN: norm-opt %s --norm-gpu-offload --canonicalize --split-input-file | FileCheck %s

// A 100x48 @ 48x70 matmul: one CTA of 16x16 threads per 64x64 tile of the
// output (2 x 2 of them), A's and B's slices staged in padded shared
// memory, K in three steps of 16 between barriers. A is read along K (its
// unit-stride dim: the thread's K index is the remainder by 16), B along N
// (the remainder by 64); out-of-range elements load zeros and are not
// stored.
// CHECK-LABEL: func.func @matmul
// CHECK:         gpu.launch blocks({{[^)]*}}) in (%{{[a-z0-9]+}} = %c2, %{{[a-z0-9]+}} = %c2, %{{[a-z0-9]+}} = %c1)
// CHECK-SAME:      threads({{[^)]*}}) in (%{{[a-z0-9]+}} = %c16, %{{[a-z0-9]+}} = %c16, %{{[a-z0-9]+}} = %c1)
// CHECK-SAME:      workgroup(%[[TA:.*]] : memref<16x65xf32, #gpu.address_space<workgroup>>, %[[TB:.*]] : memref<16x65xf32, #gpu.address_space<workgroup>>)
// CHECK:           %[[ACC:.*]]:16 = scf.for %[[K0:.*]] = %c0 to %c48 step %c16 iter_args
// CHECK:             arith.remui %{{.*}}, %c16
// CHECK:             memref.store %{{.*}}, %[[TA]]
// CHECK:             arith.remui %{{.*}}, %c64
// CHECK:             memref.store %{{.*}}, %[[TB]]
// CHECK:             gpu.barrier
// CHECK:             scf.for %[[KK:.*]] = %c0 to %c16 step %c1 iter_args
// CHECK-COUNT-8:       memref.load %{{arg1[56]}}[%[[KK]], %{{.*}}]
// CHECK-COUNT-16:      arith.addf
// CHECK:             gpu.barrier
// CHECK-COUNT-16:  memref.store %[[ACC]]#{{[0-9]+}}, %arg2
// CHECK:           gpu.terminator
func.func @matmul(%a: memref<100x48xf32>, %b: memref<48x70xf32>, %c: memref<100x70xf32>) {
  linalg.matmul ins(%a, %b : memref<100x48xf32>, memref<48x70xf32>) outs(%c : memref<100x70xf32>)
  return
}

// -----

// PyTorch's linear, x @ W^T, in bf16 with an f32 accumulator: B (70x40) is
// read along K too; the op's body, extf included, is the multiply-add; K =
// 40 is not a multiple of 16, so the last step stops at K.
#ma = affine_map<(m, n, k) -> (m, k)>
#mb = affine_map<(m, n, k) -> (n, k)>
#mc = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @linear_bf16
// CHECK:         gpu.launch blocks({{[^)]*}}) in (%{{[a-z0-9]+}} = %c2, %{{[a-z0-9]+}} = %c1, %{{[a-z0-9]+}} = %c1)
// CHECK-SAME:      workgroup(%[[TA:.*]] : memref<16x65xbf16, #gpu.address_space<workgroup>>, %[[TB:.*]] : memref<16x65xbf16, #gpu.address_space<workgroup>>)
// CHECK:           scf.for %[[K0:.*]] = %c0 to %c40 step %c16
// CHECK:             arith.remui %{{.*}}, %c16
// CHECK:             memref.store %{{.*}}, %[[TA]]
// CHECK:             arith.remui %{{.*}}, %c16
// CHECK:             memref.store %{{.*}}, %[[TB]]
// CHECK:             %[[LEFT:.*]] = arith.subi %c40, %[[K0]]
// CHECK:             %[[STEPS:.*]] = arith.minui %[[LEFT]], %c16
// CHECK:             scf.for %{{[a-z0-9]+}} = %c0 to %[[STEPS]] step %c1
// CHECK:               arith.extf %{{.*}} : bf16 to f32
// CHECK:               arith.mulf
// CHECK:               arith.addf
func.func @linear_bf16(%x: memref<33x40xbf16>, %w: memref<70x40xbf16>, %y: memref<33x70xf32>) {
  linalg.matmul indexing_maps = [#ma, #mb, #mc]
      ins(%x, %w : memref<33x40xbf16>, memref<70x40xbf16>) outs(%y : memref<33x70xf32>)
  return
}

// -----

// A batch matmul: the batch is the grid's third dim.
// CHECK-LABEL: func.func @batch_matmul
// CHECK:         gpu.launch blocks({{.*}}, {{.*}}, %[[BZ:.*]]) in (%{{[a-z0-9]+}} = %c1, %{{[a-z0-9]+}} = %c1, %{{[a-z0-9]+}} = %c3)
// CHECK:           memref.load %arg0[%[[BZ]],
// CHECK:           memref.load %arg1[%[[BZ]],
// CHECK:           memref.store {{.*}}, %arg2[%[[BZ]],
func.func @batch_matmul(%a: memref<3x32x16xf32>, %b: memref<3x16x32xf32>, %c: memref<3x32x32xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x32x16xf32>, memref<3x16x32xf32>) outs(%c : memref<3x32x32xf32>)
  return
}

// -----

// Left as one thread per output: a decode step's 8 rows (a tile would idle
// most of its threads), dynamic sizes, a matvec (no N), and a contraction
// over two dims (K is not one dim).
#a2 = affine_map<(m, n, k1, k2) -> (m, k1, k2)>
#b2 = affine_map<(m, n, k1, k2) -> (k1, k2, n)>
#c2 = affine_map<(m, n, k1, k2) -> (m, n)>
// CHECK-LABEL: func.func @negative_contractions
// CHECK-NOT:     workgroup
// CHECK-NOT:     gpu.barrier
// CHECK:         return
func.func @negative_contractions(%a: memref<8x64xf32>, %b: memref<64x128xf32>, %c: memref<8x128xf32>,
                                 %da: memref<?x64xf32>, %db: memref<64x?xf32>, %dc: memref<?x?xf32>,
                                 %v: memref<64xf32>, %mv: memref<128xf32>,
                                 %a3: memref<32x16x4xf32>, %b3: memref<16x4x32xf32>, %c3: memref<32x32xf32>) {
  linalg.matmul ins(%a, %b : memref<8x64xf32>, memref<64x128xf32>) outs(%c : memref<8x128xf32>)
  linalg.matmul ins(%da, %db : memref<?x64xf32>, memref<64x?xf32>) outs(%dc : memref<?x?xf32>)
  linalg.vecmat ins(%v, %b : memref<64xf32>, memref<64x128xf32>) outs(%mv : memref<128xf32>)
  linalg.generic {indexing_maps = [#a2, #b2, #c2], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%a3, %b3 : memref<32x16x4xf32>, memref<16x4x32xf32>) outs(%c3 : memref<32x32xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  return
}
