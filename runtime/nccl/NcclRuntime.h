//===- NcclRuntime.h - norm.all_reduce_stats on NCCL -------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The device collectives of CudaRuntime.h on NCCL, for GPU artifacts that
// mpirun starts: one rank per GPU, one NCCL communicator per sync group,
// set up over the group's MPI communicator (the unique id broadcast from
// its first member). Built when CMake finds CUDA, MPI and NCCL.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_RUNTIME_NCCL_NCCLRUNTIME_H
#define NORM_RUNTIME_NCCL_NCCLRUNTIME_H

namespace norm::rt::nccl {
/// After mpi::init and before the first CUDA call: chooses this rank's GPU
/// (its rank on the node; more ranks on a node than GPUs is an error, NCCL
/// takes one GPU per rank) and installs the collectives.
void init();

/// Destroys the communicators (before mpi::finalize).
void finalize();
} // namespace norm::rt::nccl

#endif // NORM_RUNTIME_NCCL_NCCLRUNTIME_H
