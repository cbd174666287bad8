// A training step in one compiled module (examples/training_step.mlir): a
// pre-LN block's forward saves mean and rstd, its backward runs the matmul
// transposes, tanh's derivative and norm.layer_norm_grad with the skip
// connection's gradient as sum_grad; the output and every gradient match the
// float64 evaluation, JIT and ahead of time.
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-run %S/../../../examples/training_step.mlir --random-inputs --check | FileCheck %s
// RUN: norm-run %S/../../../examples/training_step.mlir --random-inputs --seed=5 --write-reference=%t/ref
// RUN: norm-compile %S/../../../examples/training_step.mlir -o %t/step
// RUN: %t/step --input=%t/ref/arg0.npy --input=%t/ref/arg1.npy --input=%t/ref/arg2.npy \
// RUN:   --input=%t/ref/arg3.npy --input=%t/ref/arg4.npy --input=%t/ref/arg5.npy \
// RUN:   --expected=%t/ref/expected0.npy --expected=%t/ref/expected1.npy \
// RUN:   --expected=%t/ref/expected2.npy --expected=%t/ref/expected3.npy \
// RUN:   --expected=%t/ref/expected4.npy --expected=%t/ref/expected5.npy | FileCheck %s --check-prefix=AOT

// CHECK: result0 (f32): 1024 values, {{.*}} PASS
// CHECK: result1 (f32): 1024 values, {{.*}} PASS
// CHECK: result2 (f32): 64 values, {{.*}} PASS
// CHECK: result3 (f32): 64 values, {{.*}} PASS
// CHECK: result4 (f32): 8192 values, {{.*}} PASS
// CHECK: result5 (f32): 8192 values, {{.*}} PASS
// CHECK: check: PASS
// AOT-COUNT-6: PASS
// AOT-NOT: FAIL
