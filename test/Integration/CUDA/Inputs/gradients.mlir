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

func.func @add_rms_norm_step(%h: tensor<16x4096xf32>, %w: tensor<4096xf32>, %dy: tensor<16x4096xf32>,
                             %dh: tensor<16x4096xf32>) -> (tensor<16x4096xf32>, tensor<4096xf32>) {
  %y, %rstd = norm.rms_norm %h scale(%w : tensor<4096xf32>) {scale_offset = 1.0 : f64}
      : tensor<16x4096xf32> rstd(tensor<16xf32>)
  %ds, %dw = norm.rms_norm_grad %dy, %h, %rstd scale(%w : tensor<4096xf32>) sum_grad(%dh : tensor<16x4096xf32>)
      {scale_offset = 1.0 : f64} : tensor<16x4096xf32>, stats tensor<16xf32> scale_grad(tensor<4096xf32>)
  return %ds, %dw : tensor<16x4096xf32>, tensor<4096xf32>
}

// Rows over two dims (axis 1), f16, no scale, sum_grad: 520 rows, more than
// the 512 CTAs, so that some CTAs take two rows.
func.func @layer_norm_step_wide(%x: tensor<520x2x384xf16>, %dy: tensor<520x2x384xf16>,
                                %ds: tensor<520x2x384xf16>)
    -> (tensor<520x2x384xf16>, tensor<2x384xf16>) {
  %y, %mean, %rstd = norm.layer_norm %x {axis = 1 : i64}
      : tensor<520x2x384xf16> mean(tensor<520xf32>) rstd(tensor<520xf32>)
  %dx, %db = norm.layer_norm_grad %dy, %x, %mean, %rstd sum_grad(%ds : tensor<520x2x384xf16>)
      {axis = 1 : i64} : tensor<520x2x384xf16>, stats tensor<520xf32> bias_grad(tensor<2x384xf16>)
  return %dx, %db : tensor<520x2x384xf16>, tensor<2x384xf16>
}

// Weightless RMS norm over narrow rows (16 rows per CTA): dx alone.
func.func @rms_norm_step_weightless(%x: tensor<1030x64xbf16>, %dy: tensor<1030x64xbf16>)
    -> tensor<1030x64xbf16> {
  %y, %rstd = norm.rms_norm %x : tensor<1030x64xbf16> rstd(tensor<1030xf32>)
  %dx = norm.rms_norm_grad %dy, %x, %rstd : tensor<1030x64xbf16>, stats tensor<1030xf32>
  return %dx : tensor<1030x64xbf16>
}

// Batch norm's backward (through linalg and norm-gpu-offload's kernels).
func.func @batch_norm_step(%x: tensor<4x8x5x7xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>,
                           %rm: tensor<8xf32>, %rv: tensor<8xf32>, %dy: tensor<4x8x5x7xf32>)
    -> (tensor<4x8x5x7xf32>, tensor<8xf32>, tensor<8xf32>) {
  %y, %nm, %nv, %mean, %rstd = norm.batch_norm train %x, %g, %b, %rm, %rv
      : tensor<4x8x5x7xf32>, params tensor<8xf32>, stats tensor<8xf32>
        saved_mean(tensor<8xf32>) saved_rstd(tensor<8xf32>)
  %dx, %dg, %db = norm.batch_norm_grad train %dy, %x, %mean, %rstd, %g
      : tensor<4x8x5x7xf32>, params tensor<8xf32>, stats tensor<8xf32>
        scale_grad(tensor<8xf32>) bias_grad(tensor<8xf32>)
  return %dx, %dg, %db : tensor<4x8x5x7xf32>, tensor<8xf32>, tensor<8xf32>
}

// Group norm's backward (statistics recomputed; linalg and norm-gpu-offload).
func.func @group_norm_step(%dy: tensor<2x32x8x8xf32>, %x: tensor<2x32x8x8xf32>, %g: tensor<32xf32>)
    -> (tensor<2x32x8x8xf32>, tensor<32xf32>, tensor<32xf32>) {
  %dx, %dg, %db = norm.group_norm_grad %dy, %x scale(%g : tensor<32xf32>) {num_groups = 8 : i64}
      : tensor<2x32x8x8xf32> scale_grad(tensor<32xf32>) bias_grad(tensor<32xf32>)
  return %dx, %dg, %db : tensor<2x32x8x8xf32>, tensor<32xf32>, tensor<32xf32>
}

// Weight norm's backward (norms recomputed; linalg and norm-gpu-offload).
func.func @weight_norm_step(%dw: tensor<64x3x3x3xf32>, %v: tensor<64x3x3x3xf32>, %g: tensor<64xf32>)
    -> (tensor<64x3x3x3xf32>, tensor<64xf32>) {
  %dv, %dg = norm.weight_norm_grad %dw, %v, %g {dim = 0 : i64} : tensor<64x3x3x3xf32>, tensor<64xf32>
  return %dv, %dg : tensor<64x3x3x3xf32>, tensor<64xf32>
}
