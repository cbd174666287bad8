// SyncBN's errors under mpirun: one line from the rank that fails, then
// MPI_Abort ends every rank (no rank waits forever in the collective).
// REQUIRES: mpi
// UNSUPPORTED: asan
// RUN: rm -rf %t && %python %S/Inputs/syncbn.py make %t f32 3 4
// DEFINE: %{params} = --input=%t/g.npy --input=%t/b.npy --input=%t/m.npy --input=%t/v.npy

// RUN: %expect_exit 2 %mpirun -np 2 norm-run %S/Inputs/syncbn-dp.mlir '--input=%t/x.{rank}.npy' %{params} 2>&1 | FileCheck %s --check-prefix=GROUP
// GROUP: norm-run: rank {{[01]}}: unknown sync_group 'dp' (defined: world, and those of --sync-group=NAME:SIZE)

// A group of one rank each: every rank normalizes with its own statistics.
// RUN: %mpirun -np 2 norm-run %S/Inputs/syncbn-dp.mlir '--input=%t/x.{rank}.npy' %{params} --sync-group=dp:1 | FileCheck %s --check-prefix=SPLIT
// SPLIT-DAG: f32 [3, 3, 4, 4]
// SPLIT-DAG: f32 [4, 3, 4, 4]

// RUN: %expect_exit 2 %mpirun -np 2 norm-run %S/Inputs/syncbn-dp.mlir '--input=%t/x.{rank}.npy' %{params} --sync-group=dp 2>&1 | FileCheck %s --check-prefix=SIZE
// SIZE: norm-run: rank {{[01]}}: --sync-group=dp: expected NAME:SIZE, SIZE > 0

// --check gathers the shards into the whole batch: their dim 0 is dynamic.
// RUN: %python %S/Inputs/syncbn.py make %t/s f32 3 3
// RUN: %expect_exit 2 %mpirun -np 2 norm-run %S/Inputs/syncbn-static.mlir '--input=%t/s/x.0.npy' %{params} '--input=%t/s/x.{rank}.npy' --check 2>&1 | FileCheck %s --check-prefix=STATIC
// STATIC: norm-run: rank {{[01]}}: --check under mpirun: argument #5 is a shard ({rank}), so its dim 0 must be dynamic for the whole batch

// RUN: %expect_exit 2 %mpirun -np 2 norm-run %S/Inputs/syncbn-nchw.mlir '--input=%t/x.{rank}.npy' --input=%t/nothing.npy --input=%t/b.npy --input=%t/m.npy --input=%t/v.npy 2>&1 | FileCheck %s --check-prefix=INPUT
// INPUT: norm-run: rank {{[01]}}: {{.*}}nothing.npy

// RUN: %expect_exit 2 %mpirun -np 2 norm-run %S/Inputs/syncbn-nchw.mlir --input=%t/x.0.npy %{params} --shard=5 2>&1 | FileCheck %s --check-prefix=SHARD
// SHARD: norm-run: rank {{[01]}}: --shard=5: there are 5 --input files

// Rank 1 is killed (SIGKILL) while rank 0 waits for it in the collective:
// mpirun ends rank 0 too, well within the timeout (124 would be a hang).
// RUN: %expect_exit 137 timeout 120 %mpirun -np 2 sh -c 'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then sleep 3; kill -9 $$; fi; exec "$0" "$@"' norm-run %S/Inputs/syncbn-nchw.mlir '--input=%t/x.{rank}.npy' %{params} 2>&1 | FileCheck %s --check-prefix=KILL
// KILL: rank 1 {{.*}}exited on signal 9
