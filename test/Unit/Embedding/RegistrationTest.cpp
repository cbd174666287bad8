//===- RegistrationTest.cpp - Registration as a host does it --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A host registers norm-mlir next to MLIR's own passes, maybe twice, maybe
// through two of our entry points: no crash, and every pipeline is there.
// The dialect alone (NormDialectOnlyTests) parses and verifies norm IR.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Dialect/NormDialect.h"
#include "norm-mlir/InitAll.h"
#include "norm-mlir/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "gtest/gtest.h"

using namespace mlir;

TEST(Registration, TwiceAndBesideUpstream) {
  registerAllPasses();
  norm::registerNormPasses();
  norm::registerNormPasses();
  norm::registerNormPipelines();
  for (StringRef pipeline : {"norm-lower-to-llvm-cpu", "norm-lower-to-nvvm"})
    EXPECT_NE(PassPipelineInfo::lookup(pipeline), nullptr) << pipeline.str();
  for (StringRef pass : {"norm-optimize", "norm-tile-rows",
                         "convert-norm-to-linalg", "norm-verify-lowered"})
    EXPECT_NE(PassInfo::lookup(pass), nullptr) << pass.str();

  DialectRegistry registry;
  norm::registerNormDialects(registry);
  norm::registerNormDialects(registry);
  norm::registerNormDialect(registry);
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"mlir(
    func.func @f(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
      %y = norm.rms_norm %x : tensor<4x64xf32>
      return %y : tensor<4x64xf32>
    })mlir",
                                                             &context);
  ASSERT_TRUE(module);
  PassManager pm(&context);
  std::string error;
  llvm::raw_string_ostream os(error);
  ASSERT_TRUE(succeeded(
      parsePassPipeline("norm-optimize,norm-lower-to-llvm-cpu{openmp=false}",
                        pm, os)))
      << error;
  EXPECT_TRUE(succeeded(pm.run(*module)));
}
