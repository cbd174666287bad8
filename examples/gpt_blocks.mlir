// Two pre-LN transformer MLP blocks (GPT-2 / LLaMA placement):
//
//   h = x + W2 * gelu(W1 * LayerNorm1(x))
//   y = h + W4 * gelu(W3 * LayerNorm2(h))
//
// Placement is explicit: each `norm.residual` holds its normalizer in its
// `pre` region and the sublayer in its `body`. norm-optimize fuses the first
// block's residual add with the second block's LayerNorm (norm.add_layer_norm
// reads x and f once and writes both h and LayerNorm2(h)).

func.func private @mlp(%h: tensor<16x64xf32>, %w1: tensor<64x256xf32>,
                       %w2: tensor<256x64xf32>) -> tensor<16x64xf32> {
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
  return %o : tensor<16x64xf32>
}

func.func @gpt_blocks(%x: tensor<16x64xf32>,
                      %g1: tensor<64xf32>, %b1: tensor<64xf32>,
                      %w1: tensor<64x256xf32>, %w2: tensor<256x64xf32>,
                      %g2: tensor<64xf32>, %b2: tensor<64xf32>,
                      %w3: tensor<64x256xf32>, %w4: tensor<256x64xf32>)
    -> tensor<16x64xf32> {
  %h = norm.residual %x : tensor<16x64xf32>
    pre {
    ^bb0(%a: tensor<16x64xf32>):
      %n = norm.layer_norm %a scale(%g1 : tensor<64xf32>) bias(%b1 : tensor<64xf32>)
             : tensor<16x64xf32>
      norm.yield %n : tensor<16x64xf32>
    } body {
    ^bb0(%in: tensor<16x64xf32>):
      %f = func.call @mlp(%in, %w1, %w2)
             : (tensor<16x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<16x64xf32>
      norm.yield %f : tensor<16x64xf32>
    }
  %y = norm.residual %h : tensor<16x64xf32>
    pre {
    ^bb0(%a: tensor<16x64xf32>):
      %n = norm.layer_norm %a scale(%g2 : tensor<64xf32>) bias(%b2 : tensor<64xf32>)
             : tensor<16x64xf32>
      norm.yield %n : tensor<16x64xf32>
    } body {
    ^bb0(%in: tensor<16x64xf32>):
      %f = func.call @mlp(%in, %w3, %w4)
             : (tensor<16x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<16x64xf32>
      norm.yield %f : tensor<16x64xf32>
    }
  return %y : tensor<16x64xf32>
}
