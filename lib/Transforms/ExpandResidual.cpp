//===- ExpandResidual.cpp - norm.residual to explicit norms and adds ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-expand-residual pass: every placement op becomes its normalizers,
// its sublayer and the residual add, through ResidualOp::expand.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Transforms/Passes.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMEXPANDRESIDUAL
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
struct NormExpandResidualPass
    : impl::NormExpandResidualBase<NormExpandResidualPass> {
  using Base::Base;
  void runOnOperation() override {
    // Post-order: a residual nested in another's body is expanded first.
    SmallVector<ResidualOp> residuals;
    getOperation()->walk([&](ResidualOp op) { residuals.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (ResidualOp op : residuals)
      op.expand(rewriter);
  }
};
} // namespace
} // namespace mlir::norm
