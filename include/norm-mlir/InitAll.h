//===- InitAll.h - Register everything norm-mlir provides ---------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The one place that registers the norm dialect with the upstream dialects
// and external models that its pipelines need, and norm-mlir's passes and
// pipelines. The tools, the unit tests, the mlir-opt plugin and the C API
// all register through these.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_INITALL_H
#define NORM_MLIR_INITALL_H

#include "norm-mlir/Pipelines/Pipelines.h"

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::norm {
/// Inserts `norm` and every upstream dialect, with the external models that
/// bufferization and the conversions to LLVM need, and the translations to
/// LLVM IR that gpu-module-to-binary uses. Idempotent, and safe on a registry
/// where a host (mlir-opt) inserted the upstream ones already.
void registerNormDialects(DialectRegistry &registry);

/// Registers every norm-mlir pass (norm-level rewrites, code generation,
/// conversions) and pipeline; upstream passes are the host's to register
/// (mlir::registerAllPasses). Idempotent: later calls do nothing, so the
/// first call's `resolveTarget` (as for registerNormPipelines) is the one
/// that holds.
void registerNormPasses(CPUTargetResolver resolveTarget = nullptr);
} // namespace mlir::norm

#endif // NORM_MLIR_INITALL_H
