//===- MpiRuntime.h - norm.all_reduce_stats on MPI --------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What a tool launched by mpirun calls: MPI's start and end, this process's
// rank, and the collective behind norm.all_reduce_stats (installed with
// norm::rt::setAllReduceStats). Plain C++ over MPI's C API; built only when
// CMake finds MPI (NORM_HAVE_MPI).
//
//===----------------------------------------------------------------------===//

#ifndef NORM_RUNTIME_MPI_MPIRUNTIME_H
#define NORM_RUNTIME_MPI_MPIRUNTIME_H

#include <cstdint>
#include <string>
#include <vector>

namespace norm::rt::mpi {
/// MPI_Init, errors returned rather than fatal, and norm.all_reduce_stats
/// on MPI. `program` starts every error line.
void init(int *argc, char ***argv, const char *program);

/// Defines group `name` as consecutive blocks of `size` ranks of the world
/// (colour rank / size of MPI_Comm_split); "world" is always defined. A
/// collective: every rank must make the same calls in the same order.
void defineGroup(const std::string &name, int size);

/// What norm-run and artifacts do for a rank once its options are read:
/// `{rank}` in `inputs` becomes this rank, `outputDir` (when given) becomes
/// DIR/rank{r}, and every "NAME:SIZE" of `groups` is defined (defineGroup).
/// A malformed group is abort()ed.
void setUpRank(std::vector<std::string> &inputs, std::string &outputDir,
               const std::vector<std::string> &groups);

/// Every rank's `rows` rows of `rowSize` values, concatenated in rank order
/// (MPI_Allgatherv): the whole batch from its shards. `offset` is where this
/// rank's rows start in it. Shards whose rows differ in size abort().
std::vector<double> allGatherRows(const std::vector<double> &mine,
                                  int64_t rows, int64_t rowSize,
                                  int64_t &totalRows, int64_t &offset);

int rank();
int size();

/// One line on stderr, then MPI_Abort: every rank exits, none waits forever.
[[noreturn]] void abort(const std::string &message);

/// MPI_Finalize.
void finalize();

/// The collective itself (the AllReduceStatsFn of CpuRuntime.h): gathers
/// every member's (count, mean, m2) per channel with MPI_Allgather, then
/// merges them with Chan's formula in rank order, so that every member
/// computes the same bits whatever MPI's reduction tree.
void allReduceStats(const char *group, int64_t groupLength, double *count,
                    double *mean, double *m2, int64_t channels);
} // namespace norm::rt::mpi

#endif // NORM_RUNTIME_MPI_MPIRUNTIME_H
