// RUN: norm-opt %s --norm-lower-to-llvm-cpu | FileCheck %s --implicit-check-not=i32

// 70000 x 70000 = 4.9e9 elements, past 2^32: every address computation must
// be 64-bit. Checked in the IR, without allocating the tensor.
// CHECK-LABEL: llvm.func @huge
// CHECK-DAG:     llvm.mlir.constant(70000 : index) : i64
// CHECK-DAG:     llvm.mul %{{.*}}, %{{.*}} : i64
// CHECK:         llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK:         llvm.return
func.func @huge(%x: tensor<70000x70000xf32>) -> tensor<70000x70000xf32> {
  %y = norm.layer_norm %x : tensor<70000x70000xf32>
  return %y : tensor<70000x70000xf32>
}
