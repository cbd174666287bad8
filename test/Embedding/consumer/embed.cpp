// A compiler that embeds norm-mlir: parses norm IR, lowers it with
// buildNormCPUPipeline and options of its own, checks that only the LLVM
// dialect is left, and JIT-runs the result.
#include "norm-mlir/InitAll.h"
#include "norm-mlir/Pipelines/Pipelines.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

static const char *kProgram = R"mlir(
func.func @main() -> f32 {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0]]>
         : tensor<2x4xf32>
  %y = norm.layer_norm %x {epsilon = 1.0e-5 : f64} : tensor<2x4xf32>
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %v = tensor.extract %y[%c1, %c3] : tensor<2x4xf32>
  return %v : f32
}
)mlir";

static int fail(const char *what) {
  llvm::errs() << "embed: " << what << "\n";
  return 1;
}

int main() {
  // [readme]
  mlir::DialectRegistry registry;
  mlir::norm::registerNormDialects(registry); // norm + what its pipelines need
  mlir::norm::registerNormPasses();           // norm-* passes and pipelines
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kProgram, &context);

  mlir::norm::NormCPUPipelineOptions options;
  options.openmp = false;   // no libomp in this process
  options.vectorBits = 128; // SSE-width row kernels, whatever the CPU
  mlir::PassManager pm(&context);
  mlir::norm::buildNormCPUPipeline(pm, options);
  if (!module || mlir::failed(pm.run(*module)))
    return 1;
  // [/readme]

  // Registration is idempotent: a host may well do it twice.
  mlir::norm::registerNormDialects(registry);
  mlir::norm::registerNormPasses();

  bool lowered = true;
  module->walk([&](mlir::Operation *op) {
    if (op != module->getOperation() &&
        op->getName().getDialectNamespace() != "llvm") {
      llvm::errs() << "embed: not lowered: " << op->getName() << "\n";
      lowered = false;
    }
  });
  if (!lowered)
    return 1;

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto engine = mlir::ExecutionEngine::create(*module);
  if (!engine)
    return fail("no execution engine");
  // The packed entry the engine makes of every function: a pointer to each
  // argument (none here), then to the result.
  float got = 0;
  void *packed[] = {&got};
  if (llvm::Error error = (*engine)->invokePacked("main", packed)) {
    llvm::errs() << "embed: cannot call main: " << error << "\n";
    llvm::consumeError(std::move(error));
    return 1;
  }
  // Row 1 is 10, 20, 30, 40: mean 25, variance 125.
  double want = 15.0 / std::sqrt(125.0 + 1e-5);
  if (std::fabs(got - want) > 1e-5 * std::fabs(want)) {
    llvm::errs() << "embed: main() = " << got << ", want " << want << "\n";
    return 1;
  }
  llvm::outs() << "embed: lowered to the LLVM dialect, main() = " << got
               << "\n";
  return 0;
}
