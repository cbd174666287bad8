//===- ToolSupport.h - What norm-run and norm-compile share ---*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One-line failures with their exit codes, the entry function, the
// runtime view of its signature, and how the tools run a pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_TOOLS_TOOLSUPPORT_H
#define NORM_TOOLS_TOOLSUPPORT_H

#include "runtime/npy/Npy.h"
#include "tools/CPUTarget.h"

#include "norm-mlir/Transforms/DimTies.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SourceMgr.h"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir::norm {
/// A one-line error with the exit code it leads to (2: usage or input).
struct Failure {
  std::string message;
  int code = 2;
};

[[noreturn]] inline void fail(const std::string &message, int code = 2) {
  throw Failure{message, code};
}

/// LLVM's -O3 for `machine`, then LLVM's verifier: a pass that breaks the
/// module (LLVM 22.1's SROA after full unrolling does, on some bf16 row
/// kernels) is an error with the verifier's first line, not a crash in the
/// code generator.
std::function<llvm::Error(llvm::Module *)>
makeVerifiedOptimizer(llvm::TargetMachine *machine);

/// The runtime dtype of a tensor element type.
std::optional<::norm::rt::DType> dtypeOf(Type type);

/// "[2, ?, 8]".
std::string formatShape(ArrayRef<int64_t> shape);

/// Parses `file` (diagnostics go to the handler the caller installed on
/// `sourceMgr`); fails with one line when it cannot be read or parsed.
OwningOpRef<ModuleOp> parseModuleFile(const std::string &file,
                                      MLIRContext &context,
                                      llvm::SourceMgr &sourceMgr);

/// The entry function: `name`, or the only public function with a body.
/// `file` names the module in the failure.
func::FuncOp findEntry(ModuleOp module, const std::string &name,
                       const std::string &file);

/// The category of norm-run's and norm-compile's own options: --help lists
/// these, not the hundreds of LLVM and MLIR options linked in (they still
/// parse).
llvm::cl::OptionCategory &toolCategory();

/// Adds the passes of `--transform` (a pass pipeline applied before the
/// lowering) to `pm`; fails with one line when it does not parse.
void addTransform(PassManager &pm);

/// Whether `--transform` was given.
bool hasTransform();

/// Runs a lowering pipeline on `module` and verifies the result; fails with
/// one line (the first error: "FILE:LINE:COL: `what` failed: message") and
/// exit 2. Unlike norm-opt (MlirOptMain verifies after every pass by
/// default), the IR is verified after every pass only with --verify-each: on
/// a 32-block transformer that verification took as long as the lowering
/// itself. The pipelines verify between their stages themselves
/// (norm-verify-stage).
void runPipeline(PassManager &pm, ModuleOp module, const std::string &file,
                 StringRef what);

/// The dim ties (DimTies.h) of entry `name`, read on a copy of `module`
/// lowered to linalg on tensors (the loops of the normalizers and of the
/// elementwise ops tie the dims); none when that lowering fails (the real
/// one reports why, with its location).
std::vector<DimTie> entryDimTies(ModuleOp module, StringRef name);

/// How --random-inputs draws an entry argument so that a whole block's
/// activations stay O(1): data N(0, 1); variances (running statistics)
/// U(0.5, 1.5), positive; weights of a contraction N(0, 1/fan-in), the
/// scale of PyTorch's default initialization.
struct RandomDraw {
  enum Kind { Data, Variance, Weight } kind = Data;
  /// For a weight: the number of products each output sums.
  int64_t fanIn = 0;
  /// "N(0, 1)", "U(0.5, 1.5) (a variance)", "N(0, 1/64) (a weight)".
  std::string describe() const;
};

/// The draw of each entry argument, from its uses: a variance operand of a
/// batch norm, the second input of a contraction (linalg matmuls, convs and
/// generics with reduction loops) or the weight of norm_project and
/// project_norm, seen through func.call.
std::vector<RandomDraw> randomDraws(func::FuncOp func);
} // namespace mlir::norm

#endif // NORM_TOOLS_TOOLSUPPORT_H
