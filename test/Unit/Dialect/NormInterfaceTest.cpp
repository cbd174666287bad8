//===- NormInterfaceTest.cpp - NormalizationOpInterface from C++ ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Checks what lit cannot reach: the interface methods that generic passes and
// the lowering call, on every normalizer, and the C++ builders.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Dialect/NormOps.h"
#include "norm-mlir/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::norm;

namespace {
class NormInterfaceTest : public ::testing::Test {
protected:
  NormInterfaceTest() {
    DialectRegistry registry;
    registerNormDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `body` as the body of `func.func @f` and returns its first
  /// normalizer.
  NormalizationOpInterface parseFirstNorm(StringRef source) {
    module = parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return nullptr;
    NormalizationOpInterface found;
    module->walk([&](NormalizationOpInterface op) {
      if (!found)
        found = op;
    });
    return found;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(NormInterfaceTest, LayerNormOverTrailingDims) {
  NormalizationOpInterface op = parseFirstNorm(R"mlir(
    func.func @f(%x: tensor<?x16x32xbf16>, %g: tensor<16x32xf32>) -> tensor<?x16x32xbf16> {
      %y = norm.layer_norm %x scale(%g : tensor<16x32xf32>) {axis = -2 : i64, epsilon = 1.0e-3 : f64}
             : tensor<?x16x32xbf16>
      return %y : tensor<?x16x32xbf16>
    })mlir");
  ASSERT_TRUE(op);
  EXPECT_EQ(op.getNormalizedDims(), (SmallVector<int64_t>{1, 2}));
  EXPECT_EQ(op.getNumGroups(), 1);
  EXPECT_EQ(op.getEpsilonValue(), std::optional<double>(1.0e-3));
  EXPECT_TRUE(op.isCentered());
  EXPECT_TRUE(op.getScale());
  EXPECT_FALSE(op.getBias());
  EXPECT_EQ(op.getScaleOffsetValue(), 0.0);
  EXPECT_TRUE(op.getStatisticsType().isF32());
}

TEST_F(NormInterfaceTest, RMSNormIsNotCenteredAndKeepsItsOffset) {
  NormalizationOpInterface op = parseFirstNorm(R"mlir(
    func.func @f(%x: tensor<4x64xf32>, %w: tensor<64xf32>) -> tensor<4x64xf32> {
      %y = norm.rms_norm %x scale(%w : tensor<64xf32>) {scale_offset = 1.0 : f64, compute_type = f64}
             : tensor<4x64xf32>
      return %y : tensor<4x64xf32>
    })mlir");
  ASSERT_TRUE(op);
  EXPECT_FALSE(op.isCentered());
  EXPECT_EQ(op.getEpsilonValue(), std::optional<double>(1.0e-6));
  EXPECT_EQ(op.getScaleOffsetValue(), 1.0);
  EXPECT_TRUE(op.getStatisticsType().isF64());
  EXPECT_EQ(op.getNormalizedDims(), (SmallVector<int64_t>{1}));
}

TEST_F(NormInterfaceTest, BatchNormReducesAllButTheChannel) {
  NormalizationOpInterface op = parseFirstNorm(R"mlir(
    func.func @f(%x: tensor<8x28x28x64xf32>, %p: tensor<64xf32>) -> tensor<8x28x28x64xf32> {
      %y, %m, %v = norm.batch_norm eval %x, %p, %p, %p, %p {channel_axis = -1 : i64}
             : tensor<8x28x28x64xf32>, params tensor<64xf32>, stats tensor<64xf32>
      return %y : tensor<8x28x28x64xf32>
    })mlir");
  ASSERT_TRUE(op);
  EXPECT_EQ(op.getNormalizedDims(), (SmallVector<int64_t>{0, 1, 2}));
  EXPECT_TRUE(op.getScale());
  EXPECT_TRUE(op.getBias());
  // Required operands are never erased.
  EXPECT_TRUE(failed(op.eraseScale()));
}

TEST_F(NormInterfaceTest, GroupNormSplitsChannelsIntoGroups) {
  NormalizationOpInterface op = parseFirstNorm(R"mlir(
    func.func @f(%x: tensor<2x64x7x7xf16>) -> tensor<2x64x7x7xf16> {
      %y = norm.group_norm %x {num_groups = 8 : i64} : tensor<2x64x7x7xf16>
      return %y : tensor<2x64x7x7xf16>
    })mlir");
  ASSERT_TRUE(op);
  EXPECT_EQ(op.getNormalizedDims(), (SmallVector<int64_t>{1, 2, 3}));
  EXPECT_EQ(op.getNumGroups(), 8);
  EXPECT_FALSE(op.getScale());
}

TEST_F(NormInterfaceTest, WeightNormHasNoEpsilon) {
  NormalizationOpInterface op = parseFirstNorm(R"mlir(
    func.func @f(%v: tensor<32x16xf32>, %g: tensor<32xf32>) -> tensor<32x16xf32> {
      %w = norm.weight_norm %v, %g {dim = 0 : i64} : tensor<32x16xf32>, tensor<32xf32>
      return %w : tensor<32x16xf32>
    })mlir");
  ASSERT_TRUE(op);
  EXPECT_EQ(op.getEpsilonValue(), std::nullopt);
  EXPECT_FALSE(op.isCentered());
  EXPECT_EQ(op.getNormalizedInput(), op->getOperand(0));
  EXPECT_EQ(op.getScale(), op->getOperand(1));
  EXPECT_EQ(op.getNormalizedDims(), (SmallVector<int64_t>{1}));
}

TEST_F(NormInterfaceTest, ProjectNormGroupsColumnsByHead) {
  NormalizationOpInterface op = parseFirstNorm(R"mlir(
    func.func @f(%x: tensor<?x256xf32>, %w: tensor<256x512xf32>) -> tensor<?x512xf32> {
      %y = norm.project_norm rms %x, %w {head_dim = 64 : i64, epsilon = 1.0e-6 : f64}
             : tensor<?x256xf32>, tensor<256x512xf32> -> tensor<?x512xf32>
      return %y : tensor<?x512xf32>
    })mlir");
  ASSERT_TRUE(op);
  EXPECT_EQ(op.getNumGroups(), 8);
  EXPECT_FALSE(op.isCentered());
}

TEST_F(NormInterfaceTest, EraseOptionalOperandsUpdatesSegments) {
  NormalizationOpInterface op = parseFirstNorm(R"mlir(
    func.func @f(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
      %y = norm.layer_norm %x scale(%g : tensor<8xf32>) bias(%b : tensor<8xf32>) : tensor<4x8xf32>
      return %y : tensor<4x8xf32>
    })mlir");
  ASSERT_TRUE(op);
  ASSERT_TRUE(succeeded(op.eraseScale()));
  EXPECT_FALSE(op.getScale());
  EXPECT_TRUE(op.getBias());
  EXPECT_TRUE(succeeded(verify(op)));
  ASSERT_TRUE(succeeded(op.eraseBias()));
  EXPECT_EQ(op->getNumOperands(), 1u);
  EXPECT_TRUE(failed(op.eraseBias()));
  EXPECT_TRUE(succeeded(verify(*module)));
}

TEST_F(NormInterfaceTest, BuilderCreatesVerifiedOps) {
  OpBuilder builder(&context);
  Location loc = builder.getUnknownLoc();
  OwningOpRef<ModuleOp> owned = ModuleOp::create(loc);
  builder.setInsertionPointToEnd(owned->getBody());
  auto type = RankedTensorType::get({ShapedType::kDynamic, 128},
                                    builder.getBF16Type());
  auto func = func::FuncOp::create(builder, loc, "f",
                                   builder.getFunctionType({type}, {type}));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  auto rms = RMSNormOp::create(builder, loc, type, /*rstd=*/Type(),
                               entry->getArgument(0), /*scale=*/Value(),
                               /*axis=*/-1, APFloat(1.0e-6),
                               /*compute_type=*/TypeAttr(),
                               APFloat(0.0));
  func::ReturnOp::create(builder, loc, rms.getResult());
  EXPECT_TRUE(succeeded(verify(*owned)));
  auto iface = llvm::cast<NormalizationOpInterface>(rms.getOperation());
  EXPECT_TRUE(iface.getStatisticsType().isF32());
  EXPECT_FALSE(rms.getRstd());
}

TEST_F(NormInterfaceTest, VerifierRejectsBadEpsilonThroughTheInterface) {
  ScopedDiagnosticHandler silence(&context, [](Diagnostic &) {
    return success();
  });
  module = parseSourceString<ModuleOp>(R"mlir(
    func.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
      %y = norm.layer_norm %x {epsilon = 0.0 : f64} : tensor<4x8xf32>
      return %y : tensor<4x8xf32>
    })mlir",
                                       &context);
  EXPECT_FALSE(module);
}
} // namespace
