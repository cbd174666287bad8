// Every rewrite is checked end to end: the program runs without it and with
// it (--transform), and both runs agree with the float64 evaluation of the
// program as written. --optimize=false keeps the lowering from applying the
// rewrites itself. The FileCheck runs on norm-opt show each one fires here.
// Programs with f32 matmuls (K = 32, outputs of magnitude ~6) use
// --atol=1e-5: reassociating a dot product of N(0, 1) data moves an output
// near zero by a few 1e-6, which a wrong rewrite exceeds by orders.

// RUN: norm-run %s --entry=residual_chain --random-inputs --check --optimize=false | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=residual_chain --random-inputs --check --optimize=false --transform=norm-fuse-residual-add | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-fuse-residual-add | FileCheck %s --check-prefix=FUSED
// FUSED-LABEL: func.func @residual_chain
// FUSED-COUNT-2: norm.add_rms_norm

// RUN: norm-run %s --entry=qk_norm_projection --random-inputs --check --atol=1e-5 --optimize=false | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=qk_norm_projection --random-inputs --check --atol=1e-5 --optimize=false --transform=norm-fuse-qk | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-fuse-qk | FileCheck %s --check-prefix=QK
// QK-LABEL: func.func @qk_norm_projection
// QK: norm.project_norm rms

// RUN: norm-run %s --entry=flashnorm_qkv --random-inputs --check --atol=1e-5 --optimize=false | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=flashnorm_qkv --random-inputs --check --atol=1e-5 --optimize=false --transform=norm-fold-into-projection | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=flashnorm_constant_weights --random-inputs --check --optimize=false --transform=norm-fold-into-projection | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-fold-into-projection | FileCheck %s --check-prefix=FLASH
// FLASH-LABEL: func.func @flashnorm_qkv
// FLASH-COUNT-3: norm.norm_project layer
// FLASH-LABEL: func.func @flashnorm_constant_weights
// FLASH: norm.norm_project rms

// RUN: norm-run %s --entry=conv_batch_norm --random-inputs --check --optimize=false | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=conv_batch_norm --random-inputs --check --optimize=false --transform=norm-fold-batch-norm | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-fold-batch-norm | FileCheck %s --check-prefix=BN
// BN-LABEL: func.func @conv_batch_norm
// BN-NOT: norm.batch_norm

// RUN: norm-run %s --entry=shared_norm --random-inputs --check --optimize=false --transform=norm-share-parallel | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-share-parallel | FileCheck %s --check-prefix=SHARE
// SHARE-LABEL: func.func @shared_norm
// SHARE-COUNT-1: norm.layer_norm
// SHARE-NOT: norm.layer_norm

// RUN: norm-run %s --entry=residual_chain --random-inputs --check --optimize=false --transform=norm-expand-residual | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=qk_norm_projection --random-inputs --check --atol=1e-5 --transform=norm-optimize | FileCheck %s --check-prefix=PASS

// PASS: check: PASS

// Three consecutive pre-RMS-norm blocks (bf16): each block's sum feeds the
// next block's fused add + norm.
func.func @residual_chain(%x: tensor<4x256xbf16>, %w: tensor<256xbf16>) -> tensor<4x256xbf16> {
  %h1 = norm.residual %x : tensor<4x256xbf16> pre {
  ^bb0(%a: tensor<4x256xbf16>):
    %n = norm.rms_norm %a scale(%w : tensor<256xbf16>) : tensor<4x256xbf16>
    norm.yield %n : tensor<4x256xbf16>
  } body {
  ^bb0(%h: tensor<4x256xbf16>):
    %f = math.tanh %h : tensor<4x256xbf16>
    norm.yield %f : tensor<4x256xbf16>
  }
  %s1 = arith.addf %h1, %x : tensor<4x256xbf16>
  %n2 = norm.rms_norm %s1 scale(%w : tensor<256xbf16>) : tensor<4x256xbf16>
  %f2 = math.tanh %n2 : tensor<4x256xbf16>
  %s2 = arith.addf %s1, %f2 : tensor<4x256xbf16>
  %n3 = norm.rms_norm %s2 scale(%w : tensor<256xbf16>) : tensor<4x256xbf16>
  return %n3 : tensor<4x256xbf16>
}

// A K projection with bias and per-head RMS norm.
func.func @qk_norm_projection(%x: tensor<6x32xf32>, %w: tensor<32x64xf32>, %b: tensor<64xf32>,
                              %g: tensor<16xf32>) -> tensor<6x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6x64xf32>) -> tensor<6x64xf32>
  %k = linalg.matmul ins(%x, %w : tensor<6x32xf32>, tensor<32x64xf32>) outs(%f : tensor<6x64xf32>) -> tensor<6x64xf32>
  %bb = linalg.broadcast ins(%b : tensor<64xf32>) outs(%e : tensor<6x64xf32>) dimensions = [0]
  %kb = arith.addf %k, %bb : tensor<6x64xf32>
  %k3 = tensor.expand_shape %kb [[0], [1, 2]] output_shape [6, 4, 16] : tensor<6x64xf32> into tensor<6x4x16xf32>
  %kn = norm.rms_norm %k3 scale(%g : tensor<16xf32>) : tensor<6x4x16xf32>
  return %kn : tensor<6x4x16xf32>
}

// Q, K and V projections of one layer-normalized input (runtime weights).
func.func @flashnorm_qkv(%x: tensor<6x32xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>,
                         %wq: tensor<32x16xf32>, %wk: tensor<32x16xf32>, %wv: tensor<32x16xf32>)
    -> (tensor<6x16xf32>, tensor<6x16xf32>, tensor<6x16xf32>) {
  %n = norm.layer_norm %x scale(%g : tensor<32xf32>) bias(%b : tensor<32xf32>) : tensor<6x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6x16xf32>) -> tensor<6x16xf32>
  %q = linalg.matmul ins(%n, %wq : tensor<6x32xf32>, tensor<32x16xf32>) outs(%f : tensor<6x16xf32>) -> tensor<6x16xf32>
  %k = linalg.matmul ins(%n, %wk : tensor<6x32xf32>, tensor<32x16xf32>) outs(%f : tensor<6x16xf32>) -> tensor<6x16xf32>
  %v = linalg.matmul ins(%n, %wv : tensor<6x32xf32>, tensor<32x16xf32>) outs(%f : tensor<6x16xf32>) -> tensor<6x16xf32>
  return %q, %k, %v : tensor<6x16xf32>, tensor<6x16xf32>, tensor<6x16xf32>
}

// Gemma-style RMS norm folded into a constant projection at compile time.
func.func @flashnorm_constant_weights(%x: tensor<5x4xf32>) -> tensor<5x3xf32> {
  %g = arith.constant dense<[0.5, -1.0, 2.0, 0.25]> : tensor<4xf32>
  %w = arith.constant dense<[[1.0, -2.0, 0.5], [0.25, 1.5, -1.0], [2.0, 0.0, 1.0], [-0.5, 1.0, 3.0]]> : tensor<4x3xf32>
  %n = norm.rms_norm %x scale(%g : tensor<4xf32>) {scale_offset = 1.0 : f64} : tensor<5x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<5x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<5x3xf32>) -> tensor<5x3xf32>
  %y = linalg.matmul ins(%n, %w : tensor<5x4xf32>, tensor<4x3xf32>) outs(%f : tensor<5x3xf32>) -> tensor<5x3xf32>
  return %y : tensor<5x3xf32>
}

// A conv followed by an inference-time batch norm with constant parameters.
func.func @conv_batch_norm(%x: tensor<2x3x6x6xf32>) -> tensor<2x4x6x6xf32> {
  %w = arith.constant dense<[[[[0.5]], [[-1.0]], [[0.25]]], [[[1.0]], [[2.0]], [[-0.5]]],
                             [[[-0.75]], [[0.5]], [[1.5]]], [[[0.125]], [[-0.25]], [[1.0]]]]> : tensor<4x3x1x1xf32>
  %gamma = arith.constant dense<[1.5, 0.5, -1.0, 2.0]> : tensor<4xf32>
  %beta = arith.constant dense<[0.1, -0.2, 0.3, 0.0]> : tensor<4xf32>
  %mean = arith.constant dense<[0.5, -0.5, 1.0, 0.0]> : tensor<4xf32>
  %var = arith.constant dense<[1.0, 0.25, 4.0, 0.5]> : tensor<4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x6x6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %c = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<2x3x6x6xf32>, tensor<4x3x1x1xf32>)
                                outs(%f : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %y, %m, %v = norm.batch_norm eval %c, %gamma, %beta, %mean, %var
      : tensor<2x4x6x6xf32>, params tensor<4xf32>, stats tensor<4xf32>
  return %y : tensor<2x4x6x6xf32>
}

// Two parallel branches normalizing x with identical parameters.
func.func @shared_norm(%x: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %g1 = arith.constant dense<1.5> : tensor<32xf32>
  %g2 = arith.constant dense<1.5> : tensor<32xf32>
  %n1 = norm.layer_norm %x scale(%g1 : tensor<32xf32>) : tensor<4x32xf32>
  %a = math.tanh %n1 : tensor<4x32xf32>
  %n2 = norm.layer_norm %x scale(%g2 : tensor<32xf32>) : tensor<4x32xf32>
  %b = math.exp %n2 : tensor<4x32xf32>
  %y = arith.addf %a, %b : tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}
