//===- Pipelines.h - norm-mlir lowering pipelines -----------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The pipelines that take norm programs to the LLVM dialect, with their
// options, for the tools and for other compilers that embed norm-mlir.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_PIPELINES_PIPELINES_H
#define NORM_LIB_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::norm {
/// Options of `norm-lower-to-llvm-cpu`.
struct NormCPUPipelineOptions
    : public PassPipelineOptions<NormCPUPipelineOptions> {
  Option<bool> optimize{
      *this, "optimize",
      llvm::cl::desc("Run norm-optimize first (fusion and folding)"),
      llvm::cl::init(true)};
  Option<bool> deallocate{
      *this, "deallocate",
      llvm::cl::desc("Free intermediate buffers (ownership-based "
                     "deallocation); results are owned by the caller"),
      llvm::cl::init(true)};
  Option<bool> verifyLowered{
      *this, "verify-lowered",
      llvm::cl::desc("End with norm-verify-lowered (fail on anything left "
                     "unlowered)"),
      llvm::cl::init(true)};
};

/// norm + linalg/tensor/arith/math on tensors -> LLVM dialect for the host.
void buildNormCPUPipeline(OpPassManager &pm,
                          const NormCPUPipelineOptions &options);

/// Registers every norm-mlir pipeline with the pass registry.
void registerNormPipelines();
} // namespace mlir::norm

#endif // NORM_LIB_PIPELINES_PIPELINES_H
