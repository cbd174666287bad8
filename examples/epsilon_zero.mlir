// A classic mistake: epsilon = 0 divides by zero on a constant row.
// norm-opt rejects it with a diagnostic that names the attribute and value.
func.func @epsilon_zero(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = norm.layer_norm %x {epsilon = 0.0 : f64} : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
