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
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMFUSERESIDUALADD
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
/// The operands of a same-shape add that produces `sum`: `arith.addf` on
/// tensors, or the elementwise `linalg.generic` front ends write for it
/// (two inputs and the init read at the identity, all loops parallel, the
/// body exactly `yield in0 + in1`, every type the sum's). The op itself, or
/// nullptr.
Operation *matchResidualAdd(Value sum, Value &a, Value &b) {
  if (auto add = sum.getDefiningOp<arith::AddFOp>()) {
    a = add.getLhs();
    b = add.getRhs();
    return add;
  }
  auto generic = sum.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic->getNumResults() != 1 ||
      generic.getNumDpsInputs() != 2 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return nullptr;
  Block *body = generic.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || body->getOperations().size() != 2 ||
      !((add.getLhs() == body->getArgument(0) &&
         add.getRhs() == body->getArgument(1)) ||
        (add.getLhs() == body->getArgument(1) &&
         add.getRhs() == body->getArgument(0))))
    return nullptr;
  a = generic.getDpsInputs()[0];
  b = generic.getDpsInputs()[1];
  return generic;
}

/// Fuses `NormOp(addf(a, b))` into `FusedOp(a, b)`; `build` creates the
/// fused op from the add's operands and the normalizer.
template <typename NormOp, typename FusedOp>
struct FuseAddIntoNorm : OpRewritePattern<NormOp> {
  using OpRewritePattern<NormOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(NormOp norm,
                                PatternRewriter &rewriter) const override {
    Value a, b;
    Operation *add = matchResidualAdd(norm.getInput(), a, b);
    if (!add)
      return rewriter.notifyMatchFailure(
          norm, "input is not an arith.addf or an elementwise add generic");
    if (a.getType() != norm.getInput().getType() ||
        b.getType() != norm.getInput().getType())
      return rewriter.notifyMatchFailure(norm, "not a same-shape residual");
    if (norm->getNumResults() != 1)
      return rewriter.notifyMatchFailure(norm, "statistics results are used");
    // The fused op replaces the normalizer where it stands; the add's other
    // users must come after it to read the sum from there.
    DominanceInfo dominance(norm->getParentOp());
    for (Operation *user : add->getUsers())
      if (user != norm && !dominance.properlyDominates(norm, user))
        return rewriter.notifyMatchFailure(norm, "the sum is used before");

    auto fused = buildFused(rewriter, norm, a, b);
    rewriter.replaceAllUsesWith(add->getResult(0), fused.getSum());
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
