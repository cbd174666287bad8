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
// `dimensions`/`permutation` lists dereference a null attribute after a
// lexer error inside the list and crash upstream mlir-opt too (LLVM 22.1.8;
// reproducer in test/Tools/norm-opt/upstream-linalg-bad-char.mlir). An
// input is skipped only when such a list is not well formed (`= [` integers
// and commas `]`), the bytes that reach that bug; every other input, with
// linalg or not, is parsed, verified and (norm-fuzz-pipeline) lowered.
//
//===----------------------------------------------------------------------===//

#include "lib/InitAll.h"
#include "lib/Pipelines/Pipelines.h"

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
    norm::registerNormPasses();
    auto *c = new MLIRContext(registry);
    c->loadAllAvailableDialects();
    // Parser and verifier errors are the expected outcome for most inputs.
    c->getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
    return c;
  }();
  return *ctx;
}

/// Whether every `dimensions` and `permutation` keyword in `text` is
/// followed by a well-formed list, `= [i, j, ...]`: the only form in which
/// linalg's parsers of those lists do not crash upstream.
static bool linalgListsWellFormed(StringRef text) {
  for (StringRef keyword : {"dimensions", "permutation"}) {
    for (size_t at = text.find(keyword); at != StringRef::npos;
         at = text.find(keyword, at + 1)) {
      StringRef rest = text.drop_front(at + keyword.size()).ltrim(" \t\n\r");
      if (!rest.consume_front("="))
        continue; // Not the attribute: an identifier, a comment, a name.
      rest = rest.ltrim(" \t\n\r");
      if (!rest.consume_front("["))
        return false;
      size_t close = rest.find(']');
      if (close == StringRef::npos)
        return false;
      for (char c : rest.take_front(close))
        if (!llvm::isDigit(c) && c != ',' && c != ' ' && c != '-' &&
            c != '\n' && c != '\t' && c != '\r')
          return false;
      // A '-' that does not start a number ("--check") is a lexer error too.
      for (size_t i = 0; i < close; ++i)
        if (rest[i] == '-' && (i + 1 >= close || !llvm::isDigit(rest[i + 1])))
          return false;
    }
  }
  return true;
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
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &ctx);
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
