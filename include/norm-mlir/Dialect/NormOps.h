//===- NormOps.h - The ops of the norm dialect --------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Declares the ops of the norm dialect, generated from NormOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_DIALECT_NORMOPS_H
#define NORM_MLIR_DIALECT_NORMOPS_H

#include "norm-mlir/Dialect/NormDialect.h"
#include "norm-mlir/Dialect/NormInterfaces.h"
#include "norm-mlir/Dialect/NormTraits.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "norm-mlir/Dialect/NormOps.h.inc"

#endif // NORM_MLIR_DIALECT_NORMOPS_H
