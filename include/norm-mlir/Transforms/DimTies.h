//===- DimTies.h - Which dims of a function's arguments must agree -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The sizes that a function's code assumes equal: two dims of the arguments
// that its ops index with one loop, or a dynamic dim that meets a static
// one. The code reads out of bounds when a caller breaks such a tie, so
// norm-check-shapes checks them at entry and norm-run before it evaluates.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_TRANSFORMS_DIMTIES_H
#define NORM_MLIR_TRANSFORMS_DIMTIES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>
#include <vector>

namespace mlir::norm {
/// Dim `dim` of argument `argument` (a dynamic dim).
struct ArgumentDim {
  unsigned argument;
  unsigned dim;
};

/// Dynamic dims of the arguments that must all have one size, `size` when
/// the function fixes it (a static dim tied to them), else the first's;
/// and the dynamic dims of the results that have that size (`argument` is
/// then the result's number).
struct DimTie {
  std::vector<ArgumentDim> dims;
  std::optional<int64_t> size;
  std::vector<ArgumentDim> results;
};

/// The ties of `func`'s dynamic argument dims, read from ops on tensors
/// whose semantics fix them: linalg structured ops (every operand dim that
/// one loop indexes), tensor.empty sized by tensor.dim, tensor.cast and
/// ops with the SameOperandsAndResultShape trait. Other ops tie nothing, so
/// the ties are what the code certainly assumes (run it after
/// convert-norm-to-linalg and convert-elementwise-to-linalg to see the
/// normalizers' and the elementwise ops'). Ties of one argument dim without
/// a static size or a result dim are left out.
std::vector<DimTie> collectDimTies(func::FuncOp func);
} // namespace mlir::norm

#endif // NORM_MLIR_TRANSFORMS_DIMTIES_H
