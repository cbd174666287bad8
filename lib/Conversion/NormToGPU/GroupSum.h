//===- GroupSum.h - Sums across the threads of a GPU kernel -------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The one reduction both GPU lowerings use: butterfly shuffles within a warp,
// then the warps' sums through shared memory.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_CONVERSION_NORMTOGPU_GROUPSUM_H
#define NORM_LIB_CONVERSION_NORMTOGPU_GROUPSUM_H

#include "mlir/IR/Builders.h"

namespace mlir::norm {
/// The type of the shared memory buildGroupSum needs for `slots` sums over
/// groups of `group` threads (none below 64 threads: a warp suffices).
MemRefType groupSumScratchType(MLIRContext *ctx, int64_t group,
                               int64_t slots);

/// Sums the f32 `value` over the `group` threads whose ids `tid` share a
/// group (group a power of two <= 32, or a multiple of 32 for a whole CTA)
/// and returns the sum in every thread. Above 32 threads the warps' sums go
/// through `scratch` slot `slot` (each sum of a kernel its own slot, so two
/// in a row need no barrier between them).
Value buildGroupSum(OpBuilder &b, Location loc, Value value, Value tid,
                    int64_t group, Value scratch, int64_t slot);
} // namespace mlir::norm

#endif // NORM_LIB_CONVERSION_NORMTOGPU_GROUPSUM_H
