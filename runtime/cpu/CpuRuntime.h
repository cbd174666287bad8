//===- CpuRuntime.h - Functions lowered CPU code calls ------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The C ABI that code from norm-lower-to-llvm-cpu calls into: the collective
// behind norm.all_reduce_stats and the report of arguments whose sizes
// disagree. Single process by default; a launcher for
// several processes (MPI) installs its own collectives.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_RUNTIME_CPU_CPURUNTIME_H
#define NORM_RUNTIME_CPU_CPURUNTIME_H

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <cstdint>
#include <string>
#include <string_view>

extern "C" {
/// The collectives behind norm.all_reduce_stats (the lowering merges what
/// they gather). `group` names the group (bytes, not NUL-terminated).
/// The number of members of the group: 1 in a single process.
int64_t _mlir_ciface_norm_rt_group_size(StridedMemRefType<int8_t, 1> *group);
/// Every member's `local` block, in rank order, into `gathered` (group size
/// times as long); in a single process a copy.
void _mlir_ciface_norm_rt_all_gather_f64(StridedMemRefType<double, 1> *local,
                                         StridedMemRefType<double, 1> *gathered,
                                         StridedMemRefType<int8_t, 1> *group);

/// What norm-check-shapes calls when dim `dim` of argument `argument` has
/// `size` but must equal dim `otherDim` of argument `otherArgument`, of
/// size `otherSize` (or, with `otherArgument` -1, the program's static
/// size `otherSize`): prints one line to stderr and exits with status 2.
[[noreturn]] void norm_rt_size_mismatch(int64_t argument, int64_t dim,
                                        int64_t size, int64_t otherArgument,
                                        int64_t otherDim, int64_t otherSize);
}

namespace norm::rt {
/// The collectives of a multi-process launcher (MPI): the size of the
/// group named by (group, groupLength), and the all-gather of `count`
/// doubles from every member into `gathered`, in rank order.
struct Collectives {
  int64_t (*groupSize)(const char *group, int64_t groupLength);
  void (*allGather)(const char *group, int64_t groupLength,
                    const double *local, double *gathered, int64_t count);
};

/// Installs the collectives (nullptr restores the single process's).
/// Without them, a process that mpirun started exits with an error at the
/// first collective instead of using its own shard's statistics alone.
void setCollectives(const Collectives *collectives);

/// The name a collective's `group` argument holds (bytes, not
/// NUL-terminated).
std::string_view groupName(StridedMemRefType<int8_t, 1> *group);

/// For a collective without a multi-process engine: returns (the group has
/// one member), unless mpirun started this process; then one line naming
/// the missing `engine` (MPI, NCCL) and the group, and exit status 2, rather
/// than use one shard's statistics alone.
void requireSingleProcess(std::string_view group, const char *engine);

/// Whether mpirun started this process (Open MPI's or a PMI launcher's
/// environment).
bool launchedByMpi();

/// The words of norm_rt_size_mismatch's line (its arguments, the same
/// meaning), for a tool that makes the same check itself.
std::string sizeMismatchMessage(int64_t argument, int64_t dim, int64_t size,
                                int64_t otherArgument, int64_t otherDim,
                                int64_t otherSize);

/// The name that norm_rt_size_mismatch's line starts with (default "error").
void setProgramName(const char *name);
} // namespace norm::rt

#endif // NORM_RUNTIME_CPU_CPURUNTIME_H
