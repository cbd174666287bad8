//===- NormDialect.h - The norm dialect ---------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Declares the norm dialect and its enums (batch_norm mode, fused norm kind).
//
//===----------------------------------------------------------------------===//

#ifndef NORM_DIALECT_NORMDIALECT_H
#define NORM_DIALECT_NORMDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "dialect/NormDialect.h.inc"
#include "dialect/NormEnums.h.inc"

#endif // NORM_DIALECT_NORMDIALECT_H
