//===- Aggregates.cpp - Softmax to linalg, math to polynomials ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Two small CPU-pipeline passes around the elementwise ops of a block:
// norm-decompose-aggregates (linalg.softmax and its kin to the linalg ops
// they are made of) and norm-approximate-math (exp, expm1, tanh and erf as
// inlined polynomials, so that vectorized activations stay vectors).
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMDECOMPOSEAGGREGATES
#define GEN_PASS_DEF_NORMAPPROXIMATEMATH
#include "norm-mlir/Codegen/Passes.h.inc"

namespace {
/// A bf16/f16 softmax as the f32 softmax of the extended input, rounded
/// once (the decomposition would sum in the narrow type, an error of many
/// ulps over a row); `op` itself otherwise.
linalg::AggregatedOpInterface computeInF32(IRRewriter &rewriter,
                                           linalg::SoftmaxOp op) {
  auto type = cast<RankedTensorType>(op.getOutput().getType());
  auto narrow = dyn_cast<FloatType>(type.getElementType());
  if (!narrow || narrow.getWidth() >= 32)
    return op;
  Location loc = op.getLoc();
  auto wide = type.clone(rewriter.getF32Type());
  Value x = arith::ExtFOp::create(rewriter, loc, wide, op.getInput());
  Value init = tensor::EmptyOp::create(
      rewriter, loc, tensor::getMixedSizes(rewriter, loc, x),
      rewriter.getF32Type());
  auto f32 = linalg::SoftmaxOp::create(rewriter, loc, wide, x, init,
                                       op.getDimension());
  rewriter.replaceOpWithNewOp<arith::TruncFOp>(op, type, f32.getResult()[0]);
  return f32;
}

struct NormDecomposeAggregatesPass
    : impl::NormDecomposeAggregatesBase<NormDecomposeAggregatesPass> {
  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> ops;
    getOperation()->walk([&](linalg::AggregatedOpInterface op) {
      if (llvm::all_of(op->getOperandTypes(), llvm::IsaPred<RankedTensorType>))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : ops) {
      rewriter.setInsertionPoint(op);
      if (auto softmax = dyn_cast<linalg::SoftmaxOp>(op.getOperation()))
        op = computeInF32(rewriter, softmax);
      FailureOr<SmallVector<Value>> values = op.decomposeOperation(rewriter);
      if (failed(values)) {
        op->emitError("norm-decompose-aggregates: cannot decompose this op");
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *values);
    }
  }
};

struct NormApproximateMathPass
    : impl::NormApproximateMathBase<NormApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) {
          return llvm::is_contained(
              {"math.exp", "math.expm1", "math.tanh", "math.erf"}, name);
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::norm
