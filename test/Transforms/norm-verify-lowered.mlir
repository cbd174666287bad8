// RUN: norm-opt %s --norm-verify-lowered --split-input-file --verify-diagnostics

// A fully lowered module passes.
llvm.func @lowered(%arg0: f32) -> f32 {
  %0 = llvm.fadd %arg0, %arg0 : f32
  llvm.return %0 : f32
}

// -----

// expected-error @+1 {{not lowered to LLVM: 'func.func' (op from the 'func' dialect)}}
func.func @left_over(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{not lowered to LLVM: 'norm.layer_norm' (op from the 'norm' dialect)}}
  %y = norm.layer_norm %x : tensor<2x8xf32>
  // expected-error @+1 {{not lowered to LLVM: 'func.return' (op from the 'func' dialect)}}
  return %y : tensor<2x8xf32>
}

// -----

llvm.func @cast_left(%arg0: i64) -> i64 {
  // expected-error @+1 {{not lowered to LLVM: 'builtin.unrealized_conversion_cast' (op from the 'builtin' dialect)}}
  %0 = builtin.unrealized_conversion_cast %arg0 : i64 to index
  %1 = builtin.unrealized_conversion_cast %0 : index to i64
  llvm.return %1 : i64
}
