//===- Metrics.cpp - Error metrics against the reference ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Element-wise comparison with NaN and infinity rules, ulp distances measured
// in the result type, and the report line norm-run prints per result.
//
//===----------------------------------------------------------------------===//

#include "runtime/reference/Metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

namespace norm::rt {

static const double kInf = std::numeric_limits<double>::infinity();

double roundTo(double value, DType type) {
  switch (type) {
  case DType::F16:
    return halfBitsToDouble(doubleToHalfBits(value));
  case DType::BF16:
    return bf16BitsToDouble(doubleToBF16Bits(value));
  case DType::F32:
    return double(static_cast<float>(value));
  case DType::F64:
    return value;
  case DType::U16:
  case DType::I32:
  case DType::I64:
    return std::nearbyint(value);
  case DType::Bool:
    return value != 0 ? 1.0 : 0.0;
  }
  return value;
}

double ulpOf(double value, DType type) {
  int mantBits, minExp;
  switch (type) {
  case DType::F16:
    mantBits = 10, minExp = -14;
    break;
  case DType::BF16:
    mantBits = 7, minExp = -126;
    break;
  case DType::F32:
    mantBits = 23, minExp = -126;
    break;
  case DType::F64:
    mantBits = 52, minExp = -1022;
    break;
  default:
    return 1.0;
  }
  if (std::isnan(value))
    return value;
  if (std::isinf(value))
    return kInf;
  int e;
  std::frexp(value, &e);
  e -= 1; // |value| is in [2^e, 2^(e+1))
  if (value == 0 || e < minExp)
    e = minExp;
  return std::ldexp(1.0, e - mantBits);
}

/// Whether `got` and `ref` are both NaN or both the same infinity.
static bool sameSpecial(double got, double ref) {
  return (std::isnan(got) && std::isnan(ref)) ||
         (std::isinf(got) && got == ref);
}

/// The largest finite |ref|, the scale of a result.
static double scaleOf(const std::vector<double> &ref) {
  double scale = 0;
  for (double f : ref)
    if (std::isfinite(f))
      scale = std::max(scale, std::fabs(f));
  return scale;
}

/// Ulps from `got` to `ref` rounded to `type`, measured no finer than at
/// `floor`: near zero (after cancellation) an error is only meaningful at
/// the result's scale, and the spacing of tiny values would make any error
/// millions of ulps.
static double ulpDistance(double got, double ref, DType type, double floor) {
  double rounded = roundTo(ref, type);
  if (sameSpecial(got, rounded) || got == rounded)
    return 0;
  if (!std::isfinite(got) || !std::isfinite(rounded))
    return kInf;
  return std::fabs(got - rounded) /
         ulpOf(std::max(std::fabs(rounded), floor), type);
}

double atolAtScale(double atol, const std::vector<double> &ref) {
  return atol * std::max(1.0, scaleOf(ref));
}

ErrorReport compareToReference(const std::vector<double> &got,
                               const std::vector<double> &ref, DType resultType,
                               double rtol, double atol) {
  if (got.size() != ref.size())
    throw std::invalid_argument(
        "compareToReference: " + std::to_string(got.size()) +
        " values against a reference of " + std::to_string(ref.size()));
  ErrorReport r;
  r.count = int64_t(got.size());
  double worst = -1;
  double ulpFloor = std::ldexp(scaleOf(ref), -10);
  for (size_t i = 0; i < got.size(); ++i) {
    double g = got[i], f = ref[i];
    double absErr, relErr = 0, ratio;
    bool ok;
    if (sameSpecial(g, f)) {
      absErr = 0, ratio = 0, ok = true;
    } else if (!std::isfinite(g) || !std::isfinite(f)) {
      absErr = kInf, relErr = kInf, ratio = kInf, ok = false;
    } else {
      absErr = std::fabs(g - f);
      double tol = atol + rtol * std::fabs(f);
      ok = absErr <= tol;
      if (f != 0)
        relErr = absErr / std::fabs(f);
      ratio = tol > 0 ? absErr / tol : (absErr > 0 ? kInf : 0.0);
    }
    r.maxAbs = std::max(r.maxAbs, absErr);
    r.maxRel = std::max(r.maxRel, relErr);
    r.maxUlp = std::max(r.maxUlp, ulpDistance(g, f, resultType, ulpFloor));
    if (!ok)
      ++r.mismatches;
    if (ratio > worst) {
      worst = ratio;
      r.worstIndex = int64_t(i);
    }
  }
  r.passed = r.mismatches == 0;
  return r;
}

std::string formatReport(const std::string &name, const ErrorReport &report) {
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "%lld values, max abs %.1e, max rel %.1e, max ulp %.1f, ",
                static_cast<long long>(report.count), report.maxAbs,
                report.maxRel, report.maxUlp);
  std::string line = name + ": " + buf;
  if (report.passed)
    return line + "PASS";
  std::snprintf(buf, sizeof(buf), "FAIL (%lld mismatches, worst at index %lld)",
                static_cast<long long>(report.mismatches),
                static_cast<long long>(report.worstIndex));
  return line + buf;
}

std::pair<double, double> defaultTolerance(DType dtype) {
  switch (dtype) {
  case DType::F64:
    return {1e-10, 1e-12};
  case DType::F32:
    return {1e-5, 1e-6};
  case DType::F16:
    return {1e-3, 1e-4};
  case DType::BF16:
    return {8e-3, 1e-3};
  default:
    return {0.0, 0.0};
  }
}

} // namespace norm::rt
