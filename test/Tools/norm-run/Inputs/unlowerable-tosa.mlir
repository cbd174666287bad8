func.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.custom %x {operator_name = "mystery", domain_name = "test", implementation_attrs = ""} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
