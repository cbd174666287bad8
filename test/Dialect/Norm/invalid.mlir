// RUN: norm-opt %s -split-input-file -verify-diagnostics

// Every verifier message of the dialect, one case each.

//===----------------------------------------------------------------------===//
// Shared by every normalizer (NormalizationOpInterface)
//===----------------------------------------------------------------------===//

func.func @epsilon_zero(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'epsilon' must be finite and > 0, got 0.000000e+00}}
  %y = norm.layer_norm %x {epsilon = 0.0 : f64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @epsilon_negative(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'epsilon' must be finite and > 0, got -1.000000e-05}}
  %y = norm.rms_norm %x {epsilon = -1.0e-5 : f64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @epsilon_nan(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{attribute 'epsilon' must be finite, got nan}}
  %y = norm.layer_norm %x {epsilon = 0x7FF8000000000000 : f64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @epsilon_inf(%x: tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32> {
  // expected-error @+1 {{attribute 'epsilon' must be finite, got INF}}
  %y = norm.group_norm %x {num_groups = 2 : i64, epsilon = 0x7FF0000000000000 : f64} : tensor<2x4x4x4xf32>
  return %y : tensor<2x4x4x4xf32>
}

// -----

func.func @compute_type_f16(%x: tensor<2x8xf16>) -> tensor<2x8xf16> {
  // expected-error @+1 {{'compute_type' must be f32 or f64, got 'f16'}}
  %y = norm.layer_norm %x {compute_type = f16} : tensor<2x8xf16>
  return %y : tensor<2x8xf16>
}

// -----

func.func @compute_type_narrower_than_f64(%x: tensor<2x8xf64>) -> tensor<2x8xf64> {
  // expected-error @+1 {{'compute_type' 'f32' is narrower than the element type 'f64'}}
  %y = norm.rms_norm %x : tensor<2x8xf64>
  return %y : tensor<2x8xf64>
}

// -----

func.func @compute_type_not_a_float(%v: tensor<4x4xf32>, %g: tensor<4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'compute_type' must be f32 or f64, got 'i32'}}
  %w = norm.weight_norm %v, %g {dim = 0 : i64, compute_type = i32} : tensor<4x4xf32>, tensor<4xf32>
  return %w : tensor<4x4xf32>
}

// -----

func.func @element_type_integer(%x: tensor<2x8xi32>) -> tensor<2x8xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %y = norm.layer_norm %x : tensor<2x8xi32>
  return %y : tensor<2x8xi32>
}

// -----

func.func @result_type_mismatch(%x: tensor<2x8xf32>) -> tensor<2x8xf16> {
  // expected-error @+1 {{all of {input, result} have same type}}
  %y = "norm.layer_norm"(%x) <{axis = -1 : i64, epsilon = 1.0e-5 : f64, operandSegmentSizes = array<i32: 1, 0, 0>, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<2x8xf32>) -> tensor<2x8xf16>
  return %y : tensor<2x8xf16>
}

//===----------------------------------------------------------------------===//
// Row normalizers
//===----------------------------------------------------------------------===//

// -----

func.func @layer_norm_axis_out_of_range(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'axis' must be in [-2, 2), got 2}}
  %y = norm.layer_norm %x {axis = 2 : i64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @rms_norm_axis_too_negative(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'axis' must be in [-2, 2), got -3}}
  %y = norm.rms_norm %x {axis = -3 : i64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @layer_norm_rank_zero(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'axis' must be in [0, 0), got -1}}
  %y = norm.layer_norm %x : tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @layer_norm_dynamic_normalized_dim(%x: tensor<2x?xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{dim 1 of 'input' must be static (it is normalized), got [2, ?]}}
  %y = norm.layer_norm %x : tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<2x8xf32>, %g: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'scale' must have shape [8] (the normalized dims), got [4]}}
  %y = norm.layer_norm %x scale(%g : tensor<4xf32>) : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @layer_norm_bias_shape_two_dims(%x: tensor<2x4x8xf32>, %b: tensor<8xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+1 {{'bias' must have shape [4, 8] (the normalized dims), got [8]}}
  %y = norm.layer_norm %x bias(%b : tensor<8xf32>) {axis = 1 : i64} : tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

func.func @layer_norm_mean_type(%x: tensor<2x8xbf16>) -> tensor<2xbf16> {
  // expected-error @+1 {{'mean' must have type 'tensor<2xf32>' (the outer dims in compute_type), got 'tensor<2xbf16>'}}
  %y, %mean = norm.layer_norm %x : tensor<2x8xbf16> mean(tensor<2xbf16>)
  return %mean : tensor<2xbf16>
}

// -----

func.func @rms_norm_rstd_shape(%x: tensor<?x8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'rstd' must have type 'tensor<?xf32>' (the outer dims in compute_type), got 'tensor<8xf32>'}}
  %y, %rstd = norm.rms_norm %x : tensor<?x8xf32> rstd(tensor<8xf32>)
  return %rstd : tensor<8xf32>
}

// -----

func.func @add_rms_norm_scale_shape(%x: tensor<2x8xf32>, %w: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'scale' must have shape [8] (the normalized dims), got [2, 8]}}
  %y, %s = norm.add_rms_norm %x, %x scale(%w : tensor<2x8xf32>) : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @add_layer_norm_residual_type(%x: tensor<2x8xf32>, %r: tensor<2x8xf16>) -> tensor<2x8xf32> {
  // expected-error @+1 {{all of {input, residual, result, sum} have same type}}
  %y, %s = "norm.add_layer_norm"(%x, %r) <{axis = -1 : i64, epsilon = 1.0e-5 : f64, operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<2x8xf32>, tensor<2x8xf16>) -> (tensor<2x8xf32>, tensor<2x8xf32>)
  return %y : tensor<2x8xf32>
}

//===----------------------------------------------------------------------===//
// Channel normalizers
//===----------------------------------------------------------------------===//

// -----

func.func @batch_norm_rank_one(%x: tensor<8xf32>, %p: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'input' must have rank >= 2 (batch and channel dims), got rank 1}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p : tensor<8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

func.func @batch_norm_channel_axis(%x: tensor<2x8xf32>, %p: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'channel_axis' must be in [-2, 2), got 2}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p {channel_axis = 2 : i64} : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @batch_norm_dynamic_channels(%x: tensor<2x?xf32>, %p: tensor<8xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{dim 1 of 'input' must be static (it is the channel dim), got [2, ?]}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p : tensor<2x?xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<2x?xf32>
}

// -----

func.func @batch_norm_scale_shape(%x: tensor<2x8xf32>, %p: tensor<4xf32>, %s: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'scale' must have shape [8] (one per channel), got [4]}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %s, %s : tensor<2x8xf32>, params tensor<4xf32>, stats tensor<8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @batch_norm_running_stats_shape(%x: tensor<2x8xf32>, %p: tensor<8xf32>, %s: tensor<16xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'running_mean' must have shape [8] (one per channel), got [16]}}
  %y, %m, %v = norm.batch_norm eval %x, %p, %p, %s, %s : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<16xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @batch_norm_momentum(%x: tensor<2x8xf32>, %p: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'momentum' must be in [0, 1], got 1.5}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p {momentum = 1.5 : f64} : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @batch_norm_momentum_nan(%x: tensor<2x8xf32>, %p: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{attribute 'momentum' must be finite, got nan}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p {momentum = 0x7FF8000000000000 : f64} : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @batch_norm_empty_sync_group(%x: tensor<2x8xf32>, %p: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'sync_group' must not be empty}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p {sync_group = ""} : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @batch_norm_mask_shape(%x: tensor<4x16x8xf32>, %p: tensor<8xf32>, %mask: tensor<4x8xi1>) -> tensor<4x16x8xf32> {
  // expected-error @+1 {{'mask' must have shape [4, 16] (the input shape without the channel dim), got [4, 8]}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p mask(%mask : tensor<4x8xi1>) {channel_axis = -1 : i64} : tensor<4x16x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<4x16x8xf32>
}

// -----

func.func @batch_norm_mask_not_boolean(%x: tensor<4x8xf32>, %p: tensor<8xf32>, %mask: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand #5 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p mask(%mask : tensor<4xf32>) : tensor<4x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @batch_norm_saved_mean_type(%x: tensor<2x8xf16>, %p: tensor<8xf32>) -> tensor<8xf16> {
  // expected-error @+1 {{'saved_mean' must have type 'tensor<8xf32>' (one per channel in compute_type), got 'tensor<8xf16>'}}
  %y, %m, %v, %sm = norm.batch_norm train %x, %p, %p, %p, %p : tensor<2x8xf16>, params tensor<8xf32>, stats tensor<8xf32> saved_mean(tensor<8xf16>)
  return %sm : tensor<8xf16>
}

// -----

func.func @batch_norm_bad_mode(%x: tensor<2x8xf32>, %p: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'mode' [train, eval]}}
  %y, %m, %v = norm.batch_norm infer %x, %p, %p, %p, %p : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @group_norm_zero_groups(%x: tensor<2x8x4x4xf32>) -> tensor<2x8x4x4xf32> {
  // expected-error @+1 {{'num_groups' must be > 0, got 0}}
  %y = norm.group_norm %x {num_groups = 0 : i64} : tensor<2x8x4x4xf32>
  return %y : tensor<2x8x4x4xf32>
}

// -----

func.func @group_norm_channel_axis_is_the_sample_dim(%x: tensor<8x2x4xf32>) -> tensor<8x2x4xf32> {
  // expected-error @+1 {{'channel_axis' must not be dim 0, the sample dim}}
  %y = norm.group_norm %x {num_groups = 2 : i64, channel_axis = -3 : i64} : tensor<8x2x4xf32>
  return %y : tensor<8x2x4xf32>
}

// -----

func.func @group_norm_groups_do_not_divide(%x: tensor<2x8x4x4xf32>) -> tensor<2x8x4x4xf32> {
  // expected-error @+1 {{'num_groups' (3) must divide the channel count 8}}
  %y = norm.group_norm %x {num_groups = 3 : i64} : tensor<2x8x4x4xf32>
  return %y : tensor<2x8x4x4xf32>
}

// -----

func.func @group_norm_scale_shape(%x: tensor<2x4x4x8xf32>, %g: tensor<4xf32>) -> tensor<2x4x4x8xf32> {
  // expected-error @+1 {{'scale' must have shape [8] (one per channel), got [4]}}
  %y = norm.group_norm %x scale(%g : tensor<4xf32>) {num_groups = 2 : i64, channel_axis = 3 : i64} : tensor<2x4x4x8xf32>
  return %y : tensor<2x4x4x8xf32>
}

// -----

func.func @group_norm_bias_shape(%x: tensor<2x8x4x4xf32>, %b: tensor<4xf32>) -> tensor<2x8x4x4xf32> {
  // expected-error @+1 {{'bias' must have shape [8] (one per channel), got [4]}}
  %y = norm.group_norm %x bias(%b : tensor<4xf32>) {num_groups = 2 : i64} : tensor<2x8x4x4xf32>
  return %y : tensor<2x8x4x4xf32>
}

// -----

func.func @group_norm_missing_groups(%x: tensor<2x8x4x4xf32>) -> tensor<2x8x4x4xf32> {
  // expected-error @+1 {{requires attribute 'num_groups'}}
  %y = norm.group_norm %x : tensor<2x8x4x4xf32>
  return %y : tensor<2x8x4x4xf32>
}

// -----

func.func @weight_norm_dim_out_of_range(%v: tensor<4x4xf32>, %g: tensor<4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'dim' must be in [-2, 2), got 2}}
  %w = norm.weight_norm %v, %g {dim = 2 : i64} : tensor<4x4xf32>, tensor<4xf32>
  return %w : tensor<4x4xf32>
}

// -----

func.func @weight_norm_dynamic_dim(%v: tensor<?x4xf32>, %g: tensor<4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{dim 0 of 'v' must be static ('g' has one value per slice), got [?, 4]}}
  %w = norm.weight_norm %v, %g {dim = 0 : i64} : tensor<?x4xf32>, tensor<4xf32>
  return %w : tensor<?x4xf32>
}

// -----

func.func @weight_norm_g_shape(%v: tensor<8x4xf32>, %g: tensor<4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'g' must have shape [8] (one per slice along 'dim'), got [4]}}
  %w = norm.weight_norm %v, %g {dim = 0 : i64} : tensor<8x4xf32>, tensor<4xf32>
  return %w : tensor<8x4xf32>
}

// -----

func.func @weight_norm_g_not_scalar(%v: tensor<8x4xf32>, %g: tensor<8xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'g' must have shape [] (a scalar without 'dim'), got [8]}}
  %w = norm.weight_norm %v, %g : tensor<8x4xf32>, tensor<8xf32>
  return %w : tensor<8x4xf32>
}

//===----------------------------------------------------------------------===//
// Residual placement
//===----------------------------------------------------------------------===//

// -----

func.func @residual_scale_zero(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'residual_scale' must be finite and > 0, got 0.000000e+00}}
  %y = norm.residual %x {residual_scale = 0.0 : f64} : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    norm.yield %h : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @residual_body_argument_type(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'body' region must take one argument of type 'tensor<2x8xf32>'}}
  %y = norm.residual %x : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf16>):
    norm.yield %x : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @residual_body_without_yield(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'body' region must end in norm.yield}}
  %y = norm.residual %x : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    llvm.unreachable
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @residual_body_yields_nothing(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'body' region must yield at least one value}}
  %y = norm.residual %x : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    norm.yield
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @residual_body_yield_type(%x: tensor<2x8xf32>, %z: tensor<2x4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'body' region yields 'tensor<2x4xf32>' as value #1, expected 'tensor<2x8xf32>'}}
  %y = norm.residual %x : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    norm.yield %h, %z : tensor<2x8xf32>, tensor<2x4xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @residual_pre_argument_type(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'pre' region must take one argument of type 'tensor<2x8xf32>'}}
  %y = norm.residual %x : tensor<2x8xf32> pre {
  ^bb0(%a: tensor<2x8xf32>, %b: tensor<2x8xf32>):
    %n = norm.layer_norm %a : tensor<2x8xf32>
    norm.yield %n : tensor<2x8xf32>
  } body {
  ^bb0(%h: tensor<2x8xf32>):
    norm.yield %h : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @residual_pre_two_normalizers(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'pre' region must hold exactly one normalizer and a norm.yield, got 3 ops}}
  %y = norm.residual %x : tensor<2x8xf32> pre {
  ^bb0(%a: tensor<2x8xf32>):
    %n = norm.layer_norm %a : tensor<2x8xf32>
    %m = norm.rms_norm %n : tensor<2x8xf32>
    norm.yield %m : tensor<2x8xf32>
  } body {
  ^bb0(%h: tensor<2x8xf32>):
    norm.yield %h : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @residual_out_not_a_normalizer(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'out' region holds 'math.tanh', which is not a normalizer}}
  %y = norm.residual %x : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    norm.yield %h : tensor<2x8xf32>
  } out {
  ^bb0(%o: tensor<2x8xf32>):
    %t = math.tanh %o : tensor<2x8xf32>
    norm.yield %t : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @residual_post_normalizes_a_capture(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'post' region's normalizer must normalize the region argument}}
  %y = norm.residual %x : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    norm.yield %h : tensor<2x8xf32>
  } post {
  ^bb0(%s: tensor<2x8xf32>):
    %n = norm.layer_norm %x : tensor<2x8xf32>
    norm.yield %n : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @residual_post_yields_its_argument(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'post' region must yield exactly the normalizer's result}}
  %y = norm.residual %x : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    norm.yield %h : tensor<2x8xf32>
  } post {
  ^bb0(%s: tensor<2x8xf32>):
    %n = norm.layer_norm %s : tensor<2x8xf32>
    norm.yield %s : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @yield_outside_residual(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'norm.yield' op expects parent op 'norm.residual'}}
  norm.yield %x : tensor<2x8xf32>
}

//===----------------------------------------------------------------------===//
// Projection fusions
//===----------------------------------------------------------------------===//

// -----

func.func @project_norm_weight_rank(%x: tensor<2x8xf32>, %w: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'weight' must be a 2-D tensor [K, N] and 'input' at least 1-D, got [2, 8] x [8]}}
  %y = norm.project_norm rms %x, %w {head_dim = 4 : i64, epsilon = 1.0e-6 : f64} : tensor<2x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @project_norm_dynamic_weight(%x: tensor<2x8xf32>, %w: tensor<8x?xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{dim 1 of 'weight' must be static (it is a projection weight), got [8, ?]}}
  %y = norm.project_norm rms %x, %w {head_dim = 4 : i64, epsilon = 1.0e-6 : f64} : tensor<2x8xf32>, tensor<8x?xf32> -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// -----

func.func @project_norm_contraction_mismatch(%x: tensor<2x8xf32>, %w: tensor<16x32xf32>) -> tensor<2x32xf32> {
  // expected-error @+1 {{'weight' [K, N] must have 8 rows (the last dim of 'input'), got [16, 32]}}
  %y = norm.project_norm rms %x, %w {head_dim = 4 : i64, epsilon = 1.0e-6 : f64} : tensor<2x8xf32>, tensor<16x32xf32> -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}

// -----

// A transposed weight is [N, K]: [8, 32] has 32 columns, not 8.
func.func @norm_project_transposed_weight_mismatch(%x: tensor<2x8xf32>, %w: tensor<8x32xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'weight' [N, K] must have 8 columns (the last dim of 'input'), got [8, 32]}}
  %y = norm.norm_project rms %x, %w {epsilon = 1.0e-6 : f64, transpose_weight} : tensor<2x8xf32>, tensor<8x32xf32> -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// [N, K] = [32, 8] projects 8 to 32 columns, not 8.
func.func @project_norm_transposed_weight_result(%x: tensor<2x8xf32>, %w: tensor<32x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'result' must have type 'tensor<2x32xf32>' (the outer dims of 'input' by the columns of 'weight'), got 'tensor<2x8xf32>'}}
  %y = norm.project_norm rms %x, %w {head_dim = 4 : i64, epsilon = 1.0e-6 : f64, transpose_weight} : tensor<2x8xf32>, tensor<32x8xf32> -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @project_norm_result_type(%x: tensor<?x8xf32>, %w: tensor<8x32xf32>) -> tensor<?x16xf32> {
  // expected-error @+1 {{'result' must have type 'tensor<?x32xf32>' (the outer dims of 'input' by the columns of 'weight'), got 'tensor<?x16xf32>'}}
  %y = norm.project_norm rms %x, %w {head_dim = 4 : i64, epsilon = 1.0e-6 : f64} : tensor<?x8xf32>, tensor<8x32xf32> -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

func.func @project_norm_zero_head_dim(%x: tensor<2x8xf32>, %w: tensor<8x32xf32>) -> tensor<2x32xf32> {
  // expected-error @+1 {{'head_dim' must be > 0, got 0}}
  %y = norm.project_norm rms %x, %w {head_dim = 0 : i64, epsilon = 1.0e-6 : f64} : tensor<2x8xf32>, tensor<8x32xf32> -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}

// -----

func.func @project_norm_head_dim_does_not_divide(%x: tensor<2x8xf32>, %w: tensor<8x32xf32>) -> tensor<2x32xf32> {
  // expected-error @+1 {{'head_dim' (12) must divide the projection width 32}}
  %y = norm.project_norm rms %x, %w {head_dim = 12 : i64, epsilon = 1.0e-6 : f64} : tensor<2x8xf32>, tensor<8x32xf32> -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}

// -----

func.func @project_norm_proj_bias_shape(%x: tensor<2x8xf32>, %w: tensor<8x32xf32>, %pb: tensor<8xf32>) -> tensor<2x32xf32> {
  // expected-error @+1 {{'proj_bias' must have shape [32] (one per projection column), got [8]}}
  %y = norm.project_norm rms %x, %w proj_bias(%pb : tensor<8xf32>) {head_dim = 8 : i64, epsilon = 1.0e-6 : f64} : tensor<2x8xf32>, tensor<8x32xf32> -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}

// -----

func.func @project_norm_head_scale_shape(%x: tensor<2x8xf32>, %w: tensor<8x32xf32>, %g: tensor<32xf32>) -> tensor<2x32xf32> {
  // expected-error @+1 {{'scale' must have shape [8] (shared by every head), got [32]}}
  %y = norm.project_norm rms %x, %w scale(%g : tensor<32xf32>) {head_dim = 8 : i64, epsilon = 1.0e-6 : f64} : tensor<2x8xf32>, tensor<8x32xf32> -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}

// -----

func.func @project_norm_missing_epsilon(%x: tensor<2x8xf32>, %w: tensor<8x32xf32>) -> tensor<2x32xf32> {
  // expected-error @+1 {{requires attribute 'epsilon'}}
  %y = norm.project_norm rms %x, %w {head_dim = 8 : i64} : tensor<2x8xf32>, tensor<8x32xf32> -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}

// -----

func.func @norm_project_bias_shape(%x: tensor<2x8xf32>, %w: tensor<8x32xf32>, %b: tensor<8xf32>) -> tensor<2x32xf32> {
  // expected-error @+1 {{'bias' must have shape [32] (one per output column), got [8]}}
  %y = norm.norm_project layer %x, %w bias(%b : tensor<8xf32>) {epsilon = 1.0e-5 : f64} : tensor<2x8xf32>, tensor<8x32xf32> -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}

// -----

func.func @norm_project_dynamic_hidden(%x: tensor<2x?xf32>, %w: tensor<8x32xf32>) -> tensor<2x32xf32> {
  // expected-error @+1 {{dim 1 of 'input' must be static (it is normalized), got [2, ?]}}
  %y = norm.norm_project rms %x, %w {epsilon = 1.0e-5 : f64} : tensor<2x?xf32>, tensor<8x32xf32> -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}

//===----------------------------------------------------------------------===//
// Synchronized batch normalization
//===----------------------------------------------------------------------===//

// -----

func.func @batch_stats_result_type(%x: tensor<2x8xbf16>) -> tensor<8xbf16> {
  // expected-error @+1 {{'mean' must have type 'tensor<8xf32>' (one per channel in compute_type), got 'tensor<8xbf16>'}}
  %n, %mean, %m2 = norm.batch_stats %x : tensor<2x8xbf16> -> tensor<8xbf16>
  return %mean : tensor<8xbf16>
}

// -----

func.func @batch_stats_compute_type(%x: tensor<2x8xf16>) -> tensor<8xf16> {
  // expected-error @+1 {{'compute_type' must be f32 or f64, got 'f16'}}
  %n, %mean, %m2 = norm.batch_stats %x {compute_type = f16} : tensor<2x8xf16> -> tensor<8xf16>
  return %mean : tensor<8xf16>
}

// -----

func.func @batch_stats_mask_shape(%x: tensor<2x8x3xf32>, %mask: tensor<2x8xi1>) -> tensor<8xf32> {
  // expected-error @+1 {{'mask' must have shape [2, 3] (the input shape without the channel dim), got [2, 8]}}
  %n, %mean, %m2 = norm.batch_stats %x mask(%mask : tensor<2x8xi1>) : tensor<2x8x3xf32> -> tensor<8xf32>
  return %mean : tensor<8xf32>
}

// -----

func.func @all_reduce_stats_empty_group(%n: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'sync_group' must not be empty}}
  %a, %b, %c = norm.all_reduce_stats "" %n, %n, %n : tensor<8xf32>
  return %b : tensor<8xf32>
}

// -----

func.func @all_reduce_stats_not_per_channel(%n: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{statistics must be 1-D (one per channel), got 'tensor<2x8xf32>'}}
  %a, %b, %c = norm.all_reduce_stats "dp" %n, %n, %n : tensor<2x8xf32>
  return %b : tensor<2x8xf32>
}

// -----

func.func @batch_norm_apply_mean_shape(%x: tensor<2x8xf32>, %m: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'mean' must have shape [8] (one per channel), got [4]}}
  %y = norm.batch_norm_apply %x, %m, %m : tensor<2x8xf32>, tensor<4xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @batch_norm_apply_scale_shape(%x: tensor<2x8xf32>, %m: tensor<8xf32>, %g: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'scale' must have shape [8] (one per channel), got [4]}}
  %y = norm.batch_norm_apply %x, %m, %m scale(%g : tensor<4xf32>) : tensor<2x8xf32>, tensor<8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @batch_norm_apply_bias_shape(%x: tensor<2x8xf32>, %m: tensor<8xf32>, %b: tensor<2xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'bias' must have shape [8] (one per channel), got [2]}}
  %y = norm.batch_norm_apply %x, %m, %m bias(%b : tensor<2xf32>) : tensor<2x8xf32>, tensor<8xf32>
  return %y : tensor<2x8xf32>
}

//===----------------------------------------------------------------------===//
// Attributes of every op (WellFormedAttributes)
//===----------------------------------------------------------------------===//

// -----

func.func @scale_offset_nan(%x: tensor<2x8xf32>, %w: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{attribute 'scale_offset' must be finite, got nan}}
  %y = norm.rms_norm %x scale(%w : tensor<8xf32>) {scale_offset = 0x7FF8000000000000 : f64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @residual_scale_inf(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{attribute 'residual_scale' must be finite, got INF}}
  %y = norm.residual %x {residual_scale = 0x7FF0000000000000 : f64} : tensor<2x8xf32> body {
  ^bb0(%h: tensor<2x8xf32>):
    norm.yield %h : tensor<2x8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @misspelt_epsilon(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{has no attribute 'epsilion'; did you mean 'epsilon'?}}
  %y = norm.layer_norm %x {epsilion = 1.0e-3 : f64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @unknown_attribute(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{has no attribute 'groups'; it takes 'axis', 'compute_type', 'epsilon', 'scale_offset'}}
  %y = norm.rms_norm %x {groups = 4 : i64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Gradients
//===----------------------------------------------------------------------===//

func.func @grad_axis(%x: tensor<2x8xf32>, %s: tensor<2xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'axis' must be in [-2, 2), got 2}}
  %dx = norm.layer_norm_grad %x, %x, %s, %s {axis = 2 : i64} : tensor<2x8xf32>, stats tensor<2xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @grad_dynamic_row(%x: tensor<2x?xf32>, %s: tensor<2xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{dim 1 of 'input' must be static (it is normalized), got [2, ?]}}
  %dx = norm.rms_norm_grad %x, %x, %s : tensor<2x?xf32>, stats tensor<2xf32>
  return %dx : tensor<2x?xf32>
}

// -----

func.func @grad_stats_f16(%x: tensor<2x8xf16>, %s: tensor<2xf16>) -> tensor<2x8xf16> {
  // expected-error @+1 {{statistics must be f32 or f64, got 'f16'}}
  %dx = norm.rms_norm_grad %x, %x, %s : tensor<2x8xf16>, stats tensor<2xf16>
  return %dx : tensor<2x8xf16>
}

// -----

func.func @grad_stats_narrow(%x: tensor<2x8xf64>, %s: tensor<2xf32>) -> tensor<2x8xf64> {
  // expected-error @+1 {{statistics ('f32') must be at least as wide as the input ('f64')}}
  %dx = norm.layer_norm_grad %x, %x, %s, %s : tensor<2x8xf64>, stats tensor<2xf32>
  return %dx : tensor<2x8xf64>
}

// -----

func.func @grad_mean_shape(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'mean' must have type 'tensor<2xf32>' (the outer dims), got 'tensor<8xf32>'}}
  %dx = norm.layer_norm_grad %x, %x, %s, %s : tensor<2x8xf32>, stats tensor<8xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @grad_rstd_shape(%x: tensor<2x3x8xf32>, %s: tensor<2xf32>) -> tensor<2x3x8xf32> {
  // expected-error @+1 {{'rstd' must have type 'tensor<2x3xf32>' (the outer dims), got 'tensor<2xf32>'}}
  %dx = norm.rms_norm_grad %x, %x, %s : tensor<2x3x8xf32>, stats tensor<2xf32>
  return %dx : tensor<2x3x8xf32>
}

// -----

func.func @grad_scale_shape(%x: tensor<2x8xf32>, %s: tensor<2xf32>, %w: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'scale' must have shape [8] (the normalized dims), got [4]}}
  %dx = norm.rms_norm_grad %x, %x, %s scale(%w : tensor<4xf32>) : tensor<2x8xf32>, stats tensor<2xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @grad_sum_grad_type(%x: tensor<2x8xf32>, %s: tensor<2xf32>, %d: tensor<2x8xf64>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'sum_grad' must have the input's type 'tensor<2x8xf32>', got 'tensor<2x8xf64>'}}
  %dx = norm.layer_norm_grad %x, %x, %s, %s sum_grad(%d : tensor<2x8xf64>) : tensor<2x8xf32>, stats tensor<2xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @grad_scale_grad_without_scale(%x: tensor<2x8xf32>, %s: tensor<2xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'scale_grad' needs a 'scale'}}
  %dx, %dw = norm.rms_norm_grad %x, %x, %s : tensor<2x8xf32>, stats tensor<2xf32> scale_grad(tensor<8xf32>)
  return %dw : tensor<8xf32>
}

// -----

func.func @grad_scale_grad_type(%x: tensor<2x8xf32>, %s: tensor<2xf32>, %w: tensor<8xbf16>) -> tensor<8xf32> {
  // expected-error @+1 {{'scale_grad' must have the type of 'scale' 'tensor<8xbf16>', got 'tensor<8xf32>'}}
  %dx, %dw = norm.rms_norm_grad %x, %x, %s scale(%w : tensor<8xbf16>) : tensor<2x8xf32>, stats tensor<2xf32> scale_grad(tensor<8xf32>)
  return %dw : tensor<8xf32>
}

// -----

func.func @grad_bias_grad_type(%x: tensor<2x8xbf16>, %s: tensor<2xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'bias_grad' must have type 'tensor<8xbf16>' (the normalized dims in the input's element type), got 'tensor<8xf32>'}}
  %dx, %db = norm.layer_norm_grad %x, %x, %s, %s : tensor<2x8xbf16>, stats tensor<2xf32> bias_grad(tensor<8xf32>)
  return %db : tensor<8xf32>
}

// -----

func.func @bn_grad_rank_one(%x: tensor<8xf32>, %p: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'input' must have rank >= 2 (batch and channel dims), got rank 1}}
  %dx = norm.batch_norm_grad train %x, %x, %p, %p, %p : tensor<8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %dx : tensor<8xf32>
}

// -----

func.func @bn_grad_channel_axis(%x: tensor<2x8xf32>, %p: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'channel_axis' must be in [-2, 2), got 2}}
  %dx = norm.batch_norm_grad train %x, %x, %p, %p, %p {channel_axis = 2 : i64} : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @bn_grad_dynamic_channels(%x: tensor<2x?xf32>, %p: tensor<8xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{dim 1 of 'input' must be static (it is the channel dim), got [2, ?]}}
  %dx = norm.batch_norm_grad train %x, %x, %p, %p, %p : tensor<2x?xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %dx : tensor<2x?xf32>
}

// -----

func.func @bn_grad_f16_statistics(%x: tensor<2x8xf16>, %p: tensor<8xf16>) -> tensor<2x8xf16> {
  // expected-error @+1 {{statistics must be f32 or f64, got 'f16'}}
  %dx = norm.batch_norm_grad train %x, %x, %p, %p, %p : tensor<2x8xf16>, params tensor<8xf16>, stats tensor<8xf16>
  return %dx : tensor<2x8xf16>
}

// -----

func.func @bn_grad_narrow_statistics(%x: tensor<2x8xf64>, %s: tensor<8xf32>) -> tensor<2x8xf64> {
  // expected-error @+1 {{statistics ('f32') must be at least as wide as the input ('f64')}}
  %dx = norm.batch_norm_grad train %x, %x, %s, %s, %s : tensor<2x8xf64>, params tensor<8xf32>, stats tensor<8xf32>
  return %dx : tensor<2x8xf64>
}

// -----

func.func @bn_grad_stats_shape(%x: tensor<2x8xf32>, %s: tensor<4xf32>, %p: tensor<8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'mean' must have type 'tensor<8xf32>' (one per channel), got 'tensor<4xf32>'}}
  %dx = norm.batch_norm_grad eval %x, %x, %s, %s, %p : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<4xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @bn_grad_scale_shape(%x: tensor<2x8xf32>, %s: tensor<8xf32>, %p: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'scale' must have shape [8] (one per channel), got [4]}}
  %dx = norm.batch_norm_grad train %x, %x, %s, %s, %p : tensor<2x8xf32>, params tensor<4xf32>, stats tensor<8xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @bn_grad_mask_shape(%x: tensor<2x8x5xf32>, %s: tensor<8xf32>, %m: tensor<2x8xi1>) -> tensor<2x8x5xf32> {
  // expected-error @+1 {{'mask' must have shape [2, 5] (the input shape without the channel dim), got [2, 8]}}
  %dx = norm.batch_norm_grad train %x, %x, %s, %s, %s mask(%m : tensor<2x8xi1>) : tensor<2x8x5xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %dx : tensor<2x8x5xf32>
}

// -----

func.func @bn_grad_scale_grad_type(%x: tensor<2x8xbf16>, %s: tensor<8xf32>, %p: tensor<8xbf16>) -> tensor<8xf32> {
  // expected-error @+1 {{'scale_grad' must have the type of 'scale' 'tensor<8xbf16>', got 'tensor<8xf32>'}}
  %dx, %dg = norm.batch_norm_grad train %x, %x, %s, %s, %p : tensor<2x8xbf16>, params tensor<8xbf16>, stats tensor<8xf32> scale_grad(tensor<8xf32>)
  return %dg : tensor<8xf32>
}

// -----

func.func @bn_grad_bias_grad_type(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'bias_grad' must have the type of 'scale' 'tensor<8xf32>', got 'tensor<4xf32>'}}
  %dx, %db = norm.batch_norm_grad train %x, %x, %s, %s, %s : tensor<2x8xf32>, params tensor<8xf32>, stats tensor<8xf32> bias_grad(tensor<4xf32>)
  return %db : tensor<4xf32>
}

// -----

func.func @gn_grad_sample_axis(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'channel_axis' must not be dim 0, the sample dim}}
  %dx = norm.group_norm_grad %x, %x {num_groups = 2 : i64, channel_axis = 0 : i64} : tensor<2x8xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @gn_grad_rank_one(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'input' must have rank >= 2 (batch and channel dims), got rank 1}}
  %dx = norm.group_norm_grad %x, %x {num_groups = 2 : i64} : tensor<8xf32>
  return %dx : tensor<8xf32>
}

// -----

func.func @gn_grad_no_groups(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'num_groups' must be > 0, got 0}}
  %dx = norm.group_norm_grad %x, %x {num_groups = 0 : i64} : tensor<2x8xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @gn_grad_groups_divide(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'num_groups' (3) must divide the channel count 8}}
  %dx = norm.group_norm_grad %x, %x {num_groups = 3 : i64} : tensor<2x8xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @gn_grad_epsilon(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'epsilon' must be finite and > 0, got 0}}
  %dx = norm.group_norm_grad %x, %x {num_groups = 2 : i64, epsilon = 0.0 : f64} : tensor<2x8xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @gn_grad_compute_type(%x: tensor<2x8xf16>) -> tensor<2x8xf16> {
  // expected-error @+1 {{'compute_type' must be f32 or f64, got 'f16'}}
  %dx = norm.group_norm_grad %x, %x {num_groups = 2 : i64, compute_type = f16} : tensor<2x8xf16>
  return %dx : tensor<2x8xf16>
}

// -----

func.func @gn_grad_narrow_compute_type(%x: tensor<2x8xf64>) -> tensor<2x8xf64> {
  // expected-error @+1 {{'compute_type' 'f32' is narrower than the element type 'f64'}}
  %dx = norm.group_norm_grad %x, %x {num_groups = 2 : i64} : tensor<2x8xf64>
  return %dx : tensor<2x8xf64>
}

// -----

func.func @gn_grad_scale_shape(%x: tensor<2x8xf32>, %g: tensor<4xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'scale' must have shape [8] (one per channel), got [4]}}
  %dx = norm.group_norm_grad %x, %x scale(%g : tensor<4xf32>) {num_groups = 2 : i64} : tensor<2x8xf32>
  return %dx : tensor<2x8xf32>
}

// -----

func.func @gn_grad_scale_grad_without_scale(%x: tensor<2x8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'scale_grad' needs a 'scale'}}
  %dx, %dg = norm.group_norm_grad %x, %x {num_groups = 2 : i64} : tensor<2x8xf32> scale_grad(tensor<8xf32>)
  return %dg : tensor<8xf32>
}

// -----

func.func @gn_grad_scale_grad_type(%x: tensor<2x8xf32>, %g: tensor<8xbf16>) -> tensor<8xf32> {
  // expected-error @+1 {{'scale_grad' must have the type of 'scale' 'tensor<8xbf16>', got 'tensor<8xf32>'}}
  %dx, %dg = norm.group_norm_grad %x, %x scale(%g : tensor<8xbf16>) {num_groups = 2 : i64} : tensor<2x8xf32> scale_grad(tensor<8xf32>)
  return %dg : tensor<8xf32>
}

// -----

func.func @gn_grad_bias_grad_type(%x: tensor<2x8xbf16>) -> tensor<8xf32> {
  // expected-error @+1 {{'bias_grad' must have type 'tensor<8xbf16>' (one per channel in the input's element type), got 'tensor<8xf32>'}}
  %dx, %db = norm.group_norm_grad %x, %x {num_groups = 2 : i64} : tensor<2x8xbf16> bias_grad(tensor<8xf32>)
  return %db : tensor<8xf32>
}

// -----

func.func @wn_grad_dim(%v: tensor<4x8xf32>, %g: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'dim' must be in [-2, 2), got 2}}
  %dv, %dg = norm.weight_norm_grad %v, %v, %g {dim = 2 : i64} : tensor<4x8xf32>, tensor<4xf32>
  return %dv : tensor<4x8xf32>
}

// -----

func.func @wn_grad_dynamic_dim(%v: tensor<?x8xf32>, %g: tensor<4xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{dim 0 of 'v' must be static ('g' has one value per slice), got [?, 8]}}
  %dv, %dg = norm.weight_norm_grad %v, %v, %g {dim = 0 : i64} : tensor<?x8xf32>, tensor<4xf32>
  return %dv : tensor<?x8xf32>
}

// -----

func.func @wn_grad_g_shape(%v: tensor<4x8xf32>, %g: tensor<8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'g' must have shape [4] (one per slice along 'dim'), got [8]}}
  %dv, %dg = norm.weight_norm_grad %v, %v, %g {dim = 0 : i64} : tensor<4x8xf32>, tensor<8xf32>
  return %dv : tensor<4x8xf32>
}

// -----

func.func @wn_grad_scalar_g(%v: tensor<4x8xf32>, %g: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'g' must have shape [] (a scalar without 'dim'), got [4]}}
  %dv, %dg = norm.weight_norm_grad %v, %v, %g : tensor<4x8xf32>, tensor<4xf32>
  return %dv : tensor<4x8xf32>
}

// -----

func.func @wn_grad_compute_type(%v: tensor<4x8xf32>, %g: tensor<f32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'compute_type' must be f32 or f64, got 'bf16'}}
  %dv, %dg = norm.weight_norm_grad %v, %v, %g {compute_type = bf16} : tensor<4x8xf32>, tensor<f32>
  return %dv : tensor<4x8xf32>
}

// -----

func.func @wn_grad_narrow_compute_type(%v: tensor<4x8xf64>, %g: tensor<f64>) -> tensor<4x8xf64> {
  // expected-error @+1 {{'compute_type' 'f32' is narrower than the element type 'f64'}}
  %dv, %dg = norm.weight_norm_grad %v, %v, %g : tensor<4x8xf64>, tensor<f64>
  return %dv : tensor<4x8xf64>
}
