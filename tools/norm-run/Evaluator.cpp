//===- Evaluator.cpp - float64 evaluation of unlowered modules ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A small interpreter for the ops norm programs are written with: norm ops
// call the float64 references of runtime/, linalg structured ops run their
// body over their iteration space, elementwise arith/math ops run pointwise.
//
//===----------------------------------------------------------------------===//

#include "tools/norm-run/Evaluator.h"

#include "norm-mlir/Dialect/NormOps.h"
#include "runtime/reference/Metrics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <functional>
#include <optional>
#include <thread>

using namespace mlir;
using namespace mlir::norm;
using ::norm::rt::Tensor;

namespace {
/// Signals an op the evaluator does not know; caught at the top.
struct Unsupported {
  std::string message;
};

[[noreturn]] void unsupported(Operation *op, const std::string &why) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "cannot evaluate '" << op->getName() << "': " << why;
  throw Unsupported{os.str()};
}

/// Rounds every value to `type`'s element type, as the compiled code stores.
void roundToType(Tensor &t, Type type) {
  Type element = getElementTypeOrSelf(type);
  std::optional<::norm::rt::DType> dtype;
  if (element.isF16())
    dtype = ::norm::rt::DType::F16;
  else if (element.isBF16())
    dtype = ::norm::rt::DType::BF16;
  else if (element.isF32())
    dtype = ::norm::rt::DType::F32;
  if (dtype)
    for (double &v : t.data)
      v = ::norm::rt::roundTo(v, *dtype);
  else if (element.isInteger(1))
    for (double &v : t.data)
      v = v != 0.0;
}

Tensor scalar(double v) { return Tensor{{}, {v}}; }

/// A projection weight as [K, N]: `w` itself, or `w` [N, K] transposed.
Tensor weightKN(const Tensor &w, bool transposed) {
  if (!transposed || w.shape.size() != 2)
    return w;
  int64_t n = w.shape[0], k = w.shape[1];
  Tensor t{{k, n}, std::vector<double>(w.data.size())};
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < k; ++j)
      t.data[j * n + i] = w.data[i * k + j];
  return t;
}

/// Strides of a row-major shape.
std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// The bit width of an integer or index type (index: 64).
unsigned intWidth(Type type) {
  type = getElementTypeOrSelf(type);
  return type.isIndex() ? 64 : type.getIntOrFloatBitWidth();
}

/// `v`, an integer of `width` bits held as its signed value (i1 as 0 or 1),
/// read as unsigned.
double asUnsigned(double v, unsigned width) {
  return v < 0 && width < 64 ? v + std::ldexp(1.0, width) : v;
}

/// `v` wrapped to `width` bits and held as the signed value (i1: 0 or 1),
/// as the compiled code computes it.
double wrapInt(double v, unsigned width) {
  if (width == 1)
    return std::fmod(std::fabs(v), 2.0);
  if (width >= 64)
    return v;
  double range = std::ldexp(1.0, width);
  double r = std::fmod(v, range);
  if (r < 0)
    r += range;
  return r >= range / 2 ? r - range : r;
}

/// An `arith.cmpf` predicate on `x` and `y`: the ordered ones are false and
/// the unordered ones true when either is NaN.
bool compareFloats(arith::CmpFPredicate p, double x, double y) {
  bool unordered = std::isnan(x) || std::isnan(y);
  using P = arith::CmpFPredicate;
  switch (p) {
  case P::AlwaysFalse: return false;
  case P::AlwaysTrue: return true;
  case P::ORD: return !unordered;
  case P::UNO: return unordered;
  case P::OEQ: return !unordered && x == y;
  case P::OGT: return !unordered && x > y;
  case P::OGE: return !unordered && x >= y;
  case P::OLT: return !unordered && x < y;
  case P::OLE: return !unordered && x <= y;
  case P::ONE: return !unordered && x != y;
  case P::UEQ: return unordered || x == y;
  case P::UGT: return unordered || x > y;
  case P::UGE: return unordered || x >= y;
  case P::ULT: return unordered || x < y;
  case P::ULE: return unordered || x <= y;
  case P::UNE: return unordered || x != y;
  }
  llvm_unreachable("every cmpf predicate is handled");
}

/// An `arith.cmpi` predicate on integers of `width` bits.
bool compareInts(arith::CmpIPredicate p, double x, double y, unsigned width) {
  double ux = asUnsigned(x, width), uy = asUnsigned(y, width);
  using P = arith::CmpIPredicate;
  switch (p) {
  case P::eq: return x == y;
  case P::ne: return x != y;
  case P::slt: return x < y;
  case P::sle: return x <= y;
  case P::sgt: return x > y;
  case P::sge: return x >= y;
  case P::ult: return ux < uy;
  case P::ule: return ux <= uy;
  case P::ugt: return ux > uy;
  case P::uge: return ux >= uy;
  }
  llvm_unreachable("every cmpi predicate is handled");
}

/// Evaluates one scalar op of a linalg body or an elementwise tensor op, or
/// nothing for an op it does not know. Floats are computed in float64
/// (truncf and extf keep the value); integers as their exact values,
/// wrapped to their width.
std::optional<double> evalScalar(Operation *op, ArrayRef<double> a) {
  unsigned width = op->getNumResults() == 1 &&
                           getElementTypeOrSelf(op->getResult(0).getType())
                               .isIntOrIndex()
                       ? intWidth(op->getResult(0).getType())
                       : 64;
  auto wrap = [&](double v) { return wrapInt(v, width); };
  auto u = [&](unsigned i) { return asUnsigned(a[i], width); };
  auto nan = [] { return std::nan(""); };
  return llvm::TypeSwitch<Operation *, std::optional<double>>(op)
      .Case([&](arith::AddFOp) { return a[0] + a[1]; })
      .Case([&](arith::SubFOp) { return a[0] - a[1]; })
      .Case([&](arith::MulFOp) { return a[0] * a[1]; })
      .Case([&](arith::DivFOp) { return a[0] / a[1]; })
      .Case([&](arith::RemFOp) { return std::fmod(a[0], a[1]); })
      .Case([&](arith::NegFOp) { return -a[0]; })
      .Case([&](arith::MaximumFOp) {
        return std::isnan(a[0]) || std::isnan(a[1]) ? nan()
                                                    : std::max(a[0], a[1]);
      })
      .Case([&](arith::MinimumFOp) {
        return std::isnan(a[0]) || std::isnan(a[1]) ? nan()
                                                    : std::min(a[0], a[1]);
      })
      .Case([&](arith::MaxNumFOp) { return std::fmax(a[0], a[1]); })
      .Case([&](arith::MinNumFOp) { return std::fmin(a[0], a[1]); })
      .Case([&](arith::AddIOp) { return wrap(a[0] + a[1]); })
      .Case([&](arith::SubIOp) { return wrap(a[0] - a[1]); })
      .Case([&](arith::MulIOp) { return wrap(a[0] * a[1]); })
      .Case<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
            arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(
          [&](Operation *o) -> std::optional<double> {
            bool isUnsigned = isa<arith::DivUIOp, arith::RemUIOp,
                                  arith::CeilDivUIOp>(o);
            double x = isUnsigned ? u(0) : a[0], y = isUnsigned ? u(1) : a[1];
            if (y == 0)
              unsupported(o, "division by zero");
            double q = x / y;
            if (isa<arith::RemSIOp, arith::RemUIOp>(o))
              return wrap(std::fmod(x, y));
            if (isa<arith::CeilDivSIOp, arith::CeilDivUIOp>(o))
              return wrap(std::ceil(q));
            if (isa<arith::FloorDivSIOp>(o))
              return wrap(std::floor(q));
            return wrap(std::trunc(q));
          })
      .Case([&](arith::MaxSIOp) { return std::max(a[0], a[1]); })
      .Case([&](arith::MinSIOp) { return std::min(a[0], a[1]); })
      .Case([&](arith::MaxUIOp) { return u(0) >= u(1) ? a[0] : a[1]; })
      .Case([&](arith::MinUIOp) { return u(0) <= u(1) ? a[0] : a[1]; })
      .Case<arith::AndIOp, arith::OrIOp, arith::XOrIOp>(
          [&](Operation *o) -> std::optional<double> {
            auto x = static_cast<uint64_t>(static_cast<int64_t>(a[0]));
            auto y = static_cast<uint64_t>(static_cast<int64_t>(a[1]));
            uint64_t r = isa<arith::AndIOp>(o)  ? x & y
                         : isa<arith::OrIOp>(o) ? x | y
                                                : x ^ y;
            return wrap(static_cast<double>(static_cast<int64_t>(r)));
          })
      .Case<arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp, arith::IndexCastOp,
            arith::ExtSIOp>([&](Operation *) { return a[0]; })
      .Case<arith::TruncIOp>([&](Operation *) { return wrap(a[0]); })
      .Case([&](arith::ExtUIOp e) {
        return asUnsigned(a[0], intWidth(e.getIn().getType()));
      })
      .Case([&](arith::IndexCastUIOp e) {
        return wrap(asUnsigned(a[0], intWidth(e.getIn().getType())));
      })
      .Case([&](arith::UIToFPOp e) {
        return asUnsigned(a[0], intWidth(e.getIn().getType()));
      })
      .Case<arith::FPToSIOp, arith::FPToUIOp>([&](Operation *o) {
        if (!std::isfinite(a[0]))
          unsupported(o, "a NaN or infinity converted to an integer");
        return wrap(std::trunc(a[0]));
      })
      .Case([&](arith::SelectOp) { return a[0] != 0.0 ? a[1] : a[2]; })
      .Case([&](arith::CmpFOp c) {
        return double(compareFloats(c.getPredicate(), a[0], a[1]));
      })
      .Case([&](arith::CmpIOp c) {
        return double(compareInts(c.getPredicate(), a[0], a[1],
                                  intWidth(c.getLhs().getType())));
      })
      .Case([&](math::ExpOp) { return std::exp(a[0]); })
      .Case([&](math::Exp2Op) { return std::exp2(a[0]); })
      .Case([&](math::ExpM1Op) { return std::expm1(a[0]); })
      .Case([&](math::LogOp) { return std::log(a[0]); })
      .Case([&](math::Log2Op) { return std::log2(a[0]); })
      .Case([&](math::Log10Op) { return std::log10(a[0]); })
      .Case([&](math::Log1pOp) { return std::log1p(a[0]); })
      .Case([&](math::TanhOp) { return std::tanh(a[0]); })
      .Case([&](math::SinOp) { return std::sin(a[0]); })
      .Case([&](math::CosOp) { return std::cos(a[0]); })
      .Case([&](math::TanOp) { return std::tan(a[0]); })
      .Case([&](math::AtanOp) { return std::atan(a[0]); })
      .Case([&](math::Atan2Op) { return std::atan2(a[0], a[1]); })
      .Case([&](math::ErfOp) { return std::erf(a[0]); })
      .Case([&](math::SqrtOp) { return std::sqrt(a[0]); })
      .Case([&](math::CbrtOp) { return std::cbrt(a[0]); })
      .Case([&](math::RsqrtOp) { return 1.0 / std::sqrt(a[0]); })
      .Case([&](math::AbsFOp) { return std::fabs(a[0]); })
      .Case([&](math::AbsIOp) { return wrap(std::fabs(a[0])); })
      .Case([&](math::PowFOp) { return std::pow(a[0], a[1]); })
      .Case([&](math::FPowIOp) { return std::pow(a[0], a[1]); })
      .Case([&](math::CeilOp) { return std::ceil(a[0]); })
      .Case([&](math::FloorOp) { return std::floor(a[0]); })
      .Case([&](math::TruncOp) { return std::trunc(a[0]); })
      .Case([&](math::RoundOp) { return std::round(a[0]); })
      .Case([&](math::RoundEvenOp) { return std::nearbyint(a[0]); })
      .Case([&](math::CopySignOp) { return std::copysign(a[0], a[1]); })
      .Case([&](math::FmaOp) { return a[0] * a[1] + a[2]; })
      .Default([](Operation *) { return std::nullopt; });
}

/// The values of a `dense_resource` constant: its blob, little-endian
/// elements of the element type's width.
Tensor resourceValue(Operation *op, DenseResourceElementsAttr resource) {
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  auto type = resource.getType();
  Type element = type.getElementType();
  if (!blob || !element.isIntOrFloat() ||
      element.getIntOrFloatBitWidth() % 8 != 0)
    unsupported(op, "a dense_resource constant without data or of an element "
                    "type of no whole bytes");
  unsigned bytes = element.getIntOrFloatBitWidth() / 8;
  ArrayRef<char> data = blob->getData();
  Tensor t{std::vector<int64_t>(type.getShape()), {}};
  int64_t n = type.getNumElements();
  if (static_cast<int64_t>(data.size()) != n * bytes)
    unsupported(op, "a dense_resource blob of another size than its type");
  for (int64_t i = 0; i < n; ++i) {
    uint64_t bits = 0;
    for (unsigned b = 0; b < bytes; ++b)
      bits |= uint64_t(static_cast<unsigned char>(data[i * bytes + b]))
              << (8 * b);
    APInt value(bytes * 8, bits);
    if (auto ft = llvm::dyn_cast<FloatType>(element))
      t.data.push_back(APFloat(ft.getFloatSemantics(), value).convertToDouble());
    else
      t.data.push_back(static_cast<double>(value.getSExtValue()));
  }
  return t;
}

/// The values of a dense constant, or of a float/integer scalar constant.
Tensor constantValue(arith::ConstantOp op) {
  Attribute value = op.getValue();
  if (auto f = llvm::dyn_cast<FloatAttr>(value))
    return scalar(f.getValueAsDouble());
  if (auto i = llvm::dyn_cast<IntegerAttr>(value))
    return scalar(static_cast<double>(i.getValue().getSExtValue()));
  if (auto resource = llvm::dyn_cast<DenseResourceElementsAttr>(value))
    return resourceValue(op, resource);
  auto dense = llvm::dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    unsupported(op, "only dense, dense_resource and scalar constants");
  auto type = llvm::cast<ShapedType>(dense.getType());
  Tensor t{std::vector<int64_t>(type.getShape()), {}};
  if (llvm::isa<FloatType>(type.getElementType()))
    for (const APFloat &v : dense.getValues<APFloat>())
      t.data.push_back(v.convertToDouble());
  else
    for (const APInt &v : dense.getValues<APInt>())
      t.data.push_back(type.getElementType().isInteger(1)
                           ? static_cast<double>(v.getBoolValue())
                           : static_cast<double>(v.getSExtValue()));
  return t;
}

class Interpreter {
public:
  explicit Interpreter(ModuleOp module) : module(module) {}

  std::vector<Tensor> call(FunctionOpInterface func,
                           const std::vector<Tensor> &args) {
    Region &body = func.getFunctionBody();
    if (body.empty())
      unsupported(func, "the function has no body");
    return runBlock(body.front(), args);
  }

private:
  /// Runs a single-block region and returns the terminator's operands.
  std::vector<Tensor> runBlock(Block &block, const std::vector<Tensor> &args) {
    for (auto [arg, value] : llvm::zip_equal(block.getArguments(), args))
      values[arg] = value;
    for (Operation &op : block.without_terminator())
      run(&op);
    std::vector<Tensor> out;
    for (Value v : block.getTerminator()->getOperands())
      out.push_back(get(v));
    return out;
  }

  const Tensor &get(Value v) {
    auto it = values.find(v);
    if (it == values.end())
      unsupported(v.getParentBlock()->getParentOp(), "a value has no result");
    return it->second;
  }
  const Tensor *getOptional(Value v) { return v ? &get(v) : nullptr; }

  void set(Value v, Tensor t) {
    roundToType(t, v.getType());
    values[v] = std::move(t);
  }

  /// The value of a static or dynamic size.
  int64_t sizeOf(OpFoldResult size) {
    if (auto attr = llvm::dyn_cast<Attribute>(size))
      return llvm::cast<IntegerAttr>(attr).getInt();
    return static_cast<int64_t>(get(llvm::cast<Value>(size)).data[0]);
  }

  /// The values of static or dynamic offsets, sizes or strides.
  std::vector<int64_t> sizesOf(ArrayRef<OpFoldResult> mixed) {
    std::vector<int64_t> out;
    for (OpFoldResult v : mixed)
      out.push_back(sizeOf(v));
    return out;
  }

  /// Calls `f` on every index of `shape`, in row-major order.
  static void forEachIndex(ArrayRef<int64_t> shape,
                           llvm::function_ref<void(ArrayRef<int64_t>)> f) {
    for (int64_t d : shape)
      if (d == 0)
        return;
    std::vector<int64_t> index(shape.size(), 0);
    while (true) {
      f(index);
      int64_t d = static_cast<int64_t>(shape.size()) - 1;
      for (; d >= 0; --d) {
        if (++index[d] < shape[d])
          break;
        index[d] = 0;
      }
      if (d < 0)
        return;
    }
  }

  /// The position in `t` of `offsets + index * strides`.
  static int64_t at(const Tensor &t, ArrayRef<int64_t> index,
                    ArrayRef<int64_t> offsets, ArrayRef<int64_t> strides) {
    int64_t linear = 0;
    for (size_t d = 0; d < t.shape.size(); ++d) {
      int64_t i = offsets[d] + index[d] * strides[d];
      if (i < 0 || i >= t.shape[d])
        throw std::out_of_range("an index outside the tensor");
      linear = linear * t.shape[d] + i;
    }
    return linear;
  }

  void run(Operation *op) {
    llvm::TypeSwitch<Operation *>(op)
        .Case([&](arith::ConstantOp c) { set(c, constantValue(c)); })
        .Case([&](func::CallOp c) {
          auto callee = SymbolTable::lookupNearestSymbolFrom<FunctionOpInterface>(
              module, c.getCalleeAttr());
          if (!callee)
            unsupported(op, "unknown callee");
          std::vector<Tensor> args;
          for (Value v : c.getOperands())
            args.push_back(get(v));
          Interpreter nested(module);
          std::vector<Tensor> out = nested.call(callee, args);
          for (auto [r, t] : llvm::zip_equal(c.getResults(), out))
            set(r, t);
        })
        .Case([&](tensor::EmptyOp e) {
          std::vector<int64_t> shape(e.getType().getShape());
          unsigned next = 0;
          for (int64_t &d : shape)
            if (ShapedType::isDynamic(d))
              d = static_cast<int64_t>(get(e.getDynamicSizes()[next++]).data[0]);
          int64_t n = 1;
          for (int64_t d : shape)
            n *= d;
          set(e, Tensor{shape, std::vector<double>(n, 0.0)});
        })
        .Case([&](tensor::DimOp d) {
          const Tensor &t = get(d.getSource());
          int64_t index = static_cast<int64_t>(get(d.getIndex()).data[0]);
          set(d, scalar(static_cast<double>(t.shape.at(index))));
        })
        .Case([&](tensor::SplatOp s) {
          std::vector<int64_t> shape(s.getType().getShape());
          unsigned next = 0;
          for (int64_t &d : shape)
            if (ShapedType::isDynamic(d))
              d = static_cast<int64_t>(get(s.getDynamicSizes()[next++]).data[0]);
          int64_t n = 1;
          for (int64_t d : shape)
            n *= d;
          set(s, Tensor{shape, std::vector<double>(n, get(s.getInput()).data[0])});
        })
        .Case([&](tensor::CastOp c) { set(c, get(c.getSource())); })
        .Case([&](tensor::ReshapeOp r) {
          Tensor t = get(r.getSource());
          t.shape.clear();
          for (double d : get(r.getShape()).data)
            t.shape.push_back(static_cast<int64_t>(d));
          set(r, t);
        })
        .Case([&](tensor::ExpandShapeOp e) {
          Tensor t = get(e.getSrc());
          t.shape.clear();
          for (OpFoldResult size : e.getMixedOutputShape())
            t.shape.push_back(sizeOf(size));
          set(e, t);
        })
        .Case([&](tensor::CollapseShapeOp c) {
          Tensor t = get(c.getSrc());
          std::vector<int64_t> shape;
          for (const ReassociationIndices &group :
               c.getReassociationIndices()) {
            int64_t size = 1;
            for (int64_t d : group)
              size *= t.shape[d];
            shape.push_back(size);
          }
          t.shape = shape;
          set(c, t);
        })
        .Case([&](tensor::ExtractSliceOp e) {
          const Tensor &src = get(e.getSource());
          std::vector<int64_t> offsets = sizesOf(e.getMixedOffsets()),
                               sizes = sizesOf(e.getMixedSizes()),
                               strides = sizesOf(e.getMixedStrides());
          Tensor out{{}, {}};
          llvm::SmallBitVector dropped = e.getDroppedDims();
          for (auto [d, size] : llvm::enumerate(sizes))
            if (!dropped.test(d))
              out.shape.push_back(size);
          forEachIndex(sizes, [&](ArrayRef<int64_t> index) {
            out.data.push_back(src.data[at(src, index, offsets, strides)]);
          });
          set(e, out);
        })
        .Case([&](tensor::InsertSliceOp e) {
          const Tensor &src = get(e.getSource());
          Tensor out = get(e.getDest());
          std::vector<int64_t> offsets = sizesOf(e.getMixedOffsets()),
                               sizes = sizesOf(e.getMixedSizes()),
                               strides = sizesOf(e.getMixedStrides());
          int64_t next = 0;
          forEachIndex(sizes, [&](ArrayRef<int64_t> index) {
            out.data[at(out, index, offsets, strides)] = src.data[next++];
          });
          set(e, out);
        })
        .Case([&](tensor::PadOp p) {
          Value padding = p.getConstantPaddingValue();
          if (!padding)
            unsupported(op, "a padding value computed from the indices");
          const Tensor &src = get(p.getSource());
          std::vector<int64_t> low = sizesOf(p.getMixedLowPad()),
                               high = sizesOf(p.getMixedHighPad());
          Tensor out{src.shape, {}};
          for (auto [d, size] : llvm::enumerate(out.shape)) {
            if (low[d] < 0 || high[d] < 0)
              unsupported(op, "negative padding");
            size += low[d] + high[d];
          }
          out.data.assign(out.numElements(), get(padding).data[0]);
          std::vector<int64_t> ones(src.shape.size(), 1);
          int64_t next = 0;
          forEachIndex(src.shape, [&](ArrayRef<int64_t> index) {
            out.data[at(out, index, low, ones)] = src.data[next++];
          });
          set(p, out);
        })
        .Case([&](tensor::ConcatOp c) {
          int64_t dim = c.getDim();
          Tensor out{{}, {}};
          std::vector<int64_t> offsets;
          for (auto [k, input] : llvm::enumerate(c.getInputs())) {
            const Tensor &t = get(input);
            if (k == 0) {
              out.shape = t.shape;
              out.shape[dim] = 0;
            }
            offsets.push_back(out.shape[dim]);
            out.shape[dim] += t.shape[dim];
          }
          out.data.resize(out.numElements());
          for (auto [k, input] : llvm::enumerate(c.getInputs())) {
            const Tensor &t = get(input);
            std::vector<int64_t> start(t.shape.size(), 0), ones(start.size(), 1);
            start[dim] = offsets[k];
            int64_t next = 0;
            forEachIndex(t.shape, [&](ArrayRef<int64_t> index) {
              out.data[at(out, index, start, ones)] = t.data[next++];
            });
          }
          set(c, out);
        })
        .Case([&](tensor::ExtractOp e) {
          const Tensor &t = get(e.getTensor());
          std::vector<int64_t> index;
          for (Value i : e.getIndices())
            index.push_back(static_cast<int64_t>(get(i).data[0]));
          std::vector<int64_t> zeros(index.size(), 0), ones(index.size(), 1);
          set(e, scalar(t.data[at(t, index, zeros, ones)]));
        })
        .Case([&](tensor::InsertOp e) {
          Tensor t = get(e.getDest());
          std::vector<int64_t> index;
          for (Value i : e.getIndices())
            index.push_back(static_cast<int64_t>(get(i).data[0]));
          std::vector<int64_t> zeros(index.size(), 0), ones(index.size(), 1);
          t.data[at(t, index, zeros, ones)] = get(e.getScalar()).data[0];
          set(e, t);
        })
        .Case([&](tensor::FromElementsOp f) {
          Tensor t{std::vector<int64_t>(f.getType().getShape()), {}};
          for (Value v : f.getElements())
            t.data.push_back(get(v).data[0]);
          set(f, t);
        })
        .Case([&](linalg::SoftmaxOp s) { runSoftmax(s); })
        .Case([&](linalg::LinalgOp l) { runStructured(l); })
        .Case([&](NormalizationOpInterface n) { runNorm(n); })
        .Case([&](BatchStatsOp s) {
          ::norm::rt::BatchStats stats = ::norm::rt::batchStats(
              get(s.getInput()), getOptional(s.getMask()), s.getChannelAxis());
          set(s.getCount(), stats.count);
          set(s.getMean(), stats.mean);
          set(s.getM2(), stats.m2);
        })
        .Case([&](AllReduceStatsOp s) {
          // One process: the group holds only this member's statistics.
          set(s.getTotalCount(), get(s.getCount()));
          set(s.getTotalMean(), get(s.getMean()));
          set(s.getTotalM2(), get(s.getM2()));
        })
        .Case([&](ResidualOp r) { runResidual(r); })
        .Case([&](LayerNormGradOp g) {
          setGrads(g, ::norm::rt::layerNormGrad(
                          get(g.getGrad()), get(g.getInput()), get(g.getMean()),
                          get(g.getRstd()), getOptional(g.getScale()),
                          getOptional(g.getSumGrad()), g.getAxis()));
        })
        .Case([&](RMSNormGradOp g) {
          setGrads(g, ::norm::rt::rmsNormGrad(
                          get(g.getGrad()), get(g.getInput()), get(g.getRstd()),
                          getOptional(g.getScale()),
                          getOptional(g.getSumGrad()), g.getAxis(),
                          g.getScaleOffset().convertToDouble()));
        })
        .Case([&](BatchNormGradOp g) {
          setGrads(g, ::norm::rt::batchNormGrad(
                          get(g.getGrad()), get(g.getInput()), get(g.getMean()),
                          get(g.getRstd()), get(g.getScale()),
                          getOptional(g.getMask()),
                          g.getMode() == BatchNormMode::train,
                          g.getChannelAxis()));
        })
        .Case([&](GroupNormGradOp g) {
          setGrads(g, ::norm::rt::groupNormGrad(
                          get(g.getGrad()), get(g.getInput()),
                          getOptional(g.getScale()), g.getNumGroups(),
                          g.getEpsilon().convertToDouble(), g.getChannelAxis()));
        })
        .Case([&](WeightNormGradOp g) {
          ::norm::rt::RowNormGrad r = ::norm::rt::weightNormGrad(
              get(g.getGrad()), get(g.getV()), get(g.getG()), g.getDim());
          set(g.getVGrad(), std::move(r.input));
          set(g.getGGrad(), std::move(r.scale));
        })
        .Default([&](Operation *o) { runElementwise(o); });
  }

  /// Elementwise arith/math on tensors (same shapes) or on scalars.
  void runElementwise(Operation *op) {
    if (op->getNumResults() != 1)
      unsupported(op, "not an op the evaluator knows");
    std::vector<const Tensor *> operands;
    for (Value v : op->getOperands())
      operands.push_back(&get(v));
    Tensor out{operands.empty() ? std::vector<int64_t>{} : operands[0]->shape,
               {}};
    int64_t n = operands.empty() ? 1 : operands[0]->numElements();
    std::vector<double> args(operands.size());
    for (int64_t i = 0; i < n; ++i) {
      for (auto [k, t] : llvm::enumerate(operands))
        args[k] = t->data.size() == 1 ? t->data[0] : t->data[i];
      std::optional<double> v = evalScalar(op, args);
      if (!v)
        unsupported(op, "not an op the evaluator knows");
      out.data.push_back(*v);
    }
    set(op->getResult(0), out);
  }

  /// The value of an indexing expression at a point of the loop space
  /// (convolutions index their input with `oh + kh` and strides).
  static int64_t evalExpr(Operation *op, AffineExpr expr,
                          ArrayRef<int64_t> point) {
    if (auto d = llvm::dyn_cast<AffineDimExpr>(expr))
      return point[d.getPosition()];
    if (auto c = llvm::dyn_cast<AffineConstantExpr>(expr))
      return c.getValue();
    auto bin = llvm::dyn_cast<AffineBinaryOpExpr>(expr);
    if (!bin)
      unsupported(op, "indexing maps with symbols");
    int64_t l = evalExpr(op, bin.getLHS(), point);
    int64_t r = evalExpr(op, bin.getRHS(), point);
    switch (expr.getKind()) {
    case AffineExprKind::Add:
      return l + r;
    case AffineExprKind::Mul:
      return l * r;
    case AffineExprKind::Mod:
      return ((l % r) + r) % r;
    case AffineExprKind::FloorDiv:
      return l / r - ((l % r != 0) && ((l < 0) != (r < 0)));
    case AffineExprKind::CeilDiv:
      return l / r + ((l % r != 0) && ((l < 0) == (r < 0)));
    default:
      unsupported(op, "unknown affine expression");
    }
  }

  /// The loop bounds of `op` from its operands' shapes (-1: not given).
  std::vector<int64_t> loopBounds(linalg::LinalgOp op) {
    std::vector<int64_t> bounds(op.getNumLoops(), -1);
    for (auto [o, map] :
         llvm::zip_equal(op->getOpOperands(), op.getIndexingMapsArray())) {
      if (!llvm::isa<RankedTensorType>(o.get().getType()))
        continue;
      const Tensor &t = get(o.get());
      for (auto [i, expr] : llvm::enumerate(map.getResults()))
        if (auto d = llvm::dyn_cast<AffineDimExpr>(expr))
          bounds[d.getPosition()] = t.shape[i];
    }
    return bounds;
  }

  /// A contraction `out += a * b` (each perhaps extended first) whose maps
  /// are projected permutations: linalg.matmul and its kin, the generics
  /// front ends write for them. Evaluated with per-loop strides, the
  /// outermost parallel loop split over two threads, instead of one scalar
  /// interpretation per point (issue 17 timed 40 s for 128x1024x1024 that
  /// way). Returns
  /// false for every other op.
  bool runContraction(linalg::LinalgOp op) {
    if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
        !llvm::all_of(op->getOperandTypes(),
                      [](Type t) { return llvm::isa<RankedTensorType>(t); }) ||
        !llvm::all_of(op.getIndexingMapsArray(), [](AffineMap m) {
          return m.isProjectedPermutation();
        }))
      return false;
    Block *body = op.getBlock();
    auto stripExt = [](Value v) {
      if (auto ext = v.getDefiningOp<arith::ExtFOp>())
        return ext.getIn();
      return v;
    };
    auto add = llvm::dyn_cast_or_null<arith::AddFOp>(
        body->getTerminator()->getOperand(0).getDefiningOp());
    if (!add)
      return false;
    Value acc = body->getArgument(2);
    Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
    auto mul = product.getDefiningOp<arith::MulFOp>();
    if ((add.getLhs() != acc && add.getRhs() != acc) || !mul)
      return false;
    Value x = stripExt(mul.getLhs()), y = stripExt(mul.getRhs());
    if (!((x == body->getArgument(0) && y == body->getArgument(1)) ||
          (x == body->getArgument(1) && y == body->getArgument(0))))
      return false;
    size_t expected = 2 + (x != mul.getLhs()) + (y != mul.getRhs());
    if (body->getOperations().size() != expected + 1)
      return false;

    std::vector<int64_t> bounds = loopBounds(op);
    if (llvm::is_contained(bounds, -1))
      return false;
    int64_t loops = op.getNumLoops();
    const Tensor &a = get(op.getDpsInputOperand(0)->get());
    const Tensor &b = get(op.getDpsInputOperand(1)->get());
    Tensor out = get(op.getDpsInitOperand(0)->get());
    // Each operand's stride along each loop.
    std::vector<std::vector<int64_t>> strides;
    for (auto [t, map] : llvm::zip_equal(
             std::vector<const Tensor *>{&a, &b, &out},
             op.getIndexingMapsArray())) {
      std::vector<int64_t> tensorStrides = stridesOf(t->shape);
      std::vector<int64_t> perLoop(loops, 0);
      for (auto [i, expr] : llvm::enumerate(map.getResults()))
        perLoop[llvm::cast<AffineDimExpr>(expr).getPosition()] +=
            tensorStrides[i];
      strides.push_back(perLoop);
    }
    // Split the first loop over threads where each thread writes its own
    // outputs: a parallel loop the output map reads.
    int64_t first = loops ? bounds[0] : 1;
    bool split = loops && op.getIteratorTypesArray()[0] ==
                              utils::IteratorType::parallel &&
                 strides[2][0] != 0;
    auto work = [&](int64_t begin, int64_t end) {
      std::vector<int64_t> point(loops, 0);
      for (int64_t i = begin; i < end; ++i) {
        std::fill(point.begin(), point.end(), 0);
        if (loops)
          point[0] = i;
        int64_t offA = i * (loops ? strides[0][0] : 0);
        int64_t offB = i * (loops ? strides[1][0] : 0);
        int64_t offO = i * (loops ? strides[2][0] : 0);
        while (true) {
          out.data[offO] += a.data[offA] * b.data[offB];
          // The next point of loops 1.., last fastest.
          int64_t d = loops - 1;
          for (; d >= 1; --d) {
            offA += strides[0][d];
            offB += strides[1][d];
            offO += strides[2][d];
            if (++point[d] < bounds[d])
              break;
            offA -= strides[0][d] * bounds[d];
            offB -= strides[1][d] * bounds[d];
            offO -= strides[2][d] * bounds[d];
            point[d] = 0;
          }
          if (d < 1)
            break;
        }
      }
    };
    if (llvm::is_contained(bounds, 0)) {
      // Nothing to add.
    } else if (split && first > 1) {
      int64_t half = first / 2;
      std::thread other(work, half, first);
      work(0, half);
      other.join();
    } else {
      work(0, first);
    }
    set(op->getResult(0), out);
    return true;
  }

  /// A linalg structured op: iterate its loop space, read the operands
  /// through their indexing maps, run the body, write the outputs.
  void runStructured(linalg::LinalgOp op) {
    if (!op.hasPureTensorSemantics())
      unsupported(op, "only ops on tensors");
    if (runContraction(op))
      return;
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<OpOperand *> operands;
    for (OpOperand &o : op->getOpOperands())
      operands.push_back(&o);
    int64_t loops = op.getNumLoops();
    std::vector<int64_t> bounds = loopBounds(op);
    if (llvm::is_contained(bounds, -1))
      unsupported(op, "loop bounds not given by plain dims");

    int64_t numInputs = op.getNumDpsInputs();
    std::vector<Tensor> outs;
    for (Value init : op.getDpsInits())
      outs.push_back(get(init));
    Block *body = op.getBlock();
    std::vector<int64_t> point(loops, 0);
    int64_t total = 1;
    for (int64_t b : bounds)
      total *= b;
    llvm::DenseMap<Value, double> scalars;
    // Flat offset of each operand at `point`.
    auto offsetOf = [&](AffineMap map, const Tensor &t) {
      std::vector<int64_t> strides = stridesOf(t.shape);
      int64_t off = 0;
      for (auto [i, expr] : llvm::enumerate(map.getResults()))
        off += evalExpr(op, expr, point) * strides[i];
      return off;
    };
    for (int64_t iter = 0; iter < total; ++iter) {
      int64_t rest = iter;
      for (int64_t d = loops - 1; d >= 0; --d) {
        point[d] = rest % bounds[d];
        rest /= bounds[d];
      }
      scalars.clear();
      std::vector<int64_t> outOffsets;
      for (auto [k, o] : llvm::enumerate(operands)) {
        BlockArgument arg = body->getArgument(k);
        if (static_cast<int64_t>(k) < numInputs) {
          if (!llvm::isa<RankedTensorType>(o->get().getType())) {
            scalars[arg] = get(o->get()).data[0];
            continue;
          }
          const Tensor &t = get(o->get());
          scalars[arg] = t.data[offsetOf(maps[k], t)];
        } else {
          Tensor &t = outs[k - numInputs];
          int64_t off = offsetOf(maps[k], t);
          outOffsets.push_back(off);
          scalars[arg] = t.data[off];
        }
      }
      for (Operation &inner : body->without_terminator()) {
        if (auto index = llvm::dyn_cast<linalg::IndexOp>(inner)) {
          scalars[index] = static_cast<double>(point[index.getDim()]);
          continue;
        }
        if (auto c = llvm::dyn_cast<arith::ConstantOp>(inner)) {
          scalars[c] = constantValue(c).data[0];
          continue;
        }
        std::vector<double> args;
        for (Value v : inner.getOperands()) {
          auto it = scalars.find(v);
          args.push_back(it != scalars.end() ? it->second : get(v).data[0]);
        }
        std::optional<double> v = evalScalar(&inner, args);
        if (!v)
          unsupported(&inner, "not a scalar op the evaluator knows");
        scalars[inner.getResult(0)] = *v;
      }
      for (auto [k, v] : llvm::enumerate(body->getTerminator()->getOperands())) {
        auto it = scalars.find(v);
        outs[k].data[outOffsets[k]] =
            it != scalars.end() ? it->second : get(v).data[0];
      }
    }
    for (auto [r, t] : llvm::zip_equal(op->getResults(), outs))
      set(r, t);
  }

  void runSoftmax(linalg::SoftmaxOp op) {
    Tensor t = get(op.getInput());
    int64_t dim = op.getDimension();
    std::vector<int64_t> strides = stridesOf(t.shape);
    int64_t len = t.shape[dim], stride = strides[dim];
    for (int64_t base = 0; base < t.numElements(); ++base) {
      if ((base / stride) % len != 0)
        continue;
      double max = -INFINITY, sum = 0;
      for (int64_t i = 0; i < len; ++i)
        max = std::max(max, t.data[base + i * stride]);
      for (int64_t i = 0; i < len; ++i)
        sum += std::exp(t.data[base + i * stride] - max);
      for (int64_t i = 0; i < len; ++i)
        t.data[base + i * stride] =
            std::exp(t.data[base + i * stride] - max) / sum;
    }
    set(op.getResult()[0], t);
  }

  /// A normalizer region of norm.residual, as a function of its argument.
  std::function<Tensor(const Tensor &)> regionFn(Region &region) {
    return [this, &region](const Tensor &x) {
      return runBlock(region.front(), {x}).front();
    };
  }

  /// The results of a row gradient op: input_grad, then scale_grad and
  /// bias_grad where the op has them.
  template <typename GradOp>
  void setGrads(GradOp op, ::norm::rt::RowNormGrad grads) {
    set(op.getInputGrad(), std::move(grads.input));
    if (op.getScaleGrad())
      set(op.getScaleGrad(), std::move(grads.scale));
    if constexpr (!std::is_same_v<GradOp, RMSNormGradOp>)
      if (op.getBiasGrad())
        set(op.getBiasGrad(), std::move(grads.bias));
  }

  void runResidual(ResidualOp op) {
    std::function<Tensor(const Tensor &)> pre, out, post;
    if (!op.getPre().empty())
      pre = regionFn(op.getPre());
    if (!op.getOut().empty())
      out = regionFn(op.getOut());
    if (!op.getPost().empty())
      post = regionFn(op.getPost());
    Region &bodyRegion = op.getBody();
    std::function<std::vector<Tensor>(const Tensor &)> body =
        [this, &bodyRegion](const Tensor &h) {
          return runBlock(bodyRegion.front(), {h});
        };
    // A copy: evaluating the regions adds values to `values`, whose growth
    // would leave a reference into it dangling.
    Tensor input = get(op.getInput());
    set(op.getResult(),
        ::norm::rt::residual(input, pre ? &pre : nullptr, body,
                             out ? &out : nullptr, post ? &post : nullptr,
                             op.getResidualScale().convertToDouble()));
  }

  void runNorm(NormalizationOpInterface norm) {
    Operation *op = norm.getOperation();
    double eps = norm.getEpsilonValue().value_or(0.0);
    const Tensor *scale = getOptional(norm.getScale());
    const Tensor *bias = getOptional(norm.getBias());
    llvm::TypeSwitch<Operation *>(op)
        .Case([&](LayerNormOp o) {
          Tensor mean, rstd;
          set(o.getResult(), ::norm::rt::layerNorm(get(o.getInput()), scale,
                                                   bias, o.getAxis(), eps,
                                                   &mean, &rstd));
          if (o.getMean())
            set(o.getMean(), mean);
          if (o.getRstd())
            set(o.getRstd(), rstd);
        })
        .Case([&](RMSNormOp o) {
          Tensor rstd;
          set(o.getResult(),
              ::norm::rt::rmsNorm(get(o.getInput()), scale, o.getAxis(), eps,
                                  norm.getScaleOffsetValue(), &rstd));
          if (o.getRstd())
            set(o.getRstd(), rstd);
        })
        .Case([&](AddLayerNormOp o) {
          // The sum is rounded to the element type before it is normalized,
          // as the compiled code stores it.
          Tensor sum = ::norm::rt::addLayerNorm(get(o.getInput()),
                                                get(o.getResidual()), nullptr,
                                                nullptr, o.getAxis(), eps)
                           .second;
          set(o.getSum(), sum);
          set(o.getResult(), ::norm::rt::layerNorm(get(o.getSum()), scale, bias,
                                                   o.getAxis(), eps));
        })
        .Case([&](AddRMSNormOp o) {
          Tensor sum = ::norm::rt::addRmsNorm(get(o.getInput()),
                                              get(o.getResidual()), nullptr,
                                              o.getAxis(), eps, 0.0)
                           .second;
          set(o.getSum(), sum);
          set(o.getResult(),
              ::norm::rt::rmsNorm(get(o.getSum()), scale, o.getAxis(), eps,
                                  norm.getScaleOffsetValue()));
        })
        .Case([&](BatchNormOp o) {
          ::norm::rt::BatchNormResult r = ::norm::rt::batchNorm(
              get(o.getInput()), get(o.getScale()), get(o.getBias()),
              get(o.getRunningMean()), get(o.getRunningVar()),
              getOptional(o.getMask()), o.getMode() == BatchNormMode::train,
              eps, o.getMomentum().convertToDouble(), o.getChannelAxis());
          set(o.getResult(), r.result);
          set(o.getNewRunningMean(), r.newRunningMean);
          set(o.getNewRunningVar(), r.newRunningVar);
          if (o.getSavedMean())
            set(o.getSavedMean(), r.savedMean);
          if (o.getSavedRstd())
            set(o.getSavedRstd(), r.savedRstd);
        })
        .Case([&](GroupNormOp o) {
          set(o.getResult(),
              ::norm::rt::groupNorm(get(o.getInput()), scale, bias,
                                    o.getNumGroups(), eps, o.getChannelAxis()));
        })
        .Case([&](WeightNormOp o) {
          set(o.getW(),
              ::norm::rt::weightNorm(get(o.getV()), get(o.getG()), o.getDim()));
        })
        .Case([&](BatchNormApplyOp o) {
          set(o.getResult(), ::norm::rt::batchNormApply(
                                 get(o.getInput()), get(o.getMean()),
                                 get(o.getVariance()), scale, bias, eps,
                                 o.getChannelAxis()));
        })
        .Case([&](ProjectNormOp o) {
          set(o.getResult(),
              ::norm::rt::projectNorm(
                  o.getKind() == NormKind::rms, get(o.getInput()),
                  weightKN(get(o.getWeight()), o.getTransposeWeight()),
                  getOptional(o.getProjBias()), scale, bias, o.getHeadDim(),
                  eps, norm.getScaleOffsetValue()));
        })
        .Case([&](NormProjectOp o) {
          set(o.getResult(),
              ::norm::rt::normProject(
                  o.getKind() == NormKind::rms, get(o.getInput()),
                  weightKN(get(o.getWeight()), o.getTransposeWeight()), bias,
                  eps));
        })
        .Default([&](Operation *o) { unsupported(o, "unknown normalizer"); });
  }

  ModuleOp module;
  llvm::DenseMap<Value, Tensor> values;
};
} // namespace

bool mlir::norm::evaluateFunction(FunctionOpInterface func,
                                  const std::vector<Tensor> &args,
                                  std::vector<Tensor> &results,
                                  std::string &error) {
  auto module = func->getParentOfType<ModuleOp>();
  try {
    Interpreter interpreter(module);
    results = interpreter.call(func, args);
    for (auto [t, type] : llvm::zip_equal(results, func.getResultTypes()))
      roundToType(t, type);
    return true;
  } catch (const Unsupported &u) {
    error = u.message;
  } catch (const std::exception &e) {
    error = std::string("reference evaluation failed: ") + e.what();
  }
  return false;
}
