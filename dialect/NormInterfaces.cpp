//===- NormInterfaces.cpp - The normalizer op interface -------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The verifier shared by every normalizer and the generated interface
// definitions.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Dialect/NormInterfaces.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::norm;

#include "norm-mlir/Dialect/NormInterfaces.cpp.inc"

LogicalResult mlir::norm::detail::verifyNormalizationOp(NormalizationOpInterface op) {
  if (std::optional<double> eps = op.getEpsilonValue())
    if (!std::isfinite(*eps) || *eps <= 0.0)
      return op->emitOpError("'epsilon' must be finite and > 0, got ") << *eps;

  Type computeType = op.getStatisticsType();
  if (!computeType.isF32() && !computeType.isF64())
    return op->emitOpError("'compute_type' must be f32 or f64, got ")
           << computeType;
  Type elementType = getElementTypeOrSelf(op.getNormalizedInput().getType());
  if (computeType.getIntOrFloatBitWidth() < elementType.getIntOrFloatBitWidth())
    return op->emitOpError("'compute_type' ")
           << computeType << " is narrower than the element type "
           << elementType;
  return success();
}
