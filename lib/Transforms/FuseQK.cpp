//===- FuseQK.cpp - Q/K projection + per-head norm -> project_norm --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-fuse-qk pass: QK-norm moves into the projection's epilogue.
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
#define GEN_PASS_DEF_NORMFUSEQK
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
/// `p + broadcast(bias)` over the rows of a 2-D `p`, written as `arith.addf`
/// of a `linalg.broadcast` (dimensions = [0]) or as one elementwise
/// `linalg.generic` that reads the bias through `(d0, d1) -> (d1)`: sets `p`
/// and `bias` and returns true; false for any other form.
static bool matchRowBiasAdd(Value sum, Value &p, Value &bias) {
  auto type = llvm::dyn_cast<RankedTensorType>(sum.getType());
  if (!type || type.getRank() != 2 || !sum.hasOneUse())
    return false;
  if (auto add = sum.getDefiningOp<arith::AddFOp>()) {
    for (auto [lhs, rhs] : {std::pair(add.getLhs(), add.getRhs()),
                            std::pair(add.getRhs(), add.getLhs())}) {
      auto broadcast = rhs.getDefiningOp<linalg::BroadcastOp>();
      if (broadcast && broadcast.getDimensions() == ArrayRef<int64_t>{0}) {
        p = lhs;
        bias = broadcast.getInput();
        return true;
      }
    }
    return false;
  }
  auto generic = sum.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return false;
  Block &body = generic.getRegion().front();
  auto add = llvm::dyn_cast_or_null<arith::AddFOp>(
      body.getTerminator()->getOperand(0).getDefiningOp());
  if (body.getOperations().size() != 2 || !add)
    return false;
  MLIRContext *ctx = sum.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap columns = AffineMap::get(2, 0, getAffineDimExpr(1, ctx));
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  for (unsigned full : {0u, 1u}) {
    unsigned other = 1 - full;
    if (maps[full] == id && maps[other] == columns && maps[2] == id &&
        ((add.getLhs() == body.getArgument(full) &&
          add.getRhs() == body.getArgument(other)) ||
         (add.getRhs() == body.getArgument(full) &&
          add.getLhs() == body.getArgument(other)))) {
      p = generic.getDpsInputs()[full];
      bias = generic.getDpsInputs()[other];
      return true;
    }
  }
  return false;
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
    Value unbiased;
    if (matchRowBiasAdd(projection, unbiased, projBias))
      projection = unbiased;
    if (!projection.hasOneUse())
      return rewriter.notifyMatchFailure(norm, "the projection has other users");
    std::string why;
    FailureOr<Projection> p = matchProjectionResult(projection, why);
    if (failed(p))
      return rewriter.notifyMatchFailure(norm, why);
    // project_norm accumulates in compute_type: the matmul must already (a
    // bf16 accumulator would silently become f32).
    auto iface = llvm::cast<NormalizationOpInterface>(norm.getOperation());
    if (p->accumulator != iface.getStatisticsType())
      return rewriter.notifyMatchFailure(
          norm, "the matmul accumulates in another type than the "
                "normalizer's compute_type");
    Type element = type.getElementType();
    if (getElementTypeOrSelf(p->input.getType()) != element ||
        (projBias && getElementTypeOrSelf(projBias.getType()) != element))
      return rewriter.notifyMatchFailure(norm, "the projection changes type");

    Location loc = norm.getLoc();
    NormKind kind =
        std::is_same_v<NormOp, LayerNormOp> ? NormKind::layer : NormKind::rms;
    Value bias;
    if constexpr (std::is_same_v<NormOp, LayerNormOp>)
      bias = norm.getBias();
    auto fused = ProjectNormOp::create(
        rewriter, loc, split.getSrc().getType(),
        NormKindAttr::get(rewriter.getContext(), kind), p->input, p->weight,
        projBias, norm.getScale(), bias,
        rewriter.getI64IntegerAttr(type.getShape().back()),
        norm.getEpsilonAttr(), norm.getComputeTypeAttr(),
        rewriter.getF64FloatAttr(iface.getScaleOffsetValue()),
        p->transposedWeight ? rewriter.getUnitAttr() : UnitAttr());
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
