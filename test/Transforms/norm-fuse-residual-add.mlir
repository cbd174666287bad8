// RUN: norm-opt %s --norm-fuse-residual-add --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @post_ln_add
// CHECK-SAME:    %[[X:.*]]: tensor<?x64xf32>, %[[F:.*]]: tensor<?x64xf32>, %[[G:.*]]: tensor<64xf32>
// CHECK:         %[[Y:.*]], %[[S:.*]] = norm.add_layer_norm %[[X]], %[[F]] scale(%[[G]] : tensor<64xf32>) {epsilon = 1.000000e-03 : f64} : tensor<?x64xf32>
// CHECK:         return %[[Y]], %[[S]]
func.func @post_ln_add(%x: tensor<?x64xf32>, %f: tensor<?x64xf32>, %g: tensor<64xf32>)
    -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %s = arith.addf %x, %f : tensor<?x64xf32>
  %y = norm.layer_norm %s scale(%g : tensor<64xf32>) {epsilon = 1.0e-3 : f64} : tensor<?x64xf32>
  return %y, %s : tensor<?x64xf32>, tensor<?x64xf32>
}

// -----

// Consecutive pre-norm blocks: each block's sum feeds the next fused op.
// CHECK-LABEL: func.func @chain_of_blocks
// CHECK-SAME:    %[[X:.*]]: tensor<4x64xbf16>, %[[F1:.*]]: tensor<4x64xbf16>, %[[F2:.*]]: tensor<4x64xbf16>
// CHECK:         %[[Y1:.*]], %[[S1:.*]] = norm.add_rms_norm %[[X]], %[[F1]] {scale_offset = 1.{{0*}}e+00 : f64} : tensor<4x64xbf16>
// CHECK:         %[[Y2:.*]], %[[S2:.*]] = norm.add_rms_norm %[[S1]], %[[F2]] {scale_offset = 1.{{0*}}e+00 : f64} : tensor<4x64xbf16>
// CHECK:         return %[[Y1]], %[[Y2]], %[[S2]]
func.func @chain_of_blocks(%x: tensor<4x64xbf16>, %f1: tensor<4x64xbf16>, %f2: tensor<4x64xbf16>)
    -> (tensor<4x64xbf16>, tensor<4x64xbf16>, tensor<4x64xbf16>) {
  %s1 = arith.addf %x, %f1 : tensor<4x64xbf16>
  %y1 = norm.rms_norm %s1 {scale_offset = 1.0 : f64} : tensor<4x64xbf16>
  %s2 = arith.addf %s1, %f2 : tensor<4x64xbf16>
  %y2 = norm.rms_norm %s2 {scale_offset = 1.0 : f64} : tensor<4x64xbf16>
  return %y1, %y2, %s2 : tensor<4x64xbf16>, tensor<4x64xbf16>, tensor<4x64xbf16>
}

// -----

// The add is a broadcast (a per-row bias), not a same-shape residual.
// CHECK-LABEL: func.func @negative_broadcast_add
// CHECK:         linalg.broadcast
// CHECK:         linalg.add
// CHECK:         norm.layer_norm
// CHECK-NOT:     norm.add_layer_norm
func.func @negative_broadcast_add(%x: tensor<4x64xf32>, %b: tensor<64xf32>) -> tensor<4x64xf32> {
  %e = tensor.empty() : tensor<4x64xf32>
  %bb = linalg.broadcast ins(%b : tensor<64xf32>) outs(%e : tensor<4x64xf32>) dimensions = [0]
  %s = linalg.add ins(%x, %bb : tensor<4x64xf32>, tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) -> tensor<4x64xf32>
  %y = norm.layer_norm %s : tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// -----

// The sum changes type before the norm.
// CHECK-LABEL: func.func @negative_type_change
// CHECK:         arith.addf
// CHECK:         arith.extf
// CHECK:         norm.rms_norm
func.func @negative_type_change(%x: tensor<4x64xbf16>, %f: tensor<4x64xbf16>) -> tensor<4x64xf32> {
  %s = arith.addf %x, %f : tensor<4x64xbf16>
  %w = arith.extf %s : tensor<4x64xbf16> to tensor<4x64xf32>
  %y = norm.rms_norm %w : tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// -----

// The normalizer's statistics are used: the fused op has no such results.
// CHECK-LABEL: func.func @negative_statistics_used
// CHECK:         arith.addf
// CHECK:         norm.layer_norm {{.*}} rstd(
func.func @negative_statistics_used(%x: tensor<4x64xf32>, %f: tensor<4x64xf32>) -> tensor<4xf32> {
  %s = arith.addf %x, %f : tensor<4x64xf32>
  %y, %rstd = norm.layer_norm %s : tensor<4x64xf32> rstd(tensor<4xf32>)
  return %rstd : tensor<4xf32>
}

// -----

// The sum is used before the normalizer.
// CHECK-LABEL: func.func @negative_sum_used_before
// CHECK:         %[[S:.*]] = arith.addf
// CHECK:         math.exp %[[S]]
// CHECK:         norm.layer_norm %[[S]]
func.func @negative_sum_used_before(%x: tensor<4x64xf32>, %f: tensor<4x64xf32>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %s = arith.addf %x, %f : tensor<4x64xf32>
  %e = math.exp %s : tensor<4x64xf32>
  %y = norm.layer_norm %s : tensor<4x64xf32>
  return %y, %e : tensor<4x64xf32>, tensor<4x64xf32>
}

// -----

// The residual add as front ends write it, an elementwise generic (either
// operand order in the body): fused like arith.addf.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @generic_residual_add
// CHECK-SAME:    %[[X:.*]]: tensor<4x64xf32>, %[[F:.*]]: tensor<4x64xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         %[[Y:.*]], %[[S:.*]] = norm.add_rms_norm %[[X]], %[[F]]
// CHECK:         return %[[Y]], %[[S]]
func.func @generic_residual_add(%x: tensor<4x64xf32>, %f: tensor<4x64xf32>, %g: tensor<64xf32>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %e = tensor.empty() : tensor<4x64xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %f : tensor<4x64xf32>, tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %b, %a : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %y = norm.rms_norm %s scale(%g : tensor<64xf32>) : tensor<4x64xf32>
  return %y, %s : tensor<4x64xf32>, tensor<4x64xf32>
}

// -----

// Generics that are not a same-shape add: a broadcast (bias) map, a body
// that adds the init, and a subtraction.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @negative_generic_adds
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT:     norm.add_layer_norm
func.func @negative_generic_adds(%x: tensor<4x64xf32>, %f: tensor<4x64xf32>, %b: tensor<64xf32>) -> (tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>) {
  %e = tensor.empty() : tensor<4x64xf32>
  %s0 = linalg.generic {indexing_maps = [#id2, #row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<4x64xf32>, tensor<64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.addf %p, %q : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %y0 = norm.layer_norm %s0 : tensor<4x64xf32>
  %s1 = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x, %f : tensor<4x64xf32>, tensor<4x64xf32>) outs(%f : tensor<4x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.addf %p, %o : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %y1 = norm.layer_norm %s1 : tensor<4x64xf32>
  %s2 = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x, %f : tensor<4x64xf32>, tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.subf %p, %q : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %y2 = norm.layer_norm %s2 : tensor<4x64xf32>
  return %y0, %y1, %y2 : tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>
}

// -----

// Same types, but the generic reads one summand transposed: not a residual.
#id3 = affine_map<(d0, d1) -> (d0, d1)>
#tr3 = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-LABEL: func.func @negative_generic_transposed_add
// CHECK:         linalg.generic
// CHECK-NOT:     norm.add_layer_norm
func.func @negative_generic_transposed_add(%x: tensor<64x64xf32>, %f: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %e = tensor.empty() : tensor<64x64xf32>
  %s = linalg.generic {indexing_maps = [#id3, #tr3, #id3], iterator_types = ["parallel", "parallel"]}
      ins(%x, %f : tensor<64x64xf32>, tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %r = arith.addf %p, %q : f32
    linalg.yield %r : f32
  } -> tensor<64x64xf32>
  %y = norm.layer_norm %s : tensor<64x64xf32>
  return %y : tensor<64x64xf32>
}
