//===- NormToLinalg.cpp - Lower norm ops to linalg on tensors -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One recipe lowers every normalizer: describe it as a NormalizationPlan
// (what is normalized, over which dims, with which statistic and affine
// parameters), then build the reductions and the elementwise apply once.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Conversion/Passes.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/ADT/TypeSwitch.h"

#include <limits>

namespace mlir::norm {
#define GEN_PASS_DEF_CONVERTNORMTOLINALG
#include "norm-mlir/Conversion/Passes.h.inc"
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
/// through `inputMaps`, producing `inits` (each through `initMap`); the dims
/// in `reduced` are reduction iterators. `body` gets the block arguments
/// (inputs then the accumulators) and returns the values to yield.
static SmallVector<Value> buildGenerics(
    OpBuilder &b, Location loc, int64_t rank, ValueRange inputs,
    ArrayRef<AffineMap> inputMaps, ValueRange inits, AffineMap initMap,
    ArrayRef<int64_t> reduced,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.append(inits.size(), initMap);
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d)
    iterators.push_back(llvm::is_contained(reduced, d)
                            ? utils::IteratorType::reduction
                            : utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, inits.getTypes(), inputs, inits, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
      });
  return generic.getResults();
}

/// `buildGenerics` with one result.
static Value
buildGeneric(OpBuilder &b, Location loc, int64_t rank, ValueRange inputs,
             ArrayRef<AffineMap> inputMaps, Value init, AffineMap initMap,
             ArrayRef<int64_t> reduced,
             function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  return buildGenerics(b, loc, rank, inputs, inputMaps, init, initMap, reduced,
                       [&](OpBuilder &nb, Location nloc, ValueRange args) {
                         return SmallVector<Value>{body(nb, nloc, args)};
                       })
      .front();
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
/// the compute type; `count` is a scalar, or a tensor when masked, in the
/// accumulation type.
struct NormalizationValues {
  Value result, mean, variance, rstd, count;
};
} // namespace

/// Reductions of more values than this accumulate in f64 (see `normalize`).
static constexpr int64_t kLongReduction = 8192;

/// Sums, over the reduced dims, `x - shift` (`x` without a shift) and, when
/// `squares`, its square as a second result; in `acc`, skipping masked-out
/// positions. One pass over the data either way.
static SmallVector<Value> reduceData(OpBuilder &b, Location loc,
                                     const NormalizationPlan &p, Type acc,
                                     Value shift, bool sums, bool squares) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = rankOf(p.data);
  SmallVector<int64_t> kept = complementDims(rank, p.reduced);
  SmallVector<Value> inputs = {p.data};
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx)};
  if (p.mask) {
    inputs.push_back(p.mask);
    maps.push_back(projection(rank, p.reduced, ctx));
  }
  if (shift) {
    inputs.push_back(shift);
    maps.push_back(projection(rank, kept, ctx));
  }
  SmallVector<Value> inits;
  for (unsigned i = 0, e = unsigned(sums) + unsigned(squares); i < e; ++i)
    inits.push_back(filledOfDims(b, loc, p.data, kept, acc, 0.0));
  return buildGenerics(
      b, loc, rank, inputs, maps, inits, projection(rank, kept, ctx),
      p.reduced,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = castFloat(nb, nloc, args[0], acc);
        unsigned next = 1;
        Value valid = p.mask ? args[next++] : Value();
        if (shift)
          v = arith::SubFOp::create(nb, nloc, v, args[next++]);
        SmallVector<Value> terms;
        if (sums)
          terms.push_back(v);
        if (squares)
          terms.push_back(arith::MulFOp::create(nb, nloc, v, v));
        // reassoc: the sum may be split over several accumulators (vector
        // lanes, interleaved chains), which vectorizing it needs.
        auto reassoc = arith::FastMathFlagsAttr::get(
            nb.getContext(), arith::FastMathFlags::reassoc);
        SmallVector<Value> updated;
        for (auto [term, sum] : llvm::zip_equal(terms, args.take_back(inits.size()))) {
          if (valid)
            term = arith::SelectOp::create(nb, nloc, valid, term,
                                           floatConstant(nb, nloc, acc, 0.0));
          updated.push_back(
              arith::AddFOp::create(nb, nloc, sum, term, reassoc));
        }
        return updated;
      });
}

/// The number of values each statistic averages, in `acc`: a scalar, or
/// (masked) a tensor over the kept dims.
static Value buildCount(OpBuilder &b, Location loc, const NormalizationPlan &p,
                        Type acc) {
  if (!p.mask)
    return countOfDims(b, loc, p.data, p.reduced, acc);
  MLIRContext *ctx = b.getContext();
  int64_t rank = rankOf(p.data);
  SmallVector<int64_t> kept = complementDims(rank, p.reduced);
  // The iteration space is the data's; the mask covers the reduced dims and
  // the count the kept ones, so every loop bound is known.
  return buildGeneric(
      b, loc, rank, {p.mask}, {projection(rank, p.reduced, ctx)},
      filledOfDims(b, loc, p.data, kept, acc, 0.0), projection(rank, kept, ctx),
      p.reduced, [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value one = arith::UIToFPOp::create(nb, nloc, acc, args[0]);
        return arith::AddFOp::create(nb, nloc, args[1], one);
      });
}

/// `total / count` over the kept dims, 0 where nothing was counted.
static Value divideByCount(OpBuilder &b, Location loc, Value total,
                           Value count) {
  Type type = elementTypeOf(total);
  SmallVector<Value> inputs = {total};
  bool countIsTensor = llvm::isa<RankedTensorType>(count.getType());
  if (countIsTensor)
    inputs.push_back(count);
  return buildMap(b, loc, inputs, type,
                  [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
                    Value n = countIsTensor ? args[1] : count;
                    Value zero = floatConstant(nb, nloc, type, 0.0);
                    Value q = arith::DivFOp::create(nb, nloc, args[0], n);
                    Value any = arith::CmpFOp::create(
                        nb, nloc, arith::CmpFPredicate::OGT, n, zero);
                    return arith::SelectOp::create(nb, nloc, any, q, zero);
                  });
}

/// Whether `v` is finite (false for NaN).
static Value isFinite(OpBuilder &b, Location loc, Value v) {
  Value inf = floatConstant(b, loc, v.getType(),
                            std::numeric_limits<double>::infinity());
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                               math::AbsFOp::create(b, loc, v), inf);
}

namespace {
/// The moments of the data over the reduced dims, in the accumulation type:
/// mean = shift + center, m2 = the sum of squared deviations from the mean
/// (of the values, for RMS-style statistics, which have no mean).
struct Moments {
  Value count, shift, center, mean, m2;
  Value variance; ///< m2 / count, for centered statistics
};
} // namespace

/// Corrected two-pass moments (Chan, Golub and LeVeque, 1983): the mean m1
/// first, then in one pass s1 = sum(x - m1) and s2 = sum((x - m1)^2);
/// mean = m1 + s1 / n, m2 = s2 - s1^2 / n. The correction s1 / n recovers
/// what rounding took from m1, so data far from zero (mean 1e4, deviation 1)
/// keep full precision wherever their extreme values are: no element is
/// special. RMS-style statistics are one pass of squares.
static Moments computeMoments(OpBuilder &b, Location loc,
                              const NormalizationPlan &p, Type acc,
                              bool centered) {
  Moments m;
  m.count = buildCount(b, loc, p, acc);
  if (!centered) {
    m.m2 = reduceData(b, loc, p, acc, {}, false, /*squares=*/true).front();
    return m;
  }
  m.shift = divideByCount(
      b, loc, reduceData(b, loc, p, acc, {}, true, false).front(), m.count);
  SmallVector<Value> sums =
      reduceData(b, loc, p, acc, m.shift, /*sums=*/true, /*squares=*/true);
  // center = s1 / n, m2 = s2 - s1 * center, variance = m2 / n (0 where
  // nothing was counted), in one elementwise op: a row kernel computes it
  // per row, and short rows feel every op of it.
  SmallVector<Value> inputs = {sums[0], sums[1]};
  bool countIsTensor = llvm::isa<RankedTensorType>(m.count.getType());
  if (countIsTensor)
    inputs.push_back(m.count);
  int64_t keptRank = rankOf(sums[0]);
  AffineMap id = AffineMap::getMultiDimIdentityMap(keptRank, b.getContext());
  SmallVector<Value> inits;
  for (int i = 0; i < 3; ++i)
    inits.push_back(tensor::EmptyOp::create(
        b, loc, tensor::getMixedSizes(b, loc, sums[0]), acc));
  SmallVector<Value> stats = buildGenerics(
      b, loc, keptRank, inputs, SmallVector<AffineMap>(inputs.size(), id),
      inits, id, {}, [&](OpBuilder &nb, Location nloc, ValueRange a) {
        Value n = countIsTensor ? a[2] : m.count;
        Value zero = floatConstant(nb, nloc, acc, 0.0);
        Value any = arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OGT,
                                          n, zero);
        auto perValue = [&](Value total) -> Value {
          return arith::SelectOp::create(
              nb, nloc, any, arith::DivFOp::create(nb, nloc, total, n), zero);
        };
        Value center = perValue(a[0]);
        Value m2 = arith::MaximumFOp::create(
            nb, nloc,
            arith::SubFOp::create(nb, nloc, a[1],
                                  arith::MulFOp::create(nb, nloc, a[0], center)),
            zero);
        return SmallVector<Value>{center, m2, perValue(m2)};
      });
  m.center = stats[0];
  m.m2 = stats[1];
  m.variance = stats[2];
  // A shift that is not finite (a row holding +-Inf) is the mean itself: the
  // correction, computed from infinite deviations, is NaN.
  m.mean = buildMap(b, loc, {m.shift, m.center}, acc,
                    [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
                      Value sum = arith::AddFOp::create(nb, nloc, a[0], a[1]);
                      return arith::SelectOp::create(
                          nb, nloc, isFinite(nb, nloc, a[0]), sum, a[0]);
                    });
  return m;
}

/// Converts a statistic tensor to the element type `to`.
static Value castElements(OpBuilder &b, Location loc, Value v, Type to) {
  if (elementTypeOf(v) == to)
    return v;
  return buildMap(b, loc, {v}, to,
                  [&](OpBuilder &nb, Location nloc, ValueRange a) {
                    return castFloat(nb, nloc, a[0], to);
                  });
}

/// Normalizes with statistics accumulated in `acc` (or given): the recipe
/// itself. `spread`, when asked for, is the statistic that scales the data,
/// in `acc`.
static NormalizationValues normalizeIn(OpBuilder &b, Location loc,
                                       const NormalizationPlan &p, Type acc,
                                       Value *spreadOut = nullptr) {
  MLIRContext *ctx = b.getContext();
  Type ct = p.computeType;
  int64_t rank = rankOf(p.data);
  SmallVector<int64_t> kept = complementDims(rank, p.reduced);
  NormalizationValues out;
  bool centered = p.statistic == Statistic::Variance;

  // The statistics in the type they were computed in; the data are centered
  // by `x - hi - lo`, hi + lo the mean to more than the compute type's
  // precision (x - hi is exact near the mean).
  Value spread, hi, lo;
  if (p.givenVariance) {
    out.mean = hi = castElements(b, loc, p.givenMean, ct);
    spread = castElements(b, loc, p.givenVariance, ct);
  } else {
    Moments m = computeMoments(b, loc, p, acc, centered);
    out.count = llvm::isa<RankedTensorType>(m.count.getType())
                    ? castElements(b, loc, m.count, ct)
                    : castFloat(b, loc, m.count, ct);
    spread = p.statistic == Statistic::SumOfSquares ? m.m2
             : centered ? m.variance
                        : divideByCount(b, loc, m.m2, m.count);
    if (centered) {
      out.mean = castElements(b, loc, m.mean, ct);
      hi = castElements(b, loc, m.shift, ct);
      // (In the accumulation type, m1 - hi is 0 and lo the correction.)
      lo = acc == ct
               ? m.center
               : buildMap(b, loc, {m.shift, hi, m.center}, ct,
                          [&](OpBuilder &nb, Location nloc,
                              ValueRange a) -> Value {
                            Value rest = arith::SubFOp::create(
                                nb, nloc, a[0], castFloat(nb, nloc, a[1], acc));
                            rest = arith::AddFOp::create(nb, nloc, rest, a[2]);
                            return castFloat(nb, nloc, rest, ct);
                          });
    }
  }
  if (p.statistic != Statistic::SumOfSquares)
    out.variance = castElements(b, loc, spread, ct);
  if (spreadOut)
    *spreadOut = spread;

  Type st = elementTypeOf(spread);
  bool addEpsilon = p.statistic != Statistic::SumOfSquares;
  out.rstd = buildMap(b, loc, {spread}, ct,
                      [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
                        Value v = a[0];
                        if (addEpsilon)
                          v = arith::AddFOp::create(
                              nb, nloc, v,
                              floatConstant(nb, nloc, st, p.epsilon));
                        return castFloat(nb, nloc,
                                         math::RsqrtOp::create(nb, nloc, v),
                                         ct);
                      });

  // y = (x - mean) * rstd * (offset + scale) + bias, rounded once.
  SmallVector<Value> inputs = {p.data, out.rstd};
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 projection(rank, kept, ctx)};
  for (Value v : {hi, lo})
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
        if (hi)
          v = arith::SubFOp::create(nb, nloc, v, args[next++]);
        if (lo)
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

/// Whether any element of `spread` (a tensor over the kept dims) says that
/// statistics accumulated in its type overflowed or underflowed: not finite
/// (an overflow, or data with Inf or NaN), or, where epsilon is too small to
/// hide it, a value small enough that squares rounded to subnormals (or to
/// 0) could have mattered (below 2^-96: with n <= 2^24 values, the subnormal
/// roundings are below 2^-54 of anything larger). A loop of scalar checks,
/// not a linalg op: norm-tile-rows fuses the statistics into the row kernel
/// and yields them for it.
static Value anyOutOfRange(OpBuilder &b, Location loc, Value spread,
                           double epsilon) {
  Type type = elementTypeOf(spread);
  bool tinyMatters = epsilon < std::ldexp(1.0, -96);
  auto check = [&](OpBuilder &nb, Location nloc, Value v) -> Value {
    Value bad = arith::XOrIOp::create(
        nb, nloc, isFinite(nb, nloc, v),
        arith::ConstantIntOp::create(nb, nloc, 1, 1));
    if (!tinyMatters)
      return bad;
    // (0 too: the squares of 1e-38 are all 0 in f32.)
    Value tiny = floatConstant(nb, nloc, type, std::ldexp(1.0, -96));
    Value small =
        arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OLT, v, tiny);
    return arith::OrIOp::create(nb, nloc, bad, small);
  };
  int64_t rank = rankOf(spread);
  if (rank == 0)
    return check(b, loc, tensor::ExtractOp::create(b, loc, spread, {}));
  Value flat = spread;
  if (rank > 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t d = 0; d < rank; ++d)
      all[0].push_back(d);
    flat = tensor::CollapseShapeOp::create(b, loc, spread, all);
  }
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value n = tensor::DimOp::create(b, loc, flat, 0);
  Value none = arith::ConstantIntOp::create(b, loc, 0, 1);
  auto loop = scf::ForOp::create(
      b, loc, zero, n, one, ValueRange{none},
      [&](OpBuilder &nb, Location nloc, Value i, ValueRange acc) {
        Value v = tensor::ExtractOp::create(nb, nloc, flat, ValueRange{i});
        scf::YieldOp::create(
            nb, nloc,
            ValueRange{arith::OrIOp::create(nb, nloc, acc[0],
                                            check(nb, nloc, v))});
      });
  return loop.getResult(0);
}

/// The number of values each statistic reduces, or nullopt when dynamic.
static std::optional<int64_t> staticCount(const NormalizationPlan &p) {
  auto type = llvm::cast<RankedTensorType>(p.data.getType());
  int64_t n = 1;
  for (int64_t d : p.reduced) {
    if (type.isDynamicDim(d))
      return std::nullopt;
    n *= type.getDimSize(d);
  }
  return n;
}

/// Computes (or takes) the statistics, then normalizes `p.data` and applies
/// the affine transform: the one lowering every normalizer shares.
///
/// Statistics of f32, bf16 and f16 data accumulate in f32 when the
/// reductions are short, in f64 when they are long (more than
/// kLongReduction values, or a dynamic number). Why that is accurate:
///  - f32, n <= 8192 values per statistic (a group norm's 8 x 28 x 28):
///    each partial sum adds at most n terms (n / 8 or fewer where the row
///    kernel splits it over vector lanes), so the sums are within n * 2^-24
///    of the sum of magnitudes in the worst case and ~sqrt(n) * 2^-24
///    (5e-6 at 8192, half that in rstd) typically (Higham, Accuracy and
///    Stability of Numerical Algorithms, 4.2), and the corrected two-pass
///    variance adds no more than that (Chan, Golub and LeVeque). Overflow and
///    underflow are checked after the fact (anyOutOfRange), and then all of
///    it is computed again in f64: never for ordinary data.
///  - f64: f32, bf16 and f16 values and their squares are exact in f64, and
///    neither they nor sums of up to 2^40 of them overflow or underflow
///    there (2^256 < 2^1024, 2^-298 > 2^-1022); a sum of n terms is within
///    n * 2^-53 of the sum of magnitudes, 2^-33 for n = 2^20: no blocked or
///    pairwise summation is needed for f32 results.
/// f64 data accumulate in f64 (no wider type; no overflow check).
static NormalizationValues normalize(OpBuilder &b, Location loc,
                                     const NormalizationPlan &p,
                                     bool overflowFallback) {
  Type ct = p.computeType;
  Type wide = ct.getIntOrFloatBitWidth() <= 32
                  ? Float64Type::get(ct.getContext())
                  : ct;
  std::optional<int64_t> n = staticCount(p);
  if (p.givenVariance)
    return normalizeIn(b, loc, p, ct);
  if (wide == ct || !n || *n > kLongReduction)
    return normalizeIn(b, loc, p, wide);
  if (!overflowFallback)
    return normalizeIn(b, loc, p, ct);
  Value spread;
  NormalizationValues fast = normalizeIn(b, loc, p, ct, &spread);
  Value redo = anyOutOfRange(b, loc, spread, p.epsilon);
  auto fields = [](NormalizationValues &v) {
    return std::array<Value *, 5>{&v.result, &v.mean, &v.variance, &v.rstd,
                                  &v.count};
  };
  SmallVector<Value> yielded;
  for (Value *v : fields(fast))
    if (*v)
      yielded.push_back(*v);
  // (The result types are those of the yields.)
  auto ifOp = scf::IfOp::create(
      b, loc, redo,
      [&](OpBuilder &nb, Location nloc) {
        // All of it in f64, the apply too: x - mean itself may overflow f32
        // for data near its largest value.
        NormalizationPlan inF64 = p;
        inF64.computeType = wide;
        NormalizationValues robust = normalizeIn(nb, nloc, inF64, wide);
        SmallVector<Value> values;
        for (auto [f, r] : llvm::zip_equal(fields(fast), fields(robust)))
          if (*f)
            values.push_back(
                llvm::isa<RankedTensorType>(f->getType())
                    ? castElements(nb, nloc, *r, elementTypeOf(*f))
                    : castFloat(nb, nloc, *r, f->getType()));
        scf::YieldOp::create(nb, nloc, values);
      },
      [&](OpBuilder &nb, Location nloc) {
        scf::YieldOp::create(nb, nloc, yielded);
      });
  NormalizationValues out;
  unsigned next = 0;
  for (auto [f, o] : llvm::zip_equal(fields(fast), fields(out)))
    if (*f)
      *o = ifOp.getResult(next++);
  return out;
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
  LowerNormalizer(MLIRContext *ctx, bool overflowFallback)
      : OpInterfaceRewritePattern(ctx), overflowFallback(overflowFallback) {}
  bool overflowFallback;

  LogicalResult matchAndRewrite(NormalizationOpInterface op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    return llvm::TypeSwitch<Operation *, LogicalResult>(op)
        .Case<LayerNormOp, RMSNormOp>([&](auto norm) {
          NormalizationPlan p = basePlan(op, norm.getInput());
          p.paramDims = p.reduced;
          NormalizationValues v = normalize(rewriter, loc, p, overflowFallback);
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
          rewriter.replaceOp(op, {normalize(rewriter, loc, p, overflowFallback).result, sum});
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
          Value y = normalize(rewriter, loc, p, overflowFallback).result;
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
          rewriter.replaceOp(op, normalize(rewriter, loc, p, overflowFallback).result);
          return success();
        })
        .Case([&](WeightNormOp norm) {
          NormalizationPlan p = basePlan(op, norm.getV());
          p.statistic = Statistic::SumOfSquares;
          p.paramDims = complementDims(rankOf(p.data), p.reduced);
          rewriter.replaceOp(op, normalize(rewriter, loc, p, overflowFallback).result);
          return success();
        })
        .Case([&](ProjectNormOp norm) {
          // The product rounded to the element type, as the unfused
          // program stores it, then the bias added in that type.
          Type ct = op.getStatisticsType();
          Value proj =
              buildMatmul(rewriter, loc, norm.getInput(), norm.getWeight(), ct,
                          norm.getTransposeWeight());
          proj = castElements(rewriter, loc, proj,
                              elementTypeOf(norm.getResult()));
          if (Value pb = norm.getProjBias())
            proj = addLastDimBias(rewriter, loc, proj, pb);
          int64_t rank = rankOf(proj);
          int64_t heads = op.getNumGroups();
          NormalizationPlan p =
              basePlan(op, splitDim(rewriter, loc, proj, rank - 1, heads));
          p.reduced = {rank};
          p.paramDims = {rank};
          Value y = normalize(rewriter, loc, p, overflowFallback).result;
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
          Value normalized = normalize(rewriter, loc, p, overflowFallback).result;
          Value y = buildMatmul(rewriter, loc, normalized, norm.getWeight(),
                                ct, norm.getTransposeWeight());
          if (Value bias = norm.getBias())
            y = addLastDimBias(rewriter, loc, y, bias);
          rewriter.replaceOp(
              op, castElements(rewriter, loc, y, elementTypeOf(norm.getResult())));
          return success();
        })
        .Default([&](Operation *) {
          return rewriter.notifyMatchFailure(op, "no lowering for this op");
        });
  }

  /// Train mode: batch statistics and the running-statistics update; eval
  /// mode: the running statistics normalize and are returned unchanged.
  LogicalResult lowerBatchNorm(BatchNormOp norm,
                               PatternRewriter &rewriter) const {
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
    Type ct = p.computeType;
    Value groupCount;
    if (train && norm.getSyncGroup()) {
      // SyncBN: this member's (count, mean, M2) per channel, merged over the
      // group (Chan's formula, never sums of squares), then applied as given
      // statistics; mean and biased variance are 0 for a channel without
      // values, as in a single process.
      auto statsType = RankedTensorType::get(
          norm.getRunningMean().getType().getShape(), ct);
      auto local = BatchStatsOp::create(
          rewriter, loc, statsType, statsType, statsType, p.data, p.mask,
          norm.getChannelAxis(), TypeAttr::get(ct));
      auto group = AllReduceStatsOp::create(
          rewriter, loc, statsType, statsType, statsType,
          *norm.getSyncGroup(), local.getCount(), local.getMean(),
          local.getM2());
      groupCount = group.getTotalCount();
      auto ifCounted = [&](Value stat, bool divide) {
        return buildMap(
            rewriter, loc, {groupCount, stat}, ct,
            [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
              Value zero = floatConstant(nb, nloc, ct, 0.0);
              Value counted = arith::CmpFOp::create(
                  nb, nloc, arith::CmpFPredicate::OGT, a[0], zero);
              Value value =
                  divide ? arith::DivFOp::create(nb, nloc, a[1], a[0]) : a[1];
              return arith::SelectOp::create(nb, nloc, counted, value, zero);
            });
      };
      p.givenMean = ifCounted(group.getTotalMean(), false);
      p.givenVariance = ifCounted(group.getTotalM2(), true);
    }
    NormalizationValues v = normalize(rewriter, loc, p, overflowFallback);
    if (groupCount)
      v.count = groupCount;
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
              Value n =
                  castFloat(nb, nloc, countIsTensor ? a[2] : v.count, ct);
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
    Type ct = p.computeType;
    // Always in f64 (for f32 statistics): these are the local statistics of
    // a synchronized batch norm, reduced over the whole local batch.
    Type acc = ct.isF64() ? ct : rewriter.getF64Type();
    Moments m = computeMoments(rewriter, loc, p, acc, /*centered=*/true);
    Value count = m.count;
    if (!llvm::isa<RankedTensorType>(count.getType())) {
      Value empty = tensor::EmptyOp::create(
          rewriter, loc, op.getMean().getType().getShape(), elementTypeOf(m.m2));
      count = linalg::FillOp::create(rewriter, loc, count, empty).getResult(0);
    }
    count = castElements(rewriter, loc, count, ct);
    Value mean = castElements(rewriter, loc, m.mean, ct);
    Value m2 = castElements(rewriter, loc, m.m2, ct);
    rewriter.replaceOp(op, {count, mean, m2});
    return success();
  }
};

/// The runtime function `name` of type `type`, declared once per module. A
/// collective's declaration is marked `norm.collective`: its buffers are the
/// data of the group (norm-gpu-offload passes device buffers to the GPU
/// version, norm_rt_gpu_*), its last argument the group's name.
static func::FuncOp declareCollective(PatternRewriter &rewriter, Operation *op,
                                      StringRef name, FunctionType type) {
  auto module = op->getParentOfType<ModuleOp>();
  if (auto func = module.lookupSymbol<func::FuncOp>(name))
    return func;
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(module.getBody());
  auto func = func::FuncOp::create(rewriter, op->getLoc(), name, type);
  func.setPrivate();
  func->setAttr("llvm.emit_c_interface", rewriter.getUnitAttr());
  func->setAttr("norm.collective", rewriter.getUnitAttr());
  return func;
}

/// A collective, as one all-gather and a merge generated here: every member
/// packs its (count, mean, m2) in f64 as 3 x C, the runtime gathers the
/// group's p blocks in rank order (norm_rt_all_gather_f64: MPI, NCCL, or a
/// copy in one process), and each member merges them with Chan's formula in
/// that order. The same order on every member gives the same bits on every
/// member, which an all-reduce would not promise (its combining order
/// depends on the algorithm MPI or NCCL picks, and the merge is not
/// associative in floating point); it moves p * 3C values per member, a few
/// kB for batch norm's channels.
struct LowerAllReduceStats : OpRewritePattern<AllReduceStatsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AllReduceStatsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getCount().getType();
    Type element = type.getElementType();
    Type f64 = rewriter.getF64Type();
    int64_t c = type.getDimSize(0);
    auto flat = MemRefType::get({ShapedType::kDynamic}, f64);
    auto groupType = MemRefType::get({ShapedType::kDynamic}, rewriter.getI8Type());
    func::FuncOp groupSize = declareCollective(
        rewriter, op, "norm_rt_group_size",
        rewriter.getFunctionType({groupType}, {rewriter.getI64Type()}));
    func::FuncOp allGather = declareCollective(
        rewriter, op, "norm_rt_all_gather_f64",
        rewriter.getFunctionType({flat, flat, groupType}, {}));

    // The group's name, as bytes.
    StringRef name = op.getSyncGroup();
    auto bytesType = RankedTensorType::get({static_cast<int64_t>(name.size())},
                                           rewriter.getI8Type());
    Value bytes = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(bytesType, ArrayRef<char>(name.data(), name.size())));
    Value group = memref::CastOp::create(
        rewriter, loc, groupType,
        bufferization::ToBufferOp::create(
            rewriter, loc,
            MemRefType::get(bytesType.getShape(), rewriter.getI8Type()), bytes,
            /*read_only=*/true));

    // This member's block: rows count, mean, m2.
    SmallVector<Value> dynamicC;
    if (ShapedType::isDynamic(c))
      dynamicC.push_back(tensor::DimOp::create(rewriter, loc, op.getCount(), 0));
    SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(3)};
    sizes.push_back(dynamicC.empty() ? OpFoldResult(rewriter.getIndexAttr(c))
                                     : OpFoldResult(dynamicC.front()));
    Value block = tensor::EmptyOp::create(rewriter, loc, sizes, f64);
    SmallVector<Value> stats = {op.getCount(), op.getMean(), op.getM2()};
    for (auto [row, stat] : llvm::enumerate(stats)) {
      SmallVector<OpFoldResult> offsets = {rewriter.getIndexAttr(row),
                                           rewriter.getIndexAttr(0)};
      SmallVector<OpFoldResult> rowSizes = {rewriter.getIndexAttr(1), sizes[1]};
      SmallVector<OpFoldResult> strides(2, rewriter.getIndexAttr(1));
      block = tensor::InsertSliceOp::create(
          rewriter, loc, castElements(rewriter, loc, stat, f64), block, offsets,
          rowSizes, strides);
    }
    auto blockType = MemRefType::get({3, c}, f64);
    Value local = memref::AllocOp::create(rewriter, loc, blockType, dynamicC);
    memref::CopyOp::create(
        rewriter, loc,
        bufferization::ToBufferOp::create(rewriter, loc, blockType, block,
                                          /*read_only=*/true),
        local);

    // The group's blocks, member r's at [r].
    Value members = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getIndexType(),
        func::CallOp::create(rewriter, loc, groupSize, group).getResult(0));
    auto gatheredType = MemRefType::get({ShapedType::kDynamic, 3, c}, f64);
    SmallVector<Value> gatheredSizes = {members};
    gatheredSizes.append(dynamicC);
    Value gathered =
        memref::AllocOp::create(rewriter, loc, gatheredType, gatheredSizes);
    auto asFlat = [&](Value buffer, ReassociationIndices all) -> Value {
      auto collapsed = memref::CollapseShapeOp::create(
          rewriter, loc, buffer, ArrayRef<ReassociationIndices>{all});
      if (collapsed.getType() == flat)
        return collapsed;
      return memref::CastOp::create(rewriter, loc, flat, collapsed);
    };
    func::CallOp::create(rewriter, loc, allGather,
                         ValueRange{asFlat(local, {0, 1}),
                                    asFlat(gathered, {0, 1, 2}), group});
    Value blocks = bufferization::ToTensorOp::create(
        rewriter, loc,
        RankedTensorType::get(gatheredType.getShape(), f64), gathered,
        /*restrict=*/true, /*writable=*/true);

    // The merge over (channel, member), members in rank order (a
    // reduction loop, which every lowering keeps sequential); a member
    // without values leaves the merged triple as it is.
    AffineExpr ch, r;
    bindDims(ctx, ch, r);
    auto rowMap = [&](int64_t row) {
      return AffineMap::get(2, 0, {r, getAffineConstantExpr(row, ctx), ch},
                            ctx);
    };
    Value zeros = tensor::EmptyOp::create(rewriter, loc, sizes[1], f64);
    zeros = linalg::FillOp::create(rewriter, loc,
                                   floatConstant(rewriter, loc, f64, 0.0), zeros)
                .getResult(0);
    SmallVector<Value> merged = buildGenerics(
        rewriter, loc, 2, {blocks, blocks, blocks},
        {rowMap(0), rowMap(1), rowMap(2)}, {zeros, zeros, zeros},
        AffineMap::get(2, 0, {ch}, ctx), {1},
        [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
          Value nb = a[0], meanB = a[1], m2B = a[2];
          Value n = a[3], mean = a[4], m2 = a[5];
          Value total = arith::AddFOp::create(b, l, n, nb);
          Value d = arith::SubFOp::create(b, l, meanB, mean);
          Value newMean = arith::AddFOp::create(
              b, l, mean,
              arith::MulFOp::create(b, l, d,
                                    arith::DivFOp::create(b, l, nb, total)));
          Value between = arith::MulFOp::create(
              b, l, arith::MulFOp::create(b, l, d, d),
              arith::DivFOp::create(b, l, arith::MulFOp::create(b, l, n, nb),
                                    total));
          Value newM2 = arith::AddFOp::create(
              b, l, arith::AddFOp::create(b, l, m2, m2B), between);
          Value empty = arith::CmpFOp::create(
              b, l, arith::CmpFPredicate::OEQ, nb,
              floatConstant(b, l, f64, 0.0));
          return {arith::SelectOp::create(b, l, empty, n, total),
                  arith::SelectOp::create(b, l, empty, mean, newMean),
                  arith::SelectOp::create(b, l, empty, m2, newM2)};
        });
    SmallVector<Value> results;
    for (Value stat : merged)
      results.push_back(castElements(rewriter, loc, stat, element));
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Rows per block of the gradients' cross-row sums (see lowerRowNormGrad).
static constexpr int64_t kGradRowBlock = 32;

/// `v` with its dims grouped by `reassoc` (collapsed, or a rank-0 `v`
/// expanded to `[1]`), or `v` itself when no group merges dims.
static Value regroup(OpBuilder &b, Location loc, Value v,
                     ArrayRef<ReassociationIndices> reassoc) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  if (type.getRank() == 0)
    return tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1}, type.getElementType()), v,
        ArrayRef<ReassociationIndices>{}, ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  if (llvm::all_of(reassoc, [](const ReassociationIndices &group) {
        return group.size() == 1;
      }))
    return v;
  return tensor::CollapseShapeOp::create(b, loc, v, reassoc);
}

namespace {
/// The R rows of a tensor as `count` blocks of B (`whole` = count * B rows)
/// and the `rest` after them.
struct RowBlocks {
  OpFoldResult count, whole, rest;
};
} // namespace

static RowBlocks rowBlocks(OpBuilder &b, Location loc, Value v,
                           int64_t blockRows) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(0)) {
    int64_t r = type.getDimSize(0);
    return {b.getIndexAttr(r / blockRows),
            b.getIndexAttr(r / blockRows * blockRows),
            b.getIndexAttr(r % blockRows)};
  }
  Value r = tensor::DimOp::create(b, loc, v, 0);
  Value size = arith::ConstantIndexOp::create(b, loc, blockRows);
  Value count = arith::DivUIOp::create(b, loc, r, size);
  Value whole = arith::MulIOp::create(b, loc, count, size);
  return {count, whole, arith::SubIOp::create(b, loc, r, whole).getResult()};
}

/// Rows [offset, offset + size) of `v`, its other dims whole.
static Value sliceRows(OpBuilder &b, Location loc, Value v,
                       OpFoldResult offset, OpFoldResult size) {
  int64_t rank = rankOf(v);
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, v);
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  offsets[0] = offset;
  sizes[0] = size;
  return tensor::ExtractSliceOp::create(b, loc, v, offsets, sizes, strides);
}

/// The first `count` * B rows of `v` ([R, ...]) as [count, B, ...].
static Value blocksOfRows(OpBuilder &b, Location loc, Value v,
                          const RowBlocks &blocks, int64_t blockRows) {
  Value head = sliceRows(b, loc, v, b.getIndexAttr(0), blocks.whole);
  auto type = llvm::cast<RankedTensorType>(head.getType());
  SmallVector<int64_t> shape = {
      getConstantIntValue(blocks.count).value_or(ShapedType::kDynamic),
      blockRows};
  SmallVector<OpFoldResult> sizes = {blocks.count, b.getIndexAttr(blockRows)};
  SmallVector<ReassociationIndices> reassoc = {{0, 1}};
  for (int64_t d = 1; d < type.getRank(); ++d) {
    shape.push_back(type.getDimSize(d));
    sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
    reassoc.push_back({d + 1});
  }
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), head,
      reassoc, sizes);
}

namespace {
/// The operands of a row gradient, each seen as rows: dy, x and sum_grad as
/// [rows..., N], mean and rstd as [rows...], the scale as [N]. `rows` is
/// [R] for all rows (or those after the last block) and [count, B] for the
/// blocks.
struct GradOperands {
  Value dy, x, mean, rstd, scale, sumGrad;

  /// `f` applied to every operand that has rows.
  GradOperands map(function_ref<Value(Value)> f) const {
    auto opt = [&](Value v) { return v ? f(v) : Value(); };
    return {f(dy), f(x), opt(mean), f(rstd), scale, opt(sumGrad)};
  }
};
} // namespace

/// The backward of a row normalizer (norm.layer_norm_grad with `mean`,
/// norm.rms_norm_grad without), in the statistics type `ct`, on the rows
/// [R, N] of its operands. Rows go in blocks of kGradRowBlock, then the R %
/// B rows after the last block; per part, per row the sums of g = dy *
/// (scaleOffset + scale) and of g * xhat (one reduction, fused into the
/// part's row tiles), then one op that writes input_grad and adds the part's
/// rows into the cross-row sums of dy * xhat and dy: per block a partial sum
/// (blocks are parallel: threads, CTAs), the partials merged in block order,
/// then the last rows. x and dy are read from memory once, and no sum across
/// rows is reassociated, so the bits depend on the shape alone, never on
/// how the blocks are spread over threads. Returns input_grad ([R, N]), then
/// the sums ([N], in `ct`) of the `numSums` (0, 1 for scale_grad or
/// bias_grad, 2 for both: `sumScale`, `sumBias`) asked for.
static SmallVector<Value> lowerGradRows(PatternRewriter &rewriter,
                                        Location loc, const GradOperands &rows,
                                        Type ct, Type element, int64_t n,
                                        double scaleOffset, bool sumScale,
                                        bool sumBias) {
  MLIRContext *ctx = rewriter.getContext();
  bool centered = bool(rows.mean);
  unsigned numSums = unsigned(sumScale) + unsigned(sumBias);
  auto zeros = [&](ArrayRef<OpFoldResult> sizes) {
    Value empty = tensor::EmptyOp::create(rewriter, loc, sizes, ct);
    return linalg::FillOp::create(rewriter, loc,
                                  floatConstant(rewriter, loc, ct, 0.0), empty)
        .getResult(0);
  };
  OpFoldResult width = rewriter.getIndexAttr(n);

  // One part: `lead` row dims ([R] or [count, B]) and the column; `inits`
  // the cross-row sums so far, each over the row dims but the last, and the
  // column. Returns dx and the updated sums.
  auto part = [&](const GradOperands &p, int64_t lead,
                  ValueRange inits) -> SmallVector<Value> {
    int64_t rank = lead + 1;
    SmallVector<int64_t> rowDims = llvm::to_vector(llvm::seq<int64_t>(0, lead));
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap rowMap = projection(rank, rowDims, ctx);
    AffineMap colMap = projection(rank, {lead}, ctx);
    SmallVector<int64_t> sumDims(rowDims.begin(), rowDims.end() - 1);
    sumDims.push_back(lead);
    AffineMap sumMap = projection(rank, sumDims, ctx);

    // dy, x, [mean], rstd, [scale]: xhat and g of one element.
    SmallVector<Value> operands = {p.dy, p.x};
    SmallVector<AffineMap> maps = {id, id};
    if (centered) {
      operands.push_back(p.mean);
      maps.push_back(rowMap);
    }
    operands.push_back(p.rstd);
    maps.push_back(rowMap);
    if (p.scale) {
      operands.push_back(p.scale);
      maps.push_back(colMap);
    }
    unsigned numTerms = operands.size();
    unsigned rstdIndex = centered ? 3 : 2;
    auto terms = [&](OpBuilder &b, Location l,
                     ValueRange a) -> std::pair<Value, Value> {
      unsigned i = 2;
      Value c = castFloat(b, l, a[1], ct);
      if (centered)
        c = arith::SubFOp::create(b, l, c, a[i++]);
      Value xhat = arith::MulFOp::create(b, l, c, a[i++]);
      Value g = castFloat(b, l, a[0], ct);
      if (p.scale) {
        Value w = castFloat(b, l, a[i++], ct);
        if (scaleOffset != 0.0)
          w = arith::AddFOp::create(b, l, w,
                                    floatConstant(b, l, ct, scaleOffset));
        g = arith::MulFOp::create(b, l, g, w);
      }
      return {xhat, g};
    };

    // Per row: [sum g], sum g * xhat.
    SmallVector<OpFoldResult> rowSizes =
        tensor::getMixedSizes(rewriter, loc, p.rstd);
    SmallVector<Value> rowInits;
    for (unsigned i = 0, e = centered ? 2 : 1; i < e; ++i)
      rowInits.push_back(zeros(rowSizes));
    SmallVector<Value> rowSums = buildGenerics(
        rewriter, loc, rank, operands, maps, rowInits, rowMap, {lead},
        [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
          auto [xhat, g] = terms(b, l, a.take_front(numTerms));
          ValueRange acc = a.drop_front(numTerms);
          // reassoc: split over vector lanes, as the forward's row sums.
          auto reassoc = arith::FastMathFlagsAttr::get(
              b.getContext(), arith::FastMathFlags::reassoc);
          SmallVector<Value> sums;
          if (centered)
            sums.push_back(arith::AddFOp::create(b, l, acc[0], g, reassoc));
          sums.push_back(arith::AddFOp::create(
              b, l, acc.back(), arith::MulFOp::create(b, l, g, xhat),
              reassoc));
          return sums;
        });

    // dx = rstd * (g - sum g / N - xhat * sum(g xhat) / N) [+ sum_grad], and
    // the cross-row sums of dy * xhat, dy (the last row dim a reduction).
    SmallVector<Value> dxOperands(operands);
    SmallVector<AffineMap> dxMaps(maps);
    for (Value sum : rowSums) {
      dxOperands.push_back(sum);
      dxMaps.push_back(rowMap);
    }
    if (p.sumGrad) {
      dxOperands.push_back(p.sumGrad);
      dxMaps.push_back(id);
    }
    SmallVector<Value> outs = {tensor::EmptyOp::create(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, p.x), element)};
    SmallVector<AffineMap> outMaps = {id};
    llvm::append_range(outs, inits);
    outMaps.append(inits.size(), sumMap);
    dxMaps.append(outMaps);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    if (numSums)
      iterators[lead - 1] = utils::IteratorType::reduction;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, ValueRange(outs).getTypes(), dxOperands, outs, dxMaps,
        iterators, [&](OpBuilder &b, Location l, ValueRange a) {
          auto [xhat, g] = terms(b, l, a.take_front(numTerms));
          Value count = floatConstant(b, l, ct, double(n));
          unsigned i = numTerms;
          Value d = g;
          if (centered)
            d = arith::SubFOp::create(
                b, l, d, arith::DivFOp::create(b, l, a[i++], count));
          Value projected = arith::MulFOp::create(
              b, l, xhat, arith::DivFOp::create(b, l, a[i++], count));
          d = arith::MulFOp::create(b, l, a[rstdIndex],
                                    arith::SubFOp::create(b, l, d, projected));
          if (p.sumGrad)
            d = arith::AddFOp::create(b, l, d, castFloat(b, l, a[i++], ct));
          SmallVector<Value> yielded = {castFloat(b, l, d, element)};
          Value dyc = castFloat(b, l, a[0], ct);
          unsigned acc = i + 1; // after the dx output
          if (sumScale)
            yielded.push_back(arith::AddFOp::create(
                b, l, a[acc++], arith::MulFOp::create(b, l, dyc, xhat)));
          if (sumBias)
            yielded.push_back(arith::AddFOp::create(b, l, a[acc++], dyc));
          linalg::YieldOp::create(b, l, yielded);
        });
    return generic.getResults();
  };

  RowBlocks blocks = rowBlocks(rewriter, loc, rows.x, kGradRowBlock);
  SmallVector<Value> sums;
  for (unsigned i = 0; i < numSums; ++i)
    sums.push_back(zeros({width}));
  Value head, tail;
  // Static shapes leave out an empty part.
  if (getConstantIntValue(blocks.count) != 0) {
    GradOperands blocked = rows.map([&](Value v) {
      return blocksOfRows(rewriter, loc, v, blocks, kGradRowBlock);
    });
    SmallVector<Value> partialInits;
    for (unsigned i = 0; i < numSums; ++i)
      partialInits.push_back(zeros({blocks.count, width}));
    SmallVector<Value> results = part(blocked, 2, partialInits);
    head = tensor::CollapseShapeOp::create(
        rewriter, loc, results[0], SmallVector<ReassociationIndices>{{0, 1}, {2}});
    ValueRange partial = ValueRange(results).drop_front();
    if (numSums)
      sums = buildGenerics(
          rewriter, loc, 2, partial,
          SmallVector<AffineMap>(numSums, projection(2, {0, 1}, ctx)), sums,
          projection(2, {1}, ctx), {0},
          [&](OpBuilder &b, Location l, ValueRange a) -> SmallVector<Value> {
            SmallVector<Value> merged;
            for (unsigned i = 0; i < numSums; ++i)
              merged.push_back(
                  arith::AddFOp::create(b, l, a[numSums + i], a[i]));
            return merged;
          });
  }
  if (getConstantIntValue(blocks.rest) != 0) {
    GradOperands last = rows.map([&](Value v) {
      return sliceRows(rewriter, loc, v, blocks.whole, blocks.rest);
    });
    SmallVector<Value> results = part(last, 1, sums);
    tail = results[0];
    sums.assign(results.begin() + 1, results.end());
  }

  // dx: the blocks' rows, then the last ones.
  Value dx = head ? head : tail;
  if (head && tail) {
    dx = tensor::EmptyOp::create(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, rows.x), element);
    SmallVector<OpFoldResult> zero(2, rewriter.getIndexAttr(0)),
        one(2, rewriter.getIndexAttr(1));
    dx = tensor::InsertSliceOp::create(
        rewriter, loc, head, dx, zero,
        tensor::getMixedSizes(rewriter, loc, head), one);
    dx = tensor::InsertSliceOp::create(
        rewriter, loc, tail, dx,
        ArrayRef<OpFoldResult>{blocks.whole, rewriter.getIndexAttr(0)},
        tensor::getMixedSizes(rewriter, loc, tail), one);
  }
  SmallVector<Value> results = {dx};
  llvm::append_range(results, sums);
  return results;
}

/// norm.layer_norm_grad (with `mean`) or norm.rms_norm_grad (without):
/// lowerGradRows on the rows of the operands, the results reshaped back.
static SmallVector<Value> lowerRowNormGrad(
    PatternRewriter &rewriter, Location loc, Value dy, Value x, Value mean,
    Value rstd, Value scale, double scaleOffset, Value sumGrad, int64_t axis,
    Value scaleGrad, Value biasGrad) {
  auto type = llvm::cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  int64_t from = positiveAxis(axis, rank);
  int64_t n = 1;
  for (int64_t d = from; d < rank; ++d)
    n *= type.getDimSize(d); // static: the verifier says so
  // [outer..., inner...] -> [R, N] (R = 1 without outer dims).
  SmallVector<ReassociationIndices> outerGroup, innerGroup = {
      llvm::to_vector(llvm::seq<int64_t>(from, rank))};
  if (from > 0)
    outerGroup.push_back(llvm::to_vector(llvm::seq<int64_t>(0, from)));
  auto asRows = [&](Value v) -> Value {
    if (from > 0)
      return regroup(rewriter, loc, v, {outerGroup[0], innerGroup[0]});
    Value flat = regroup(rewriter, loc, v, innerGroup);
    return tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({1, n}, type.getElementType()),
        flat, SmallVector<ReassociationIndices>{{0, 1}},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                               rewriter.getIndexAttr(n)});
  };
  SmallVector<ReassociationIndices> paramGroup = {
      llvm::to_vector(llvm::seq<int64_t>(0, rank - from))};
  auto asRowStats = [&](Value v) -> Value {
    return regroup(rewriter, loc, v, outerGroup);
  };
  GradOperands rows = {asRows(dy),
                       asRows(x),
                       mean ? asRowStats(mean) : Value(),
                       asRowStats(rstd),
                       scale ? regroup(rewriter, loc, scale, paramGroup)
                             : Value(),
                       sumGrad ? asRows(sumGrad) : Value()};
  Type ct = elementTypeOf(rstd);
  SmallVector<Value> grads =
      lowerGradRows(rewriter, loc, rows, ct, type.getElementType(), n,
                    scaleOffset, bool(scaleGrad), bool(biasGrad));

  // Back to the operands' shapes.
  Value dx = grads[0];
  if (from == 0)
    dx = tensor::CollapseShapeOp::create(
        rewriter, loc, dx, SmallVector<ReassociationIndices>{{0, 1}});
  if (dx.getType() != type)
    dx = tensor::ExpandShapeOp::create(
        rewriter, loc, type, dx,
        from > 0 ? SmallVector<ReassociationIndices>{outerGroup[0],
                                                     innerGroup[0]}
                 : innerGroup,
        tensor::getMixedSizes(rewriter, loc, x));
  SmallVector<Value> results = {dx};
  unsigned next = 1;
  for (Value wanted : {scaleGrad, biasGrad}) {
    if (!wanted)
      continue;
    auto resultType = llvm::cast<RankedTensorType>(wanted.getType());
    Value sum = castElements(rewriter, loc, grads[next++],
                             resultType.getElementType());
    if (resultType.getRank() != 1)
      sum = tensor::ExpandShapeOp::create(rewriter, loc, resultType, sum,
                                          paramGroup);
    results.push_back(sum);
  }
  return results;
}

struct LowerLayerNormGrad : OpRewritePattern<LayerNormGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormGradOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, lowerRowNormGrad(rewriter, op.getLoc(), op.getGrad(),
                             op.getInput(), op.getMean(), op.getRstd(),
                             op.getScale(), 0.0, op.getSumGrad(), op.getAxis(),
                             op.getScaleGrad(), op.getBiasGrad()));
    return success();
  }
};

struct LowerRMSNormGrad : OpRewritePattern<RMSNormGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RMSNormGradOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, lowerRowNormGrad(rewriter, op.getLoc(), op.getGrad(),
                             op.getInput(), Value(), op.getRstd(),
                             op.getScale(),
                             op.getScaleOffset().convertToDouble(),
                             op.getSumGrad(), op.getAxis(), op.getScaleGrad(),
                             Value()));
    return success();
  }
};

/// The type a gradient's sums over `p.reduced` accumulate in: f64 for f32
/// statistics when they are long (more than kLongReduction values, or a
/// dynamic number), as the forward's statistics (see `normalize`).
static Type gradAccumulationType(const NormalizationPlan &p, Type ct) {
  std::optional<int64_t> n = staticCount(p);
  return ct.isF32() && (!n || *n > kLongReduction)
             ? Float64Type::get(ct.getContext())
             : ct;
}

/// batch_norm_grad: one pass over dy and x for the per-channel sums of dy
/// and dy * xhat (masked positions skipped; in f64 when long, as the
/// forward's statistics), then one elementwise op for dx (0 where masked).
struct LowerBatchNormGrad : OpRewritePattern<BatchNormGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value dy = op.getGrad(), x = op.getInput(), mask = op.getMask();
    int64_t rank = rankOf(x);
    int64_t channel = positiveAxis(op.getChannelAxis(), rank);
    NormalizationPlan p;
    p.data = x;
    p.reduced = complementDims(rank, {channel});
    p.mask = mask;
    Type ct = elementTypeOf(op.getMean());
    Type acc = gradAccumulationType(p, ct);
    SmallVector<int64_t> kept = {channel};
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap perChannel = projection(rank, kept, ctx);
    AffineMap perPosition = projection(rank, p.reduced, ctx);
    // xhat in the compute type, from the block arguments x, mean, rstd.
    auto xhatOf = [&](OpBuilder &nb, Location nloc, Value xv, Value mean,
                      Value rstd) -> Value {
      Value centered = arith::SubFOp::create(nb, nloc, castFloat(nb, nloc, xv, ct),
                                             mean);
      return arith::MulFOp::create(nb, nloc, centered, rstd);
    };

    SmallVector<Value> inputs = {dy, x, op.getMean(), op.getRstd()};
    SmallVector<AffineMap> maps = {id, id, perChannel, perChannel};
    if (mask) {
      inputs.push_back(mask);
      maps.push_back(perPosition);
    }
    SmallVector<Value> inits = {filledOfDims(rewriter, loc, x, kept, acc, 0.0),
                                filledOfDims(rewriter, loc, x, kept, acc, 0.0)};
    SmallVector<Value> sums = buildGenerics(
        rewriter, loc, rank, inputs, maps, inits, perChannel, p.reduced,
        [&](OpBuilder &nb, Location nloc, ValueRange a) {
          Value g = castFloat(nb, nloc, a[0], ct);
          Value gx = arith::MulFOp::create(nb, nloc, g,
                                           xhatOf(nb, nloc, a[1], a[2], a[3]));
          // reassoc, as the forward's sums: vector lanes may split them.
          auto reassoc = arith::FastMathFlagsAttr::get(
              nb.getContext(), arith::FastMathFlags::reassoc);
          SmallVector<Value> terms = {g, gx}, updated;
          for (auto [term, sum] : llvm::zip_equal(terms, a.take_back(2))) {
            Value t = castFloat(nb, nloc, term, acc);
            if (mask)
              t = arith::SelectOp::create(nb, nloc, a[4], t,
                                          floatConstant(nb, nloc, acc, 0.0));
            updated.push_back(arith::AddFOp::create(nb, nloc, sum, t, reassoc));
          }
          return updated;
        });

    bool train = op.getMode() == BatchNormMode::train;
    Value count = train ? buildCount(rewriter, loc, p, acc) : Value();
    bool countIsTensor = count && llvm::isa<RankedTensorType>(count.getType());
    inputs = {dy, x, op.getMean(), op.getRstd(), op.getScale(), sums[0],
              sums[1]};
    maps = {id, id, perChannel, perChannel, perChannel, perChannel, perChannel};
    if (countIsTensor) {
      inputs.push_back(count);
      maps.push_back(perChannel);
    }
    if (mask) {
      inputs.push_back(mask);
      maps.push_back(perPosition);
    }
    Type xType = elementTypeOf(x);
    Value dx = buildGeneric(
        rewriter, loc, rank, inputs, maps,
        emptyOfDims(rewriter, loc, x, complementDims(rank, {}), xType), id, {},
        [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
          Value g = castFloat(nb, nloc, a[0], ct);
          Value rstd = a[3];
          if (train) {
            // g - (sum(dy) + xhat * sum(dy * xhat)) / M
            Value m = castFloat(nb, nloc, countIsTensor ? a[7] : count, ct);
            Value xhat = xhatOf(nb, nloc, a[1], a[2], rstd);
            Value mean = arith::AddFOp::create(
                nb, nloc, castFloat(nb, nloc, a[5], ct),
                arith::MulFOp::create(nb, nloc, xhat,
                                      castFloat(nb, nloc, a[6], ct)));
            g = arith::SubFOp::create(nb, nloc, g,
                                      arith::DivFOp::create(nb, nloc, mean, m));
          }
          Value factor = arith::MulFOp::create(
              nb, nloc, castFloat(nb, nloc, a[4], ct), rstd);
          Value v = arith::MulFOp::create(nb, nloc, factor, g);
          if (mask)
            v = arith::SelectOp::create(nb, nloc, a.drop_back().back(), v,
                                        floatConstant(nb, nloc, ct, 0.0));
          return castFloat(nb, nloc, v, xType);
        });

    SmallVector<Value> results = {dx};
    Type paramType = elementTypeOf(op.getScale());
    if (op.getScaleGrad())
      results.push_back(castElements(rewriter, loc, sums[1], paramType));
    if (op.getBiasGrad())
      results.push_back(castElements(rewriter, loc, sums[0], paramType));
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// group_norm_grad: the channel dim split into (groups, channels per group);
/// the statistics recomputed per sample and group (the mean, then the sums
/// of the deviations and of their squares: the corrected two-pass
/// variance), the per-group sums of g = dy * scale and g * xhat, dx, and the
/// per-channel sums of dy * xhat and dy. In f64 when a group holds more
/// than 8192 values, as the forward's statistics.
struct LowerGroupNormGrad : OpRewritePattern<GroupNormGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GroupNormGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t channel = positiveAxis(op.getChannelAxis(), rankOf(op.getInput()));
    int64_t groups = op.getNumGroups();
    Value x = splitDim(rewriter, loc, op.getInput(), channel, groups);
    Value dy = splitDim(rewriter, loc, op.getGrad(), channel, groups);
    Value scale = op.getScale()
                      ? splitDim(rewriter, loc, op.getScale(), 0, groups)
                      : Value();
    int64_t rank = rankOf(x);
    SmallVector<int64_t> statDims = {0, channel}, paramDims = {channel, channel + 1};
    NormalizationPlan p;
    p.data = x;
    p.reduced = complementDims(rank, statDims);
    Type ct = op.getComputeType().value_or(rewriter.getF32Type());
    Type acc = gradAccumulationType(p, ct);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap perGroup = projection(rank, statDims, ctx);
    AffineMap perChannel = projection(rank, paramDims, ctx);
    auto reassoc = arith::FastMathFlagsAttr::get(ctx, arith::FastMathFlags::reassoc);

    // The statistics, as the forward computes them.
    Value count = countOfDims(rewriter, loc, x, p.reduced, acc);
    Value mean = divideByCount(
        rewriter, loc, reduceData(rewriter, loc, p, acc, Value(), true, false)[0],
        count);
    SmallVector<Value> dev = reduceData(rewriter, loc, p, acc, mean, true, true);
    double eps = op.getEpsilon().convertToDouble();
    // The mean as a shift (the first pass's mean in the compute type, which
    // x - shift subtracts exactly for x near it) and a small center, so that
    // x - mean keeps its digits for data far from 0 (mean 1e4 in f32).
    SmallVector<Value> stats = buildGenerics(
        rewriter, loc, 2, {mean, dev[0], dev[1]},
        SmallVector<AffineMap>(3, AffineMap::getMultiDimIdentityMap(2, ctx)),
        {emptyOfDims(rewriter, loc, x, statDims, ct),
         emptyOfDims(rewriter, loc, x, statDims, ct),
         emptyOfDims(rewriter, loc, x, statDims, ct)},
        AffineMap::getMultiDimIdentityMap(2, ctx), {},
        [&](OpBuilder &nb, Location nloc, ValueRange a) {
          // center = s1 / n, var = (s2 - s1^2 / n) / n, clamped at 0.
          Value s1n = arith::DivFOp::create(nb, nloc, a[1], count);
          Value shift = castFloat(nb, nloc, a[0], ct);
          Value center = arith::AddFOp::create(
              nb, nloc,
              arith::SubFOp::create(nb, nloc, a[0], castFloat(nb, nloc, shift, acc)),
              s1n);
          Value m2 = arith::SubFOp::create(nb, nloc, a[2],
                                           arith::MulFOp::create(nb, nloc, a[1], s1n));
          Value var = arith::MaximumFOp::create(
              nb, nloc, arith::DivFOp::create(nb, nloc, m2, count),
              floatConstant(nb, nloc, acc, 0.0));
          Value rstd = math::RsqrtOp::create(
              nb, nloc, arith::AddFOp::create(nb, nloc, var,
                                              floatConstant(nb, nloc, acc, eps)));
          return SmallVector<Value>{shift, castFloat(nb, nloc, center, ct),
                                    castFloat(nb, nloc, rstd, ct)};
        });

    // xhat = ((x - shift) - center) * rstd from the block arguments dy, x,
    // shift, center, rstd; g = dy * scale (the next argument) or dy.
    auto xhatOf = [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
      Value d = arith::SubFOp::create(nb, nloc, castFloat(nb, nloc, a[1], ct),
                                      a[2]);
      d = arith::SubFOp::create(nb, nloc, d, a[3]);
      return arith::MulFOp::create(nb, nloc, d, a[4]);
    };
    auto terms = [&](OpBuilder &nb, Location nloc, ValueRange a,
                     Value &xhat, Value &g) {
      xhat = xhatOf(nb, nloc, a);
      g = castFloat(nb, nloc, a[0], ct);
      if (scale)
        g = arith::MulFOp::create(nb, nloc, g, castFloat(nb, nloc, a[5], ct));
    };
    SmallVector<Value> statInputs = {dy, x, stats[0], stats[1], stats[2]};
    SmallVector<AffineMap> statMaps = {id, id, perGroup, perGroup, perGroup};
    SmallVector<Value> inputs = statInputs;
    SmallVector<AffineMap> maps = statMaps;
    if (scale) {
      inputs.push_back(scale);
      maps.push_back(perChannel);
    }
    SmallVector<Value> rowSums = buildGenerics(
        rewriter, loc, rank, inputs, maps,
        {filledOfDims(rewriter, loc, x, statDims, acc, 0.0),
         filledOfDims(rewriter, loc, x, statDims, acc, 0.0)},
        perGroup, p.reduced, [&](OpBuilder &nb, Location nloc, ValueRange a) {
          Value xhat, g;
          terms(nb, nloc, a, xhat, g);
          Value gx = arith::MulFOp::create(nb, nloc, g, xhat);
          return SmallVector<Value>{
              arith::AddFOp::create(nb, nloc, a[a.size() - 2],
                                    castFloat(nb, nloc, g, acc), reassoc),
              arith::AddFOp::create(nb, nloc, a.back(),
                                    castFloat(nb, nloc, gx, acc), reassoc)};
        });

    SmallVector<Value> dxInputs = inputs;
    SmallVector<AffineMap> dxMaps = maps;
    dxInputs.append({rowSums[0], rowSums[1]});
    dxMaps.append({perGroup, perGroup});
    Type xType = elementTypeOf(x);
    Value dx = buildGeneric(
        rewriter, loc, rank, dxInputs, dxMaps,
        emptyOfDims(rewriter, loc, x, complementDims(rank, {}), xType), id, {},
        [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
          Value xhat, g;
          terms(nb, nloc, a, xhat, g);
          Value nct = castFloat(nb, nloc, count, ct);
          Value sumG = castFloat(nb, nloc, a[a.size() - 3], ct);
          Value sumGX = castFloat(nb, nloc, a[a.size() - 2], ct);
          Value mean = arith::DivFOp::create(
              nb, nloc,
              arith::AddFOp::create(nb, nloc, sumG,
                                    arith::MulFOp::create(nb, nloc, xhat, sumGX)),
              nct);
          Value v = arith::MulFOp::create(
              nb, nloc, a[4], arith::SubFOp::create(nb, nloc, g, mean));
          return castFloat(nb, nloc, v, xType);
        });
    SmallVector<Value> results = {
        mergeDims(rewriter, loc, dx, channel, op.getInput().getType())};

    // dscale and dbias: per channel, over the samples and the spatial dims.
    if (op.getScaleGrad() || op.getBiasGrad()) {
      SmallVector<int64_t> acrossChannels = complementDims(rank, paramDims);
      SmallVector<Value> sums = buildGenerics(
          rewriter, loc, rank, statInputs, statMaps,
          {filledOfDims(rewriter, loc, x, paramDims, acc, 0.0),
           filledOfDims(rewriter, loc, x, paramDims, acc, 0.0)},
          perChannel, acrossChannels,
          [&](OpBuilder &nb, Location nloc, ValueRange a) {
            Value d = castFloat(nb, nloc, a[0], ct);
            Value dx = arith::MulFOp::create(nb, nloc, d, xhatOf(nb, nloc, a));
            return SmallVector<Value>{
                arith::AddFOp::create(nb, nloc, a[5], castFloat(nb, nloc, dx, acc),
                                      reassoc),
                arith::AddFOp::create(nb, nloc, a[6], castFloat(nb, nloc, d, acc),
                                      reassoc)};
          });
      for (auto [wanted, sum] :
           llvm::zip_equal(SmallVector<Value>{op.getScaleGrad(), op.getBiasGrad()},
                           sums)) {
        if (!wanted)
          continue;
        auto type = llvm::cast<RankedTensorType>(wanted.getType());
        Value cast = castElements(rewriter, loc, sum, type.getElementType());
        results.push_back(tensor::CollapseShapeOp::create(
            rewriter, loc, type, cast, SmallVector<ReassociationIndices>{{0, 1}}));
      }
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// weight_norm_grad: one pass for each slice's sums of v^2 and dw * v (in
/// f64 when long, as the forward's norm), then dv elementwise and dg per
/// slice.
struct LowerWeightNormGrad : OpRewritePattern<WeightNormGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(WeightNormGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value dw = op.getGrad(), v = op.getV();
    int64_t rank = rankOf(v);
    SmallVector<int64_t> kept;
    if (std::optional<int64_t> dim = op.getDim())
      kept.push_back(positiveAxis(*dim, rank));
    NormalizationPlan p;
    p.data = v;
    p.reduced = complementDims(rank, kept);
    Type ct = op.getComputeType().value_or(rewriter.getF32Type());
    Type acc = gradAccumulationType(p, ct);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap perSlice = projection(rank, kept, ctx);
    auto reassoc = arith::FastMathFlagsAttr::get(ctx, arith::FastMathFlags::reassoc);
    SmallVector<Value> sums = buildGenerics(
        rewriter, loc, rank, {dw, v}, {id, id},
        {filledOfDims(rewriter, loc, v, kept, acc, 0.0),
         filledOfDims(rewriter, loc, v, kept, acc, 0.0)},
        perSlice, p.reduced, [&](OpBuilder &nb, Location nloc, ValueRange a) {
          Value d = castFloat(nb, nloc, a[0], acc);
          Value x = castFloat(nb, nloc, a[1], acc);
          return SmallVector<Value>{
              arith::AddFOp::create(nb, nloc, a[2],
                                    arith::MulFOp::create(nb, nloc, x, x), reassoc),
              arith::AddFOp::create(nb, nloc, a[3],
                                    arith::MulFOp::create(nb, nloc, d, x), reassoc)};
        });
    // dv = g / n * (dw - v * dot / n^2)
    Type vType = elementTypeOf(v);
    Value dv = buildGeneric(
        rewriter, loc, rank, {dw, v, op.getG(), sums[0], sums[1]},
        {id, id, perSlice, perSlice, perSlice},
        emptyOfDims(rewriter, loc, v, complementDims(rank, {}), vType), id, {},
        [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
          Value sq = castFloat(nb, nloc, a[3], ct);
          Value dot = castFloat(nb, nloc, a[4], ct);
          Value factor = arith::DivFOp::create(
              nb, nloc, castFloat(nb, nloc, a[2], ct),
              math::SqrtOp::create(nb, nloc, sq));
          Value along = arith::MulFOp::create(
              nb, nloc, castFloat(nb, nloc, a[1], ct),
              arith::DivFOp::create(nb, nloc, dot, sq));
          Value d = arith::SubFOp::create(nb, nloc, castFloat(nb, nloc, a[0], ct),
                                          along);
          return castFloat(nb, nloc, arith::MulFOp::create(nb, nloc, factor, d),
                           vType);
        });
    Type gType = elementTypeOf(op.getG());
    Value dg = buildMap(rewriter, loc, {sums[0], sums[1]}, gType,
                        [&](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
                          Value q = arith::DivFOp::create(
                              nb, nloc, a[1], math::SqrtOp::create(nb, nloc, a[0]));
                          return castFloat(nb, nloc, q, gType);
                        });
    rewriter.replaceOp(op, {dv, dg});
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
    populateNormToLinalgConversionPatterns(patterns, overflowFallback);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::norm::populateNormToLinalgConversionPatterns(
    RewritePatternSet &patterns, bool overflowFallback) {
  patterns.add<LowerNormalizer>(patterns.getContext(), overflowFallback);
  patterns.add<LowerBatchStats, LowerAllReduceStats, LowerResidual,
               LowerLayerNormGrad, LowerRMSNormGrad, LowerBatchNormGrad,
               LowerGroupNormGrad, LowerWeightNormGrad>(
      patterns.getContext());
}
