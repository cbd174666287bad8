// Compiled code allocates from OpenMP threads (a group norm's per-tile
// buffers of 1 MiB and more come from norm-run's block cache): --bench with
// several threads used to hang or crash on the cache's unlocked map. Runs
// many times with 2 and 8 threads, then checks the result.

// RUN: norm-run %s --random-inputs --bench=30 --num-threads=2 | FileCheck %s
// RUN: norm-run %s --random-inputs --bench=30 --num-threads=8 --check | FileCheck %s --check-prefixes=CHECK,PASS

// CHECK: bench: 30 runs
// PASS: check: PASS

func.func @groups(%x: tensor<8x64x32x32xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> (tensor<8x64x32x32xf32>, tensor<8x64x32x32xf32>) {
  %y = norm.group_norm %x scale(%g : tensor<64xf32>) bias(%b : tensor<64xf32>) {num_groups = 4 : i64} : tensor<8x64x32x32xf32>
  %z = norm.group_norm %x {num_groups = 64 : i64} : tensor<8x64x32x32xf32>
  return %y, %z : tensor<8x64x32x32xf32>, tensor<8x64x32x32xf32>
}
