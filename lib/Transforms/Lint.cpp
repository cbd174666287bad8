//===- Lint.cpp - Diagnostics for classic normalization mistakes ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-lint pass: one check per known mistake, each with a stable id
// and a one-line fix, reported as warnings (or errors with `werror`).
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Transforms/Passes.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace mlir::norm {
#define GEN_PASS_DEF_NORMLINT
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
/// The machine epsilon of a float type.
static double machineEpsilon(Type type) {
  auto f = llvm::cast<FloatType>(type);
  return std::ldexp(1.0, -static_cast<int>(f.getFPMantissaWidth()) + 1);
}

/// True when the op or one of its ancestors carries `norm.inference`.
static bool inInferencePipeline(Operation *op) {
  for (Operation *p = op; p; p = p->getParentOp())
    if (p->hasAttr("norm.inference"))
      return true;
  return false;
}

struct NormLintPass : impl::NormLintBase<NormLintPass> {
  using Base::Base;

  /// Reports `message` (with its id and fix) at `op`.
  void report(Operation *op, StringRef id, const Twine &message,
              const Twine &fix) {
    std::string text = llvm::formatv("[{0}] ", id).str() + message.str() +
                       "; fix: " + fix.str();
    // At the location only: the op itself is in the user's source.
    if (werror) {
      mlir::emitError(op->getLoc(), text);
      failedLint = true;
    } else {
      mlir::emitWarning(op->getLoc(), text);
    }
  }

  void checkBatchNorm(BatchNormOp op) {
    RankedTensorType type = op.getInput().getType();
    int64_t rank = type.getRank();
    int64_t channel = static_cast<int64_t>(op.getChannelAxis());
    if (channel < 0)
      channel += rank;
    bool train = op.getMode() == BatchNormMode::train;

    // NL001: a single value per channel.
    int64_t perChannel = 1;
    bool known = true;
    for (int64_t d = 0; d < rank; ++d)
      if (d != channel) {
        known &= !type.isDynamicDim(d);
        perChannel *= type.isDynamicDim(d) ? 1 : type.getDimSize(d);
      }
    if (train && known && perChannel == 1)
      report(op, "NL001",
             "batch_norm in train mode sees one value per channel: the "
             "variance is 0 and the output is just the bias",
             "use eval mode, a larger batch, or layer_norm/group_norm");

    // NL002: a padded sequence without a mask.
    if (rank == 3 && channel == 2 && !op.getMask())
      report(op, "NL002",
             "batch_norm over a (batch, sequence, features) tensor without a "
             "mask: padded positions corrupt the statistics",
             "pass the padding mask with mask(...), or use layer_norm");

    // NL004: running statistics in a narrow type.
    Type statType = op.getRunningMean().getType().getElementType();
    if (statType.getIntOrFloatBitWidth() < 32)
      report(op, "NL004",
             llvm::formatv("running statistics are stored in {0}: the "
                           "momentum update rounds away small changes",
                           statType)
                 .str(),
             "keep running_mean and running_var in f32");

    // NL005: training statistics in an inference pipeline.
    if (train && inInferencePipeline(op))
      report(op, "NL005",
             "batch_norm in train mode in a pipeline marked norm.inference "
             "(the forgotten model.eval())",
             "run norm-set-mode{mode=eval} or set mode to eval");

    // NL006: a tiny per-device batch.
    if (train && !op.getSyncGroup() && !type.isDynamicDim(0) &&
        type.getDimSize(0) < minBatch)
      report(op, "NL006",
             llvm::formatv("a per-device batch of {0} is too small for "
                           "stable batch statistics (min-batch = {1})",
                           type.getDimSize(0), minBatch.getValue())
                 .str(),
             "synchronize statistics with sync_group, or use group_norm");
  }

  void checkEpsilon(NormalizationOpInterface op) {
    // NL003: epsilon below what a variance in the compute type resolves.
    std::optional<double> eps = op.getEpsilonValue();
    if (!eps)
      return;
    Type ct = op.getStatisticsType();
    double floor = machineEpsilon(ct) * machineEpsilon(ct);
    if (*eps < floor)
      report(op, "NL003",
             llvm::formatv("epsilon {0:e} is below the resolution of a {1} "
                           "variance ({2:e}): it no longer guards constant "
                           "rows",
                           *eps, ct, floor)
                 .str(),
             op.isCentered() ? "use epsilon = 1e-5" : "use epsilon = 1e-6");
  }

  void checkPostLnDepth(FunctionOpInterface func) {
    // NL007: a deep stack of post-LN blocks.
    int64_t postLn = 0;
    func.walk([&](ResidualOp r) {
      if (!r.getPost().empty() && r.getPre().empty())
        ++postLn;
    });
    if (postLn >= postLnDepth)
      mlir::emitRemark(func.getLoc(), llvm::formatv(
          "[NL007] {0} post-LN residual blocks: post-LN needs learning-rate "
          "warmup at this depth; fix: pre-LN (or DeepNorm's residual_scale) "
          "trains more stably",
          postLn));
  }

  void runOnOperation() override {
    getOperation()->walk([&](Operation *op) {
      if (auto bn = llvm::dyn_cast<BatchNormOp>(op))
        checkBatchNorm(bn);
      if (auto norm = llvm::dyn_cast<NormalizationOpInterface>(op))
        checkEpsilon(norm);
      if (auto func = llvm::dyn_cast<FunctionOpInterface>(op))
        checkPostLnDepth(func);
    });
    if (failedLint)
      signalPassFailure();
  }

  bool failedLint = false;
};
} // namespace
} // namespace mlir::norm
