//===- FoldIntoProjection.cpp - FlashNorm: norm folded into matmuls -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-fold-into-projection pass: a normalizer read only by matmuls
// becomes one norm_project per matmul, its scale folded into the weights and
// its bias into the projection bias.
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

namespace mlir::norm {
#define GEN_PASS_DEF_NORMFOLDINTOPROJECTION
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
/// A constant op of `type` holding `values` rounded to its element type.
static Value makeConstant(OpBuilder &b, Location loc, RankedTensorType type,
                          ArrayRef<double> values) {
  return arith::ConstantOp::create(b, loc, getFloatConstantAttr(type, values));
}

template <typename NormOp>
struct FoldNormIntoMatmuls : OpRewritePattern<NormOp> {
  FoldNormIntoMatmuls(MLIRContext *ctx, bool constantWeightsOnly,
                      bool skipNarrowRounding)
      : OpRewritePattern<NormOp>(ctx), constantWeightsOnly(constantWeightsOnly),
        skipNarrowRounding(skipNarrowRounding) {}

  LogicalResult matchAndRewrite(NormOp norm,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = norm.getInput().getType();
    auto axis = static_cast<int64_t>(norm.getAxis());
    if (type.getRank() != 2 || (axis != -1 && axis != 1) ||
        norm->getNumResults() != 1)
      return rewriter.notifyMatchFailure(norm, "not a 2-D norm over rows");
    if (norm.getResult().use_empty())
      return rewriter.notifyMatchFailure(norm, "no users");
    if (type.getElementType().getIntOrFloatBitWidth() < 32 &&
        !skipNarrowRounding)
      return rewriter.notifyMatchFailure(
          norm, "bf16/f16: folding would skip the rounding of the normalized "
                "activations (skip-narrow-rounding folds anyway)");
    auto iface = llvm::cast<NormalizationOpInterface>(norm.getOperation());
    SmallVector<Projection> projections;
    for (OpOperand &use : norm.getResult().getUses()) {
      auto matmul = llvm::dyn_cast<linalg::MatmulOp>(use.getOwner());
      if (!matmul || use.getOperandNumber() != 0)
        return rewriter.notifyMatchFailure(
            norm, "a user is not a matmul reading it as its left operand");
      std::string why;
      FailureOr<Projection> p = matchProjection(matmul, why);
      if (failed(p))
        return rewriter.notifyMatchFailure(norm, why);
      // norm_project accumulates in compute_type: the matmul must already.
      if (p->accumulator != iface.getStatisticsType())
        return rewriter.notifyMatchFailure(
            norm, "the matmul accumulates in another type than the "
                  "normalizer's compute_type");
      // The folded weight must be a constant: scaling W by a runtime gamma
      // would read and write all of W on every call, which costs more than
      // normalizing x wherever x has fewer rows than W (decode) and never
      // saves a pass over memory.
      if (constantWeightsOnly &&
          (!getConstantFloatValues(p->weight) ||
           (norm.getScale() && !getConstantFloatValues(norm.getScale())) ||
           (iface.getBias() && !getConstantFloatValues(iface.getBias()))))
        return rewriter.notifyMatchFailure(
            norm, "a weight, the scale or the bias is not constant");
      projections.push_back(*p);
    }

    double offset = iface.getScaleOffsetValue();
    Value scale = norm.getScale(), bias = iface.getBias();
    NormKind kind =
        std::is_same_v<NormOp, LayerNormOp> ? NormKind::layer : NormKind::rms;
    for (Projection &p : projections) {
      rewriter.setInsertionPoint(p.matmul);
      Location loc = p.matmul.getLoc();
      Value w = p.weight;
      auto wType = llvm::cast<RankedTensorType>(w.getType());
      // W[k, n], or W[n, k] when transposed.
      unsigned kDim = p.transposedWeight ? 1 : 0;
      int64_t k = wType.getDimSize(kDim), n = wType.getDimSize(1 - kDim);
      // The projected bias is added in compute_type: kept there.
      auto biasType = RankedTensorType::get({n}, p.accumulator);
      Value newW = w, newBias;
      auto wValues = getConstantFloatValues(w);
      auto gamma = getConstantFloatValues(scale);
      auto beta = getConstantFloatValues(bias);
      if (wValues && (!scale || gamma) && (!bias || beta)) {
        // Everything is constant: fold in float64, round once.
        std::vector<double> folded = *wValues, projected(n, 0.0);
        for (int64_t kk = 0; kk < k; ++kk)
          for (int64_t nn = 0; nn < n; ++nn) {
            int64_t at = p.transposedWeight ? nn * k + kk : kk * n + nn;
            double g = scale ? offset + (*gamma)[kk] : 1.0;
            folded[at] = g * (*wValues)[at];
            if (bias)
              projected[nn] += (*beta)[kk] * (*wValues)[at];
          }
        if (scale)
          newW = makeConstant(rewriter, loc, wType, folded);
        if (bias)
          newBias = makeConstant(rewriter, loc, biasType, projected);
      } else {
        if (scale)
          newW = scaleInputDim(rewriter, loc, w, kDim, scale, offset);
        if (bias)
          newBias = projectBias(rewriter, loc, bias, w, p.transposedWeight,
                                biasType);
      }
      auto fused = NormProjectOp::create(
          rewriter, loc, p.result.getType(),
          NormKindAttr::get(rewriter.getContext(), kind), norm.getInput(), newW,
          newBias, norm.getEpsilonAttr(), norm.getComputeTypeAttr(),
          p.transposedWeight ? rewriter.getUnitAttr() : UnitAttr());
      rewriter.replaceAllUsesWith(p.result, fused.getResult());
      if (p.truncation)
        rewriter.eraseOp(p.truncation);
      rewriter.eraseOp(p.matmul);
    }
    rewriter.eraseOp(norm);
    return success();
  }

  /// W'[.., k, ..] = (offset + scale[k]) * W[.., k, ..], with k the weight's
  /// dim `kDim`, computed at run time.
  static Value scaleInputDim(OpBuilder &b, Location loc, Value w,
                             unsigned kDim, Value scale, double offset) {
    auto type = llvm::cast<RankedTensorType>(w.getType());
    MLIRContext *ctx = b.getContext();
    AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap alongK = AffineMap::get(2, 0, getAffineDimExpr(kDim, ctx));
    Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                         type.getElementType());
    return linalg::GenericOp::create(
               b, loc, type, ValueRange{w, scale}, init,
               ArrayRef<AffineMap>{id, alongK, id},
               SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Type et = type.getElementType();
                 Value g = args[1];
                 if (g.getType() != et)
                   g = et.getIntOrFloatBitWidth() >
                               g.getType().getIntOrFloatBitWidth()
                           ? Value(arith::ExtFOp::create(nb, l, et, g))
                           : Value(arith::TruncFOp::create(nb, l, et, g));
                 if (offset != 0.0)
                   g = arith::AddFOp::create(
                       nb, l, g,
                       arith::ConstantOp::create(
                           nb, l, nb.getFloatAttr(et, offset)));
                 linalg::YieldOp::create(
                     nb, l, ValueRange{arith::MulFOp::create(nb, l, args[0], g)});
               })
        .getResult(0);
  }

  /// The bias projected through the weight, a [N] vector computed at run
  /// time: `bias W` (vecmat), or `W bias` (matvec) for W [N, K].
  static Value projectBias(OpBuilder &b, Location loc, Value bias, Value w,
                           bool transposed, RankedTensorType type) {
    Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                          type.getElementType());
    Value zero = arith::ConstantOp::create(
        b, loc, b.getFloatAttr(type.getElementType(), 0.0));
    Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
    if (transposed)
      return linalg::MatvecOp::create(b, loc, ValueRange{w, bias},
                                      ValueRange{init})
          .getResult(0);
    return linalg::VecmatOp::create(b, loc, ValueRange{bias, w},
                                    ValueRange{init})
        .getResult(0);
  }

  bool constantWeightsOnly, skipNarrowRounding;
};

struct NormFoldIntoProjectionPass
    : impl::NormFoldIntoProjectionBase<NormFoldIntoProjectionPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldNormIntoMatmuls<RMSNormOp>, FoldNormIntoMatmuls<LayerNormOp>>(
        &getContext(), constantWeightsOnly, skipNarrowRounding);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::norm
