// The gradient ops run on a GPU and checked against the float64 reference.
// REQUIRES: cuda
// RUN: norm-run %S/Inputs/gradients.mlir --target=cuda --entry=layer_norm_step --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/gradients.mlir --target=cuda --entry=add_rms_norm_step --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/gradients.mlir --target=cuda --entry=layer_norm_step_wide --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/gradients.mlir --target=cuda --entry=rms_norm_step_weightless --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/gradients.mlir --target=cuda --entry=batch_norm_step --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/gradients.mlir --target=cuda --entry=group_norm_step --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/gradients.mlir --target=cuda --entry=weight_norm_step --random-inputs --check | FileCheck %s
// CHECK: check: PASS
