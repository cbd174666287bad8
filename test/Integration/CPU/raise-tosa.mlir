// Decomposed normalizers as TOSA producers (TorchToTosa, TFLite) write
// them, in both forms: as TOSA (norm-run and the CPU pipeline lower it with
// upstream's tosa-to-linalg, norm-lower-tosa), and as what stock mlir-opt's
// --tosa-to-linalg-pipeline writes from it. Each is raised (FileCheck) and
// its raised program passes --check against the program as written.

// RUN: norm-run %s --entry=tosa_layer_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=tosa_rms_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=tosa_layer_norm --random-inputs --check | FileCheck %s --check-prefix=PASS
// RUN: norm-opt %s --norm-lower-tosa --norm-raise | FileCheck %s
// RUN: %stock-mlir-opt %s --tosa-to-linalg-pipeline --tosa-to-arith -o %t.linalg.mlir
// RUN: norm-opt %t.linalg.mlir --norm-raise | FileCheck %s
// RUN: norm-run %t.linalg.mlir --entry=tosa_layer_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %t.linalg.mlir --entry=tosa_rms_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// TOSA reduces one axis per op: an instance norm's statistics are two
// reductions (axis 2, then 3), a batch norm's three.
// RUN: norm-run %s --entry=tosa_instance_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %t.linalg.mlir --entry=tosa_instance_norm --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %s --entry=tosa_batch_norm_train --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// RUN: norm-run %t.linalg.mlir --entry=tosa_batch_norm_train --random-inputs --check --optimize=false --transform=norm-raise | FileCheck %s --check-prefix=PASS
// PASS: check: PASS

// CHECK-LABEL: func.func @tosa_layer_norm
// CHECK-SAME:    %[[X:[^:]*]]: tensor<16x64xf32>
// CHECK:         norm.layer_norm %[[X]] scale(%{{.*}} : tensor<64xf32>) bias(%{{.*}} : tensor<64xf32>) {axis = 1 : i64, epsilon = 9.9999997473787516E-6 : f64} : tensor<16x64xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @tosa_layer_norm(%x: tensor<16x64xf32>, %w: tensor<1x64xf32>, %b: tensor<1x64xf32>) -> tensor<16x64xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %n = "tosa.const"() <{values = dense<64.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %eps = "tosa.const"() <{values = dense<1.0e-5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %rn = tosa.reciprocal %n : (tensor<1x1xf32>) -> tensor<1x1xf32>
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<16x64xf32>) -> tensor<16x1xf32>
  %m = tosa.mul %s, %rn, %shift : (tensor<16x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<16x1xf32>
  %xm = tosa.sub %x, %m : (tensor<16x64xf32>, tensor<16x1xf32>) -> tensor<16x64xf32>
  %sq = tosa.mul %xm, %xm, %shift : (tensor<16x64xf32>, tensor<16x64xf32>, tensor<1xi8>) -> tensor<16x64xf32>
  %vs = tosa.reduce_sum %sq {axis = 1 : i32} : (tensor<16x64xf32>) -> tensor<16x1xf32>
  %v = tosa.mul %vs, %rn, %shift : (tensor<16x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<16x1xf32>
  %ve = tosa.add %v, %eps : (tensor<16x1xf32>, tensor<1x1xf32>) -> tensor<16x1xf32>
  %r = tosa.rsqrt %ve : (tensor<16x1xf32>) -> tensor<16x1xf32>
  %nn = tosa.mul %xm, %r, %shift : (tensor<16x64xf32>, tensor<16x1xf32>, tensor<1xi8>) -> tensor<16x64xf32>
  %sc = tosa.mul %nn, %w, %shift : (tensor<16x64xf32>, tensor<1x64xf32>, tensor<1xi8>) -> tensor<16x64xf32>
  %y = tosa.add %sc, %b : (tensor<16x64xf32>, tensor<1x64xf32>) -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK-LABEL: func.func @tosa_rms_norm
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x16x64xf32>
// CHECK:         norm.rms_norm %[[X]] scale(%{{.*}} : tensor<64xf32>) {axis = 2 : i64, epsilon = 9.9999999747524271E-7 : f64} : tensor<2x16x64xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @tosa_rms_norm(%x: tensor<2x16x64xf32>, %w: tensor<1x1x64xf32>) -> tensor<2x16x64xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rn = "tosa.const"() <{values = dense<0.015625> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %eps = "tosa.const"() <{values = dense<1.0e-6> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %sq = tosa.mul %x, %x, %shift : (tensor<2x16x64xf32>, tensor<2x16x64xf32>, tensor<1xi8>) -> tensor<2x16x64xf32>
  %s = tosa.reduce_sum %sq {axis = 2 : i32} : (tensor<2x16x64xf32>) -> tensor<2x16x1xf32>
  %ms = tosa.mul %s, %rn, %shift : (tensor<2x16x1xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<2x16x1xf32>
  %ve = tosa.add %ms, %eps : (tensor<2x16x1xf32>, tensor<1x1x1xf32>) -> tensor<2x16x1xf32>
  %r = tosa.rsqrt %ve : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
  %nn = tosa.mul %x, %r, %shift : (tensor<2x16x64xf32>, tensor<2x16x1xf32>, tensor<1xi8>) -> tensor<2x16x64xf32>
  %y = tosa.mul %nn, %w, %shift : (tensor<2x16x64xf32>, tensor<1x1x64xf32>, tensor<1xi8>) -> tensor<2x16x64xf32>
  return %y : tensor<2x16x64xf32>
}

// CHECK-LABEL: func.func @tosa_instance_norm
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4x3x5xf32>
// CHECK:         norm.group_norm %[[X]] scale(%{{.*}} : tensor<4xf32>) bias(%{{.*}} : tensor<4xf32>) {epsilon = 9.9999997473787516E-6 : f64, num_groups = 4 : i64} : tensor<2x4x3x5xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @tosa_instance_norm(%x: tensor<2x4x3x5xf32>, %w: tensor<1x4x1x1xf32>, %b: tensor<1x4x1x1xf32>) -> tensor<2x4x3x5xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rn = "tosa.const"() <{values = dense<0.0666666701> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %eps = "tosa.const"() <{values = dense<1.0e-5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %s2 = tosa.reduce_sum %x {axis = 2 : i32} : (tensor<2x4x3x5xf32>) -> tensor<2x4x1x5xf32>
  %s = tosa.reduce_sum %s2 {axis = 3 : i32} : (tensor<2x4x1x5xf32>) -> tensor<2x4x1x1xf32>
  %m = tosa.mul %s, %rn, %shift : (tensor<2x4x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x4x1x1xf32>
  %xm = tosa.sub %x, %m : (tensor<2x4x3x5xf32>, tensor<2x4x1x1xf32>) -> tensor<2x4x3x5xf32>
  %sq = tosa.mul %xm, %xm, %shift : (tensor<2x4x3x5xf32>, tensor<2x4x3x5xf32>, tensor<1xi8>) -> tensor<2x4x3x5xf32>
  %v2 = tosa.reduce_sum %sq {axis = 2 : i32} : (tensor<2x4x3x5xf32>) -> tensor<2x4x1x5xf32>
  %vs = tosa.reduce_sum %v2 {axis = 3 : i32} : (tensor<2x4x1x5xf32>) -> tensor<2x4x1x1xf32>
  %v = tosa.mul %vs, %rn, %shift : (tensor<2x4x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x4x1x1xf32>
  %ve = tosa.add %v, %eps : (tensor<2x4x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x1x1xf32>
  %r = tosa.rsqrt %ve : (tensor<2x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %nn = tosa.mul %xm, %r, %shift : (tensor<2x4x3x5xf32>, tensor<2x4x1x1xf32>, tensor<1xi8>) -> tensor<2x4x3x5xf32>
  %sc = tosa.mul %nn, %w, %shift : (tensor<2x4x3x5xf32>, tensor<1x4x1x1xf32>, tensor<1xi8>) -> tensor<2x4x3x5xf32>
  %y = tosa.add %sc, %b : (tensor<2x4x3x5xf32>, tensor<1x4x1x1xf32>) -> tensor<2x4x3x5xf32>
  return %y : tensor<2x4x3x5xf32>
}

// CHECK-LABEL: func.func @tosa_batch_norm_train
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4x3x3xf32>
// CHECK:         norm.batch_norm train %[[X]], {{.*}} {epsilon = 9.9999997473787516E-6 : f64} : tensor<2x4x3x3xf32>, params tensor<4xf32>, stats tensor<4xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @tosa_batch_norm_train(%x: tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %n = "tosa.const"() <{values = dense<18.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %eps = "tosa.const"() <{values = dense<1.0e-5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %rn = tosa.reciprocal %n : (tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %s0 = tosa.reduce_sum %x {axis = 0 : i32} : (tensor<2x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  %s2 = tosa.reduce_sum %s0 {axis = 2 : i32} : (tensor<1x4x3x3xf32>) -> tensor<1x4x1x3xf32>
  %s = tosa.reduce_sum %s2 {axis = 3 : i32} : (tensor<1x4x1x3xf32>) -> tensor<1x4x1x1xf32>
  %m = tosa.mul %s, %rn, %shift : (tensor<1x4x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x4x1x1xf32>
  %xm = tosa.sub %x, %m : (tensor<2x4x3x3xf32>, tensor<1x4x1x1xf32>) -> tensor<2x4x3x3xf32>
  %sq = tosa.mul %xm, %xm, %shift : (tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>, tensor<1xi8>) -> tensor<2x4x3x3xf32>
  %v0 = tosa.reduce_sum %sq {axis = 0 : i32} : (tensor<2x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  %v2 = tosa.reduce_sum %v0 {axis = 2 : i32} : (tensor<1x4x3x3xf32>) -> tensor<1x4x1x3xf32>
  %vs = tosa.reduce_sum %v2 {axis = 3 : i32} : (tensor<1x4x1x3xf32>) -> tensor<1x4x1x1xf32>
  %v = tosa.mul %vs, %rn, %shift : (tensor<1x4x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x4x1x1xf32>
  %ve = tosa.add %v, %eps : (tensor<1x4x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x4x1x1xf32>
  %r = tosa.rsqrt %ve : (tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  %y = tosa.mul %xm, %r, %shift : (tensor<2x4x3x3xf32>, tensor<1x4x1x1xf32>, tensor<1xi8>) -> tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}
