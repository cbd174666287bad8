// RUN: norm-opt %s --convert-norm-to-linalg --convert-elementwise-to-linalg --canonicalize --cse --norm-tile-rows=vector-bits=256 --canonicalize --cse | FileCheck %s
// RUN: norm-opt %s --convert-norm-to-linalg --convert-elementwise-to-linalg --canonicalize --cse --norm-tile-rows=vector-bits=256 | FileCheck %s --check-prefix=RAW

// The map of @negative_rotate_half_consumer (aliases print first).
// CHECK:         #[[ROT:.*]] = affine_map<(d0, d1) -> (d0, (d1 + 64) mod 128)>

// A row normalizer becomes one loop over rows (one row of 4096 f32 per
// tile): both reductions (the mean, then the sums of deviations and of
// their squares, two accumulators in one loop) and the statistics are
// computed in the tile. Each reduction accumulates 4 x 8 lanes per step and
// reduces that vector at the end (a vector reduction, not a loop of scalar
// adds); the apply writes 8-lane vectors. The loop also yields the rows'
// variances, which a scalar loop checks for overflow; only then does the
// same kernel run again with f64 accumulators.
// CHECK-LABEL: func.func @layer_norm
// CHECK:         %[[FAST:.*]]:2 = scf.forall (%[[ROW:.*]]) in (256)
// CHECK:           tensor.extract_slice %{{.*}}[%[[ROW]], 0] [1, 4096] [1, 1]
// CHECK:           scf.for {{.*}} step %c32 iter_args({{.*}}) -> (tensor<1x32xf32>)
// CHECK:             arith.addf {{.*}} : vector<1x32xf32>
// CHECK:           vector.multi_reduction <add>, %{{.*}}, %{{.*}} [1] : vector<1x32xf32> to vector<1xf32>
// CHECK:           scf.for {{.*}} step %c32 iter_args({{.*}}) -> (tensor<1x32xf32>, tensor<1x32xf32>)
// CHECK:             arith.subf {{.*}} : vector<1x32xf32>
// CHECK:             arith.mulf {{.*}} : vector<1x32xf32>
// CHECK:           vector.multi_reduction <add>
// CHECK:           vector.multi_reduction <add>
// CHECK:           scf.for {{.*}} step %c8
// CHECK:             vector.transfer_read {{.*}} vector<1x8xf32>
// CHECK:             vector.transfer_write {{.*}} vector<1x8xf32>
// CHECK:           scf.forall.in_parallel
// CHECK:         %[[REDO:.*]] = scf.for {{.*}} -> (i1)
// CHECK:           tensor.extract %[[FAST]]#1
// CHECK:         %[[Y:.*]] = scf.if %[[REDO]]
// CHECK:           scf.forall
// CHECK:             -> (tensor<1x32xf64>)
// CHECK:         } else {
// CHECK:           scf.yield %[[FAST]]#0
// CHECK:         return %[[Y]]
func.func @layer_norm(%x: tensor<256x4096xf32>, %g: tensor<4096xf32>, %b: tensor<4096xf32>) -> tensor<256x4096xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<4096xf32>) bias(%b : tensor<4096xf32>) : tensor<256x4096xf32>
  return %y : tensor<256x4096xf32>
}

// Narrow rows: four rows per tile, reduced a row at a time with the
// accumulator a row of this length gets in any tile (here 32 lanes: two
// steps per row), so that a row's sum does not depend on the tile.
// CHECK-LABEL: func.func @narrow_rows
// CHECK:         scf.forall (%{{.*}}) = (0) to (8192) step (4)
// CHECK:           scf.for {{.*}} = %c0 to %c4 step %c1 iter_args({{.*}}) -> (tensor<4xf32>)
// CHECK:             scf.for {{.*}} = %c0 to %c64 step %c32 iter_args({{.*}}) -> (tensor<1x32xf32>)
func.func @narrow_rows(%x: tensor<8192x64xf32>) -> tensor<8192x64xf32> {
  %y = norm.rms_norm %x : tensor<8192x64xf32>
  return %y : tensor<8192x64xf32>
}

// A returned residual sum: the reduction and the apply each compute x + r
// from the tile's rows (in cache), and the apply writes the sum's output in
// the loop that writes y. No scratch tile; the output is written once and
// never read back.
// CHECK-LABEL: func.func @add_rms_norm
// CHECK:         %[[LOOP:.*]]:3 = scf.forall
// CHECK-NOT:       tensor.empty() : tensor<4x1024xf32>
// CHECK:           scf.for {{.*}} -> (tensor<1x32xf32>)
// CHECK:             %[[S:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<1x32xf32>
// CHECK:             arith.mulf %[[S]], %[[S]] : vector<1x32xf32>
// CHECK:           scf.for {{.*}} -> (tensor<4x1024xf32>, tensor<4x1024xf32>)
// CHECK:             %[[SUM:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<1x8xf32>
// CHECK:             vector.transfer_write %[[SUM]]
// CHECK:             vector.transfer_write
// CHECK:           scf.forall.in_parallel
// CHECK:         %[[Y:.*]] = scf.if
// CHECK:         return %[[Y]], %[[LOOP]]#{{[0-2]}}
func.func @add_rms_norm(%x: tensor<64x1024xf32>, %r: tensor<64x1024xf32>, %g: tensor<1024xf32>)
    -> (tensor<64x1024xf32>, tensor<64x1024xf32>) {
  %y, %sum = norm.add_rms_norm %x, %r scale(%g : tensor<1024xf32>) : tensor<64x1024xf32>
  return %y, %sum : tensor<64x1024xf32>, tensor<64x1024xf32>
}

// Batch norm's per-channel statistics are needed whole by every tile over N:
// they are not fused (each tile would recompute them), but computed by a
// loop of their own before the apply's.
// CHECK-LABEL: func.func @negative_batch_norm_statistics
// CHECK:         scf.forall
// CHECK:         scf.forall.in_parallel
// CHECK:         scf.forall
func.func @negative_batch_norm_statistics(%x: tensor<64x32x16x16xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>,
                                          %m: tensor<32xf32>, %v: tensor<32xf32>) -> tensor<64x32x16x16xf32> {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v
      : tensor<64x32x16x16xf32>, params tensor<32xf32>, stats tensor<32xf32>
  return %y : tensor<64x32x16x16xf32>
}

// Group norm, NCHW: a tile is one sample. Each reduction runs over a
// group's channels x H x W collapsed into one dim, a group at a time, with
// vector accumulators; the apply's innermost dim is H x W = 144, not W = 12
// (no multiple of 8 lanes).
// CHECK-LABEL: func.func @group_norm
// CHECK:         scf.forall (%{{.*}}) in (4)
// CHECK:           tensor.collapse_shape {{.*}} : tensor<1x8x4x12x12xf32> into tensor<1x8x576xf32>
// CHECK:           scf.for {{.*}} = %c0 to %c8 step %c1
// CHECK:             scf.for {{.*}} = %c0 to %c576 step %c32 iter_args({{.*}}) -> (tensor<1x1x32xf32>)
// CHECK:               arith.addf {{.*}} fastmath<reassoc> : vector<1x1x32xf32>
// CHECK:           tensor.collapse_shape {{.*}} : tensor<1x8x4x12x12xf32> into tensor<1x8x4x144xf32>
// CHECK:           scf.for {{.*}} = %c0 to %c144 step %c8
// CHECK:             vector.transfer_write {{.*}} : vector<1x1x1x8xf32>
func.func @group_norm(%x: tensor<4x32x12x12xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>) -> tensor<4x32x12x12xf32> {
  %y = norm.group_norm %x scale(%g : tensor<32xf32>) bias(%b : tensor<32xf32>) {num_groups = 8 : i64} : tensor<4x32x12x12xf32>
  return %y : tensor<4x32x12x12xf32>
}

// Batch norm's per-channel sums, a tile of channels at a time, a channel at
// a time: a loop over N around chunks of H x W carries vector accumulators
// (16 lanes: 144 is no multiple of 32).
// CHECK-LABEL: func.func @batch_norm_statistics
// CHECK:         scf.forall
// CHECK:           tensor.collapse_shape {{.*}} into tensor<8x4x144xf32>
// CHECK:           scf.for {{.*}} = %c0 to %c4 step %c1
// CHECK:             scf.for {{.*}} = %c0 to %c8 step %c1 iter_args({{.*}}) -> (tensor<1x1x16xf32>)
// CHECK:               scf.for {{.*}} = %c0 to %c144 step %c16
// CHECK:                 arith.addf {{.*}} fastmath<reassoc> : vector<1x1x16xf32>
func.func @batch_norm_statistics(%x: tensor<8x16x12x12xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>,
                                 %m: tensor<16xf32>, %v: tensor<16xf32>) -> tensor<8x16x12x12xf32> {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v
      : tensor<8x16x12x12xf32>, params tensor<16xf32>, stats tensor<16xf32>
  return %y : tensor<8x16x12x12xf32>
}

// Everything fits in one tile: the tile is still vectorized (a decode
// step's single row is no scalar loop), and its one-iteration loop folds
// away: no forall, a row at a time, 8 lanes (16 values are less than two
// steps of 16).
// CHECK-LABEL: func.func @one_tile
// CHECK-NOT:     scf.forall
// CHECK:         scf.for {{.*}} = %c0 to %c4 step %c1
// CHECK:           scf.for {{.*}} = %c0 to %c16 step %c8 iter_args({{.*}}) -> (tensor<1x8xf32>)
// CHECK:         vector.multi_reduction <add>
// CHECK:         vector.transfer_write {{.*}} : vector<1x8xf32>
// CHECK:         return
func.func @one_tile(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = norm.rms_norm %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// A decode step: one row of 4096, vectorized like any row (32-lane
// accumulators), no loop over tiles.
// CHECK-LABEL: func.func @one_row
// CHECK-NOT:     scf.forall
// CHECK:         scf.for {{.*}} = %c0 to %c4096 step %c32 iter_args({{.*}}) -> (tensor<1x32xf32>)
// CHECK:         vector.transfer_write {{.*}} : vector<1x8xf32>
func.func @one_row(%x: tensor<1x4096xf32>, %g: tensor<4096xf32>) -> tensor<1x4096xf32> {
  %y = norm.rms_norm %x scale(%g : tensor<4096xf32>) : tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}

// Rows that four do not divide: tiles of two (a power of two that divides
// 6), every tile static and vectorized, rather than a partial last tile.
// CHECK-LABEL: func.func @rows_not_divisible
// CHECK:         scf.forall (%{{.*}}) = (0) to (6) step (2)
// CHECK:           scf.for {{.*}} = %c0 to %c1024 step %c32 iter_args({{.*}}) -> (tensor<1x32xf32>)
func.func @rows_not_divisible(%x: tensor<6x1024xf32>) -> tensor<6x1024xf32> {
  %y = norm.rms_norm %x : tensor<6x1024xf32>
  return %y : tensor<6x1024xf32>
}

// A RoPE rotate-half written as one generic: it reads the normalized row
// through (d0, (d1 + 64) mod 128). A tile's slice of it is not the tile of
// rows' [offset, offset + size) range, so the consumer stays whole (a loop
// nest after lowering) and reads the whole normalized result, which the
// normalizer computes as a root of its own.
// CHECK-LABEL: func.func @negative_rotate_half_consumer
// CHECK:         scf.forall
// CHECK:         %[[N:.*]] = scf.if
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[ROT]], #{{.*}}], {{.*}}} ins(%[[N]], %[[N]] : tensor<16x128xf32>, tensor<16x128xf32>)
// CHECK-NOT:     scf.forall
// CHECK:         return %[[R]]
func.func @negative_rotate_half_consumer(%x: tensor<16x128xf32>) -> tensor<16x128xf32> {
  %n = norm.rms_norm %x : tensor<16x128xf32>
  %e = tensor.empty() : tensor<16x128xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, (d1 + 64) mod 128)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%n, %n : tensor<16x128xf32>, tensor<16x128xf32>) outs(%e : tensor<16x128xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.subf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<16x128xf32>
  return %r : tensor<16x128xf32>
}

// A keepdim reduction over the leading dim into (0, d1, d2), as torch-mlir
// writes a batch norm's statistics: tiled over its first parallel dim, its
// dims left uncollapsed (collapsing rewrites plain-dim maps only).
// CHECK-LABEL: func.func @keepdim_leading_reduction
// CHECK:         scf.forall (%[[C:.*]]) = (0) to (64) step (4)
// CHECK:           linalg.generic {{.*}}iterator_types = ["reduction", "parallel", "parallel"]
// CHECK-SAME:        ins(%{{.*}} : tensor<4x4x16xf32>) outs(%{{.*}} : tensor<1x4x16xf32>)
func.func @keepdim_leading_reduction(%x: tensor<4x64x16xf32>) -> tensor<1x64x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x64x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (0, d1, d2)>],
                       iterator_types = ["reduction", "parallel", "parallel"]}
      ins(%x : tensor<4x64x16xf32>) outs(%f : tensor<1x64x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<1x64x16xf32>
  return %r : tensor<1x64x16xf32>
}

// A gradient's dx reads both results of one two-result row-sum op (sum of
// g and of g * xhat): one loop, whose tile computes the row sums once and
// yields only dx; no loop of the row sums of their own, no yielded clones,
// and none left for canonicalization to remove (the RAW prefix checks the
// pass's own output).
// RAW-LABEL: func.func @layer_norm_grad_dx
// RAW-COUNT-1: scf.forall
// RAW-NOT:     scf.forall
// RAW-COUNT-2: vector.multi_reduction <add>
// RAW-NOT:     vector.multi_reduction
// RAW-NOT:     linalg.generic
// RAW:         return
// CHECK-LABEL: func.func @layer_norm_grad_dx
// CHECK:         scf.forall
// CHECK-SAME:      shared_outs(%{{[^ ]*}} = %{{[^ ]*}}) -> (tensor<8x32x1024xf32>)
// CHECK-COUNT-2:   vector.multi_reduction <add>
// CHECK-NOT:       vector.multi_reduction
// CHECK:           scf.forall.in_parallel
// CHECK-NEXT:        tensor.parallel_insert_slice
// CHECK-NEXT:      }
// CHECK-NOT:     scf.forall
func.func @layer_norm_grad_dx(%dy: tensor<256x1024xf32>, %x: tensor<256x1024xf32>, %m: tensor<256xf32>,
                              %r: tensor<256xf32>, %g: tensor<1024xf32>) -> tensor<256x1024xf32> {
  %dx = norm.layer_norm_grad %dy, %x, %m, %r scale(%g : tensor<1024xf32>)
      : tensor<256x1024xf32>, stats tensor<256xf32>
  return %dx : tensor<256x1024xf32>
}

// With dscale and dbias the op that writes dx also adds its block's rows
// into the partial sums (a reduction over the rows of the block, columns
// parallel): vectorized along the columns (8 lanes), one row at a time, so
// the rows are added in order. (The merge of the 8 blocks' partials, 4
// columns per tile, stays a small linalg op.)
// CHECK-LABEL: func.func @layer_norm_grad_partials
// RAW-LABEL: func.func @layer_norm_grad_partials
// RAW:         scf.forall
// RAW:           vector.transfer_write {{.*}} : vector<1x1x8xf32>, tensor<1x1x8xf32>
// RAW:           vector.transfer_write {{.*}} : vector<1x8xf32>, tensor<1x8xf32>
// RAW:           vector.transfer_write {{.*}} : vector<1x8xf32>, tensor<1x8xf32>
// RAW:         scf.forall
// RAW:           linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// RAW-SAME:        tensor<8x4xf32>
// RAW:         return
func.func @layer_norm_grad_partials(%dy: tensor<256x1024xf32>, %x: tensor<256x1024xf32>, %m: tensor<256xf32>,
                                    %r: tensor<256xf32>, %g: tensor<1024xf32>)
    -> (tensor<256x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) {
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %m, %r scale(%g : tensor<1024xf32>)
      : tensor<256x1024xf32>, stats tensor<256xf32> scale_grad(tensor<1024xf32>) bias_grad(tensor<1024xf32>)
  return %dx, %dg, %db : tensor<256x1024xf32>, tensor<1024xf32>, tensor<1024xf32>
}

// NHWC batch norm: the per-channel sums over N x H x W (4096 rows of 32
// contiguous channels) go in 8 blocks of 512 rows, a partial row of sums per
// block (threads over blocks, the rows of a block in order, vectors along
// C), then the partials are added in block order: no loop over strided
// channels.
// CHECK-LABEL: func.func @batch_norm_nhwc_statistics
// CHECK:         scf.forall (%{{.*}}) in (8) shared_outs({{.*}}) -> (tensor<8x32xf32>)
// CHECK:           scf.for {{.*}} = %c0 to %c512 step %c1 iter_args({{.*}}) -> (tensor<1x32xf32>)
// CHECK:             scf.for {{.*}} = %c0 to %c32 step %c8
// CHECK:               arith.addf {{.*}} : vector<1x8xf32>
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-SAME:      tensor<8x{{[0-9]+}}xf32>
// RAW-LABEL: func.func @batch_norm_nhwc_statistics
// RAW:         tensor.expand_shape {{.*}} into tensor<8x512x32xf32>
// RAW:         scf.forall (%{{.*}}) in (8)
func.func @batch_norm_nhwc_statistics(%x: tensor<16x16x16x32xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>,
                                      %m: tensor<32xf32>, %v: tensor<32xf32>) -> tensor<16x16x16x32xf32> {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v {channel_axis = 3 : i64}
      : tensor<16x16x16x32xf32>, params tensor<32xf32>, stats tensor<32xf32>
  return %y : tensor<16x16x16x32xf32>
}

// Column reductions that are not plain sums, or too few rows for eight
// blocks, keep the usual tiling (along the columns).
// CHECK-LABEL: func.func @negative_column_max
// CHECK-NOT:     tensor<8x32xf32>
// CHECK:         return
// RAW-LABEL: func.func @negative_column_max
// RAW-NOT:       tensor.expand_shape
// RAW:         return
func.func @negative_column_max(%x: tensor<4096x32xf32>, %init: tensor<32xf32>) -> tensor<32xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<4096x32xf32>) outs(%init : tensor<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.maximumf %acc, %a : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// The accumulator read again in the body: not a plain sum.
// RAW-LABEL: func.func @negative_column_accumulator_reused
// RAW-NOT:       tensor.expand_shape
// RAW:         return
func.func @negative_column_accumulator_reused(%x: tensor<4096x32xf32>, %init: tensor<32xf32>) -> tensor<32xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<4096x32xf32>) outs(%init : tensor<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.mulf %a, %acc : f32
    %s = arith.addf %acc, %t : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// 1024 rows are two blocks of 512: too few.
// RAW-LABEL: func.func @negative_column_few_rows
// RAW-NOT:       tensor.expand_shape
// RAW:         return
func.func @negative_column_few_rows(%x: tensor<1024x32xf32>, %init: tensor<32xf32>) -> tensor<32xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<1024x32xf32>) outs(%init : tensor<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// A "reduction" dim that also indexes the result writes a value per row: no
// sum over rows, left alone.
// RAW-LABEL: func.func @negative_column_result_per_row
// RAW-NOT:       tensor.expand_shape
// RAW:         return
func.func @negative_column_result_per_row(%x: tensor<4096x32xf32>, %init: tensor<4096x32xf32>) -> tensor<4096x32xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<4096x32xf32>) outs(%init : tensor<4096x32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  } -> tensor<4096x32xf32>
  return %r : tensor<4096x32xf32>
}

// A body that reads its row index (here: sums of x weighted by the row):
// blocked, it would read the block's index; left alone.
// RAW-LABEL: func.func @negative_column_reads_index
// RAW-NOT:       tensor.expand_shape
// RAW:         return
func.func @negative_column_reads_index(%x: tensor<4096x32xf32>, %init: tensor<32xf32>) -> tensor<32xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                       iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<4096x32xf32>) outs(%init : tensor<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i64
    %f = arith.sitofp %ii : i64 to f32
    %t = arith.mulf %a, %f : f32
    %s = arith.addf %acc, %t : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  return %r : tensor<32xf32>
}

// A contraction written with its summed dim first (k, m, n) stays a
// contraction, not blocked sums.
// RAW-LABEL: func.func @negative_column_contraction
// RAW-NOT:       tensor.expand_shape
// RAW:         return
func.func @negative_column_contraction(%a: tensor<8x4096xf32>, %b: tensor<4096x16xf32>, %init: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(k, m, n) -> (m, k)>, affine_map<(k, m, n) -> (k, n)>,
                                        affine_map<(k, m, n) -> (m, n)>],
                       iterator_types = ["reduction", "parallel", "parallel"]}
      ins(%a, %b : tensor<8x4096xf32>, tensor<4096x16xf32>) outs(%init : tensor<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}
