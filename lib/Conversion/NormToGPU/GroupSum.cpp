//===- GroupSum.cpp - Sums across the threads of a GPU kernel -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "lib/Conversion/NormToGPU/GroupSum.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

static int64_t warpsOf(int64_t group) { return group > 32 ? group / 32 : 0; }

MemRefType mlir::norm::groupSumScratchType(MLIRContext *ctx, int64_t group,
                                           int64_t slots) {
  if (!warpsOf(group))
    return nullptr;
  return MemRefType::get(
      {slots * warpsOf(group)}, Float32Type::get(ctx),
      MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup));
}

Value mlir::norm::buildGroupSum(OpBuilder &b, Location loc, Value v,
                                Value tid, int64_t group, Value scratch,
                                int64_t slot) {
  auto index = [&](int64_t i) -> Value {
    return arith::ConstantIndexOp::create(b, loc, i);
  };
  Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
  for (int64_t offset = std::min<int64_t>(group, 32) / 2; offset > 0;
       offset /= 2) {
    Value off = arith::ConstantIntOp::create(b, loc, offset, 32);
    auto shuffle =
        gpu::ShuffleOp::create(b, loc, v, off, width, gpu::ShuffleMode::XOR);
    v = arith::AddFOp::create(b, loc, v, shuffle.getShuffleResult());
  }
  int64_t warps = warpsOf(group);
  if (!warps)
    return v;
  Value lane = arith::RemUIOp::create(b, loc, tid, index(32));
  Value warp = arith::DivUIOp::create(b, loc, tid, index(32));
  Value isLeader =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, index(0));
  {
    auto ifOp = scf::IfOp::create(b, loc, isLeader);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    memref::StoreOp::create(
        b, loc, v, scratch,
        ValueRange{arith::AddIOp::create(b, loc, index(slot * warps), warp)});
  }
  gpu::BarrierOp::create(b, loc);
  Value total;
  for (int64_t w = 0; w < warps; ++w) {
    Value part = memref::LoadOp::create(b, loc, scratch,
                                        ValueRange{index(slot * warps + w)});
    total =
        total ? arith::AddFOp::create(b, loc, total, part).getResult() : part;
  }
  return total;
}
