//===- NormOps.td - The ops of the norm dialect ----------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every normalizer of DESIGN.md section 2, the residual placement op, and the
// ops that passes create (fused residual forms, projection fusions, SyncBN),
// and the gradients of the row normalizers.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORMOPS_TD
#define NORM_DIALECT_NORMOPS_TD

include "norm-mlir/Dialect/NormBase.td"
include "norm-mlir/Dialect/NormInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/IR/RegionKindInterface.td"

/// A normalizer: pure, verified by the interface and by its own verifier.
class Norm_NormalizerOp<string mnemonic, list<Trait> traits = [],
                        list<string> overridden = []>
    : Norm_Op<mnemonic, !listconcat([Pure,
          DeclareOpInterfaceMethods<Norm_NormalizationOpInterface, overridden>],
          traits)> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Layer and RMS normalization
//===----------------------------------------------------------------------===//

def Norm_LayerNormOp : Norm_NormalizerOp<"layer_norm",
    [AttrSizedOperandSegments, AttrSizedResultSegments,
     AllTypesMatch<["input", "result"]>]> {
  let summary = "layer normalization over the trailing dimensions";
  let description = [{
    Normalizes each row of `input` over the dims `[axis, rank)`:

        y = (x - mean(x)) * rsqrt(var(x) + epsilon) * scale + bias

    where the statistics are computed in `compute_type` and the variance is
    biased (divides by the number of normalized elements). `scale` and `bias`
    are optional and have the shape of the normalized dims. The optional
    results `mean` and `rstd` (`1 / sqrt(var + epsilon)`) have the shape of
    the outer dims `[0, axis)` and element type `compute_type`; training
    frameworks keep them for the backward pass.

    ```mlir
    %y = norm.layer_norm %x scale(%g : tensor<768xf32>) bias(%b : tensor<768xf32>)
           : tensor<?x128x768xbf16>
    %z, %mean, %rstd = norm.layer_norm %x {axis = 1 : i64, epsilon = 1.0e-06 : f64}
           : tensor<8x16x32xf32> mean(tensor<8xf32>) rstd(tensor<8xf32>)
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$input,
                       Optional<Norm_FloatTensor>:$scale,
                       Optional<Norm_FloatTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       Norm_EpsilonAttr<"1.0e-5">:$epsilon,
                       Norm_ComputeTypeAttr:$compute_type);
  let results = (outs Norm_FloatTensor:$result,
                      Optional<Norm_FloatTensor>:$mean,
                      Optional<Norm_FloatTensor>:$rstd);
  let assemblyFormat = [{
    $input (`scale` `(` $scale^ `:` type($scale) `)`)? 
    (`bias` `(` $bias^ `:` type($bias) `)`)? attr-dict
    `:` type($input)
    (`mean` `(` type($mean)^ `)`)? (`rstd` `(` type($rstd)^ `)`)?
  }];
}

def Norm_RMSNormOp : Norm_NormalizerOp<"rms_norm",
    [AllTypesMatch<["input", "result"]>],
    ["isCentered"]> {
  let summary = "root-mean-square normalization over the trailing dimensions";
  let description = [{
    Normalizes each row of `input` over the dims `[axis, rank)` without
    centering it:

        y = x * rsqrt(mean(x^2) + epsilon) * (scale_offset + scale)

    The mean square is computed in `compute_type`. `scale` is optional and has
    the shape of the normalized dims; without it no affine multiply is done.
    `scale_offset` is 0 for LLaMA-style RMSNorm and 1 for Gemma, which stores
    the scale as `w` and multiplies by `1 + w`. The optional result `rstd`
    has the shape of the outer dims and element type `compute_type`.

    ```mlir
    %y = norm.rms_norm %x scale(%w : tensor<4096xbf16>) {scale_offset = 1.0 : f64}
           : tensor<?x4096xbf16>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$input,
                       Optional<Norm_FloatTensor>:$scale,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       Norm_EpsilonAttr<"1.0e-6">:$epsilon,
                       Norm_ComputeTypeAttr:$compute_type,
                       DefaultValuedAttr<F64Attr, "0.0">:$scale_offset);
  let results = (outs Norm_FloatTensor:$result,
                      Optional<Norm_FloatTensor>:$rstd);
  let assemblyFormat = [{
    $input (`scale` `(` $scale^ `:` type($scale) `)`)? attr-dict
    `:` type($input) (`rstd` `(` type($rstd)^ `)`)?
  }];
}

def Norm_AddLayerNormOp : Norm_NormalizerOp<"add_layer_norm",
    [AttrSizedOperandSegments,
     AllTypesMatch<["input", "residual", "result", "sum"]>]> {
  let summary = "residual add fused with layer normalization";
  let description = [{
    Adds the residual and normalizes the sum, keeping the sum as a second
    result for the next residual connection:

        sum = input + residual
        y   = layer_norm(sum)       (as `norm.layer_norm`, same attributes)

    `norm-fuse-residual-add` creates it from an add followed by a layer norm.

    ```mlir
    %y, %sum = norm.add_layer_norm %x, %r scale(%g : tensor<768xf32>)
                 : tensor<?x768xf32>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$input, Norm_FloatTensor:$residual,
                       Optional<Norm_FloatTensor>:$scale,
                       Optional<Norm_FloatTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       Norm_EpsilonAttr<"1.0e-5">:$epsilon,
                       Norm_ComputeTypeAttr:$compute_type);
  let results = (outs Norm_FloatTensor:$result, Norm_FloatTensor:$sum);
  let assemblyFormat = [{
    $input `,` $residual (`scale` `(` $scale^ `:` type($scale) `)`)? 
    (`bias` `(` $bias^ `:` type($bias) `)`)? attr-dict
    `:` type($input)
  }];
}

def Norm_AddRMSNormOp : Norm_NormalizerOp<"add_rms_norm",
    [AllTypesMatch<["input", "residual", "result", "sum"]>], ["isCentered"]> {
  let summary = "residual add fused with RMS normalization";
  let description = [{
    Adds the residual and RMS-normalizes the sum, keeping the sum as a second
    result for the next residual connection:

        sum = input + residual
        y   = rms_norm(sum)         (as `norm.rms_norm`, same attributes)

    ```mlir
    %y, %sum = norm.add_rms_norm %x, %r scale(%w : tensor<4096xbf16>)
                 : tensor<?x4096xbf16>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$input, Norm_FloatTensor:$residual,
                       Optional<Norm_FloatTensor>:$scale,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       Norm_EpsilonAttr<"1.0e-6">:$epsilon,
                       Norm_ComputeTypeAttr:$compute_type,
                       DefaultValuedAttr<F64Attr, "0.0">:$scale_offset);
  let results = (outs Norm_FloatTensor:$result, Norm_FloatTensor:$sum);
  let assemblyFormat = [{
    $input `,` $residual (`scale` `(` $scale^ `:` type($scale) `)`)? attr-dict
    `:` type($input)
  }];
}

//===----------------------------------------------------------------------===//
// Batch, group and weight normalization
//===----------------------------------------------------------------------===//

def Norm_BatchNormOp : Norm_NormalizerOp<"batch_norm",
    [AttrSizedResultSegments,
     AllTypesMatch<["input", "result"]>, AllTypesMatch<["scale", "bias"]>,
     AllTypesMatch<["running_mean", "running_var", "new_running_mean",
                    "new_running_var"]>]> {
  let summary = "batch normalization with running statistics";
  let description = [{
    Normalizes every channel (dim `channel_axis` of `input`) with statistics
    taken over all the other dims.

    In `train` mode the statistics are those of the batch, counting only the
    positions where `mask` is true when a mask is given (padded sequences):

        mean = mean(x), var = biased var(x)        per channel
        y    = (x - mean) * rsqrt(var + epsilon) * scale + bias
        new_running_mean = (1 - momentum) * running_mean + momentum * mean
        new_running_var  = (1 - momentum) * running_var
                           + momentum * var * n / (n - 1)   (unbiased)

    A channel without values (an empty batch, or everything masked) keeps
    its running statistics (PyTorch's choice for an empty batch); its
    normalized values use mean 0 and variance 0.

    In `eval` mode the running statistics normalize the input and are
    returned unchanged. `scale`, `bias` and the running statistics have shape
    `[C]`; `mask`, when present, has the shape of `input` without the channel
    dim. The optional results `saved_mean` and `saved_rstd` (shape `[C]`,
    element type `compute_type`) are the batch statistics used. A
    `sync_group` names the device group whose statistics are merged (SyncBN).

    ```mlir
    %y, %rm, %rv = norm.batch_norm train %x, %gamma, %beta, %mean, %var
        {momentum = 0.1 : f64}
        : tensor<?x64x28x28xf32>, params tensor<64xf32>, stats tensor<64xf32>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$input,
                       Norm_StatTensor:$scale, Norm_StatTensor:$bias,
                       Norm_StatTensor:$running_mean, Norm_StatTensor:$running_var,
                       Optional<Norm_MaskTensor>:$mask,
                       Norm_BatchNormModeAttr:$mode,
                       Norm_EpsilonAttr<"1.0e-5">:$epsilon,
                       DefaultValuedAttr<F64Attr, "0.1">:$momentum,
                       DefaultValuedAttr<I64Attr, "1">:$channel_axis,
                       OptionalAttr<StrAttr>:$sync_group,
                       Norm_ComputeTypeAttr:$compute_type);
  let results = (outs Norm_FloatTensor:$result,
                      Norm_StatTensor:$new_running_mean,
                      Norm_StatTensor:$new_running_var,
                      Optional<Norm_StatTensor>:$saved_mean,
                      Optional<Norm_StatTensor>:$saved_rstd);
  let assemblyFormat = [{
    $mode $input `,` $scale `,` $bias `,` $running_mean `,` $running_var
    (`mask` `(` $mask^ `:` type($mask) `)`)? attr-dict
    `:` type($input) `,` `params` type($scale) `,` `stats` type($running_mean)
    (`saved_mean` `(` type($saved_mean)^ `)`)? (`saved_rstd` `(` type($saved_rstd)^ `)`)?
  }];
  let hasCanonicalizer = 1;
}

def Norm_GroupNormOp : Norm_NormalizerOp<"group_norm",
    [AttrSizedOperandSegments, AllTypesMatch<["input", "result"]>],
    ["getNumGroups"]> {
  let summary = "group normalization (instance normalization when G = C)";
  let description = [{
    Splits the `C` channels (dim `channel_axis`) into `num_groups` groups of
    `C / num_groups` consecutive channels and normalizes each group of each
    sample (dim 0) over its channels and all spatial dims:

        y = (x - mean_g) * rsqrt(var_g + epsilon) * scale[c] + bias[c]

    `num_groups = 1` is layer norm over (C, H, W); `num_groups = C` is
    instance norm. `scale` and `bias` are optional, of shape `[C]`. Both NCHW
    (`channel_axis = 1`) and NHWC (`channel_axis = rank - 1`) are accepted.

    ```mlir
    %y = norm.group_norm %x scale(%g : tensor<64xf32>) bias(%b : tensor<64xf32>)
           {num_groups = 32 : i64} : tensor<?x64x56x56xf32>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$input,
                       Optional<Norm_FloatTensor>:$scale,
                       Optional<Norm_FloatTensor>:$bias,
                       I64Attr:$num_groups,
                       Norm_EpsilonAttr<"1.0e-5">:$epsilon,
                       DefaultValuedAttr<I64Attr, "1">:$channel_axis,
                       Norm_ComputeTypeAttr:$compute_type);
  let results = (outs Norm_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scale` `(` $scale^ `:` type($scale) `)`)? 
    (`bias` `(` $bias^ `:` type($bias) `)`)? attr-dict
    `:` type($input)
  }];
}

def Norm_WeightNormOp : Norm_NormalizerOp<"weight_norm",
    [AllTypesMatch<["v", "w"]>],
    ["getNormalizedInput", "isCentered", "getScale"]> {
  let summary = "weight normalization: direction times magnitude";
  let description = [{
    Reparametrizes a weight as a direction `v` and a magnitude `g`:

        w = g * v / ||v||

    With `dim`, the L2 norm is taken over every dim but `dim` (one norm per
    output channel for `dim = 0`) and `g` has shape `[v.shape[dim]]`; without
    it the norm is over the whole tensor and `g` is a rank-0 tensor. The norm
    is accumulated in `compute_type`.

    ```mlir
    %w = norm.weight_norm %v, %g {dim = 0 : i64} : tensor<256x128xf32>, tensor<256xf32>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$v, Norm_FloatTensor:$g,
                       OptionalAttr<I64Attr>:$dim,
                       Norm_ComputeTypeAttr:$compute_type);
  let results = (outs Norm_FloatTensor:$w);
  let assemblyFormat = "$v `,` $g attr-dict `:` type($v) `,` type($g)";
}

//===----------------------------------------------------------------------===//
// Placement in a residual block
//===----------------------------------------------------------------------===//

def Norm_ResidualOp : Norm_Op<"residual", [
    SingleBlock, RecursiveMemoryEffects,
    AllTypesMatch<["input", "result"]>]> {
  let summary = "a residual block with explicit normalizer placement";
  let description = [{
    A residual connection around a sublayer (`body`), with the normalizers
    around it given as one-op regions. With `a = residual_scale`:

        h = pre(x)                  if `pre` is present, else x
        f = sum of body(h)          the body may yield several values
        f = out(f)                  if `out` is present
        s = a * x + f
        y = post(s)                 if `post` is present, else s

    The placements of the literature are shapes of this op:
    - pre-LN (GPT-2, LLaMA): `pre` only, `y = x + f(N(x))`;
    - post-LN (Vaswani, BERT): `post` only, `y = N(x + f(x))`; with
      `residual_scale > 1` it is DeepNorm, `y = N(a * x + f(x))`;
    - sandwich / peri-LN: `pre` and `out`, `y = x + N2(f(N1(x)))`;
    - parallel (GPT-J): `pre` and a body yielding the attention and MLP
      outputs, `y = x + attn(N(x)) + mlp(N(x))`.

    `pre`, `out` and `post` each hold exactly one normalizer applied to the
    region argument, followed by `norm.yield` of its result. `body` takes one
    argument and yields one or more values, all of the input type.
    `norm-expand-residual` turns the op into explicit normalizers and adds.

    ```mlir
    %y = norm.residual %x : tensor<?x768xf32>
      pre {
      ^bb0(%a: tensor<?x768xf32>):
        %n = norm.layer_norm %a : tensor<?x768xf32>
        norm.yield %n : tensor<?x768xf32>
      } body {
      ^bb0(%h: tensor<?x768xf32>):
        %f = func.call @mlp(%h) : (tensor<?x768xf32>) -> tensor<?x768xf32>
        norm.yield %f : tensor<?x768xf32>
      }
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$input,
                       DefaultValuedAttr<F64Attr, "1.0">:$residual_scale);
  let results = (outs Norm_FloatTensor:$result);
  let regions = (region AnyRegion:$pre, SizedRegion<1>:$body,
                        AnyRegion:$out, AnyRegion:$post);
  let assemblyFormat = [{
    $input attr-dict
    `:` type($input)
    (`pre` $pre^)? `body` $body (`out` $out^)? (`post` $post^)?
  }];
  let hasRegionVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// The normalizer held by a placement region, or null when it is empty.
    NormalizationOpInterface getRegionNormalizer(::mlir::Region &region);

    /// Replaces the op by its regions, inlined, and the residual add:
    /// explicit normalizers, `arith.addf` and, for a residual_scale other
    /// than 1, `arith.mulf` by a `tensor.splat`. Returns the new result.
    ::mlir::Value expand(::mlir::RewriterBase &rewriter);
  }];
}

def Norm_YieldOp : Norm_Op<"yield", [Pure, Terminator, ReturnLike,
                                     HasParent<"ResidualOp">]> {
  let summary = "yields the values of a norm.residual region";
  let description = [{
    Terminates a region of `norm.residual`. The body may yield several values
    (summed); a normalizer region yields its normalizer's result.
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

//===----------------------------------------------------------------------===//
// Ops created by passes: normalizers fused with projections
//===----------------------------------------------------------------------===//

def Norm_ProjectNormOp : Norm_NormalizerOp<"project_norm",
    [AttrSizedOperandSegments], ["isCentered", "getNumGroups"]> {
  let summary = "a projection with a per-head normalizer in its epilogue (QK-norm)";
  let description = [{
    A matmul whose output columns are normalized in groups of `head_dim`
    (one group per attention head), as a Q or K projection followed by
    QK-norm:

        p = round(input x weight) + proj_bias     [..., N], N = heads * head_dim
        y = norm(p) per group of head_dim columns, with scale and bias of
            shape [head_dim] shared by every head

    The product accumulates in `compute_type` and is rounded once to the
    element type (`round`), as the unfused program does when its matmul
    accumulates bf16 products in f32 and truncates; the bias is added in the
    element type. `weight` is `[K, N]`, or `[N, K]` with `transpose_weight`
    (how `nn.Linear` stores it). `kind` is `layer` or `rms`. `norm-fuse-qk`
    creates it; the normalizer runs in the matmul's epilogue, so the
    projection is never written out unnormalized.

    ```mlir
    %q = norm.project_norm rms %x, %wq scale(%g : tensor<128xbf16>)
           {head_dim = 128 : i64, epsilon = 1.0e-06 : f64}
           : tensor<?x4096xbf16>, tensor<4096x4096xbf16> -> tensor<?x4096xbf16>
    ```
  }];
  let arguments = (ins Norm_NormKindAttr:$kind,
                       Norm_FloatTensor:$input, Norm_FloatTensor:$weight,
                       Optional<Norm_FloatTensor>:$proj_bias,
                       Optional<Norm_FloatTensor>:$scale,
                       Optional<Norm_FloatTensor>:$bias,
                       I64Attr:$head_dim, F64Attr:$epsilon,
                       Norm_ComputeTypeAttr:$compute_type,
                       DefaultValuedAttr<F64Attr, "0.0">:$scale_offset,
                       UnitAttr:$transpose_weight);
  let results = (outs Norm_FloatTensor:$result);
  let assemblyFormat = [{
    $kind $input `,` $weight
    (`proj_bias` `(` $proj_bias^ `:` type($proj_bias) `)`)?
    (`scale` `(` $scale^ `:` type($scale) `)`)? 
    (`bias` `(` $bias^ `:` type($bias) `)`)? attr-dict
    `:` type($input) `,` type($weight) `->` type($result)
  }];
}

def Norm_NormProjectOp : Norm_NormalizerOp<"norm_project", [],
    ["isCentered"]> {
  let summary = "a normalizer folded into the following projection (FlashNorm)";
  let description = [{
    Normalizes the last dim of `input` without an affine transform and
    multiplies by `weight` (into which the normalizer's scale has been
    folded), adding `bias` (which holds the folded normalizer bias):

        y = norm(input) x weight + bias                 [..., N]

    The product and the bias accumulate in `compute_type` and are rounded
    once to the element type. `weight` is `[K, N]`, or `[N, K]` with
    `transpose_weight` (how `nn.Linear` stores it).

    It is evaluated as `rstd * (input x weight)` for `rms` and as
    `rstd * (input x weight - mean * colsum(weight))` for `layer`, so the
    normalization is applied to the N outputs after the matmul rather than
    to the K inputs before it. `norm-fold-into-projection` creates it.

    ```mlir
    %q = norm.norm_project rms %x, %wq {epsilon = 1.0e-06 : f64}
           : tensor<?x4096xbf16>, tensor<4096x4096xbf16> -> tensor<?x4096xbf16>
    ```
  }];
  let arguments = (ins Norm_NormKindAttr:$kind,
                       Norm_FloatTensor:$input, Norm_FloatTensor:$weight,
                       Optional<Norm_FloatTensor>:$bias,
                       F64Attr:$epsilon, Norm_ComputeTypeAttr:$compute_type,
                       UnitAttr:$transpose_weight);
  let results = (outs Norm_FloatTensor:$result);
  let assemblyFormat = [{
    $kind $input `,` $weight 
    (`bias` `(` $bias^ `:` type($bias) `)`)? attr-dict
    `:` type($input) `,` type($weight) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Ops created by passes: synchronized batch normalization
//===----------------------------------------------------------------------===//

def Norm_BatchStatsOp : Norm_Op<"batch_stats",
    [Pure, AllTypesMatch<["count", "mean", "m2"]>]> {
  let summary = "local per-channel count, mean and sum of squared deviations";
  let description = [{
    The first step of a synchronized batch norm: for every channel, the
    number of (unmasked) values, their mean and `m2 = sum((x - mean)^2)`,
    each of shape `[C]` and element type `compute_type`. These merge exactly
    across devices (Chan et al.) in `norm.all_reduce_stats`.

    ```mlir
    %n, %mean, %m2 = norm.batch_stats %x : tensor<?x64x28x28xbf16> -> tensor<64xf32>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$input, Optional<Norm_MaskTensor>:$mask,
                       DefaultValuedAttr<I64Attr, "1">:$channel_axis,
                       Norm_ComputeTypeAttr:$compute_type);
  let results = (outs Norm_StatTensor:$count, Norm_StatTensor:$mean,
                      Norm_StatTensor:$m2);
  let assemblyFormat = [{
    $input (`mask` `(` $mask^ `:` type($mask) `)`)? attr-dict
    `:` type($input) `->` type($mean)
  }];
  let hasVerifier = 1;
}

def Norm_AllReduceStatsOp : Norm_Op<"all_reduce_stats",
    [AllTypesMatch<["count", "mean", "m2", "total_count", "total_mean",
                    "total_m2"]>]> {
  let summary = "merges per-channel statistics across a device group";
  let description = [{
    A collective over the devices of `sync_group`: merges the (count, mean,
    m2) triples of every member with Chan's parallel formula

        n = n_a + n_b,  d = mean_b - mean_a
        mean = mean_a + d * n_b / n
        m2 = m2_a + m2_b + d^2 * n_a * n_b / n

    and returns the merged triple on every member. In a single process it is
    the identity. It communicates, so it is never removed or duplicated.

    ```mlir
    %n2, %m2a, %m2b = norm.all_reduce_stats "dp" %n, %mean, %m2 : tensor<64xf32>
    ```
  }];
  let arguments = (ins StrAttr:$sync_group, Norm_StatTensor:$count,
                       Norm_StatTensor:$mean, Norm_StatTensor:$m2);
  let results = (outs Norm_StatTensor:$total_count, Norm_StatTensor:$total_mean,
                      Norm_StatTensor:$total_m2);
  let assemblyFormat = [{
    $sync_group $count `,` $mean `,` $m2 attr-dict `:` type($count)
  }];
  let hasVerifier = 1;
}

def Norm_BatchNormApplyOp : Norm_NormalizerOp<"batch_norm_apply",
    [AttrSizedOperandSegments, AllTypesMatch<["input", "result"]>,
     AllTypesMatch<["mean", "variance"]>]> {
  let summary = "normalizes channels with given statistics";
  let description = [{
    The last step of a synchronized batch norm:

        y = (x - mean[c]) * rsqrt(variance[c] + epsilon) * scale[c] + bias[c]

    with `mean` and the biased `variance` of shape `[C]` (from
    `norm.all_reduce_stats`), and optional `scale` and `bias` of shape `[C]`.

    ```mlir
    %y = norm.batch_norm_apply %x, %mean, %var scale(%g : tensor<64xf32>)
           : tensor<?x64x28x28xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$input,
                       Norm_StatTensor:$mean, Norm_StatTensor:$variance,
                       Optional<Norm_StatTensor>:$scale,
                       Optional<Norm_StatTensor>:$bias,
                       Norm_EpsilonAttr<"1.0e-5">:$epsilon,
                       DefaultValuedAttr<I64Attr, "1">:$channel_axis,
                       Norm_ComputeTypeAttr:$compute_type);
  let results = (outs Norm_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $mean `,` $variance (`scale` `(` $scale^ `:` type($scale) `)`)? 
    (`bias` `(` $bias^ `:` type($bias) `)`)? attr-dict
    `:` type($input) `,` type($mean)
  }];
}

//===----------------------------------------------------------------------===//
// Gradients
//===----------------------------------------------------------------------===//

def Norm_LayerNormGradOp : Norm_Op<"layer_norm_grad",
    [Pure, AttrSizedOperandSegments, AttrSizedResultSegments,
     AllTypesMatch<["grad", "input", "input_grad"]>,
     AllTypesMatch<["mean", "rstd"]>]> {
  let summary = "the backward pass of layer_norm and of add_layer_norm";
  let description = [{
    The gradient of a `norm.layer_norm` over the dims `[axis, rank)`, N
    values per row, from the gradient `grad` (dy) of its result, its `input`
    x, the `mean` and `rstd` it saved (its optional results: the outer dims,
    in the statistics type) and its `scale` (gamma):

        xhat = (x - mean) * rstd,  g = dy * scale  (dy without a scale)
        input_grad = rstd * (g - mean(g) - xhat * mean(g * xhat)) + sum_grad
        scale_grad = sum over rows of dy * xhat
        bias_grad  = sum over rows of dy

    Everything is computed in the element type of `mean` and `rstd` (f32 or
    f64, at least as wide as x's), rounded once to the results' types. The
    optional `sum_grad` is the gradient that reaches the normalized tensor
    from its other users: with it, this is the backward of
    `norm.add_layer_norm`, whose two summands both receive `input_grad`.
    `scale_grad` (only with a `scale`, of its type) and `bias_grad` (of the
    normalized dims, x's element type) are optional results. Rows are
    independent; a lowering sums across rows in an order fixed by the shape
    (not by the thread count), so its results are reproducible.

    ```mlir
    %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %mean, %rstd
        scale(%g : tensor<768xf32>) : tensor<8x768xf32>, stats tensor<8xf32>
        scale_grad(tensor<768xf32>) bias_grad(tensor<768xf32>)
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$grad, Norm_FloatTensor:$input,
                       Norm_StatTensor:$mean, Norm_StatTensor:$rstd,
                       Optional<Norm_FloatTensor>:$scale,
                       Optional<Norm_FloatTensor>:$sum_grad,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Norm_FloatTensor:$input_grad,
                      Optional<Norm_FloatTensor>:$scale_grad,
                      Optional<Norm_FloatTensor>:$bias_grad);
  let assemblyFormat = [{
    $grad `,` $input `,` $mean `,` $rstd
    (`scale` `(` $scale^ `:` type($scale) `)`)?
    (`sum_grad` `(` $sum_grad^ `:` type($sum_grad) `)`)? attr-dict
    `:` type($input) `,` `stats` type($mean)
    (`scale_grad` `(` type($scale_grad)^ `)`)?
    (`bias_grad` `(` type($bias_grad)^ `)`)?
  }];
  let hasVerifier = 1;
}

def Norm_RMSNormGradOp : Norm_Op<"rms_norm_grad",
    [Pure, AttrSizedOperandSegments,
     AllTypesMatch<["grad", "input", "input_grad"]>]> {
  let summary = "the backward pass of rms_norm and of add_rms_norm";
  let description = [{
    The gradient of a `norm.rms_norm` over the dims `[axis, rank)`, N values
    per row, from the gradient `grad` (dy) of its result, its `input` x, the
    `rstd` it saved (its optional result) and its `scale` (w, multiplied as
    `scale_offset + w`: 1 for Gemma):

        xhat = x * rstd,  g = dy * (scale_offset + scale)  (dy without a scale)
        input_grad = rstd * (g - xhat * mean(g * xhat)) + sum_grad
        scale_grad = sum over rows of dy * xhat

    Computed in the element type of `rstd`, as `norm.layer_norm_grad`;
    `sum_grad` makes it the backward of `norm.add_rms_norm`, and
    `scale_grad` (only with a `scale`) is optional.

    ```mlir
    %dx, %dw = norm.rms_norm_grad %dy, %x, %rstd scale(%w : tensor<4096xbf16>)
        {scale_offset = 1.0 : f64} : tensor<?x4096xbf16>, stats tensor<?xf32>
        scale_grad(tensor<4096xbf16>)
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$grad, Norm_FloatTensor:$input,
                       Norm_StatTensor:$rstd,
                       Optional<Norm_FloatTensor>:$scale,
                       Optional<Norm_FloatTensor>:$sum_grad,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F64Attr, "0.0">:$scale_offset);
  let results = (outs Norm_FloatTensor:$input_grad,
                      Optional<Norm_FloatTensor>:$scale_grad);
  let assemblyFormat = [{
    $grad `,` $input `,` $rstd
    (`scale` `(` $scale^ `:` type($scale) `)`)?
    (`sum_grad` `(` $sum_grad^ `:` type($sum_grad) `)`)? attr-dict
    `:` type($input) `,` `stats` type($rstd)
    (`scale_grad` `(` type($scale_grad)^ `)`)?
  }];
  let hasVerifier = 1;
}

def Norm_BatchNormGradOp : Norm_Op<"batch_norm_grad",
    [Pure, AttrSizedResultSegments,
     AllTypesMatch<["grad", "input", "input_grad"]>,
     AllTypesMatch<["mean", "rstd"]>]> {
  let summary = "the backward pass of batch_norm";
  let description = [{
    The gradient of a `norm.batch_norm` of `input` x (channel dim
    `channel_axis`, statistics over every other dim) from the gradient
    `grad` (dy) of its result, the per-channel `mean` and `rstd` that
    normalized x and its `scale` (gamma). In `train` mode these are the
    batch statistics the forward saved (its `saved_mean` and `saved_rstd`)
    and x's gradient flows through them; in `eval` mode they are the running
    mean and rsqrt(running_var + epsilon), constants. Per channel, over the
    M positions that count (those where `mask` is true; all without one):
        xhat = (x - mean) * rstd
        bias_grad  = sum of dy,  scale_grad = sum of dy * xhat
        train: input_grad = scale * rstd * (dy - bias_grad / M
                                            - xhat * scale_grad / M)
        eval:  input_grad = scale * rstd * dy
    and input_grad is 0 where the mask is false (padding: it did not count
    in the statistics and its output is not used) and for a channel without
    positions. Computed in the element type of `mean` and `rstd` (f32 or
    f64, at least as wide as x's), rounded once; the per-channel sums run in
    an order fixed by the shape. `scale_grad` and `bias_grad` (the type of
    `scale`) are optional results.
    ```mlir
    %dx, %dg, %db = norm.batch_norm_grad train %dy, %x, %mean, %rstd, %g
        : tensor<8x64x28x28xf32>, params tensor<64xf32>, stats tensor<64xf32>
        scale_grad(tensor<64xf32>) bias_grad(tensor<64xf32>)
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$grad, Norm_FloatTensor:$input,
                       Norm_StatTensor:$mean, Norm_StatTensor:$rstd,
                       Norm_StatTensor:$scale,
                       Optional<Norm_MaskTensor>:$mask,
                       Norm_BatchNormModeAttr:$mode,
                       DefaultValuedAttr<I64Attr, "1">:$channel_axis);
  let results = (outs Norm_FloatTensor:$input_grad,
                      Optional<Norm_StatTensor>:$scale_grad,
                      Optional<Norm_StatTensor>:$bias_grad);
  let assemblyFormat = [{
    $mode $grad `,` $input `,` $mean `,` $rstd `,` $scale
    (`mask` `(` $mask^ `:` type($mask) `)`)? attr-dict
    `:` type($input) `,` `params` type($scale) `,` `stats` type($mean)
    (`scale_grad` `(` type($scale_grad)^ `)`)?
    (`bias_grad` `(` type($bias_grad)^ `)`)?
  }];
  let hasVerifier = 1;
}
def Norm_GroupNormGradOp : Norm_Op<"group_norm_grad",
    [Pure, AttrSizedResultSegments,
     AllTypesMatch<["grad", "input", "input_grad"]>]> {
  let summary = "the backward pass of group_norm (and instance norm)";
  let description = [{
    The gradient of a `norm.group_norm` of `input` x with the same
    `num_groups`, `epsilon`, `channel_axis` and `scale` (gamma, optional)
    from the gradient `grad` (dy) of its result. The forward saves no
    statistics, so this op recomputes them from x (mean, then the biased
    variance, two passes) for each group of each sample, N values each:
        xhat = (x - mean) * rstd,  g = dy * scale[c]  (dy without a scale)
        input_grad = rstd * (g - mean(g) - xhat * mean(g * xhat))
        scale_grad[c] = sum over samples and spatial dims of dy * xhat
        bias_grad[c]  = sum over samples and spatial dims of dy
    Computed in `compute_type` (f32 when absent), rounded once; the sums run
    in an order fixed by the shape. `scale_grad` (only with a `scale`, of its
    type) and `bias_grad` (`[C]` in x's element type) are optional results.
    ```mlir
    %dx, %dg, %db = norm.group_norm_grad %dy, %x scale(%g : tensor<64xf32>)
        {num_groups = 32 : i64} : tensor<8x64x28x28xf32>
        scale_grad(tensor<64xf32>) bias_grad(tensor<64xf32>)
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$grad, Norm_FloatTensor:$input,
                       Optional<Norm_FloatTensor>:$scale,
                       I64Attr:$num_groups,
                       Norm_EpsilonAttr<"1.0e-5">:$epsilon,
                       DefaultValuedAttr<I64Attr, "1">:$channel_axis,
                       Norm_ComputeTypeAttr:$compute_type);
  let results = (outs Norm_FloatTensor:$input_grad,
                      Optional<Norm_FloatTensor>:$scale_grad,
                      Optional<Norm_FloatTensor>:$bias_grad);
  let assemblyFormat = [{
    $grad `,` $input (`scale` `(` $scale^ `:` type($scale) `)`)? attr-dict
    `:` type($input)
    (`scale_grad` `(` type($scale_grad)^ `)`)?
    (`bias_grad` `(` type($bias_grad)^ `)`)?
  }];
  let hasVerifier = 1;
}
def Norm_WeightNormGradOp : Norm_Op<"weight_norm_grad",
    [Pure, AllTypesMatch<["grad", "v", "v_grad"]>,
     AllTypesMatch<["g", "g_grad"]>]> {
  let summary = "the backward pass of weight_norm";
  let description = [{
    The gradients of `w = g * v / ||v||` (a `norm.weight_norm` with the same
    `dim`) from the gradient `grad` (dw) of w. The forward saves nothing, so
    the norms are recomputed; per slice (over every dim but `dim`, or the
    whole tensor without it):
        g_grad = sum(dw * v) / ||v||
        v_grad = g / ||v|| * (dw - v * sum(dw * v) / ||v||^2)
    Computed in `compute_type` (f32 when absent), rounded once.
    ```mlir
    %dv, %dg = norm.weight_norm_grad %dw, %v, %g {dim = 0 : i64}
        : tensor<256x128xf32>, tensor<256xf32>
    ```
  }];
  let arguments = (ins Norm_FloatTensor:$grad, Norm_FloatTensor:$v,
                       Norm_FloatTensor:$g, OptionalAttr<I64Attr>:$dim,
                       Norm_ComputeTypeAttr:$compute_type);
  let results = (outs Norm_FloatTensor:$v_grad, Norm_FloatTensor:$g_grad);
  let assemblyFormat = "$grad `,` $v `,` $g attr-dict `:` type($v) `,` type($g)";
  let hasVerifier = 1;
}
#endif // NORM_DIALECT_NORMOPS_TD
