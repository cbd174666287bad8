//===- MemrefCopy.cpp - memref.copy between strided views -----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Lowered CPU code copies between strided views by calling memrefCopy (the
// symbol MLIR's memref-to-llvm emits). norm-run takes it from MLIR's
// libmlir_c_runner_utils; an ahead-of-time artifact, which must not need
// MLIR's libraries, takes it from here.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstring>
#include <vector>

namespace {
/// The ranked descriptor behind an unranked memref: allocated and aligned
/// pointers, offset, then `rank` sizes and `rank` strides.
struct Descriptor {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
};

struct Unranked {
  int64_t rank;
  Descriptor *descriptor;
};
} // namespace

extern "C" void memrefCopy(int64_t elementSize, Unranked *src, Unranked *dst) {
  int64_t rank = src->rank;
  const Descriptor *s = src->descriptor, *d = dst->descriptor;
  const int64_t *sizes = s->sizesAndStrides;
  const int64_t *srcStrides = s->sizesAndStrides + rank;
  const int64_t *dstStrides = d->sizesAndStrides + rank;
  int64_t total = 1;
  for (int64_t k = 0; k < rank; ++k)
    total *= sizes[k];
  if (total == 0)
    return;
  // Element by element in row-major order (a counter per dim).
  std::vector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < total; ++n) {
    int64_t from = s->offset, to = d->offset;
    for (int64_t k = 0; k < rank; ++k) {
      from += index[k] * srcStrides[k];
      to += index[k] * dstStrides[k];
    }
    std::memcpy(d->aligned + to * elementSize, s->aligned + from * elementSize,
                elementSize);
    for (int64_t k = rank - 1; k >= 0 && ++index[k] == sizes[k]; --k)
      index[k] = 0;
  }
}
