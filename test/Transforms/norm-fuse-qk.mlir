// RUN: norm-opt %s --norm-fuse-qk --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @k_projection_with_rms_qk_norm
// CHECK-SAME:    %[[X:.*]]: tensor<8x32xf32>, %[[W:.*]]: tensor<32x64xf32>, %[[G:.*]]: tensor<16xf32>
// CHECK:         %[[P:.*]] = norm.project_norm rms %[[X]], %[[W]] scale(%[[G]] : tensor<16xf32>) {epsilon = 9.99{{.*}}E-7 : f64, head_dim = 16 : i64} : tensor<8x32xf32>, tensor<32x64xf32> -> tensor<8x64xf32>
// CHECK:         %[[H:.*]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2]] output_shape [8, 4, 16]
// CHECK-NOT:     linalg.matmul
// CHECK:         return %[[H]]
func.func @k_projection_with_rms_qk_norm(%x: tensor<8x32xf32>, %w: tensor<32x64xf32>, %g: tensor<16xf32>)
    -> tensor<8x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k = linalg.matmul ins(%x, %w : tensor<8x32xf32>, tensor<32x64xf32>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %kn = norm.rms_norm %k3 scale(%g : tensor<16xf32>) : tensor<8x4x16xf32>
  return %kn : tensor<8x4x16xf32>
}

// -----

// An nn.Linear weight [N, K] (how front ends write x W^T since
// matmul_transpose_b went away), Gemma's 1 + w kept.
// CHECK-LABEL: func.func @transposed_weight
// CHECK-SAME:    %[[X:.*]]: tensor<8x32xf32>, %[[W:.*]]: tensor<64x32xf32>, %[[G:.*]]: tensor<16xf32>
// CHECK:         norm.project_norm rms %[[X]], %[[W]] scale(%[[G]] : tensor<16xf32>) {epsilon = 9.99{{.*}}E-7 : f64, head_dim = 16 : i64, scale_offset = 1.000000e+00 : f64, transpose_weight} : tensor<8x32xf32>, tensor<64x32xf32> -> tensor<8x64xf32>
// CHECK-NOT:     linalg.matmul
func.func @transposed_weight(%x: tensor<8x32xf32>, %w: tensor<64x32xf32>, %g: tensor<16xf32>)
    -> tensor<8x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<8x32xf32>, tensor<64x32xf32>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %kn = norm.rms_norm %k3 scale(%g : tensor<16xf32>) {scale_offset = 1.0 : f64} : tensor<8x4x16xf32>
  return %kn : tensor<8x4x16xf32>
}

// -----

// The idiomatic bf16 projection: bf16 products accumulated in f32, rounded
// back by an elementwise generic, plus a bias added as a broadcasting
// generic; the layer norm's scale and bias go into the fused op.
// CHECK-LABEL: func.func @bf16_f32_accumulator_with_bias_and_layer_qk_norm
// CHECK-SAME:    %[[X:.*]]: tensor<8x32xbf16>, %[[W:.*]]: tensor<64x32xbf16>, %[[PB:.*]]: tensor<64xbf16>, %[[G:.*]]: tensor<8xbf16>, %[[B:.*]]: tensor<8xbf16>
// CHECK:         norm.project_norm layer %[[X]], %[[W]] proj_bias(%[[PB]] : tensor<64xbf16>) scale(%[[G]] : tensor<8xbf16>) bias(%[[B]] : tensor<8xbf16>) {epsilon = 1.000000e-05 : f64, head_dim = 8 : i64, transpose_weight} : tensor<8x32xbf16>, tensor<64x32xbf16> -> tensor<8x64xbf16>
// CHECK-NOT:     linalg.matmul
func.func @bf16_f32_accumulator_with_bias_and_layer_qk_norm(
    %x: tensor<8x32xbf16>, %w: tensor<64x32xbf16>, %pb: tensor<64xbf16>, %g: tensor<8xbf16>,
    %b: tensor<8xbf16>) -> tensor<8x8x8xbf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %q = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<8x32xbf16>, tensor<64x32xbf16>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %eb = tensor.empty() : tensor<8x64xbf16>
  %qt = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%q : tensor<8x64xf32>) outs(%eb : tensor<8x64xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %t = arith.truncf %in : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<8x64xbf16>
  %qb = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%qt, %pb : tensor<8x64xbf16>, tensor<64xbf16>) outs(%eb : tensor<8x64xbf16>) {
  ^bb0(%in: bf16, %bias: bf16, %out: bf16):
    %s = arith.addf %in, %bias : bf16
    linalg.yield %s : bf16
  } -> tensor<8x64xbf16>
  %q3 = tensor.expand_shape %qb [[0], [1, 2]] output_shape [8, 8, 8] : tensor<8x64xbf16> into tensor<8x8x8xbf16>
  %qn = norm.layer_norm %q3 scale(%g : tensor<8xbf16>) bias(%b : tensor<8xbf16>) : tensor<8x8x8xbf16>
  return %qn : tensor<8x8x8xbf16>
}

// -----

// The same with arith.truncf on the tensor and a linalg.broadcast bias.
// CHECK-LABEL: func.func @bf16_arith_truncf_and_broadcast_bias
// CHECK-SAME:    %[[X:.*]]: tensor<8x32xbf16>, %[[W:.*]]: tensor<32x64xbf16>, %[[PB:.*]]: tensor<64xbf16>
// CHECK:         norm.project_norm rms %[[X]], %[[W]] proj_bias(%[[PB]] : tensor<64xbf16>) {epsilon = 9.99{{.*}}E-7 : f64, head_dim = 16 : i64} : tensor<8x32xbf16>, tensor<32x64xbf16> -> tensor<8x64xbf16>
func.func @bf16_arith_truncf_and_broadcast_bias(%x: tensor<8x32xbf16>, %w: tensor<32x64xbf16>,
                                                %pb: tensor<64xbf16>) -> tensor<8x4x16xbf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %q = linalg.matmul ins(%x, %w : tensor<8x32xbf16>, tensor<32x64xbf16>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %qt = arith.truncf %q : tensor<8x64xf32> to tensor<8x64xbf16>
  %eb = tensor.empty() : tensor<8x64xbf16>
  %bb = linalg.broadcast ins(%pb : tensor<64xbf16>) outs(%eb : tensor<8x64xbf16>) dimensions = [0]
  %qb = arith.addf %bb, %qt : tensor<8x64xbf16>
  %q3 = tensor.expand_shape %qb [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xbf16> into tensor<8x4x16xbf16>
  %qn = norm.rms_norm %q3 : tensor<8x4x16xbf16>
  return %qn : tensor<8x4x16xbf16>
}

// -----

// A bf16 accumulator: the fused op accumulates in f32, so fusing would
// change what the program computes.
// CHECK-LABEL: func.func @negative_bf16_accumulator
// CHECK:         linalg.matmul
// CHECK:         norm.layer_norm
// CHECK-NOT:     norm.project_norm
func.func @negative_bf16_accumulator(%x: tensor<8x32xbf16>, %w: tensor<32x64xbf16>) -> tensor<8x8x8xbf16> {
  %zero = arith.constant 0.0 : bf16
  %e = tensor.empty() : tensor<8x64xbf16>
  %f = linalg.fill ins(%zero : bf16) outs(%e : tensor<8x64xbf16>) -> tensor<8x64xbf16>
  %q = linalg.matmul ins(%x, %w : tensor<8x32xbf16>, tensor<32x64xbf16>) outs(%f : tensor<8x64xbf16>) -> tensor<8x64xbf16>
  %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 8, 8] : tensor<8x64xbf16> into tensor<8x8x8xbf16>
  %qn = norm.layer_norm %q3 : tensor<8x8x8xbf16>
  return %qn : tensor<8x8x8xbf16>
}

// -----

// An f32 accumulator normalized in f32, never rounded back: no fused op
// has this type signature.
// CHECK-LABEL: func.func @negative_f32_accumulator_not_truncated
// CHECK:         linalg.matmul
// CHECK-NOT:     norm.project_norm
func.func @negative_f32_accumulator_not_truncated(%x: tensor<8x32xbf16>, %w: tensor<32x64xbf16>) -> tensor<8x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k = linalg.matmul ins(%x, %w : tensor<8x32xbf16>, tensor<32x64xbf16>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %kn = norm.rms_norm %k3 : tensor<8x4x16xf32>
  return %kn : tensor<8x4x16xf32>
}

// -----

// A transposed input, x [K, M]: the pattern does not read it as [M, K].
// CHECK-LABEL: func.func @negative_transposed_input
// CHECK:         linalg.matmul
// CHECK-NOT:     norm.project_norm
func.func @negative_transposed_input(%x: tensor<32x8xf32>, %w: tensor<32x64xf32>) -> tensor<8x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<32x8xf32>, tensor<32x64xf32>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %kn = norm.rms_norm %k3 : tensor<8x4x16xf32>
  return %kn : tensor<8x4x16xf32>
}

// -----

// A broadcast left operand, x [K] shared by every row.
// CHECK-LABEL: func.func @negative_broadcast_input
// CHECK:         linalg.matmul
// CHECK-NOT:     norm.project_norm
func.func @negative_broadcast_input(%x: tensor<32xf32>, %w: tensor<32x64xf32>) -> tensor<8x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<32xf32>, tensor<32x64xf32>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %kn = norm.rms_norm %k3 : tensor<8x4x16xf32>
  return %kn : tensor<8x4x16xf32>
}

// -----

// A bias per row (broadcast along dim 1), not per projection column.
// CHECK-LABEL: func.func @negative_bias_per_row
// CHECK:         linalg.matmul
// CHECK-NOT:     norm.project_norm
func.func @negative_bias_per_row(%x: tensor<8x32xf32>, %w: tensor<32x64xf32>, %pb: tensor<8xf32>) -> tensor<8x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k = linalg.matmul ins(%x, %w : tensor<8x32xf32>, tensor<32x64xf32>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %kb = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%k, %pb : tensor<8x64xf32>, tensor<8xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<8x64xf32>
  %k3 = tensor.expand_shape %kb [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %kn = norm.rms_norm %k3 : tensor<8x4x16xf32>
  return %kn : tensor<8x4x16xf32>
}

// -----

// The unnormalized projection is needed elsewhere.
// CHECK-LABEL: func.func @negative_projection_has_other_users
// CHECK:         linalg.matmul
// CHECK:         norm.rms_norm
// CHECK-NOT:     norm.project_norm
func.func @negative_projection_has_other_users(%x: tensor<8x32xf32>, %w: tensor<32x64xf32>)
    -> (tensor<8x4x16xf32>, tensor<8x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k = linalg.matmul ins(%x, %w : tensor<8x32xf32>, tensor<32x64xf32>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %kn = norm.rms_norm %k3 : tensor<8x4x16xf32>
  return %kn, %k : tensor<8x4x16xf32>, tensor<8x64xf32>
}

// -----

// The normalizer spans every head, not one head dim.
// CHECK-LABEL: func.func @negative_norm_over_all_heads
// CHECK:         linalg.matmul
// CHECK-NOT:     norm.project_norm
func.func @negative_norm_over_all_heads(%x: tensor<8x32xf32>, %w: tensor<32x64xf32>) -> tensor<8x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k = linalg.matmul ins(%x, %w : tensor<8x32xf32>, tensor<32x64xf32>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %kn = norm.rms_norm %k3 {axis = 1 : i64} : tensor<8x4x16xf32>
  return %kn : tensor<8x4x16xf32>
}

// -----

// The matmul accumulates into data (a residual), not a zero fill.
// CHECK-LABEL: func.func @negative_accumulates_into_data
// CHECK:         linalg.matmul
// CHECK-NOT:     norm.project_norm
func.func @negative_accumulates_into_data(%x: tensor<8x32xf32>, %w: tensor<32x64xf32>, %r: tensor<8x64xf32>) -> tensor<8x4x16xf32> {
  %k = linalg.matmul ins(%x, %w : tensor<8x32xf32>, tensor<32x64xf32>) outs(%r : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %kn = norm.rms_norm %k3 : tensor<8x4x16xf32>
  return %kn : tensor<8x4x16xf32>
}
