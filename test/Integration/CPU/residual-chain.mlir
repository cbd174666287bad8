// RUN: norm-run %s --random-inputs --check | FileCheck %s

// Three chained residual blocks whose bodies define many values: evaluating
// a body grows the evaluator's value table, which once left the residual's
// input dangling (std::bad_array_new_length from the second block on).
// CHECK: check: PASS
func.func @chain(%x: tensor<4x16xf32>, %g: tensor<16xf32>) -> tensor<4x16xf32> {
  %half = arith.constant dense<0.5> : tensor<4x16xf32>
  %h0 = norm.residual %x : tensor<4x16xf32> pre {
  ^bb0(%a: tensor<4x16xf32>):
    %n = norm.rms_norm %a scale(%g : tensor<16xf32>) : tensor<4x16xf32>
    norm.yield %n : tensor<4x16xf32>
  } body {
  ^bb0(%in: tensor<4x16xf32>):
    %v0 = arith.addf %in, %in : tensor<4x16xf32>
    %v1 = arith.mulf %v0, %half : tensor<4x16xf32>
    %v2 = arith.addf %v1, %in : tensor<4x16xf32>
    %v3 = arith.mulf %v2, %half : tensor<4x16xf32>
    %v4 = arith.addf %v3, %in : tensor<4x16xf32>
    %v5 = arith.mulf %v4, %half : tensor<4x16xf32>
    %v6 = arith.addf %v5, %in : tensor<4x16xf32>
    %v7 = arith.mulf %v6, %half : tensor<4x16xf32>
    %v8 = arith.addf %v7, %in : tensor<4x16xf32>
    %v9 = arith.mulf %v8, %half : tensor<4x16xf32>
    %v10 = arith.addf %v9, %in : tensor<4x16xf32>
    %v11 = arith.mulf %v10, %half : tensor<4x16xf32>
    %v12 = arith.addf %v11, %in : tensor<4x16xf32>
    %v13 = arith.mulf %v12, %half : tensor<4x16xf32>
    %v14 = arith.addf %v13, %in : tensor<4x16xf32>
    %v15 = arith.mulf %v14, %half : tensor<4x16xf32>
    %v16 = arith.addf %v15, %in : tensor<4x16xf32>
    %v17 = arith.mulf %v16, %half : tensor<4x16xf32>
    %v18 = arith.addf %v17, %in : tensor<4x16xf32>
    %v19 = arith.mulf %v18, %half : tensor<4x16xf32>
    %v20 = arith.addf %v19, %in : tensor<4x16xf32>
    %v21 = arith.mulf %v20, %half : tensor<4x16xf32>
    %v22 = arith.addf %v21, %in : tensor<4x16xf32>
    %v23 = arith.mulf %v22, %half : tensor<4x16xf32>
    norm.yield %v23 : tensor<4x16xf32>
  }
  %h1 = norm.residual %h0 : tensor<4x16xf32> pre {
  ^bb0(%a: tensor<4x16xf32>):
    %n = norm.rms_norm %a scale(%g : tensor<16xf32>) : tensor<4x16xf32>
    norm.yield %n : tensor<4x16xf32>
  } body {
  ^bb0(%in: tensor<4x16xf32>):
    %v0 = arith.addf %in, %in : tensor<4x16xf32>
    %v1 = arith.mulf %v0, %half : tensor<4x16xf32>
    %v2 = arith.addf %v1, %in : tensor<4x16xf32>
    %v3 = arith.mulf %v2, %half : tensor<4x16xf32>
    %v4 = arith.addf %v3, %in : tensor<4x16xf32>
    %v5 = arith.mulf %v4, %half : tensor<4x16xf32>
    %v6 = arith.addf %v5, %in : tensor<4x16xf32>
    %v7 = arith.mulf %v6, %half : tensor<4x16xf32>
    %v8 = arith.addf %v7, %in : tensor<4x16xf32>
    %v9 = arith.mulf %v8, %half : tensor<4x16xf32>
    %v10 = arith.addf %v9, %in : tensor<4x16xf32>
    %v11 = arith.mulf %v10, %half : tensor<4x16xf32>
    %v12 = arith.addf %v11, %in : tensor<4x16xf32>
    %v13 = arith.mulf %v12, %half : tensor<4x16xf32>
    %v14 = arith.addf %v13, %in : tensor<4x16xf32>
    %v15 = arith.mulf %v14, %half : tensor<4x16xf32>
    %v16 = arith.addf %v15, %in : tensor<4x16xf32>
    %v17 = arith.mulf %v16, %half : tensor<4x16xf32>
    %v18 = arith.addf %v17, %in : tensor<4x16xf32>
    %v19 = arith.mulf %v18, %half : tensor<4x16xf32>
    %v20 = arith.addf %v19, %in : tensor<4x16xf32>
    %v21 = arith.mulf %v20, %half : tensor<4x16xf32>
    %v22 = arith.addf %v21, %in : tensor<4x16xf32>
    %v23 = arith.mulf %v22, %half : tensor<4x16xf32>
    norm.yield %v23 : tensor<4x16xf32>
  }
  %h2 = norm.residual %h1 : tensor<4x16xf32> pre {
  ^bb0(%a: tensor<4x16xf32>):
    %n = norm.rms_norm %a scale(%g : tensor<16xf32>) : tensor<4x16xf32>
    norm.yield %n : tensor<4x16xf32>
  } body {
  ^bb0(%in: tensor<4x16xf32>):
    %v0 = arith.addf %in, %in : tensor<4x16xf32>
    %v1 = arith.mulf %v0, %half : tensor<4x16xf32>
    %v2 = arith.addf %v1, %in : tensor<4x16xf32>
    %v3 = arith.mulf %v2, %half : tensor<4x16xf32>
    %v4 = arith.addf %v3, %in : tensor<4x16xf32>
    %v5 = arith.mulf %v4, %half : tensor<4x16xf32>
    %v6 = arith.addf %v5, %in : tensor<4x16xf32>
    %v7 = arith.mulf %v6, %half : tensor<4x16xf32>
    %v8 = arith.addf %v7, %in : tensor<4x16xf32>
    %v9 = arith.mulf %v8, %half : tensor<4x16xf32>
    %v10 = arith.addf %v9, %in : tensor<4x16xf32>
    %v11 = arith.mulf %v10, %half : tensor<4x16xf32>
    %v12 = arith.addf %v11, %in : tensor<4x16xf32>
    %v13 = arith.mulf %v12, %half : tensor<4x16xf32>
    %v14 = arith.addf %v13, %in : tensor<4x16xf32>
    %v15 = arith.mulf %v14, %half : tensor<4x16xf32>
    %v16 = arith.addf %v15, %in : tensor<4x16xf32>
    %v17 = arith.mulf %v16, %half : tensor<4x16xf32>
    %v18 = arith.addf %v17, %in : tensor<4x16xf32>
    %v19 = arith.mulf %v18, %half : tensor<4x16xf32>
    %v20 = arith.addf %v19, %in : tensor<4x16xf32>
    %v21 = arith.mulf %v20, %half : tensor<4x16xf32>
    %v22 = arith.addf %v21, %in : tensor<4x16xf32>
    %v23 = arith.mulf %v22, %half : tensor<4x16xf32>
    norm.yield %v23 : tensor<4x16xf32>
  }
  return %h2 : tensor<4x16xf32>
}
