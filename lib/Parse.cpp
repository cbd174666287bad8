//===- Parse.cpp - Parse a module from another compiler safely ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "norm-mlir/Parse.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/SourceMgr.h"

using namespace mlir;

LogicalResult mlir::norm::checkUpstreamVerifierHazards(Operation *root) {
  bool ok = true;
  root->walk([&](linalg::MatmulOp matmul) {
    ArrayAttr maps = matmul.getIndexingMaps();
    // Elements that are not affine maps are the ODS constraint's to report.
    if (!maps || !llvm::all_of(maps, llvm::IsaPred<AffineMapAttr>))
      return;
    bool wellFormed =
        maps.size() == matmul->getNumOperands() &&
        llvm::all_of(maps, [](Attribute map) {
          return cast<AffineMapAttr>(map).getValue().getNumResults() > 0;
        });
    if (wellFormed)
      return;
    matmul.emitOpError("expected one affine map with results per operand (")
        << matmul->getNumOperands() << ") in 'indexing_maps', got " << maps;
    ok = false;
  });
  return success(ok);
}

OwningOpRef<ModuleOp> mlir::norm::parseModule(llvm::SourceMgr &sourceMgr,
                                              MLIRContext *context) {
  ParserConfig config(context, /*verifyAfterParse=*/false);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, config);
  if (!module || failed(checkUpstreamVerifierHazards(*module)) ||
      failed(verify(*module)))
    return nullptr;
  return module;
}
