//===- GPUTarget.h - What the GPU lowerings know of the target ----*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The parameters of the target that shape the kernels (warp size, CTA and
// vector sizes), in one place rather than in conditions on the chip, and
// the one reduction both GPU lowerings use: butterfly shuffles within a
// warp, then the warps' sums through shared memory.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_CONVERSION_NORMTOGPU_GPUTARGET_H
#define NORM_LIB_CONVERSION_NORMTOGPU_GPUTARGET_H

#include "mlir/IR/Builders.h"

namespace mlir::norm {
/// The target parameters the kernels are shaped by. NVIDIA's for every chip
/// norm-lower-to-nvvm supports (sm_80, sm_90); another vendor or generation
/// is another instance, not a branch in the lowerings.
struct GPUTarget {
  int64_t warpSize = 32;        ///< threads that shuffle together
  int64_t maxCtaThreads = 1024; ///< threads of one CTA
  int64_t vectorBytes = 16;     ///< widest global load/store (ld.global.v4)
  int64_t narrowCtaThreads = 128; ///< CTA size when a CTA holds several rows
  /// CTAs that fill the device a few times over (132 SMs on an H100): a
  /// reduction with fewer outputs splits each over several CTAs.
  int64_t fillingCtas = 512;

  static GPUTarget nvidia() { return GPUTarget(); }

  /// Warps in a group of `group` threads, 0 when it fits in one warp.
  int64_t warpsIn(int64_t group) const {
    return group > warpSize ? group / warpSize : 0;
  }
};

/// The type of the shared memory buildGroupSum needs for `slots` sums over
/// groups of `group` threads (null when a warp holds the group).
MemRefType groupSumScratchType(MLIRContext *ctx, const GPUTarget &target,
                               int64_t group, int64_t slots);

/// Sums the f32 `value` over the `group` threads whose ids `tid` share a
/// group (a power of two up to a warp, or whole warps for a CTA) and returns
/// the sum in every thread. Above a warp, the warps' sums go through
/// `scratch` slot `slot` (each sum of a kernel its own slot, so two in a row
/// need no barrier between them).
Value buildGroupSum(OpBuilder &b, Location loc, const GPUTarget &target,
                    Value value, Value tid, int64_t group, Value scratch,
                    int64_t slot);
} // namespace mlir::norm

#endif // NORM_LIB_CONVERSION_NORMTOGPU_GPUTARGET_H
