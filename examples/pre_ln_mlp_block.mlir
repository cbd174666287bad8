// A pre-LN transformer MLP block (GPT-2, LLaMA style placement):
//
//   y = x + W2 * gelu(W1 * LayerNorm(x))
//
// The placement is explicit: `norm.residual` holds the normalizer in its `pre`
// region and the sublayer in its `body`.
func.func @pre_ln_mlp_block(%x: tensor<16x64xf32>, %gamma: tensor<64xf32>,
                            %beta: tensor<64xf32>, %w1: tensor<64x256xf32>,
                            %w2: tensor<256x64xf32>) -> tensor<16x64xf32> {
  %y = norm.residual %x : tensor<16x64xf32>
    pre {
    ^bb0(%a: tensor<16x64xf32>):
      %n = norm.layer_norm %a scale(%gamma : tensor<64xf32>) bias(%beta : tensor<64xf32>)
             : tensor<16x64xf32>
      norm.yield %n : tensor<16x64xf32>
    } body {
    ^bb0(%h: tensor<16x64xf32>):
      %zero = arith.constant 0.0 : f32
      %e1 = tensor.empty() : tensor<16x256xf32>
      %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<16x256xf32>) -> tensor<16x256xf32>
      %u = linalg.matmul ins(%h, %w1 : tensor<16x64xf32>, tensor<64x256xf32>)
                         outs(%i1 : tensor<16x256xf32>) -> tensor<16x256xf32>
      // Exact GELU: 0.5 * u * (1 + erf(u / sqrt(2))).
      %half = arith.constant dense<0.5> : tensor<16x256xf32>
      %one = arith.constant dense<1.0> : tensor<16x256xf32>
      %rsqrt2 = arith.constant dense<0.70710678118654752> : tensor<16x256xf32>
      %s = arith.mulf %u, %rsqrt2 : tensor<16x256xf32>
      %erf = math.erf %s : tensor<16x256xf32>
      %p = arith.addf %erf, %one : tensor<16x256xf32>
      %hu = arith.mulf %u, %half : tensor<16x256xf32>
      %act = arith.mulf %hu, %p : tensor<16x256xf32>
      %e2 = tensor.empty() : tensor<16x64xf32>
      %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16x64xf32>) -> tensor<16x64xf32>
      %o = linalg.matmul ins(%act, %w2 : tensor<16x256xf32>, tensor<256x64xf32>)
                         outs(%i2 : tensor<16x64xf32>) -> tensor<16x64xf32>
      norm.yield %o : tensor<16x64xf32>
    }
  return %y : tensor<16x64xf32>
}
