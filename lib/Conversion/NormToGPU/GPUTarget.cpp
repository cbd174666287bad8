//===- GPUTarget.cpp - Sums across the threads of a GPU kernel ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#include "GPUTarget.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

MemRefType mlir::norm::groupSumScratchType(MLIRContext *ctx,
                                           const GPUTarget &target,
                                           int64_t group, int64_t slots) {
  int64_t warps = target.warpsIn(group);
  if (!warps)
    return nullptr;
  return MemRefType::get(
      {slots * warps}, Float32Type::get(ctx),
      MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup));
}

Value mlir::norm::buildGroupSum(OpBuilder &b, Location loc,
                                const GPUTarget &target, Value v, Value tid,
                                int64_t group, Value scratch, int64_t slot) {
  auto index = [&](int64_t i) -> Value {
    return arith::ConstantIndexOp::create(b, loc, i);
  };
  Value width = arith::ConstantIntOp::create(b, loc, target.warpSize, 32);
  for (int64_t offset = std::min(group, target.warpSize) / 2; offset > 0;
       offset /= 2) {
    Value off = arith::ConstantIntOp::create(b, loc, offset, 32);
    auto shuffle =
        gpu::ShuffleOp::create(b, loc, v, off, width, gpu::ShuffleMode::XOR);
    v = arith::AddFOp::create(b, loc, v, shuffle.getShuffleResult());
  }
  int64_t warps = target.warpsIn(group);
  if (!warps)
    return v;
  Value lane = arith::RemUIOp::create(b, loc, tid, index(target.warpSize));
  Value warp = arith::DivUIOp::create(b, loc, tid, index(target.warpSize));
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
