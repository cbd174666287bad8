// Complete transformer blocks written with norm.residual and linalg ops,
// compiled for the CPU and checked end to end against the float64
// evaluation of the unlowered module. The sublayers' f32 matmuls (K = 32 and
// 128 over N(0, 1) data, results of magnitude ~10) differ from float64 by
// ~1e-5 absolute, hence --atol=1e-4; a wrong normalizer or placement is off
// by O(1).
// RUN: norm-run %s --entry=pre_ln --random-inputs --check --atol=1e-4 | FileCheck %s --check-prefix=PRE
// RUN: norm-run %s --entry=post_ln --random-inputs --check --atol=1e-4 | FileCheck %s --check-prefix=POST
// RUN: norm-run %s --entry=deepnorm_post_ln --random-inputs --check --atol=1e-4 | FileCheck %s --check-prefix=DEEP
// RUN: norm-run %s --entry=sandwich --random-inputs --check --atol=1e-4 | FileCheck %s --check-prefix=SANDWICH
// RUN: norm-run %s --entry=gptj_parallel --random-inputs --check --atol=1e-4 | FileCheck %s --check-prefix=GPTJ
// RUN: norm-run %s --entry=attention_qk_norm --random-inputs --check --atol=1e-4 | FileCheck %s --check-prefix=ATTN

// y = W2 * gelu(W1 * h), with the exact (erf) GELU; h: [8, 32].
func.func private @mlp(%h: tensor<8x32xf32>, %w1: tensor<32x128xf32>, %w2: tensor<128x32xf32>)
    -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8x128xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<8x128xf32>) -> tensor<8x128xf32>
  %u = linalg.matmul ins(%h, %w1 : tensor<8x32xf32>, tensor<32x128xf32>)
                     outs(%i1 : tensor<8x128xf32>) -> tensor<8x128xf32>
  %half = arith.constant dense<0.5> : tensor<8x128xf32>
  %one = arith.constant dense<1.0> : tensor<8x128xf32>
  %rsqrt2 = arith.constant dense<0.70710678118654752> : tensor<8x128xf32>
  %s = arith.mulf %u, %rsqrt2 : tensor<8x128xf32>
  %erf = math.erf %s : tensor<8x128xf32>
  %p = arith.addf %erf, %one : tensor<8x128xf32>
  %hu = arith.mulf %u, %half : tensor<8x128xf32>
  %act = arith.mulf %hu, %p : tensor<8x128xf32>
  %e2 = tensor.empty() : tensor<8x32xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<8x32xf32>) -> tensor<8x32xf32>
  %o = linalg.matmul ins(%act, %w2 : tensor<8x128xf32>, tensor<128x32xf32>)
                     outs(%i2 : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %o : tensor<8x32xf32>
}

// Single-head attention with QK-norm: RMS norm of q and k over the head
// dim (4 heads of 8) before the scores; softmax written as torch-mlir does.
func.func private @attention(%h: tensor<8x32xf32>, %wq: tensor<32x32xf32>, %wk: tensor<32x32xf32>,
                             %wv: tensor<32x32xf32>, %gq: tensor<8xf32>, %gk: tensor<8xf32>)
    -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %q = linalg.matmul ins(%h, %wq : tensor<8x32xf32>, tensor<32x32xf32>) outs(%f : tensor<8x32xf32>) -> tensor<8x32xf32>
  %k = linalg.matmul ins(%h, %wk : tensor<8x32xf32>, tensor<32x32xf32>) outs(%f : tensor<8x32xf32>) -> tensor<8x32xf32>
  %v = linalg.matmul ins(%h, %wv : tensor<8x32xf32>, tensor<32x32xf32>) outs(%f : tensor<8x32xf32>) -> tensor<8x32xf32>
  %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 4, 8] : tensor<8x32xf32> into tensor<8x4x8xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 4, 8] : tensor<8x32xf32> into tensor<8x4x8xf32>
  %v3 = tensor.expand_shape %v [[0], [1, 2]] output_shape [8, 4, 8] : tensor<8x32xf32> into tensor<8x4x8xf32>
  %qn = norm.rms_norm %q3 scale(%gq : tensor<8xf32>) : tensor<8x4x8xf32>
  %kn = norm.rms_norm %k3 scale(%gk : tensor<8xf32>) : tensor<8x4x8xf32>
  %tq = tensor.empty() : tensor<4x8x8xf32>
  %qt = linalg.transpose ins(%qn : tensor<8x4x8xf32>) outs(%tq : tensor<4x8x8xf32>) permutation = [1, 0, 2]
  %kt = linalg.transpose ins(%kn : tensor<8x4x8xf32>) outs(%tq : tensor<4x8x8xf32>) permutation = [1, 2, 0]
  %vt = linalg.transpose ins(%v3 : tensor<8x4x8xf32>) outs(%tq : tensor<4x8x8xf32>) permutation = [1, 0, 2]
  %fs = linalg.fill ins(%zero : f32) outs(%tq : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %scores = linalg.batch_matmul ins(%qt, %kt : tensor<4x8x8xf32>, tensor<4x8x8xf32>)
                                outs(%fs : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %scale = arith.constant dense<0.35355339059327373> : tensor<4x8x8xf32>
  %scaled = arith.mulf %scores, %scale : tensor<4x8x8xf32>
  // softmax over the last dim: max, exp(x - max), sum, divide
  %ninf = arith.constant 0xFF800000 : f32
  %e2 = tensor.empty() : tensor<4x8xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %max = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>,
                                          affine_map<(d0, d1, d2) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%scaled : tensor<4x8x8xf32>) outs(%mi : tensor<4x8xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %m = arith.maximumf %a, %acc : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %ex = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>,
                                         affine_map<(d0, d1, d2) -> (d0, d1)>,
                                         affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                        iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%scaled, %max : tensor<4x8x8xf32>, tensor<4x8xf32>) outs(%tq : tensor<4x8x8xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    %x = math.exp %d : f32
    linalg.yield %x : f32
  } -> tensor<4x8x8xf32>
  %si = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>,
                                          affine_map<(d0, d1, d2) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%ex : tensor<4x8x8xf32>) outs(%si : tensor<4x8xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %probs = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>,
                                            affine_map<(d0, d1, d2) -> (d0, d1)>,
                                            affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                           iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%ex, %sum : tensor<4x8x8xf32>, tensor<4x8xf32>) outs(%tq : tensor<4x8x8xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %d = arith.divf %a, %s : f32
    linalg.yield %d : f32
  } -> tensor<4x8x8xf32>
  %ctx = linalg.batch_matmul ins(%probs, %vt : tensor<4x8x8xf32>, tensor<4x8x8xf32>)
                             outs(%fs : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %eo = tensor.empty() : tensor<8x4x8xf32>
  %ctxt = linalg.transpose ins(%ctx : tensor<4x8x8xf32>) outs(%eo : tensor<8x4x8xf32>) permutation = [1, 0, 2]
  %out = tensor.collapse_shape %ctxt [[0], [1, 2]] : tensor<8x4x8xf32> into tensor<8x32xf32>
  return %out : tensor<8x32xf32>
}

// PRE: result0 (f32): 256 values
// PRE: check: PASS
func.func @pre_ln(%x: tensor<8x32xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>,
                  %w1: tensor<32x128xf32>, %w2: tensor<128x32xf32>) -> tensor<8x32xf32> {
  %y = norm.residual %x : tensor<8x32xf32> pre {
  ^bb0(%a: tensor<8x32xf32>):
    %n = norm.layer_norm %a scale(%g : tensor<32xf32>) bias(%b : tensor<32xf32>) : tensor<8x32xf32>
    norm.yield %n : tensor<8x32xf32>
  } body {
  ^bb0(%h: tensor<8x32xf32>):
    %f = func.call @mlp(%h, %w1, %w2) : (tensor<8x32xf32>, tensor<32x128xf32>, tensor<128x32xf32>) -> tensor<8x32xf32>
    norm.yield %f : tensor<8x32xf32>
  }
  return %y : tensor<8x32xf32>
}

// POST: result0 (f32): 256 values
// POST: check: PASS
func.func @post_ln(%x: tensor<8x32xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>,
                   %w1: tensor<32x128xf32>, %w2: tensor<128x32xf32>) -> tensor<8x32xf32> {
  %y = norm.residual %x : tensor<8x32xf32> body {
  ^bb0(%h: tensor<8x32xf32>):
    %f = func.call @mlp(%h, %w1, %w2) : (tensor<8x32xf32>, tensor<32x128xf32>, tensor<128x32xf32>) -> tensor<8x32xf32>
    norm.yield %f : tensor<8x32xf32>
  } post {
  ^bb0(%s: tensor<8x32xf32>):
    %n = norm.layer_norm %s scale(%g : tensor<32xf32>) bias(%b : tensor<32xf32>) : tensor<8x32xf32>
    norm.yield %n : tensor<8x32xf32>
  }
  return %y : tensor<8x32xf32>
}

// DEEP: result0 (f32): 256 values
// DEEP: check: PASS
func.func @deepnorm_post_ln(%x: tensor<8x32xf32>, %g: tensor<32xf32>,
                            %w1: tensor<32x128xf32>, %w2: tensor<128x32xf32>) -> tensor<8x32xf32> {
  %y = norm.residual %x {residual_scale = 2.4494897427831781 : f64} : tensor<8x32xf32> body {
  ^bb0(%h: tensor<8x32xf32>):
    %f = func.call @mlp(%h, %w1, %w2) : (tensor<8x32xf32>, tensor<32x128xf32>, tensor<128x32xf32>) -> tensor<8x32xf32>
    norm.yield %f : tensor<8x32xf32>
  } post {
  ^bb0(%s: tensor<8x32xf32>):
    %n = norm.layer_norm %s scale(%g : tensor<32xf32>) : tensor<8x32xf32>
    norm.yield %n : tensor<8x32xf32>
  }
  return %y : tensor<8x32xf32>
}

// SANDWICH: result0 (f32): 256 values
// SANDWICH: check: PASS
func.func @sandwich(%x: tensor<8x32xf32>, %g1: tensor<32xf32>, %g2: tensor<32xf32>,
                    %w1: tensor<32x128xf32>, %w2: tensor<128x32xf32>) -> tensor<8x32xf32> {
  %y = norm.residual %x : tensor<8x32xf32> pre {
  ^bb0(%a: tensor<8x32xf32>):
    %n = norm.rms_norm %a scale(%g1 : tensor<32xf32>) : tensor<8x32xf32>
    norm.yield %n : tensor<8x32xf32>
  } body {
  ^bb0(%h: tensor<8x32xf32>):
    %f = func.call @mlp(%h, %w1, %w2) : (tensor<8x32xf32>, tensor<32x128xf32>, tensor<128x32xf32>) -> tensor<8x32xf32>
    norm.yield %f : tensor<8x32xf32>
  } out {
  ^bb0(%o: tensor<8x32xf32>):
    %n = norm.rms_norm %o scale(%g2 : tensor<32xf32>) : tensor<8x32xf32>
    norm.yield %n : tensor<8x32xf32>
  }
  return %y : tensor<8x32xf32>
}

// GPTJ: result0 (f32): 256 values
// GPTJ: check: PASS
func.func @gptj_parallel(%x: tensor<8x32xf32>, %g: tensor<32xf32>, %b: tensor<32xf32>,
                         %wq: tensor<32x32xf32>, %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>,
                         %gq: tensor<8xf32>, %gk: tensor<8xf32>,
                         %w1: tensor<32x128xf32>, %w2: tensor<128x32xf32>) -> tensor<8x32xf32> {
  %y = norm.residual %x : tensor<8x32xf32> pre {
  ^bb0(%a: tensor<8x32xf32>):
    %n = norm.layer_norm %a scale(%g : tensor<32xf32>) bias(%b : tensor<32xf32>) : tensor<8x32xf32>
    norm.yield %n : tensor<8x32xf32>
  } body {
  ^bb0(%h: tensor<8x32xf32>):
    %attn = func.call @attention(%h, %wq, %wk, %wv, %gq, %gk)
        : (tensor<8x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8x32xf32>
    %mlp = func.call @mlp(%h, %w1, %w2) : (tensor<8x32xf32>, tensor<32x128xf32>, tensor<128x32xf32>) -> tensor<8x32xf32>
    norm.yield %attn, %mlp : tensor<8x32xf32>, tensor<8x32xf32>
  }
  return %y : tensor<8x32xf32>
}

// ATTN: result0 (f32): 256 values
// ATTN: check: PASS
func.func @attention_qk_norm(%x: tensor<8x32xf32>, %g: tensor<32xf32>,
                             %wq: tensor<32x32xf32>, %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>,
                             %gq: tensor<8xf32>, %gk: tensor<8xf32>) -> tensor<8x32xf32> {
  %y = norm.residual %x : tensor<8x32xf32> pre {
  ^bb0(%a: tensor<8x32xf32>):
    %n = norm.rms_norm %a scale(%g : tensor<32xf32>) : tensor<8x32xf32>
    norm.yield %n : tensor<8x32xf32>
  } body {
  ^bb0(%h: tensor<8x32xf32>):
    %attn = func.call @attention(%h, %wq, %wk, %wv, %gq, %gk)
        : (tensor<8x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8x32xf32>
    norm.yield %attn : tensor<8x32xf32>
  }
  return %y : tensor<8x32xf32>
}
