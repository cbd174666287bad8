//===- NormPlugin.cpp - norm-mlir as a plugin of stock mlir-opt -----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One library, both plugin kinds, so that Debian's own mlir-opt runs norm IR:
//
//   mlir-opt --load-dialect-plugin=NormMLIRPlugin.so \
//            --load-pass-plugin=NormMLIRPlugin.so --norm-lower-to-llvm-cpu
//
// The dialect half inserts what registerNormDialects does (norm, and the
// upstream external models and LLVM IR translations the pipelines use, which
// a registry keeps once however often they come); the pass half registers
// every norm pass and pipeline. Both link libMLIR.so, as mlir-opt does, so
// there is one MLIR in the process.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/InitAll.h"
#include "norm-mlir/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "NormMLIR", NORM_MLIR_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            mlir::norm::registerNormDialects(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "NormMLIR", NORM_MLIR_VERSION_STRING,
          []() { mlir::norm::registerNormPasses(); }};
}
