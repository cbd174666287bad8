//===- FoldBatchNorm.cpp - Fold eval batch_norm into conv/matmul ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-fold-batch-norm pass: an inference-time batch norm after a conv or
// matmul with constant parameters becomes scaled weights and a bias.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Transforms/Passes.h"
#include "Utils.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::norm {
#define GEN_PASS_DEF_NORMFOLDBATCHNORM
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
/// Where a producer's output channel sits: in its result and in its weight.
struct ChannelLayout {
  int64_t resultDim, weightDim;
};

/// The weight dim that holds channel `resultDim` of the result of `op`, a
/// matmul or 2-D convolution on floats of one type into a zero fill, when
/// scaling that slice of the weight scales that channel of the result and
/// nothing else: the result reads the channel's loop as a plain dim, the
/// weight reads it as exactly one plain dim, and the input not at all. The
/// maps say it, whatever form they take (a transposed matmul weight is
/// [N, K]); a broadcast weight, or an input that reads the channel's loop,
/// fails.
static FailureOr<ChannelLayout> channelLayout(linalg::LinalgOp op,
                                              int64_t resultDim,
                                              std::string &why) {
  if (!llvm::isa<linalg::MatmulOp, linalg::Conv2DNchwFchwOp,
                 linalg::Conv2DNhwcHwcfOp>(op)) {
    why = "input is not a matmul or a 2-D NCHW/NHWC convolution";
    return failure();
  }
  if (auto matmul = llvm::dyn_cast<linalg::MatmulOp>(op.getOperation());
      matmul && matmul.getCast() != linalg::TypeFn::cast_signed) {
    why = "the matmul casts its operands as unsigned";
    return failure();
  }
  Type element = getElementTypeOrSelf(op->getResult(0).getType());
  if (!op.hasPureTensorSemantics() || !llvm::isa<FloatType>(element) ||
      element.getIntOrFloatBitWidth() < 32 ||
      llvm::any_of(op->getOperands(), [&](Value v) {
        return getElementTypeOrSelf(v.getType()) != element;
      })) {
    why = "the producer is not on f32/f64 tensors of one element type";
    return failure();
  }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap inputMap = maps[0], weightMap = maps[1], resultMap = maps[2];
  auto channel =
      llvm::dyn_cast<AffineDimExpr>(resultMap.getResult(resultDim));
  if (!channel || operandDimOfLoop(resultMap, channel.getPosition()) !=
                      resultDim) {
    why = "the result does not hold the channel as one plain dim";
    return failure();
  }
  unsigned loop = channel.getPosition();
  int64_t weightDim = operandDimOfLoop(weightMap, loop);
  if (weightDim < 0 || inputMap.isFunctionOfDim(loop)) {
    why = "the weight does not hold the channel in one dim of its own";
    return failure();
  }
  return ChannelLayout{resultDim, weightDim};
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
    if (!producer)
      return rewriter.notifyMatchFailure(bn, "input is not a conv or matmul");
    int64_t rank = bn.getInput().getType().getRank();
    int64_t channel = static_cast<int64_t>(bn.getChannelAxis());
    std::string why;
    FailureOr<ChannelLayout> layout = channelLayout(
        producer, channel < 0 ? channel + rank : channel, why);
    if (failed(layout))
      return rewriter.notifyMatchFailure(bn, why);
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
