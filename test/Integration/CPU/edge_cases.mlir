// Numerical edge cases through norm-run --check: what the float64 reference
// says is what the compiled code must give.
// RUN: norm-run %s --entry=nan_and_inf_propagate --random-inputs --check | FileCheck %s --check-prefix=NAN
// RUN: norm-run %s --entry=constant_rows --random-inputs --check | FileCheck %s --check-prefix=CONST
// RUN: norm-run %s --entry=denormal_inputs --random-inputs --check --rtol=1e-4 --atol=0 | FileCheck %s --check-prefix=DENORMAL
// RUN: norm-run %s --entry=f16_near_max --check | FileCheck %s --check-prefix=F16MAX
// RUN: norm-run %s --entry=epsilon_extremes --random-inputs --check | FileCheck %s --check-prefix=EPS

// A NaN or an infinity makes its whole row NaN (the mean is NaN or inf);
// the other rows are untouched. RMS norm of a row with inf: finite values
// become 0 and the inf NaN. --check counts NaN = NaN as a match.
// NAN: result0 (f32): 32 values, {{.*}}, PASS
// NAN: result1 (f32): 32 values, {{.*}}, PASS
// NAN: check: PASS
func.func @nan_and_inf_propagate(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %special = arith.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                   [0.0, 0.0, 0.0, 0x7FC00000, 0.0, 0.0, 0.0, 0.0],
                                   [0x7F800000, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                   [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000]]> : tensor<4x8xf32>
  %in = arith.addf %x, %special : tensor<4x8xf32>
  %y = norm.layer_norm %in : tensor<4x8xf32>
  %z = norm.rms_norm %in : tensor<4x8xf32>
  return %y, %z : tensor<4x8xf32>, tensor<4x8xf32>
}

// Rows that are all equal: variance 0, the output is exactly the bias.
// CONST: result0 (f32): 64 values, max abs 0.0e+00
// CONST: result1 (bf16): 64 values, max abs 0.0e+00
// CONST: check: PASS
func.func @constant_rows(%b: tensor<16xf32>, %bb: tensor<16xbf16>) -> (tensor<4x16xf32>, tensor<4x16xbf16>) {
  %x = arith.constant dense<3.25> : tensor<4x16xf32>
  %y = norm.layer_norm %x bias(%b : tensor<16xf32>) : tensor<4x16xf32>
  %xb = arith.constant dense<-7.5e3> : tensor<4x16xbf16>
  %yb = norm.layer_norm %xb bias(%bb : tensor<16xbf16>) : tensor<4x16xbf16>
  return %y, %yb : tensor<4x16xf32>, tensor<4x16xbf16>
}

// Subnormal f32 inputs (~1e-40): the variance underflows, epsilon dominates,
// and the outputs (~1e-38) keep their relative accuracy.
// DENORMAL: result0 (f32): 64 values, {{.*}}, PASS
// DENORMAL: check: PASS
func.func @denormal_inputs(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %tiny = arith.constant dense<1.0e-40> : tensor<4x16xf32>
  %d = arith.mulf %x, %tiny : tensor<4x16xf32>
  %y = norm.layer_norm %d : tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// f16 values at the edge of the range: x^2 overflows f16 but not the f32
// statistics. Results within 1 ulp.
// F16MAX: result0 (f16): 16 values, {{.*}} max ulp {{0|1}}.0, PASS
// F16MAX: result1 (f16): 16 values, {{.*}} max ulp {{0|1}}.0, PASS
// F16MAX: check: PASS
func.func @f16_near_max() -> (tensor<2x8xf16>, tensor<2x8xf16>) {
  %x = arith.constant dense<[[65504.0, -65504.0, 65000.0, 60000.0, -1.0, 0.5, 32768.0, -40000.0],
                             [65504.0, 65504.0, 65504.0, 65504.0, 65504.0, 65504.0, 65504.0, 65472.0]]> : tensor<2x8xf16>
  %y = norm.layer_norm %x : tensor<2x8xf16>
  %z = norm.rms_norm %x : tensor<2x8xf16>
  return %y, %z : tensor<2x8xf16>, tensor<2x8xf16>
}

// EPS: result0 (f32): 96 values, {{.*}}, PASS
// EPS: result1 (f32): 96 values, {{.*}}, PASS
// EPS: check: PASS
func.func @epsilon_extremes(%x: tensor<6x16xf32>) -> (tensor<6x16xf32>, tensor<6x16xf32>) {
  %tiny = norm.layer_norm %x {epsilon = 1.0e-30 : f64} : tensor<6x16xf32>
  %large = norm.rms_norm %x {epsilon = 1.0e3 : f64} : tensor<6x16xf32>
  return %tiny, %large : tensor<6x16xf32>, tensor<6x16xf32>
}
