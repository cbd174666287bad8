//===- LowerTosa.cpp - TOSA input through upstream's conversions ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-lower-tosa pass: TOSA input becomes linalg, tensor and arith by
// upstream's own conversions, only where the module has TOSA.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Conversion/Passes.h"

#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMLOWERTOSA
#include "norm-mlir/Conversion/Passes.h.inc"

namespace {
struct NormLowerTosaPass : impl::NormLowerTosaBase<NormLowerTosaPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool hasTosa = module
                       .walk([](Operation *op) {
                         return isa<tosa::TosaDialect>(op->getDialect())
                                    ? WalkResult::interrupt()
                                    : WalkResult::advance();
                       })
                       .wasInterrupted();
    if (!hasTosa)
      return;
    OpPassManager pm(ModuleOp::getOperationName());
    tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions());
    pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
    pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
    if (failed(runPipeline(pm, module)))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::norm
