//===- NormBase.td - The norm dialect and shared ODS classes -*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Defines the `norm` dialect, the base class of its ops, the enums and the
// type constraints that the op definitions in NormOps.td share.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORMBASE_TD
#define NORM_DIALECT_NORMBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Norm_Dialect : Dialect {
  let name = "norm";
  let cppNamespace = "::mlir::norm";
  let summary = "Normalization layers of deep learning as first-class ops";
  let description = [{
    The `norm` dialect keeps every normalizer of deep learning whole, from
    import to the last lowering step: batch normalization (train and eval,
    running statistics, masked, synchronized across devices), layer and RMS
    normalization (including Gemma's `1 + w` scale), group and instance
    normalization, and weight normalization.

    Most ML compilers break a normalizer into about ten primitive ops early
    (mean, subtract, square, mean, add, rsqrt, multiply, ...) and then either
    lose the chance to fuse it well or try to rediscover it with fragile
    pattern matchers. Keeping the normalizer whole makes the important
    rewrites short and safe (fusing it with the residual add before it,
    folding its scale into the next matmul, folding an inference-time batch
    norm into the convolution before it) and makes the known numerical
    pitfalls checkable: an epsilon too small for the compute type, statistics
    in bf16, a train-mode batch norm in an inference graph.

    Placement in a residual block is explicit too: `norm.residual` carries the
    sublayer as a region and the normalizers that surround it as one-op
    regions, so pre-LN, post-LN, sandwich (peri-LN), GPT-J parallel and
    DeepNorm blocks are distinguished by structure rather than by naming
    convention.

    Every normalizer implements `NormalizationOpInterface`: the dims that the
    statistics reduce over, epsilon, whether the data are centered, the
    optional affine operands and the compute type. Generic passes and the
    lowering are written once against it.

    Conventions shared by every op: tensors are ranked with element type
    f16, bf16, f32 or f64; outer (batch, sequence) dims may be dynamic, the
    normalized dims are static. Statistics are computed in `compute_type`
    (f32 or f64, at least as wide as the element type) with a stable
    algorithm, and variances used for normalizing are biased (divide by n).
  }];
  let useDefaultAttributePrinterParser = 0;
  // Patterns written once over NormalizationOpInterface (NormCanonicalize.cpp).
  let hasCanonicalizer = 1;
  // Expanding norm.residual (a canonicalization) creates arith and tensor ops.
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

/// Every float attribute of the op is finite, and every attribute without a
/// dialect prefix is one the op defines (a misspelt `epsilion` would
/// otherwise be kept as a discardable attribute while the default epsilon
/// is used). See NormTraits.h.
def Norm_WellFormedAttributes : NativeOpTrait<"WellFormedAttributes"> {
  let cppNamespace = "::mlir::norm";
}

/// Base class of every op of the dialect.
class Norm_Op<string mnemonic, list<Trait> traits = []>
    : Op<Norm_Dialect, mnemonic,
         !listconcat([Norm_WellFormedAttributes], traits)>;

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

/// The data types a normalizer accepts.
def Norm_FloatTensor : RankedTensorOf<[F16, BF16, F32, F64]>;

/// Per-channel or per-row statistics and parameters (any float width).
def Norm_StatTensor : RankedTensorOf<[F16, BF16, F32, F64]>;

/// A boolean mask of valid positions.
def Norm_MaskTensor : RankedTensorOf<[I1]>;

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

/// `epsilon`, with the default of the op family.
class Norm_EpsilonAttr<string default> : DefaultValuedAttr<F64Attr, default>;

/// The type statistics are computed in; absent means f32 (see
/// NormalizationOpInterface::getStatisticsType).
def Norm_ComputeTypeAttr : OptionalAttr<TypeAttr>;

def Norm_BatchNormModeAttr : I32EnumAttr<"BatchNormMode",
    "whether batch_norm uses batch statistics or running statistics", [
      I32EnumAttrCase<"train", 0>,
      I32EnumAttrCase<"eval", 1>
    ]> {
  let cppNamespace = "::mlir::norm";
}

def Norm_NormKindAttr : I32EnumAttr<"NormKind",
    "the normalizer fused into a projection", [
      I32EnumAttrCase<"layer", 0>,
      I32EnumAttrCase<"rms", 1>
    ]> {
  let cppNamespace = "::mlir::norm";
}

#endif // NORM_DIALECT_NORMBASE_TD
