//===- Parse.h - Parse a module from another compiler safely ------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// mlir::parseSourceFile, except that the forms on which an upstream verifier
// crashes instead of reporting an error are rejected with a diagnostic before
// the module is verified. norm-run, norm-compile and the fuzzers parse their
// input through it; norm-opt is MlirOptMain and still crashes on them
// (test/Tools/norm-opt/upstream-*.mlir, which fail once upstream is fixed).
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_PARSE_H
#define NORM_MLIR_PARSE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir::norm {
/// Emits an error on, and fails for, every op under `root` that an upstream
/// verifier of LLVM 22 crashes on: a linalg.matmul whose `indexing_maps` are
/// affine maps but not one per operand, or one of them without results
/// (MatmulOp::verify reads past the list or the map).
LogicalResult checkUpstreamVerifierHazards(Operation *root);

/// Parses the one module of `sourceMgr`'s main buffer, then checks it for
/// checkUpstreamVerifierHazards and verifies it. Before parsing, it rejects
/// a linalg op in custom form whose properties are not a dictionary
/// (`linalg.conv_2d<[1.0]>`), which linalg's named-op parser reads past. Null after any error, which
/// went to the context's diagnostic handlers.
OwningOpRef<ModuleOp> parseModule(llvm::SourceMgr &sourceMgr,
                                  MLIRContext *context);
} // namespace mlir::norm

#endif // NORM_MLIR_PARSE_H
