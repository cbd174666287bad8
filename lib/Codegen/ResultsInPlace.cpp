//===- ResultsInPlace.cpp - Compute out-params results in place -----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-results-in-place pass. With caller-allocated results
// (buffer-results-to-out-params), a result that bufferization computed in a
// buffer of another shape, such as group norm's (N, G, C/G, ...) view of an
// (N, C, ...) result, reaches the caller's buffer through a reshape and a
// full copy:
//
//   %a = memref.alloc() : memref<64x32x8x28x28xf32>
//   ... writes %a ...
//   %c = memref.collapse_shape %a [[0], [1, 2], [3], [4]]
//   memref.copy %c, %out
//
// The pass writes %out directly instead: %a becomes memref.expand_shape %out
// and the copy, the allocation and its deallocation go.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMRESULTSINPLACE
#include "norm-mlir/Codegen/Passes.h.inc"

namespace {
struct NormResultsInPlacePass
    : impl::NormResultsInPlaceBase<NormResultsInPlacePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    SmallVector<memref::CopyOp> copies;
    func.walk([&](memref::CopyOp copy) { copies.push_back(copy); });
    for (memref::CopyOp copy : copies)
      (void)forward(rewriter, func, copy);
  }

  /// `copy` of an allocation, or of collapse_shape(alloc), into a result
  /// argument that nothing else uses: the allocation becomes the argument
  /// or a view of it. (A plain allocation reaches here when the result was
  /// an scf.if's that both branches computed in it.)
  LogicalResult forward(RewriterBase &rewriter, func::FuncOp func,
                        memref::CopyOp copy) {
    auto out = dyn_cast<BlockArgument>(copy.getTarget());
    if (!out || out.getOwner() != &func.getBody().front() ||
        !func.getArgAttr(out.getArgNumber(), "bufferize.result") ||
        !out.hasOneUse())
      return failure();
    auto collapse = copy.getSource().getDefiningOp<memref::CollapseShapeOp>();
    if (collapse && !collapse->hasOneUse())
      return failure();
    auto alloc = (collapse ? collapse.getSrc() : copy.getSource())
                     .getDefiningOp<memref::AllocOp>();
    auto outType = cast<MemRefType>(out.getType());
    if (!alloc || alloc->getBlock() != copy->getBlock() ||
        !alloc.getType().getLayout().isIdentity() ||
        !outType.getLayout().isIdentity() ||
        (collapse ? collapse.getResultType().getShape()
                  : alloc.getType().getShape()) != outType.getShape() ||
        (!collapse && alloc.getType() != outType))
      return failure();
    // Nothing may touch the allocation after the copy but its deallocation.
    SmallVector<Operation *> deallocs;
    for (Operation *user : alloc->getUsers()) {
      if (isa<memref::DeallocOp>(user)) {
        deallocs.push_back(user);
        continue;
      }
      Operation *inBlock = copy->getBlock()->findAncestorOpInBlock(*user);
      if (!inBlock || (user != collapse && user != copy &&
                       !inBlock->isBeforeInBlock(copy)))
        return failure();
    }
    rewriter.setInsertionPoint(alloc);
    Value view = out;
    if (collapse)
      view = memref::ExpandShapeOp::create(rewriter, alloc.getLoc(),
                                           alloc.getType(), out,
                                           collapse.getReassociationIndices());
    for (Operation *dealloc : deallocs)
      rewriter.eraseOp(dealloc);
    rewriter.eraseOp(copy);
    if (collapse)
      rewriter.eraseOp(collapse);
    rewriter.replaceOp(alloc, view);
    return success();
  }
};
} // namespace
} // namespace mlir::norm
