// RUN: norm-opt %s --norm-approximate-math | FileCheck %s

// f32 exp, expm1, tanh and erf, scalar or vector, become polynomials.
// CHECK-LABEL: func.func @approximated
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.expm1
// CHECK-NOT:     math.tanh
// CHECK-NOT:     math.erf
// CHECK:         math.fma {{.*}} : vector<16xf32>
// CHECK:         return
func.func @approximated(%v: vector<16xf32>, %s: f32) -> (vector<16xf32>, vector<16xf32>, f32, f32) {
  %a = math.exp %v : vector<16xf32>
  %b = math.erf %v : vector<16xf32>
  %c = math.tanh %s : f32
  %d = math.expm1 %s : f32
  return %a, %b, %c, %d : vector<16xf32>, vector<16xf32>, f32, f32
}

// f64 (the statistics' fallback) and other functions are left to LLVM.
// CHECK-LABEL: func.func @left_alone
// CHECK:         math.exp %{{.*}} : f64
// CHECK:         math.erf %{{.*}} : vector<4xf64>
// CHECK:         math.sqrt %{{.*}} : f32
// CHECK:         math.rsqrt %{{.*}} : f32
func.func @left_alone(%x: f64, %v: vector<4xf64>, %s: f32) -> (f64, vector<4xf64>, f32, f32) {
  %a = math.exp %x : f64
  %b = math.erf %v : vector<4xf64>
  %c = math.sqrt %s : f32
  %d = math.rsqrt %s : f32
  return %a, %b, %c, %d : f64, vector<4xf64>, f32, f32
}
