// Every user-facing error of norm-compile: one line, exit 2.
// RUN: rm -rf %t && mkdir -p %t

// A dynamic result dim must come from an argument's (dynamic-shapes.mlir in
// norm-run's tests runs artifacts with dynamic dims).
// RUN: %expect_exit 2 norm-compile %s --entry=untied -o %t/a 2>&1 | FileCheck %s --check-prefix=UNTIED
// UNTIED: norm-compile: result #0 has a dynamic dim 0 that no argument's dim gives; an artifact must know each result's size from its inputs
// UNTIED-NOT: {{.}}
// RUN: not test -e %t/a

// RUN: %expect_exit 2 norm-compile %s --entry=static --emit=ptx 2>&1 | FileCheck %s --check-prefix=PTXCPU
// PTXCPU: norm-compile: --emit=ptx goes with --target=cuda

// RUN: %expect_exit 2 norm-compile %s --entry=static 2>&1 | FileCheck %s --check-prefix=NOOUT
// NOOUT: norm-compile: give the output file with -o

// RUN: %expect_exit 2 norm-compile %s --entry=static --pipeline-options='frob=1' -o %t/a 2>&1 | FileCheck %s --check-prefix=OPTIONS
// OPTIONS: norm-compile: --pipeline-options: not options of norm-lower-to-llvm-cpu: 'frob=1'

// RUN: %expect_exit 2 norm-compile %s --entry=static --target=cuda --pipeline-options='tile=0' -o %t/a 2>&1 | FileCheck %s --check-prefix=NVVMOPTIONS
// NVVMOPTIONS: norm-compile: --pipeline-options: not options of norm-lower-to-nvvm: 'tile=0'

// RUN: %expect_exit 2 norm-compile %t/missing.mlir -o %t/a 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: norm-compile: {{.*}}missing.mlir: {{.*}}

// RUN: %expect_exit 2 norm-compile %s --entry=nothing -o %t/a 2>&1 | FileCheck %s --check-prefix=NOENTRY
// NOENTRY: norm-compile: {{.*}}errors.mlir: no function named 'nothing' to run

// RUN: %expect_exit 2 norm-compile %s --entry=static --target=tpu -o %t/a 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: norm-compile: {{.*}}tpu

// A program the GPU lowering cannot take: one line, the first error.
// RUN: %expect_exit 2 norm-compile %s --entry=host_call --target=cuda -o %t/a 2>&1 | FileCheck %s --check-prefix=HOST
// HOST: norm-compile: {{.*}}errors.mlir:{{[0-9]+}}:{{[0-9]+}}: lowering failed: passes device buffers to 'host_function', which runs on the host; norm-lower-to-nvvm has no GPU version of it
// HOST-NOT: {{.}}

// A pass that builds invalid IR: one line and no artifact.
// RUN: %expect_exit 2 norm-compile %s --entry=static --transform=norm-test-invalid-ir -o %t/invalid 2>&1 | FileCheck %s --check-prefix=INVALIDIR
// RUN: not test -e %t/invalid
// INVALIDIR: norm-compile: {{.*}}errors.mlir:{{[0-9]+}}:8: lowering failed: invalid IR after --transform: 'norm.rms_norm' op 'epsilon' must be finite and > 0{{.*}}
// INVALIDIR-NOT: {{.}}

func.func @untied(%x: tensor<4x16xf32>) -> tensor<?x16xf32> {
  %y = norm.rms_norm %x : tensor<4x16xf32>
  %c = tensor.cast %y : tensor<4x16xf32> to tensor<?x16xf32>
  return %c : tensor<?x16xf32>
}

func.func @static(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = norm.rms_norm %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func private @host_function(memref<4xf32>)
func.func @host_call(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = norm.rms_norm %x : tensor<4xf32>
  %b = bufferization.to_buffer %y : tensor<4xf32> to memref<4xf32>
  func.call @host_function(%b) : (memref<4xf32>) -> ()
  return %y : tensor<4xf32>
}
