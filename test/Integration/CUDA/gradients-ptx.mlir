// The gradient ops on the GPU without a GPU: each training step is the
// forward's row kernel, the gradient's row kernel and, for dscale/dbias, the
// column sums of its per-CTA partials (none for the weightless one), which
// ptxas assembles for sm_80 and sm_90, with no atomics (the partials are
// merged in a fixed order, so results are deterministic).
// REQUIRES: ptxas
// RUN: norm-opt %S/Inputs/gradients.mlir --norm-lower-to-nvvm='chip=sm_80 format=bin' | FileCheck %s --check-prefix=BIN
// RUN: norm-opt %S/Inputs/gradients.mlir --norm-lower-to-nvvm='chip=sm_90 format=bin' | FileCheck %s --check-prefix=BIN
// RUN: norm-opt %S/Inputs/gradients.mlir --norm-lower-to-nvvm='chip=sm_90 format=isa' | FileCheck %s

// BIN: gpu.binary
// BIN-NOT: norm.

// CHECK-LABEL: llvm.func @layer_norm_step
// CHECK-COUNT-3: gpu.launch_func
// CHECK-NOT:   gpu.launch_func
// CHECK:       .target sm_90
// CHECK-NOT:   atom.
// CHECK-NOT:   red.global
// CHECK-LABEL: llvm.func @add_rms_norm_step
// CHECK-COUNT-3: gpu.launch_func
// CHECK-NOT:   gpu.launch_func
// CHECK:       .target sm_90
// CHECK-NOT:   atom.
// CHECK-NOT:   red.global
// CHECK-LABEL: llvm.func @layer_norm_step_wide
// CHECK-COUNT-3: gpu.launch_func
// CHECK-NOT:   gpu.launch_func
// CHECK:       .target sm_90
// CHECK-NOT:   atom.
// CHECK-NOT:   red.global
// CHECK-LABEL: llvm.func @rms_norm_step_weightless
// CHECK-COUNT-2: gpu.launch_func
// CHECK-NOT:   gpu.launch_func
// CHECK:       .target sm_90
// CHECK-NOT:   atom.
// CHECK-NOT:   red.global
// CHECK-LABEL: llvm.func @batch_norm_step
// CHECK:       gpu.launch_func
// CHECK:       .target sm_90
// CHECK-NOT:   atom.
// CHECK-NOT:   red.global
// CHECK-LABEL: llvm.func @group_norm_step
// CHECK:       gpu.launch_func
// CHECK:       .target sm_90
// CHECK-NOT:   atom.
// CHECK-NOT:   red.global
// CHECK-LABEL: llvm.func @weight_norm_step
// CHECK:       gpu.launch_func
// CHECK:       .target sm_90
// CHECK-NOT:   atom.
// CHECK-NOT:   red.global
