// RUN: norm-opt %s --norm-share-parallel --split-input-file | FileCheck %s

// Two branches normalize x with copies of the same weights: once is enough.
// CHECK-LABEL: func.func @parallel_branches_share_one_norm
// CHECK:         %[[N:.*]] = norm.layer_norm
// CHECK:         %[[A:.*]] = math.tanh %[[N]]
// CHECK-NOT:     norm.layer_norm
// CHECK:         %[[B:.*]] = math.exp %[[N]]
// CHECK:         return %[[A]], %[[B]]
func.func @parallel_branches_share_one_norm(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %g1 = arith.constant dense<2.0> : tensor<8xf32>
  %g2 = arith.constant dense<2.0> : tensor<8xf32>
  %n1 = norm.layer_norm %x scale(%g1 : tensor<8xf32>) : tensor<4x8xf32>
  %a = math.tanh %n1 : tensor<4x8xf32>
  %n2 = norm.layer_norm %x scale(%g2 : tensor<8xf32>) : tensor<4x8xf32>
  %b = math.exp %n2 : tensor<4x8xf32>
  return %a, %b : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @negative_different_epsilon
// CHECK-COUNT-2: norm.layer_norm
func.func @negative_different_epsilon(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %n1 = norm.layer_norm %x : tensor<4x8xf32>
  %n2 = norm.layer_norm %x {epsilon = 1.0e-6 : f64} : tensor<4x8xf32>
  return %n1, %n2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @negative_different_weights
// CHECK-COUNT-2: norm.rms_norm
func.func @negative_different_weights(%x: tensor<4x8xf32>, %g1: tensor<8xf32>, %g2: tensor<8xf32>)
    -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %n1 = norm.rms_norm %x scale(%g1 : tensor<8xf32>) : tensor<4x8xf32>
  %n2 = norm.rms_norm %x scale(%g2 : tensor<8xf32>) : tensor<4x8xf32>
  return %n1, %n2 : tensor<4x8xf32>, tensor<4x8xf32>
}
