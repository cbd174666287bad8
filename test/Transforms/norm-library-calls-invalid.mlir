// RUN: norm-opt %s --norm-library-calls --verify-diagnostics

// A symbol of the runtime's name that is not its function: an error.
func.func private @norm_rt_matmul_f32_f32(i32)
func.func @symbol_taken(%a: memref<8x16xf32>, %b: memref<16x4xf32>, %c: memref<8x4xf32>) {
  // expected-error@+1 {{norm-library-calls: 'norm_rt_matmul_f32_f32' is already declared with another type}}
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : memref<8x4xf32>)
  return
}
