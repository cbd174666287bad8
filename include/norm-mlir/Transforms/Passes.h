//===- Passes.h - norm-* transformation passes --------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Declares the norm transformation passes (generated from Passes.td) and
// their registration.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_TRANSFORMS_PASSES_H
#define NORM_MLIR_TRANSFORMS_PASSES_H

#include "norm-mlir/Dialect/NormDialect.h"

#include "mlir/Pass/Pass.h"

namespace mlir::norm {
#define GEN_PASS_DECL
#include "norm-mlir/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "norm-mlir/Transforms/Passes.h.inc"
} // namespace mlir::norm

#endif // NORM_MLIR_TRANSFORMS_PASSES_H
