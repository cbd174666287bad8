// The matmul forms that other front ends emit around normalizers, each run
// with the default pipeline (which folds and fuses), without the rewrite
// (--optimize=false) and with only it (--transform), against the float64
// evaluation of the program as written: nn.Linear weights [N, K] (indexing
// maps (m, k), (n, k), (m, n)), bf16 products accumulated in f32 and
// truncated, biases added by broadcasting generics. The FileCheck runs on
// norm-opt show that each rewrite fires here. f32 matmuls over K = 32 of
// N(0, 1) data move outputs near zero by a few 1e-6 when reassociated:
// hence --atol=1e-5 where a rewrite changes the summation.

// RUN: norm-run %s --entry=flashnorm_transposed_runtime --random-inputs --check --atol=1e-5 | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=flashnorm_transposed_runtime --random-inputs --check --atol=1e-5 --optimize=false --transform=norm-fold-into-projection | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=flashnorm_transposed_constant --random-inputs --check --atol=1e-5 | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=flashnorm_transposed_constant --random-inputs --check --atol=1e-5 --optimize=false --transform=norm-fold-into-projection | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-fold-into-projection | FileCheck %s --check-prefix=FLASH
// FLASH-LABEL: func.func @flashnorm_transposed_runtime
// FLASH:         norm.norm_project rms {{.*}}transpose_weight
// FLASH-LABEL: func.func @flashnorm_transposed_constant
// FLASH:         norm.norm_project layer {{.*}}transpose_weight

// RUN: norm-run %s --entry=qk_layer_norm_bf16 --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=qk_layer_norm_bf16 --random-inputs --check --optimize=false --transform=norm-fuse-qk | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=qk_rms_norm_gemma --random-inputs --check --atol=1e-5 | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=qk_rms_norm_gemma --random-inputs --check --atol=1e-5 --optimize=false --transform=norm-fuse-qk | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-fuse-qk | FileCheck %s --check-prefix=QK
// QK-LABEL: func.func @qk_layer_norm_bf16
// QK:         norm.project_norm layer {{.*}} bias({{.*}}transpose_weight
// QK-LABEL: func.func @qk_rms_norm_gemma
// QK:         norm.project_norm rms {{.*}}scale_offset = 1.000000e+00 : f64, transpose_weight

// RUN: norm-run %s --entry=bn_after_transposed_matmul --random-inputs --check --atol=1e-5 | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=bn_after_transposed_matmul --random-inputs --check --atol=1e-5 --optimize=false --transform=norm-fold-batch-norm | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=bn_after_matmul --random-inputs --check --atol=1e-5 --optimize=false --transform=norm-fold-batch-norm | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=bn_after_conv_nhwc --random-inputs --check --atol=1e-5 | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=bn_after_conv_nhwc --random-inputs --check --atol=1e-5 --optimize=false --transform=norm-fold-batch-norm | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-fold-batch-norm | FileCheck %s --check-prefix=BN
// BN-LABEL: func.func @bn_after_transposed_matmul
// BN-NOT:     norm.batch_norm
// BN-LABEL: func.func @bn_after_matmul
// BN-NOT:     norm.batch_norm
// BN-LABEL: func.func @bn_after_conv_nhwc
// BN-NOT:     norm.batch_norm

// bf16 FlashNorm: not folded by default (the unfused program rounds the
// normalized activations to bf16; the folded one does not), so the default
// pipeline keeps bf16's tolerance; folded on request, outputs of magnitude
// up to ~16 (N(0, 1) weights, K = 32) move by up to two of their ulps
// (0.0625 at 8 to 16), hence --atol=0.25 there.
// RUN: norm-run %s --entry=flashnorm_bf16 --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=flashnorm_bf16 --random-inputs --check --atol=0.25 --optimize=false --transform=norm-fold-into-projection{skip-narrow-rounding} | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-fold-into-projection | FileCheck %s --check-prefix=NARROW
// RUN: norm-opt %s --norm-fold-into-projection=skip-narrow-rounding | FileCheck %s --check-prefix=NARROWFOLD
// NARROW-LABEL: func.func @flashnorm_bf16
// NARROW:         norm.layer_norm
// NARROWFOLD-LABEL: func.func @flashnorm_bf16
// NARROWFOLD:         norm.norm_project layer

// PASS: check: PASS

// A bf16 layer norm with a bias into a bf16 nn.Linear weight, products
// accumulated in f32 and truncated.
func.func @flashnorm_bf16(%x: tensor<64x32xbf16>, %b: tensor<32xbf16>, %w: tensor<33x32xbf16>)
    -> tensor<64x33xbf16> {
  %n = norm.layer_norm %x bias(%b : tensor<32xbf16>) : tensor<64x32xbf16>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x33xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x33xf32>) -> tensor<64x33xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%n, %w : tensor<64x32xbf16>, tensor<33x32xbf16>) outs(%f : tensor<64x33xf32>) -> tensor<64x33xf32>
  %yb = arith.truncf %y : tensor<64x33xf32> to tensor<64x33xbf16>
  return %yb : tensor<64x33xbf16>
}

// RMS norm (Gemma's 1 + w) into a runtime nn.Linear weight [N, K].
func.func @flashnorm_transposed_runtime(%x: tensor<6x32xf32>, %g: tensor<32xf32>, %w: tensor<24x32xf32>)
    -> tensor<6x24xf32> {
  %n = norm.rms_norm %x scale(%g : tensor<32xf32>) {scale_offset = 1.0 : f64} : tensor<6x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6x24xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6x24xf32>) -> tensor<6x24xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%n, %w : tensor<6x32xf32>, tensor<24x32xf32>) outs(%f : tensor<6x24xf32>) -> tensor<6x24xf32>
  return %y : tensor<6x24xf32>
}

// Layer norm with constant scale and bias into a constant [N, K] weight
// (N = 3, K = 4): folded at compile time.
func.func @flashnorm_transposed_constant(%x: tensor<5x4xf32>) -> tensor<5x3xf32> {
  %g = arith.constant dense<[0.5, -1.0, 2.0, 0.25]> : tensor<4xf32>
  %b = arith.constant dense<[0.1, 0.2, -0.3, 0.4]> : tensor<4xf32>
  %w = arith.constant dense<[[1.0, 0.25, 2.0, -0.5], [-2.0, 1.5, 0.0, 1.0], [0.5, -1.0, 1.0, 3.0]]> : tensor<3x4xf32>
  %n = norm.layer_norm %x scale(%g : tensor<4xf32>) bias(%b : tensor<4xf32>) : tensor<5x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<5x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<5x3xf32>) -> tensor<5x3xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%n, %w : tensor<5x4xf32>, tensor<3x4xf32>) outs(%f : tensor<5x3xf32>) -> tensor<5x3xf32>
  return %y : tensor<5x3xf32>
}

// A bf16 Q projection as torch-mlir writes it: products accumulated in f32,
// truncated by a generic, a bias added by a broadcasting generic; then a
// per-head layer norm with scale and bias.
func.func @qk_layer_norm_bf16(%x: tensor<6x32xbf16>, %w: tensor<64x32xbf16>, %pb: tensor<64xbf16>,
                              %g: tensor<16xbf16>, %b: tensor<16xbf16>) -> tensor<6x4x16xbf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6x64xf32>) -> tensor<6x64xf32>
  %q = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<6x32xbf16>, tensor<64x32xbf16>) outs(%f : tensor<6x64xf32>) -> tensor<6x64xf32>
  %eb = tensor.empty() : tensor<6x64xbf16>
  %qt = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                        iterator_types = ["parallel", "parallel"]}
      ins(%q : tensor<6x64xf32>) outs(%eb : tensor<6x64xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %t = arith.truncf %in : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<6x64xbf16>
  %qb = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                        iterator_types = ["parallel", "parallel"]}
      ins(%qt, %pb : tensor<6x64xbf16>, tensor<64xbf16>) outs(%eb : tensor<6x64xbf16>) {
  ^bb0(%in: bf16, %bias: bf16, %out: bf16):
    %s = arith.addf %in, %bias : bf16
    linalg.yield %s : bf16
  } -> tensor<6x64xbf16>
  %q3 = tensor.expand_shape %qb [[0], [1, 2]] output_shape [6, 4, 16] : tensor<6x64xbf16> into tensor<6x4x16xbf16>
  %qn = norm.layer_norm %q3 scale(%g : tensor<16xbf16>) bias(%b : tensor<16xbf16>) : tensor<6x4x16xbf16>
  return %qn : tensor<6x4x16xbf16>
}

// An f32 K projection through an [N, K] weight with Gemma's 1 + w QK-norm.
func.func @qk_rms_norm_gemma(%x: tensor<6x32xf32>, %w: tensor<64x32xf32>, %g: tensor<16xf32>)
    -> tensor<6x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6x64xf32>) -> tensor<6x64xf32>
  %k = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<6x32xf32>, tensor<64x32xf32>) outs(%f : tensor<6x64xf32>) -> tensor<6x64xf32>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [6, 4, 16] : tensor<6x64xf32> into tensor<6x4x16xf32>
  %kn = norm.rms_norm %k3 scale(%g : tensor<16xf32>) {scale_offset = 1.0 : f64} : tensor<6x4x16xf32>
  return %kn : tensor<6x4x16xf32>
}

// An eval batch norm after x W^T (W [N = 3, K = 4]), distinct statistics
// per channel.
func.func @bn_after_transposed_matmul(%x: tensor<5x4xf32>) -> tensor<5x3xf32> {
  %w = arith.constant dense<[[1.0, 0.25, 2.0, -0.5], [-2.0, 1.5, 0.0, 1.0], [0.5, -1.0, 1.0, 3.0]]> : tensor<3x4xf32>
  %gamma = arith.constant dense<[1.5, 0.5, -1.0]> : tensor<3xf32>
  %beta = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %mean = arith.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %var = arith.constant dense<[1.0, 0.25, 4.0]> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<5x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<5x3xf32>) -> tensor<5x3xf32>
  %c = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<5x4xf32>, tensor<3x4xf32>) outs(%f : tensor<5x3xf32>) -> tensor<5x3xf32>
  %y, %m, %v = norm.batch_norm eval %c, %gamma, %beta, %mean, %var
      : tensor<5x3xf32>, params tensor<3xf32>, stats tensor<3xf32>
  return %y : tensor<5x3xf32>
}

// The same after x W (W [K = 4, N = 3]).
func.func @bn_after_matmul(%x: tensor<5x4xf32>) -> tensor<5x3xf32> {
  %w = arith.constant dense<[[1.0, 0.25, 2.0], [-0.5, -2.0, 1.5], [0.0, 1.0, 0.5], [-1.0, 1.0, 3.0]]> : tensor<4x3xf32>
  %gamma = arith.constant dense<[1.5, 0.5, -1.0]> : tensor<3xf32>
  %beta = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %mean = arith.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %var = arith.constant dense<[1.0, 0.25, 4.0]> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<5x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<5x3xf32>) -> tensor<5x3xf32>
  %c = linalg.matmul ins(%x, %w : tensor<5x4xf32>, tensor<4x3xf32>) outs(%f : tensor<5x3xf32>) -> tensor<5x3xf32>
  %y, %m, %v = norm.batch_norm eval %c, %gamma, %beta, %mean, %var
      : tensor<5x3xf32>, params tensor<3xf32>, stats tensor<3xf32>
  return %y : tensor<5x3xf32>
}

// NHWC convolution (HWCF weight) then an eval batch norm over dim 3.
func.func @bn_after_conv_nhwc(%x: tensor<2x5x5x2xf32>) -> tensor<2x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, 0.25, 2.0], [-0.5, -2.0, 1.5]], [[0.0, 1.0, 0.5], [-1.0, 1.0, 3.0]]],
                             [[[0.5, -0.25, 1.0], [1.5, 0.75, -1.0]], [[2.0, -1.0, 0.25], [0.125, 0.5, -0.5]]]]> : tensor<2x2x2x3xf32>
  %gamma = arith.constant dense<[1.5, 0.5, -1.0]> : tensor<3xf32>
  %beta = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %mean = arith.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %var = arith.constant dense<[1.0, 0.25, 4.0]> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x4x3xf32>) -> tensor<2x4x4x3xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<2x5x5x2xf32>, tensor<2x2x2x3xf32>)
                                outs(%f : tensor<2x4x4x3xf32>) -> tensor<2x4x4x3xf32>
  %y, %m, %v = norm.batch_norm eval %c, %gamma, %beta, %mean, %var {channel_axis = 3 : i64}
      : tensor<2x4x4x3xf32>, params tensor<3xf32>, stats tensor<3xf32>
  return %y : tensor<2x4x4x3xf32>
}
