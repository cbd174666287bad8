//===- MemrefCopyTest.cpp - The artifacts' memref.copy --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// runtime/aot/MemrefCopy.cpp stands in for MLIR's memrefCopy in
// ahead-of-time artifacts: strided views, offsets, rank 0, empty shapes.
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {
/// A ranked descriptor laid out as MLIR passes it: pointers, offset, then
/// `Rank` sizes and `Rank` strides.
template <int Rank>
struct Descriptor {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizesAndStrides[2 * Rank > 0 ? 2 * Rank : 1];
};

struct Unranked {
  int64_t rank;
  void *descriptor;
};
} // namespace

extern "C" void memrefCopy(int64_t elementSize, Unranked *src, Unranked *dst);

TEST(MemrefCopy, StridedViewWithOffsetIntoContiguous) {
  // Source: columns 1..3 of a 2x4 row-major buffer (offset 1, strides 4, 1).
  std::vector<float> from = {0, 1, 2, 3, 10, 11, 12, 13};
  std::vector<float> to(6, -1);
  Descriptor<2> s{from.data(), from.data(), 1, {2, 3, 4, 1}};
  Descriptor<2> d{to.data(), to.data(), 0, {2, 3, 3, 1}};
  Unranked us{2, &s}, ud{2, &d};
  memrefCopy(sizeof(float), &us, &ud);
  EXPECT_EQ(to, (std::vector<float>{1, 2, 3, 11, 12, 13}));
}

TEST(MemrefCopy, TransposedDestination) {
  // Destination strides (1, 2): the 2x3 source lands transposed in 3x2.
  std::vector<float> from = {1, 2, 3, 4, 5, 6};
  std::vector<float> to(6, -1);
  Descriptor<2> s{from.data(), from.data(), 0, {2, 3, 3, 1}};
  Descriptor<2> d{to.data(), to.data(), 0, {2, 3, 1, 2}};
  Unranked us{2, &s}, ud{2, &d};
  memrefCopy(sizeof(float), &us, &ud);
  EXPECT_EQ(to, (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

TEST(MemrefCopy, RankZeroAndEmpty) {
  float a = 7, b = 0;
  Descriptor<0> s{&a, &a, 0, {0}}, d{&b, &b, 0, {0}};
  Unranked us{0, &s}, ud{0, &d};
  memrefCopy(sizeof(float), &us, &ud);
  EXPECT_EQ(b, 7);

  std::vector<float> none(1, 5), out(1, 9);
  Descriptor<1> es{none.data(), none.data(), 0, {0, 1}};
  Descriptor<1> ed{out.data(), out.data(), 0, {0, 1}};
  Unranked ues{1, &es}, ued{1, &ed};
  memrefCopy(sizeof(float), &ues, &ued);
  EXPECT_EQ(out[0], 9);
}
