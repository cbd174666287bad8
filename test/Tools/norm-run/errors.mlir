// Bad files and arguments get a one-line message naming the problem and exit
// code 2 (a failed check is 1, a run 0). A linalg op written in a comment,
// linalg.conv_2d<[1.0]>, is not one: this module still runs.
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-run %S/Inputs/make-npy.mlir --random-inputs --output-dir=%t
// RUN: %expect_exit 0 norm-run %s --input=%t/result0.npy --input=%t/result0.npy --check | FileCheck %s --check-prefix=OK
// OK: check: PASS

// RUN: %expect_exit 2 norm-run %s --input=%t/missing.npy --input=%t/result0.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: norm-run: {{.*}}missing.npy: cannot open file

// RUN: head -c 40 %t/result0.npy > %t/truncated-header.npy
// RUN: %expect_exit 2 norm-run %s --input=%t/truncated-header.npy --input=%t/result0.npy 2>&1 | FileCheck %s --check-prefix=TRUNCH
// TRUNCH: norm-run: {{.*}}truncated-header.npy: {{.*}}truncated

// RUN: head -c 150 %t/result0.npy > %t/truncated-data.npy
// RUN: %expect_exit 2 norm-run %s --input=%t/truncated-data.npy --input=%t/result0.npy 2>&1 | FileCheck %s --check-prefix=TRUNCD
// TRUNCD: norm-run: {{.*}}truncated-data.npy: data truncated: expected 64 bytes

// RUN: echo "not an npy file" > %t/corrupt.npy
// RUN: %expect_exit 2 norm-run %s --input=%t/corrupt.npy --input=%t/result0.npy 2>&1 | FileCheck %s --check-prefix=CORRUPT
// CORRUPT: norm-run: {{.*}}corrupt.npy: not a .npy file

// RUN: %expect_exit 2 norm-run %s --input=%t/result1.npy --input=%t/result0.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: norm-run: {{.*}}result1.npy: dtype f64 does not match argument #0 of element type f32

// RUN: %expect_exit 2 norm-run %s --input=%t/result0.npy --input=%t/result2.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: norm-run: {{.*}}result2.npy: shape [3, 8] does not match argument #1 of shape [2, 8]

// TOSA that upstream's tosa-to-linalg cannot lower (norm-lower-tosa, before
// the float64 evaluation):
// RUN: %expect_exit 2 norm-run %S/Inputs/unlowerable-tosa.mlir --random-inputs --check 2>&1 | FileCheck %s --check-prefix=TOSA
// TOSA: norm-run: {{.*}}unlowerable-tosa.mlir:2:8: norm-lower-tosa failed: failed to legalize operation 'tosa.custom'
// TOSA-NOT: error

// RUN: %expect_exit 2 norm-run %s --input=%t/result0.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: norm-run: 'add_norm' takes 2 arguments, got 1 --input files

// RUN: %expect_exit 2 norm-run %s 2>&1 | FileCheck %s --check-prefix=NOINPUT
// NOINPUT: norm-run: 'add_norm' takes 2 arguments: give them with --input, or use --random-inputs

// RUN: %expect_exit 2 norm-run %s --entry=nope --random-inputs 2>&1 | FileCheck %s --check-prefix=ENTRY
// ENTRY: norm-run: {{.*}}errors.mlir: no function named 'nope' to run

// RUN: %expect_exit 2 norm-run %S/Inputs/two-entries.mlir --random-inputs 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS
// AMBIGUOUS: norm-run: {{.*}}two-entries.mlir: several public functions; choose one with --entry

// RUN: %expect_exit 2 norm-run %S/Inputs/does-not-verify.mlir --random-inputs 2>&1 | FileCheck %s --check-prefix=VERIFY
// VERIFY: error: 'norm.layer_norm' op 'epsilon' must be finite and > 0
// VERIFY: norm-run: {{.*}}does-not-verify.mlir: the module does not parse or verify (see above)

// Forms on which linalg.matmul's upstream verifier crashes: one error each.
// RUN: %expect_exit 2 norm-run %S/Inputs/matmul-bad-maps.mlir --random-inputs 2>&1 | FileCheck %s --check-prefix=MAPS
// RUN: %expect_exit 2 norm-compile %S/Inputs/matmul-bad-maps.mlir -o %t/bad-maps 2>&1 | FileCheck %s --check-prefix=MAPS
// MAPS: matmul-bad-maps.mlir:4:8: error: 'linalg.matmul' op expected one affine map with results per operand (3) in 'indexing_maps', got [affine_map<(d0, d1, d2) -> (d0, d2)>]
// MAPS: matmul-bad-maps.mlir:9:8: error: 'linalg.matmul' op expected one affine map with results per operand (3) in 'indexing_maps', got []
// MAPS: matmul-bad-maps.mlir:14:8: error: 'linalg.matmul' op expected one affine map with results per operand (3) in 'indexing_maps', got [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> ()>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// MAPS: {{.*}}matmul-bad-maps.mlir: the module does not parse or verify (see above)

// RUN: %expect_exit 2 norm-run %s --random-inputs --sync-group=dp:2 2>&1 | FileCheck %s --check-prefix=SYNC
// SYNC: norm-run: --sync-group goes with mpirun
// RUN: %expect_exit 2 norm-run %s --random-inputs --shard=0 2>&1 | FileCheck %s --check-prefix=SHARD
// SHARD: norm-run: --shard goes with mpirun

// linalg's named-op parser reads past properties that are not a dictionary
// (the parser fuzzer under ASan): rejected before parsing.
// RUN: %expect_exit 2 norm-run %S/Inputs/linalg-bad-properties.mlir --random-inputs 2>&1 | FileCheck %s --check-prefix=PROPS
// PROPS: linalg-bad-properties.mlir:2:8: error: a linalg op's properties (`<...>` after its name) must be a dictionary, `<{...}>`

// RUN: %expect_exit 2 norm-run %t/no-such-module.mlir 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: norm-run: {{.*}}no-such-module.mlir: {{.*}}o such file or directory

// RUN: %expect_exit 2 norm-run %s --random-inputs --target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: norm-run: {{.*}}Cannot find option named 'tpu'

// RUN: %expect_exit 2 norm-run %s --random-inputs --bench=-3 2>&1 | FileCheck %s --check-prefix=BENCH
// BENCH: norm-run: --bench must be >= 0, got -3

// RUN: %expect_exit 2 norm-run %s --random-inputs --num-threads=-1 2>&1 | FileCheck %s --check-prefix=THREADS
// THREADS: norm-run: --num-threads must be >= 0, got -1

// RUN: %expect_exit 2 norm-run %s --random-inputs --pipeline-options=no-such-option=1 2>&1 | FileCheck %s --check-prefix=PIPEOPT
// PIPEOPT: norm-run: --pipeline-options: not options of norm-lower-to-llvm-cpu: 'no-such-option=1'

// RUN: %expect_exit 2 norm-run %s --random-inputs --pipeline-options=bf16-rounding=fast 2>&1 | FileCheck %s --check-prefix=BF16ROUND
// BF16ROUND: norm-run: --pipeline-options: not options of norm-lower-to-llvm-cpu: 'bf16-rounding=fast'

// RUN: %expect_exit 2 norm-run %s --random-inputs --pipeline-options=out-params=1 2>&1 | FileCheck %s --check-prefix=OUTPARAMS
// OUTPARAMS: norm-run: --pipeline-options: norm-run calls functions that return their results; out-params is for ahead-of-time callers (norm-compile)

// RUN: %expect_exit 2 norm-run %s --random-inputs --rtol=1e-3 2>&1 | FileCheck %s --check-prefix=TOLNOCHECK
// TOLNOCHECK: norm-run: --rtol and --atol go with --check

// RUN: %expect_exit 2 norm-run %s --random-inputs --check --atol=-1 2>&1 | FileCheck %s --check-prefix=NEGTOL
// NEGTOL: norm-run: --atol must be >= 0

// RUN: %expect_exit 2 norm-run %s --random-inputs --no-such-flag 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: norm-run: {{.*}}Unknown command line argument '--no-such-flag'

// RUN: %expect_exit 2 norm-run %s --random-inputs --output-dir=%s/sub 2>&1 | FileCheck %s --check-prefix=OUTDIR
// OUTDIR: norm-run: {{.*}}errors.mlir/sub: cannot create the output directory

// A pass that builds an op its verifier rejects is caught where it runs:
// one line that names the stage, the op and the verifier's message.
// RUN: %expect_exit 2 norm-run %s --random-inputs --transform=norm-test-invalid-ir 2>&1 | FileCheck %s --check-prefix=INVALIDIR
// INVALIDIR: norm-run: {{.*}}errors.mlir:[[@LINE+5]]:8: norm-lower-to-llvm-cpu failed: invalid IR after --transform: 'norm.layer_norm' op 'epsilon' must be finite and > 0, got 0.000000e+00 (a pass built an op that its verifier rejects: a bug in norm-mlir, please report it)
// INVALIDIR-NOT: {{.}}

func.func @add_norm(%x: tensor<2x8xf32>, %r: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %s = arith.addf %x, %r : tensor<2x8xf32>
  %y = norm.layer_norm %s : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
