// Writes the .npy files the error tests feed to norm-run: result0 f32 [2, 8],
// result1 f64 [2, 8], result2 f32 [3, 8].
func.func @make(%a: tensor<2x8xf32>, %b: tensor<2x8xf64>, %c: tensor<3x8xf32>)
    -> (tensor<2x8xf32>, tensor<2x8xf64>, tensor<3x8xf32>) {
  return %a, %b, %c : tensor<2x8xf32>, tensor<2x8xf64>, tensor<3x8xf32>
}
