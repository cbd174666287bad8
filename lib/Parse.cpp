//===- Parse.cpp - Parse a module from another compiler safely ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "norm-mlir/Parse.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "llvm/ADT/StringExtras.h"
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

/// The offset of the first `linalg.NAME<` (an op in custom form with
/// properties) whose properties do not start with `{`, or npos. linalg's
/// named-op parser (LLVM 22) casts them to a dictionary unchecked and reads
/// past the attribute: `linalg.conv_2d<[1.0, 2.0]>`. Attributes
/// (`#linalg.type_fn<...>`), types and comments are not ops.
static size_t badLinalgProperties(StringRef text) {
  for (size_t at = text.find("linalg."); at != StringRef::npos;
       at = text.find("linalg.", at + 1)) {
    if (at > 0 && (text[at - 1] == '#' || text[at - 1] == '!' ||
                   llvm::isAlnum(text[at - 1]) || text[at - 1] == '_'))
      continue;
    size_t lineStart = text.rfind('\n', at);
    lineStart = lineStart == StringRef::npos ? 0 : lineStart + 1;
    if (text.slice(lineStart, at).contains("//"))
      continue;
    StringRef rest = text.drop_front(at + 7);
    rest = rest.drop_while(
        [](char c) { return llvm::isAlnum(c) || c == '_' || c == '.'; });
    rest = rest.ltrim(" \t\r\n");
    if (!rest.consume_front("<"))
      continue;
    if (!rest.ltrim(" \t\r\n").starts_with("{"))
      return at;
  }
  return StringRef::npos;
}

OwningOpRef<ModuleOp> mlir::norm::parseModule(llvm::SourceMgr &sourceMgr,
                                              MLIRContext *context) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  if (size_t at = badLinalgProperties(buffer->getBuffer());
      at != StringRef::npos) {
    auto [line, column] = sourceMgr.getLineAndColumn(
        llvm::SMLoc::getFromPointer(buffer->getBufferStart() + at));
    emitError(FileLineColLoc::get(context, buffer->getBufferIdentifier(),
                                  line, column))
        << "a linalg op's properties (`<...>` after its name) must be a "
           "dictionary, `<{...}>`";
    return nullptr;
  }
  ParserConfig config(context, /*verifyAfterParse=*/false);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, config);
  if (!module || failed(checkUpstreamVerifierHazards(*module)) ||
      failed(verify(*module)))
    return nullptr;
  return module;
}
