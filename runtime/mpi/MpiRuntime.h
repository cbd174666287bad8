//===- MpiRuntime.h - norm.all_reduce_stats on MPI --------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What a tool launched by mpirun calls: MPI's start and end, this process's
// rank, and the collectives behind norm.all_reduce_stats (installed with
// norm::rt::setCollectives; NCCL's communicators are set up over them). Plain C++ over MPI's C API; built only when
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

/// The communicator of group `name` (an MPI_Comm), or abort() naming the
/// groups there are.
void *communicator(const std::string &name);

/// The collectives of CpuRuntime.h on MPI (installed by init()): the size of
/// a group, and MPI_Allgather of every member's block in rank order (the
/// lowering merges them, in that order, on every member).
int64_t groupSize(const char *group, int64_t groupLength);
void allGather(const char *group, int64_t groupLength, const double *local,
               double *gathered, int64_t count);

/// MPI_Bcast of `bytes` bytes from the group's first member (NCCL's unique
/// id), and this process's rank in the group.
void broadcast(const std::string &group, void *data, int64_t bytes);
int groupRank(const std::string &group);

/// This process's rank among the `localSize` ranks on its node
/// (MPI_Comm_split_type): which GPU it takes.
int localRank(int &localSize);
} // namespace norm::rt::mpi

#endif // NORM_RUNTIME_MPI_MPIRUNTIME_H
