//===- NcclRuntime.cpp - norm.all_reduce_stats on NCCL --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// See NcclRuntime.h. An all-gather of every member's (count, mean, m2)
// block, not an all-reduce, for the reason MpiRuntime.cpp gives: the
// lowering merges the blocks in rank order, the same bits on every member.
//
//===----------------------------------------------------------------------===//

#include "runtime/nccl/NcclRuntime.h"
#include "runtime/cuda/CudaRuntime.h"
#include "runtime/mpi/MpiRuntime.h"

#include <nccl.h>

#include <map>
#include <string>

namespace {
std::map<std::string, ncclComm_t> communicators;

void check(ncclResult_t result, const char *call) {
  if (result != ncclSuccess)
    norm::rt::mpi::abort(std::string(call) +
                         " failed: " + ncclGetErrorString(result));
}

/// The group's NCCL communicator, made on first use (a collective: every
/// member reaches it at the same collective).
ncclComm_t communicator(const std::string &group) {
  auto it = communicators.find(group);
  if (it != communicators.end())
    return it->second;
  int members = static_cast<int>(
      norm::rt::mpi::groupSize(group.data(), group.size()));
  int rank = norm::rt::mpi::groupRank(group);
  ncclUniqueId id;
  if (rank == 0)
    check(ncclGetUniqueId(&id), "ncclGetUniqueId");
  norm::rt::mpi::broadcast(group, &id, sizeof(id));
  ncclComm_t comm = nullptr;
  check(ncclCommInitRank(&comm, members, id, rank), "ncclCommInitRank");
  return communicators[group] = comm;
}

void allGather(const char *group, int64_t groupLength, const double *local,
               double *gathered, int64_t count, void *stream) {
  check(ncclAllGather(local, gathered, static_cast<size_t>(count), ncclDouble,
                      communicator(std::string(group, groupLength)),
                      static_cast<cudaStream_t>(stream)),
        "ncclAllGather");
}
} // namespace

void norm::rt::nccl::init() {
  int localSize = 1;
  int local = mpi::localRank(localSize);
  int devices = norm_cuda_device_count();
  if (devices == 0)
    mpi::abort("no CUDA device for NCCL");
  if (localSize > devices)
    mpi::abort(std::to_string(localSize) + " ranks on this node but " +
               std::to_string(devices) +
               " GPUs: NCCL takes one GPU per rank");
  norm_cuda_select_device(local);
  static const DeviceCollectives collectives = {&mpi::groupSize, &allGather};
  setDeviceCollectives(&collectives);
}

void norm::rt::nccl::finalize() {
  for (auto &[name, comm] : communicators)
    ncclCommDestroy(comm);
  communicators.clear();
}
