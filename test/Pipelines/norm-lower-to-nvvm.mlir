// The host side of a GPU program: LLVM dialect that launches kernels from a
// gpu.binary, results as out-params, nothing left unlowered.
// RUN: norm-opt %s --norm-lower-to-nvvm | FileCheck %s --check-prefix=HOST

// The PTX of the row kernel has 16-byte loads and stores, butterfly shuffles, the
// warps' sums through shared memory, no local memory; ptxas takes it with no
// spills.
// RUN: norm-compile %s --target=cuda --emit=ptx -o %t.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t.ptx
// RUN: %ptxas -arch=sm_90 -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS
// REQUIRES: ptxas

// HOST:       llvm.func @layer_norm(
// HOST-SAME:    !llvm.ptr
// HOST:         %[[STREAM:.*]] = llvm.call @mgpuStreamCreate()
// HOST:         gpu.launch_func <%[[STREAM]] : !llvm.ptr> @layer_norm_kernel::@layer_norm_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}})
// HOST:         llvm.call @mgpuStreamSynchronize(%[[STREAM]])
// HOST:       gpu.binary @layer_norm_kernel  [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">
// HOST-NOT:   memref<
// HOST-NOT:   tensor<

// PTX:        .target sm_90
// PTX:        .visible .entry layer_norm_kernel(
// PTX-NOT:    .local
// PTX-COUNT-8: ld.global.v4.{{[bf]}}32
// PTX:        shfl.sync.bfly.b32
// PTX:        bar.sync
// PTX-COUNT-8: st.global.v4.{{[bf]}}32

// PTXAS:      0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads

func.func @layer_norm(%x: tensor<16384x4096xf32>, %g: tensor<4096xf32>,
                      %b: tensor<4096xf32>) -> tensor<16384x4096xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<4096xf32>) bias(%b : tensor<4096xf32>)
         : tensor<16384x4096xf32>
  return %y : tensor<16384x4096xf32>
}
