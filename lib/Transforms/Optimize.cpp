//===- Optimize.cpp - The normalization optimizations, with a report ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-optimize pass: runs the norm-* rewrites in a sensible order as a
// nested pipeline and, on request, reports what they did per function.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Transforms/Passes.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMOPTIMIZE
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
/// What one function holds: normalizers by op name and the bytes read and
/// written by the ops a fusion changes.
struct Census {
  llvm::MapVector<StringRef, int64_t> normalizers;
  int64_t fused = 0, folded = 0, bytes = 0;
  /// Eval batch norms: those norm-fold-batch-norm removed count as folded.
  int64_t evalBatchNorms = 0;
};

/// Bytes of a tensor value with static dims (a dynamic dim counts as 1).
static int64_t tensorBytes(Type type) {
  auto tensor = llvm::dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return 0;
  int64_t n = 1;
  for (int64_t d : tensor.getShape())
    n *= ShapedType::isDynamic(d) ? 1 : d;
  return n * ((tensor.getElementTypeBitWidth() + 7) / 8);
}

/// Ops whose memory traffic the report counts: normalizers and the other
/// norm ops, elementwise tensor ops, and linalg contractions/generics.
static bool movesData(Operation *op) {
  if (llvm::isa<linalg::FillOp, ResidualOp, YieldOp>(op))
    return false;
  if (llvm::isa<NormDialect>(op->getDialect()) || llvm::isa<linalg::LinalgOp>(op))
    return true;
  return op->hasTrait<OpTrait::Elementwise>() &&
         llvm::any_of(op->getResultTypes(),
                      [](Type t) { return llvm::isa<RankedTensorType>(t); });
}

static Census takeCensus(FunctionOpInterface func) {
  Census census;
  func.walk([&](Operation *op) {
    if (llvm::isa<NormalizationOpInterface>(op))
      ++census.normalizers[op->getName().getStringRef()];
    if (llvm::isa<AddLayerNormOp, AddRMSNormOp, ProjectNormOp>(op))
      ++census.fused;
    if (llvm::isa<NormProjectOp>(op))
      ++census.folded;
    if (auto bn = llvm::dyn_cast<BatchNormOp>(op);
        bn && bn.getMode() == BatchNormMode::eval)
      ++census.evalBatchNorms;
    // A residual block's implicit ops, counted as norm-expand-residual
    // writes them: one add per branch, and the scaling of the skip.
    if (auto residual = llvm::dyn_cast<ResidualOp>(op)) {
      int64_t size = tensorBytes(residual.getType());
      auto yield =
          llvm::cast<YieldOp>(residual.getBody().front().getTerminator());
      int64_t binaryOps = yield.getValues().size() +
                          (residual.getResidualScale().convertToDouble() != 1.0);
      census.bytes += 3 * size * binaryOps;
    }
    if (!movesData(op))
      return;
    // A linalg init that the body does not read (a tensor.empty that the
    // op only writes) is not traffic.
    auto linalgOp = llvm::dyn_cast<linalg::LinalgOp>(op);
    for (OpOperand &operand : op->getOpOperands())
      if (!linalgOp || !linalgOp.isDpsInit(&operand) ||
          linalgOp.payloadUsesValueFromOperand(&operand))
        census.bytes += tensorBytes(operand.get().getType());
    for (Type t : op->getResultTypes())
      census.bytes += tensorBytes(t);
  });
  return census;
}

/// "N normalizers (n1 layer_norm, n2 rms_norm)" of counts by op name.
static std::string describeKinds(
    const llvm::MapVector<StringRef, int64_t> &counts) {
  int64_t total = 0;
  std::string kinds;
  for (auto [i, entry] : llvm::enumerate(counts)) {
    total += entry.second;
    kinds += llvm::formatv("{0}{1} {2}", i ? ", " : "", entry.second,
                           entry.first.drop_front(5))
                 .str();
  }
  return llvm::formatv("{0} normalizers ({1})", total,
                       kinds.empty() ? "none" : kinds)
      .str();
}

static std::string describe(const Census &c) {
  return llvm::formatv("{0}, {1} fused, {2} folded, {3} bytes moved",
                       describeKinds(c.normalizers), c.fused, c.folded,
                       c.bytes)
      .str();
}

struct NormOptimizePass : impl::NormOptimizeBase<NormOptimizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Raising first: the census before counts the raised normalizers as
    // found, and the report says what was raised and what was not.
    llvm::MapVector<StringRef, RaiseReport> raised;
    if (raise)
      for (auto func : module.getOps<func::FuncOp>())
        raiseNormalizers(func, raised[func.getName()], /*remarks=*/false);
    llvm::MapVector<StringRef, Census> before;
    if (report)
      for (auto func : module.getOps<FunctionOpInterface>())
        before[func.getName()] = takeCensus(func);

    OpPassManager pm(ModuleOp::getOperationName());
    pm.addPass(createNormExpandResidual());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createNormShareParallel());
    pm.addPass(createNormFuseResidualAdd());
    pm.addPass(createNormFuseQK());
    pm.addPass(createNormFoldIntoProjection(
        NormFoldIntoProjectionOptions{/*constantWeightsOnly=*/true}));
    pm.addPass(createNormFoldBatchNorm());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    if (failed(runPipeline(pm, module)))
      return signalPassFailure();

    for (auto func : module.getOps<FunctionOpInterface>()) {
      if (!report)
        continue;
      Census after = takeCensus(func);
      const Census &was = before.lookup(func.getName());
      // Batch norms folded into the convolution or matmul before them leave
      // no op behind: they are the eval batch norms that went.
      after.folded += std::max<int64_t>(0, was.evalBatchNorms -
                                               after.evalBatchNorms);
      double change =
          was.bytes ? 100.0 * (after.bytes - was.bytes) / was.bytes : 0.0;
      llvm::errs() << "norm-optimize @" << func.getName() << "\n";
      if (raise) {
        const RaiseReport &r = raised.lookup(func.getName());
        llvm::errs() << "  raised: " << describeKinds(r.raised) << ", "
                     << r.rejected.size() << " candidates rejected\n";
        for (const std::string &line : r.rejected)
          llvm::errs() << "    rejected: " << line << "\n";
      }
      llvm::errs() << "  before: " << describe(was) << "\n"
                   << "  after:  " << describe(after) << "\n"
                   << llvm::formatv("  bytes moved: {0} -> {1} ({2:+f1}%)\n",
                                    was.bytes, after.bytes, change);
    }
  }
};
} // namespace
} // namespace mlir::norm
