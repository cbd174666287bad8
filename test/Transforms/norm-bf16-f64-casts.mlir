// RUN: norm-opt %s --norm-bf16-f64-casts --split-input-file | FileCheck %s

// f64 -> bf16: rounded to odd in f32 (inexact and even: one step toward
// zero when rounding went away from it, else away), then to nearest bf16.
// CHECK-LABEL: func.func @truncf_f64_to_bf16
// CHECK-SAME:    %[[X:.*]]: f64
// CHECK:         %[[R:.*]] = arith.truncf %[[X]] : f64 to f32
// CHECK:         %[[BACK:.*]] = arith.extf %[[R]] : f32 to f64
// CHECK:         %[[EXACT:.*]] = arith.cmpf oeq, %[[BACK]], %[[X]] : f64
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1 : i32
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK:         %[[BITS:.*]] = arith.bitcast %[[R]] : f32 to i32
// CHECK:         %[[LOW:.*]] = arith.andi %[[BITS]], %[[ONE]] : i32
// CHECK:         %[[ODD:.*]] = arith.cmpi ne, %[[LOW]], %[[ZERO]] : i32
// CHECK:         %[[ABACK:.*]] = math.absf %[[BACK]] : f64
// CHECK:         %[[AX:.*]] = math.absf %[[X]] : f64
// CHECK:         %[[AWAY:.*]] = arith.cmpf ogt, %[[ABACK]], %[[AX]] : f64
// CHECK:         %[[DOWN:.*]] = arith.subi %[[BITS]], %[[ONE]] : i32
// CHECK:         %[[UP:.*]] = arith.addi %[[BITS]], %[[ONE]] : i32
// CHECK:         %[[ADJ:.*]] = arith.select %[[AWAY]], %[[DOWN]], %[[UP]] : i32
// CHECK:         %[[KEEP:.*]] = arith.ori %[[EXACT]], %[[ODD]] : i1
// CHECK:         %[[SEL:.*]] = arith.select %[[KEEP]], %[[BITS]], %[[ADJ]] : i32
// CHECK:         %[[TOODD:.*]] = arith.bitcast %[[SEL]] : i32 to f32
// CHECK:         %[[Y:.*]] = arith.truncf %[[TOODD]] : f32 to bf16
// CHECK:         return %[[Y]]
func.func @truncf_f64_to_bf16(%x: f64) -> bf16 {
  %y = arith.truncf %x : f64 to bf16
  return %y : bf16
}

// -----

// CHECK-LABEL: func.func @extf_bf16_to_f64_vector
// CHECK-SAME:    %[[X:.*]]: vector<8xbf16>
// CHECK:         %[[F:.*]] = arith.extf %[[X]] : vector<8xbf16> to vector<8xf32>
// CHECK:         %[[D:.*]] = arith.extf %[[F]] : vector<8xf32> to vector<8xf64>
// CHECK:         return %[[D]]
func.func @extf_bf16_to_f64_vector(%x: vector<8xbf16>) -> vector<8xf64> {
  %y = arith.extf %x : vector<8xbf16> to vector<8xf64>
  return %y : vector<8xf64>
}

// -----

// Casts between bf16 and f32, and f16 ones, are arith-expand's or LLVM's.
// CHECK-LABEL: func.func @negative_other_casts
// CHECK-NEXT:    arith.truncf %{{.*}} : f32 to bf16
// CHECK-NEXT:    arith.truncf %{{.*}} : f64 to f16
// CHECK-NEXT:    arith.truncf %{{.*}} toward_zero : f64 to bf16
// CHECK-NEXT:    return
func.func @negative_other_casts(%x: f32, %d: f64) -> (bf16, f16, bf16) {
  %a = arith.truncf %x : f32 to bf16
  %b = arith.truncf %d : f64 to f16
  %c = arith.truncf %d toward_zero : f64 to bf16
  return %a, %b, %c : bf16, f16, bf16
}
