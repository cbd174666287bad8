// RUN: norm-opt %s --norm-decompose-aggregates --split-input-file | FileCheck %s

// f32: max, exp(x - max) and sum reductions, then the division.
// CHECK-LABEL: func.func @softmax_f32
// CHECK-NOT:     linalg.softmax
// CHECK:         linalg.generic {{.*}}"parallel", "reduction"
// CHECK:           arith.maxnumf
// CHECK:         linalg.generic
// CHECK:           math.exp
// CHECK:         linalg.generic {{.*}}"parallel", "reduction"
// CHECK:           arith.addf
// CHECK:         linalg.generic
// CHECK:           arith.divf
func.func @softmax_f32(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.softmax dimension(1) ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// bf16: computed in f32 and rounded once.
// CHECK-LABEL: func.func @softmax_bf16
// CHECK:         %[[X:.*]] = arith.extf %{{.*}} : tensor<4x16xbf16> to tensor<4x16xf32>
// CHECK:         linalg.generic {{.*}} ins(%[[X]] : tensor<4x16xf32>)
// CHECK:           arith.maxnumf {{.*}} : f32
// CHECK:           arith.divf {{.*}} : f32
// CHECK-NEXT:      linalg.yield
// CHECK-NEXT:    } -> tensor<4x16xf32>
// CHECK-NEXT:    %[[Y:.*]] = arith.truncf %{{.*}} : tensor<4x16xf32> to tensor<4x16xbf16>
// CHECK:         return %[[Y]]
func.func @softmax_bf16(%x: tensor<4x16xbf16>) -> tensor<4x16xbf16> {
  %e = tensor.empty() : tensor<4x16xbf16>
  %y = linalg.softmax dimension(1) ins(%x : tensor<4x16xbf16>) outs(%e : tensor<4x16xbf16>) -> tensor<4x16xbf16>
  return %y : tensor<4x16xbf16>
}
