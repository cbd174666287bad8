//===- Evaluator.h - float64 evaluation of unlowered modules ------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The oracle behind `norm-run --check`: interprets a module before lowering,
// in float64, with the runtime's reference implementations for norm ops.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_TOOLS_NORM_RUN_EVALUATOR_H
#define NORM_TOOLS_NORM_RUN_EVALUATOR_H

#include "runtime/reference/Reference.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <string>
#include <vector>

namespace mlir::norm {
/// Evaluates `func` on `args` in float64. Each op's result is rounded to its
/// element type (so bf16 data are bf16 values) but computed exactly:
/// norm ops through runtime/reference, linalg structured ops by their
/// indexing maps and body, elementwise arith/math pointwise. Returns false
/// and sets `error` for an op it does not know.
bool evaluateFunction(FunctionOpInterface func,
                      const std::vector<::norm::rt::Tensor> &args,
                      std::vector<::norm::rt::Tensor> &results,
                      std::string &error);
} // namespace mlir::norm

#endif // NORM_TOOLS_NORM_RUN_EVALUATOR_H
