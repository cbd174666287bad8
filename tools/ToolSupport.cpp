//===- ToolSupport.cpp - What norm-run and norm-compile share -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "tools/ToolSupport.h"

#include "norm-mlir/Dialect/NormOps.h"
#include "norm-mlir/Conversion/Passes.h"
#include "norm-mlir/Codegen/Passes.h"
#include "norm-mlir/Transforms/Passes.h"
#include "norm-mlir/Parse.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;
namespace rt = ::norm::rt;

std::optional<rt::DType> mlir::norm::dtypeOf(Type type) {
  if (type.isF16())
    return rt::DType::F16;
  if (type.isBF16())
    return rt::DType::BF16;
  if (type.isF32())
    return rt::DType::F32;
  if (type.isF64())
    return rt::DType::F64;
  if (type.isInteger(1))
    return rt::DType::Bool;
  if (type.isInteger(32))
    return rt::DType::I32;
  if (type.isInteger(64))
    return rt::DType::I64;
  return std::nullopt;
}

std::string mlir::norm::formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return s + "]";
}

OwningOpRef<ModuleOp> mlir::norm::parseModuleFile(const std::string &file,
                                                  MLIRContext &context,
                                                  llvm::SourceMgr &sourceMgr) {
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(file, &error);
  if (!buffer)
    fail(file + ": " + error);
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseModule(sourceMgr, &context);
  if (!module)
    fail(file + ": the module does not parse or verify (see above)");
  return module;
}

func::FuncOp mlir::norm::findEntry(ModuleOp module, const std::string &name,
                                   const std::string &file) {
  if (!name.empty()) {
    auto func = module.lookupSymbol<func::FuncOp>(name);
    if (!func || func.isExternal())
      fail(file + ": no function named '" + name + "' to run");
    return func;
  }
  func::FuncOp found;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || func.isPrivate())
      continue;
    if (found)
      fail(file + ": several public functions; choose one with --entry");
    found = func;
  }
  if (!found)
    fail(file + ": no public function with a body to run");
  return found;
}

std::vector<mlir::norm::DimTie> mlir::norm::entryDimTies(ModuleOp module,
                                                         StringRef name) {
  OwningOpRef<ModuleOp> linalg = module.clone();
  PassManager pm(module.getContext());
  pm.addPass(createNormExpandResidual());
  pm.addPass(createConvertNormToLinalg());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  // Errors belong to the real lowering: not reported twice.
  ScopedDiagnosticHandler quiet(module.getContext(),
                                [](Diagnostic &) { return success(); });
  if (failed(pm.run(*linalg)))
    return {};
  auto entry = linalg->lookupSymbol<func::FuncOp>(name);
  return entry ? collectDimTies(entry) : std::vector<DimTie>{};
}

std::string mlir::norm::RandomDraw::describe() const {
  switch (kind) {
  case Variance:
    return "U(0.5, 1.5) (a variance)";
  case Weight:
    return "N(0, 1/" + std::to_string(fanIn) + ") (a weight)";
  case Data:
    break;
  }
  return "N(0, 1)";
}

/// How `value` (an argument of some function) is used, following calls at
/// most `depth` deep.
static mlir::norm::RandomDraw drawOf(Value value, int depth) {
  using namespace mlir::norm;
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    unsigned index = use.getOperandNumber();
    if (auto bn = llvm::dyn_cast<BatchNormOp>(user);
        bn && bn.getRunningVar() == value)
      return {RandomDraw::Variance};
    if (auto apply = llvm::dyn_cast<BatchNormApplyOp>(user);
        apply && apply.getVariance() == value)
      return {RandomDraw::Variance};
    // x [..., K] times the weight: K products per output.
    auto fanInOf = [](Value x) {
      return llvm::cast<RankedTensorType>(x.getType()).getShape().back();
    };
    if (auto project = llvm::dyn_cast<NormProjectOp>(user);
        project && project.getWeight() == value)
      return {RandomDraw::Weight, fanInOf(project.getInput())};
    if (auto project = llvm::dyn_cast<ProjectNormOp>(user);
        project && project.getWeight() == value)
      return {RandomDraw::Weight, fanInOf(project.getInput())};
    if (auto linalgOp = llvm::dyn_cast<linalg::LinalgOp>(user)) {
      if (linalgOp.getNumDpsInputs() != 2 || index != 1 ||
          linalgOp.getNumReductionLoops() == 0)
        continue;
      int64_t fanIn = 1;
      SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
      for (auto [range, iterator] :
           llvm::zip(ranges, linalgOp.getIteratorTypesArray()))
        if (iterator == utils::IteratorType::reduction)
          fanIn *= ShapedType::isDynamic(range) ? 1 : range;
      return {RandomDraw::Weight, fanIn};
    }
    if (auto call = llvm::dyn_cast<func::CallOp>(user); call && depth > 0) {
      auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      if (callee && !callee.isExternal()) {
        RandomDraw draw = drawOf(callee.getArgument(index), depth - 1);
        if (draw.kind != RandomDraw::Data)
          return draw;
      }
    }
  }
  return {};
}

std::vector<mlir::norm::RandomDraw>
mlir::norm::randomDraws(func::FuncOp func) {
  std::vector<RandomDraw> draws;
  for (BlockArgument arg : func.getArguments())
    draws.push_back(func.isExternal() ? RandomDraw{} : drawOf(arg, 8));
  return draws;
}

llvm::cl::OptionCategory &mlir::norm::toolCategory() {
  static llvm::cl::OptionCategory category("norm-run and norm-compile options");
  return category;
}

static llvm::cl::opt<bool> verifyEach(
    "verify-each",
    llvm::cl::desc("Verify the IR after every pass of the lowering (the "
                   "result is always verified)"),
    llvm::cl::init(false), llvm::cl::cat(mlir::norm::toolCategory()));

static llvm::cl::opt<std::string> transform(
    "transform",
    llvm::cl::desc("A pass pipeline applied before lowering, e.g. "
                   "'norm-fuse-residual-add'; norm-run --check compares with "
                   "the module as given, so this shows the rewrite preserves "
                   "its meaning"),
    llvm::cl::cat(mlir::norm::toolCategory()));

bool mlir::norm::hasTransform() { return !transform.empty(); }

void mlir::norm::addTransform(PassManager &pm) {
  if (transform.empty())
    return;
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (failed(parsePassPipeline(transform, pm, os))) {
    // A bad pass option is reported by llvm::cl itself, as one line.
    std::string first = errors.substr(0, errors.find('\n'));
    fail(first.empty() ? "" : "--transform: " + first);
  }
  // The lowering must not start from IR that the transform broke.
  NormVerifyStageOptions verify;
  verify.stage = "--transform";
  pm.addPass(createNormVerifyStage(verify));
}

/// "FILE:LINE:COL" of the first file location in `loc`, or "".
static std::string describeLocation(Location loc) {
  std::string text;
  loc->walk([&](Location inner) {
    auto file = llvm::dyn_cast<FileLineColLoc>(inner);
    if (!file)
      return WalkResult::advance();
    text = (file.getFilename().str() + ":" + std::to_string(file.getLine()) +
            ":" + std::to_string(file.getColumn()));
    return WalkResult::interrupt();
  });
  return text;
}

void mlir::norm::runPipeline(PassManager &pm, ModuleOp module,
                             const std::string &file, StringRef what) {
  pm.enableVerifier(verifyEach);
  // The first error becomes the tool's one line; warnings and remarks go on
  // to the tool's handler.
  std::string where, message;
  ScopedDiagnosticHandler capture(module.getContext(), [&](Diagnostic &d) {
    if (d.getSeverity() != DiagnosticSeverity::Error)
      return failure();
    if (message.empty()) {
      where = describeLocation(d.getLocation());
      message = d.str();
    }
    return success();
  });
  if (succeeded(pm.run(module)) && succeeded(verify(module)))
    return;
  fail((where.empty() ? file : where) + ": " + what.str() + " failed" +
       (message.empty() ? std::string() : ": " + message));
}

std::function<llvm::Error(llvm::Module *)>
mlir::norm::makeVerifiedOptimizer(llvm::TargetMachine *machine) {
  auto optimize = makeOptimizingTransformer(3, 0, machine);
  return [optimize](llvm::Module *module) -> llvm::Error {
    if (llvm::Error error = optimize(module))
      return error;
    std::string problems;
    llvm::raw_string_ostream os(problems);
    if (!llvm::verifyModule(*module, &os))
      return llvm::Error::success();
    return llvm::createStringError(
        "LLVM's optimizer made an invalid module (an LLVM bug): " +
        problems.substr(0, problems.find('\n')));
  };
}
