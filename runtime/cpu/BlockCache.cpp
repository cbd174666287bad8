//===- BlockCache.cpp - An allocator that keeps large blocks --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One cache per process behind one mutex: compiled code allocates from
// OpenMP threads (a group norm's per-tile statistics), and a map is not safe
// to change concurrently. Large blocks are few, so the lock is not contended
// in a way that matters.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/BlockCache.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>

namespace {
size_t roundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

class BlockCache {
public:
  static BlockCache &get() {
    static BlockCache cache;
    return cache;
  }

  /// The kept blocks go back to the C library at exit (blocks still in use
  /// are their owners').
  ~BlockCache() {
    for (auto &[size, block] : kept)
      std::free(block);
  }

  void *allocate(size_t alignment, size_t size) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
      return nullptr;
    if (size < norm::rt::kCachedBlockBytes)
      return std::aligned_alloc(alignment, roundUp(std::max<size_t>(size, 1),
                                                   alignment));
    std::lock_guard<std::mutex> lock(mutex);
    for (auto [it, end] = kept.equal_range(size); it != end; ++it) {
      if (reinterpret_cast<uintptr_t>(it->second) % alignment != 0)
        continue;
      void *block = it->second;
      kept.erase(it);
      return block;
    }
    void *block =
        std::aligned_alloc(std::max<size_t>(alignment, 64), roundUp(size, 64));
    if (block)
      sizes[block] = size;
    return block;
  }

  void release(void *block) {
    if (!block)
      return;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = sizes.find(block);
    if (it == sizes.end())
      return std::free(block);
    kept.emplace(it->second, block);
  }

private:
  std::mutex mutex;
  std::multimap<size_t, void *> kept; // free blocks by size
  std::map<void *, size_t> sizes;     // every large block, free or not
};
} // namespace

extern "C" void *norm_rt_cached_aligned_alloc(size_t alignment, size_t size) {
  return BlockCache::get().allocate(alignment, size);
}
extern "C" void *norm_rt_cached_malloc(size_t size) {
  return BlockCache::get().allocate(16, size);
}
extern "C" void norm_rt_cached_free(void *block) {
  BlockCache::get().release(block);
}
