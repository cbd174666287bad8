// linalg as front ends write it around normalizers, run against the
// float64 evaluation with the default pipeline, other vector widths and
// without row kernels: consumers that read a normalized row through a
// non-identity map (RoPE's rotate-half as one generic), and keepdim
// reductions into (0, d1, d2) (torch-mlir's batch-norm statistics).

// RUN: norm-run %s --entry=qk_norm_rope_bf16 --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=qk_norm_rope_bf16 --random-inputs --check --pipeline-options=vector-bits=256 | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=qk_norm_rope_bf16 --random-inputs --check --pipeline-options=tile=false | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=keepdim_batch_stats --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=keepdim_batch_stats --random-inputs --check --pipeline-options=vector-bits=128 | FileCheck %s --check-prefix=PASS

// RUN: norm-run %s --entry=gelu_erf_after_norm --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=gelu_erf_after_norm --random-inputs --check --pipeline-options=vector-bits=256 | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-lower-to-llvm-cpu=vector-bits=512 | FileCheck %s --check-prefix=ERFF
// The apply's vectorized erf has no LLVM intrinsic (found by the
// random-program tester: it was left unlowered): it is an inlined
// polynomial on the vector (norm-approximate-math), not a call per lane.
// ERFF-LABEL: llvm.func @gelu_erf_after_norm
// ERFF-NOT: llvm.call @erff
// ERFF-NOT: math.erf

// PASS: check: PASS

// LLaMA's per-head RMS QK-norm then RoPE on q [T, H, D] (bf16, D = 128):
// y = n * cos + rotate_half(n) * sin, rotate_half(n)[d] = -n[d + 64] for
// d < 64 and n[d - 64] otherwise, read through (d2 + 64) mod 128; computed
// in f32 and rounded once, so the result is within 1 ulp of float64.
func.func @qk_norm_rope_bf16(%q: tensor<8x4x128xbf16>, %g: tensor<128xbf16>,
                             %cos: tensor<8x128xbf16>, %sin: tensor<8x128xbf16>) -> tensor<8x4x128xbf16> {
  %n = norm.rms_norm %q scale(%g : tensor<128xbf16>) : tensor<8x4x128xbf16>
  %e = tensor.empty() : tensor<8x4x128xbf16>
  %y = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>,
                                        affine_map<(t, h, d) -> (t, h, (d + 64) mod 128)>,
                                        affine_map<(t, h, d) -> (t, d)>, affine_map<(t, h, d) -> (t, d)>,
                                        affine_map<(t, h, d) -> (t, h, d)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%n, %n, %cos, %sin : tensor<8x4x128xbf16>, tensor<8x4x128xbf16>, tensor<8x128xbf16>, tensor<8x128xbf16>)
      outs(%e : tensor<8x4x128xbf16>) {
  ^bb0(%a16: bf16, %r16: bf16, %c16: bf16, %s16: bf16, %o: bf16):
    %a = arith.extf %a16 : bf16 to f32
    %r = arith.extf %r16 : bf16 to f32
    %c = arith.extf %c16 : bf16 to f32
    %s = arith.extf %s16 : bf16 to f32
    %d = linalg.index 2 : index
    %half = arith.constant 64 : index
    %first = arith.cmpi ult, %d, %half : index
    %neg = arith.negf %r : f32
    %rot = arith.select %first, %neg, %r : f32
    %ac = arith.mulf %a, %c : f32
    %rs = arith.mulf %rot, %s : f32
    %sum = arith.addf %ac, %rs : f32
    %y = arith.truncf %sum : f32 to bf16
    linalg.yield %y : bf16
  } -> tensor<8x4x128xbf16>
  return %y : tensor<8x4x128xbf16>
}

// Batch-norm statistics over N of [N, C, L], kept as [1, C, L]: the sum
// and the centered sum of squares, each a reduction of d0 into a fill.
func.func @keepdim_batch_stats(%x: tensor<4x64x16xf32>) -> (tensor<1x64x16xf32>, tensor<1x64x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x64x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (0, d1, d2)>],
                         iterator_types = ["reduction", "parallel", "parallel"]}
      ins(%x : tensor<4x64x16xf32>) outs(%f : tensor<1x64x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<1x64x16xf32>
  %m2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (0, d1, d2)>,
                                         affine_map<(d0, d1, d2) -> (0, d1, d2)>],
                        iterator_types = ["reduction", "parallel", "parallel"]}
      ins(%x, %sum : tensor<4x64x16xf32>, tensor<1x64x16xf32>) outs(%f : tensor<1x64x16xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %n = arith.constant 4.0 : f32
    %mean = arith.divf %s, %n : f32
    %c = arith.subf %a, %mean : f32
    %sq = arith.mulf %c, %c : f32
    %acc = arith.addf %sq, %o : f32
    linalg.yield %acc : f32
  } -> tensor<1x64x16xf32>
  return %sum, %m2 : tensor<1x64x16xf32>, tensor<1x64x16xf32>
}

// An exact GELU (erf) of a normalized row, in the apply's vector loop.
func.func @gelu_erf_after_norm(%x: tensor<8x2x128xf32>, %g: tensor<128xf32>) -> tensor<8x2x128xf32> {
  %n = norm.rms_norm %x scale(%g : tensor<128xf32>) : tensor<8x2x128xf32>
  %e = tensor.empty() : tensor<8x2x128xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%n : tensor<8x2x128xf32>) outs(%e : tensor<8x2x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %half = arith.constant 0.5 : f32
    %one = arith.constant 1.0 : f32
    %rs2 = arith.constant 0.70710678 : f32
    %t = arith.mulf %in, %rs2 : f32
    %erf = math.erf %t : f32
    %p = arith.addf %erf, %one : f32
    %h = arith.mulf %in, %half : f32
    %r = arith.mulf %h, %p : f32
    linalg.yield %r : f32
  } -> tensor<8x2x128xf32>
  return %y : tensor<8x2x128xf32>
}
