//===- Raise.cpp - Decomposed normalizers back to norm ops ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-raise pass. Front ends (torch-mlir's decompositions,
// tosa-to-linalg, hand-written linalg) spell a layer or RMS norm as a dozen
// elementwise ops and reductions, in as many or as few linalg ops as they
// like. Instead of matching op graphs, the pass reads each candidate result
// as one scalar expression over its own index space: it inlines, through
// linalg ops (their indexing maps and bodies), elementwise arith/math on
// tensors, splat constants and unit-dim reshapes, and reads a reduction
// into a zero init as a sum over bound indices. The same expression comes
// out whatever the producer's op granularity, keepdim spelling or broadcast
// maps; the templates below then check the exact function: which dims are
// summed, the count divided by, epsilon inside the square root, the
// parameters' broadcast, one compute type.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Transforms/Passes.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <deque>
#include <functional>

namespace mlir::norm {
#define GEN_PASS_DEF_NORMRAISE
#include "norm-mlir/Transforms/Passes.h.inc"

namespace {
/// A scalar expression over the index space of a candidate result: dims
/// d0..d(r-1) are the result's indices, symbols are the indices that
/// enclosing sums bind (numbered outermost first).
struct Expr {
  enum class Kind { Leaf, Const, Op, Sum, Count };
  Kind kind;
  /// The scalar type of the value.
  Type type;
  /// The tensor `value` read at `access` is this expression (a leaf is
  /// nothing more; other nodes read from a tensor record it too, for the
  /// templates to name operands). Null inside a linalg body.
  Value value;
  AffineMap access;
  /// Const.
  double constant = 0;
  /// Op: the scalar operation's name ("arith.subf", "math.rsqrt", ...).
  StringRef name;
  SmallVector<const Expr *, 2> args;
  /// Sum: the symbols it binds (first, count), their extents and the op
  /// that reduces; args[0] is the summand.
  unsigned firstBound = 0;
  SmallVector<int64_t> extents;
  Operation *reduction = nullptr;
  /// Count: a number of elements known at run time, `constant` times the
  /// product of these dims of these tensors (torch-mlir's aten.size.int
  /// products: tensor.dim, index_cast, muli, sitofp).
  SmallVector<std::pair<Value, int64_t>> countDims;
};

/// The integer `v` as a count: a constant times dims of tensors.
static std::optional<std::pair<int64_t, SmallVector<std::pair<Value, int64_t>>>>
countOf(Value v, unsigned depth = 0) {
  APInt c;
  if (matchPattern(v, m_ConstantInt(&c)))
    return std::make_pair(c.getSExtValue(),
                          SmallVector<std::pair<Value, int64_t>>{});
  Operation *def = v.getDefiningOp();
  if (!def || depth > 16)
    return std::nullopt;
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp,
          arith::ExtUIOp>(def))
    return countOf(def->getOperand(0), depth + 1);
  if (auto dim = dyn_cast<tensor::DimOp>(def)) {
    std::optional<int64_t> index = dim.getConstantIndex();
    if (!index)
      return std::nullopt;
    auto type = cast<RankedTensorType>(dim.getSource().getType());
    if (!type.isDynamicDim(*index))
      return std::make_pair(type.getDimSize(*index),
                            SmallVector<std::pair<Value, int64_t>>{});
    return std::make_pair(int64_t(1), SmallVector<std::pair<Value, int64_t>>{
                                          {dim.getSource(), *index}});
  }
  if (auto mul = dyn_cast<arith::MulIOp>(def)) {
    auto lhs = countOf(mul.getLhs(), depth + 1),
         rhs = countOf(mul.getRhs(), depth + 1);
    if (!lhs || !rhs)
      return std::nullopt;
    lhs->first *= rhs->first;
    lhs->second.append(rhs->second);
    return lhs;
  }
  return std::nullopt;
}

/// The number of symbols an access uses: one more than the highest.
static unsigned usedSymbols(AffineMap map) {
  unsigned n = 0;
  for (AffineExpr e : map.getResults())
    e.walk([&](AffineExpr sub) {
      if (auto s = dyn_cast<AffineSymbolExpr>(sub))
        n = std::max(n, s.getPosition() + 1);
    });
  return n;
}

/// `value` rounded to the float type `type` as the IR's constant folding
/// would.
static double roundTo(double value, Type type) {
  auto ft = dyn_cast<FloatType>(type);
  if (!ft || ft.isF64())
    return value;
  APFloat v(value);
  bool lost;
  v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
  return v.convertToDouble();
}

/// Contractions and convolutions: their operands are never part of a
/// normalizer's expression, and inlining them would only cost time.
static bool isOpaque(linalg::LinalgOp op) {
  return linalg::isaContractionOpInterface(op) ||
         linalg::isaConvolutionOpInterface(op);
}

/// Builds expressions for one candidate, hash-consed on (value, access):
/// a tensor read at the same place twice is one node.
class ExprBuilder {
public:
  ExprBuilder(unsigned rank, MLIRContext *ctx, DenseSet<Value> stops = {})
      : rank(rank), ctx(ctx), stops(std::move(stops)) {}

  const Expr *build(Value tensor) {
    return read(tensor, AffineMap::getMultiDimIdentityMap(rank, ctx), 0);
  }

private:
  static constexpr unsigned kMaxDepth = 64;
  static constexpr size_t kMaxNodes = 4000;

  /// The access with exactly the symbols it uses, so that equal reads are
  /// equal maps.
  AffineMap canonical(AffineMap map) {
    return AffineMap::get(rank, usedSymbols(map), map.getResults(), ctx);
  }

  Expr *make(Expr::Kind kind, Type type) {
    nodes.push_back(Expr{kind, type, {}, {}, 0, {}, {}, 0, {}, nullptr});
    return &nodes.back();
  }

  const Expr *constant(double value, Type type) {
    Expr *e = make(Expr::Kind::Const, type);
    e->constant = value;
    return e;
  }

  /// The scalar op `name` of `args`, folded where every argument is a
  /// constant (an f64 epsilon truncated to f32 is the f32 constant) and
  /// where it is the identity (`x - 0`).
  const Expr *op(StringRef name, Type type, ArrayRef<const Expr *> args) {
    auto c = [&](unsigned i) { return args[i]->constant; };
    bool allConst = llvm::all_of(
        args, [](const Expr *a) { return a->kind == Expr::Kind::Const; });
    if (allConst && !args.empty()) {
      std::optional<double> folded;
      if (name == "arith.truncf" || name == "arith.extf")
        folded = c(0);
      else if (name == "arith.addf")
        folded = c(0) + c(1);
      else if (name == "arith.subf")
        folded = c(0) - c(1);
      else if (name == "arith.mulf")
        folded = c(0) * c(1);
      else if (name == "arith.divf")
        folded = c(0) / c(1);
      else if (name == "arith.negf")
        folded = -c(0);
      if (folded)
        return constant(roundTo(*folded, type), type);
    }
    if (name == "arith.subf" && args[1]->kind == Expr::Kind::Const &&
        args[1]->constant == 0.0 && !std::signbit(args[1]->constant) &&
        args[0]->type == type)
      return args[0];
    // torch-mlir's add.Tensor multiplies by its alpha, 1.
    if (name == "arith.mulf")
      for (unsigned side : {0u, 1u})
        if (args[side]->kind == Expr::Kind::Const &&
            args[side]->constant == 1.0 && args[1 - side]->type == type)
          return args[1 - side];
    Expr *e = make(Expr::Kind::Op, type);
    e->name = name;
    e->args.assign(args.begin(), args.end());
    return e;
  }

  /// `tensor` read at `access` (rank dims, some symbols -> tensor dims).
  const Expr *read(Value tensor, AffineMap access, unsigned depth) {
    auto key = std::make_pair(tensor, access);
    if (auto it = memo.find(key); it != memo.end())
      return it->second;
    const Expr *e = nullptr;
    if (depth < kMaxDepth && nodes.size() < kMaxNodes &&
        !stops.contains(tensor))
      e = expand(tensor, access, depth);
    if (!e)
      e = make(Expr::Kind::Leaf, getElementTypeOrSelf(tensor.getType()));
    if (e->kind != Expr::Kind::Const && !e->value) {
      Expr *origin = const_cast<Expr *>(e);
      origin->value = tensor;
      origin->access = access;
    }
    memo[key] = e;
    return e;
  }

  const Expr *expand(Value tensor, AffineMap access, unsigned depth) {
    Operation *def = tensor.getDefiningOp();
    if (!def)
      return nullptr;
    DenseElementsAttr dense;
    if (matchPattern(tensor, m_Constant(&dense)) && dense.isSplat() &&
        isa<FloatType>(dense.getElementType()))
      return constant(dense.getSplatValue<APFloat>().convertToDouble(),
                      dense.getElementType());
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(def))
      return expandLinalg(linalgOp, cast<OpResult>(tensor), access, depth);
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def)) {
      auto expand = dyn_cast<tensor::ExpandShapeOp>(def);
      auto collapse = dyn_cast<tensor::CollapseShapeOp>(def);
      const Expr *e =
          expand ? throughUnitReshape(expand.getSrc(), expand.getResultType(),
                                      expand.getReassociationIndices(), access,
                                      /*expanding=*/true, depth)
                 : throughUnitReshape(collapse.getSrc(),
                                      collapse.getSrcType(),
                                      collapse.getReassociationIndices(),
                                      access, /*expanding=*/false, depth);
      // A reshape of an opaque tensor is the leaf: every read of it names
      // it with its own dims (a [1, N C, H, W] view of a collapse, read
      // whole and in sums over its unit dim).
      if (e && e->kind == Expr::Kind::Leaf && !stops.contains(e->value))
        return nullptr;
      return e;
    }
    if (isElementwiseTensorOp(def)) {
      SmallVector<const Expr *> args;
      for (Value operand : def->getOperands())
        args.push_back(read(operand, access, depth + 1));
      return op(def->getName().getStringRef(),
                getElementTypeOrSelf(tensor.getType()), args);
    }
    return nullptr;
  }

public:
  /// arith/math ops on same-shape float tensors (no implicit broadcast).
  static bool isElementwiseTensorOp(Operation *op) {
    if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) ||
        op->getNumResults() != 1 || op->getNumRegions() != 0 ||
        !op->hasTrait<OpTrait::Elementwise>())
      return false;
    auto shaped = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!shaped || !isa<FloatType>(shaped.getElementType()))
      return false;
    return llvm::all_of(op->getOperandTypes(), [&](Type t) {
      auto other = dyn_cast<RankedTensorType>(t);
      return other && other.getShape() == shaped.getShape() &&
             isa<FloatType>(other.getElementType());
    });
  }

private:
  /// A reshape that only adds or drops unit dims: the read of its result
  /// at `access` is a read of its source without those dims. `expanded`
  /// is the type with more dims (the result of an expand, the source of a
  /// collapse).
  const Expr *throughUnitReshape(Value source, RankedTensorType expanded,
                                 ArrayRef<ReassociationIndices> groups,
                                 AffineMap access, bool expanding,
                                 unsigned depth) {
    SmallVector<AffineExpr> results;
    for (auto [g, group] : llvm::enumerate(groups)) {
      // Each group keeps at most one non-unit dim.
      std::optional<int64_t> kept;
      for (int64_t d : group) {
        if (expanded.getDimSize(d) == 1)
          continue;
        if (kept)
          return nullptr;
        kept = d;
      }
      if (expanding) {
        // The collapsed source dim `g` is the group's non-unit dim.
        results.push_back(kept ? access.getResult(*kept)
                               : getAffineConstantExpr(0, ctx));
        continue;
      }
      // Collapsing: the expanded source is read at the collapsed index in
      // its non-unit dim, at 0 in the others.
      for (int64_t d : group)
        results.push_back(kept && d == *kept ? access.getResult(g)
                                             : getAffineConstantExpr(0, ctx));
    }
    return read(source,
                canonical(AffineMap::get(rank, access.getNumSymbols(),
                                         results, ctx)),
                depth + 1);
  }

  /// Result `result` of a linalg op read at `access`.
  const Expr *expandLinalg(linalg::LinalgOp op, OpResult result,
                           AffineMap access, unsigned depth) {
    if (!op.hasPureTensorSemantics() || op->getNumRegions() != 1 ||
        isOpaque(op) || op.hasIndexSemantics())
      return nullptr;
    unsigned index = result.getResultNumber();
    OpOperand *init = op.getDpsInitOperand(index);
    AffineMap outMap = op.getMatchingIndexingMap(init);
    auto resultType = cast<RankedTensorType>(result.getType());
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();

    // Loop dims from the access: each output dim names a parallel loop or
    // is a constant 0 of a unit dim (keepdim).
    unsigned numLoops = op.getNumLoops();
    SmallVector<AffineExpr> loops(numLoops);
    for (auto [j, expr] : llvm::enumerate(outMap.getResults())) {
      if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
        unsigned l = dim.getPosition();
        if (loops[l] || iterators[l] != utils::IteratorType::parallel)
          return nullptr;
        loops[l] = access.getResult(j);
        continue;
      }
      auto c = dyn_cast<AffineConstantExpr>(expr);
      if (!c || c.getValue() != 0 || resultType.getDimSize(j) != 1)
        return nullptr;
    }
    // The loops the output does not name must be static reductions: bound
    // here, as new symbols.
    unsigned symbols = access.getNumSymbols();
    unsigned firstBound = symbols;
    SmallVector<int64_t> extents;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    for (unsigned l = 0; l < numLoops; ++l) {
      if (loops[l])
        continue;
      if (iterators[l] != utils::IteratorType::reduction)
        return nullptr;
      loops[l] = getAffineSymbolExpr(symbols++, ctx);
      extents.push_back(ranges[l]);
    }
    AffineMap loopMap = AffineMap::get(rank, symbols, loops, ctx);
    bool reduces = !extents.empty();

    Block &body = op->getRegion(0).front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    Value yielded = yield.getOperand(index);
    BlockArgument acc = body.getArgument(op.getNumDpsInputs() + index);

    Value expression = yielded;
    if (reduces) {
      // Only a sum into a zero init: yield addf(acc, f), f free of acc.
      auto add = yielded.getDefiningOp<arith::AddFOp>();
      if (!add || add->getBlock() != &body)
        return nullptr;
      if (add.getLhs() == acc)
        expression = add.getRhs();
      else if (add.getRhs() == acc)
        expression = add.getLhs();
      else
        return nullptr;
      std::optional<double> zero = initConstant(init->get());
      if (!zero || *zero != 0.0)
        return nullptr;
    }

    // The body, one scalar at a time: block arguments read their operands
    // through their maps composed with the loop dims.
    DenseMap<Value, const Expr *> scalars;
    std::function<const Expr *(Value)> scalar = [&](Value v) -> const Expr * {
      if (auto it = scalars.find(v); it != scalars.end())
        return it->second;
      const Expr *e = nullptr;
      FloatAttr floatAttr;
      if (auto arg = dyn_cast<BlockArgument>(v)) {
        // Inputs only: an init's block argument is its running value in a
        // reduction, not the init tensor.
        if (arg.getOwner() == &body &&
            arg.getArgNumber() < op.getNumDpsInputs()) {
          OpOperand &operand = op->getOpOperand(arg.getArgNumber());
          FloatAttr scalarAttr;
          if (isa<RankedTensorType>(operand.get().getType()))
            e = read(operand.get(),
                     canonical(op.getMatchingIndexingMap(&operand).compose(
                         loopMap)),
                     depth + 1);
          else if (matchPattern(operand.get(), m_Constant(&scalarAttr)))
            e = constant(scalarAttr.getValueAsDouble(), scalarAttr.getType());
        }
      } else if (matchPattern(v, m_Constant(&floatAttr))) {
        e = constant(floatAttr.getValueAsDouble(), floatAttr.getType());
      } else if (auto toFloat = v.getDefiningOp<arith::SIToFPOp>()) {
        // torch-mlir's scalar operands, converted in the body: an i64
        // constant, or a count of elements known at run time.
        if (auto count = countOf(toFloat.getIn())) {
          if (count->second.empty()) {
            e = constant(roundTo(double(count->first), v.getType()),
                         v.getType());
          } else {
            Expr *node = make(Expr::Kind::Count, v.getType());
            node->constant = double(count->first);
            node->countDims = count->second;
            e = node;
          }
        }
      } else if (auto powi = v.getDefiningOp<math::FPowIOp>()) {
        // The integer exponent of torch-mlir's pow(x, 2), as a constant.
        APInt exponent;
        if (powi->getBlock() == &body &&
            matchPattern(powi.getRhs(), m_ConstantInt(&exponent)))
          if (const Expr *base = scalar(powi.getLhs()))
            e = this->op("math.fpowi", v.getType(),
                   {base, constant(double(exponent.getSExtValue()),
                                   v.getType())});
      } else if (Operation *def = v.getDefiningOp();
                 def && def->getBlock() == &body &&
                 isa<arith::ArithDialect, math::MathDialect>(
                     def->getDialect()) &&
                 def->hasTrait<OpTrait::Elementwise>() &&
                 def->getNumResults() == 1 && isa<FloatType>(v.getType())) {
        SmallVector<const Expr *> args;
        for (Value operand : def->getOperands()) {
          const Expr *arg = isa<FloatType>(operand.getType())
                                ? scalar(operand)
                                : nullptr;
          if (!arg)
            return scalars[v] = nullptr;
          args.push_back(arg);
        }
        e = this->op(def->getName().getStringRef(), v.getType(), args);
      }
      return scalars[v] = e;
    };
    const Expr *summand = scalar(expression);
    if (!summand)
      return nullptr;
    if (!reduces)
      return summand;
    Expr *sum = make(Expr::Kind::Sum, summand->type);
    sum->firstBound = firstBound;
    sum->extents = extents;
    sum->reduction = op;
    // A sum of a sum (TOSA reduces one axis per op) is one sum over the
    // symbols of both; the inner one binds those right after ours.
    if (summand->kind == Expr::Kind::Sum &&
        summand->firstBound == firstBound + extents.size() &&
        summand->type == sum->type) {
      sum->extents.append(summand->extents);
      summand = summand->args[0];
    }
    sum->args.push_back(summand);
    return sum;
  }

  /// The value a reduction's init holds everywhere: a fill or splat.
  static std::optional<double> initConstant(Value init) {
    if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
      FloatAttr value;
      if (matchPattern(fill.getInputs()[0], m_Constant(&value)))
        return value.getValueAsDouble();
      return std::nullopt;
    }
    DenseElementsAttr dense;
    if (matchPattern(init, m_Constant(&dense)) && dense.isSplat() &&
        isa<FloatType>(dense.getElementType()))
      return dense.getSplatValue<APFloat>().convertToDouble();
    return std::nullopt;
  }

  unsigned rank;
  MLIRContext *ctx;
  /// Tensors read as leaves, whatever computes them.
  DenseSet<Value> stops;
  std::deque<Expr> nodes;
  DenseMap<std::pair<Value, AffineMap>, const Expr *> memo;
};

/// Equality of `a` and `b` where `a`'s dims and bound symbols are renamed
/// first: alpha-equivalence of two reads of the same value, one over the
/// normalized dims, the other inside the sum that averages it.
class Equal {
public:
  Equal(unsigned rank, MLIRContext *ctx) : rank(rank), ctx(ctx) {}

  /// `a` with the dims `summed` replaced by the symbols `bound` is `b`.
  bool underBinding(const Expr *a, const Expr *b, ArrayRef<unsigned> summed,
                    ArrayRef<unsigned> bound) {
    if (summed.size() != bound.size())
      return false;
    dims.clear();
    for (unsigned d = 0; d < rank; ++d)
      dims.push_back(getAffineDimExpr(d, ctx));
    for (auto [d, symbol] : llvm::zip_equal(summed, bound))
      dims[d] = getAffineSymbolExpr(symbol, ctx);
    symbols.clear();
    budget = 20000;
    return equal(a, b);
  }

private:
  /// Whether `a`'s access, renamed, is `b`'s.
  bool sameAccess(AffineMap a, AffineMap b) {
    if (a.getNumResults() != b.getNumResults())
      return false;
    SmallVector<AffineExpr> s;
    for (unsigned i = 0; i < a.getNumSymbols(); ++i)
      s.push_back(i < symbols.size() && symbols[i]
                      ? symbols[i]
                      : getAffineSymbolExpr(i + kUnbound, ctx));
    for (auto [x, y] : llvm::zip(a.getResults(), b.getResults()))
      if (x.replaceDimsAndSymbols(dims, s) != y)
        return false;
    return true;
  }

  bool equal(const Expr *a, const Expr *b) {
    if (--budget < 0 || a->kind != b->kind || a->type != b->type)
      return false;
    // The same tensor read at the same place is the same value.
    if (a->value && a->value == b->value && sameAccess(a->access, b->access))
      return true;
    switch (a->kind) {
    case Expr::Kind::Const:
      return a->constant == b->constant;
    case Expr::Kind::Count:
      return a->constant == b->constant && a->countDims == b->countDims;
    case Expr::Kind::Leaf:
      return false;
    case Expr::Kind::Op:
      if (a->name != b->name || a->args.size() != b->args.size())
        return false;
      for (auto [x, y] : llvm::zip(a->args, b->args))
        if (!equal(x, y))
          return false;
      return true;
    case Expr::Kind::Sum: {
      if (a->extents != b->extents)
        return false;
      unsigned n = a->extents.size();
      if (symbols.size() < a->firstBound + n)
        symbols.resize(a->firstBound + n);
      SmallVector<AffineExpr> saved(symbols.begin() + a->firstBound,
                                    symbols.begin() + a->firstBound + n);
      for (unsigned i = 0; i < n; ++i)
        symbols[a->firstBound + i] =
            getAffineSymbolExpr(b->firstBound + i, ctx);
      bool same = equal(a->args[0], b->args[0]);
      std::copy(saved.begin(), saved.end(), symbols.begin() + a->firstBound);
      return same;
    }
    }
    return false;
  }

  /// Symbols of `a` that no sum of `a` binds (none, in a well-formed
  /// expression) are renamed out of `b`'s range.
  static constexpr unsigned kUnbound = 1000;
  unsigned rank;
  MLIRContext *ctx;
  SmallVector<AffineExpr> dims, symbols;
  int budget = 0;
};

static bool isOp(const Expr *e, StringRef name) {
  return e && e->kind == Expr::Kind::Op && e->name == name;
}
static bool isConst(const Expr *e, std::optional<double> value = {}) {
  return e && e->kind == Expr::Kind::Const &&
         (!value || e->constant == *value);
}
static bool isNarrow(Type t) { return isa<BFloat16Type, Float16Type>(t); }

/// The first sum below `e` (depth first), for naming a rejected candidate.
static const Expr *firstSum(const Expr *e, unsigned depth = 0) {
  if (!e || depth > 32)
    return nullptr;
  if (e->kind == Expr::Kind::Sum)
    return e;
  for (const Expr *arg : e->args)
    if (const Expr *s = firstSum(arg, depth + 1))
      return s;
  return nullptr;
}

/// What a raise found.
struct Match {
  bool rms = false;
  Value input, scale, bias;
  double epsilon = 0, scaleOffset = 0;
  unsigned axis = 0;
  /// The producer computed the statistics in the narrow element type, or
  /// in f64.
  bool narrowStatistics = false, wideStatistics = false;
  /// The variance was E[x^2] - E[x]^2 (raised to the stable form).
  bool expandedVariance = false;
  /// The scale and bias are per channel (dim 1) of a layer norm over the
  /// dims after it: an NCHW instance norm.
  bool perChannel = false;
  /// An eval batch norm: `x - running_mean[c]` over
  /// `sqrt(running_var[c] + eps)`, every parameter per channel `channel`.
  bool batchNorm = false, train = false;
  Value runningMean, runningVar;
  /// The variance was computed in f64 (torch-mlir's var) and rounded.
  bool wideVariance = false;
  /// Where the producer's mean and 1/sigma are tensors of their own: the
  /// tensor and its access from the result's index space (users of these
  /// are wired to the op's mean and rstd results).
  Value mean, rstd, variance;
  AffineMap meanAccess, rstdAccess;
  /// A group norm without affine (raised from a view) that the per-channel
  /// scale and bias after it are folded into.
  GroupNormOp groupNorm;
  /// The tensors whose dims count the summed elements at run time.
  SmallVector<Value> countTensors;
  /// A group norm of a view [N, ..., G, C/G] of NHWC data.
  bool groupedView = false;
  unsigned channel = 1;
};

/// Matches one candidate result against the layer and RMS norm templates.
class Matcher {
public:
  Matcher(Value result, MLIRContext *ctx)
      : result(result), type(cast<RankedTensorType>(result.getType())),
        rank(type.getRank()), builder(rank, ctx), ctx(ctx) {}

  /// A layer or RMS norm of the result; on failure `why` says at which
  /// step (empty when the result does not look like a normalizer) and
  /// `anchor` is the reduction the rejected candidate was built on.
  FailureOr<Match> match() {
    const Expr *e = builder.build(result);
    computeType = type.getElementType();
    // A narrow result computed in f32 and rounded once at the end.
    if (isOp(e, "arith.truncf")) {
      if (!isNarrow(computeType) || !e->args[0]->type.isF32())
        return failure();
      e = e->args[0];
      computeType = e->type;
    }
    if (attempt([&] { return foldedBatchNorm(e); }))
      return finish();
    // Bias, then scale.
    if (isOp(e, "arith.addf"))
      for (unsigned side : {1u, 0u})
        if (attempt([&] {
              std::optional<Value> bias = parameter(e->args[side]);
              if (!bias || !scaled(e->args[1 - side]) || !parametersFit())
                return false;
              m.bias = *bias;
              return true;
            }))
          return finish();
    if (attempt([&] { return scaled(e); }))
      return finish();
    if (why.empty())
      return failure();
    if (const Expr *sum = firstSum(e))
      anchor = sum->reduction;
    return failure();
  }

  std::string why;
  Operation *anchor = nullptr;

private:
  /// Runs `step`; on failure restores what it changed (but the reason).
  bool attempt(llvm::function_ref<bool()> step) {
    Match savedMatch = m;
    SmallVector<unsigned> savedSummed = summed;
    Type savedCompute = computeType;
    size_t savedParams = params.size();
    if (step())
      return true;
    m = savedMatch;
    summed = savedSummed;
    computeType = savedCompute;
    params.resize(savedParams);
    return false;
  }

  /// Records `reason` for a rejection unless an earlier step said more.
  bool reject(const char *reason) {
    if (why.empty())
      why = reason;
    return false;
  }

  FailureOr<Match> finish() {
    if (!parametersFit())
      return failure();
    for (Value t : m.countTensors)
      if (!sameShapeAsInput(t)) {
        reject("a statistic is divided by the size of another tensor than "
               "the normalized one");
        return failure();
      }
    // A group norm alone is what it is.
    if (m.groupNorm && !m.scale && !m.bias)
      return failure();
    if (isTrailing())
      m.axis = summed.front();
    return m;
  }

  /// `t` is the input, or computed from it elementwise (its extension to
  /// f64, say): a tensor of the input's shape at run time.
  bool sameShapeAsInput(Value t) {
    for (unsigned depth = 0; depth < 8; ++depth) {
      if (t == m.input)
        return true;
      Operation *def = t.getDefiningOp();
      if (!def || def->getNumResults() != 1)
        return false;
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(def)) {
        if (linalgOp.getNumReductionLoops() != 0 ||
            linalgOp.getNumDpsInputs() == 0 ||
            !llvm::all_of(linalgOp.getIndexingMapsArray(),
                          [](AffineMap map) { return map.isIdentity(); }))
          return false;
        t = linalgOp.getDpsInputOperand(0)->get();
        continue;
      }
      if (!ExprBuilder::isElementwiseTensorOp(def))
        return false;
      t = def->getOperand(0);
    }
    return false;
  }

  /// Every parameter so far reads the normalized dims of the axis found
  /// (or the channel of a batch or instance norm) and has the result's
  /// element type.
  bool parametersFit() {
    bool normalizedDims = false, channel = false;
    for (const Expr *param : params) {
      if (getElementTypeOrSelf(param->value.getType()) !=
          type.getElementType())
        return reject("a scale or bias has another element type than the "
                      "result (raising would change its rounding)");
      if (isGroupedNHWC()) {
        if (!readsGroupedChannel(param))
          return reject("a scale or bias does not broadcast along the "
                        "normalized dims");
        continue;
      }
      if (readsNormalizedDims(param))
        normalizedDims = true;
      else if (readsChannel(param))
        channel = true;
      else
        return reject("a scale or bias does not broadcast along the "
                      "normalized dims");
    }
    if (m.batchNorm && normalizedDims)
      return reject("a batch norm's scale or bias is not per channel");
    if (channel && (normalizedDims || m.rms))
      return reject("a per-channel scale or bias with a per-element one, or "
                    "of an RMS norm");
    // NHWC instance norms are group norms with or without parameters.
    if (m.groupNorm) {
      m.perChannel = true;
      return true;
    }
    if (isGroupedNHWC())
      return true;
    m.perChannel = !m.batchNorm && (channel || isSpatialNHWC());
    if (m.perChannel)
      m.channel = *instanceChannel();
    return true;
  }

  /// The channel of an instance norm: dim 1 when the statistics sum the
  /// dims after it (NCHW, rank 3 or more), the last when they sum the
  /// spatial dims before it (NHWC).
  std::optional<unsigned> instanceChannel() const {
    if (isSpatialNHWC())
      return rank - 1;
    if (rank >= 3 && isTrailing() && summed.front() == 2)
      return 1u;
    return std::nullopt;
  }

  /// A per-channel parameter of a batch or instance norm, read at the
  /// channel alone (unit dims read at 0 around it: TOSA's [1, C, 1, 1]).
  bool readsChannel(const Expr *param) {
    std::optional<unsigned> c = m.batchNorm || m.groupNorm
                                    ? std::optional<unsigned>(m.channel)
                                    : instanceChannel();
    return c && channelOf(param) == c;
  }

  /// The dim `c` that `e` (a tensor read) is read at alone, unit dims read
  /// at 0 around it (a per-channel vector of [C], or TOSA's [1, C, 1, 1]).
  std::optional<unsigned> channelOf(const Expr *e) {
    if (!e->value || !isa<RankedTensorType>(e->value.getType()))
      return std::nullopt;
    auto paramType = cast<RankedTensorType>(e->value.getType());
    AffineMap access = e->access;
    if (access.getNumSymbols() != 0)
      return std::nullopt;
    std::optional<unsigned> channel;
    for (auto [i, result] : llvm::enumerate(access.getResults())) {
      auto dim = dyn_cast<AffineDimExpr>(result);
      if (dim && !channel && !type.isDynamicDim(dim.getPosition()) &&
          paramType.getDimSize(i) == type.getDimSize(dim.getPosition())) {
        channel = dim.getPosition();
        continue;
      }
      if (paramType.getDimSize(i) != 1 ||
          result != getAffineConstantExpr(0, ctx))
        return std::nullopt;
    }
    return channel;
  }

  /// `v + eps` with eps a positive constant: returns v and sets epsilon.
  const Expr *plusEpsilon(const Expr *e) {
    if (isOp(e, "arith.addf"))
      for (unsigned side : {1u, 0u})
        if (isConst(e->args[side]) && e->args[side]->constant > 0) {
          m.epsilon = e->args[side]->constant;
          return e->args[1 - side];
        }
    return nullptr;
  }

  /// Keras' and XLA's inference batch norm, folded per channel:
  /// `x * inv + (beta - mean * inv)` with `inv = rsqrt(var + eps) * gamma`
  /// (or without gamma; `-(mean * inv)` without beta), the same `inv` in
  /// both places.
  bool foldedBatchNorm(const Expr *e) {
    if (!isOp(e, "arith.addf"))
      return false;
    for (unsigned side : {0u, 1u}) {
      const Expr *product = e->args[side], *shift = e->args[1 - side];
      if (isOp(product, "arith.mulf"))
        for (unsigned xSide : {0u, 1u})
          if (attempt([&] {
                return foldedParts(product->args[xSide],
                                   product->args[1 - xSide], shift);
              }))
            return true;
    }
    return false;
  }

  bool foldedParts(const Expr *x, const Expr *inv, const Expr *shift) {
    const Expr *rsqrt = nullptr, *gamma = nullptr;
    if (isOp(inv, "math.rsqrt"))
      rsqrt = inv;
    else if (isOp(inv, "arith.mulf"))
      for (unsigned side : {0u, 1u})
        if (isOp(inv->args[side], "math.rsqrt")) {
          rsqrt = inv->args[side];
          gamma = inv->args[1 - side];
          break;
        }
    if (!rsqrt)
      return false;
    const Expr *variance = plusEpsilon(rsqrt->args[0]);
    // The shift: `beta - mean * inv` or `-(mean * inv)` (TF), or
    // `-mean * inv [+ beta]` (Keras 3).
    const Expr *meanTimesInv = nullptr, *beta = nullptr;
    bool negatedMean = false;
    auto negatedProduct = [&](const Expr *e) {
      if (isOp(e, "arith.negf") && isOp(e->args[0], "arith.mulf")) {
        meanTimesInv = e->args[0];
        return true;
      }
      if (isOp(e, "arith.mulf") &&
          (isOp(e->args[0], "arith.negf") || isOp(e->args[1], "arith.negf"))) {
        meanTimesInv = e;
        negatedMean = true;
        return true;
      }
      return false;
    };
    if (isOp(shift, "arith.subf") && isOp(shift->args[1], "arith.mulf")) {
      beta = shift->args[0];
      meanTimesInv = shift->args[1];
    } else if (isOp(shift, "arith.addf")) {
      for (unsigned side : {0u, 1u})
        if (negatedProduct(shift->args[side])) {
          beta = shift->args[1 - side];
          break;
        }
    } else {
      negatedProduct(shift);
    }
    if (!variance || !meanTimesInv)
      return false;
    // From here on it looks like one: say why it is not.
    const Expr *mean = nullptr;
    for (unsigned side : {0u, 1u})
      if (Equal(rank, ctx).underBinding(meanTimesInv->args[1 - side], inv, {},
                                        {})) {
        mean = meanTimesInv->args[side];
        break;
      }
    if (mean && negatedMean)
      mean = isOp(mean, "arith.negf") ? mean->args[0] : nullptr;
    if (!mean)
      return reject("the shift of a folded batch norm multiplies the mean by "
                    "another factor than the input");
    computeType = x->type;
    if (gamma) {
      std::optional<Value> scale = parameter(gamma);
      if (!scale)
        return false;
      m.scale = *scale;
    }
    if (beta) {
      std::optional<Value> bias = parameter(beta);
      if (!bias)
        return false;
      m.bias = *bias;
    }
    const Expr *centered[] = {x, mean};
    if (mean->kind == Expr::Kind::Leaf && variance->kind == Expr::Kind::Leaf)
      return batchNormStatistics(centered, variance) && parametersFit();
    // Statistics computed here (Keras' layer and batch norms): the mean
    // and the variance of x.
    if (variance->type != computeType)
      return reject("the statistics are computed in another type than the "
                    "normalized value");
    return layerNorm(x, mean, variance) && parametersFit();
  }

  /// `x - running_mean[c]` over the square root of `running_var[c] + eps`:
  /// an eval batch norm, the channel dim the second dim (NCHW, [N, C]) or
  /// the last (NHWC).
  bool batchNormEval(const Expr *centered, const Expr *variance) {
    // Running statistics come from outside (arguments, loads, constants):
    // statistics computed here are a training batch norm's, not raised.
    if (centered->args[1]->kind != Expr::Kind::Leaf ||
        variance->kind != Expr::Kind::Leaf)
      return false;
    const Expr *operands[] = {centered->args[0], centered->args[1]};
    return batchNormStatistics(operands, variance);
  }

  /// `x` and `mean` (of `centered`) and `variance`, running statistics
  /// read per channel: dim 1 (NCHW, [N, C]) or the last (NHWC).
  bool batchNormStatistics(ArrayRef<const Expr *> centered,
                           const Expr *variance) {
    const Expr *mean = centered[1];
    std::optional<unsigned> c = channelOf(mean);
    if (!c || channelOf(variance) != c || rank < 2 ||
        (*c != 1 && *c != rank - 1))
      return false;
    Type elementType = type.getElementType();
    if (getElementTypeOrSelf(mean->value.getType()) != elementType ||
        getElementTypeOrSelf(variance->value.getType()) != elementType)
      return reject("the running statistics have another element type than "
                    "the result");
    m.batchNorm = true;
    m.channel = *c;
    m.runningMean = mean->value;
    m.runningVar = variance->value;
    return setInput(centered[0]);
  }

  /// `normalized(x) * scale`, `normalized(x) * (1 + w)`, or
  /// `normalized(x)`; the normalized value may be rounded to the narrow
  /// result type before the scale (LLaMA).
  bool scaled(const Expr *e) {
    if (isOp(e, "arith.mulf"))
      for (unsigned side : {1u, 0u})
        if (scaledBy(e->args[side],
                     [&] { return roundedNormalized(e->args[1 - side]); }))
          return true;
    return normalized(e);
  }

  /// One step: `factor` is the scale (or `1 + w`) and `rest` matches what
  /// it multiplies; the parameters are checked once `rest` set the axis.
  bool scaledBy(const Expr *factor, llvm::function_ref<bool()> rest) {
    return attempt([&] {
      double offset = 0;
      std::optional<Value> scale = scaleParameter(factor, offset);
      if (!scale || !rest() || !parametersFit())
        return false;
      m.scale = *scale;
      m.scaleOffset = offset;
      return true;
    });
  }

  bool roundedNormalized(const Expr *e) {
    if (isOp(e, "arith.truncf") && isNarrow(computeType) &&
        computeType == type.getElementType() && e->args[0]->type.isF32()) {
      computeType = e->args[0]->type;
      return normalized(e->args[0]);
    }
    return normalized(e);
  }

  /// `(x - mean) * rstd`, `x * rstd` (RMS), their `/ sqrt(v + eps)` form,
  /// and `(x - mean) * (rstd * scale)` (Flax folds the scale into rstd).
  bool normalized(const Expr *e) {
    if (raisedGroupNorm(e))
      return true;
    const Expr *centered = nullptr, *denominator = nullptr;
    if (isOp(e, "arith.mulf")) {
      for (unsigned side : {1u, 0u}) {
        const Expr *r = e->args[side];
        if (const Expr *d = reciprocalOf(r)) {
          denominator = d;
          centered = e->args[1 - side];
          m.rstd = r->value;
          m.rstdAccess = r->access;
          break;
        }
        // rstd * scale, the scale folded in.
        if (isOp(r, "arith.mulf") && !m.scale)
          for (unsigned inner : {1u, 0u})
            if (const Expr *d = reciprocalOf(r->args[inner]))
              if (scaledBy(r->args[1 - inner], [&] {
                    m.rstd = r->args[inner]->value;
                    m.rstdAccess = r->args[inner]->access;
                    return statistics(e->args[1 - side], d);
                  }))
                return true;
      }
    } else if (isOp(e, "arith.divf")) {
      centered = e->args[0];
      denominator = e->args[1];
    }
    if (!centered)
      return false;
    return statistics(centered, denominator);
  }

  /// A group norm of the result's type without scale or bias, read whole:
  /// the scale and bias after it (per channel) are folded in.
  bool raisedGroupNorm(const Expr *e) {
    if (e->kind != Expr::Kind::Leaf || !e->value || !e->access.isIdentity())
      return false;
    auto gn = e->value.getDefiningOp<GroupNormOp>();
    if (!gn || gn.getScale() || gn.getBias() || gn.getType() != type)
      return false;
    m.groupNorm = gn;
    m.channel = gn.getChannelAxis();
    m.input = gn.getInput();
    m.epsilon = gn.getEpsilon().convertToDouble();
    return true;
  }

  /// The denominator `sqrt(v + eps)` of `rstd` spelled `rsqrt(v + eps)` or
  /// `1 / sqrt(v + eps)` (for rsqrt: the rsqrt node itself).
  static const Expr *reciprocalOf(const Expr *e) {
    if (isOp(e, "math.rsqrt"))
      return e;
    if (isOp(e, "arith.divf") && isConst(e->args[0], 1.0) &&
        isOp(e->args[1], "math.sqrt"))
      return e->args[1];
    return nullptr;
  }

  /// `centered / denominator` is a normalizer: the denominator is the
  /// square root of a mean square plus epsilon, of `centered`.
  bool statistics(const Expr *centered, const Expr *denominator) {
    if (isOp(denominator, "arith.addf") &&
        (isOp(denominator->args[0], "math.sqrt") ||
         isOp(denominator->args[1], "math.sqrt")))
      return reject("epsilon is added after the square root, not to the "
                    "variance");
    if (!isOp(denominator, "math.rsqrt") && !isOp(denominator, "math.sqrt"))
      return false;
    // From here on it looks like a normalizer: say why it is not one.
    const Expr *variance = plusEpsilon(denominator->args[0]);
    if (!variance)
      return reject("no positive constant epsilon is added to the variance");
    if (centered->type != variance->type)
      return reject("the statistics are computed in another type than the "
                    "normalized value");
    computeType = centered->type;

    if (isOp(centered, "arith.subf") &&
        attempt([&] { return batchNormEval(centered, variance); }))
      return true;
    if (isOp(centered, "arith.subf") &&
        attempt([&] {
          return layerNorm(centered->args[0], centered->args[1], variance);
        }))
      return true;
    // A value centered by a statistic that is no layer norm is no RMS norm
    // of the difference either: say why the layer norm failed.
    if (isOp(centered, "arith.subf") && sumOf(centered->args[1]))
      return false;
    // RMS: x * rsqrt(mean(x^2) + eps).
    std::string layerNormWhy = why;
    if (attempt([&] {
          const Expr *square = meanOf(variance);
          const Expr *base = square ? squared(square) : nullptr;
          if (!base)
            return false;
          if (!Equal(rank, ctx).underBinding(centered, base, summed,
                                             bound(sumOf(variance))))
            return reject("the mean square is not of the normalized value");
          if (!isTrailing())
            return reject("an RMS norm's statistics do not sum the trailing "
                          "dims");
          m.rms = true;
          return setInput(centered);
        }))
      return true;
    if (!layerNormWhy.empty())
      why = layerNormWhy;
    if (why.empty())
      why = "the variance does not average a square";
    return false;
  }

  /// `centered = x - mean(x)` normalized by `variance`: the mean of the
  /// square of `centered`, or `E[x^2] - E[x]^2` (perhaps clamped at 0).
  bool layerNorm(const Expr *x, const Expr *mean, const Expr *variance) {
    const Expr *meanSummand = meanOf(mean);
    if (!meanSummand)
      return false;
    Equal eq(rank, ctx);
    if (!eq.underBinding(x, meanSummand, summed, bound(sumOf(mean))))
      return reject("the value is centered by the mean of another value");
    // torch-mlir's var: in f64, of the extended value centered by its own
    // f64 mean, rounded back: truncf(mean((extf(x) - mean(extf(x)))^2)).
    if (isOp(variance, "arith.truncf") && variance->args[0]->type.isF64()) {
      const Expr *v = variance->args[0];
      const Expr *square = sumOf(v) ? meanOf(v) : nullptr;
      const Expr *base = square ? squared(square) : nullptr;
      if (!isOp(base, "arith.subf"))
        return reject("the f64 variance is not a mean of centered squares");
      const Expr *wide = base->args[0], *wideMean = base->args[1];
      const Expr *wideSummand = sumOf(wideMean) ? meanOf(wideMean) : nullptr;
      if (!isOp(wide, "arith.extf") || !isOp(wideSummand, "arith.extf") ||
          !eq.underBinding(x, wide->args[0], summed, bound(sumOf(v))) ||
          !eq.underBinding(x, wideSummand->args[0], summed,
                           bound(sumOf(wideMean))))
        return reject("the f64 variance is not of the normalized value");
      m.wideVariance = true;
      return centeredNormalizer(x, mean, variance);
    }
    // A mean of squares, or (no mean at all) E[x^2] - E[x]^2.
    if (sumOf(variance)) {
      const Expr *square = meanOf(variance);
      if (!square)
        return false;
      const Expr *base = squared(square);
      if (!base)
        return reject("the variance does not average a square");
      // (jnp.var squares the absolute difference.)
      if (isOp(base, "math.absf"))
        base = base->args[0];
      if (!isOp(base, "arith.subf") ||
          !eq.underBinding(x, base->args[0], summed, bound(sumOf(variance))) ||
          !eq.underBinding(mean, base->args[1], summed,
                           bound(sumOf(variance))))
        return reject("the variance is not of the centered value");
      return centeredNormalizer(x, mean, variance);
    }
    const Expr *v = variance;
    for (StringRef clamp : {"arith.maximumf", "arith.maxnumf"})
      if (isOp(v, clamp))
        for (unsigned side : {1u, 0u})
          if (isConst(v->args[side], 0.0)) {
            v = v->args[1 - side];
            break;
          }
    if (!isOp(v, "arith.subf"))
      return reject("the variance is not a mean of squares");
    const Expr *meanSquare = v->args[0], *squaredMean = squared(v->args[1]);
    const Expr *squareOfX = meanOf(meanSquare);
    if (!squareOfX || !squaredMean)
      return reject("the variance is not a mean of squares");
    const Expr *xx = squared(squareOfX);
    if (!xx || !eq.underBinding(x, xx, summed, bound(sumOf(meanSquare))) ||
        !Equal(rank, ctx).underBinding(squaredMean, mean, {}, {}))
      return reject("the variance is not E[x^2] - E[x]^2 of the centered "
                    "value");
    m.expandedVariance = true;
    return centeredNormalizer(x, mean, variance);
  }

  /// A centered normalizer of `x` over the summed dims: a layer or
  /// instance norm, or (all dims but a channel) a training batch norm.
  bool centeredNormalizer(const Expr *x, const Expr *mean,
                          const Expr *variance) {
    m.rms = false;
    m.mean = mean->value;
    m.meanAccess = mean->access;
    m.variance = variance->value;
    if (std::optional<unsigned> c = allButChannel()) {
      m.batchNorm = true;
      m.train = true;
      m.channel = *c;
    }
    m.groupedView = isGroupedNHWC();
    return setInput(x);
  }

  /// `x * x`, `fpowi(x, 2)` or `powf(x, 2.0)`: returns x.
  static const Expr *squared(const Expr *e) {
    if (isOp(e, "arith.mulf") && e->args[0] == e->args[1])
      return e->args[0];
    if ((isOp(e, "math.fpowi") || isOp(e, "math.powf")) &&
        isConst(e->args[1], 2.0))
      return e->args[0];
    return nullptr;
  }

  /// The sum that `meanOf` found in `e`.
  static const Expr *sumOf(const Expr *e) {
    for (const Expr *arg : e->args)
      if (arg->kind == Expr::Kind::Sum)
        return arg;
    return nullptr;
  }

  /// `sum / n`, `sum * (1/n)` or `(1/n) * sum` over exactly the trailing
  /// dims (the first mean found sets the axis): returns the summand.
  const Expr *meanOf(const Expr *e) {
    const Expr *sum = nullptr;
    double divisor = 0, factor = 0;
    bool divides = false;
    const Expr *runtimeCount = nullptr;
    if (isOp(e, "arith.divf") && e->args[0]->kind == Expr::Kind::Sum) {
      if (!isConst(e->args[1]) && e->args[1]->kind != Expr::Kind::Count) {
        reject("a statistic is divided by a value that is not a constant or "
               "a count of elements");
        return nullptr;
      }
      sum = e->args[0];
      divisor = e->args[1]->constant;
      divides = true;
      if (e->args[1]->kind == Expr::Kind::Count)
        runtimeCount = e->args[1];
    } else if (isOp(e, "arith.mulf")) {
      for (unsigned side : {1u, 0u})
        if (isConst(e->args[side]) &&
            e->args[1 - side]->kind == Expr::Kind::Sum &&
            e->args[side]->constant != 0) {
          sum = e->args[1 - side];
          factor = e->args[side]->constant;
          break;
        }
    }
    if (!sum) {
      reject("a statistic is not a sum divided by its count");
      return nullptr;
    }
    unsigned n = sum->extents.size();
    if (n > rank) {
      reject("a statistic sums more dims than the result has");
      return nullptr;
    }
    Binding binding = summedDims(sum);
    SmallVector<unsigned> &dims = binding.dims;
    if (summed.empty()) {
      summed = dims;
      if (!isTrailing() && !isSpatialNHWC() && !allButChannel() &&
          !isGroupedNHWC()) {
        reject("a statistic sums other dims than the trailing ones, all but "
               "a channel, or the spatial dims of NHWC");
        return nullptr;
      }
    }
    if (dims != summed) {
      reject("the mean and the variance sum different dims");
      return nullptr;
    }
    // A dynamic dim is counted at run time, by the dim of a tensor of the
    // result's shape (checked to be the input's once it is known).
    SmallVector<std::pair<Value, int64_t>> factors;
    if (runtimeCount)
      factors = runtimeCount->countDims;
    int64_t count = 1;
    for (auto [d, symbol] : llvm::zip_equal(summed, binding.symbols)) {
      int64_t extent = sum->extents[symbol - sum->firstBound];
      if (type.isDynamicDim(d) && ShapedType::isDynamic(extent)) {
        auto factor = llvm::find_if(factors, [&](auto &f) {
          return f.second == int64_t(d) &&
                 cast<RankedTensorType>(f.first.getType()).getRank() == rank;
        });
        if (factor == factors.end()) {
          reject("a statistic is divided by another count than the summed "
                 "elements (an unbiased variance?)");
          return nullptr;
        }
        m.countTensors.push_back(factor->first);
        factors.erase(factor);
        continue;
      }
      if (type.isDynamicDim(d) || type.getDimSize(d) != extent) {
        reject("a statistic does not sum whole dims of the result");
        return nullptr;
      }
      count *= extent;
    }
    // The count exactly, or its reciprocal as the constant's type rounds it.
    bool counts =
        !factors.empty() ? false
        : divides        ? divisor == double(count)
                : roundTo(1.0 / double(count), e->type) == factor;
    if (!counts) {
      reject("a statistic is divided by another count than the summed "
             "elements (an unbiased variance?)");
      return nullptr;
    }
    return sum->args[0];
  }

  /// The result dims that `sum` binds (increasing) and the symbol bound to
  /// each: where the first read of a tensor of the result's rank below it
  /// (the normalized value) takes them; the trailing dims in symbol order
  /// where there is none (or its access is of another form, which the
  /// templates then reject).
  struct Binding {
    SmallVector<unsigned> dims, symbols;
  };
  Binding summedDims(const Expr *sum) {
    unsigned n = sum->extents.size();
    Binding trailing;
    for (unsigned d = rank - n; d < rank; ++d) {
      trailing.dims.push_back(d);
      trailing.symbols.push_back(sum->firstBound + d - (rank - n));
    }
    const Expr *read = nullptr;
    std::function<void(const Expr *, unsigned)> find = [&](const Expr *e,
                                                           unsigned depth) {
      if (read || depth > 32)
        return;
      if (e->value && e->access && e->access.getNumResults() == rank &&
          cast<ShapedType>(e->value.getType()).getRank() == rank) {
        read = e;
        return;
      }
      for (const Expr *arg : e->args)
        find(arg, depth + 1);
    };
    find(sum->args[0], 0);
    if (!read)
      return trailing;
    // Each of the sum's symbols once, in any order (TOSA reduces one axis
    // per op, the last one outermost).
    Binding binding;
    llvm::SmallBitVector seen(n);
    for (auto [d, r] : llvm::enumerate(read->access.getResults())) {
      auto symbol = dyn_cast<AffineSymbolExpr>(r);
      if (!symbol)
        continue;
      unsigned i = symbol.getPosition() - sum->firstBound;
      if (symbol.getPosition() < sum->firstBound || i >= n || seen.test(i))
        return trailing;
      seen.set(i);
      binding.dims.push_back(d);
      binding.symbols.push_back(symbol.getPosition());
    }
    return binding.dims.size() == n ? binding : trailing;
  }

  /// The symbols `sum` binds to the summed dims, in their order.
  SmallVector<unsigned> bound(const Expr *sum) {
    return summedDims(sum).symbols;
  }

  /// The normalizer's input: a tensor of the result's shape read whole
  /// (extended from the narrow result type when the result is truncated at
  /// the end), in the compute type.
  bool setInput(const Expr *x) {
    Type elementType = type.getElementType();
    if (computeType != elementType) {
      if (!isOp(x, "arith.extf") || x->args[0]->type != elementType)
        return reject("the input is not extended from the result type");
      x = x->args[0];
    } else if (x->type != elementType) {
      return reject("the input is not of the result type");
    }
    if (!x->value || !x->access.isIdentity() ||
        cast<RankedTensorType>(x->value.getType()).getShape() !=
            type.getShape())
      return reject("the input is not a tensor of the result's shape");
    m.input = x->value;
    m.narrowStatistics = isNarrow(computeType);
    m.wideStatistics = computeType.isF64();
    return true;
  }

  /// A parameter: a tensor read once per normalized element (perhaps
  /// extended to the compute type); its access and type are checked at
  /// the end, once the axis is known.
  std::optional<Value> parameter(const Expr *e) {
    if (isOp(e, "arith.extf"))
      e = e->args[0];
    if (!e->value || !isa<RankedTensorType>(e->value.getType()))
      return std::nullopt;
    params.push_back(e);
    return e->value;
  }

  /// A scale: a parameter, or `1 + w` (Gemma: offset 1).
  std::optional<Value> scaleParameter(const Expr *e, double &offset) {
    offset = 0;
    if (isOp(e, "arith.addf"))
      for (unsigned side : {1u, 0u})
        if (isConst(e->args[side], 1.0))
          if (std::optional<Value> w = parameter(e->args[1 - side])) {
            offset = 1.0;
            return w;
          }
    return parameter(e);
  }

  /// A parameter of the normalized dims [axis, rank): read at exactly them
  /// (after leading unit dims read at 0), and of their shape.
  bool readsNormalizedDims(const Expr *param) {
    if (!isTrailing())
      return false;
    unsigned axis = summed.front();
    auto paramType = cast<RankedTensorType>(param->value.getType());
    AffineMap access = param->access;
    unsigned lead = access.getNumResults() - std::min<unsigned>(
                                                 access.getNumResults(),
                                                 rank - axis);
    if (access.getNumSymbols() != 0 ||
        access.getNumResults() < rank - axis || rank == axis)
      return false;
    for (unsigned i = 0; i < lead; ++i)
      if (paramType.getDimSize(i) != 1 ||
          access.getResult(i) != getAffineConstantExpr(0, ctx))
        return false;
    for (unsigned d = axis; d < rank; ++d)
      if (access.getResult(lead + d - axis) != getAffineDimExpr(d, ctx) ||
          paramType.getDimSize(lead + d - axis) != type.getDimSize(d))
        return false;
    return true;
  }

  /// The statistics sum the dims [axis, rank) for some axis.
  bool isTrailing() const {
    return !summed.empty() && summed.back() == rank - 1 &&
           summed.back() - summed.front() + 1 == summed.size();
  }

  /// The statistics sum the spatial dims of NHWC, [1, rank - 1): an
  /// instance norm whose channel is the last dim.
  bool isSpatialNHWC() const {
    return rank >= 3 && summed.size() == rank - 2 && summed.front() == 1 &&
           summed.back() == rank - 2;
  }

  /// The statistics sum every dim but the batch and dim rank - 2 of a view
  /// [N, ..., G, C/G] of NHWC data: a group norm of the groups G (Keras'
  /// GroupNormalization).
  bool isGroupedNHWC() const {
    if (rank < 4 || summed.size() != rank - 2)
      return false;
    for (unsigned d = 1; d < rank; ++d)
      if (llvm::is_contained(summed, d) == (d == rank - 2))
        return false;
    return true;
  }

  /// A parameter of a grouped NHWC view, read at the group and the channel
  /// in it (after unit dims read at 0): a [C] parameter viewed as [G, C/G].
  bool readsGroupedChannel(const Expr *param) {
    auto paramType = cast<RankedTensorType>(param->value.getType());
    AffineMap access = param->access;
    unsigned n = access.getNumResults();
    if (access.getNumSymbols() != 0 || n < 2)
      return false;
    for (unsigned i = 0; i < n; ++i) {
      AffineExpr r = access.getResult(i);
      if (i + 2 < n) {
        if (r != getAffineConstantExpr(0, ctx) || paramType.getDimSize(i) != 1)
          return false;
        continue;
      }
      unsigned d = rank - (n - i);
      if (r != getAffineDimExpr(d, ctx) ||
          paramType.getDimSize(i) != type.getDimSize(d))
        return false;
    }
    return true;
  }

  /// The dim that the statistics do not sum when they sum all the others
  /// (a training batch norm's channel: dim 1 or the last).
  std::optional<unsigned> allButChannel() const {
    if (rank < 2 || summed.size() != rank - 1)
      return std::nullopt;
    for (unsigned c : {1u, rank - 1})
      if (!llvm::is_contained(summed, c))
        return c;
    return std::nullopt;
  }

  Value result;
  RankedTensorType type;
  unsigned rank;
  ExprBuilder builder;
  MLIRContext *ctx;
  Type computeType;
  /// The dims the statistics sum, increasing (empty until the first mean).
  SmallVector<unsigned> summed;
  Match m;
  SmallVector<const Expr *> params;
};

/// Ops that several normalizers, or a normalizer and anything else, may
/// share without the raise duplicating work: constants, empty tensors,
/// fills, and whatever computes no tensor (index arithmetic, dims).
static bool isShareable(Operation *op) {
  return op->hasTrait<OpTrait::ConstantLike>() ||
         isa<tensor::EmptyOp, linalg::FillOp>(op) ||
         llvm::none_of(op->getResultTypes(),
                       [](Type t) { return isa<TensorType>(t); });
}

/// The ops that compute `root` from the match's operands: every op on a
/// def-use path from them (or from constants) to the root.
static llvm::SetVector<Operation *>
computingOps(Operation *root, const DenseSet<Value> &operands) {
  llvm::SetVector<Operation *> ops;
  SmallVector<Operation *> stack{root};
  while (!stack.empty()) {
    Operation *op = stack.pop_back_val();
    if (!ops.insert(op))
      continue;
    auto visit = [&](Value v) {
      if (operands.contains(v))
        return;
      if (Operation *def = v.getDefiningOp();
          def && def->getParentRegion() == root->getParentRegion())
        stack.push_back(def);
    };
    for (Value operand : op->getOperands())
      visit(operand);
    // Values that a body captures from above.
    op->walk([&](Operation *nested) {
      if (nested != op)
        for (Value operand : nested->getOperands())
          visit(operand);
    });
  }
  return ops;
}

static llvm::SetVector<Operation *> computingOps(Operation *root,
                                                 const Match &m) {
  return computingOps(root, DenseSet<Value>{m.input, m.scale, m.bias,
                                            m.runningMean, m.runningVar});
}

/// A running-statistics update of a training batch norm, as PyTorch's
/// decomposition writes it over [C]: `momentum * s + (1 - momentum) *
/// running`, s the batch mean, or the batch variance times n / (n - 1).
struct Update {
  Operation *root = nullptr;
  Value running;
  double momentum = 0;
};

/// The update of `stat` (the batch mean or, with `unbiasedBy`, the
/// variance) that `root` computes, if it is one.
static std::optional<Update> matchUpdate(Operation *root, Value stat,
                                         std::optional<double> unbiasedBy,
                                         unsigned channel,
                                         RankedTensorType type) {
  if (root->getNumResults() != 1)
    return std::nullopt;
  auto resultType = dyn_cast<RankedTensorType>(root->getResult(0).getType());
  if (!resultType ||
      resultType.getRank() != 1 ||
      resultType.getElementType() != type.getElementType() ||
      resultType.getDimSize(0) != type.getDimSize(channel))
    return std::nullopt;
  MLIRContext *ctx = root->getContext();
  ExprBuilder builder(1, ctx, DenseSet<Value>{stat});
  const Expr *e = builder.build(root->getResult(0));
  Type elementType = type.getElementType();
  auto d0 = AffineMap::getMultiDimIdentityMap(1, ctx);
  // `c * e` either way round: returns e and sets c.
  auto scaled = [](const Expr *e, double &c) -> const Expr * {
    if (isOp(e, "arith.mulf"))
      for (unsigned side : {0u, 1u})
        if (isConst(e->args[side])) {
          c = e->args[side]->constant;
          return e->args[1 - side];
        }
    return nullptr;
  };
  // The statistic read at the channel: [C] at d0, or keepdim with unit
  // dims read at 0 around it.
  auto isStat = [&](const Expr *s) {
    if (!s || s->kind != Expr::Kind::Leaf || s->value != stat)
      return false;
    auto statType = cast<RankedTensorType>(stat.getType());
    unsigned at = statType.getRank() == 1 ? 0 : channel;
    if (s->access.getNumResults() != statType.getRank() ||
        statType.getRank() != (statType.getRank() == 1 ? 1 : type.getRank()))
      return false;
    for (auto [i, r] : llvm::enumerate(s->access.getResults()))
      if (i == at ? r != getAffineDimExpr(0, ctx)
                  : r != getAffineConstantExpr(0, ctx) ||
                        statType.getDimSize(i) != 1)
        return false;
    return true;
  };
  if (!isOp(e, "arith.addf"))
    return std::nullopt;
  for (unsigned side : {0u, 1u}) {
    double a = 0, b = 0, f = 0;
    const Expr *batch = scaled(e->args[side], a);
    const Expr *running = scaled(e->args[1 - side], b);
    if (!batch || !running || running->kind != Expr::Kind::Leaf ||
        running->value == stat || running->access != d0 ||
        running->value.getType() != resultType ||
        roundTo(1.0 - a, elementType) != b)
      continue;
    if (unbiasedBy) {
      batch = scaled(batch, f);
      if (f != roundTo(*unbiasedBy, elementType))
        continue;
    }
    if (!isStat(batch))
      continue;
    return Update{root, running->value, a};
  }
  return std::nullopt;
}

/// One accepted match: its root, what it found, the ops it replaces.
struct Candidate {
  Operation *root;
  Match match;
  llvm::SetVector<Operation *> ops;
  bool rejected = false;
  /// The producer's mean and rstd tensors that users outside read.
  SmallVector<Value, 2> wired;
  /// Where the raised op goes: the root, or before the first of those
  /// users.
  Operation *insertAt = nullptr;
  /// A training batch norm's running-statistics updates.
  std::optional<Update> meanUpdate, varUpdate;
};

/// The updates of `c`'s running statistics among the users of its batch
/// mean and variance: their ops join the candidate's.
static void attachUpdates(Candidate &c) {
  const Match &m = c.match;
  auto type = cast<RankedTensorType>(c.root->getResult(0).getType());
  // n / (n - 1) for the unbiased variance, with n static.
  std::optional<double> unbiasedBy;
  int64_t n = 1;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (d != m.channel)
      n = type.isDynamicDim(d) || n < 0 ? -1 : n * type.getDimSize(d);
  if (n > 1)
    unbiasedBy = double(n) / double(n - 1);
  for (bool variance : {false, true}) {
    Value stat = variance ? m.variance : m.mean;
    if (!stat || (variance && !unbiasedBy))
      continue;
    // Ops downstream of the statistic, outside the normalizer, the last
    // first.
    llvm::SetVector<Operation *> downstream;
    SmallVector<Value> work{stat};
    while (!work.empty() && downstream.size() < 64) {
      Value v = work.pop_back_val();
      for (Operation *user : v.getUsers())
        if (!c.ops.contains(user) && user->getBlock() == c.root->getBlock() &&
            downstream.insert(user))
          llvm::append_range(work, user->getResults());
    }
    SmallVector<Operation *> order(downstream.begin(), downstream.end());
    llvm::sort(order, [](Operation *a, Operation *b) {
      return b->isBeforeInBlock(a);
    });
    for (Operation *op : order)
      if (std::optional<Update> update = matchUpdate(
              op, stat, variance ? unbiasedBy : std::nullopt, m.channel,
              type)) {
        (variance ? c.varUpdate : c.meanUpdate) = update;
        break;
      }
  }
  // One momentum for both.
  if (c.meanUpdate && c.varUpdate &&
      c.meanUpdate->momentum != c.varUpdate->momentum)
    c.meanUpdate = c.varUpdate = std::nullopt;
  for (std::optional<Update> *update : {&c.meanUpdate, &c.varUpdate})
    if (*update)
      for (Operation *op :
           computingOps((*update)->root,
                        DenseSet<Value>{m.mean, m.variance, (*update)->running}))
        c.ops.insert(op);
}

/// The dims of the result that a statistic of `m` keeps: the outer dims
/// of a layer or RMS norm, the channel of a training batch norm.
static SmallVector<unsigned> keptDims(const Match &m, unsigned rank) {
  if (m.batchNorm)
    return {m.channel};
  SmallVector<unsigned> dims;
  for (unsigned d = 0; d < m.axis; ++d)
    dims.push_back(d);
  return dims;
}

/// The raised op's mean or rstd result.
static Value statisticResult(Operation *raised, bool mean) {
  if (auto ln = dyn_cast<LayerNormOp>(raised))
    return mean ? ln.getMean() : ln.getRstd();
  if (auto rms = dyn_cast<RMSNormOp>(raised))
    return mean ? Value() : rms.getRstd();
  if (auto bn = dyn_cast<BatchNormOp>(raised))
    return mean ? bn.getSavedMean() : bn.getSavedRstd();
  return Value();
}

/// Whether `v`, the producer's mean or rstd tensor, is what the raised op
/// can give its other users: a layer norm's (mean and rstd), an RMS norm's
/// (rstd) or a training batch norm's (both), read from the result's index
/// space at exactly the kept dims in order, unit dims read at 0 between
/// them (keepdim).
static bool isWirable(Value v, const Match &m, RankedTensorType type) {
  if (!v || (v != m.mean && v != m.rstd) || m.perChannel || m.groupedView ||
      (m.batchNorm && !m.train) || (m.rms && v != m.rstd))
    return false;
  AffineMap access = v == m.mean ? m.meanAccess : m.rstdAccess;
  auto vType = dyn_cast<RankedTensorType>(v.getType());
  if (!access || access.getNumSymbols() != 0 || !vType ||
      !isa<FloatType>(vType.getElementType()))
    return false;
  SmallVector<unsigned> kept = keptDims(m, type.getRank());
  unsigned next = 0;
  for (auto [i, r] : llvm::enumerate(access.getResults())) {
    if (auto dim = dyn_cast<AffineDimExpr>(r)) {
      if (next == kept.size() || dim.getPosition() != kept[next] ||
          vType.getDimSize(i) != type.getDimSize(kept[next]))
        return false;
      ++next;
      continue;
    }
    if (r != getAffineConstantExpr(0, v.getContext()) ||
        vType.getDimSize(i) != 1)
      return false;
  }
  return next == kept.size();
}

/// The tensor of rank `rank` that `v` views through reshapes, if any.
static Value unviewed(Value v, int64_t rank) {
  while (v.getDefiningOp<tensor::ExpandShapeOp>() ||
         v.getDefiningOp<tensor::CollapseShapeOp>()) {
    v = v.getDefiningOp()->getOperand(0);
    if (cast<RankedTensorType>(v.getType()).getRank() == rank)
      return v;
  }
  return Value();
}

/// `v` as a vector: its dims (all unit but one) collapsed.
static Value collapseAll(OpBuilder &b, Location loc, Value v) {
  ReassociationIndices all;
  for (int64_t i = 0; i < cast<RankedTensorType>(v.getType()).getRank(); ++i)
    all.push_back(i);
  return tensor::CollapseShapeOp::create(b, loc, v,
                                         ArrayRef<ReassociationIndices>{all});
}

/// Builds the normalizer for `c` in place of its root; returns it.
static Operation *raise(Candidate &c) {
  Operation *root = c.root;
  const Match &m = c.match;
  OpBuilder b(c.insertAt ? c.insertAt : root);
  Location loc = root->getLoc();
  auto type = cast<RankedTensorType>(root->getResult(0).getType());
  // A parameter with leading unit dims (TOSA's [1, 1, C]) as [C]; a
  // per-channel one ([1, C, 1, 1]) as [C].
  auto asNormalizedShape = [&](Value param) -> Value {
    if (!param)
      return param;
    auto paramType = cast<RankedTensorType>(param.getType());
    bool perChannel = m.perChannel || m.batchNorm;
    int64_t normRank = perChannel ? 1 : type.getRank() - m.axis;
    // A view of a parameter of the op's shape (torch's unsqueeze): that.
    if (Value source = unviewed(param, normRank))
      return source;
    if (perChannel && paramType.getRank() > 1)
      return collapseAll(b, loc, param);
    int64_t lead = paramType.getRank() - normRank;
    if (lead == 0)
      return param;
    SmallVector<ReassociationIndices> groups;
    ReassociationIndices first;
    for (int64_t i = 0; i <= lead; ++i)
      first.push_back(i);
    groups.push_back(first);
    for (int64_t i = lead + 1; i < paramType.getRank(); ++i)
      groups.push_back({i});
    return tensor::CollapseShapeOp::create(b, loc, param, groups);
  };
  Value scale = asNormalizedShape(m.scale), bias = asNormalizedShape(m.bias);
  auto axis = b.getI64IntegerAttr(m.axis);
  auto epsilon = b.getF64FloatAttr(m.epsilon);
  TypeAttr computeType =
      m.narrowStatistics ? TypeAttr::get(b.getF32Type())
      : m.wideStatistics ? TypeAttr::get(b.getF64Type())
                         : TypeAttr();
  // The statistics results that wired users read.
  Type statType = computeType ? computeType.getValue() : b.getF32Type();
  SmallVector<int64_t> keptShape;
  for (unsigned d : keptDims(m, type.getRank()))
    keptShape.push_back(type.getDimSize(d));
  auto wiredType = [&](Value stat) -> Type {
    if (!stat || !llvm::is_contained(c.wired, stat))
      return Type();
    return RankedTensorType::get(keptShape, statType);
  };
  Type meanType = wiredType(m.mean), rstdType = wiredType(m.rstd);
  Operation *raised;
  if (m.groupedView) {
    // The view [N, ..., G, C/G] as [N, ..., C]: a group norm of its last
    // dim, viewed as the producer's view; a view back of that (Keras')
    // is the group norm.
    unsigned r = type.getRank();
    SmallVector<ReassociationIndices> groups;
    for (unsigned d = 0; d + 2 < r; ++d)
      groups.push_back({d});
    groups.push_back({r - 2, r - 1});
    auto flatType = tensor::CollapseShapeOp::inferCollapsedType(type, groups);
    Value input = m.input;
    auto view = input.getDefiningOp<tensor::ExpandShapeOp>();
    if (view && view.getSrcType() == flatType &&
        view.getReassociationIndices() == groups)
      input = view.getSrc();
    else
      input = tensor::CollapseShapeOp::create(b, loc, m.input, groups);
    auto channelVector = [&](Value param) -> Value {
      if (!param)
        return param;
      Value source = unviewed(param, 1);
      return source ? source : collapseAll(b, loc, param);
    };
    auto gn = GroupNormOp::create(
        b, loc, flatType, input, channelVector(m.scale), channelVector(m.bias),
        b.getI64IntegerAttr(type.getDimSize(r - 2)), epsilon,
        b.getI64IntegerAttr(r - 2), computeType);
    Value viewed = tensor::ExpandShapeOp::create(b, loc, type, gn, groups);
    root->getResult(0).replaceAllUsesWith(viewed);
    for (Operation *user : llvm::make_early_inc_range(viewed.getUsers()))
      if (auto back = dyn_cast<tensor::CollapseShapeOp>(user);
          back && back.getResultType() == flatType &&
          back.getReassociationIndices() == groups) {
        back.getResult().replaceAllUsesWith(gn.getResult());
        back->erase();
      }
    if (viewed.use_empty())
      viewed.getDefiningOp()->erase();
    return gn;
  }
  if (m.batchNorm) {
    // The op takes a scale and a bias: ones and zeros where there are none.
    auto vectorType = RankedTensorType::get({type.getDimSize(m.channel)},
                                            type.getElementType());
    auto splat = [&](Value given, double value) -> Value {
      if (given)
        return given;
      return arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(
                      vectorType, b.getFloatAttr(type.getElementType(), value)));
    };
    // A training batch norm that updates no running statistics (as
    // torch-mlir writes it) updates zeros and ones that nothing reads.
    Value runningMean =
        splat(c.meanUpdate ? c.meanUpdate->running
                           : asNormalizedShape(m.runningMean),
              0.0);
    Value runningVar = splat(c.varUpdate ? c.varUpdate->running
                                         : asNormalizedShape(m.runningVar),
                             1.0);
    double momentum = c.meanUpdate  ? c.meanUpdate->momentum
                      : c.varUpdate ? c.varUpdate->momentum
                                    : 0.1;
    raised = BatchNormOp::create(
        b, loc, type, vectorType, vectorType, meanType, rstdType, m.input,
        splat(scale, 1.0), splat(bias, 0.0), runningMean, runningVar, Value(),
        BatchNormModeAttr::get(b.getContext(), m.train ? BatchNormMode::train
                                                       : BatchNormMode::eval),
        epsilon,
        b.getF64FloatAttr(momentum), b.getI64IntegerAttr(m.channel),
        StringAttr(), computeType);
    auto bn = cast<BatchNormOp>(raised);
    if (c.meanUpdate)
      c.meanUpdate->root->getResult(0).replaceAllUsesWith(
          bn.getNewRunningMean());
    if (c.varUpdate)
      c.varUpdate->root->getResult(0).replaceAllUsesWith(
          bn.getNewRunningVar());
  } else if (GroupNormOp gn = m.groupNorm)
    raised = GroupNormOp::create(b, loc, type, m.input, scale, bias,
                                 gn.getNumGroupsAttr(), gn.getEpsilonAttr(),
                                 gn.getChannelAxisAttr(),
                                 gn.getComputeTypeAttr());
  else if (m.perChannel)
    raised = GroupNormOp::create(
        b, loc, type, m.input, scale, bias,
        b.getI64IntegerAttr(type.getDimSize(m.channel)), epsilon,
        b.getI64IntegerAttr(m.channel), computeType);
  else if (m.rms)
    raised = RMSNormOp::create(b, loc, type, rstdType, m.input, scale, axis,
                               epsilon, computeType,
                               b.getF64FloatAttr(m.scaleOffset));
  else
    raised = LayerNormOp::create(b, loc, type, meanType, rstdType, m.input,
                                 scale, bias, axis, epsilon, computeType);
  root->getResult(0).replaceAllUsesWith(raised->getResult(0));
  // The producer's statistic tensors, for the users outside: the op's
  // result in their element type and with their unit dims.
  for (Value stat : c.wired) {
    Value given = stat == m.mean ? statisticResult(raised, /*mean=*/true)
                                 : statisticResult(raised, /*mean=*/false);
    auto statTensor = cast<RankedTensorType>(stat.getType());
    Type elementType = statTensor.getElementType();
    auto givenType = cast<RankedTensorType>(given.getType());
    if (elementType != statType) {
      auto converted = givenType.clone(elementType);
      given = elementType.getIntOrFloatBitWidth() < statType.getIntOrFloatBitWidth()
                  ? arith::TruncFOp::create(b, loc, converted, given).getResult()
                  : arith::ExtFOp::create(b, loc, converted, given).getResult();
    }
    if (statTensor.getShape() != givenType.getShape()) {
      std::optional<SmallVector<ReassociationIndices>> groups =
          getReassociationIndicesForReshape(givenType, statTensor);
      given = tensor::ExpandShapeOp::create(b, loc, statTensor, given, *groups);
    }
    stat.replaceUsesWithIf(given, [&](OpOperand &use) {
      return !c.ops.contains(use.getOwner()) &&
             !c.ops.contains(
                 root->getBlock()->findAncestorOpInBlock(*use.getOwner()));
    });
  }
  return raised;
}

/// A torch-mlir style residual add in front of a raised normalizer
/// (an all-parallel generic of `addf` on two same-shape tensors read
/// whole) as `arith.addf`, which norm-fuse-residual-add fuses.
static void raiseResidualAdd(Value input) {
  auto generic = input.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic->getNumResults() != 1 || !generic.hasPureTensorSemantics() ||
      generic.getNumReductionLoops() != 0 ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return;
  Block &body = generic.getRegion().front();
  auto add = dyn_cast<arith::AddFOp>(body.getTerminator()->getOperand(0)
                                         .getDefiningOp());
  if (!add || &body.front() != add.getOperation() ||
      !llvm::is_contained({add.getLhs(), add.getRhs()}, body.getArgument(0)) ||
      !llvm::is_contained({add.getLhs(), add.getRhs()}, body.getArgument(1)) ||
      add.getLhs() == add.getRhs())
    return;
  Value a = generic.getDpsInputOperand(0)->get();
  Value b = generic.getDpsInputOperand(1)->get();
  if (a.getType() != input.getType() || b.getType() != input.getType())
    return;
  OpBuilder builder(generic);
  Value sum = arith::AddFOp::create(builder, generic.getLoc(), a, b);
  input.replaceAllUsesWith(sum);
  Operation *init = generic.getDpsInitOperand(0)->get().getDefiningOp();
  generic->erase();
  if (isa_and_nonnull<tensor::EmptyOp>(init) && init->use_empty())
    init->erase();
}
} // namespace

/// `file:line:col` of `op` for the report (its location as MLIR prints it
/// where it has no file position).
static std::string where(Operation *op) {
  if (auto file = dyn_cast<FileLineColLoc>(op->getLoc()))
    return llvm::formatv("{0}:{1}:{2}", file.getFilename(), file.getLine(),
                         file.getColumn())
        .str();
  std::string text;
  llvm::raw_string_ostream os(text);
  op->getLoc().print(os);
  return text;
}

/// One round of raising over `func`; returns the ops it made.
static SmallVector<Operation *> raiseRound(func::FuncOp func,
                                          RaiseReport &report, bool remarks) {
  MLIRContext *ctx = func.getContext();
  // Candidates: float tensor results of linalg and elementwise ops, the
  // last first, so that the outermost expression (with scale and bias)
  // is tried before its pieces.
  SmallVector<Operation *> roots;
  func.walk([&](Operation *op) {
    if (op->getNumResults() != 1 ||
        !(isa<linalg::LinalgOp>(op) ||
          isa<arith::ArithDialect, math::MathDialect, tensor::TensorDialect>(
              op->getDialect())))
      return;
    auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (t && isa<FloatType>(t.getElementType()) && t.getRank() > 0)
      roots.push_back(op);
  });
  std::deque<Candidate> accepted;
  DenseMap<Operation *, Candidate *> owner;
  DenseSet<std::pair<Operation *, StringRef>> said;
  for (Operation *root : llvm::reverse(roots)) {
    if (owner.contains(root))
      continue;
    Matcher matcher(root->getResult(0), ctx);
    FailureOr<Match> match = matcher.match();
    if (failed(match)) {
      if (matcher.why.empty())
        continue;
      // One line per near-miss, not one per piece of it.
      auto key = std::make_pair(matcher.anchor ? matcher.anchor : root,
                                StringRef(matcher.why));
      if (!said.insert(key).second)
        continue;
      std::string line = llvm::formatv("{0}: not a normalizer: {1}",
                                       root->getName(), matcher.why);
      if (remarks)
        root->emitRemark() << "norm-raise: " << line;
      report.rejected.push_back(where(root) + ": " + line);
      continue;
    }
    accepted.push_back({root, *match, computingOps(root, *match)});
    for (Operation *op : accepted.back().ops)
      owner.try_emplace(op, &accepted.back());
  }
  for (Candidate &c : accepted)
    if (c.match.train)
      attachUpdates(c);
  // An intermediate with a user outside every accepted normalizer would
  // stay computed next to the raised op: leave that normalizer alone
  // (until no more are rejected, as one rejection keeps its ops), unless
  // it is the producer's mean or rstd, which the op computes too.
  DominanceInfo dominance(func);
  bool changed = true;
  while (changed) {
    changed = false;
    DenseSet<Operation *> kept;
    for (Candidate &c : accepted)
      if (!c.rejected)
        kept.insert(c.ops.begin(), c.ops.end());
    for (Candidate &c : accepted) {
      if (c.rejected)
        continue;
      c.wired.clear();
      c.insertAt = c.root;
      auto type = cast<RankedTensorType>(c.root->getResult(0).getType());
      auto reject = [&](const std::string &why) {
        c.rejected = true;
        std::string line = llvm::formatv("{0}: not raised: {1}",
                                         c.root->getName(), why);
        if (remarks)
          c.root->emitRemark() << "norm-raise: " << line;
        report.rejected.push_back(where(c.root) + ": " + line);
      };
      for (Operation *op : c.ops) {
        if (op == c.root || isShareable(op))
          continue;
        bool isUpdate = (c.meanUpdate && op == c.meanUpdate->root) ||
                        (c.varUpdate && op == c.varUpdate->root);
        for (OpOperand &use : op->getUses()) {
          Operation *user = use.getOwner();
          if (kept.contains(user) && user->getParentRegion() ==
                                         c.root->getParentRegion())
            continue;
          // The updated running statistics and the producer's mean or
          // rstd: their users read the op's results instead, the op placed
          // before the first of them.
          Operation *at = c.root->getBlock()->findAncestorOpInBlock(*user);
          if (at && (isUpdate || isWirable(use.get(), c.match, type))) {
            if (at->isBeforeInBlock(c.insertAt))
              c.insertAt = at;
            if (!isUpdate && !llvm::is_contained(c.wired, use.get()))
              c.wired.push_back(use.get());
            continue;
          }
          reject(llvm::formatv("an intermediate ('{0}') has other users",
                               op->getName()));
          break;
        }
        if (c.rejected)
          break;
      }
      // The op's operands must be available where it goes.
      const Match &m = c.match;
      SmallVector<Value> operands{m.input, m.scale, m.bias, m.runningMean,
                                  m.runningVar};
      for (const std::optional<Update> *update :
           {&c.meanUpdate, &c.varUpdate})
        if (*update)
          operands.push_back((*update)->running);
      if (!c.rejected && c.insertAt != c.root &&
          !llvm::all_of(operands, [&](Value v) {
            return !v || dominance.properlyDominates(v, c.insertAt);
          }))
        reject("its operands are not available before the first user of "
               "its statistics");
      changed |= c.rejected;
    }
  }
  SmallVector<Operation *> raisedOps;
  for (Candidate &c : accepted) {
    if (c.rejected)
      continue;
    Operation *raised = raise(c);
    raisedOps.push_back(raised);
    // A group norm that took the scale and bias after it was counted when
    // it was made.
    if (!c.match.groupNorm)
      ++report.raised[raised->getName().getStringRef()];
    if (remarks) {
      InFlightDiagnostic remark = raised->emitRemark()
                                  << "norm-raise: raised to "
                                  << raised->getName();
      if (c.match.narrowStatistics)
        remark << "; the producer computed the statistics in "
               << getElementTypeOrSelf(c.match.input.getType())
               << ", compute_type is f32";
      if (c.match.groupNorm)
        remark << "; the per-channel scale and bias after it folded in";
      else if (c.match.groupedView)
        remark << "; of the view [N, ..., G, C/G], its last two dims "
                  "collapsed";
      else if (c.match.perChannel)
        remark << "; an instance norm (num_groups = C)";
      if (c.match.expandedVariance)
        remark << "; the variance E[x^2] - E[x]^2 is computed centered";
      if (c.meanUpdate || c.varUpdate)
        remark << "; the running "
               << (c.meanUpdate && c.varUpdate ? "mean and variance"
                   : c.meanUpdate              ? "mean"
                                               : "variance")
               << " updated by it";
      if (!c.wired.empty())
        remark << "; the producer's "
               << (c.wired.size() == 2 ? "mean and rstd"
                   : c.wired[0] == c.match.mean ? "mean" : "rstd")
               << " read from its results";
      if (c.match.wideVariance)
        remark << "; the producer's f64 variance is computed in the op's "
                  "compute type";
    }
  }
  // Views of the parameters and running statistics, for after: each value
  // once (candidates may share them), none computed by a replaced op.
  llvm::SetVector<Value> views;
  for (Candidate &c : accepted)
    if (!c.rejected)
      for (Value v : {c.match.scale, c.match.bias, c.match.runningMean,
                      c.match.runningVar,
                      c.match.groupedView ? c.match.input : Value()})
        if (v && !llvm::any_of(accepted, [&](Candidate &other) {
              return !other.rejected && other.ops.contains(v.getDefiningOp());
            }))
          views.insert(v);
  // The replaced ops are dead now: users before producers.
  DenseSet<Operation *> erased;
  bool progress = true;
  while (progress) {
    progress = false;
    for (Candidate &c : accepted) {
      if (c.rejected)
        continue;
      for (Operation *op : c.ops) {
        if (erased.contains(op) || !op->use_empty() || !isMemoryEffectFree(op))
          continue;
        erased.insert(op);
        op->erase();
        progress = true;
      }
    }
  }
  // Views of the parameters and running statistics that only the
  // replaced ops read (the op takes what they view).
  DenseSet<Value> gone;
  for (Value v : views)
    while (!gone.contains(v) && v.use_empty() &&
           (v.getDefiningOp<tensor::ExpandShapeOp>() ||
            v.getDefiningOp<tensor::CollapseShapeOp>())) {
      Operation *view = v.getDefiningOp();
      gone.insert(v);
      v = view->getOperand(0);
      view->erase();
    }
  // (A match's input may be the root of another one, erased by now: the
  // raised ops hold the inputs.)
  llvm::SetVector<Value> inputs;
  for (Operation *raised : raisedOps)
    inputs.insert(raised->getOperand(0));
  for (Value input : inputs)
    raiseResidualAdd(input);
  return raisedOps;
}

/// The value that a chain of reshapes views.
static Value viewedValue(Value v) {
  while (true) {
    if (auto expand = v.getDefiningOp<tensor::ExpandShapeOp>())
      v = expand.getSrc();
    else if (auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>())
      v = collapse.getSrc();
    else
      return v;
  }
}

/// A normalizer of a view of x [N, C, ...] whose result is viewed back as
/// x, where the view's groups are groups of x's channels: a group norm of
/// x. Reshapes keep the row-major order of the elements, so
/// - torch-mlir's native_group_norm, a layer norm without affine over the
///   dims [2, rank) of a view [N, G, ...], holds in group g of sample n
///   exactly the channels [g C/G, (g + 1) C/G) when G divides C;
/// - ATen's instance_norm, a training batch norm without affine or
///   running statistics of the view [1, M, ...], holds in view channel m
///   the group m mod G of sample m / G, G = M / N, when G divides C.
/// Returns the group norm in place of the view back, or null.
static GroupNormOp raiseGroupView(Operation *norm) {
  Value input, x;
  int64_t groups = 0;
  FloatAttr epsilon;
  TypeAttr computeType;
  // The number of elements of `t` from dim `from` on, when static.
  auto elements = [](RankedTensorType t,
                     int64_t from) -> std::optional<int64_t> {
    int64_t n = 1;
    for (int64_t d = from; d < t.getRank(); ++d) {
      if (t.isDynamicDim(d))
        return std::nullopt;
      n *= t.getDimSize(d);
    }
    return n;
  };
  auto isSplat = [](Value v, double value) {
    DenseElementsAttr dense;
    return matchPattern(v, m_Constant(&dense)) && dense.isSplat() &&
           isa<FloatType>(dense.getElementType()) &&
           dense.getSplatValue<APFloat>().convertToDouble() == value;
  };
  if (auto ln = dyn_cast<LayerNormOp>(norm)) {
    if (ln.getScale() || ln.getBias() || ln.getMean() || ln.getRstd() ||
        ln.getAxis() != 2)
      return {};
    input = ln.getInput();
    x = viewedValue(input);
    auto view = cast<RankedTensorType>(input.getType());
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    // The same sample size (static), so the same batch dim.
    if (!xType || xType.getRank() < 2 || !elements(xType, 1) ||
        elements(xType, 1) != elements(view, 1))
      return {};
    groups = view.getDimSize(1);
    epsilon = ln.getEpsilonAttr();
    computeType = ln.getComputeTypeAttr();
  } else if (auto bn = dyn_cast<BatchNormOp>(norm)) {
    if (bn.getMode() != BatchNormMode::train || bn.getChannelAxis() != 1 ||
        bn.getMask() || bn.getSyncGroup() || bn.getSavedMean() ||
        bn.getSavedRstd() || !bn.getNewRunningMean().use_empty() ||
        !bn.getNewRunningVar().use_empty() || !isSplat(bn.getScale(), 1.0) ||
        !isSplat(bn.getBias(), 0.0))
      return {};
    input = bn.getInput();
    x = viewedValue(input);
    auto view = cast<RankedTensorType>(input.getType());
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || xType.getRank() < 2 || view.getRank() < 2 ||
        view.getDimSize(0) != 1 || !elements(xType, 0) ||
        elements(xType, 0) != elements(view, 0) ||
        view.getDimSize(1) % xType.getDimSize(0) != 0)
      return {};
    groups = view.getDimSize(1) / xType.getDimSize(0);
    epsilon = bn.getEpsilonAttr();
    computeType = bn.getComputeTypeAttr();
  } else {
    return {};
  }
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t channels = xType.getDimSize(1);
  if (x == input || groups < 1 || ShapedType::isDynamic(channels) ||
      channels % groups != 0)
    return {};
  // The result viewed back, each step the only user of the one before.
  SmallVector<Operation *> back;
  Value y = norm->getResult(0);
  while (y.getType() != xType) {
    if (!y.hasOneUse() ||
        !isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(*y.user_begin()))
      return {};
    back.push_back(*y.user_begin());
    y = back.back()->getResult(0);
  }
  if (back.empty())
    return {};
  OpBuilder b(back.back());
  auto gn = GroupNormOp::create(b, norm->getLoc(), xType, x, Value(), Value(),
                                b.getI64IntegerAttr(groups), epsilon,
                                b.getI64IntegerAttr(1), computeType);
  y.replaceAllUsesWith(gn.getResult());
  for (Operation *op : llvm::reverse(back))
    op->erase();
  SmallVector<Value> operands(norm->getOperands());
  norm->erase();
  for (Value operand : operands)
    if (Operation *def = operand.getDefiningOp(); def && operand != input &&
                                                  operand.use_empty() &&
                                                  isMemoryEffectFree(def))
      def->erase();
  while (input != x && input.use_empty()) {
    Operation *view = input.getDefiningOp();
    input = view->getOperand(0);
    view->erase();
  }
  return gn;
}

void raiseNormalizers(func::FuncOp func, RaiseReport &report, bool remarks) {
  SmallVector<Operation *> raised = raiseRound(func, report, remarks);
  // Layer and batch norms of group views are group norms; a second round
  // folds the per-channel affine after them in.
  bool grouped = false;
  for (Operation *op : raised) {
    StringRef kind = op->getName().getStringRef();
    GroupNormOp gn = raiseGroupView(op);
    if (!gn)
      continue;
    grouped = true;
    if (--report.raised[kind] == 0)
      report.raised.erase(kind);
    ++report.raised[GroupNormOp::getOperationName()];
    if (remarks)
      gn.emitRemark() << "norm-raise: raised to " << gn->getName()
                      << " (a " << kind << " of a group view)";
  }
  if (grouped)
    raiseRound(func, report, remarks);
}

namespace {
struct NormRaisePass : impl::NormRaiseBase<NormRaisePass> {
  using Base::Base;

  void runOnOperation() override {
    if (!enable)
      return;
    getOperation()->walk([&](func::FuncOp func) {
      RaiseReport unused;
      raiseNormalizers(func, unused, report);
    });
  }
};
} // namespace
} // namespace mlir::norm
