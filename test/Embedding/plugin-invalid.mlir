// The verifier runs in Debian's mlir-opt as in norm-opt: a classic mistake
// is a diagnostic, not a crash.
// REQUIRES: norm-plugin
// RUN: %stock-mlir-opt --load-dialect-plugin=%norm-plugin --verify-diagnostics %s

func.func @epsilon_zero(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{epsilon}}
  %y = norm.layer_norm %x {epsilon = 0.0 : f64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
