//===- Passes.h - Conversions out of the norm dialect -------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Declares the convert-norm-to-* passes and their pattern populators.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_CONVERSION_PASSES_H
#define NORM_MLIR_CONVERSION_PASSES_H

#include "norm-mlir/Conversion/NormToLinalg.h"

#include "mlir/Pass/Pass.h"

namespace mlir::norm {
#define GEN_PASS_DECL
#include "norm-mlir/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "norm-mlir/Conversion/Passes.h.inc"
} // namespace mlir::norm

#endif // NORM_MLIR_CONVERSION_PASSES_H
