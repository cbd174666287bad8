//===- DimTies.cpp - Which dims of a function's arguments must agree ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// One union-find over (tensor value, dim) pairs and the loops of linalg
// ops: a pair joins a loop when the op's map reads that dim with the plain
// loop index, and everything in a class has one size.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Transforms/DimTies.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/EquivalenceClasses.h"

using namespace mlir;

namespace {
/// A dim of a tensor value (its opaque pointer), or loop `dim` of a linalg
/// op (the Operation *): the two kinds of pointer never coincide.
using Node = std::pair<const void *, unsigned>;

struct Ties {
  void join(Node a, Node b) { classes.unionSets(a, b); }
  static Node of(Value v, unsigned dim) {
    return {v.getAsOpaquePointer(), dim};
  }
  llvm::EquivalenceClasses<Node> classes;
};

/// Ties every pair of positions of two shaped values of one rank.
void joinPositions(Ties &ties, Value a, Value b) {
  auto ta = llvm::dyn_cast<RankedTensorType>(a.getType());
  auto tb = llvm::dyn_cast<RankedTensorType>(b.getType());
  if (!ta || !tb || ta.getRank() != tb.getRank())
    return;
  for (unsigned d = 0; d < ta.getRank(); ++d)
    ties.join(Ties::of(a, d), Ties::of(b, d));
}

void visit(Ties &ties, Operation *op) {
  if (auto linalgOp = llvm::dyn_cast<linalg::LinalgOp>(op)) {
    if (!linalgOp.hasPureTensorSemantics())
      return;
    for (OpOperand &operand : op->getOpOperands()) {
      if (!llvm::isa<RankedTensorType>(operand.get().getType()))
        continue;
      AffineMap map = linalgOp.getMatchingIndexingMap(&operand);
      for (auto [position, expr] : llvm::enumerate(map.getResults()))
        if (auto dim = llvm::dyn_cast<AffineDimExpr>(expr))
          ties.join(Ties::of(operand.get(), position),
                    Node{op, dim.getPosition()});
    }
    for (auto [init, result] :
         llvm::zip(linalgOp.getDpsInits(), op->getResults()))
      joinPositions(ties, init, result);
    return;
  }
  if (auto empty = llvm::dyn_cast<tensor::EmptyOp>(op)) {
    for (unsigned d = 0; d < empty.getType().getRank(); ++d) {
      if (!empty.getType().isDynamicDim(d))
        continue;
      auto dimOp = empty.getDynamicSize(d).getDefiningOp<tensor::DimOp>();
      APInt index;
      if (dimOp && matchPattern(dimOp.getIndex(), m_ConstantInt(&index)))
        ties.join(Ties::of(empty, d),
                  Ties::of(dimOp.getSource(), index.getZExtValue()));
    }
    return;
  }
  if (llvm::isa<tensor::CastOp>(op)) {
    joinPositions(ties, op->getOperand(0), op->getResult(0));
    return;
  }
  // An scf.if's results are what either branch yields (the f64
  // recomputation of statistics that overflowed).
  if (auto ifOp = llvm::dyn_cast<scf::IfOp>(op)) {
    for (Block *block : {ifOp.thenBlock(), ifOp.elseBlock()})
      if (block)
        for (auto [yielded, result] :
             llvm::zip(block->getTerminator()->getOperands(),
                       ifOp.getResults()))
          joinPositions(ties, yielded, result);
    return;
  }
  if (op->hasTrait<OpTrait::SameOperandsAndResultShape>()) {
    SmallVector<Value> values(op->getOperands());
    llvm::append_range(values, op->getResults());
    for (Value v : llvm::drop_begin(values))
      joinPositions(ties, values.front(), v);
  }
}
} // namespace

std::vector<norm::DimTie> norm::collectDimTies(func::FuncOp func) {
  if (func.isExternal())
    return {};
  Ties ties;
  func.walk([&](Operation *op) { visit(ties, op); });

  // Members are told apart by looking them up among the function's values.
  llvm::DenseMap<const void *, Value> values;
  func.walk([&](Operation *op) {
    for (Value r : op->getResults())
      values[r.getAsOpaquePointer()] = r;
  });
  for (BlockArgument arg : func.getArguments())
    values[arg.getAsOpaquePointer()] = arg;

  // The dynamic dims of the results, by the class they are in.
  llvm::DenseMap<Node, std::vector<ArgumentDim>> resultDims;
  Operation *terminator = func.getBody().front().getTerminator();
  for (auto [i, value] : llvm::enumerate(terminator->getOperands())) {
    auto type = llvm::dyn_cast<RankedTensorType>(value.getType());
    if (!type)
      continue;
    for (unsigned d = 0; d < type.getRank(); ++d) {
      Node node = Ties::of(value, d);
      if (type.isDynamicDim(d) && ties.classes.contains(node))
        resultDims[ties.classes.getLeaderValue(node)].push_back(
            {unsigned(i), d});
    }
  }

  std::vector<DimTie> result;
  for (const auto *leader : ties.classes) {
    if (!leader->isLeader())
      continue;
    DimTie tie;
    tie.results = resultDims.lookup(leader->getData());
    for (const Node &member : ties.classes.members(*leader)) {
      auto found = values.find(member.first);
      if (found == values.end())
        continue; // a loop
      Value v = found->second;
      auto type = llvm::dyn_cast<RankedTensorType>(v.getType());
      if (!type || member.second >= type.getRank())
        continue;
      if (!type.isDynamicDim(member.second)) {
        tie.size = type.getDimSize(member.second);
        continue;
      }
      auto arg = llvm::dyn_cast<BlockArgument>(v);
      if (arg && arg.getOwner() == &func.getBody().front())
        tie.dims.push_back({arg.getArgNumber(), member.second});
    }
    llvm::sort(tie.dims, [](ArgumentDim a, ArgumentDim b) {
      return std::tie(a.argument, a.dim) < std::tie(b.argument, b.dim);
    });
    if (tie.dims.size() >= 2 ||
        (!tie.dims.empty() && (tie.size || !tie.results.empty())))
      result.push_back(std::move(tie));
  }
  // In the order of the arguments, whatever the classes' order in memory.
  llvm::sort(result, [](const DimTie &a, const DimTie &b) {
    return std::tie(a.dims.front().argument, a.dims.front().dim) <
           std::tie(b.dims.front().argument, b.dims.front().dim);
  });
  return result;
}
