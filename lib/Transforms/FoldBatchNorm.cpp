//===- FoldBatchNorm.cpp - Fold eval batch_norm into conv/matmul ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-fold-batch-norm pass: an inference-time batch norm after a conv or
// matmul with constant parameters becomes scaled weights and a bias.
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Passes.h"
#include "lib/Transforms/Utils.h"

#include "dialect/NormOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::norm {
#define GEN_PASS_DEF_NORMFOLDBATCHNORM
#include "lib/Transforms/Passes.h.inc"

namespace {
/// Where the output channel sits: in the op's result and in its weights.
struct ChannelLayout {
  int64_t resultDim, weightDim;
};

static std::optional<ChannelLayout> channelLayout(Operation *op) {
  if (llvm::isa<linalg::Conv2DNchwFchwOp>(op))
    return ChannelLayout{1, 0};
  if (llvm::isa<linalg::Conv2DNhwcHwcfOp>(op))
    return ChannelLayout{3, 3};
  if (llvm::isa<linalg::MatmulOp>(op))
    return ChannelLayout{1, 1};
  return std::nullopt;
}

struct FoldBatchNormIntoProducer : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    if (bn.getMode() != BatchNormMode::eval)
      return rewriter.notifyMatchFailure(bn, "train mode uses batch statistics");
    if ((bn.getSavedMean() && !bn.getSavedMean().use_empty()) ||
        (bn.getSavedRstd() && !bn.getSavedRstd().use_empty()))
      return rewriter.notifyMatchFailure(bn, "saved statistics are used");
    auto producer = bn.getInput().getDefiningOp<linalg::LinalgOp>();
    std::optional<ChannelLayout> layout =
        producer ? channelLayout(producer) : std::nullopt;
    if (!layout)
      return rewriter.notifyMatchFailure(bn, "input is not a conv or matmul");
    int64_t rank = bn.getInput().getType().getRank();
    int64_t channel = static_cast<int64_t>(bn.getChannelAxis());
    if ((channel < 0 ? channel + rank : channel) != layout->resultDim)
      return rewriter.notifyMatchFailure(bn, "normalizes another dim");
    if (!bn.getInput().hasOneUse())
      return rewriter.notifyMatchFailure(bn, "the conv output has other users");
    if (!isZeroFill(producer.getDpsInits()[0]))
      return rewriter.notifyMatchFailure(bn, "the conv accumulates into data");
    Value weight = producer.getDpsInputs()[1];
    auto w = getConstantFloatValues(weight);
    auto gamma = getConstantFloatValues(bn.getScale());
    auto beta = getConstantFloatValues(bn.getBias());
    auto mean = getConstantFloatValues(bn.getRunningMean());
    auto var = getConstantFloatValues(bn.getRunningVar());
    if (!w || !gamma || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");

    // s = gamma / sqrt(var + eps); W'[.., c, ..] = W * s[c];
    // b' = beta - mean * s.
    double eps = bn.getEpsilon().convertToDouble();
    int64_t channels = static_cast<int64_t>(gamma->size());
    std::vector<double> s(channels), b(channels);
    for (int64_t c = 0; c < channels; ++c) {
      s[c] = (*gamma)[c] / std::sqrt((*var)[c] + eps);
      b[c] = (*beta)[c] - (*mean)[c] * s[c];
    }
    auto wType = llvm::cast<RankedTensorType>(weight.getType());
    int64_t inner = 1;
    for (int64_t d = layout->weightDim + 1; d < wType.getRank(); ++d)
      inner *= wType.getDimSize(d);
    for (size_t i = 0; i < w->size(); ++i)
      (*w)[i] *= s[(i / inner) % channels];

    Location loc = bn.getLoc();
    Value newWeight = arith::ConstantOp::create(rewriter, loc,
                                                getFloatConstantAttr(wType, *w));
    rewriter.modifyOpInPlace(producer, [&] {
      producer->setOperand(producer.getDpsInputOperand(1)->getOperandNumber(),
                           newWeight);
    });

    // y = conv' + b'[c], in the element type of the result.
    RankedTensorType outType = bn.getResult().getType();
    auto biasType = RankedTensorType::get({channels}, outType.getElementType());
    Value bias = arith::ConstantOp::create(rewriter, loc,
                                           getFloatConstantAttr(biasType, b));
    MLIRContext *ctx = rewriter.getContext();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap perChannel =
        AffineMap::get(rank, 0, getAffineDimExpr(layout->resultDim, ctx));
    Value init = tensor::EmptyOp::create(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, bn.getInput()),
        outType.getElementType());
    auto add = linalg::GenericOp::create(
        rewriter, loc, outType, ValueRange{bn.getInput(), bias}, init,
        ArrayRef<AffineMap>{id, perChannel, id},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, ValueRange{arith::AddFOp::create(b, l, args[0], args[1])});
        });
    rewriter.replaceAllUsesWith(bn.getNewRunningMean(), bn.getRunningMean());
    rewriter.replaceAllUsesWith(bn.getNewRunningVar(), bn.getRunningVar());
    rewriter.replaceAllUsesWith(bn.getResult(), add.getResult(0));
    rewriter.eraseOp(bn);
    return success();
  }
};

struct NormFoldBatchNormPass
    : impl::NormFoldBatchNormBase<NormFoldBatchNormPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNormIntoProducer>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::norm
