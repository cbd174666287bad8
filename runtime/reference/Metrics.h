//===- Metrics.h - Error metrics against the reference ----------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Compares computed results with float64 reference values: absolute, relative
// and ulp errors, a tolerance check, and a one-line report for norm-run.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_RUNTIME_REFERENCE_METRICS_H
#define NORM_RUNTIME_REFERENCE_METRICS_H

#include "runtime/npy/Npy.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace norm::rt {

/// The result of comparing one output with its reference.
struct ErrorReport {
  /// The largest |got - ref|; infinity for a NaN/infinity mismatch.
  double maxAbs = 0;
  /// The largest |got - ref| / |ref| over ref != 0; infinity for a mismatch.
  double maxRel = 0;
  /// The largest distance from got to ref rounded to the result type, in
  /// ulps of the result type at that rounded value, or at 2^-10 of the
  /// largest |ref| where the value is smaller: near zero (after
  /// cancellation) an error is only meaningful at the result's scale, and
  /// the spacing of tiny values made any error billions of ulps. Values
  /// within ten binades of the largest keep their own ulps (bf16/f16
  /// results are checked to 1 ulp there).
  double maxUlp = 0;
  /// The element with the largest |got - ref| / (atol + rtol * |ref|) (a
  /// mismatch counts as infinite; the first wins ties); -1 if none.
  int64_t worstIndex = -1;
  /// How many elements failed the tolerance.
  int64_t mismatches = 0;
  /// How many elements were compared.
  int64_t count = 0;
  /// Whether no element failed.
  bool passed = true;
};

/// `value` correctly rounded (nearest-even) to `type`: f16, bf16, f32 or f64;
/// integer types round to the nearest integer (ties to even); Bool gives 0/1.
double roundTo(double value, DType type);

/// The spacing of `type` at `value`: 2^(e - mantissa bits) for |value| in
/// [2^e, 2^(e+1)), the subnormal spacing below the normals, 1 for integer
/// types; infinity for an infinite `value`, NaN for NaN.
double ulpOf(double value, DType type);

/// Compares `got` with `ref` element by element. An element passes when both
/// are NaN, both are the same infinity, or |got - ref| <= atol + rtol * |ref|.
/// Throws std::invalid_argument if the sizes differ.
ErrorReport compareToReference(const std::vector<double> &got,
                               const std::vector<double> &ref, DType resultType,
                               double rtol, double atol);

/// One line: "NAME: N values, max abs A, max rel R, max ulp U, PASS", or
/// "..., FAIL (M mismatches, worst at index I)".
std::string formatReport(const std::string &name, const ErrorReport &report);

/// The default (rtol, atol) of a check of results of type `dtype`: a few
/// ulps of the type (0 for integers and booleans, which must match).
std::pair<double, double> defaultTolerance(DType dtype);

/// A default `atol` at the scale of the reference: `atol` times the largest
/// finite |ref| when that is above 1. An output near zero, after
/// cancellation (x - mean, a sum of products), is as accurate as the values
/// it came from, not as itself; the tools use this unless told an --atol.
double atolAtScale(double atol, const std::vector<double> &ref);

} // namespace norm::rt

#endif // NORM_RUNTIME_REFERENCE_METRICS_H
