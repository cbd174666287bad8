//===- BlockCacheTest.cpp - norm-run's allocator under many threads -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Compiled code calls the allocator from OpenMP threads. Sixteen threads
// allocate, fill, check and free large and small blocks at once; a lost
// lock shows as a block handed to two threads (its pattern overwritten), a
// crash, or a heap error under the sanitizers.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/BlockCache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace {
TEST(BlockCache, ManyThreadsNeverShareABlock) {
  constexpr int kThreads = 16, kRounds = 200;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &errors] {
      for (int round = 0; round < kRounds; ++round) {
        // Large blocks of a few sizes (the cache's), and small ones.
        size_t size = (round % 3 == 0) ? 4096
                                       : norm::rt::kCachedBlockBytes *
                                             (1 + (round + t) % 3);
        auto *block = static_cast<uint8_t *>(
            round % 2 ? norm_rt_cached_aligned_alloc(64, size)
                      : norm_rt_cached_malloc(size));
        if (!block || reinterpret_cast<uintptr_t>(block) % 16 != 0) {
          ++errors;
          continue;
        }
        uint8_t mark = static_cast<uint8_t>(t * kRounds + round);
        std::memset(block, mark, size);
        std::this_thread::yield();
        for (size_t i = 0; i < size; i += 4093)
          if (block[i] != mark) {
            ++errors;
            break;
          }
        norm_rt_cached_free(block);
      }
    });
  }
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(errors.load(), 0);
}

TEST(BlockCache, ReusesAFreedLargeBlockAndKeepsAlignment) {
  size_t size = norm::rt::kCachedBlockBytes * 5;
  void *first = norm_rt_cached_aligned_alloc(64, size);
  ASSERT_NE(first, nullptr);
  norm_rt_cached_free(first);
  void *second = norm_rt_cached_aligned_alloc(64, size);
  EXPECT_EQ(first, second);
  // A stricter alignment than the kept block has gets a new one.
  void *strict = norm_rt_cached_aligned_alloc(size_t(1) << 16, size);
  ASSERT_NE(strict, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(strict) % (size_t(1) << 16), 0u);
  norm_rt_cached_free(strict);
  norm_rt_cached_free(second);
  EXPECT_EQ(norm_rt_cached_aligned_alloc(3, 64), nullptr);
  norm_rt_cached_free(nullptr);
}
} // namespace
