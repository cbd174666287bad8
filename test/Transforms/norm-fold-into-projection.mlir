// RUN: norm-opt %s --norm-fold-into-projection --split-input-file | FileCheck %s
// RUN: norm-opt %s --norm-fold-into-projection=constant-weights-only --split-input-file | FileCheck %s --check-prefix=CONST
// RUN: norm-opt %s --norm-fold-into-projection=skip-narrow-rounding --split-input-file | FileCheck %s --check-prefix=NARROW

// Q and K read one RMS-normalized input; gamma folds into each constant
// weight: [[1, 2], [3, 4]] * diag(0.5 + 1, 2 + 1) (Gemma's 1 + w) for Q,
// the identity * diag(1.5, 3) for K, each into its own projection.
// CHECK-LABEL: func.func @qkv_of_one_rms_norm
// CHECK-SAME:    %[[X:.*]]: tensor<4x2xf32>
// CHECK-DAG:     %[[WQ:.*]] = arith.constant dense<{{\[\[}}1.500000e+00, 3.000000e+00], [9.000000e+00, 1.200000e+01]]> : tensor<2x2xf32>
// CHECK-DAG:     %[[WK:.*]] = arith.constant dense<{{\[\[}}1.500000e+00, 0.000000e+00], [0.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>
// CHECK:         %[[Q:.*]] = norm.norm_project rms %[[X]], %[[WQ]] {epsilon = 9.99{{.*}}E-7 : f64} : tensor<4x2xf32>, tensor<2x2xf32> -> tensor<4x2xf32>
// CHECK:         %[[K:.*]] = norm.norm_project rms %[[X]], %[[WK]] {epsilon = 9.99{{.*}}E-7 : f64} : tensor<4x2xf32>, tensor<2x2xf32> -> tensor<4x2xf32>
// CHECK-NOT:     norm.rms_norm
// CHECK-NOT:     linalg.matmul
// CHECK:         return %[[Q]], %[[K]]
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
// CHECK-SAME:    %[[X:.*]]: tensor<4x2xf32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[4.000000e+00, 6.000000e+00]> : tensor<2xf32>
// CHECK:         norm.norm_project layer %[[X]], %[[W]] bias(%[[B]] : tensor<2xf32>)
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

// An nn.Linear weight W [N = 2, K = 3]: gamma scales its columns,
// W'[n, k] = W[n, k] * gamma[k], and the bias is W beta = [1 + 1, 2 + 2].
// CHECK-LABEL: func.func @transposed_constant_weight
// CHECK-SAME:    %[[X:.*]]: tensor<4x3xf32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[2.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK:         norm.norm_project layer %[[X]], %[[W]] bias(%[[B]] : tensor<2xf32>) {epsilon = 1.000000e-05 : f64, transpose_weight} : tensor<4x3xf32>, tensor<2x3xf32> -> tensor<4x2xf32>
func.func @transposed_constant_weight(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %g = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %beta = arith.constant dense<[1.0, 1.0, 0.0]> : tensor<3xf32>
  %w = arith.constant dense<[[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]> : tensor<2x3xf32>
  %n = norm.layer_norm %x scale(%g : tensor<3xf32>) bias(%beta : tensor<3xf32>) : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%n, %w : tensor<4x3xf32>, tensor<2x3xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Weights that are arguments: the scaling happens at run time (W'[k, n] =
// W[k, n] * gamma[k], gamma read through (d0)), unless only constant
// weights may be folded.
// CHECK-DAG:     #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:     #[[ROWS:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @runtime_weights
// CHECK-SAME:    %[[X:.*]]: tensor<4x8xf32>, %[[G:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8xf32>, %[[W:.*]]: tensor<8x16xf32>
// CHECK:         %[[W2:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROWS]], #[[ID]]], {{.*}}} ins(%[[W]], %[[G]] : tensor<8x16xf32>, tensor<8xf32>)
// CHECK-NEXT:    ^bb0(%[[WV:.*]]: f32, %[[GV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      %[[S:.*]] = arith.mulf %[[WV]], %[[GV]] : f32
// CHECK-NEXT:      linalg.yield %[[S]]
// CHECK:         %[[B2:.*]] = linalg.vecmat ins(%[[B]], %[[W]] : tensor<8xf32>, tensor<8x16xf32>)
// CHECK:         norm.norm_project layer %[[X]], %[[W2]] bias(%[[B2]] : tensor<16xf32>)
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

// Runtime nn.Linear weight [N, K] with Gemma's 1 + gamma, in bf16: not
// folded by default (the unfused program rounds the normalized activations
// to bf16, the folded one would not); with skip-narrow-rounding, gamma[k]
// is read through (d1), offset by 1.
// CHECK-LABEL: func.func @runtime_transposed_weight_with_offset
// CHECK:         norm.rms_norm
// CHECK:         linalg.matmul
// CHECK-NOT:     norm.norm_project
// NARROW-DAG:     #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// NARROW-DAG:     #[[COLS:.*]] = affine_map<(d0, d1) -> (d1)>
// NARROW-LABEL: func.func @runtime_transposed_weight_with_offset
// NARROW-SAME:    %[[X:.*]]: tensor<4x8xbf16>, %[[G:.*]]: tensor<8xbf16>, %[[W:.*]]: tensor<16x8xbf16>
// NARROW-DAG:     %[[ONE:.*]] = arith.constant 1.000000e+00 : bf16
// NARROW:         %[[W2:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COLS]], #[[ID]]], {{.*}}} ins(%[[W]], %[[G]] : tensor<16x8xbf16>, tensor<8xbf16>)
// NARROW-NEXT:    ^bb0(%[[WV:.*]]: bf16, %[[GV:.*]]: bf16, %{{.*}}: bf16):
// NARROW-NEXT:      %[[G1:.*]] = arith.addf %[[GV]], %[[ONE]] : bf16
// NARROW-NEXT:      %[[S:.*]] = arith.mulf %[[WV]], %[[G1]] : bf16
// NARROW-NEXT:      linalg.yield %[[S]]
// NARROW:         norm.norm_project rms %[[X]], %[[W2]] {epsilon = 9.99{{.*}}E-7 : f64, transpose_weight} : tensor<4x8xbf16>, tensor<16x8xbf16> -> tensor<4x16xbf16>
// NARROW-NOT:     linalg.matmul
func.func @runtime_transposed_weight_with_offset(%x: tensor<4x8xbf16>, %g: tensor<8xbf16>, %w: tensor<16x8xbf16>)
    -> tensor<4x16xbf16> {
  %n = norm.rms_norm %x scale(%g : tensor<8xbf16>) {scale_offset = 1.0 : f64} : tensor<4x8xbf16>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%n, %w : tensor<4x8xbf16>, tensor<16x8xbf16>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %yb = arith.truncf %y : tensor<4x16xf32> to tensor<4x16xbf16>
  return %yb : tensor<4x16xbf16>
}

// -----

// A runtime layer-norm bias through an [N, K] weight: W beta (matvec).
// CHECK-LABEL: func.func @runtime_transposed_weight_bias
// NARROW-LABEL: func.func @runtime_transposed_weight_bias
// CHECK-SAME:    %[[X:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<8xf32>, %[[W:.*]]: tensor<16x8xf32>
// CHECK:         %[[B2:.*]] = linalg.matvec ins(%[[W]], %[[B]] : tensor<16x8xf32>, tensor<8xf32>)
// CHECK:         norm.norm_project layer %[[X]], %[[W]] bias(%[[B2]] : tensor<16xf32>) {epsilon = 1.000000e-05 : f64, transpose_weight}
func.func @runtime_transposed_weight_bias(%x: tensor<4x8xf32>, %b: tensor<8xf32>, %w: tensor<16x8xf32>)
    -> tensor<4x16xf32> {
  %n = norm.layer_norm %x bias(%b : tensor<8xf32>) : tensor<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%n, %w : tensor<4x8xf32>, tensor<16x8xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
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

// -----

// The normalized value read transposed, as [K, M]: not rows of x.
// CHECK-LABEL: func.func @negative_transposed_input
// CHECK:         norm.rms_norm
// CHECK-NOT:     norm.norm_project
func.func @negative_transposed_input(%x: tensor<8x8xf32>, %w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %n = norm.rms_norm %x : tensor<8x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%n, %w : tensor<8x8xf32>, tensor<8x8xf32>) outs(%f : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// -----

// A broadcast weight, W [K] shared by every output column.
// CHECK-LABEL: func.func @negative_broadcast_weight
// CHECK:         norm.rms_norm
// CHECK-NOT:     norm.norm_project
func.func @negative_broadcast_weight(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> tensor<4x16xf32> {
  %n = norm.rms_norm %x : tensor<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%n, %w : tensor<4x8xf32>, tensor<8xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// bf16 products accumulated in bf16: norm_project accumulates in f32, so
// folding would change what the program computes.
// CHECK-LABEL: func.func @negative_bf16_accumulator
// CHECK:         norm.rms_norm
// CHECK-NOT:     norm.norm_project
func.func @negative_bf16_accumulator(%x: tensor<4x8xbf16>, %w: tensor<8x16xbf16>) -> tensor<4x16xbf16> {
  %n = norm.rms_norm %x : tensor<4x8xbf16>
  %zero = arith.constant 0.0 : bf16
  %e = tensor.empty() : tensor<4x16xbf16>
  %f = linalg.fill ins(%zero : bf16) outs(%e : tensor<4x16xbf16>) -> tensor<4x16xbf16>
  %y = linalg.matmul ins(%n, %w : tensor<4x8xbf16>, tensor<8x16xbf16>) outs(%f : tensor<4x16xbf16>) -> tensor<4x16xbf16>
  return %y : tensor<4x16xbf16>
}

// -----

// An f32 accumulator returned as it is, not rounded back to bf16.
// CHECK-LABEL: func.func @negative_f32_accumulator_not_truncated
// CHECK:         norm.rms_norm
// CHECK-NOT:     norm.norm_project
func.func @negative_f32_accumulator_not_truncated(%x: tensor<4x8xbf16>, %w: tensor<8x16xbf16>) -> tensor<4x16xf32> {
  %n = norm.rms_norm %x : tensor<4x8xbf16>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%n, %w : tensor<4x8xbf16>, tensor<8x16xbf16>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A constant weight but a runtime gamma: the default folds (W scaled at run
// time); constant-weights-only does not, since scaling W on every call
// reads and writes all of it, more than normalizing x when x has fewer
// rows (a decode step) and never less.
// CHECK-LABEL: func.func @runtime_scale_constant_weight
// CHECK:         norm.norm_project rms
// CONST-LABEL: func.func @runtime_scale_constant_weight
// CONST:         norm.rms_norm
// CONST:         linalg.matmul
// CONST-NOT:     norm.norm_project
func.func @runtime_scale_constant_weight(%x: tensor<4x2xf32>, %g: tensor<2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %n = norm.rms_norm %x scale(%g : tensor<2xf32>) : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul ins(%n, %w : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
