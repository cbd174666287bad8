// Without a CUDA driver, --target=cuda is one clear line and exit 2.
// UNSUPPORTED: cuda
// RUN: %expect_exit 2 norm-run %s --target=cuda --random-inputs --check 2>&1 | FileCheck %s
// CHECK: norm-run: --target=cuda: no CUDA driver on this machine (libcuda.so.1: {{.*}})
// CHECK-NOT: error

func.func @rms(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = norm.rms_norm %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
