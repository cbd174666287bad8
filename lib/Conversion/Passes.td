//===- Passes.td - Conversions out of the norm dialect ---*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every convert-norm-to-* pass, declared in one place.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_CONVERSION_PASSES_TD
#define NORM_LIB_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertNormToLinalg : Pass<"convert-norm-to-linalg"> {
  let summary = "Lower every norm op to linalg, tensor and arith on tensors";
  let description = [{
    Lowers each normalizer with one shared recipe driven by
    `NormalizationOpInterface`: a reduction for the mean, a second reduction
    for the sum of squared deviations (two-pass, so data with a large mean
    keep their precision), an elementwise computation of `rstd`, and one
    elementwise `linalg.generic` that normalizes and applies the affine
    transform. Statistics are computed in `compute_type`; bf16 and f16 data
    are widened inside the loops and rounded once when stored.

    Group norm splits the channel dim into (groups, channels per group) with
    `tensor.expand_shape`; the projection ops become a `linalg.matmul` with a
    `compute_type` accumulator and the normalizer before or after it;
    `norm.residual` is expanded first. `norm.all_reduce_stats` becomes a call
    to the runtime's `norm_rt_all_reduce_stats_*` on buffers.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::tensor::TensorDialect"];
}

#endif // NORM_LIB_CONVERSION_PASSES_TD
