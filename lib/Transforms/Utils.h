//===- Utils.h - Helpers shared by the norm-* passes --------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Reading and writing float constants, and recognizing the matmuls that
// front ends write (their maps, accumulators and truncations), for the
// folding and fusion passes.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_TRANSFORMS_UTILS_H
#define NORM_LIB_TRANSFORMS_UTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <vector>

namespace mlir::norm {
/// The values of a float constant tensor as doubles, or nothing when `value`
/// is null or not such a constant.
std::optional<std::vector<double>> getConstantFloatValues(Value value);

/// A dense attribute of `type` holding `values`, each rounded to nearest
/// even in the element type.
DenseElementsAttr getFloatConstantAttr(RankedTensorType type,
                                       ArrayRef<double> values);

/// True when `init` is a `linalg.fill` of the constant 0.0: a contraction
/// into it computes the product alone.
bool isZeroFill(Value init);

/// A projection `x W` as front ends write it: a `linalg.matmul` on tensors
/// into a zero fill, reading `x` as [M, K] and `W` as [K, N] or, with
/// `transposedWeight`, as [N, K] (how `nn.Linear` stores it). It
/// accumulates in the element type of its init, `accumulator`: the operands'
/// own type, or, for bf16/f16 operands, f32 whose result one truncation
/// rounds back to the operands' type (torch-mlir's default accumulator).
struct Projection {
  linalg::MatmulOp matmul;
  Value input, weight;
  bool transposedWeight = false;
  Type accumulator;
  /// The truncation of a wider accumulator, or null.
  Operation *truncation = nullptr;
  /// The projection in the operands' element type: the truncation's result,
  /// or the matmul's.
  Value result;
};

/// `matmul` as a Projection, or a failure that says why not: another map
/// (a transposed or broadcast x, a broadcast W), operands of different
/// element types, an init that is not a zero fill, or a wider accumulator
/// whose only user is not a truncation back to the operands' type.
FailureOr<Projection> matchProjection(linalg::MatmulOp matmul,
                                      std::string &why);

/// The Projection whose `result` is `value`, or a failure that says why.
FailureOr<Projection> matchProjectionResult(Value value, std::string &why);

/// `input` when `value` is a truncation of it to `value`'s element type:
/// `arith.truncf` on tensors or the elementwise `linalg.generic` of one
/// that front ends write; null otherwise.
Value getTruncatedValue(Value value);

/// The one result of an operand's indexing `map` that is loop dim `loopDim`
/// itself, or -1 when no result or more than one reads that loop dim, or
/// one reads it in a compound expression (a convolution's `oh + kh`).
int64_t operandDimOfLoop(AffineMap map, unsigned loopDim);
} // namespace mlir::norm

#endif // NORM_LIB_TRANSFORMS_UTILS_H
