func.func @syncbn(%x: tensor<?x4x4x5xbf16>, %g: tensor<5xf32>, %b: tensor<5xf32>,
                  %m: tensor<5xf32>, %v: tensor<5xf32>, %mask: tensor<?x4x4xi1>)
    -> (tensor<?x4x4x5xbf16>, tensor<5xf32>, tensor<5xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v mask(%mask : tensor<?x4x4xi1>)
      {channel_axis = 3 : i64, momentum = 0.1 : f64, sync_group = "world"}
      : tensor<?x4x4x5xbf16>, params tensor<5xf32>, stats tensor<5xf32>
  return %y, %nm, %nv : tensor<?x4x4x5xbf16>, tensor<5xf32>, tensor<5xf32>
}
