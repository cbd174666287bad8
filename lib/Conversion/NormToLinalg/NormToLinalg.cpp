//===- NormToLinalg.cpp - Lower norm ops to linalg on tensors -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One recipe lowers every normalizer: describe it as a NormalizationPlan
// (what is normalized, over which dims, with which statistic and affine
// parameters), then build the reductions and the elementwise apply once.
//
//===----------------------------------------------------------------------===//

#include "lib/Conversion/Passes.h"

#include "dialect/NormOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/ADT/TypeSwitch.h"

namespace mlir::norm {
#define GEN_PASS_DEF_CONVERTNORMTOLINALG
#include "lib/Conversion/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;
using namespace mlir::norm;

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

/// Converts a float scalar to `to` (extend or truncate; identity if equal).
static Value castFloat(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

static Value floatConstant(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
}

static int64_t rankOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getRank();
}

static Type elementTypeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getElementType();
}

/// The dims of [0, rank) that are not in `dims`.
static SmallVector<int64_t> complementDims(int64_t rank,
                                           ArrayRef<int64_t> dims) {
  SmallVector<int64_t> rest;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(dims, d))
      rest.push_back(d);
  return rest;
}

/// The map from a `rank`-dim iteration space to the listed dims.
static AffineMap projection(int64_t rank, ArrayRef<int64_t> dims,
                            MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// A `tensor.empty` with the sizes of `like`'s `dims` and `elementType`.
static Value emptyOfDims(OpBuilder &b, Location loc, Value like,
                         ArrayRef<int64_t> dims, Type elementType) {
  SmallVector<OpFoldResult> all = tensor::getMixedSizes(b, loc, like);
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : dims)
    sizes.push_back(all[d]);
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

/// A tensor of `like`'s `dims` filled with `value`.
static Value filledOfDims(OpBuilder &b, Location loc, Value like,
                          ArrayRef<int64_t> dims, Type elementType,
                          double value) {
  Value empty = emptyOfDims(b, loc, like, dims, elementType);
  return linalg::FillOp::create(b, loc,
                                floatConstant(b, loc, elementType, value),
                                empty)
      .getResult(0);
}

/// The product of the sizes of `like`'s `dims`, as a `type` scalar.
static Value countOfDims(OpBuilder &b, Location loc, Value like,
                         ArrayRef<int64_t> dims, Type type) {
  Value n = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d : dims)
    n = arith::MulIOp::create(b, loc, n,
                              tensor::DimOp::create(b, loc, like, d));
  Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), n);
  return arith::SIToFPOp::create(b, loc, type, asInt);
}

/// Builds a `linalg.generic` over a `rank`-dim space with `inputs` read
/// through `inputMaps`, producing `init` (through `initMap`); the dims in
/// `reduced` are reduction iterators. `body` gets the block arguments (inputs
/// then the accumulator) and returns the value to yield.
static Value
buildGeneric(OpBuilder &b, Location loc, int64_t rank, ValueRange inputs,
             ArrayRef<AffineMap> inputMaps, Value init, AffineMap initMap,
             ArrayRef<int64_t> reduced,
             function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(initMap);
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d)
    iterators.push_back(llvm::is_contained(reduced, d)
                            ? utils::IteratorType::reduction
                            : utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
      });
  return generic.getResult(0);
}

/// An elementwise map over tensors of one shape (all identity maps).
static Value buildMap(OpBuilder &b, Location loc, ValueRange inputs,
                      Type resultElementType,
                      function_ref<Value(OpBuilder &, Location, ValueRange)> fn) {
  Value like = inputs.front();
  int64_t rank = rankOf(like);
  SmallVector<int64_t> all = complementDims(rank, {});
  Value init = emptyOfDims(b, loc, like, all, resultElementType);
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  SmallVector<AffineMap> maps(inputs.size(), id);
  return buildGeneric(b, loc, rank, inputs, maps, init, id, {},
                      [&](OpBuilder &nb, Location nloc, ValueRange args) {
                        return fn(nb, nloc, args.drop_back());
                      });
}

/// The reassociation that groups dims [0, rank - 1) and keeps the last.
static SmallVector<ReassociationIndices> outerAndLast(int64_t rank) {
  SmallVector<ReassociationIndices> reassoc(2);
  for (int64_t d = 0; d < rank - 1; ++d)
    reassoc[0].push_back(d);
  reassoc[1].push_back(rank - 1);
  return reassoc;
}

/// `x [..., K] x w [K, N] -> [..., N]` (w `[N, K]` when `transposed`),
/// accumulated in `accType`.
static Value buildMatmul(OpBuilder &b, Location loc, Value x, Value w,
                         Type accType, bool transposed) {
  auto xType = llvm::cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank();
  int64_t k = xType.getShape().back();
  int64_t n =
      llvm::cast<RankedTensorType>(w.getType()).getDimSize(transposed ? 0 : 1);

  // Rows [M, K]: collapse the outer dims, or add a unit one for a vector.
  Value rows = x;
  if (rank > 2)
    rows = tensor::CollapseShapeOp::create(b, loc, x, outerAndLast(rank));
  else if (rank == 1)
    rows = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1, k}, xType.getElementType()), x,
        SmallVector<ReassociationIndices>{{0, 1}},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(k)});
  SmallVector<OpFoldResult> sizes = {tensor::getMixedSizes(b, loc, rows)[0],
                                     b.getIndexAttr(n)};
  Value empty = tensor::EmptyOp::create(b, loc, sizes, accType);
  Value init = linalg::FillOp::create(
                   b, loc, floatConstant(b, loc, accType, 0.0), empty)
                   .getResult(0);
  SmallVector<NamedAttribute> attrs;
  if (transposed) {
    MLIRContext *ctx = b.getContext();
    AffineExpr m, nn, kk;
    bindDims(ctx, m, nn, kk);
    auto map = [&](ArrayRef<AffineExpr> results) -> Attribute {
      return AffineMapAttr::get(AffineMap::get(3, 0, results, ctx));
    };
    attrs.push_back(b.getNamedAttr(
        "indexing_maps",
        b.getArrayAttr({map({m, kk}), map({nn, kk}), map({m, nn})})));
  }
  Value product = linalg::MatmulOp::create(b, loc, ValueRange{rows, w},
                                           ValueRange{init}, attrs)
                      .getResult(0);
  if (rank == 2)
    return product;
  if (rank == 1)
    return tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({n}, accType), product,
        SmallVector<ReassociationIndices>{{0, 1}});

  // Restore the outer dims.
  SmallVector<OpFoldResult> outer = tensor::getMixedSizes(b, loc, x);
  outer.back() = b.getIndexAttr(n);
  SmallVector<int64_t> shape(xType.getShape());
  shape.back() = n;
  return tensor::ExpandShapeOp::create(b, loc,
                                       RankedTensorType::get(shape, accType),
                                       product, outerAndLast(rank), outer);
}

/// `p [..., N] + bias [N]`, in `p`'s element type.
static Value addLastDimBias(OpBuilder &b, Location loc, Value p, Value bias) {
  int64_t rank = rankOf(p);
  MLIRContext *ctx = b.getContext();
  Type type = elementTypeOf(p);
  SmallVector<int64_t> all = complementDims(rank, {});
  return buildGeneric(
      b, loc, rank, {p, bias},
      {AffineMap::getMultiDimIdentityMap(rank, ctx),
       projection(rank, {rank - 1}, ctx)},
      emptyOfDims(b, loc, p, all, type),
      AffineMap::getMultiDimIdentityMap(rank, ctx), {},
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        return arith::AddFOp::create(nb, nloc, args[0],
                                     castFloat(nb, nloc, args[1], type));
      });
}

/// Splits dim `dim` of `v` into (`parts`, size / `parts`).
static Value splitDim(OpBuilder &b, Location loc, Value v, int64_t dim,
                      int64_t parts) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  SmallVector<ReassociationIndices> reassoc;
  SmallVector<OpFoldResult> sizes;
  SmallVector<OpFoldResult> old = tensor::getMixedSizes(b, loc, v);
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t next = static_cast<int64_t>(shape.size());
    if (d == dim) {
      int64_t size = type.getDimSize(d);
      shape.append({parts, size / parts});
      sizes.append({b.getIndexAttr(parts), b.getIndexAttr(size / parts)});
      reassoc.push_back({next, next + 1});
      continue;
    }
    shape.push_back(type.getDimSize(d));
    sizes.push_back(old[d]);
    reassoc.push_back({next});
  }
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, reassoc,
      sizes);
}

/// Merges dims `dim` and `dim + 1` of `v` back into one (`resultType`).
static Value mergeDims(OpBuilder &b, Location loc, Value v, int64_t dim,
                       RankedTensorType resultType) {
  SmallVector<ReassociationIndices> reassoc;
  int64_t rank = rankOf(v);
  for (int64_t d = 0; d < rank; ++d) {
    if (d == dim + 1)
      continue;
    if (d == dim)
      reassoc.push_back({d, d + 1});
    else
      reassoc.push_back({d});
  }
  return tensor::CollapseShapeOp::create(b, loc, resultType, v, reassoc);
}

//===----------------------------------------------------------------------===//
// The shared normalization recipe
//===----------------------------------------------------------------------===//

namespace {
/// The statistic that scales the data.
enum class Statistic {
  Variance,    ///< (x - mean)^2 averaged: layer, group, batch norm
  MeanSquare,  ///< x^2 averaged: RMS norm
  SumOfSquares ///< x^2 summed, no epsilon: the L2 norm of weight norm
};

/// Everything the shared recipe needs to know about one normalization.
struct NormalizationPlan {
  Value data;                  ///< the tensor normalized
  SmallVector<int64_t> reduced; ///< dims of `data` the statistics reduce over
  Statistic statistic = Statistic::Variance;
  double epsilon = 0.0;
  Type computeType;
  Value mask;                  ///< i1, indexed by `reduced`, or null
  Value givenMean, givenVariance; ///< statistics over the kept dims, or null
  Value scale, bias;           ///< indexed by `paramDims`, or null
  SmallVector<int64_t> paramDims;
  double scaleOffset = 0.0;
  Type resultElementType;
};

/// What the recipe produced. Statistics are tensors over the kept dims in
/// the compute type; `count` is a scalar, or a tensor when masked.
struct NormalizationValues {
  Value result, mean, variance, rstd, count;
};
} // namespace

/// Sums, over the reduced dims, `x - shift - mean` (each term only when
/// given), squared when `square`, skipping masked-out positions.
static Value reduceData(OpBuilder &b, Location loc, const NormalizationPlan &p,
                        Value shift, Value mean, bool square) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = rankOf(p.data);
  SmallVector<int64_t> kept = complementDims(rank, p.reduced);
  SmallVector<Value> inputs = {p.data};
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx)};
  if (p.mask) {
    inputs.push_back(p.mask);
    maps.push_back(projection(rank, p.reduced, ctx));
  }
  for (Value v : {shift, mean})
    if (v) {
      inputs.push_back(v);
      maps.push_back(projection(rank, kept, ctx));
    }
  Type ct = p.computeType;
  Value init = filledOfDims(b, loc, p.data, kept, ct, 0.0);
  return buildGeneric(
      b, loc, rank, inputs, maps, init, projection(rank, kept, ctx), p.reduced,
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value v = castFloat(nb, nloc, args[0], ct);
        unsigned next = 1;
        Value valid = p.mask ? args[next++] : Value();
        if (shift)
          v = arith::SubFOp::create(nb, nloc, v, args[next++]);
        if (mean)
          v = arith::SubFOp::create(nb, nloc, v, args[next++]);
        if (square)
          v = arith::MulFOp::create(nb, nloc, v, v);
        if (valid)
          v = arith::SelectOp::create(nb, nloc, valid, v,
                                      floatConstant(nb, nloc, ct, 0.0));
        // reassoc: the sum may be split over several accumulators (vector
        // lanes, interleaved chains), which vectorizing it needs.
        return arith::AddFOp::create(
            nb, nloc, args.back(), v,
            arith::FastMathFlagsAttr::get(nb.getContext(),
                                          arith::FastMathFlags::reassoc));
      });
}

/// The first element of every reduced slice, in the compute type. Sums of
/// `x - shift` stay small, so the mean of data far from zero (mean 1e4,
/// deviation 1) keeps full precision, and `x - shift` is exact there.
static Value buildShift(OpBuilder &b, Location loc,
                        const NormalizationPlan &p) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = rankOf(p.data);
  SmallVector<int64_t> kept = complementDims(rank, p.reduced);
  int64_t keptRank = static_cast<int64_t>(kept.size());
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    auto *at = llvm::find(kept, d);
    exprs.push_back(at != kept.end()
                        ? getAffineDimExpr(at - kept.begin(), ctx)
                        : getAffineConstantExpr(0, ctx));
  }
  Value init = emptyOfDims(b, loc, p.data, kept, p.computeType);
  return buildGeneric(b, loc, keptRank, {p.data},
                      {AffineMap::get(keptRank, 0, exprs, ctx)}, init,
                      AffineMap::getMultiDimIdentityMap(keptRank, ctx), {},
                      [&](OpBuilder &nb, Location nloc, ValueRange args) {
                        return castFloat(nb, nloc, args[0], p.computeType);
                      });
}

/// The number of values each statistic averages: a scalar, or (masked) a
/// tensor over the kept dims.
static Value buildCount(OpBuilder &b, Location loc,
                        const NormalizationPlan &p) {
  Type ct = p.computeType;
  if (!p.mask)
    return countOfDims(b, loc, p.data, p.reduced, ct);
  MLIRContext *ctx = b.getContext();
  int64_t rank = rankOf(p.data);
  SmallVector<int64_t> kept = complementDims(rank, p.reduced);
  // The iteration space is the data's; the mask covers the reduced dims and
  // the count the kept ones, so every loop bound is known.
  return buildGeneric(
      b, loc, rank, {p.mask}, {projection(rank, p.reduced, ctx)},
      filledOfDims(b, loc, p.data, kept, ct, 0.0), projection(rank, kept, ctx),
      p.reduced, [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value one = arith::UIToFPOp::create(nb, nloc, ct, args[0]);
        return arith::AddFOp::create(nb, nloc, args[1], one);
      });
}

/// `total / count` over the kept dims, 0 where nothing was counted.
static Value divideByCount(OpBuilder &b, Location loc, Value total,
                           Value count, Type ct) {
  SmallVector<Value> inputs = {total};
  bool countIsTensor = llvm::isa<RankedTensorType>(count.getType());
  if (countIsTensor)
    inputs.push_back(count);
  return buildMap(b, loc, inputs, ct,
                  [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
                    Value n = countIsTensor ? args[1] : count;
                    Value zero = floatConstant(nb, nloc, ct, 0.0);
                    Value q = arith::DivFOp::create(nb, nloc, args[0], n);
                    Value any = arith::CmpFOp::create(
                        nb, nloc, arith::CmpFPredicate::OGT, n, zero);
                    return arith::SelectOp::create(nb, nloc, any, q, zero);
                  });
}

namespace {
/// The moments of the data over the reduced dims, around a per-slice shift:
/// mean = shift + delta, m2 = sum((x - shift - delta)^2).
struct Moments {
  Value count, shift, delta, m2;
};
} // namespace

/// Shifted two-pass moments: the mean of `x - shift` first, then squared
/// deviations from it. RMS-style statistics need neither shift nor mean.
static Moments computeMoments(OpBuilder &b, Location loc,
                              const NormalizationPlan &p, bool centered) {
  Moments m;
  m.count = buildCount(b, loc, p);
  if (centered) {
    m.shift = buildShift(b, loc, p);
    m.delta = divideByCount(b, loc, reduceData(b, loc, p, m.shift, {}, false),
                            m.count, p.computeType);
  }
  m.m2 = reduceData(b, loc, p, m.shift, m.delta, /*square=*/true);
  return m;
}

/// `a + b` over tensors of one shape.
static Value addTensors(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return buildMap(b, loc, {lhs, rhs}, elementTypeOf(lhs),
                  [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
                    return arith::AddFOp::create(nb, nloc, a[0], a[1]);
                  });
}

/// Computes (or takes) the statistics, then normalizes `p.data` and applies
/// the affine transform: the one lowering every normalizer shares.
static NormalizationValues normalize(OpBuilder &b, Location loc,
                                     const NormalizationPlan &p) {
  MLIRContext *ctx = b.getContext();
  Type ct = p.computeType;
  int64_t rank = rankOf(p.data);
  SmallVector<int64_t> kept = complementDims(rank, p.reduced);
  NormalizationValues out;
  bool centered = p.statistic == Statistic::Variance;

  Value m2, shift, center;
  if (p.givenVariance) {
    center = out.mean = buildMap(b, loc, {p.givenMean}, ct,
                                 [&](OpBuilder &nb, Location nloc, ValueRange a) {
                                   return castFloat(nb, nloc, a[0], ct);
                                 });
    out.variance = buildMap(b, loc, {p.givenVariance}, ct,
                            [&](OpBuilder &nb, Location nloc, ValueRange a) {
                              return castFloat(nb, nloc, a[0], ct);
                            });
  } else {
    Moments moments = computeMoments(b, loc, p, centered);
    out.count = moments.count;
    shift = moments.shift;
    center = moments.delta;
    m2 = moments.m2;
    if (centered)
      out.mean = addTensors(b, loc, shift, center);
    if (p.statistic != Statistic::SumOfSquares)
      out.variance = divideByCount(b, loc, m2, out.count, ct);
  }

  Value spread = out.variance ? out.variance : m2;
  bool addEpsilon = p.statistic != Statistic::SumOfSquares;
  out.rstd = buildMap(b, loc, {spread}, ct,
                      [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
                        Value v = a[0];
                        if (addEpsilon)
                          v = arith::AddFOp::create(
                              nb, nloc, v,
                              floatConstant(nb, nloc, ct, p.epsilon));
                        return math::RsqrtOp::create(nb, nloc, v);
                      });

  // y = (x - mean) * rstd * (offset + scale) + bias, rounded once.
  SmallVector<Value> inputs = {p.data, out.rstd};
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 projection(rank, kept, ctx)};
  for (Value v : {shift, center})
    if (v) {
      inputs.push_back(v);
      maps.push_back(projection(rank, kept, ctx));
    }
  for (Value param : {p.scale, p.bias})
    if (param) {
      inputs.push_back(param);
      maps.push_back(projection(rank, p.paramDims, ctx));
    }
  Value init = emptyOfDims(b, loc, p.data, complementDims(rank, {}),
                           p.resultElementType);
  out.result = buildGeneric(
      b, loc, rank, inputs, maps, init,
      AffineMap::getMultiDimIdentityMap(rank, ctx), {},
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value v = castFloat(nb, nloc, args[0], ct);
        unsigned next = 2;
        if (shift)
          v = arith::SubFOp::create(nb, nloc, v, args[next++]);
        if (center)
          v = arith::SubFOp::create(nb, nloc, v, args[next++]);
        v = arith::MulFOp::create(nb, nloc, v, args[1]);
        if (p.scale) {
          Value g = castFloat(nb, nloc, args[next++], ct);
          if (p.scaleOffset != 0.0)
            g = arith::AddFOp::create(
                nb, nloc, g, floatConstant(nb, nloc, ct, p.scaleOffset));
          v = arith::MulFOp::create(nb, nloc, v, g);
        }
        if (p.bias)
          v = arith::AddFOp::create(nb, nloc, v,
                                    castFloat(nb, nloc, args[next++], ct));
        return castFloat(nb, nloc, v, p.resultElementType);
      });
  return out;
}

/// Converts a statistic tensor to `type` (a result type of the op).
static Value castTensor(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  Type element = llvm::cast<RankedTensorType>(type).getElementType();
  return buildMap(b, loc, {v}, element,
                  [&](OpBuilder &nb, Location nloc, ValueRange a) {
                    return castFloat(nb, nloc, a[0], element);
                  });
}

//===----------------------------------------------------------------------===//
// Plans of the normalizers
//===----------------------------------------------------------------------===//

/// The parts of a plan that every normalizer fills from the interface.
static NormalizationPlan basePlan(NormalizationOpInterface op, Value data) {
  NormalizationPlan p;
  p.data = data;
  p.reduced = op.getNormalizedDims();
  p.statistic = op.isCentered() ? Statistic::Variance : Statistic::MeanSquare;
  p.epsilon = op.getEpsilonValue().value_or(0.0);
  p.computeType = op.getStatisticsType();
  p.scale = op.getScale();
  p.bias = op.getBias();
  p.scaleOffset = op.getScaleOffsetValue();
  p.resultElementType = elementTypeOf(op->getResult(0));
  return p;
}

static int64_t positiveAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

namespace {
/// Lowers every normalizer through `normalize`; the per-op parts are only
/// where the data comes from and where the results go.
struct LowerNormalizer : OpInterfaceRewritePattern<NormalizationOpInterface> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(NormalizationOpInterface op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    return llvm::TypeSwitch<Operation *, LogicalResult>(op)
        .Case<LayerNormOp, RMSNormOp>([&](auto norm) {
          NormalizationPlan p = basePlan(op, norm.getInput());
          p.paramDims = p.reduced;
          NormalizationValues v = normalize(rewriter, loc, p);
          SmallVector<Value> results = {v.result};
          if constexpr (std::is_same_v<decltype(norm), LayerNormOp>)
            if (norm.getMean())
              results.push_back(v.mean);
          if (norm.getRstd())
            results.push_back(v.rstd);
          rewriter.replaceOp(op, results);
          return success();
        })
        .Case<AddLayerNormOp, AddRMSNormOp>([&](auto norm) {
          Value sum = arith::AddFOp::create(rewriter, loc, norm.getInput(),
                                            norm.getResidual());
          NormalizationPlan p = basePlan(op, sum);
          p.paramDims = p.reduced;
          rewriter.replaceOp(op, {normalize(rewriter, loc, p).result, sum});
          return success();
        })
        .Case([&](GroupNormOp norm) {
          int64_t rank = norm.getInput().getType().getRank();
          int64_t c = positiveAxis(norm.getChannelAxis(), rank);
          int64_t groups = norm.getNumGroups();
          NormalizationPlan p = basePlan(
              op, splitDim(rewriter, loc, norm.getInput(), c, groups));
          // (N, ..., G, C/G, ...): per sample and group.
          p.reduced = complementDims(rank + 1, {0, c});
          p.paramDims = {c, c + 1};
          if (p.scale)
            p.scale = splitDim(rewriter, loc, p.scale, 0, groups);
          if (p.bias)
            p.bias = splitDim(rewriter, loc, p.bias, 0, groups);
          Value y = normalize(rewriter, loc, p).result;
          rewriter.replaceOp(
              op, mergeDims(rewriter, loc, y, c, norm.getResult().getType()));
          return success();
        })
        .Case([&](BatchNormOp norm) { return lowerBatchNorm(norm, rewriter); })
        .Case([&](BatchNormApplyOp norm) {
          NormalizationPlan p = basePlan(op, norm.getInput());
          p.paramDims = complementDims(rankOf(p.data), p.reduced);
          p.givenMean = norm.getMean();
          p.givenVariance = norm.getVariance();
          rewriter.replaceOp(op, normalize(rewriter, loc, p).result);
          return success();
        })
        .Case([&](WeightNormOp norm) {
          NormalizationPlan p = basePlan(op, norm.getV());
          p.statistic = Statistic::SumOfSquares;
          p.paramDims = complementDims(rankOf(p.data), p.reduced);
          rewriter.replaceOp(op, normalize(rewriter, loc, p).result);
          return success();
        })
        .Case([&](ProjectNormOp norm) {
          // The product rounded to the element type, as the unfused
          // program stores it, then the bias added in that type.
          Type ct = op.getStatisticsType();
          Value proj =
              buildMatmul(rewriter, loc, norm.getInput(), norm.getWeight(), ct,
                          norm.getTransposeWeight());
          proj = castTensor(
              rewriter, loc, proj,
              llvm::cast<RankedTensorType>(proj.getType())
                  .clone(elementTypeOf(norm.getResult())));
          if (Value pb = norm.getProjBias())
            proj = addLastDimBias(rewriter, loc, proj, pb);
          int64_t rank = rankOf(proj);
          int64_t heads = op.getNumGroups();
          NormalizationPlan p =
              basePlan(op, splitDim(rewriter, loc, proj, rank - 1, heads));
          p.reduced = {rank};
          p.paramDims = {rank};
          Value y = normalize(rewriter, loc, p).result;
          rewriter.replaceOp(op, mergeDims(rewriter, loc, y, rank - 1,
                                           norm.getResult().getType()));
          return success();
        })
        .Case([&](NormProjectOp norm) {
          Type ct = op.getStatisticsType();
          NormalizationPlan p = basePlan(op, norm.getInput());
          // The bias is added after the matmul; the normalizer has no affine.
          p.scale = p.bias = nullptr;
          p.resultElementType = ct;
          Value normalized = normalize(rewriter, loc, p).result;
          Value y = buildMatmul(rewriter, loc, normalized, norm.getWeight(),
                                ct, norm.getTransposeWeight());
          if (Value bias = norm.getBias())
            y = addLastDimBias(rewriter, loc, y, bias);
          rewriter.replaceOp(
              op, castTensor(rewriter, loc, y, norm.getResult().getType()));
          return success();
        })
        .Default([&](Operation *) {
          return rewriter.notifyMatchFailure(op, "no lowering for this op");
        });
  }

  /// Train mode: batch statistics and the running-statistics update; eval
  /// mode: the running statistics normalize and are returned unchanged.
  static LogicalResult lowerBatchNorm(BatchNormOp norm,
                                      PatternRewriter &rewriter) {
    Location loc = norm.getLoc();
    auto op = llvm::cast<NormalizationOpInterface>(norm.getOperation());
    NormalizationPlan p = basePlan(op, norm.getInput());
    p.paramDims = complementDims(rankOf(p.data), p.reduced);
    p.mask = norm.getMask();
    bool train = norm.getMode() == BatchNormMode::train;
    if (!train) {
      p.givenMean = norm.getRunningMean();
      p.givenVariance = norm.getRunningVar();
    }
    NormalizationValues v = normalize(rewriter, loc, p);
    Type ct = p.computeType;
    Value newMean = norm.getRunningMean(), newVar = norm.getRunningVar();
    if (train) {
      // running <- (1 - m) running + m stat, with the unbiased variance
      // n / (n - 1) var (var itself when n <= 1); a channel without values
      // (an empty batch, everything masked) keeps its running statistics,
      // as PyTorch does for an empty batch.
      double m = norm.getMomentum().convertToDouble();
      Type statType = elementTypeOf(newMean);
      bool countIsTensor = llvm::isa<RankedTensorType>(v.count.getType());
      auto update = [&](Value running, Value stat, bool unbias) {
        SmallVector<Value> inputs = {running, stat};
        if (countIsTensor)
          inputs.push_back(v.count);
        return buildMap(
            rewriter, loc, inputs, statType,
            [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
              Value old = castFloat(nb, nloc, a[0], ct);
              Value s = a[1];
              Value n = countIsTensor ? a[2] : v.count;
              if (unbias) {
                Value one = floatConstant(nb, nloc, ct, 1.0);
                Value nm1 = arith::SubFOp::create(nb, nloc, n, one);
                Value scaled = arith::DivFOp::create(
                    nb, nloc, arith::MulFOp::create(nb, nloc, s, n), nm1);
                Value many = arith::CmpFOp::create(
                    nb, nloc, arith::CmpFPredicate::OGT, n, one);
                s = arith::SelectOp::create(nb, nloc, many, scaled, s);
              }
              Value keep = arith::MulFOp::create(
                  nb, nloc, old, floatConstant(nb, nloc, ct, 1.0 - m));
              Value add = arith::MulFOp::create(
                  nb, nloc, s, floatConstant(nb, nloc, ct, m));
              Value counted = arith::CmpFOp::create(
                  nb, nloc, arith::CmpFPredicate::OGT, n,
                  floatConstant(nb, nloc, ct, 0.0));
              Value updated = arith::SelectOp::create(
                  nb, nloc, counted, arith::AddFOp::create(nb, nloc, keep, add),
                  old);
              return castFloat(nb, nloc, updated, statType);
            });
      };
      newMean = update(norm.getRunningMean(), v.mean, false);
      newVar = update(norm.getRunningVar(), v.variance, true);
    }
    SmallVector<Value> results = {v.result, newMean, newVar};
    if (norm.getSavedMean())
      results.push_back(v.mean);
    if (norm.getSavedRstd())
      results.push_back(v.rstd);
    rewriter.replaceOp(norm, results);
    return success();
  }
};

/// Per-channel count, mean and M2 of the local batch.
struct LowerBatchStats : OpRewritePattern<BatchStatsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchStatsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t rank = op.getInput().getType().getRank();
    NormalizationPlan p;
    p.data = op.getInput();
    p.reduced = complementDims(
        rank, {positiveAxis(op.getChannelAxis(), rank)});
    p.mask = op.getMask();
    p.computeType = elementTypeOf(op.getMean());
    Moments m = computeMoments(rewriter, loc, p, /*centered=*/true);
    Value count = m.count, m2 = m.m2;
    Value mean = addTensors(rewriter, loc, m.shift, m.delta);
    if (!llvm::isa<RankedTensorType>(count.getType())) {
      Value empty = tensor::EmptyOp::create(
          rewriter, loc, op.getMean().getType().getShape(), p.computeType);
      count = linalg::FillOp::create(rewriter, loc, count, empty).getResult(0);
    }
    rewriter.replaceOp(op, {count, mean, m2});
    return success();
  }
};

/// A collective: the runtime merges the statistics of the group in place
/// (Chan's formula); in a single process it leaves them as they are.
struct LowerAllReduceStats : OpRewritePattern<AllReduceStatsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AllReduceStatsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getCount().getType();
    Type element = type.getElementType();
    if (!element.isF32() && !element.isF64())
      return rewriter.notifyMatchFailure(op, "statistics must be f32 or f64");
    auto module = op->getParentOfType<ModuleOp>();
    std::string name = element.isF32() ? "norm_rt_all_reduce_stats_f32"
                                       : "norm_rt_all_reduce_stats_f64";
    auto bufferType = MemRefType::get({ShapedType::kDynamic}, element);
    auto func = module.lookupSymbol<func::FuncOp>(name);
    if (!func) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(module.getBody());
      // (count, mean, m2, group name as bytes and length)
      auto groupType = MemRefType::get({ShapedType::kDynamic},
                                       rewriter.getI8Type());
      func = func::FuncOp::create(
          rewriter, loc, name,
          rewriter.getFunctionType(
              {bufferType, bufferType, bufferType, groupType}, {}));
      func.setPrivate();
      func->setAttr("llvm.emit_c_interface", rewriter.getUnitAttr());
    }
    // Fresh buffers the runtime may overwrite, holding copies of the inputs.
    auto staticType = MemRefType::get(type.getShape(), element);
    SmallVector<Value> buffers, results;
    for (Value stat : {op.getCount(), op.getMean(), op.getM2()}) {
      Value buffer = memref::AllocOp::create(rewriter, loc, staticType);
      Value source = bufferization::ToBufferOp::create(
          rewriter, loc, staticType, stat, /*read_only=*/true);
      memref::CopyOp::create(rewriter, loc, source, buffer);
      buffers.push_back(buffer);
    }
    StringRef group = op.getSyncGroup();
    auto groupStorage = MemRefType::get(
        {static_cast<int64_t>(group.size())}, rewriter.getI8Type());
    auto bytes = DenseElementsAttr::get(
        RankedTensorType::get(groupStorage.getShape(), rewriter.getI8Type()),
        ArrayRef<char>(group.data(), group.size()));
    Value groupTensor = arith::ConstantOp::create(rewriter, loc, bytes);
    Value groupBuffer = bufferization::ToBufferOp::create(
        rewriter, loc, groupStorage, groupTensor, /*read_only=*/true);
    Value groupDynamic = memref::CastOp::create(
        rewriter, loc,
        MemRefType::get({ShapedType::kDynamic}, rewriter.getI8Type()),
        groupBuffer);
    SmallVector<Value> args;
    for (Value buffer : buffers)
      args.push_back(memref::CastOp::create(rewriter, loc, bufferType, buffer));
    args.push_back(groupDynamic);
    func::CallOp::create(rewriter, loc, func, args);
    for (Value buffer : buffers)
      results.push_back(bufferization::ToTensorOp::create(
          rewriter, loc, type, buffer, /*restrict=*/true, /*writable=*/true));
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Placement first: explicit normalizers and adds, lowered in turn.
struct LowerResidual : OpRewritePattern<ResidualOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ResidualOp op,
                                PatternRewriter &rewriter) const override {
    op.expand(rewriter);
    return success();
  }
};

struct ConvertNormToLinalgPass
    : norm::impl::ConvertNormToLinalgBase<ConvertNormToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<NormDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    populateNormToLinalgConversionPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::norm::populateNormToLinalgConversionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerNormalizer>(patterns.getContext());
  patterns.add<LowerBatchStats, LowerAllReduceStats, LowerResidual>(
      patterns.getContext());
}
