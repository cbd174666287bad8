//===- MpiRuntime.cpp - norm.all_reduce_stats on MPI ----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The collectives of norm.all_reduce_stats are a group's size and one
// allgather of (count, mean, m2): the lowering merges the blocks in rank
// order itself (see LowerAllReduceStats), not MPI_Allreduce with a
// user-defined Chan operation, since MPI does not promise that an allreduce
// combines in the same order on every rank (Open MPI's algorithms differ by
// message size and rank count) and Chan's merge is not associative in
// floating point. The gather moves p * 3C doubles to each rank instead of 3C
// per tree step; for batch norm's C <= a few thousand channels that is a few
// kB per rank.
//
//===----------------------------------------------------------------------===//

#include "runtime/mpi/MpiRuntime.h"
#include "runtime/cpu/CpuRuntime.h"

#include <mpi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

namespace {
std::string programName = "error";
std::map<std::string, MPI_Comm> groups;

void check(int status, const char *call) {
  if (status == MPI_SUCCESS)
    return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(status, text, &length);
  norm::rt::mpi::abort(std::string(call) + " failed: " +
                       std::string(text, length));
}
} // namespace

void norm::rt::mpi::init(int *argc, char ***argv, const char *program) {
  programName = program;
  if (MPI_Init(argc, argv) != MPI_SUCCESS) {
    std::fprintf(stderr, "%s: MPI_Init failed\n", program);
    std::exit(2);
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  groups["world"] = MPI_COMM_WORLD;
  static const Collectives collectives = {&groupSize, &allGather};
  setCollectives(&collectives);
}

void norm::rt::mpi::defineGroup(const std::string &name, int size) {
  if (size <= 0)
    abort("sync group '" + name + "': the size must be > 0, got " +
          std::to_string(size));
  MPI_Comm comm;
  check(MPI_Comm_split(MPI_COMM_WORLD, rank() / size, rank(), &comm),
        "MPI_Comm_split");
  MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  groups[name] = comm;
}

void norm::rt::mpi::setUpRank(std::vector<std::string> &inputs,
                              std::string &outputDir,
                              const std::vector<std::string> &groups) {
  std::string me = std::to_string(rank());
  for (std::string &path : inputs)
    for (size_t at; (at = path.find("{rank}")) != std::string::npos;)
      path.replace(at, 6, me);
  if (!outputDir.empty())
    outputDir += "/rank" + me;
  for (const std::string &group : groups) {
    size_t colon = group.rfind(':');
    char *end = nullptr;
    long size = colon == std::string::npos
                    ? 0
                    : std::strtol(group.c_str() + colon + 1, &end, 10);
    if (colon == 0 || size <= 0 || *end != '\0' || size > 1 << 30)
      abort("--sync-group=" + group + ": expected NAME:SIZE, SIZE > 0");
    defineGroup(group.substr(0, colon), static_cast<int>(size));
  }
}

std::vector<double> norm::rt::mpi::allGatherRows(
    const std::vector<double> &mine, int64_t rows, int64_t rowSize,
    int64_t &totalRows, int64_t &offset) {
  int ranks = size();
  int64_t shape[2] = {rows, rowSize};
  std::vector<int64_t> shapes(2 * ranks);
  check(MPI_Allgather(shape, 2, MPI_INT64_T, shapes.data(), 2, MPI_INT64_T,
                      MPI_COMM_WORLD),
        "MPI_Allgather");
  std::vector<int> counts(ranks), displacements(ranks);
  totalRows = offset = 0;
  for (int r = 0; r < ranks; ++r) {
    if (shapes[2 * r + 1] != rowSize)
      abort("the shards' rows differ in size: " + std::to_string(rowSize) +
            " values here, " + std::to_string(shapes[2 * r + 1]) +
            " on rank " + std::to_string(r));
    if (r < rank())
      offset += shapes[2 * r];
    displacements[r] = static_cast<int>(totalRows * rowSize);
    counts[r] = static_cast<int>(shapes[2 * r] * rowSize);
    totalRows += shapes[2 * r];
  }
  if (totalRows * rowSize > INT32_MAX)
    abort("the whole batch has more than 2^31 values to gather");
  std::vector<double> all(totalRows * rowSize);
  check(MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE,
                       all.data(), counts.data(), displacements.data(),
                       MPI_DOUBLE, MPI_COMM_WORLD),
        "MPI_Allgatherv");
  return all;
}

int norm::rt::mpi::rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int norm::rt::mpi::size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

void norm::rt::mpi::abort(const std::string &message) {
  std::fprintf(stderr, "%s: rank %d: %s\n", programName.c_str(), rank(),
               message.c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 2);
  std::exit(2); // (MPI_Abort does not return)
}

void norm::rt::mpi::finalize() { MPI_Finalize(); }

void *norm::rt::mpi::communicator(const std::string &name) {
  auto it = groups.find(name);
  if (it == groups.end())
    abort("unknown sync_group '" + name +
          "' (defined: world, and those of --sync-group=NAME:SIZE)");
  return &it->second;
}

namespace {
MPI_Comm comm(const std::string &name) {
  return *static_cast<MPI_Comm *>(norm::rt::mpi::communicator(name));
}
} // namespace

int64_t norm::rt::mpi::groupSize(const char *group, int64_t groupLength) {
  int members = 1;
  check(MPI_Comm_size(comm(std::string(group, groupLength)), &members),
        "MPI_Comm_size");
  return members;
}

void norm::rt::mpi::allGather(const char *group, int64_t groupLength,
                              const double *local, double *gathered,
                              int64_t count) {
  if (count > INT32_MAX)
    abort("a block of more than 2^31 statistics to gather");
  check(MPI_Allgather(local, static_cast<int>(count), MPI_DOUBLE, gathered,
                      static_cast<int>(count), MPI_DOUBLE,
                      comm(std::string(group, groupLength))),
        "MPI_Allgather");
}

void norm::rt::mpi::broadcast(const std::string &group, void *data,
                              int64_t bytes) {
  check(MPI_Bcast(data, static_cast<int>(bytes), MPI_BYTE, 0, comm(group)),
        "MPI_Bcast");
}

int norm::rt::mpi::groupRank(const std::string &group) {
  int r = 0;
  check(MPI_Comm_rank(comm(group), &r), "MPI_Comm_rank");
  return r;
}

int norm::rt::mpi::localRank(int &localSize) {
  MPI_Comm node;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank(),
                            MPI_INFO_NULL, &node),
        "MPI_Comm_split_type");
  int r = 0;
  MPI_Comm_rank(node, &r);
  MPI_Comm_size(node, &localSize);
  MPI_Comm_free(&node);
  return r;
}
