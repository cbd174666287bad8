//===- GPUOffload.cpp - Everything on buffers runs on the GPU -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// After bufferization, the host functions of a GPU program still hold the
// linalg ops that convert-norm-to-gpu did not turn into row kernels (batch
// and group norm, weight norm, projections, residual adds, copies). This pass
// makes the host side a pure launcher:
//
//   - each linalg op (and memref.copy) becomes a parallel loop nest, its
//     parallel dims first, and each outermost parallel nest one gpu.launch
//     over its iterations linearized row-major (consecutive threads touch
//     consecutive elements of the innermost dim);
//   - a loop nest with no parallel dim runs as a single thread;
//   - buffers are device memory (gpu.alloc / gpu.dealloc), and the ones
//     the function does not return are freed when it returns;
//   - anything left on the host that reads or writes a buffer is an error,
//     not a crash at run time.
//
//===----------------------------------------------------------------------===//

#include "lib/Conversion/Passes.h"

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
#include "lib/Conversion/Passes.h.inc"
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
  Value rest = id;
  for (int64_t d = loop.getNumLoops() - 1; d >= 0; --d) {
    Value i = arith::RemUIOp::create(rewriter, loc, rest, counts[d]);
    rest = arith::DivUIOp::create(rewriter, loc, rest, counts[d]);
    Value iv = arith::AddIOp::create(
        rewriter, loc, loop.getLowerBound()[d],
        arith::MulIOp::create(rewriter, loc, i, loop.getStep()[d]));
    mapping.map(loop.getInductionVars()[d], iv);
  }
  for (Operation &op : loop.getBody()->without_terminator())
    rewriter.clone(op, mapping);
  rewriter.eraseOp(loop);
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

namespace {
struct NormGPUOffloadPass
    : norm::impl::NormGPUOffloadBase<NormGPUOffloadPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (failed(offload(rewriter, func)))
        return signalPassFailure();
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
