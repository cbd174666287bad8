//===- CpuRuntime.h - Functions lowered CPU code calls ------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The C ABI that code from norm-lower-to-llvm-cpu calls into: the collective
// behind norm.all_reduce_stats and the report of arguments whose sizes
// disagree. Single process by default; a launcher for
// several processes (MPI, NCCL) installs its own merge.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_RUNTIME_CPU_CPURUNTIME_H
#define NORM_RUNTIME_CPU_CPURUNTIME_H

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <cstdint>
#include <string>

extern "C" {
/// Merges per-channel (count, mean, m2) across the members of the group named
/// by `group` (bytes, not NUL-terminated), in place. In a single process the
/// group has one member and the statistics are left as they are.
void _mlir_ciface_norm_rt_all_reduce_stats_f32(StridedMemRefType<float, 1> *count,
                                               StridedMemRefType<float, 1> *mean,
                                               StridedMemRefType<float, 1> *m2,
                                               StridedMemRefType<int8_t, 1> *group);
void _mlir_ciface_norm_rt_all_reduce_stats_f64(StridedMemRefType<double, 1> *count,
                                               StridedMemRefType<double, 1> *mean,
                                               StridedMemRefType<double, 1> *m2,
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
/// A merge of statistics across a device group, in float64: on entry this
/// member's `channels` triples, on return the group's.
using AllReduceStatsFn = void (*)(const char *group, int64_t groupLength,
                                  double *count, double *mean, double *m2,
                                  int64_t channels);

/// Installs the collective (nullptr restores the single-process identity).
/// Without one, a process that mpirun started exits with an error at the
/// first collective instead of using its own shard's statistics alone.
void setAllReduceStats(AllReduceStatsFn fn);

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
