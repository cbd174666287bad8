//===- TileRows.cpp - Row-fused, threaded, vectorized CPU kernels ---------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-tile-rows pass. After convert-norm-to-linalg a normalizer is a few
// linalg ops over the whole tensor: a shift, one or two reductions, the
// statistics, one elementwise apply. Run as they are, each op streams the
// whole input from memory. This pass makes them a row kernel:
//
//   1. Every root (a linalg op whose results leave the linalg graph) is tiled
//      along its first parallel loop with `scf.forall`, a few rows per tile,
//      and its producers are fused into the tile. A producer is fused only
//      when the tile needs a smaller slice of it, so each producer tile is
//      computed once: per-row statistics fuse, a batch norm's per-channel
//      statistics (needed whole by every tile of N) stay outside.
//   2. The tile's elementwise root is tiled again by the target's vector
//      width and vectorized, so its stores are vector stores that
//      norm-streaming-stores can make non-temporal; its row reductions get
//      vector accumulators. Both first collapse their innermost contiguous
//      dims (NCHW's H x W, a group's channels x H x W), so that group and
//      batch norm vectorize too.
//
// The forall becomes threads (OpenMP) in the CPU pipeline; a tile of rows
// stays in cache between the reductions and the apply, so x is read from
// memory once.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMTILEROWS
#include "norm-mlir/Codegen/Passes.h.inc"

namespace {
/// Whether `size` (of a slice) is provably the whole of dimension `dim` of
/// `source`.
static bool isWholeDim(OpFoldResult size, Value source, int64_t dim) {
  auto type = cast<RankedTensorType>(source.getType());
  if (std::optional<int64_t> s = getConstantIntValue(size))
    return !type.isDynamicDim(dim) && *s == type.getDimSize(dim);
  auto dimOp = dyn_cast_or_null<tensor::DimOp>(
      cast<Value>(size).getDefiningOp());
  std::optional<int64_t> index =
      dimOp ? dimOp.getConstantIndex() : std::optional<int64_t>();
  return dimOp && dimOp.getSource() == source && index == dim;
}

/// Whether `expr` grows with every loop dim it reads: dims and constants
/// combined by additions and multiplications by non-negative constants (a
/// convolution's `oh * stride + kh`). Tiling computes the slice an operand
/// needs from the values of its expressions at the first and last index of
/// a tile; for any other expression (a RoPE rotate-half's `(d + 64) mod
/// 128`, a floordiv, a negated dim) that slice is wrong.
static bool isMonotone(AffineExpr expr) {
  switch (expr.getKind()) {
  case AffineExprKind::DimId:
  case AffineExprKind::Constant:
    return true;
  case AffineExprKind::Add: {
    auto add = cast<AffineBinaryOpExpr>(expr);
    return isMonotone(add.getLHS()) && isMonotone(add.getRHS());
  }
  case AffineExprKind::Mul: {
    auto mul = cast<AffineBinaryOpExpr>(expr);
    auto factor = dyn_cast<AffineConstantExpr>(mul.getRHS());
    return factor && factor.getValue() >= 0 && isMonotone(mul.getLHS());
  }
  default:
    return false;
  }
}

/// Whether tiling `op` (as a root, a fused producer or a vector tile)
/// computes the right slices: every indexing map reads monotone
/// expressions, and no loop is empty (a zero-size dim: there is no tile to
/// compute, and upstream's tile-size computation crashes on it). Ops that
/// do not stay whole, and run as loops.
static bool tilesExactly(linalg::LinalgOp op) {
  if (llvm::is_contained(op.getStaticLoopRanges(), 0))
    return false;
  return llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
    return llvm::all_of(map.getResults(), isMonotone);
  });
}

/// The ops a root may absorb: its linalg producers, transitively, as long as
/// every linalg user of a producer in the root's block is absorbed too. A
/// normalizer's reductions and statistics qualify; a residual-stream value
/// that the next block also adds does not, so fusion stays local to one
/// normalizer and its neighbours instead of cloning the whole network into
/// one loop. Users in other blocks (the f64 recomputation of statistics that
/// overflowed, in an scf.if) read what the loop yields.
/// Producers that norm-library-calls makes calls of, with `keepLibraryOps`,
/// are never absorbed.
static llvm::SetVector<Operation *> clusterOf(linalg::LinalgOp root,
                                              bool keepLibraryOps) {
  llvm::SetVector<Operation *> cluster;
  cluster.insert(root);
  for (bool grown = true; grown;) {
    grown = false;
    for (size_t i = 0; i < cluster.size(); ++i) {
      for (Value operand : cluster[i]->getOperands()) {
        auto producer = operand.getDefiningOp<linalg::LinalgOp>();
        if (!producer || cluster.contains(producer) ||
            !producer.hasPureTensorSemantics() ||
            (keepLibraryOps && isLibraryContraction(producer)) ||
            producer->getBlock() != root->getBlock())
          continue;
        bool absorbed = llvm::all_of(producer->getUsers(), [&](Operation *u) {
          return cluster.contains(u) || !isa<linalg::LinalgOp>(u) ||
                 u->getBlock() != root->getBlock();
        });
        if (absorbed && cluster.insert(producer))
          grown = true;
      }
    }
  }
  return cluster;
}

/// Fusion control: fuse a producer of the cluster, and only when the tile
/// reads a proper slice of it (otherwise every tile would recompute all of
/// it). When the whole result is also used outside (returned, say), the loop
/// yields the fused tiles too, rather than computing the producer twice.
static std::optional<scf::SCFTileAndFuseOptions::ControlFnResult>
fuseWhenSliced(const llvm::SetVector<Operation *> &cluster,
               tensor::ExtractSliceOp slice, OpResult producer,
               bool isDestinationOperand) {
  if (!cluster.contains(producer.getOwner()) ||
      !tilesExactly(cast<linalg::LinalgOp>(producer.getOwner())))
    return std::nullopt;
  bool sliced = llvm::any_of(
      llvm::enumerate(slice.getMixedSizes()), [&](auto size) {
        return !isWholeDim(size.value(), producer, size.index());
      });
  if (!sliced)
    return std::nullopt;
  // A reduction sliced along its inner dims only (partial sums over blocks
  // of rows, [blocks, N], read by a tile of columns) would be recomputed by
  // every tile from strided columns of its inputs: it stays a root of its
  // own, computed once.
  auto producerOp = cast<linalg::LinalgOp>(producer.getOwner());
  if (producerOp.getNumReductionLoops() != 0 &&
      slice.getSourceType().getRank() > 1 &&
      isWholeDim(slice.getMixedSizes().front(), producer, 0))
    return std::nullopt;
  scf::SCFTileAndFuseOptions::ControlFnResult result;
  Block *block = producer.getOwner()->getBlock();
  // (The slices of the loop being built are its own: not users outside.)
  Operation *loop = slice->getParentOp();
  result.yieldProducerReplacement =
      !isDestinationOperand &&
      llvm::any_of(producer.getUsers(), [&](Operation *user) {
        if (loop->isAncestor(user))
          return false;
        return !isa<TilingInterface, tensor::ExtractSliceOp, scf::ForallOp>(
                   user) ||
               user->getBlock() != block;
      });
  return result;
}

/// An elementwise op whose destination is never read gets a fresh
/// `tensor.empty` destination. convert-elementwise-to-linalg writes
/// `x + r` into x; x is an argument, so bufferization would first copy all
/// of x into the result buffer.
static void freeUnreadDestinations(RewriterBase &rewriter,
                                   linalg::GenericOp op) {
  if (op.getNumReductionLoops() != 0)
    return;
  for (OpOperand &init : op.getDpsInitsMutable()) {
    if (op.payloadUsesValueFromOperand(&init) ||
        init.get().getDefiningOp<tensor::EmptyOp>())
      continue;
    rewriter.setInsertionPoint(op);
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, op.getLoc(), init.get());
    Value empty = tensor::EmptyOp::create(
        rewriter, op.getLoc(), sizes,
        getElementTypeOrSelf(init.get().getType()));
    rewriter.modifyOpInPlace(op, [&] { init.set(empty); });
  }
}

/// Whether everything `op` computes goes into the loop's results: the op
/// that writes a tile (the apply).
static bool writesTile(Operation *op) {
  return !op->use_empty() && llvm::all_of(op->getUsers(), [](Operation *user) {
    return isa<tensor::ParallelInsertSliceOp>(user);
  });
}

/// The elementwise op of `forall` that reads `value` and writes a tile of
/// the loop's results (the apply of a normalizer that reads a residual sum).
static linalg::GenericOp writerReading(scf::ForallOp forall, Value value) {
  for (OpOperand &use : value.getUses()) {
    auto op = dyn_cast<linalg::GenericOp>(use.getOwner());
    if (op && op->getParentOp() == forall && op.isDpsInput(&use) &&
        op.getNumReductionLoops() == 0 && writesTile(op))
      return op;
  }
  return {};
}

/// Fuses the elementwise op that defines `use`'s value into the op that
/// `use` belongs to (linalg elementwise fusion), at that op's place; a result
/// of the producer that is used elsewhere too becomes a result of the fused
/// op. Returns the fused op.
static FailureOr<Operation *> fuseInto(RewriterBase &rewriter, OpOperand &use) {
  if (!linalg::areElementwiseOpsFusable(&use))
    return failure();
  Operation *consumer = use.getOwner();
  Operation *next = consumer->getNextNode();
  FailureOr<linalg::ElementwiseOpFusionResult> fused =
      linalg::fuseElementwiseOps(rewriter, &use);
  if (failed(fused))
    return failure();
  // Where the consumer stood: its operands are defined there.
  fused->fusedOp->moveBefore(next);
  for (auto [original, replacement] : fused->replacements)
    rewriter.replaceAllUsesExcept(original, replacement, fused->fusedOp);
  if (consumer->use_empty())
    rewriter.eraseOp(consumer);
  return fused->fusedOp;
}

/// The residual sum of an add + norm: the reductions and the apply each
/// compute x + r themselves from the (cached) row, and the apply also writes
/// the sum's output tile. The output is then written once, in the apply's
/// loop (with its non-temporal stores), and never read back; no scratch
/// tile is needed. `scratch` and `yielded` are tile-and-fuse's two clones of
/// the sum. Fails, changing nothing, when no apply reads the sum; a reader
/// that cannot fuse it keeps reading `scratch`.
static LogicalResult computeSumInReaders(RewriterBase &rewriter,
                                         scf::ForallOp forall,
                                         linalg::GenericOp scratch,
                                         linalg::GenericOp yielded) {
  Value sum = scratch->getResult(0);
  linalg::GenericOp writer = writerReading(forall, sum);
  if (!writer || writer.getStaticLoopRanges() != yielded.getStaticLoopRanges())
    return failure();
  // The two clones compute the same tile.
  rewriter.replaceAllUsesWith(yielded->getResult(0), sum);
  rewriter.eraseOp(yielded);
  SmallVector<OpOperand *> readers;
  for (OpOperand &use : sum.getUses())
    if (isa<linalg::GenericOp>(use.getOwner()) && use.getOwner() != writer)
      readers.push_back(&use);
  // Each reader fuses a clone of its own, so that the sum does not become
  // one of its results too.
  for (OpOperand *use : readers) {
    rewriter.setInsertionPoint(use->getOwner());
    Operation *clone = rewriter.clone(*scratch);
    rewriter.modifyOpInPlace(use->getOwner(),
                             [&] { use->set(clone->getResult(0)); });
    if (failed(fuseInto(rewriter, *use)))
      rewriter.modifyOpInPlace(use->getOwner(), [&] { use->set(sum); });
    if (clone->use_empty())
      rewriter.eraseOp(clone);
  }
  // Fused into the apply last: the sum, still yielded, becomes one of its
  // results, written into the sum's output tile.
  FailureOr<Operation *> fused = failure();
  for (OpOperand &use : writer->getOpOperands())
    if (use.get() == sum) {
      fused = fuseInto(rewriter, use);
      break;
    }
  if (failed(fused))
    return success();
  // Tile-and-fuse yields the sum twice, once for a loop result that nothing
  // uses. The apply writes the sum into a tile of the result that is used,
  // in place, rather than into the other and a copy.
  SmallVector<tensor::ParallelInsertSliceOp> inserts;
  for (Operation &op : forall.getTerminator().getYieldingOps())
    if (auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(op);
        insert && insert.getSource().getDefiningOp() == *fused)
      inserts.push_back(insert);
  if (inserts.size() < 2)
    return success();
  // The one whose loop result is used; when liveness does not tell, the
  // last: tile-and-fuse appends the producer's replacement, which is the one
  // the loop's users read.
  SmallVector<tensor::ParallelInsertSliceOp> live =
      llvm::filter_to_vector(inserts, [&](tensor::ParallelInsertSliceOp i) {
        auto dest = cast<BlockArgument>(i.getDest());
        return !forall.getTiedOpResult(forall.getTiedOpOperand(dest))
                    .use_empty();
      });
  tensor::ParallelInsertSliceOp used =
      live.size() == 1 ? live.front() : inserts.back();
  auto linalgOp = cast<linalg::LinalgOp>(*fused);
  OpOperand *init = linalgOp.getDpsInitOperand(
      cast<OpResult>(used.getSource()).getResultNumber());
  auto slice = init->get().getDefiningOp<tensor::ExtractSliceOp>();
  if (slice && slice.getSource() != used.getDest() &&
      slice.getMixedOffsets() == used.getMixedOffsets() &&
      slice.getMixedSizes() == used.getMixedSizes())
    rewriter.modifyOpInPlace(
        slice, [&] { slice.getSourceMutable().set(used.getDest()); });
  return success();
}

/// A fused producer whose tile is also yielded (a residual sum that is
/// returned) is cloned twice by tile-and-fuse: once into a scratch tile for
/// its consumers, once into the loop's output. Both compute the same values.
/// Where the apply reads the scratch tile, it also writes it to the output,
/// in the same loop: the output is then written once, with the apply's
/// (non-temporal) stores, and never read back. Otherwise the scratch clone
/// writes the output tile, and the other clone goes.
static bool mergeOneYieldedClone(RewriterBase &rewriter, scf::ForallOp forall) {
  for (Operation &terminatorOp : forall.getTerminator().getYieldingOps()) {
    auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(terminatorOp);
    auto yielded = insert ? insert.getSource().getDefiningOp<linalg::GenericOp>()
                          : linalg::GenericOp();
    if (!yielded || yielded.getNumDpsInits() != 1 ||
        yielded.payloadUsesValueFromOperand(yielded.getDpsInitOperand(0)))
      continue;
    auto outSlice =
        yielded.getDpsInits()[0].getDefiningOp<tensor::ExtractSliceOp>();
    if (!outSlice)
      continue;
    for (Operation &op : *forall.getBody()) {
      auto scratch = dyn_cast<linalg::GenericOp>(&op);
      if (!scratch || scratch == yielded ||
          !scratch->isBeforeInBlock(yielded) ||
          scratch.getDpsInputs() != yielded.getDpsInputs() ||
          scratch.getNumDpsInits() != 1)
        continue;
      Value oldInit = scratch.getDpsInits()[0];
      scratch.getDpsInitsMutable()[0].set(outSlice);
      bool same = OperationEquivalence::isEquivalentTo(
          scratch, yielded, OperationEquivalence::IgnoreLocations);
      scratch.getDpsInitsMutable()[0].set(oldInit);
      if (!same)
        continue;
      if (writerReading(forall, scratch->getResult(0)) &&
          succeeded(computeSumInReaders(rewriter, forall, scratch, yielded)))
        return true;
      scratch.getDpsInitsMutable()[0].set(outSlice);
      outSlice->moveBefore(scratch);
      rewriter.replaceOp(yielded, scratch->getResults());
      return true;
    }
  }
  return false;
}

static void mergeYieldedClones(RewriterBase &rewriter, scf::ForallOp forall) {
  while (mergeOneYieldedClone(rewriter, forall)) {
  }
}

/// The innermost iteration dims of `op` that can become one: a run of two
/// or more of the same iterator type that every indexing map reads as one
/// contiguous sequence (or not at all), never including the first dim (the
/// rows the pass tiles). Group and batch norm index NCHW data by (h, w):
/// collapsed, a reduction has one reduction loop to vectorize, and the
/// apply's innermost dim is H x W long rather than W (28 is not a multiple
/// of any vector width).
static SmallVector<ReassociationIndices>
innermostCollapsible(linalg::LinalgOp op) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  // Collapsing rewrites the maps of plain dims only (a keepdim reduction's
  // `(0, d1, d2)` crashes linalg::collapseOpIterationDims).
  if (!llvm::all_of(maps, [](AffineMap m) { return m.isProjectedPermutation(); }))
    return {};
  int64_t last = int64_t(iterators.size()) - 1;
  ReassociationIndices group = {last};
  for (int64_t d = last - 1; d >= 1 && iterators[d] == iterators[last]; --d) {
    ReassociationIndices wider = {d};
    llvm::append_range(wider, group);
    if (!linalg::areDimSequencesPreserved(maps, {wider}))
      break;
    group = std::move(wider);
  }
  if (group.size() < 2)
    return {};
  SmallVector<ReassociationIndices> result;
  for (int64_t d = 0; d < group.front(); ++d)
    result.push_back({d});
  result.push_back(group);
  return result;
}

/// Collapses the innermost collapsible dims of `op` (see
/// innermostCollapsible) and returns the op that replaced it, or `op`.
static linalg::LinalgOp collapseInnermost(RewriterBase &rewriter,
                                          linalg::LinalgOp op) {
  SmallVector<ReassociationIndices> groups = innermostCollapsible(op);
  if (groups.empty() || !isa<linalg::GenericOp>(op))
    return op;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::CollapseResult> collapsed =
      linalg::collapseOpIterationDims(op, groups, rewriter);
  if (failed(collapsed))
    return op;
  rewriter.replaceOp(op, collapsed->results);
  return collapsed->collapsedOp;
}

/// One tile size per loop: `parallel` for parallel loops, `reduction` for
/// the others.
static SmallVector<OpFoldResult>
sizesByIterator(Builder &b, ArrayRef<utils::IteratorType> iterators,
                int64_t parallel, int64_t reduction) {
  return llvm::map_to_vector(iterators, [&](utils::IteratorType iterator) {
    return OpFoldResult(b.getIndexAttr(
        iterator == utils::IteratorType::parallel ? parallel : reduction));
  });
}

/// Vectorizes `op` (a static tile) where it stands.
static LogicalResult vectorizeInPlace(RewriterBase &rewriter, Operation *op) {
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::VectorizationResult> vectorized =
      linalg::vectorize(rewriter, op);
  if (failed(vectorized))
    return failure();
  rewriter.replaceOp(op, vectorized->replacements);
  return success();
}

struct NormTileRowsPass : impl::NormTileRowsBase<NormTileRowsPass> {
  using Base::Base;

  /// Ops of the root list that tiling erased (fused producers, tiled roots).
  llvm::DenseSet<Operation *> erased;

  void runOnOperation() override {
    if (vectorBits < 32 || !llvm::isPowerOf2_32(vectorBits)) {
      getOperation()->emitError("norm-tile-rows: 'vector-bits' must be a "
                                "power of two >= 32, got ")
          << static_cast<int64_t>(vectorBits);
      return signalPassFailure();
    }
    unsigned bits = vectorBits;
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](linalg::GenericOp op) {
      if (op.hasPureTensorSemantics())
        freeUnreadDestinations(rewriter, op);
    });
    // Reductions over leading dims of columns first: they become loops of
    // their own, whatever reads them (batch norm's NHWC statistics are
    // producers of the per-channel ops that finish them).
    SmallVector<linalg::GenericOp> columnReductions;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (op.hasPureTensorSemantics())
        columnReductions.push_back(op);
    });
    for (linalg::GenericOp op : columnReductions)
      (void)tileColumnReduction(rewriter, op);
    SmallVector<linalg::LinalgOp> roots;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && !isa<linalg::FillOp>(op) &&
          !op->getParentOfType<scf::ForallOp>() &&
          !(keepLibraryOps && isLibraryContraction(op)))
        roots.push_back(op);
    });
    // Consumers first: by the time a producer is reached it has been fused
    // into all its consumers and is dead, or it is a root of its own.
    erased.clear();
    for (linalg::LinalgOp root : llvm::reverse(roots)) {
      if (erased.contains(root))
        continue;
      if (root->use_empty()) {
        rewriter.eraseOp(root);
        continue;
      }
      FailureOr<scf::ForallOp> forall = tileAndFuse(rewriter, root);
      if (failed(forall))
        continue;
      // The tiles of shared producers (slices, shifts) once each.
      DominanceInfo dominance;
      eliminateCommonSubExpressions(rewriter, dominance, *forall);
      mergeYieldedClones(rewriter, *forall);
      // The op that writes the tile of the result: the apply.
      SmallVector<linalg::LinalgOp> writers;
      (*forall)->walk([&](linalg::LinalgOp op) {
        if (writesTile(op))
          writers.push_back(op);
      });
      for (linalg::LinalgOp op : writers)
        (void)vectorizeElementwise(rewriter, op, bits);
      // The row reductions: vector accumulators of the same width.
      SmallVector<linalg::GenericOp> reductions;
      (*forall)->walk([&](linalg::GenericOp op) {
        if (op.getNumReductionLoops() != 0)
          reductions.push_back(op);
      });
      for (linalg::GenericOp op : reductions)
        (void)vectorizeReduction(rewriter, op, bits);
    }
  }

  /// Splits a row reduction into a loop over chunks of `4 x lanes`
  /// elements that accumulates into a vector (four independent vector
  /// accumulators once LLVM splits it into registers), and a final reduction
  /// of that vector. LLVM's loop vectorizer, left to itself, picks narrower
  /// vectors for bf16 data.
  ///
  /// The innermost reduction dims are collapsed into one first (a group's
  /// channels x H x W). A tile of several rows is reduced a row at a time;
  /// outer reduction dims (a batch norm's N) become loops that carry the
  /// accumulator.
  LogicalResult vectorizeReduction(RewriterBase &rewriter, linalg::LinalgOp op,
                                   unsigned bits) {
    // (Several results, such as the sums of deviations and of their
    // squares, get one accumulator each; they must be indexed alike.)
    if (op.hasDynamicShape() || op.getNumReductionLoops() == 0 ||
        !tilesExactly(op) ||
        llvm::any_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
          return op.getMatchingIndexingMap(&init) !=
                 op.getMatchingIndexingMap(op.getDpsInitOperand(0));
        }))
      return failure();
    op = collapseInnermost(rewriter, op);
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    if (iterators.back() != utils::IteratorType::reduction)
      return failure();
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    int64_t rows = 1;
    for (auto [range, iterator] : llvm::zip_equal(ranges, iterators))
      if (iterator == utils::IteratorType::parallel)
        rows *= range;
    // Four vector registers of accumulators per row, fewer where the row
    // length needs it (H x W = 784 is 49 vectors of 16 lanes), chosen from
    // the row length alone: a row's elements are then added in the same
    // order whatever the number of rows in the tile, and its result does not
    // depend on how many rows the call has (batch invariance). A tile of
    // several rows is reduced a row at a time.
    bool perRow = rows > 1;
    int64_t lanes = bits / 32;
    int64_t chunk = 4 * lanes;
    while (chunk > lanes &&
           (ranges.back() % chunk != 0 || ranges.back() < 2 * chunk))
      chunk /= 2;
    // Rows shorter than two chunks are left to LLVM: unrolled, they would
    // only grow the code.
    if (ranges.back() % chunk != 0 || ranges.back() < 2 * chunk)
      return failure();
    if (perRow) {
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> rowLoops =
          scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()),
                            scf::SCFTilingOptions().setTileSizes(
                                sizesByIterator(rewriter, iterators, 1, 0)));
      if (failed(rowLoops))
        return failure();
      rewriter.replaceOp(op, rowLoops->replacements);
      op = cast<linalg::LinalgOp>(rowLoops->tiledOps.front());
    }
    SmallVector<OpFoldResult> sizes =
        sizesByIterator(rewriter, iterators, 0, 1);
    sizes.back() = rewriter.getIndexAttr(chunk);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileReductionUsingScf(
        rewriter, cast<PartialReductionOpInterface>(op.getOperation()), sizes);
    if (failed(tiled))
      return failure();
    rewriter.replaceOp(op, tiled->replacements);
    for (Operation *partial : tiled->tiledOps)
      if (failed(vectorizeInPlace(rewriter, partial)))
        return failure();
    // The accumulator's final reduction too: a vector.multi_reduction
    // becomes a shuffle tree, where the scalar loop LLVM got before was a
    // chain of 64 dependent adds per row and pass.
    for (Operation *merge : tiled->mergeOps)
      (void)vectorizeInPlace(rewriter, merge);
    // Moves the accumulator's read and write out of the loop where it can
    // (it did not for the row norms seen so far: LLVM's SROA then keeps the
    // small accumulator buffer in registers). Innermost loop first: hoisting
    // from an outer loop first breaks the inner loop's yields (batch norm's
    // loop over N around the chunks).
    for (LoopLikeOpInterface loop : llvm::reverse(tiled->loops))
      hoistLoopInvariantSubsets(rewriter, loop);
    return success();
  }

  /// A sum over leading dims whose parallel dims are innermost (a batch
  /// norm's per-channel statistics of NHWC data: [N, H, W] summed for each
  /// of C contiguous channels). Tiled along its parallel dims like a row
  /// normalizer, each tile would read its few channels with a stride of C, a
  /// scalar at a time. Instead the leading dims, collapsed into R rows, go in
  /// B blocks of a power of two rows (at most 512) that divides R: one op
  /// adds each block's rows in order into a partial row of sums ([B, C],
  /// from zero; it is tiled a block at a time below, threads over blocks,
  /// vectorized along C like a gradient's partials), and a second adds the
  /// partials to the original accumulator in block order. The bits depend
  /// on the shape alone, not on the thread count. Only sums qualify: every
  /// result must be its accumulator plus a value that does not read it.
  LogicalResult tileColumnReduction(RewriterBase &rewriter,
                                    linalg::GenericOp root) {
    SmallVector<utils::IteratorType> iterators = root.getIteratorTypesArray();
    unsigned leading = 0;
    while (leading < iterators.size() &&
           iterators[leading] == utils::IteratorType::reduction)
      ++leading;
    if (root.hasDynamicShape() || leading == 0 ||
        leading == iterators.size() ||
        root.getNumReductionLoops() != leading || !tilesExactly(root) ||
        !llvm::all_of(root.getIndexingMapsArray(), [](AffineMap m) {
          return m.isProjectedPermutation();
        }))
      return failure();
    // A body that reads its indices (linalg.index) would read the block's.
    // A contraction with its summed dim first (k, m, n) stays a contraction
    // (norm-library-calls makes it a call; blocked, its partials would be
    // whole [M, N] tensors).
    if (!root.getBody()->getOps<linalg::IndexOp>().empty() ||
        linalg::isaContractionOpInterface(root))
      return failure();
    // No result indexed by a summed dim (a "reduction" that writes one value
    // per row is no sum over rows).
    for (OpOperand &init : root.getDpsInitsMutable())
      for (AffineExpr e : root.getMatchingIndexingMap(&init).getResults())
        if (cast<AffineDimExpr>(e).getPosition() < leading)
          return failure();
    // Every result: accumulator + term, the accumulator read nowhere else.
    auto yield = cast<linalg::YieldOp>(root.getBody()->getTerminator());
    for (auto [i, value] : llvm::enumerate(yield.getValues())) {
      BlockArgument acc = root.getMatchingBlockArgument(
          root.getDpsInitOperand(i));
      auto add = value.getDefiningOp<arith::AddFOp>();
      if (!add || !acc.hasOneUse() ||
          (add.getLhs() != acc && add.getRhs() != acc))
        return failure();
    }
    int64_t rows = 1;
    SmallVector<int64_t> ranges = root.getStaticLoopRanges();
    for (unsigned d = 0; d < leading; ++d)
      rows *= ranges[d];
    int64_t block = 1;
    while (block < 512 && rows % (2 * block) == 0)
      block *= 2;
    // Fewer than eight blocks: not worth the partials.
    if (rows / block < 8)
      return failure();
    // The leading dims as one.
    linalg::GenericOp op = root;
    if (leading > 1) {
      SmallVector<ReassociationIndices> groups = {
          llvm::to_vector(llvm::seq<int64_t>(0, leading))};
      for (int64_t d = leading, e = iterators.size(); d < e; ++d)
        groups.push_back({d});
      if (!linalg::areDimSequencesPreserved(root.getIndexingMapsArray(),
                                            groups))
        return failure();
      rewriter.setInsertionPoint(root);
      FailureOr<linalg::CollapseResult> collapsed =
          linalg::collapseOpIterationDims(root, groups, rewriter);
      if (failed(collapsed))
        return failure();
      rewriter.replaceOp(root, collapsed->results);
      op = cast<linalg::GenericOp>(collapsed->collapsedOp.getOperation());
    }
    MLIRContext *ctx = rewriter.getContext();
    Location loc = op.getLoc();
    unsigned rank = op.getNumLoops();
    rewriter.setInsertionPoint(op);
    // Loop d of the op is loop d + 1 of the blocked op; rows are (d0, d1).
    auto shifted = [&](AffineMap map) {
      SmallVector<AffineExpr> exprs;
      for (AffineExpr e : map.getResults()) {
        unsigned d = cast<AffineDimExpr>(e).getPosition();
        if (d == 0) {
          exprs.push_back(getAffineDimExpr(0, ctx));
          exprs.push_back(getAffineDimExpr(1, ctx));
        } else {
          exprs.push_back(getAffineDimExpr(d + 1, ctx));
        }
      }
      return AffineMap::get(rank + 1, 0, exprs, ctx);
    };
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      Value v = input->get();
      std::optional<unsigned> rowPos = map.getResultPosition(
          getAffineDimExpr(0, ctx));
      if (rowPos) {
        auto type = cast<RankedTensorType>(v.getType());
        SmallVector<int64_t> shape(type.getShape());
        shape[*rowPos] = block;
        shape.insert(shape.begin() + *rowPos, rows / block);
        SmallVector<ReassociationIndices> reassoc;
        for (int64_t d = 0, e = type.getRank(); d < e; ++d) {
          if (d == int64_t(*rowPos))
            reassoc.push_back({d, d + 1});
          else
            reassoc.push_back({d < int64_t(*rowPos) ? d : d + 1});
        }
        v = tensor::ExpandShapeOp::create(
            rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
            v, reassoc);
      }
      inputs.push_back(v);
      maps.push_back(shifted(map));
    }
    // The partials, [B, outputs' dims], from zero.
    SmallVector<Value> partials;
    for (OpOperand &init : op.getDpsInitsMutable()) {
      auto type = cast<RankedTensorType>(init.get().getType());
      SmallVector<int64_t> shape(type.getShape());
      shape.insert(shape.begin(), rows / block);
      Value empty = tensor::EmptyOp::create(rewriter, loc, shape,
                                            type.getElementType());
      Value zero = arith::ConstantOp::create(
          rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
      partials.push_back(
          linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0));
      AffineMap map = op.getMatchingIndexingMap(&init);
      SmallVector<AffineExpr> exprs = {getAffineDimExpr(0, ctx)};
      for (AffineExpr e : map.getResults())
        exprs.push_back(
            getAffineDimExpr(cast<AffineDimExpr>(e).getPosition() + 1, ctx));
      maps.push_back(AffineMap::get(rank + 1, 0, exprs, ctx));
    }
    SmallVector<utils::IteratorType> blocked = {utils::IteratorType::parallel};
    llvm::append_range(blocked, op.getIteratorTypesArray());
    auto partial = linalg::GenericOp::create(
        rewriter, loc, ValueRange(partials).getTypes(), inputs, partials, maps,
        blocked);
    rewriter.cloneRegionBefore(op.getRegion(), partial.getRegion(),
                               partial.getRegion().end());
    // The original accumulators plus the partials, in block order.
    SmallVector<AffineMap> mergeMaps;
    unsigned outRank =
        cast<RankedTensorType>(op.getDpsInits()[0].getType()).getRank();
    for (unsigned i = 0, e = partials.size(); i < e; ++i)
      mergeMaps.push_back(AffineMap::getMultiDimIdentityMap(outRank + 1, ctx));
    for (unsigned i = 0, e = partials.size(); i < e; ++i)
      mergeMaps.push_back(AffineMap::get(
          outRank + 1, 0,
          llvm::map_to_vector(llvm::seq<unsigned>(1, outRank + 1),
                              [&](unsigned d) { return getAffineDimExpr(d, ctx); }),
          ctx));
    SmallVector<utils::IteratorType> mergeIterators(
        outRank + 1, utils::IteratorType::parallel);
    mergeIterators.front() = utils::IteratorType::reduction;
    unsigned n = partials.size();
    auto merge = linalg::GenericOp::create(
        rewriter, loc, op->getResultTypes(), partial->getResults(),
        op.getDpsInits(), mergeMaps, mergeIterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> sums;
          for (unsigned i = 0; i < n; ++i)
            sums.push_back(arith::AddFOp::create(b, l, args[n + i], args[i]));
          linalg::YieldOp::create(b, l, sums);
        });
    rewriter.replaceOp(op, merge->getResults());
    return success();
  }

  /// Tiles `root` along its first parallel loop, `rowsPerTile()` rows at a
  /// time, and fuses its producers.
  FailureOr<scf::ForallOp> tileAndFuse(RewriterBase &rewriter,
                                       linalg::LinalgOp root) {
    SmallVector<utils::IteratorType> iterators = root.getIteratorTypesArray();
    auto rowLoop = llvm::find(iterators, utils::IteratorType::parallel);
    if (rowLoop == iterators.end() || !tilesExactly(root))
      return failure();
    unsigned rowDim = rowLoop - iterators.begin();
    // Tiles that divide the rows, so that every tile is static and
    // vectorizes (1001 rows go one at a time, not in 250 tiles of four and
    // a scalar one). One tile may hold everything (a decode step's single
    // row): it is still vectorized, and its one-iteration loop folds away.
    int64_t rows = rowsPerTile(root, rowDim);
    int64_t extent = root.getStaticLoopRanges()[rowDim];
    if (!ShapedType::isDynamic(extent))
      while (extent % rows != 0)
        rows /= 2;
    SmallVector<OpFoldResult> tileSizes(iterators.size(),
                                        rewriter.getIndexAttr(0));
    tileSizes[rowDim] = rewriter.getIndexAttr(rows);

    scf::SCFTileAndFuseOptions options;
    options.tilingOptions.setTileSizes(tileSizes).setLoopType(
        scf::SCFTilingOptions::LoopType::ForallOp);
    llvm::SetVector<Operation *> cluster = clusterOf(root, keepLibraryOps);
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp slice, OpResult producer, bool isDest) {
          return fuseWhenSliced(cluster, slice, producer, isDest);
        });
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> tiled =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(root.getOperation()), options);
    if (failed(tiled) || tiled->loops.empty())
      return failure();
    // The root's results, and those of fused producers that the loop
    // yields as well (a residual sum that is also returned).
    Operation *loop = tiled->loops.front().getOperation();
    for (auto [original, replacement] : tiled->replacements)
      rewriter.replaceUsesWithIf(original, replacement, [&](OpOperand &use) {
        Operation *user =
            loop->getBlock()->findAncestorOpInBlock(*use.getOwner());
        return user && loop->isBeforeInBlock(user);
      });
    // The root, when the loop replaced all its uses, and the fused producers
    // that nothing uses any more are erased, consumers before producers (a
    // producer the dead root still read would otherwise become a root of its
    // own, computed a second time).
    SmallVector<Operation *> dead = {root};
    llvm::append_range(dead, tiled->fusedProducers);
    for (bool progress = true; progress;) {
      progress = false;
      for (Operation *&op : dead)
        if (op && op->use_empty()) {
          rewriter.eraseOp(op);
          erased.insert(op);
          op = nullptr;
          progress = true;
        }
    }
    return cast<scf::ForallOp>(tiled->loops.front().getOperation());
  }

  /// Rows per tile: as many as fit in `tile-bytes`, a power of two, from one
  /// to four.
  int64_t rowsPerTile(linalg::LinalgOp root, unsigned rowDim) {
    int64_t rowElements = 1;
    for (auto [dim, size] : llvm::enumerate(root.getStaticLoopRanges()))
      if (dim != rowDim)
        rowElements *= ShapedType::isDynamic(size) ? 1024 : std::max<int64_t>(size, 1);
    // At most four: the reductions of up to four rows get vector
    // accumulators (vectorizeReduction). Larger tiles of short rows were
    // slower (norm-run --pipeline-options=tile-bytes=... shows it).
    int64_t rows = std::clamp<int64_t>(tileBytes / (4 * rowElements), 1, 4);
    return int64_t(1) << llvm::Log2_64(rows);
  }

  /// Tiles an elementwise op (every loop parallel, static sizes, innermost
  /// size a multiple of the vector length) to one vector per step and
  /// vectorizes it.
  LogicalResult vectorizeElementwise(RewriterBase &rewriter,
                                     linalg::LinalgOp op, unsigned bits) {
    if (op.hasDynamicShape() || op.getNumLoops() == 0 || !tilesExactly(op))
      return failure();
    // A tile that also reduces over an outer dim (a gradient's dx with the
    // partial dscale/dbias of its block of rows) vectorizes along its
    // innermost, parallel dim: tiled by one along the reduction, it adds the
    // rows in order, a vector of columns at a time, in the same order as
    // scalar loops would.
    if (op.getNumReductionLoops() != 0 &&
        (op.getIteratorTypesArray().back() != utils::IteratorType::parallel ||
         !llvm::all_of(op.getIndexingMapsArray(), [](AffineMap m) {
           return m.isProjectedPermutation();
         })))
      return failure();
    op = collapseInnermost(rewriter, op);
    // One vector register of the widest type written: a bf16 result is
    // stored a whole 64-byte line at a time (32 lanes with AVX-512), though
    // the f32 statistics it reads would make it 16.
    for (Value v : op->getOperands())
      if (!getElementTypeOrSelf(v.getType()).isIntOrFloat())
        return failure();
    unsigned widest = 8;
    for (Value init : op.getDpsInits())
      widest = std::max(
          widest, getElementTypeOrSelf(init.getType()).getIntOrFloatBitWidth());
    int64_t lanes = bits / widest;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (ranges.back() % lanes != 0)
      return failure();
    SmallVector<OpFoldResult> sizes(ranges.size(), rewriter.getIndexAttr(1));
    sizes.back() = rewriter.getIndexAttr(lanes);
    scf::SCFTilingOptions options;
    options.setTileSizes(sizes);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled))
      return failure();
    rewriter.replaceOp(op, tiled->replacements);
    return vectorizeInPlace(rewriter, tiled->tiledOps.front());
  }
};
} // namespace
} // namespace mlir::norm
