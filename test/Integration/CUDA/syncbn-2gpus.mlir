// SyncBN across two GPUs (two ranks, NCCL): as syncbn.mlir, with the batch
// split in two.
// REQUIRES: cuda-2gpus, nccl
// UNSUPPORTED: asan
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-compile %S/Inputs/syncbn.mlir --target=cuda -o %t/art
// RUN: ARTIFACT=%t/art %S/../MPI/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/../MPI/Inputs/syncbn-nchw.mlir %t/a f32 3 3 | FileCheck %s
// CHECK: PASS
