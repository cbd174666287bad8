// RUN: norm-opt %s | norm-opt | FileCheck %s
// RUN: norm-opt %s --mlir-print-op-generic | norm-opt | FileCheck %s
// RUN: norm-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Every op of the dialect round-trips through its custom and generic forms,
// with dynamic outer dims and every element type.

// CHECK-LABEL: func.func @layer_norm_dynamic_bf16
// CHECK-SAME:    %[[X:.*]]: tensor<?x128x768xbf16>, %[[G:.*]]: tensor<768xf32>, %[[B:.*]]: tensor<768xf32>
// CHECK:         norm.layer_norm %[[X]] scale(%[[G]] : tensor<768xf32>) bias(%[[B]] : tensor<768xf32>) : tensor<?x128x768xbf16>
// GENERIC-LABEL: sym_name = "layer_norm_dynamic_bf16"
// GENERIC:       "norm.layer_norm"({{.*}}) <{axis = -1 : i64, epsilon = 1.000000e-05 : f64, operandSegmentSizes = array<i32: 1, 1, 1>, resultSegmentSizes = array<i32: 1, 0, 0>}>
func.func @layer_norm_dynamic_bf16(%x: tensor<?x128x768xbf16>, %g: tensor<768xf32>,
                                   %b: tensor<768xf32>) -> tensor<?x128x768xbf16> {
  %y = norm.layer_norm %x scale(%g : tensor<768xf32>) bias(%b : tensor<768xf32>)
         : tensor<?x128x768xbf16>
  return %y : tensor<?x128x768xbf16>
}

// CHECK-LABEL: func.func @layer_norm_two_dims_with_stats_f64
// CHECK:         %{{.*}}, %[[MEAN:.*]], %[[RSTD:.*]] = norm.layer_norm %{{.*}} {axis = 1 : i64, compute_type = f64, epsilon = 1.000000e-03 : f64} : tensor<8x16x32xf64> mean(tensor<8xf64>) rstd(tensor<8xf64>)
func.func @layer_norm_two_dims_with_stats_f64(%x: tensor<8x16x32xf64>)
    -> (tensor<8x16x32xf64>, tensor<8xf64>, tensor<8xf64>) {
  %y, %mean, %rstd = norm.layer_norm %x {axis = 1 : i64, epsilon = 1.0e-3 : f64, compute_type = f64}
         : tensor<8x16x32xf64> mean(tensor<8xf64>) rstd(tensor<8xf64>)
  return %y, %mean, %rstd : tensor<8x16x32xf64>, tensor<8xf64>, tensor<8xf64>
}

// CHECK-LABEL: func.func @layer_norm_rstd_only_f16
// CHECK:         norm.layer_norm %{{.*}} : tensor<?x64xf16> rstd(tensor<?xf32>)
func.func @layer_norm_rstd_only_f16(%x: tensor<?x64xf16>) -> tensor<?xf32> {
  %y, %rstd = norm.layer_norm %x : tensor<?x64xf16> rstd(tensor<?xf32>)
  return %rstd : tensor<?xf32>
}

// CHECK-LABEL: func.func @rms_norm_gemma_bf16
// CHECK:         norm.rms_norm %{{.*}} scale(%{{.*}} : tensor<4096xbf16>) {scale_offset = 1.000000e+00 : f64} : tensor<?x?x4096xbf16>
func.func @rms_norm_gemma_bf16(%x: tensor<?x?x4096xbf16>, %w: tensor<4096xbf16>)
    -> tensor<?x?x4096xbf16> {
  %y = norm.rms_norm %x scale(%w : tensor<4096xbf16>) {scale_offset = 1.0 : f64}
         : tensor<?x?x4096xbf16>
  return %y : tensor<?x?x4096xbf16>
}

// CHECK-LABEL: func.func @rms_norm_with_rstd_f32
// CHECK:         norm.rms_norm %{{.*}} {epsilon = 1.000000e-05 : f64} : tensor<2x8xf32> rstd(tensor<2xf32>)
func.func @rms_norm_with_rstd_f32(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2xf32>) {
  %y, %rstd = norm.rms_norm %x {epsilon = 1.0e-5 : f64} : tensor<2x8xf32> rstd(tensor<2xf32>)
  return %y, %rstd : tensor<2x8xf32>, tensor<2xf32>
}

// CHECK-LABEL: func.func @add_layer_norm_f16
// CHECK:         %{{.*}}, %[[SUM:.*]] = norm.add_layer_norm %{{.*}}, %{{.*}} scale(%{{.*}} : tensor<768xf16>) bias(%{{.*}} : tensor<768xf16>) : tensor<?x768xf16>
func.func @add_layer_norm_f16(%x: tensor<?x768xf16>, %r: tensor<?x768xf16>,
                              %g: tensor<768xf16>, %b: tensor<768xf16>)
    -> (tensor<?x768xf16>, tensor<?x768xf16>) {
  %y, %sum = norm.add_layer_norm %x, %r scale(%g : tensor<768xf16>) bias(%b : tensor<768xf16>)
               : tensor<?x768xf16>
  return %y, %sum : tensor<?x768xf16>, tensor<?x768xf16>
}

// CHECK-LABEL: func.func @add_rms_norm_bf16
// CHECK:         norm.add_rms_norm %{{.*}}, %{{.*}} scale(%{{.*}} : tensor<4096xbf16>) : tensor<?x4096xbf16>
func.func @add_rms_norm_bf16(%x: tensor<?x4096xbf16>, %r: tensor<?x4096xbf16>,
                             %w: tensor<4096xbf16>) -> (tensor<?x4096xbf16>, tensor<?x4096xbf16>) {
  %y, %sum = norm.add_rms_norm %x, %r scale(%w : tensor<4096xbf16>) : tensor<?x4096xbf16>
  return %y, %sum : tensor<?x4096xbf16>, tensor<?x4096xbf16>
}

// CHECK-LABEL: func.func @batch_norm_train_masked
// CHECK:         norm.batch_norm train %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} mask(%{{.*}} : tensor<?x128xi1>) {channel_axis = 2 : i64, momentum = 1.000000e-02 : f64, sync_group = "dp"} : tensor<?x128x64xbf16>, params tensor<64xf32>, stats tensor<64xf32> saved_mean(tensor<64xf32>) saved_rstd(tensor<64xf32>)
// GENERIC-LABEL: sym_name = "batch_norm_train_masked"
// GENERIC:       mode = 0 : i32
func.func @batch_norm_train_masked(%x: tensor<?x128x64xbf16>, %g: tensor<64xf32>,
                                   %b: tensor<64xf32>, %m: tensor<64xf32>, %v: tensor<64xf32>,
                                   %mask: tensor<?x128xi1>) -> tensor<?x128x64xbf16> {
  %y, %nm, %nv, %sm, %sr = norm.batch_norm train %x, %g, %b, %m, %v mask(%mask : tensor<?x128xi1>)
      {channel_axis = 2 : i64, momentum = 0.01 : f64, sync_group = "dp"}
      : tensor<?x128x64xbf16>, params tensor<64xf32>, stats tensor<64xf32>
        saved_mean(tensor<64xf32>) saved_rstd(tensor<64xf32>)
  return %y : tensor<?x128x64xbf16>
}

// CHECK-LABEL: func.func @batch_norm_eval_nchw_f64
// CHECK:         norm.batch_norm eval %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x16x7x7xf64>, params tensor<16xf64>, stats tensor<16xf64>
func.func @batch_norm_eval_nchw_f64(%x: tensor<?x16x7x7xf64>, %p: tensor<16xf64>)
    -> tensor<?x16x7x7xf64> {
  %y, %nm, %nv = norm.batch_norm eval %x, %p, %p, %p, %p {compute_type = f64}
      : tensor<?x16x7x7xf64>, params tensor<16xf64>, stats tensor<16xf64>
  return %y : tensor<?x16x7x7xf64>
}

// CHECK-LABEL: func.func @group_norm_nhwc_f16
// CHECK:         norm.group_norm %{{.*}} scale(%{{.*}} : tensor<64xf16>) bias(%{{.*}} : tensor<64xf16>) {channel_axis = 3 : i64, num_groups = 32 : i64} : tensor<?x56x56x64xf16>
func.func @group_norm_nhwc_f16(%x: tensor<?x56x56x64xf16>, %g: tensor<64xf16>,
                               %b: tensor<64xf16>) -> tensor<?x56x56x64xf16> {
  %y = norm.group_norm %x scale(%g : tensor<64xf16>) bias(%b : tensor<64xf16>)
         {num_groups = 32 : i64, channel_axis = 3 : i64} : tensor<?x56x56x64xf16>
  return %y : tensor<?x56x56x64xf16>
}

// CHECK-LABEL: func.func @instance_norm_f32
// CHECK:         norm.group_norm %{{.*}} {num_groups = 8 : i64} : tensor<?x8x32x32xf32>
func.func @instance_norm_f32(%x: tensor<?x8x32x32xf32>) -> tensor<?x8x32x32xf32> {
  %y = norm.group_norm %x {num_groups = 8 : i64} : tensor<?x8x32x32xf32>
  return %y : tensor<?x8x32x32xf32>
}

// CHECK-LABEL: func.func @weight_norm_per_output_channel
// CHECK:         norm.weight_norm %{{.*}}, %{{.*}} {dim = 0 : i64} : tensor<256x128xf32>, tensor<256xf32>
func.func @weight_norm_per_output_channel(%v: tensor<256x128xf32>, %g: tensor<256xf32>)
    -> tensor<256x128xf32> {
  %w = norm.weight_norm %v, %g {dim = 0 : i64} : tensor<256x128xf32>, tensor<256xf32>
  return %w : tensor<256x128xf32>
}

// CHECK-LABEL: func.func @weight_norm_whole_tensor_bf16
// CHECK:         norm.weight_norm %{{.*}}, %{{.*}} : tensor<64x3x3xbf16>, tensor<bf16>
func.func @weight_norm_whole_tensor_bf16(%v: tensor<64x3x3xbf16>, %g: tensor<bf16>)
    -> tensor<64x3x3xbf16> {
  %w = norm.weight_norm %v, %g : tensor<64x3x3xbf16>, tensor<bf16>
  return %w : tensor<64x3x3xbf16>
}

// CHECK-LABEL: func.func @residual_pre_ln
// CHECK:         norm.residual %{{.*}} : tensor<?x768xf32> pre {
// CHECK-NEXT:    ^bb0(%[[A:.*]]: tensor<?x768xf32>):
// CHECK-NEXT:      %[[N:.*]] = norm.layer_norm %[[A]] : tensor<?x768xf32>
// CHECK-NEXT:      norm.yield %[[N]] : tensor<?x768xf32>
// CHECK-NEXT:    } body {
// CHECK:           norm.yield %{{.*}} : tensor<?x768xf32>
// CHECK-NEXT:    }
func.func @residual_pre_ln(%x: tensor<?x768xf32>) -> tensor<?x768xf32> {
  %y = norm.residual %x : tensor<?x768xf32>
    pre {
    ^bb0(%a: tensor<?x768xf32>):
      %n = norm.layer_norm %a : tensor<?x768xf32>
      norm.yield %n : tensor<?x768xf32>
    } body {
    ^bb0(%h: tensor<?x768xf32>):
      %f = math.tanh %h : tensor<?x768xf32>
      norm.yield %f : tensor<?x768xf32>
    }
  return %y : tensor<?x768xf32>
}

// CHECK-LABEL: func.func @residual_deepnorm_post_ln
// CHECK:         norm.residual %{{.*}} {residual_scale = 2.{{0*}}e+00 : f64} : tensor<4x512xbf16> body {
// CHECK:         } post {
// CHECK:           norm.layer_norm
func.func @residual_deepnorm_post_ln(%x: tensor<4x512xbf16>) -> tensor<4x512xbf16> {
  %y = norm.residual %x {residual_scale = 2.0 : f64} : tensor<4x512xbf16>
    body {
    ^bb0(%h: tensor<4x512xbf16>):
      %f = math.tanh %h : tensor<4x512xbf16>
      norm.yield %f : tensor<4x512xbf16>
    } post {
    ^bb0(%s: tensor<4x512xbf16>):
      %n = norm.layer_norm %s : tensor<4x512xbf16>
      norm.yield %n : tensor<4x512xbf16>
    }
  return %y : tensor<4x512xbf16>
}

// CHECK-LABEL: func.func @residual_sandwich_rms
// CHECK:         norm.residual %{{.*}} : tensor<?x64xf16> pre {
// CHECK:           norm.rms_norm
// CHECK:         } body {
// CHECK:         } out {
// CHECK:           norm.rms_norm
func.func @residual_sandwich_rms(%x: tensor<?x64xf16>) -> tensor<?x64xf16> {
  %y = norm.residual %x : tensor<?x64xf16>
    pre {
    ^bb0(%a: tensor<?x64xf16>):
      %n = norm.rms_norm %a : tensor<?x64xf16>
      norm.yield %n : tensor<?x64xf16>
    } body {
    ^bb0(%h: tensor<?x64xf16>):
      %f = math.exp %h : tensor<?x64xf16>
      norm.yield %f : tensor<?x64xf16>
    } out {
    ^bb0(%o: tensor<?x64xf16>):
      %n = norm.rms_norm %o : tensor<?x64xf16>
      norm.yield %n : tensor<?x64xf16>
    }
  return %y : tensor<?x64xf16>
}

// CHECK-LABEL: func.func @residual_gptj_parallel
// CHECK:         } body {
// CHECK:           norm.yield %{{.*}}, %{{.*}} : tensor<?x256xf64>, tensor<?x256xf64>
func.func @residual_gptj_parallel(%x: tensor<?x256xf64>) -> tensor<?x256xf64> {
  %y = norm.residual %x : tensor<?x256xf64>
    pre {
    ^bb0(%a: tensor<?x256xf64>):
      %n = norm.layer_norm %a {compute_type = f64} : tensor<?x256xf64>
      norm.yield %n : tensor<?x256xf64>
    } body {
    ^bb0(%h: tensor<?x256xf64>):
      %attn = math.tanh %h : tensor<?x256xf64>
      %mlp = math.exp %h : tensor<?x256xf64>
      norm.yield %attn, %mlp : tensor<?x256xf64>, tensor<?x256xf64>
    }
  return %y : tensor<?x256xf64>
}

// CHECK-LABEL: func.func @project_norm_qk_rms
// CHECK:         norm.project_norm rms %{{.*}}, %{{.*}} proj_bias(%{{.*}} : tensor<512xbf16>) scale(%{{.*}} : tensor<64xbf16>) {epsilon = 9.9999999999999995E-7 : f64, head_dim = 64 : i64} : tensor<?x256xbf16>, tensor<256x512xbf16> -> tensor<?x512xbf16>
func.func @project_norm_qk_rms(%x: tensor<?x256xbf16>, %w: tensor<256x512xbf16>,
                               %pb: tensor<512xbf16>, %g: tensor<64xbf16>) -> tensor<?x512xbf16> {
  %q = norm.project_norm rms %x, %w proj_bias(%pb : tensor<512xbf16>) scale(%g : tensor<64xbf16>)
         {head_dim = 64 : i64, epsilon = 1.0e-6 : f64}
         : tensor<?x256xbf16>, tensor<256x512xbf16> -> tensor<?x512xbf16>
  return %q : tensor<?x512xbf16>
}

// CHECK-LABEL: func.func @project_norm_layer_f32
// CHECK:         norm.project_norm layer %{{.*}}, %{{.*}} scale(%{{.*}} : tensor<32xf32>) bias(%{{.*}} : tensor<32xf32>)
func.func @project_norm_layer_f32(%x: tensor<2x?x64xf32>, %w: tensor<64x128xf32>,
                                  %g: tensor<32xf32>, %b: tensor<32xf32>) -> tensor<2x?x128xf32> {
  %k = norm.project_norm layer %x, %w scale(%g : tensor<32xf32>) bias(%b : tensor<32xf32>)
         {head_dim = 32 : i64, epsilon = 1.0e-5 : f64}
         : tensor<2x?x64xf32>, tensor<64x128xf32> -> tensor<2x?x128xf32>
  return %k : tensor<2x?x128xf32>
}

// CHECK-LABEL: func.func @norm_project_flashnorm
// CHECK:         norm.norm_project layer %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<1024xf16>) {epsilon = 1.000000e-05 : f64} : tensor<?x768xf16>, tensor<768x1024xf16> -> tensor<?x1024xf16>
func.func @norm_project_flashnorm(%x: tensor<?x768xf16>, %w: tensor<768x1024xf16>,
                                  %b: tensor<1024xf16>) -> tensor<?x1024xf16> {
  %y = norm.norm_project layer %x, %w bias(%b : tensor<1024xf16>) {epsilon = 1.0e-5 : f64}
         : tensor<?x768xf16>, tensor<768x1024xf16> -> tensor<?x1024xf16>
  return %y : tensor<?x1024xf16>
}

// An nn.Linear weight, [N, K].
// CHECK-LABEL: func.func @norm_project_transposed_weight
// CHECK:         norm.norm_project rms %{{.*}}, %{{.*}} {epsilon = 9.9999999999999995E-7 : f64, transpose_weight} : tensor<?x768xbf16>, tensor<1024x768xbf16> -> tensor<?x1024xbf16>
func.func @norm_project_transposed_weight(%x: tensor<?x768xbf16>, %w: tensor<1024x768xbf16>) -> tensor<?x1024xbf16> {
  %y = norm.norm_project rms %x, %w {epsilon = 1.0e-6 : f64, transpose_weight}
         : tensor<?x768xbf16>, tensor<1024x768xbf16> -> tensor<?x1024xbf16>
  return %y : tensor<?x1024xbf16>
}

// CHECK-LABEL: func.func @sync_batch_norm_pieces
// CHECK:         %[[N:.*]], %[[MEAN:.*]], %[[M2:.*]] = norm.batch_stats %{{.*}} mask(%{{.*}} : tensor<?x28x28xi1>) : tensor<?x64x28x28xbf16> -> tensor<64xf32>
// CHECK:         %{{.*}}, %[[TMEAN:.*]], %{{.*}} = norm.all_reduce_stats "dp" %[[N]], %[[MEAN]], %[[M2]] : tensor<64xf32>
// CHECK:         norm.batch_norm_apply %{{.*}}, %[[TMEAN]], %{{.*}} scale(%{{.*}} : tensor<64xf32>) bias(%{{.*}} : tensor<64xf32>) {epsilon = 1.000000e-03 : f64} : tensor<?x64x28x28xbf16>, tensor<64xf32>
func.func @sync_batch_norm_pieces(%x: tensor<?x64x28x28xbf16>, %mask: tensor<?x28x28xi1>,
                                  %var: tensor<64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>)
    -> tensor<?x64x28x28xbf16> {
  %n, %mean, %m2 = norm.batch_stats %x mask(%mask : tensor<?x28x28xi1>)
                     : tensor<?x64x28x28xbf16> -> tensor<64xf32>
  %tn, %tmean, %tm2 = norm.all_reduce_stats "dp" %n, %mean, %m2 : tensor<64xf32>
  %y = norm.batch_norm_apply %x, %tmean, %var scale(%g : tensor<64xf32>) bias(%b : tensor<64xf32>)
         {epsilon = 1.0e-3 : f64} : tensor<?x64x28x28xbf16>, tensor<64xf32>
  return %y : tensor<?x64x28x28xbf16>
}

// An attribute of some dialect (its name has the dialect's prefix) may sit
// on any op and is kept; an unprefixed one must be the op's own (see
// invalid.mlir).
// CHECK-LABEL: func.func @dialect_attribute
// CHECK:         norm.rms_norm %{{.*}} {my.tag = "kept"}
func.func @dialect_attribute(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = norm.rms_norm %x {my.tag = "kept"} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// Batch norm's gradient: train with a mask and both parameter gradients
// (NCHW), eval without results but dx (NHWC).
// CHECK-LABEL: func.func @batch_norm_gradients
// CHECK:         norm.batch_norm_grad train %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} mask(%{{.*}} : tensor<?x28x28xi1>) : tensor<?x64x28x28xbf16>, params tensor<64xbf16>, stats tensor<64xf32> scale_grad(tensor<64xbf16>) bias_grad(tensor<64xbf16>)
// CHECK:         norm.batch_norm_grad eval %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {channel_axis = 3 : i64} : tensor<2x4x4x16xf32>, params tensor<16xf32>, stats tensor<16xf64>
// GENERIC-LABEL: sym_name = "batch_norm_gradients"
// GENERIC:       "norm.batch_norm_grad"({{.*}}) <{channel_axis = 1 : i64, mode = 0 : i32, resultSegmentSizes = array<i32: 1, 1, 1>}>
func.func @batch_norm_gradients(%dy: tensor<?x64x28x28xbf16>, %x: tensor<?x64x28x28xbf16>,
                                %s: tensor<64xf32>, %g: tensor<64xbf16>, %m: tensor<?x28x28xi1>,
                                %e: tensor<2x4x4x16xf32>, %s64: tensor<16xf64>, %p: tensor<16xf32>) {
  %dx, %dg, %db = norm.batch_norm_grad train %dy, %x, %s, %s, %g mask(%m : tensor<?x28x28xi1>)
      : tensor<?x64x28x28xbf16>, params tensor<64xbf16>, stats tensor<64xf32>
      scale_grad(tensor<64xbf16>) bias_grad(tensor<64xbf16>)
  %de = norm.batch_norm_grad eval %e, %e, %s64, %s64, %p {channel_axis = 3 : i64}
      : tensor<2x4x4x16xf32>, params tensor<16xf32>, stats tensor<16xf64>
  return
}

// Group norm's gradient: NCHW with a scale and both parameter gradients,
// instance norm NHWC without.
// CHECK-LABEL: func.func @group_norm_gradients
// CHECK:         norm.group_norm_grad %{{.*}}, %{{.*}} scale(%{{.*}} : tensor<64xf32>) {num_groups = 32 : i64} : tensor<?x64x28x28xf32> scale_grad(tensor<64xf32>) bias_grad(tensor<64xf32>)
// CHECK:         norm.group_norm_grad %{{.*}}, %{{.*}} {channel_axis = 3 : i64, compute_type = f64, epsilon = {{.*}} : f64, num_groups = 16 : i64} : tensor<2x4x4x16xbf16>
func.func @group_norm_gradients(%dy: tensor<?x64x28x28xf32>, %x: tensor<?x64x28x28xf32>,
                                %g: tensor<64xf32>, %e: tensor<2x4x4x16xbf16>) {
  %dx, %dg, %db = norm.group_norm_grad %dy, %x scale(%g : tensor<64xf32>) {num_groups = 32 : i64}
      : tensor<?x64x28x28xf32> scale_grad(tensor<64xf32>) bias_grad(tensor<64xf32>)
  %de = norm.group_norm_grad %e, %e {num_groups = 16 : i64, channel_axis = 3 : i64,
                                     epsilon = 1.0e-6 : f64, compute_type = f64} : tensor<2x4x4x16xbf16>
  return
}

// Weight norm's gradient: per output channel, and over the whole tensor.
// CHECK-LABEL: func.func @weight_norm_gradients
// CHECK:         norm.weight_norm_grad %{{.*}}, %{{.*}}, %{{.*}} {dim = 0 : i64} : tensor<64x3x3x3xf32>, tensor<64xf32>
// CHECK:         norm.weight_norm_grad %{{.*}}, %{{.*}}, %{{.*}} {compute_type = f64} : tensor<8x16xbf16>, tensor<bf16>
func.func @weight_norm_gradients(%v: tensor<64x3x3x3xf32>, %g: tensor<64xf32>,
                                 %u: tensor<8x16xbf16>, %s: tensor<bf16>) {
  %dv, %dg = norm.weight_norm_grad %v, %v, %g {dim = 0 : i64} : tensor<64x3x3x3xf32>, tensor<64xf32>
  %du, %ds = norm.weight_norm_grad %u, %u, %s {compute_type = f64} : tensor<8x16xbf16>, tensor<bf16>
  return
}

// The gradients: every optional operand and result, and none.
// CHECK-LABEL: func.func @gradients
// CHECK:         norm.layer_norm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} scale(%{{.*}} : tensor<768xbf16>) sum_grad(%{{.*}} : tensor<?x768xbf16>) : tensor<?x768xbf16>, stats tensor<?xf32> scale_grad(tensor<768xbf16>) bias_grad(tensor<768xbf16>)
// CHECK:         norm.layer_norm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64} : tensor<2x3x4xf64>, stats tensor<2xf64>
// CHECK:         norm.layer_norm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x8xf32>, stats tensor<4xf32> bias_grad(tensor<8xf32>)
// CHECK:         norm.rms_norm_grad %{{.*}}, %{{.*}}, %{{.*}} scale(%{{.*}} : tensor<4096xf16>) {scale_offset = 1.000000e+00 : f64} : tensor<?x4096xf16>, stats tensor<?xf32> scale_grad(tensor<4096xf16>)
// CHECK:         norm.rms_norm_grad %{{.*}}, %{{.*}}, %{{.*}} sum_grad(%{{.*}} : tensor<4x8xf32>) : tensor<4x8xf32>, stats tensor<4xf32>
// GENERIC-LABEL: sym_name = "gradients"
// GENERIC:       "norm.layer_norm_grad"({{.*}}) <{axis = -1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1>, resultSegmentSizes = array<i32: 1, 1, 1>}>
func.func @gradients(%dy: tensor<?x768xbf16>, %x: tensor<?x768xbf16>, %s: tensor<?xf32>,
                     %g: tensor<768xbf16>, %a: tensor<2x3x4xf64>, %s64: tensor<2xf64>,
                     %b: tensor<4x8xf32>, %s4: tensor<4xf32>, %h: tensor<?x4096xf16>,
                     %w: tensor<4096xf16>) {
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %s, %s scale(%g : tensor<768xbf16>)
      sum_grad(%dy : tensor<?x768xbf16>) : tensor<?x768xbf16>, stats tensor<?xf32>
      scale_grad(tensor<768xbf16>) bias_grad(tensor<768xbf16>)
  %da = norm.layer_norm_grad %a, %a, %s64, %s64 {axis = 1 : i64} : tensor<2x3x4xf64>, stats tensor<2xf64>
  %dbx, %dbb = norm.layer_norm_grad %b, %b, %s4, %s4 : tensor<4x8xf32>, stats tensor<4xf32> bias_grad(tensor<8xf32>)
  %dh, %dw = norm.rms_norm_grad %h, %h, %s scale(%w : tensor<4096xf16>) {scale_offset = 1.0 : f64}
      : tensor<?x4096xf16>, stats tensor<?xf32> scale_grad(tensor<4096xf16>)
  %dr = norm.rms_norm_grad %b, %b, %s4 sum_grad(%b : tensor<4x8xf32>) : tensor<4x8xf32>, stats tensor<4xf32>
  return
}
