// The gradient ops on the GPU without a GPU: they lower through linalg and
// norm-gpu-offload to kernels that ptxas assembles for sm_80 and sm_90, with
// no atomics (the cross-row sums are per-block partials and an ordered
// merge, so results are deterministic).
// REQUIRES: ptxas
// RUN: norm-opt %S/Inputs/gradients.mlir --norm-lower-to-nvvm='chip=sm_80 format=bin' | FileCheck %s --check-prefix=BIN
// RUN: norm-opt %S/Inputs/gradients.mlir --norm-lower-to-nvvm='chip=sm_90 format=bin' | FileCheck %s --check-prefix=BIN
// RUN: norm-opt %S/Inputs/gradients.mlir --norm-lower-to-nvvm='chip=sm_90 format=isa' | FileCheck %s

// BIN: gpu.binary
// BIN-NOT: norm.

// CHECK-LABEL: llvm.func @layer_norm_step
// CHECK:       .target sm_90
// CHECK-NOT:   atom.
// CHECK-NOT:   red.global
// CHECK-LABEL: llvm.func @add_rms_norm_step
