// RUN: norm-opt %s --norm-raise --split-input-file | FileCheck %s
// RUN: norm-opt %s --norm-raise=report=true --split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=WHY
// RUN: norm-opt %s --norm-raise=enable=false --split-input-file | FileCheck %s --check-prefix=OFF

// The forms front ends write, each raised with the attributes read from the
// IR, and the near-misses (negative_*), each left alone with the reason.
// OFF-NOT: norm.

#id = affine_map<(d0, d1) -> (d0, d1)>
#keep = affine_map<(d0, d1) -> (d0, 0)>
#col = affine_map<(d0, d1) -> (d1)>

// torch-mlir's native_layer_norm decomposition lowered to linalg: keepdim
// reductions into (d0, 0), an f64 count and epsilon truncated in the body,
// pow(x, 2) as math.fpowi, the affine in the last generic.
// CHECK-LABEL: func.func @torch_layer_norm
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x8xf32>, %[[W:[^:]*]]: tensor<8xf32>, %[[B:[^:]*]]: tensor<8xf32>
// CHECK-NEXT:    %[[Y:.*]] = norm.layer_norm %[[X]] scale(%[[W]] : tensor<8xf32>) bias(%[[B]] : tensor<8xf32>) {axis = 1 : i64, epsilon = 9.9999997473787516E-6 : f64} : tensor<4x8xf32>
// CHECK-NEXT:    return %[[Y]]
// WHY: remark: norm-raise: raised to norm.layer_norm
func.func @torch_layer_norm(%x: tensor<4x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %cst0 = arith.constant 0.000000e+00 : f32
  %n = arith.constant 8.000000e+00 : f64
  %eps = arith.constant 1.000000e-05 : f64
  %e1 = tensor.empty() : tensor<4x1xf32>
  %fill = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %sum = linalg.generic {indexing_maps = [#id, #keep], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%fill : tensor<4x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4x1xf32>
  %mean = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%sum : tensor<4x1xf32>) outs(%e1 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %t = arith.truncf %n : f64 to f32
    %d = arith.divf %in, %t : f32
    linalg.yield %d : f32
  } -> tensor<4x1xf32>
  %e2 = tensor.empty() : tensor<4x8xf32>
  %xm = linalg.generic {indexing_maps = [#id, #keep, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %mean : tensor<4x8xf32>, tensor<4x1xf32>) outs(%e2 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %s = arith.subf %a, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%xm : tensor<4x8xf32>) outs(%e2 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c2 = arith.constant 2 : i64
    %p = math.fpowi %a, %c2 : f32, i64
    linalg.yield %p : f32
  } -> tensor<4x8xf32>
  %vsum = linalg.generic {indexing_maps = [#id, #keep], iterator_types = ["parallel", "reduction"]} ins(%sq : tensor<4x8xf32>) outs(%fill : tensor<4x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4x1xf32>
  %rstd = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%vsum : tensor<4x1xf32>) outs(%e1 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %t = arith.truncf %n : f64 to f32
    %v = arith.divf %in, %t : f32
    %te = arith.truncf %eps : f64 to f32
    %ve = arith.addf %v, %te : f32
    %r = math.rsqrt %ve : f32
    linalg.yield %r : f32
  } -> tensor<4x1xf32>
  %y = linalg.generic {indexing_maps = [#id, #keep, #col, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%xm, %rstd, %w, %b : tensor<4x8xf32>, tensor<4x1xf32>, tensor<8xf32>, tensor<8xf32>) outs(%e2 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %r: f32, %g: f32, %bb: f32, %o: f32):
    %n1 = arith.mulf %a, %r : f32
    %n2 = arith.mulf %n1, %g : f32
    %n3 = arith.addf %n2, %bb : f32
    linalg.yield %n3 : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Named ops on tensors: sum * (1/N) with a splat reciprocal, 1 / sqrt, no
// affine.
// CHECK-LABEL: func.func @named_layer_norm
// CHECK-NEXT:    %[[Y:.*]] = norm.layer_norm %{{.*}} {axis = 1 : i64, epsilon = 9.9999999747524271E-7 : f64} : tensor<4x8xf32>
// CHECK-NEXT:    return %[[Y]]
// WHY: remark: norm-raise: raised to norm.layer_norm
func.func @named_layer_norm(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %inv = arith.constant dense<0.125> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-6> : tensor<4xf32>
  %one = arith.constant dense<1.0> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.mulf %s, %inv : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %xm, %xm : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.mulf %vs, %inv : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %sd = math.sqrt %ve : tensor<4xf32>
  %r = arith.divf %one, %sd : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#keep3 = affine_map<(d0, d1, d2) -> (d0, 0, 0)>
#norm3 = affine_map<(d0, d1, d2) -> (d1, d2)>

// Over the last two dims (axis 1), divided by sqrt(var + eps), with a
// [4, 8] scale and bias.
// CHECK-LABEL: func.func @two_dims_divide
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4x8xf32>, %[[W:[^:]*]]: tensor<4x8xf32>, %[[B:[^:]*]]: tensor<4x8xf32>
// CHECK-NEXT:    norm.layer_norm %[[X]] scale(%[[W]] : tensor<4x8xf32>) bias(%[[B]] : tensor<4x8xf32>) {axis = 1 : i64, epsilon = 0.0010000000474974513 : f64} : tensor<2x4x8xf32>
func.func @two_dims_divide(%x: tensor<2x4x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<2x4x8xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 32.0 : f32
  %eps = arith.constant 1.0e-3 : f32
  %e1 = tensor.empty() : tensor<2x1x1xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %e = tensor.empty() : tensor<2x4x8xf32>
  %s = linalg.generic {indexing_maps = [#id3, #keep3], iterator_types = ["parallel", "reduction", "reduction"]} ins(%x : tensor<2x4x8xf32>) outs(%f1 : tensor<2x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %acc, %in : f32
    linalg.yield %a : f32
  } -> tensor<2x1x1xf32>
  %xm = linalg.generic {indexing_maps = [#id3, #keep3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %s : tensor<2x4x8xf32>, tensor<2x1x1xf32>) outs(%e : tensor<2x4x8xf32>) {
  ^bb0(%a: f32, %sum: f32, %o: f32):
    %m = arith.divf %sum, %n : f32
    %d = arith.subf %a, %m : f32
    linalg.yield %d : f32
  } -> tensor<2x4x8xf32>
  %vs = linalg.generic {indexing_maps = [#id3, #keep3], iterator_types = ["parallel", "reduction", "reduction"]} ins(%xm : tensor<2x4x8xf32>) outs(%f1 : tensor<2x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %q = arith.mulf %in, %in : f32
    %a = arith.addf %acc, %q : f32
    linalg.yield %a : f32
  } -> tensor<2x1x1xf32>
  %y = linalg.generic {indexing_maps = [#id3, #keep3, #norm3, #norm3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%xm, %vs, %w, %b : tensor<2x4x8xf32>, tensor<2x1x1xf32>, tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<2x4x8xf32>) {
  ^bb0(%a: f32, %v: f32, %g: f32, %bb: f32, %o: f32):
    %var = arith.divf %v, %n : f32
    %ve = arith.addf %var, %eps : f32
    %sd = math.sqrt %ve : f32
    %nn = arith.divf %a, %sd : f32
    %sc = arith.mulf %g, %nn : f32
    %r = arith.addf %bb, %sc : f32
    linalg.yield %r : f32
  } -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// Flax: var = max(0, E[x^2] - E[x]^2), the scale folded into rstd. Raised
// to the stable (centered) layer norm.
// CHECK-LABEL: func.func @flax_layer_norm
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x8xf32>, %[[W:[^:]*]]: tensor<8xf32>, %[[B:[^:]*]]: tensor<8xf32>
// CHECK-NEXT:    norm.layer_norm %[[X]] scale(%[[W]] : tensor<8xf32>) bias(%[[B]] : tensor<8xf32>) {axis = 1 : i64, epsilon = 9.9999999747524271E-7 : f64}
// WHY: remark: norm-raise: raised to norm.layer_norm; the variance E[x^2] - E[x]^2 is computed centered
func.func @flax_layer_norm(%x: tensor<4x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 8.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %acc, %in : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %s2 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %q = arith.mulf %in, %in : f32
    %a = arith.addf %acc, %q : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #row, #col, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %s, %s2, %w, %b : tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %sum: f32, %sumsq: f32, %g: f32, %bb: f32, %o: f32):
    %m = arith.divf %sum, %n : f32
    %msq = arith.divf %sumsq, %n : f32
    %mm = arith.mulf %m, %m : f32
    %v0 = arith.subf %msq, %mm : f32
    %v = arith.maximumf %z, %v0 : f32
    %ve = arith.addf %v, %eps : f32
    %r = math.rsqrt %ve : f32
    %rg = arith.mulf %r, %g : f32
    %d = arith.subf %a, %m : f32
    %nn = arith.mulf %d, %rg : f32
    %out = arith.addf %nn, %bb : f32
    linalg.yield %out : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// LLaMA: bf16 input, f32 statistics, rounded to bf16 before the bf16
// weight multiply; powf(x, 2.0).
// CHECK-LABEL: func.func @llama_rms_norm
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x8xbf16>, %[[W:[^:]*]]: tensor<8xbf16>
// CHECK-NEXT:    norm.rms_norm %[[X]] scale(%[[W]] : tensor<8xbf16>) {axis = 1 : i64, epsilon = 9.9999999747524271E-7 : f64} : tensor<4x8xbf16>
// CHECK-NEXT:    return
// WHY: remark: norm-raise: raised to norm.rms_norm
func.func @llama_rms_norm(%x: tensor<4x8xbf16>, %w: tensor<8xbf16>) -> tensor<4x8xbf16> {
  %two = arith.constant 2.0 : f32
  %n = arith.constant 8.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %z = arith.constant 0.0 : f32
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %ef = tensor.empty() : tensor<4x8xf32>
  %eb = tensor.empty() : tensor<4x8xbf16>
  %xf = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xbf16>) outs(%ef : tensor<4x8xf32>) {
  ^bb0(%a: bf16, %o: f32):
    %c = arith.extf %a : bf16 to f32
    linalg.yield %c : f32
  } -> tensor<4x8xf32>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%xf : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %p = math.powf %a, %two : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%xf, %ss, %w : tensor<4x8xf32>, tensor<4xf32>, tensor<8xbf16>) outs(%eb : tensor<4x8xbf16>) {
  ^bb0(%a: f32, %s: f32, %g: bf16, %o: bf16):
    %ms = arith.divf %s, %n : f32
    %ve = arith.addf %ms, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %a, %r : f32
    %t = arith.truncf %nn : f32 to bf16
    %out = arith.mulf %g, %t : bf16
    linalg.yield %out : bf16
  } -> tensor<4x8xbf16>
  return %y : tensor<4x8xbf16>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// Gemma: (1 + w) in f32 before the one rounding to bf16.
// CHECK-LABEL: func.func @gemma_rms_norm
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x8xbf16>, %[[W:[^:]*]]: tensor<8xbf16>
// CHECK-NEXT:    norm.rms_norm %[[X]] scale(%[[W]] : tensor<8xbf16>) {axis = 1 : i64, epsilon = 9.9999999747524271E-7 : f64, scale_offset = 1.000000e+00 : f64} : tensor<4x8xbf16>
// WHY: remark: norm-raise: raised to norm.rms_norm
func.func @gemma_rms_norm(%x: tensor<4x8xbf16>, %w: tensor<8xbf16>) -> tensor<4x8xbf16> {
  %n = arith.constant 8.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %one = arith.constant 1.0 : f32
  %z = arith.constant 0.0 : f32
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %eb = tensor.empty() : tensor<4x8xbf16>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xbf16>) outs(%f4 : tensor<4xf32>) {
  ^bb0(%a: bf16, %acc: f32):
    %af = arith.extf %a : bf16 to f32
    %p = arith.mulf %af, %af : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %ss, %w : tensor<4x8xbf16>, tensor<4xf32>, tensor<8xbf16>) outs(%eb : tensor<4x8xbf16>) {
  ^bb0(%a: bf16, %s: f32, %g: bf16, %o: bf16):
    %af = arith.extf %a : bf16 to f32
    %ms = arith.divf %s, %n : f32
    %ve = arith.addf %ms, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %af, %r : f32
    %gf = arith.extf %g : bf16 to f32
    %g1 = arith.addf %one, %gf : f32
    %sc = arith.mulf %nn, %g1 : f32
    %out = arith.truncf %sc : f32 to bf16
    linalg.yield %out : bf16
  } -> tensor<4x8xbf16>
  return %y : tensor<4x8xbf16>
}

// -----

// Statistics in bf16 itself: raised with compute_type = f32, said in a
// remark. Weightless RMS norm, arith on tensors, sum / N.
// CHECK-LABEL: func.func @bf16_statistics
// CHECK-NEXT:    norm.rms_norm %{{.*}} {axis = 1 : i64, compute_type = f32, epsilon = 9.9837779998779296E-7 : f64} : tensor<4x8xbf16>
// WHY: remark: norm-raise: raised to norm.rms_norm; the producer computed the statistics in 'bf16', compute_type is f32
func.func @bf16_statistics(%x: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %z = arith.constant 0.0 : bf16
  %n = arith.constant dense<8.0> : tensor<4xbf16>
  %eps = arith.constant dense<1.0e-6> : tensor<4xbf16>
  %e4 = tensor.empty() : tensor<4xbf16>
  %f4 = linalg.fill ins(%z : bf16) outs(%e4 : tensor<4xbf16>) -> tensor<4xbf16>
  %e = tensor.empty() : tensor<4x8xbf16>
  %sq = arith.mulf %x, %x : tensor<4x8xbf16>
  %s = linalg.reduce ins(%sq : tensor<4x8xbf16>) outs(%f4 : tensor<4xbf16>) dimensions = [1]
    (%in: bf16, %acc: bf16) { %a = arith.addf %in, %acc : bf16
      linalg.yield %a : bf16 }
  %ms = arith.divf %s, %n : tensor<4xbf16>
  %ve = arith.addf %ms, %eps : tensor<4xbf16>
  %r = math.rsqrt %ve : tensor<4xbf16>
  %rb = linalg.broadcast ins(%r : tensor<4xbf16>) outs(%e : tensor<4x8xbf16>) dimensions = [1]
  %y = arith.mulf %x, %rb : tensor<4x8xbf16>
  return %y : tensor<4x8xbf16>
}

// -----

// TOSA through tosa-to-linalg: reduce_sum into [4] re-expanded to [4, 1],
// a [1, 8] weight read at (0, d1); the residual add in front, a generic,
// becomes arith.addf (for norm-fuse-residual-add).
// CHECK-LABEL: func.func @tosa_style_rms_norm
// CHECK-SAME:    %[[A:[^:]*]]: tensor<4x8xf32>, %[[R:[^:]*]]: tensor<4x8xf32>, %[[W:[^:]*]]: tensor<1x8xf32>
// CHECK-NEXT:    %[[S:.*]] = arith.addf %[[A]], %[[R]] : tensor<4x8xf32>
// CHECK-NEXT:    %[[W1:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0, 1]] : tensor<1x8xf32> into tensor<8xf32>
// CHECK-NEXT:    norm.rms_norm %[[S]] scale(%[[W1]] : tensor<8xf32>) {axis = 1 : i64, epsilon = 9.9999999747524271E-7 : f64} : tensor<4x8xf32>
// WHY: remark: norm-raise: raised to norm.rms_norm
#id = affine_map<(d0, d1) -> (d0, d1)>
#keep = affine_map<(d0, d1) -> (d0, 0)>
#w = affine_map<(d0, d1) -> (0, d1)>
func.func @tosa_style_rms_norm(%a: tensor<4x8xf32>, %res: tensor<4x8xf32>, %w: tensor<1x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %inv = arith.constant dense<0.125> : tensor<4x1xf32>
  %eps = arith.constant dense<1.0e-6> : tensor<4x1xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %x = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %res : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.mulf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %t = arith.addf %in, %acc : f32
      linalg.yield %t : f32 }
  %s1 = tensor.expand_shape %s [[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
  %e1 = tensor.empty() : tensor<4x1xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%s1, %inv, %eps : tensor<4x1xf32>, tensor<4x1xf32>, tensor<4x1xf32>) outs(%e1 : tensor<4x1xf32>) {
  ^bb0(%p: f32, %q: f32, %t: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    %ve = arith.addf %m, %t : f32
    %rs = math.rsqrt %ve : f32
    linalg.yield %rs : f32
  } -> tensor<4x1xf32>
  %y = linalg.generic {indexing_maps = [#id, #keep, #w, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %r, %w : tensor<4x8xf32>, tensor<4x1xf32>, tensor<1x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%p: f32, %q: f32, %g: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    %out = arith.mulf %m, %g : f32
    linalg.yield %out : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Two layer norms of one input with their own scales, sharing everything
// up to the normalized value after CSE: both raised.
// CHECK-LABEL: func.func @shared_after_cse
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x8xf32>, %[[G1:[^:]*]]: tensor<8xf32>, %[[G2:[^:]*]]: tensor<8xf32>
// CHECK-DAG:     norm.layer_norm %[[X]] scale(%[[G1]] : tensor<8xf32>)
// CHECK-DAG:     norm.layer_norm %[[X]] scale(%[[G2]] : tensor<8xf32>)
// CHECK-NOT:     linalg
// WHY-COUNT-2: remark: norm-raise: raised to norm.layer_norm
func.func @shared_after_cse(%x: tensor<4x8xf32>, %g1: tensor<8xf32>, %g2: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %xm, %xm : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %nn = arith.mulf %xm, %rb : tensor<4x8xf32>
  %gb1 = linalg.broadcast ins(%g1 : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %gb2 = linalg.broadcast ins(%g2 : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %y1 = arith.mulf %nn, %gb1 : tensor<4x8xf32>
  %y2 = arith.mulf %nn, %gb2 : tensor<4x8xf32>
  return %y1, %y2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Near-misses. Each one keeps its decomposition (CHECK-NOT: norm.) and says
// why with report.

// The mean over the trailing dim, the variance over the trailing two.
// CHECK-LABEL: func.func @negative_mean_and_variance_over_other_dims
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: linalg.generic: not a normalizer: the mean and the variance sum different dims
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#last = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#two = affine_map<(d0, d1, d2) -> (d0, 0, 0)>
func.func @negative_mean_and_variance_over_other_dims(%x: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 8.0 : f32
  %n2 = arith.constant 32.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %ea = tensor.empty() : tensor<2x4x1xf32>
  %fa = linalg.fill ins(%z : f32) outs(%ea : tensor<2x4x1xf32>) -> tensor<2x4x1xf32>
  %eb = tensor.empty() : tensor<2x1x1xf32>
  %fb = linalg.fill ins(%z : f32) outs(%eb : tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %e = tensor.empty() : tensor<2x4x8xf32>
  %s = linalg.generic {indexing_maps = [#id3, #last], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<2x4x8xf32>) outs(%fa : tensor<2x4x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %acc, %in : f32
    linalg.yield %a : f32
  } -> tensor<2x4x1xf32>
  %xm = linalg.generic {indexing_maps = [#id3, #last, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %s : tensor<2x4x8xf32>, tensor<2x4x1xf32>) outs(%e : tensor<2x4x8xf32>) {
  ^bb0(%a: f32, %sum: f32, %o: f32):
    %m = arith.divf %sum, %n : f32
    %d = arith.subf %a, %m : f32
    linalg.yield %d : f32
  } -> tensor<2x4x8xf32>
  %vs = linalg.generic {indexing_maps = [#id3, #two], iterator_types = ["parallel", "reduction", "reduction"]} ins(%xm : tensor<2x4x8xf32>) outs(%fb : tensor<2x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %q = arith.mulf %in, %in : f32
    %a = arith.addf %acc, %q : f32
    linalg.yield %a : f32
  } -> tensor<2x1x1xf32>
  %y = linalg.generic {indexing_maps = [#id3, #two, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%xm, %vs : tensor<2x4x8xf32>, tensor<2x1x1xf32>) outs(%e : tensor<2x4x8xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %var = arith.divf %v, %n2 : f32
    %ve = arith.addf %var, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %a, %r : f32
    linalg.yield %nn : f32
  } -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// Statistics over the batch dim of [N, C], named ops and arith on tensors:
// BatchNorm1d in training mode, without parameters.
// CHECK-LABEL: func.func @batch_norm_train_nc
// CHECK-SAME:    %[[X:[^:]*]]: tensor<8x4xf32>
// CHECK:         norm.batch_norm train %[[X]], {{.*}} : tensor<8x4xf32>, params tensor<4xf32>, stats tensor<4xf32>
// CHECK-NOT:     linalg.
func.func @batch_norm_train_nc(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %s = linalg.reduce ins(%x : tensor<8x4xf32>) outs(%f4 : tensor<4xf32>) dimensions = [0]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<8x4xf32>) dimensions = [0]
  %xm = arith.subf %x, %mb : tensor<8x4xf32>
  %sq = arith.mulf %xm, %xm : tensor<8x4xf32>
  %vs = linalg.reduce ins(%sq : tensor<8x4xf32>) outs(%f4 : tensor<4xf32>) dimensions = [0]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<8x4xf32>) dimensions = [0]
  %y = arith.mulf %xm, %rb : tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

// (x - mean) / (std + eps): epsilon after the square root is another
// function.
// CHECK-LABEL: func.func @negative_epsilon_after_sqrt
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.divf: not a normalizer: epsilon is added after the square root, not to the variance
func.func @negative_epsilon_after_sqrt(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %xm, %xm : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %sd = math.sqrt %v : tensor<4xf32>
  %se = arith.addf %sd, %eps : tensor<4xf32>
  %sb = linalg.broadcast ins(%se : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.divf %xm, %sb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// The unbiased variance (divided by N - 1 = 7).
// CHECK-LABEL: func.func @negative_unbiased_variance
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: a statistic is divided by another count than the summed elements (an unbiased variance?)
func.func @negative_unbiased_variance(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %n1 = arith.constant dense<7.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %xm, %xm : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n1 : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Centered by the mean of another tensor.
// CHECK-LABEL: func.func @negative_centered_by_another_mean
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: the value is centered by the mean of another value
func.func @negative_centered_by_another_mean(%x: tensor<4x8xf32>, %other: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%other : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %xm, %xm : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// The centered value is returned too: raising would compute it twice.
// CHECK-LABEL: func.func @negative_centered_value_escapes
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not raised: an intermediate ('arith.subf') has other users
func.func @negative_centered_value_escapes(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %xm, %xm : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  return %y, %xm : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// ORT #25855: a "scale" of the normalized dim's size read along the rows
// (x is [8, 8]): the normalizer is raised, the multiply stays.
// CHECK-LABEL: func.func @negative_scale_along_the_rows
// CHECK-SAME:    %[[X:[^:]*]]: tensor<8x8xf32>, %[[G:[^:]*]]: tensor<8xf32>
// CHECK:         %[[N:.*]] = norm.rms_norm %[[X]] {axis = 1 : i64, epsilon = 9.9999997473787516E-6 : f64} : tensor<8x8xf32>
// CHECK:         linalg.generic {{.*}} ins(%[[N]], %[[G]] : tensor<8x8xf32>, tensor<8xf32>)
// WHY: remark: norm-raise: linalg.generic: not a normalizer: a scale or bias does not broadcast along the normalized dims
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @negative_scale_along_the_rows(%x: tensor<8x8xf32>, %g: tensor<8xf32>) -> tensor<8x8xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<8xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<8xf32>
  %e8 = tensor.empty() : tensor<8xf32>
  %f8 = linalg.fill ins(%z : f32) outs(%e8 : tensor<8xf32>) -> tensor<8xf32>
  %e = tensor.empty() : tensor<8x8xf32>
  %sq = arith.mulf %x, %x : tensor<8x8xf32>
  %s = linalg.reduce ins(%sq : tensor<8x8xf32>) outs(%f8 : tensor<8xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %ms = arith.divf %s, %n : tensor<8xf32>
  %ve = arith.addf %ms, %eps : tensor<8xf32>
  %r = math.rsqrt %ve : tensor<8xf32>
  %rb = linalg.broadcast ins(%r : tensor<8xf32>) outs(%e : tensor<8x8xf32>) dimensions = [1]
  %nn = arith.mulf %x, %rb : tensor<8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%nn, %g : tensor<8x8xf32>, tensor<8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// -----

// ORT #31980: a downstream multiply by a full [4, 8] tensor is no scale:
// the normalizer is raised, the multiply stays.
// CHECK-LABEL: func.func @negative_full_tensor_multiply
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x8xf32>, %[[T:[^:]*]]: tensor<4x8xf32>
// CHECK:         %[[N:.*]] = norm.rms_norm %[[X]] {{.*}} : tensor<4x8xf32>
// CHECK:         arith.mulf %[[N]], %[[T]] : tensor<4x8xf32>
// WHY: remark: norm-raise: arith.mulf: not a normalizer: a scale or bias does not broadcast along the normalized dims
func.func @negative_full_tensor_multiply(%x: tensor<4x8xf32>, %t: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %sq = arith.mulf %x, %x : tensor<4x8xf32>
  %s = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %ms = arith.divf %s, %n : tensor<4xf32>
  %ve = arith.addf %ms, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %nn = arith.mulf %x, %rb : tensor<4x8xf32>
  %y = arith.mulf %nn, %t : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// vLLM #48330: bf16 activations, f32 Gemma weights. The f32 multiply
// would round differently as a bf16 scale: left alone.
// CHECK-LABEL: func.func @negative_mixed_dtype_weight
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: linalg.generic: not a normalizer: a scale or bias has another element type than the result (raising would change its rounding)
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @negative_mixed_dtype_weight(%x: tensor<4x8xbf16>, %w: tensor<8xf32>) -> tensor<4x8xbf16> {
  %n = arith.constant 8.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %one = arith.constant 1.0 : f32
  %z = arith.constant 0.0 : f32
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %eb = tensor.empty() : tensor<4x8xbf16>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xbf16>) outs(%f4 : tensor<4xf32>) {
  ^bb0(%a: bf16, %acc: f32):
    %af = arith.extf %a : bf16 to f32
    %p = arith.mulf %af, %af : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %ss, %w : tensor<4x8xbf16>, tensor<4xf32>, tensor<8xf32>) outs(%eb : tensor<4x8xbf16>) {
  ^bb0(%a: bf16, %s: f32, %g: f32, %o: bf16):
    %af = arith.extf %a : bf16 to f32
    %ms = arith.divf %s, %n : f32
    %ve = arith.addf %ms, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %af, %r : f32
    %g1 = arith.addf %one, %g : f32
    %sc = arith.mulf %nn, %g1 : f32
    %out = arith.truncf %sc : f32 to bf16
    linalg.yield %out : bf16
  } -> tensor<4x8xbf16>
  return %y : tensor<4x8xbf16>
}

// -----

// The mean square divided by a runtime count.
// CHECK-LABEL: func.func @negative_runtime_count
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: a statistic is divided by a value that is not a constant or a count of elements
func.func @negative_runtime_count(%x: tensor<4x8xf32>, %n: tensor<4xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %sq = arith.mulf %x, %x : tensor<4x8xf32>
  %s = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %ms = arith.divf %s, %n : tensor<4xf32>
  %ve = arith.addf %ms, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %x, %rb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// A sum into a nonzero init is no mean.
// CHECK-LABEL: func.func @negative_sum_into_nonzero_init
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: a statistic is not a sum divided by its count
func.func @negative_sum_into_nonzero_init(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %one = arith.constant 1.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%one : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %sq = arith.mulf %x, %x : tensor<4x8xf32>
  %s = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %ms = arith.divf %s, %n : tensor<4xf32>
  %ve = arith.addf %ms, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %x, %rb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// E[x^2] - E[z]^2: the squared mean is of another tensor.
// CHECK-LABEL: func.func @negative_expanded_variance_of_another_mean
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: linalg.generic: not a normalizer: the variance is not E[x^2] - E[x]^2 of the centered value
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @negative_expanded_variance_of_another_mean(%x: tensor<4x8xf32>, %z: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 8.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %sz = linalg.reduce ins(%z : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %s2 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %q = arith.mulf %in, %in : f32
    %a = arith.addf %acc, %q : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #row, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %s, %sz, %s2 : tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %sum: f32, %sumz: f32, %sumsq: f32, %o: f32):
    %m = arith.divf %sum, %n : f32
    %mz = arith.divf %sumz, %n : f32
    %msq = arith.divf %sumsq, %n : f32
    %mm = arith.mulf %mz, %mz : f32
    %v = arith.subf %msq, %mm : f32
    %ve = arith.addf %v, %eps : f32
    %r = math.rsqrt %ve : f32
    %d = arith.subf %a, %m : f32
    %out = arith.mulf %d, %r : f32
    linalg.yield %out : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Centered x, normalized by the spread of another tensor.
// CHECK-LABEL: func.func @negative_variance_of_another_value
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: the variance is not of the centered value
func.func @negative_variance_of_another_value(%x: tensor<4x8xf32>, %z: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %z, %z : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// One normalizer's result, plus a residual (a generic add), is the input
// of the next: both raised, the add made arith.addf.
// CHECK-LABEL: func.func @stacked
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x8xf32>, %[[R:[^:]*]]: tensor<4x8xf32>
// CHECK-NEXT:    %[[N1:.*]] = norm.rms_norm %[[X]]
// CHECK-NEXT:    %[[S:.*]] = arith.addf %[[N1]], %[[R]] : tensor<4x8xf32>
// CHECK-NEXT:    %[[N2:.*]] = norm.rms_norm %[[S]]
// CHECK-NEXT:    return %[[N2]]
// WHY-COUNT-2: remark: norm-raise: raised to norm.rms_norm
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @stacked(%x: tensor<4x8xf32>, %res: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 8.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s1 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %q = arith.mulf %in, %in : f32
    %a = arith.addf %acc, %q : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %n1 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %s1 : tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %ms = arith.divf %s, %n : f32
    %ve = arith.addf %ms, %eps : f32
    %r = math.rsqrt %ve : f32
    %out = arith.mulf %a, %r : f32
    linalg.yield %out : f32
  } -> tensor<4x8xf32>
  %h = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%n1, %res : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %s2 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%h : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %q = arith.mulf %in, %in : f32
    %a = arith.addf %acc, %q : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %n2 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%h, %s2 : tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %ms = arith.divf %s, %n : f32
    %ve = arith.addf %ms, %eps : f32
    %r = math.rsqrt %ve : f32
    %out = arith.mulf %a, %r : f32
    linalg.yield %out : f32
  } -> tensor<4x8xf32>
  return %n2 : tensor<4x8xf32>
}

// -----

// torch-mlir's instance_norm of NCHW: statistics over H x W, the scale and
// bias per channel (read at d1): a group norm with num_groups = C.
// CHECK-LABEL: func.func @instance_norm_nchw
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4x3x5xf32>, %[[G:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>
// CHECK-NEXT:    norm.group_norm %[[X]] scale(%[[G]] : tensor<4xf32>) bias(%[[B]] : tensor<4xf32>) {epsilon = 9.9999997473787516E-6 : f64, num_groups = 4 : i64} : tensor<2x4x3x5xf32>
// CHECK-NEXT:    return
// WHY: remark: norm-raise: raised to norm.group_norm; an instance norm (num_groups = C)
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#keep4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
#ch4 = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @instance_norm_nchw(%x: tensor<2x4x3x5xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4x3x5xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 15.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %e1 = tensor.empty() : tensor<2x4x1x1xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<2x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %e = tensor.empty() : tensor<2x4x3x5xf32>
  %s = linalg.generic {indexing_maps = [#id4, #keep4], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%x : tensor<2x4x3x5xf32>) outs(%f1 : tensor<2x4x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %acc, %in : f32
    linalg.yield %a : f32
  } -> tensor<2x4x1x1xf32>
  %xm = linalg.generic {indexing_maps = [#id4, #keep4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %s : tensor<2x4x3x5xf32>, tensor<2x4x1x1xf32>) outs(%e : tensor<2x4x3x5xf32>) {
  ^bb0(%a: f32, %sum: f32, %o: f32):
    %m = arith.divf %sum, %n : f32
    %d = arith.subf %a, %m : f32
    linalg.yield %d : f32
  } -> tensor<2x4x3x5xf32>
  %vs = linalg.generic {indexing_maps = [#id4, #keep4], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%xm : tensor<2x4x3x5xf32>) outs(%f1 : tensor<2x4x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %q = arith.mulf %in, %in : f32
    %a = arith.addf %acc, %q : f32
    linalg.yield %a : f32
  } -> tensor<2x4x1x1xf32>
  %y = linalg.generic {indexing_maps = [#id4, #keep4, #ch4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%xm, %vs, %g, %b : tensor<2x4x3x5xf32>, tensor<2x4x1x1xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x3x5xf32>) {
  ^bb0(%a: f32, %v: f32, %gg: f32, %bb: f32, %o: f32):
    %var = arith.divf %v, %n : f32
    %ve = arith.addf %var, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %a, %r : f32
    %sc = arith.mulf %nn, %gg : f32
    %out = arith.addf %sc, %bb : f32
    linalg.yield %out : f32
  } -> tensor<2x4x3x5xf32>
  return %y : tensor<2x4x3x5xf32>
}

// -----

// A per-channel scale of an RMS norm over H x W: no norm op computes it.
// CHECK-LABEL: func.func @negative_rms_with_channel_scale
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: linalg.generic: not a normalizer: a per-channel scale or bias with a per-element one, or of an RMS norm
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#keep4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
#ch4 = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @negative_rms_with_channel_scale(%x: tensor<2x4x3x5xf32>, %g: tensor<4xf32>) -> tensor<2x4x3x5xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 15.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %e1 = tensor.empty() : tensor<2x4x1x1xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<2x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %e = tensor.empty() : tensor<2x4x3x5xf32>
  %vs = linalg.generic {indexing_maps = [#id4, #keep4], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%x : tensor<2x4x3x5xf32>) outs(%f1 : tensor<2x4x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %q = arith.mulf %in, %in : f32
    %a = arith.addf %acc, %q : f32
    linalg.yield %a : f32
  } -> tensor<2x4x1x1xf32>
  %y = linalg.generic {indexing_maps = [#id4, #keep4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %vs, %g : tensor<2x4x3x5xf32>, tensor<2x4x1x1xf32>, tensor<4xf32>) outs(%e : tensor<2x4x3x5xf32>) {
  ^bb0(%a: f32, %v: f32, %gg: f32, %o: f32):
    %var = arith.divf %v, %n : f32
    %ve = arith.addf %var, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %a, %r : f32
    %sc = arith.mulf %nn, %gg : f32
    linalg.yield %sc : f32
  } -> tensor<2x4x3x5xf32>
  return %y : tensor<2x4x3x5xf32>
}

// -----

// torch-mlir's batch_norm in eval mode, NCHW: the running statistics, the
// scale and the bias read per channel (d1).
// CHECK-LABEL: func.func @batch_norm_eval_nchw
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4x3x3xf32>, %[[G:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>, %[[M:[^:]*]]: tensor<4xf32>, %[[V:[^:]*]]: tensor<4xf32>
// CHECK-NEXT:    %[[Y:[^,]*]], {{.*}} = norm.batch_norm eval %[[X]], %[[G]], %[[B]], %[[M]], %[[V]] {epsilon = 0.0010000000474974513 : f64} : tensor<2x4x3x3xf32>, params tensor<4xf32>, stats tensor<4xf32>
// CHECK-NEXT:    return %[[Y]]
// WHY: remark: norm-raise: raised to norm.batch_norm
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch4 = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @batch_norm_eval_nchw(%x: tensor<2x4x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %rm: tensor<4xf32>, %rv: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
  %eps = arith.constant 1.0e-3 : f64
  %e = tensor.empty() : tensor<2x4x3x3xf32>
  %y = linalg.generic {indexing_maps = [#id4, #ch4, #ch4, #ch4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %rm, %rv, %g, %b : tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %m: f32, %v: f32, %gg: f32, %bb: f32, %o: f32):
    %t = arith.truncf %eps : f64 to f32
    %d = arith.subf %a, %m : f32
    %ve = arith.addf %v, %t : f32
    %sd = math.sqrt %ve : f32
    %nn = arith.divf %d, %sd : f32
    %sc = arith.mulf %nn, %gg : f32
    %out = arith.addf %sc, %bb : f32
    linalg.yield %out : f32
  } -> tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// NHWC, no affine (ones and zeros for the op's scale and bias), arith on
// tensors over broadcasts of the [C] statistics.
// CHECK-LABEL: func.func @batch_norm_eval_nhwc
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3x3x4xf32>, %[[M:[^:]*]]: tensor<4xf32>, %[[V:[^:]*]]: tensor<4xf32>
// CHECK-DAG:     %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK:         norm.batch_norm eval %[[X]], %[[ONE]], %[[ZERO]], %[[M]], %[[V]] {channel_axis = 3 : i64, epsilon = 9.9999997473787516E-6 : f64}
// WHY: remark: norm-raise: raised to norm.batch_norm
func.func @batch_norm_eval_nhwc(%x: tensor<2x3x3x4xf32>, %rm: tensor<4xf32>, %rv: tensor<4xf32>) -> tensor<2x3x3x4xf32> {
  %eps = arith.constant dense<1.0e-5> : tensor<2x3x3x4xf32>
  %e = tensor.empty() : tensor<2x3x3x4xf32>
  %mb = linalg.broadcast ins(%rm : tensor<4xf32>) outs(%e : tensor<2x3x3x4xf32>) dimensions = [0, 1, 2]
  %vb = linalg.broadcast ins(%rv : tensor<4xf32>) outs(%e : tensor<2x3x3x4xf32>) dimensions = [0, 1, 2]
  %d = arith.subf %x, %mb : tensor<2x3x3x4xf32>
  %ve = arith.addf %vb, %eps : tensor<2x3x3x4xf32>
  %r = math.rsqrt %ve : tensor<2x3x3x4xf32>
  %y = arith.mulf %d, %r : tensor<2x3x3x4xf32>
  return %y : tensor<2x3x3x4xf32>
}

// -----

// The running variance read per element: no batch norm, no statistic.
// CHECK-LABEL: func.func @negative_variance_per_element
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: a statistic is not a sum divided by its count
func.func @negative_variance_per_element(%x: tensor<2x4xf32>, %rm: tensor<4xf32>, %v: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %eps = arith.constant dense<1.0e-5> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %mb = linalg.broadcast ins(%rm : tensor<4xf32>) outs(%e : tensor<2x4xf32>) dimensions = [0]
  %d = arith.subf %x, %mb : tensor<2x4xf32>
  %ve = arith.addf %v, %eps : tensor<2x4xf32>
  %r = math.rsqrt %ve : tensor<2x4xf32>
  %y = arith.mulf %d, %r : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// The running mean per channel d1, the variance per d3 (C = W = 4).
// CHECK-LABEL: func.func @negative_statistics_of_other_channels
// CHECK-NOT:     norm.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch1 = affine_map<(d0, d1, d2, d3) -> (d1)>
#ch3 = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @negative_statistics_of_other_channels(%x: tensor<2x4x3x4xf32>, %rm: tensor<4xf32>, %rv: tensor<4xf32>) -> tensor<2x4x3x4xf32> {
  %eps = arith.constant 1.0e-5 : f32
  %e = tensor.empty() : tensor<2x4x3x4xf32>
  %y = linalg.generic {indexing_maps = [#id4, #ch1, #ch3, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %rm, %rv : tensor<2x4x3x4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x3x4xf32>) {
  ^bb0(%a: f32, %m: f32, %v: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    %ve = arith.addf %v, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %d, %r : f32
    linalg.yield %nn : f32
  } -> tensor<2x4x3x4xf32>
  return %y : tensor<2x4x3x4xf32>
}

// -----

// torch-mlir's native_batch_norm in training mode, NCHW: the mean over
// [0, 2, 3] without keepdim divided by an i64 count converted in the body,
// the variance through its var decomposition (in f64, by its own f64 mean,
// rounded back), the [C] statistics and parameters unsqueezed to
// [1, C, 1, 1] and read at (0, d1, 0, 0). No running statistics are
// updated: the op updates zeros and ones that nothing reads.
// CHECK-LABEL: func.func @torch_batch_norm_train
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4x3x3xf32>, %[[G:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>
// CHECK-DAG:     %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK:         %[[Y:[^,]*]], {{.*}} = norm.batch_norm train %[[X]], %[[G]], %[[B]], %[[ZERO]], %[[ONE]] {epsilon = 9.9999997473787516E-6 : f64} : tensor<2x4x3x3xf32>, params tensor<4xf32>, stats tensor<4xf32>
// CHECK-NEXT:    return %[[Y]]
// WHY: remark: norm-raise: raised to norm.batch_norm; the producer's f64 variance is computed in the op's compute type
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#c4 = affine_map<(d0, d1, d2, d3) -> (d1)>
#u4 = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#i1 = affine_map<(d0) -> (d0)>
func.func @torch_batch_norm_train(%x: tensor<2x4x3x3xf32>, %w: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
  %z = arith.constant 0.0 : f32
  %z64 = arith.constant 0.0 : f64
  %n = arith.constant 18 : i64
  %eps = arith.constant 1.0e-5 : f64
  %ec = tensor.empty() : tensor<4xf32>
  %fc = linalg.fill ins(%z : f32) outs(%ec : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#id4, #c4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%x : tensor<2x4x3x3xf32>) outs(%fc : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %mean = linalg.generic {indexing_maps = [#i1, #i1], iterator_types = ["parallel"]} ins(%s : tensor<4xf32>) outs(%ec : tensor<4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c = arith.sitofp %n : i64 to f32
    %d = arith.divf %in, %c : f32
    linalg.yield %d : f32
  } -> tensor<4xf32>
  // var: f64
  %e64 = tensor.empty() : tensor<2x4x3x3xf64>
  %x64 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<2x4x3x3xf32>) outs(%e64 : tensor<2x4x3x3xf64>) {
  ^bb0(%in: f32, %o: f64):
    %e = arith.extf %in : f32 to f64
    linalg.yield %e : f64
  } -> tensor<2x4x3x3xf64>
  %ek = tensor.empty() : tensor<1x4x1x1xf64>
  %fk = linalg.fill ins(%z64 : f64) outs(%ek : tensor<1x4x1x1xf64>) -> tensor<1x4x1x1xf64>
  %s64 = linalg.generic {indexing_maps = [#id4, #u4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%x64 : tensor<2x4x3x3xf64>) outs(%fk : tensor<1x4x1x1xf64>) {
  ^bb0(%in: f64, %acc: f64):
    %a = arith.addf %in, %acc : f64
    linalg.yield %a : f64
  } -> tensor<1x4x1x1xf64>
  %m64 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s64 : tensor<1x4x1x1xf64>) outs(%ek : tensor<1x4x1x1xf64>) {
  ^bb0(%in: f64, %o: f64):
    %c = arith.sitofp %n : i64 to f64
    %d = arith.divf %in, %c : f64
    linalg.yield %d : f64
  } -> tensor<1x4x1x1xf64>
  %d64 = linalg.generic {indexing_maps = [#id4, #u4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x64, %m64 : tensor<2x4x3x3xf64>, tensor<1x4x1x1xf64>) outs(%e64 : tensor<2x4x3x3xf64>) {
  ^bb0(%a: f64, %m: f64, %o: f64):
    %d = arith.subf %a, %m : f64
    %sq = arith.mulf %d, %d : f64
    linalg.yield %sq : f64
  } -> tensor<2x4x3x3xf64>
  %e4 = tensor.empty() : tensor<4xf64>
  %f4 = linalg.fill ins(%z64 : f64) outs(%e4 : tensor<4xf64>) -> tensor<4xf64>
  %v64 = linalg.generic {indexing_maps = [#id4, #c4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%d64 : tensor<2x4x3x3xf64>) outs(%f4 : tensor<4xf64>) {
  ^bb0(%in: f64, %acc: f64):
    %a = arith.addf %in, %acc : f64
    linalg.yield %a : f64
  } -> tensor<4xf64>
  %var = linalg.generic {indexing_maps = [#i1, #i1], iterator_types = ["parallel"]} ins(%v64 : tensor<4xf64>) outs(%ec : tensor<4xf32>) {
  ^bb0(%in: f64, %o: f32):
    %c = arith.sitofp %n : i64 to f64
    %d = arith.divf %in, %c : f64
    %t = arith.truncf %d : f64 to f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  %rstd = linalg.generic {indexing_maps = [#i1, #i1], iterator_types = ["parallel"]} ins(%var : tensor<4xf32>) outs(%ec : tensor<4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %t = arith.truncf %eps : f64 to f32
    %a = arith.addf %in, %t : f32
    %r = math.rsqrt %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %mu = tensor.expand_shape %mean [[0, 1, 2, 3]] output_shape [1, 4, 1, 1] : tensor<4xf32> into tensor<1x4x1x1xf32>
  %ru = tensor.expand_shape %rstd [[0, 1, 2, 3]] output_shape [1, 4, 1, 1] : tensor<4xf32> into tensor<1x4x1x1xf32>
  %wu = tensor.expand_shape %w [[0, 1, 2, 3]] output_shape [1, 4, 1, 1] : tensor<4xf32> into tensor<1x4x1x1xf32>
  %bu = tensor.expand_shape %b [[0, 1, 2, 3]] output_shape [1, 4, 1, 1] : tensor<4xf32> into tensor<1x4x1x1xf32>
  %e = tensor.empty() : tensor<2x4x3x3xf32>
  %xm = linalg.generic {indexing_maps = [#id4, #u4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %mu : tensor<2x4x3x3xf32>, tensor<1x4x1x1xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    linalg.yield %d : f32
  } -> tensor<2x4x3x3xf32>
  %y = linalg.generic {indexing_maps = [#id4, #u4, #u4, #u4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%xm, %ru, %wu, %bu : tensor<2x4x3x3xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %r: f32, %g: f32, %bb: f32, %o: f32):
    %n1 = arith.mulf %a, %r : f32
    %n2 = arith.mulf %n1, %g : f32
    %n3 = arith.addf %n2, %bb : f32
    linalg.yield %n3 : f32
  } -> tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// Keras' NHWC instance norm (GroupNormalization with groups = C): the
// statistics over the spatial dims [1, 2], per-channel parameters of the
// last dim.
// CHECK-LABEL: func.func @instance_norm_nhwc
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3x5x4xf32>, %[[G:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>
// CHECK-NEXT:    %[[Y:.*]] = norm.group_norm %[[X]] scale(%[[G]] : tensor<4xf32>) bias(%[[B]] : tensor<4xf32>) {channel_axis = 3 : i64, epsilon = 0.0010000000474974513 : f64, num_groups = 4 : i64} : tensor<2x3x5x4xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @instance_norm_nhwc(%x: tensor<2x3x5x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x3x5x4xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<15.0> : tensor<2x4xf32>
  %eps = arith.constant dense<1.0e-3> : tensor<2x4xf32>
  %e2 = tensor.empty() : tensor<2x4xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<2x4xf32>) -> tensor<2x4xf32>
  %e = tensor.empty() : tensor<2x3x5x4xf32>
  %s = linalg.reduce ins(%x : tensor<2x3x5x4xf32>) outs(%f2 : tensor<2x4xf32>) dimensions = [1, 2]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<2x4xf32>
  %mb = linalg.broadcast ins(%m : tensor<2x4xf32>) outs(%e : tensor<2x3x5x4xf32>) dimensions = [1, 2]
  %xm = arith.subf %x, %mb : tensor<2x3x5x4xf32>
  %sq = arith.mulf %xm, %xm : tensor<2x3x5x4xf32>
  %vs = linalg.reduce ins(%sq : tensor<2x3x5x4xf32>) outs(%f2 : tensor<2x4xf32>) dimensions = [1, 2]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<2x4xf32>
  %ve = arith.addf %v, %eps : tensor<2x4xf32>
  %r = math.rsqrt %ve : tensor<2x4xf32>
  %rb = linalg.broadcast ins(%r : tensor<2x4xf32>) outs(%e : tensor<2x3x5x4xf32>) dimensions = [1, 2]
  %gb = linalg.broadcast ins(%g : tensor<4xf32>) outs(%e : tensor<2x3x5x4xf32>) dimensions = [0, 1, 2]
  %bb = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<2x3x5x4xf32>) dimensions = [0, 1, 2]
  %nn = arith.mulf %xm, %rb : tensor<2x3x5x4xf32>
  %sc = arith.mulf %nn, %gb : tensor<2x3x5x4xf32>
  %y = arith.addf %sc, %bb : tensor<2x3x5x4xf32>
  return %y : tensor<2x3x5x4xf32>
}

// -----

// Statistics over the batch dim of [N, L, C] alone: neither a batch norm
// (which sums L too) nor a row's.
// CHECK-LABEL: func.func @negative_statistics_over_the_batch
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: a statistic sums other dims than the trailing ones, all but a channel, or the spatial dims of NHWC
func.func @negative_statistics_over_the_batch(%x: tensor<8x4x2xf32>) -> tensor<8x4x2xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4x2xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4x2xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e = tensor.empty() : tensor<8x4x2xf32>
  %s = linalg.reduce ins(%x : tensor<8x4x2xf32>) outs(%f2 : tensor<4x2xf32>) dimensions = [0]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4x2xf32>
  %mb = linalg.broadcast ins(%m : tensor<4x2xf32>) outs(%e : tensor<8x4x2xf32>) dimensions = [0]
  %xm = arith.subf %x, %mb : tensor<8x4x2xf32>
  %sq = arith.mulf %xm, %xm : tensor<8x4x2xf32>
  %vs = linalg.reduce ins(%sq : tensor<8x4x2xf32>) outs(%f2 : tensor<4x2xf32>) dimensions = [0]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4x2xf32>
  %ve = arith.addf %v, %eps : tensor<4x2xf32>
  %r = math.rsqrt %ve : tensor<4x2xf32>
  %rb = linalg.broadcast ins(%r : tensor<4x2xf32>) outs(%e : tensor<8x4x2xf32>) dimensions = [0]
  %y = arith.mulf %xm, %rb : tensor<8x4x2xf32>
  return %y : tensor<8x4x2xf32>
}

// -----

// A batch norm's statistics with a scale read per element: no scale of a
// batch norm, which is raised without it; the multiply stays.
// CHECK-LABEL: func.func @negative_batch_norm_scale_per_element
// CHECK-SAME:    %[[X:[^:]*]]: tensor<8x4xf32>, %[[G:[^:]*]]: tensor<8x4xf32>
// CHECK:         %[[N:[^,]*]], {{.*}} = norm.batch_norm train %[[X]]
// CHECK:         arith.mulf %[[N]], %[[G]] : tensor<8x4xf32>
// WHY: remark: norm-raise: arith.mulf: not a normalizer: a scale or bias does not broadcast along the normalized dims
func.func @negative_batch_norm_scale_per_element(%x: tensor<8x4xf32>, %g: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %s = linalg.reduce ins(%x : tensor<8x4xf32>) outs(%f4 : tensor<4xf32>) dimensions = [0]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<8x4xf32>) dimensions = [0]
  %xm = arith.subf %x, %mb : tensor<8x4xf32>
  %sq = arith.mulf %xm, %xm : tensor<8x4xf32>
  %vs = linalg.reduce ins(%sq : tensor<8x4xf32>) outs(%f4 : tensor<4xf32>) dimensions = [0]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<8x4xf32>) dimensions = [0]
  %nn = arith.mulf %xm, %rb : tensor<8x4xf32>
  %y = arith.mulf %nn, %g : tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

// torch-mlir's f64 variance, of another tensor than the one centered.
// CHECK-LABEL: func.func @negative_f64_variance_of_another_value
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: the f64 variance is not of the normalized value
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @negative_f64_variance_of_another_value(%x: tensor<4x8xf32>, %other: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %z64 = arith.constant 0.0 : f64
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %n64 = arith.constant dense<8.0> : tensor<4xf64>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e64 = tensor.empty() : tensor<4xf64>
  %f64 = linalg.fill ins(%z64 : f64) outs(%e64 : tensor<4xf64>) -> tensor<4xf64>
  %e = tensor.empty() : tensor<4x8xf32>
  %ew = tensor.empty() : tensor<4x8xf64>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %ow = arith.extf %other : tensor<4x8xf32> to tensor<4x8xf64>
  %s64 = linalg.reduce ins(%ow : tensor<4x8xf64>) outs(%f64 : tensor<4xf64>) dimensions = [1]
    (%in: f64, %acc: f64) { %a = arith.addf %in, %acc : f64
      linalg.yield %a : f64 }
  %m64 = arith.divf %s64, %n64 : tensor<4xf64>
  %mb64 = linalg.broadcast ins(%m64 : tensor<4xf64>) outs(%ew : tensor<4x8xf64>) dimensions = [1]
  %d64 = arith.subf %ow, %mb64 : tensor<4x8xf64>
  %q64 = arith.mulf %d64, %d64 : tensor<4x8xf64>
  %v64s = linalg.reduce ins(%q64 : tensor<4x8xf64>) outs(%f64 : tensor<4xf64>) dimensions = [1]
    (%in: f64, %acc: f64) { %a = arith.addf %in, %acc : f64
      linalg.yield %a : f64 }
  %v64 = arith.divf %v64s, %n64 : tensor<4xf64>
  %v = arith.truncf %v64 : tensor<4xf64> to tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// torch-mlir's var with correction = 1 (sum / (N - 1), in f64): the
// unbiased variance is another function.
// CHECK-LABEL: func.func @negative_unbiased_f64_variance
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: a statistic is divided by another count than the summed elements (an unbiased variance?)
func.func @negative_unbiased_f64_variance(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %z64 = arith.constant 0.0 : f64
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %n64 = arith.constant dense<8.0> : tensor<4xf64>
  %n64u = arith.constant dense<7.0> : tensor<4xf64>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e64 = tensor.empty() : tensor<4xf64>
  %f64 = linalg.fill ins(%z64 : f64) outs(%e64 : tensor<4xf64>) -> tensor<4xf64>
  %e = tensor.empty() : tensor<4x8xf32>
  %ew = tensor.empty() : tensor<4x8xf64>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %xw = arith.extf %x : tensor<4x8xf32> to tensor<4x8xf64>
  %s64 = linalg.reduce ins(%xw : tensor<4x8xf64>) outs(%f64 : tensor<4xf64>) dimensions = [1]
    (%in: f64, %acc: f64) { %a = arith.addf %in, %acc : f64
      linalg.yield %a : f64 }
  %m64 = arith.divf %s64, %n64 : tensor<4xf64>
  %mb64 = linalg.broadcast ins(%m64 : tensor<4xf64>) outs(%ew : tensor<4x8xf64>) dimensions = [1]
  %d64 = arith.subf %xw, %mb64 : tensor<4x8xf64>
  %q64 = arith.mulf %d64, %d64 : tensor<4x8xf64>
  %v64s = linalg.reduce ins(%q64 : tensor<4x8xf64>) outs(%f64 : tensor<4xf64>) dimensions = [1]
    (%in: f64, %acc: f64) { %a = arith.addf %in, %acc : f64
      linalg.yield %a : f64 }
  %v64 = arith.divf %v64s, %n64u : tensor<4xf64>
  %v = arith.truncf %v64 : tensor<4xf64> to tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// torch-mlir's native_layer_norm with its mean and rstd results used
// (training graphs keep them for the backward): they are read from the
// op's results, re-expanded to the keepdim shape.
// CHECK-LABEL: func.func @torch_native_layer_norm
// CHECK-NEXT:    %[[Y:.*]], %[[MEAN:.*]], %[[RSTD:.*]] = norm.layer_norm %arg0 scale(%arg1 : tensor<8xf32>) bias(%arg2 : tensor<8xf32>) {axis = 1 : i64, epsilon = 9.9999997473787516E-6 : f64} : tensor<4x8xf32> mean(tensor<4xf32>) rstd(tensor<4xf32>)
// CHECK-DAG:     %[[R:.*]] = tensor.expand_shape %[[RSTD]] {{\[\[}}0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
// CHECK-DAG:     %[[M:.*]] = tensor.expand_shape %[[MEAN]] {{\[\[}}0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
// CHECK-NEXT:    return %[[Y]], %[[M]], %[[R]]
// WHY: remark: norm-raise: raised to norm.layer_norm; the producer's mean and rstd read from its results
#id = affine_map<(d0, d1) -> (d0, d1)>
#keep = affine_map<(d0, d1) -> (d0, 0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @torch_native_layer_norm(%x: tensor<4x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>) {
  %cst0 = arith.constant 0.000000e+00 : f32
  %n = arith.constant 8.000000e+00 : f64
  %eps = arith.constant 1.000000e-05 : f64
  %e1 = tensor.empty() : tensor<4x1xf32>
  %fill = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %sum = linalg.generic {indexing_maps = [#id, #keep], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%fill : tensor<4x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4x1xf32>
  %mean = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%sum : tensor<4x1xf32>) outs(%e1 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %t = arith.truncf %n : f64 to f32
    %d = arith.divf %in, %t : f32
    linalg.yield %d : f32
  } -> tensor<4x1xf32>
  %e2 = tensor.empty() : tensor<4x8xf32>
  %xm = linalg.generic {indexing_maps = [#id, #keep, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %mean : tensor<4x8xf32>, tensor<4x1xf32>) outs(%e2 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %s = arith.subf %a, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%xm : tensor<4x8xf32>) outs(%e2 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %a : f32
    linalg.yield %p : f32
  } -> tensor<4x8xf32>
  %vsum = linalg.generic {indexing_maps = [#id, #keep], iterator_types = ["parallel", "reduction"]} ins(%sq : tensor<4x8xf32>) outs(%fill : tensor<4x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4x1xf32>
  %rstd = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%vsum : tensor<4x1xf32>) outs(%e1 : tensor<4x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %t = arith.truncf %n : f64 to f32
    %v = arith.divf %in, %t : f32
    %te = arith.truncf %eps : f64 to f32
    %ve = arith.addf %v, %te : f32
    %r = math.rsqrt %ve : f32
    linalg.yield %r : f32
  } -> tensor<4x1xf32>
  %y = linalg.generic {indexing_maps = [#id, #keep, #col, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%xm, %rstd, %w, %b : tensor<4x8xf32>, tensor<4x1xf32>, tensor<8xf32>, tensor<8xf32>) outs(%e2 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %r: f32, %g: f32, %bb: f32, %o: f32):
    %n1 = arith.mulf %a, %r : f32
    %n2 = arith.mulf %n1, %g : f32
    %n3 = arith.addf %n2, %bb : f32
    linalg.yield %n3 : f32
  } -> tensor<4x8xf32>
  return %y, %mean, %rstd : tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x1xf32>
}

// -----

// The mean read by an op before the normalizer's end: the raised op goes
// before it. An RMS norm's rstd without keepdim, in bf16 statistics: the
// op's f32 rstd rounded to bf16 for it.
// CHECK-LABEL: func.func @statistics_read_early
// CHECK-NEXT:    %[[Y:.*]], %[[MEAN:.*]] = norm.layer_norm %arg0 {axis = 1 : i64, epsilon = 9.9999997473787516E-6 : f64} : tensor<4x8xf32> mean(tensor<4xf32>){{$}}
// CHECK-NEXT:    %[[D:.*]] = arith.mulf %[[MEAN]], %[[MEAN]] : tensor<4xf32>
// CHECK-NEXT:    %[[Z:.*]], %[[RSTD:.*]] = norm.rms_norm %arg1 {axis = 1 : i64, compute_type = f32, epsilon = 1.0013580322265625E-5 : f64} : tensor<4x8xbf16> rstd(tensor<4xf32>)
// CHECK-NEXT:    %[[R:.*]] = arith.truncf %[[RSTD]] : tensor<4xf32> to tensor<4xbf16>
// CHECK-NEXT:    return %[[Y]], %[[D]], %[[Z]], %[[R]]
func.func @statistics_read_early(%x: tensor<4x8xf32>, %h: tensor<4x8xbf16>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<4x8xbf16>, tensor<4xbf16>) {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %early = arith.mulf %m, %m : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %xm, %xm : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  // bf16 statistics
  %zb = arith.constant 0.0 : bf16
  %nb = arith.constant dense<8.0> : tensor<4xbf16>
  %epsb = arith.constant dense<1.0e-5> : tensor<4xbf16>
  %eb4 = tensor.empty() : tensor<4xbf16>
  %fb4 = linalg.fill ins(%zb : bf16) outs(%eb4 : tensor<4xbf16>) -> tensor<4xbf16>
  %eb = tensor.empty() : tensor<4x8xbf16>
  %hq = arith.mulf %h, %h : tensor<4x8xbf16>
  %hs = linalg.reduce ins(%hq : tensor<4x8xbf16>) outs(%fb4 : tensor<4xbf16>) dimensions = [1]
    (%in: bf16, %acc: bf16) { %a = arith.addf %in, %acc : bf16
      linalg.yield %a : bf16 }
  %hv = arith.divf %hs, %nb : tensor<4xbf16>
  %hve = arith.addf %hv, %epsb : tensor<4xbf16>
  %hr = math.rsqrt %hve : tensor<4xbf16>
  %hrb = linalg.broadcast ins(%hr : tensor<4xbf16>) outs(%eb : tensor<4x8xbf16>) dimensions = [1]
  %hy = arith.mulf %h, %hrb : tensor<4x8xbf16>
  return %y, %early, %hy, %hr : tensor<4x8xf32>, tensor<4xf32>, tensor<4x8xbf16>, tensor<4xbf16>
}

// -----

// The variance read outside: the op has no variance result.
// CHECK-LABEL: func.func @negative_variance_escapes
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not raised: an intermediate ('arith.divf') has other users
func.func @negative_variance_escapes(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>) {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %xm, %xm : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  return %y, %v : tensor<4x8xf32>, tensor<4xf32>
}

// -----

// torch-mlir's native_group_norm (G = 2): x viewed as [N, G, -1] (a
// collapse and an expand), the f32 mean and the f64 var of the view, the
// normalized view viewed back, the weight and bias viewed as [C, 1, 1].
// CHECK-LABEL: func.func @torch_group_norm
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4x3x3xf32>, %[[W:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>
// CHECK-NEXT:    %[[Y:.*]] = norm.group_norm %[[X]] scale(%[[W]] : tensor<4xf32>) bias(%[[B]] : tensor<4xf32>) {epsilon = 9.9999997473787516E-6 : f64, num_groups = 2 : i64} : tensor<2x4x3x3xf32>
// CHECK-NEXT:    return %[[Y]]
// WHY: remark: norm-raise: raised to norm.group_norm (a norm.layer_norm of a group view)
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#keep3 = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#w4 = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
func.func @torch_group_norm(%x: tensor<2x4x3x3xf32>, %w: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
  %z = arith.constant 0.0 : f32
  %z64 = arith.constant 0.0 : f64
  %n = arith.constant 18 : i64
  %eps = arith.constant 1.0e-5 : f64
  %flat = tensor.collapse_shape %x [[0], [1, 2, 3]] : tensor<2x4x3x3xf32> into tensor<2x36xf32>
  %xr = tensor.expand_shape %flat [[0], [1, 2]] output_shape [2, 2, 18] : tensor<2x36xf32> into tensor<2x2x18xf32>
  %ek = tensor.empty() : tensor<2x2x1xf32>
  %fk = linalg.fill ins(%z : f32) outs(%ek : tensor<2x2x1xf32>) -> tensor<2x2x1xf32>
  %s = linalg.generic {indexing_maps = [#id3, #keep3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%xr : tensor<2x2x18xf32>) outs(%fk : tensor<2x2x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<2x2x1xf32>
  %mean = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s : tensor<2x2x1xf32>) outs(%ek : tensor<2x2x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c = arith.sitofp %n : i64 to f32
    %d = arith.divf %in, %c : f32
    linalg.yield %d : f32
  } -> tensor<2x2x1xf32>
  %e64 = tensor.empty() : tensor<2x2x18xf64>
  %x64 = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%xr : tensor<2x2x18xf32>) outs(%e64 : tensor<2x2x18xf64>) {
  ^bb0(%in: f32, %o: f64):
    %e = arith.extf %in : f32 to f64
    linalg.yield %e : f64
  } -> tensor<2x2x18xf64>
  %ek64 = tensor.empty() : tensor<2x2x1xf64>
  %fk64 = linalg.fill ins(%z64 : f64) outs(%ek64 : tensor<2x2x1xf64>) -> tensor<2x2x1xf64>
  %s64 = linalg.generic {indexing_maps = [#id3, #keep3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x64 : tensor<2x2x18xf64>) outs(%fk64 : tensor<2x2x1xf64>) {
  ^bb0(%in: f64, %acc: f64):
    %a = arith.addf %in, %acc : f64
    linalg.yield %a : f64
  } -> tensor<2x2x1xf64>
  %m64 = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s64 : tensor<2x2x1xf64>) outs(%ek64 : tensor<2x2x1xf64>) {
  ^bb0(%in: f64, %o: f64):
    %c = arith.sitofp %n : i64 to f64
    %d = arith.divf %in, %c : f64
    linalg.yield %d : f64
  } -> tensor<2x2x1xf64>
  %q64 = linalg.generic {indexing_maps = [#id3, #keep3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x64, %m64 : tensor<2x2x18xf64>, tensor<2x2x1xf64>) outs(%e64 : tensor<2x2x18xf64>) {
  ^bb0(%a: f64, %m: f64, %o: f64):
    %d = arith.subf %a, %m : f64
    %sq = arith.mulf %d, %d : f64
    linalg.yield %sq : f64
  } -> tensor<2x2x18xf64>
  %v64 = linalg.generic {indexing_maps = [#id3, #keep3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%q64 : tensor<2x2x18xf64>) outs(%fk64 : tensor<2x2x1xf64>) {
  ^bb0(%in: f64, %acc: f64):
    %a = arith.addf %in, %acc : f64
    linalg.yield %a : f64
  } -> tensor<2x2x1xf64>
  %var = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v64 : tensor<2x2x1xf64>) outs(%ek : tensor<2x2x1xf32>) {
  ^bb0(%in: f64, %o: f32):
    %c = arith.sitofp %n : i64 to f64
    %d = arith.divf %in, %c : f64
    %t = arith.truncf %d : f64 to f32
    linalg.yield %t : f32
  } -> tensor<2x2x1xf32>
  %rstd = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%var : tensor<2x2x1xf32>) outs(%ek : tensor<2x2x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %t = arith.truncf %eps : f64 to f32
    %a = arith.addf %in, %t : f32
    %r = math.rsqrt %a : f32
    linalg.yield %r : f32
  } -> tensor<2x2x1xf32>
  %ev = tensor.empty() : tensor<2x2x18xf32>
  %nv = linalg.generic {indexing_maps = [#id3, #keep3, #keep3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%xr, %mean, %rstd : tensor<2x2x18xf32>, tensor<2x2x1xf32>, tensor<2x2x1xf32>) outs(%ev : tensor<2x2x18xf32>) {
  ^bb0(%a: f32, %m: f32, %r: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    %nn = arith.mulf %d, %r : f32
    linalg.yield %nn : f32
  } -> tensor<2x2x18xf32>
  %nflat = tensor.collapse_shape %nv [[0], [1, 2]] : tensor<2x2x18xf32> into tensor<2x36xf32>
  %nx = tensor.expand_shape %nflat [[0], [1, 2, 3]] output_shape [2, 4, 3, 3] : tensor<2x36xf32> into tensor<2x4x3x3xf32>
  %wv = tensor.expand_shape %w [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %bv = tensor.expand_shape %b [[0, 1, 2]] output_shape [4, 1, 1] : tensor<4xf32> into tensor<4x1x1xf32>
  %e = tensor.empty() : tensor<2x4x3x3xf32>
  %xw = linalg.generic {indexing_maps = [#id4, #w4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%nx, %wv : tensor<2x4x3x3xf32>, tensor<4x1x1xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %g: f32, %o: f32):
    %m = arith.mulf %a, %g : f32
    linalg.yield %m : f32
  } -> tensor<2x4x3x3xf32>
  %y = linalg.generic {indexing_maps = [#id4, #w4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%xw, %bv : tensor<2x4x3x3xf32>, tensor<4x1x1xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %sb = arith.addf %a, %bb : f32
    linalg.yield %sb : f32
  } -> tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// A view [N, 3, 12] of 4 channels: a group of the view holds parts of two
// channels, no group norm. The layer norm of the view stays one, the
// affine after the view back stays unfused.
// CHECK-LABEL: func.func @negative_group_view_splits_channels
// CHECK:         norm.layer_norm %{{.*}} {axis = 2 : i64, epsilon = 9.9999997473787516E-6 : f64} : tensor<2x3x12xf32>
// CHECK-NOT:     norm.group_norm
// CHECK:         arith.mulf
func.func @negative_group_view_splits_channels(%x: tensor<2x4x3x3xf32>, %w: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<12.0> : tensor<2x3xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<2x3xf32>
  %flat = tensor.collapse_shape %x [[0], [1, 2, 3]] : tensor<2x4x3x3xf32> into tensor<2x36xf32>
  %xr = tensor.expand_shape %flat [[0], [1, 2]] output_shape [2, 3, 12] : tensor<2x36xf32> into tensor<2x3x12xf32>
  %e2 = tensor.empty() : tensor<2x3xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %ev = tensor.empty() : tensor<2x3x12xf32>
  %s = linalg.reduce ins(%xr : tensor<2x3x12xf32>) outs(%f2 : tensor<2x3xf32>) dimensions = [2]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<2x3xf32>
  %mb = linalg.broadcast ins(%m : tensor<2x3xf32>) outs(%ev : tensor<2x3x12xf32>) dimensions = [2]
  %xm = arith.subf %xr, %mb : tensor<2x3x12xf32>
  %sq = arith.mulf %xm, %xm : tensor<2x3x12xf32>
  %vs = linalg.reduce ins(%sq : tensor<2x3x12xf32>) outs(%f2 : tensor<2x3xf32>) dimensions = [2]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<2x3xf32>
  %ve = arith.addf %v, %eps : tensor<2x3xf32>
  %r = math.rsqrt %ve : tensor<2x3xf32>
  %rb = linalg.broadcast ins(%r : tensor<2x3xf32>) outs(%ev : tensor<2x3x12xf32>) dimensions = [2]
  %nv = arith.mulf %xm, %rb : tensor<2x3x12xf32>
  %nflat = tensor.collapse_shape %nv [[0], [1, 2]] : tensor<2x3x12xf32> into tensor<2x36xf32>
  %nx = tensor.expand_shape %nflat [[0], [1, 2, 3]] output_shape [2, 4, 3, 3] : tensor<2x36xf32> into tensor<2x4x3x3xf32>
  %e = tensor.empty() : tensor<2x4x3x3xf32>
  %wb = linalg.broadcast ins(%w : tensor<4xf32>) outs(%e : tensor<2x4x3x3xf32>) dimensions = [0, 2, 3]
  %y = arith.mulf %nx, %wb : tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// The group view's normalized value used as the view (not viewed back):
// a layer norm of the view, no group norm.
// CHECK-LABEL: func.func @negative_group_view_not_viewed_back
// CHECK:         norm.layer_norm %{{.*}} : tensor<2x2x18xf32>
// CHECK-NOT:     norm.group_norm
func.func @negative_group_view_not_viewed_back(%x: tensor<2x4x3x3xf32>) -> tensor<2x2x18xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<18.0> : tensor<2x2xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<2x2xf32>
  %flat = tensor.collapse_shape %x [[0], [1, 2, 3]] : tensor<2x4x3x3xf32> into tensor<2x36xf32>
  %xr = tensor.expand_shape %flat [[0], [1, 2]] output_shape [2, 2, 18] : tensor<2x36xf32> into tensor<2x2x18xf32>
  %e2 = tensor.empty() : tensor<2x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %ev = tensor.empty() : tensor<2x2x18xf32>
  %s = linalg.reduce ins(%xr : tensor<2x2x18xf32>) outs(%f2 : tensor<2x2xf32>) dimensions = [2]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<2x2xf32>
  %mb = linalg.broadcast ins(%m : tensor<2x2xf32>) outs(%ev : tensor<2x2x18xf32>) dimensions = [2]
  %xm = arith.subf %xr, %mb : tensor<2x2x18xf32>
  %sq = arith.mulf %xm, %xm : tensor<2x2x18xf32>
  %vs = linalg.reduce ins(%sq : tensor<2x2x18xf32>) outs(%f2 : tensor<2x2xf32>) dimensions = [2]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<2x2xf32>
  %ve = arith.addf %v, %eps : tensor<2x2xf32>
  %r = math.rsqrt %ve : tensor<2x2xf32>
  %rb = linalg.broadcast ins(%r : tensor<2x2xf32>) outs(%ev : tensor<2x2x18xf32>) dimensions = [2]
  %nv = arith.mulf %xm, %rb : tensor<2x2x18xf32>
  return %nv : tensor<2x2x18xf32>
}

// -----

// Keras' inference BatchNormalization (tf.nn.batch_normalization), NHWC:
// inv = rsqrt(var + eps) * gamma per channel, y = x * inv + (beta - mean *
// inv).
// CHECK-LABEL: func.func @keras_folded_batch_norm
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3x3x4xf32>, %[[G:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>, %[[M:[^:]*]]: tensor<4xf32>, %[[V:[^:]*]]: tensor<4xf32>
// CHECK-NEXT:    %[[Y:[^,]*]], {{.*}} = norm.batch_norm eval %[[X]], %[[G]], %[[B]], %[[M]], %[[V]] {channel_axis = 3 : i64, epsilon = 0.0010000000474974513 : f64}
// CHECK-NEXT:    return %[[Y]]
func.func @keras_folded_batch_norm(%x: tensor<2x3x3x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %rm: tensor<4xf32>, %rv: tensor<4xf32>) -> tensor<2x3x3x4xf32> {
  %eps = arith.constant dense<1.0e-3> : tensor<4xf32>
  %ve = arith.addf %rv, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %inv = arith.mulf %r, %g : tensor<4xf32>
  %mi = arith.mulf %rm, %inv : tensor<4xf32>
  %shift = arith.subf %b, %mi : tensor<4xf32>
  %e = tensor.empty() : tensor<2x3x3x4xf32>
  %ib = linalg.broadcast ins(%inv : tensor<4xf32>) outs(%e : tensor<2x3x3x4xf32>) dimensions = [0, 1, 2]
  %sb = linalg.broadcast ins(%shift : tensor<4xf32>) outs(%e : tensor<2x3x3x4xf32>) dimensions = [0, 1, 2]
  %xi = arith.mulf %x, %ib : tensor<2x3x3x4xf32>
  %y = arith.addf %xi, %sb : tensor<2x3x3x4xf32>
  return %y : tensor<2x3x3x4xf32>
}

// -----

// XLA's batchnorm expander for inference, NCHW, without gamma and beta:
// x * rsqrt(var + eps) + -(mean * rsqrt(var + eps)), in one generic.
// CHECK-LABEL: func.func @xla_folded_batch_norm
// CHECK:         norm.batch_norm eval %arg0, {{.*}}, %arg1, %arg2 {epsilon = 9.9999997473787516E-6 : f64}
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#c4 = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @xla_folded_batch_norm(%x: tensor<2x4x3x3xf32>, %rm: tensor<4xf32>, %rv: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
  %eps = arith.constant 1.0e-5 : f32
  %e = tensor.empty() : tensor<2x4x3x3xf32>
  %y = linalg.generic {indexing_maps = [#id4, #c4, #c4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %rm, %rv : tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %m: f32, %v: f32, %o: f32):
    %ve = arith.addf %v, %eps : f32
    %r = math.rsqrt %ve : f32
    %xr = arith.mulf %a, %r : f32
    %mr = arith.mulf %m, %r : f32
    %sh = arith.negf %mr : f32
    %out = arith.addf %xr, %sh : f32
    linalg.yield %out : f32
  } -> tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// The shift multiplies the mean by another rsqrt (another epsilon) than
// the input: not a batch norm.
// CHECK-LABEL: func.func @negative_folded_batch_norm_other_factor
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: linalg.generic: not a normalizer: the shift of a folded batch norm multiplies the mean by another factor than the input
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#c4 = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @negative_folded_batch_norm_other_factor(%x: tensor<2x4x3x3xf32>, %rm: tensor<4xf32>, %rv: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
  %eps = arith.constant 1.0e-5 : f32
  %eps2 = arith.constant 1.0e-3 : f32
  %e = tensor.empty() : tensor<2x4x3x3xf32>
  %y = linalg.generic {indexing_maps = [#id4, #c4, #c4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %rm, %rv : tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %m: f32, %v: f32, %o: f32):
    %ve = arith.addf %v, %eps : f32
    %r = math.rsqrt %ve : f32
    %ve2 = arith.addf %v, %eps2 : f32
    %r2 = math.rsqrt %ve2 : f32
    %xr = arith.mulf %a, %r : f32
    %mr = arith.mulf %m, %r2 : f32
    %sh = arith.negf %mr : f32
    %out = arith.addf %xr, %sh : f32
    linalg.yield %out : f32
  } -> tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// torch-mlir's training batch norm with a dynamic batch: the counts are
// products of tensor.dim (of x, and of its f64 extension for the var),
// index_cast and muli, converted in the body.
// CHECK-LABEL: func.func @torch_batch_norm_dynamic_batch
// CHECK-SAME:    %[[X:[^:]*]]: tensor<?x4x3x3xf32>
// CHECK:         %[[Y:[^,]*]], {{.*}} = norm.batch_norm train %[[X]], {{.*}} {epsilon = 9.9999997473787516E-6 : f64} : tensor<?x4x3x3xf32>, params tensor<4xf32>, stats tensor<4xf32>
// CHECK-NEXT:    return %[[Y]]
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#c4 = affine_map<(d0, d1, d2, d3) -> (d1)>
#i1 = affine_map<(d0) -> (d0)>
func.func @torch_batch_norm_dynamic_batch(%x: tensor<?x4x3x3xf32>) -> tensor<?x4x3x3xf32> {
  %z = arith.constant 0.0 : f32
  %z64 = arith.constant 0.0 : f64
  %c0 = arith.constant 0 : index
  %c9 = arith.constant 9 : i64
  %eps = arith.constant 1.0e-5 : f64
  %d = tensor.dim %x, %c0 : tensor<?x4x3x3xf32>
  %di = arith.index_cast %d : index to i64
  %n = arith.muli %di, %c9 : i64
  %ec = tensor.empty() : tensor<4xf32>
  %fc = linalg.fill ins(%z : f32) outs(%ec : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#id4, #c4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%x : tensor<?x4x3x3xf32>) outs(%fc : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %mean = linalg.generic {indexing_maps = [#i1, #i1], iterator_types = ["parallel"]} ins(%s : tensor<4xf32>) outs(%ec : tensor<4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c = arith.sitofp %n : i64 to f32
    %q = arith.divf %in, %c : f32
    linalg.yield %q : f32
  } -> tensor<4xf32>
  %e64 = tensor.empty(%d) : tensor<?x4x3x3xf64>
  %x64 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x4x3x3xf32>) outs(%e64 : tensor<?x4x3x3xf64>) {
  ^bb0(%in: f32, %o: f64):
    %w = arith.extf %in : f32 to f64
    linalg.yield %w : f64
  } -> tensor<?x4x3x3xf64>
  %d64 = tensor.dim %x64, %c0 : tensor<?x4x3x3xf64>
  %d64i = arith.index_cast %d64 : index to i64
  %n64 = arith.muli %d64i, %c9 : i64
  %e4 = tensor.empty() : tensor<4xf64>
  %f4 = linalg.fill ins(%z64 : f64) outs(%e4 : tensor<4xf64>) -> tensor<4xf64>
  %s64 = linalg.generic {indexing_maps = [#id4, #c4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%x64 : tensor<?x4x3x3xf64>) outs(%f4 : tensor<4xf64>) {
  ^bb0(%in: f64, %acc: f64):
    %a = arith.addf %in, %acc : f64
    linalg.yield %a : f64
  } -> tensor<4xf64>
  %m64 = linalg.generic {indexing_maps = [#i1, #i1], iterator_types = ["parallel"]} ins(%s64 : tensor<4xf64>) outs(%e4 : tensor<4xf64>) {
  ^bb0(%in: f64, %o: f64):
    %c = arith.sitofp %n64 : i64 to f64
    %q = arith.divf %in, %c : f64
    linalg.yield %q : f64
  } -> tensor<4xf64>
  %q64 = linalg.generic {indexing_maps = [#id4, #c4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x64, %m64 : tensor<?x4x3x3xf64>, tensor<4xf64>) outs(%e64 : tensor<?x4x3x3xf64>) {
  ^bb0(%a: f64, %m: f64, %o: f64):
    %df = arith.subf %a, %m : f64
    %sq = arith.mulf %df, %df : f64
    linalg.yield %sq : f64
  } -> tensor<?x4x3x3xf64>
  %v64 = linalg.generic {indexing_maps = [#id4, #c4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%q64 : tensor<?x4x3x3xf64>) outs(%f4 : tensor<4xf64>) {
  ^bb0(%in: f64, %acc: f64):
    %a = arith.addf %in, %acc : f64
    linalg.yield %a : f64
  } -> tensor<4xf64>
  %rstd = linalg.generic {indexing_maps = [#i1, #i1], iterator_types = ["parallel"]} ins(%v64 : tensor<4xf64>) outs(%ec : tensor<4xf32>) {
  ^bb0(%in: f64, %o: f32):
    %c = arith.sitofp %n64 : i64 to f64
    %q = arith.divf %in, %c : f64
    %t = arith.truncf %q : f64 to f32
    %te = arith.truncf %eps : f64 to f32
    %a = arith.addf %t, %te : f32
    %r = math.rsqrt %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %e = tensor.empty(%d) : tensor<?x4x3x3xf32>
  %y = linalg.generic {indexing_maps = [#id4, #c4, #c4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %mean, %rstd : tensor<?x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<?x4x3x3xf32>) {
  ^bb0(%a: f32, %m: f32, %r: f32, %o: f32):
    %df = arith.subf %a, %m : f32
    %nn = arith.mulf %df, %r : f32
    linalg.yield %nn : f32
  } -> tensor<?x4x3x3xf32>
  return %y : tensor<?x4x3x3xf32>
}

// -----

// The count is the batch of another tensor of the same type: nothing ties
// it to the normalized one.
// CHECK-LABEL: func.func @negative_count_of_another_tensor
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: linalg.generic: not a normalizer: a statistic is divided by the size of another tensor than the normalized one
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#c2 = affine_map<(d0, d1) -> (d1)>
func.func @negative_count_of_another_tensor(%x: tensor<?x4xf32>, %other: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %eps = arith.constant 1.0e-5 : f32
  %d = tensor.dim %other, %c0 : tensor<?x4xf32>
  %dx = tensor.dim %x, %c0 : tensor<?x4xf32>
  %n = arith.index_cast %d : index to i64
  %ec = tensor.empty() : tensor<4xf32>
  %fc = linalg.fill ins(%z : f32) outs(%ec : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#id2, #c2], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<?x4xf32>) outs(%fc : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %e = tensor.empty(%dx) : tensor<?x4xf32>
  %xm = linalg.generic {indexing_maps = [#id2, #c2, #id2], iterator_types = ["parallel", "parallel"]} ins(%x, %s : tensor<?x4xf32>, tensor<4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %c = arith.sitofp %n : i64 to f32
    %mm = arith.divf %m, %c : f32
    %df = arith.subf %a, %mm : f32
    linalg.yield %df : f32
  } -> tensor<?x4xf32>
  %vs = linalg.generic {indexing_maps = [#id2, #c2], iterator_types = ["reduction", "parallel"]} ins(%xm : tensor<?x4xf32>) outs(%fc : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %sq = arith.mulf %in, %in : f32
    %a = arith.addf %sq, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id2, #c2, #id2], iterator_types = ["parallel", "parallel"]} ins(%xm, %vs : tensor<?x4xf32>, tensor<4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %c = arith.sitofp %n : i64 to f32
    %var = arith.divf %v, %c : f32
    %ve = arith.addf %var, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %a, %r : f32
    linalg.yield %nn : f32
  } -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// PyTorch's native_batch_norm decomposition (torch._decomp, functional)
// in training mode: the keepdim batch mean and variance squeezed, the
// running statistics updated with momentum 0.1, the variance made unbiased
// by n / (n - 1) = 18 / 17; add.Tensor's alpha of 1. The updates are the
// op's new running statistics.
// CHECK-LABEL: func.func @decomp_batch_norm_train_update
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4x3x3xf32>, %[[W:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>, %[[RM:[^:]*]]: tensor<4xf32>, %[[RV:[^:]*]]: tensor<4xf32>
// CHECK-NEXT:    %[[Y:[^,]*]], %[[NRM:[^,]*]], %[[NRV:[^ ]*]] = norm.batch_norm train %[[X]], %[[W]], %[[B]], %[[RM]], %[[RV]] {epsilon = 9.9999997473787516E-6 : f64, momentum = 0.10000000149011612 : f64}
// CHECK-NEXT:    return %[[Y]], %[[NRM]], %[[NRV]]
// WHY: remark: norm-raise: raised to norm.batch_norm; the running mean and variance updated by it
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#u4 = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#c4 = affine_map<(d0, d1, d2, d3) -> (d1)>
#i1 = affine_map<(d0) -> (d0)>
func.func @decomp_batch_norm_train_update(%x: tensor<2x4x3x3xf32>, %w: tensor<4xf32>, %b: tensor<4xf32>, %rm: tensor<4xf32>, %rv: tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 18.0 : f64
  %eps = arith.constant 1.0e-5 : f64
  %mom = arith.constant 0.1 : f64
  %keep = arith.constant 0.9 : f64
  %corr = arith.constant 1.0588235294117647 : f64
  %one = arith.constant 1.0 : f64
  %ek = tensor.empty() : tensor<1x4x1x1xf32>
  %fk = linalg.fill ins(%z : f32) outs(%ek : tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  %s = linalg.generic {indexing_maps = [#id4, #u4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%x : tensor<2x4x3x3xf32>) outs(%fk : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<1x4x1x1xf32>
  %mean = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x4x1x1xf32>) outs(%ek : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c = arith.truncf %n : f64 to f32
    %q = arith.divf %in, %c : f32
    linalg.yield %q : f32
  } -> tensor<1x4x1x1xf32>
  %e = tensor.empty() : tensor<2x4x3x3xf32>
  %xm = linalg.generic {indexing_maps = [#id4, #u4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %mean : tensor<2x4x3x3xf32>, tensor<1x4x1x1xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    linalg.yield %d : f32
  } -> tensor<2x4x3x3xf32>
  %vs = linalg.generic {indexing_maps = [#id4, #u4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%xm : tensor<2x4x3x3xf32>) outs(%fk : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %sq = arith.mulf %in, %in : f32
    %a = arith.addf %sq, %acc : f32
    linalg.yield %a : f32
  } -> tensor<1x4x1x1xf32>
  %var = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%vs : tensor<1x4x1x1xf32>) outs(%ek : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c = arith.truncf %n : f64 to f32
    %q = arith.divf %in, %c : f32
    linalg.yield %q : f32
  } -> tensor<1x4x1x1xf32>
  %y = linalg.generic {indexing_maps = [#id4, #u4, #c4, #c4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%xm, %var, %w, %b : tensor<2x4x3x3xf32>, tensor<1x4x1x1xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %v: f32, %g: f32, %bb: f32, %o: f32):
    %te = arith.truncf %eps : f64 to f32
    %ve = arith.addf %v, %te : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %a, %r : f32
    %sc = arith.mulf %nn, %g : f32
    %out = arith.addf %sc, %bb : f32
    linalg.yield %out : f32
  } -> tensor<2x4x3x3xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %sm = tensor.collapse_shape %mean [[0, 1, 2, 3]] : tensor<1x4x1x1xf32> into tensor<4xf32>
  %nrm = linalg.generic {indexing_maps = [#i1, #i1, #i1], iterator_types = ["parallel"]} ins(%sm, %rm : tensor<4xf32>, tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%m: f32, %r: f32, %o: f32):
    %tm = arith.truncf %mom : f64 to f32
    %tk = arith.truncf %keep : f64 to f32
    %t1 = arith.truncf %one : f64 to f32
    %a = arith.mulf %m, %tm : f32
    %k = arith.mulf %r, %tk : f32
    %k1 = arith.mulf %k, %t1 : f32
    %sum = arith.addf %a, %k1 : f32
    linalg.yield %sum : f32
  } -> tensor<4xf32>
  %sv = tensor.collapse_shape %var [[0, 1, 2, 3]] : tensor<1x4x1x1xf32> into tensor<4xf32>
  %uv = linalg.generic {indexing_maps = [#i1, #i1], iterator_types = ["parallel"]} ins(%sv : tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %tc = arith.truncf %corr : f64 to f32
    %u = arith.mulf %v, %tc : f32
    linalg.yield %u : f32
  } -> tensor<4xf32>
  %nrv = linalg.generic {indexing_maps = [#i1, #i1, #i1], iterator_types = ["parallel"]} ins(%uv, %rv : tensor<4xf32>, tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%u: f32, %r: f32, %o: f32):
    %tm = arith.truncf %mom : f64 to f32
    %tk = arith.truncf %keep : f64 to f32
    %a = arith.mulf %u, %tm : f32
    %k = arith.mulf %r, %tk : f32
    %sum = arith.addf %a, %k : f32
    linalg.yield %sum : f32
  } -> tensor<4xf32>
  return %y, %nrm, %nrv : tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// The running variance updated with a variance corrected by n / (n - 2)
// (correction = 2), not the op's n / (n - 1): the variance has another
// user, the normalizer stays.
// CHECK-LABEL: func.func @negative_update_of_the_biased_variance
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: linalg.generic: not raised: an intermediate ('linalg.generic') has other users
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#u4 = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#c4 = affine_map<(d0, d1, d2, d3) -> (d1)>
#i1 = affine_map<(d0) -> (d0)>
func.func @negative_update_of_the_biased_variance(%x: tensor<2x4x3x3xf32>, %w: tensor<4xf32>, %b: tensor<4xf32>, %rm: tensor<4xf32>, %rv: tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 18.0 : f64
  %eps = arith.constant 1.0e-5 : f64
  %mom = arith.constant 0.1 : f64
  %keep = arith.constant 0.9 : f64
  %corr = arith.constant 1.0588235294117647 : f64
  %corr2 = arith.constant 1.125 : f64
  %one = arith.constant 1.0 : f64
  %ek = tensor.empty() : tensor<1x4x1x1xf32>
  %fk = linalg.fill ins(%z : f32) outs(%ek : tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  %s = linalg.generic {indexing_maps = [#id4, #u4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%x : tensor<2x4x3x3xf32>) outs(%fk : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<1x4x1x1xf32>
  %mean = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x4x1x1xf32>) outs(%ek : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c = arith.truncf %n : f64 to f32
    %q = arith.divf %in, %c : f32
    linalg.yield %q : f32
  } -> tensor<1x4x1x1xf32>
  %e = tensor.empty() : tensor<2x4x3x3xf32>
  %xm = linalg.generic {indexing_maps = [#id4, #u4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %mean : tensor<2x4x3x3xf32>, tensor<1x4x1x1xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    linalg.yield %d : f32
  } -> tensor<2x4x3x3xf32>
  %vs = linalg.generic {indexing_maps = [#id4, #u4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%xm : tensor<2x4x3x3xf32>) outs(%fk : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %sq = arith.mulf %in, %in : f32
    %a = arith.addf %sq, %acc : f32
    linalg.yield %a : f32
  } -> tensor<1x4x1x1xf32>
  %var = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%vs : tensor<1x4x1x1xf32>) outs(%ek : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c = arith.truncf %n : f64 to f32
    %q = arith.divf %in, %c : f32
    linalg.yield %q : f32
  } -> tensor<1x4x1x1xf32>
  %y = linalg.generic {indexing_maps = [#id4, #u4, #c4, #c4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%xm, %var, %w, %b : tensor<2x4x3x3xf32>, tensor<1x4x1x1xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %v: f32, %g: f32, %bb: f32, %o: f32):
    %te = arith.truncf %eps : f64 to f32
    %ve = arith.addf %v, %te : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %a, %r : f32
    %sc = arith.mulf %nn, %g : f32
    %out = arith.addf %sc, %bb : f32
    linalg.yield %out : f32
  } -> tensor<2x4x3x3xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %sm = tensor.collapse_shape %mean [[0, 1, 2, 3]] : tensor<1x4x1x1xf32> into tensor<4xf32>
  %nrm = linalg.generic {indexing_maps = [#i1, #i1, #i1], iterator_types = ["parallel"]} ins(%sm, %rm : tensor<4xf32>, tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%m: f32, %r: f32, %o: f32):
    %tm = arith.truncf %mom : f64 to f32
    %tk = arith.truncf %keep : f64 to f32
    %t1 = arith.truncf %one : f64 to f32
    %a = arith.mulf %m, %tm : f32
    %k = arith.mulf %r, %tk : f32
    %k1 = arith.mulf %k, %t1 : f32
    %sum = arith.addf %a, %k1 : f32
    linalg.yield %sum : f32
  } -> tensor<4xf32>
  %sv = tensor.collapse_shape %var [[0, 1, 2, 3]] : tensor<1x4x1x1xf32> into tensor<4xf32>
  %uv = linalg.generic {indexing_maps = [#i1, #i1], iterator_types = ["parallel"]} ins(%sv : tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %tc = arith.truncf %corr2 : f64 to f32
    %u = arith.mulf %v, %tc : f32
    linalg.yield %u : f32
  } -> tensor<4xf32>
  %nrv = linalg.generic {indexing_maps = [#i1, #i1, #i1], iterator_types = ["parallel"]} ins(%uv, %rv : tensor<4xf32>, tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%u: f32, %r: f32, %o: f32):
    %tm = arith.truncf %mom : f64 to f32
    %tk = arith.truncf %keep : f64 to f32
    %a = arith.mulf %u, %tm : f32
    %k = arith.mulf %r, %tk : f32
    %sum = arith.addf %a, %k : f32
    linalg.yield %sum : f32
  } -> tensor<4xf32>
  return %y, %nrm, %nrv : tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// 0.1 * mean + 0.8 * running_mean is no update (0.1 + 0.8 != 1): it stays,
// reading the op's saved mean; the variance's update is the op's.
// CHECK-LABEL: func.func @update_momenta_not_complementary
// CHECK:         %[[Y:[^,]*]], %{{[^,]*}}, %[[NRV:[^,]*]], %[[MEAN:[^ ]*]] = norm.batch_norm train {{.*}} saved_mean(tensor<4xf32>)
// CHECK:         %[[KEEP:.*]] = tensor.expand_shape %[[MEAN]]
// CHECK:         %[[SQUEEZED:.*]] = tensor.collapse_shape %[[KEEP]]
// CHECK:         %[[NRM:.*]] = linalg.generic {{.*}} ins(%[[SQUEEZED]], %arg3
// CHECK:         return %[[Y]], %[[NRM]], %[[NRV]]
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#u4 = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#c4 = affine_map<(d0, d1, d2, d3) -> (d1)>
#i1 = affine_map<(d0) -> (d0)>
func.func @update_momenta_not_complementary(%x: tensor<2x4x3x3xf32>, %w: tensor<4xf32>, %b: tensor<4xf32>, %rm: tensor<4xf32>, %rv: tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 18.0 : f64
  %eps = arith.constant 1.0e-5 : f64
  %mom = arith.constant 0.1 : f64
  %keep = arith.constant 0.9 : f64
  %keep8 = arith.constant 0.8 : f64
  %corr = arith.constant 1.0588235294117647 : f64
  %one = arith.constant 1.0 : f64
  %ek = tensor.empty() : tensor<1x4x1x1xf32>
  %fk = linalg.fill ins(%z : f32) outs(%ek : tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  %s = linalg.generic {indexing_maps = [#id4, #u4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%x : tensor<2x4x3x3xf32>) outs(%fk : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<1x4x1x1xf32>
  %mean = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x4x1x1xf32>) outs(%ek : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c = arith.truncf %n : f64 to f32
    %q = arith.divf %in, %c : f32
    linalg.yield %q : f32
  } -> tensor<1x4x1x1xf32>
  %e = tensor.empty() : tensor<2x4x3x3xf32>
  %xm = linalg.generic {indexing_maps = [#id4, #u4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %mean : tensor<2x4x3x3xf32>, tensor<1x4x1x1xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    linalg.yield %d : f32
  } -> tensor<2x4x3x3xf32>
  %vs = linalg.generic {indexing_maps = [#id4, #u4], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%xm : tensor<2x4x3x3xf32>) outs(%fk : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %sq = arith.mulf %in, %in : f32
    %a = arith.addf %sq, %acc : f32
    linalg.yield %a : f32
  } -> tensor<1x4x1x1xf32>
  %var = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%vs : tensor<1x4x1x1xf32>) outs(%ek : tensor<1x4x1x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c = arith.truncf %n : f64 to f32
    %q = arith.divf %in, %c : f32
    linalg.yield %q : f32
  } -> tensor<1x4x1x1xf32>
  %y = linalg.generic {indexing_maps = [#id4, #u4, #c4, #c4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%xm, %var, %w, %b : tensor<2x4x3x3xf32>, tensor<1x4x1x1xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %v: f32, %g: f32, %bb: f32, %o: f32):
    %te = arith.truncf %eps : f64 to f32
    %ve = arith.addf %v, %te : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %a, %r : f32
    %sc = arith.mulf %nn, %g : f32
    %out = arith.addf %sc, %bb : f32
    linalg.yield %out : f32
  } -> tensor<2x4x3x3xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %sm = tensor.collapse_shape %mean [[0, 1, 2, 3]] : tensor<1x4x1x1xf32> into tensor<4xf32>
  %nrm = linalg.generic {indexing_maps = [#i1, #i1, #i1], iterator_types = ["parallel"]} ins(%sm, %rm : tensor<4xf32>, tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%m: f32, %r: f32, %o: f32):
    %tm = arith.truncf %mom : f64 to f32
    %tk = arith.truncf %keep8 : f64 to f32
    %t1 = arith.truncf %one : f64 to f32
    %a = arith.mulf %m, %tm : f32
    %k = arith.mulf %r, %tk : f32
    %k1 = arith.mulf %k, %t1 : f32
    %sum = arith.addf %a, %k1 : f32
    linalg.yield %sum : f32
  } -> tensor<4xf32>
  %sv = tensor.collapse_shape %var [[0, 1, 2, 3]] : tensor<1x4x1x1xf32> into tensor<4xf32>
  %uv = linalg.generic {indexing_maps = [#i1, #i1], iterator_types = ["parallel"]} ins(%sv : tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %tc = arith.truncf %corr : f64 to f32
    %u = arith.mulf %v, %tc : f32
    linalg.yield %u : f32
  } -> tensor<4xf32>
  %nrv = linalg.generic {indexing_maps = [#i1, #i1, #i1], iterator_types = ["parallel"]} ins(%uv, %rv : tensor<4xf32>, tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%u: f32, %r: f32, %o: f32):
    %tm = arith.truncf %mom : f64 to f32
    %tk = arith.truncf %keep : f64 to f32
    %a = arith.mulf %u, %tm : f32
    %k = arith.mulf %r, %tk : f32
    %sum = arith.addf %a, %k : f32
    linalg.yield %sum : f32
  } -> tensor<4xf32>
  return %y, %nrm, %nrv : tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// ATen's instance_norm without affine: a training batch norm (no running
// statistics) of the view [1, N * C, H, W], viewed back: a group norm of x
// with G = C (here as torch-mlir lowers the views, a collapse and an
// expand each way).
// CHECK-LABEL: func.func @aten_instance_norm_view
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4x3x3xf32>
// CHECK-NEXT:    %[[Y:.*]] = norm.group_norm %[[X]] {epsilon = 9.9999997473787516E-6 : f64, num_groups = 4 : i64} : tensor<2x4x3x3xf32>
// CHECK-NEXT:    return %[[Y]]
// WHY: remark: norm-raise: raised to norm.group_norm (a norm.batch_norm of a group view)
func.func @aten_instance_norm_view(%x: tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<9.0> : tensor<8xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<8xf32>
  %flat = tensor.collapse_shape %x [[0, 1], [2], [3]] : tensor<2x4x3x3xf32> into tensor<8x3x3xf32>
  %v = tensor.expand_shape %flat [[0, 1], [2], [3]] output_shape [1, 8, 3, 3] : tensor<8x3x3xf32> into tensor<1x8x3x3xf32>
  %e8 = tensor.empty() : tensor<8xf32>
  %f8 = linalg.fill ins(%z : f32) outs(%e8 : tensor<8xf32>) -> tensor<8xf32>
  %ev = tensor.empty() : tensor<1x8x3x3xf32>
  %s = linalg.reduce ins(%v : tensor<1x8x3x3xf32>) outs(%f8 : tensor<8xf32>) dimensions = [0, 2, 3]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<8xf32>
  %mb = linalg.broadcast ins(%m : tensor<8xf32>) outs(%ev : tensor<1x8x3x3xf32>) dimensions = [0, 2, 3]
  %xm = arith.subf %v, %mb : tensor<1x8x3x3xf32>
  %sq = arith.mulf %xm, %xm : tensor<1x8x3x3xf32>
  %vs = linalg.reduce ins(%sq : tensor<1x8x3x3xf32>) outs(%f8 : tensor<8xf32>) dimensions = [0, 2, 3]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %var = arith.divf %vs, %n : tensor<8xf32>
  %ve = arith.addf %var, %eps : tensor<8xf32>
  %r = math.rsqrt %ve : tensor<8xf32>
  %rb = linalg.broadcast ins(%r : tensor<8xf32>) outs(%ev : tensor<1x8x3x3xf32>) dimensions = [0, 2, 3]
  %nv = arith.mulf %xm, %rb : tensor<1x8x3x3xf32>
  %back = tensor.collapse_shape %nv [[0, 1], [2], [3]] : tensor<1x8x3x3xf32> into tensor<8x3x3xf32>
  %y = tensor.expand_shape %back [[0, 1], [2], [3]] output_shape [2, 4, 3, 3] : tensor<8x3x3xf32> into tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// A batch norm of the view [1, 6, 12] of [2, 4, 3, 3]: each view channel
// holds 12 elements, a channel and a third of the next; no group norm.
// CHECK-LABEL: func.func @negative_batch_norm_view_splits_channels
// CHECK:         norm.batch_norm train
// CHECK-NOT:     norm.group_norm
func.func @negative_batch_norm_view_splits_channels(%x: tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<12.0> : tensor<6xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<6xf32>
  %flat = tensor.collapse_shape %x [[0, 1, 2, 3]] : tensor<2x4x3x3xf32> into tensor<72xf32>
  %v = tensor.expand_shape %flat [[0, 1, 2]] output_shape [1, 6, 12] : tensor<72xf32> into tensor<1x6x12xf32>
  %e6 = tensor.empty() : tensor<6xf32>
  %f6 = linalg.fill ins(%z : f32) outs(%e6 : tensor<6xf32>) -> tensor<6xf32>
  %ev = tensor.empty() : tensor<1x6x12xf32>
  %s = linalg.reduce ins(%v : tensor<1x6x12xf32>) outs(%f6 : tensor<6xf32>) dimensions = [0, 2]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<6xf32>
  %mb = linalg.broadcast ins(%m : tensor<6xf32>) outs(%ev : tensor<1x6x12xf32>) dimensions = [0, 2]
  %xm = arith.subf %v, %mb : tensor<1x6x12xf32>
  %sq = arith.mulf %xm, %xm : tensor<1x6x12xf32>
  %vs = linalg.reduce ins(%sq : tensor<1x6x12xf32>) outs(%f6 : tensor<6xf32>) dimensions = [0, 2]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %var = arith.divf %vs, %n : tensor<6xf32>
  %ve = arith.addf %var, %eps : tensor<6xf32>
  %r = math.rsqrt %ve : tensor<6xf32>
  %rb = linalg.broadcast ins(%r : tensor<6xf32>) outs(%ev : tensor<1x6x12xf32>) dimensions = [0, 2]
  %nv = arith.mulf %xm, %rb : tensor<1x6x12xf32>
  %back = tensor.collapse_shape %nv [[0, 1, 2]] : tensor<1x6x12xf32> into tensor<72xf32>
  %y = tensor.expand_shape %back [[0, 1, 2, 3]] output_shape [2, 4, 3, 3] : tensor<72xf32> into tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// Keras 3's LayerNormalization: the folded form with the row's own
// statistics, inv = rsqrt(var + eps) * gamma, y = x * inv + (-mean * inv +
// beta).
// CHECK-LABEL: func.func @keras_layer_norm
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x8xf32>, %[[G:[^:]*]]: tensor<8xf32>, %[[B:[^:]*]]: tensor<8xf32>
// CHECK-NEXT:    %[[Y:.*]] = norm.layer_norm %[[X]] scale(%[[G]] : tensor<8xf32>) bias(%[[B]] : tensor<8xf32>) {axis = 1 : i64, epsilon = 0.0010000000474974513 : f64} : tensor<4x8xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @keras_layer_norm(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-3> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %d = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %d, %d : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %gb = linalg.broadcast ins(%g : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %bb = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %inv = arith.mulf %rb, %gb : tensor<4x8xf32>
  %nm = arith.negf %mb : tensor<4x8xf32>
  %res = arith.mulf %nm, %inv : tensor<4x8xf32>
  %shift = arith.addf %res, %bb : tensor<4x8xf32>
  %xi = arith.mulf %x, %inv : tensor<4x8xf32>
  %y = arith.addf %xi, %shift : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Keras' BatchNormalization in training, NHWC: the batch moments over
// [0, 1, 2] per channel, inv and the shift on [C] (tf.nn.batch_normalization:
// beta - mean * inv).
// CHECK-LABEL: func.func @keras_batch_norm_train
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3x3x4xf32>, %[[G:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>
// CHECK:         %[[Y:[^,]*]], {{.*}} = norm.batch_norm train %[[X]], %[[G]], %[[B]], {{.*}} {channel_axis = 3 : i64, epsilon = 0.0010000000474974513 : f64}
// CHECK-NEXT:    return %[[Y]]
func.func @keras_batch_norm_train(%x: tensor<2x3x3x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x3x3x4xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<18.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-3> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<2x3x3x4xf32>
  %s = linalg.reduce ins(%x : tensor<2x3x3x4xf32>) outs(%f4 : tensor<4xf32>) dimensions = [0, 1, 2]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<2x3x3x4xf32>) dimensions = [0, 1, 2]
  %d = arith.subf %x, %mb : tensor<2x3x3x4xf32>
  %sq = arith.mulf %d, %d : tensor<2x3x3x4xf32>
  %vs = linalg.reduce ins(%sq : tensor<2x3x3x4xf32>) outs(%f4 : tensor<4xf32>) dimensions = [0, 1, 2]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %inv = arith.mulf %r, %g : tensor<4xf32>
  %mi = arith.mulf %m, %inv : tensor<4xf32>
  %shift = arith.subf %b, %mi : tensor<4xf32>
  %ib = linalg.broadcast ins(%inv : tensor<4xf32>) outs(%e : tensor<2x3x3x4xf32>) dimensions = [0, 1, 2]
  %sb = linalg.broadcast ins(%shift : tensor<4xf32>) outs(%e : tensor<2x3x3x4xf32>) dimensions = [0, 1, 2]
  %xi = arith.mulf %x, %ib : tensor<2x3x3x4xf32>
  %y = arith.addf %xi, %sb : tensor<2x3x3x4xf32>
  return %y : tensor<2x3x3x4xf32>
}

// -----

// The folded form whose shift subtracts the mean of another tensor.
// CHECK-LABEL: func.func @negative_folded_mean_of_another_value
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.addf: not a normalizer: the value is centered by the mean of another value
func.func @negative_folded_mean_of_another_value(%x: tensor<4x8xf32>, %other: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-3> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %d = arith.subf %x, %mb : tensor<4x8xf32>
  %sq = arith.mulf %d, %d : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %so = linalg.reduce ins(%other : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %mo = arith.divf %so, %n : tensor<4xf32>
  %mob = linalg.broadcast ins(%mo : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %nm = arith.negf %mob : tensor<4x8xf32>
  %res = arith.mulf %nm, %rb : tensor<4x8xf32>
  %xi = arith.mulf %x, %rb : tensor<4x8xf32>
  %y = arith.addf %xi, %res : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// The variance of z - mean(x): not of the centered value.
// CHECK-LABEL: func.func @negative_variance_of_another_centered_value
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: the variance is not of the centered value
func.func @negative_variance_of_another_centered_value(%x: tensor<4x8xf32>, %z: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %zm = arith.subf %z, %mb : tensor<4x8xf32>
  %sq = arith.mulf %zm, %zm : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// The variance of x - mean(z): not of the centered value either.
// CHECK-LABEL: func.func @negative_variance_centered_by_another_mean
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: arith.mulf: not a normalizer: the variance is not of the centered value
func.func @negative_variance_centered_by_another_mean(%x: tensor<4x8xf32>, %z: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant dense<8.0> : tensor<4xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<4xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.reduce ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<4xf32>
  %mb = linalg.broadcast ins(%m : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<4x8xf32>
  %sz = linalg.reduce ins(%z : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %mz = arith.divf %sz, %n : tensor<4xf32>
  %mzb = linalg.broadcast ins(%mz : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %xz = arith.subf %x, %mzb : tensor<4x8xf32>
  %sq = arith.mulf %xz, %xz : tensor<4x8xf32>
  %vs = linalg.reduce ins(%sq : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<4xf32>
  %ve = arith.addf %v, %eps : tensor<4xf32>
  %r = math.rsqrt %ve : tensor<4xf32>
  %rb = linalg.broadcast ins(%r : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %y = arith.mulf %xm, %rb : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Keras' GroupNormalization (NHWC, G = 2): x viewed as [N, H, W, G, C/G],
// the moments over [1, 2, 4], the folded form with gamma and beta viewed
// as [1, 1, 1, G, C/G], viewed back. A group norm of x over its last dim.
// CHECK-LABEL: func.func @keras_group_norm_nhwc
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3x3x4xf32>, %[[G:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>
// CHECK-NEXT:    %[[Y:.*]] = norm.group_norm %[[X]] scale(%[[G]] : tensor<4xf32>) bias(%[[B]] : tensor<4xf32>) {channel_axis = 3 : i64, epsilon = 0.0010000000474974513 : f64, num_groups = 2 : i64} : tensor<2x3x3x4xf32>
// CHECK-NEXT:    return %[[Y]]
// WHY: remark: norm-raise: raised to norm.group_norm; of the view [N, ..., G, C/G], its last two dims collapsed
#id5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
#st5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, 0, d3, 0)>
#p5 = affine_map<(d0, d1, d2, d3, d4) -> (0, 0, 0, d3, d4)>
func.func @keras_group_norm_nhwc(%x: tensor<2x3x3x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x3x3x4xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 18.0 : f32
  %eps = arith.constant 1.0e-3 : f32
  %xr = tensor.expand_shape %x [[0], [1], [2], [3, 4]] output_shape [2, 3, 3, 2, 2] : tensor<2x3x3x4xf32> into tensor<2x3x3x2x2xf32>
  %gr = tensor.expand_shape %g [[0, 1, 2, 3, 4]] output_shape [1, 1, 1, 2, 2] : tensor<4xf32> into tensor<1x1x1x2x2xf32>
  %br = tensor.expand_shape %b [[0, 1, 2, 3, 4]] output_shape [1, 1, 1, 2, 2] : tensor<4xf32> into tensor<1x1x1x2x2xf32>
  %es = tensor.empty() : tensor<2x1x1x2x1xf32>
  %fs = linalg.fill ins(%z : f32) outs(%es : tensor<2x1x1x2x1xf32>) -> tensor<2x1x1x2x1xf32>
  %s = linalg.generic {indexing_maps = [#id5, #st5], iterator_types = ["parallel", "reduction", "reduction", "parallel", "reduction"]} ins(%xr : tensor<2x3x3x2x2xf32>) outs(%fs : tensor<2x1x1x2x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<2x1x1x2x1xf32>
  %m = linalg.generic {indexing_maps = [#id5, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<2x1x1x2x1xf32>) outs(%es : tensor<2x1x1x2x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %q = arith.divf %in, %n : f32
    linalg.yield %q : f32
  } -> tensor<2x1x1x2x1xf32>
  %vs = linalg.generic {indexing_maps = [#id5, #st5, #st5], iterator_types = ["parallel", "reduction", "reduction", "parallel", "reduction"]} ins(%xr, %m : tensor<2x3x3x2x2xf32>, tensor<2x1x1x2x1xf32>) outs(%fs : tensor<2x1x1x2x1xf32>) {
  ^bb0(%in: f32, %mm: f32, %acc: f32):
    %d = arith.subf %in, %mm : f32
    %sq = arith.mulf %d, %d : f32
    %a = arith.addf %sq, %acc : f32
    linalg.yield %a : f32
  } -> tensor<2x1x1x2x1xf32>
  %e = tensor.empty() : tensor<2x3x3x2x2xf32>
  %yr = linalg.generic {indexing_maps = [#id5, #st5, #st5, #p5, #p5, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%xr, %m, %vs, %gr, %br : tensor<2x3x3x2x2xf32>, tensor<2x1x1x2x1xf32>, tensor<2x1x1x2x1xf32>, tensor<1x1x1x2x2xf32>, tensor<1x1x1x2x2xf32>) outs(%e : tensor<2x3x3x2x2xf32>) {
  ^bb0(%a: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %o: f32):
    %v = arith.divf %vv, %n : f32
    %ve = arith.addf %v, %eps : f32
    %r = math.rsqrt %ve : f32
    %inv = arith.mulf %r, %gg : f32
    %nm = arith.negf %mm : f32
    %res = arith.mulf %nm, %inv : f32
    %sh = arith.addf %res, %bb : f32
    %xi = arith.mulf %a, %inv : f32
    %out = arith.addf %xi, %sh : f32
    linalg.yield %out : f32
  } -> tensor<2x3x3x2x2xf32>
  %y = tensor.collapse_shape %yr [[0], [1], [2], [3, 4]] : tensor<2x3x3x2x2xf32> into tensor<2x3x3x4xf32>
  return %y : tensor<2x3x3x4xf32>
}

// -----

// A grouped NHWC view whose gamma is per group ([G], read at d3 alone): no
// scale of the group norm's channels.
// CHECK-LABEL: func.func @negative_group_scale_per_group
// CHECK-NOT:     norm.
// WHY: remark: norm-raise: linalg.generic: not a normalizer: a scale or bias does not broadcast along the normalized dims
#id5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
#st5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, 0, d3, 0)>
#p5 = affine_map<(d0, d1, d2, d3, d4) -> (0, 0, 0, d3, d4)>
#g5 = affine_map<(d0, d1, d2, d3, d4) -> (0, 0, 0, d3, 0)>
func.func @negative_group_scale_per_group(%x: tensor<2x3x3x4xf32>, %gg2: tensor<2xf32>, %b: tensor<4xf32>) -> tensor<2x3x3x4xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 18.0 : f32
  %eps = arith.constant 1.0e-3 : f32
  %xr = tensor.expand_shape %x [[0], [1], [2], [3, 4]] output_shape [2, 3, 3, 2, 2] : tensor<2x3x3x4xf32> into tensor<2x3x3x2x2xf32>
  %gr = tensor.expand_shape %gg2 [[0, 1, 2, 3, 4]] output_shape [1, 1, 1, 2, 1] : tensor<2xf32> into tensor<1x1x1x2x1xf32>
  %br = tensor.expand_shape %b [[0, 1, 2, 3, 4]] output_shape [1, 1, 1, 2, 2] : tensor<4xf32> into tensor<1x1x1x2x2xf32>
  %es = tensor.empty() : tensor<2x1x1x2x1xf32>
  %fs = linalg.fill ins(%z : f32) outs(%es : tensor<2x1x1x2x1xf32>) -> tensor<2x1x1x2x1xf32>
  %s = linalg.generic {indexing_maps = [#id5, #st5], iterator_types = ["parallel", "reduction", "reduction", "parallel", "reduction"]} ins(%xr : tensor<2x3x3x2x2xf32>) outs(%fs : tensor<2x1x1x2x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<2x1x1x2x1xf32>
  %m = linalg.generic {indexing_maps = [#id5, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<2x1x1x2x1xf32>) outs(%es : tensor<2x1x1x2x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %q = arith.divf %in, %n : f32
    linalg.yield %q : f32
  } -> tensor<2x1x1x2x1xf32>
  %vs = linalg.generic {indexing_maps = [#id5, #st5, #st5], iterator_types = ["parallel", "reduction", "reduction", "parallel", "reduction"]} ins(%xr, %m : tensor<2x3x3x2x2xf32>, tensor<2x1x1x2x1xf32>) outs(%fs : tensor<2x1x1x2x1xf32>) {
  ^bb0(%in: f32, %mm: f32, %acc: f32):
    %d = arith.subf %in, %mm : f32
    %sq = arith.mulf %d, %d : f32
    %a = arith.addf %sq, %acc : f32
    linalg.yield %a : f32
  } -> tensor<2x1x1x2x1xf32>
  %e = tensor.empty() : tensor<2x3x3x2x2xf32>
  %yr = linalg.generic {indexing_maps = [#id5, #st5, #st5, #g5, #p5, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%xr, %m, %vs, %gr, %br : tensor<2x3x3x2x2xf32>, tensor<2x1x1x2x1xf32>, tensor<2x1x1x2x1xf32>, tensor<1x1x1x2x1xf32>, tensor<1x1x1x2x2xf32>) outs(%e : tensor<2x3x3x2x2xf32>) {
  ^bb0(%a: f32, %mm: f32, %vv: f32, %gg: f32, %bb: f32, %o: f32):
    %v = arith.divf %vv, %n : f32
    %ve = arith.addf %v, %eps : f32
    %r = math.rsqrt %ve : f32
    %inv = arith.mulf %r, %gg : f32
    %nm = arith.negf %mm : f32
    %res = arith.mulf %nm, %inv : f32
    %sh = arith.addf %res, %bb : f32
    %xi = arith.mulf %a, %inv : f32
    %out = arith.addf %xi, %sh : f32
    linalg.yield %out : f32
  } -> tensor<2x3x3x2x2xf32>
  %y = tensor.collapse_shape %yr [[0], [1], [2], [3, 4]] : tensor<2x3x3x2x2xf32> into tensor<2x3x3x4xf32>
  return %y : tensor<2x3x3x4xf32>
}

// -----

// Epsilon and 1/N as rank-0 tensors read through () maps (what
// torch-mlir's scalar tensors lower to).
// CHECK-LABEL: func.func @rank0_eps
// CHECK-NEXT:    %[[Y:.*]] = norm.rms_norm %arg0 {axis = 1 : i64, epsilon = 9.9999999747524271E-7 : f64} : tensor<4x8xf32>
// CHECK-NEXT:    return %[[Y]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#scalar = affine_map<(d0, d1) -> ()>
func.func @rank0_eps(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %eps = arith.constant dense<1.0e-6> : tensor<f32>
  %inv = arith.constant dense<0.125> : tensor<f32>
  %e4 = tensor.empty() : tensor<4xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4xf32>) -> tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%f4 : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %sq = arith.mulf %in, %in : f32
    %a = arith.addf %sq, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #scalar, #scalar, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %s, %inv, %eps : tensor<4x8xf32>, tensor<4xf32>, tensor<f32>, tensor<f32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %ss: f32, %n: f32, %ep: f32, %o: f32):
    %ms = arith.mulf %ss, %n : f32
    %ve = arith.addf %ms, %ep : f32
    %r = math.rsqrt %ve : f32
    %out = arith.mulf %a, %r : f32
    linalg.yield %out : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
