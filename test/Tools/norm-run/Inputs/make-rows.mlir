// Writes row arrays for dynamic-shapes.mlir: result0 f32 [3, 8], result1
// f32 [4, 8], result2 f32 [8], result3 f32 [3, 5].
func.func @make(%a: tensor<3x8xf32>, %b: tensor<4x8xf32>, %g: tensor<8xf32>, %c: tensor<3x5xf32>)
    -> (tensor<3x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<3x5xf32>) {
  return %a, %b, %g, %c : tensor<3x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<3x5xf32>
}
