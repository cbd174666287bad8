//===- FuseResidualAdd.cpp - add + layer/RMS norm -> add_*_norm -----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-fuse-residual-add pass: a same-shape residual add followed by a
// layer or RMS norm of its sum becomes one fused op with two results.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Transforms/Passes.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMFUSERESIDUALADD
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
/// Fuses `NormOp(addf(a, b))` into `FusedOp(a, b)`; `build` creates the
/// fused op from the add's operands and the normalizer.
template <typename NormOp, typename FusedOp>
struct FuseAddIntoNorm : OpRewritePattern<NormOp> {
  using OpRewritePattern<NormOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(NormOp norm,
                                PatternRewriter &rewriter) const override {
    auto add = norm.getInput().template getDefiningOp<arith::AddFOp>();
    if (!add)
      return rewriter.notifyMatchFailure(norm, "input is not an arith.addf");
    if (add.getLhs().getType() != norm.getInput().getType() ||
        add.getRhs().getType() != norm.getInput().getType())
      return rewriter.notifyMatchFailure(norm, "not a same-shape residual");
    if (norm->getNumResults() != 1)
      return rewriter.notifyMatchFailure(norm, "statistics results are used");
    // The fused op replaces the normalizer where it stands; the add's other
    // users must come after it to read the sum from there.
    DominanceInfo dominance(norm->getParentOp());
    for (Operation *user : add->getUsers())
      if (user != norm && !dominance.properlyDominates(norm, user))
        return rewriter.notifyMatchFailure(norm, "the sum is used before");

    auto fused = buildFused(rewriter, norm, add.getLhs(), add.getRhs());
    rewriter.replaceAllUsesWith(add.getResult(), fused.getSum());
    rewriter.replaceOp(norm, fused.getResult());
    rewriter.eraseOp(add);
    return success();
  }

  static FusedOp buildFused(PatternRewriter &rewriter, NormOp norm, Value a,
                            Value b) {
    Type type = norm.getInput().getType();
    if constexpr (std::is_same_v<NormOp, LayerNormOp>)
      return FusedOp::create(rewriter, norm.getLoc(), type, type, a, b,
                             norm.getScale(), norm.getBias(),
                             norm.getAxisAttr(), norm.getEpsilonAttr(),
                             norm.getComputeTypeAttr());
    else
      return FusedOp::create(rewriter, norm.getLoc(), type, type, a, b,
                             norm.getScale(), norm.getAxisAttr(),
                             norm.getEpsilonAttr(), norm.getComputeTypeAttr(),
                             norm.getScaleOffsetAttr());
  }
};

struct NormFuseResidualAddPass
    : impl::NormFuseResidualAddBase<NormFuseResidualAddPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseAddIntoNorm<LayerNormOp, AddLayerNormOp>,
                 FuseAddIntoNorm<RMSNormOp, AddRMSNormOp>>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::norm
