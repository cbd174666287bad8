//===- NormOps.cpp - Verifiers and interface methods of the norm ops ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The per-op verifiers (shapes, axes, groups, regions) and the interface
// methods that depend on an op's attributes. Every message names the operand
// or attribute and the bad value; each has a case in invalid.mlir.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Dialect/NormOps.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::norm;

#define GET_OP_CLASSES
#include "norm-mlir/Dialect/NormOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Verifier helpers
//===----------------------------------------------------------------------===//

LogicalResult mlir::norm::detail::verifyWellFormedAttributes(Operation *op) {
  for (NamedAttribute attr : op->getAttrDictionary()) {
    auto value = llvm::dyn_cast<FloatAttr>(attr.getValue());
    if (value && !value.getValue().isFinite())
      return op->emitOpError("attribute '")
             << attr.getName().getValue() << "' must be finite, got "
             << value.getValueAsDouble();
  }
  std::optional<RegisteredOperationName> info = op->getRegisteredInfo();
  if (!info)
    return success();
  ArrayRef<StringAttr> defined = info->getAttributeNames();
  for (NamedAttribute attr : op->getDiscardableAttrs()) {
    StringRef name = attr.getName().getValue();
    // A dialect's attribute (`norm.placement`, `llvm.*`) may sit on any op.
    if (name.contains('.'))
      continue;
    InFlightDiagnostic diag = op->emitOpError("has no attribute '")
                              << name << "'";
    StringRef closest;
    unsigned best = 3; // farther than this is not a spelling mistake
    for (StringAttr candidate : defined) {
      unsigned distance = name.edit_distance(candidate.getValue());
      if (distance <= best) {
        best = distance;
        closest = candidate.getValue();
      }
    }
    if (!closest.empty())
      diag << "; did you mean '" << closest << "'?";
    else if (!defined.empty()) {
      diag << "; it takes ";
      llvm::interleave(
          defined, diag, [&](StringAttr n) { diag << "'" << n.getValue() << "'"; },
          ", ");
    } else {
      diag << "; it takes none";
    }
    return diag;
  }
  return success();
}

/// Prints a shape as `[8, ?, 768]`.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << '?';
    else
      os << d;
  });
  os << ']';
  return text;
}

static RankedTensorType tensorType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// Checks `-rank <= axis < rank` and returns the axis made non-negative.
static FailureOr<int64_t> verifyAxis(Operation *op, StringRef name,
                                     int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    op->emitOpError("'") << name << "' must be in [" << -rank << ", " << rank
                         << "), got " << axis;
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

/// Checks that every dim of `dims` of operand `name` is static.
static LogicalResult verifyStaticDims(Operation *op, StringRef name,
                                      RankedTensorType type,
                                      ArrayRef<int64_t> dims, StringRef why) {
  for (int64_t d : dims)
    if (type.isDynamicDim(d))
      return op->emitOpError("dim ")
             << d << " of '" << name << "' must be static (" << why
             << "), got " << formatShape(type.getShape());
  return success();
}

/// Checks that `value`, when present, has the shape `shape`.
static LogicalResult verifyShape(Operation *op, StringRef name, Value value,
                                 ArrayRef<int64_t> shape, StringRef what) {
  if (!value)
    return success();
  ArrayRef<int64_t> actual = tensorType(value).getShape();
  if (actual != shape)
    return op->emitOpError("'")
           << name << "' must have shape " << formatShape(shape) << " (" << what
           << "), got " << formatShape(actual);
  return success();
}

/// Checks that result `value`, when present, is a statistic: a tensor of
/// `shape` with element type `computeType`.
static LogicalResult verifyStatistic(Operation *op, StringRef name, Value value,
                                     ArrayRef<int64_t> shape, Type computeType,
                                     StringRef what) {
  if (!value)
    return success();
  auto expected = RankedTensorType::get(shape, computeType);
  if (value.getType() != expected)
    return op->emitOpError("'")
           << name << "' must have type " << expected << " (" << what
           << "), got " << value.getType();
  return success();
}

/// Returns the dims in [from, rank).
static SmallVector<int64_t> trailingDims(int64_t from, int64_t rank) {
  return llvm::to_vector(llvm::seq<int64_t>(from, rank));
}

/// Returns every dim of [0, rank) but `skip`.
static SmallVector<int64_t> allDimsBut(int64_t skip, int64_t rank) {
  SmallVector<int64_t> dims;
  for (int64_t d = 0; d < rank; ++d)
    if (d != skip)
      dims.push_back(d);
  return dims;
}

/// The row normalizers (layer, rms and their fused add forms) normalize
/// dims [axis, rank): those must be static, scale and bias have their shape,
/// and the optional mean/rstd results have the shape of the outer dims.
static LogicalResult verifyRowNorm(Operation *op, Value input, int64_t axis,
                                   Value scale, Value bias, Value mean,
                                   Value rstd, Type computeType) {
  RankedTensorType type = tensorType(input);
  FailureOr<int64_t> from = verifyAxis(op, "axis", axis, type.getRank());
  if (failed(from))
    return failure();
  if (failed(verifyStaticDims(op, "input", type,
                              trailingDims(*from, type.getRank()),
                              "it is normalized")))
    return failure();
  ArrayRef<int64_t> normShape = type.getShape().drop_front(*from);
  ArrayRef<int64_t> outerShape = type.getShape().take_front(*from);
  if (failed(verifyShape(op, "scale", scale, normShape, "the normalized dims")) ||
      failed(verifyShape(op, "bias", bias, normShape, "the normalized dims")) ||
      failed(verifyStatistic(op, "mean", mean, outerShape, computeType,
                             "the outer dims in compute_type")) ||
      failed(verifyStatistic(op, "rstd", rstd, outerShape, computeType,
                             "the outer dims in compute_type")))
    return failure();
  return success();
}

/// Returns the normalized dims of a row normalizer.
static SmallVector<int64_t> rowNormDims(Value input, int64_t axis) {
  int64_t rank = tensorType(input).getRank();
  return trailingDims(axis < 0 ? axis + rank : axis, rank);
}

/// The channel normalizers (batch and group norm, the SyncBN pieces) need a
/// batch and a static channel dim; returns the channel count C.
static FailureOr<int64_t> verifyChannels(Operation *op, Value input,
                                         int64_t channelAxis) {
  RankedTensorType type = tensorType(input);
  if (type.getRank() < 2) {
    op->emitOpError("'input' must have rank >= 2 (batch and channel dims), "
                    "got rank ")
        << type.getRank();
    return failure();
  }
  FailureOr<int64_t> axis =
      verifyAxis(op, "channel_axis", channelAxis, type.getRank());
  if (failed(axis) || failed(verifyStaticDims(op, "input", type, {*axis},
                                              "it is the channel dim")))
    return failure();
  return type.getDimSize(*axis);
}

/// Checks that a mask has the input's shape without the channel dim.
static LogicalResult verifyMask(Operation *op, Value input, Value mask,
                                int64_t channelAxis) {
  RankedTensorType type = tensorType(input);
  int64_t axis = channelAxis < 0 ? channelAxis + type.getRank() : channelAxis;
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + axis);
  return verifyShape(op, "mask", mask, shape,
                     "the input shape without the channel dim");
}

/// Returns every dim but the (possibly negative) channel axis.
static SmallVector<int64_t> nonChannelDims(Value input, int64_t channelAxis) {
  int64_t rank = tensorType(input).getRank();
  return allDimsBut(channelAxis < 0 ? channelAxis + rank : channelAxis, rank);
}

/// Group and instance norm: a channel dim that is not the sample dim,
/// divided into `groups`; returns the channel count C.
static FailureOr<int64_t> verifyGroups(Operation *op, Value input,
                                       int64_t channelAxis, int64_t groups) {
  FailureOr<int64_t> c = verifyChannels(op, input, channelAxis);
  if (failed(c))
    return failure();
  int64_t rank = tensorType(input).getRank();
  if (channelAxis == 0 || channelAxis == -rank)
    return op->emitOpError("'channel_axis' must not be dim 0, the sample dim");
  if (groups <= 0)
    return op->emitOpError("'num_groups' must be > 0, got ") << groups;
  if (*c % groups != 0)
    return op->emitOpError("'num_groups' (")
           << groups << ") must divide the channel count " << *c;
  return c;
}

/// The epsilon (when the op has one) and compute type of a gradient that
/// recomputes its statistics, with the messages NormalizationOpInterface's
/// verifier gives the forward ops.
static LogicalResult verifyGradComputation(Operation *op,
                                           std::optional<double> epsilon,
                                           std::optional<Type> computeType,
                                           Type element) {
  if (epsilon && (!std::isfinite(*epsilon) || *epsilon <= 0.0))
    return op->emitOpError("'epsilon' must be finite and > 0, got ")
           << *epsilon;
  Type ct = computeType.value_or(Float32Type::get(op->getContext()));
  if (!ct.isF32() && !ct.isF64())
    return op->emitOpError("'compute_type' must be f32 or f64, got ") << ct;
  if (ct.getIntOrFloatBitWidth() < element.getIntOrFloatBitWidth())
    return op->emitOpError("'compute_type' ")
           << ct << " is narrower than the element type " << element;
  return success();
}

/// The projection ops: input [..., K] x weight [K, N] -> result [..., N],
/// with K and N static. Returns N.
static FailureOr<int64_t> verifyProjection(Operation *op, Value input,
                                           Value weight, Value result,
                                           bool transposed) {
  RankedTensorType inType = tensorType(input), wType = tensorType(weight);
  const char *layout = transposed ? "[N, K]" : "[K, N]";
  if (inType.getRank() < 1 || wType.getRank() != 2) {
    op->emitOpError("'weight' must be a 2-D tensor ")
        << layout << " and 'input' at least 1-D, got "
        << formatShape(inType.getShape()) << " x "
        << formatShape(wType.getShape());
    return failure();
  }
  int64_t k = inType.getShape().back();
  if (failed(verifyStaticDims(op, "input", inType, {inType.getRank() - 1},
                              "it is normalized")) ||
      failed(verifyStaticDims(op, "weight", wType, {0, 1},
                              "it is a projection weight")))
    return failure();
  unsigned kDim = transposed ? 1 : 0;
  if (wType.getDimSize(kDim) != k) {
    op->emitOpError("'weight' ")
        << layout << " must have " << k << (transposed ? " columns" : " rows")
        << " (the last dim of 'input'), got " << formatShape(wType.getShape());
    return failure();
  }
  int64_t n = wType.getDimSize(1 - kDim);
  SmallVector<int64_t> shape(inType.getShape());
  shape.back() = n;
  auto expected = RankedTensorType::get(shape, inType.getElementType());
  if (result.getType() != expected) {
    op->emitOpError("'result' must have type ")
        << expected << " (the outer dims of 'input' by the columns of "
        << "'weight'), got " << result.getType();
    return failure();
  }
  return n;
}

//===----------------------------------------------------------------------===//
// Row normalizers
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::verify() {
  return verifyRowNorm(*this, getInput(), getAxis(), getScale(), getBias(),
                       getMean(), getRstd(), getStatisticsType());
}
SmallVector<int64_t> LayerNormOp::getNormalizedDims() {
  return rowNormDims(getInput(), getAxis());
}

LogicalResult RMSNormOp::verify() {
  return verifyRowNorm(*this, getInput(), getAxis(), getScale(), Value(),
                       Value(), getRstd(), getStatisticsType());
}
SmallVector<int64_t> RMSNormOp::getNormalizedDims() {
  return rowNormDims(getInput(), getAxis());
}
bool RMSNormOp::isCentered() { return false; }

LogicalResult AddLayerNormOp::verify() {
  return verifyRowNorm(*this, getInput(), getAxis(), getScale(), getBias(),
                       Value(), Value(), getStatisticsType());
}
SmallVector<int64_t> AddLayerNormOp::getNormalizedDims() {
  return rowNormDims(getInput(), getAxis());
}

LogicalResult AddRMSNormOp::verify() {
  return verifyRowNorm(*this, getInput(), getAxis(), getScale(), Value(),
                       Value(), Value(), getStatisticsType());
}
SmallVector<int64_t> AddRMSNormOp::getNormalizedDims() {
  return rowNormDims(getInput(), getAxis());
}
bool AddRMSNormOp::isCentered() { return false; }

//===----------------------------------------------------------------------===//
// Channel normalizers
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  FailureOr<int64_t> c = verifyChannels(*this, getInput(), getChannelAxis());
  if (failed(c))
    return failure();
  SmallVector<int64_t> perChannel = {*c};
  double momentum = getMomentum().convertToDouble();
  if (!(momentum >= 0.0 && momentum <= 1.0))
    return emitOpError("'momentum' must be in [0, 1], got ") << momentum;
  if (std::optional<StringRef> group = getSyncGroup(); group && group->empty())
    return emitOpError("'sync_group' must not be empty");
  if (failed(verifyShape(*this, "scale", getScale(), perChannel,
                         "one per channel")) ||
      failed(verifyShape(*this, "running_mean", getRunningMean(), perChannel,
                         "one per channel")) ||
      failed(verifyMask(*this, getInput(), getMask(), getChannelAxis())) ||
      failed(verifyStatistic(*this, "saved_mean", getSavedMean(), perChannel,
                             getStatisticsType(), "one per channel in compute_type")) ||
      failed(verifyStatistic(*this, "saved_rstd", getSavedRstd(), perChannel,
                             getStatisticsType(), "one per channel in compute_type")))
    return failure();
  return success();
}
SmallVector<int64_t> BatchNormOp::getNormalizedDims() {
  return nonChannelDims(getInput(), getChannelAxis());
}

LogicalResult GroupNormOp::verify() {
  FailureOr<int64_t> c =
      verifyGroups(*this, getInput(), getChannelAxis(), getNumGroups());
  if (failed(c))
    return failure();
  SmallVector<int64_t> perChannel = {*c};
  if (failed(verifyShape(*this, "scale", getScale(), perChannel,
                         "one per channel")) ||
      failed(verifyShape(*this, "bias", getBias(), perChannel,
                         "one per channel")))
    return failure();
  return success();
}
SmallVector<int64_t> GroupNormOp::getNormalizedDims() {
  return allDimsBut(0, getInput().getType().getRank());
}

LogicalResult WeightNormOp::verify() {
  RankedTensorType type = getV().getType();
  SmallVector<int64_t> gShape;
  if (std::optional<int64_t> dim = getDim()) {
    FailureOr<int64_t> d = verifyAxis(*this, "dim", *dim, type.getRank());
    if (failed(d) || failed(verifyStaticDims(*this, "v", type, {*d},
                                             "'g' has one value per slice")))
      return failure();
    gShape.push_back(type.getDimSize(*d));
  }
  return verifyShape(*this, "g", getG(), gShape,
                     getDim() ? "one per slice along 'dim'"
                              : "a scalar without 'dim'");
}
SmallVector<int64_t> WeightNormOp::getNormalizedDims() {
  int64_t rank = getV().getType().getRank();
  if (std::optional<int64_t> dim = getDim())
    return allDimsBut(*dim < 0 ? *dim + rank : *dim, rank);
  return trailingDims(0, rank);
}
Value WeightNormOp::getNormalizedInput() { return getV(); }
bool WeightNormOp::isCentered() { return false; }
Value WeightNormOp::getScale() { return getG(); }

//===----------------------------------------------------------------------===//
// Projection fusions
//===----------------------------------------------------------------------===//

LogicalResult ProjectNormOp::verify() {
  FailureOr<int64_t> n =
      verifyProjection(*this, getInput(), getWeight(), getResult(),
                       getTransposeWeight());
  if (failed(n))
    return failure();
  int64_t headDim = getHeadDim();
  if (headDim <= 0)
    return emitOpError("'head_dim' must be > 0, got ") << headDim;
  if (*n % headDim != 0)
    return emitOpError("'head_dim' (")
           << headDim << ") must divide the projection width " << *n;
  if (failed(verifyShape(*this, "proj_bias", getProjBias(), {*n},
                         "one per projection column")) ||
      failed(verifyShape(*this, "scale", getScale(), {headDim},
                         "shared by every head")) ||
      failed(verifyShape(*this, "bias", getBias(), {headDim},
                         "shared by every head")))
    return failure();
  return success();
}
SmallVector<int64_t> ProjectNormOp::getNormalizedDims() {
  return {getResult().getType().getRank() - 1};
}
int64_t ProjectNormOp::getNumGroups() {
  return getResult().getType().getShape().back() / getHeadDim();
}
bool ProjectNormOp::isCentered() { return getKind() == NormKind::layer; }

LogicalResult NormProjectOp::verify() {
  FailureOr<int64_t> n =
      verifyProjection(*this, getInput(), getWeight(), getResult(),
                       getTransposeWeight());
  if (failed(n))
    return failure();
  return verifyShape(*this, "bias", getBias(), {*n}, "one per output column");
}
SmallVector<int64_t> NormProjectOp::getNormalizedDims() {
  return {getInput().getType().getRank() - 1};
}
bool NormProjectOp::isCentered() { return getKind() == NormKind::layer; }

//===----------------------------------------------------------------------===//
// Synchronized batch normalization
//===----------------------------------------------------------------------===//

LogicalResult BatchStatsOp::verify() {
  FailureOr<int64_t> c = verifyChannels(*this, getInput(), getChannelAxis());
  if (failed(c))
    return failure();
  Type computeType =
      getComputeType().value_or(Float32Type::get(getContext()));
  if (!computeType.isF32() && !computeType.isF64())
    return emitOpError("'compute_type' must be f32 or f64, got ")
           << computeType;
  if (failed(verifyMask(*this, getInput(), getMask(), getChannelAxis())))
    return failure();
  return verifyStatistic(*this, "mean", getMean(), {*c}, computeType,
                         "one per channel in compute_type");
}

LogicalResult AllReduceStatsOp::verify() {
  if (getSyncGroup().empty())
    return emitOpError("'sync_group' must not be empty");
  if (getCount().getType().getRank() != 1)
    return emitOpError("statistics must be 1-D (one per channel), got ")
           << getCount().getType();
  return success();
}

LogicalResult BatchNormApplyOp::verify() {
  FailureOr<int64_t> c = verifyChannels(*this, getInput(), getChannelAxis());
  if (failed(c))
    return failure();
  SmallVector<int64_t> perChannel = {*c};
  if (failed(verifyShape(*this, "mean", getMean(), perChannel,
                         "one per channel")) ||
      failed(verifyShape(*this, "scale", getScale(), perChannel,
                         "one per channel")) ||
      failed(verifyShape(*this, "bias", getBias(), perChannel,
                         "one per channel")))
    return failure();
  return success();
}
SmallVector<int64_t> BatchNormApplyOp::getNormalizedDims() {
  return nonChannelDims(getInput(), getChannelAxis());
}

//===----------------------------------------------------------------------===//
// Gradients
//===----------------------------------------------------------------------===//

/// The row gradients: the normalized dims [axis, rank) static; `stats` (mean
/// and rstd) of the outer dims in f32 or f64, at least as wide as x's
/// elements; the scale of the normalized dims; sum_grad of x's type;
/// scale_grad only with a scale and of its type; bias_grad of the normalized
/// dims in x's element type.
static LogicalResult verifyRowNormGrad(Operation *op, Value input,
                                       int64_t axis,
                                       ArrayRef<std::pair<StringRef, Value>> stats,
                                       Value scale, Value sumGrad,
                                       Value scaleGrad, Value biasGrad) {
  RankedTensorType type = tensorType(input);
  FailureOr<int64_t> from = verifyAxis(op, "axis", axis, type.getRank());
  if (failed(from) ||
      failed(verifyStaticDims(op, "input", type,
                              trailingDims(*from, type.getRank()),
                              "it is normalized")))
    return failure();
  ArrayRef<int64_t> normShape = type.getShape().drop_front(*from);
  ArrayRef<int64_t> outerShape = type.getShape().take_front(*from);
  Type ct = tensorType(stats.front().second).getElementType();
  Type element = type.getElementType();
  if (!ct.isF32() && !ct.isF64())
    return op->emitOpError("statistics must be f32 or f64, got ") << ct;
  if (ct.getIntOrFloatBitWidth() < element.getIntOrFloatBitWidth())
    return op->emitOpError("statistics (")
           << ct << ") must be at least as wide as the input (" << element
           << ")";
  for (auto [name, stat] : stats)
    if (failed(verifyStatistic(op, name, stat, outerShape, ct,
                               "the outer dims")))
      return failure();
  if (failed(verifyShape(op, "scale", scale, normShape, "the normalized dims")))
    return failure();
  if (sumGrad && sumGrad.getType() != type)
    return op->emitOpError("'sum_grad' must have the input's type ")
           << type << ", got " << sumGrad.getType();
  if (scaleGrad && !scale)
    return op->emitOpError("'scale_grad' needs a 'scale'");
  if (scaleGrad && scaleGrad.getType() != scale.getType())
    return op->emitOpError("'scale_grad' must have the type of 'scale' ")
           << scale.getType() << ", got " << scaleGrad.getType();
  return verifyStatistic(op, "bias_grad", biasGrad, normShape, element,
                         "the normalized dims in the input's element type");
}

LogicalResult LayerNormGradOp::verify() {
  return verifyRowNormGrad(*this, getInput(), getAxis(),
                           {{"mean", getMean()}, {"rstd", getRstd()}},
                           getScale(), getSumGrad(), getScaleGrad(),
                           getBiasGrad());
}

LogicalResult RMSNormGradOp::verify() {
  return verifyRowNormGrad(*this, getInput(), getAxis(), {{"rstd", getRstd()}},
                           getScale(), getSumGrad(), getScaleGrad(), Value());
}

LogicalResult BatchNormGradOp::verify() {
  FailureOr<int64_t> c = verifyChannels(*this, getInput(), getChannelAxis());
  if (failed(c))
    return failure();
  SmallVector<int64_t> perChannel = {*c};
  Type ct = getMean().getType().getElementType();
  Type element = getInput().getType().getElementType();
  if (!ct.isF32() && !ct.isF64())
    return emitOpError("statistics must be f32 or f64, got ") << ct;
  if (ct.getIntOrFloatBitWidth() < element.getIntOrFloatBitWidth())
    return emitOpError("statistics (")
           << ct << ") must be at least as wide as the input (" << element
           << ")";
  if (failed(verifyStatistic(*this, "mean", getMean(), perChannel, ct,
                             "one per channel")) ||
      failed(verifyShape(*this, "scale", getScale(), perChannel,
                         "one per channel")) ||
      failed(verifyMask(*this, getInput(), getMask(), getChannelAxis())))
    return failure();
  for (auto [name, result] : {std::pair<StringRef, Value>{"scale_grad", getScaleGrad()},
                              {"bias_grad", getBiasGrad()}})
    if (result && result.getType() != getScale().getType())
      return emitOpError("'")
             << name << "' must have the type of 'scale' "
             << getScale().getType() << ", got " << result.getType();
  return success();
}

LogicalResult GroupNormGradOp::verify() {
  FailureOr<int64_t> c =
      verifyGroups(*this, getInput(), getChannelAxis(), getNumGroups());
  Type element = getInput().getType().getElementType();
  if (failed(c) ||
      failed(verifyGradComputation(*this, getEpsilon().convertToDouble(),
                                   getComputeType(), element)))
    return failure();
  SmallVector<int64_t> perChannel = {*c};
  if (failed(verifyShape(*this, "scale", getScale(), perChannel,
                         "one per channel")))
    return failure();
  if (getScaleGrad() && !getScale())
    return emitOpError("'scale_grad' needs a 'scale'");
  if (getScaleGrad() && getScaleGrad().getType() != getScale().getType())
    return emitOpError("'scale_grad' must have the type of 'scale' ")
           << getScale().getType() << ", got " << getScaleGrad().getType();
  return verifyStatistic(*this, "bias_grad", getBiasGrad(), perChannel, element,
                         "one per channel in the input's element type");
}

LogicalResult WeightNormGradOp::verify() {
  RankedTensorType type = getV().getType();
  SmallVector<int64_t> gShape;
  if (std::optional<int64_t> dim = getDim()) {
    FailureOr<int64_t> d = verifyAxis(*this, "dim", *dim, type.getRank());
    if (failed(d) || failed(verifyStaticDims(*this, "v", type, {*d},
                                             "'g' has one value per slice")))
      return failure();
    gShape.push_back(type.getDimSize(*d));
  }
  if (failed(verifyGradComputation(*this, std::nullopt, getComputeType(),
                                   type.getElementType())))
    return failure();
  return verifyShape(*this, "g", getG(), gShape,
                     getDim() ? "one per slice along 'dim'"
                              : "a scalar without 'dim'");
}

//===----------------------------------------------------------------------===//
// ResidualOp
//===----------------------------------------------------------------------===//

/// Moves the single block of `region` before `op`, binding its argument to
/// `arg`, and returns the values it yielded.
static SmallVector<Value> inlineRegion(RewriterBase &rewriter, Region &region,
                                       Value arg, Operation *op) {
  Block &block = region.front();
  auto yield = llvm::cast<YieldOp>(block.getTerminator());
  // A region that yields its argument (an identity body) yields `arg`: the
  // block argument itself is gone once the block is inlined.
  SmallVector<Value> values = llvm::map_to_vector(
      yield.getValues(), [&](Value v) -> Value {
        return v == block.getArgument(0) ? arg : v;
      });
  rewriter.eraseOp(yield);
  rewriter.inlineBlockBefore(&block, op, arg);
  return values;
}

Value ResidualOp::expand(RewriterBase &rewriter) {
  Location loc = getLoc();
  rewriter.setInsertionPoint(*this);
  Value x = getInput();
  Value h = getPre().empty() ? x : inlineRegion(rewriter, getPre(), x, *this)[0];
  SmallVector<Value> branches = inlineRegion(rewriter, getBody(), h, *this);
  Value f = branches.front();
  for (Value branch : llvm::drop_begin(branches))
    f = arith::AddFOp::create(rewriter, loc, f, branch);
  if (!getOut().empty())
    f = inlineRegion(rewriter, getOut(), f, *this)[0];

  Value skip = x;
  double alpha = getResidualScale().convertToDouble();
  if (alpha != 1.0) {
    Type elementType = getInput().getType().getElementType();
    Value scalar = arith::ConstantOp::create(
        rewriter, loc, rewriter.getFloatAttr(elementType, alpha));
    Value splat = tensor::SplatOp::create(
        rewriter, loc, scalar, tensor::getMixedSizes(rewriter, loc, x));
    skip = arith::MulFOp::create(rewriter, loc, x, splat);
  }
  Value y = arith::AddFOp::create(rewriter, loc, skip, f);
  if (!getPost().empty())
    y = inlineRegion(rewriter, getPost(), y, *this)[0];
  rewriter.replaceOp(*this, y);
  return y;
}

NormalizationOpInterface ResidualOp::getRegionNormalizer(Region &region) {
  if (region.empty())
    return nullptr;
  return llvm::dyn_cast<NormalizationOpInterface>(region.front().front());
}

/// A placement region is empty, or one block with one argument of the
/// block's value type holding exactly `normalizer(arg); norm.yield result`.
static LogicalResult verifyPlacementRegion(ResidualOp op, Region &region,
                                           StringRef name) {
  if (region.empty())
    return success();
  Type type = op.getInput().getType();
  Block &block = region.front();
  if (block.getNumArguments() != 1 || block.getArgument(0).getType() != type)
    return op.emitOpError("'")
           << name << "' region must take one argument of type " << type;
  if (block.getOperations().size() != 2)
    return op.emitOpError("'")
           << name << "' region must hold exactly one normalizer and a "
           << "norm.yield, got " << block.getOperations().size() << " ops";
  auto norm = llvm::dyn_cast<NormalizationOpInterface>(block.front());
  if (!norm)
    return op.emitOpError("'") << name << "' region holds '"
                               << block.front().getName()
                               << "', which is not a normalizer";
  if (norm.getNormalizedInput() != block.getArgument(0))
    return op.emitOpError("'")
           << name << "' region's normalizer must normalize the region "
           << "argument";
  Operation *yield = block.getTerminator();
  if (yield->getNumOperands() != 1 ||
      yield->getOperand(0) != norm->getResult(0))
    return op.emitOpError("'")
           << name << "' region must yield exactly the normalizer's result";
  return success();
}

LogicalResult ResidualOp::verifyRegions() {
  double scale = getResidualScale().convertToDouble();
  if (!std::isfinite(scale) || scale <= 0.0)
    return emitOpError("'residual_scale' must be finite and > 0, got ")
           << scale;
  Type type = getInput().getType();
  Block &body = getBody().front();
  if (body.getNumArguments() != 1 || body.getArgument(0).getType() != type)
    return emitOpError("'body' region must take one argument of type ")
           << type;
  auto yield = llvm::dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("'body' region must end in norm.yield");
  if (yield.getValues().empty())
    return emitOpError("'body' region must yield at least one value");
  for (auto [i, value] : llvm::enumerate(yield.getValues()))
    if (value.getType() != type)
      return emitOpError("'body' region yields ")
             << value.getType() << " as value #" << i << ", expected " << type;
  if (failed(verifyPlacementRegion(*this, getPre(), "pre")) ||
      failed(verifyPlacementRegion(*this, getOut(), "out")) ||
      failed(verifyPlacementRegion(*this, getPost(), "post")))
    return failure();
  return success();
}
