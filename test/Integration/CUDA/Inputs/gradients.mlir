// Training steps for the GPU tests: a forward that saves its statistics and
// the backward that uses them, 77 rows (two blocks of 32 and 13 after).
func.func @layer_norm_step(%x: tensor<77x96xbf16>, %g: tensor<96xbf16>, %dy: tensor<77x96xbf16>)
    -> (tensor<77x96xbf16>, tensor<96xbf16>, tensor<96xbf16>) {
  %y, %mean, %rstd = norm.layer_norm %x scale(%g : tensor<96xbf16>)
      : tensor<77x96xbf16> mean(tensor<77xf32>) rstd(tensor<77xf32>)
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %mean, %rstd scale(%g : tensor<96xbf16>)
      : tensor<77x96xbf16>, stats tensor<77xf32> scale_grad(tensor<96xbf16>) bias_grad(tensor<96xbf16>)
  return %dx, %dg, %db : tensor<77x96xbf16>, tensor<96xbf16>, tensor<96xbf16>
}

func.func @add_rms_norm_step(%h: tensor<64x4096xf32>, %w: tensor<4096xf32>, %dy: tensor<64x4096xf32>,
                             %dh: tensor<64x4096xf32>) -> (tensor<64x4096xf32>, tensor<4096xf32>) {
  %y, %rstd = norm.rms_norm %h scale(%w : tensor<4096xf32>) {scale_offset = 1.0 : f64}
      : tensor<64x4096xf32> rstd(tensor<64xf32>)
  %ds, %dw = norm.rms_norm_grad %dy, %h, %rstd scale(%w : tensor<4096xf32>) sum_grad(%dh : tensor<64x4096xf32>)
      {scale_offset = 1.0 : f64} : tensor<64x4096xf32>, stats tensor<64xf32> scale_grad(tensor<4096xf32>)
  return %ds, %dw : tensor<64x4096xf32>, tensor<4096xf32>
}
