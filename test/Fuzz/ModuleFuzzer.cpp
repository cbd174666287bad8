//===- ModuleFuzzer.cpp - libFuzzer targets: parser, verifier, pipelines --===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Two targets from one file. norm-fuzz-parse parses and verifies any text as
// a module. norm-fuzz-pipeline (NORM_FUZZ_PIPELINE) also lowers every module
// that verifies: with norm-lower-to-nvvm (PTX text, so no ptxas) when its
// size is 4k + 1, with norm-lower-to-llvm-cpu otherwise. Diagnostics are
// swallowed; only a crash, a sanitizer report or a leak is a finding.
//
// linalg is fuzzed too, with one exception: its custom parsers for the
// `dimensions`/`permutation` lists dereference a null attribute after any
// error inside the list, and linalg.generic's reads every element of
// `iterator_types` as a string unchecked; both crash upstream mlir-opt too
// (LLVM 22.1.8; reproducer in test/Tools/norm-opt/upstream-linalg-bad-char.mlir,
// the inputs in test/Fuzz/regressions/parse/upstream-*). An input is skipped
// only when such a list is not well formed (integers, or quoted strings, and
// commas), the bytes that reach those bugs; every other input, with linalg
// or not, is parsed, verified and (norm-fuzz-pipeline) lowered. Parsing goes
// through mlir::norm::parseModule, as in norm-run and norm-compile: it
// rejects the linalg.matmul indexing maps whose upstream verifier crashes
// (test/Tools/norm-opt/upstream-linalg-matmul-maps.mlir) and, before
// parsing, linalg ops whose `<...>` properties are not a dictionary, which
// the named-op parser reads past (seen under ASan only).
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/InitAll.h"
#include "norm-mlir/Parse.h"
#include "norm-mlir/Pipelines/Pipelines.h"

#include "mlir/InitAllPasses.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstddef>
#include <cstdint>

using namespace mlir;

static MLIRContext &context() {
  static MLIRContext *ctx = [] {
    DialectRegistry registry;
    norm::registerNormDialects(registry);
    mlir::registerAllPasses();
    norm::registerNormPasses();
    auto *c = new MLIRContext(registry);
    c->loadAllAvailableDialects();
    // Parser and verifier errors are the expected outcome for most inputs.
    c->getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
    return c;
  }();
  return *ctx;
}

/// Whether every `dimensions`, `permutation` and `iterator_types` keyword
/// in `text` is followed by a well-formed list: integers that fit in 64 bits
/// for the first two, quoted strings for the last. linalg's custom parsers
/// crash upstream on anything else: an error inside `dimensions = [1 2]`
/// leaves a null attribute that the op's attribute list dereferences, and
/// linalg.generic reads every element of `iterator_types` as a string
/// unchecked (an affine_map there is read as a string of any length).
static bool linalgListsWellFormed(StringRef text) {
  auto skipSpace = [](StringRef &s) { s = s.ltrim(" \t\n\r"); };
  auto integer = [](StringRef &s) {
    s.consume_front("-");
    size_t digits = 0;
    while (digits < s.size() && llvm::isDigit(s[digits]))
      ++digits;
    s = s.drop_front(digits);
    return digits > 0 && digits <= 18;
  };
  auto string = [](StringRef &s) {
    if (!s.consume_front("\""))
      return false;
    size_t close = s.find_first_of("\"\\\n");
    if (close == StringRef::npos || s[close] != '"')
      return false;
    s = s.drop_front(close + 1);
    return true;
  };
  auto wellFormedList = [&](StringRef rest, auto element) {
    skipSpace(rest);
    if (!rest.consume_front("["))
      return false;
    skipSpace(rest);
    if (rest.consume_front("]"))
      return true;
    while (true) {
      if (!element(rest))
        return false;
      skipSpace(rest);
      if (rest.consume_front("]"))
        return true;
      if (!rest.consume_front(","))
        return false;
      skipSpace(rest);
    }
  };
  auto listsAfter = [&](StringRef keyword, auto element) {
    for (size_t at = text.find(keyword); at != StringRef::npos;
         at = text.find(keyword, at + 1)) {
      StringRef rest = text.drop_front(at + keyword.size());
      skipSpace(rest);
      if (!rest.consume_front("="))
        continue; // Not the attribute: an identifier, a comment, a name.
      if (!wellFormedList(rest, element))
        return false;
    }
    return true;
  };
  return listsAfter("dimensions", integer) &&
         listsAfter("permutation", integer) &&
         listsAfter("iterator_types", string);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext &ctx = context();
  StringRef text(reinterpret_cast<const char *>(data), size);
  if (!linalgListsWellFormed(text))
    return 0;
  // The lexer relies on the NUL that ends every buffer read from a file;
  // libFuzzer's bytes have none, so parse a copy that does.
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text),
                               llvm::SMLoc());
  OwningOpRef<ModuleOp> module = norm::parseModule(sourceMgr, &ctx);
  if (!module)
    return 0;
#ifdef NORM_FUZZ_PIPELINE
  PassManager pm(&ctx);
  if (size % 4 == 1) {
    norm::NormNVVMPipelineOptions options;
    norm::buildNormNVVMPipeline(pm, options);
  } else {
    norm::NormCPUPipelineOptions options;
    norm::buildNormCPUPipeline(pm, options);
  }
  (void)pm.run(*module);
#endif
  return 0;
}
