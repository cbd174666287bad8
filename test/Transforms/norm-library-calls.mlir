// RUN: norm-opt %s --norm-library-calls --split-input-file | FileCheck %s

// A matmul into a buffer just filled with +0.0: the fill goes, the call
// overwrites (accumulate = 0). a [M, K] is (1, 1, M, K), b [K, N] is
// (1, 1, K, N): unit dims have stride 0.
// CHECK-LABEL: func.func @matmul_zero_filled
// CHECK-NOT:     linalg.fill
// CHECK:         %[[A:.*]], %{{.*}}, %[[AS:.*]]:2, %[[AT:.*]]:2 = memref.extract_strided_metadata %arg0
// CHECK:         %[[VA:.*]] = memref.reinterpret_cast %[[A]] to offset: [%{{.*}}], sizes: [%c1, %c1, %[[AS]]#0, %[[AS]]#1], strides: [%c0, %c0, %[[AT]]#0, %[[AT]]#1]
// CHECK:         %[[B:.*]], %{{.*}}, %[[BS:.*]]:2, %[[BT:.*]]:2 = memref.extract_strided_metadata %arg1
// CHECK:         memref.reinterpret_cast %[[B]] to offset: [%{{.*}}], sizes: [%c1{{.*}}, %c1{{.*}}, %[[BS]]#0, %[[BS]]#1], strides: [%c0{{.*}}, %c0{{.*}}, %[[BT]]#0, %[[BT]]#1]
// CHECK:         %[[ACC:.*]] = arith.constant 0 : i32
// CHECK:         call @norm_rt_matmul_f32_f32(%[[VA]], %{{.*}}, %{{.*}}, %[[ACC]])
// CHECK-NOT:     linalg.matmul
// CHECK:       func.func private @norm_rt_matmul_f32_f32(memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, i32) attributes {llvm.emit_c_interface}
func.func @matmul_zero_filled(%a: memref<8x16xf32>, %b: memref<16x4xf32>, %c: memref<8x4xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<8x4xf32>)
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  return
}

// -----

// nn.Linear's weight [N, K], read (n, k): b's view takes its dims swapped
// (K from dim 1, N from dim 0), a view and no copy. No fill: the call
// accumulates (linalg's semantics).
// CHECK-LABEL: func.func @matmul_transposed_b_accumulates
// CHECK:         %[[B:.*]], %{{.*}}, %[[BS:.*]]:2, %[[BT:.*]]:2 = memref.extract_strided_metadata %arg1
// CHECK:         memref.reinterpret_cast %[[B]] to offset: [%{{.*}}], sizes: [%{{.*}}, %{{.*}}, %[[BS]]#1, %[[BS]]#0], strides: [%{{.*}}, %{{.*}}, %[[BT]]#1, %[[BT]]#0]
// CHECK:         %[[ACC:.*]] = arith.constant 1 : i32
// CHECK:         call @norm_rt_matmul_bf16_f32({{.*}}, %[[ACC]])
func.func @matmul_transposed_b_accumulates(%a: memref<8x16xbf16>, %b: memref<4x16xbf16>, %c: memref<8x4xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                 affine_map<(m, n, k) -> (n, k)>,
                                 affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %b : memref<8x16xbf16>, memref<4x16xbf16>) outs(%c : memref<8x4xf32>)
  return
}

// -----

// A transposed a [K, M] (the backward pass's x^T dy).
// CHECK-LABEL: func.func @matmul_transposed_a
// CHECK:         %[[A:.*]], %{{.*}}, %[[AS:.*]]:2, %[[AT:.*]]:2 = memref.extract_strided_metadata %arg0
// CHECK:         memref.reinterpret_cast %[[A]] to offset: [%{{.*}}], sizes: [%{{.*}}, %{{.*}}, %[[AS]]#1, %[[AS]]#0], strides: [%{{.*}}, %{{.*}}, %[[AT]]#1, %[[AT]]#0]
// CHECK:         call @norm_rt_matmul_bf16_bf16
func.func @matmul_transposed_a(%a: memref<16x8xbf16>, %b: memref<16x4xbf16>, %c: memref<8x4xbf16>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                 affine_map<(m, n, k) -> (k, n)>,
                                 affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %b : memref<16x8xbf16>, memref<16x4xbf16>) outs(%c : memref<8x4xbf16>)
  return
}

// -----

// batch_matmul: the batch is B2 (B1 is a unit dim).
// CHECK-LABEL: func.func @batch_matmul
// CHECK:         %[[A:.*]], %{{.*}}, %[[AS:.*]]:3, %[[AT:.*]]:3 = memref.extract_strided_metadata %arg0
// CHECK:         memref.reinterpret_cast %[[A]] to offset: [%{{.*}}], sizes: [%{{.*}}, %[[AS]]#0, %[[AS]]#1, %[[AS]]#2], strides: [%{{.*}}, %[[AT]]#0, %[[AT]]#1, %[[AT]]#2]
// CHECK:         call @norm_rt_matmul_f32_f32
func.func @batch_matmul(%a: memref<3x8x16xf32>, %b: memref<3x16x4xf32>, %c: memref<3x8x4xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x8x16xf32>, memref<3x16x4xf32>) outs(%c : memref<3x8x4xf32>)
  return
}

// -----

// matvec: no n dim, b [K] is (1, 1, K, 1).
// CHECK-LABEL: func.func @matvec
// CHECK:         %[[X:.*]], %{{.*}}, %[[XS:.*]], %[[XT:.*]] = memref.extract_strided_metadata %arg1
// CHECK:         memref.reinterpret_cast %[[X]] to offset: [%{{.*}}], sizes: [%c1{{.*}}, %c1{{.*}}, %[[XS]], %c1{{.*}}], strides: [%c0{{.*}}, %c0{{.*}}, %[[XT]], %c0{{.*}}]
// CHECK:         call @norm_rt_matmul_f32_f32
func.func @matvec(%a: memref<8x16xf32>, %x: memref<16xf32>, %y: memref<8xf32>) {
  linalg.matvec ins(%a, %x : memref<8x16xf32>, memref<16xf32>) outs(%y : memref<8xf32>)
  return
}

// -----

// Attention scores as a generic over [B, H, T, D] x [B, H, S, D]: two batch
// dims, k^T a view.
// CHECK-LABEL: func.func @attention_scores_generic
// CHECK:         %[[K:.*]], %{{.*}}, %[[KS:.*]]:4, %[[KT:.*]]:4 = memref.extract_strided_metadata %arg1
// CHECK:         memref.reinterpret_cast %[[K]] to offset: [%{{.*}}], sizes: [%[[KS]]#0, %[[KS]]#1, %[[KS]]#3, %[[KS]]#2], strides: [%[[KT]]#0, %[[KT]]#1, %[[KT]]#3, %[[KT]]#2]
// CHECK:         call @norm_rt_matmul_bf16_f32
#q = affine_map<(b, h, t, s, d) -> (b, h, t, d)>
#k = affine_map<(b, h, t, s, d) -> (b, h, s, d)>
#o = affine_map<(b, h, t, s, d) -> (b, h, t, s)>
func.func @attention_scores_generic(%q: memref<2x4x8x16xbf16>, %k: memref<2x4x8x16xbf16>, %o: memref<2x4x8x8xf32>) {
  linalg.generic {indexing_maps = [#q, #k, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<2x4x8x16xbf16>, memref<2x4x8x16xbf16>) outs(%o : memref<2x4x8x8xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %ea = arith.extf %a : bf16 to f32
    %eb = arith.extf %b : bf16 to f32
    %p = arith.mulf %eb, %ea : f32
    %s = arith.addf %p, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// x [B, T, K] x W [K, N]: the outer m dim is a batch dim that W broadcasts.
// CHECK-LABEL: func.func @batched_rows_shared_weight
// CHECK:         %[[W:.*]], %{{.*}}, %[[WS:.*]]:2, %[[WT:.*]]:2 = memref.extract_strided_metadata %arg1
// CHECK:         memref.reinterpret_cast %[[W]] to offset: [%{{.*}}], sizes: [%c1{{.*}}, %c1{{.*}}, %[[WS]]#0, %[[WS]]#1], strides: [%c0{{.*}}, %c0{{.*}}, %[[WT]]#0, %[[WT]]#1]
// CHECK:         call @norm_rt_matmul_f32_f32
func.func @batched_rows_shared_weight(%x: memref<2x8x16xf32>, %w: memref<16x4xf32>, %y: memref<2x8x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, t, n, k) -> (b, t, k)>,
                                   affine_map<(b, t, n, k) -> (k, n)>,
                                   affine_map<(b, t, n, k) -> (b, t, n)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<2x8x16xf32>, memref<16x4xf32>) outs(%y : memref<2x8x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Convolutions: NCHW views of NHWC data and FCHW views of HWCF filters,
// strides and dilations passed.
// CHECK-LABEL: func.func @conv_nhwc_hwcf
// CHECK:         %[[I:.*]], %{{.*}}, %[[IS:.*]]:4, %[[IT:.*]]:4 = memref.extract_strided_metadata %arg0
// CHECK:         memref.reinterpret_cast %[[I]] to offset: [%{{.*}}], sizes: [%[[IS]]#0, %[[IS]]#3, %[[IS]]#1, %[[IS]]#2], strides: [%[[IT]]#0, %[[IT]]#3, %[[IT]]#1, %[[IT]]#2]
// CHECK:         %[[F:.*]], %{{.*}}, %[[FS:.*]]:4, %[[FT:.*]]:4 = memref.extract_strided_metadata %arg1
// CHECK:         memref.reinterpret_cast %[[F]] to offset: [%{{.*}}], sizes: [%[[FS]]#3, %[[FS]]#2, %[[FS]]#0, %[[FS]]#1], strides: [%[[FT]]#3, %[[FT]]#2, %[[FT]]#0, %[[FT]]#1]
// CHECK:         %[[SH:.*]] = arith.constant 2 : i64
// CHECK:         %[[SW:.*]] = arith.constant 1 : i64
// CHECK:         %[[DH:.*]] = arith.constant 1 : i64
// CHECK:         %[[DW:.*]] = arith.constant 3 : i64
// CHECK:         %[[PH:.*]] = arith.constant 0 : i64
// CHECK:         %[[PW:.*]] = arith.constant 0 : i64
// CHECK:         call @norm_rt_conv2d_f32_f32(%{{.*}}, %{{.*}}, %{{.*}}, %[[SH]], %[[SW]], %[[DH]], %[[DW]], %[[PH]], %[[PW]], %{{.*}})
// CHECK:       func.func private @norm_rt_conv2d_f32_f32({{.*}}, i64, i64, i64, i64, i64, i64, i32) attributes {llvm.emit_c_interface}
func.func @conv_nhwc_hwcf(%x: memref<1x9x12x3xf32>, %w: memref<3x3x3x8xf32>, %y: memref<1x4x6x8xf32>) {
  linalg.conv_2d_nhwc_hwcf {strides = dense<[2, 1]> : tensor<2xi64>, dilations = dense<[1, 3]> : tensor<2xi64>}
    ins(%x, %w : memref<1x9x12x3xf32>, memref<3x3x3x8xf32>) outs(%y : memref<1x4x6x8xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @conv_nchw_fchw
// CHECK:         call @norm_rt_conv2d_bf16_bf16
// CHECK-LABEL: func.func @conv_nhwc_fhwc
// CHECK:         %[[F:.*]], %{{.*}}, %[[FS:.*]]:4, %[[FT:.*]]:4 = memref.extract_strided_metadata %arg1
// CHECK:         memref.reinterpret_cast %[[F]] to offset: [%{{.*}}], sizes: [%[[FS]]#0, %[[FS]]#3, %[[FS]]#1, %[[FS]]#2], strides: [%[[FT]]#0, %[[FT]]#3, %[[FT]]#1, %[[FT]]#2]
// CHECK:         call @norm_rt_conv2d_f32_f32
func.func @conv_nchw_fchw(%x: memref<2x3x8x8xbf16>, %w: memref<4x3x3x3xbf16>, %y: memref<2x4x6x6xbf16>) {
  linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<2x3x8x8xbf16>, memref<4x3x3x3xbf16>) outs(%y : memref<2x4x6x6xbf16>)
  return
}
func.func @conv_nhwc_fhwc(%x: memref<2x8x8x3xf32>, %w: memref<4x3x3x3xf32>, %y: memref<2x6x6x4xf32>) {
  linalg.conv_2d_nhwc_fhwc {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<2x8x8x3xf32>, memref<4x3x3x3xf32>) outs(%y : memref<2x6x6x4xf32>)
  return
}

// -----

// A fill of another value, a fill with a store between it and the matmul,
// and a -0.0 fill: the call accumulates, the fills stay.
// CHECK-LABEL: func.func @fills_that_stay
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%arg2
// CHECK:         %[[ONE:.*]] = arith.constant 1 : i32
// CHECK:         call @norm_rt_matmul_f32_f32({{.*}}, %[[ONE]])
// CHECK:         linalg.fill
// CHECK:         memref.store
// CHECK:         call @norm_rt_matmul_f32_f32({{.*}}, %[[ONE]]{{.*}})
// CHECK:         linalg.fill
// CHECK:         call @norm_rt_matmul_f32_f32({{.*}}, %[[ONE]]{{.*}})
func.func @fills_that_stay(%a: memref<8x16xf32>, %b: memref<16x4xf32>, %c: memref<8x4xf32>, %v: f32) {
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  %negzero = arith.constant -0.0 : f32
  %i = arith.constant 0 : index
  linalg.fill ins(%one : f32) outs(%c : memref<8x4xf32>)
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  linalg.fill ins(%zero : f32) outs(%c : memref<8x4xf32>)
  memref.store %v, %c[%i, %i] : memref<8x4xf32>
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  linalg.fill ins(%negzero : f32) outs(%c : memref<8x4xf32>)
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  return
}

// -----

// Near-misses stay loops: f16, f64 and mixed inputs, a max-plus body, a body with a bias inside, a product
// squared, two reduction dims, a broadcast of a reduction dim (k in one
// input only), five parallel dims, a tensor.
// CHECK-LABEL: func.func @negative_types
// CHECK-NOT:     call
// CHECK-COUNT-3: linalg.matmul
// CHECK-NOT:     call
func.func @negative_types(%h: memref<8x16xf16>, %hb: memref<16x4xf16>, %hc: memref<8x4xf16>,
                          %d: memref<8x16xf64>, %db: memref<16x4xf64>, %dc: memref<8x4xf64>,
                          %f: memref<8x16xf32>, %bb: memref<16x4xbf16>, %fc: memref<8x4xf32>) {
  linalg.matmul ins(%h, %hb : memref<8x16xf16>, memref<16x4xf16>) outs(%hc : memref<8x4xf16>)
  linalg.matmul ins(%d, %db : memref<8x16xf64>, memref<16x4xf64>) outs(%dc : memref<8x4xf64>)
  linalg.matmul ins(%f, %bb : memref<8x16xf32>, memref<16x4xbf16>) outs(%fc : memref<8x4xf32>)
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @negative_bodies
// CHECK-NOT:     call
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT:     call
func.func @negative_bodies(%a: memref<8x16xf32>, %b: memref<16x4xf32>, %c: memref<8x4xf32>, %bias: f32) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.addf %x, %y : f32
    %s = arith.maximumf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.addf %p, %bias : f32
    %s = arith.addf %acc, %q : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %x : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @negative_dims
// CHECK-NOT:     call
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT:     call
func.func @negative_dims(%a: memref<8x4x16xf32>, %b: memref<4x16x2xf32>, %c: memref<8x2xf32>,
                         %a2: memref<8x16xf32>, %b2: memref<4xf32>, %c2: memref<8x4xf32>,
                         %a5: memref<2x2x2x2x8x16xf32>, %b5: memref<16x4xf32>, %c5: memref<2x2x2x2x8x4xf32>) {
  // Two reduction dims.
  linalg.generic {indexing_maps = [affine_map<(m, n, k, l) -> (m, k, l)>,
                                   affine_map<(m, n, k, l) -> (k, l, n)>,
                                   affine_map<(m, n, k, l) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%a, %b : memref<8x4x16xf32>, memref<4x16x2xf32>) outs(%c : memref<8x2xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  // k read by a only (a row sum times a broadcast vector).
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                   affine_map<(m, n, k) -> (n)>,
                                   affine_map<(m, n, k) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a2, %b2 : memref<8x16xf32>, memref<4xf32>) outs(%c2 : memref<8x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  // Three batch dims besides m and n.
  linalg.generic {indexing_maps = [affine_map<(p, q, r, s, m, n, k) -> (p, q, r, s, m, k)>,
                                   affine_map<(p, q, r, s, m, n, k) -> (k, n)>,
                                   affine_map<(p, q, r, s, m, n, k) -> (p, q, r, s, m, n)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%a5, %b5 : memref<2x2x2x2x8x16xf32>, memref<16x4xf32>) outs(%c5 : memref<2x2x2x2x8x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// On tensors (before bufferization) nothing happens.
// CHECK-LABEL: func.func @negative_tensors
// CHECK:         linalg.matmul
// CHECK-NOT:     call
func.func @negative_tensors(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>, %c: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x4xf32>) outs(%c : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %r : tensor<8x4xf32>
}


// -----

// tensor.pad of the input, bufferized: a zero-filled allocation (a linalg.map
// yielding +0.0) with the input copied into its middle. The convolution
// reads the unpadded input and pads it itself (2 rows and 1 column before);
// the fill, copy and allocation go.
// CHECK-LABEL: func.func @conv_padded_input
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     linalg.map
// CHECK-NOT:     memref.copy
// CHECK:         %[[X:.*]], %{{.*}}, %[[XS:.*]]:4, %[[XT:.*]]:4 = memref.extract_strided_metadata %arg0
// CHECK:         %[[PH:.*]] = arith.constant 2 : i64
// CHECK:         %[[PW:.*]] = arith.constant 1 : i64
// CHECK:         call @norm_rt_conv2d_f32_f32(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[PH]], %[[PW]], %{{.*}})
func.func @conv_padded_input(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %y: memref<1x4x10x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x3x12x10xf32>
  linalg.map outs(%p : memref<1x3x12x10xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %s = memref.subview %p[0, 0, 2, 1] [1, 3, 8, 8] [1, 1, 1, 1] : memref<1x3x12x10xf32> to memref<1x3x8x8xf32, strided<[360, 120, 10, 1], offset: 21>>
  memref.copy %x, %s : memref<1x3x8x8xf32> to memref<1x3x8x8xf32, strided<[360, 120, 10, 1], offset: 21>>
  linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
    ins(%p, %w : memref<1x3x12x10xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x10x8xf32>)
  return
}

// -----

// Near-misses of the padded input: the padded buffer read by another op, a
// padding of another value, and the input written between the copy and
// the convolution: the padded buffer is what the convolution reads.
// CHECK-LABEL: func.func @negative_padded_inputs
// CHECK-COUNT-3: memref.copy %arg0
// CHECK-NOT:     memref.extract_strided_metadata %arg0
// CHECK:         return
func.func @negative_padded_inputs(%x: memref<1x3x8x8xf32>, %w: memref<4x3x3x3xf32>, %y: memref<1x4x8x8xf32>, %r: memref<1x3x10x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %i = arith.constant 0 : index
  %p = memref.alloc() : memref<1x3x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x3x10x10xf32>)
  %s = memref.subview %p[0, 0, 1, 1] [1, 3, 8, 8] [1, 1, 1, 1] : memref<1x3x10x10xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  memref.copy %x, %s : memref<1x3x8x8xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
    ins(%p, %w : memref<1x3x10x10xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x8x8xf32>)
  memref.copy %p, %r : memref<1x3x10x10xf32> to memref<1x3x10x10xf32>
  %q = memref.alloc() : memref<1x3x10x10xf32>
  linalg.fill ins(%one : f32) outs(%q : memref<1x3x10x10xf32>)
  %t = memref.subview %q[0, 0, 1, 1] [1, 3, 8, 8] [1, 1, 1, 1] : memref<1x3x10x10xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  memref.copy %x, %t : memref<1x3x8x8xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
    ins(%q, %w : memref<1x3x10x10xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x8x8xf32>)
  %u = memref.alloc() : memref<1x3x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%u : memref<1x3x10x10xf32>)
  %v = memref.subview %u[0, 0, 1, 1] [1, 3, 8, 8] [1, 1, 1, 1] : memref<1x3x10x10xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  memref.copy %x, %v : memref<1x3x8x8xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  memref.store %one, %x[%i, %i, %i, %i] : memref<1x3x8x8xf32>
  linalg.conv_2d_nchw_fchw {strides = dense<1> : tensor<2xi64>, dilations = dense<1> : tensor<2xi64>}
    ins(%u, %w : memref<1x3x10x10xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x8x8xf32>)
  return
}

// -----

// A zero fill shared by two matmuls, as bufferization leaves it: the first
// init is a copy of the zeros (the copy goes), the second the zeros
// themselves (then nothing reads them first: the fill goes too). Both
// overwrite: the first call does not write the second's init.
// CHECK-LABEL: func.func @shared_zero_fill
// CHECK-NOT:     linalg.fill
// CHECK-NOT:     memref.copy
// CHECK:         %[[Z:.*]] = arith.constant 0 : i32
// CHECK:         call @norm_rt_matmul_f32_f32({{.*}}, %[[Z]])
// CHECK:         %[[Z2:.*]] = arith.constant 0 : i32
// CHECK:         call @norm_rt_matmul_f32_f32({{.*}}, %[[Z2]])
func.func @shared_zero_fill(%a: memref<8x16xf32>, %b: memref<16x4xf32>) -> (memref<8x4xf32>, memref<8x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %f = memref.alloc() : memref<8x4xf32>
  linalg.fill ins(%zero : f32) outs(%f : memref<8x4xf32>)
  %c = memref.alloc() : memref<8x4xf32>
  memref.copy %f, %c : memref<8x4xf32> to memref<8x4xf32>
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%f : memref<8x4xf32>)
  return %c, %f : memref<8x4xf32>, memref<8x4xf32>
}

// -----

// The first matmul writes the buffer whose zeros the second would read:
// the second accumulates.
// CHECK-LABEL: func.func @negative_zeros_overwritten
// CHECK:         %[[Z:.*]] = arith.constant 0 : i32
// CHECK:         call @norm_rt_matmul_f32_f32({{.*}}, %[[Z]])
// CHECK:         %[[ONE:.*]] = arith.constant 1 : i32
// CHECK:         call @norm_rt_matmul_f32_f32({{.*}}, %[[ONE]])
func.func @negative_zeros_overwritten(%a: memref<8x16xf32>, %b: memref<16x4xf32>) -> memref<8x4xf32> {
  %zero = arith.constant 0.0 : f32
  %f = memref.alloc() : memref<8x4xf32>
  linalg.fill ins(%zero : f32) outs(%f : memref<8x4xf32>)
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%f : memref<8x4xf32>)
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%f : memref<8x4xf32>)
  return %f : memref<8x4xf32>
}
