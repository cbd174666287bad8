// RUN: norm-opt %s --norm-native-bf16-truncf | FileCheck %s

// f32 to bf16, vector or scalar, to nearest even: an llvm.fptrunc, which
// LLVM's x86 backend emits as vcvtneps2bf16 on an AVX512-BF16 CPU.
// CHECK-LABEL: func.func @to_bf16
// CHECK:         llvm.fptrunc %{{.*}} : vector<32xf32> to vector<32xbf16>
// CHECK:         llvm.fptrunc %{{.*}} : f32 to bf16
// CHECK-NOT:     arith.truncf
func.func @to_bf16(%v: vector<32xf32>, %s: f32) -> (vector<32xbf16>, bf16) {
  %a = arith.truncf %v : vector<32xf32> to vector<32xbf16>
  %b = arith.truncf %s : f32 to bf16
  return %a, %b : vector<32xbf16>, bf16
}

// The LLVM dialect has no n-D vectors: a tile of rows is truncated a row at
// a time.
// CHECK-LABEL: func.func @tile_of_rows
// CHECK-COUNT-2: llvm.fptrunc %{{.*}} : vector<16xf32> to vector<16xbf16>
// CHECK-NOT:     arith.truncf
func.func @tile_of_rows(%v: vector<2x16xf32>) -> vector<2x16xbf16> {
  %a = arith.truncf %v : vector<2x16xf32> to vector<2x16xbf16>
  return %a : vector<2x16xbf16>
}

// Other truncations are left to arith-expand and arith-to-llvm: another
// rounding mode, another source or result type.
// CHECK-LABEL: func.func @negative_others
// CHECK-COUNT-3: arith.truncf
// CHECK-NOT:     llvm.fptrunc
func.func @negative_others(%s: f32, %d: f64) -> (bf16, bf16, f16) {
  %a = arith.truncf %s toward_zero : f32 to bf16
  %b = arith.truncf %d : f64 to bf16
  %c = arith.truncf %s : f32 to f16
  return %a, %b, %c : bf16, bf16, f16
}
