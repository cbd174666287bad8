//===- InitAll.cpp - Register everything norm-mlir provides ---------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Registration of dialects, extensions and passes, in one place.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/InitAll.h"

#include "norm-mlir/Codegen/Passes.h"
#include "norm-mlir/Conversion/Passes.h"
#include "norm-mlir/Dialect/NormDialect.h"
#include "norm-mlir/Pipelines/Pipelines.h"
#include "norm-mlir/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void mlir::norm::registerNormDialects(DialectRegistry &registry) {
  registerNormDialect(registry);
  // Every upstream dialect with its external interface models (bufferization,
  // value bounds, ...): registerAllExtensions alone misses those, and then
  // one-shot-bufferize reports "op was not bufferized". A registry keeps one
  // copy of each dialect and extension however often they are added.
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // gpu-module-to-binary translates the kernels to LLVM IR in the pass.
  registerAllToLLVMIRTranslations(registry);
}

void mlir::norm::registerNormPasses(CPUTargetResolver resolveTarget) {
  // A pass registered twice is kept once; registerNormPipelines guards
  // itself.
  registerNormTransformsPasses();
  registerNormCodegenPasses();
  registerNormConversionPasses();
  registerNormPipelines(std::move(resolveTarget));
}
