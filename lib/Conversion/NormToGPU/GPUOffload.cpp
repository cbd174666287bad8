//===- GPUOffload.cpp - Everything on buffers runs on the GPU -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// After bufferization, the host functions of a GPU program still hold the
// linalg ops that convert-norm-to-gpu did not turn into row kernels (batch
// and group norm, weight norm, projections, residual adds, copies). This pass
// makes the host side a pure launcher:
//
//   - a large additive reduction with few outputs (the per-channel
//     statistics of batch norm) becomes one CTA per output whose threads
//     split the reduced iterations and sum through shuffles;
//   - each other linalg op (and memref.copy) becomes a parallel loop nest, its
//     parallel dims first, and each outermost parallel nest one gpu.launch
//     over its iterations linearized row-major (consecutive threads touch
//     consecutive elements of the innermost dim);
//   - a loop nest with no parallel dim runs as a single thread;
//   - buffers are device memory (gpu.alloc / gpu.dealloc), and the ones
//     the function does not return are freed when it returns;
//   - a global (a constant tensor: weights, folded parameters) is host
//     memory: it is copied to a device buffer once per call, at the entry,
//     and the kernels read that;
//   - anything left on the host that reads or writes a buffer is an error,
//     not a crash at run time.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Conversion/Passes.h"
#include "GPUTarget.h"

#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMGPUOFFLOAD
#include "norm-mlir/Conversion/Passes.h.inc"
} // namespace mlir::norm

using namespace mlir;

static bool insideKernel(Operation *op) {
  return op->getParentOfType<gpu::LaunchOp>() != nullptr;
}

/// Puts the parallel dims of a generic first (reductions inside), so that
/// the loop nest starts with a parallel loop.
static linalg::LinalgOp parallelDimsFirst(RewriterBase &rewriter,
                                          linalg::LinalgOp op) {
  auto generic = llvm::dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic)
    return op;
  SmallVector<unsigned> perm;
  auto iterators = generic.getIteratorTypesArray();
  for (auto [i, it] : llvm::enumerate(iterators))
    if (it == utils::IteratorType::parallel)
      perm.push_back(i);
  for (auto [i, it] : llvm::enumerate(iterators))
    if (it != utils::IteratorType::parallel)
      perm.push_back(i);
  if (llvm::equal(perm, llvm::seq<unsigned>(0, perm.size())))
    return op;
  FailureOr<linalg::GenericOp> swapped =
      linalg::interchangeGenericOp(rewriter, generic, perm);
  return succeeded(swapped) ? linalg::LinalgOp(*swapped) : op;
}

/// `linear` split into indices over `sizes`, the last fastest (`linear` is
/// below their product, so the first index needs no remainder).
static SmallVector<Value> delinearize(OpBuilder &b, Location loc,
                                      Value linear, ArrayRef<Value> sizes) {
  SmallVector<Value> ivs(sizes.size());
  for (int64_t d = sizes.size() - 1; d > 0; --d) {
    ivs[d] = arith::RemUIOp::create(b, loc, linear, sizes[d]);
    linear = arith::DivUIOp::create(b, loc, linear, sizes[d]);
  }
  if (!sizes.empty())
    ivs[0] = linear;
  return ivs;
}

static SmallVector<Value> constants(OpBuilder &b, Location loc,
                                    ArrayRef<int64_t> values) {
  return llvm::map_to_vector(values, [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  });
}

/// Replaces `loop` by a gpu.launch of 256-thread CTAs, one thread per
/// iteration of its (row-major linearized) iteration space.
static void launchParallelLoop(RewriterBase &rewriter, scf::ParallelOp loop) {
  constexpr int64_t kThreads = 256;
  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  };
  SmallVector<Value> counts;
  Value total = c(1);
  for (auto [lb, ub, step] : llvm::zip(loop.getLowerBound(),
                                       loop.getUpperBound(), loop.getStep())) {
    Value span = arith::SubIOp::create(rewriter, loc, ub, lb);
    counts.push_back(arith::CeilDivUIOp::create(rewriter, loc, span, step));
    total = arith::MulIOp::create(rewriter, loc, total, counts.back());
  }
  Value one = c(1);
  auto launch = gpu::LaunchOp::create(
      rewriter, loc, arith::CeilDivUIOp::create(rewriter, loc, total,
                                                c(kThreads)),
      one, one, c(kThreads), one, one);
  rewriter.setInsertionPointToStart(&launch.getBody().front());
  Value id = arith::AddIOp::create(
      rewriter, loc,
      arith::MulIOp::create(rewriter, loc, launch.getBlockIds().x,
                            c(kThreads)),
      launch.getThreadIds().x);
  Value valid = arith::CmpIOp::create(rewriter, loc,
                                      arith::CmpIPredicate::ult, id, total);
  auto guard = scf::IfOp::create(rewriter, loc, valid);
  gpu::TerminatorOp::create(rewriter, loc);
  rewriter.setInsertionPointToStart(guard.thenBlock());
  // Innermost dim fastest.
  IRMapping mapping;
  for (auto [d, i] : llvm::enumerate(delinearize(rewriter, loc, id, counts))) {
    Value iv = arith::AddIOp::create(
        rewriter, loc, loop.getLowerBound()[d],
        arith::MulIOp::create(rewriter, loc, i, loop.getStep()[d]));
    mapping.map(loop.getInductionVars()[d], iv);
  }
  for (Operation &op : loop.getBody()->without_terminator())
    rewriter.clone(op, mapping);
  rewriter.eraseOp(loop);
}

/// For a generic that adds a term to its accumulator (out = out + f(ins)),
/// the term in its body; null otherwise.
static Value additiveTerm(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || !op.hasPureBufferSemantics())
    return nullptr;
  Block &body = op.getRegion().front();
  // The body is cloned outside the linalg op: it may not ask for indices.
  if (!body.getOps<linalg::IndexOp>().empty())
    return nullptr;
  BlockArgument acc = body.getArguments().back();
  auto add = llvm::dyn_cast_or_null<arith::AddFOp>(
      body.getTerminator()->getOperand(0).getDefiningOp());
  if (!add || !acc.getType().isF32() || !acc.hasOneUse())
    return nullptr;
  if (add.getLhs() == acc)
    return add.getRhs();
  if (add.getRhs() == acc)
    return add.getLhs();
  return nullptr;
}

/// Lowers a large additive reduction (per-channel statistics of batch norm,
/// the norms of weight norm) to CTAs whose threads stride over the reduced
/// iterations, linearized with the innermost dim fastest (coalesced), and
/// sum with shuffles and shared memory; the first thread adds the sum to
/// the output. One CTA per output, or, for few outputs over many values,
/// several whose sums are added atomically. Fails when `op` is not such a
/// reduction or is too small to gain from it.
static LogicalResult launchBlockReduction(RewriterBase &rewriter,
                                          const norm::GPUTarget &target,
                                          linalg::GenericOp op) {
  constexpr int64_t kMinReduced = 1024;
  Value term = additiveTerm(op);
  if (!term || op.getNumReductionLoops() == 0)
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return failure();
  SmallVector<int64_t> parallelSizes, reducedSizes;
  SmallVector<unsigned> parallelDims, reducedDims;
  for (auto [d, it] : llvm::enumerate(op.getIteratorTypesArray())) {
    bool parallel = it == utils::IteratorType::parallel;
    (parallel ? parallelSizes : reducedSizes).push_back(ranges[d]);
    (parallel ? parallelDims : reducedDims).push_back(d);
  }
  int64_t outputs = 1, reduced = 1;
  for (int64_t s : parallelSizes)
    outputs *= s;
  for (int64_t s : reducedSizes)
    reduced *= s;
  if (reduced < kMinReduced)
    return failure();
  int64_t threads = reduced >= 16 * 1024 ? 512 : 256;
  // Few outputs over many values (batch norm over a large N x H x W): each
  // output's iterations split over several CTAs, at least 16 iterations per
  // thread, whose sums meet in the output through an atomic add.
  int64_t splits = std::clamp<int64_t>(
      llvm::divideCeil(target.fillingCtas, outputs), 1,
      std::max<int64_t>(1, reduced / (threads * 16)));
  int64_t chunk = llvm::divideCeil(reduced, splits);

  Location loc = op.getLoc();
  OpBuilder &b = rewriter;
  rewriter.setInsertionPoint(op);
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value one = c(1);
  auto launch = gpu::LaunchOp::create(
      b, loc, c(outputs * splits), one, one, c(threads), one, one, nullptr,
      nullptr, {},
      {norm::groupSumScratchType(b.getContext(), target, threads, 1)});
  b.setInsertionPointToStart(&launch.getBody().front());
  Value tid = launch.getThreadIds().x;
  Value output = launch.getBlockIds().x, begin = tid, end = c(reduced);
  if (splits > 1) {
    Value split = arith::RemUIOp::create(b, loc, output, c(splits));
    output = arith::DivUIOp::create(b, loc, output, c(splits));
    Value first = arith::MulIOp::create(b, loc, split, c(chunk));
    begin = arith::AddIOp::create(b, loc, first, tid);
    end = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, first, c(chunk)), end);
  }
  SmallVector<Value> ivs(ranges.size());
  for (auto [d, iv] :
       llvm::zip(parallelDims, delinearize(b, loc, output,
                                           constants(b, loc, parallelSizes))))
    ivs[d] = iv;
  Block &body = op.getRegion().front();
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0));
  auto loop = scf::ForOp::create(
      b, loc, begin, end, c(threads), ValueRange{zero},
      [&](OpBuilder &nb, Location nloc, Value r, ValueRange acc) {
        SmallVector<Value> all = ivs;
        for (auto [d, iv] :
             llvm::zip(reducedDims, delinearize(nb, nloc, r,
                                                constants(nb, nloc,
                                                          reducedSizes))))
          all[d] = iv;
        IRMapping mapping;
        for (OpOperand *in : op.getDpsInputOperands()) {
          Value arg = body.getArgument(in->getOperandNumber());
          if (!llvm::isa<MemRefType>(in->get().getType())) {
            mapping.map(arg, in->get());
            continue;
          }
          auto indices = affine::expandAffineMap(
              nb, nloc, op.getMatchingIndexingMap(in), all);
          mapping.map(arg, memref::LoadOp::create(nb, nloc, in->get(),
                                                  *indices));
        }
        Operation *add = body.getTerminator()->getOperand(0).getDefiningOp();
        for (Operation &inner : body.without_terminator())
          if (&inner != add)
            nb.clone(inner, mapping);
        Value sum = arith::AddFOp::create(nb, nloc, acc[0],
                                          mapping.lookupOrDefault(term));
        scf::YieldOp::create(nb, nloc, sum);
      });
  Value total =
      norm::buildGroupSum(b, loc, target, loop.getResult(0), tid, threads,
                          launch.getWorkgroupAttributions()[0], 0);
  Value first =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, c(0));
  auto ifOp = scf::IfOp::create(b, loc, first);
  b.setInsertionPointToStart(ifOp.thenBlock());
  OpOperand *out = op.getDpsInitOperand(0);
  for (Value &iv : ivs)
    if (!iv)
      iv = c(0);
  auto indices =
      affine::expandAffineMap(b, loc, op.getMatchingIndexingMap(out), ivs);
  if (splits > 1) {
    memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::addf, total,
                                out->get(), *indices);
  } else {
    Value old = memref::LoadOp::create(b, loc, out->get(), *indices);
    memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, total),
                            out->get(), *indices);
  }
  b.setInsertionPointAfter(ifOp);
  gpu::TerminatorOp::create(b, loc);
  rewriter.eraseOp(op);
  return success();
}

/// The operand dim of `map`'s results that has unit stride in `buffer` (the
/// last one when the layout does not say), as a loop dim of the op.
static unsigned contiguousLoopDim(Value buffer, AffineMap map) {
  auto type = llvm::cast<MemRefType>(buffer.getType());
  unsigned result = map.getNumResults() - 1;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (succeeded(type.getStridesAndOffset(strides, offset)))
    for (auto [r, stride] : llvm::enumerate(strides))
      if (stride == 1)
        result = r;
  return map.getDimPosition(result);
}

/// Lowers a contraction with one M, one N and one K dim (a matmul in any
/// operand layout, a batch matmul, a generic whose maps say so) on static
/// shapes of at least a tile's side to a shared-memory tiled kernel, the
/// textbook SGEMM: one 256-thread CTA per 64 x 64 tile of the output (and
/// per batch), K in steps of 16. Each step the CTA stages the 64 x 16 slice
/// of A and the 16 x 64 slice of B in shared memory (each thread four
/// elements of each, neighbouring threads reading along the operand's
/// unit-stride dim; rows padded by one element against bank conflicts),
/// then each thread accumulates its 4 x 4 outputs, strided by 16 so that a
/// warp reads neighbouring elements of B, in registers. The op's own body
/// is the multiply-accumulate, so every element type and cast it has is
/// kept, and K runs in order as in the loop nest: the same sums, not a
/// reassociation. Out-of-range rows and columns load zeros and are not
/// stored; the last K step stops at K. Fails (the op then becomes a loop
/// nest) for anything else, or for a side shorter than 16 (a decode
/// step's few rows: one thread per output reads the weight as fast).
static LogicalResult launchTiledContraction(RewriterBase &rewriter,
                                            linalg::LinalgOp op) {
  constexpr int64_t kTile = 64, kStep = 16, kThreadsSide = 16;
  constexpr int64_t kPerThread = kTile / kThreadsSide;
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 ||
      !llvm::all_of(op->getOperandTypes(), llvm::IsaPred<MemRefType>) ||
      !op.getBlock()->getOps<linalg::IndexOp>().empty() ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isProjectedPermutation(); }))
    return failure();
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1 ||
      dims->batch.size() + 3 != op.getNumLoops() ||
      op.getNumReductionLoops() != 1 ||
      op.getIteratorTypesArray()[dims->k[0]] !=
          utils::IteratorType::reduction)
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return failure();
  unsigned mDim = dims->m[0], nDim = dims->n[0], kDim = dims->k[0];
  int64_t m = ranges[mDim], n = ranges[nDim], k = ranges[kDim];
  if (m < kStep || n < kStep || k < kStep)
    return failure();
  SmallVector<int64_t> batchSizes;
  int64_t batch = 1;
  for (unsigned d : dims->batch) {
    batchSizes.push_back(ranges[d]);
    batch *= ranges[d];
  }

  Location loc = op.getLoc();
  OpBuilder &b = rewriter;
  rewriter.setInsertionPoint(op);
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  OpOperand *lhs = op.getDpsInputOperand(0), *rhs = op.getDpsInputOperand(1);
  OpOperand *out = op.getDpsInitOperand(0);
  auto elementOf = [](OpOperand *operand) {
    return llvm::cast<MemRefType>(operand->get().getType()).getElementType();
  };
  // Tiles as [k][m] and [k][n], one element of padding per row.
  auto tileType = [&](OpOperand *operand) {
    return MemRefType::get(
        {kStep, kTile + 1}, elementOf(operand), MemRefLayoutAttrInterface(),
        gpu::AddressSpaceAttr::get(b.getContext(),
                                   gpu::AddressSpace::Workgroup));
  };
  Value one = c(1);
  auto launch = gpu::LaunchOp::create(
      b, loc, c(llvm::divideCeil(n, kTile)), c(llvm::divideCeil(m, kTile)),
      c(batch), c(kThreadsSide), c(kThreadsSide), one, nullptr, nullptr, {},
      {tileType(lhs), tileType(rhs)});
  b.setInsertionPointToStart(&launch.getBody().front());
  Value tileA = launch.getWorkgroupAttributions()[0];
  Value tileB = launch.getWorkgroupAttributions()[1];
  Value tx = launch.getThreadIds().x, ty = launch.getThreadIds().y;
  Value tid = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, ty, c(kThreadsSide)), tx);
  Value mBase = arith::MulIOp::create(b, loc, launch.getBlockIds().y,
                                      c(kTile));
  Value nBase = arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                                      c(kTile));
  // The loop ivs of the op (dims an operand does not use stay 0).
  SmallVector<Value> ivs(op.getNumLoops(), c(0));
  for (auto [d, iv] :
       llvm::zip(dims->batch, delinearize(b, loc, launch.getBlockIds().z,
                                          constants(b, loc, batchSizes))))
    ivs[d] = iv;
  auto inRange = [&](Value v, int64_t bound) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, v,
                                 c(bound));
  };
  // `operand` at the op's loop ivs `at`, or `fallback` where `valid` is
  // false.
  auto loadOr = [&](OpOperand *operand, ArrayRef<Value> at, Value valid,
                    Value fallback) -> Value {
    auto ifOp = scf::IfOp::create(
        b, loc, valid,
        [&](OpBuilder &tb, Location tl) {
          auto indices = affine::expandAffineMap(
              tb, tl, op.getMatchingIndexingMap(operand), at);
          scf::YieldOp::create(
              tb, tl,
              ValueRange{memref::LoadOp::create(tb, tl, operand->get(),
                                                *indices)});
        },
        [&](OpBuilder &eb, Location el) {
          scf::YieldOp::create(eb, el, fallback);
        });
    return ifOp.getResult(0);
  };
  auto zeroOf = [&](Type type) -> Value {
    return arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
  };

  // Initial accumulators: the outputs as they are.
  SmallVector<Value> rows, cols;
  for (int64_t i = 0; i < kPerThread; ++i) {
    rows.push_back(arith::AddIOp::create(
        b, loc, mBase,
        arith::AddIOp::create(b, loc, ty, c(i * kThreadsSide))));
    cols.push_back(arith::AddIOp::create(
        b, loc, nBase,
        arith::AddIOp::create(b, loc, tx, c(i * kThreadsSide))));
  }
  // Per output of the thread (row-major over its 4 x 4): the op's loop
  // ivs there and whether it is inside the output.
  SmallVector<SmallVector<Value>> outputAt;
  SmallVector<Value> outputValid;
  for (Value row : rows)
    for (Value col : cols) {
      outputAt.push_back(ivs);
      outputAt.back()[mDim] = row;
      outputAt.back()[nDim] = col;
      outputValid.push_back(arith::AndIOp::create(b, loc, inRange(row, m),
                                                  inRange(col, n)));
    }
  Value accZero = zeroOf(elementOf(out));
  SmallVector<Value> init;
  for (auto [at, valid] : llvm::zip(outputAt, outputValid))
    init.push_back(loadOr(out, at, valid, accZero));

  // Stages the [kStep x kTile] slice of `operand` (whose other dim is
  // `tileDim` starting at `base`) from K offset `k0` into `tile`.
  auto stage = [&](OpBuilder &sb, OpOperand *operand, unsigned tileDim,
                   int64_t tileBound, Value base, Value k0, Value tile) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(sb.getInsertionBlock(), sb.getInsertionPoint());
    bool kFastest = contiguousLoopDim(operand->get(),
                                      op.getMatchingIndexingMap(operand)) ==
                    kDim;
    Value zero = zeroOf(elementOf(operand));
    for (int64_t r = 0; r < kTile * kStep / (kThreadsSide * kThreadsSide);
         ++r) {
      Value e = arith::AddIOp::create(
          b, loc, tid, c(r * kThreadsSide * kThreadsSide));
      int64_t kkSide = kFastest ? kStep : kTile;
      Value minor = arith::RemUIOp::create(b, loc, e, c(kkSide));
      Value major = arith::DivUIOp::create(b, loc, e, c(kkSide));
      Value kk = kFastest ? minor : major, tt = kFastest ? major : minor;
      SmallVector<Value> at = ivs;
      at[kDim] = arith::AddIOp::create(b, loc, k0, kk);
      at[tileDim] = arith::AddIOp::create(b, loc, base, tt);
      Value valid = arith::AndIOp::create(b, loc, inRange(at[kDim], k),
                                          inRange(at[tileDim], tileBound));
      memref::StoreOp::create(b, loc, loadOr(operand, at, valid, zero), tile,
                              ValueRange{kk, tt});
    }
  };

  Block *body = op.getBlock();
  auto outer = scf::ForOp::create(
      b, loc, c(0), c(k), c(kStep), init,
      [&](OpBuilder &ob, Location ol, Value k0, ValueRange accs) {
        stage(ob, lhs, mDim, m, mBase, k0, tileA);
        stage(ob, rhs, nDim, n, nBase, k0, tileB);
        gpu::BarrierOp::create(ob, ol);
        Value steps = k % kStep == 0
                          ? c(kStep)
                          : arith::MinUIOp::create(
                                ob, ol, c(kStep),
                                arith::SubIOp::create(ob, ol, c(k), k0));
        auto inner = scf::ForOp::create(
            ob, ol, c(0), steps, one, accs,
            [&](OpBuilder &ib, Location il, Value kk, ValueRange acc) {
              SmallVector<Value> as, bs;
              for (int64_t i = 0; i < kPerThread; ++i) {
                Value within = c(i * kThreadsSide);
                as.push_back(memref::LoadOp::create(
                    ib, il, tileA,
                    ValueRange{kk, arith::AddIOp::create(ib, il, ty, within)}));
                bs.push_back(memref::LoadOp::create(
                    ib, il, tileB,
                    ValueRange{kk, arith::AddIOp::create(ib, il, tx, within)}));
              }
              SmallVector<Value> next;
              for (int64_t i = 0; i < kPerThread; ++i)
                for (int64_t j = 0; j < kPerThread; ++j) {
                  IRMapping mapping;
                  mapping.map(body->getArgument(0), as[i]);
                  mapping.map(body->getArgument(1), bs[j]);
                  mapping.map(body->getArgument(2), acc[i * kPerThread + j]);
                  for (Operation &inner : body->without_terminator())
                    ib.clone(inner, mapping);
                  next.push_back(mapping.lookupOrDefault(
                      body->getTerminator()->getOperand(0)));
                }
              scf::YieldOp::create(ib, il, next);
            });
        gpu::BarrierOp::create(ob, ol);
        scf::YieldOp::create(ob, ol, inner.getResults());
      });

  for (auto [at, valid, acc] :
       llvm::zip(outputAt, outputValid, outer.getResults())) {
    auto ifOp = scf::IfOp::create(b, loc, valid);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    auto indices = affine::expandAffineMap(
        b, loc, op.getMatchingIndexingMap(out), at);
    memref::StoreOp::create(b, loc, acc, out->get(), *indices);
  }
  gpu::TerminatorOp::create(b, loc);
  rewriter.eraseOp(op);
  return success();
}

/// Moves `op` into a gpu.launch of one thread.
static void launchSingleThread(RewriterBase &rewriter, Operation *op) {
  Location loc = op->getLoc();
  rewriter.setInsertionPoint(op);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  auto launch = gpu::LaunchOp::create(rewriter, loc, one, one, one, one, one,
                                      one);
  rewriter.setInsertionPointToStart(&launch.getBody().front());
  gpu::TerminatorOp::create(rewriter, loc);
  rewriter.moveOpBefore(op, launch.getBody().front().getTerminator());
}

/// Whether `op` (with what it contains) reads or writes memory.
static bool touchesMemory(Operation *op) {
  bool touches = false;
  op->walk([&](Operation *nested) {
    auto effects = llvm::dyn_cast<MemoryEffectOpInterface>(nested);
    if (!effects)
      return;
    touches |= effects.hasEffect<MemoryEffects::Read>() ||
               effects.hasEffect<MemoryEffects::Write>();
  });
  return touches;
}

/// Whether `value`, or a view of it, is returned by the function.
static bool escapes(Value value) {
  for (Operation *user : value.getUsers()) {
    if (llvm::isa<func::ReturnOp>(user))
      return true;
    if (auto view = llvm::dyn_cast<ViewLikeOpInterface>(user))
      if (view.getViewSource() == value && escapes(view->getResult(0)))
        return true;
  }
  return false;
}

/// Gives each global the function reads (memref.get_global: host memory,
/// which a kernel cannot read) a device copy made at the entry, and points
/// every use at it, inside kernels too. The copies are entry-block
/// allocations, so freeTemporaries frees them unless they are returned.
static void copyGlobalsToDevice(RewriterBase &rewriter, func::FuncOp func) {
  if (func.isExternal())
    return;
  SmallVector<memref::GetGlobalOp> globals;
  func.walk([&](memref::GetGlobalOp op) { globals.push_back(op); });
  llvm::StringMap<Value> copies;
  Block &entry = func.getBody().front();
  for (memref::GetGlobalOp op : globals) {
    Value &copy = copies[op.getName()];
    if (!copy) {
      rewriter.setInsertionPointToStart(&entry);
      auto host = memref::GetGlobalOp::create(rewriter, op.getLoc(),
                                              op.getType(), op.getName());
      copy = memref::AllocOp::create(rewriter, op.getLoc(), op.getType());
      gpu::MemcpyOp::create(rewriter, op.getLoc(), /*asyncToken=*/Type(),
                            ValueRange(), copy, host);
    }
    rewriter.replaceOp(op, copy);
  }
}

/// Frees, before each return, the buffers allocated in the function's entry
/// block that it does not return.
static void freeTemporaries(RewriterBase &rewriter, func::FuncOp func) {
  if (func.isExternal())
    return;
  SmallVector<Value> temporaries;
  for (auto alloc : func.getBody().front().getOps<memref::AllocOp>())
    if (!escapes(alloc))
      temporaries.push_back(alloc);
  func.walk([&](func::ReturnOp ret) {
    rewriter.setInsertionPoint(ret);
    for (Value buffer : temporaries)
      memref::DeallocOp::create(rewriter, ret.getLoc(), buffer);
  });
}

/// A call of a collective's declaration (marked `norm.collective`)
/// becomes a call of its GPU version, declared like it: norm_rt_X becomes
/// norm_rt_gpu_X, same arguments, the data in device memory and the
/// group's name in host memory.
static void retargetCollective(RewriterBase &rewriter, func::CallOp call) {
  auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      call, call.getCalleeAttr());
  StringRef prefix = "norm_rt_";
  if (!callee || !callee->hasAttr("norm.collective") ||
      !callee.getSymName().starts_with(prefix))
    return;
  std::string name =
      "norm_rt_gpu_" + callee.getSymName().drop_front(prefix.size()).str();
  auto module = call->getParentOfType<ModuleOp>();
  if (!module.lookupSymbol(name)) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(callee);
    auto device = cast<func::FuncOp>(rewriter.clone(*callee));
    device.setSymName(name);
  }
  rewriter.modifyOpInPlace(call, [&] {
    call.setCalleeAttr(FlatSymbolRefAttr::get(call.getContext(), name));
  });
}

namespace {
struct NormGPUOffloadPass
    : norm::impl::NormGPUOffloadBase<NormGPUOffloadPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (failed(offload(rewriter, func)))
        return signalPassFailure();
    // The host versions of the collectives, no longer called.
    for (auto func :
         llvm::make_early_inc_range(getOperation().getOps<func::FuncOp>()))
      if (func->hasAttr("norm.collective") &&
          SymbolTable::symbolKnownUseEmpty(func, getOperation()))
        rewriter.eraseOp(func);
  }

  LogicalResult offload(RewriterBase &rewriter, func::FuncOp func) {
    // Copies and linalg ops become loop nests.
    SmallVector<Operation *> work;
    func.walk([&](Operation *op) {
      if (!insideKernel(op) &&
          (llvm::isa<memref::CopyOp, linalg::LinalgOp>(op)))
        work.push_back(op);
    });
    for (Operation *op : work) {
      rewriter.setInsertionPoint(op);
      if (auto copy = llvm::dyn_cast<memref::CopyOp>(op))
        op = rewriter.replaceOpWithNewOp<linalg::CopyOp>(
            copy, copy.getSource(), copy.getTarget());
      if (auto generic = llvm::dyn_cast<linalg::GenericOp>(op))
        if (succeeded(launchBlockReduction(rewriter, norm::GPUTarget::nvidia(),
                                           generic)))
          continue;
      if (succeeded(launchTiledContraction(rewriter,
                                           cast<linalg::LinalgOp>(op))))
        continue;
      auto linalgOp = parallelDimsFirst(rewriter, cast<linalg::LinalgOp>(op));
      // A nest with no parallel loop (a full reduction, a 0-d op) runs on
      // one thread.
      if (linalgOp.getNumParallelLoops() == 0)
        launchSingleThread(rewriter, linalgOp);
      rewriter.setInsertionPoint(linalgOp);
      if (failed(linalg::linalgOpToParallelLoops(rewriter, linalgOp)))
        return linalgOp->emitError("cannot become a loop nest for the GPU");
      rewriter.eraseOp(linalgOp);
    }
    // Outermost loop nests become kernels.
    SmallVector<Operation *> nests;
    func.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (llvm::isa<gpu::LaunchOp>(op))
        return WalkResult::skip();
      if (llvm::isa<scf::ParallelOp, scf::ForOp>(op) && touchesMemory(op)) {
        nests.push_back(op);
        return WalkResult::skip();
      }
      return WalkResult::advance();
    });
    for (Operation *op : nests) {
      auto parallel = llvm::dyn_cast<scf::ParallelOp>(op);
      if (parallel && parallel.getNumResults() == 0)
        launchParallelLoop(rewriter, parallel);
      else
        launchSingleThread(rewriter, op);
    }
    copyGlobalsToDevice(rewriter, func);
    // Temporaries die when the function returns (ownership-based
    // deallocation does not know GPU ops; the host side is straight-line).
    freeTemporaries(rewriter, func);
    // Buffers live on the device.
    SmallVector<Operation *> memoryOps;
    func.walk([&](Operation *op) {
      if (!insideKernel(op) && llvm::isa<memref::AllocOp, memref::DeallocOp>(op))
        memoryOps.push_back(op);
    });
    for (Operation *op : memoryOps) {
      rewriter.setInsertionPoint(op);
      if (auto alloc = llvm::dyn_cast<memref::AllocOp>(op)) {
        rewriter.replaceOp(
            alloc, gpu::AllocOp::create(rewriter, alloc.getLoc(),
                                        alloc.getType(), /*asyncToken=*/Type(),
                                        ValueRange(), alloc.getDynamicSizes(),
                                        alloc.getSymbolOperands(),
                                        /*hostShared=*/false));
      } else {
        auto dealloc = cast<memref::DeallocOp>(op);
        gpu::DeallocOp::create(rewriter, dealloc.getLoc(), /*asyncToken=*/Type(),
                               ValueRange(), dealloc.getMemref());
        rewriter.eraseOp(dealloc);
      }
    }
    // Collectives (norm.all_reduce_stats's) run on device buffers: their
    // GPU versions, norm_rt_gpu_*, which the CUDA runtime provides (NCCL
    // under mpirun, a device copy in one process).
    func.walk([&](func::CallOp call) { retargetCollective(rewriter, call); });
    // Nothing else may touch a buffer from the host.
    WalkResult result = func.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (llvm::isa<gpu::LaunchOp>(op))
        return WalkResult::skip();
      // Calls between the program's own functions are launchers calling
      // launchers; a declaration is code that runs on the host.
      if (auto call = llvm::dyn_cast<func::CallOp>(op)) {
        auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
            call, call.getCalleeAttr());
        if ((!callee || callee.isExternal()) &&
            !(callee && callee->hasAttr("norm.collective")) &&
            llvm::any_of(op->getOperandTypes(), llvm::IsaPred<MemRefType>)) {
          op->emitError("passes device buffers to '")
              << call.getCallee()
              << "', which runs on the host; norm-lower-to-nvvm has no GPU "
                 "version of it";
          return WalkResult::interrupt();
        }
      }
      if (!llvm::isa<gpu::GPUDialect>(op->getDialect()) &&
          op->getNumRegions() == 0 && touchesMemory(op)) {
        op->emitError("would read or write device memory on the host; "
                      "norm-lower-to-nvvm has no GPU lowering for it");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }
};
} // namespace
