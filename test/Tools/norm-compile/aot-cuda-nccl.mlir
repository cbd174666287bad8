// A CUDA artifact of a SyncBN program links without a GPU: the main that
// starts MPI under mpirun, the collectives on NCCL (found beside the toolkit
// through the artifact's RPATH), MPI, and the CUDA driver; the host code
// calls the collectives' GPU versions.
// REQUIRES: nccl, ptxas
// UNSUPPORTED: asan
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-compile %S/../../Integration/CUDA/Inputs/syncbn.mlir --target=cuda -o %t/art
// RUN: ldd %t/art | FileCheck %s --check-prefix=LDD
// RUN: nm %t/art | FileCheck %s --check-prefix=NM
// RUN: norm-compile %S/../../Integration/CUDA/Inputs/syncbn.mlir --target=cuda --emit=llvm | FileCheck %s --check-prefix=IR

// LDD-DAG: libcuda.so.1
// LDD-DAG: libnccl.so.2 => /{{.+}}libnccl.so.2
// LDD-DAG: libmpi.so
// LDD-NOT: libMLIR

// NM-DAG: T _mlir_ciface_norm_rt_gpu_all_gather_f64
// NM-DAG: T _mlir_ciface_norm_rt_gpu_group_size
// NM-DAG: U ncclAllGather
// NM-DAG: U ncclCommInitRank
// NM-DAG: U MPI_Bcast

// IR-DAG: declare i64 @_mlir_ciface_norm_rt_gpu_group_size(ptr)
// IR-DAG: declare void @_mlir_ciface_norm_rt_gpu_all_gather_f64(ptr, ptr, ptr)
// IR-NOT: @_mlir_ciface_norm_rt_all_gather_f64
