//===- LibraryCalls.cpp - Matmuls and convolutions to oneDNN calls --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-library-calls pass: a linalg contraction on buffers (any matmul
// form, or a 2-D convolution) becomes a call of the runtime's oneDNN entry
// points (runtime/cpu/Contractions.h) on rank-4 strided views of its
// operands in one canonical order.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "llvm/ADT/TypeSwitch.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMLIBRARYCALLS
#include "norm-mlir/Codegen/Passes.h.inc"

namespace {
/// "<inputs>_<output>" for the element types the runtime takes: f32 x f32
/// -> f32, bf16 x bf16 -> f32 or bf16.
std::optional<std::string> typeSuffix(Type a, Type b, Type c) {
  if (a != b || !(a.isF32() || a.isBF16()) || !(c.isF32() || c.isBF16()) ||
      (a.isF32() && !c.isF32()))
    return std::nullopt;
  return std::string(a.isF32() ? "f32_" : "bf16_") + (c.isF32() ? "f32" : "bf16");
}

/// Whether `v` is `arg`, or its extension, of type `acc`.
bool reads(Value v, BlockArgument arg, Type acc) {
  if (v == arg)
    return arg.getType() == acc;
  auto ext = v.getDefiningOp<arith::ExtFOp>();
  return ext && ext.getIn() == arg && ext.getType() == acc;
}

/// Whether the body is exactly `yield out + a * b` (either order), a and b
/// extended to out's type where theirs is narrower.
bool isMulAddBody(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (!body || body->getNumArguments() != 3)
    return false;
  BlockArgument a = body->getArgument(0), b = body->getArgument(1),
                out = body->getArgument(2);
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value product = add.getLhs() == out   ? add.getRhs()
                  : add.getRhs() == out ? add.getLhs()
                                        : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul)
    return false;
  Type acc = out.getType();
  bool readsBoth = (reads(mul.getLhs(), a, acc) && reads(mul.getRhs(), b, acc)) ||
                   (reads(mul.getLhs(), b, acc) && reads(mul.getRhs(), a, acc));
  size_t expected = 3 + (a.getType() != acc) + (b.getType() != acc);
  return readsBoth && body->getOperations().size() == expected;
}

/// Where each operand's canonical dims come from: the operand's dim
/// (position in its shape), or nothing (a unit dim).
using Positions = SmallVector<std::optional<unsigned>, 4>;

struct CallPlan {
  std::string callee;     // norm_rt_matmul_f32_f32, ...
  Positions operands[3];  // a, b, c (input, filter, output)
  SmallVector<int64_t> convParams; // strides (h, w), dilations (h, w)
};

/// The canonical dims of a matmul: a [B1, B2, M, K], b [B1, B2, K, N],
/// c [B1, B2, M, N], as loop dims (-1: absent).
FailureOr<CallPlan> planMatmul(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !isMulAddBody(op))
    return failure();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (llvm::any_of(maps, [](AffineMap m) {
        return m.getNumSymbols() || !m.isProjectedPermutation();
      }))
    return failure();
  MLIRContext *ctx = op.getContext();
  auto position = [&](unsigned operand,
                      int64_t dim) -> std::optional<unsigned> {
    if (dim < 0)
      return std::nullopt;
    return maps[operand].getResultPosition(getAffineDimExpr(dim, ctx));
  };
  int64_t k = -1;
  SmallVector<int64_t> batch, ms, ns;
  for (auto [dim, iterator] : llvm::enumerate(op.getIteratorTypesArray())) {
    bool inA = position(0, dim).has_value(), inB = position(1, dim).has_value(),
         inC = position(2, dim).has_value();
    if (iterator == utils::IteratorType::reduction) {
      if (!inA || !inB || inC || k >= 0)
        return failure();
      k = dim;
      continue;
    }
    if (!inC)
      return failure();
    if (inA && inB)
      batch.push_back(dim);
    else if (inA)
      ms.push_back(dim);
    else if (inB)
      ns.push_back(dim);
    else
      return failure();
  }
  if (k < 0)
    return failure();
  // The output's innermost m and n dims are m and n; outer ones are batch
  // dims that the other input broadcasts.
  auto byOutput = [&](int64_t x, int64_t y) {
    return *position(2, x) < *position(2, y);
  };
  llvm::sort(ms, byOutput);
  llvm::sort(ns, byOutput);
  int64_t m = ms.empty() ? -1 : ms.pop_back_val();
  int64_t n = ns.empty() ? -1 : ns.pop_back_val();
  llvm::append_range(batch, ms);
  llvm::append_range(batch, ns);
  if (batch.size() > 2)
    return failure();
  llvm::sort(batch, byOutput);
  int64_t b1 = batch.size() == 2 ? batch[0] : -1;
  int64_t b2 = batch.empty() ? -1 : batch.back();

  std::optional<std::string> suffix = typeSuffix(
      getElementTypeOrSelf(op.getDpsInputs()[0].getType()),
      getElementTypeOrSelf(op.getDpsInputs()[1].getType()),
      getElementTypeOrSelf(op.getDpsInits()[0].getType()));
  if (!suffix)
    return failure();
  CallPlan plan;
  plan.callee = "norm_rt_matmul_" + *suffix;
  int64_t dims[3][4] = {{b1, b2, m, k}, {b1, b2, k, n}, {b1, b2, m, n}};
  for (unsigned operand = 0; operand < 3; ++operand)
    for (int64_t dim : dims[operand])
      plan.operands[operand].push_back(position(operand, dim));
  return plan;
}

/// A 2-D convolution's operands as NCHW, FCHW and NCHW views.
FailureOr<CallPlan> planConv(Operation *op) {
  using P = Positions;
  auto plan = [&](auto conv, P input, P filter, P output) -> FailureOr<CallPlan> {
    std::optional<std::string> suffix = typeSuffix(
        getElementTypeOrSelf(conv.getInputs()[0].getType()),
        getElementTypeOrSelf(conv.getInputs()[1].getType()),
        getElementTypeOrSelf(conv.getOutputs()[0].getType()));
    if (!suffix)
      return failure();
    CallPlan p{"norm_rt_conv2d_" + *suffix, {input, filter, output}, {}};
    llvm::append_range(p.convParams, conv.getStrides().template getValues<int64_t>());
    llvm::append_range(p.convParams,
                       conv.getDilations().template getValues<int64_t>());
    return p;
  };
  return llvm::TypeSwitch<Operation *, FailureOr<CallPlan>>(op)
      .Case([&](linalg::Conv2DNchwFchwOp conv) {
        return plan(conv, {0, 1, 2, 3}, {0, 1, 2, 3}, {0, 1, 2, 3});
      })
      .Case([&](linalg::Conv2DNhwcHwcfOp conv) {
        return plan(conv, {0, 3, 1, 2}, {3, 2, 0, 1}, {0, 3, 1, 2});
      })
      .Case([&](linalg::Conv2DNhwcFhwcOp conv) {
        return plan(conv, {0, 3, 1, 2}, {0, 3, 1, 2}, {0, 3, 1, 2});
      })
      .Default([](Operation *) { return failure(); });
}

FailureOr<CallPlan> planCall(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return failure();
  if (isa<linalg::ConvolutionOpInterface>(op))
    return planConv(op);
  return planMatmul(linalgOp);
}

/// `memref` as a rank-4 view, fully dynamic, its dims those of `positions`
/// (size 1 where there is none).
Value canonicalView(OpBuilder &b, Location loc, Value memref,
                    const Positions &positions) {
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  SmallVector<Value> sizes, strides;
  for (std::optional<unsigned> p : positions) {
    sizes.push_back(p ? meta.getSizes()[*p] : one);
    strides.push_back(p ? meta.getStrides()[*p] : zero);
  }
  int64_t dyn = ShapedType::kDynamic;
  auto type = MemRefType::get(
      SmallVector<int64_t>(4, dyn),
      cast<MemRefType>(memref.getType()).getElementType(),
      StridedLayoutAttr::get(b.getContext(), dyn, SmallVector<int64_t>(4, dyn)));
  return memref::ReinterpretCastOp::create(b, loc, type, meta.getBaseBuffer(),
                                           meta.getOffset(), sizes, strides);
}

/// Whether `v` is `target` up to views and scf.for loops that pass their
/// iteration argument through (yield it, or a view of it, back).
bool passesThrough(Value v, Value target) {
  while (v != target) {
    if (auto view = v.getDefiningOp<ViewLikeOpInterface>()) {
      v = view.getViewSource();
      continue;
    }
    auto result = dyn_cast<OpResult>(v);
    auto loop = result ? dyn_cast<scf::ForOp>(result.getOwner()) : nullptr;
    if (!loop)
      return false;
    unsigned i = result.getResultNumber();
    if (!passesThrough(loop.getYieldedValues()[i], loop.getRegionIterArgs()[i]))
      return false;
    v = loop.getInitArgs()[i];
  }
  return true;
}

/// The allocation or argument whose memory `v` views: through views, and
/// through the iteration arguments and results of scf.for loops that pass
/// them through, to their init.
Value rootOf(Value v) {
  while (true) {
    if (auto view = v.getDefiningOp<ViewLikeOpInterface>()) {
      v = view.getViewSource();
      continue;
    }
    scf::ForOp loop;
    unsigned i = 0;
    if (auto result = dyn_cast<OpResult>(v)) {
      loop = dyn_cast<scf::ForOp>(result.getOwner());
      i = result.getResultNumber();
    } else if (auto arg = dyn_cast<BlockArgument>(v);
               arg && arg.getArgNumber() > 0) {
      loop = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp());
      i = arg.getArgNumber() - 1;
    }
    if (!loop ||
        !passesThrough(loop.getYieldedValues()[i], loop.getRegionIterArgs()[i]))
      return v;
    v = loop.getInitArgs()[i];
  }
}

bool isAllocation(Value v) {
  return v.getDefiningOp<memref::AllocOp>() || v.getDefiningOp<memref::AllocaOp>();
}

/// Whether the memory of two roots (rootOf) may overlap: distinct
/// allocations share none, nor do an allocation and a function argument;
/// anything else (two arguments, a root of unknown origin) may.
bool mayAlias(Value a, Value b) {
  if (a == b)
    return true;
  auto isArgument = [](Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && isa<FunctionOpInterface>(arg.getOwner()->getParentOp());
  };
  return !((isAllocation(a) && (isAllocation(b) || isArgument(b))) ||
           (isAllocation(b) && isArgument(a)));
}

/// Whether `op` (or an op nested in it) may read, or with `writesOnly`
/// write, memory of `root`.
bool touches(Operation *op, Value root, bool writesOnly) {
  auto aliases = [&](Value v) { return mayAlias(rootOf(v), root); };
  auto direct = [&](Operation *o) {
    if (o->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return false; // its nested ops are visited
    // The runtime's contractions (made earlier by this pass) read their
    // first two views and write the third.
    if (auto call = dyn_cast<func::CallOp>(o);
        call && (call.getCallee().starts_with("norm_rt_matmul_") ||
                 call.getCallee().starts_with("norm_rt_conv2d_"))) {
      auto views = call.getOperands().take_front(3);
      return aliases(views[2]) ||
             (!writesOnly && (aliases(views[0]) || aliases(views[1])));
    }
    auto iface = dyn_cast<MemoryEffectOpInterface>(o);
    if (!iface)
      return true;
    SmallVector<MemoryEffects::EffectInstance> effects;
    iface.getEffects(effects);
    return llvm::any_of(effects, [&](MemoryEffects::EffectInstance &e) {
      if (isa<MemoryEffects::Allocate>(e.getEffect()) ||
          (writesOnly && !isa<MemoryEffects::Write>(e.getEffect())))
        return false;
      return !e.getValue() || aliases(e.getValue());
    });
  };
  return op->walk([&](Operation *o) {
           return direct(o) ? WalkResult::interrupt() : WalkResult::advance();
         }).wasInterrupted();
}

/// Whether any op strictly between `from` and `to` (one block) touches
/// `root`.
bool touchedBetween(Operation *from, Operation *to, Value root, bool writesOnly) {
  for (Operation *op = from->getNextNode(); op && op != to; op = op->getNextNode())
    if (touches(op, root, writesOnly))
      return true;
  return false;
}

/// Whether `op` fills all of `buffer` with +0.0: linalg.fill, or a linalg
/// op without inputs whose body yields a +0.0 from outside (tensor.pad's
/// bufferized padding).
bool isZeroFillOf(Operation *op, Value buffer) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return fill.getOutputs()[0] == buffer &&
           matchPattern(fill.getInputs()[0], m_PosZeroFloat());
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumDpsInputs() != 0 ||
      linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getDpsInits()[0] != buffer ||
      linalgOp.getNumReductionLoops() != 0 ||
      !linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0)).isIdentity())
    return false;
  auto yield = cast<linalg::YieldOp>(linalgOp.getBlock()->getTerminator());
  Value v = yield.getOperand(0);
  return v.getParentRegion() != &op->getRegion(0) &&
         matchPattern(v, m_PosZeroFloat());
}

/// The op that last wrote `init` before `op`, when it left +0.0 everywhere:
/// a zero fill of it, or a copy into it of a buffer that held zeros, with
/// nothing writing its memory in between; nullptr otherwise.
Operation *zeroingWriter(Operation *op, Value init) {
  Value root = rootOf(init);
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto copy = dyn_cast<memref::CopyOp>(prev);
        copy && copy.getTarget() == init)
      return zeroingWriter(copy, copy.getSource()) ? copy : nullptr;
    if (isZeroFillOf(prev, init))
      return prev;
    if (touches(prev, root, /*writesOnly=*/true))
      return nullptr;
  }
  return nullptr;
}

/// A convolution's input that is a zero-padded copy of another buffer (as
/// tensor.pad bufferizes): an allocation filled with +0.0, the buffer
/// copied into a unit-stride subview of it, read by the convolution alone.
struct PaddedInput {
  Value source;
  SmallVector<int64_t> low; // per dim of the input
  SmallVector<Operation *> ops; // the fill, the copy, the subview
};

FailureOr<PaddedInput> matchPadded(Operation *conv, Value input) {
  auto alloc = input.getDefiningOp<memref::AllocOp>();
  if (!alloc || !alloc.getType().hasStaticShape())
    return failure();
  Operation *fill = nullptr;
  memref::SubViewOp sub;
  for (Operation *user : alloc->getUsers()) {
    if (user == conv)
      continue;
    if (!fill && isZeroFillOf(user, input)) {
      fill = user;
      continue;
    }
    auto s = dyn_cast<memref::SubViewOp>(user);
    if (sub || !s)
      return failure();
    sub = s;
  }
  if (!fill || !sub || !sub->hasOneUse() || !sub.hasUnitStride() ||
      sub.getType().getRank() != alloc.getType().getRank() ||
      !sub.getType().hasStaticShape() ||
      ShapedType::isDynamicShape(sub.getStaticOffsets()))
    return failure();
  auto copy = dyn_cast<memref::CopyOp>(*sub->user_begin());
  if (!copy || copy.getTarget() != sub.getResult())
    return failure();
  Block *block = conv->getBlock();
  if (fill->getBlock() != block || copy->getBlock() != block ||
      !fill->isBeforeInBlock(copy) || !copy->isBeforeInBlock(conv) ||
      touchedBetween(copy, conv, rootOf(copy.getSource()), /*writesOnly=*/true))
    return failure();
  return PaddedInput{copy.getSource(), llvm::to_vector(sub.getStaticOffsets()),
                     {copy, sub, fill}};
}

struct NormLibraryCallsPass
    : impl::NormLibraryCallsBase<NormLibraryCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<linalg::LinalgOp, CallPlan>> calls;
    module.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics() ||
          llvm::any_of(op->getOperands(), [](Value v) {
            auto type = dyn_cast<MemRefType>(v.getType());
            return !type || !type.isStrided();
          }))
        return;
      if (FailureOr<CallPlan> plan = planCall(op); succeeded(plan))
        calls.emplace_back(op, std::move(*plan));
    });
    for (auto &[op, plan] : calls)
      if (failed(rewrite(op, plan)))
        return signalPassFailure();
  }

  LogicalResult rewrite(linalg::LinalgOp op, const CallPlan &plan) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    SmallVector<Value> args;
    Value operands[3] = {op.getDpsInputs()[0], op.getDpsInputs()[1],
                         op.getDpsInits()[0]};
    SmallVector<int64_t> params = plan.convParams;
    SmallVector<Operation *> dead;
    if (!params.empty()) {
      // A zero-padded input: the convolution pads (H and W only).
      int64_t padH = 0, padW = 0;
      if (FailureOr<PaddedInput> padded = matchPadded(op, operands[0]);
          succeeded(padded)) {
        const Positions &p = plan.operands[0];
        int64_t shape[4];
        auto sourceType = cast<MemRefType>(padded->source.getType());
        for (int d = 0; d < 4; ++d)
          shape[d] = sourceType.getDimSize(*p[d]);
        auto allocType = cast<MemRefType>(operands[0].getType());
        bool onlySpatial = padded->low[*p[0]] == 0 && padded->low[*p[1]] == 0 &&
                           allocType.getDimSize(*p[0]) == shape[0] &&
                           allocType.getDimSize(*p[1]) == shape[1];
        if (onlySpatial) {
          padH = padded->low[*p[2]];
          padW = padded->low[*p[3]];
          operands[0] = padded->source;
          dead = padded->ops;
        }
      }
      params.append({padH, padW});
    }
    for (auto [operand, positions] : llvm::zip(operands, plan.operands))
      args.push_back(canonicalView(b, loc, operand, positions));
    for (int64_t param : params)
      args.push_back(arith::ConstantIntOp::create(b, loc, param, 64));
    // Overwrite an init that holds zeros; the fill or copy that zeroed it
    // goes when nothing else reads it before.
    Operation *zeroing = zeroingWriter(op, operands[2]);
    if (zeroing && !touchedBetween(zeroing, op, rootOf(operands[2]),
                                   /*writesOnly=*/false))
      dead.push_back(zeroing);
    args.push_back(arith::ConstantIntOp::create(b, loc, zeroing == nullptr, 32));
    FailureOr<func::FuncOp> callee = declare(op, plan.callee, args);
    if (failed(callee))
      return failure();
    func::CallOp::create(b, loc, *callee, args);
    Value padded = op.getDpsInputs()[0];
    op->erase();
    for (Operation *o : dead)
      o->erase();
    if (auto alloc = padded.getDefiningOp<memref::AllocOp>(); alloc && alloc->use_empty())
      alloc->erase();
    return success();
  }

  /// The runtime's function `name`, declared once per module with the C
  /// interface (its memrefs passed as pointers to descriptors).
  FailureOr<func::FuncOp> declare(Operation *at, StringRef name,
                                  ValueRange args) {
    ModuleOp module = getOperation();
    auto type = FunctionType::get(module.getContext(),
                                  ValueRange(args).getTypes(), {});
    if (Operation *symbol = module.lookupSymbol(name)) {
      auto existing = dyn_cast<func::FuncOp>(symbol);
      if (!existing || existing.getFunctionType() != type)
        return at->emitError("norm-library-calls: '")
               << name << "' is already declared with another type";
      return existing;
    }
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto fn = func::FuncOp::create(b, module.getLoc(), name, type);
    fn.setPrivate();
    fn->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    return fn;
  }
};
} // namespace

bool isLibraryContraction(Operation *op) { return succeeded(planCall(op)); }
} // namespace mlir::norm
