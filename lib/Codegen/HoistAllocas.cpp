//===- HoistAllocas.cpp - Static stack buffers out of sequential loops ----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-hoist-allocas pass: a static memref.alloca inside scf.for or
// scf.while loops moves before the outermost of them, so that the branches
// convert-scf-to-cf makes of the loops do not grow the stack each iteration.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMHOISTALLOCAS
#include "norm-mlir/Codegen/Passes.h.inc"

namespace {
/// A loop that is an allocation scope in MLIR but whose lowering to branches
/// frees nothing.
static bool isLeakyLoop(Operation *op) {
  return isa<scf::ForOp, scf::WhileOp, scf::ParallelOp>(op);
}

/// Whether the buffer, or a view of it, reaches a region's terminator (a
/// loop's yield, a function's return): it then outlives an iteration.
static bool escapes(Value buffer) {
  SmallVector<Value> worklist{buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (user->hasTrait<OpTrait::IsTerminator>())
        return true;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == value)
          llvm::append_range(worklist, user->getResults());
    }
  }
  return false;
}

struct NormHoistAllocasPass
    : impl::NormHoistAllocasBase<NormHoistAllocasPass> {
  void runOnOperation() override {
    SmallVector<std::pair<memref::AllocaOp, Operation *>> moves;
    getOperation().walk([&](memref::AllocaOp alloca) {
      if (!alloca->getOperands().empty() || escapes(alloca.getResult()))
        return;
      // The outermost leaky loop below the alloca's real scope.
      Operation *outermost = nullptr;
      for (Operation *parent = alloca->getParentOp(); parent;
           parent = parent->getParentOp()) {
        if (isLeakyLoop(parent)) {
          outermost = parent;
          continue;
        }
        if (parent->hasTrait<OpTrait::AutomaticAllocationScope>())
          break;
      }
      if (outermost)
        moves.emplace_back(alloca, outermost);
    });
    for (auto [alloca, loop] : moves)
      alloca->moveBefore(loop);
  }
};
} // namespace
} // namespace mlir::norm
