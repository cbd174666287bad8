//===- Contractions.cpp - Matmuls and convolutions through oneDNN ---------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// oneDNN primitives for the views of Contractions.h, created once per
// shape, strides and types and cached (creating one costs tens of
// microseconds; a decode step's matmuls take a few). Convolution filters
// are reordered to the layout oneDNN's kernel asks for on every call: they
// are arguments, and may change between calls.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/Contractions.h"

#include <oneapi/dnnl/dnnl.h>

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace {
/// A rank-4 strided view, its offset applied, its unit dims' strides those
/// of a dense layout (oneDNN reads a unit dim's stride when it decides
/// whether an operand is transposed).
struct View {
  char *data;
  dnnl_data_type_t type;
  dnnl_dims_t sizes = {};
  dnnl_dims_t strides = {};

  size_t elementBytes() const { return type == dnnl_f32 ? 4 : 2; }
  int64_t elements() const {
    return sizes[0] * sizes[1] * sizes[2] * sizes[3];
  }
  char *at(int64_t i, int64_t j, int64_t k, int64_t l) const {
    return data + (i * strides[0] + j * strides[1] + k * strides[2] +
                   l * strides[3]) *
                      int64_t(elementBytes());
  }
  /// The descriptor of the view without its first `skip` (unit) dims.
  dnnl_memory_desc_t desc(int skip = 0) const;
};

template <typename T>
View viewOf(StridedMemRefType<T, 4> *m, dnnl_data_type_t type) {
  View v{reinterpret_cast<char *>(m->data + m->offset), type};
  for (int d = 0; d < 4; ++d) {
    v.sizes[d] = m->sizes[d];
    v.strides[d] = m->strides[d];
  }
  int64_t inner = 1;
  for (int d = 3; d >= 0; --d) {
    if (v.sizes[d] == 1)
      v.strides[d] = inner;
    inner = v.strides[d] * v.sizes[d];
  }
  return v;
}

[[noreturn]] void fatal(const char *what, dnnl_status_t status) {
  std::fprintf(stderr, "norm-mlir runtime: oneDNN: %s failed (status %d)\n",
               what, int(status));
  std::exit(3);
}

void check(dnnl_status_t status, const char *what) {
  if (status != dnnl_success)
    fatal(what, status);
}

dnnl_memory_desc_t View::desc(int skip) const {
  dnnl_memory_desc_t md;
  check(dnnl_memory_desc_init_by_strides(&md, 4 - skip, sizes + skip, type,
                                         strides + skip),
        "a memory descriptor");
  return md;
}

float bf16ToF32(uint16_t h) {
  uint32_t u = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

uint16_t f32ToBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u)
    return uint16_t((u >> 16) | 0x40); // a quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);   // to nearest, ties to even
  return uint16_t(u >> 16);
}

float load(const View &v, const char *p) {
  if (v.type == dnnl_f32) {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  uint16_t h;
  std::memcpy(&h, p, 2);
  return bf16ToF32(h);
}

void store(const View &v, char *p, float f) {
  if (v.type == dnnl_f32) {
    std::memcpy(p, &f, 4);
    return;
  }
  uint16_t h = f32ToBf16(f);
  std::memcpy(p, &h, 2);
}

template <typename Fn> void forEach(const View &v, Fn fn) {
  for (int64_t i = 0; i < v.sizes[0]; ++i)
    for (int64_t j = 0; j < v.sizes[1]; ++j)
      for (int64_t k = 0; k < v.sizes[2]; ++k)
        for (int64_t l = 0; l < v.sizes[3]; ++l)
          fn(v.at(i, j, k, l), ((i * v.sizes[1] + j) * v.sizes[2] + k) *
                                       v.sizes[3] +
                                   l);
}

/// A dense row-major f32 copy of `v` (its values when `copy`).
struct DenseF32 {
  std::vector<float> values;
  View view;

  DenseF32(const View &v, bool copy)
      : values(size_t(v.elements())), view{reinterpret_cast<char *>(values.data()),
                                         dnnl_f32} {
    int64_t stride = 1;
    for (int d = 3; d >= 0; --d) {
      view.sizes[d] = v.sizes[d];
      view.strides[d] = stride;
      stride *= v.sizes[d];
    }
    if (copy)
      forEach(v, [&](const char *p, int64_t i) { values[i] = load(v, p); });
  }
  void storeTo(const View &v) const {
    forEach(v, [&](char *p, int64_t i) { store(v, p, values[i]); });
  }
};

enum class Kind : int64_t { matmul, conv2d };

/// An operand of a cached primitive: the memory the primitive reads or
/// writes and, where oneDNN's kernel wants another layout than the user's
/// strides, a buffer in that layout with the reorders to and from it.
struct Operand {
  dnnl_memory_t memory = nullptr; // the primitive's
  dnnl_memory_t user = nullptr;   // the caller's, when reordered
  dnnl_primitive_t toKernel = nullptr, fromKernel = nullptr;
  std::vector<char> buffer;
};

struct Primitive {
  dnnl_primitive_t primitive = nullptr;
  Operand operands[3]; // src, weights, dst
  bool accumulate = false;
};

struct Library {
  dnnl_engine_t engine = nullptr;
  dnnl_stream_t stream = nullptr;
  std::mutex mutex;
  /// Shapes, strides and types to their primitive; nullptr where oneDNN
  /// has none (then the dense f32 form runs).
  std::map<std::vector<int64_t>, Primitive *> cache;

  Library() {
    check(dnnl_engine_create(&engine, dnnl_cpu, 0), "the CPU engine");
    check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags),
          "a stream");
  }
};

Library &library() {
  static Library *lib = new Library(); // never destroyed: kernels may run late
  return *lib;
}

std::vector<int64_t> keyOf(Kind kind, const View *views, const int64_t *params,
                           int numParams) {
  std::vector<int64_t> key = {int64_t(kind)};
  for (int i = 0; i < 3; ++i) {
    key.push_back(views[i].type);
    key.insert(key.end(), views[i].sizes, views[i].sizes + 4);
    key.insert(key.end(), views[i].strides, views[i].strides + 4);
  }
  key.insert(key.end(), params, params + numParams);
  return key;
}

dnnl_memory_t memoryFor(Library &lib, const dnnl_memory_desc_t *md) {
  dnnl_memory_t m;
  check(dnnl_memory_create(&m, md, lib.engine, DNNL_MEMORY_NONE), "a memory");
  return m;
}

dnnl_primitive_t reorder(Library &lib, const dnnl_memory_desc_t *from,
                         const dnnl_memory_desc_t *to) {
  dnnl_primitive_desc_t pd;
  check(dnnl_reorder_primitive_desc_create(&pd, from, lib.engine, to,
                                           lib.engine, nullptr),
        "a reorder");
  dnnl_primitive_t r;
  check(dnnl_primitive_create(&r, pd), "a reorder");
  dnnl_primitive_desc_destroy(pd);
  return r;
}

bool isUnitDim(const View *views, int dim) {
  return views[0].sizes[dim] == 1 && views[1].sizes[dim] == 1 &&
         views[2].sizes[dim] == 1;
}

/// The operand `kernel` of a primitive whose caller passes `user`.
void setUp(Library &lib, Operand &o, const dnnl_memory_desc_t &user,
           const dnnl_memory_desc_t &kernel, bool in, bool out) {
  o.memory = memoryFor(lib, &kernel);
  if (dnnl_memory_desc_equal(&user, &kernel))
    return;
  o.user = memoryFor(lib, &user);
  o.buffer.resize(dnnl_memory_desc_get_size(&kernel));
  check(dnnl_memory_set_data_handle(o.memory, o.buffer.data()),
        "a memory handle");
  if (in)
    o.toKernel = reorder(lib, &user, &kernel);
  if (out)
    o.fromKernel = reorder(lib, &kernel, &user);
}

/// The primitive of `kind` for `views` (a, b, c), or nullptr where oneDNN
/// has no implementation of it. params: accumulate, then the convolution's
/// strides, dilations, padding before and after (H, W each). A
/// convolution's operands take the layouts its fastest kernel wants
/// (NCHW data goes through oneDNN's blocked layouts, as PyTorch's does),
/// reordered on every call; a matmul's are the user's strides.
Primitive *create(Library &lib, Kind kind, const View *views,
                  const int64_t *params) {
  // A matmul's batch dims that are 1 everywhere are dropped: oneDNN's
  // fastest (brgemm) kernels take 2-D matrices, not 1 x 1 x M x K.
  int skip = 0;
  while (kind == Kind::matmul && skip < 2 &&
         isUnitDim(views, skip))
    ++skip;
  dnnl_memory_desc_t user[3] = {views[0].desc(skip), views[1].desc(skip),
                                views[2].desc(skip)};
  dnnl_memory_desc_t kernel[3] = {user[0], user[1], user[2]};
  dnnl_primitive_attr_t attr;
  check(dnnl_primitive_attr_create(&attr), "attributes");
  if (params[0]) {
    dnnl_post_ops_t ops;
    check(dnnl_post_ops_create(&ops), "post-ops");
    check(dnnl_post_ops_append_sum(ops, 1.0f), "a sum post-op");
    check(dnnl_primitive_attr_set_post_ops(attr, ops), "post-ops");
    dnnl_post_ops_destroy(ops);
  }
  dnnl_primitive_desc_t pd = nullptr;
  dnnl_status_t status;
  if (kind == Kind::matmul) {
    dnnl_matmul_desc_t desc;
    status = dnnl_matmul_desc_init(&desc, &user[0], &user[1], nullptr, &user[2]);
    if (status == dnnl_success)
      status = dnnl_primitive_desc_create(&pd, &desc, attr, lib.engine, nullptr);
  } else {
    dnnl_memory_desc_t any[3];
    for (int i = 0; i < 3; ++i)
      check(dnnl_memory_desc_init_by_tag(&any[i], 4, views[i].sizes,
                                         views[i].type, dnnl_format_tag_any),
            "a memory descriptor");
    dnnl_dims_t strides = {params[1], params[2]};
    dnnl_dims_t dilations = {params[3] - 1, params[4] - 1};
    dnnl_dims_t low = {params[5], params[6]}, high = {params[7], params[8]};
    dnnl_convolution_desc_t desc;
    status = dnnl_dilated_convolution_forward_desc_init(
        &desc, dnnl_forward_inference, dnnl_convolution_direct, &any[0],
        &any[1], nullptr, &any[2], strides, dilations, low, high);
    if (status == dnnl_success)
      status = dnnl_primitive_desc_create(&pd, &desc, attr, lib.engine, nullptr);
    if (status == dnnl_success) {
      kernel[0] = *dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
      kernel[1] = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
      kernel[2] = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    }
  }
  dnnl_primitive_attr_destroy(attr);
  if (status != dnnl_success)
    return nullptr;

  auto *p = new Primitive();
  p->accumulate = params[0] != 0;
  check(dnnl_primitive_create(&p->primitive, pd), "a primitive");
  dnnl_primitive_desc_destroy(pd);
  setUp(lib, p->operands[0], user[0], kernel[0], true, false);
  setUp(lib, p->operands[1], user[1], kernel[1], true, false);
  setUp(lib, p->operands[2], user[2], kernel[2], p->accumulate, true);
  return p;
}

void execute(Library &lib, Primitive *p, const View *views) {
  auto run = [&](dnnl_primitive_t r, dnnl_memory_t from, dnnl_memory_t to) {
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    check(dnnl_primitive_execute(r, lib.stream, 2, args), "a reorder");
  };
  for (int i = 0; i < 3; ++i) {
    Operand &o = p->operands[i];
    check(dnnl_memory_set_data_handle(o.user ? o.user : o.memory,
                                      views[i].data),
          "a memory handle");
    if (o.toKernel)
      run(o.toKernel, o.user, o.memory);
  }
  dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, p->operands[0].memory},
                            {DNNL_ARG_WEIGHTS, p->operands[1].memory},
                            {DNNL_ARG_DST, p->operands[2].memory}};
  check(dnnl_primitive_execute(p->primitive, lib.stream, 3, args),
        "a primitive");
  if (Operand &o = p->operands[2]; o.fromKernel)
    run(o.fromKernel, o.memory, o.user);
  check(dnnl_stream_wait(lib.stream), "the stream");
}

Primitive *cached(Library &lib, Kind kind, const View *views,
                  const int64_t *params, int numParams) {
  std::vector<int64_t> key = keyOf(kind, views, params, numParams);
  auto it = lib.cache.find(key);
  if (it != lib.cache.end())
    return it->second;
  Primitive *p = create(lib, kind, views, params);
  lib.cache.emplace(std::move(key), p);
  return p;
}

/// Runs `kind` on views (a, b, c); where oneDNN has nothing for these types
/// or strides, on dense f32 copies.
void run(Kind kind, View a, View b, View c, const int64_t *params,
         int numParams) {
  // Nothing to write, or nothing summed: c is c, or zeros.
  int64_t summed = kind == Kind::matmul ? a.sizes[3]
                                        : b.sizes[1] * b.sizes[2] * b.sizes[3];
  if (c.elements() == 0)
    return;
  if (summed == 0) {
    if (!params[0])
      forEach(c, [&](char *p, int64_t) { store(c, p, 0.0f); });
    return;
  }
  int64_t convParams[9];
  if (kind == Kind::conv2d) {
    // The padding after the input: what the output reads beyond it (the
    // input trimmed where it reads less).
    std::copy(params, params + 9, convParams);
    for (int d = 2; d < 4; ++d) {
      int64_t reads = (c.sizes[d] - 1) * params[d - 1] +
                      (b.sizes[d] - 1) * params[d + 1] + 1 - params[d + 3];
      if (reads < 1)
        fatal("a convolution that reads only padding", dnnl_invalid_arguments);
      convParams[d + 5] = std::max<int64_t>(reads - a.sizes[d], 0);
      a.sizes[d] = std::min(a.sizes[d], reads);
    }
    params = convParams;
  }
  Library &lib = library();
  std::lock_guard<std::mutex> lock(lib.mutex);
  View views[3] = {a, b, c};
  if (Primitive *p = cached(lib, kind, views, params, numParams))
    return execute(lib, p, views);
  DenseF32 da(a, true), db(b, true), dc(c, params[0] != 0);
  View dense[3] = {da.view, db.view, dc.view};
  Primitive *p = cached(lib, kind, dense, params, numParams);
  if (!p)
    fatal(kind == Kind::matmul ? "a dense f32 matmul" : "a dense f32 convolution",
          dnnl_unimplemented);
  execute(lib, p, dense);
  dc.storeTo(c);
}

template <typename A, typename C>
void matmul(StridedMemRefType<A, 4> *a, StridedMemRefType<A, 4> *b,
            StridedMemRefType<C, 4> *c, int32_t accumulate) {
  constexpr dnnl_data_type_t ta = sizeof(A) == 4 ? dnnl_f32 : dnnl_bf16;
  constexpr dnnl_data_type_t tc = sizeof(C) == 4 ? dnnl_f32 : dnnl_bf16;
  int64_t params[] = {accumulate != 0};
  run(Kind::matmul, viewOf(a, ta), viewOf(b, ta), viewOf(c, tc), params, 1);
}

template <typename A, typename C>
void conv2d(StridedMemRefType<A, 4> *input, StridedMemRefType<A, 4> *filter,
            StridedMemRefType<C, 4> *output, int64_t strideH, int64_t strideW,
            int64_t dilationH, int64_t dilationW, int64_t padH, int64_t padW,
            int32_t accumulate) {
  constexpr dnnl_data_type_t ta = sizeof(A) == 4 ? dnnl_f32 : dnnl_bf16;
  constexpr dnnl_data_type_t tc = sizeof(C) == 4 ? dnnl_f32 : dnnl_bf16;
  int64_t params[] = {accumulate != 0, strideH, strideW, dilationH,
                      dilationW,           padH,    padW,    0,
                      0};
  run(Kind::conv2d, viewOf(input, ta), viewOf(filter, ta), viewOf(output, tc),
      params, 9);
}
} // namespace

extern "C" {
void _mlir_ciface_norm_rt_matmul_f32_f32(StridedMemRefType<float, 4> *a,
                                         StridedMemRefType<float, 4> *b,
                                         StridedMemRefType<float, 4> *c,
                                         int32_t accumulate) {
  matmul(a, b, c, accumulate);
}
void _mlir_ciface_norm_rt_matmul_bf16_f32(StridedMemRefType<uint16_t, 4> *a,
                                          StridedMemRefType<uint16_t, 4> *b,
                                          StridedMemRefType<float, 4> *c,
                                          int32_t accumulate) {
  matmul(a, b, c, accumulate);
}
void _mlir_ciface_norm_rt_matmul_bf16_bf16(StridedMemRefType<uint16_t, 4> *a,
                                           StridedMemRefType<uint16_t, 4> *b,
                                           StridedMemRefType<uint16_t, 4> *c,
                                           int32_t accumulate) {
  matmul(a, b, c, accumulate);
}
void _mlir_ciface_norm_rt_conv2d_f32_f32(StridedMemRefType<float, 4> *input,
                                         StridedMemRefType<float, 4> *filter,
                                         StridedMemRefType<float, 4> *output,
                                         int64_t strideH, int64_t strideW,
                                         int64_t dilationH, int64_t dilationW,
                                         int64_t padH, int64_t padW,
                                         int32_t accumulate) {
  conv2d(input, filter, output, strideH, strideW, dilationH, dilationW, padH,
         padW, accumulate);
}
void _mlir_ciface_norm_rt_conv2d_bf16_f32(StridedMemRefType<uint16_t, 4> *input,
                                          StridedMemRefType<uint16_t, 4> *filter,
                                          StridedMemRefType<float, 4> *output,
                                          int64_t strideH, int64_t strideW,
                                          int64_t dilationH, int64_t dilationW,
                                          int64_t padH, int64_t padW,
                                          int32_t accumulate) {
  conv2d(input, filter, output, strideH, strideW, dilationH, dilationW, padH,
         padW, accumulate);
}
void _mlir_ciface_norm_rt_conv2d_bf16_bf16(StridedMemRefType<uint16_t, 4> *input,
                                           StridedMemRefType<uint16_t, 4> *filter,
                                           StridedMemRefType<uint16_t, 4> *output,
                                           int64_t strideH, int64_t strideW,
                                           int64_t dilationH, int64_t dilationW,
                                           int64_t padH, int64_t padW,
                                           int32_t accumulate) {
  conv2d(input, filter, output, strideH, strideW, dilationH, dilationW, padH,
         padW, accumulate);
}
}

void norm::rt::forEachContractionSymbol(
    void (*add)(const char *name, void *address, void *context),
    void *context) {
#define NORM_RT_SYMBOL(fn) add(#fn, reinterpret_cast<void *>(&fn), context)
  NORM_RT_SYMBOL(_mlir_ciface_norm_rt_matmul_f32_f32);
  NORM_RT_SYMBOL(_mlir_ciface_norm_rt_matmul_bf16_f32);
  NORM_RT_SYMBOL(_mlir_ciface_norm_rt_matmul_bf16_bf16);
  NORM_RT_SYMBOL(_mlir_ciface_norm_rt_conv2d_f32_f32);
  NORM_RT_SYMBOL(_mlir_ciface_norm_rt_conv2d_bf16_f32);
  NORM_RT_SYMBOL(_mlir_ciface_norm_rt_conv2d_bf16_bf16);
#undef NORM_RT_SYMBOL
}
