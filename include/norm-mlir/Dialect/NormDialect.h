//===- NormDialect.h - The norm dialect ---------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Declares the norm dialect and its enums (batch_norm mode, fused norm kind).
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_DIALECT_NORMDIALECT_H
#define NORM_MLIR_DIALECT_NORMDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "norm-mlir/Dialect/NormDialect.h.inc"
#include "norm-mlir/Dialect/NormEnums.h.inc"

namespace mlir::norm {
/// Inserts the norm dialect alone: enough to parse, verify and print norm IR.
/// What the passes and pipelines need besides (upstream dialects, their
/// external models) is registerNormDialects in norm-mlir/InitAll.h.
void registerNormDialect(DialectRegistry &registry);
} // namespace mlir::norm

#endif // NORM_MLIR_DIALECT_NORMDIALECT_H
