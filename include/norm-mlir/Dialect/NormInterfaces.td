//===- NormInterfaces.td - The normalizer op interface ---*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One interface shared by every normalizer, so that generic passes (lint,
// canonicalization, fusion) and the lowering are written once.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORMINTERFACES_TD
#define NORM_DIALECT_NORMINTERFACES_TD

include "mlir/IR/OpBase.td"

def Norm_NormalizationOpInterface : OpInterface<"NormalizationOpInterface"> {
  let cppNamespace = "::mlir::norm";
  let description = [{
    A normalizer: an op that computes statistics of its input over some
    dims (mean and variance, or mean square, or an L2 norm), normalizes the
    input with them in `compute_type`, then optionally applies an affine
    transform (`scale`, `bias`).

    The default implementations find the operands and attributes by their
    ODS names (`input`, `scale`, `bias`, `epsilon`, `scale_offset`,
    `compute_type`), so an op only overrides what it names differently.
    The interface verifier checks what every normalizer shares: epsilon
    finite and positive, and a compute type of f32 or f64 at least as wide
    as the element type of the input.
  }];

  let methods = [
    InterfaceMethod<
      "Returns the tensor that is normalized.",
      "::mlir::Value", "getNormalizedInput", (ins), "",
      [{ return $_op.getInput(); }]>,
    InterfaceMethod<
      [{Returns the dims the statistics reduce over, in increasing order and
        non-negative. For a grouped normalizer, the channel dim is among them
        and is split into `getNumGroups()` groups.}],
      "::llvm::SmallVector<int64_t>", "getNormalizedDims">,
    InterfaceMethod<
      "Returns the number of channel groups with separate statistics (1 for "
      "every normalizer but group_norm).",
      "int64_t", "getNumGroups", (ins), "", [{ return 1; }]>,
    InterfaceMethod<
      "Returns epsilon, or nothing for a normalizer without one (weight_norm).",
      "std::optional<double>", "getEpsilonValue", (ins), "",
      [{ return ::mlir::norm::detail::getEpsilonOf($_op); }]>,
    InterfaceMethod<
      "Returns true when the mean is subtracted (false for RMS and weight norm).",
      "bool", "isCentered", (ins), "", [{ return true; }]>,
    InterfaceMethod<
      "Returns the scale operand (gamma), or null when there is none.",
      "::mlir::Value", "getScale", (ins), "", [{ return nullptr; }]>,
    InterfaceMethod<
      "Returns the bias operand (beta), or null when there is none.",
      "::mlir::Value", "getBias", (ins), "", [{ return nullptr; }]>,
    InterfaceMethod<
      "Returns the constant added to the scale (1.0 for Gemma's RMSNorm).",
      "double", "getScaleOffsetValue", (ins), "",
      [{ return ::mlir::norm::detail::getScaleOffsetOf($_op); }]>,
    InterfaceMethod<
      "Returns the type statistics and the affine multiply are computed in: "
      "`compute_type`, f32 when it is absent.",
      "::mlir::Type", "getStatisticsType", (ins), "",
      [{
        return $_op.getComputeType().value_or(
            ::mlir::Float32Type::get($_op.getContext()));
      }]>,
    InterfaceMethod<
      "Removes an optional scale operand; fails when the op has none to remove.",
      "::llvm::LogicalResult", "eraseScale", (ins), "",
      [{ return ::mlir::norm::detail::eraseOptionalScale($_op); }]>,
    InterfaceMethod<
      "Removes an optional bias operand; fails when the op has none to remove.",
      "::llvm::LogicalResult", "eraseBias", (ins), "",
      [{ return ::mlir::norm::detail::eraseOptionalBias($_op); }]>,
  ];

  let verify = [{
    return ::mlir::norm::detail::verifyNormalizationOp(
        ::llvm::cast<::mlir::norm::NormalizationOpInterface>($_op));
  }];
}

#endif // NORM_DIALECT_NORMINTERFACES_TD
