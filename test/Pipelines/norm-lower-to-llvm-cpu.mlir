// RUN: norm-opt %s --norm-lower-to-llvm-cpu | FileCheck %s
// RUN: norm-opt %s --norm-lower-to-llvm-cpu="deallocate=false" | FileCheck %s --check-prefix=NODEALLOC

// A pre-LN block with an exact GELU: everything ends in the LLVM dialect,
// erf as a libm call, buffers from aligned_alloc (no pointer arithmetic that
// would hide from LLVM that they alias nothing) and freed.
// CHECK-LABEL: llvm.func @block
// CHECK-NOT:     tensor<
// CHECK-NOT:     memref<
// CHECK-NOT:     norm.
// CHECK:         llvm.call @aligned_alloc
// CHECK:         llvm.call @erff
// CHECK:         llvm.call @free
// NODEALLOC-LABEL: llvm.func @block
// NODEALLOC-NOT:   llvm.call @free
func.func @block(%x: tensor<4x16xf32>, %g: tensor<16xf32>) -> tensor<4x16xf32> {
  %y = norm.residual %x : tensor<4x16xf32> pre {
  ^bb0(%a: tensor<4x16xf32>):
    %n = norm.layer_norm %a scale(%g : tensor<16xf32>) : tensor<4x16xf32>
    norm.yield %n : tensor<4x16xf32>
  } body {
  ^bb0(%h: tensor<4x16xf32>):
    %e = math.erf %h : tensor<4x16xf32>
    norm.yield %e : tensor<4x16xf32>
  }
  return %y : tensor<4x16xf32>
}
