//===- BlockCache.h - An allocator that keeps large blocks ---------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The allocator norm-run gives the code it compiles (its aligned_alloc,
// malloc and free). Compiled code calls it from OpenMP threads, so every
// entry point is safe to call concurrently.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_RUNTIME_CPU_BLOCKCACHE_H
#define NORM_RUNTIME_CPU_BLOCKCACHE_H

#include <cstddef>

extern "C" {
/// aligned_alloc, malloc and free with the cache below; free takes blocks of
/// either and of the C library.
void *norm_rt_cached_aligned_alloc(size_t alignment, size_t size);
void *norm_rt_cached_malloc(size_t size);
void norm_rt_cached_free(void *block);
}

namespace norm::rt {
/// Blocks of at least this many bytes that are freed are kept for the next
/// allocation of the same size: glibc maps every allocation of 32 MiB or
/// more anew, and faulting those pages in again would be most of a --bench
/// run. Smaller blocks go straight to the C library.
constexpr size_t kCachedBlockBytes = size_t(1) << 20;
} // namespace norm::rt

#endif // NORM_RUNTIME_CPU_BLOCKCACHE_H
