//===- Reference.h - float64 reference implementations ----------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The oracle for every op of the norm dialect (DESIGN.md section 2): naive
// loops with double accumulation and two-pass statistics, never tuned.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_RUNTIME_REFERENCE_REFERENCE_H
#define NORM_RUNTIME_REFERENCE_REFERENCE_H

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace norm::rt {

/// A dense, row-major float64 tensor. Rank 0 (empty shape) holds one value.
/// Every function below throws std::invalid_argument (one line) on shape
/// mismatches or out-of-range axes; negative axes count from the back.
struct Tensor {
  /// The dims.
  std::vector<int64_t> shape;
  /// numElements() values in row-major order.
  std::vector<double> data;
  /// The product of `shape` (1 for rank 0).
  int64_t numElements() const;
};

/// Layer norm over dims [axis, rank):
///   y = (x - mean) / sqrt(var + eps) * scale + bias
/// with the mean first, then the biased variance (two passes). `scale` and
/// `bias` (optional) have the shape of the normalized dims. If given, `mean`
/// and `rstd` (1/sqrt(var + eps)) receive the outer shape [0, axis).
Tensor layerNorm(const Tensor &x, const Tensor *scale, const Tensor *bias,
                 int64_t axis, double eps, Tensor *mean = nullptr,
                 Tensor *rstd = nullptr);

/// RMS norm over dims [axis, rank):
///   y = x / sqrt(mean(x^2) + eps) * (scaleOffset + scale)
/// Without `scale` nothing is multiplied (scaleOffset is ignored). `rstd`
/// receives 1/sqrt(mean(x^2) + eps) with the outer shape.
Tensor rmsNorm(const Tensor &x, const Tensor *scale, int64_t axis, double eps,
               double scaleOffset, Tensor *rstd = nullptr);

/// The results of batchNorm, each per channel ([C]) except `result`.
struct BatchNormResult {
  /// The normalized input, x's shape.
  Tensor result;
  /// (1 - momentum) * runningMean + momentum * mean in train mode.
  Tensor newRunningMean;
  /// (1 - momentum) * runningVar + momentum * unbiased var in train mode.
  Tensor newRunningVar;
  /// The mean used for normalizing.
  Tensor savedMean;
  /// 1 / sqrt(var + eps) for the variance used for normalizing.
  Tensor savedRstd;
};

/// Batch norm with channel dim `channelAxis`. Train: per channel, mean and
/// biased var over every other dim, counting only positions where `mask`
/// (x's shape without the channel dim) is non-zero; n = that count (n == 0
/// gives mean = var = 0). Every position, masked or not, is normalized:
///   y = (x - mean) / sqrt(var + eps) * scale + bias
/// The running variance is updated with var * n / (n - 1), or with var (= 0)
/// when n <= 1. Eval: normalize with the running statistics, which are
/// returned unchanged; saved = running mean and 1/sqrt(runningVar + eps).
BatchNormResult batchNorm(const Tensor &x, const Tensor &scale,
                          const Tensor &bias, const Tensor &runningMean,
                          const Tensor &runningVar, const Tensor *mask,
                          bool train, double eps, double momentum,
                          int64_t channelAxis);

/// Group norm: for each sample (dim 0) and each group of C/numGroups
/// consecutive channels (dim `channelAxis`), mean and biased var over those
/// channels and every other non-batch dim; then
///   y = (x - mean_g) / sqrt(var_g + eps) * scale[c] + bias[c]
/// `scale` and `bias` (optional) have shape [C].
Tensor groupNorm(const Tensor &x, const Tensor *scale, const Tensor *bias,
                 int64_t numGroups, double eps, int64_t channelAxis);

/// Weight norm w = g * v / ||v||_2. With `dim`, one L2 norm per index of dim
/// `dim` over every other dim and `g` of shape [v.shape[dim]]; without it
/// one norm over all of `v` and a rank-0 `g`. No epsilon.
Tensor weightNorm(const Tensor &v, const Tensor &g, std::optional<int64_t> dim);

/// sum = x + residual; returns (layerNorm(sum, ...), sum).
std::pair<Tensor, Tensor> addLayerNorm(const Tensor &x, const Tensor &residual,
                                       const Tensor *scale, const Tensor *bias,
                                       int64_t axis, double eps);

/// sum = x + residual; returns (rmsNorm(sum, ...), sum).
std::pair<Tensor, Tensor> addRmsNorm(const Tensor &x, const Tensor &residual,
                                     const Tensor *scale, int64_t axis,
                                     double eps, double scaleOffset);

/// Matrix product of `a` [..., K] and `b` [K, N], giving [..., N].
Tensor matmul(const Tensor &a, const Tensor &b);

/// QK-norm projection: p = x * w (+ projBias [N]); each group of `headDim`
/// consecutive columns of p is normalized (layer norm, or RMS norm if `rms`)
///   y = norm(p_group) * (scaleOffset + scale) + bias
/// with `scale` and `bias` (optional, each [headDim]) shared by all groups.
Tensor projectNorm(bool rms, const Tensor &x, const Tensor &w,
                   const Tensor *projBias, const Tensor *scale,
                   const Tensor *bias, int64_t headDim, double eps,
                   double scaleOffset);

/// FlashNorm: y = norm(x) * w + bias, with norm the layer or RMS norm of the
/// last dim of x without an affine transform; `bias` (optional) is [N].
Tensor normProject(bool rms, const Tensor &x, const Tensor &w,
                   const Tensor *bias, double eps);

/// Per-channel statistics of a batch, each of shape [C].
struct BatchStats {
  /// The number of valid (unmasked) values.
  Tensor count;
  /// Their mean (0 when count is 0).
  Tensor mean;
  /// Their sum of squared deviations from the mean.
  Tensor m2;
};

/// Per channel of dim `channelAxis`: count, mean and m2 = sum((x - mean)^2)
/// over the positions where `mask` (x's shape without the channel dim) is
/// non-zero, or over all positions without a mask.
BatchStats batchStats(const Tensor &x, const Tensor *mask, int64_t channelAxis);

/// Chan et al.'s merge: n = na + nb, d = mean_b - mean_a,
/// mean = mean_a + d * nb / n, m2 = m2_a + m2_b + d^2 * na * nb / n;
/// when n == 0, mean = m2 = 0.
BatchStats mergeStats(const BatchStats &a, const BatchStats &b);

/// y = (x - mean[c]) / sqrt(variance[c] + eps) * scale[c] + bias[c], with all
/// per-channel tensors of shape [C] and `scale`/`bias` optional.
Tensor batchNormApply(const Tensor &x, const Tensor &mean,
                      const Tensor &variance, const Tensor *scale,
                      const Tensor *bias, double eps, int64_t channelAxis);

/// A residual block: h = pre ? pre(x) : x; f = the sum of body(h) (at least
/// one value); f = out ? out(f) : f; s = residualScale * x + f;
/// y = post ? post(s) : s.
Tensor residual(const Tensor &x,
                const std::function<Tensor(const Tensor &)> *pre,
                const std::function<std::vector<Tensor>(const Tensor &)> &body,
                const std::function<Tensor(const Tensor &)> *out,
                const std::function<Tensor(const Tensor &)> *post,
                double residualScale);

/// The gradients of a row normalizer: of its input (x's shape), and of its
/// scale and bias (the normalized dims).
struct RowNormGrad {
  Tensor input;
  Tensor scale;
  Tensor bias;
};

/// The backward of layerNorm over dims [axis, rank) from the gradient `dy`
/// of its result and the `mean` and `rstd` it saved (the outer shape):
///   xhat = (x - mean) * rstd,  g = dy * scale (dy without scale)
///   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) + sumGrad
///   dscale = sum over rows of dy * xhat,  dbias = sum over rows of dy
/// `sumGrad` (optional, x's shape) is the gradient from the normalized
/// tensor's other users (add_layer_norm's sum).
RowNormGrad layerNormGrad(const Tensor &dy, const Tensor &x,
                          const Tensor &mean, const Tensor &rstd,
                          const Tensor *scale, const Tensor *sumGrad,
                          int64_t axis);

/// The backward of rmsNorm: as layerNormGrad with mean 0, no mean(g) term,
/// and g = dy * (scaleOffset + scale). (`bias` is the sum of dy.)
RowNormGrad rmsNormGrad(const Tensor &dy, const Tensor &x, const Tensor &rstd,
                        const Tensor *scale, const Tensor *sumGrad,
                        int64_t axis, double scaleOffset);

/// The backward of batchNorm (channel dim `channelAxis`) from `dy`, the
/// per-channel `mean` and `rstd` that normalized x and `scale`. Per channel,
/// over the M positions where `mask` (x's shape without the channel dim) is
/// non-zero (all without a mask):
///   xhat = (x - mean) * rstd,  dbias = sum of dy,  dscale = sum of dy * xhat
///   train: dx = scale * rstd * (dy - dbias / M - xhat * dscale / M)
///   eval:  dx = scale * rstd * dy
/// and dx = 0 at masked positions. (`scale` and `bias` of the result are
/// dscale and dbias, [C].)
RowNormGrad batchNormGrad(const Tensor &dy, const Tensor &x, const Tensor &mean,
                          const Tensor &rstd, const Tensor &scale,
                          const Tensor *mask, bool train, int64_t channelAxis);

/// The backward of groupNorm from `dy`, recomputing each group's mean and
/// rstd from x (as groupNorm does, N values each):
///   xhat = (x - mean) * rstd,  g = dy * scale[c] (dy without scale)
///   dx = rstd * (g - mean(g) - xhat * mean(g * xhat))
///   dscale[c], dbias[c] = sums over samples and spatial dims of dy * xhat, dy
RowNormGrad groupNormGrad(const Tensor &dy, const Tensor &x,
                          const Tensor *scale, int64_t numGroups, double eps,
                          int64_t channelAxis);

/// The backward of weightNorm from `dw`, per slice (every dim but `dim`, or
/// the whole tensor): with n = ||v|| and d = sum(dw * v),
///   dg = d / n,  dv = g / n * (dw - v * d / n^2)
/// (`input` of the result is dv, `scale` is dg; `bias` is empty).
RowNormGrad weightNormGrad(const Tensor &dw, const Tensor &v, const Tensor &g,
                           std::optional<int64_t> dim);

} // namespace norm::rt

#endif // NORM_RUNTIME_REFERENCE_REFERENCE_H
