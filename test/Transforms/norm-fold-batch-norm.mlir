// RUN: norm-opt %s --norm-fold-batch-norm --split-input-file | FileCheck %s

// s = gamma / sqrt(var + eps) = [2, 0.5] (var = [0.25 - eps, 4 - eps]),
// W'[f, c, .., ..] = W * s[f] per output channel (the weight's dim 0),
// b' = beta - mean * s = [1 - 2, 0 - 0.5].
// CHECK-LABEL: func.func @conv_nchw_then_eval_batch_norm
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}4.000000e+00]]], {{\[\[\[}}1.500000e+00]], {{\[\[}}2.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-1.000000e+00, -5.000000e-01]> : tensor<2xf32>
// CHECK:         %[[C:.*]] = linalg.conv_2d_nchw_fchw{{.*}}ins(%{{.*}}, %[[W]] :
// CHECK:         %[[Y:.*]] = linalg.generic{{.*}}ins(%[[C]], %[[B]] :
// CHECK-NOT:     norm.batch_norm
// CHECK:         return %[[Y]]
func.func @conv_nchw_then_eval_batch_norm(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %gamma = arith.constant dense<1.0> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<1.0> : tensor<2xf32>
  %var = arith.constant dense<[0.24999, 3.99999]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>)
                                outs(%f : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y, %m, %v = norm.batch_norm eval %c, %gamma, %beta, %mean, %var
      : tensor<1x2x4x4xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// NHWC / HWCF: the output channel is the weight's last dim.
// s = [2, 0.5]: W'[h, w, c, f] = W[h, w, c, f] * s[f].
// CHECK-LABEL: func.func @conv_nhwc_then_eval_batch_norm
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00, 1.000000e+00], [6.000000e+00, 2.000000e+00], [1.000000e+01, 3.000000e+00]]]]> : tensor<1x1x3x2xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-1.000000e+00, -5.000000e-01]> : tensor<2xf32>
// CHECK:         %[[C:.*]] = linalg.conv_2d_nhwc_hwcf{{.*}}ins(%{{.*}}, %[[W]] :
// CHECK:         linalg.generic{{.*}}ins(%[[C]], %[[B]] :
// CHECK-NOT:     norm.batch_norm
func.func @conv_nhwc_then_eval_batch_norm(%x: tensor<1x4x4x3xf32>) -> tensor<1x4x4x2xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]]> : tensor<1x1x3x2xf32>
  %gamma = arith.constant dense<1.0> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<1.0> : tensor<2xf32>
  %var = arith.constant dense<[0.24999, 3.99999]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<1x4x4x3xf32>, tensor<1x1x3x2xf32>)
                                outs(%f : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %y, %m, %v = norm.batch_norm eval %c, %gamma, %beta, %mean, %var {channel_axis = 3 : i64}
      : tensor<1x4x4x2xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// W [K, N]: the output channel is the weight's dim 1, s = [2, 0.5].
// CHECK-LABEL: func.func @matmul_then_eval_batch_norm
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 1.000000e+00], [6.000000e+00, 2.000000e+00], [1.000000e+01, 3.000000e+00]]> : tensor<3x2xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-1.000000e+00, -5.000000e-01]> : tensor<2xf32>
// CHECK:         %[[C:.*]] = linalg.matmul ins(%{{.*}}, %[[W]] :
// CHECK:         linalg.generic{{.*}}ins(%[[C]], %[[B]] :
// CHECK-NOT:     norm.batch_norm
func.func @matmul_then_eval_batch_norm(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %gamma = arith.constant dense<1.0> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<1.0> : tensor<2xf32>
  %var = arith.constant dense<[0.24999, 3.99999]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %c = linalg.matmul ins(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y, %m, %v = norm.batch_norm eval %c, %gamma, %beta, %mean, %var : tensor<4x2xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// W [N, K] (nn.Linear): the output channel is the weight's dim 0.
// CHECK-LABEL: func.func @transposed_matmul_then_eval_batch_norm
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 6.000000e+00, 1.000000e+01], [1.000000e+00, 2.000000e+00, 3.000000e+00]]> : tensor<2x3xf32>
// CHECK:         %[[C:.*]] = linalg.matmul indexing_maps = {{.*}} ins(%{{.*}}, %[[W]] :
// CHECK:         linalg.generic{{.*}}ins(%[[C]], %{{.*}} :
// CHECK-NOT:     norm.batch_norm
func.func @transposed_matmul_then_eval_batch_norm(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]> : tensor<2x3xf32>
  %gamma = arith.constant dense<1.0> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<1.0> : tensor<2xf32>
  %var = arith.constant dense<[0.24999, 3.99999]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %c = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<4x3xf32>, tensor<2x3xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y, %m, %v = norm.batch_norm eval %c, %gamma, %beta, %mean, %var : tensor<4x2xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A broadcast weight W [K]: every output column shares it, so no slice of
// the weight belongs to one channel.
// CHECK-LABEL: func.func @negative_broadcast_weight
// CHECK:         norm.batch_norm eval
func.func @negative_broadcast_weight(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %p = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %c = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<4x3xf32>, tensor<3xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y, %m, %v = norm.batch_norm eval %c, %p, %p, %p, %p : tensor<4x2xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Channels along the matmul's rows (channel_axis = 0): the input, not the
// weight, holds them.
// CHECK-LABEL: func.func @negative_channels_along_rows
// CHECK:         norm.batch_norm eval
func.func @negative_channels_along_rows(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<0.5> : tensor<3x4xf32>
  %p = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %c = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y, %m, %v = norm.batch_norm eval %c, %p, %p, %p, %p {channel_axis = 0 : i64} : tensor<2x4xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @negative_train_mode
// CHECK:         norm.batch_norm train
func.func @negative_train_mode(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<0.5> : tensor<3x2xf32>
  %p = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %c = linalg.matmul ins(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y, %m, %v = norm.batch_norm train %c, %p, %p, %p, %p : tensor<4x2xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// CHECK-LABEL: func.func @negative_parameters_not_constant
// CHECK:         norm.batch_norm eval
func.func @negative_parameters_not_constant(%x: tensor<4x3xf32>, %p: tensor<2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<0.5> : tensor<3x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %c = linalg.matmul ins(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y, %m, %v = norm.batch_norm eval %c, %p, %p, %p, %p : tensor<4x2xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// CHECK-LABEL: func.func @negative_conv_output_has_other_users
// CHECK:         norm.batch_norm eval
func.func @negative_conv_output_has_other_users(%x: tensor<4x3xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = arith.constant dense<0.5> : tensor<3x2xf32>
  %p = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %c = linalg.matmul ins(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y, %m, %v = norm.batch_norm eval %c, %p, %p, %p, %p : tensor<4x2xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y, %c : tensor<4x2xf32>, tensor<4x2xf32>
}
