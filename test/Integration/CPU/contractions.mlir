// Every matmul and convolution form that norm-library-calls hands to oneDNN
// (the default, contractions=library), run against the float64 evaluation
// of the program: transposed operands as strided views, batch dims broadcast
// by one input, matvec and dot (unit dims), bf16 inputs accumulated in f32
// (a bf16 result rounded once: 1 ulp of the correctly rounded product),
// accumulation into an init that is not zero-filled, convolutions in NCHW
// and NHWC with strides and dilations, and the same programs as loops
// (contractions=loops). The FileCheck run on norm-opt shows that each call
// is made.

// RUN: norm-opt %s --norm-lower-to-llvm-cpu=verify-lowered=false | FileCheck %s --check-prefix=CALLS
// CALLS-COUNT-12: call @norm_rt_{{(matmul|conv2d)}}_
// CALLS-NOT:      call @norm_rt_{{(matmul|conv2d)}}_

// RUN: norm-run %s --entry=linear_transposed --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=linear_transposed --random-inputs --check --pipeline-options=contractions=loops | FileCheck %s
// RUN: norm-run %s --entry=transposed_a_accumulate --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=batch_matmul_broadcast --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=matvec_and_dot --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=attention_bf16 --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=attention_bf16 --random-inputs --check --pipeline-options=contractions=loops | FileCheck %s
// RUN: norm-run %s --entry=bf16_rounded_once --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=conv_nchw_strided --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=conv_nhwc_dilated --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=conv_nhwc_fhwc_bf16 --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=empty_k --random-inputs --check | FileCheck %s
// CHECK: check: PASS

// nn.Linear: x [M, K] times W [N, K] transposed, zero-filled.
func.func @linear_transposed(%x: tensor<33x70xf32>, %w: tensor<20x70xf32>) -> tensor<33x20xf32> {
  %e = tensor.empty() : tensor<33x20xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<33x20xf32>) -> tensor<33x20xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
    ins(%x, %w : tensor<33x70xf32>, tensor<20x70xf32>) outs(%f : tensor<33x20xf32>) -> tensor<33x20xf32>
  return %y : tensor<33x20xf32>
}

// x^T dy (a weight gradient) added to an existing gradient.
func.func @transposed_a_accumulate(%x: tensor<64x12xf32>, %dy: tensor<64x10xf32>, %g: tensor<12x10xf32>) -> tensor<12x10xf32> {
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                      affine_map<(m, n, k) -> (k, n)>,
                                      affine_map<(m, n, k) -> (m, n)>]
    ins(%x, %dy : tensor<64x12xf32>, tensor<64x10xf32>) outs(%g : tensor<12x10xf32>) -> tensor<12x10xf32>
  return %y : tensor<12x10xf32>
}

// [B, T, K] x [K, N] as a generic (the weight broadcast over the batch),
// then a batch_matmul.
func.func @batch_matmul_broadcast(%x: tensor<3x9x16xf32>, %w: tensor<16x8xf32>, %v: tensor<3x8x5xf32>) -> tensor<3x9x5xf32> {
  %e = tensor.empty() : tensor<3x9x8xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<3x9x8xf32>) -> tensor<3x9x8xf32>
  %h = linalg.generic {indexing_maps = [affine_map<(b, t, n, k) -> (b, t, k)>,
                                        affine_map<(b, t, n, k) -> (k, n)>,
                                        affine_map<(b, t, n, k) -> (b, t, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<3x9x16xf32>, tensor<16x8xf32>) outs(%f : tensor<3x9x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x9x8xf32>
  %e2 = tensor.empty() : tensor<3x9x5xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<3x9x5xf32>) -> tensor<3x9x5xf32>
  %y = linalg.batch_matmul ins(%h, %v : tensor<3x9x8xf32>, tensor<3x8x5xf32>) outs(%f2 : tensor<3x9x5xf32>) -> tensor<3x9x5xf32>
  return %y : tensor<3x9x5xf32>
}

// A matvec, then the dot of its result with itself.
func.func @matvec_and_dot(%a: tensor<24x40xf32>, %x: tensor<40xf32>) -> (tensor<24xf32>, tensor<f32>) {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<24xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<24xf32>) -> tensor<24xf32>
  %y = linalg.matvec ins(%a, %x : tensor<24x40xf32>, tensor<40xf32>) outs(%f : tensor<24xf32>) -> tensor<24xf32>
  %e0 = tensor.empty() : tensor<f32>
  %f0 = linalg.fill ins(%z : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %d = linalg.dot ins(%y, %y : tensor<24xf32>, tensor<24xf32>) outs(%f0 : tensor<f32>) -> tensor<f32>
  return %y, %d : tensor<24xf32>, tensor<f32>
}

// q k^T over [B, H, T, D] in bf16, accumulated in f32: two batch dims.
func.func @attention_bf16(%q: tensor<2x3x7x32xbf16>, %k: tensor<2x3x5x32xbf16>) -> tensor<2x3x7x5xf32> {
  %e = tensor.empty() : tensor<2x3x7x5xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3x7x5xf32>) -> tensor<2x3x7x5xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(b, h, t, s, d) -> (b, h, t, d)>,
                                        affine_map<(b, h, t, s, d) -> (b, h, s, d)>,
                                        affine_map<(b, h, t, s, d) -> (b, h, t, s)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : tensor<2x3x7x32xbf16>, tensor<2x3x5x32xbf16>) outs(%f : tensor<2x3x7x5xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %ea = arith.extf %a : bf16 to f32
    %eb = arith.extf %b : bf16 to f32
    %p = arith.mulf %ea, %eb : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x3x7x5xf32>
  return %s : tensor<2x3x7x5xf32>
}

// A bf16 result: accumulated in f32, rounded once at the end.
func.func @bf16_rounded_once(%x: tensor<16x256xbf16>, %w: tensor<256x24xbf16>) -> tensor<16x24xbf16> {
  %e = tensor.empty() : tensor<16x24xbf16>
  %z = arith.constant 0.0 : bf16
  %f = linalg.fill ins(%z : bf16) outs(%e : tensor<16x24xbf16>) -> tensor<16x24xbf16>
  %y = linalg.matmul ins(%x, %w : tensor<16x256xbf16>, tensor<256x24xbf16>) outs(%f : tensor<16x24xbf16>) -> tensor<16x24xbf16>
  return %y : tensor<16x24xbf16>
}

func.func @conv_nchw_strided(%x: tensor<2x5x11x11xf32>, %w: tensor<6x5x3x3xf32>) -> tensor<2x6x5x5xf32> {
  %e = tensor.empty() : tensor<2x6x5x5xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x6x5x5xf32>) -> tensor<2x6x5x5xf32>
  %y = linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<2x5x11x11xf32>, tensor<6x5x3x3xf32>) outs(%f : tensor<2x6x5x5xf32>) -> tensor<2x6x5x5xf32>
  return %y : tensor<2x6x5x5xf32>
}

// Dilated, and accumulated into a bias already in the output.
func.func @conv_nhwc_dilated(%x: tensor<1x10x9x4xf32>, %w: tensor<3x2x4x7xf32>, %b: tensor<1x6x7x7xf32>) -> tensor<1x6x7x7xf32> {
  %y = linalg.conv_2d_nhwc_hwcf {strides = dense<1> : tensor<2xi64>, dilations = dense<[2, 2]> : tensor<2xi64>}
    ins(%x, %w : tensor<1x10x9x4xf32>, tensor<3x2x4x7xf32>) outs(%b : tensor<1x6x7x7xf32>) -> tensor<1x6x7x7xf32>
  return %y : tensor<1x6x7x7xf32>
}

func.func @conv_nhwc_fhwc_bf16(%x: tensor<2x6x6x8xbf16>, %w: tensor<4x3x3x8xbf16>) -> tensor<2x4x4x4xf32> {
  %e = tensor.empty() : tensor<2x4x4x4xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %y = linalg.conv_2d_nhwc_fhwc {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<2x6x6x8xbf16>, tensor<4x3x3x8xbf16>) outs(%f : tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  return %y : tensor<2x4x4x4xf32>
}

// K = 0: the result is the init (here an argument), unchanged.
func.func @empty_k(%x: tensor<4x0xf32>, %w: tensor<0x3xf32>, %c: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<4x0xf32>, tensor<0x3xf32>) outs(%c : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}
