//===- ReferenceTest.cpp - Tests of the float64 references ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Small cases whose expected values are worked out by hand from the formulas
// of DESIGN.md section 2 (the arithmetic is in the comments).
//
//===----------------------------------------------------------------------===//

#include "runtime/reference/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

using namespace norm::rt;

namespace {

/// 1/sqrt(1.25) and friends, the layer norm of [1, 2, 3, 4] (mean 2.5, biased
/// var 1.25): (x - 2.5) / sqrt(1.25).
constexpr double kLn0 = -1.3416407864998738, kLn1 = -0.4472135954999579,
                 kLn2 = 0.4472135954999579, kLn3 = 1.3416407864998738;

/// A tensor of `shape` holding `data`.
Tensor makeTensor(std::vector<int64_t> shape, std::vector<double> data) {
  return Tensor{std::move(shape), std::move(data)};
}

/// Checks the shape of `t` and every value within `tol`.
void expectTensor(const Tensor &t, const std::vector<int64_t> &shape,
                  const std::vector<double> &expected, double tol = 1e-12) {
  EXPECT_EQ(t.shape, shape);
  ASSERT_EQ(t.data.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(t.data[i], expected[i], tol) << "at index " << i;
}

/// Checks that `fn` throws std::invalid_argument mentioning `needle`.
template <typename Fn> void expectInvalid(Fn fn, const std::string &needle) {
  try {
    fn();
    ADD_FAILURE() << "expected std::invalid_argument containing " << needle;
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
        << e.what();
  }
}

TEST(LayerNormTest, LastDim) {
  Tensor mean, rstd;
  Tensor y = layerNorm(makeTensor({4}, {1, 2, 3, 4}), nullptr, nullptr, -1, 0.0,
                       &mean, &rstd);
  expectTensor(y, {4}, {kLn0, kLn1, kLn2, kLn3});
  // The outer shape of a rank-1 input normalized over axis 0 is [].
  expectTensor(mean, {}, {2.5});
  expectTensor(rstd, {}, {0.8944271909999159}); // 1/sqrt(1.25)
}

TEST(LayerNormTest, LastTwoDimsWithAffine) {
  // Rows [1,2,3,4] and [0,0,0,8]. Row 1: mean 2, deviations -2,-2,-2,6,
  // var (4+4+4+36)/4 = 12, so -2/sqrt(12) = -0.5773502691896258 and
  // 6/sqrt(12) = 1.7320508075688772. scale [[1,1],[1,2]], bias [[0,0],[0,1]]
  // change only the last value: 2*1.3416407864998738+1 and 2*1.7320508+1.
  Tensor x = makeTensor({2, 2, 2}, {1, 2, 3, 4, 0, 0, 0, 8});
  Tensor scale = makeTensor({2, 2}, {1, 1, 1, 2});
  Tensor bias = makeTensor({2, 2}, {0, 0, 0, 1});
  Tensor mean, rstd;
  Tensor y = layerNorm(x, &scale, &bias, 1, 0.0, &mean, &rstd);
  expectTensor(y, {2, 2, 2},
               {kLn0, kLn1, kLn2, 3.6832815729997477, -0.5773502691896258,
                -0.5773502691896258, -0.5773502691896258, 4.464101615137754});
  expectTensor(mean, {2}, {2.5, 2.0});
  expectTensor(rstd, {2}, {0.8944271909999159, 0.28867513459481287});
  // axis -2 is the same dim.
  expectTensor(layerNorm(x, &scale, &bias, -2, 0.0), {2, 2, 2}, y.data);
}

TEST(LayerNormTest, EpsilonInsideSqrt) {
  // [0, 2]: mean 1, var 1; eps 3 gives rstd 1/sqrt(4) = 0.5: [-0.5, 0.5].
  expectTensor(layerNorm(makeTensor({2}, {0, 2}), nullptr, nullptr, 0, 3.0),
               {2}, {-0.5, 0.5});
}

TEST(LayerNormTest, LargeMeanIsStable) {
  // 1e4 + [-1, 1, -1, 1]: mean 1e4, var 1, so +-1 (a one-pass E[x^2]-E[x]^2
  // in float would lose this).
  Tensor y = layerNorm(makeTensor({4}, {1e4 - 1, 1e4 + 1, 1e4 - 1, 1e4 + 1}),
                       nullptr, nullptr, -1, 0.0);
  expectTensor(y, {4}, {-1, 1, -1, 1}, 1e-9);
}

TEST(LayerNormTest, InvalidArguments) {
  Tensor x = makeTensor({2, 2}, {1, 2, 3, 4});
  expectInvalid([&] { layerNorm(x, nullptr, nullptr, 2, 1e-5); },
                "axis 2 is out of range [-2, 2)");
  expectInvalid([&] { layerNorm(x, nullptr, nullptr, -3, 1e-5); },
                "out of range");
  Tensor badScale = makeTensor({3}, {1, 1, 1});
  expectInvalid([&] { layerNorm(x, &badScale, nullptr, -1, 1e-5); },
                "scale has shape [3], expected [2]");
  Tensor badData = makeTensor({2, 2}, {1, 2, 3});
  expectInvalid([&] { layerNorm(badData, nullptr, nullptr, -1, 1e-5); },
                "3 values");
}

TEST(RmsNormTest, ScaleOffsetOne) {
  // [3, 4]: mean(x^2) = 12.5, x/sqrt(12.5) = [0.848528137423857,
  // 1.131370849898476]; scale [0, 1] with offset 1 multiplies by [1, 2].
  Tensor x = makeTensor({1, 2}, {3, 4});
  Tensor scale = makeTensor({2}, {0, 1});
  Tensor rstd;
  Tensor y = rmsNorm(x, &scale, -1, 0.0, 1.0, &rstd);
  expectTensor(y, {1, 2}, {0.848528137423857, 2.262741699796952});
  expectTensor(rstd, {1}, {0.28284271247461906}); // 1/sqrt(12.5)
}

TEST(RmsNormTest, NoScaleIgnoresOffset) {
  // Without a scale nothing is multiplied, whatever scale_offset says.
  // eps 0.5: 3/sqrt(13) = 0.8320502943378437, 4/sqrt(13) = 1.1094003924504583.
  Tensor y = rmsNorm(makeTensor({2}, {3, 4}), nullptr, 0, 0.5, 5.0);
  expectTensor(y, {2}, {0.8320502943378437, 1.1094003924504583});
}

TEST(AddNormTest, SumAndNormalized) {
  // [1,1,1,1] + [0,1,2,3] = [1,2,3,4].
  Tensor x = makeTensor({4}, {1, 1, 1, 1});
  Tensor r = makeTensor({4}, {0, 1, 2, 3});
  auto [y, sum] = addLayerNorm(x, r, nullptr, nullptr, -1, 0.0);
  expectTensor(sum, {4}, {1, 2, 3, 4});
  expectTensor(y, {4}, {kLn0, kLn1, kLn2, kLn3});
  // [1, 2] + [2, 2] = [3, 4]; offset 1 + scale [1, 0] gives [2, 1].
  Tensor scale = makeTensor({2}, {1, 0});
  auto [y2, sum2] = addRmsNorm(makeTensor({2}, {1, 2}), makeTensor({2}, {2, 2}),
                               &scale, -1, 0.0, 1.0);
  expectTensor(sum2, {2}, {3, 4});
  expectTensor(y2, {2}, {2 * 0.848528137423857, 1.131370849898476});
  expectInvalid(
      [&] {
        addLayerNorm(x, makeTensor({2}, {1, 2}), nullptr, nullptr, -1, 0);
      },
      "residual has shape [2], expected [4]");
}

TEST(BatchNormTest, TrainUpdatesRunningStatsWithUnbiasedVar) {
  // x[N=2][C=2][L=2]. Channel 0: {1,2,3,4}: mean 2.5, var 1.25, unbiased
  // 1.25*4/3. Channel 1: {2,2,2,6}: mean 3, var (1+1+1+9)/4 = 3, unbiased 4.
  Tensor x = makeTensor({2, 2, 2}, {1, 2, 2, 2, 3, 4, 2, 6});
  Tensor scale = makeTensor({2}, {1, 2}), bias = makeTensor({2}, {0, 1});
  Tensor rm = makeTensor({2}, {0, 1}), rv = makeTensor({2}, {1, 1});
  BatchNormResult r =
      batchNorm(x, scale, bias, rm, rv, nullptr, true, 0.0, 0.1, 1);
  // Channel 1: (2-3)/sqrt(3)*2+1 = -0.1547005383792517,
  // (6-3)/sqrt(3)*2+1 = 4.464101615137754.
  expectTensor(r.result, {2, 2, 2},
               {kLn0, kLn1, -0.1547005383792517, -0.1547005383792517, kLn2,
                kLn3, -0.1547005383792517, 4.464101615137754});
  // 0.9*0 + 0.1*2.5, 0.9*1 + 0.1*3.
  expectTensor(r.newRunningMean, {2}, {0.25, 1.2});
  // 0.9*1 + 0.1*(5/3) = 1.0666..., 0.9*1 + 0.1*4 = 1.3 (biased would give
  // 1.025 and 1.2).
  expectTensor(r.newRunningVar, {2}, {1.0666666666666667, 1.3});
  expectTensor(r.savedMean, {2}, {2.5, 3});
  expectTensor(r.savedRstd, {2}, {0.8944271909999159, 0.5773502691896258});
}

TEST(BatchNormTest, OneValuePerChannelGivesBias) {
  // N=1, C=2: each channel has one value, so var 0 and y = bias; the running
  // var is updated with 0: 0.9*4, 0.9*9; running mean 0.9*1+0.1*5,
  // 0.9*2+0.1*(-7).
  Tensor x = makeTensor({1, 2}, {5, -7});
  BatchNormResult r =
      batchNorm(x, makeTensor({2}, {3, 4}), makeTensor({2}, {0.5, -0.25}),
                makeTensor({2}, {1, 2}), makeTensor({2}, {4, 9}), nullptr, true,
                1e-5, 0.1, 1);
  expectTensor(r.result, {1, 2}, {0.5, -0.25}, 0);
  expectTensor(r.newRunningMean, {2}, {1.4, 1.1});
  expectTensor(r.newRunningVar, {2}, {3.6, 8.1});
  expectTensor(r.savedRstd, {2}, {316.22776601683796, 316.22776601683796},
               1e-9); // 1/sqrt(1e-5)
}

TEST(BatchNormTest, MaskedValuesDoNotAffectStats) {
  // x[1][4][C=2], channels last, mask [1][4] = {1,1,1,0}.
  // Channel 0 valid {1,2,3}: mean 2, var 2/3, unbiased 1; the masked 100
  // is still normalized: 98/sqrt(2/3) = 120.02499739637572.
  // Channel 1 valid {4,6,8}: mean 6, var 8/3, unbiased 4; masked -50 gives
  // -56/sqrt(8/3) = -34.292856398964496. 1/sqrt(2/3) = 1.224744871391589.
  Tensor x = makeTensor({1, 4, 2}, {1, 4, 2, 6, 3, 8, 100, -50});
  Tensor mask = makeTensor({1, 4}, {1, 1, 1, 0});
  Tensor ones = makeTensor({2}, {1, 1}), zeros = makeTensor({2}, {0, 0});
  BatchNormResult r =
      batchNorm(x, ones, zeros, zeros, zeros, &mask, true, 0.0, 1.0, -1);
  const double a = 1.224744871391589;
  expectTensor(r.result, {1, 4, 2},
               {-a, -a, 0, 0, a, a, 120.02499739637572, -34.292856398964496},
               1e-9);
  expectTensor(r.newRunningMean, {2}, {2, 6});
  expectTensor(r.newRunningVar, {2}, {1, 4});
  expectInvalid(
      [&] {
        Tensor bad = makeTensor({4}, {1, 1, 1, 0});
        batchNorm(x, ones, zeros, zeros, zeros, &bad, true, 0.0, 1.0, -1);
      },
      "mask has shape [4], expected [1, 4]");
}

TEST(BatchNormTest, EverythingMaskedKeepsRunningStats) {
  // n = 0: mean 0, var 0; eps 0.25 gives rstd 2, so y = 2x; without values
  // the running stats stay [1, 2] and [3, 5].
  Tensor x = makeTensor({1, 2, 1}, {2, 3});
  Tensor mask = makeTensor({1, 1}, {0});
  BatchNormResult r =
      batchNorm(x, makeTensor({2}, {1, 1}), makeTensor({2}, {0, 0}),
                makeTensor({2}, {1, 2}), makeTensor({2}, {3, 5}), &mask, true,
                0.25, 0.1, 1);
  expectTensor(r.result, {1, 2, 1}, {4, 6});
  expectTensor(r.newRunningMean, {2}, {1, 2});
  expectTensor(r.newRunningVar, {2}, {3, 5});
}

TEST(BatchNormTest, EvalUsesRunningStats) {
  // (x - 1) / sqrt(3 + 1) = [1, 2]; the running stats come back unchanged.
  BatchNormResult r = batchNorm(
      makeTensor({2, 1}, {3, 5}), makeTensor({1}, {1}), makeTensor({1}, {0}),
      makeTensor({1}, {1}), makeTensor({1}, {3}), nullptr, false, 1.0, 0.1, 1);
  expectTensor(r.result, {2, 1}, {1, 2});
  expectTensor(r.newRunningMean, {1}, {1});
  expectTensor(r.newRunningVar, {1}, {3});
  expectTensor(r.savedMean, {1}, {1});
  expectTensor(r.savedRstd, {1}, {0.5});
}

TEST(BatchNormTest, ApplyWithGivenStats) {
  // Channels {1,3} with mean 2, var 1 and {10,30} with mean 20, var 100:
  // [[-1,-1],[1,1]], then * [2,3] + [0,1].
  Tensor x = makeTensor({2, 2}, {1, 10, 3, 30});
  Tensor scale = makeTensor({2}, {2, 3}), bias = makeTensor({2}, {0, 1});
  expectTensor(batchNormApply(x, makeTensor({2}, {2, 20}),
                              makeTensor({2}, {1, 100}), &scale, &bias, 0.0, 1),
               {2, 2}, {-2, -2, 2, 4});
  expectTensor(batchNormApply(x, makeTensor({2}, {2, 20}),
                              makeTensor({2}, {1, 100}), nullptr, nullptr, 0.0,
                              -1),
               {2, 2}, {-1, -1, 1, 1});
}

TEST(BatchStatsTest, ChanMergeEqualsConcatenation) {
  // Channel 0: {1,2,3,4} and {10,20}; all six: mean 40/6, m2 = sum(x^2) -
  // 6*mean^2 = 530 - 266.666... = 263.333...
  // Channel 1: {0,0,0,0} and {6,6}: mean 2, m2 = 4*4 + 2*16 = 48.
  Tensor a = makeTensor({4, 2}, {1, 0, 2, 0, 3, 0, 4, 0});
  Tensor b = makeTensor({2, 2}, {10, 6, 20, 6});
  BatchStats sa = batchStats(a, nullptr, 1), sb = batchStats(b, nullptr, -1);
  expectTensor(sa.count, {2}, {4, 4});
  expectTensor(sa.mean, {2}, {2.5, 0});
  expectTensor(sa.m2, {2}, {5, 0});
  BatchStats m = mergeStats(sa, sb);
  expectTensor(m.count, {2}, {6, 6});
  expectTensor(m.mean, {2}, {6.666666666666667, 2}, 1e-12);
  expectTensor(m.m2, {2}, {263.3333333333333, 48}, 1e-9);
  // The same numbers straight from the concatenation.
  Tensor all = makeTensor({6, 2}, {1, 0, 2, 0, 3, 0, 4, 0, 10, 6, 20, 6});
  BatchStats s = batchStats(all, nullptr, 1);
  expectTensor(s.mean, {2}, m.mean.data, 1e-12);
  expectTensor(s.m2, {2}, m.m2.data, 1e-9);
}

TEST(BatchStatsTest, MaskAndEmptyMerge) {
  // Mask drops the last row: {1, 3} -> count 2, mean 2, m2 2.
  Tensor x = makeTensor({3, 1}, {1, 3, 50});
  Tensor mask = makeTensor({3}, {1, 1, 0});
  BatchStats s = batchStats(x, &mask, 1);
  expectTensor(s.count, {1}, {2});
  expectTensor(s.mean, {1}, {2});
  expectTensor(s.m2, {1}, {2});
  // Merging with an empty side keeps the other; empty with empty is zero.
  BatchStats empty{makeTensor({1}, {0}), makeTensor({1}, {0}),
                   makeTensor({1}, {0})};
  BatchStats m = mergeStats(empty, s);
  expectTensor(m.count, {1}, {2});
  expectTensor(m.mean, {1}, {2});
  expectTensor(m.m2, {1}, {2});
  BatchStats z = mergeStats(empty, empty);
  expectTensor(z.mean, {1}, {0});
  expectTensor(z.m2, {1}, {0});
}

TEST(GroupNormTest, OneGroupNCHW) {
  // x[1][C=2][L=2] = {1,2 | 3,4}: one group is the layer norm of all four;
  // scale [1,2], bias [0,1] act on channel 1: 2*0.4472135954999579+1,
  // 2*1.3416407864998738+1.
  Tensor scale = makeTensor({2}, {1, 2}), bias = makeTensor({2}, {0, 1});
  Tensor y =
      groupNorm(makeTensor({1, 2, 2}, {1, 2, 3, 4}), &scale, &bias, 1, 0.0, 1);
  expectTensor(y, {1, 2, 2},
               {kLn0, kLn1, 1.8944271909999157, 3.6832815729997477});
}

TEST(GroupNormTest, InstanceNormNCHWPerSample) {
  // C groups (instance norm), two samples. Sample 0: {1,3} and {10,20};
  // sample 1: {0,4} and {5,7}. Every pair (a, b) normalizes to [-1, 1];
  // pooling across samples would not.
  Tensor x = makeTensor({2, 2, 2}, {1, 3, 10, 20, 0, 4, 5, 7});
  expectTensor(groupNorm(x, nullptr, nullptr, 2, 0.0, 1), {2, 2, 2},
               {-1, 1, -1, 1, -1, 1, -1, 1});
  // Two groups of two channels: {1,3} and {10,30} in x[1][4][1].
  expectTensor(groupNorm(makeTensor({1, 4, 1}, {1, 3, 10, 30}), nullptr,
                         nullptr, 2, 0.0, 1),
               {1, 4, 1}, {-1, 1, -1, 1});
}

TEST(GroupNormTest, NHWC) {
  // x[1][L=2][C=2] = {l0: 1, 10 | l1: 3, 20}.
  Tensor x = makeTensor({1, 2, 2}, {1, 10, 3, 20});
  // C groups: channel 0 {1,3}, channel 1 {10,20} -> [-1, -1, 1, 1].
  expectTensor(groupNorm(x, nullptr, nullptr, 2, 0.0, -1), {1, 2, 2},
               {-1, -1, 1, 1});
  // One group: mean 8.5, deviations -7.5, 1.5, -5.5, 11.5, var 221/4 =
  // 55.25; divide each deviation by sqrt(55.25).
  expectTensor(groupNorm(x, nullptr, nullptr, 1, 0.0, 2), {1, 2, 2},
               {-1.0090091909944687, 0.20180183819889375, -0.7399400733959437,
                1.5471474261915186});
}

TEST(GroupNormTest, InvalidArguments) {
  Tensor x = makeTensor({1, 3, 1}, {1, 2, 3});
  expectInvalid([&] { groupNorm(x, nullptr, nullptr, 2, 1e-5, 1); },
                "num_groups 2 must be positive and divide the 3 channels");
  expectInvalid([&] { groupNorm(x, nullptr, nullptr, 1, 1e-5, 0); },
                "batch dim");
}

TEST(WeightNormTest, WithDim) {
  // v = [[3,4],[6,8]]. dim 0: row norms 5 and 10, g = [10, 1]:
  // [[6, 8], [0.6, 0.8]].
  Tensor v = makeTensor({2, 2}, {3, 4, 6, 8});
  expectTensor(weightNorm(v, makeTensor({2}, {10, 1}), 0), {2, 2},
               {6, 8, 0.6, 0.8});
  expectTensor(weightNorm(v, makeTensor({2}, {10, 1}), -2), {2, 2},
               {6, 8, 0.6, 0.8});
  // dim 1: column norms sqrt(45) and sqrt(80), g = [1, 2]:
  // 3/sqrt(45), 2*4/sqrt(80), 6/sqrt(45), 2*8/sqrt(80).
  expectTensor(weightNorm(v, makeTensor({2}, {1, 2}), 1), {2, 2},
               {0.4472135954999579, 0.8944271909999159, 0.8944271909999159,
                1.7888543819998317});
  expectInvalid(
      [&] {
        weightNorm(v, makeTensor({3}, {1, 2, 3}), 0);
      },
      "g has shape [3], expected [2]");
}

TEST(WeightNormTest, WholeTensor) {
  // ||v|| = sqrt(9+16+36+64) = sqrt(125); g = 5: v * 5/sqrt(125) =
  // v * 0.4472135954999579.
  Tensor v = makeTensor({2, 2}, {3, 4, 6, 8});
  expectTensor(weightNorm(v, makeTensor({}, {5}), std::nullopt), {2, 2},
               {1.3416407864998738, 1.7888543819998317, 2.6832815729997477,
                3.5777087639996634});
  expectInvalid([&] { weightNorm(v, makeTensor({1}, {5}), std::nullopt); },
                "g has shape [1], expected []");
}

TEST(ProjectionTest, Matmul) {
  // [[1,2],[3,4]] x [[5],[6]] = [[17],[39]]; batch dims are kept.
  expectTensor(
      matmul(makeTensor({1, 2, 2}, {1, 2, 3, 4}), makeTensor({2, 1}, {5, 6})),
      {1, 2, 1}, {17, 39});
  expectInvalid(
      [] {
        matmul(makeTensor({2}, {1, 2}), makeTensor({3, 1}, {1, 2, 3}));
      },
      "cannot multiply [2] by [3, 1]");
}

TEST(ProjectionTest, ProjectNormLayerAndRms) {
  // x = [1, 2], w = [[1,0,2,0],[0,1,0,2]]: p = [1, 2, 2, 4]; + proj_bias
  // [0,0,0,4] gives [1, 2, 2, 8]; head_dim 2.
  Tensor x = makeTensor({1, 2}, {1, 2});
  Tensor w = makeTensor({2, 4}, {1, 0, 2, 0, 0, 1, 0, 2});
  Tensor projBias = makeTensor({4}, {0, 0, 0, 4});
  Tensor scale = makeTensor({2}, {2, 3}), bias = makeTensor({2}, {0.5, 0});
  // Layer: each pair normalizes to [-1, 1]; * [2,3] + [0.5, 0].
  expectTensor(projectNorm(false, x, w, &projBias, &scale, &bias, 2, 0.0, 0.0),
               {1, 4}, {-1.5, 3, -1.5, 3});
  // RMS without proj_bias, scale [1, 3]: head [1,2] has mean square 2.5,
  // head [2,4] has 10: [1/sqrt(2.5), 6/sqrt(2.5), 2/sqrt(10), 12/sqrt(10)].
  Tensor rmsScale = makeTensor({2}, {1, 3});
  expectTensor(
      projectNorm(true, x, w, nullptr, &rmsScale, nullptr, 2, 0.0, 0.0), {1, 4},
      {0.6324555320336759, 3.794733192202055, 0.6324555320336759,
       3.794733192202055});
  // RMS with proj_bias: head [2, 8] has mean square 34:
  // 2/sqrt(34), 3*8/sqrt(34).
  Tensor y =
      projectNorm(true, x, w, &projBias, &rmsScale, nullptr, 2, 0.0, 0.0);
  EXPECT_NEAR(y.data[2], 0.34299717028501764, 1e-12);
  EXPECT_NEAR(y.data[3], 4.115966043420212, 1e-12);
  expectInvalid(
      [&] { projectNorm(true, x, w, nullptr, nullptr, nullptr, 3, 0.0, 0.0); },
      "head_dim 3");
}

TEST(ProjectionTest, NormProject) {
  // Layer: norm([1,2,3,4]) x [[1,0],[0,0],[0,0],[0,1]] = [kLn0, kLn3],
  // + bias [1, -1].
  Tensor bias = makeTensor({2}, {1, -1});
  expectTensor(normProject(false, makeTensor({1, 4}, {1, 2, 3, 4}),
                           makeTensor({4, 2}, {1, 0, 0, 0, 0, 0, 0, 1}), &bias,
                           0.0),
               {1, 2}, {-0.3416407864998738, 0.3416407864998738});
  // RMS: [3, 4] / sqrt(12.5) x [[1],[1]] = 7/sqrt(12.5).
  expectTensor(normProject(true, makeTensor({2}, {3, 4}),
                           makeTensor({2, 1}, {1, 1}), nullptr, 0.0),
               {1}, {1.979898987322333});
}

TEST(ResidualTest, PreNormParallelBody) {
  // h = LN(x) = [kLn0..kLn3]; the body yields 2h and h, so f = 3h;
  // y = x + 3h: 1 - 4.024922359499621, 2 - 1.3416407864998737, ...
  std::function<Tensor(const Tensor &)> pre = [](const Tensor &t) {
    return layerNorm(t, nullptr, nullptr, -1, 0.0);
  };
  auto body = [](const Tensor &h) {
    Tensor twice = h;
    for (double &v : twice.data)
      v *= 2;
    return std::vector<Tensor>{twice, h};
  };
  Tensor y = residual(makeTensor({4}, {1, 2, 3, 4}), &pre, body, nullptr,
                      nullptr, 1.0);
  expectTensor(y, {4},
               {-3.024922359499621, 0.6583592135001263, 4.341640786499874,
                8.024922359499621});
}

TEST(ResidualTest, PostNormWithScale) {
  // f = x, s = 2x + x = [3, 6, 9, 12]; LN(s) = LN(x) (scale invariant).
  std::function<Tensor(const Tensor &)> post = [](const Tensor &t) {
    return layerNorm(t, nullptr, nullptr, -1, 0.0);
  };
  auto identity = [](const Tensor &h) { return std::vector<Tensor>{h}; };
  Tensor x = makeTensor({4}, {1, 2, 3, 4});
  expectTensor(residual(x, nullptr, identity, nullptr, &post, 2.0), {4},
               {kLn0, kLn1, kLn2, kLn3});
  // Without post: s = 3x.
  expectTensor(residual(x, nullptr, identity, nullptr, nullptr, 2.0), {4},
               {3, 6, 9, 12});
}

TEST(ResidualTest, SandwichPreAndOut) {
  // pre doubles, body yields h twice (f = 4x), out = LN: LN(4x) = LN(x);
  // y = x + LN(x).
  std::function<Tensor(const Tensor &)> pre = [](const Tensor &t) {
    Tensor r = t;
    for (double &v : r.data)
      v *= 2;
    return r;
  };
  std::function<Tensor(const Tensor &)> out = [](const Tensor &t) {
    return layerNorm(t, nullptr, nullptr, -1, 0.0);
  };
  auto twice = [](const Tensor &h) { return std::vector<Tensor>{h, h}; };
  expectTensor(
      residual(makeTensor({4}, {1, 2, 3, 4}), &pre, twice, &out, nullptr, 1.0),
      {4},
      {-0.3416407864998738, 1.5527864045000421, 3.447213595499958,
       5.341640786499874});
  auto none = [](const Tensor &) { return std::vector<Tensor>{}; };
  expectInvalid(
      [&] {
        residual(makeTensor({1}, {1}), nullptr, none, nullptr, nullptr, 1.0);
      },
      "body yields no value");
}

} // namespace
