//===- TransformsOnlyTest.cpp - The dialect and its fusions alone ---------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Linked with NormTransforms alone (it brings NormDialect): a host that
// wants norm-optimize's fusions links none of the code generators (no GPU,
// LLVM, OpenMP or Vector), which a build against MLIR's static libraries
// (NORM_LINK_MLIR_DYLIB=OFF) checks at link time.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Dialect/NormDialect.h"
#include "norm-mlir/Dialect/NormOps.h"
#include "norm-mlir/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "gtest/gtest.h"

using namespace mlir;

TEST(TransformsOnly, FusesTheResidualAdd) {
  DialectRegistry registry;
  norm::registerNormDialect(registry);
  registry.insert<arith::ArithDialect, func::FuncDialect>();
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"mlir(
    func.func @f(%x: tensor<4x64xf32>, %r: tensor<4x64xf32>) -> tensor<4x64xf32> {
      %s = arith.addf %x, %r : tensor<4x64xf32>
      %y = norm.rms_norm %s : tensor<4x64xf32>
      return %y : tensor<4x64xf32>
    })mlir",
                                                             &context);
  ASSERT_TRUE(module);
  PassManager pm(&context);
  pm.addPass(norm::createNormOptimize());
  ASSERT_TRUE(succeeded(pm.run(*module)));
  int fused = 0;
  module->walk([&](norm::AddRMSNormOp) { ++fused; });
  EXPECT_EQ(fused, 1);
}
