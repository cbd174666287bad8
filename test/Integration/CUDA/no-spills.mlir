// The row kernels at the benchmark's widths (and a gradient's row kernel and
// its column sums) keep their rows in registers:
// ptxas reports no stack frame and no spills for sm_90.
// REQUIRES: ptxas
// RUN: split-file %s %t
// RUN: norm-compile %t/ln.mlir --target=cuda --emit=ptx -o %t/ln.ptx
// RUN: %ptxas -arch=sm_90 -v %t/ln.ptx -o %t/ln.cubin 2>&1 | FileCheck %s
// RUN: norm-compile %t/addrms.mlir --target=cuda --emit=ptx -o %t/addrms.ptx
// RUN: %ptxas -arch=sm_90 -v %t/addrms.ptx -o %t/addrms.cubin 2>&1 | FileCheck %s
// RUN: norm-compile %t/rms.mlir --target=cuda --emit=ptx -o %t/rms.ptx
// RUN: %ptxas -arch=sm_90 -v %t/rms.ptx -o %t/rms.cubin 2>&1 | FileCheck %s
// RUN: norm-compile %t/qk.mlir --target=cuda --emit=ptx -o %t/qk.ptx
// RUN: %ptxas -arch=sm_90 -v %t/qk.ptx -o %t/qk.cubin 2>&1 | FileCheck %s

// RUN: norm-compile %t/linear.mlir --target=cuda --emit=ptx -o %t/linear.ptx
// (Two kernels, the copy of the init into the result and the matmul, each
// its own PTX module in the one file: ptxas takes them one at a time.)
// RUN: awk '/^\.version/ { n++ } { print > ("%t/part" n ".ptx") }' %t/linear.ptx
// RUN: %ptxas -arch=sm_90 -v %t/part1.ptx -o %t/part1.cubin 2>&1 | FileCheck %s --check-prefix=TILED

// The gradients' row kernel and its column sums (two PTX modules).
// RUN: norm-compile %t/lngrad.mlir --target=cuda --emit=ptx -o %t/lngrad.ptx
// RUN: awk '/^\.version/ { n++ } { print > ("%t/lgpart" n ".ptx") }' %t/lngrad.ptx
// RUN: %ptxas -arch=sm_90 -v %t/lgpart1.ptx -o %t/lgpart1.cubin 2>&1 | FileCheck %s
// RUN: %ptxas -arch=sm_90 -v %t/lgpart2.ptx -o %t/lgpart2.cubin 2>&1 | FileCheck %s

// CHECK: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// CHECK-NOT: bytes spill

// The tiled matmul (norm-gpu-offload) keeps its 4x4 accumulators in
// registers and stages its tiles in 2 x 16 x 65 bf16 of shared memory.
// TILED: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// TILED: 4160 bytes smem
// TILED-NOT: bytes spill

//--- ln.mlir
func.func @ln(%x: tensor<4096x8192xf32>, %g: tensor<8192xf32>, %b: tensor<8192xf32>)
    -> tensor<4096x8192xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<8192xf32>) bias(%b : tensor<8192xf32>)
         : tensor<4096x8192xf32>
  return %y : tensor<4096x8192xf32>
}
//--- addrms.mlir
func.func @addrms(%x: tensor<16384x4096xbf16>, %r: tensor<16384x4096xbf16>,
                  %w: tensor<4096xbf16>)
    -> (tensor<16384x4096xbf16>, tensor<16384x4096xbf16>) {
  %y, %s = norm.add_rms_norm %x, %r scale(%w : tensor<4096xbf16>) : tensor<16384x4096xbf16>
  return %y, %s : tensor<16384x4096xbf16>, tensor<16384x4096xbf16>
}
//--- rms.mlir
func.func @rms(%x: tensor<65536x1024xf32>, %w: tensor<1024xf32>) -> tensor<65536x1024xf32> {
  %y = norm.rms_norm %x scale(%w : tensor<1024xf32>) : tensor<65536x1024xf32>
  return %y : tensor<65536x1024xf32>
}
//--- qk.mlir
func.func @qk(%q: tensor<262144x128xbf16>, %w: tensor<128xbf16>) -> tensor<262144x128xbf16> {
  %y = norm.rms_norm %q scale(%w : tensor<128xbf16>) : tensor<262144x128xbf16>
  return %y : tensor<262144x128xbf16>
}
//--- lngrad.mlir
func.func @lngrad(%dy: tensor<16384x4096xbf16>, %x: tensor<16384x4096xbf16>,
                  %m: tensor<16384xf32>, %r: tensor<16384xf32>, %g: tensor<4096xbf16>)
    -> (tensor<16384x4096xbf16>, tensor<4096xbf16>, tensor<4096xbf16>) {
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %m, %r scale(%g : tensor<4096xbf16>)
      : tensor<16384x4096xbf16>, stats tensor<16384xf32>
        scale_grad(tensor<4096xbf16>) bias_grad(tensor<4096xbf16>)
  return %dx, %dg, %db : tensor<16384x4096xbf16>, tensor<4096xbf16>, tensor<4096xbf16>
}
//--- linear.mlir
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
func.func @linear(%a: tensor<512x4096xbf16>, %w: tensor<4096x4096xbf16>,
                  %init: tensor<512x4096xf32>) -> tensor<512x4096xf32> {
  %y = linalg.matmul indexing_maps = [#x, #w, #y]
         ins(%a, %w : tensor<512x4096xbf16>, tensor<4096x4096xbf16>)
         outs(%init : tensor<512x4096xf32>) -> tensor<512x4096xf32>
  return %y : tensor<512x4096xf32>
}
