// Each normalizer of Inputs/ops.mlir run on a GPU (compiled ahead of time
// and run by norm-run --target=cuda) and checked against the float64
// reference with the default tolerances.
// REQUIRES: cuda
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=layer_norm --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=layer_norm_stats --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=layer_norm_f16 --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=gemma_rms_norm --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=add_rms_norm --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=add_layer_norm_ragged --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=qk_norm --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=rms_norm_wide --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=layer_norm_f64_statistics --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=batch_norm_train --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=batch_norm_eval --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=batch_norm_constants --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=group_norm --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=weight_norm --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=project_norm --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=norm_project --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=batch_stats_apply --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=rms_norm_linear_bf16 --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=batch_matmul --random-inputs --check | FileCheck %s
// RUN: norm-run %S/Inputs/ops.mlir --target=cuda --entry=pre_ln_block --random-inputs --check | FileCheck %s

// CHECK: check: PASS
