// RUN: norm-opt %s --norm-expand-residual --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @pre_ln
// CHECK-SAME:    %[[X:.*]]: tensor<?x8xf32>
// CHECK:         %[[N:.*]] = norm.layer_norm %[[X]] : tensor<?x8xf32>
// CHECK:         %[[F:.*]] = math.tanh %[[N]]
// CHECK:         %[[Y:.*]] = arith.addf %[[X]], %[[F]]
// CHECK:         return %[[Y]]
func.func @pre_ln(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = norm.residual %x : tensor<?x8xf32> pre {
  ^bb0(%a: tensor<?x8xf32>):
    %n = norm.layer_norm %a : tensor<?x8xf32>
    norm.yield %n : tensor<?x8xf32>
  } body {
  ^bb0(%h: tensor<?x8xf32>):
    %f = math.tanh %h : tensor<?x8xf32>
    norm.yield %f : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// DeepNorm: the skip is scaled before the add, the norm comes last.
// CHECK-LABEL: func.func @deepnorm_post_ln
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>
// CHECK:         %[[F:.*]] = math.tanh %[[X]]
// CHECK:         %[[ALPHA:.*]] = tensor.splat %{{.*}} : tensor<2x8xf32>
// CHECK:         %[[SKIP:.*]] = arith.mulf %[[X]], %[[ALPHA]]
// CHECK:         %[[S:.*]] = arith.addf %[[SKIP]], %[[F]]
// CHECK:         %[[Y:.*]] = norm.layer_norm %[[S]]
// CHECK:         return %[[Y]]
func.func @deepnorm_post_ln(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = norm.residual %x {residual_scale = 2.0 : f64} : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    %f = math.tanh %h : tensor<2x8xf32>
    norm.yield %f : tensor<2x8xf32>
  } post {
  ^bb0(%s: tensor<2x8xf32>):
    %n = norm.layer_norm %s : tensor<2x8xf32>
    norm.yield %n : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @sandwich_parallel
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>
// CHECK:         %[[N1:.*]] = norm.rms_norm %[[X]]
// CHECK-DAG:     %[[A:.*]] = math.tanh %[[N1]]
// CHECK-DAG:     %[[B:.*]] = math.exp %[[N1]]
// CHECK:         %[[SUM:.*]] = arith.addf %[[A]], %[[B]]
// CHECK:         %[[N2:.*]] = norm.rms_norm %[[SUM]]
// CHECK:         %[[Y:.*]] = arith.addf %[[X]], %[[N2]]
// CHECK:         return %[[Y]]
func.func @sandwich_parallel(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = norm.residual %x : tensor<2x8xf32> pre {
  ^bb0(%a: tensor<2x8xf32>):
    %n = norm.rms_norm %a : tensor<2x8xf32>
    norm.yield %n : tensor<2x8xf32>
  } body {
  ^bb0(%h: tensor<2x8xf32>):
    %a = math.tanh %h : tensor<2x8xf32>
    %b = math.exp %h : tensor<2x8xf32>
    norm.yield %a, %b : tensor<2x8xf32>, tensor<2x8xf32>
  } out {
  ^bb0(%o: tensor<2x8xf32>):
    %n = norm.rms_norm %o : tensor<2x8xf32>
    norm.yield %n : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @negative_plain_normalizer_is_left_alone
// CHECK-NEXT:    %[[N:.*]] = norm.layer_norm
// CHECK-NEXT:    return %[[N]]
func.func @negative_plain_normalizer_is_left_alone(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %n = norm.layer_norm %x : tensor<2x8xf32>
  return %n : tensor<2x8xf32>
}

// -----

// A body that yields its argument (y = x + LN(x)): the expansion adds the
// normalized value itself. (It crashed before: the yielded block argument
// was gone once the block was inlined.)
// CHECK-LABEL: func.func @identity_body
// CHECK-SAME:    %[[X:.*]]: tensor<4x64xf32>
// CHECK:         %[[N:.*]] = norm.rms_norm %[[X]]
// CHECK:         %[[Y:.*]] = arith.addf %[[X]], %[[N]]
// CHECK:         return %[[Y]]
func.func @identity_body(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %y = norm.residual %x : tensor<4x64xf32> pre {
  ^bb0(%a: tensor<4x64xf32>):
    %n = norm.rms_norm %a : tensor<4x64xf32>
    norm.yield %n : tensor<4x64xf32>
  } body {
  ^bb0(%h: tensor<4x64xf32>):
    norm.yield %h : tensor<4x64xf32>
  }
  return %y : tensor<4x64xf32>
}
