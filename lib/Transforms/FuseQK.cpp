//===- FuseQK.cpp - Q/K projection + per-head norm -> project_norm --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-fuse-qk pass: QK-norm moves into the projection's epilogue.
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
#define GEN_PASS_DEF_NORMFUSEQK
#include "lib/Transforms/Passes.h.inc"

namespace {
/// A 2-D matmul into a zero fill: `x W`.
static linalg::MatmulOp matchProjection(Value v) {
  auto matmul = v.getDefiningOp<linalg::MatmulOp>();
  if (!matmul || !matmul.hasPureTensorSemantics() ||
      llvm::cast<RankedTensorType>(matmul.getDpsInputs()[0].getType())
              .getRank() != 2)
    return nullptr;
  return isZeroFill(matmul.getDpsInits()[0]) ? matmul : nullptr;
}

template <typename NormOp>
struct FuseProjectionIntoQKNorm : OpRewritePattern<NormOp> {
  using OpRewritePattern<NormOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(NormOp norm,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = norm.getInput().getType();
    int64_t rank = type.getRank();
    auto axis = static_cast<int64_t>(norm.getAxis());
    if (norm->getNumResults() != 1 || (axis != -1 && axis != rank - 1))
      return rewriter.notifyMatchFailure(norm, "not a norm over the last dim");
    auto split = norm.getInput().template getDefiningOp<tensor::ExpandShapeOp>();
    SmallVector<ReassociationIndices> groups;
    if (split)
      groups = split.getReassociationIndices();
    if (!split || rank != 3 || groups.size() != 2 || groups[0].size() != 1 ||
        groups[1].size() != 2 || !split->hasOneUse())
      return rewriter.notifyMatchFailure(norm, "input is not [M, N] split "
                                               "into [M, heads, head_dim]");
    // p = x W, or x W + broadcast(bias).
    Value projection = split.getSrc(), projBias;
    if (auto add = projection.getDefiningOp<arith::AddFOp>()) {
      auto broadcast = add.getRhs().getDefiningOp<linalg::BroadcastOp>();
      if (!broadcast || broadcast.getDimensions() != ArrayRef<int64_t>{0} ||
          !add->hasOneUse())
        return rewriter.notifyMatchFailure(norm, "the add is not a bias");
      projBias = broadcast.getInput();
      projection = add.getLhs();
    }
    linalg::MatmulOp matmul = matchProjection(projection);
    if (!matmul || !matmul->hasOneUse())
      return rewriter.notifyMatchFailure(norm, "not a projection used once");
    Value x = matmul.getDpsInputs()[0], w = matmul.getDpsInputs()[1];
    auto xType = llvm::cast<RankedTensorType>(x.getType());
    auto pType = llvm::cast<RankedTensorType>(projection.getType());
    if (xType.getElementType() != pType.getElementType() ||
        llvm::cast<RankedTensorType>(w.getType()).getElementType() !=
            pType.getElementType() ||
        (projBias && llvm::cast<RankedTensorType>(projBias.getType())
                             .getElementType() != pType.getElementType()))
      return rewriter.notifyMatchFailure(norm, "the projection changes type");

    Location loc = norm.getLoc();
    NormKind kind =
        std::is_same_v<NormOp, LayerNormOp> ? NormKind::layer : NormKind::rms;
    Value bias;
    if constexpr (std::is_same_v<NormOp, LayerNormOp>)
      bias = norm.getBias();
    double offset = llvm::cast<NormalizationOpInterface>(norm.getOperation())
                        .getScaleOffsetValue();
    auto fused = ProjectNormOp::create(
        rewriter, loc, pType, NormKindAttr::get(rewriter.getContext(), kind),
        x, w, projBias, norm.getScale(), bias,
        rewriter.getI64IntegerAttr(type.getShape().back()),
        norm.getEpsilonAttr(), norm.getComputeTypeAttr(),
        rewriter.getF64FloatAttr(offset));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        norm, type, fused.getResult(), groups, split.getMixedOutputShape());
    return success();
  }
};

struct NormFuseQKPass : impl::NormFuseQKBase<NormFuseQKPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseProjectionIntoQKNorm<RMSNormOp>,
                 FuseProjectionIntoQKNorm<LayerNormOp>>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::norm
