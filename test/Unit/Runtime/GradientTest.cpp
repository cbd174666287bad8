//===- GradientTest.cpp - The float64 gradients against finite differences -===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The references of the gradient ops (layerNormGrad, rmsNormGrad,
// batchNormGrad, groupNormGrad, weightNormGrad) are written from their closed forms; these tests compare
// them with central finite differences of the float64 forward of the loss
// L = sum(dy * y), on well-conditioned random inputs: relative error at most
// 1e-7, the truncation and rounding error of h = 1e-5 being about 1e-10.
//
//===----------------------------------------------------------------------===//

#include "runtime/reference/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <optional>
#include <random>

using namespace norm::rt;

namespace {

Tensor randomTensor(std::vector<int64_t> shape, std::mt19937_64 &rng,
                    double mean = 0.0, double spread = 1.0) {
  Tensor t{std::move(shape), {}};
  std::normal_distribution<double> normal(mean, spread);
  t.data.resize(size_t(t.numElements()));
  for (double &v : t.data)
    v = normal(rng);
  return t;
}

double dot(const Tensor &a, const Tensor &b) {
  double s = 0;
  for (size_t i = 0; i < a.data.size(); ++i)
    s += a.data[i] * b.data[i];
  return s;
}

/// d loss / d t[i] for every i, by central differences of step h * max(1, |t[i]|).
Tensor finiteDifferences(Tensor t, const std::function<double(const Tensor &)> &loss) {
  Tensor grad{t.shape, std::vector<double>(t.data.size())};
  for (size_t i = 0; i < t.data.size(); ++i) {
    double saved = t.data[i];
    double h = 1e-5 * std::max(1.0, std::fabs(saved));
    t.data[i] = saved + h;
    double up = loss(t);
    t.data[i] = saved - h;
    double down = loss(t);
    t.data[i] = saved;
    grad.data[i] = (up - down) / (2 * h);
  }
  return grad;
}

/// Every value of `actual` within 1e-7 of `expected`, relative to the
/// largest magnitude of `expected` (a gradient's small entries are
/// differences of large terms).
void expectClose(const Tensor &actual, const Tensor &expected,
                 const char *what) {
  ASSERT_EQ(actual.shape, expected.shape) << what;
  double scale = 0;
  for (double v : expected.data)
    scale = std::max(scale, std::fabs(v));
  for (size_t i = 0; i < expected.data.size(); ++i)
    EXPECT_LE(std::fabs(actual.data[i] - expected.data[i]), 1e-7 * scale)
        << what << " at " << i << ": " << actual.data[i] << " vs "
        << expected.data[i];
}

constexpr double kEps = 1e-5;

TEST(GradientTest, LayerNormMatchesFiniteDifferences) {
  std::mt19937_64 rng(1);
  // Two outer dims, two normalized (axis 2), mean away from 0.
  Tensor x = randomTensor({2, 3, 4, 5}, rng, 3.0, 2.0);
  Tensor dy = randomTensor(x.shape, rng);
  Tensor scale = randomTensor({4, 5}, rng, 1.0, 0.5);
  Tensor bias = randomTensor({4, 5}, rng);
  Tensor mean, rstd;
  layerNorm(x, &scale, &bias, 2, kEps, &mean, &rstd);
  RowNormGrad g = layerNormGrad(dy, x, mean, rstd, &scale, nullptr, 2);
  expectClose(g.input, finiteDifferences(x, [&](const Tensor &t) {
                return dot(dy, layerNorm(t, &scale, &bias, 2, kEps));
              }), "dx");
  expectClose(g.scale, finiteDifferences(scale, [&](const Tensor &t) {
                return dot(dy, layerNorm(x, &t, &bias, 2, kEps));
              }), "dscale");
  expectClose(g.bias, finiteDifferences(bias, [&](const Tensor &t) {
                return dot(dy, layerNorm(x, &scale, &t, 2, kEps));
              }), "dbias");
}

TEST(GradientTest, LayerNormWithoutScale) {
  std::mt19937_64 rng(2);
  Tensor x = randomTensor({3, 7}, rng, -1.0, 3.0);
  Tensor dy = randomTensor(x.shape, rng);
  Tensor mean, rstd;
  layerNorm(x, nullptr, nullptr, -1, kEps, &mean, &rstd);
  RowNormGrad g = layerNormGrad(dy, x, mean, rstd, nullptr, nullptr, -1);
  expectClose(g.input, finiteDifferences(x, [&](const Tensor &t) {
                return dot(dy, layerNorm(t, nullptr, nullptr, -1, kEps));
              }), "dx");
}

TEST(GradientTest, AddLayerNormSumGradient) {
  // s = a + b feeds the norm and another user whose gradient is ds: both
  // summands get dLN + ds.
  std::mt19937_64 rng(3);
  Tensor a = randomTensor({4, 6}, rng), b = randomTensor({4, 6}, rng);
  Tensor dy = randomTensor(a.shape, rng), ds = randomTensor(a.shape, rng);
  Tensor scale = randomTensor({6}, rng, 1.0, 0.3);
  auto sum = [](const Tensor &p, const Tensor &q) {
    Tensor s = p;
    for (size_t i = 0; i < s.data.size(); ++i)
      s.data[i] += q.data[i];
    return s;
  };
  Tensor s = sum(a, b), mean, rstd;
  layerNorm(s, &scale, nullptr, -1, kEps, &mean, &rstd);
  RowNormGrad g = layerNormGrad(dy, s, mean, rstd, &scale, &ds, -1);
  auto loss = [&](const Tensor &p, const Tensor &q) {
    Tensor t = sum(p, q);
    return dot(dy, layerNorm(t, &scale, nullptr, -1, kEps)) + dot(ds, t);
  };
  expectClose(g.input, finiteDifferences(a, [&](const Tensor &t) {
                return loss(t, b);
              }), "da");
  expectClose(g.input, finiteDifferences(b, [&](const Tensor &t) {
                return loss(a, t);
              }), "db");
}

TEST(GradientTest, RmsNormMatchesFiniteDifferences) {
  std::mt19937_64 rng(4);
  Tensor x = randomTensor({5, 8}, rng, 0.5, 1.5);
  Tensor dy = randomTensor(x.shape, rng);
  Tensor w = randomTensor({8}, rng, 0.0, 0.4);
  for (double offset : {0.0, 1.0}) { // LLaMA, Gemma's 1 + w
    Tensor rstd;
    rmsNorm(x, &w, -1, kEps, offset, &rstd);
    RowNormGrad g = rmsNormGrad(dy, x, rstd, &w, nullptr, -1, offset);
    expectClose(g.input, finiteDifferences(x, [&](const Tensor &t) {
                  return dot(dy, rmsNorm(t, &w, -1, kEps, offset));
                }), "dx");
    expectClose(g.scale, finiteDifferences(w, [&](const Tensor &t) {
                  return dot(dy, rmsNorm(x, &t, -1, kEps, offset));
                }), "dw");
  }
}

TEST(GradientTest, RmsNormWeightless) {
  std::mt19937_64 rng(5);
  Tensor x = randomTensor({2, 3, 9}, rng, 2.0, 1.0);
  Tensor dy = randomTensor(x.shape, rng), ds = randomTensor(x.shape, rng);
  Tensor rstd;
  rmsNorm(x, nullptr, 1, kEps, 0.0, &rstd);
  RowNormGrad g = rmsNormGrad(dy, x, rstd, nullptr, &ds, 1, 0.0);
  expectClose(g.input, finiteDifferences(x, [&](const Tensor &t) {
                return dot(dy, rmsNorm(t, nullptr, 1, kEps, 0.0)) + dot(ds, t);
              }), "dx");
}

TEST(GradientTest, BatchNormTrainMaskedMatchesFiniteDifferences) {
  // NCHW, a mask that drops some positions: they neither count in the
  // statistics nor reach the loss (dy is 0 there), so their dx is 0.
  std::mt19937_64 rng(6);
  Tensor x = randomTensor({3, 4, 2, 3}, rng, 2.0, 1.5);
  Tensor dy = randomTensor(x.shape, rng);
  Tensor scale = randomTensor({4}, rng, 1.0, 0.5);
  Tensor bias = randomTensor({4}, rng), rm = randomTensor({4}, rng);
  Tensor rv{{4}, {1.0, 2.0, 0.5, 1.5}};
  Tensor mask{{3, 2, 3}, std::vector<double>(18, 1.0)};
  for (int i : {1, 5, 6, 11, 17})
    mask.data[size_t(i)] = 0;
  for (int64_t n = 0; n < 3; ++n)
    for (int64_t c = 0; c < 4; ++c)
      for (int64_t k = 0; k < 6; ++k)
        if (mask.data[size_t(n * 6 + k)] == 0)
          dy.data[size_t((n * 4 + c) * 6 + k)] = 0;
  auto forward = [&](const Tensor &t, const Tensor &g, const Tensor &b) {
    return batchNorm(t, g, b, rm, rv, &mask, /*train=*/true, kEps, 0.1, 1);
  };
  BatchNormResult f = forward(x, scale, bias);
  RowNormGrad g = batchNormGrad(dy, x, f.savedMean, f.savedRstd, scale, &mask,
                                /*train=*/true, 1);
  expectClose(g.input, finiteDifferences(x, [&](const Tensor &t) {
                return dot(dy, forward(t, scale, bias).result);
              }), "dx");
  expectClose(g.scale, finiteDifferences(scale, [&](const Tensor &t) {
                return dot(dy, forward(x, t, bias).result);
              }), "dscale");
  expectClose(g.bias, finiteDifferences(bias, [&](const Tensor &t) {
                return dot(dy, forward(x, scale, t).result);
              }), "dbias");
  for (int64_t c = 0; c < 4; ++c)
    EXPECT_EQ(g.input.data[size_t((0 * 4 + c) * 6 + 1)], 0.0) << c;
}

TEST(GradientTest, BatchNormEvalNhwcMatchesFiniteDifferences) {
  // Eval, channels last: the running statistics are constants.
  std::mt19937_64 rng(7);
  Tensor x = randomTensor({2, 3, 2, 5}, rng, -1.0, 2.0);
  Tensor dy = randomTensor(x.shape, rng);
  Tensor scale = randomTensor({5}, rng, 1.0, 0.5), bias = randomTensor({5}, rng);
  Tensor rm = randomTensor({5}, rng);
  Tensor rv{{5}, {0.5, 1.0, 2.0, 3.0, 0.25}};
  auto forward = [&](const Tensor &t, const Tensor &g, const Tensor &b) {
    return batchNorm(t, g, b, rm, rv, nullptr, /*train=*/false, kEps, 0.1, 3);
  };
  BatchNormResult f = forward(x, scale, bias);
  RowNormGrad g = batchNormGrad(dy, x, f.savedMean, f.savedRstd, scale, nullptr,
                                /*train=*/false, 3);
  expectClose(g.input, finiteDifferences(x, [&](const Tensor &t) {
                return dot(dy, forward(t, scale, bias).result);
              }), "dx");
  expectClose(g.scale, finiteDifferences(scale, [&](const Tensor &t) {
                return dot(dy, forward(x, t, bias).result);
              }), "dscale");
  expectClose(g.bias, finiteDifferences(bias, [&](const Tensor &t) {
                return dot(dy, forward(x, scale, t).result);
              }), "dbias");
}

TEST(GradientTest, GroupNormMatchesFiniteDifferences) {
  // NCHW, 3 groups of 2 channels, with a scale (its bias only shifts y).
  std::mt19937_64 rng(8);
  Tensor x = randomTensor({2, 6, 3, 2}, rng, 1.5, 2.0);
  Tensor dy = randomTensor(x.shape, rng);
  Tensor scale = randomTensor({6}, rng, 1.0, 0.5), bias = randomTensor({6}, rng);
  RowNormGrad g = groupNormGrad(dy, x, &scale, 3, kEps, 1);
  expectClose(g.input, finiteDifferences(x, [&](const Tensor &t) {
                return dot(dy, groupNorm(t, &scale, &bias, 3, kEps, 1));
              }), "dx");
  expectClose(g.scale, finiteDifferences(scale, [&](const Tensor &t) {
                return dot(dy, groupNorm(x, &t, &bias, 3, kEps, 1));
              }), "dscale");
  expectClose(g.bias, finiteDifferences(bias, [&](const Tensor &t) {
                return dot(dy, groupNorm(x, &scale, &t, 3, kEps, 1));
              }), "dbias");
}

TEST(GradientTest, InstanceNormNhwcWithoutScale) {
  // Channels last, one group per channel (instance norm), no scale.
  std::mt19937_64 rng(9);
  Tensor x = randomTensor({2, 3, 3, 4}, rng, -2.0, 1.0);
  Tensor dy = randomTensor(x.shape, rng);
  RowNormGrad g = groupNormGrad(dy, x, nullptr, 4, kEps, 3);
  expectClose(g.input, finiteDifferences(x, [&](const Tensor &t) {
                return dot(dy, groupNorm(t, nullptr, nullptr, 4, kEps, 3));
              }), "dx");
}

TEST(GradientTest, WeightNormMatchesFiniteDifferences) {
  std::mt19937_64 rng(10);
  Tensor v = randomTensor({4, 3, 2}, rng, 0.5, 1.0);
  Tensor dw = randomTensor(v.shape, rng);
  for (std::optional<int64_t> dim : {std::optional<int64_t>(0),
                                     std::optional<int64_t>(1),
                                     std::optional<int64_t>()}) {
    Tensor g = dim ? randomTensor({v.shape[size_t(*dim)]}, rng, 1.0, 0.5)
                   : Tensor{{}, {1.7}};
    RowNormGrad r = weightNormGrad(dw, v, g, dim);
    expectClose(r.input, finiteDifferences(v, [&](const Tensor &t) {
                  return dot(dw, weightNorm(t, g, dim));
                }), "dv");
    expectClose(r.scale, finiteDifferences(g, [&](const Tensor &t) {
                  return dot(dw, weightNorm(v, t, dim));
                }), "dg");
  }
}

TEST(GradientTest, InvalidArguments) {
  Tensor x{{2, 3}, std::vector<double>(6, 1.0)};
  Tensor stats{{2}, {0.0, 0.0}};
  Tensor wrong{{3}, {0.0, 0.0, 0.0}};
  EXPECT_THROW(layerNormGrad(x, x, wrong, stats, nullptr, nullptr, -1),
               std::invalid_argument);
  EXPECT_THROW(rmsNormGrad(wrong, x, stats, nullptr, nullptr, -1, 0.0),
               std::invalid_argument);
  EXPECT_THROW(rmsNormGrad(x, x, stats, &stats, nullptr, -1, 0.0),
               std::invalid_argument);
  // Channels of x (dim 1) are 3: statistics of 2 do not fit.
  EXPECT_THROW(batchNormGrad(x, x, stats, stats, stats, nullptr, true, 1),
               std::invalid_argument);
  EXPECT_THROW(batchNormGrad(x, x, wrong, wrong, wrong, &x, true, 1),
               std::invalid_argument);
  EXPECT_THROW(groupNormGrad(x, x, nullptr, 2, kEps, 1), std::invalid_argument);
  EXPECT_THROW(groupNormGrad(stats, x, nullptr, 3, kEps, 1),
               std::invalid_argument);
  EXPECT_THROW(weightNormGrad(x, x, stats, 1), std::invalid_argument);
  EXPECT_THROW(weightNormGrad(stats, x, wrong, 1), std::invalid_argument);
}

} // namespace
