//===- CheckShapes.cpp - Entry checks of tied dynamic dims ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-check-shapes pass: compares, at the entry of each public
// function, the dynamic argument dims that its code assumes equal, and
// calls the runtime's one-line error when they are not.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Transforms/DimTies.h"
#include "norm-mlir/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMCHECKSHAPES
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
/// The runtime's report: (argument, dim, size) of the dim that disagrees,
/// then of the one it should equal (argument -1 for a static size).
constexpr StringLiteral kMismatch = "norm_rt_size_mismatch";

struct NormCheckShapesPass
    : impl::NormCheckShapesBase<NormCheckShapesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder builder(module.getContext());
    Type i64 = builder.getI64Type();
    func::FuncOp report;
    for (func::FuncOp func :
         llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isExternal() || !func.isPublic())
        continue;
      std::vector<DimTie> ties = collectDimTies(func);
      if (ties.empty())
        continue;
      if (!report) {
        report = module.lookupSymbol<func::FuncOp>(kMismatch);
        if (!report) {
          builder.setInsertionPointToStart(module.getBody());
          report = func::FuncOp::create(
              builder, module.getLoc(), kMismatch,
              builder.getFunctionType(SmallVector<Type>(6, i64), {}));
          report.setPrivate();
        }
      }
      Block &entry = func.getBody().front();
      builder.setInsertionPointToStart(&entry);
      Location loc = func.getLoc();
      auto constant = [&](int64_t v) -> Value {
        return arith::ConstantIntOp::create(builder, loc, i64, v);
      };
      auto sizeOf = [&](ArgumentDim d) -> Value {
        Value size = tensor::DimOp::create(builder, loc,
                                           entry.getArgument(d.argument),
                                           int64_t(d.dim));
        return arith::IndexCastOp::create(builder, loc, i64, size);
      };
      for (const DimTie &tie : ties) {
        // Each dim is compared with the static size, or with the first.
        ArrayRef<ArgumentDim> dims = tie.dims;
        Value expected, expectedArg, expectedDim;
        if (tie.size) {
          expected = constant(*tie.size);
          expectedArg = constant(-1);
          expectedDim = constant(-1);
        } else {
          expected = sizeOf(dims.front());
          expectedArg = constant(dims.front().argument);
          expectedDim = constant(dims.front().dim);
          dims = dims.drop_front();
        }
        for (ArgumentDim d : dims) {
          Value size = sizeOf(d);
          Value differs = arith::CmpIOp::create(
              builder, loc, arith::CmpIPredicate::ne, size, expected);
          auto ifOp = scf::IfOp::create(builder, loc, differs,
                                        /*withElseRegion=*/false);
          OpBuilder::InsertionGuard guard(builder);
          builder.setInsertionPointToStart(ifOp.thenBlock());
          func::CallOp::create(
              builder, loc, report,
              ValueRange{constant(d.argument), constant(d.dim), size,
                         expectedArg, expectedDim, expected});
        }
      }
    }
  }
};
} // namespace
} // namespace mlir::norm
