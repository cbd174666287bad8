// An artifact whose program has a matmul links the runtime's oneDNN calls
// and libdnnl.so.2, which the loader finds in the system's library path
// (and nothing else: no LLVM, no MLIR); one without links neither (see
// aot-cpu.mlir). It checks its results against float64 expected outputs.
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-compile %s --target=cpu -o %t/art
// RUN: ldd %t/art | FileCheck %s --check-prefix=LDD
// RUN: norm-run %s --random-inputs --seed=3 --write-reference=%t/ref
// RUN: env -i %t/art --input=%t/ref/arg0.npy --input=%t/ref/arg1.npy \
// RUN:   --input=%t/ref/arg2.npy --expected=%t/ref/expected0.npy | FileCheck %s
// As loops, no oneDNN.
// RUN: norm-compile %s --target=cpu --pipeline-options=contractions=loops -o %t/loops
// RUN: ldd %t/loops | FileCheck %s --check-prefix=NODNNL
// RUN: env -i %t/loops --input=%t/ref/arg0.npy --input=%t/ref/arg1.npy \
// RUN:   --input=%t/ref/arg2.npy --expected=%t/ref/expected0.npy | FileCheck %s

// LDD: libdnnl.so
// LDD-NOT: libMLIR
// LDD-NOT: libLLVM
// LDD-NOT: not found
// NODNNL-NOT: libdnnl
// CHECK: check: PASS

func.func @rms_norm_linear(%x: tensor<16x64xf32>, %g: tensor<64xf32>,
                           %w: tensor<96x64xf32>) -> tensor<16x96xf32> {
  %n = norm.rms_norm %x scale(%g : tensor<64xf32>) : tensor<16x64xf32>
  %e = tensor.empty() : tensor<16x96xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<16x96xf32>) -> tensor<16x96xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
    ins(%n, %w : tensor<16x64xf32>, tensor<96x64xf32>) outs(%f : tensor<16x96xf32>) -> tensor<16x96xf32>
  return %y : tensor<16x96xf32>
}
