//===- CudaRuntime.cpp - The GPU launch ABI on the CUDA driver ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// See CudaRuntime.h. Written on the driver API (cuda.h) only, so that a
// program needs libcuda.so.1 and nothing from the toolkit at run time.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/CudaRuntime.h"
#include "runtime/cpu/CpuRuntime.h"

#include <cuda.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace {
[[noreturn]] void die(const char *call, CUresult result) {
  const char *name = nullptr, *text = nullptr;
  cuGetErrorName(result, &name);
  cuGetErrorString(result, &text);
  std::fprintf(stderr, "norm: CUDA error: %s failed: %s (%s)\n", call,
               name ? name : "unknown error", text ? text : "no description");
  std::exit(3);
}

#define NORM_CUDA_CHECK(expr)                                                  \
  do {                                                                         \
    CUresult result_ = (expr);                                                 \
    if (result_ != CUDA_SUCCESS)                                               \
      die(#expr, result_);                                                     \
  } while (false)

struct State {
  bool deferSync = false;
  int ordinal = 0;
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUstream stream = nullptr;
  CUevent start = nullptr, stop = nullptr;
};

State &state() {
  static State s;
  return s;
}

/// Makes the primary context of the device current (once per thread).
void ensureContext() {
  State &s = state();
  if (!s.context) {
    NORM_CUDA_CHECK(cuInit(0));
    NORM_CUDA_CHECK(cuDeviceGet(&s.device, s.ordinal));
    NORM_CUDA_CHECK(cuDevicePrimaryCtxRetain(&s.context, s.device));
  }
  NORM_CUDA_CHECK(cuCtxSetCurrent(s.context));
}

CUstream sharedStream() {
  ensureContext();
  State &s = state();
  if (!s.stream)
    NORM_CUDA_CHECK(cuStreamCreate(&s.stream, CU_STREAM_NON_BLOCKING));
  return s.stream;
}

const norm::rt::DeviceCollectives *deviceCollectives = nullptr;
} // namespace

void norm::rt::setDeviceCollectives(const DeviceCollectives *collectives) {
  deviceCollectives = collectives;
}

extern "C" {
int64_t _mlir_ciface_norm_rt_gpu_group_size(StridedMemRefType<int8_t, 1> *group) {
  std::string_view name = norm::rt::groupName(group);
  if (!deviceCollectives) {
    norm::rt::requireSingleProcess(name, "NCCL");
    return 1;
  }
  return deviceCollectives->groupSize(name.data(), name.size());
}

void _mlir_ciface_norm_rt_gpu_all_gather_f64(
    StridedMemRefType<double, 1> *local, StridedMemRefType<double, 1> *gathered,
    StridedMemRefType<int8_t, 1> *group) {
  // (The lowering passes fresh contiguous buffers.)
  const double *in = local->data + local->offset;
  double *out = gathered->data + gathered->offset;
  int64_t count = local->sizes[0];
  std::string_view name = norm::rt::groupName(group);
  if (!deviceCollectives) {
    norm::rt::requireSingleProcess(name, "NCCL");
    mgpuMemcpy(out, const_cast<double *>(in), count * sizeof(double),
               sharedStream());
    return;
  }
  deviceCollectives->allGather(name.data(), name.size(), in, out, count,
                               sharedStream());
}

void *mgpuModuleLoad(void *data, size_t /*size*/) {
  ensureContext();
  CUmodule module = nullptr;
  NORM_CUDA_CHECK(cuModuleLoadData(&module, data));
  return module;
}

void *mgpuModuleLoadJIT(void *data, int optLevel) {
  ensureContext();
  CUmodule module = nullptr;
  char log[4096] = {0};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {log, reinterpret_cast<void *>(sizeof(log)),
                    reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  CUresult result = cuModuleLoadDataEx(&module, data, 3, options, values);
  if (result != CUDA_SUCCESS) {
    std::fprintf(stderr, "norm: PTX JIT log: %s\n", log);
    die("cuModuleLoadDataEx", result);
  }
  return module;
}

void mgpuModuleUnload(void *module) {
  // At exit the driver may already be gone; an unload that fails then is
  // not worth an error.
  cuModuleUnload(static_cast<CUmodule>(module));
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  CUfunction function = nullptr;
  NORM_CUDA_CHECK(
      cuModuleGetFunction(&function, static_cast<CUmodule>(module), name));
  return function;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void ** /*extra*/,
                      size_t /*paramsCount*/) {
  // An empty tensor makes an empty grid: nothing to do (the driver would
  // call it an invalid value).
  if (gridX == 0 || gridY == 0 || gridZ == 0)
    return;
  NORM_CUDA_CHECK(cuLaunchKernel(
      static_cast<CUfunction>(function), gridX, gridY, gridZ, blockX, blockY,
      blockZ, smem, static_cast<CUstream>(stream), params, nullptr));
}

void *mgpuStreamCreate() { return sharedStream(); }

void mgpuStreamDestroy(void * /*stream*/) {}

void mgpuStreamSynchronize(void *stream) {
  if (state().deferSync)
    return;
  NORM_CUDA_CHECK(cuStreamSynchronize(static_cast<CUstream>(stream)));
}

void *mgpuEventCreate() {
  ensureContext();
  CUevent event = nullptr;
  NORM_CUDA_CHECK(cuEventCreate(&event, CU_EVENT_DISABLE_TIMING));
  return event;
}

void mgpuEventDestroy(void *event) {
  NORM_CUDA_CHECK(cuEventDestroy(static_cast<CUevent>(event)));
}

void mgpuEventSynchronize(void *event) {
  NORM_CUDA_CHECK(cuEventSynchronize(static_cast<CUevent>(event)));
}

void mgpuEventRecord(void *event, void *stream) {
  NORM_CUDA_CHECK(
      cuEventRecord(static_cast<CUevent>(event), static_cast<CUstream>(stream)));
}

void mgpuStreamWaitEvent(void *stream, void *event) {
  NORM_CUDA_CHECK(cuStreamWaitEvent(static_cast<CUstream>(stream),
                                    static_cast<CUevent>(event), 0));
}

void *mgpuMemAlloc(uint64_t bytes, void *stream, bool isHostShared) {
  ensureContext();
  CUdeviceptr ptr = 0;
  if (bytes == 0)
    return nullptr;
  if (isHostShared)
    NORM_CUDA_CHECK(cuMemAllocManaged(&ptr, bytes, CU_MEM_ATTACH_GLOBAL));
  else
    NORM_CUDA_CHECK(
        cuMemAllocAsync(&ptr, bytes, static_cast<CUstream>(stream)));
  return reinterpret_cast<void *>(ptr);
}

void mgpuMemFree(void *ptr, void *stream) {
  if (!ptr)
    return;
  NORM_CUDA_CHECK(cuMemFreeAsync(reinterpret_cast<CUdeviceptr>(ptr),
                                 static_cast<CUstream>(stream)));
}

void mgpuMemcpy(void *dst, void *src, size_t bytes, void *stream) {
  NORM_CUDA_CHECK(cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(dst),
                                reinterpret_cast<CUdeviceptr>(src), bytes,
                                static_cast<CUstream>(stream)));
}

void mgpuMemset32(void *dst, unsigned value, size_t count, void *stream) {
  NORM_CUDA_CHECK(cuMemsetD32Async(reinterpret_cast<CUdeviceptr>(dst), value,
                                   count, static_cast<CUstream>(stream)));
}

void mgpuMemset16(void *dst, unsigned short value, size_t count,
                  void *stream) {
  NORM_CUDA_CHECK(cuMemsetD16Async(reinterpret_cast<CUdeviceptr>(dst), value,
                                   count, static_cast<CUstream>(stream)));
}

void mgpuSetDefaultDevice(int32_t device) {
  if (device != 0) {
    std::fprintf(stderr, "norm: CUDA error: only device 0 is supported\n");
    std::exit(3);
  }
}

int norm_cuda_device_count() {
  int count = 0;
  if (cuInit(0) != CUDA_SUCCESS || cuDeviceGetCount(&count) != CUDA_SUCCESS)
    return 0;
  return count;
}

void norm_cuda_select_device(int ordinal) { state().ordinal = ordinal; }

void *norm_cuda_stream() { return sharedStream(); }

int norm_cuda_init(char *message, size_t length) {
  CUresult result = cuInit(0);
  int count = 0;
  if (result == CUDA_SUCCESS)
    result = cuDeviceGetCount(&count);
  if (result != CUDA_SUCCESS || count == 0) {
    const char *name = nullptr;
    if (result != CUDA_SUCCESS)
      cuGetErrorName(result, &name);
    std::snprintf(message, length, "no CUDA device (%s)",
                  name ? name : "the driver sees none");
    return 1;
  }
  ensureContext();
  return 0;
}

void norm_cuda_device(char *name, size_t length, double *peakBytesPerSecond) {
  ensureContext();
  State &s = state();
  NORM_CUDA_CHECK(cuDeviceGetName(name, static_cast<int>(length), s.device));
  int clockKHz = 0, busBits = 0;
  NORM_CUDA_CHECK(cuDeviceGetAttribute(
      &clockKHz, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, s.device));
  NORM_CUDA_CHECK(cuDeviceGetAttribute(
      &busBits, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, s.device));
  *peakBytesPerSecond = 2.0 * clockKHz * 1e3 * busBits / 8.0;
}

void *norm_cuda_alloc(size_t bytes) {
  ensureContext();
  CUdeviceptr ptr = 0;
  NORM_CUDA_CHECK(cuMemAlloc(&ptr, bytes ? bytes : 1));
  return reinterpret_cast<void *>(ptr);
}

void norm_cuda_free(void *ptr) {
  NORM_CUDA_CHECK(cuMemFree(reinterpret_cast<CUdeviceptr>(ptr)));
}

void norm_cuda_copy_to_device(void *dst, const void *src, size_t bytes) {
  if (bytes)
    NORM_CUDA_CHECK(cuMemcpyHtoD(reinterpret_cast<CUdeviceptr>(dst), src, bytes));
}

void norm_cuda_copy_to_host(void *dst, const void *src, size_t bytes) {
  if (bytes)
    NORM_CUDA_CHECK(
        cuMemcpyDtoH(dst, reinterpret_cast<CUdeviceptr>(src), bytes));
}

void norm_cuda_defer_sync(int on) {
  state().deferSync = on != 0;
  if (!on)
    NORM_CUDA_CHECK(cuCtxSynchronize());
}

void norm_cuda_timer_start() {
  State &s = state();
  CUstream stream = sharedStream();
  if (!s.start) {
    NORM_CUDA_CHECK(cuEventCreate(&s.start, CU_EVENT_DEFAULT));
    NORM_CUDA_CHECK(cuEventCreate(&s.stop, CU_EVENT_DEFAULT));
  }
  NORM_CUDA_CHECK(cuEventRecord(s.start, stream));
}

double norm_cuda_timer_stop() {
  State &s = state();
  NORM_CUDA_CHECK(cuEventRecord(s.stop, sharedStream()));
  NORM_CUDA_CHECK(cuEventSynchronize(s.stop));
  float ms = 0;
  NORM_CUDA_CHECK(cuEventElapsedTime(&ms, s.start, s.stop));
  return ms;
}
}
