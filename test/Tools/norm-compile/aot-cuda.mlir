// A CUDA artifact links without a GPU: the kernels are embedded as a cubin
// (an ELF image) and the host side needs only the CUDA driver at run time,
// neither LLVM nor MLIR.
// REQUIRES: cuda-runtime, ptxas
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-compile %s --target=cuda -o %t/art
// RUN: ldd %t/art | FileCheck %s --check-prefix=LDD
// RUN: norm-compile %s --target=cuda --emit=llvm | FileCheck %s --check-prefix=IR

// LDD-NOT: libnccl
// LDD-NOT: libmpi
// LDD: libcuda.so.1
// LDD-NOT: libnccl
// LDD-NOT: libmpi
// LDD-NOT: libMLIR
// LDD-NOT: libLLVM

// The cubin is loaded when the program starts, the kernel launched on the
// shared stream, and the function waits for it before returning.
// IR: @rms_kernel_binary = internal constant [{{[0-9]+}} x i8] c"\7FELF
// IR: @llvm.global_ctors
// IR: define void @rms(
// IR: call ptr @mgpuStreamCreate()
// IR: call void @mgpuLaunchKernel(ptr %{{.*}}, i64 64, i64 1, i64 1, i64 32, i64 4, i64 1, i32 0,
// IR: call void @mgpuStreamSynchronize(
// IR: define internal void @rms_kernel_load()
// IR: call ptr @mgpuModuleLoad(ptr {{.*}}@rms_kernel_binary
// IR: define void @norm_entry(ptr

func.func @rms(%x: tensor<256x512xf32>, %w: tensor<512xf32>) -> tensor<256x512xf32> {
  %y = norm.rms_norm %x scale(%w : tensor<512xf32>) : tensor<256x512xf32>
  return %y : tensor<256x512xf32>
}
