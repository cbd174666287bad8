// A SyncBN with 3 rows on every rank (CUDA artifacts take static shapes);
// MPI/Inputs/syncbn-nchw.mlir is the same program on any batch.
func.func @syncbn(%x: tensor<3x3x4x4xf32>, %g: tensor<3xf32>, %b: tensor<3xf32>,
                  %m: tensor<3xf32>, %v: tensor<3xf32>)
    -> (tensor<3x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v
      {momentum = 0.1 : f64, sync_group = "world"}
      : tensor<3x3x4x4xf32>, params tensor<3xf32>, stats tensor<3xf32>
  return %y, %nm, %nv : tensor<3x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>
}
