// RUN: norm-opt %s --norm-lower-to-llvm-cpu > %t
// RUN: FileCheck %s < %t
// RUN: FileCheck %s --check-prefix=ADDR < %t

// 70000 x 70000 = 4.9e9 elements, past 2^32: every address computation must
// be 64-bit. Checked in the IR, without allocating the tensor.
// No 32-bit integer arithmetic anywhere (i32 constants remain, as the lane
// numbers of vector inserts):
// ADDR-NOT: {{llvm\.(mul|add|getelementptr|trunc|sext|zext|icmp).* i32}}
// CHECK-LABEL: llvm.func @huge
// CHECK-DAG:     llvm.mlir.constant(70000 : index) : i64
// CHECK-DAG:     llvm.mul %{{.*}}, %{{.*}} : i64
// CHECK:         llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK:         llvm.return
func.func @huge(%x: tensor<70000x70000xf32>) -> tensor<70000x70000xf32> {
  %y = norm.layer_norm %x : tensor<70000x70000xf32>
  return %y : tensor<70000x70000xf32>
}
