//===- LayerNormBounds.cpp - How fast can a CPU layer norm be here? -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// norm-bench-ln-bounds: hand-written AVX-512 loop structures for an f32
// layer norm of 16384 x 4096 (gamma and beta), timed against a streaming
// copy in one process, interleaved, medians of 12. Not norm-mlir's kernels:
// upper bounds that say what limits the generated ones (bench/README.md).
//
//   copy_nt    y = x, non-temporal stores (the roof)
//   affine     y = x * g + b: the apply alone, no statistics
//   3-pass     mean, then sum of squared deviations, then apply (what
//              norm-tile-rows generates; the row stays in L1)
//   2-pass     shifted sums (one pass), then apply
//   pipelined  one loop per row: the apply of row i with the one-pass
//              statistics of row i + 1, so memory streams all the time
//
// usage: norm-bench-ln-bounds (OMP_NUM_THREADS sets the threads)
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#ifdef __AVX512F__
#include <immintrin.h>
#include <omp.h>

namespace {
constexpr long kRows = 16384, kWidth = 4096;
float *x, *y, *g, *b;

float sum(__m512 v) { return _mm512_reduce_add_ps(v); }
__m512 at(const float *p) { return _mm512_loadu_ps(p); }

void copyNt() {
#pragma omp parallel for schedule(static)
  for (long r = 0; r < kRows; ++r)
    for (long j = 0; j < kWidth; j += 16)
      _mm512_stream_ps(y + r * kWidth + j, at(x + r * kWidth + j));
}

void affine() {
#pragma omp parallel for schedule(static)
  for (long r = 0; r < kRows; ++r)
    for (long j = 0; j < kWidth; j += 16)
      _mm512_stream_ps(
          y + r * kWidth + j,
          _mm512_fmadd_ps(at(x + r * kWidth + j), at(g + j), at(b + j)));
}

/// y[j] = (x[j] - mean) * rstd * g[j] + b[j] for one row.
void apply(const float *xr, float *yr, __m512 mean, __m512 rstd) {
  for (long j = 0; j < kWidth; j += 16)
    _mm512_stream_ps(yr + j, _mm512_fmadd_ps((at(xr + j) - mean) * rstd,
                                             at(g + j), at(b + j)));
}

void threePass() {
#pragma omp parallel for schedule(static)
  for (long r = 0; r < kRows; ++r) {
    const float *xr = x + r * kWidth;
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (long j = 0; j < kWidth; j += 64) {
      a0 += at(xr + j), a1 += at(xr + j + 16);
      a2 += at(xr + j + 32), a3 += at(xr + j + 48);
    }
    __m512 mean = _mm512_set1_ps(sum(a0 + a1 + a2 + a3) / kWidth);
    a0 = a1 = a2 = a3 = _mm512_setzero_ps();
    for (long j = 0; j < kWidth; j += 64) {
      __m512 d0 = at(xr + j) - mean, d1 = at(xr + j + 16) - mean;
      __m512 d2 = at(xr + j + 32) - mean, d3 = at(xr + j + 48) - mean;
      a0 += d0 * d0, a1 += d1 * d1, a2 += d2 * d2, a3 += d3 * d3;
    }
    float var = sum(a0 + a1 + a2 + a3) / kWidth;
    apply(xr, y + r * kWidth, mean, _mm512_set1_ps(1 / std::sqrt(var + 1e-5f)));
  }
}

/// One-pass statistics of a row: sums of (x - k) and (x - k)^2, shifted by
/// the row's first value k, 32 values at a time.
struct ShiftedSums {
  float shift;
  __m512 k, s0, s1, q0, q1;
  explicit ShiftedSums(const float *row)
      : shift(row[0]), k(_mm512_set1_ps(row[0])), s0(_mm512_setzero_ps()),
        s1(s0), q0(s0), q1(s0) {}
  void add(const float *p) {
    __m512 d0 = at(p) - k, d1 = at(p + 16) - k;
    s0 += d0, s1 += d1;
    q0 = _mm512_fmadd_ps(d0, d0, q0), q1 = _mm512_fmadd_ps(d1, d1, q1);
  }
  void finish(__m512 &mean, __m512 &rstd) const {
    float m = sum(s0 + s1) / kWidth, q = sum(q0 + q1) / kWidth;
    mean = _mm512_set1_ps(m + shift);
    rstd = _mm512_set1_ps(1 / std::sqrt(q - m * m + 1e-5f));
  }
};

void stats(const float *xr, __m512 &mean, __m512 &rstd) {
  ShiftedSums sums(xr);
  for (long j = 0; j < kWidth; j += 32)
    sums.add(xr + j);
  sums.finish(mean, rstd);
}

void twoPass() {
#pragma omp parallel for schedule(static)
  for (long r = 0; r < kRows; ++r) {
    __m512 mean, rstd;
    stats(x + r * kWidth, mean, rstd);
    apply(x + r * kWidth, y + r * kWidth, mean, rstd);
  }
}

void pipelined() {
#pragma omp parallel
  {
    long t = omp_get_thread_num(), n = omp_get_num_threads();
    long first = kRows * t / n, last = kRows * (t + 1) / n;
    __m512 mean, rstd;
    stats(x + first * kWidth, mean, rstd);
    for (long r = first; r < last; ++r) {
      const float *xr = x + r * kWidth;
      const float *next = r + 1 < last ? xr + kWidth : xr;
      float *yr = y + r * kWidth;
      ShiftedSums sums(next);
      for (long j = 0; j < kWidth; j += 32) {
        sums.add(next + j);
        for (long u = j; u < j + 32; u += 16)
          _mm512_stream_ps(yr + u, _mm512_fmadd_ps((at(xr + u) - mean) * rstd,
                                                   at(g + u), at(b + u)));
      }
      sums.finish(mean, rstd);
    }
  }
}
} // namespace

int main() {
  x = static_cast<float *>(std::aligned_alloc(4096, 4 * kRows * kWidth));
  y = static_cast<float *>(std::aligned_alloc(4096, 4 * kRows * kWidth));
  g = static_cast<float *>(std::aligned_alloc(4096, 4 * kWidth));
  b = static_cast<float *>(std::aligned_alloc(4096, 4 * kWidth));
  for (long i = 0; i < kRows * kWidth; ++i)
    x[i] = float(i * 7919 % 1000) / 100, y[i] = 0;
  for (long j = 0; j < kWidth; ++j)
    g[j] = 1, b[j] = 0;
  struct Variant {
    const char *name;
    std::function<void()> run;
    std::vector<double> ms;
  };
  std::vector<Variant> variants = {{"copy_nt", copyNt, {}},
                                   {"affine", affine, {}},
                                   {"3-pass", threePass, {}},
                                   {"2-pass", twoPass, {}},
                                   {"pipelined", pipelined, {}}};
  for (int round = 0; round < 12; ++round)
    for (Variant &v : variants) {
      auto start = std::chrono::steady_clock::now();
      v.run();
      auto end = std::chrono::steady_clock::now();
      v.ms.push_back(
          std::chrono::duration<double, std::milli>(end - start).count());
    }
  auto median = [](std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
  };
  double roof = median(variants[0].ms);
  std::printf("f32 layer norm 16384x4096, %d threads, medians of 12\n",
              omp_get_max_threads());
  for (Variant &v : variants)
    std::printf("%-10s %7.2f ms  %4.0f%% of copy_nt\n", v.name, median(v.ms),
                100 * roof / median(v.ms));
  return 0;
}
#else
int main() {
  std::puts("norm-bench-ln-bounds: needs AVX-512 (built without it)");
  return 0;
}
#endif
