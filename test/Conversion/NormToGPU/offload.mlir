// RUN: norm-opt %s --norm-gpu-offload --canonicalize --split-input-file --verify-diagnostics | FileCheck %s

// An elementwise op over 4x6 becomes one kernel of ceil(24 / 256) CTAs of
// 256 threads, one per element, linearized row-major (the innermost index is
// the remainder, the outermost the quotient); the temporary becomes device memory and is freed at the
// return; the copy into the result becomes a kernel too.
// CHECK-LABEL: func.func @elementwise
// CHECK:         %[[TMP:.*]] = gpu.alloc () : memref<4x6xf32>
// CHECK:         gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in ({{.*}} = %c1, {{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in ({{.*}} = %c256, {{.*}})
// CHECK:           %[[OK:.*]] = arith.cmpi ult, %[[TX]], %c24
// CHECK:           scf.if %[[OK]]
// CHECK:             %[[J:.*]] = arith.remui %[[TX]], %c6
// CHECK:             %[[I:.*]] = arith.divui %[[TX]], %c6
// CHECK:             memref.load %{{.*}}[%[[I]], %[[J]]]
// CHECK:             arith.addf
// CHECK:             memref.store
// CHECK:         gpu.launch
// CHECK:           memref.store {{.*}} : memref<4x6xf32>
// CHECK:         gpu.dealloc %[[TMP]] : memref<4x6xf32>
// CHECK-NEXT:    return
// CHECK-NOT:     memref.alloc
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @elementwise(%x: memref<4x6xf32>, %out: memref<4x6xf32>) {
  %tmp = memref.alloc() : memref<4x6xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x6xf32>) outs(%tmp : memref<4x6xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  }
  memref.copy %tmp, %out : memref<4x6xf32> to memref<4x6xf32>
  return
}

// -----

// A reduction over dims 0 and 2 with the kept dim in the middle: the
// parallel dim goes first, so each of the 16 threads sums its channel.
// CHECK-LABEL: func.func @channel_sums
// CHECK:         gpu.launch
// CHECK:           scf.if
// CHECK:             scf.for %{{.*}} = %c0{{.*}} to %c8
// CHECK:               scf.for %{{.*}} = %c0{{.*}} to %c32
// CHECK-NOT:     scf.for
func.func @channel_sums(%x: memref<8x16x32xf32>, %out: memref<16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c, w) -> (n, c, w)>,
                                   affine_map<(n, c, w) -> (c)>],
                  iterator_types = ["reduction", "parallel", "reduction"]}
      ins(%x : memref<8x16x32xf32>) outs(%out : memref<16xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same with 1024 values per channel: one CTA of 256 threads per
// channel; a thread strides over the (n, w) iterations, w fastest, sums
// with shuffles and shared memory, and the first thread adds the sum to the
// output.
// CHECK-LABEL: func.func @channel_sums_split
// CHECK:         gpu.launch blocks(%[[C:[^,]*]], {{.*}}) in ({{.*}} = %c4, {{.*}}) threads(%[[T:[^,]*]], {{.*}}) in ({{.*}} = %c256, {{.*}}) workgroup(%[[SMEM:.*]] : memref<8xf32, #gpu.address_space<workgroup>>)
// CHECK:           %[[PART:.*]] = scf.for %[[R:.*]] = %[[T]] to %c1024 step %c256 iter_args(%[[ACC:.*]] = %cst) -> (f32) {
// CHECK:             %[[W:.*]] = arith.remui %[[R]], %c64
// CHECK:             %[[N:.*]] = arith.divui %[[R]], %c64
// CHECK:             %[[X:.*]] = memref.load %{{.*}}[%[[N]], %[[C]], %[[W]]]
// CHECK:             %[[SQ:.*]] = arith.mulf %[[X]], %[[X]]
// CHECK:             %[[NEXT:.*]] = arith.addf %[[ACC]], %[[SQ]]
// CHECK:             scf.yield %[[NEXT]]
// CHECK-COUNT-5:   gpu.shuffle  xor
// CHECK:           gpu.barrier
// CHECK:           scf.if
// CHECK:             %[[OLD:.*]] = memref.load %{{.*}}[%[[C]]] : memref<4xf32>
// CHECK:             %[[NEW:.*]] = arith.addf %[[OLD]]
// CHECK:             memref.store %[[NEW]], %{{.*}}[%[[C]]] : memref<4xf32>
func.func @channel_sums_split(%x: memref<16x4x64xf32>, %out: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c, w) -> (n, c, w)>,
                                   affine_map<(n, c, w) -> (c)>],
                  iterator_types = ["reduction", "parallel", "reduction"]}
      ins(%x : memref<16x4x64xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %sq = arith.mulf %a, %a : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Two outputs over 2^20 values each: each output's iterations split over 128
// CTAs (a device's worth of CTAs, 16 iterations per thread at least) of 512
// threads; CTA b sums chunk b % 128 of output b / 128, and the sums meet in
// the output through an atomic add.
// CHECK-LABEL: func.func @few_outputs_many_values
// CHECK:         gpu.launch blocks(%[[B:[^,]*]], {{.*}}) in ({{.*}} = %c256, {{.*}}) threads(%[[T:[^,]*]], {{.*}}) in ({{.*}} = %c512, {{.*}})
// CHECK-DAG:       %[[SPLIT:.*]] = arith.remui %[[B]], %c128
// CHECK-DAG:       %[[OUT:.*]] = arith.divui %[[B]], %c128
// CHECK:           %[[FIRST:.*]] = arith.muli %[[SPLIT]], %c8192
// CHECK:           %[[BEGIN:.*]] = arith.addi %[[FIRST]], %[[T]]
// CHECK:           %[[LAST:.*]] = arith.addi %[[FIRST]], %c8192
// CHECK:           %[[END:.*]] = arith.minui %[[LAST]], %c1048576
// CHECK:           scf.for %{{.*}} = %[[BEGIN]] to %[[END]] step %c512
// CHECK:           scf.if
// CHECK:             memref.atomic_rmw addf %{{.*}}, %{{.*}}[%[[OUT]]] : (f32, memref<2xf32>) -> f32
func.func @few_outputs_many_values(%x: memref<2x1048576xf32>, %out: memref<2xf32>) {
  linalg.generic {indexing_maps = [affine_map<(c, i) -> (c, i)>,
                                   affine_map<(c, i) -> (c)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<2x1048576xf32>) outs(%out : memref<2xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A full reduction has no parallel dim: it runs on one thread.
// CHECK-LABEL: func.func @total
// CHECK:         %[[ONE:.*]] = arith.constant 1 : index
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %[[ONE]], {{.*}} = %[[ONE]], {{.*}} = %[[ONE]]) threads({{.*}}) in ({{.*}} = %[[ONE]], {{.*}} = %[[ONE]], {{.*}} = %[[ONE]])
// CHECK:           scf.for
func.func @total(%x: memref<64xf32>, %out: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>],
                  iterator_types = ["reduction"]}
      ins(%x : memref<64xf32>) outs(%out : memref<f32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A buffer that is returned is not freed.
// CHECK-LABEL: func.func @returned
// CHECK:         %[[B:.*]] = gpu.alloc (%{{.*}}) : memref<?xf32>
// CHECK-NOT:     gpu.dealloc
// CHECK:         return %[[B]]
func.func @returned(%n: index) -> memref<?xf32> {
  %b = memref.alloc(%n) : memref<?xf32>
  return %b : memref<?xf32>
}

// -----

// Host code that would touch device memory is an error, not a crash.
func.func private @host_function(memref<4xf32>)

func.func @calls_the_host(%x: memref<4xf32>) {
  // expected-error @below {{passes device buffers to 'host_function', which runs on the host; norm-lower-to-nvvm has no GPU version of it}}
  func.call @host_function(%x) : (memref<4xf32>) -> ()
  return
}

// -----

func.func @scalar_on_host(%x: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @below {{would read or write device memory on the host; norm-lower-to-nvvm has no GPU lowering for it}}
  %v = memref.load %x[%c0] : memref<4xf32>
  return %v : f32
}

// -----

// A constant (a global in host memory) read by a kernel: the kernel reads
// a device copy made once at the entry, shared by both reads, and freed at
// the return; no kernel reads the global itself.
// CHECK-LABEL: func.func @constant_weights
// CHECK:         %[[HOST:.*]] = memref.get_global @weights : memref<6xf32>
// CHECK:         %[[DEV:.*]] = gpu.alloc () : memref<6xf32>
// CHECK:         gpu.memcpy %[[DEV]], %[[HOST]] : memref<6xf32>, memref<6xf32>
// CHECK-NOT:     memref.get_global
// CHECK:         gpu.launch
// CHECK:           memref.load %[[DEV]]
// CHECK:         gpu.launch
// CHECK:           memref.load %[[DEV]]
// CHECK:         gpu.dealloc %[[DEV]] : memref<6xf32>
// CHECK-NEXT:    return
memref.global "private" constant @weights : memref<6xf32> = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]>
#row = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @constant_weights(%x: memref<4x6xf32>, %out: memref<4x6xf32>) {
  %w = memref.get_global @weights : memref<6xf32>
  linalg.generic {indexing_maps = [#row, #col, #row], iterator_types = ["parallel", "parallel"]}
      ins(%x, %w : memref<4x6xf32>, memref<6xf32>) outs(%out : memref<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.mulf %a, %b : f32
    linalg.yield %s : f32
  }
  %w2 = memref.get_global @weights : memref<6xf32>
  linalg.generic {indexing_maps = [#row, #col, #row], iterator_types = ["parallel", "parallel"]}
      ins(%out, %w2 : memref<4x6xf32>, memref<6xf32>) outs(%out : memref<4x6xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}
