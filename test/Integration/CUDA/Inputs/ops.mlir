// Every normalizer with static shapes, for the GPU: the row kernels (wide,
// narrow, ragged, bf16, f16, with statistics results, with the residual) and
// the generic kernels (batch, group and weight norm, projections, wide rows,
// f64 statistics, placements). ptxas.mlir assembles all of it; run.mlir runs
// each function on a GPU and checks it against the float64 reference;
// bench/gpu/prepare.sh compiles each into an artifact.

func.func @layer_norm(%x: tensor<64x4096xf32>, %g: tensor<4096xf32>,
                      %b: tensor<4096xf32>) -> tensor<64x4096xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<4096xf32>) bias(%b : tensor<4096xf32>)
         : tensor<64x4096xf32>
  return %y : tensor<64x4096xf32>
}

func.func @layer_norm_stats(%x: tensor<3x5x1000xf32>)
    -> (tensor<3x5x1000xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
  %y, %m, %r = norm.layer_norm %x : tensor<3x5x1000xf32> mean(tensor<3x5xf32>) rstd(tensor<3x5xf32>)
  return %y, %m, %r : tensor<3x5x1000xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}

func.func @layer_norm_f16(%x: tensor<33x768xf16>, %g: tensor<768xf16>)
    -> tensor<33x768xf16> {
  %y = norm.layer_norm %x scale(%g : tensor<768xf16>) : tensor<33x768xf16>
  return %y : tensor<33x768xf16>
}

func.func @gemma_rms_norm(%x: tensor<16x8192xbf16>, %w: tensor<8192xbf16>)
    -> tensor<16x8192xbf16> {
  %y = norm.rms_norm %x scale(%w : tensor<8192xbf16>) {scale_offset = 1.0 : f64}
         : tensor<16x8192xbf16>
  return %y : tensor<16x8192xbf16>
}

func.func @add_rms_norm(%x: tensor<32x4096xbf16>, %r: tensor<32x4096xbf16>,
                        %w: tensor<4096xbf16>)
    -> (tensor<32x4096xbf16>, tensor<32x4096xbf16>) {
  %y, %s = norm.add_rms_norm %x, %r scale(%w : tensor<4096xbf16>)
             : tensor<32x4096xbf16>
  return %y, %s : tensor<32x4096xbf16>, tensor<32x4096xbf16>
}

func.func @add_layer_norm_ragged(%x: tensor<37x96xf32>, %r: tensor<37x96xf32>,
                                 %g: tensor<96xf32>, %b: tensor<96xf32>)
    -> (tensor<37x96xf32>, tensor<37x96xf32>) {
  %y, %s = norm.add_layer_norm %x, %r scale(%g : tensor<96xf32>) bias(%b : tensor<96xf32>)
             : tensor<37x96xf32>
  return %y, %s : tensor<37x96xf32>, tensor<37x96xf32>
}

func.func @qk_norm(%q: tensor<8x32x128xbf16>, %w: tensor<128xbf16>)
    -> tensor<8x32x128xbf16> {
  %y = norm.rms_norm %q scale(%w : tensor<128xbf16>) : tensor<8x32x128xbf16>
  return %y : tensor<8x32x128xbf16>
}

func.func @rms_norm_wide(%x: tensor<3x65536xf32>) -> tensor<3x65536xf32> {
  %y = norm.rms_norm %x : tensor<3x65536xf32>
  return %y : tensor<3x65536xf32>
}

func.func @layer_norm_f64_statistics(%x: tensor<7x300xf32>) -> tensor<7x300xf32> {
  %y = norm.layer_norm %x {compute_type = f64} : tensor<7x300xf32>
  return %y : tensor<7x300xf32>
}

func.func @batch_norm_train(%x: tensor<8x6x5x5xf32>, %g: tensor<6xf32>,
                            %b: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>)
    -> (tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v {momentum = 0.2 : f64}
      : tensor<8x6x5x5xf32>, params tensor<6xf32>, stats tensor<6xf32>
  return %y, %nm, %nv : tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>
}

func.func @batch_norm_eval(%x: tensor<4x6x7x7xf32>, %g: tensor<6xf32>,
                           %b: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>)
    -> tensor<4x6x7x7xf32> {
  %y, %nm, %nv = norm.batch_norm eval %x, %g, %b, %m, %v
      : tensor<4x6x7x7xf32>, params tensor<6xf32>, stats tensor<6xf32>
  return %y : tensor<4x6x7x7xf32>
}

// A deployed model's batch norm: the parameters and running statistics are
// constants (host globals once bufferized), read by the kernels from their
// device copies.
func.func @batch_norm_constants(%x: tensor<4x6x7x7xf32>) -> tensor<4x6x7x7xf32> {
  %g = arith.constant dense<[1.5, 0.5, -1.0, 2.0, 0.25, 1.0]> : tensor<6xf32>
  %b = arith.constant dense<[0.1, -0.2, 0.3, -0.4, 0.5, -0.6]> : tensor<6xf32>
  %m = arith.constant dense<[0.0, 0.5, -0.5, 1.0, -1.0, 0.25]> : tensor<6xf32>
  %v = arith.constant dense<[1.0, 0.5, 2.0, 0.75, 1.25, 3.0]> : tensor<6xf32>
  %y, %nm, %nv = norm.batch_norm eval %x, %g, %b, %m, %v
      : tensor<4x6x7x7xf32>, params tensor<6xf32>, stats tensor<6xf32>
  return %y : tensor<4x6x7x7xf32>
}

func.func @group_norm(%x: tensor<2x16x6x6xf16>, %g: tensor<16xf16>,
                      %b: tensor<16xf16>) -> tensor<2x16x6x6xf16> {
  %y = norm.group_norm %x scale(%g : tensor<16xf16>) bias(%b : tensor<16xf16>)
         {num_groups = 4 : i64} : tensor<2x16x6x6xf16>
  return %y : tensor<2x16x6x6xf16>
}

func.func @weight_norm(%v: tensor<16x2x3x3xf32>, %g: tensor<16xf32>)
    -> tensor<16x2x3x3xf32> {
  %w = norm.weight_norm %v, %g {dim = 0 : i64} : tensor<16x2x3x3xf32>, tensor<16xf32>
  return %w : tensor<16x2x3x3xf32>
}

func.func @project_norm(%x: tensor<2x6x32xf32>, %w: tensor<32x64xf32>,
                        %pb: tensor<64xf32>, %g: tensor<16xf32>)
    -> tensor<2x6x64xf32> {
  %k = norm.project_norm rms %x, %w proj_bias(%pb : tensor<64xf32>) scale(%g : tensor<16xf32>)
         {head_dim = 16 : i64, epsilon = 1.0e-6 : f64}
         : tensor<2x6x32xf32>, tensor<32x64xf32> -> tensor<2x6x64xf32>
  return %k : tensor<2x6x64xf32>
}

func.func @norm_project(%x: tensor<5x24xf32>, %w: tensor<24x48xf32>,
                        %b: tensor<48xf32>) -> tensor<5x48xf32> {
  %y = norm.norm_project layer %x, %w bias(%b : tensor<48xf32>) {epsilon = 1.0e-5 : f64}
         : tensor<5x24xf32>, tensor<24x48xf32> -> tensor<5x48xf32>
  return %y : tensor<5x48xf32>
}

func.func @batch_stats_apply(%x: tensor<6x4x10xf32>, %g: tensor<4xf32>,
                             %b: tensor<4xf32>) -> tensor<6x4x10xf32> {
  %n, %mean, %m2 = norm.batch_stats %x : tensor<6x4x10xf32> -> tensor<4xf32>
  %var = arith.divf %m2, %n : tensor<4xf32>
  %y = norm.batch_norm_apply %x, %mean, %var scale(%g : tensor<4xf32>) bias(%b : tensor<4xf32>)
         : tensor<6x4x10xf32>, tensor<4xf32>
  return %y : tensor<6x4x10xf32>
}

func.func @pre_ln_block(%x: tensor<8x256xf32>, %g: tensor<256xf32>)
    -> tensor<8x256xf32> {
  %half = arith.constant dense<0.5> : tensor<8x256xf32>
  %h = norm.residual %x : tensor<8x256xf32> pre {
  ^bb0(%a: tensor<8x256xf32>):
    %n = norm.layer_norm %a scale(%g : tensor<256xf32>) : tensor<8x256xf32>
    norm.yield %n : tensor<8x256xf32>
  } body {
  ^bb0(%in: tensor<8x256xf32>):
    %v = arith.mulf %in, %half : tensor<8x256xf32>
    norm.yield %v : tensor<8x256xf32>
  }
  return %h : tensor<8x256xf32>
}

// Matmuls around the normalizers (the tiled contraction kernel of
// norm-gpu-offload): sizes that are not multiples of the 64x64 tile or of
// the K step, PyTorch's x @ W^T in bf16 with an f32 accumulator, a batch.
#lin_x = affine_map<(m, n, k) -> (m, k)>
#lin_w = affine_map<(m, n, k) -> (n, k)>
#lin_y = affine_map<(m, n, k) -> (m, n)>
func.func @rms_norm_linear_bf16(%x: tensor<67x40xbf16>, %g: tensor<40xbf16>,
                                %w: tensor<70x40xbf16>) -> tensor<67x70xf32> {
  %n = norm.rms_norm %x scale(%g : tensor<40xbf16>) : tensor<67x40xbf16>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<67x70xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<67x70xf32>) -> tensor<67x70xf32>
  %y = linalg.matmul indexing_maps = [#lin_x, #lin_w, #lin_y]
         ins(%n, %w : tensor<67x40xbf16>, tensor<70x40xbf16>)
         outs(%init : tensor<67x70xf32>) -> tensor<67x70xf32>
  return %y : tensor<67x70xf32>
}

func.func @batch_matmul(%a: tensor<2x33x48xf32>, %b: tensor<2x48x65xf32>)
    -> tensor<2x33x65xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x33x65xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x33x65xf32>) -> tensor<2x33x65xf32>
  %c = linalg.batch_matmul ins(%a, %b : tensor<2x33x48xf32>, tensor<2x48x65xf32>)
         outs(%init : tensor<2x33x65xf32>) -> tensor<2x33x65xf32>
  return %c : tensor<2x33x65xf32>
}
