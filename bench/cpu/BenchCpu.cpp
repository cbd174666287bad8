//===- BenchCpu.cpp - The CPU benchmark suite (make bench) ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Times, in one process and one run, the norm kernels that norm-mlir compiles
// (bench/cpu/gen_kernels.py, lowered ahead of time with
// norm-lower-to-llvm-cpu{out-params}) next to what bounds and what competes
// with them:
//
//   roof/copy, roof/copy_nt      read x, write y (ordinary / streaming stores)
//   roof/copy2, roof/copy2_nt    read x and r, write two outputs (add + norm)
//   roof/sum2, roof/sum3 (_nt)   read two (three) tensors, write their sum:
//                                the tensors a backward moves (dy and x
//                                read, dx written; add + norm also reads the
//                                sum's other gradient)
//   onednn/...                   oneDNN's layer_normalization and
//                                batch_normalization, forward and backward
//   cxx/layer_norm               a plain C++ two-pass layer norm
//   unfused/add_rms_norm         norm-mlir's add, then its rms_norm
//
// The backward (OP_grad) takes the statistics the forward saved and gives dx,
// dscale and (layer and batch norm) dbias; add_rms_norm_grad is rms_norm_grad
// with the sum's other gradient.
//
// Names are SUITE/OP/DTYPE/SHAPE/tTHREADS. The `bytes` counter is what a
// benchmark reads and writes (tensors and statistics); report.py compares
// bandwidths, so a kernel and its roof need not move exactly the same bytes.
// Buffers are 4 KiB-aligned, allocated and touched once, and reused by every
// benchmark: glibc maps allocations of 32 MiB or more anew, and page faults
// would dominate. bench/cpu/report.py turns the JSON into
// bench/results/cpu.json, a table and a plot.
//
//===----------------------------------------------------------------------===//

#include "runtime/reference/Reference.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

extern "C" void omp_set_num_threads(int);

//===----------------------------------------------------------------------===//
// The compiled kernels
//===----------------------------------------------------------------------===//

// Shapes of gen_kernels.py: a missing symbol is a link error.
#define NORM_ROW_SHAPES(X)                                                     \
  X(16384, 4096) X(65536, 1024) X(4096, 4096) X(1024, 768) X(262144, 64)
// An LLM's decode steps: forward kernels only.
#define NORM_DECODE_SHAPES(X)                                                  \
  X(1, 4096) X(8, 4096) X(64, 4096) X(1, 8192) X(32, 8192)

#define NORM_DECLARE_FORWARD(R, W, DT)                                         \
  extern "C" void _mlir_ciface_layer_norm_##DT##_##R##x##W(void *, void *,     \
                                                           void *, void *);    \
  extern "C" void _mlir_ciface_rms_norm_##DT##_##R##x##W(void *, void *,       \
                                                         void *);              \
  extern "C" void _mlir_ciface_add_rms_norm_##DT##_##R##x##W(                  \
      void *, void *, void *, void *, void *);                                 \
  extern "C" void _mlir_ciface_add_##DT##_##R##x##W(void *, void *, void *);
#define NORM_DECLARE_ROW_KERNELS(R, W, DT)                                     \
  NORM_DECLARE_FORWARD(R, W, DT)                                               \
  extern "C" void _mlir_ciface_layer_norm_grad_##DT##_##R##x##W(               \
      void *, void *, void *, void *, void *, void *, void *, void *);         \
  extern "C" void _mlir_ciface_rms_norm_grad_##DT##_##R##x##W(                 \
      void *, void *, void *, void *, void *, void *);                         \
  extern "C" void _mlir_ciface_add_rms_norm_grad_##DT##_##R##x##W(             \
      void *, void *, void *, void *, void *, void *, void *);
#define NORM_DECLARE_BOTH(R, W)                                                \
  NORM_DECLARE_ROW_KERNELS(R, W, f32) NORM_DECLARE_ROW_KERNELS(R, W, bf16)
NORM_ROW_SHAPES(NORM_DECLARE_BOTH)
#define NORM_DECLARE_DECODE(R, W)                                              \
  NORM_DECLARE_FORWARD(R, W, f32) NORM_DECLARE_FORWARD(R, W, bf16)
NORM_DECODE_SHAPES(NORM_DECLARE_DECODE)

extern "C" void _mlir_ciface_batch_norm_f32_64x256x28x28(void *, void *, void *,
                                                         void *, void *, void *,
                                                         void *, void *);
extern "C" void _mlir_ciface_group_norm_f32_64x256x28x28(void *, void *, void *,
                                                         void *);
extern "C" void _mlir_ciface_batch_norm_grad_f32_64x256x28x28(void *, void *,
                                                              void *, void *,
                                                              void *, void *,
                                                              void *, void *);
// The same tensor as NHWC.
extern "C" void _mlir_ciface_batch_norm_f32_64x28x28x256(void *, void *, void *,
                                                         void *, void *, void *,
                                                         void *, void *);
extern "C" void _mlir_ciface_group_norm_f32_64x28x28x256(void *, void *, void *,
                                                         void *);

namespace {
enum class DType { F32, BF16 };
const char *name(DType t) { return t == DType::F32 ? "f32" : "bf16"; }
size_t bytesOf(DType t) { return t == DType::F32 ? 4 : 2; }

struct RowKernels {
  int64_t rows, width;
  DType dtype;
  void (*layerNorm)(void *, void *, void *, void *);
  void (*rmsNorm)(void *, void *, void *);
  void (*addRmsNorm)(void *, void *, void *, void *, void *);
  void (*add)(void *, void *, void *);
  // The backward (null for the decode shapes).
  void (*layerNormGrad)(void *, void *, void *, void *, void *, void *, void *,
                        void *);
  void (*rmsNormGrad)(void *, void *, void *, void *, void *, void *);
  void (*addRmsNormGrad)(void *, void *, void *, void *, void *, void *,
                         void *);
};

// The forward kernels of one shape and dtype, then the backward's (`...`).
#define NORM_ENTRY(R, W, DT, T, ...)                                           \
  RowKernels{R,                                                                \
             W,                                                                \
             DType::T,                                                         \
             _mlir_ciface_layer_norm_##DT##_##R##x##W,                         \
             _mlir_ciface_rms_norm_##DT##_##R##x##W,                           \
             _mlir_ciface_add_rms_norm_##DT##_##R##x##W,                       \
             _mlir_ciface_add_##DT##_##R##x##W,                                \
             __VA_ARGS__},
#define NORM_ROW_ENTRY(R, W, DT, T)                                            \
  NORM_ENTRY(R, W, DT, T, _mlir_ciface_layer_norm_grad_##DT##_##R##x##W,       \
             _mlir_ciface_rms_norm_grad_##DT##_##R##x##W,                      \
             _mlir_ciface_add_rms_norm_grad_##DT##_##R##x##W)
#define NORM_ROW_ENTRIES(R, W)                                                 \
  NORM_ROW_ENTRY(R, W, f32, F32) NORM_ROW_ENTRY(R, W, bf16, BF16)
#define NORM_DECODE_ENTRIES(R, W)                                              \
  NORM_ENTRY(R, W, f32, F32, nullptr, nullptr, nullptr)                        \
  NORM_ENTRY(R, W, bf16, BF16, nullptr, nullptr, nullptr)
const RowKernels kRowKernels[] = {NORM_ROW_SHAPES(NORM_ROW_ENTRIES)
                                      NORM_DECODE_SHAPES(NORM_DECODE_ENTRIES)};

//===----------------------------------------------------------------------===//
// Buffers and memref descriptors
//===----------------------------------------------------------------------===//

constexpr size_t kMaxBytes = size_t(16384) * 4096 * 4; // the largest tensor
constexpr int64_t kMaxRows = 262144;

/// Four tensor buffers, the small parameter buffers, the per-row statistics
/// (f32 mean and rstd) and the backward's dscale and dbias, touched once and
/// reused. x and r hold N(0,1)-like values in the dtype last asked for.
struct Buffers {
  void *big[4];
  void *param[4];
  float *stat[2];
  void *grad[2];
  DType filledAs[2];
  bool filled[2] = {false, false};

  Buffers() {
    for (void *&p : big) {
      p = std::aligned_alloc(4096, kMaxBytes);
      std::memset(p, 0, kMaxBytes);
    }
    for (void *&p : param) {
      p = std::aligned_alloc(4096, 1 << 16);
      std::memset(p, 0, 1 << 16);
    }
    for (void *&p : grad) {
      p = std::aligned_alloc(4096, 1 << 16);
      std::memset(p, 0, 1 << 16);
    }
    for (float *&p : stat)
      p = static_cast<float *>(std::aligned_alloc(4096, kMaxRows * 4));
  }

  static uint16_t toBF16(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return uint16_t((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
  }

  /// Fills x and r (big[0], big[1]) with deterministic values of unit scale,
  /// the parameters with ones (scale, variance) and zeros (bias, mean), and
  /// the statistics with mean 0 and rstd 1.
  void fill(DType dtype) {
    for (int b = 0; b < 2; ++b) {
      if (filled[b] && filledAs[b] == dtype)
        continue;
      size_t n = kMaxBytes / bytesOf(dtype);
      uint32_t state = 12345u + b;
      for (size_t i = 0; i < n; ++i) {
        state = state * 1664525u + 1013904223u;
        float v = float(int32_t(state >> 8) - (1 << 23)) / float(1 << 22);
        if (dtype == DType::F32)
          static_cast<float *>(big[b])[i] = v;
        else
          static_cast<uint16_t *>(big[b])[i] = toBF16(v);
      }
      filled[b] = true;
      filledAs[b] = dtype;
    }
    for (int p = 0; p < 4; ++p) {
      float v = (p == 0 || p == 3) ? 1.0f : 0.0f;
      for (int i = 0; i < (1 << 16) / 4; ++i) {
        if (dtype == DType::F32)
          static_cast<float *>(param[p])[i] = v;
        else
          static_cast<uint16_t *>(param[p])[i] = toBF16(v);
      }
    }
    for (int64_t i = 0; i < kMaxRows; ++i) {
      stat[0][i] = 0.0f;
      stat[1][i] = 1.0f;
    }
  }
};

Buffers &buffers() {
  static Buffers instance;
  return instance;
}

/// A contiguous memref descriptor of rank N over `data`.
template <int N>
StridedMemRefType<char, N> view(void *data, std::array<int64_t, N> sizes) {
  StridedMemRefType<char, N> d;
  d.basePtr = d.data = static_cast<char *>(data);
  d.offset = 0;
  int64_t stride = 1;
  for (int i = N - 1; i >= 0; --i) {
    d.sizes[i] = sizes[i];
    d.strides[i] = stride;
    stride *= sizes[i];
  }
  return d;
}

/// The operands of the row kernels over the shared buffers: x, r, y, the
/// sum s, scale g and bias b; for the backward, dy is r, dx is y, the sum's
/// other gradient is s, the statistics mean and rstd, and the results dg, db.
struct RowViews {
  StridedMemRefType<char, 2> x, r, y, s;
  StridedMemRefType<char, 1> g, b, mean, rstd, dg, db;
};
RowViews rowViews(const RowKernels &k) {
  Buffers &buf = buffers();
  return {view<2>(buf.big[0], {k.rows, k.width}),
          view<2>(buf.big[1], {k.rows, k.width}),
          view<2>(buf.big[2], {k.rows, k.width}),
          view<2>(buf.big[3], {k.rows, k.width}),
          view<1>(buf.param[0], {k.width}),
          view<1>(buf.param[1], {k.width}),
          view<1>(buf.stat[0], {k.rows}),
          view<1>(buf.stat[1], {k.rows}),
          view<1>(buf.grad[0], {k.width}),
          view<1>(buf.grad[1], {k.width})};
}

constexpr int64_t kN = 64, kC = 256, kH = 28, kW = 28;

/// The operands of the NCHW kernels: x, y, scale, bias, running mean and
/// variance, and the updated running statistics; for the backward, dy, and
/// dg and db (dx is y; the saved mean and rstd are m and v).
struct NchwViews {
  StridedMemRefType<char, 4> x, y, dy;
  StridedMemRefType<char, 1> g, b, m, v, nm, nv, dg, db;
};
NchwViews nchwViews(bool nhwc = false) {
  Buffers &buf = buffers();
  std::array<int64_t, 4> dims = {kN, kC, kH, kW};
  if (nhwc)
    dims = {kN, kH, kW, kC};
  return {view<4>(buf.big[0], dims),
          view<4>(buf.big[2], dims),
          view<4>(buf.big[1], dims),
          view<1>(buf.param[0], {kC}),
          view<1>(buf.param[1], {kC}),
          view<1>(buf.param[2], {kC}),
          view<1>(buf.param[3], {kC}),
          view<1>(buf.big[3], {kC}),
          view<1>(static_cast<char *>(buf.big[3]) + 4096, {kC}),
          view<1>(buf.grad[0], {kC}),
          view<1>(buf.grad[1], {kC})};
}

//===----------------------------------------------------------------------===//
// Roofs and the plain C++ baseline
//===----------------------------------------------------------------------===//

/// Copies `bytes` (a multiple of 64) from `in` to `out`, with ordinary or
/// streaming 32-byte stores, over the OpenMP threads.
void copy(const void *in, void *out, size_t bytes, bool streaming) {
  const __m256 *src = static_cast<const __m256 *>(in);
  __m256 *dst = static_cast<__m256 *>(out);
  int64_t n = int64_t(bytes / 32);
  if (streaming) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i)
      _mm256_stream_ps(reinterpret_cast<float *>(dst + i), src[i]);
    _mm_sfence();
  } else {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i)
      _mm256_store_ps(reinterpret_cast<float *>(dst + i), src[i]);
  }
}

/// Writes the sum of `inputs` (f32 buffers of `bytes`, a multiple of 64) to
/// `out` in one pass over the OpenMP threads: the traffic of a backward,
/// which reads dy and x (and the sum's gradient) and writes dx.
void sum(std::vector<const void *> inputs, void *out, size_t bytes,
         bool streaming) {
  __m256 *dst = static_cast<__m256 *>(out);
  int64_t n = int64_t(bytes / 32);
  const __m256 *a = static_cast<const __m256 *>(inputs[0]);
  const __m256 *b = static_cast<const __m256 *>(inputs[1]);
  const __m256 *c =
      inputs.size() > 2 ? static_cast<const __m256 *>(inputs[2]) : nullptr;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    __m256 v = _mm256_add_ps(a[i], b[i]);
    if (c)
      v = _mm256_add_ps(v, c[i]);
    if (streaming)
      _mm256_stream_ps(reinterpret_cast<float *>(dst + i), v);
    else
      _mm256_store_ps(reinterpret_cast<float *>(dst + i), v);
  }
  if (streaming)
    _mm_sfence();
}

float load(const void *p, int64_t i, DType t) {
  if (t == DType::F32)
    return static_cast<const float *>(p)[i];
  uint32_t bits = uint32_t(static_cast<const uint16_t *>(p)[i]) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

void store(void *p, int64_t i, float v, DType t) {
  if (t == DType::F32)
    static_cast<float *>(p)[i] = v;
  else
    static_cast<uint16_t *>(p)[i] = Buffers::toBF16(v);
}

/// Layer norm as people write it in C++: a row at a time, mean, then
/// variance, then the output; threads over rows.
void cxxLayerNorm(const void *x, const void *g, const void *b, void *y,
                  int64_t rows, int64_t width, DType t) {
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    int64_t base = r * width;
    float sum = 0;
    for (int64_t i = 0; i < width; ++i)
      sum += load(x, base + i, t);
    float mean = sum / float(width);
    float m2 = 0;
    for (int64_t i = 0; i < width; ++i) {
      float d = load(x, base + i, t) - mean;
      m2 += d * d;
    }
    float rstd = 1.0f / std::sqrt(m2 / float(width) + 1e-5f);
    for (int64_t i = 0; i < width; ++i)
      store(y, base + i,
            (load(x, base + i, t) - mean) * rstd * load(g, i, t) +
                load(b, i, t),
            t);
  }
}

//===----------------------------------------------------------------------===//
// oneDNN
//===----------------------------------------------------------------------===//

dnnl::engine &engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::memory::data_type dnnlType(DType t) {
  return t == DType::F32 ? dnnl::memory::data_type::f32
                         : dnnl::memory::data_type::bf16;
}

/// Runs `body` under Google Benchmark and records the bytes it moves.
void timed(benchmark::State &state, int threads, double bytes,
           const std::function<void()> &body) {
  omp_set_num_threads(threads);
  body(); // warm: code, page tables, thread pool
  for (auto _ : state)
    body();
  state.counters["bytes"] = bytes;
  state.counters["GB/s"] =
      benchmark::Counter(bytes, benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::kIs1000);
}

void registerRowShape(const RowKernels &k, int threads) {
  std::string shape = std::to_string(k.rows) + "x" + std::to_string(k.width);
  std::string suffix = std::string("/") + name(k.dtype) + "/" + shape + "/t" +
                       std::to_string(threads);
  double tensor = double(k.rows) * double(k.width) * bytesOf(k.dtype);
  Buffers &buf = buffers();
  RowViews v = rowViews(k); // captured by the lambdas below

  auto reg = [&](const std::string &suite_op, double bytes,
                 std::function<void()> body) {
    DType dtype = k.dtype;
    benchmark::RegisterBenchmark((suite_op + suffix).c_str(),
                                 [=](benchmark::State &state) {
                                   buffers().fill(dtype);
                                   timed(state, threads, bytes, body);
                                 })
        ->UseRealTime()
        ->Unit(tensor < (1 << 20) ? benchmark::kMicrosecond
                                  : benchmark::kMillisecond);
  };

  reg("norm-mlir/layer_norm", 2 * tensor,
      [=]() mutable { k.layerNorm(&v.x, &v.g, &v.b, &v.y); });
  reg("norm-mlir/rms_norm", 2 * tensor,
      [=]() mutable { k.rmsNorm(&v.x, &v.g, &v.y); });
  reg("norm-mlir/add_rms_norm", 4 * tensor,
      [=]() mutable { k.addRmsNorm(&v.x, &v.r, &v.g, &v.y, &v.s); });
  reg("unfused/add_rms_norm", 4 * tensor, [=]() mutable {
    k.add(&v.x, &v.r, &v.s);
    k.rmsNorm(&v.s, &v.g, &v.y);
  });
  reg("roof/copy", 2 * tensor,
      [=] { copy(buf.big[0], buf.big[2], size_t(tensor), false); });
  reg("roof/copy_nt", 2 * tensor,
      [=] { copy(buf.big[0], buf.big[2], size_t(tensor), true); });
  reg("roof/copy2", 4 * tensor, [=] {
    copy(buf.big[0], buf.big[2], size_t(tensor), false);
    copy(buf.big[1], buf.big[3], size_t(tensor), false);
  });
  reg("roof/copy2_nt", 4 * tensor, [=] {
    copy(buf.big[0], buf.big[2], size_t(tensor), true);
    copy(buf.big[1], buf.big[3], size_t(tensor), true);
  });
  // The backward: dy and x read, dx written, the statistics read.
  double stats = double(k.rows) * 4;
  if (k.layerNormGrad) {
    reg("norm-mlir/layer_norm_grad", 3 * tensor + 2 * stats, [=]() mutable {
      k.layerNormGrad(&v.r, &v.x, &v.mean, &v.rstd, &v.g, &v.y, &v.dg, &v.db);
    });
    reg("norm-mlir/rms_norm_grad", 3 * tensor + stats, [=]() mutable {
      k.rmsNormGrad(&v.r, &v.x, &v.rstd, &v.g, &v.y, &v.dg);
    });
    reg("norm-mlir/add_rms_norm_grad", 4 * tensor + stats, [=]() mutable {
      k.addRmsNormGrad(&v.r, &v.x, &v.rstd, &v.g, &v.s, &v.y, &v.dg);
    });
    for (bool streaming : {false, true}) {
      std::string nt = streaming ? "_nt" : "";
      reg("roof/sum2" + nt, 3 * tensor, [=] {
        sum({buf.big[0], buf.big[1]}, buf.big[2], size_t(tensor), streaming);
      });
      reg("roof/sum3" + nt, 4 * tensor, [=] {
        sum({buf.big[0], buf.big[1], buf.big[3]}, buf.big[2], size_t(tensor),
            streaming);
      });
    }
  }
  reg("cxx/layer_norm", 2 * tensor, [=] {
    cxxLayerNorm(buf.big[0], buf.param[0], buf.param[1], buf.big[2], k.rows,
                 k.width, k.dtype);
  });

  // oneDNN: layer norm over the last dimension, scale and shift in f32.
  using namespace dnnl;
  memory::desc data({k.rows, k.width}, dnnlType(k.dtype),
                    memory::format_tag::ab);
  try {
    layer_normalization_forward::desc desc(
        prop_kind::forward_inference, data, 1e-5f,
        normalization_flags::use_scale | normalization_flags::use_shift);
    layer_normalization_forward::primitive_desc pd(desc, engine());
    memory::desc param({k.width}, memory::data_type::f32,
                       memory::format_tag::a);
    auto src = std::make_shared<memory>(data, engine(), buf.big[0]);
    auto dst = std::make_shared<memory>(data, engine(), buf.big[2]);
    auto scale = std::make_shared<memory>(param, engine(), buf.param[0]);
    auto shift = std::make_shared<memory>(param, engine(), buf.param[1]);
    auto mean = std::make_shared<memory>(pd.mean_desc(), engine());
    auto var = std::make_shared<memory>(pd.variance_desc(), engine());
    auto prim = std::make_shared<layer_normalization_forward>(pd);
    auto stream = std::make_shared<dnnl::stream>(engine());
    reg("onednn/layer_norm", 2 * tensor, [=] {
      prim->execute(*stream, {{DNNL_ARG_SRC, *src},
                              {DNNL_ARG_DST, *dst},
                              {DNNL_ARG_SCALE, *scale},
                              {DNNL_ARG_SHIFT, *shift},
                              {DNNL_ARG_MEAN, *mean},
                              {DNNL_ARG_VARIANCE, *var}});
      stream->wait();
    });
  } catch (const dnnl::error &e) {
    // No implementation for this dtype on this CPU: no row in the table.
  }

  if (!k.layerNormGrad)
    return;
  // oneDNN's backward from the saved mean and variance: diff_src and the
  // scale and shift gradients (f32). (oneDNN 2.6 refuses to run it without
  // the shift, which it does not read.)
  try {
    layer_normalization_forward::desc fwdDesc(
        prop_kind::forward_training, data, 1e-5f,
        normalization_flags::use_scale | normalization_flags::use_shift);
    layer_normalization_forward::primitive_desc fwd(fwdDesc, engine());
    layer_normalization_backward::desc desc(
        prop_kind::backward, data, data, 1e-5f,
        normalization_flags::use_scale | normalization_flags::use_shift);
    layer_normalization_backward::primitive_desc pd(desc, engine(), fwd);
    memory::desc param({k.width}, memory::data_type::f32,
                       memory::format_tag::a);
    auto src = std::make_shared<memory>(data, engine(), buf.big[0]);
    auto diffDst = std::make_shared<memory>(data, engine(), buf.big[1]);
    auto diffSrc = std::make_shared<memory>(data, engine(), buf.big[2]);
    auto scale = std::make_shared<memory>(param, engine(), buf.param[0]);
    auto shift = std::make_shared<memory>(param, engine(), buf.param[1]);
    auto diffScale = std::make_shared<memory>(param, engine(), buf.grad[0]);
    auto diffShift = std::make_shared<memory>(param, engine(), buf.grad[1]);
    auto mean = std::make_shared<memory>(pd.mean_desc(), engine(), buf.stat[0]);
    auto var =
        std::make_shared<memory>(pd.variance_desc(), engine(), buf.stat[1]);
    auto prim = std::make_shared<layer_normalization_backward>(pd);
    auto stream = std::make_shared<dnnl::stream>(engine());
    reg("onednn/layer_norm_grad", 3 * tensor + 2 * stats, [=] {
      prim->execute(*stream, {{DNNL_ARG_SRC, *src},
                              {DNNL_ARG_DIFF_DST, *diffDst},
                              {DNNL_ARG_MEAN, *mean},
                              {DNNL_ARG_VARIANCE, *var},
                              {DNNL_ARG_SCALE, *scale},
                              {DNNL_ARG_SHIFT, *shift},
                              {DNNL_ARG_DIFF_SRC, *diffSrc},
                              {DNNL_ARG_DIFF_SCALE, *diffScale},
                              {DNNL_ARG_DIFF_SHIFT, *diffShift}});
      stream->wait();
    });
  } catch (const dnnl::error &e) {
    // As above.
  }
}

/// Batch and group norm on 64x256x28x28, NCHW or (`nhwc`) the same tensor
/// channels last, against oneDNN's batch norm on the same layout; the
/// backward on NCHW.
void registerNchw(int threads, bool nhwc) {
  std::string suffix =
      std::string(nhwc ? "/f32/64x28x28x256" : "/f32/64x256x28x28") + "/t" +
      std::to_string(threads);
  double tensor = double(kN * kC * kH * kW) * 4;
  Buffers &buf = buffers();
  NchwViews v = nchwViews(nhwc); // captured by the lambdas below
  auto batchNorm = nhwc ? _mlir_ciface_batch_norm_f32_64x28x28x256
                        : _mlir_ciface_batch_norm_f32_64x256x28x28;
  auto groupNorm = nhwc ? _mlir_ciface_group_norm_f32_64x28x28x256
                        : _mlir_ciface_group_norm_f32_64x256x28x28;

  auto reg = [&](const std::string &suite_op, std::function<void()> body,
                 int tensors = 2) {
    benchmark::RegisterBenchmark((suite_op + suffix).c_str(),
                                 [=](benchmark::State &state) {
                                   buffers().fill(DType::F32);
                                   timed(state, threads, tensors * tensor,
                                         body);
                                 })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  };
  reg("norm-mlir/batch_norm", [=]() mutable {
    batchNorm(&v.x, &v.g, &v.b, &v.m, &v.v, &v.y, &v.nm, &v.nv);
  });
  reg("norm-mlir/group_norm",
      [=]() mutable { groupNorm(&v.x, &v.g, &v.b, &v.y); });
  reg("roof/copy",
      [=] { copy(buf.big[0], buf.big[2], size_t(tensor), false); });
  reg("roof/copy_nt",
      [=] { copy(buf.big[0], buf.big[2], size_t(tensor), true); });
  if (!nhwc) {
    reg(
        "norm-mlir/batch_norm_grad",
        [=]() mutable {
          _mlir_ciface_batch_norm_grad_f32_64x256x28x28(
              &v.dy, &v.x, &v.m, &v.v, &v.g, &v.y, &v.dg, &v.db);
        },
        3);
    for (bool streaming : {false, true})
      reg(
          std::string("roof/sum2") + (streaming ? "_nt" : ""),
          [=] {
            sum({buf.big[0], buf.big[1]}, buf.big[2], size_t(tensor),
                streaming);
          },
          3);
  }

  using namespace dnnl;
  memory::desc data({kN, kC, kH, kW}, memory::data_type::f32,
                    nhwc ? memory::format_tag::nhwc : memory::format_tag::nchw);
  batch_normalization_forward::desc desc(
      prop_kind::forward_training, data, 1e-5f,
      normalization_flags::use_scale | normalization_flags::use_shift);
  batch_normalization_forward::primitive_desc pd(desc, engine());
  memory::desc param({kC}, memory::data_type::f32, memory::format_tag::a);
  auto src = std::make_shared<memory>(data, engine(), buf.big[0]);
  auto dst = std::make_shared<memory>(data, engine(), buf.big[2]);
  auto scale = std::make_shared<memory>(param, engine(), buf.param[0]);
  auto shift = std::make_shared<memory>(param, engine(), buf.param[1]);
  // (Mean 0 and variance 1 until the forward writes them.)
  auto mean = std::make_shared<memory>(pd.mean_desc(), engine(), buf.stat[0]);
  auto var =
      std::make_shared<memory>(pd.variance_desc(), engine(), buf.stat[1]);
  auto ws = std::make_shared<memory>(pd.workspace_desc(), engine());
  auto prim = std::make_shared<batch_normalization_forward>(pd);
  auto stream = std::make_shared<dnnl::stream>(engine());
  reg("onednn/batch_norm", [=] {
    prim->execute(*stream, {{DNNL_ARG_SRC, *src},
                            {DNNL_ARG_DST, *dst},
                            {DNNL_ARG_SCALE, *scale},
                            {DNNL_ARG_SHIFT, *shift},
                            {DNNL_ARG_MEAN, *mean},
                            {DNNL_ARG_VARIANCE, *var},
                            {DNNL_ARG_WORKSPACE, *ws}});
    stream->wait();
  });

  // The backward from the saved mean and variance (the forward's above).
  if (nhwc)
    return;
  batch_normalization_backward::desc bwdDesc(
      prop_kind::backward, data, data, 1e-5f,
      normalization_flags::use_scale | normalization_flags::use_shift);
  batch_normalization_backward::primitive_desc bwd(bwdDesc, engine(), pd);
  auto diffDst = std::make_shared<memory>(data, engine(), buf.big[1]);
  auto diffScale = std::make_shared<memory>(param, engine(), buf.grad[0]);
  auto diffShift = std::make_shared<memory>(param, engine(), buf.grad[1]);
  auto bwdPrim = std::make_shared<batch_normalization_backward>(bwd);
  reg(
      "onednn/batch_norm_grad",
      [=] {
        bwdPrim->execute(*stream, {{DNNL_ARG_SRC, *src},
                                   {DNNL_ARG_DIFF_DST, *diffDst},
                                   {DNNL_ARG_MEAN, *mean},
                                   {DNNL_ARG_VARIANCE, *var},
                                   {DNNL_ARG_SCALE, *scale},
                                   {DNNL_ARG_SHIFT, *shift},
                                   {DNNL_ARG_DIFF_SRC, *dst},
                                   {DNNL_ARG_DIFF_SCALE, *diffScale},
                                   {DNNL_ARG_DIFF_SHIFT, *diffShift},
                                   {DNNL_ARG_WORKSPACE, *ws}});
        stream->wait();
      },
      3);
}
//===----------------------------------------------------------------------===//
// --check: the kernels timed here against the float64 references
//===----------------------------------------------------------------------===//

norm::rt::Tensor toReference(const void *p, std::vector<int64_t> shape,
                             DType t) {
  norm::rt::Tensor out{shape, {}};
  out.data.resize(out.numElements());
  for (int64_t i = 0; i < out.numElements(); ++i)
    out.data[i] = load(p, i, t);
  return out;
}

/// Compares `got` with `want` elementwise: f32 to 1e-5 relative plus 1e-5
/// absolute, bf16 to one bf16 ulp (2^-7 relative) of the float64 result.
/// A sum over rows (a scale or bias gradient) may also be off by 1e-5 of the
/// sum of its terms' magnitudes, `terms` (its shape), the bound an f32
/// summation in any order meets.
bool compare(const std::string &what, const void *got,
             const norm::rt::Tensor &want, DType t,
             const norm::rt::Tensor *terms = nullptr) {
  double rtol = t == DType::F32 ? 1e-5 : 1.0 / 128, atol = 1e-5;
  double worst = 0;
  int64_t bad = 0;
  for (int64_t i = 0; i < want.numElements(); ++i) {
    double err = std::abs(load(got, i, t) - want.data[i]);
    worst = std::max(worst, err);
    double slack = terms ? 1e-5 * terms->data[i] : 0.0;
    if (!(err <= atol + rtol * std::abs(want.data[i]) + slack))
      ++bad;
  }
  std::printf("%-40s max abs error %.2e  %s\n", what.c_str(), worst,
              bad ? "FAIL" : "ok");
  return bad == 0;
}

/// Stores `t` (f32) at `p` and returns it as the f32 values it now holds.
norm::rt::Tensor storeF32(float *p, norm::rt::Tensor t) {
  for (int64_t i = 0; i < t.numElements(); ++i)
    t.data[i] = p[i] = float(t.data[i]);
  return t;
}

/// Per column of [rows, width] tensors, the sums over rows of |a * b| (b
/// absent: |a|): what bounds the rounding of a scale or bias gradient.
norm::rt::Tensor columnAbsSums(const norm::rt::Tensor &a,
                               const norm::rt::Tensor *b) {
  int64_t width = a.shape.back(), rows = a.numElements() / width;
  norm::rt::Tensor out{{width}, std::vector<double>(width, 0.0)};
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < width; ++c)
      out.data[c] +=
          std::abs(a.data[r * width + c] * (b ? b->data[r * width + c] : 1.0));
  return out;
}

/// The normalized x, (x - mean) * rstd per row (mean absent: 0).
norm::rt::Tensor normalized(const norm::rt::Tensor &x,
                            const norm::rt::Tensor *mean,
                            const norm::rt::Tensor &rstd) {
  norm::rt::Tensor out = x;
  int64_t width = x.shape.back();
  for (int64_t i = 0; i < x.numElements(); ++i)
    out.data[i] = (x.data[i] - (mean ? mean->data[i / width] : 0.0)) *
                  rstd.data[i / width];
  return out;
}

/// Runs the backward kernels of one row shape on dy = r and x, from the
/// statistics of x (rounded to f32, as the forward saves them), and compares
/// dx, dscale and dbias with runtime/reference.
bool checkGradients(const RowKernels &k, const std::string &tag) {
  Buffers &buf = buffers();
  RowViews v = rowViews(k);
  std::vector<int64_t> shape = {k.rows, k.width};
  norm::rt::Tensor x = toReference(buf.big[0], shape, k.dtype);
  norm::rt::Tensor dy = toReference(buf.big[1], shape, k.dtype);
  norm::rt::Tensor ds = toReference(buf.big[3], shape, k.dtype);
  norm::rt::Tensor g = toReference(buf.param[0], {k.width}, k.dtype);
  norm::rt::Tensor mean, rstd, rmsRstd;
  norm::rt::layerNorm(x, nullptr, nullptr, 1, 1e-5, &mean, &rstd);
  norm::rt::rmsNorm(x, nullptr, 1, 1e-6, 0.0, &rmsRstd);
  mean = storeF32(buf.stat[0], mean);
  rstd = storeF32(buf.stat[1], rstd);
  bool ok = true;

  k.layerNormGrad(&v.r, &v.x, &v.mean, &v.rstd, &v.g, &v.y, &v.dg, &v.db);
  norm::rt::RowNormGrad want =
      norm::rt::layerNormGrad(dy, x, mean, rstd, &g, nullptr, 1);
  norm::rt::Tensor xhat = normalized(x, &mean, rstd);
  norm::rt::Tensor scaleTerms = columnAbsSums(dy, &xhat);
  norm::rt::Tensor biasTerms = columnAbsSums(dy, nullptr);
  ok &= compare("layer_norm_grad (dx)/" + tag, buf.big[2], want.input, k.dtype);
  ok &= compare("layer_norm_grad (dscale)/" + tag, buf.grad[0], want.scale,
                k.dtype, &scaleTerms);
  ok &= compare("layer_norm_grad (dbias)/" + tag, buf.grad[1], want.bias,
                k.dtype, &biasTerms);

  rstd = storeF32(buf.stat[1], rmsRstd);
  xhat = normalized(x, nullptr, rstd);
  scaleTerms = columnAbsSums(dy, &xhat);
  k.rmsNormGrad(&v.r, &v.x, &v.rstd, &v.g, &v.y, &v.dg);
  want = norm::rt::rmsNormGrad(dy, x, rstd, &g, nullptr, 1, 0.0);
  ok &= compare("rms_norm_grad (dx)/" + tag, buf.big[2], want.input, k.dtype);
  ok &= compare("rms_norm_grad (dscale)/" + tag, buf.grad[0], want.scale,
                k.dtype, &scaleTerms);
  k.addRmsNormGrad(&v.r, &v.x, &v.rstd, &v.g, &v.s, &v.y, &v.dg);
  want = norm::rt::rmsNormGrad(dy, x, rstd, &g, &ds, 1, 0.0);
  ok &=
      compare("add_rms_norm_grad (dx)/" + tag, buf.big[2], want.input, k.dtype);
  ok &= compare("add_rms_norm_grad (dscale)/" + tag, buf.grad[0], want.scale,
                k.dtype, &scaleTerms);
  return ok;
}

/// Runs every kernel of the small row shape, one large one (streaming,
/// aligned stores) and the batch and group norms once on the benchmark
/// buffers, with scale and bias that are not 1 and 0, and compares the
/// results with runtime/reference. Exit status 1 on any mismatch.
int checkKernels() {
  Buffers &buf = buffers();
  bool ok = true;
  for (const RowKernels &k : kRowKernels) {
    if (!((k.rows == 1024 && k.width == 768) ||
          (k.rows == 4096 && k.width == 4096)))
      continue;
    buf.fill(k.dtype);
    for (int64_t i = 0; i < k.width; ++i) {
      store(buf.param[0], i, 1.0f + 0.001f * float(i % 97), k.dtype);
      store(buf.param[1], i, 0.01f * float(i % 13) - 0.05f, k.dtype);
    }
    RowViews v = rowViews(k);
    auto &x = v.x, &r = v.r, &y = v.y, &s = v.s;
    auto &g = v.g, &b = v.b;
    std::vector<int64_t> shape = {k.rows, k.width};
    norm::rt::Tensor rx = toReference(buf.big[0], shape, k.dtype);
    norm::rt::Tensor rr = toReference(buf.big[1], shape, k.dtype);
    norm::rt::Tensor rg = toReference(buf.param[0], {k.width}, k.dtype);
    norm::rt::Tensor rb = toReference(buf.param[1], {k.width}, k.dtype);
    std::string tag = std::string(name(k.dtype)) + "/" +
                      std::to_string(k.rows) + "x" + std::to_string(k.width);

    k.layerNorm(&x, &g, &b, &y);
    ok &= compare("layer_norm/" + tag, buf.big[2],
                  norm::rt::layerNorm(rx, &rg, &rb, 1, 1e-5), k.dtype);
    k.rmsNorm(&x, &g, &y);
    ok &= compare("rms_norm/" + tag, buf.big[2],
                  norm::rt::rmsNorm(rx, &rg, 1, 1e-6, 0.0), k.dtype);
    k.addRmsNorm(&x, &r, &g, &y, &s);
    auto [ry, rs] = norm::rt::addRmsNorm(rx, rr, &rg, 1, 1e-6, 0.0);
    ok &= compare("add_rms_norm/" + tag, buf.big[2], ry, k.dtype);
    ok &= compare("add_rms_norm (sum)/" + tag, buf.big[3], rs, k.dtype);
    k.add(&x, &r, &s);
    ok &= compare("add/" + tag, buf.big[3], rs, k.dtype);
    ok &= checkGradients(k, tag);
  }

  buf.fill(DType::F32);
  for (int64_t i = 0; i < kC; ++i) {
    store(buf.param[0], i, 1.0f + 0.01f * float(i % 7), DType::F32);
    store(buf.param[1], i, 0.02f * float(i % 5), DType::F32);
  }
  std::vector<int64_t> nchw = {kN, kC, kH, kW};
  auto [x, y, dy, g, b, m, v, nm, nv, dg, db] = nchwViews();
  norm::rt::Tensor rx = toReference(buf.big[0], nchw, DType::F32);
  norm::rt::Tensor rg = toReference(buf.param[0], {kC}, DType::F32);
  norm::rt::Tensor rb = toReference(buf.param[1], {kC}, DType::F32);
  _mlir_ciface_group_norm_f32_64x256x28x28(&x, &g, &b, &y);
  ok &= compare("group_norm/f32/64x256x28x28", buf.big[2],
                norm::rt::groupNorm(rx, &rg, &rb, 32, 1e-5, 1), DType::F32);
  _mlir_ciface_batch_norm_f32_64x256x28x28(&x, &g, &b, &m, &v, &y, &nm, &nv);
  norm::rt::Tensor rm = toReference(buf.param[2], {kC}, DType::F32);
  norm::rt::Tensor rv = toReference(buf.param[3], {kC}, DType::F32);
  ok &= compare("batch_norm/f32/64x256x28x28", buf.big[2],
                norm::rt::batchNorm(rx, rg, rb, rm, rv, /*mask=*/nullptr,
                                    /*train=*/true, 1e-5, 0.1, 1)
                    .result,
                DType::F32);

  // The same data as NHWC.
  {
    auto [xl, yl, dyl, gl, bl, ml, vl, nml, nvl, dgl, dbl] = nchwViews(true);
    norm::rt::Tensor rxl =
        toReference(buf.big[0], {kN, kH, kW, kC}, DType::F32);
    _mlir_ciface_group_norm_f32_64x28x28x256(&xl, &gl, &bl, &yl);
    ok &= compare("group_norm/f32/64x28x28x256", buf.big[2],
                  norm::rt::groupNorm(rxl, &rg, &rb, 32, 1e-5, 3), DType::F32);
    _mlir_ciface_batch_norm_f32_64x28x28x256(&xl, &gl, &bl, &ml, &vl, &yl, &nml,
                                             &nvl);
    ok &= compare("batch_norm/f32/64x28x28x256", buf.big[2],
                  norm::rt::batchNorm(rxl, rg, rb, rm, rv, /*mask=*/nullptr,
                                      /*train=*/true, 1e-5, 0.1, 3)
                      .result,
                  DType::F32);
  }

  // The backward from the statistics of x (f32, in m and v).
  norm::rt::BatchNormResult stats = norm::rt::batchNorm(
      rx, rg, rb, rm, rv, /*mask=*/nullptr, /*train=*/true, 1e-5, 0.1, 1);
  norm::rt::Tensor mean =
      storeF32(static_cast<float *>(buf.param[2]), stats.savedMean);
  norm::rt::Tensor rstd =
      storeF32(static_cast<float *>(buf.param[3]), stats.savedRstd);
  norm::rt::Tensor rdy = toReference(buf.big[1], nchw, DType::F32);
  _mlir_ciface_batch_norm_grad_f32_64x256x28x28(&dy, &x, &m, &v, &g, &y, &dg,
                                                &db);
  norm::rt::RowNormGrad want = norm::rt::batchNormGrad(
      rdy, rx, mean, rstd, rg, /*mask=*/nullptr, /*train=*/true, 1);
  // Per channel, the sums of |dy * xhat| and |dy| over N, H and W.
  norm::rt::Tensor scaleTerms{{kC}, std::vector<double>(kC, 0.0)};
  norm::rt::Tensor biasTerms = scaleTerms;
  for (int64_t i = 0; i < rx.numElements(); ++i) {
    int64_t c = i / (kH * kW) % kC;
    double xhat = (rx.data[i] - mean.data[c]) * rstd.data[c];
    scaleTerms.data[c] += std::abs(rdy.data[i] * xhat);
    biasTerms.data[c] += std::abs(rdy.data[i]);
  }
  ok &= compare("batch_norm_grad (dx)/f32/64x256x28x28", buf.big[2], want.input,
                DType::F32);
  ok &= compare("batch_norm_grad (dscale)/f32/64x256x28x28", buf.grad[0],
                want.scale, DType::F32, &scaleTerms);
  ok &= compare("batch_norm_grad (dbias)/f32/64x256x28x28", buf.grad[1],
                want.bias, DType::F32, &biasTerms);
  return ok ? 0 : 1;
}
} // namespace

int main(int argc, char **argv) {
  if (argc == 2 && std::string(argv[1]) == "--check")
    return checkKernels();
  for (int threads : {1, 2}) {
    for (const RowKernels &k : kRowKernels)
      registerRowShape(k, threads);
    registerNchw(threads, /*nhwc=*/false);
    registerNchw(threads, /*nhwc=*/true);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
