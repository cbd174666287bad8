//===- Utils.cpp - Helpers shared by the norm-* passes --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Float constants in and out of DenseElementsAttr, and zero-fill detection.
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Utils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

std::optional<std::vector<double>>
mlir::norm::getConstantFloatValues(Value value) {
  DenseFPElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  std::vector<double> values;
  for (const APFloat &f : attr.getValues<APFloat>())
    values.push_back(f.convertToDouble());
  return values;
}

DenseElementsAttr mlir::norm::getFloatConstantAttr(RankedTensorType type,
                                                   ArrayRef<double> values) {
  auto element = llvm::cast<FloatType>(type.getElementType());
  SmallVector<APFloat> floats;
  for (double v : values) {
    APFloat f(v);
    bool lostInfo;
    f.convert(element.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &lostInfo);
    floats.push_back(f);
  }
  return DenseElementsAttr::get(type, floats);
}

bool mlir::norm::isZeroFill(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  FloatAttr value;
  return fill && matchPattern(fill.getInputs()[0], m_Constant(&value)) &&
         value.getValueAsDouble() == 0.0;
}
