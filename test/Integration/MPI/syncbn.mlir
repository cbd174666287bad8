// SyncBN on MPI: norm.batch_norm with sync_group = "world" under mpirun on
// 1-4 ranks (oversubscribed), shards of uneven sizes (one rank with no
// rows), gives every rank its rows of the single-process whole-batch result
// and the same running statistics, bit for bit (Inputs/syncbn.py).
// REQUIRES: mpi
// Open MPI's allocations at exit are leaks to LeakSanitizer.
// UNSUPPORTED: asan
// RUN: rm -rf %t && mkdir -p %t
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nchw.mlir %t/a1 f32 7 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nchw.mlir %t/a2 f32 3 4 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nchw.mlir %t/a3 f32 3 0 4 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nchw.mlir %t/a4 f32 1 2 2 2 | FileCheck %s
// Masked NHWC bf16:
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nhwc.mlir %t/b1 bf16 6 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nhwc.mlir %t/b2 bf16 1 5 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nhwc.mlir %t/b3 bf16 2 0 4 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nhwc.mlir %t/b4 bf16 3 1 0 2 | FileCheck %s
// CHECK: PASS
