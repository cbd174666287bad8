//===- NormToLinalg.h - Lower norm ops to linalg on tensors -------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The patterns that lower every norm op to linalg, tensor and arith ops on
// tensors, for reuse by other pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_CONVERSION_NORMTOLINALG_H
#define NORM_MLIR_CONVERSION_NORMTOLINALG_H

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace mlir::norm {
/// Adds the patterns that lower every norm op (normalizers, fused forms,
/// projections, SyncBN pieces, residual placement) to linalg on tensors.
/// `overflowFallback`: see the pass's option of that name.
void populateNormToLinalgConversionPatterns(RewritePatternSet &patterns,
                                            bool overflowFallback = true);
} // namespace mlir::norm

#endif // NORM_MLIR_CONVERSION_NORMTOLINALG_H
