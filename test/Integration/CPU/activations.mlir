// The rest of a block around the normalizers: exact GELU (erf), SiLU and
// linalg.softmax, in f32 and bf16, and exp, tanh and erf over a wide range
// of arguments, against the float64 evaluation. exp, tanh and erf are
// inlined polynomials (norm-approximate-math): no libm call is left. A
// softmax in the module no longer breaks the lowering of its other entries.

// RUN: norm-opt %s --norm-lower-to-llvm-cpu | FileCheck %s --check-prefix=NOLIBM
// NOLIBM-NOT: llvm.call @{{(erff|expf|tanhf|expm1f)}}
// NOLIBM:     llvm.func @ln_gelu
// NOLIBM-NOT: llvm.call @{{(erff|expf|tanhf|expm1f)}}
// With approximate-math=false, libm.
// RUN: norm-opt %s --norm-lower-to-llvm-cpu=approximate-math=false | FileCheck %s --check-prefix=LIBM
// LIBM: llvm.call @erff

// RUN: norm-run %s --entry=ln_gelu --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=gn_silu --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=softmax --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=wide_range --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=wide_range --random-inputs --seed=5 --check | FileCheck %s
// RUN: norm-run %s --entry=rms_silu_bf16 --random-inputs --check | FileCheck %s
// RUN: norm-run %s --entry=softmax_bf16 --random-inputs --check | FileCheck %s
// CHECK: check: PASS

func.func @ln_gelu(%x: tensor<256x1024xf32>, %g: tensor<1024xf32>) -> tensor<256x1024xf32> {
  %n = norm.layer_norm %x scale(%g : tensor<1024xf32>) : tensor<256x1024xf32>
  %e = tensor.empty() : tensor<256x1024xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%n : tensor<256x1024xf32>) outs(%e : tensor<256x1024xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 0.70710678 : f32
    %h = arith.constant 0.5 : f32
    %one = arith.constant 1.0 : f32
    %s = arith.mulf %a, %c : f32
    %r = math.erf %s : f32
    %p = arith.addf %r, %one : f32
    %q = arith.mulf %a, %p : f32
    %y = arith.mulf %q, %h : f32
    linalg.yield %y : f32
  } -> tensor<256x1024xf32>
  return %y : tensor<256x1024xf32>
}
func.func @gn_silu(%x: tensor<8x64x32x32xf32>, %g: tensor<64xf32>) -> tensor<8x64x32x32xf32> {
  %n = norm.group_norm %x scale(%g : tensor<64xf32>) {num_groups = 32} : tensor<8x64x32x32xf32>
  %e = tensor.empty() : tensor<8x64x32x32xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(a,b,c,d) -> (a,b,c,d)>, affine_map<(a,b,c,d) -> (a,b,c,d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%n : tensor<8x64x32x32xf32>) outs(%e : tensor<8x64x32x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %na = arith.negf %a : f32
    %ex = math.exp %na : f32
    %d = arith.addf %ex, %one : f32
    %y = arith.divf %a, %d : f32
    linalg.yield %y : f32
  } -> tensor<8x64x32x32xf32>
  return %y : tensor<8x64x32x32xf32>
}
func.func @softmax(%x: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<64x128xf32>
  %y = linalg.softmax dimension(1) ins(%x : tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}

// exp(8x), tanh(4x) and erf(3x) of N(0, 1) data: arguments to about +-40.
func.func @wide_range(%x: tensor<64x256xf32>) -> (tensor<64x256xf32>, tensor<64x256xf32>, tensor<64x256xf32>) {
  %e = tensor.empty() : tensor<64x256xf32>
  %y:3 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<64x256xf32>) outs(%e, %e, %e : tensor<64x256xf32>, tensor<64x256xf32>, tensor<64x256xf32>) {
  ^bb0(%a: f32, %o0: f32, %o1: f32, %o2: f32):
    %c8 = arith.constant 8.0 : f32
    %c4 = arith.constant 4.0 : f32
    %c3 = arith.constant 3.0 : f32
    %a8 = arith.mulf %a, %c8 : f32
    %a4 = arith.mulf %a, %c4 : f32
    %a3 = arith.mulf %a, %c3 : f32
    %p = math.exp %a8 : f32
    %t = math.tanh %a4 : f32
    %r = math.erf %a3 : f32
    linalg.yield %p, %t, %r : f32, f32, f32
  } -> (tensor<64x256xf32>, tensor<64x256xf32>, tensor<64x256xf32>)
  return %y#0, %y#1, %y#2 : tensor<64x256xf32>, tensor<64x256xf32>, tensor<64x256xf32>
}

// LLaMA's MLP input in bf16: RMSNorm, then SiLU computed in bf16.
func.func @rms_silu_bf16(%x: tensor<32x512xbf16>, %g: tensor<512xbf16>) -> tensor<32x512xbf16> {
  %n = norm.rms_norm %x scale(%g : tensor<512xbf16>) : tensor<32x512xbf16>
  %e = tensor.empty() : tensor<32x512xbf16>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%n : tensor<32x512xbf16>) outs(%e : tensor<32x512xbf16>) {
  ^bb0(%a: bf16, %o: bf16):
    %one = arith.constant 1.0 : bf16
    %na = arith.negf %a : bf16
    %ex = math.exp %na : bf16
    %d = arith.addf %ex, %one : bf16
    %s = arith.divf %a, %d : bf16
    linalg.yield %s : bf16
  } -> tensor<32x512xbf16>
  return %y : tensor<32x512xbf16>
}

func.func @softmax_bf16(%x: tensor<4x8x64xbf16>) -> tensor<4x8x64xbf16> {
  %e = tensor.empty() : tensor<4x8x64xbf16>
  %y = linalg.softmax dimension(2) ins(%x : tensor<4x8x64xbf16>) outs(%e : tensor<4x8x64xbf16>) -> tensor<4x8x64xbf16>
  return %y : tensor<4x8x64xbf16>
}
