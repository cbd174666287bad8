//===- Utils.h - Helpers shared by the norm-* passes --------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Reading and writing float constants, and recognizing the zero-filled
// accumulators of linalg contractions, for the folding and fusion passes.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_TRANSFORMS_UTILS_H
#define NORM_LIB_TRANSFORMS_UTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <vector>

namespace mlir::norm {
/// The values of a float constant tensor as doubles, or nothing when `value`
/// is null or not such a constant.
std::optional<std::vector<double>> getConstantFloatValues(Value value);

/// A dense attribute of `type` holding `values`, each rounded to nearest
/// even in the element type.
DenseElementsAttr getFloatConstantAttr(RankedTensorType type,
                                       ArrayRef<double> values);

/// True when `init` is a `linalg.fill` of the constant 0.0: a contraction
/// into it computes the product alone.
bool isZeroFill(Value init);
} // namespace mlir::norm

#endif // NORM_LIB_TRANSFORMS_UTILS_H
