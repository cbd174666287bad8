// Decomposed normalizers as front ends write them (torch-mlir's
// decompositions lowered to linalg, named linalg ops, Flax, LLaMA, Gemma,
// tosa-to-linalg's shapes), raised by norm-raise and run against the float64
// evaluation of the program as written: first with --transform=norm-raise
// alone (--optimize=false keeps the lowering from raising by itself), then
// through the default pipeline, whose norm-optimize raises first. The
// FileCheck on norm-opt shows every one is raised here (the attributes are
// checked in test/Transforms/norm-raise.mlir).
// RUN: norm-run %s --entry=torch_layer_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=torch_layer_norm --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=named_layer_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=named_layer_norm --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=flax_layer_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=flax_layer_norm --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=llama_rms_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=llama_rms_norm --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=gemma_rms_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=gemma_rms_norm --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=tosa_style_rms_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=tosa_style_rms_norm --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=shared_after_cse --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=shared_after_cse --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=bf16_statistics --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=bf16_statistics --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=two_dims_divide --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=two_dims_divide --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=instance_norm_nchw --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=instance_norm_nchw --random-inputs --check | FileCheck %s --check-prefix=PASS
// Running variances must be positive: the batch norms read drawn files.
// RUN: rm -rf %t && mkdir -p %t && %python -c "import numpy as n; r = n.random.default_rng(0); [n.save('%t/' + k + '.npy', v.astype(n.float32)) for k, v in [('x4', r.normal(size=(2, 4, 3, 3))), ('xl', r.normal(size=(2, 3, 3, 4))), ('g', r.normal(size=4)), ('b', r.normal(size=4)), ('m', r.normal(size=4)), ('v', r.uniform(0.5, 1.5, size=4)), ('xd', r.normal(size=(3, 4, 3, 3)))]]"
// RUN: norm-run %s --entry=batch_norm_eval_nchw --input=%t/x4.npy --input=%t/g.npy --input=%t/b.npy --input=%t/m.npy --input=%t/v.npy --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=batch_norm_eval_nchw --input=%t/x4.npy --input=%t/g.npy --input=%t/b.npy --input=%t/m.npy --input=%t/v.npy --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=batch_norm_eval_nhwc --input=%t/xl.npy --input=%t/m.npy --input=%t/v.npy --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=batch_norm_eval_nhwc --input=%t/xl.npy --input=%t/m.npy --input=%t/v.npy --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=torch_batch_norm_dynamic_batch --input=%t/xd.npy --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=torch_batch_norm_dynamic_batch --input=%t/xd.npy --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=decomp_batch_norm_train_update --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=decomp_batch_norm_train_update --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=update_momenta_not_complementary --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=aten_instance_norm_view --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=aten_instance_norm_view --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=negative_batch_norm_view_splits_channels --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=keras_layer_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=keras_batch_norm_train --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=keras_group_norm_nhwc --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=keras_group_norm_nhwc --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=keras_folded_batch_norm --input=%t/xl.npy --input=%t/g.npy --input=%t/b.npy --input=%t/m.npy --input=%t/v.npy --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=keras_folded_batch_norm --input=%t/xl.npy --input=%t/g.npy --input=%t/b.npy --input=%t/m.npy --input=%t/v.npy --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=xla_folded_batch_norm --input=%t/x4.npy --input=%t/m.npy --input=%t/v.npy --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=xla_folded_batch_norm --input=%t/x4.npy --input=%t/m.npy --input=%t/v.npy --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=torch_batch_norm_train --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=torch_batch_norm_train --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=batch_norm_train_nc --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=batch_norm_train_nc --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=instance_norm_nhwc --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=instance_norm_nhwc --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=torch_native_layer_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=torch_native_layer_norm --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=statistics_read_early --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=statistics_read_early --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=torch_group_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=torch_group_norm --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=negative_group_view_splits_channels --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// PASS: check: PASS

// RUN: norm-opt %s --norm-raise | FileCheck %s
// CHECK-LABEL: func.func @torch_layer_norm
// CHECK-NEXT:    norm.layer_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @named_layer_norm
// CHECK-NEXT:    norm.layer_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @flax_layer_norm
// CHECK-NEXT:    norm.layer_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @llama_rms_norm
// CHECK-NEXT:    norm.rms_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @gemma_rms_norm
// CHECK-NEXT:    norm.rms_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @tosa_style_rms_norm
// CHECK:         norm.rms_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @shared_after_cse
// CHECK-COUNT-2: norm.layer_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @bf16_statistics
// CHECK-NEXT:    norm.rms_norm {{.*}}compute_type = f32
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @two_dims_divide
// CHECK-NEXT:    norm.layer_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @instance_norm_nchw
// CHECK-NEXT:    norm.group_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @batch_norm_eval_nchw
// CHECK-NEXT:    norm.batch_norm eval
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @batch_norm_eval_nhwc
// CHECK:         norm.batch_norm eval
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @torch_batch_norm_train
// CHECK:         norm.batch_norm train
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @batch_norm_train_nc
// CHECK:         norm.batch_norm train
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @instance_norm_nhwc
// CHECK-NEXT:    norm.group_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @torch_native_layer_norm
// CHECK-NEXT:    norm.layer_norm {{.*}} mean(tensor<4xf32>) rstd(tensor<4xf32>)
// CHECK-LABEL: func.func @statistics_read_early
// CHECK-NEXT:    norm.layer_norm
// CHECK-NEXT:    arith.mulf
// CHECK-NEXT:    norm.rms_norm
// CHECK-LABEL: func.func @torch_group_norm
// CHECK-NEXT:    norm.group_norm {{.*}}num_groups = 2
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @keras_folded_batch_norm
// CHECK-NEXT:    norm.batch_norm eval
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @xla_folded_batch_norm
// CHECK:         norm.batch_norm eval
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @torch_batch_norm_dynamic_batch
// CHECK:         norm.batch_norm train
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @decomp_batch_norm_train_update
// CHECK-NEXT:    norm.batch_norm train
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @aten_instance_norm_view
// CHECK-NEXT:    norm.group_norm {{.*}}num_groups = 4
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @keras_layer_norm
// CHECK-NEXT:    norm.layer_norm
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @keras_batch_norm_train
// CHECK:         norm.batch_norm train
// CHECK-NEXT:    return
// CHECK-LABEL: func.func @keras_group_norm_nhwc
// CHECK-NEXT:    norm.group_norm {{.*}}channel_axis = 3 : i64{{.*}}num_groups = 2
// CHECK-NEXT:    return

// The forms front ends write, each raised with the attributes read from the
// IR, and the near-misses (negative_*), each left alone with the reason.

#id = affine_map<(d0, d1) -> (d0, d1)>
#keep = affine_map<(d0, d1) -> (d0, 0)>
#col = affine_map<(d0, d1) -> (d1)>

// torch-mlir's native_layer_norm decomposition lowered to linalg: keepdim
// reductions into (d0, 0), an f64 count and epsilon truncated in the body,
// pow(x, 2) as math.fpowi, the affine in the last generic.
func.func @torch_layer_norm(%x: tensor<16x64xf32>, %w: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<16x64xf32> {
  %cst0 = arith.constant 0.000000e+00 : f32
  %n = arith.constant 6.400000e+01 : f64
  %eps = arith.constant 1.000000e-05 : f64
  %e1 = tensor.empty() : tensor<16x1xf32>
  %fill = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<16x1xf32>) -> tensor<16x1xf32>
  %sum = linalg.generic {indexing_maps = [#id, #keep], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<16x64xf32>) outs(%fill : tensor<16x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<16x1xf32>
  %mean = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%sum : tensor<16x1xf32>) outs(%e1 : tensor<16x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %t = arith.truncf %n : f64 to f32
    %d = arith.divf %in, %t : f32
    linalg.yield %d : f32
  } -> tensor<16x1xf32>
  %e2 = tensor.empty() : tensor<16x64xf32>
  %xm = linalg.generic {indexing_maps = [#id, #keep, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %mean : tensor<16x64xf32>, tensor<16x1xf32>) outs(%e2 : tensor<16x64xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %s = arith.subf %a, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%xm : tensor<16x64xf32>) outs(%e2 : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c2 = arith.constant 2 : i64
    %p = math.fpowi %a, %c2 : f32, i64
    linalg.yield %p : f32
  } -> tensor<16x64xf32>
  %vsum = linalg.generic {indexing_maps = [#id, #keep], iterator_types = ["parallel", "reduction"]} ins(%sq : tensor<16x64xf32>) outs(%fill : tensor<16x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<16x1xf32>
  %rstd = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%vsum : tensor<16x1xf32>) outs(%e1 : tensor<16x1xf32>) {
  ^bb0(%in: f32, %o: f32):
    %t = arith.truncf %n : f64 to f32
    %v = arith.divf %in, %t : f32
    %te = arith.truncf %eps : f64 to f32
    %ve = arith.addf %v, %te : f32
    %r = math.rsqrt %ve : f32
    linalg.yield %r : f32
  } -> tensor<16x1xf32>
  %y = linalg.generic {indexing_maps = [#id, #keep, #col, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%xm, %rstd, %w, %b : tensor<16x64xf32>, tensor<16x1xf32>, tensor<64xf32>, tensor<64xf32>) outs(%e2 : tensor<16x64xf32>) {
  ^bb0(%a: f32, %r: f32, %g: f32, %bb: f32, %o: f32):
    %n1 = arith.mulf %a, %r : f32
    %n2 = arith.mulf %n1, %g : f32
    %n3 = arith.addf %n2, %bb : f32
    linalg.yield %n3 : f32
  } -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// Named ops on tensors: sum * (1/N) with a splat reciprocal, 1 / sqrt, no
// affine.
func.func @named_layer_norm(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %z = arith.constant 0.0 : f32
  %inv = arith.constant dense<0.015625> : tensor<16xf32>
  %eps = arith.constant dense<1.0e-6> : tensor<16xf32>
  %one = arith.constant dense<1.0> : tensor<16xf32>
  %e4 = tensor.empty() : tensor<16xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<16xf32>) -> tensor<16xf32>
  %e = tensor.empty() : tensor<16x64xf32>
  %s = linalg.reduce ins(%x : tensor<16x64xf32>) outs(%f4 : tensor<16xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.mulf %s, %inv : tensor<16xf32>
  %mb = linalg.broadcast ins(%m : tensor<16xf32>) outs(%e : tensor<16x64xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<16x64xf32>
  %sq = arith.mulf %xm, %xm : tensor<16x64xf32>
  %vs = linalg.reduce ins(%sq : tensor<16x64xf32>) outs(%f4 : tensor<16xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.mulf %vs, %inv : tensor<16xf32>
  %ve = arith.addf %v, %eps : tensor<16xf32>
  %sd = math.sqrt %ve : tensor<16xf32>
  %r = arith.divf %one, %sd : tensor<16xf32>
  %rb = linalg.broadcast ins(%r : tensor<16xf32>) outs(%e : tensor<16x64xf32>) dimensions = [1]
  %y = arith.mulf %xm, %rb : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

#row = affine_map<(d0, d1) -> (d0)>

// Flax: var = max(0, E[x^2] - E[x]^2), the scale folded into rstd. Raised
// to the stable (centered) layer norm.
func.func @flax_layer_norm(%x: tensor<16x64xf32>, %w: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<16x64xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 64.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %e4 = tensor.empty() : tensor<16xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<16xf32>) -> tensor<16xf32>
  %e = tensor.empty() : tensor<16x64xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<16x64xf32>) outs(%f4 : tensor<16xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %acc, %in : f32
    linalg.yield %a : f32
  } -> tensor<16xf32>
  %s2 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<16x64xf32>) outs(%f4 : tensor<16xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %q = arith.mulf %in, %in : f32
    %a = arith.addf %acc, %q : f32
    linalg.yield %a : f32
  } -> tensor<16xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #row, #col, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %s, %s2, %w, %b : tensor<16x64xf32>, tensor<16xf32>, tensor<16xf32>, tensor<64xf32>, tensor<64xf32>) outs(%e : tensor<16x64xf32>) {
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
  } -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}


// LLaMA: bf16 input, f32 statistics, rounded to bf16 before the bf16
// weight multiply; powf(x, 2.0).
func.func @llama_rms_norm(%x: tensor<16x64xbf16>, %w: tensor<64xbf16>) -> tensor<16x64xbf16> {
  %two = arith.constant 2.0 : f32
  %n = arith.constant 64.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %z = arith.constant 0.0 : f32
  %e4 = tensor.empty() : tensor<16xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<16xf32>) -> tensor<16xf32>
  %ef = tensor.empty() : tensor<16x64xf32>
  %eb = tensor.empty() : tensor<16x64xbf16>
  %xf = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x64xbf16>) outs(%ef : tensor<16x64xf32>) {
  ^bb0(%a: bf16, %o: f32):
    %c = arith.extf %a : bf16 to f32
    linalg.yield %c : f32
  } -> tensor<16x64xf32>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%xf : tensor<16x64xf32>) outs(%f4 : tensor<16xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %p = math.powf %a, %two : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%xf, %ss, %w : tensor<16x64xf32>, tensor<16xf32>, tensor<64xbf16>) outs(%eb : tensor<16x64xbf16>) {
  ^bb0(%a: f32, %s: f32, %g: bf16, %o: bf16):
    %ms = arith.divf %s, %n : f32
    %ve = arith.addf %ms, %eps : f32
    %r = math.rsqrt %ve : f32
    %nn = arith.mulf %a, %r : f32
    %t = arith.truncf %nn : f32 to bf16
    %out = arith.mulf %g, %t : bf16
    linalg.yield %out : bf16
  } -> tensor<16x64xbf16>
  return %y : tensor<16x64xbf16>
}


// Gemma: (1 + w) in f32 before the one rounding to bf16.
func.func @gemma_rms_norm(%x: tensor<16x64xbf16>, %w: tensor<64xbf16>) -> tensor<16x64xbf16> {
  %n = arith.constant 64.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %one = arith.constant 1.0 : f32
  %z = arith.constant 0.0 : f32
  %e4 = tensor.empty() : tensor<16xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<16xf32>) -> tensor<16xf32>
  %eb = tensor.empty() : tensor<16x64xbf16>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<16x64xbf16>) outs(%f4 : tensor<16xf32>) {
  ^bb0(%a: bf16, %acc: f32):
    %af = arith.extf %a : bf16 to f32
    %p = arith.mulf %af, %af : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %ss, %w : tensor<16x64xbf16>, tensor<16xf32>, tensor<64xbf16>) outs(%eb : tensor<16x64xbf16>) {
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
  } -> tensor<16x64xbf16>
  return %y : tensor<16x64xbf16>
}

// TOSA through tosa-to-linalg: reduce_sum into [4] re-expanded to [4, 1],
// a [1, 8] weight read at (0, d1); the residual add in front, a generic,
// becomes arith.addf (for norm-fuse-residual-add).
#w = affine_map<(d0, d1) -> (0, d1)>
func.func @tosa_style_rms_norm(%a: tensor<16x64xf32>, %res: tensor<16x64xf32>, %w: tensor<1x64xf32>) -> tensor<16x64xf32> {
  %z = arith.constant 0.0 : f32
  %inv = arith.constant dense<0.015625> : tensor<16x1xf32>
  %eps = arith.constant dense<1.0e-6> : tensor<16x1xf32>
  %e = tensor.empty() : tensor<16x64xf32>
  %x = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %res : tensor<16x64xf32>, tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<16x64xf32>, tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.mulf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %e4 = tensor.empty() : tensor<16xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<16xf32>) -> tensor<16xf32>
  %s = linalg.reduce ins(%sq : tensor<16x64xf32>) outs(%f4 : tensor<16xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %t = arith.addf %in, %acc : f32
      linalg.yield %t : f32 }
  %s1 = tensor.expand_shape %s [[0, 1]] output_shape [16, 1] : tensor<16xf32> into tensor<16x1xf32>
  %e1 = tensor.empty() : tensor<16x1xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%s1, %inv, %eps : tensor<16x1xf32>, tensor<16x1xf32>, tensor<16x1xf32>) outs(%e1 : tensor<16x1xf32>) {
  ^bb0(%p: f32, %q: f32, %t: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    %ve = arith.addf %m, %t : f32
    %rs = math.rsqrt %ve : f32
    linalg.yield %rs : f32
  } -> tensor<16x1xf32>
  %y = linalg.generic {indexing_maps = [#id, #keep, #w, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %r, %w : tensor<16x64xf32>, tensor<16x1xf32>, tensor<1x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%p: f32, %q: f32, %g: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    %out = arith.mulf %m, %g : f32
    linalg.yield %out : f32
  } -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// Two layer norms of one input with their own scales, sharing everything
// up to the normalized value after CSE: both raised.
func.func @shared_after_cse(%x: tensor<16x64xf32>, %g1: tensor<64xf32>, %g2: tensor<64xf32>) -> (tensor<16x64xf32>, tensor<16x64xf32>) {
  %z = arith.constant 0.0 : f32
  %n = arith.constant dense<64.0> : tensor<16xf32>
  %eps = arith.constant dense<1.0e-5> : tensor<16xf32>
  %e4 = tensor.empty() : tensor<16xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<16xf32>) -> tensor<16xf32>
  %e = tensor.empty() : tensor<16x64xf32>
  %s = linalg.reduce ins(%x : tensor<16x64xf32>) outs(%f4 : tensor<16xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %m = arith.divf %s, %n : tensor<16xf32>
  %mb = linalg.broadcast ins(%m : tensor<16xf32>) outs(%e : tensor<16x64xf32>) dimensions = [1]
  %xm = arith.subf %x, %mb : tensor<16x64xf32>
  %sq = arith.mulf %xm, %xm : tensor<16x64xf32>
  %vs = linalg.reduce ins(%sq : tensor<16x64xf32>) outs(%f4 : tensor<16xf32>) dimensions = [1]
    (%in: f32, %acc: f32) { %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32 }
  %v = arith.divf %vs, %n : tensor<16xf32>
  %ve = arith.addf %v, %eps : tensor<16xf32>
  %r = math.rsqrt %ve : tensor<16xf32>
  %rb = linalg.broadcast ins(%r : tensor<16xf32>) outs(%e : tensor<16x64xf32>) dimensions = [1]
  %nn = arith.mulf %xm, %rb : tensor<16x64xf32>
  %gb1 = linalg.broadcast ins(%g1 : tensor<64xf32>) outs(%e : tensor<16x64xf32>) dimensions = [0]
  %gb2 = linalg.broadcast ins(%g2 : tensor<64xf32>) outs(%e : tensor<16x64xf32>) dimensions = [0]
  %y1 = arith.mulf %nn, %gb1 : tensor<16x64xf32>
  %y2 = arith.mulf %nn, %gb2 : tensor<16x64xf32>
  return %y1, %y2 : tensor<16x64xf32>, tensor<16x64xf32>
}

// Statistics in bf16 itself: raised with compute_type = f32, said in a
// remark. Weightless RMS norm, arith on tensors, sum / N.
func.func @bf16_statistics(%x: tensor<16x64xbf16>) -> tensor<16x64xbf16> {
  %z = arith.constant 0.0 : bf16
  %n = arith.constant dense<64.0> : tensor<16xbf16>
  %eps = arith.constant dense<1.0e-6> : tensor<16xbf16>
  %e4 = tensor.empty() : tensor<16xbf16>
  %f4 = linalg.fill ins(%z : bf16) outs(%e4 : tensor<16xbf16>) -> tensor<16xbf16>
  %e = tensor.empty() : tensor<16x64xbf16>
  %sq = arith.mulf %x, %x : tensor<16x64xbf16>
  %s = linalg.reduce ins(%sq : tensor<16x64xbf16>) outs(%f4 : tensor<16xbf16>) dimensions = [1]
    (%in: bf16, %acc: bf16) { %a = arith.addf %in, %acc : bf16
      linalg.yield %a : bf16 }
  %ms = arith.divf %s, %n : tensor<16xbf16>
  %ve = arith.addf %ms, %eps : tensor<16xbf16>
  %r = math.rsqrt %ve : tensor<16xbf16>
  %rb = linalg.broadcast ins(%r : tensor<16xbf16>) outs(%e : tensor<16x64xbf16>) dimensions = [1]
  %y = arith.mulf %x, %rb : tensor<16x64xbf16>
  return %y : tensor<16x64xbf16>
}

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#keep3 = affine_map<(d0, d1, d2) -> (d0, 0, 0)>
#norm3 = affine_map<(d0, d1, d2) -> (d1, d2)>

// Over the last two dims (axis 1), divided by sqrt(var + eps), with a
// [4, 8] scale and bias.
func.func @two_dims_divide(%x: tensor<2x4x64xf32>, %w: tensor<4x64xf32>, %b: tensor<4x64xf32>) -> tensor<2x4x64xf32> {
  %z = arith.constant 0.0 : f32
  %n = arith.constant 256.0 : f32
  %eps = arith.constant 1.0e-3 : f32
  %e1 = tensor.empty() : tensor<2x1x1xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %e = tensor.empty() : tensor<2x4x64xf32>
  %s = linalg.generic {indexing_maps = [#id3, #keep3], iterator_types = ["parallel", "reduction", "reduction"]} ins(%x : tensor<2x4x64xf32>) outs(%f1 : tensor<2x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %acc, %in : f32
    linalg.yield %a : f32
  } -> tensor<2x1x1xf32>
  %xm = linalg.generic {indexing_maps = [#id3, #keep3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %s : tensor<2x4x64xf32>, tensor<2x1x1xf32>) outs(%e : tensor<2x4x64xf32>) {
  ^bb0(%a: f32, %sum: f32, %o: f32):
    %m = arith.divf %sum, %n : f32
    %d = arith.subf %a, %m : f32
    linalg.yield %d : f32
  } -> tensor<2x4x64xf32>
  %vs = linalg.generic {indexing_maps = [#id3, #keep3], iterator_types = ["parallel", "reduction", "reduction"]} ins(%xm : tensor<2x4x64xf32>) outs(%f1 : tensor<2x1x1xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %q = arith.mulf %in, %in : f32
    %a = arith.addf %acc, %q : f32
    linalg.yield %a : f32
  } -> tensor<2x1x1xf32>
  %y = linalg.generic {indexing_maps = [#id3, #keep3, #norm3, #norm3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%xm, %vs, %w, %b : tensor<2x4x64xf32>, tensor<2x1x1xf32>, tensor<4x64xf32>, tensor<4x64xf32>) outs(%e : tensor<2x4x64xf32>) {
  ^bb0(%a: f32, %v: f32, %g: f32, %bb: f32, %o: f32):
    %var = arith.divf %v, %n : f32
    %ve = arith.addf %var, %eps : f32
    %sd = math.sqrt %ve : f32
    %nn = arith.divf %a, %sd : f32
    %sc = arith.mulf %g, %nn : f32
    %r = arith.addf %bb, %sc : f32
    linalg.yield %r : f32
  } -> tensor<2x4x64xf32>
  return %y : tensor<2x4x64xf32>
}

// torch-mlir's instance_norm of NCHW: statistics over H x W, the scale and
// bias per channel (read at d1): a group norm with num_groups = C.
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

// torch-mlir's batch_norm in eval mode, NCHW: the running statistics, the
// scale and the bias read per channel (d1).
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

// NHWC, no affine (ones and zeros for the op's scale and bias), arith on
// tensors over broadcasts of the [C] statistics.
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

// torch-mlir's training batch norm (the f64 variance), BatchNorm1d in
// training mode, Keras' NHWC instance norm.
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

// Users of the producer's mean and rstd, after and before the normalizer.
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

// torch-mlir's group norm (a view [N, G, -1]), and a view whose groups split
// channels (a layer norm of the view only).
#keep3v = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
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
  %s = linalg.generic {indexing_maps = [#id3, #keep3v], iterator_types = ["parallel", "parallel", "reduction"]} ins(%xr : tensor<2x2x18xf32>) outs(%fk : tensor<2x2x1xf32>) {
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
  %s64 = linalg.generic {indexing_maps = [#id3, #keep3v], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x64 : tensor<2x2x18xf64>) outs(%fk64 : tensor<2x2x1xf64>) {
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
  %q64 = linalg.generic {indexing_maps = [#id3, #keep3v, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x64, %m64 : tensor<2x2x18xf64>, tensor<2x2x1xf64>) outs(%e64 : tensor<2x2x18xf64>) {
  ^bb0(%a: f64, %m: f64, %o: f64):
    %d = arith.subf %a, %m : f64
    %sq = arith.mulf %d, %d : f64
    linalg.yield %sq : f64
  } -> tensor<2x2x18xf64>
  %v64 = linalg.generic {indexing_maps = [#id3, #keep3v], iterator_types = ["parallel", "parallel", "reduction"]} ins(%q64 : tensor<2x2x18xf64>) outs(%fk64 : tensor<2x2x1xf64>) {
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
  %nv = linalg.generic {indexing_maps = [#id3, #keep3v, #keep3v, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%xr, %mean, %rstd : tensor<2x2x18xf32>, tensor<2x2x1xf32>, tensor<2x2x1xf32>) outs(%ev : tensor<2x2x18xf32>) {
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

// Keras' and XLA's folded inference batch norms.
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

// A training batch norm with a dynamic batch (counts known at run time).
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

// PyTorch's decomposition with the running statistics updated.
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

// ATen's instance norm, a batch norm of the [1, N C, H, W] view; a view
// whose channels split the input's (a batch norm of the view only).
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

// Keras' folded layer and batch norms with their own statistics.
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

// Keras' NHWC GroupNormalization (a [N, H, W, G, C/G] view).
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
