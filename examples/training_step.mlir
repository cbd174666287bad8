// One training step of a pre-LN transformer MLP block, forward and backward
// in one module (the example of issue 20):
//
//   forward:   n, mean, rstd = LayerNorm(x; g, b)     saves mean and rstd
//              a = tanh(n W1),  h = x + a W2
//   backward:  from dh (the loss's gradient of h)
//              da = dh W2^T,  dW2 = a^T dh
//              du = da (1 - a^2),  dn = du W1^T,  dW1 = n^T du
//              dx, dg, db = layer_norm_grad(dn; x, mean, rstd, g) + dh
//
// The skip connection's gradient dh reaches x as well: it is the layer norm
// backward's `sum_grad`, so dx comes out of one kernel. norm-run --check
// compares h and every gradient with the float64 evaluation of this module.

func.func private @matmul(%a: tensor<16x64xf32>, %b: tensor<64x128xf32>) -> tensor<16x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x128xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<16x128xf32>) -> tensor<16x128xf32>
  %c = linalg.matmul ins(%a, %b : tensor<16x64xf32>, tensor<64x128xf32>)
                     outs(%i : tensor<16x128xf32>) -> tensor<16x128xf32>
  return %c : tensor<16x128xf32>
}

func.func @training_step(%x: tensor<16x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>,
                         %w1: tensor<64x128xf32>, %w2: tensor<128x64xf32>,
                         %dh: tensor<16x64xf32>)
    -> (tensor<16x64xf32>, tensor<16x64xf32>, tensor<64xf32>, tensor<64xf32>,
        tensor<64x128xf32>, tensor<128x64xf32>) {
  %zero = arith.constant 0.0 : f32
  // Forward.
  %n, %mean, %rstd = norm.layer_norm %x scale(%g : tensor<64xf32>) bias(%b : tensor<64xf32>)
      : tensor<16x64xf32> mean(tensor<16xf32>) rstd(tensor<16xf32>)
  %u = func.call @matmul(%n, %w1) : (tensor<16x64xf32>, tensor<64x128xf32>) -> tensor<16x128xf32>
  %a = math.tanh %u : tensor<16x128xf32>
  %e64 = tensor.empty() : tensor<16x64xf32>
  %i64 = linalg.fill ins(%zero : f32) outs(%e64 : tensor<16x64xf32>) -> tensor<16x64xf32>
  %f = linalg.matmul ins(%a, %w2 : tensor<16x128xf32>, tensor<128x64xf32>)
                     outs(%i64 : tensor<16x64xf32>) -> tensor<16x64xf32>
  %h = arith.addf %x, %f : tensor<16x64xf32>

  // Backward through the second matmul.
  %w2te = tensor.empty() : tensor<64x128xf32>
  %w2t = linalg.transpose ins(%w2 : tensor<128x64xf32>) outs(%w2te : tensor<64x128xf32>)
      permutation = [1, 0]
  %da = func.call @matmul(%dh, %w2t) : (tensor<16x64xf32>, tensor<64x128xf32>) -> tensor<16x128xf32>
  %ate = tensor.empty() : tensor<128x16xf32>
  %at = linalg.transpose ins(%a : tensor<16x128xf32>) outs(%ate : tensor<128x16xf32>)
      permutation = [1, 0]
  %dw2e = tensor.empty() : tensor<128x64xf32>
  %dw2i = linalg.fill ins(%zero : f32) outs(%dw2e : tensor<128x64xf32>) -> tensor<128x64xf32>
  %dw2 = linalg.matmul ins(%at, %dh : tensor<128x16xf32>, tensor<16x64xf32>)
                       outs(%dw2i : tensor<128x64xf32>) -> tensor<128x64xf32>
  // Through tanh: du = da * (1 - a^2).
  %one = arith.constant dense<1.0> : tensor<16x128xf32>
  %a2 = arith.mulf %a, %a : tensor<16x128xf32>
  %d = arith.subf %one, %a2 : tensor<16x128xf32>
  %du = arith.mulf %da, %d : tensor<16x128xf32>
  // Through the first matmul.
  %w1te = tensor.empty() : tensor<128x64xf32>
  %w1t = linalg.transpose ins(%w1 : tensor<64x128xf32>) outs(%w1te : tensor<128x64xf32>)
      permutation = [1, 0]
  %dn = linalg.matmul ins(%du, %w1t : tensor<16x128xf32>, tensor<128x64xf32>)
                      outs(%i64 : tensor<16x64xf32>) -> tensor<16x64xf32>
  %nte = tensor.empty() : tensor<64x16xf32>
  %nt = linalg.transpose ins(%n : tensor<16x64xf32>) outs(%nte : tensor<64x16xf32>)
      permutation = [1, 0]
  %dw1e = tensor.empty() : tensor<64x128xf32>
  %dw1i = linalg.fill ins(%zero : f32) outs(%dw1e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %dw1 = linalg.matmul ins(%nt, %du : tensor<64x16xf32>, tensor<16x128xf32>)
                       outs(%dw1i : tensor<64x128xf32>) -> tensor<64x128xf32>
  // Through the layer norm, plus the skip connection's dh.
  %dx, %dg, %db = norm.layer_norm_grad %dn, %x, %mean, %rstd scale(%g : tensor<64xf32>)
      sum_grad(%dh : tensor<16x64xf32>) : tensor<16x64xf32>, stats tensor<16xf32>
      scale_grad(tensor<64xf32>) bias_grad(tensor<64xf32>)
  return %h, %dx, %dg, %db, %dw1, %dw2
      : tensor<16x64xf32>, tensor<16x64xf32>, tensor<64xf32>, tensor<64xf32>,
        tensor<64x128xf32>, tensor<128x64xf32>
}
