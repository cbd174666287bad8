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

// CHECK-LABEL: func.func @q_projection_with_bias_and_layer_qk_norm
// CHECK-SAME:    %[[X:.*]]: tensor<8x32xbf16>, %[[W:.*]]: tensor<32x64xbf16>, %[[B:.*]]: tensor<64xbf16>
// CHECK:         norm.project_norm layer %[[X]], %[[W]] proj_bias(%[[B]] : tensor<64xbf16>) {epsilon = 1.000000e-05 : f64, head_dim = 8 : i64}
func.func @q_projection_with_bias_and_layer_qk_norm(%x: tensor<8x32xbf16>, %w: tensor<32x64xbf16>,
                                                    %b: tensor<64xbf16>) -> tensor<8x8x8xbf16> {
  %zero = arith.constant 0.0 : bf16
  %e = tensor.empty() : tensor<8x64xbf16>
  %f = linalg.fill ins(%zero : bf16) outs(%e : tensor<8x64xbf16>) -> tensor<8x64xbf16>
  %q = linalg.matmul ins(%x, %w : tensor<8x32xbf16>, tensor<32x64xbf16>) outs(%f : tensor<8x64xbf16>) -> tensor<8x64xbf16>
  %bb = linalg.broadcast ins(%b : tensor<64xbf16>) outs(%e : tensor<8x64xbf16>) dimensions = [0]
  %qb = arith.addf %q, %bb : tensor<8x64xbf16>
  %q3 = tensor.expand_shape %qb [[0], [1, 2]] output_shape [8, 8, 8] : tensor<8x64xbf16> into tensor<8x8x8xbf16>
  %qn = norm.layer_norm %q3 : tensor<8x8x8xbf16>
  return %qn : tensor<8x8x8xbf16>
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

// The projection accumulates bf16 products in f32: a type change.
// CHECK-LABEL: func.func @negative_mixed_precision_projection
// CHECK:         linalg.matmul
// CHECK-NOT:     norm.project_norm
func.func @negative_mixed_precision_projection(%x: tensor<8x32xbf16>, %w: tensor<32x64xbf16>) -> tensor<8x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k = linalg.matmul ins(%x, %w : tensor<8x32xbf16>, tensor<32x64xbf16>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %kn = norm.rms_norm %k3 : tensor<8x4x16xf32>
  return %kn : tensor<8x4x16xf32>
}
