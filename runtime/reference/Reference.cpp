//===- Reference.cpp - float64 reference implementations ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Each op is written straight from its formula with double accumulation and
// two-pass statistics; clarity wins over speed everywhere in this file.
//
//===----------------------------------------------------------------------===//

#include "runtime/reference/Reference.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace norm::rt {

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

//===----------------------------------------------------------------------===//
// Argument checking
//===----------------------------------------------------------------------===//

/// "[2, 3]" for the shape {2, 3}.
static std::string shapeStr(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// Throws std::invalid_argument with "`op`: `what`".
[[noreturn]] static void fail(const char *op, const std::string &what) {
  throw std::invalid_argument(std::string(op) + ": " + what);
}

/// Checks that `t` has no negative dim and as many values as its shape needs.
static void checkTensor(const char *op, const char *name, const Tensor &t) {
  for (int64_t d : t.shape)
    if (d < 0)
      fail(op,
           std::string(name) + " has a negative dim in " + shapeStr(t.shape));
  if (int64_t(t.data.size()) != t.numElements())
    fail(op, std::string(name) + " has " + std::to_string(t.data.size()) +
                 " values but its shape " + shapeStr(t.shape) + " needs " +
                 std::to_string(t.numElements()));
}

/// Checks `t` (if present) and that its shape is `expected`.
static void checkShape(const char *op, const char *name, const Tensor *t,
                       const std::vector<int64_t> &expected) {
  if (!t)
    return;
  checkTensor(op, name, *t);
  if (t->shape != expected)
    fail(op, std::string(name) + " has shape " + shapeStr(t->shape) +
                 ", expected " + shapeStr(expected));
}

/// `axis` in [-rank, rank) made non-negative.
static int64_t normalizeAxis(const char *op, const char *name, int64_t axis,
                             size_t rank) {
  int64_t r = int64_t(rank);
  if (axis < -r || axis >= r)
    fail(op, std::string(name) + " " + std::to_string(axis) +
                 " is out of range [" + std::to_string(-r) + ", " +
                 std::to_string(r) + ")");
  return axis < 0 ? axis + r : axis;
}

/// The product of shape[begin, end).
static int64_t product(const std::vector<int64_t> &shape, size_t begin,
                       size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end; ++i)
    n *= shape[i];
  return n;
}

/// A tensor of `shape` filled with `value`.
static Tensor filled(std::vector<int64_t> shape, double value) {
  Tensor t;
  t.shape = std::move(shape);
  t.data.assign(size_t(t.numElements()), value);
  return t;
}

/// x's shape split around a channel dim: index = (o * C + c) * inner + k.
struct ChannelSplit {
  /// The product of the dims before the channel dim.
  int64_t outer;
  /// The number of channels.
  int64_t channels;
  /// The product of the dims after the channel dim.
  int64_t inner;
  /// x's shape without the channel dim (the mask shape).
  std::vector<int64_t> maskShape;
};

/// Normalizes `channelAxis` for `x` and splits its shape around it.
static ChannelSplit splitChannels(const char *op, const Tensor &x,
                                  int64_t channelAxis) {
  size_t ca =
      size_t(normalizeAxis(op, "channel_axis", channelAxis, x.shape.size()));
  ChannelSplit s;
  s.outer = product(x.shape, 0, ca);
  s.channels = x.shape[ca];
  s.inner = product(x.shape, ca + 1, x.shape.size());
  s.maskShape = x.shape;
  s.maskShape.erase(s.maskShape.begin() + ca);
  return s;
}

//===----------------------------------------------------------------------===//
// Row normalizers
//===----------------------------------------------------------------------===//

/// Layer norm (`centered`) or RMS norm of `x` over dims [axis, rank):
/// y = (x - mean) * rstd * (scaleOffset + scale) + bias, where mean is 0 for
/// RMS norm; without `scale` nothing is multiplied.
static Tensor rowNorm(const char *op, bool centered, const Tensor &x,
                      const Tensor *scale, const Tensor *bias, int64_t axis,
                      double eps, double scaleOffset, Tensor *meanOut,
                      Tensor *rstdOut) {
  checkTensor(op, "input", x);
  size_t a = size_t(normalizeAxis(op, "axis", axis, x.shape.size()));
  std::vector<int64_t> outerShape(x.shape.begin(), x.shape.begin() + a);
  std::vector<int64_t> normShape(x.shape.begin() + a, x.shape.end());
  checkShape(op, "scale", scale, normShape);
  checkShape(op, "bias", bias, normShape);
  int64_t rows = product(outerShape, 0, outerShape.size());
  int64_t n = product(normShape, 0, normShape.size());

  Tensor y = filled(x.shape, 0);
  Tensor means = filled(outerShape, 0);
  Tensor rstds = filled(outerShape, 0);
  for (int64_t r = 0; r < rows; ++r) {
    const double *row = x.data.data() + r * n;
    double mean = 0;
    if (centered) {
      double sum = 0;
      for (int64_t i = 0; i < n; ++i)
        sum += row[i];
      mean = sum / double(n);
    }
    double sq = 0;
    for (int64_t i = 0; i < n; ++i)
      sq += (row[i] - mean) * (row[i] - mean);
    double rstd = 1.0 / std::sqrt(sq / double(n) + eps);
    for (int64_t i = 0; i < n; ++i) {
      double v = (row[i] - mean) * rstd;
      if (scale)
        v *= scaleOffset + scale->data[i];
      if (bias)
        v += bias->data[i];
      y.data[r * n + i] = v;
    }
    means.data[r] = mean;
    rstds.data[r] = rstd;
  }
  if (meanOut)
    *meanOut = std::move(means);
  if (rstdOut)
    *rstdOut = std::move(rstds);
  return y;
}

Tensor layerNorm(const Tensor &x, const Tensor *scale, const Tensor *bias,
                 int64_t axis, double eps, Tensor *mean, Tensor *rstd) {
  return rowNorm("layer_norm", /*centered=*/true, x, scale, bias, axis, eps,
                 /*scaleOffset=*/0.0, mean, rstd);
}

Tensor rmsNorm(const Tensor &x, const Tensor *scale, int64_t axis, double eps,
               double scaleOffset, Tensor *rstd) {
  return rowNorm("rms_norm", /*centered=*/false, x, scale, /*bias=*/nullptr,
                 axis, eps, scaleOffset, /*meanOut=*/nullptr, rstd);
}

/// Checks that `x` and `residual` match and returns their sum.
static Tensor addTensors(const char *op, const Tensor &x,
                         const Tensor &residual) {
  checkTensor(op, "input", x);
  checkShape(op, "residual", &residual, x.shape);
  Tensor sum = x;
  for (size_t i = 0; i < sum.data.size(); ++i)
    sum.data[i] += residual.data[i];
  return sum;
}

std::pair<Tensor, Tensor> addLayerNorm(const Tensor &x, const Tensor &residual,
                                       const Tensor *scale, const Tensor *bias,
                                       int64_t axis, double eps) {
  Tensor sum = addTensors("add_layer_norm", x, residual);
  Tensor y = rowNorm("add_layer_norm", true, sum, scale, bias, axis, eps, 0.0,
                     nullptr, nullptr);
  return {std::move(y), std::move(sum)};
}

std::pair<Tensor, Tensor> addRmsNorm(const Tensor &x, const Tensor &residual,
                                     const Tensor *scale, int64_t axis,
                                     double eps, double scaleOffset) {
  Tensor sum = addTensors("add_rms_norm", x, residual);
  Tensor y = rowNorm("add_rms_norm", false, sum, scale, nullptr, axis, eps,
                     scaleOffset, nullptr, nullptr);
  return {std::move(y), std::move(sum)};
}

//===----------------------------------------------------------------------===//
// Batch statistics and batch norm
//===----------------------------------------------------------------------===//

/// batchStats with `op` named in errors.
static BatchStats channelStats(const char *op, const Tensor &x,
                               const Tensor *mask, int64_t channelAxis) {
  checkTensor(op, "input", x);
  ChannelSplit s = splitChannels(op, x, channelAxis);
  checkShape(op, "mask", mask, s.maskShape);
  BatchStats st{filled({s.channels}, 0), filled({s.channels}, 0),
                filled({s.channels}, 0)};
  auto valid = [&](int64_t o, int64_t k) {
    return !mask || mask->data[o * s.inner + k] != 0;
  };
  // First pass: count and sum, hence the mean.
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t c = 0; c < s.channels; ++c)
      for (int64_t k = 0; k < s.inner; ++k)
        if (valid(o, k)) {
          st.count.data[c] += 1;
          st.mean.data[c] += x.data[(o * s.channels + c) * s.inner + k];
        }
  for (int64_t c = 0; c < s.channels; ++c)
    st.mean.data[c] =
        st.count.data[c] > 0 ? st.mean.data[c] / st.count.data[c] : 0.0;
  // Second pass: squared deviations from the mean.
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t c = 0; c < s.channels; ++c)
      for (int64_t k = 0; k < s.inner; ++k)
        if (valid(o, k)) {
          double d =
              x.data[(o * s.channels + c) * s.inner + k] - st.mean.data[c];
          st.m2.data[c] += d * d;
        }
  return st;
}

BatchStats batchStats(const Tensor &x, const Tensor *mask,
                      int64_t channelAxis) {
  return channelStats("batch_stats", x, mask, channelAxis);
}

BatchStats mergeStats(const BatchStats &a, const BatchStats &b) {
  const char *op = "all_reduce_stats";
  checkTensor(op, "count", a.count);
  std::vector<int64_t> shape = a.count.shape;
  checkShape(op, "mean", &a.mean, shape);
  checkShape(op, "m2", &a.m2, shape);
  checkShape(op, "count", &b.count, shape);
  checkShape(op, "mean", &b.mean, shape);
  checkShape(op, "m2", &b.m2, shape);
  BatchStats r{filled(shape, 0), filled(shape, 0), filled(shape, 0)};
  for (size_t c = 0; c < a.count.data.size(); ++c) {
    double na = a.count.data[c], nb = b.count.data[c];
    double n = na + nb;
    r.count.data[c] = n;
    if (n == 0)
      continue;
    double d = b.mean.data[c] - a.mean.data[c];
    r.mean.data[c] = a.mean.data[c] + d * nb / n;
    r.m2.data[c] = a.m2.data[c] + b.m2.data[c] + d * d * na * nb / n;
  }
  return r;
}

/// y = (x - mean[c]) * rstd[c] * scale[c] + bias[c] over channel dim
/// `channelAxis`; `scale` and `bias` may be null.
static Tensor applyChannels(const Tensor &x, const std::vector<double> &mean,
                            const std::vector<double> &rstd,
                            const Tensor *scale, const Tensor *bias,
                            const ChannelSplit &s) {
  Tensor y = filled(x.shape, 0);
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t c = 0; c < s.channels; ++c)
      for (int64_t k = 0; k < s.inner; ++k) {
        int64_t i = (o * s.channels + c) * s.inner + k;
        double v = (x.data[i] - mean[c]) * rstd[c];
        if (scale)
          v *= scale->data[c];
        if (bias)
          v += bias->data[c];
        y.data[i] = v;
      }
  return y;
}

BatchNormResult batchNorm(const Tensor &x, const Tensor &scale,
                          const Tensor &bias, const Tensor &runningMean,
                          const Tensor &runningVar, const Tensor *mask,
                          bool train, double eps, double momentum,
                          int64_t channelAxis) {
  const char *op = "batch_norm";
  checkTensor(op, "input", x);
  ChannelSplit s = splitChannels(op, x, channelAxis);
  std::vector<int64_t> perChannel = {s.channels};
  checkShape(op, "scale", &scale, perChannel);
  checkShape(op, "bias", &bias, perChannel);
  checkShape(op, "running_mean", &runningMean, perChannel);
  checkShape(op, "running_var", &runningVar, perChannel);
  checkShape(op, "mask", mask, s.maskShape);

  BatchNormResult r;
  r.savedMean = filled(perChannel, 0);
  r.savedRstd = filled(perChannel, 0);
  r.newRunningMean = runningMean;
  r.newRunningVar = runningVar;
  if (train) {
    BatchStats st = channelStats(op, x, mask, channelAxis);
    for (int64_t c = 0; c < s.channels; ++c) {
      double n = st.count.data[c];
      double var = n > 0 ? st.m2.data[c] / n : 0.0;
      // Unbiased for the running estimate; a single value has var 0.
      double unbiased = n > 1 ? var * n / (n - 1) : var;
      r.savedMean.data[c] = st.mean.data[c];
      r.savedRstd.data[c] = 1.0 / std::sqrt(var + eps);
      if (n == 0)
        continue; // no values: the running statistics stay as they are
      r.newRunningMean.data[c] =
          (1 - momentum) * runningMean.data[c] + momentum * st.mean.data[c];
      r.newRunningVar.data[c] =
          (1 - momentum) * runningVar.data[c] + momentum * unbiased;
    }
  } else {
    for (int64_t c = 0; c < s.channels; ++c) {
      r.savedMean.data[c] = runningMean.data[c];
      r.savedRstd.data[c] = 1.0 / std::sqrt(runningVar.data[c] + eps);
    }
  }
  r.result =
      applyChannels(x, r.savedMean.data, r.savedRstd.data, &scale, &bias, s);
  return r;
}

Tensor batchNormApply(const Tensor &x, const Tensor &mean,
                      const Tensor &variance, const Tensor *scale,
                      const Tensor *bias, double eps, int64_t channelAxis) {
  const char *op = "batch_norm_apply";
  checkTensor(op, "input", x);
  ChannelSplit s = splitChannels(op, x, channelAxis);
  std::vector<int64_t> perChannel = {s.channels};
  checkShape(op, "mean", &mean, perChannel);
  checkShape(op, "variance", &variance, perChannel);
  checkShape(op, "scale", scale, perChannel);
  checkShape(op, "bias", bias, perChannel);
  std::vector<double> rstd(size_t(s.channels));
  for (int64_t c = 0; c < s.channels; ++c)
    rstd[c] = 1.0 / std::sqrt(variance.data[c] + eps);
  return applyChannels(x, mean.data, rstd, scale, bias, s);
}

//===----------------------------------------------------------------------===//
// Group norm and weight norm
//===----------------------------------------------------------------------===//

namespace {
/// Group norm's statistics: a mean and M2 per sample and group.
struct GroupStats {
  ChannelSplit split;
  int64_t numGroups, perGroup, sampleSize;
  double count; ///< values per group
  std::vector<double> mean, m2;
  /// The statistic of channel c at outer index o; the outer dims (before
  /// the channel dim) start with the batch dim.
  int64_t index(int64_t o, int64_t c) const {
    int64_t sample = (o * split.channels * split.inner) / sampleSize;
    return sample * numGroups + c / perGroup;
  }
  double rstd(int64_t g, double eps) const {
    return 1.0 / std::sqrt(m2[size_t(g)] / count + eps);
  }
};
} // namespace

/// Checks group norm's arguments and computes its statistics (two passes).
static GroupStats groupStats(const char *op, const Tensor &x,
                             const Tensor *scale, int64_t numGroups,
                             int64_t channelAxis) {
  checkTensor(op, "input", x);
  if (x.shape.size() < 2)
    fail(op, "input must have rank >= 2, got " + shapeStr(x.shape));
  if (normalizeAxis(op, "channel_axis", channelAxis, x.shape.size()) == 0)
    fail(op, "channel_axis must not be the batch dim 0");
  ChannelSplit s = splitChannels(op, x, channelAxis);
  if (numGroups <= 0 || s.channels % numGroups != 0)
    fail(op, "num_groups " + std::to_string(numGroups) +
                 " must be positive and divide the " +
                 std::to_string(s.channels) + " channels");
  checkShape(op, "scale", scale, {s.channels});
  int64_t batch = x.shape[0];
  int64_t sampleSize = batch ? x.numElements() / batch : 0;
  GroupStats st{s, numGroups, s.channels / numGroups, sampleSize,
                double(sampleSize / numGroups),
                std::vector<double>(size_t(batch * numGroups), 0.0), {}};
  st.m2.assign(st.mean.size(), 0.0);
  for (int pass = 0; pass < 2; ++pass) {
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t c = 0; c < s.channels; ++c)
        for (int64_t k = 0; k < s.inner; ++k) {
          double v = x.data[(o * s.channels + c) * s.inner + k];
          int64_t g = st.index(o, c);
          if (pass == 0)
            st.mean[g] += v;
          else
            st.m2[g] += (v - st.mean[g]) * (v - st.mean[g]);
        }
    if (pass == 0)
      for (double &m : st.mean)
        m /= st.count;
  }
  return st;
}

Tensor groupNorm(const Tensor &x, const Tensor *scale, const Tensor *bias,
                 int64_t numGroups, double eps, int64_t channelAxis) {
  GroupStats st = groupStats("group_norm", x, scale, numGroups, channelAxis);
  const ChannelSplit &s = st.split;
  checkShape("group_norm", "bias", bias, {s.channels});
  Tensor y = filled(x.shape, 0);
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t c = 0; c < s.channels; ++c)
      for (int64_t k = 0; k < s.inner; ++k) {
        int64_t i = (o * s.channels + c) * s.inner + k;
        int64_t g = st.index(o, c);
        double v = (x.data[i] - st.mean[g]) * st.rstd(g, eps);
        if (scale)
          v *= scale->data[c];
        if (bias)
          v += bias->data[c];
        y.data[i] = v;
      }
  return y;
}

RowNormGrad groupNormGrad(const Tensor &dy, const Tensor &x,
                          const Tensor *scale, int64_t numGroups, double eps,
                          int64_t channelAxis) {
  const char *op = "group_norm_grad";
  GroupStats st = groupStats(op, x, scale, numGroups, channelAxis);
  checkShape(op, "grad", &dy, x.shape);
  const ChannelSplit &s = st.split;
  RowNormGrad r{filled(x.shape, 0), filled({s.channels}, 0),
                filled({s.channels}, 0)};
  // Per group: the sums of g and of g * xhat.
  std::vector<double> sumG(st.mean.size(), 0.0), sumGX(st.mean.size(), 0.0);
  for (int pass = 0; pass < 2; ++pass)
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t c = 0; c < s.channels; ++c)
        for (int64_t k = 0; k < s.inner; ++k) {
          int64_t i = (o * s.channels + c) * s.inner + k;
          int64_t grp = st.index(o, c);
          double rstd = st.rstd(grp, eps);
          double xhat = (x.data[i] - st.mean[grp]) * rstd;
          double g = dy.data[i] * (scale ? scale->data[c] : 1.0);
          if (pass == 0) {
            sumG[grp] += g;
            sumGX[grp] += g * xhat;
            r.scale.data[c] += dy.data[i] * xhat;
            r.bias.data[c] += dy.data[i];
          } else {
            r.input.data[i] =
                rstd * (g - (sumG[grp] + xhat * sumGX[grp]) / st.count);
          }
        }
  return r;
}

namespace {
/// Weight norm's slices: v as [outer, slices, inner] (one slice without a
/// dim), with each slice's sum of squares.
struct WeightSlices {
  ChannelSplit split;
  std::vector<double> squares;
  int64_t slice(int64_t i) const {
    return (i / split.inner) % split.channels;
  }
};
} // namespace

static WeightSlices weightSlices(const char *op, const Tensor &v,
                                 const Tensor &g, std::optional<int64_t> dim) {
  checkTensor(op, "v", v);
  ChannelSplit s{1, 1, v.numElements(), {}};
  if (dim)
    s = splitChannels(op, v, *dim);
  checkShape(op, "g", &g,
             dim ? std::vector<int64_t>{s.channels} : std::vector<int64_t>{});
  WeightSlices w{s, std::vector<double>(size_t(s.channels), 0.0)};
  for (size_t i = 0; i < v.data.size(); ++i)
    w.squares[size_t(w.slice(int64_t(i)))] += v.data[i] * v.data[i];
  return w;
}

Tensor weightNorm(const Tensor &v, const Tensor &g,
                  std::optional<int64_t> dim) {
  WeightSlices s = weightSlices("weight_norm", v, g, dim);
  Tensor w = filled(v.shape, 0);
  for (size_t i = 0; i < v.data.size(); ++i) {
    int64_t c = s.slice(int64_t(i));
    w.data[i] = g.data[c] * v.data[i] / std::sqrt(s.squares[c]);
  }
  return w;
}

RowNormGrad weightNormGrad(const Tensor &dw, const Tensor &v, const Tensor &g,
                           std::optional<int64_t> dim) {
  const char *op = "weight_norm_grad";
  WeightSlices s = weightSlices(op, v, g, dim);
  checkShape(op, "grad", &dw, v.shape);
  std::vector<double> dot(s.squares.size(), 0.0);
  for (size_t i = 0; i < v.data.size(); ++i)
    dot[size_t(s.slice(int64_t(i)))] += dw.data[i] * v.data[i];
  RowNormGrad r{filled(v.shape, 0), filled(g.shape, 0), {}};
  for (size_t c = 0; c < dot.size(); ++c)
    r.scale.data[c] = dot[c] / std::sqrt(s.squares[c]);
  for (size_t i = 0; i < v.data.size(); ++i) {
    int64_t c = s.slice(int64_t(i));
    double n = std::sqrt(s.squares[c]);
    r.input.data[i] =
        g.data[c] / n * (dw.data[i] - v.data[i] * dot[c] / s.squares[c]);
  }
  return r;
}

//===----------------------------------------------------------------------===//
// Projections
//===----------------------------------------------------------------------===//

Tensor matmul(const Tensor &a, const Tensor &b) {
  const char *op = "matmul";
  checkTensor(op, "lhs", a);
  checkTensor(op, "rhs", b);
  if (a.shape.empty() || b.shape.size() != 2 || a.shape.back() != b.shape[0])
    fail(op, "cannot multiply " + shapeStr(a.shape) + " by " +
                 shapeStr(b.shape) + ", expected [..., K] x [K, N]");
  int64_t k = b.shape[0], n = b.shape[1];
  int64_t rows = product(a.shape, 0, a.shape.size() - 1);
  std::vector<int64_t> shape = a.shape;
  shape.back() = n;
  Tensor y = filled(shape, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t i = 0; i < k; ++i)
        sum += a.data[r * k + i] * b.data[i * n + j];
      y.data[r * n + j] = sum;
    }
  return y;
}

Tensor projectNorm(bool rms, const Tensor &x, const Tensor &w,
                   const Tensor *projBias, const Tensor *scale,
                   const Tensor *bias, int64_t headDim, double eps,
                   double scaleOffset) {
  const char *op = "project_norm";
  Tensor p = matmul(x, w);
  int64_t n = p.shape.back();
  checkShape(op, "proj_bias", projBias, {n});
  if (headDim <= 0 || n % headDim != 0)
    fail(op, "head_dim " + std::to_string(headDim) +
                 " must be positive and divide the " + std::to_string(n) +
                 " output columns");
  if (projBias)
    for (size_t i = 0; i < p.data.size(); ++i)
      p.data[i] += projBias->data[i % size_t(n)];
  // View [..., N] as [..., N / headDim, headDim] and normalize the last dim.
  std::vector<int64_t> outShape = p.shape;
  p.shape.back() = n / headDim;
  p.shape.push_back(headDim);
  Tensor y =
      rowNorm(op, !rms, p, scale, bias, -1, eps, scaleOffset, nullptr, nullptr);
  y.shape = outShape;
  return y;
}

Tensor normProject(bool rms, const Tensor &x, const Tensor &w,
                   const Tensor *bias, double eps) {
  const char *op = "norm_project";
  Tensor normalized =
      rowNorm(op, !rms, x, nullptr, nullptr, -1, eps, 0.0, nullptr, nullptr);
  Tensor y = matmul(normalized, w);
  int64_t n = y.shape.back();
  checkShape(op, "bias", bias, {n});
  if (bias)
    for (size_t i = 0; i < y.data.size(); ++i)
      y.data[i] += bias->data[i % size_t(n)];
  return y;
}

//===----------------------------------------------------------------------===//
// Residual placement
//===----------------------------------------------------------------------===//

Tensor residual(const Tensor &x,
                const std::function<Tensor(const Tensor &)> *pre,
                const std::function<std::vector<Tensor>(const Tensor &)> &body,
                const std::function<Tensor(const Tensor &)> *out,
                const std::function<Tensor(const Tensor &)> *post,
                double residualScale) {
  const char *op = "residual";
  checkTensor(op, "input", x);
  Tensor h = pre ? (*pre)(x) : x;
  std::vector<Tensor> parts = body(h);
  if (parts.empty())
    fail(op, "body yields no value");
  Tensor f = filled(x.shape, 0);
  for (const Tensor &part : parts) {
    checkShape(op, "body value", &part, x.shape);
    for (size_t i = 0; i < f.data.size(); ++i)
      f.data[i] += part.data[i];
  }
  if (out) {
    f = (*out)(f);
    checkShape(op, "out value", &f, x.shape);
  }
  Tensor s = f;
  for (size_t i = 0; i < s.data.size(); ++i)
    s.data[i] = residualScale * x.data[i] + f.data[i];
  return post ? (*post)(s) : s;
}

//===----------------------------------------------------------------------===//
// Gradients
//===----------------------------------------------------------------------===//

/// The backward of rowNorm from its saved statistics, straight from the
/// formulas: xhat = (x - mean) * rstd (mean 0 without `mean`),
/// g = dy * (scaleOffset + scale), dx = rstd * (g - mean(g) - xhat *
/// mean(g * xhat)) (no mean(g) without `mean`) + sumGrad, dscale = the sum
/// over rows of dy * xhat, dbias = that of dy.
static RowNormGrad rowNormGrad(const char *op, const Tensor &dy,
                               const Tensor &x, const Tensor *mean,
                               const Tensor &rstd, const Tensor *scale,
                               const Tensor *sumGrad, int64_t axis,
                               double scaleOffset) {
  checkTensor(op, "input", x);
  checkShape(op, "grad", &dy, x.shape);
  checkShape(op, "sum_grad", sumGrad, x.shape);
  size_t a = size_t(normalizeAxis(op, "axis", axis, x.shape.size()));
  std::vector<int64_t> outerShape(x.shape.begin(), x.shape.begin() + a);
  std::vector<int64_t> normShape(x.shape.begin() + a, x.shape.end());
  checkShape(op, "mean", mean, outerShape);
  checkShape(op, "rstd", &rstd, outerShape);
  checkShape(op, "scale", scale, normShape);
  int64_t rows = product(outerShape, 0, outerShape.size());
  int64_t n = product(normShape, 0, normShape.size());
  RowNormGrad r{filled(x.shape, 0), filled(normShape, 0),
                filled(normShape, 0)};
  std::vector<double> xhat(static_cast<size_t>(n)), g(static_cast<size_t>(n));
  for (int64_t row = 0; row < rows; ++row) {
    double mu = mean ? mean->data[row] : 0.0, s = rstd.data[row];
    double sumG = 0, sumGX = 0;
    for (int64_t i = 0; i < n; ++i) {
      int64_t k = row * n + i;
      xhat[i] = (x.data[k] - mu) * s;
      g[i] = dy.data[k] * (scale ? scaleOffset + scale->data[i] : 1.0);
      sumG += g[i];
      sumGX += g[i] * xhat[i];
      r.scale.data[i] += dy.data[k] * xhat[i];
      r.bias.data[i] += dy.data[k];
    }
    for (int64_t i = 0; i < n; ++i) {
      int64_t k = row * n + i;
      double centered = mean ? g[i] - sumG / double(n) : g[i];
      r.input.data[k] = s * (centered - xhat[i] * sumGX / double(n)) +
                        (sumGrad ? sumGrad->data[k] : 0.0);
    }
  }
  return r;
}

RowNormGrad layerNormGrad(const Tensor &dy, const Tensor &x,
                          const Tensor &mean, const Tensor &rstd,
                          const Tensor *scale, const Tensor *sumGrad,
                          int64_t axis) {
  return rowNormGrad("layer_norm_grad", dy, x, &mean, rstd, scale, sumGrad,
                     axis, 0.0);
}

RowNormGrad rmsNormGrad(const Tensor &dy, const Tensor &x, const Tensor &rstd,
                        const Tensor *scale, const Tensor *sumGrad,
                        int64_t axis, double scaleOffset) {
  return rowNormGrad("rms_norm_grad", dy, x, nullptr, rstd, scale, sumGrad,
                     axis, scaleOffset);
}

RowNormGrad batchNormGrad(const Tensor &dy, const Tensor &x, const Tensor &mean,
                          const Tensor &rstd, const Tensor &scale,
                          const Tensor *mask, bool train, int64_t channelAxis) {
  const char *op = "batch_norm_grad";
  checkTensor(op, "input", x);
  checkShape(op, "grad", &dy, x.shape);
  ChannelSplit s = splitChannels(op, x, channelAxis);
  std::vector<int64_t> perChannel = {s.channels};
  checkShape(op, "mean", &mean, perChannel);
  checkShape(op, "rstd", &rstd, perChannel);
  checkShape(op, "scale", &scale, perChannel);
  checkShape(op, "mask", mask, s.maskShape);
  auto valid = [&](int64_t o, int64_t k) {
    return !mask || mask->data[o * s.inner + k] != 0;
  };
  auto xhat = [&](int64_t i, int64_t c) {
    return (x.data[i] - mean.data[c]) * rstd.data[c];
  };
  RowNormGrad r{filled(x.shape, 0), filled(perChannel, 0),
                filled(perChannel, 0)};
  std::vector<double> count(size_t(s.channels), 0.0);
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t c = 0; c < s.channels; ++c)
      for (int64_t k = 0; k < s.inner; ++k)
        if (valid(o, k)) {
          int64_t i = (o * s.channels + c) * s.inner + k;
          count[c] += 1;
          r.bias.data[c] += dy.data[i];
          r.scale.data[c] += dy.data[i] * xhat(i, c);
        }
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t c = 0; c < s.channels; ++c)
      for (int64_t k = 0; k < s.inner; ++k) {
        int64_t i = (o * s.channels + c) * s.inner + k;
        if (!valid(o, k))
          continue;
        double g = dy.data[i];
        if (train)
          g -= (r.bias.data[c] + xhat(i, c) * r.scale.data[c]) / count[c];
        r.input.data[i] = scale.data[c] * rstd.data[c] * g;
      }
  return r;
}

} // namespace norm::rt
