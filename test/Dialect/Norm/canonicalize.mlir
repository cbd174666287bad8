// RUN: norm-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @batch_norm_eval_forwards_running_stats
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>, %[[P:.*]]: tensor<8xf32>, %[[M:.*]]: tensor<8xf32>, %[[V:.*]]: tensor<8xf32>
// CHECK:         %[[Y:.*]], %{{[^,]*}}, %{{[^ ]*}} = norm.batch_norm eval %[[X]], %[[P]], %[[P]], %[[M]], %[[V]] :
// CHECK:         return %[[Y]], %[[M]], %[[V]]
func.func @batch_norm_eval_forwards_running_stats(%x: tensor<2x8xf32>, %p: tensor<8xf32>,
    %m: tensor<8xf32>, %v: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %y, %nm, %nv = norm.batch_norm eval %x, %p, %p, %m, %v
      : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y, %nm, %nv : tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @negative_batch_norm_train_updates_running_stats
// CHECK:         %[[Y:.*]], %[[NM:.*]], %[[NV:.*]] = norm.batch_norm train
// CHECK:         return %[[Y]], %[[NM]], %[[NV]]
func.func @negative_batch_norm_train_updates_running_stats(%x: tensor<2x8xf32>, %p: tensor<8xf32>,
    %m: tensor<8xf32>, %v: tensor<8xf32>) -> (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %p, %p, %m, %v
      : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y, %nm, %nv : tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @layer_norm_drops_unit_scale_and_zero_bias
// CHECK-SAME:    %[[X:.*]]: tensor<?x8xf32>
// CHECK:         %[[Y:.*]] = norm.layer_norm %[[X]] : tensor<?x8xf32>
// CHECK:         return %[[Y]]
func.func @layer_norm_drops_unit_scale_and_zero_bias(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %one = arith.constant dense<1.0> : tensor<8xf32>
  %zero = arith.constant dense<0.0> : tensor<8xf32>
  %y = norm.layer_norm %x scale(%one : tensor<8xf32>) bias(%zero : tensor<8xf32>) : tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @gemma_rms_norm_drops_zero_scale_with_offset_one
// CHECK-SAME:    %[[X:.*]]: tensor<4x8xbf16>
// CHECK:         norm.rms_norm %[[X]] {scale_offset = 1.{{0*}}e+00 : f64} : tensor<4x8xbf16>
func.func @gemma_rms_norm_drops_zero_scale_with_offset_one(%x: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %w = arith.constant dense<0.0> : tensor<8xbf16>
  %y = norm.rms_norm %x scale(%w : tensor<8xbf16>) {scale_offset = 1.0 : f64} : tensor<4x8xbf16>
  return %y : tensor<4x8xbf16>
}

// -----

// CHECK-LABEL: func.func @group_norm_drops_unit_scale_keeps_bias
// CHECK-SAME:    %[[X:.*]]: tensor<2x4x3x3xf32>, %[[B:.*]]: tensor<4xf32>
// CHECK:         norm.group_norm %[[X]] bias(%[[B]] : tensor<4xf32>) {num_groups = 2 : i64}
func.func @group_norm_drops_unit_scale_keeps_bias(%x: tensor<2x4x3x3xf32>, %b: tensor<4xf32>)
    -> tensor<2x4x3x3xf32> {
  %one = arith.constant dense<1.0> : tensor<4xf32>
  %y = norm.group_norm %x scale(%one : tensor<4xf32>) bias(%b : tensor<4xf32>)
         {num_groups = 2 : i64} : tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @add_rms_norm_drops_unit_scale
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf16>, %[[R:.*]]: tensor<2x8xf16>
// CHECK:         norm.add_rms_norm %[[X]], %[[R]] : tensor<2x8xf16>
func.func @add_rms_norm_drops_unit_scale(%x: tensor<2x8xf16>, %r: tensor<2x8xf16>)
    -> (tensor<2x8xf16>, tensor<2x8xf16>) {
  %one = arith.constant dense<1.0> : tensor<8xf16>
  %y, %s = norm.add_rms_norm %x, %r scale(%one : tensor<8xf16>) : tensor<2x8xf16>
  return %y, %s : tensor<2x8xf16>, tensor<2x8xf16>
}

// -----

// CHECK-LABEL: func.func @negative_layer_norm_keeps_scale_of_two
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>
// CHECK:         %[[TWO:.*]] = arith.constant dense<2.0{{.*}}> : tensor<8xf32>
// CHECK:         norm.layer_norm %[[X]] scale(%[[TWO]] : tensor<8xf32>) : tensor<2x8xf32>
func.func @negative_layer_norm_keeps_scale_of_two(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %two = arith.constant dense<2.0> : tensor<8xf32>
  %y = norm.layer_norm %x scale(%two : tensor<8xf32>) : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @negative_layer_norm_keeps_non_splat_scale
// CHECK-SAME:    %[[X:.*]]: tensor<3x2xf32>
// CHECK:         %[[G:.*]] = arith.constant dense<[1.0{{.*}}, 5.0{{.*}}e-01]> : tensor<2xf32>
// CHECK:         norm.layer_norm %[[X]] scale(%[[G]] : tensor<2xf32>) : tensor<3x2xf32>
func.func @negative_layer_norm_keeps_non_splat_scale(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %g = arith.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %y = norm.layer_norm %x scale(%g : tensor<2xf32>) : tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @negative_rms_norm_gemma_keeps_unit_scale
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>
// CHECK:         %[[ONE:.*]] = arith.constant dense<1.0{{.*}}> : tensor<8xf32>
// CHECK:         norm.rms_norm %[[X]] scale(%[[ONE]] : tensor<8xf32>) {scale_offset = 1.{{0*}}e+00 : f64}
func.func @negative_rms_norm_gemma_keeps_unit_scale(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // With scale_offset = 1 a scale of ones multiplies by two.
  %one = arith.constant dense<1.0> : tensor<8xf32>
  %y = norm.rms_norm %x scale(%one : tensor<8xf32>) {scale_offset = 1.0 : f64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @negative_layer_norm_keeps_argument_scale
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>, %[[G:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8xf32>
// CHECK:         norm.layer_norm %[[X]] scale(%[[G]] : tensor<8xf32>) bias(%[[B]] : tensor<8xf32>)
func.func @negative_layer_norm_keeps_argument_scale(%x: tensor<2x8xf32>, %g: tensor<8xf32>,
                                                    %b: tensor<8xf32>) -> tensor<2x8xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<8xf32>) bias(%b : tensor<8xf32>) : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @negative_batch_norm_keeps_required_unit_scale
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>, %[[P:.*]]: tensor<8xf32>
// CHECK:         %[[ONE:.*]] = arith.constant dense<1.0{{.*}}> : tensor<8xf32>
// CHECK:         norm.batch_norm train %[[X]], %[[ONE]], %[[P]], %[[P]], %[[P]] :
func.func @negative_batch_norm_keeps_required_unit_scale(%x: tensor<2x8xf32>, %p: tensor<8xf32>)
    -> (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %one = arith.constant dense<1.0> : tensor<8xf32>
  %y, %nm, %nv = norm.batch_norm train %x, %one, %p, %p, %p
      : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y, %nm, %nv : tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @residual_without_norms_is_an_add
// CHECK-SAME:    %[[X:.*]]: tensor<?x8xf32>
// CHECK:         %[[F:.*]] = math.tanh %[[X]] : tensor<?x8xf32>
// CHECK:         %[[Y:.*]] = arith.addf %[[X]], %[[F]] : tensor<?x8xf32>
// CHECK:         return %[[Y]]
func.func @residual_without_norms_is_an_add(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = norm.residual %x : tensor<?x8xf32> body {
  ^bb0(%h: tensor<?x8xf32>):
    %f = math.tanh %h : tensor<?x8xf32>
    norm.yield %f : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @residual_parallel_branches_are_summed
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>
// CHECK-DAG:     %[[A:.*]] = math.tanh %[[X]]
// CHECK-DAG:     %[[B:.*]] = math.exp %[[X]]
// CHECK:         %[[S:.*]] = arith.addf %[[A]], %[[B]]
// CHECK:         %[[Y:.*]] = arith.addf %[[X]], %[[S]]
// CHECK:         return %[[Y]]
func.func @residual_parallel_branches_are_summed(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = norm.residual %x : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    %a = math.tanh %h : tensor<2x8xf32>
    %b = math.exp %h : tensor<2x8xf32>
    norm.yield %a, %b : tensor<2x8xf32>, tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @residual_scale_multiplies_the_skip
// CHECK-SAME:    %[[X:.*]]: tensor<2x8xf32>
// CHECK-DAG:     %[[ALPHA:.*]] = arith.constant dense<2.{{0*}}e+00> : tensor<2x8xf32>
// CHECK-DAG:     %[[F:.*]] = math.tanh %[[X]]
// CHECK:         %[[SKIP:.*]] = arith.mulf %[[X]], %[[ALPHA]]
// CHECK:         %[[Y:.*]] = arith.addf %[[SKIP]], %[[F]]
// CHECK:         return %[[Y]]
func.func @residual_scale_multiplies_the_skip(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = norm.residual %x {residual_scale = 2.0 : f64} : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    %f = math.tanh %h : tensor<2x8xf32>
    norm.yield %f : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @negative_residual_with_pre_norm
// CHECK:         norm.residual
// CHECK-NOT:     arith.addf
func.func @negative_residual_with_pre_norm(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = norm.residual %x : tensor<2x8xf32> pre {
  ^bb0(%a: tensor<2x8xf32>):
    %n = norm.layer_norm %a : tensor<2x8xf32>
    norm.yield %n : tensor<2x8xf32>
  } body {
  ^bb0(%h: tensor<2x8xf32>):
    %f = math.tanh %h : tensor<2x8xf32>
    norm.yield %f : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @residual_scale_on_dynamic_shape_splats
// CHECK-SAME:    %[[X:.*]]: tensor<?x8xf32>
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[ALPHA:.*]] = arith.constant 2.{{0*}}e+00 : f32
// CHECK:         %[[D0:.*]] = tensor.dim %[[X]], %[[C0]]
// CHECK:         %[[SPLAT:.*]] = tensor.splat %[[ALPHA]][%[[D0]]] : tensor<?x8xf32>
// CHECK:         %[[SKIP:.*]] = arith.mulf %[[X]], %[[SPLAT]]
// CHECK:         arith.addf %[[SKIP]], %{{.*}} : tensor<?x8xf32>
func.func @residual_scale_on_dynamic_shape_splats(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = norm.residual %x {residual_scale = 2.0 : f64} : tensor<?x8xf32> body {
  ^bb0(%h: tensor<?x8xf32>):
    %f = math.tanh %h : tensor<?x8xf32>
    norm.yield %f : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}
