//===- FoldIntoProjection.cpp - FlashNorm: norm folded into matmuls -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-fold-into-projection pass: a normalizer read only by matmuls
// becomes one norm_project per matmul, its scale folded into the weights and
// its bias into the projection bias.
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

namespace mlir::norm {
#define GEN_PASS_DEF_NORMFOLDINTOPROJECTION
#include "lib/Transforms/Passes.h.inc"

namespace {
/// A constant op of `type` holding `values` rounded to its element type.
static Value makeConstant(OpBuilder &b, Location loc, RankedTensorType type,
                          ArrayRef<double> values) {
  return arith::ConstantOp::create(b, loc, getFloatConstantAttr(type, values));
}

template <typename NormOp>
struct FoldNormIntoMatmuls : OpRewritePattern<NormOp> {
  FoldNormIntoMatmuls(MLIRContext *ctx, bool constantWeightsOnly)
      : OpRewritePattern<NormOp>(ctx), constantWeightsOnly(constantWeightsOnly) {}

  LogicalResult matchAndRewrite(NormOp norm,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = norm.getInput().getType();
    auto axis = static_cast<int64_t>(norm.getAxis());
    if (type.getRank() != 2 || (axis != -1 && axis != 1) ||
        norm->getNumResults() != 1)
      return rewriter.notifyMatchFailure(norm, "not a 2-D norm over rows");
    if (norm.getResult().use_empty())
      return rewriter.notifyMatchFailure(norm, "no users");
    SmallVector<linalg::MatmulOp> matmuls;
    for (OpOperand &use : norm.getResult().getUses()) {
      auto matmul = llvm::dyn_cast<linalg::MatmulOp>(use.getOwner());
      if (!matmul || use.getOperandNumber() != 0 ||
          !matmul.hasPureTensorSemantics() ||
          !isZeroFill(matmul.getDpsInits()[0]) ||
          matmul.getResultTypes()[0] !=
              RankedTensorType::get(
                  {type.getDimSize(0),
                   llvm::cast<RankedTensorType>(matmul.getDpsInputs()[1].getType())
                       .getDimSize(1)},
                  type.getElementType()) ||
          llvm::cast<RankedTensorType>(matmul.getDpsInputs()[1].getType())
                  .getElementType() != type.getElementType())
        return rewriter.notifyMatchFailure(
            norm, "a user is not a matmul reading it as its left operand");
      if (constantWeightsOnly && !getConstantFloatValues(matmul.getDpsInputs()[1]))
        return rewriter.notifyMatchFailure(norm, "a weight is not constant");
      matmuls.push_back(matmul);
    }

    auto iface = llvm::cast<NormalizationOpInterface>(norm.getOperation());
    double offset = iface.getScaleOffsetValue();
    Value scale = norm.getScale(), bias = iface.getBias();
    NormKind kind =
        std::is_same_v<NormOp, LayerNormOp> ? NormKind::layer : NormKind::rms;
    for (linalg::MatmulOp matmul : matmuls) {
      rewriter.setInsertionPoint(matmul);
      Location loc = matmul.getLoc();
      Value w = matmul.getDpsInputs()[1];
      auto wType = llvm::cast<RankedTensorType>(w.getType());
      int64_t k = wType.getDimSize(0), n = wType.getDimSize(1);
      auto biasType = RankedTensorType::get({n}, wType.getElementType());
      Value newW = w, newBias;
      auto wValues = getConstantFloatValues(w);
      auto gamma = getConstantFloatValues(scale);
      auto beta = getConstantFloatValues(bias);
      if (wValues && (!scale || gamma) && (!bias || beta)) {
        // Everything is constant: fold in float64, round once.
        std::vector<double> folded = *wValues, projected(n, 0.0);
        for (int64_t kk = 0; kk < k; ++kk)
          for (int64_t nn = 0; nn < n; ++nn) {
            double g = scale ? offset + (*gamma)[kk] : 1.0;
            folded[kk * n + nn] = g * (*wValues)[kk * n + nn];
            if (bias)
              projected[nn] += (*beta)[kk] * (*wValues)[kk * n + nn];
          }
        if (scale)
          newW = makeConstant(rewriter, loc, wType, folded);
        if (bias)
          newBias = makeConstant(rewriter, loc, biasType, projected);
      } else {
        if (scale)
          newW = scaleRows(rewriter, loc, w, scale, offset);
        if (bias)
          newBias = vecmat(rewriter, loc, bias, w, biasType);
      }
      auto fused = NormProjectOp::create(
          rewriter, loc, matmul.getResultTypes()[0],
          NormKindAttr::get(rewriter.getContext(), kind), norm.getInput(), newW,
          newBias, norm.getEpsilonAttr(), norm.getComputeTypeAttr());
      rewriter.replaceOp(matmul, fused.getResult());
    }
    rewriter.eraseOp(norm);
    return success();
  }

  /// W'[k, n] = (offset + scale[k]) * W[k, n], computed at run time.
  static Value scaleRows(OpBuilder &b, Location loc, Value w, Value scale,
                         double offset) {
    auto type = llvm::cast<RankedTensorType>(w.getType());
    MLIRContext *ctx = b.getContext();
    AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap rows = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
    Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                         type.getElementType());
    return linalg::GenericOp::create(
               b, loc, type, ValueRange{w, scale}, init,
               ArrayRef<AffineMap>{id, rows, id},
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

  /// bias W, a [N] vector, computed at run time.
  static Value vecmat(OpBuilder &b, Location loc, Value bias, Value w,
                      RankedTensorType type) {
    Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                          type.getElementType());
    Value zero = arith::ConstantOp::create(
        b, loc, b.getFloatAttr(type.getElementType(), 0.0));
    Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
    return linalg::VecmatOp::create(b, loc, ValueRange{bias, w},
                                    ValueRange{init})
        .getResult(0);
  }

  bool constantWeightsOnly;
};

struct NormFoldIntoProjectionPass
    : impl::NormFoldIntoProjectionBase<NormFoldIntoProjectionPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldNormIntoMatmuls<RMSNormOp>, FoldNormIntoMatmuls<LayerNormOp>>(
        &getContext(), constantWeightsOnly);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::norm
