//===- VerifyLowered.cpp - The contracts between pipeline stages ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-verify-lowered pass: fails when anything that the LLVM translation
// cannot take is left (norm ops, tensors, memrefs, unrealized casts). The
// norm-verify-stage pass: fails when a stage left IR that does not verify.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Codegen/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/StringSet.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMVERIFYLOWERED
#define GEN_PASS_DEF_NORMVERIFYSTAGE
#include "norm-mlir/Codegen/Passes.h.inc"

namespace {
/// Returns true for a type the LLVM translation cannot take.
static bool isUnlowered(Type type) {
  return llvm::isa<TensorType, BaseMemRefType>(type);
}

struct NormVerifyLoweredPass
    : impl::NormVerifyLoweredBase<NormVerifyLoweredPass> {
  using Base::Base;
  void runOnOperation() override {
    llvm::StringSet<> reported;
    bool failedCheck = false;
    getOperation()->walk([&](Operation *op) {
      if (llvm::isa<ModuleOp>(op))
        return WalkResult::advance();
      // Device code is checked by its own pipeline stage; gpu.binary holds
      // only the compiled blob.
      if (llvm::isa<gpu::GPUModuleOp, gpu::BinaryOp>(op))
        return WalkResult::skip();
      StringRef dialect = op->getDialect() ? op->getDialect()->getNamespace()
                                           : StringRef("unregistered");
      std::string problem;
      // OpenMP ops (the threads of the CPU kernels) translate to LLVM IR
      // themselves.
      if (dialect != LLVM::LLVMDialect::getDialectNamespace() &&
          dialect != omp::OpenMPDialect::getDialectNamespace() &&
          !llvm::isa<gpu::LaunchFuncOp>(op))
        problem = "op from the '" + dialect.str() + "' dialect";
      else if (llvm::any_of(op->getOperandTypes(), isUnlowered) ||
               llvm::any_of(op->getResultTypes(), isUnlowered))
        problem = "tensor or memref value";
      if (problem.empty())
        return WalkResult::advance();
      failedCheck = true;
      if (reported.insert(op->getName().getStringRef()).second)
        op->emitError("not lowered to LLVM: '")
            << op->getName() << "' (" << problem << ")";
      return WalkResult::advance();
    });
    if (failedCheck)
      signalPassFailure();
  }
};
struct NormVerifyStagePass : impl::NormVerifyStageBase<NormVerifyStagePass> {
  using Base::Base;
  void runOnOperation() override {
    // The verifier's own diagnostics are folded into one error.
    std::optional<Location> where;
    std::string message;
    LogicalResult verified = success();
    {
      ScopedDiagnosticHandler capture(&getContext(), [&](Diagnostic &d) {
        if (d.getSeverity() == DiagnosticSeverity::Error && !where) {
          where = d.getLocation();
          message = d.str();
        }
        return success();
      });
      verified = verify(getOperation());
    }
    if (succeeded(verified))
      return;
    emitError(where.value_or(getOperation()->getLoc()))
        << "invalid IR after " << stage << ": " << message
        << " (a pass built an op that its verifier rejects: a bug in "
           "norm-mlir, please report it)";
    signalPassFailure();
  }
};
} // namespace
} // namespace mlir::norm
