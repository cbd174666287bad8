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
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nchw.mlir %t/a5 f32 0 3 4 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nchw.mlir %t/a4 f32 1 2 2 2 | FileCheck %s
// f64 statistics show the merge's own bits (f32 rounds them away): the
// ranks agree on them too.
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-f64.mlir %t/f3 f64 3 1 4 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-f64.mlir %t/f4 f64 2 3 1 2 | FileCheck %s
// Masked NHWC bf16:
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nhwc.mlir %t/b1 bf16 6 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nhwc.mlir %t/b2 bf16 1 5 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nhwc.mlir %t/b3 bf16 2 0 4 | FileCheck %s
// RUN: %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nhwc.mlir %t/b4 bf16 3 1 0 2 | FileCheck %s
// CHECK: PASS

// --check under mpirun: every rank's rows against the float64 evaluation
// of the whole batch, gathered from the shards.
// RUN: %python %S/Inputs/syncbn.py make %t/c f32 3 0 4
// RUN: %mpirun -np 3 norm-run %S/Inputs/syncbn-nchw.mlir '--input=%t/c/x.{rank}.npy' --input=%t/c/g.npy --input=%t/c/b.npy --input=%t/c/m.npy --input=%t/c/v.npy --check | FileCheck %s --check-prefix=CHECKED
// RUN: %python %S/Inputs/syncbn.py make %t/d bf16 2 0 4 1
// RUN: %mpirun -np 4 norm-run %S/Inputs/syncbn-nhwc.mlir '--input=%t/d/x.{rank}.npy' --input=%t/d/g.npy --input=%t/d/b.npy --input=%t/d/m.npy --input=%t/d/v.npy '--input=%t/d/mask.{rank}.npy' --check | FileCheck %s --check-prefix=CHECKED
// CHECKED: check: PASS
// CHECKED: check: PASS
// CHECKED: check: PASS

// --shard=I: argument #I's file is the whole batch and each rank takes its
// rows (7 rows on 3 ranks: 2, 2, 3; 6 rows on 4 ranks: 1, 2, 1, 2).
// RUN: %python %S/Inputs/syncbn.py make %t/e f32 7
// RUN: %mpirun -np 3 norm-run %S/Inputs/syncbn-nchw.mlir --input=%t/e/x.npy --shard=0 --input=%t/e/g.npy --input=%t/e/b.npy --input=%t/e/m.npy --input=%t/e/v.npy --check | FileCheck %s --check-prefix=SHARD3
// SHARD3-COUNT-3: check: PASS
// RUN: %python %S/Inputs/syncbn.py make %t/h bf16 6
// RUN: %mpirun -np 4 norm-run %S/Inputs/syncbn-nhwc.mlir --input=%t/h/x.npy --input=%t/h/g.npy --input=%t/h/b.npy --input=%t/h/m.npy --input=%t/h/v.npy --input=%t/h/mask.npy --shard=0 --shard=5 --check | FileCheck %s --check-prefix=SHARD4
// SHARD4-COUNT-4: check: PASS
