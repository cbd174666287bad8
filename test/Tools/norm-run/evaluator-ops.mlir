// The float64 evaluator implements every arith.cmpf and arith.cmpi
// predicate exactly (NaN operands, unsigned comparisons of negative
// values), checked against the compiled code (LLVM's fcmp and icmp); an op
// it does not know is a one-line error and exit 2.

// RUN: norm-run %s --entry=cmpf_predicates --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=cmpi_predicates --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=relu_uge --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=integer_ops --check | FileCheck %s --check-prefix=PASS
// PASS: check: PASS

// Every predicate of the same pair is written out: an evaluator that gets
// one wrong, for one operand pair, fails the check of that result.
// RUN: rm -rf %t && mkdir -p %t && norm-run %s --entry=cmpf_predicates --output-dir=%t
// RUN: %python -c "import numpy as n; r=[n.load('%t/result%%d.npy' %% i).tolist() for i in range(16)]; print(r)" | FileCheck %s --check-prefix=VALUES
// x = [1, 2, NaN, 1, NaN], y = [1, 1, 1, NaN, NaN]
// VALUES: {{\[}}[0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 1.0, 1.0, 1.0], [0.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0, 1.0], [0.0, 1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0]]

// RUN: %expect_exit 2 norm-run %s --entry=unknown_op --random-inputs --check 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: norm-run: {{.*}}evaluator-ops.mlir: cannot evaluate 'math.sinh': not an op the evaluator knows
// UNKNOWN-NOT: {{.}}

// RUN: %expect_exit 2 norm-run %s --entry=unknown_scalar_op --random-inputs --check 2>&1 | FileCheck %s --check-prefix=UNKNOWNSCALAR
// UNKNOWNSCALAR: norm-run: {{.*}}evaluator-ops.mlir: cannot evaluate 'math.asin': not a scalar op the evaluator knows
// UNKNOWNSCALAR-NOT: {{.}}

// The tensor ops front ends write around normalizers: strided and
// rank-reducing extract_slice, insert_slice, pad, concat, extract,
// from_elements and a dense_resource constant, checked against the
// compiled code and, for the compiled outputs, against numpy.
// RUN: rm -rf %t.s && mkdir -p %t.s && %python -c "import numpy as n; n.save('%t.s/x.npy', (n.arange(24, dtype=n.float32).reshape(4, 6) * 0.25 - 2))"
// RUN: norm-run %s --entry=tensor_ops --input=%t.s/x.npy --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=tensor_ops --input=%t.s/x.npy --output-dir=%t.s
// RUN: %python -c "import numpy as n; x = n.load('%t.s/x.npy'); r = [n.load('%t.s/result%%d.npy' %% i) for i in range(4)]; p = n.pad(x, 1, constant_values=0.5); p[0:2, 0:6:2] = x[1:4:2, 0:6:2]; e = [x[1:4:2, 0:6:2], p, n.concatenate([x, x[:, 3:6]], 1), x[2, 0:3] + n.array([1, 2, -0.5], n.float32) + x[0, 1]]; print(all(a.shape == b.shape and n.array_equal(a, b) for a, b in zip(r, e)))" | FileCheck %s --check-prefix=NUMPY
// NUMPY: True

// RUN: %expect_exit 2 norm-run %s --entry=pad_from_indices --random-inputs --check 2>&1 | FileCheck %s --check-prefix=PAD
// PAD: norm-run: {{.*}}evaluator-ops.mlir: cannot evaluate 'tensor.pad': a padding value computed from the indices
// PAD-NOT: {{.}}

// An elided dense_resource (printed with --mlir-elide-resource-strings-if-larger)
// has no data to evaluate.
// RUN: %expect_exit 2 norm-run %S/Inputs/elided-resource.mlir --check 2>&1 | FileCheck %s --check-prefix=ELIDED
// ELIDED: norm-run: {{.*}}elided-resource.mlir: cannot evaluate 'arith.constant': a dense_resource constant without data or of an element type of no whole bytes
// ELIDED-NOT: {{.}}

func.func @cmpf_predicates() -> (tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>,
                                 tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>,
                                 tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>,
                                 tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) {
  %x = arith.constant dense<[1.0, 2.0, 0x7FC00000, 1.0, 0x7FC00000]> : tensor<5xf32>
  %y = arith.constant dense<[1.0, 1.0, 1.0, 0x7FC00000, 0x7FC00000]> : tensor<5xf32>
  %c0 = arith.cmpf false, %x, %y : tensor<5xf32>
  %c1 = arith.cmpf oeq, %x, %y : tensor<5xf32>
  %c2 = arith.cmpf ogt, %x, %y : tensor<5xf32>
  %c3 = arith.cmpf oge, %x, %y : tensor<5xf32>
  %c4 = arith.cmpf olt, %x, %y : tensor<5xf32>
  %c5 = arith.cmpf ole, %x, %y : tensor<5xf32>
  %c6 = arith.cmpf one, %x, %y : tensor<5xf32>
  %c7 = arith.cmpf ord, %x, %y : tensor<5xf32>
  %c8 = arith.cmpf ueq, %x, %y : tensor<5xf32>
  %c9 = arith.cmpf ugt, %x, %y : tensor<5xf32>
  %c10 = arith.cmpf uge, %x, %y : tensor<5xf32>
  %c11 = arith.cmpf ult, %x, %y : tensor<5xf32>
  %c12 = arith.cmpf ule, %x, %y : tensor<5xf32>
  %c13 = arith.cmpf une, %x, %y : tensor<5xf32>
  %c14 = arith.cmpf uno, %x, %y : tensor<5xf32>
  %c15 = arith.cmpf true, %x, %y : tensor<5xf32>
  %f0 = arith.uitofp %c0 : tensor<5xi1> to tensor<5xf32>
  %f1 = arith.uitofp %c1 : tensor<5xi1> to tensor<5xf32>
  %f2 = arith.uitofp %c2 : tensor<5xi1> to tensor<5xf32>
  %f3 = arith.uitofp %c3 : tensor<5xi1> to tensor<5xf32>
  %f4 = arith.uitofp %c4 : tensor<5xi1> to tensor<5xf32>
  %f5 = arith.uitofp %c5 : tensor<5xi1> to tensor<5xf32>
  %f6 = arith.uitofp %c6 : tensor<5xi1> to tensor<5xf32>
  %f7 = arith.uitofp %c7 : tensor<5xi1> to tensor<5xf32>
  %f8 = arith.uitofp %c8 : tensor<5xi1> to tensor<5xf32>
  %f9 = arith.uitofp %c9 : tensor<5xi1> to tensor<5xf32>
  %f10 = arith.uitofp %c10 : tensor<5xi1> to tensor<5xf32>
  %f11 = arith.uitofp %c11 : tensor<5xi1> to tensor<5xf32>
  %f12 = arith.uitofp %c12 : tensor<5xi1> to tensor<5xf32>
  %f13 = arith.uitofp %c13 : tensor<5xi1> to tensor<5xf32>
  %f14 = arith.uitofp %c14 : tensor<5xi1> to tensor<5xf32>
  %f15 = arith.uitofp %c15 : tensor<5xi1> to tensor<5xf32>
  return %f0, %f1, %f2, %f3, %f4, %f5, %f6, %f7, %f8, %f9, %f10, %f11, %f12, %f13, %f14, %f15
      : tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>,
        tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>,
        tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>
}

// Signed and unsigned: -1 is the largest i32 read as unsigned.
func.func @cmpi_predicates() -> (tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>,
                                 tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) {
  %x = arith.constant dense<[-1, 0, 1, 5, -3]> : tensor<5xi32>
  %y = arith.constant dense<[1, 0, -1, 5, 2]> : tensor<5xi32>
  %c0 = arith.cmpi eq, %x, %y : tensor<5xi32>
  %c1 = arith.cmpi ne, %x, %y : tensor<5xi32>
  %c2 = arith.cmpi slt, %x, %y : tensor<5xi32>
  %c3 = arith.cmpi sle, %x, %y : tensor<5xi32>
  %c4 = arith.cmpi sgt, %x, %y : tensor<5xi32>
  %c5 = arith.cmpi sge, %x, %y : tensor<5xi32>
  %c6 = arith.cmpi ult, %x, %y : tensor<5xi32>
  %c7 = arith.cmpi ule, %x, %y : tensor<5xi32>
  %c8 = arith.cmpi ugt, %x, %y : tensor<5xi32>
  %c9 = arith.cmpi uge, %x, %y : tensor<5xi32>
  %f0 = arith.uitofp %c0 : tensor<5xi1> to tensor<5xf32>
  %f1 = arith.uitofp %c1 : tensor<5xi1> to tensor<5xf32>
  %f2 = arith.uitofp %c2 : tensor<5xi1> to tensor<5xf32>
  %f3 = arith.uitofp %c3 : tensor<5xi1> to tensor<5xf32>
  %f4 = arith.uitofp %c4 : tensor<5xi1> to tensor<5xf32>
  %f5 = arith.uitofp %c5 : tensor<5xi1> to tensor<5xf32>
  %f6 = arith.uitofp %c6 : tensor<5xi1> to tensor<5xf32>
  %f7 = arith.uitofp %c7 : tensor<5xi1> to tensor<5xf32>
  %f8 = arith.uitofp %c8 : tensor<5xi1> to tensor<5xf32>
  %f9 = arith.uitofp %c9 : tensor<5xi1> to tensor<5xf32>
  return %f0, %f1, %f2, %f3, %f4, %f5, %f6, %f7, %f8, %f9
      : tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>,
        tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>
}

// A ReLU written with an unordered predicate (uge: NaN passes through).
func.func @relu_uge(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %keep = arith.cmpf uge, %a, %zero : f32
    %r = arith.select %keep, %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// Integer arithmetic wraps at its width; unsigned division and
// remainders read negative values as large unsigned ones.
func.func @integer_ops() -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %x = arith.constant dense<[127, -7, 100, -128]> : tensor<4xi8>
  %y = arith.constant dense<[1, 2, 3, -2]> : tensor<4xi8>
  %sum = arith.addi %x, %y : tensor<4xi8>
  %q = arith.divsi %x, %y : tensor<4xi8>
  %uq = arith.divui %x, %y : tensor<4xi8>
  %r = arith.remsi %x, %y : tensor<4xi8>
  %m = arith.maxui %x, %y : tensor<4xi8>
  %f0 = arith.sitofp %sum : tensor<4xi8> to tensor<4xf32>
  %f1 = arith.sitofp %q : tensor<4xi8> to tensor<4xf32>
  %f2 = arith.sitofp %uq : tensor<4xi8> to tensor<4xf32>
  %f3 = arith.sitofp %r : tensor<4xi8> to tensor<4xf32>
  %f4 = arith.sitofp %m : tensor<4xi8> to tensor<4xf32>
  return %f0, %f1, %f2, %f3, %f4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

func.func @unknown_op(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = math.sinh %x : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @unknown_scalar_op(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.asin %a : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @tensor_ops(%x: tensor<4x6xf32>) -> (tensor<2x3xf32>, tensor<6x8xf32>, tensor<4x9xf32>, tensor<3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %half = arith.constant 0.5 : f32
  %s = tensor.extract_slice %x[1, 0] [2, 3] [2, 2] : tensor<4x6xf32> to tensor<2x3xf32>
  %p = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %half : f32
  } : tensor<4x6xf32> to tensor<6x8xf32>
  %ins = tensor.insert_slice %s into %p[0, 0] [2, 3] [1, 2] : tensor<2x3xf32> into tensor<6x8xf32>
  %right = tensor.extract_slice %x[0, 3] [4, 3] [1, 1] : tensor<4x6xf32> to tensor<4x3xf32>
  %cat = tensor.concat dim(1) %x, %right : (tensor<4x6xf32>, tensor<4x3xf32>) -> tensor<4x9xf32>
  %row = tensor.extract_slice %x[2, 0] [1, 3] [1, 1] : tensor<4x6xf32> to tensor<3xf32>
  %w = arith.constant dense_resource<weights> : tensor<3xf32>
  %e = tensor.extract %x[%c0, %c1] : tensor<4x6xf32>
  %splat = tensor.from_elements %e, %e, %e : tensor<3xf32>
  %rw = arith.addf %row, %w : tensor<3xf32>
  %sum = arith.addf %rw, %splat : tensor<3xf32>
  return %s, %ins, %cat, %sum : tensor<2x3xf32>, tensor<6x8xf32>, tensor<4x9xf32>, tensor<3xf32>
}

func.func @pad_from_indices(%x: tensor<4x6xf32>) -> tensor<6x8xf32> {
  %p = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    tensor.yield %f : f32
  } : tensor<4x6xf32> to tensor<6x8xf32>
  return %p : tensor<6x8xf32>
}

{-#
  dialect_resources: {
    builtin: {
      // 1.0, 2.0, -0.5 (f32, little-endian), after the 4-byte alignment.
      weights: "0x040000000000803F00000040000000BF"
    }
  }
#-}
