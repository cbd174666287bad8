//===- CPUTarget.h - The CPU a tool compiles for ------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef NORM_TOOLS_CPUTARGET_H
#define NORM_TOOLS_CPUTARGET_H

#include "norm-mlir/Pipelines/Pipelines.h"

#include <string>

namespace mlir::norm {
/// Fills in the CPU target of the pipeline's options, as the tools do and
/// the library never does: target-cpu `host` (or `native`) becomes this
/// machine's CPU, and its features unless target-features are given; a
/// named CPU without target-features gets the features that LLVM's tables
/// give it. Returns a one-line error for a CPU LLVM does not know, else "".
std::string resolveCPUTarget(NormCPUPipelineOptions &options);
} // namespace mlir::norm

#endif // NORM_TOOLS_CPUTARGET_H
