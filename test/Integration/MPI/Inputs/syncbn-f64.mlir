// f64 statistics, and momentum 1: the new running statistics are the merged
// mean and unbiased variance themselves, so the ranks' bitwise agreement
// covers every bit of the merge (with 0.1 the update rounds a last-bit
// difference away).
func.func @syncbn(%x: tensor<?x3x4x4xf64>, %g: tensor<3xf64>, %b: tensor<3xf64>,
                  %m: tensor<3xf64>, %v: tensor<3xf64>)
    -> (tensor<?x3x4x4xf64>, tensor<3xf64>, tensor<3xf64>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v
      {momentum = 1.0 : f64, sync_group = "world", compute_type = f64}
      : tensor<?x3x4x4xf64>, params tensor<3xf64>, stats tensor<3xf64>
  return %y, %nm, %nv : tensor<?x3x4x4xf64>, tensor<3xf64>, tensor<3xf64>
}
