// SyncBN on a GPU: in one process (a group of one, the gather a device
// copy), checked against the float64 evaluation; then under mpirun, one rank
// per GPU and NCCL's all-gather, every rank's output and running statistics
// against the whole batch in one process (norm-run on the CPU), the ranks
// bitwise equal (MPI/Inputs/syncbn.py compare).
// REQUIRES: cuda, nccl
// UNSUPPORTED: asan
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-run %S/Inputs/syncbn.mlir --target=cuda --random-inputs --check | FileCheck %s --check-prefix=ONE
// ONE: check: PASS
// RUN: norm-compile %S/Inputs/syncbn.mlir --target=cuda -o %t/art
// RUN: ARTIFACT=%t/art %S/../MPI/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/../MPI/Inputs/syncbn-nchw.mlir %t/a f32 3 | FileCheck %s
// CHECK: PASS
