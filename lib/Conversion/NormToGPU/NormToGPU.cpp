//===- NormToGPU.cpp - Row normalizers as GPU row kernels -----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Lowers the normalizers that normalize contiguous rows (layer and RMS norm,
// with or without the residual add) to one `gpu.launch` each:
//
//   - a group of G threads per row: G <= 32 lanes of a warp for narrow rows
//     (several rows per CTA), a whole CTA of G = 64..1024 threads for wide
//     ones;
//   - each thread loads its K vectors of 16 bytes once and keeps them in
//     registers for the whole kernel, so x is read from memory once;
//   - the statistics are f32 and two-pass on chip (the mean, then the sums
//     of the deviations from it and of their squares: the corrected
//     two-pass algorithm), reduced with warp shuffles and, across the warps
//     of a CTA, through shared memory.
//
// The kernel is built from `NormalizationOpInterface` alone (statistic,
// epsilon, scale offset, optional scale and bias), plus the residual and the
// optional statistics results. Everything else is left to
// convert-norm-to-linalg and the generic GPU mapping (norm-gpu-offload).
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Conversion/Passes.h"
#include "GPUTarget.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/ADT/TypeSwitch.h"

#include <limits>

namespace mlir::norm {
#define GEN_PASS_DEF_CONVERTNORMTOGPU
#include "norm-mlir/Conversion/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;
using namespace mlir::norm;

namespace {
/// What a row kernel reads and writes, besides what the interface says.
struct RowOperands {
  Value residual;        ///< added to the input first (add_*_norm), or null
  Value sum;             ///< result: input + residual, or null
  Value mean, rstd;      ///< optional per-row statistics results, or null
  int64_t channelDim = -1; ///< group norm: the channel dim, split in groups
};

/// How a row indexes the scale and bias. A layer norm row reads them
/// element by element; a group norm row (channels x spatial) reads one
/// value per channel, `repeat` times, from channel
/// (row % groups) * perGroup + col / repeat.
struct ParamLayout {
  int64_t groups = 1, perGroup = 0, repeat = 1;
};

/// The shape of the launch for rows of `width` elements of `bytes` each.
struct RowGeometry {
  int64_t lanes;       ///< elements per vector access (16 bytes when aligned)
  int64_t chunks;      ///< vectors per row
  int64_t group;       ///< threads per row (G)
  int64_t rowsPerCta;  ///< rows per CTA (several only when G < 64)
  int64_t perThread;   ///< vectors each thread keeps in registers (K)
};
} // namespace

/// Chooses the geometry, or nothing when a row does not fit in registers.
static std::optional<RowGeometry>
chooseGeometry(const GPUTarget &target, int64_t width, int64_t bytes,
               int64_t maxPerThread, const ParamLayout &params) {
  RowGeometry g;
  g.lanes = std::max<int64_t>(1, target.vectorBytes / bytes);
  // A vector never straddles two channels of a group norm row.
  while (g.lanes > 1 &&
         (width % g.lanes != 0 ||
          (params.repeat > 1 && params.repeat % g.lanes != 0)))
    g.lanes /= 2;
  g.chunks = width / g.lanes;
  // The fewest threads that keep at most maxPerThread vectors each: a
  // power of two up to a warp (a row's lanes shuffle among themselves),
  // whole warps beyond, and two warps at least for a CTA per row.
  int64_t warp = target.warpSize;
  int64_t threads = llvm::divideCeil(g.chunks, maxPerThread);
  g.group = llvm::PowerOf2Ceil(
      std::max<int64_t>(threads, std::min<int64_t>(g.chunks, warp)));
  if (g.group > warp)
    g.group = std::max<int64_t>(2 * warp, llvm::alignTo(threads, warp));
  if (g.group > target.maxCtaThreads)
    return std::nullopt;
  g.perThread = llvm::divideCeil(g.chunks, g.group);
  g.rowsPerCta =
      g.group > warp ? 1 : std::max<int64_t>(1, target.narrowCtaThreads / g.group);
  return g;
}

static Value cIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

static Value cFloat(OpBuilder &b, Location loc, Type t, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(t, v));
}

/// Extends or truncates a float (or vector of floats) to `elem`.
static Value castTo(OpBuilder &b, Location loc, Value v, Type elem) {
  Type from = getElementTypeOrSelf(v.getType());
  if (from == elem)
    return v;
  Type to = elem;
  if (auto vec = llvm::dyn_cast<VectorType>(v.getType()))
    to = VectorType::get(vec.getShape(), elem);
  if (from.getIntOrFloatBitWidth() < elem.getIntOrFloatBitWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

namespace {
/// The vector loads and stores, the per-thread and per-row sums of a row
/// kernel inside its gpu.launch: G threads per row, each with K vectors of
/// `lanes` elements at columns (tid.x + k * G) * lanes.
class RowKernelBase {
protected:
  RowKernelBase(OpBuilder &b, Location loc, const GPUTarget &target,
                const RowGeometry &g, const ParamLayout &params,
                gpu::LaunchOp launch)
      : b(b), loc(loc), target(target), g(g), params(params), launch(launch),
        ct(b.getF32Type()) {}

  /// The row of the thread's group in CTA row block `block` (several rows
  /// per CTA: tid.y), whether it is one of the `rows`, and the row to load:
  /// rows past the end repeat the last row and store nothing, so that every
  /// lane of a warp takes part in its shuffles.
  struct Row {
    Value row, valid, load;
  };
  Row rowOf(Value block, Value rows) {
    Value row = block;
    if (g.rowsPerCta > 1)
      row = arith::AddIOp::create(
          b, loc,
          arith::MulIOp::create(b, loc, block, cIndex(b, loc, g.rowsPerCta)),
          launch.getThreadIds().y);
    Value valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        row, rows);
    Value last = arith::SubIOp::create(b, loc, rows, cIndex(b, loc, 1));
    return {row, valid, arith::MinUIOp::create(b, loc, row, last)};
  }

  /// The first column of each of this thread's K vectors, and whether it is
  /// in the row (null where it always is: only the last can fall past it).
  void columns(SmallVectorImpl<Value> &cols, SmallVectorImpl<Value> &inBounds) {
    Value tid = launch.getThreadIds().x;
    for (int64_t k = 0; k < g.perThread; ++k) {
      Value chunk =
          arith::AddIOp::create(b, loc, tid, cIndex(b, loc, k * g.group));
      cols.push_back(
          arith::MulIOp::create(b, loc, chunk, cIndex(b, loc, g.lanes)));
      bool mayOverrun = (k + 1) * g.group > g.chunks;
      inBounds.push_back(
          mayOverrun ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                             chunk, cIndex(b, loc, g.chunks))
                           .getResult()
                     : Value());
    }
  }

  VectorType vectorOf(Type elem) {
    return VectorType::get({g.lanes}, elem);
  }

  Value splat(Value scalar) {
    return vector::BroadcastOp::create(b, loc, vectorOf(scalar.getType()),
                                       scalar);
  }

  Value andValid(Value a, Value b2) {
    return a ? arith::AndIOp::create(b, loc, a, b2).getResult() : b2;
  }

  /// A 16-byte (or narrower) aligned vector load; zeros where out of bounds.
  Value load(Value memref, ValueRange indices, Value inBounds) {
    Type elem = getElementTypeOrSelf(memref.getType());
    VectorType type = vectorOf(elem);
    auto emit = [&](OpBuilder &nb, Location nloc) -> Value {
      auto ld = vector::LoadOp::create(nb, nloc, type, memref, indices);
      ld.setAlignment(alignmentOf(elem));
      return ld;
    };
    if (!inBounds)
      return emit(b, loc);
    auto ifOp = scf::IfOp::create(
        b, loc, inBounds,
        [&](OpBuilder &nb, Location nloc) {
          scf::YieldOp::create(nb, nloc, emit(nb, nloc));
        },
        [&](OpBuilder &nb, Location nloc) {
          Value zero = arith::ConstantOp::create(
              nb, nloc, DenseElementsAttr::get(type, nb.getZeroAttr(elem)));
          scf::YieldOp::create(nb, nloc, zero);
        });
    return ifOp.getResult(0);
  }

  /// The scale or bias values for the vector at `col` of `row`.
  Value loadParam(Value param, Value row, Value col, Value inBounds) {
    if (params.repeat == 1)
      return load(param, {col}, inBounds);
    // One channel for the whole vector (lanes divide `repeat`).
    Value group = arith::RemUIOp::create(b, loc, row,
                                         cIndex(b, loc, params.groups));
    Value channel = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, group, cIndex(b, loc, params.perGroup)),
        arith::DivUIOp::create(b, loc, col, cIndex(b, loc, params.repeat)));
    // Past the row the channel may be out of range: clamp, the lanes are
    // not stored.
    channel = arith::MinUIOp::create(
        b, loc, channel,
        cIndex(b, loc, params.groups * params.perGroup - 1));
    return splat(memref::LoadOp::create(b, loc, param, channel));
  }

  void store(Value v, Value memref, ValueRange indices, Value when) {
    auto ifOp = scf::IfOp::create(b, loc, when);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    auto st = vector::StoreOp::create(b, loc, v, memref, indices);
    st.setAlignment(alignmentOf(getElementTypeOrSelf(memref.getType())));
  }

  uint64_t alignmentOf(Type elem) {
    return g.lanes * elem.getIntOrFloatBitWidth() / 8;
  }

  /// The sum over this thread's vectors of a (times b when given).
  Value sumOf(ArrayRef<Value> a, ArrayRef<Value> other) {
    Value acc;
    for (auto [i, v] : llvm::enumerate(a)) {
      Value term =
          other.empty() ? v : arith::MulFOp::create(b, loc, v, other[i]);
      acc = acc ? arith::AddFOp::create(b, loc, acc, term).getResult() : term;
    }
    return vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                       acc);
  }

  /// Sums `v` over the G threads of the row.
  Value reduce(Value v, int64_t slot) {
    Value scratch = target.warpsIn(g.group)
                        ? Value(launch.getWorkgroupAttributions()[0])
                        : Value();
    return buildGroupSum(b, loc, target, v, launch.getThreadIds().x, g.group,
                         scratch, slot);
  }

  OpBuilder &b;
  Location loc;
  const GPUTarget &target;
  const RowGeometry &g;
  const ParamLayout &params;
  gpu::LaunchOp launch;
  Type ct; ///< f32: the statistics and the arithmetic
};

/// Builds the body of one normalizer's row kernel.
class RowKernelBuilder : RowKernelBase {
public:
  RowKernelBuilder(OpBuilder &b, Location loc, const GPUTarget &target,
                   const RowGeometry &g, const ParamLayout &params,
                   NormalizationOpInterface op, gpu::LaunchOp launch,
                   Value rows)
      : RowKernelBase(b, loc, target, g, params, launch), op(op), rows(rows) {}

  /// x, residual: [rows, W]; scale, bias: [W]; y, sum: [rows, W];
  /// mean, rstd: [rows] (each but x and y may be null).
  void build(Value x, Value residual, Value scale, Value bias, Value y,
             Value sum, Value meanOut, Value rstdOut) {
    int64_t width = g.chunks * g.lanes;
    Value tid = launch.getThreadIds().x;
    auto [row, rowValid, loadRow] = rowOf(launch.getBlockIds().x, rows);

    // Load this thread's vectors (and add the residual), once.
    SmallVector<Value> data, inBounds, cols;
    columns(cols, inBounds);
    for (int64_t k = 0; k < g.perThread; ++k) {
      Value v = load(x, {loadRow, cols[k]}, inBounds[k]);
      if (residual) {
        v = arith::AddFOp::create(b, loc, v,
                                  load(residual, {loadRow, cols[k]},
                                       inBounds[k]));
        store(v, sum, {row, cols[k]}, andValid(inBounds[k], rowValid));
      }
      data.push_back(castTo(b, loc, v, ct));
    }

    // Statistics: the corrected two-pass algorithm over the registers, f32
    // (as convert-norm-to-linalg's): the mean m1, then s1 = sum(x - m1) and
    // s2 = sum((x - m1)^2); mean = m1 + s1 / n, m2 = s2 - s1^2 / n. The sums
    // are trees (per thread, then shuffles), so long rows stay accurate.
    Value invWidth = cFloat(b, loc, ct, 1.0 / static_cast<double>(width));
    Value zero = cFloat(b, loc, ct, 0.0);
    Value mean, center, squares;
    if (op.isCentered()) {
      mean = arith::MulFOp::create(b, loc, reduce(sumOf(data, {}), 0),
                                   invWidth);
      for (int64_t k = 0; k < g.perThread; ++k) {
        data[k] = arith::SubFOp::create(b, loc, data[k], splat(mean));
        // Lanes past the row hold -mean now; they must not count.
        if (inBounds[k])
          data[k] = arith::SelectOp::create(b, loc, inBounds[k], data[k],
                                            splat(zero));
      }
      Value s1 = reduce(sumOf(data, {}), 2);
      center = arith::MulFOp::create(b, loc, s1, invWidth);
      squares = arith::MaximumFOp::create(
          b, loc,
          arith::SubFOp::create(b, loc, reduce(sumOf(data, data), 1),
                                arith::MulFOp::create(b, loc, s1, center)),
          zero);
      for (int64_t k = 0; k < g.perThread; ++k)
        data[k] = arith::SubFOp::create(b, loc, data[k], splat(center));
      // A row holding +-Inf has that mean (the correction is NaN there).
      Value inf = cFloat(b, loc, ct, std::numeric_limits<double>::infinity());
      Value finite = arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::OLT, math::AbsFOp::create(b, loc, mean),
          inf);
      mean = arith::SelectOp::create(
          b, loc, finite, arith::AddFOp::create(b, loc, mean, center), mean);
    } else {
      squares = reduce(sumOf(data, data), 0);
    }
    Value spread = arith::MulFOp::create(b, loc, squares, invWidth);
    double epsilon = op.getEpsilonValue().value_or(0.0);
    Value rstd = math::RsqrtOp::create(
        b, loc,
        arith::AddFOp::create(b, loc, spread, cFloat(b, loc, ct, epsilon)));

    // Per-row statistics, from the first thread of the row.
    Value first = arith::AndIOp::create(
        b, loc, rowValid,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                              cIndex(b, loc, 0)));
    if (meanOut || rstdOut) {
      auto ifOp = scf::IfOp::create(b, loc, first);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      if (meanOut) // only layer norm has one, and it is centered
        memref::StoreOp::create(
            b, loc,
            castTo(b, loc, mean, getElementTypeOrSelf(meanOut.getType())),
            meanOut, row);
      if (rstdOut)
        memref::StoreOp::create(
            b, loc, castTo(b, loc, rstd, getElementTypeOrSelf(rstdOut.getType())),
            rstdOut, row);
    }

    // y = (x - mean) * rstd * (offset + scale) + bias, rounded once.
    Type yType = getElementTypeOrSelf(y.getType());
    double offset = op.getScaleOffsetValue();
    for (int64_t k = 0; k < g.perThread; ++k) {
      Value v = arith::MulFOp::create(b, loc, data[k], splat(rstd));
      if (scale) {
        Value gamma =
            castTo(b, loc, loadParam(scale, loadRow, cols[k], inBounds[k]), ct);
        if (offset != 0.0)
          gamma = arith::AddFOp::create(b, loc, gamma,
                                        splat(cFloat(b, loc, ct, offset)));
        v = arith::MulFOp::create(b, loc, v, gamma);
      }
      if (bias)
        v = arith::AddFOp::create(
            b, loc, v,
            castTo(b, loc, loadParam(bias, loadRow, cols[k], inBounds[k]), ct));
      store(castTo(b, loc, v, yType), y, {row, cols[k]},
            andValid(inBounds[k], rowValid));
    }
  }

private:
  NormalizationOpInterface op;
  Value rows;
};

/// What a gradient's row kernel reads and writes: [rows, W] row views, [W]
/// parameter views, [rows] statistics (each but dy, x, rstd and dx may be
/// null), and the [Q, W] f32 partial sums of dscale and dbias, one row per
/// group of threads of each CTA (Q = CTAs * rows per CTA).
struct GradBuffers {
  Value dy, x, mean, rstd, scale, sumGrad, dx, scalePartials, biasPartials;
};

/// Builds the body of a gradient's row kernel (layer norm when `centered`,
/// RMS norm otherwise). The CTAs take the row blocks round robin, block
/// b by CTA b % CTAs, so that each group of threads visits its rows in a
/// fixed order; per row it loads dy and x once and writes
///   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) + sum_grad,
///   xhat = (x - mean) * rstd, g = dy * (offset + scale),
/// and adds dy * xhat and dy into its columns' partial sums, kept in
/// registers until the end, when they become its row of the partials.
class RowGradKernelBuilder : RowKernelBase {
public:
  RowGradKernelBuilder(OpBuilder &b, Location loc, const GPUTarget &target,
                       const RowGeometry &g, gpu::LaunchOp launch,
                       const ParamLayout &params)
      : RowKernelBase(b, loc, target, g, params, launch) {}

  void build(const GradBuffers &io, Value rows, bool centered,
             double offset) {
    int64_t width = g.chunks * g.lanes;
    SmallVector<Value> cols, inBounds;
    columns(cols, inBounds);
    Value zeros = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vectorOf(ct), b.getFloatAttr(ct, 0.0)));
    // The scale once, offset added.
    SmallVector<Value> gammas;
    if (io.scale)
      for (int64_t k = 0; k < g.perThread; ++k) {
        Value gamma = castTo(b, loc, load(io.scale, {cols[k]}, inBounds[k]), ct);
        if (offset != 0.0)
          gamma = arith::AddFOp::create(b, loc, gamma,
                                        splat(cFloat(b, loc, ct, offset)));
        gammas.push_back(gamma);
      }
    int64_t sums = (io.scalePartials ? 1 : 0) + (io.biasPartials ? 1 : 0);
    SmallVector<Value> init(sums * g.perThread, zeros);
    Value blocks = g.rowsPerCta == 1
                       ? rows
                       : arith::CeilDivUIOp::create(
                             b, loc, rows, cIndex(b, loc, g.rowsPerCta))
                             .getResult();
    auto loop = scf::ForOp::create(b, loc, launch.getBlockIds().x, blocks,
                                   launch.getGridSizeX(), init);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      auto [row, valid, loadRow] = rowOf(loop.getInductionVar(), rows);
      SmallVector<Value> dys, xhats, grads;
      Value mean = centered ? memref::LoadOp::create(b, loc, io.mean, loadRow)
                                  .getResult()
                            : Value();
      Value rstd = memref::LoadOp::create(b, loc, io.rstd, loadRow);
      for (int64_t k = 0; k < g.perThread; ++k) {
        Value dy = castTo(b, loc, load(io.dy, {loadRow, cols[k]}, inBounds[k]), ct);
        Value x = castTo(b, loc, load(io.x, {loadRow, cols[k]}, inBounds[k]), ct);
        if (centered)
          x = arith::SubFOp::create(b, loc, x, splat(mean));
        // Past the row dy is 0, so g and g * xhat add nothing to the sums.
        xhats.push_back(arith::MulFOp::create(b, loc, x, splat(rstd)));
        dys.push_back(dy);
        grads.push_back(io.scale ? arith::MulFOp::create(b, loc, dy, gammas[k])
                                       .getResult()
                                 : dy);
      }
      Value invWidth = cFloat(b, loc, ct, 1.0 / static_cast<double>(width));
      Value dot = arith::MulFOp::create(b, loc, reduce(sumOf(grads, xhats), 0),
                                        invWidth);
      Value meanGrad =
          centered ? arith::MulFOp::create(b, loc, reduce(sumOf(grads, {}), 1),
                                           invWidth)
                         .getResult()
                   : Value();
      Type dxType = getElementTypeOrSelf(io.dx.getType());
      for (int64_t k = 0; k < g.perThread; ++k) {
        Value v = grads[k];
        if (meanGrad)
          v = arith::SubFOp::create(b, loc, v, splat(meanGrad));
        v = arith::SubFOp::create(
            b, loc, v, arith::MulFOp::create(b, loc, xhats[k], splat(dot)));
        v = arith::MulFOp::create(b, loc, v, splat(rstd));
        if (io.sumGrad)
          v = arith::AddFOp::create(
              b, loc, v,
              castTo(b, loc, load(io.sumGrad, {loadRow, cols[k]}, inBounds[k]),
                     ct));
        store(castTo(b, loc, v, dxType), io.dx, {row, cols[k]},
              andValid(inBounds[k], valid));
      }
      // This row's terms of the cross-row sums (none from a repeated row).
      SmallVector<Value> next;
      Value counts = valid; // (a structured binding cannot be captured in C++17)
      auto accumulate = [&](int64_t first, ArrayRef<Value> terms) {
        for (int64_t k = 0; k < g.perThread; ++k)
          next.push_back(arith::AddFOp::create(
              b, loc, loop.getRegionIterArgs()[first + k],
              arith::SelectOp::create(b, loc, counts, terms[k], zeros)));
      };
      if (io.scalePartials) {
        SmallVector<Value> terms;
        for (int64_t k = 0; k < g.perThread; ++k)
          terms.push_back(arith::MulFOp::create(b, loc, dys[k], xhats[k]));
        accumulate(0, terms);
      }
      if (io.biasPartials)
        accumulate(io.scalePartials ? g.perThread : 0, dys);
      // The next row's sums reuse the shared-memory slots.
      if (target.warpsIn(g.group))
        gpu::BarrierOp::create(b, loc);
      if (!next.empty()) // (without sums the loop has its yield already)
        scf::YieldOp::create(b, loc, next);
    }
    // The group's partial sums: row blockIdx * rowsPerCta + tid.y.
    Value partialRow = rowOf(launch.getBlockIds().x, rows).row;
    Value always = arith::ConstantIntOp::create(b, loc, 1, 1);
    auto storeSums = [&](Value partials, int64_t first) {
      for (int64_t k = 0; k < g.perThread; ++k)
        store(loop.getResult(first + k), partials, {partialRow, cols[k]},
              andValid(inBounds[k], always));
    };
    if (io.scalePartials)
      storeSums(io.scalePartials, 0);
    if (io.biasPartials)
      storeSums(io.biasPartials, io.scalePartials ? g.perThread : 0);
  }
};
} // namespace

/// Threads of the column-sum kernel: 32 columns by kSumRows partial rows.
static constexpr int64_t kSumRows = 32;

/// Launches the sums over the Q rows of each [Q, W] f32 partials buffer into
/// its [W] result: a CTA per 32 columns, thread (c, r) adds rows r, r + 32,
/// ... in order, then the first of each column adds the 32 sums in order
/// and rounds once. The order depends on Q and W alone.
static void launchColumnSums(OpBuilder &b, Location loc,
                             ArrayRef<std::pair<Value, Value>> sumsAndResults,
                             int64_t width) {
  MLIRContext *ctx = b.getContext();
  int64_t count = sumsAndResults.size();
  auto scratchType = MemRefType::get(
      {count * kSumRows * 32}, b.getF32Type(), MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup));
  Value one = cIndex(b, loc, 1);
  Value q = memref::DimOp::create(b, loc, sumsAndResults.front().first, 0);
  auto launch = gpu::LaunchOp::create(
      b, loc, cIndex(b, loc, llvm::divideCeil(width, 32)), one, one,
      cIndex(b, loc, 32), cIndex(b, loc, kSumRows), one, nullptr, nullptr, {},
      {scratchType});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value tx = launch.getThreadIds().x, ty = launch.getThreadIds().y;
  Value col = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                                    cIndex(b, loc, 32)),
      tx);
  Value valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                                      cIndex(b, loc, width));
  Value loadCol = arith::MinUIOp::create(b, loc, col, cIndex(b, loc, width - 1));
  Value zero = cFloat(b, loc, b.getF32Type(), 0.0);
  auto loop = scf::ForOp::create(b, loc, ty, q, cIndex(b, loc, kSumRows),
                                 SmallVector<Value>(count, zero));
  {
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(loop.getBody());
    SmallVector<Value> next;
    for (auto [i, pair] : llvm::enumerate(sumsAndResults))
      next.push_back(arith::AddFOp::create(
          b, loc, loop.getRegionIterArgs()[i],
          memref::LoadOp::create(b, loc, pair.first,
                                 ValueRange{loop.getInductionVar(), loadCol})));
    scf::YieldOp::create(b, loc, next);
  }
  Value scratch = launch.getWorkgroupAttributions()[0];
  auto slot = [&](int64_t i, Value r) -> Value {
    return arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(
            b, loc,
            arith::AddIOp::create(b, loc, r, cIndex(b, loc, i * kSumRows)),
            cIndex(b, loc, 32)),
        tx);
  };
  for (int64_t i = 0; i < count; ++i)
    memref::StoreOp::create(b, loc, loop.getResult(i), scratch,
                            ValueRange{slot(i, ty)});
  gpu::BarrierOp::create(b, loc);
  Value first = arith::AndIOp::create(
      b, loc, valid,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, ty,
                            cIndex(b, loc, 0)));
  auto ifOp = scf::IfOp::create(b, loc, first);
  b.setInsertionPointToStart(ifOp.thenBlock());
  for (auto [i, pair] : llvm::enumerate(sumsAndResults)) {
    Value total;
    for (int64_t r = 0; r < kSumRows; ++r) {
      Value part = memref::LoadOp::create(
          b, loc, scratch, ValueRange{slot(i, cIndex(b, loc, r))});
      total = total ? arith::AddFOp::create(b, loc, total, part).getResult()
                    : part;
    }
    memref::StoreOp::create(
        b, loc,
        castTo(b, loc, total, getElementTypeOrSelf(pair.second.getType())),
        pair.second, col);
  }
  b.setInsertionPointAfter(ifOp);
  gpu::TerminatorOp::create(b, loc);
}

/// The residual and the optional results of the row normalizers.
static std::optional<RowOperands> rowOperandsOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<RowOperands>>(op)
      .Case([](LayerNormOp o) {
        return RowOperands{{}, {}, o.getMean(), o.getRstd()};
      })
      .Case([](RMSNormOp o) {
        return RowOperands{{}, {}, {}, o.getRstd()};
      })
      .Case([](AddLayerNormOp o) {
        return RowOperands{o.getResidual(), o.getSum(), {}, {}};
      })
      .Case([](AddRMSNormOp o) {
        return RowOperands{o.getResidual(), o.getSum(), {}, {}};
      })
      .Case([](GroupNormOp o) {
        int64_t rank = o.getInput().getType().getRank();
        int64_t axis = o.getChannelAxis();
        return RowOperands{{}, {}, {}, {}, axis < 0 ? axis + rank : axis};
      })
      .Default([](Operation *) { return std::nullopt; });
}

/// `buffer` viewed as [outer, inner] for a split at dim `axis` >= 1, or as
/// one dim for `axis` = 0.
static Value viewSplitAt(OpBuilder &b, Location loc, Value buffer,
                         int64_t axis) {
  int64_t rank = llvm::cast<MemRefType>(buffer.getType()).getRank();
  SmallVector<ReassociationIndices> groups;
  if (axis > 0)
    groups.emplace_back(llvm::to_vector(llvm::seq<int64_t>(0, axis)));
  groups.emplace_back(llvm::to_vector(llvm::seq<int64_t>(axis, rank)));
  if (groups.size() == static_cast<size_t>(rank))
    return buffer;
  return memref::CollapseShapeOp::create(b, loc, buffer, groups);
}

/// `buffer` viewed as [rows, width] rows of a normalizer over the dims from
/// `axis` on, split in `groups` rows each.
static Value viewRows(OpBuilder &b, Location loc, Value buffer, int64_t axis,
                      int64_t groups, Value rows, int64_t width) {
  if (!buffer || groups == 1)
    return buffer ? viewSplitAt(b, loc, buffer, axis) : buffer;
  Value flat = viewSplitAt(b, loc, buffer, 0);
  auto flatType = llvm::cast<MemRefType>(flat.getType());
  std::optional<int64_t> staticRows;
  if (flatType.hasStaticShape())
    staticRows = flatType.getNumElements() / width;
  auto type = MemRefType::get({staticRows.value_or(ShapedType::kDynamic), width},
                              flatType.getElementType());
  OpFoldResult rowCount = staticRows ? OpFoldResult(b.getIndexAttr(*staticRows))
                                     : OpFoldResult(rows);
  return memref::ExpandShapeOp::create(
      b, loc, type, flat, {{0, 1}},
      ArrayRef<OpFoldResult>{rowCount, b.getIndexAttr(width)});
}

/// The buffer of tensor `t` (read only).
static Value bufferOf(OpBuilder &b, Location loc, Value t) {
  if (!t)
    return t;
  auto type = llvm::cast<RankedTensorType>(t.getType());
  return bufferization::ToBufferOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()), t,
      /*read_only=*/true);
}

/// Replaces the uses of result `result` (when present) by a tensor of the
/// kernel's fresh output `buffer`.
static void replaceWithBuffer(RewriterBase &rewriter, Location loc,
                              Value result, Value buffer) {
  if (!result)
    return;
  Value t = bufferization::ToTensorOp::create(
      rewriter, loc, result.getType(), buffer, /*restrict=*/true,
      /*writable=*/true);
  rewriter.replaceAllUsesWith(result, t);
}

/// Rewrites `op` into a row kernel; fails (leaving it for the generic path)
/// when it is not a row normalizer this kernel handles.
static LogicalResult lowerToRowKernel(RewriterBase &rewriter,
                                      const GPUTarget &target,
                                      NormalizationOpInterface op,
                                      int64_t maxPerThread) {
  std::optional<RowOperands> extra = rowOperandsOf(op);
  if (!extra)
    return failure();
  Value x = op.getNormalizedInput();
  auto type = llvm::cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> dims = op.getNormalizedDims();
  // Contiguous trailing rows of static width, f32 statistics. A group norm
  // row is one group of channels with what follows them (NCHW layouts).
  // (A whole tensor normalized as one row is left to the generic path.)
  int64_t groups = op.getNumGroups();
  if (dims.empty() || dims.front() == 0 || dims.back() != rank - 1 ||
      static_cast<int64_t>(dims.size()) != rank - dims.front() ||
      !op.getStatisticsType().isF32() ||
      (groups != 1 && extra->channelDim != dims.front()))
    return failure();
  int64_t axis = dims.front();
  int64_t total = 1;
  for (int64_t d : dims) {
    if (type.isDynamicDim(d))
      return failure();
    total *= type.getDimSize(d);
  }
  int64_t width = total / groups;
  ParamLayout params;
  if (groups != 1) {
    params.groups = groups;
    params.perGroup = type.getDimSize(axis) / groups;
    params.repeat = width / params.perGroup;
  }
  std::optional<RowGeometry> g =
      chooseGeometry(target, width, type.getElementTypeBitWidth() / 8,
                     maxPerThread, params);
  if (!g)
    return failure();

  Location loc = op.getLoc();
  OpBuilder &b = rewriter;
  b.setInsertionPoint(op);
  // Rows = the product of the outer dims, times the groups.
  Value rows = cIndex(b, loc, groups);
  for (int64_t d = 0; d < axis; ++d)
    rows = arith::MulIOp::create(b, loc, rows,
                                 tensor::DimOp::create(b, loc, x, d));
  // Operands as 2-D row views of their buffers (1-D for the parameters).
  auto rowsOf = [&](Value buffer) {
    return viewRows(b, loc, buffer, axis, groups, rows, width);
  };
  Value x2 = rowsOf(bufferOf(b, loc, x));
  Value r2 = rowsOf(bufferOf(b, loc, extra->residual));
  Value scale = bufferOf(b, loc, op.getScale());
  Value bias = bufferOf(b, loc, op.getBias());
  if (scale)
    scale = viewSplitAt(b, loc, scale, 0);
  if (bias)
    bias = viewSplitAt(b, loc, bias, 0);
  // Results in fresh buffers, of the input's (dynamic) sizes.
  auto allocate = [&](Value result) -> Value {
    if (!result)
      return Value();
    auto t = llvm::cast<RankedTensorType>(result.getType());
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (t.isDynamicDim(d))
        sizes.push_back(tensor::DimOp::create(b, loc, x, d));
    return memref::AllocOp::create(
        b, loc, MemRefType::get(t.getShape(), t.getElementType()), sizes);
  };
  Value yBuf = allocate(op->getResult(0));
  Value sumBuf = allocate(extra->sum);
  Value meanBuf = allocate(extra->mean);
  Value rstdBuf = allocate(extra->rstd);
  auto statsOf = [&](Value buffer) {
    return buffer ? viewSplitAt(b, loc, buffer, 0) : buffer;
  };
  Value y2 = rowsOf(yBuf), sum2 = rowsOf(sumBuf);
  Value mean1 = statsOf(meanBuf), rstd1 = statsOf(rstdBuf);

  Value one = cIndex(b, loc, 1);
  Value ctas = g->rowsPerCta == 1
                   ? rows
                   : arith::CeilDivUIOp::create(
                         b, loc, rows, cIndex(b, loc, g->rowsPerCta))
                         .getResult();
  SmallVector<Type> workgroup;
  if (MemRefType scratch =
          groupSumScratchType(b.getContext(), target, g->group, /*slots=*/3))
    workgroup.push_back(scratch);
  auto launch = gpu::LaunchOp::create(
      b, loc, ctas, one, one, cIndex(b, loc, g->group),
      cIndex(b, loc, g->rowsPerCta), one, /*dynamicSharedMemorySize=*/nullptr,
      /*asyncTokenType=*/nullptr, /*asyncDependencies=*/{}, workgroup);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&launch.getBody().front());
    RowKernelBuilder(b, loc, target, *g, params, op, launch, rows)
        .build(x2, r2, scale, bias, y2, sum2, mean1, rstd1);
    gpu::TerminatorOp::create(b, loc);
  }

  // The results, as tensors of the new buffers.
  auto asTensor = [&](Value result, Value buffer) {
    replaceWithBuffer(rewriter, loc, result, buffer);
  };
  asTensor(op->getResult(0), yBuf);
  asTensor(extra->sum, sumBuf);
  asTensor(extra->mean, meanBuf);
  asTensor(extra->rstd, rstdBuf);
  rewriter.eraseOp(op);
  return success();
}

/// Rewrites a layer_norm_grad or rms_norm_grad over contiguous trailing
/// rows of static width with f32 statistics into a row kernel over
/// min(row blocks, fillingCtas) CTAs and, for dscale and dbias, the column
/// sums of the CTAs' partials; fails (leaving it for convert-norm-to-linalg)
/// otherwise. No atomics: the bits depend on the shape alone.
static LogicalResult lowerGradToRowKernel(RewriterBase &rewriter,
                                          const GPUTarget &target,
                                          Operation *op, int64_t maxPerThread) {
  Value dy, x, mean, rstd, scale, sumGrad, dScale, dBias;
  int64_t axis;
  double offset = 0.0;
  if (auto o = llvm::dyn_cast<LayerNormGradOp>(op)) {
    dy = o.getGrad(), x = o.getInput(), mean = o.getMean(), rstd = o.getRstd();
    scale = o.getScale(), sumGrad = o.getSumGrad(), axis = o.getAxis();
    dScale = o.getScaleGrad(), dBias = o.getBiasGrad();
  } else if (auto o = llvm::dyn_cast<RMSNormGradOp>(op)) {
    dy = o.getGrad(), x = o.getInput(), rstd = o.getRstd();
    scale = o.getScale(), sumGrad = o.getSumGrad(), axis = o.getAxis();
    dScale = o.getScaleGrad(), offset = o.getScaleOffset().convertToDouble();
  } else {
    return failure();
  }
  auto type = llvm::cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (axis < 0)
    axis += rank;
  if (axis <= 0 || !getElementTypeOrSelf(rstd.getType()).isF32())
    return failure();
  int64_t width = 1;
  for (int64_t d = axis; d < rank; ++d)
    width *= type.getDimSize(d); // static: the verifier says so
  std::optional<RowGeometry> g =
      chooseGeometry(target, width, type.getElementTypeBitWidth() / 8,
                     maxPerThread, ParamLayout());
  if (!g)
    return failure();

  Location loc = op->getLoc();
  OpBuilder &b = rewriter;
  b.setInsertionPoint(op);
  bool rowsStatic = true;
  int64_t staticRows = 1;
  Value rows = cIndex(b, loc, 1);
  for (int64_t d = 0; d < axis; ++d) {
    rows = arith::MulIOp::create(b, loc, rows,
                                 tensor::DimOp::create(b, loc, x, d));
    rowsStatic &= !type.isDynamicDim(d);
    staticRows *= type.getDimSize(d);
  }
  auto flat = [&](Value t) {
    return t ? viewSplitAt(b, loc, bufferOf(b, loc, t), 0) : t;
  };
  GradBuffers io;
  io.dy = viewSplitAt(b, loc, bufferOf(b, loc, dy), axis);
  io.x = viewSplitAt(b, loc, bufferOf(b, loc, x), axis);
  io.sumGrad = sumGrad ? viewSplitAt(b, loc, bufferOf(b, loc, sumGrad), axis)
                       : Value();
  io.mean = flat(mean), io.rstd = flat(rstd), io.scale = flat(scale);
  Value dx = op->getResult(0);
  SmallVector<Value> dxSizes;
  for (int64_t d = 0; d < rank; ++d)
    if (type.isDynamicDim(d))
      dxSizes.push_back(tensor::DimOp::create(b, loc, x, d));
  Value dxBuf = memref::AllocOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()),
      dxSizes);
  io.dx = viewSplitAt(b, loc, dxBuf, axis);

  // CTAs: one per block of rowsPerCta rows, at most fillingCtas (each then
  // takes several blocks); a [CTAs * rowsPerCta, W] partial per cross-row sum.
  int64_t maxCtas = target.fillingCtas;
  Value ctas;
  OpFoldResult partialRows;
  if (rowsStatic) {
    int64_t n = std::min<int64_t>(
        llvm::divideCeil(staticRows, g->rowsPerCta), maxCtas);
    ctas = cIndex(b, loc, n);
    partialRows = b.getIndexAttr(n * g->rowsPerCta);
  } else {
    ctas = arith::MinUIOp::create(
        b, loc,
        arith::CeilDivUIOp::create(b, loc, rows,
                                   cIndex(b, loc, g->rowsPerCta)),
        cIndex(b, loc, maxCtas));
    partialRows = arith::MulIOp::create(b, loc, ctas,
                                        cIndex(b, loc, g->rowsPerCta))
                      .getResult();
  }
  SmallVector<std::pair<Value, Value>> sums;
  Value dScaleBuf, dBiasBuf;
  auto partialsFor = [&](Value result, Value &buffer) -> Value {
    if (!result)
      return Value();
    auto t = llvm::cast<RankedTensorType>(result.getType());
    buffer = memref::AllocOp::create(
        b, loc, MemRefType::get(t.getShape(), t.getElementType()));
    SmallVector<int64_t> shape = {ShapedType::kDynamic, width};
    SmallVector<Value> sizes;
    if (auto n = getConstantIntValue(partialRows))
      shape[0] = *n;
    else
      sizes.push_back(llvm::cast<Value>(partialRows));
    Value partials = memref::AllocOp::create(
        b, loc, MemRefType::get(shape, b.getF32Type()), sizes);
    sums.emplace_back(partials, viewSplitAt(b, loc, buffer, 0));
    return partials;
  };
  io.scalePartials = partialsFor(dScale, dScaleBuf);
  io.biasPartials = partialsFor(dBias, dBiasBuf);

  Value one = cIndex(b, loc, 1);
  SmallVector<Type> workgroup;
  if (MemRefType scratch =
          groupSumScratchType(b.getContext(), target, g->group, /*slots=*/2))
    workgroup.push_back(scratch);
  auto launch = gpu::LaunchOp::create(
      b, loc, ctas, one, one, cIndex(b, loc, g->group),
      cIndex(b, loc, g->rowsPerCta), one, /*dynamicSharedMemorySize=*/nullptr,
      /*asyncTokenType=*/nullptr, /*asyncDependencies=*/{}, workgroup);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&launch.getBody().front());
    RowGradKernelBuilder(b, loc, target, *g, launch, ParamLayout())
        .build(io, rows, /*centered=*/mean != nullptr, offset);
    gpu::TerminatorOp::create(b, loc);
  }
  if (!sums.empty())
    launchColumnSums(b, loc, sums, width);

  auto asTensor = [&](Value result, Value buffer) {
    replaceWithBuffer(rewriter, loc, result, buffer);
  };
  asTensor(dx, dxBuf);
  asTensor(dScale, dScaleBuf);
  asTensor(dBias, dBiasBuf);
  rewriter.eraseOp(op);
  return success();
}

namespace {
struct ConvertNormToGPUPass
    : norm::impl::ConvertNormToGPUBase<ConvertNormToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<NormalizationOpInterface> ops;
    // A normalizer inside norm.residual is part of the placement until
    // norm-expand-residual makes it explicit.
    getOperation()->walk([&](NormalizationOpInterface op) {
      if (!op->getParentOfType<ResidualOp>())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    GPUTarget target = GPUTarget::nvidia();
    for (NormalizationOpInterface op : ops)
      (void)lowerToRowKernel(rewriter, target, op, maxVectorsPerThread);
    // A gradient keeps dy and x in registers, and its partial sums: a
    // quarter of the forward's vectors per thread.
    SmallVector<Operation *> grads;
    getOperation()->walk([&](Operation *op) {
      if (llvm::isa<LayerNormGradOp, RMSNormGradOp>(op))
        grads.push_back(op);
    });
    for (Operation *op : grads)
      (void)lowerGradToRowKernel(rewriter, target, op,
                                 std::max<int64_t>(1, maxVectorsPerThread / 4));
  }
};
} // namespace
