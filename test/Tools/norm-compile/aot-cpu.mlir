// An ahead-of-time artifact for the CPU runs with an empty environment,
// needs neither LLVM nor MLIR (nor OpenMP) at run time, and checks its
// results against float64 expected outputs written beforehand.
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-compile %s --target=cpu -o %t/art
// RUN: ldd %t/art | FileCheck %s --check-prefix=LDD
// RUN: norm-run %s --random-inputs --seed=7 --write-reference=%t/ref
// RUN: env -i %t/art --input=%t/ref/arg0.npy --input=%t/ref/arg1.npy \
// RUN:   --input=%t/ref/arg2.npy --expected=%t/ref/expected0.npy \
// RUN:   --expected=%t/ref/expected1.npy --output-dir=%t/out --bench=3 | FileCheck %s
// RUN: ls %t/out | FileCheck %s --check-prefix=FILES

// Expected outputs of other inputs fail the check (exit 1).
// RUN: norm-run %s --random-inputs --seed=8 --write-reference=%t/other
// RUN: %expect_exit 1 env -i %t/art --input=%t/ref/arg0.npy --input=%t/ref/arg1.npy \
// RUN:   --input=%t/ref/arg2.npy --expected=%t/other/expected0.npy \
// RUN:   --expected=%t/other/expected1.npy | FileCheck %s --check-prefix=FAIL

// Bad arguments and files: one line, exit 2.
// RUN: %expect_exit 2 %t/art --input=%t/ref/arg2.npy --input=%t/ref/arg1.npy \
// RUN:   --input=%t/ref/arg0.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: %expect_exit 2 %t/art --input=%t/missing.npy --input=%t/ref/arg1.npy \
// RUN:   --input=%t/ref/arg2.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: %expect_exit 2 %t/art 2>&1 | FileCheck %s --check-prefix=NOINPUT
// RUN: %expect_exit 2 %t/art --random-inputs --frobnicate 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: %expect_exit 2 %t/art --random-inputs --expected=%t/ref/expected0.npy 2>&1 | FileCheck %s --check-prefix=NEXPECTED
// RUN: %t/art --random-inputs --bench=2 | FileCheck %s --check-prefix=BENCH
// RUN: %expect_exit 2 %t/art --random-inputs --bench=-1 2>&1 | FileCheck %s --check-prefix=BADBENCH
// RUN: %expect_exit 2 %t/art --random-inputs --rtol=x 2>&1 | FileCheck %s --check-prefix=BADRTOL

// Threads only on request: libomp is linked exactly when openmp=1.
// RUN: norm-compile %s --pipeline-options=openmp=0 -o %t/art0
// RUN: ldd %t/art0 | FileCheck %s --check-prefix=LDD
// RUN: norm-compile %s --pipeline-options=openmp=1 -o %t/art1
// RUN: ldd %t/art1 | FileCheck %s --check-prefix=OMP
// OMP: libomp

// LDD-NOT: libMLIR
// LDD-NOT: libLLVM
// LDD-NOT: libomp
// LDD-NOT: not found

// CHECK: bench: 3 runs, median {{[0-9.]+}} ms, {{[0-9.]+}} GB/s (inputs + results)
// CHECK: result0 (f32): 2400 values, {{.*}} PASS
// CHECK: result1 (f32): 2400 values, max abs 0.0e+00{{.*}} PASS
// CHECK: check: PASS

// FILES: result0.npy
// FILES: result1.npy

// FAIL: check: FAIL

// SHAPE: art: {{.*}}arg2.npy: shape [48] does not match argument #0 of shape [50, 48]
// MISSING: art: {{.*}}missing.npy: {{.*}}
// NOINPUT: art: 'add_layer_norm' takes 3 arguments: give them with --input, or use --random-inputs
// UNKNOWN: art: unknown argument '--frobnicate' (see --help)
// NEXPECTED: art: 'add_layer_norm' has 2 results, got 1 --expected files
// BENCH: bench: 2 runs
// BADBENCH: art: --bench must be a whole number >= 0, got '-1'
// BADRTOL: art: --rtol must be a number >= 0, got 'x'

func.func @add_layer_norm(%x: tensor<50x48xf32>, %r: tensor<50x48xf32>,
                          %g: tensor<48xf32>) -> (tensor<50x48xf32>, tensor<50x48xf32>) {
  %y, %s = norm.add_layer_norm %x, %r scale(%g : tensor<48xf32>) : tensor<50x48xf32>
  return %y, %s : tensor<50x48xf32>, tensor<50x48xf32>
}
