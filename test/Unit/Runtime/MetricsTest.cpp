//===- MetricsTest.cpp - Tests of the error metrics -----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// ulp sizes and rounding per dtype with powers of two worked out by hand, the
// tolerance rule with NaN and infinity, and the report line.
//
//===----------------------------------------------------------------------===//

#include "runtime/reference/Metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace norm::rt;

namespace {

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

/// 2^e.
double pow2(int e) { return std::ldexp(1.0, e); }

TEST(MetricsTest, UlpOfEachType) {
  // At 1.0 the spacing is 2^-(stored mantissa bits).
  EXPECT_EQ(ulpOf(1.0, DType::F16), pow2(-10));
  EXPECT_EQ(ulpOf(1.0, DType::BF16), pow2(-7));
  EXPECT_EQ(ulpOf(1.0, DType::F32), pow2(-23));
  EXPECT_EQ(ulpOf(1.0, DType::F64), pow2(-52));
  // Within [2^e, 2^(e+1)) it is 2^(e - mantissa bits), whatever the sign.
  EXPECT_EQ(ulpOf(0.75, DType::F16), pow2(-11));
  EXPECT_EQ(ulpOf(-3.0, DType::F32), pow2(-22));
  EXPECT_EQ(ulpOf(65504.0, DType::F16), 32.0);
  EXPECT_EQ(ulpOf(1000.0, DType::BF16), 4.0); // 1000 in [512, 1024): 2^(9-7)
  // Zero and subnormals use the subnormal spacing.
  EXPECT_EQ(ulpOf(0.0, DType::F16), pow2(-24));
  EXPECT_EQ(ulpOf(pow2(-20), DType::F16), pow2(-24));
  EXPECT_EQ(ulpOf(1e-40, DType::F32), pow2(-149));
  EXPECT_EQ(ulpOf(0.0, DType::BF16), pow2(-133));
  EXPECT_EQ(ulpOf(0.0, DType::F64), pow2(-1074));
  EXPECT_EQ(ulpOf(kInf, DType::F32), kInf);
  EXPECT_TRUE(std::isnan(ulpOf(kNaN, DType::F32)));
  EXPECT_EQ(ulpOf(12345.0, DType::I32), 1.0);
}

TEST(MetricsTest, RoundToEachType) {
  EXPECT_EQ(roundTo(0.1, DType::F16), 0.0999755859375); // 1638 * 2^-14
  EXPECT_EQ(roundTo(0.1, DType::BF16), 0.10009765625);  // 205 * 2^-11
  EXPECT_EQ(roundTo(0.1, DType::F32), 0.100000001490116119384765625);
  EXPECT_EQ(roundTo(0.1, DType::F64), 0.1);
  EXPECT_EQ(roundTo(70000.0, DType::F16), kInf);
  EXPECT_EQ(roundTo(1 + pow2(-24), DType::F32), 1.0); // tie to even
  EXPECT_EQ(roundTo(2.5, DType::I32), 2.0);
  EXPECT_EQ(roundTo(3.5, DType::I64), 4.0);
  EXPECT_EQ(roundTo(-0.5, DType::Bool), 1.0);
  EXPECT_TRUE(std::isnan(roundTo(kNaN, DType::BF16)));
}

TEST(MetricsTest, ExactMatchPasses) {
  ErrorReport r = compareToReference({1, 2, 3}, {1, 2, 3}, DType::F32, 0, 0);
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.count, 3);
  EXPECT_EQ(r.mismatches, 0);
  EXPECT_EQ(r.maxAbs, 0);
  EXPECT_EQ(r.maxRel, 0);
  EXPECT_EQ(r.maxUlp, 0);
}

TEST(MetricsTest, ToleranceRule) {
  // |100.5 - 100| = 0.5 <= 0 + 0.01 * 100 passes; with rtol 0.001 (0.1) it
  // fails. max rel 0.5 / 100 = 0.005.
  ErrorReport pass = compareToReference({100.5}, {100}, DType::F64, 0.01, 0);
  EXPECT_TRUE(pass.passed);
  EXPECT_EQ(pass.maxAbs, 0.5);
  EXPECT_EQ(pass.maxRel, 0.005);
  ErrorReport fail = compareToReference({100.5}, {100}, DType::F64, 0.001, 0);
  EXPECT_FALSE(fail.passed);
  EXPECT_EQ(fail.mismatches, 1);
  EXPECT_EQ(fail.worstIndex, 0);
  // atol alone: 0.25 off passes with atol 0.25, fails with 0.2; ref 0 is
  // skipped for the relative error.
  EXPECT_TRUE(compareToReference({0.25}, {0}, DType::F64, 0, 0.25).passed);
  ErrorReport atolFail = compareToReference({0.25}, {0}, DType::F64, 0, 0.2);
  EXPECT_FALSE(atolFail.passed);
  EXPECT_EQ(atolFail.maxRel, 0);
}

TEST(MetricsTest, WorstIndexAndMismatchCount) {
  // Errors 0, 0.3, 0.1, 0.5 against atol 0.2: two mismatches, worst at 3.
  ErrorReport r =
      compareToReference({1, 2.3, 3.1, 4.5}, {1, 2, 3, 4}, DType::F64, 0, 0.2);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.mismatches, 2);
  EXPECT_EQ(r.worstIndex, 3);
  EXPECT_DOUBLE_EQ(r.maxAbs, 0.5);
}

TEST(MetricsTest, NaNAndInfinity) {
  // Same specials pass even with zero tolerance.
  ErrorReport same = compareToReference({kNaN, kInf, -kInf},
                                        {kNaN, kInf, -kInf}, DType::F32, 0, 0);
  EXPECT_TRUE(same.passed);
  EXPECT_EQ(same.maxAbs, 0);
  EXPECT_EQ(same.maxUlp, 0);
  // NaN vs number, inf vs -inf, inf vs finite: each fails, even with a
  // huge tolerance.
  for (auto [got, ref] : {std::pair<double, double>{kNaN, 1.0},
                          {1.0, kNaN},
                          {kInf, -kInf},
                          {kInf, 1e308},
                          {1.0, kInf}}) {
    ErrorReport r =
        compareToReference({0, got}, {0, ref}, DType::F64, 1e9, 1e9);
    EXPECT_FALSE(r.passed) << got << " vs " << ref;
    EXPECT_EQ(r.mismatches, 1);
    EXPECT_EQ(r.worstIndex, 1);
    EXPECT_EQ(r.maxAbs, kInf);
    EXPECT_EQ(r.maxUlp, kInf);
  }
}

TEST(MetricsTest, UlpDistance) {
  // One f32 ulp above 1.0.
  EXPECT_EQ(compareToReference({1 + pow2(-23)}, {1}, DType::F32, 1, 1).maxUlp,
            1.0);
  // One f16 ulp below 2048 (spacing 1 in [1024, 2048)), measured at 2048
  // where the spacing is 2: half an ulp.
  EXPECT_EQ(compareToReference({2047}, {2048}, DType::F16, 1, 1).maxUlp, 0.5);
  // One bf16 ulp: 1 + 2^-7 against 1.
  EXPECT_EQ(compareToReference({1 + pow2(-7)}, {1}, DType::BF16, 1, 1).maxUlp,
            1.0);
  // The reference is rounded to the type first: 1 + 2^-12 rounds to 1 in
  // f16, so got = 1 is 0 ulps away and 1 + 2^-10 is 1 ulp away.
  EXPECT_EQ(compareToReference({1}, {1 + pow2(-12)}, DType::F16, 1, 1).maxUlp,
            0.0);
  EXPECT_EQ(
      compareToReference({1 + pow2(-10)}, {1 + pow2(-12)}, DType::F16, 1, 1)
          .maxUlp,
      1.0);
  // Three subnormal f16 steps.
  EXPECT_EQ(compareToReference({3 * pow2(-24)}, {0}, DType::F16, 1, 1).maxUlp,
            3.0);
}

TEST(MetricsTest, UlpsNearZeroAtTheResultsScale) {
  // A value near zero next to values of size 4: an error of 2^-31 is
  // measured at 4 * 2^-10 = 2^-8, where the f32 spacing is 2^-31: 1 ulp,
  // not the 2^22 ulps of the spacing at 2^-30.
  EXPECT_EQ(compareToReference({pow2(-30) + pow2(-31), 4}, {pow2(-30), 4},
                               DType::F32, 1, 1)
                .maxUlp,
            1.0);
  // Values above the floor keep their own spacing.
  EXPECT_EQ(compareToReference({pow2(-7) + pow2(-30), 4}, {pow2(-7), 4},
                               DType::F32, 1, 1)
                .maxUlp,
            1.0);
}

TEST(MetricsTest, AtolAtScale) {
  EXPECT_EQ(atolAtScale(1e-6, {0.5, -0.25}), 1e-6);
  EXPECT_EQ(atolAtScale(1e-6, {3, -8, 1}), 8e-6);
  // Infinities and NaNs do not set the scale.
  EXPECT_EQ(atolAtScale(1e-6, {2, std::numeric_limits<double>::infinity(),
                               std::nan("")}),
            2e-6);
}

TEST(MetricsTest, SizeMismatchThrows) {
  EXPECT_THROW(compareToReference({1, 2}, {1}, DType::F32, 0, 0),
               std::invalid_argument);
}

TEST(MetricsTest, FormatReport) {
  ErrorReport r;
  r.count = 4096;
  r.maxAbs = 1.2e-7;
  r.maxRel = 3.4e-7;
  r.maxUlp = 1.0;
  EXPECT_EQ(formatReport("result0", r),
            "result0: 4096 values, max abs 1.2e-07, max rel 3.4e-07, max ulp "
            "1.0, PASS");
  r.passed = false;
  r.mismatches = 12;
  r.worstIndex = 17;
  r.maxUlp = 2.5;
  EXPECT_EQ(formatReport("result1", r),
            "result1: 4096 values, max abs 1.2e-07, max rel 3.4e-07, max ulp "
            "2.5, FAIL (12 mismatches, worst at index 17)");
}

} // namespace
