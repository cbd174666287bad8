// make test-long: transformer blocks at their real widths (BERT-base,
// GPT-J 6B, LLaMA-7B in bf16, a DeepNorm layer, Gemma-2 2B's sandwich),
// each compiled and run under the default 8 MiB stack with OpenMP, without
// it, and as an artifact (which runs without it). These blocks overflowed
// the stack before norm-hoist-allocas. Their accuracy is checked at small
// widths in test/Integration/CPU/transformer_blocks.mlir (the float64
// evaluation of a real-size block takes minutes); here every result must
// come back, and be finite.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: ulimit -s 8192 && for b in bert gptj llama deepnorm gemma2_sandwich; do \
// RUN:   norm-run %s --entry=$b --random-inputs || exit 1; \
// RUN:   norm-run %s --entry=$b --random-inputs --pipeline-options=openmp=false --output-dir=%t/$b || exit 1; \
// RUN:   norm-compile %s --entry=$b --target=cpu -o %t/$b.art || exit 1; \
// RUN:   %t/$b.art --random-inputs --output-dir=%t/$b.out || exit 1; \
// RUN: done | FileCheck %s
// RUN: %python -c "import numpy as n, glob; fs = sorted(glob.glob('%t/*/result0.npy')); print(len(fs), all(n.isfinite((n.load(f).astype(n.uint32) << 16).view(n.float32) if 'llama' in f else n.load(f)).all() for f in fs))" | FileCheck %s --check-prefix=FINITE

// CHECK: ran @bert on 5 arguments: 1 result (f32 [128, 768])
// CHECK: ran @bert on 5 arguments: 1 result (f32 [128, 768])
// CHECK: ran @gptj on 5 arguments: 1 result (f32 [4, 4096])
// CHECK: ran @gptj on 5 arguments: 1 result (f32 [4, 4096])
// CHECK: ran @llama on 4 arguments: 1 result (bf16 [4, 4096])
// CHECK: ran @llama on 4 arguments: 1 result (bf16 [4, 4096])
// CHECK: ran @deepnorm on 4 arguments: 1 result (f32 [128, 1024])
// CHECK: ran @deepnorm on 4 arguments: 1 result (f32 [128, 1024])
// CHECK: ran @gemma2_sandwich on 5 arguments: 1 result (f32 [8, 2304])
// CHECK: ran @gemma2_sandwich on 5 arguments: 1 result (f32 [8, 2304])
// FINITE: 10 True

func.func private @bert_mlp(%h: tensor<128x768xf32>, %w1: tensor<768x3072xf32>, %w2: tensor<3072x768xf32>) -> tensor<128x768xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<128x3072xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<128x3072xf32>) -> tensor<128x3072xf32>
  %u = linalg.matmul ins(%h, %w1 : tensor<128x768xf32>, tensor<768x3072xf32>) outs(%i1 : tensor<128x3072xf32>) -> tensor<128x3072xf32>
  %c = arith.constant dense<0.70710678118654752> : tensor<128x3072xf32>
  %half = arith.constant dense<0.5> : tensor<128x3072xf32>
  %one = arith.constant dense<1.0> : tensor<128x3072xf32>
  %s = arith.mulf %u, %c : tensor<128x3072xf32>
  %erf = math.erf %s : tensor<128x3072xf32>
  %p = arith.addf %erf, %one : tensor<128x3072xf32>
  %hu = arith.mulf %u, %half : tensor<128x3072xf32>
  %a = arith.mulf %hu, %p : tensor<128x3072xf32>
  %e2 = tensor.empty() : tensor<128x768xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<128x768xf32>) -> tensor<128x768xf32>
  %o = linalg.matmul ins(%a, %w2 : tensor<128x3072xf32>, tensor<3072x768xf32>) outs(%i2 : tensor<128x768xf32>) -> tensor<128x768xf32>
  return %o : tensor<128x768xf32>
}

func.func @bert(%x: tensor<128x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>, %w1: tensor<768x3072xf32>, %w2: tensor<3072x768xf32>) -> tensor<128x768xf32> {
  %y = norm.residual %x : tensor<128x768xf32> body {
  ^bb0(%h: tensor<128x768xf32>):
    %f = func.call @bert_mlp(%h, %w1, %w2) : (tensor<128x768xf32>, tensor<768x3072xf32>, tensor<3072x768xf32>) -> tensor<128x768xf32>
    norm.yield %f : tensor<128x768xf32>
  } post {
  ^bb0(%s: tensor<128x768xf32>):
    %n = norm.layer_norm %s scale(%g : tensor<768xf32>) bias(%b : tensor<768xf32>) {epsilon = 1.0e-12 : f64} : tensor<128x768xf32>
    norm.yield %n : tensor<128x768xf32>
  }
  return %y : tensor<128x768xf32>
}

func.func private @gptj_mlp(%h: tensor<4x4096xf32>, %w1: tensor<4096x16384xf32>, %w2: tensor<16384x4096xf32>) -> tensor<4x4096xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x16384xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x16384xf32>) -> tensor<4x16384xf32>
  %u = linalg.matmul ins(%h, %w1 : tensor<4x4096xf32>, tensor<4096x16384xf32>) outs(%i1 : tensor<4x16384xf32>) -> tensor<4x16384xf32>
  %c = arith.constant dense<0.70710678118654752> : tensor<4x16384xf32>
  %half = arith.constant dense<0.5> : tensor<4x16384xf32>
  %one = arith.constant dense<1.0> : tensor<4x16384xf32>
  %s = arith.mulf %u, %c : tensor<4x16384xf32>
  %erf = math.erf %s : tensor<4x16384xf32>
  %p = arith.addf %erf, %one : tensor<4x16384xf32>
  %hu = arith.mulf %u, %half : tensor<4x16384xf32>
  %a = arith.mulf %hu, %p : tensor<4x16384xf32>
  %e2 = tensor.empty() : tensor<4x4096xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x4096xf32>) -> tensor<4x4096xf32>
  %o = linalg.matmul ins(%a, %w2 : tensor<4x16384xf32>, tensor<16384x4096xf32>) outs(%i2 : tensor<4x4096xf32>) -> tensor<4x4096xf32>
  return %o : tensor<4x4096xf32>
}

func.func @gptj(%x: tensor<4x4096xf32>, %g: tensor<4096xf32>, %b: tensor<4096xf32>, %w1: tensor<4096x16384xf32>, %w2: tensor<16384x4096xf32>) -> tensor<4x4096xf32> {
  %y = norm.residual %x : tensor<4x4096xf32> pre {
  ^bb0(%a: tensor<4x4096xf32>):
    %n = norm.layer_norm %a scale(%g : tensor<4096xf32>) bias(%b : tensor<4096xf32>) : tensor<4x4096xf32>
    norm.yield %n : tensor<4x4096xf32>
  } body {
  ^bb0(%h: tensor<4x4096xf32>):
    %f = func.call @gptj_mlp(%h, %w1, %w2) : (tensor<4x4096xf32>, tensor<4096x16384xf32>, tensor<16384x4096xf32>) -> tensor<4x4096xf32>
    %a = math.tanh %h : tensor<4x4096xf32>
    norm.yield %f, %a : tensor<4x4096xf32>, tensor<4x4096xf32>
  }
  return %y : tensor<4x4096xf32>
}

func.func private @llama_mlp(%h: tensor<4x4096xbf16>, %w1: tensor<4096x11008xbf16>, %w2: tensor<11008x4096xbf16>) -> tensor<4x4096xbf16> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x11008xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x11008xf32>) -> tensor<4x11008xf32>
  %u = linalg.matmul ins(%h, %w1 : tensor<4x4096xbf16>, tensor<4096x11008xbf16>) outs(%i1 : tensor<4x11008xf32>) -> tensor<4x11008xf32>
  %n = arith.negf %u : tensor<4x11008xf32>
  %ex = math.exp %n : tensor<4x11008xf32>
  %one = arith.constant dense<1.0> : tensor<4x11008xf32>
  %d = arith.addf %ex, %one : tensor<4x11008xf32>
  %a = arith.divf %u, %d : tensor<4x11008xf32>
  %at = arith.truncf %a : tensor<4x11008xf32> to tensor<4x11008xbf16>
  %e2 = tensor.empty() : tensor<4x4096xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x4096xf32>) -> tensor<4x4096xf32>
  %o = linalg.matmul ins(%at, %w2 : tensor<4x11008xbf16>, tensor<11008x4096xbf16>) outs(%i2 : tensor<4x4096xf32>) -> tensor<4x4096xf32>
  %ot = arith.truncf %o : tensor<4x4096xf32> to tensor<4x4096xbf16>
  return %ot : tensor<4x4096xbf16>
}

func.func @llama(%x: tensor<4x4096xbf16>, %g: tensor<4096xbf16>, %w1: tensor<4096x11008xbf16>, %w2: tensor<11008x4096xbf16>) -> tensor<4x4096xbf16> {
  %y = norm.residual %x : tensor<4x4096xbf16> pre {
  ^bb0(%a: tensor<4x4096xbf16>):
    %n = norm.rms_norm %a scale(%g : tensor<4096xbf16>) {epsilon = 1.0e-6 : f64} : tensor<4x4096xbf16>
    norm.yield %n : tensor<4x4096xbf16>
  } body {
  ^bb0(%h: tensor<4x4096xbf16>):
    %f = func.call @llama_mlp(%h, %w1, %w2) : (tensor<4x4096xbf16>, tensor<4096x11008xbf16>, tensor<11008x4096xbf16>) -> tensor<4x4096xbf16>
    norm.yield %f : tensor<4x4096xbf16>
  }
  return %y : tensor<4x4096xbf16>
}

func.func private @deepnorm_mlp(%h: tensor<128x1024xf32>, %w1: tensor<1024x4096xf32>, %w2: tensor<4096x1024xf32>) -> tensor<128x1024xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<128x4096xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<128x4096xf32>) -> tensor<128x4096xf32>
  %u = linalg.matmul ins(%h, %w1 : tensor<128x1024xf32>, tensor<1024x4096xf32>) outs(%i1 : tensor<128x4096xf32>) -> tensor<128x4096xf32>
  %c = arith.constant dense<0.70710678118654752> : tensor<128x4096xf32>
  %half = arith.constant dense<0.5> : tensor<128x4096xf32>
  %one = arith.constant dense<1.0> : tensor<128x4096xf32>
  %s = arith.mulf %u, %c : tensor<128x4096xf32>
  %erf = math.erf %s : tensor<128x4096xf32>
  %p = arith.addf %erf, %one : tensor<128x4096xf32>
  %hu = arith.mulf %u, %half : tensor<128x4096xf32>
  %a = arith.mulf %hu, %p : tensor<128x4096xf32>
  %e2 = tensor.empty() : tensor<128x1024xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<128x1024xf32>) -> tensor<128x1024xf32>
  %o = linalg.matmul ins(%a, %w2 : tensor<128x4096xf32>, tensor<4096x1024xf32>) outs(%i2 : tensor<128x1024xf32>) -> tensor<128x1024xf32>
  return %o : tensor<128x1024xf32>
}

func.func @deepnorm(%x: tensor<128x1024xf32>, %g: tensor<1024xf32>, %w1: tensor<1024x4096xf32>, %w2: tensor<4096x1024xf32>) -> tensor<128x1024xf32> {
  %y = norm.residual %x {residual_scale = 2.4494897427831781 : f64} : tensor<128x1024xf32> body {
  ^bb0(%h: tensor<128x1024xf32>):
    %f = func.call @deepnorm_mlp(%h, %w1, %w2) : (tensor<128x1024xf32>, tensor<1024x4096xf32>, tensor<4096x1024xf32>) -> tensor<128x1024xf32>
    norm.yield %f : tensor<128x1024xf32>
  } post {
  ^bb0(%s: tensor<128x1024xf32>):
    %n = norm.layer_norm %s scale(%g : tensor<1024xf32>) : tensor<128x1024xf32>
    norm.yield %n : tensor<128x1024xf32>
  }
  return %y : tensor<128x1024xf32>
}

func.func private @gemma_mlp(%h: tensor<8x2304xf32>, %w1: tensor<2304x9216xf32>, %w2: tensor<9216x2304xf32>) -> tensor<8x2304xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8x9216xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<8x9216xf32>) -> tensor<8x9216xf32>
  %u = linalg.matmul ins(%h, %w1 : tensor<8x2304xf32>, tensor<2304x9216xf32>) outs(%i1 : tensor<8x9216xf32>) -> tensor<8x9216xf32>
  %c = arith.constant dense<0.70710678118654752> : tensor<8x9216xf32>
  %half = arith.constant dense<0.5> : tensor<8x9216xf32>
  %one = arith.constant dense<1.0> : tensor<8x9216xf32>
  %s = arith.mulf %u, %c : tensor<8x9216xf32>
  %erf = math.erf %s : tensor<8x9216xf32>
  %p = arith.addf %erf, %one : tensor<8x9216xf32>
  %hu = arith.mulf %u, %half : tensor<8x9216xf32>
  %a = arith.mulf %hu, %p : tensor<8x9216xf32>
  %e2 = tensor.empty() : tensor<8x2304xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<8x2304xf32>) -> tensor<8x2304xf32>
  %o = linalg.matmul ins(%a, %w2 : tensor<8x9216xf32>, tensor<9216x2304xf32>) outs(%i2 : tensor<8x2304xf32>) -> tensor<8x2304xf32>
  return %o : tensor<8x2304xf32>
}

func.func @gemma2_sandwich(%x: tensor<8x2304xf32>, %g1: tensor<2304xf32>, %g2: tensor<2304xf32>, %w1: tensor<2304x9216xf32>, %w2: tensor<9216x2304xf32>) -> tensor<8x2304xf32> {
  %y = norm.residual %x : tensor<8x2304xf32> pre {
  ^bb0(%a: tensor<8x2304xf32>):
    %n = norm.rms_norm %a scale(%g1 : tensor<2304xf32>) {scale_offset = 1.0 : f64, epsilon = 1.0e-6 : f64} : tensor<8x2304xf32>
    norm.yield %n : tensor<8x2304xf32>
  } body {
  ^bb0(%h: tensor<8x2304xf32>):
    %f = func.call @gemma_mlp(%h, %w1, %w2) : (tensor<8x2304xf32>, tensor<2304x9216xf32>, tensor<9216x2304xf32>) -> tensor<8x2304xf32>
    norm.yield %f : tensor<8x2304xf32>
  } out {
  ^bb0(%o: tensor<8x2304xf32>):
    %n = norm.rms_norm %o scale(%g2 : tensor<2304xf32>) {scale_offset = 1.0 : f64, epsilon = 1.0e-6 : f64} : tensor<8x2304xf32>
    norm.yield %n : tensor<8x2304xf32>
  }
  return %y : tensor<8x2304xf32>
}

