//===- Passes.h - norm-* code generation passes -----------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Declares the norm code generation passes (generated from Passes.td) and
// their registration.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_CODEGEN_PASSES_H
#define NORM_MLIR_CODEGEN_PASSES_H

#include "norm-mlir/Dialect/NormDialect.h"

#include "mlir/Pass/Pass.h"

namespace mlir::norm {
#define GEN_PASS_DECL
#include "norm-mlir/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "norm-mlir/Codegen/Passes.h.inc"

/// Whether norm-library-calls makes a library call of `op` (a linalg op on
/// tensors or buffers): a matmul in any of its forms, or a 2-D convolution,
/// of types the runtime takes.
bool isLibraryContraction(Operation *op);
} // namespace mlir::norm

#endif // NORM_MLIR_CODEGEN_PASSES_H
