//===- InitAll.cpp - Register everything norm-mlir provides ---------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Registration of dialects, extensions and passes, in one place.
//
//===----------------------------------------------------------------------===//

#include "lib/InitAll.h"

#include "dialect/NormDialect.h"
#include "lib/Conversion/Passes.h"
#include "lib/Pipelines/Pipelines.h"
#include "lib/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void mlir::norm::registerNormDialects(DialectRegistry &registry) {
  registry.insert<NormDialect>();
  // Every upstream dialect with its external interface models (bufferization,
  // value bounds, ...): registerAllExtensions alone misses those, and then
  // one-shot-bufferize reports "op was not bufferized".
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // gpu-module-to-binary translates the kernels to LLVM IR in the pass.
  registerAllToLLVMIRTranslations(registry);
}

void mlir::norm::registerNormPasses(CPUTargetResolver resolveTarget) {
  registerAllPasses();
  registerNormTransformsPasses();
  registerNormConversionPasses();
  registerNormPipelines(std::move(resolveTarget));
}
