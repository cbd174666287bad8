//===- NormCanonicalize.cpp - Canonicalization patterns of norm ops -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Peepholes that are plainly right: drop an identity affine transform (once,
// over NormalizationOpInterface), forward the running statistics of an
// eval-mode batch_norm, and turn a residual without normalizers into an add.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Dialect/NormDialect.h"
#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::norm;

/// Returns true when `value` is a constant splat equal to `expected`.
static bool isConstantSplat(Value value, double expected) {
  DenseFPElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return false;
  return attr.getSplatValue<APFloat>().convertToDouble() == expected;
}

/// Erases an optional operand of `op` through the rewriter; a required
/// operand is left alone without reporting a change.
static LogicalResult
eraseInPlace(PatternRewriter &rewriter, NormalizationOpInterface op,
             LogicalResult (NormalizationOpInterface::*erase)()) {
  rewriter.startOpModification(op);
  if (succeeded((op.*erase)())) {
    rewriter.finalizeOpModification(op);
    return success();
  }
  rewriter.cancelOpModification(op);
  return rewriter.notifyMatchFailure(op, "the operand is required");
}

namespace {
/// A scale that multiplies by exactly one (`scale_offset + scale == 1`,
/// scale a constant splat) is dropped.
struct EraseUnitScale : OpInterfaceRewritePattern<NormalizationOpInterface> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(NormalizationOpInterface op,
                                PatternRewriter &rewriter) const override {
    if (!isConstantSplat(op.getScale(), 1.0 - op.getScaleOffsetValue()))
      return rewriter.notifyMatchFailure(op, "scale is not a splat of one");
    return eraseInPlace(rewriter, op, &NormalizationOpInterface::eraseScale);
  }
};

/// A bias that is a constant splat of zero is dropped.
struct EraseZeroBias : OpInterfaceRewritePattern<NormalizationOpInterface> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(NormalizationOpInterface op,
                                PatternRewriter &rewriter) const override {
    if (!isConstantSplat(op.getBias(), 0.0))
      return rewriter.notifyMatchFailure(op, "bias is not a splat of zero");
    return eraseInPlace(rewriter, op, &NormalizationOpInterface::eraseBias);
  }
};

/// In eval mode the running statistics are returned unchanged: their users
/// read the inputs directly.
struct ForwardEvalRunningStats : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getMode() != BatchNormMode::eval)
      return rewriter.notifyMatchFailure(op, "train mode updates statistics");
    if (op.getNewRunningMean().use_empty() && op.getNewRunningVar().use_empty())
      return rewriter.notifyMatchFailure(op, "new statistics are unused");
    rewriter.replaceAllUsesWith(op.getNewRunningMean(), op.getRunningMean());
    rewriter.replaceAllUsesWith(op.getNewRunningVar(), op.getRunningVar());
    return success();
  }
};

/// A residual with no normalizer regions is `residual_scale * x + sum(body)`.
struct ResidualWithoutNormsToAdd : OpRewritePattern<ResidualOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ResidualOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getPre().empty() || !op.getOut().empty() || !op.getPost().empty())
      return rewriter.notifyMatchFailure(op, "has normalizer regions");
    op.expand(rewriter);
    return success();
  }
};
} // namespace

void NormDialect::getCanonicalizationPatterns(
    RewritePatternSet &results) const {
  results.add<EraseUnitScale, EraseZeroBias>(getContext());
}

void BatchNormOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ForwardEvalRunningStats>(context);
}

void ResidualOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                             MLIRContext *context) {
  results.add<ResidualWithoutNormsToAdd>(context);
}
