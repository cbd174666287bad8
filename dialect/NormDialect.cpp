//===- NormDialect.cpp - The norm dialect ---------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Registers the ops of the norm dialect and pulls in the generated dialect
// and enum definitions.
//
//===----------------------------------------------------------------------===//

#include "dialect/NormDialect.h"
#include "dialect/NormOps.h"

using namespace mlir;
using namespace mlir::norm;

#include "dialect/NormDialect.cpp.inc"
#include "dialect/NormEnums.cpp.inc"

void NormDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/NormOps.cpp.inc"
      >();
}
