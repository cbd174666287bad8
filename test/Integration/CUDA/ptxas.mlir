// Every normalizer of Inputs/ops.mlir lowers to kernels that ptxas
// assembles into cubins (ELF) for sm_80 (A100) and sm_90 (H100/H200):
// format=bin runs the toolkit's ptxas on each kernel module and fails on
// anything it rejects.
// REQUIRES: ptxas
// RUN: norm-opt %S/Inputs/ops.mlir --norm-lower-to-nvvm='chip=sm_80 format=bin' | FileCheck %s -DCHIP=sm_80
// RUN: norm-opt %S/Inputs/ops.mlir --norm-lower-to-nvvm='chip=sm_90 format=bin' | FileCheck %s -DCHIP=sm_90

// CHECK-NOT: gpu.launch {
// CHECK-LABEL: llvm.func @layer_norm(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @layer_norm_stats(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @layer_norm_f16(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @gemma_rms_norm(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @add_rms_norm(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @add_layer_norm_ragged(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @qk_norm(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @rms_norm_wide(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @layer_norm_f64_statistics(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @batch_norm_train(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @batch_norm_eval(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @batch_norm_constants(
// CHECK:         llvm.call @mgpuMemcpy
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @group_norm(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @weight_norm(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @project_norm(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @norm_project(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @batch_stats_apply(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @pre_ln_block(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @rms_norm_linear_bf16(
// CHECK:         gpu.launch_func
// CHECK-LABEL: llvm.func @batch_matmul(
// CHECK:         gpu.launch_func
// CHECK:     gpu.binary @{{.*}}  [#gpu.object<#nvvm.target<O = 3, chip = "[[CHIP]]", features = "+ptx80">, properties = {{{.*}}}, bin = "\7FELF
