func.func @syncbn(%x: tensor<?x3x4x4xf32>, %g: tensor<3xf32>, %b: tensor<3xf32>,
                  %m: tensor<3xf32>, %v: tensor<3xf32>)
    -> (tensor<?x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v
      {momentum = 0.1 : f64, sync_group = "dp"}
      : tensor<?x3x4x4xf32>, params tensor<3xf32>, stats tensor<3xf32>
  return %y, %nm, %nv : tensor<?x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>
}
