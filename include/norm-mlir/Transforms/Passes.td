//===- Passes.td - norm-* transformation passes ----------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The passes that rewrite norm IR at the same level of abstraction.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_TRANSFORMS_PASSES_TD
#define NORM_MLIR_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def NormExpandResidual : Pass<"norm-expand-residual"> {
  let summary = "Turn norm.residual placements into explicit normalizers and adds";
  let description = [{
    Inlines the regions of every `norm.residual` and adds the residual:

        h = pre(x); f = sum(body(h)); f = out(f); y = post(a * x + f)

    which covers pre-LN, post-LN, sandwich (peri-LN), GPT-J parallel and
    DeepNorm (`residual_scale` = a) blocks. Absent regions are skipped.

    Before:
    ```mlir
    %y = norm.residual %x : tensor<?x768xf32> pre { ... norm.layer_norm ... }
           body { ... norm.yield %f ... }
    ```
    After:
    ```mlir
    %n = norm.layer_norm %x : tensor<?x768xf32>
    ... %f computed from %n ...
    %y = arith.addf %x, %f : tensor<?x768xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def NormLint : Pass<"norm-lint", "::mlir::ModuleOp"> {
  let summary = "Warn about the classic normalization mistakes";
  let description = [{
    Emits a warning with a stable id and a one-line fix for each of:

    | id | what |
    |---|---|
    | NL001 | train-mode `batch_norm` with one value per channel: the variance is 0 and the output is just the bias |
    | NL002 | `batch_norm` over a (batch, sequence, features) tensor without a mask: padding corrupts the statistics |
    | NL003 | `epsilon` below the resolution of a variance in the compute type (eps_mach^2): it no longer guards constant rows |
    | NL004 | `batch_norm` running statistics stored in f16/bf16: the momentum update rounds away |
    | NL005 | train-mode `batch_norm` in a module or function marked `norm.inference` (the forgotten `model.eval()`) |
    | NL006 | train-mode `batch_norm` with a per-device batch under `min-batch` and no `sync_group` |
    | NL007 | (remark) `post-ln-depth` or more post-LN residual blocks in one function |

    A clean model gets no diagnostic. With `werror` the warnings are errors
    and the pass fails, so CI can gate on it.
  }];
  let options = [
    Option<"werror", "werror", "bool", "false",
           "Report the warnings as errors and fail">,
    Option<"minBatch", "min-batch", "int64_t", "8",
           "Smallest per-device batch for stable batch statistics">,
    Option<"postLnDepth", "post-ln-depth", "int64_t", "12",
           "Post-LN blocks in one function from which NL007 is reported">,
  ];
}

def NormSetMode : Pass<"norm-set-mode"> {
  let summary = "Put every batch_norm in eval or train mode (model.eval())";
  let description = [{
    What `model.eval()` and `model.train()` do, at compile time: sets the
    `mode` of every `norm.batch_norm` (eval: normalize with the running
    statistics and leave them unchanged; train: batch statistics and the
    running-statistics update).
  }];
  let options = [
    Option<"mode", "mode", "::mlir::norm::BatchNormMode",
           "::mlir::norm::BatchNormMode::eval", "The mode to set",
           [{::llvm::cl::values(
               clEnumValN(::mlir::norm::BatchNormMode::eval, "eval",
                          "running statistics (inference)"),
               clEnumValN(::mlir::norm::BatchNormMode::train, "train",
                          "batch statistics (training)"))}]>,
  ];
}

def NormFuseResidualAdd : Pass<"norm-fuse-residual-add"> {
  let summary = "Fuse an add and the layer/RMS norm of its sum";
  let description = [{
    Rewrites `s = arith.addf a, b; y = norm.layer_norm s` (or `rms_norm`) into
    `y, s = norm.add_layer_norm a, b`, which reads both operands once and
    writes the normalized result and the sum in one pass. The sum stays
    available to every other user of the add, so the pattern chains across
    consecutive blocks: the next block's residual add consumes this block's
    sum. The add is `arith.addf` on tensors or the elementwise
    `linalg.generic` that front ends write for it (identity maps, parallel
    loops, the body exactly `in0 + in1`). It does not fire for adds whose
    type differs from the normalizer's input (broadcasts, casts), for a
    generic with any other map or body, nor for a normalizer that returns
    mean/rstd.

    Before:
    ```mlir
    %s = arith.addf %x, %f : tensor<?x768xf32>
    %y = norm.layer_norm %s scale(%g : tensor<768xf32>) : tensor<?x768xf32>
    ```
    After:
    ```mlir
    %y, %s = norm.add_layer_norm %x, %f scale(%g : tensor<768xf32>) : tensor<?x768xf32>
    ```
  }];
}

def NormShareParallel : Pass<"norm-share-parallel"> {
  let summary = "Compute identical normalizers of the same input once";
  let description = [{
    Two normalizers of the same input with the same attributes and equal
    parameters (the same values, or constants with equal contents) compute
    the same result: the later one is replaced by the earlier one when it
    dominates. This is the case of GPT-J-style parallel blocks written with
    one normalizer per branch.
  }];
}

def NormFoldBatchNorm : Pass<"norm-fold-batch-norm"> {
  let summary = "Fold inference-time batch_norm into the conv/matmul before it";
  let description = [{
    An eval-mode `norm.batch_norm` whose input is a `linalg.conv_2d_nchw_fchw`,
    `linalg.conv_2d_nhwc_hwcf` or `linalg.matmul` used only by it, with
    constant weights, scale, bias and running statistics, becomes the
    conv/matmul with scaled constant weights `W'[c] = W[c] * s[c]` plus a
    per-channel bias `b'[c] = bias[c] - mean[c] * s[c]`, where
    `s = scale / sqrt(var + epsilon)`. The indexing maps say which weight dim
    holds the channel (dim 1 of a `[K, N]` matmul weight, dim 0 of an
    `nn.Linear` `[N, K]` one, F of FCHW and HWCF); nothing is folded where
    no weight dim holds the channel alone (a broadcast weight, channels
    along the matmul's rows), in train mode, with non-constant parameters,
    operands of mixed element types or narrower than f32 (the folded weights
    would round differently from the unfused program, by more than an ulp of
    the result), when the conv output has other users, or when the batch
    norm's saved statistics are used.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def NormFuseQK : Pass<"norm-fuse-qk"> {
  let summary = "Fuse a Q/K projection with its per-head norm (QK-norm)";
  let description = [{
    A projection `p = x W (+ broadcast bias)` whose result is split into
    heads by `tensor.expand_shape` `[M, N] -> [M, H, head_dim]` and
    normalized over the head dim by `norm.rms_norm` or `norm.layer_norm`
    becomes `norm.project_norm`, which normalizes in the matmul's epilogue:
    the unnormalized projection is never written out. The split is kept for
    the users of the normalized heads.

    The projection is a 2-D `linalg.matmul` into a zero fill whose indexing
    maps read x as [M, K] and W as [K, N] or as `nn.Linear`'s [N, K]
    (`transpose_weight`); it accumulates in the normalizer's compute_type,
    either in the operands' own type (f32) or, for bf16/f16 operands, in f32
    truncated back by `arith.truncf` or an elementwise generic (torch-mlir's
    form). The bias is `arith.addf` of a `linalg.broadcast` over rows or a
    generic that reads it through `(d0, d1) -> (d1)`. It does not fire on
    any other map (transposed or broadcast x, broadcast W), on a bf16
    accumulator (the fused op would accumulate in f32), when the projection
    has other users, changes the element type, or the normalizer spans more
    than the head dim.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def NormFoldIntoProjection : Pass<"norm-fold-into-projection"> {
  let summary = "Fold a normalizer into the matmuls that read it (FlashNorm)";
  let description = [{
    A `norm.rms_norm` or `norm.layer_norm` of a 2-D input over its last dim
    whose every user is a `linalg.matmul` reading it as the left operand
    (e.g. the Q, K and V projections of one normalized input) becomes one
    `norm.norm_project` per matmul: the scale folds into the weights
    (`W'[k, n] = (scale_offset + scale[k]) W[k, n]`, constant-folded when both
    are constants), the layer norm's bias becomes the projection bias
    `bias W`, and the normalization (`rstd`, and the mean for layer norm) is
    applied after the matmul, to the N outputs instead of the K inputs.

    The matmuls are those `norm-fuse-qk` takes: x read as [M, K], W as
    [K, N] or `nn.Linear`'s [N, K] (then `W'[n, k]` is scaled along k and
    the bias is `W bias`), accumulated in the normalizer's compute_type
    (f32 for bf16 operands, truncated back). A bf16 accumulator, any other
    map, or a user that is not such a matmul leaves the normalizer alone.

    The unfused program rounds the normalized activations to their element
    type before the matmul; the folded one never materializes them. For
    f32 that rounding is below any tolerance; for bf16 and f16 it is not
    (outputs that cancel move by several ulps), so those fold only with
    `skip-narrow-rounding`, which says what it changes.
  }];
  let options = [
    Option<"constantWeightsOnly", "constant-weights-only", "bool", "false",
           "Fold only where the weights, the scale and the bias are "
           "constants, so that the folded weights are too (no runtime "
           "scaling of W: norm-optimize's setting)">,
    Option<"skipNarrowRounding", "skip-narrow-rounding", "bool", "false",
           "Fold bf16/f16 normalizers too, whose normalized activations the "
           "unfused program rounds and the folded one does not">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def NormRaise : Pass<"norm-raise"> {
  let summary = "Raise decomposed normalizers back to norm ops";
  let description = [{
    Front ends (torch-mlir's decompositions, tosa-to-linalg, hand-written
    linalg) spell a normalizer as reductions and elementwise ops. This pass
    reads every float tensor result as one scalar expression over its index
    space, inlining linalg ops (through their indexing maps and bodies),
    elementwise arith/math on tensors, splat constants and unit-dim
    reshapes, so that the same expression comes out whatever the producer's
    op granularity, keepdim spelling or broadcast maps. Where the expression
    is exactly

        [truncf] ((x - mean(x)) * rstd [* scale | * (1 + w)] [+ bias])
        [truncf] (x * rstd [* scale | * (1 + w)])         (RMS)

    with `rstd` spelled `rsqrt(v + eps)`, `1 / sqrt(v + eps)` or a division
    by `sqrt(v + eps)`, the variance `mean((x - mean)^2)`,
    `mean(x^2) - mean(x)^2`, its `max(0, .)`, or torch-mlir's f64 var of
    the extended value by its own f64 mean, rounded back, and every mean a
    sum divided by its exact count (a constant, the reciprocal as the
    producer's type rounds it, or a product of `tensor.dim`s of the input
    for dynamic dims), the root becomes a normalizer whose kind the summed
    dims decide (sums of sums, as TOSA writes one axis per reduction, are
    one sum):
    - the trailing dims: `norm.layer_norm` or `norm.rms_norm`
      (`scale_offset = 1` for `1 + w`), or with a per-channel scale and
      bias read at d1 an NCHW instance norm, `norm.group_norm` with
      `num_groups = C`;
    - the spatial dims of NHWC, [1, rank - 1): `norm.group_norm` with
      `num_groups = C`, `channel_axis = rank - 1`;
    - all dims but the batch and dim rank - 2 of a view [N, ..., G, C/G]
      (Keras' GroupNormalization): `norm.group_norm` with G groups of the
      view's last two dims collapsed, parameters read at both of them;
    - all dims but a channel (dim 1 or the last): `norm.batch_norm train`;
      its running-statistics update, where the producer writes it
      (`momentum * mean + (1 - momentum) * running_mean`, the variance
      made unbiased by `n / (n - 1)`), becomes the op's new running
      statistics.
    `(x - m[c]) * rstd(v[c] + eps)` with `m` and `v` running statistics
    from outside (arguments, loads, constants) read per channel, and the
    folded form of Keras and XLA `x * inv + (beta - m * inv)` with
    `inv = rsqrt(v + eps) * gamma`, are `norm.batch_norm eval`; the folded
    form with the batch's or row's own mean and variance (Keras 3's layer
    and batch norms, `-m * inv + beta`) is read as the centered one. A layer
    norm over the dims [2, rank) of a view [N, G, ...] of x [N, C, ...]
    whose result is viewed back (torch-mlir's group norm), and a training
    batch norm without affine of a view [1, N G, ...] (ATen's instance
    norm, G = C), are `norm.group_norm` of x with G groups when G divides
    C, with the per-channel affine after it folded in. Epsilon, axes, groups, momentum
    and parameters are read from the IR. The producer's mean and rstd
    tensors, where other ops read them, are read from the op's
    mean/rstd (saved_mean/saved_rstd) results.

    Near-misses stay as they are: statistics over other dims than these
    or over different dims, epsilon outside the square root, an unbiased
    variance, centering by another tensor's mean, a count of another
    tensor's dims, a scale or bias that is not read exactly along the
    normalized dims (or per channel), a parameter of another element type
    than the result, intermediates (the centered value, the variance, a
    statistic read otherwise) used outside the normalizer, a group view
    whose groups split channels. Statistics computed in bf16/f16 are
    raised with `compute_type = f32`, f64 data with `compute_type = f64`,
    and a remark. With `report`, every raise and every candidate that
    looks like a normalizer but is not one gets a remark saying why.
  }];
  let options = [
    Option<"enable", "enable", "bool", "true",
           "Raise (false: the pass does nothing)">,
    Option<"report", "report", "bool", "false",
           "Emit a remark for every raise and every rejected candidate">,
  ];
  let dependentDialects = ["::mlir::norm::NormDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def NormOptimize : Pass<"norm-optimize", "::mlir::ModuleOp"> {
  let summary = "The normalization optimizations, in order, with a report";
  let description = [{
    Runs `norm-raise`, `norm-expand-residual`, `norm-share-parallel`,
    `norm-fuse-residual-add`, `norm-fuse-qk`,
    `norm-fold-into-projection{constant-weights-only}` and
    `norm-fold-batch-norm`, then canonicalization and CSE. Placement goes
    first so that the adds it makes fuse; sharing goes before fusion so that
    a normalizer computed once is fused once. Raising goes before all of
    them, so that decomposed normalizers fuse like written ones; `raise =
    false` leaves them decomposed.

    With `report`, prints per function the normalizers raised (by kind) and
    one line per candidate that was not (with the reason), the normalizers
    found, how many were fused or folded, and the bytes that the normalizers, elementwise ops and
    matmuls read and write (static shapes; a dynamic dim counts as 1), before
    and after. (Pass statistics would be the natural home, but the Debian
    LLVM is built without LLVM_ENABLE_STATS, so they print nothing.)
  }];
  let options = [
    Option<"report", "report", "bool", "false",
           "Print the fusion report to stderr">,
    Option<"raise", "raise", "bool", "true",
           "Raise decomposed normalizers first (norm-raise)">,
  ];
}

def NormCheckShapes : Pass<"norm-check-shapes", "::mlir::ModuleOp"> {
  let summary = "Check at entry that the dynamic dims the code ties agree";
  let description = [{
    Compiled code trusts its arguments' dynamic sizes: a layer norm of `x`
    with a residual of 3 rows where `x` has 4 reads past the residual's end.
    At the entry of every public function this pass compares the dynamic
    dims of the arguments that its ops tie together (see DimTies.h: the
    dims one linalg loop indexes, a tensor.empty sized by another's dim),
    and a dynamic dim tied to a static one with that size. A mismatch calls
    the runtime's `norm_rt_size_mismatch`, which prints one line naming the
    arguments, the dim and the sizes and exits with status 2.

    ```mlir
    func.func @f(%x: tensor<?x8xf32>, %r: tensor<?x8xf32>) -> tensor<?x8xf32>
    // gets at entry
    %n0 = tensor.dim %x, %c0 : tensor<?x8xf32>
    %n1 = tensor.dim %r, %c0 : tensor<?x8xf32>
    %ne = arith.cmpi ne, %n1, %n0 : index
    scf.if %ne {
      func.call @norm_rt_size_mismatch(%c1, %c0, %n1, %c0, %c0, %n0) : ...
    }
    ```

    Run it on tensors after `convert-norm-to-linalg` and
    `convert-elementwise-to-linalg`, where the ties are in the maps.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // NORM_MLIR_TRANSFORMS_PASSES_TD
