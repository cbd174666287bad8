//===- norm-opt.cpp - The norm optimizer driver ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// mlir-opt with the norm dialect, its passes and pipelines registered: parses,
// verifies, transforms and prints norm programs.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/InitAll.h"
#include "test/lib/TestPasses.h"
#include "tools/CPUTarget.h"

#include "mlir/InitAllPasses.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::norm::registerNormDialects(registry);
  // target-cpu=host (like -march=native) and named CPUs' features.
  mlir::registerAllPasses();
  mlir::norm::registerNormPasses([](mlir::norm::NormCPUPipelineOptions &o) {
    std::string error = mlir::norm::resolveCPUTarget(o);
    if (!error.empty()) {
      llvm::errs() << "norm-opt: " << error << "\n";
      std::exit(2);
    }
  });
  mlir::norm::test::registerNormTestPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "norm optimizer driver\n", registry));
}
