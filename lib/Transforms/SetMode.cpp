//===- SetMode.cpp - model.eval() / model.train() at compile time ---------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-set-mode pass: sets the mode of every batch_norm.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Transforms/Passes.h"

#include "norm-mlir/Dialect/NormOps.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMSETMODE
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
struct NormSetModePass : impl::NormSetModeBase<NormSetModePass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation()->walk([&](BatchNormOp op) { op.setMode(mode); });
  }
};
} // namespace
} // namespace mlir::norm
