//===- Norm.cpp - C API of norm-mlir --------------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Wraps the registration entry points of norm-mlir/InitAll.h and the textual
// pipeline parser for mlir-c hosts.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/C/Norm.h"

#include "norm-mlir/Dialect/NormDialect.h"
#include "norm-mlir/InitAll.h"
#include "norm-mlir/Version.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Norm, norm, norm::NormDialect)

void mlirNormRegisterDialects(MlirDialectRegistry registry) {
  norm::registerNormDialects(*unwrap(registry));
}

void mlirNormRegisterPasses(void) { norm::registerNormPasses(); }

MlirLogicalResult mlirNormRunPipeline(MlirModule module, MlirStringRef name,
                                      MlirStringRef options) {
  ModuleOp op = unwrap(module);
  std::string text = unwrap(name).str();
  if (options.length != 0)
    text += "{" + unwrap(options).str() + "}";
  // Implicit nesting: a function pass named alone runs on every function.
  PassManager pm(op->getName(), OpPassManager::Nesting::Implicit);
  std::string error;
  llvm::raw_string_ostream os(error);
  if (failed(parsePassPipeline(text, pm, os))) {
    op.emitError() << "norm-mlir: cannot run '" << text << "': " << error;
    return wrap(failure());
  }
  if (failed(pm.run(op)) || failed(verify(op)))
    return wrap(failure());
  return wrap(success());
}

MlirStringRef mlirNormGetVersion(void) {
  return mlirStringRefCreateFromCString(NORM_MLIR_VERSION_STRING);
}

int mlirNormGetAPIVersion(void) { return NORM_MLIR_C_API_VERSION; }
