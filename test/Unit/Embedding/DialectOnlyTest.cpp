//===- DialectOnlyTest.cpp - The norm dialect without the rest ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Linked with NormDialect alone (and the upstream dialects the IR uses): a
// host that only reads and writes norm IR needs nothing of our passes.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Dialect/NormDialect.h"
#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;

TEST(DialectOnly, ParseVerifyPrint) {
  DialectRegistry registry;
  norm::registerNormDialect(registry);
  registry.insert<func::FuncDialect>();
  MLIRContext context(registry);
  const char *source = R"mlir(
    func.func @f(%x: tensor<?x64xbf16>, %w: tensor<64xbf16>) -> tensor<?x64xbf16> {
      %y = norm.rms_norm %x scale(%w : tensor<64xbf16>) {scale_offset = 1.0 : f64} : tensor<?x64xbf16>
      return %y : tensor<?x64xbf16>
    })mlir";
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  ASSERT_TRUE(module);
  EXPECT_TRUE(succeeded(verify(*module)));
  std::string printed;
  llvm::raw_string_ostream os(printed);
  module->print(os);
  EXPECT_NE(printed.find("norm.rms_norm"), std::string::npos) << printed;

  // The verifier is part of the dialect: epsilon = 0 is rejected.
  context.getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
  OwningOpRef<ModuleOp> bad = parseSourceString<ModuleOp>(R"mlir(
    func.func @g(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
      %y = norm.layer_norm %x {epsilon = 0.0 : f64} : tensor<2x8xf32>
      return %y : tensor<2x8xf32>
    })mlir",
                                                          &context);
  EXPECT_FALSE(bad);
}
