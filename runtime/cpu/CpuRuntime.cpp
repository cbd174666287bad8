//===- CpuRuntime.cpp - Functions lowered CPU code calls ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The single-process collective and the hook a multi-process launcher uses
// to replace it.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/CpuRuntime.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {
norm::rt::AllReduceStatsFn allReduceStats = nullptr;
std::string programName;

template <typename T>
void allReduce(StridedMemRefType<T, 1> *count, StridedMemRefType<T, 1> *mean,
               StridedMemRefType<T, 1> *m2, StridedMemRefType<int8_t, 1> *group) {
  if (!allReduceStats) {
    if (norm::rt::launchedByMpi()) {
      std::fprintf(stderr,
                   "%s: started by mpirun, but built without MPI: the "
                   "statistics of sync_group '%.*s' cannot be merged\n",
                   programName.empty() ? "error" : programName.c_str(),
                   static_cast<int>(group->sizes[0]),
                   reinterpret_cast<const char *>(group->data + group->offset));
      std::exit(2);
    }
    return; // one member: the group's statistics are this member's
  }
  int64_t channels = count->sizes[0];
  std::vector<double> n(channels), mu(channels), s(channels);
  auto at = [](StridedMemRefType<T, 1> *m, int64_t i) -> T & {
    return m->data[m->offset + i * m->strides[0]];
  };
  for (int64_t c = 0; c < channels; ++c) {
    n[c] = at(count, c);
    mu[c] = at(mean, c);
    s[c] = at(m2, c);
  }
  allReduceStats(reinterpret_cast<const char *>(group->data + group->offset),
                 group->sizes[0], n.data(), mu.data(), s.data(), channels);
  for (int64_t c = 0; c < channels; ++c) {
    at(count, c) = static_cast<T>(n[c]);
    at(mean, c) = static_cast<T>(mu[c]);
    at(m2, c) = static_cast<T>(s[c]);
  }
}
} // namespace

void norm::rt::setAllReduceStats(AllReduceStatsFn fn) { allReduceStats = fn; }

bool norm::rt::launchedByMpi() {
  for (const char *var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(var))
      return true;
  return false;
}

void norm::rt::setProgramName(const char *name) { programName = name; }

std::string norm::rt::sizeMismatchMessage(int64_t argument, int64_t dim,
                                          int64_t size, int64_t otherArgument,
                                          int64_t otherDim,
                                          int64_t otherSize) {
  std::string head = "argument #" + std::to_string(argument) + " has " +
                     std::to_string(size) + " in dim " + std::to_string(dim);
  if (otherArgument < 0)
    return head + " where the program has " + std::to_string(otherSize);
  return head + ", argument #" + std::to_string(otherArgument) + " " +
         std::to_string(otherSize) + " in dim " + std::to_string(otherDim) +
         ": the program needs them equal";
}

extern "C" void norm_rt_size_mismatch(int64_t argument, int64_t dim,
                                      int64_t size, int64_t otherArgument,
                                      int64_t otherDim, int64_t otherSize) {
  std::fprintf(stderr, "%s: %s\n",
               programName.empty() ? "error" : programName.c_str(),
               norm::rt::sizeMismatchMessage(argument, dim, size,
                                             otherArgument, otherDim,
                                             otherSize)
                   .c_str());
  std::fflush(stderr);
  std::exit(2);
}

extern "C" void _mlir_ciface_norm_rt_all_reduce_stats_f32(
    StridedMemRefType<float, 1> *count, StridedMemRefType<float, 1> *mean,
    StridedMemRefType<float, 1> *m2, StridedMemRefType<int8_t, 1> *group) {
  allReduce(count, mean, m2, group);
}

extern "C" void _mlir_ciface_norm_rt_all_reduce_stats_f64(
    StridedMemRefType<double, 1> *count, StridedMemRefType<double, 1> *mean,
    StridedMemRefType<double, 1> *m2, StridedMemRefType<int8_t, 1> *group) {
  allReduce(count, mean, m2, group);
}
