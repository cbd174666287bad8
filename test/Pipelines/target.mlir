// The CPU pipeline never asks the machine it runs on: the row kernels'
// vector width (and the bf16 conversion) come from target-cpu and
// target-features alone, so these give the same IR on every machine. The
// default is the generic x86-64 (SSE2: 128-bit vectors); norm-opt fills a
// named CPU's features from LLVM's tables and `host` from this machine, as
// -march=native does; the library by itself reads only target-features.
// RUN: norm-opt %s --norm-lower-to-llvm-cpu | FileCheck %s --check-prefix=V128
// RUN: norm-opt %s --norm-lower-to-llvm-cpu=target-features=+avx,+avx2,+fma | FileCheck %s --check-prefix=V256
// RUN: norm-opt %s --norm-lower-to-llvm-cpu=target-cpu=x86-64-v3 | FileCheck %s --check-prefix=V256
// RUN: norm-opt %s --norm-lower-to-llvm-cpu=target-features=+avx2,+avx512f | FileCheck %s --check-prefix=V512
// RUN: norm-opt %s --norm-lower-to-llvm-cpu=target-cpu=znver4 | FileCheck %s --check-prefix=V512
// RUN: norm-opt %s --norm-lower-to-llvm-cpu="target-cpu=znver4 target-features=+avx2,+avx512f,-avx512f" | FileCheck %s --check-prefix=V256
// RUN: norm-opt %s --norm-lower-to-llvm-cpu="target-cpu=znver4 vector-bits=128" | FileCheck %s --check-prefix=V128
// RUN: norm-opt %s --norm-lower-to-llvm-cpu=target-cpu=host | FileCheck %s --check-prefix=HOST

// V128: llvm.store {{.*}} : vector<4xf32>, !llvm.ptr
// V128-NOT: vector<8xf32>
// V256: llvm.store {{.*}} : vector<8xf32>, !llvm.ptr
// V256-NOT: vector<16xf32>
// V512: llvm.store {{.*}} : vector<16xf32>, !llvm.ptr
// HOST: llvm.store {{.*}} : vector<{{4|8|16}}xf32>, !llvm.ptr

// A CPU that LLVM does not know: one line, exit 2 (norm-opt, norm-run and
// norm-compile alike).
// RUN: %expect_exit 2 norm-opt %s --norm-lower-to-llvm-cpu=target-cpu=no-such-cpu 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: %expect_exit 2 norm-run %s --random-inputs --pipeline-options=target-cpu=no-such-cpu 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: %expect_exit 2 norm-compile %s --host-cpu=no-such-cpu -o %t 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: norm-{{opt|run|compile}}: target-cpu: 'no-such-cpu' is not a CPU that LLVM knows for x86_64-{{.*}}
// UNKNOWN-NOT: {{.}}

// RUN: %expect_exit 1 norm-opt %s --convert-norm-to-linalg --norm-tile-rows=vector-bits=96 2>&1 | FileCheck %s --check-prefix=BITS
// BITS: error: norm-tile-rows: 'vector-bits' must be a power of two >= 32, got 96

func.func @rms_norm(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %y = norm.rms_norm %x : tensor<64x1024xf32>
  return %y : tensor<64x1024xf32>
}
