//===- NormTraits.h - Traits shared by the ops of the norm dialect -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// WellFormedAttributes: what the verifier checks of every norm op's
// attributes, whichever op it is.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_DIALECT_NORMTRAITS_H
#define NORM_MLIR_DIALECT_NORMTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace mlir::norm {
namespace detail {
/// Rejects non-finite float attributes and unprefixed attributes that the
/// op does not define (naming the closest defined one).
LogicalResult verifyWellFormedAttributes(Operation *op);
} // namespace detail

template <typename ConcreteType>
class WellFormedAttributes
    : public OpTrait::TraitBase<ConcreteType, WellFormedAttributes> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return detail::verifyWellFormedAttributes(op);
  }
};
} // namespace mlir::norm

#endif // NORM_MLIR_DIALECT_NORMTRAITS_H
