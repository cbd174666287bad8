// RUN: norm-opt %s --norm-fold-into-projection --split-input-file | FileCheck %s
// RUN: norm-opt %s --norm-fold-into-projection=constant-weights-only --split-input-file | FileCheck %s --check-prefix=CONST

// Q, K and V read one RMS-normalized input; gamma folds into each constant
// weight: [[1, 2], [3, 4]] * diag(0.5 + 1, 2 + 1) (Gemma's 1 + w).
// CHECK-LABEL: func.func @qkv_of_one_rms_norm
// CHECK-SAME:    %[[X:.*]]: tensor<4x2xf32>
// CHECK-DAG:     arith.constant dense<{{\[\[}}1.500000e+00, 3.000000e+00], [9.000000e+00, 1.200000e+01]]> : tensor<2x2xf32>
// CHECK-DAG:     arith.constant dense<{{\[\[}}1.500000e+00, 0.000000e+00], [0.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK-COUNT-2: norm.norm_project rms %[[X]], %{{.*}} {epsilon = 9.99{{.*}}E-7 : f64} : tensor<4x2xf32>, tensor<2x2xf32> -> tensor<4x2xf32>
// CHECK-NOT:     norm.rms_norm
// CHECK-NOT:     linalg.matmul
func.func @qkv_of_one_rms_norm(%x: tensor<4x2xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %g = arith.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %wq = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %wk = arith.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %n = norm.rms_norm %x scale(%g : tensor<2xf32>) {scale_offset = 1.0 : f64} : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %q = linalg.matmul ins(%n, %wq : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %k = linalg.matmul ins(%n, %wk : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %q, %k : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// Layer norm: beta W = [1, 1] [[1, 2], [3, 4]] = [4, 6] becomes the bias.
// CHECK-LABEL: func.func @layer_norm_bias_becomes_projection_bias
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[4.000000e+00, 6.000000e+00]> : tensor<2xf32>
// CHECK:         norm.norm_project layer %{{.*}}, %{{.*}} bias(%[[B]] : tensor<2xf32>)
func.func @layer_norm_bias_becomes_projection_bias(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %beta = arith.constant dense<1.0> : tensor<2xf32>
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %n = norm.layer_norm %x bias(%beta : tensor<2xf32>) : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul ins(%n, %w : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Weights that are arguments: the scaling happens at run time, unless only
// constant weights may be folded.
// CHECK-LABEL: func.func @runtime_weights
// CHECK:         %[[W2:.*]] = linalg.generic
// CHECK:           arith.mulf
// CHECK:         %[[B2:.*]] = linalg.vecmat
// CHECK:         norm.norm_project layer %{{.*}}, %[[W2]] bias(%[[B2]] : tensor<16xf32>)
// CONST-LABEL: func.func @runtime_weights
// CONST:         norm.layer_norm
// CONST:         linalg.matmul
func.func @runtime_weights(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %w: tensor<8x16xf32>)
    -> tensor<4x16xf32> {
  %n = norm.layer_norm %x scale(%g : tensor<8xf32>) bias(%b : tensor<8xf32>) : tensor<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%n, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// The normalized value is also returned: the norm must stay.
// CHECK-LABEL: func.func @negative_other_user
// CHECK:         norm.rms_norm
// CHECK:         linalg.matmul
// CHECK-NOT:     norm.norm_project
func.func @negative_other_user(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> (tensor<4x16xf32>, tensor<4x8xf32>) {
  %n = norm.rms_norm %x : tensor<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%n, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y, %n : tensor<4x16xf32>, tensor<4x8xf32>
}

// -----

// The normalized value is the right operand of the matmul.
// CHECK-LABEL: func.func @negative_right_operand
// CHECK:         norm.rms_norm
// CHECK-NOT:     norm.norm_project
func.func @negative_right_operand(%a: tensor<4x8xf32>, %x: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %n = norm.rms_norm %x : tensor<8x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%a, %n : tensor<4x8xf32>, tensor<8x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
