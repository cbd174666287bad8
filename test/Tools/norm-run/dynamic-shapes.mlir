// Dynamic dims that the program ties must agree: before the float64
// evaluation reads them (--check, --write-reference) and at the entry of
// the compiled code (a plain run, an artifact), each a one-line error naming
// the arguments, the dim and the sizes, exit 2. Sizes that agree run,
// whatever they are.

// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-run %S/Inputs/make-rows.mlir --random-inputs --output-dir=%t > /dev/null
// RUN: norm-run %s --entry=add_norm --input=%t/result0.npy --input=%t/result0.npy --input=%t/result2.npy --check | FileCheck %s --check-prefix=RUNS
// RUN: norm-run %s --entry=add_norm --input=%t/result1.npy --input=%t/result1.npy --input=%t/result2.npy --check | FileCheck %s --check-prefix=RUNS
// RUN: %expect_exit 2 norm-run %s --entry=add_norm --input=%t/result0.npy --input=%t/result1.npy --input=%t/result2.npy --check 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: %expect_exit 2 norm-run %s --entry=add_norm --input=%t/result0.npy --input=%t/result1.npy --input=%t/result2.npy 2>&1 | FileCheck %s --check-prefix=ROWS
// (--write-reference runs only the float64 evaluation: its own check.)
// RUN: %expect_exit 2 norm-run %s --entry=add_norm --input=%t/result0.npy --input=%t/result1.npy --input=%t/result2.npy --write-reference=%t/bad 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: %expect_exit 2 norm-run %s --entry=to_static --input=%t/result1.npy --check 2>&1 | FileCheck %s --check-prefix=STATIC
// RUN: %expect_exit 2 norm-run %s --entry=to_static --input=%t/result1.npy 2>&1 | FileCheck %s --check-prefix=STATIC
// RUN: %expect_exit 2 norm-run %s --entry=columns --input=%t/result0.npy --input=%t/result3.npy 2>&1 | FileCheck %s --check-prefix=COLUMNS
// RUN: norm-opt %s --norm-lower-to-llvm-cpu --mlir-print-ir-after=norm-check-shapes -o /dev/null 2>&1 | FileCheck %s --check-prefix=IR

// An artifact takes dynamic dims from its inputs, sizes its results from
// the argument dims they are tied to, and checks the ties at entry too.
// RUN: norm-compile %s --entry=add_norm --target=cpu -o %t/art
// RUN: norm-run %s --entry=add_norm --input=%t/result1.npy --input=%t/result1.npy --input=%t/result2.npy --write-reference=%t/ref
// RUN: %t/art --input=%t/ref/arg0.npy --input=%t/ref/arg1.npy --input=%t/ref/arg2.npy --expected=%t/ref/expected0.npy | FileCheck %s --check-prefix=ART
// RUN: %expect_exit 2 %t/art --input=%t/result0.npy --input=%t/result1.npy --input=%t/result2.npy 2>&1 | FileCheck %s --check-prefix=ARTROWS
// RUN: %expect_exit 2 %t/art --random-inputs 2>&1 | FileCheck %s --check-prefix=ARTRANDOM
// RUN: norm-compile %s --entry=to_static --target=cpu -o %t/to_static
// RUN: %expect_exit 2 %t/to_static --input=%t/result1.npy 2>&1 | FileCheck %s --check-prefix=ARTSTATIC
// A result sized only by a tensor.empty of an argument's dim.
// RUN: norm-compile %s --entry=zeros_like --target=cpu -o %t/zeros
// RUN: %t/zeros --input=%t/result1.npy --output-dir=%t/zeros.out > /dev/null
// RUN: %python -c "import numpy as n; z = n.load('%t/zeros.out/result0.npy'); print(z.shape, abs(z).max())" | FileCheck %s --check-prefix=ZEROS
// ART: result0 (f32): 32 values, {{.*}} PASS
// ARTROWS: art: argument #1 has 4 in dim 0, argument #0 3 in dim 0: the program needs them equal
// ARTROWS-NOT: {{.}}
// ARTRANDOM: art: argument #0 has the dynamic shape [?, 8]; give its data with --input
// ARTSTATIC: to_static: argument #0 has 4 in dim 0 where the program has 3
// ZEROS: (4, 8) 0.0

// RUNS: ran @add_norm on 3 arguments: 1 result
// ROWS: norm-run: argument #1 has 4 in dim 0, argument #0 3 in dim 0: the program needs them equal
// ROWS-NOT: {{.}}
// STATIC: norm-run: argument #0 has 4 in dim 0 where the program has 3
// STATIC-NOT: {{.}}
// COLUMNS: norm-run: argument #1 has 5 in dim 1, argument #0 8 in dim 1: the program needs them equal

// The checks at entry: one per tied dim after the first, none for the
// scale (static) or for @no_ties.
// IR-LABEL: func.func @add_norm
// IR:         %[[X:.*]] = tensor.dim %arg0, %c0
// IR:         %[[R:.*]] = tensor.dim %arg1, %c0
// IR:         %[[NE:.*]] = arith.cmpi ne, %{{.*}}, %{{.*}} : i64
// IR:         scf.if %[[NE]] {
// IR:            func.call @norm_rt_size_mismatch(
// IR-LABEL: func.func @no_ties
// IR-NOT:     norm_rt_size_mismatch
// IR:         return

func.func @add_norm(%x: tensor<?x8xf32>, %r: tensor<?x8xf32>, %g: tensor<8xf32>) -> tensor<?x8xf32> {
  %y, %s = norm.add_layer_norm %x, %r scale(%g : tensor<8xf32>) : tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

func.func @to_static(%x: tensor<?x8xf32>) -> tensor<3x8xf32> {
  %c = tensor.cast %x : tensor<?x8xf32> to tensor<3x8xf32>
  %y = norm.rms_norm %c : tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}

// Elementwise ops on tensors tie every dim, the normalized ones included.
func.func @columns(%x: tensor<?x?xf32>, %y: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %s = arith.addf %x, %y : tensor<?x?xf32>
  return %s : tensor<?x?xf32>
}

func.func @zeros_like(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %zero = arith.constant 0.0 : f32
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?x8xf32>) -> tensor<?x8xf32>
  return %z : tensor<?x8xf32>
}

func.func @no_ties(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = norm.rms_norm %x : tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
