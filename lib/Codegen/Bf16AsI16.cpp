//===- Bf16AsI16.cpp - bf16 data as i16 in the LLVM dialect ---------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-bf16-as-i16 pass. After arith-expand{include-bf16} every bf16
// conversion is integer arithmetic and bf16 values only move: loads, stores,
// shuffles, selects, bitcasts to i16. LLVM's x86 backend still legalizes a
// `bfloat` load or store through an f32 round trip when the CPU lacks
// AVX512-BF16, and that round trip is a call of `__truncsfbf2` per element,
// which Debian 12's libgcc does not even provide. The pass gives every bf16
// value, constant and element type the i16 type of the same bits, so no
// `bfloat` reaches the backend.
//
// The exception is norm-native-bf16-truncf (also here): on a CPU with
// AVX512-BF16 an `llvm.fptrunc` to bf16 is one instruction for 16 values,
// so it stays, and its result is bitcast to i16.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMBF16ASI16
#define GEN_PASS_DEF_NORMNATIVEBF16TRUNCF
#define GEN_PASS_DEF_NORMBF16F64CASTS
#include "norm-mlir/Codegen/Passes.h.inc"

namespace {
/// `type` with bf16 replaced by i16 (scalars, vectors, LLVM arrays).
static Type asI16(Type type) {
  MLIRContext *ctx = type.getContext();
  if (type.isBF16())
    return IntegerType::get(ctx, 16);
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.cloneWith(std::nullopt, asI16(vector.getElementType()));
  if (auto array = dyn_cast<LLVM::LLVMArrayType>(type))
    return LLVM::LLVMArrayType::get(asI16(array.getElementType()),
                                    array.getNumElements());
  return type;
}

/// Ops that compute with floats; after arith-expand none may see bf16.
static bool isFloatArithmetic(Operation *op) {
  return isa<LLVM::FPExtOp, LLVM::FPTruncOp, LLVM::FAddOp, LLVM::FSubOp,
             LLVM::FMulOp, LLVM::FDivOp, LLVM::FNegOp, LLVM::FCmpOp,
             LLVM::SIToFPOp, LLVM::UIToFPOp, LLVM::FPToSIOp, LLVM::FPToUIOp>(
      op);
}

/// A truncation from f32 to bf16 (to nearest even, the default).
static bool isNativeBf16Truncation(Type from, Type to) {
  return getElementTypeOrSelf(from).isF32() &&
         getElementTypeOrSelf(to).isBF16();
}

struct NativeBf16Truncf : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getRoundingmodeAttr() ||
        !isNativeBf16Truncation(op.getIn().getType(), op.getType()))
      return failure();
    auto vector = dyn_cast<VectorType>(op.getType());
    if (!vector || vector.getRank() <= 1) {
      rewriter.replaceOpWithNewOp<LLVM::FPTruncOp>(op, op.getType(),
                                                   op.getIn());
      return success();
    }
    // The LLVM dialect has no n-D vectors: one fptrunc per innermost row.
    if (vector.isScalable())
      return failure();
    Location loc = op.getLoc();
    auto row =
        VectorType::get(vector.getShape().back(), vector.getElementType());
    Value result = ub::PoisonOp::create(rewriter, loc, vector);
    ArrayRef<int64_t> outer = vector.getShape().drop_back();
    for (int64_t i = 0, e = ShapedType::getNumElements(outer); i < e; ++i) {
      SmallVector<int64_t> position = delinearize(i, computeStrides(outer));
      Value in = vector::ExtractOp::create(rewriter, loc, op.getIn(), position);
      Value out = LLVM::FPTruncOp::create(rewriter, loc, row, in);
      result = vector::InsertOp::create(rewriter, loc, out, result, position);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// `type` (a scalar or a vector) with element type `element`.
static Type withElement(Type type, Type element) {
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.clone(element);
  return element;
}

/// extf bf16 -> f64 becomes extf bf16 -> f32 -> f64 (both exact).
struct Bf16ToF64ViaF32 : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    if (!getElementTypeOrSelf(op.getIn().getType()).isBF16() ||
        !getElementTypeOrSelf(op.getType()).isF64())
      return failure();
    Value f32 = arith::ExtFOp::create(
        rewriter, op.getLoc(),
        withElement(op.getType(), rewriter.getF32Type()), op.getIn());
    rewriter.replaceOpWithNewOp<arith::ExtFOp>(op, op.getType(), f32);
    return success();
  }
};

/// truncf f64 -> bf16 becomes a round to odd f64 -> f32, then truncf f32 ->
/// bf16 (to nearest even): the correctly rounded bf16.
struct F64ToBf16ViaF32 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getRoundingmodeAttr() ||
        !getElementTypeOrSelf(op.getIn().getType()).isF64() ||
        !getElementTypeOrSelf(op.getType()).isBF16())
      return failure();
    Location loc = op.getLoc();
    Value x = op.getIn();
    Type f32 = withElement(x.getType(), rewriter.getF32Type());
    Type i32 = withElement(x.getType(), rewriter.getI32Type());
    auto constant = [&](int64_t v) -> Value {
      Attribute attr = rewriter.getI32IntegerAttr(v);
      if (auto vector = dyn_cast<VectorType>(i32))
        attr = SplatElementsAttr::get(vector, attr);
      return arith::ConstantOp::create(rewriter, loc, i32,
                                       cast<TypedAttr>(attr));
    };
    // r: x to nearest; exact when it extends back to x.
    Value r = arith::TruncFOp::create(rewriter, loc, f32, x);
    Value back = arith::ExtFOp::create(rewriter, loc, x.getType(), r);
    Value exact = arith::CmpFOp::create(rewriter, loc,
                                        arith::CmpFPredicate::OEQ, back, x);
    Value one = constant(1), zero = constant(0);
    Value bits = arith::BitcastOp::create(rewriter, loc, i32, r);
    Value low = arith::AndIOp::create(rewriter, loc, bits, one);
    Value odd =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne, low, zero);
    // Inexact and even: the odd neighbour on the side toward zero of x (the
    // magnitude is the bits below the sign, so -1 moves toward zero).
    Value backMagnitude = math::AbsFOp::create(rewriter, loc, back);
    Value xMagnitude = math::AbsFOp::create(rewriter, loc, x);
    Value away = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OGT, backMagnitude, xMagnitude);
    Value down = arith::SubIOp::create(rewriter, loc, bits, one);
    Value up = arith::AddIOp::create(rewriter, loc, bits, one);
    Value adjusted = arith::SelectOp::create(rewriter, loc, away, down, up);
    Value keep = arith::OrIOp::create(rewriter, loc, exact, odd);
    Value chosen = arith::SelectOp::create(rewriter, loc, keep, bits, adjusted);
    Value toOdd = arith::BitcastOp::create(rewriter, loc, f32, chosen);
    rewriter.replaceOpWithNewOp<arith::TruncFOp>(op, op.getType(), toOdd);
    return success();
  }
};

struct NormBf16F64CastsPass
    : impl::NormBf16F64CastsBase<NormBf16F64CastsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<Bf16ToF64ViaF32, F64ToBf16ViaF32>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

struct NormNativeBf16TruncfPass
    : impl::NormNativeBf16TruncfBase<NormNativeBf16TruncfPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<NativeBf16Truncf>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

struct NormBf16AsI16Pass : impl::NormBf16AsI16Base<NormBf16AsI16Pass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<LLVM::BitcastOp> identities;
    WalkResult result = getOperation()->walk([&](Operation *op) {
      // A native conversion keeps its bf16 result, seen as i16 from then on.
      if (auto trunc = dyn_cast<LLVM::FPTruncOp>(op);
          trunc &&
          isNativeBf16Truncation(trunc.getArg().getType(), trunc.getType())) {
        OpBuilder b(trunc->getContext());
        b.setInsertionPointAfter(trunc);
        auto bits = LLVM::BitcastOp::create(b, trunc.getLoc(),
                                            asI16(trunc.getType()), trunc);
        trunc.getResult().replaceAllUsesExcept(bits, bits);
        return WalkResult::advance();
      }
      bool touchesBf16 = false;
      for (Value v : op->getOperands())
        touchesBf16 |= asI16(v.getType()) != v.getType();
      for (OpResult r : op->getResults())
        touchesBf16 |= asI16(r.getType()) != r.getType();
      if (touchesBf16 && isFloatArithmetic(op)) {
        op->emitError("bf16 arithmetic left for the LLVM backend (run "
                      "arith-expand{include-bf16} first)");
        return WalkResult::interrupt();
      }
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            arg.setType(asI16(arg.getType()));
      for (OpResult r : op->getResults())
        r.setType(asI16(r.getType()));
      if (auto func = dyn_cast<LLVM::LLVMFuncOp>(op)) {
        LLVM::LLVMFunctionType type = func.getFunctionType();
        SmallVector<Type> params = llvm::map_to_vector(type.getParams(), asI16);
        func.setFunctionType(LLVM::LLVMFunctionType::get(
            asI16(type.getReturnType()), params, type.isVarArg()));
      }
      if (auto gep = dyn_cast<LLVM::GEPOp>(op))
        gep.setElemType(asI16(gep.getElemType()));
      if (auto alloca = dyn_cast<LLVM::AllocaOp>(op))
        alloca.setElemType(asI16(alloca.getElemType()));
      if (auto constant = dyn_cast<LLVM::ConstantOp>(op))
        rewriteConstant(constant);
      if (auto cast = dyn_cast<LLVM::BitcastOp>(op))
        if (cast.getArg().getType() == cast.getType())
          identities.push_back(cast);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    // bf16 <-> i16 bitcasts are now i16 -> i16.
    for (LLVM::BitcastOp cast : identities)
      if (cast.getArg().getType() == cast.getType()) {
        cast.getResult().replaceAllUsesWith(cast.getArg());
        cast.erase();
      }
  }

  /// A bf16 constant becomes the i16 constant with the same bits.
  static void rewriteConstant(LLVM::ConstantOp constant) {
    Attribute value = constant.getValue();
    if (auto f = dyn_cast<FloatAttr>(value); f && f.getType().isBF16()) {
      constant.setValueAttr(IntegerAttr::get(
          IntegerType::get(constant.getContext(), 16),
          f.getValue().bitcastToAPInt()));
    } else if (auto dense = dyn_cast<DenseElementsAttr>(value);
               dense && dense.getElementType().isBF16()) {
      constant.setValueAttr(dense.bitcast(
          IntegerType::get(constant.getContext(), 16)));
    }
  }
};
} // namespace
} // namespace mlir::norm
