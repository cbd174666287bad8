//===- InitAll.h - Register everything norm-mlir provides ---------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The one place that registers the norm dialect, the upstream dialects that
// norm programs use around it, and norm-mlir's passes. Shared by the tools
// and the unit tests.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_INITALL_H
#define NORM_LIB_INITALL_H

#include "lib/Pipelines/Pipelines.h"

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::norm {
/// Inserts `norm` and every upstream dialect, with the external models that
/// bufferization and the conversions to LLVM need.
void registerNormDialects(DialectRegistry &registry);

/// Registers every upstream pass and every norm-mlir pass and pipeline;
/// `resolveTarget` as for registerNormPipelines.
void registerNormPasses(CPUTargetResolver resolveTarget = nullptr);
} // namespace mlir::norm

#endif // NORM_LIB_INITALL_H
