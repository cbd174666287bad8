//===- ShareParallel.cpp - Compute identical normalizers once -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-share-parallel pass: a normalizer equal to a dominating one (same
// input, attributes and parameters) is replaced by it.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Transforms/Passes.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMSHAREPARALLEL
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
/// Equal values, or constants with equal contents (two copies of the same
/// weights).
static bool sameValue(Value a, Value b) {
  if (a == b)
    return true;
  Attribute ca, cb;
  return matchPattern(a, m_Constant(&ca)) && matchPattern(b, m_Constant(&cb)) &&
         ca == cb;
}

/// Two normalizers that compute the same results.
static bool sameNormalizer(Operation *a, Operation *b) {
  if (a->getName() != b->getName() || a->getNumRegions() || b->getNumRegions() ||
      a->getResultTypes() != b->getResultTypes() ||
      a->getNumOperands() != b->getNumOperands() ||
      a->getDiscardableAttrDictionary() != b->getDiscardableAttrDictionary() ||
      a->getPropertiesAsAttribute() != b->getPropertiesAsAttribute())
    return false;
  return llvm::all_of(llvm::zip_equal(a->getOperands(), b->getOperands()),
                      [](auto pair) {
                        return sameValue(std::get<0>(pair), std::get<1>(pair));
                      });
}

struct NormShareParallelPass
    : impl::NormShareParallelBase<NormShareParallelPass> {
  using Base::Base;
  void runOnOperation() override {
    DominanceInfo dominance(getOperation());
    SmallVector<Operation *> kept;
    SmallVector<Operation *> duplicates;
    getOperation()->walk([&](NormalizationOpInterface norm) {
      Operation *op = norm.getOperation();
      for (Operation *earlier : kept)
        if (sameNormalizer(earlier, op) &&
            dominance.properlyDominates(earlier, op)) {
          op->replaceAllUsesWith(earlier);
          duplicates.push_back(op);
          return;
        }
      kept.push_back(op);
    });
    for (Operation *op : duplicates)
      op->erase();
  }
};
} // namespace
} // namespace mlir::norm
