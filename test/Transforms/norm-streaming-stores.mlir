// RUN: norm-opt %s --norm-streaming-stores | FileCheck %s
// RUN: norm-opt %s --norm-streaming-stores=threshold-bytes=1 | FileCheck %s --check-prefix=ALL
// RUN: norm-opt %s --norm-streaming-stores=prefetch=false | FileCheck %s --check-prefix=NOPF

// The loop that writes a large output also prefetches the next tile of
// rows of the large input it reads: 2 rows ahead (the tile's height), one
// prefetch per 64-byte line of the 32-float vector.
// CHECK-LABEL: func.func @prefetch_next_tile
// CHECK:         scf.for %[[J:.*]] =
// CHECK:           %[[X:.*]] = memref.subview %{{.*}}[%{{.*}}, %[[J]]] [2, 32]
// CHECK:           %[[NEXT:.*]] = arith.addi %{{.*}}, %c2
// CHECK-COUNT-2:   memref.prefetch %[[X]][%[[NEXT]], %{{.*}}], read, locality<3>, data
// CHECK-NOT:       memref.prefetch
// CHECK:           vector.load %[[X]]
// CHECK:           vector.store %{{.*}} {{{.*}}nontemporal = true}
// NOPF-LABEL: func.func @prefetch_next_tile
// NOPF-NOT:     memref.prefetch
func.func @prefetch_next_tile(%x: memref<4096x4096xf32>, %i: index,
                              %out: memref<4096x4096xf32> {bufferize.result}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c4096 = arith.constant 4096 : index
  scf.for %j = %c0 to %c4096 step %c32 {
    %xs = memref.subview %x[%i, %j] [2, 32] [1, 1] : memref<4096x4096xf32> to memref<2x32xf32, strided<[4096, 1], offset: ?>>
    %v = vector.load %xs[%c1, %c0] : memref<2x32xf32, strided<[4096, 1], offset: ?>>, vector<32xf32>
    vector.store %v, %out[%i, %j] : memref<4096x4096xf32>, vector<32xf32>
  }
  return
}

// A 64 MiB output written by 8-lane vectors at multiples of 8 elements from
// a 64-byte aligned allocation: non-temporal and 32-byte aligned. The 2-D
// transfer becomes a 1-D vector.store.
// CHECK-LABEL: func.func @large_output
// CHECK:         vector.store %{{.*}} {alignment = 32 : i64, nontemporal = true} : memref<1x8xf32, strided<[4096, 1], offset: ?>>, vector<8xf32>
func.func @large_output(%v: vector<1x8xf32>) -> memref<4096x4096xf32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c4096 = arith.constant 4096 : index
  %out = memref.alloc() {alignment = 64 : i64} : memref<4096x4096xf32>
  scf.for %i = %c0 to %c4096 step %c8 {
    %row = memref.subview %out[%i, 0] [1, 4096] [1, 1] : memref<4096x4096xf32> to memref<1x4096xf32, strided<[4096, 1], offset: ?>>
    scf.for %j = %c0 to %c4096 step %c8 {
      %tile = memref.subview %row[0, %j] [1, 8] [1, 1] : memref<1x4096xf32, strided<[4096, 1], offset: ?>> to memref<1x8xf32, strided<[4096, 1], offset: ?>>
      vector.transfer_write %v, %tile[%c0, %c0] {in_bounds = [true, true]} : vector<1x8xf32>, memref<1x8xf32, strided<[4096, 1], offset: ?>>
    }
  }
  return %out : memref<4096x4096xf32>
}

// A result argument of the out-params ABI (64-byte aligned by contract).
// CHECK-LABEL: func.func @out_param
// CHECK:         vector.store %{{.*}} {alignment = 32 : i64, nontemporal = true}
func.func @out_param(%v: vector<8xf32>, %out: memref<4096x4096xf32> {bufferize.result}) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c4096 = arith.constant 4096 : index
  scf.for %j = %c0 to %c4096 step %c8 {
    vector.store %v, %out[%c0, %j] : memref<4096x4096xf32>, vector<8xf32>
  }
  return
}

// Every 4 elements: streaming, but no alignment can be claimed.
// CHECK-LABEL: func.func @negative_unaligned_step
// CHECK:         vector.store %{{.*}} {nontemporal = true} : memref<4096x4096xf32>, vector<8xf32>
func.func @negative_unaligned_step(%v: vector<8xf32>) -> memref<4096x4096xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c4088 = arith.constant 4088 : index
  %out = memref.alloc() {alignment = 64 : i64} : memref<4096x4096xf32>
  scf.for %j = %c0 to %c4088 step %c4 {
    vector.store %v, %out[%c0, %j] : memref<4096x4096xf32>, vector<8xf32>
  }
  return %out : memref<4096x4096xf32>
}

// An argument that is not a result: its alignment is unknown.
// CHECK-LABEL: func.func @negative_plain_argument
// CHECK:         vector.store %{{.*}} {nontemporal = true} : memref<4096x4096xf32>, vector<8xf32>
func.func @negative_plain_argument(%v: vector<8xf32>, %out: memref<4096x4096xf32>) {
  %c0 = arith.constant 0 : index
  vector.store %v, %out[%c0, %c0] : memref<4096x4096xf32>, vector<8xf32>
  return
}

// 16 KiB stays in cache for whoever reads it next: ordinary stores, unless
// the threshold says otherwise.
// CHECK-LABEL: func.func @negative_small_output
// CHECK:         vector.store %{{.*}} : memref<64x64xf32>, vector<8xf32>
// ALL-LABEL:   func.func @negative_small_output
// ALL:           vector.store %{{.*}} {alignment = 32 : i64, nontemporal = true} : memref<64x64xf32>, vector<8xf32>
func.func @negative_small_output(%v: vector<8xf32>) -> memref<64x64xf32> {
  %c0 = arith.constant 0 : index
  %out = memref.alloc() {alignment = 64 : i64} : memref<64x64xf32>
  vector.store %v, %out[%c0, %c0] : memref<64x64xf32>, vector<8xf32>
  return %out : memref<64x64xf32>
}
