// A pre-LN MLP block of 4096 rows (64 -> 1024 -> 64) runs with the default
// 8 MiB stack, with and without OpenMP, under norm-run and as an artifact.
// Each tile of rows has stack buffers (its statistics, a 4x1024 tile of the
// hidden layer); in sequential loops they used to be allocated anew in
// every iteration (scf-to-cf frees nothing), 1024 tiles of ~20 KiB: a stack
// overflow. norm-hoist-allocas allocates them once. (Accuracy of such
// blocks is checked in transformer_blocks.mlir, at sizes the float64
// evaluation runs quickly.)

// RUN: rm -rf %t && mkdir -p %t
// RUN: ulimit -s 8192 && norm-run %s --random-inputs --pipeline-options=openmp=false | FileCheck %s
// RUN: ulimit -s 8192 && norm-run %s --random-inputs | FileCheck %s
// RUN: norm-compile %s --target=cpu -o %t/sequential
// RUN: norm-compile %s --target=cpu --pipeline-options=openmp=true -o %t/threads
// RUN: ulimit -s 8192 && %t/sequential --random-inputs --output-dir=%t/out
// RUN: ulimit -s 8192 && %t/threads --random-inputs --output-dir=%t/out
// RUN: ls %t/out | FileCheck %s --check-prefix=FILES

// The row kernel's and the matmul tile's buffers, before the row loop (the
// matmuls as loops: the library's calls have no tiles).
// RUN: norm-opt %s --norm-lower-to-llvm-cpu="openmp=false contractions=loops" --mlir-print-ir-after=norm-hoist-allocas -o /dev/null 2>&1 | FileCheck %s --check-prefix=HOIST

// CHECK: ran @mlp
// FILES: result0.npy
// HOIST-LABEL: func.func @mlp
// HOIST:         memref.alloca() {{.*}} : memref<4x1024xf32>
// HOIST:         scf.for
// HOIST-NOT:     memref.alloca
// HOIST:         return

func.func @mlp(%x: tensor<4096x64xf32>, %g: tensor<64xf32>, %w1: tensor<64x1024xf32>, %w2: tensor<1024x64xf32>) -> tensor<4096x64xf32> {
  %n = norm.layer_norm %x scale(%g : tensor<64xf32>) : tensor<4096x64xf32>
  %c = arith.constant 0.0 : f32
  %z1 = tensor.empty() : tensor<4096x1024xf32>
  %f1 = linalg.fill ins(%c : f32) outs(%z1 : tensor<4096x1024xf32>) -> tensor<4096x1024xf32>
  %h = linalg.matmul ins(%n, %w1 : tensor<4096x64xf32>, tensor<64x1024xf32>) outs(%f1 : tensor<4096x1024xf32>) -> tensor<4096x1024xf32>
  %z2 = tensor.empty() : tensor<4096x64xf32>
  %f2 = linalg.fill ins(%c : f32) outs(%z2 : tensor<4096x64xf32>) -> tensor<4096x64xf32>
  %o = linalg.matmul ins(%h, %w2 : tensor<4096x1024xf32>, tensor<1024x64xf32>) outs(%f2 : tensor<4096x64xf32>) -> tensor<4096x64xf32>
  %y = arith.addf %o, %x : tensor<4096x64xf32>
  return %y : tensor<4096x64xf32>
}
