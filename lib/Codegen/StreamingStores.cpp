//===- StreamingStores.cpp - Non-temporal stores for large outputs --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-streaming-stores pass. A normalizer writes its output once and
// never reads it back. An ordinary store first reads the destination line
// into the cache (read-for-ownership), so writing y costs as much traffic as
// reading x; a non-temporal store skips that read. For outputs larger than
// the cache the pass marks the vector stores non-temporal; small outputs,
// which the next op reads from cache, keep ordinary stores.
//
// It first lowers the vector transfers of norm-tile-rows (on buffers) to
// 1-D `vector.load`/`vector.store`, the ops that carry the flag, and the
// accumulators' final multi-reductions to one `vector.reduction` per row.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Codegen/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMSTREAMINGSTORES
#include "norm-mlir/Codegen/Passes.h.inc"

namespace {
/// The buffer a view of memory is carved from: through subviews, casts and
/// reshapes to an allocation or a function argument.
static Value rootBuffer(Value memref) {
  while (Operation *def = memref.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      break;
    memref = view.getViewSource();
  }
  return memref;
}

/// The alignment in bytes that the start of `buffer` is known to have: an
/// allocation's, or 64 for a result argument of norm-lower-to-llvm-cpu's
/// out-params ABI (attribute `bufferize.result`, 64-byte aligned by
/// contract).
static int64_t knownAlignment(Value buffer) {
  if (auto alloc = buffer.getDefiningOp<memref::AllocOp>())
    return alloc.getAlignment().value_or(0);
  if (auto alloca = buffer.getDefiningOp<memref::AllocaOp>())
    return alloca.getAlignment().value_or(0);
  auto arg = dyn_cast<BlockArgument>(buffer);
  auto func = arg ? dyn_cast<FunctionOpInterface>(
                        arg.getOwner()->getParentOp())
                  : FunctionOpInterface();
  if (func && func.getArgAttr(arg.getArgNumber(), "bufferize.result"))
    return 64;
  return 0;
}

/// Whether `value` is a multiple of `n`: a constant, or the induction
/// variable of an scf.for whose bounds and step are.
static bool isMultipleOf(OpFoldResult value, int64_t n) {
  if (std::optional<int64_t> c = getConstantIntValue(value))
    return *c % n == 0;
  auto iv = dyn_cast<BlockArgument>(cast<Value>(value));
  auto loop = iv ? dyn_cast<scf::ForOp>(iv.getOwner()->getParentOp())
                 : scf::ForOp();
  if (!loop || loop.getInductionVar() != iv)
    return false;
  return isMultipleOf(loop.getLowerBound(), n) &&
         isMultipleOf(loop.getStep(), n);
}

/// Whether the element a store writes first is a multiple of `lanes`
/// elements from the start of its root buffer: every index times its
/// (static) stride, through the chain of subviews, is.
static bool isLaneAligned(vector::StoreOp store, int64_t lanes) {
  Value view = store.getBase();
  SmallVector<OpFoldResult> indices = getAsOpFoldResult(store.getIndices());
  while (true) {
    auto type = cast<MemRefType>(view.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(type.getStridesAndOffset(strides, offset)))
      return false;
    for (auto [index, stride] : llvm::zip_equal(indices, strides))
      if (ShapedType::isDynamic(stride) ||
          (stride % lanes != 0 && !isMultipleOf(index, lanes)))
        return false;
    auto subview = view.getDefiningOp<memref::SubViewOp>();
    if (!subview)
      return type.getLayout().isIdentity();
    if (!llvm::all_of(subview.getStaticStrides(),
                      [](int64_t s) { return s == 1; }))
      return false;
    indices = subview.getMixedOffsets();
    view = subview.getSource();
  }
}

/// Size in bytes of a statically shaped buffer, or nullopt.
static std::optional<int64_t> staticBytes(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return std::nullopt;
  return type.getNumElements() *
         llvm::divideCeil(type.getElementTypeBitWidth(), 8);
}

struct NormStreamingStoresPass
    : impl::NormStreamingStoresBase<NormStreamingStoresPass> {
  using Base::Base;

  void runOnOperation() override {
    // n-D transfers (tiles of several rows) unrolled to 1-D ones, then 1-D
    // transfers to loads and stores.
    RewritePatternSet unroll(&getContext());
    // A broadcast read (a row's statistic for every lane) becomes a 1-element
    // read and a vector.broadcast, not a loop of scalar inserts.
    vector::populateVectorTransferPermutationMapLoweringPatterns(unroll);
    vector::populateCastAwayVectorLeadingOneDimPatterns(unroll);
    // The final reduction of a row's vector accumulator: one
    // vector.reduction per row.
    vector::populateVectorMultiReductionLoweringPatterns(
        unroll, vector::VectorMultiReductionLowering::InnerReduction);
    populateVectorToSCFConversionPatterns(
        unroll, VectorTransferToSCFOptions().enableFullUnroll());
    RewritePatternSet lower(&getContext());
    vector::populateVectorTransferLoweringPatterns(lower,
                                                   /*maxTransferRank=*/1);
    if (failed(applyPatternsGreedily(getOperation(), std::move(unroll))) ||
        failed(applyPatternsGreedily(getOperation(), std::move(lower))))
      return signalPassFailure();

    SmallPtrSet<Block *, 8> applyBlocks;
    getOperation()->walk([&](vector::StoreOp store) {
      Value root = rootBuffer(store.getBase());
      std::optional<int64_t> bytes = staticBytes(root);
      if (!bytes || *bytes < thresholdBytes)
        return;
      store.setNontemporal(true);
      applyBlocks.insert(store->getBlock());
      // Aligned stores, where that is proven, are what keeps a non-temporal
      // vector store one instruction; LLVM splits under-aligned ones.
      VectorType type = store.getVectorType();
      int64_t vectorBytes =
          type.getNumElements() * type.getElementTypeBitWidth() / 8;
      if (llvm::isPowerOf2_64(vectorBytes) &&
          knownAlignment(root) >= vectorBytes &&
          isLaneAligned(store, type.getNumElements()))
        store.setAlignmentAttr(
            IntegerAttr::get(IntegerType::get(store.getContext(), 64),
                             vectorBytes));
    });
    if (prefetch)
      for (Block *block : applyBlocks)
        prefetchNextTile(block);
  }

  /// In the loop that writes the output, prefetches the same columns of the
  /// next tile of rows of each large input: the statistics passes run from
  /// cache, and without this the memory sits idle while they do.
  void prefetchNextTile(Block *block) {
    SmallVector<vector::LoadOp> loads(block->getOps<vector::LoadOp>());
    for (vector::LoadOp load : loads) {
      Value root = rootBuffer(load.getBase());
      std::optional<int64_t> bytes = staticBytes(root);
      auto type = dyn_cast<MemRefType>(load.getBase().getType());
      if (!bytes || *bytes < thresholdBytes || !type || type.getRank() < 2 ||
          type.isDynamicDim(0) || !llvm::isa<BlockArgument>(root))
        continue;
      // The row index goes past the view (and, for the last tile, past the
      // buffer): a prefetch is a hint that never faults (llvm.prefetch).
      OpBuilder b(load);
      Location loc = load.getLoc();
      SmallVector<Value> indices(load.getIndices());
      indices[0] = arith::AddIOp::create(
          b, loc, indices[0],
          arith::ConstantIndexOp::create(b, loc, type.getDimSize(0)));
      VectorType vt = load.getVectorType();
      int64_t elemBytes = vt.getElementTypeBitWidth() / 8;
      int64_t perLine = 64 / elemBytes;
      for (int64_t e = 0; e < vt.getNumElements(); e += perLine) {
        SmallVector<Value> at = indices;
        at.back() = arith::AddIOp::create(
            b, loc, indices.back(), arith::ConstantIndexOp::create(b, loc, e));
        memref::PrefetchOp::create(b, loc, load.getBase(), at,
                                   /*isWrite=*/false, /*localityHint=*/3,
                                   /*isDataCache=*/true);
      }
    }
  }
};
} // namespace
} // namespace mlir::norm
