// bf16 data with f64 statistics, and f64 values rounded to bf16: the casts
// go through f32 (rounded to odd), so every result is the correctly
// rounded bf16 of the float64 value, where two roundings to nearest would
// be one ulp off (1 + 2^-8 + 2^-30 is just above a bf16 tie; to nearest f32
// it is the tie itself, which rounds to even, down).

// RUN: norm-run %s --entry=round_f64_to_bf16 --check | FileCheck %s --check-prefix=EXACT
// EXACT: result0 (bf16): 8 values, max abs 0.0e+00, max rel 0.0e+00, max ulp 0.0, PASS
// RUN: norm-run %s --entry=round_f64_to_bf16 --check --pipeline-options=vector-bits=128 | FileCheck %s --check-prefix=EXACT
// RUN: norm-run %s --entry=layer_norm_f64_stats --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=batch_norm_f64_stats --random-inputs --check | FileCheck %s --check-prefix=PASS
// PASS: check: PASS

func.func @round_f64_to_bf16() -> tensor<8xbf16> {
  // 1 + 2^-8 + 2^-30, its negation, 1 + 2^-8 - 2^-30, a value just above a
  // tie near 2^-120 (a bf16 normal), a value that rounds to f32's largest
  // finite, 0.1, a huge value, and 1 + 2^-8 exactly (a tie: to even).
  %x = arith.constant dense<[1.0039062509313226, -1.0039062509313226, 1.0039062490686774,
                             7.5234556e-37, 3.4028235677973366e+38, 0.1, 1.0e300, 1.00390625]> : tensor<8xf64>
  %y = arith.truncf %x : tensor<8xf64> to tensor<8xbf16>
  return %y : tensor<8xbf16>
}

func.func @layer_norm_f64_stats(%x: tensor<8x257xbf16>, %g: tensor<257xbf16>) -> tensor<8x257xbf16> {
  %y = norm.layer_norm %x scale(%g : tensor<257xbf16>) {compute_type = f64} : tensor<8x257xbf16>
  return %y : tensor<8x257xbf16>
}

func.func @batch_norm_f64_stats(%x: tensor<4x8x5x5xbf16>, %g: tensor<8xf64>, %b: tensor<8xf64>,
                                %m: tensor<8xf64>, %v: tensor<8xf64>) -> (tensor<4x8x5x5xbf16>, tensor<8xf64>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v {compute_type = f64}
      : tensor<4x8x5x5xbf16>, params tensor<8xf64>, stats tensor<8xf64>
  return %y, %nv : tensor<4x8x5x5xbf16>, tensor<8xf64>
}
