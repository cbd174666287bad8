//===- norm-opt.cpp - The norm optimizer driver ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// mlir-opt with the norm dialect, its passes and pipelines registered: parses,
// verifies, transforms and prints norm programs.
//
//===----------------------------------------------------------------------===//

#include "lib/InitAll.h"
#include "test/lib/TestPasses.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::norm::registerNormDialects(registry);
  mlir::norm::registerNormPasses();
  mlir::norm::test::registerNormTestPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "norm optimizer driver\n", registry));
}
