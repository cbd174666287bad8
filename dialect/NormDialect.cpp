//===- NormDialect.cpp - The norm dialect ---------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Registers the ops of the norm dialect and pulls in the generated dialect
// and enum definitions.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Dialect/NormDialect.h"
#include "norm-mlir/Dialect/NormOps.h"

using namespace mlir;
using namespace mlir::norm;

#include "norm-mlir/Dialect/NormDialect.cpp.inc"
#include "norm-mlir/Dialect/NormEnums.cpp.inc"

void NormDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "norm-mlir/Dialect/NormOps.cpp.inc"
      >();
}

void mlir::norm::registerNormDialect(DialectRegistry &registry) {
  registry.insert<NormDialect>();
}
