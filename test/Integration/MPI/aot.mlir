// A norm-compile artifact of a SyncBN program links the MPI runtime and
// runs under mpirun like norm-run: 3 ranks with uneven shards (one empty),
// NCHW f32 and masked NHWC bf16, against the whole batch in one process.
// REQUIRES: mpi
// UNSUPPORTED: asan
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-compile %S/Inputs/syncbn-nchw.mlir -o %t/nchw
// RUN: ARTIFACT=%t/nchw %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nchw.mlir %t/a f32 3 0 4 | FileCheck %s
// RUN: norm-compile %S/Inputs/syncbn-nhwc.mlir -o %t/nhwc
// RUN: ARTIFACT=%t/nhwc %S/Inputs/check-syncbn.sh norm-run "%mpirun" %python %S/Inputs/syncbn-nhwc.mlir %t/b bf16 2 0 4 | FileCheck %s
// CHECK: PASS

// Errors end every rank (MPI_Abort), as in norm-run:
// RUN: %expect_exit 2 %mpirun -np 2 %t/nchw "--input=%t/a/x.{rank}.npy" --input=%t/nothing.npy --input=%t/a/b.npy --input=%t/a/m.npy --input=%t/a/v.npy 2>&1 | FileCheck %s --check-prefix=INPUT
// INPUT: nchw: rank {{[01]}}: {{.*}}nothing.npy
// RUN: %expect_exit 2 %t/nchw --random-inputs --sync-group=dp:1 2>&1 | FileCheck %s --check-prefix=ALONE
// ALONE: --sync-group goes with mpirun

// Programs without a collective do not link MPI.
// RUN: norm-compile %S/../../../examples/gpt_blocks.mlir -o %t/plain
// RUN: ldd %t/plain | FileCheck %s --check-prefix=PLAIN
// PLAIN-NOT: libmpi
