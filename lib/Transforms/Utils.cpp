//===- Utils.cpp - Helpers shared by the norm-* passes --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Float constants in and out of DenseElementsAttr, zero fills, and the
// matmul forms and truncations that front ends write.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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

Value mlir::norm::getTruncatedValue(Value value) {
  auto type = llvm::dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return nullptr;
  if (auto trunc = value.getDefiningOp<arith::TruncFOp>())
    return trunc.getIn();
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || !generic.hasPureTensorSemantics() ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      generic.getNumLoops() != type.getRank() ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return nullptr;
  Block &body = generic.getRegion().front();
  auto yield = llvm::cast<linalg::YieldOp>(body.getTerminator());
  auto trunc = yield.getValues()[0].getDefiningOp<arith::TruncFOp>();
  if (body.getOperations().size() != 2 || !trunc ||
      trunc.getIn() != body.getArgument(0))
    return nullptr;
  return generic.getDpsInputs()[0];
}

FailureOr<norm::Projection>
mlir::norm::matchProjection(linalg::MatmulOp matmul, std::string &why) {
  auto fail = [&](const char *reason) {
    why = reason;
    return failure();
  };
  if (!matmul.hasPureTensorSemantics())
    return fail("the matmul is not on tensors");
  MLIRContext *ctx = matmul.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  auto map = [&](ArrayRef<AffineExpr> results) {
    return AffineMap::get(3, 0, results, ctx);
  };
  SmallVector<AffineMap> maps = matmul.getIndexingMapsArray();
  if (maps[0] != map({m, k}) || maps[2] != map({m, n}))
    return fail("the matmul does not read x as [M, K] into [M, N] (a "
                "transposed or broadcast operand)");
  Projection p;
  p.matmul = matmul;
  p.input = matmul.getDpsInputs()[0];
  p.weight = matmul.getDpsInputs()[1];
  if (maps[1] == map({n, k}))
    p.transposedWeight = true;
  else if (maps[1] != map({k, n}))
    return fail("the matmul reads its weight neither as [K, N] nor as "
                "[N, K] (a broadcast weight)");
  Type element = getElementTypeOrSelf(p.input.getType());
  if (getElementTypeOrSelf(p.weight.getType()) != element ||
      !llvm::isa<FloatType>(element))
    return fail("the matmul's operands are not floats of one type");
  if (matmul.getCast() != linalg::TypeFn::cast_signed)
    return fail("the matmul casts its operands as unsigned");
  Value init = matmul.getDpsInits()[0];
  if (!isZeroFill(init))
    return fail("the matmul accumulates into data, not a zero fill");
  p.accumulator = getElementTypeOrSelf(init.getType());
  p.result = matmul.getResult(0);
  if (p.accumulator == element)
    return p;
  if (!p.accumulator.isF32() || element.getIntOrFloatBitWidth() != 16)
    return fail("the matmul's accumulator is neither its operands' type "
                "nor f32 for 16-bit operands");
  if (!p.result.hasOneUse())
    return fail("the f32 accumulator is used other than by a truncation");
  Operation *user = *p.result.getUsers().begin();
  if (user->getNumResults() != 1 ||
      getTruncatedValue(user->getResult(0)) != p.result ||
      getElementTypeOrSelf(user->getResult(0).getType()) != element)
    return fail("the f32 accumulator is not truncated to the operands' type");
  p.truncation = user;
  p.result = user->getResult(0);
  return p;
}

FailureOr<norm::Projection>
mlir::norm::matchProjectionResult(Value value, std::string &why) {
  Value product = value;
  if (Value truncated = getTruncatedValue(value))
    product = truncated;
  auto matmul = product.getDefiningOp<linalg::MatmulOp>();
  if (!matmul) {
    why = "not the result of a linalg.matmul";
    return failure();
  }
  FailureOr<Projection> p = matchProjection(matmul, why);
  if (succeeded(p) && p->result != value) {
    why = "the matmul's result is not truncated to its operands' type";
    return failure();
  }
  return p;
}

int64_t mlir::norm::operandDimOfLoop(AffineMap map, unsigned loopDim) {
  int64_t found = -1;
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    if (!expr.isFunctionOfDim(loopDim))
      continue;
    auto dim = llvm::dyn_cast<AffineDimExpr>(expr);
    if (!dim || found != -1)
      return -1;
    found = static_cast<int64_t>(i);
  }
  return found;
}
