// RUN: norm-opt %s --norm-lower-to-llvm-cpu | FileCheck %s
// RUN: norm-opt %s --norm-lower-to-llvm-cpu="tile=false" | FileCheck %s --check-prefix=UNTILED
// RUN: norm-opt %s --norm-lower-to-llvm-cpu="tile=false deallocate=false" | FileCheck %s --check-prefix=NODEALLOC

// A pre-LN block with an exact GELU: everything ends in the LLVM dialect
// (and OpenMP), erf as a libm call, the result from aligned_alloc (no
// pointer arithmetic that would hide from LLVM that it aliases nothing).
// Row kernels: the rows are shared out to threads, the layer norm is fused
// into the GELU's tile, whose temporaries live on the stack, its row sums
// end in a reassociating vector reduction (a shuffle tree), and the GELU
// writes vectors.
// CHECK-LABEL: llvm.func @block
// CHECK-NOT:     tensor<
// CHECK-NOT:     memref<
// CHECK-NOT:     norm.
// CHECK:         llvm.call @aligned_alloc
// CHECK:         omp.parallel
// CHECK:         omp.wsloop
// CHECK:         llvm.intr.stacksave
// CHECK:         llvm.alloca
// CHECK:         llvm.intr.vector.reduce.fadd{{.*}}fastmath<reassoc>
// (erf is an inlined polynomial: norm-approximate-math.)
// CHECK-NOT:     llvm.call @erff
// CHECK:         llvm.store %{{.*}} : vector<{{[0-9]+}}xf32>, !llvm.ptr
// CHECK:         llvm.intr.stackrestore
// (The rows' variances that the overflow check reads are freed at the end.)
// CHECK:         llvm.call @free
// CHECK:         llvm.return

// Without tiling, one loop nest per linalg op over the whole tensor, and the
// intermediate buffers are freed.
// UNTILED-LABEL: llvm.func @block
// UNTILED-NOT:   omp.
// UNTILED:       llvm.call @aligned_alloc
// UNTILED-NOT:   llvm.call @erff
// UNTILED:       llvm.call @free
// NODEALLOC-LABEL: llvm.func @block
// NODEALLOC-NOT:   llvm.call @free
func.func @block(%x: tensor<64x512xf32>, %g: tensor<512xf32>) -> tensor<64x512xf32> {
  %y = norm.residual %x : tensor<64x512xf32> pre {
  ^bb0(%a: tensor<64x512xf32>):
    %n = norm.layer_norm %a scale(%g : tensor<512xf32>) : tensor<64x512xf32>
    norm.yield %n : tensor<64x512xf32>
  } body {
  ^bb0(%h: tensor<64x512xf32>):
    %e = math.erf %h : tensor<64x512xf32>
    norm.yield %e : tensor<64x512xf32>
  }
  return %y : tensor<64x512xf32>
}
