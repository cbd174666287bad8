// RUN: norm-opt %s --norm-optimize=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: norm-opt %s --norm-optimize | FileCheck %s

// Two pre-LN blocks: placement is made explicit, the first block's residual
// add fuses with the second block's norm, and the report says so. Each
// 4x16xf32 tensor is 256 bytes. Before: 2 norms (2 x 512) + 2 tanh (2 x 512)
// + 2 residual adds (2 x 768) = 3584. After: the fused add + norm reads 2
// and writes 2 tensors (1024) instead of 768 + 512: 3328.
// REPORT-LABEL: norm-optimize @two_pre_ln_blocks
// REPORT-NEXT:   raised: 0 normalizers (none), 0 candidates rejected
// REPORT-NEXT:   before: 2 normalizers (2 layer_norm), 0 fused, 0 folded, 3584 bytes moved
// REPORT-NEXT:   after:  2 normalizers (1 layer_norm, 1 add_layer_norm), 1 fused, 0 folded, 3328 bytes moved
// REPORT-NEXT:   bytes moved: 3584 -> 3328 (-7.14%)
// CHECK-LABEL: func.func @two_pre_ln_blocks
// CHECK-SAME:    %[[X:[a-z0-9]*]]: tensor<4x16xf32>
// CHECK:         %[[N1:.*]] = norm.layer_norm %[[X]]
// CHECK:         %[[F1:.*]] = math.tanh %[[N1]]
// CHECK:         %[[N2:.*]], %[[H:.*]] = norm.add_layer_norm %[[X]], %[[F1]]
// CHECK:         %[[F2:.*]] = math.tanh %[[N2]]
// CHECK:         %[[Y:.*]] = arith.addf %[[H]], %[[F2]]
// CHECK:         return %[[Y]]
func.func @two_pre_ln_blocks(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %h = norm.residual %x : tensor<4x16xf32> pre {
  ^bb0(%a: tensor<4x16xf32>):
    %n = norm.layer_norm %a : tensor<4x16xf32>
    norm.yield %n : tensor<4x16xf32>
  } body {
  ^bb0(%in: tensor<4x16xf32>):
    %f = math.tanh %in : tensor<4x16xf32>
    norm.yield %f : tensor<4x16xf32>
  }
  %y = norm.residual %h : tensor<4x16xf32> pre {
  ^bb0(%a: tensor<4x16xf32>):
    %n = norm.layer_norm %a : tensor<4x16xf32>
    norm.yield %n : tensor<4x16xf32>
  } body {
  ^bb0(%in: tensor<4x16xf32>):
    %f = math.tanh %in : tensor<4x16xf32>
    norm.yield %f : tensor<4x16xf32>
  }
  return %y : tensor<4x16xf32>
}

// Nothing to fuse or fold: a lone pre-norm of an argument.
// REPORT-LABEL: norm-optimize @negative_nothing_to_fuse
// REPORT-NEXT:   raised: 0 normalizers (none), 0 candidates rejected
// REPORT-NEXT:   before: 1 normalizers (1 rms_norm), 0 fused, 0 folded, 512 bytes moved
// REPORT-NEXT:   after:  1 normalizers (1 rms_norm), 0 fused, 0 folded, 512 bytes moved
// CHECK-LABEL: func.func @negative_nothing_to_fuse
// CHECK-NEXT:    norm.rms_norm
// CHECK-NEXT:    return
func.func @negative_nothing_to_fuse(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = norm.rms_norm %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// A convolution and the eval batch norm after it: the norm is folded into
// the weights and a bias add (norm-fold-batch-norm), and the report counts
// the fold. Bytes: x and results 1x2x4x4xf32 = 128, the weight 16, each
// per-channel tensor 8. Before: the conv reads x, w and its zero-filled
// init and writes (400); the batch norm reads x and 4 parameters and writes
// y and 2 statistics (304): 704. After: the conv (400), and the bias add
// reads the conv and b and writes (264; its tensor.empty init is not read):
// 664.
// REPORT-LABEL: norm-optimize @conv_then_eval_batch_norm
// REPORT-NEXT:   raised: 0 normalizers (none), 0 candidates rejected
// REPORT-NEXT:   before: 1 normalizers (1 batch_norm), 0 fused, 0 folded, 704 bytes moved
// REPORT-NEXT:   after:  0 normalizers (none), 0 fused, 1 folded, 664 bytes moved
// REPORT-NEXT:   bytes moved: 704 -> 664 (-5.68%)
func.func @conv_then_eval_batch_norm(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %gamma = arith.constant dense<1.0> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<1.0> : tensor<2xf32>
  %var = arith.constant dense<[0.5, 4.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>)
                                outs(%f : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y, %m, %v = norm.batch_norm eval %c, %gamma, %beta, %mean, %var
      : tensor<1x2x4x4xf32>, params tensor<2xf32>, stats tensor<2xf32>
  return %y : tensor<1x2x4x4xf32>
}

// A decomposed RMS norm (named linalg ops on tensors) of a residual sum:
// raised first, then fused with the add like a written one. The census
// before counts the raised normalizer.
// REPORT-LABEL: norm-optimize @raised_then_fused
// REPORT-NEXT:   raised: 1 normalizers (1 rms_norm), 0 candidates rejected
// REPORT-NEXT:   before: 1 normalizers (1 rms_norm), 0 fused, 0 folded, {{.*}}
// REPORT-NEXT:   after:  1 normalizers (1 add_rms_norm), 1 fused, 0 folded, {{.*}}
// CHECK-LABEL: func.func @raised_then_fused
// CHECK-SAME:    %[[X:[a-z0-9]*]]: tensor<4x16xf32>, %[[F:[a-z0-9]*]]: tensor<4x16xf32>, %[[G:[a-z0-9]*]]: tensor<16xf32>
// CHECK-NEXT:    %[[Y:.*]], %[[S:.*]] = norm.add_rms_norm %[[X]], %[[F]] scale(%[[G]] : tensor<16xf32>)
// CHECK-NEXT:    return %[[Y]], %[[S]]
func.func @raised_then_fused(%x: tensor<4x16xf32>, %f: tensor<4x16xf32>, %g: tensor<16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<16.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-6> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %s = arith.addf %x, %f : tensor<4x16xf32>
  %sq = arith.mulf %s, %s : tensor<4x16xf32>
  %ss = linalg.reduce ins(%sq : tensor<4x16xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %ms = arith.divf %ss, %n : tensor<4xf32>
  %ve = arith.addf %ms, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x16xf32>) dimensions = [1]
  %gb = linalg.broadcast ins(%g : tensor<16xf32>) outs(%e : tensor<4x16xf32>) dimensions = [0]
  %nn = arith.mulf %s, %rb : tensor<4x16xf32>
  %y = arith.mulf %nn, %gb : tensor<4x16xf32>
  return %y, %s : tensor<4x16xf32>, tensor<4x16xf32>
}

// A near-miss (the unbiased variance) is reported, one line, and kept.
// REPORT-LABEL: norm-optimize @reported_near_miss
// REPORT-NEXT:   raised: 0 normalizers (none), 1 candidates rejected
// REPORT-NEXT:     rejected: {{.*}}norm-optimize.mlir:{{[0-9]+}}:{{[0-9]+}}: arith.mulf: not a normalizer: a statistic is divided by another count than the summed elements (an unbiased variance?)
// REPORT-NEXT:   before: 0 normalizers (none)
// CHECK-LABEL: func.func @reported_near_miss
// CHECK-NOT:     norm.
func.func @reported_near_miss(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<15.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-6> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %sq = arith.mulf %x, %x : tensor<4x16xf32>
  %ss = linalg.reduce ins(%sq : tensor<4x16xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %ms = arith.divf %ss, %n : tensor<4xf32>
  %ve = arith.addf %ms, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x16xf32>) dimensions = [1]
  %y = arith.mulf %x, %rb : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
