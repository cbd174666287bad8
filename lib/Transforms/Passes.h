//===- Passes.h - norm-* transformation passes --------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Declares the norm transformation passes (generated from Passes.td) and
// their registration.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_TRANSFORMS_PASSES_H
#define NORM_LIB_TRANSFORMS_PASSES_H

#include "dialect/NormDialect.h"

#include "mlir/Pass/Pass.h"

namespace mlir::norm {
#define GEN_PASS_DECL
#include "lib/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Transforms/Passes.h.inc"
} // namespace mlir::norm

#endif // NORM_LIB_TRANSFORMS_PASSES_H
