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
#include "llvm/ADT/MapVector.h"

#include <string>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace mlir::norm {
#define GEN_PASS_DECL
#include "norm-mlir/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "norm-mlir/Transforms/Passes.h.inc"

/// What norm-raise did in one function: the normalizers it made, by op
/// name, and one line per candidate it left alone that looked like one.
struct RaiseReport {
  llvm::MapVector<llvm::StringRef, int64_t> raised;
  llvm::SmallVector<std::string> rejected;
};

/// The work of norm-raise on one function (norm-optimize calls it to
/// report). With `remarks`, emits them as the pass's `report` option does.
void raiseNormalizers(func::FuncOp func, RaiseReport &report, bool remarks);
} // namespace mlir::norm

#endif // NORM_MLIR_TRANSFORMS_PASSES_H
