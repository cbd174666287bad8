// Bad command lines get a message and a non-zero exit code (1, as every
// MlirOptMain tool), never a crash.
// RUN: %expect_exit 1 norm-opt %s --norm-no-such-pass 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: Unknown command line argument '--norm-no-such-pass'

// RUN: %expect_exit 1 norm-opt %s --norm-set-mode=mode=inference 2>&1 | FileCheck %s --check-prefix=MODE
// MODE: Cannot find option named 'inference'

// RUN: %expect_exit 1 norm-opt %s --norm-lint=min-batch=many 2>&1 | FileCheck %s --check-prefix=LINT
// LINT: for the --min-batch option: 'many' value invalid for long argument

// RUN: %expect_exit 1 norm-opt %s --norm-lower-to-llvm-cpu=optimize=maybe 2>&1 | FileCheck %s --check-prefix=PIPE
// PIPE: 'maybe' is invalid value for boolean argument

// RUN: %expect_exit 1 norm-opt %s --pass-pipeline='builtin.module(norm-lint' 2>&1 | FileCheck %s --check-prefix=PARSE
// PARSE: error: {{.*}}

// RUN: %expect_exit 1 norm-opt %t.does-not-exist.mlir 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: cannot open input file {{.*}}does-not-exist.mlir{{.*}}: No such file or directory

// RUN: %expect_exit 1 norm-opt %s --norm-lint=werror 2>&1 | FileCheck %s --check-prefix=WERROR
// WERROR: error: [NL003]

// RUN: %expect_exit 2 norm-run %s --random-inputs --seed=twelve 2>&1 | FileCheck %s --check-prefix=SEED
// SEED: norm-run: for the --seed option: 'twelve' value invalid for ulong argument
// SEED-NOT: norm-run

// RUN: %expect_exit 2 norm-run %s --random-inputs --check --rtol=tight 2>&1 | FileCheck %s --check-prefix=RTOL
// RTOL: norm-run: for the --rtol option: 'tight' value invalid for floating point argument
// RTOL-NOT: norm-run

// RUN: %expect_exit 2 norm-run %s --random-inputs --transform='norm-lint{werror=sometimes}' 2>&1 | FileCheck %s --check-prefix=TRANSFORM
// TRANSFORM: for the --werror option: 'sometimes' is invalid value for boolean argument

func.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = norm.layer_norm %x {epsilon = 1.0e-30 : f64} : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
