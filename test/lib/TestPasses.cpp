//===- TestPasses.cpp - Passes that only the tests use --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Passes that make the IR the tests need and no real pipeline makes: a pass
// that builds invalid IR, so that the tools' stage verification has a case.
// The tools register them (as mlir-opt registers MLIR's test passes); the
// library and its plugin do not.
//
//===----------------------------------------------------------------------===//

#include "test/lib/TestPasses.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace {
/// Sets `epsilon = 0` on every normalizer: IR that the verifier rejects,
/// built by a pass (as a buggy rewrite would).
struct TestInvalidIRPass
    : PassWrapper<TestInvalidIRPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestInvalidIRPass)
  StringRef getArgument() const final { return "norm-test-invalid-ir"; }
  StringRef getDescription() const final {
    return "Test only: set epsilon = 0 on every normalizer (invalid IR)";
  }
  void runOnOperation() override {
    Builder b(&getContext());
    getOperation()->walk([&](norm::NormalizationOpInterface op) {
      if (op->hasAttr("epsilon"))
        op->setAttr("epsilon", b.getF64FloatAttr(0.0));
    });
  }
};
} // namespace

void mlir::norm::test::registerNormTestPasses() {
  PassRegistration<TestInvalidIRPass>();
}
