//===- CpuRuntime.cpp - Functions lowered CPU code calls ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The single-process collectives and the hook a multi-process launcher uses
// to replace them.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/CpuRuntime.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {
const norm::rt::Collectives *collectives = nullptr;
std::string programName;
} // namespace

void norm::rt::setCollectives(const Collectives *c) { collectives = c; }

std::string_view norm::rt::groupName(StridedMemRefType<int8_t, 1> *group) {
  return {reinterpret_cast<const char *>(group->data + group->offset),
          static_cast<size_t>(group->sizes[0])};
}

void norm::rt::requireSingleProcess(std::string_view group,
                                    const char *engine) {
  if (!launchedByMpi())
    return;
  std::fprintf(stderr,
               "%s: started by mpirun, but built without %s: the statistics "
               "of sync_group '%.*s' cannot be merged\n",
               programName.empty() ? "error" : programName.c_str(), engine,
               static_cast<int>(group.size()), group.data());
  std::exit(2);
}

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

extern "C" int64_t
_mlir_ciface_norm_rt_group_size(StridedMemRefType<int8_t, 1> *group) {
  std::string_view name = norm::rt::groupName(group);
  if (!collectives) {
    norm::rt::requireSingleProcess(name, "MPI");
    return 1;
  }
  return collectives->groupSize(name.data(), name.size());
}

extern "C" void
_mlir_ciface_norm_rt_all_gather_f64(StridedMemRefType<double, 1> *local,
                                    StridedMemRefType<double, 1> *gathered,
                                    StridedMemRefType<int8_t, 1> *group) {
  // (The lowering passes fresh contiguous buffers.)
  const double *in = local->data + local->offset;
  double *out = gathered->data + gathered->offset;
  std::string_view name = norm::rt::groupName(group);
  if (!collectives) {
    norm::rt::requireSingleProcess(name, "MPI");
    std::copy(in, in + local->sizes[0], out);
    return;
  }
  collectives->allGather(name.data(), name.size(), in, out, local->sizes[0]);
}
