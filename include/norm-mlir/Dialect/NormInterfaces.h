//===- NormInterfaces.h - The normalizer op interface -------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Declares NormalizationOpInterface and the helpers its default
// implementations use to find optional operands and attributes by name.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_DIALECT_NORMINTERFACES_H
#define NORM_MLIR_DIALECT_NORMINTERFACES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/STLExtras.h"

#include <optional>
#include <type_traits>

namespace mlir::norm {
class NormalizationOpInterface;

namespace detail {
// Member detectors: the default implementations of the interface use the ODS
// accessor when the op has the named operand or attribute, and a neutral
// value when it does not, so no op repeats a one-line override.
template <typename OpT>
using EpsilonGetterT = decltype(std::declval<OpT &>().getEpsilon());
template <typename OpT>
using ScaleOffsetGetterT = decltype(std::declval<OpT &>().getScaleOffset());
template <typename OpT>
using ScaleMutableT = decltype(std::declval<OpT &>().getScaleMutable());
template <typename OpT>
using BiasMutableT = decltype(std::declval<OpT &>().getBiasMutable());

/// True when `Detector<OpT>` is a `MutableOperandRange`: an optional operand.
template <template <class> class Detector, typename OpT>
constexpr bool hasOptionalOperand() {
  if constexpr (llvm::is_detected<Detector, OpT>::value)
    return std::is_same_v<Detector<OpT>, MutableOperandRange>;
  return false;
}

/// Returns the `epsilon` attribute as a double, or nothing.
template <typename OpT>
std::optional<double> getEpsilonOf(OpT op) {
  if constexpr (llvm::is_detected<EpsilonGetterT, OpT>::value)
    return op.getEpsilon().convertToDouble();
  return std::nullopt;
}

/// Returns the `scale_offset` attribute as a double, or 0.
template <typename OpT>
double getScaleOffsetOf(OpT op) {
  if constexpr (llvm::is_detected<ScaleOffsetGetterT, OpT>::value)
    return op.getScaleOffset().convertToDouble();
  return 0.0;
}

/// Clears the optional `scale` operand; fails when it is absent or required.
template <typename OpT>
LogicalResult eraseOptionalScale(OpT op) {
  if constexpr (hasOptionalOperand<ScaleMutableT, OpT>()) {
    if (!op.getScale())
      return failure();
    op.getScaleMutable().clear();
    return success();
  }
  return failure();
}

/// Clears the optional `bias` operand; fails when it is absent or required.
template <typename OpT>
LogicalResult eraseOptionalBias(OpT op) {
  if constexpr (hasOptionalOperand<BiasMutableT, OpT>()) {
    if (!op.getBias())
      return failure();
    op.getBiasMutable().clear();
    return success();
  }
  return failure();
}

/// The checks every normalizer shares: epsilon finite and > 0; compute_type
/// f32 or f64 and at least as wide as the input's element type.
LogicalResult verifyNormalizationOp(NormalizationOpInterface op);
} // namespace detail
} // namespace mlir::norm

#include "norm-mlir/Dialect/NormInterfaces.h.inc"

#endif // NORM_MLIR_DIALECT_NORMINTERFACES_H
