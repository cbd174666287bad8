// SyncBN on the GPU without a GPU: the collectives are their GPU versions
// (norm_rt_gpu_*, NCCL under mpirun), called between launches once the
// stream has drained, and the merge is a kernel, one thread per channel
// walking the members in rank order; ptxas assembles every kernel.
// REQUIRES: ptxas
// RUN: norm-opt %S/Inputs/syncbn.mlir --norm-lower-to-nvvm='chip=sm_80 format=bin' | FileCheck %s
// RUN: norm-opt %S/Inputs/syncbn.mlir --norm-lower-to-nvvm='chip=sm_90 format=bin' | FileCheck %s
// RUN: norm-opt %S/Inputs/syncbn.mlir --norm-lower-to-nvvm='chip=sm_90 format=isa' | FileCheck %s --check-prefix=PTX

// The host versions are gone: nothing passes device memory to the host.
// CHECK-NOT: llvm.func private @norm_rt_all_gather_f64
// CHECK-NOT: llvm.func private @norm_rt_group_size
// CHECK-DAG: llvm.func @_mlir_ciface_norm_rt_gpu_all_gather_f64(!llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-DAG: llvm.func @_mlir_ciface_norm_rt_gpu_group_size(!llvm.ptr) -> i64
// CHECK-LABEL: llvm.func @syncbn(
//   The local statistics, then the group's size and the gather, each after
//   the stream has drained, then the merge and the apply.
// CHECK:       gpu.launch_func
// CHECK:       llvm.call @mgpuStreamSynchronize
// CHECK-NEXT:  llvm.call @mgpuStreamDestroy
// CHECK-NEXT:  %[[P:.+]] = llvm.call @norm_rt_gpu_group_size(
// CHECK:       llvm.mul %[[P]]
// CHECK:       %[[ALL:.+]] = llvm.call @mgpuMemAlloc(
// CHECK:       llvm.call @mgpuStreamSynchronize
// CHECK:       llvm.call @norm_rt_gpu_all_gather_f64(%{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %[[ALL]],
// CHECK:       gpu.launch_func {{.*}} args(%[[ALL]] : !llvm.ptr, %[[ALL]] : !llvm.ptr, {{.*}}, %[[P]] : i64
// CHECK:       gpu.launch_func
// CHECK:       llvm.call @mgpuStreamSynchronize
// CHECK:       llvm.return

// PTX: setp.eq.f64
// PTX: div.rn.f64
