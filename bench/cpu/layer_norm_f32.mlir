// Layer norm in f32 at a DRAM-sized and a cache-resident shape, for
//   norm-run bench/cpu/layer_norm_f32.mlir --entry=<name> --random-inputs --bench=20
func.func @rows4096_width4096(%x: tensor<4096x4096xf32>, %g: tensor<4096xf32>, %b: tensor<4096xf32>)
    -> tensor<4096x4096xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<4096xf32>) bias(%b : tensor<4096xf32>) : tensor<4096x4096xf32>
  return %y : tensor<4096x4096xf32>
}

func.func @rows256_width4096(%x: tensor<256x4096xf32>, %g: tensor<4096xf32>, %b: tensor<4096xf32>)
    -> tensor<256x4096xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<4096xf32>) bias(%b : tensor<4096xf32>) : tensor<256x4096xf32>
  return %y : tensor<256x4096xf32>
}
