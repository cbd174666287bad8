// RUN: norm-opt %s --split-input-file --norm-bf16-as-i16 --verify-diagnostics | FileCheck %s

// Loads, stores, constants and element types of bf16 become i16; the
// bitcasts between the two disappear.
// CHECK-LABEL: llvm.func @moves
// CHECK:         %[[C:.*]] = llvm.mlir.constant(16256 : i16) : i16
// CHECK:         %[[V:.*]] = llvm.load %{{.*}} : !llvm.ptr -> vector<8xi16>
// CHECK:         %[[P:.*]] = llvm.getelementptr %{{.*}}[1] : (!llvm.ptr) -> !llvm.ptr, i16
// CHECK:         llvm.store %[[V]], %[[P]] : vector<8xi16>, !llvm.ptr
// CHECK:         llvm.store %[[C]], %{{.*}} : i16, !llvm.ptr
// CHECK-NOT:     bf16
// CHECK-NOT:     llvm.bitcast
llvm.func @moves(%p: !llvm.ptr) -> vector<8xi16> {
  %one = llvm.mlir.constant(1.0 : bf16) : bf16
  %v = llvm.load %p : !llvm.ptr -> vector<8xbf16>
  %q = llvm.getelementptr %p[1] : (!llvm.ptr) -> !llvm.ptr, bf16
  llvm.store %v, %q : vector<8xbf16>, !llvm.ptr
  llvm.store %one, %p : bf16, !llvm.ptr
  %i = llvm.bitcast %v : vector<8xbf16> to vector<8xi16>
  llvm.return %i : vector<8xi16>
}

// -----

// Arithmetic in bf16 must have been expanded first.
llvm.func @negative_arithmetic(%a: bf16, %b: bf16) -> bf16 {
  // expected-error @below {{bf16 arithmetic left for the LLVM backend}}
  %s = llvm.fadd %a, %b : bf16
  llvm.return %s : bf16
}

// -----

// Scalar bf16 arguments and results too.
// CHECK-LABEL: llvm.func @scalars(%{{.*}}: i16) -> i16
// CHECK:         llvm.return %{{.*}} : i16
llvm.func @scalars(%a: bf16) -> bf16 {
  llvm.return %a : bf16
}

// -----

// The native conversion of norm-native-bf16-truncf stays; its result is
// bitcast to i16 and carried as i16 from there.
// CHECK-LABEL: llvm.func @native_truncation
// CHECK:         %[[T:.*]] = llvm.fptrunc %{{.*}} : vector<16xf32> to vector<16xbf16>
// CHECK:         %[[I:.*]] = llvm.bitcast %[[T]] : vector<16xbf16> to vector<16xi16>
// CHECK:         llvm.store %[[I]], %{{.*}} : vector<16xi16>, !llvm.ptr
llvm.func @native_truncation(%v: vector<16xf32>, %p: !llvm.ptr) {
  %t = llvm.fptrunc %v : vector<16xf32> to vector<16xbf16>
  llvm.store %t, %p : vector<16xbf16>, !llvm.ptr
  llvm.return
}

// -----

// Other conversions to bf16 must have been expanded.
llvm.func @negative_f64_truncation(%a: f64) -> bf16 {
  // expected-error @below {{bf16 arithmetic left for the LLVM backend}}
  %t = llvm.fptrunc %a : f64 to bf16
  llvm.return %t : bf16
}
