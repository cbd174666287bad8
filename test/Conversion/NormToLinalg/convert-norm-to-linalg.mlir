// RUN: norm-opt %s --convert-norm-to-linalg --canonicalize --split-input-file | FileCheck %s

// Layer norm: the mean m1, then the sums of deviations from it and of their
// squares in one reduction with two results (the corrected two-pass
// algorithm, in f32 for 64 values), rsqrt(var + eps), and one apply that
// rounds to bf16; then the check of every row's variance and, in an scf.if,
// the same computed with f64 accumulators.
// CHECK-LABEL: func.func @layer_norm_bf16
// CHECK-SAME:    %[[X:.*]]: tensor<?x64xbf16>
// CHECK:         %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%[[X]] : tensor<?x64xbf16>) outs(%{{.*}} : tensor<?xf32>)
// CHECK:         %[[M1:.*]] = linalg.generic {{.*}} ins(%[[SUM]] :
// CHECK:           arith.divf
// CHECK:         %[[SUMS:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%[[X]], %[[M1]] :
// CHECK:           arith.extf %{{.*}} : bf16 to f32
// CHECK:           arith.subf
// CHECK:           arith.mulf
// CHECK:         math.rsqrt
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK:           arith.truncf %{{.*}} : f32 to bf16
// CHECK:         %[[REDO:.*]] = scf.for
// CHECK:         scf.if %[[REDO]]
// CHECK:           linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%[[X]] : tensor<?x64xbf16>) outs(%{{.*}} : tensor<?xf64>)
// CHECK-NOT:     norm.
func.func @layer_norm_bf16(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %y = norm.layer_norm %x : tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// RMS norm is not centered: no shift, no mean, one reduction of squares.
// CHECK-LABEL: func.func @rms_norm_gemma
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[N:.*]] = arith.constant 6.400000e+01 : f32
// CHECK:         iterator_types = ["parallel", "reduction"]
// CHECK-NEXT:    ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:      arith.mulf %[[IN]], %[[IN]] : f32
// CHECK-NOT:     iterator_types = ["parallel", "reduction"]
// CHECK:         arith.divf %{{.*}}, %[[N]]
// CHECK:         math.rsqrt
// CHECK:         arith.addf %{{.*}}, %[[ONE]] : f32
func.func @rms_norm_gemma(%x: tensor<4x64xf32>, %w: tensor<64xf32>) -> tensor<4x64xf32> {
  %y = norm.rms_norm %x scale(%w : tensor<64xf32>) {scale_offset = 1.0 : f64} : tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// -----

// Group norm splits C into (groups, C / groups) and merges it back.
// CHECK-LABEL: func.func @group_norm
// CHECK:         tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] output_shape [2, 4, 2, 3, 3] : tensor<2x8x3x3xf32> into tensor<2x4x2x3x3xf32>
// CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] : tensor<2x4x2x3x3xf32> into tensor<2x8x3x3xf32>
func.func @group_norm(%x: tensor<2x8x3x3xf32>) -> tensor<2x8x3x3xf32> {
  %y = norm.group_norm %x {num_groups = 4 : i64} : tensor<2x8x3x3xf32>
  return %y : tensor<2x8x3x3xf32>
}

// -----

// Eval batch norm reads the running statistics: no reduction at all, and
// the running statistics are returned as they are.
// CHECK-LABEL: func.func @batch_norm_eval
// CHECK-SAME:    %[[M:[a-z0-9]*]]: tensor<3xf32>, %[[V:[a-z0-9]*]]: tensor<3xf32>)
// CHECK-NOT:     "reduction"
// CHECK:         return %{{.*}}, %[[M]], %[[V]]
func.func @batch_norm_eval(%x: tensor<4x3x2xf32>, %p: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>)
    -> (tensor<4x3x2xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %nm, %nv = norm.batch_norm eval %x, %p, %p, %m, %v
      : tensor<4x3x2xf32>, params tensor<3xf32>, stats tensor<3xf32>
  return %y, %nm, %nv : tensor<4x3x2xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// QK-norm projection: a matmul accumulated in f32, rounded to bf16 as the
// unfused program stores it, then per-head statistics.
// CHECK-LABEL: func.func @project_norm
// CHECK-SAME:    %[[X:.*]]: tensor<4x16xbf16>, %[[W:.*]]: tensor<16x32xbf16>
// CHECK:         %[[P:.*]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<4x16xbf16>, tensor<16x32xbf16>) outs(%{{.*}} : tensor<4x32xf32>)
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<4x32xf32>) outs(%{{.*}} : tensor<4x32xbf16>)
// CHECK:           arith.truncf
// CHECK:         tensor.expand_shape %[[R]] {{\[\[}}0], [1, 2]] output_shape [4, 4, 8] : tensor<4x32xbf16> into tensor<4x4x8xbf16>
func.func @project_norm(%x: tensor<4x16xbf16>, %w: tensor<16x32xbf16>) -> tensor<4x32xbf16> {
  %y = norm.project_norm rms %x, %w {head_dim = 8 : i64, epsilon = 1.0e-6 : f64}
         : tensor<4x16xbf16>, tensor<16x32xbf16> -> tensor<4x32xbf16>
  return %y : tensor<4x32xbf16>
}

// -----

// An nn.Linear weight [N, K]: the matmul reads it through (n, k).
// CHECK-DAG:     #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG:     #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG:     #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @norm_project_transposed_weight
// CHECK-SAME:    %[[X:.*]]: tensor<4x16xf32>, %[[W:.*]]: tensor<32x16xf32>
// CHECK:         linalg.matmul indexing_maps = [#[[MK]], #[[NK]], #[[MN]]] ins(%{{.*}}, %[[W]] : tensor<4x16xf32>, tensor<32x16xf32>) outs(%{{.*}} : tensor<4x32xf32>)
func.func @norm_project_transposed_weight(%x: tensor<4x16xf32>, %w: tensor<32x16xf32>) -> tensor<4x32xf32> {
  %y = norm.norm_project rms %x, %w {epsilon = 1.0e-6 : f64, transpose_weight}
         : tensor<4x16xf32>, tensor<32x16xf32> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// -----

// A collective: this member's (count, mean, m2) packed in f64 as 3 x C, the
// group's blocks gathered by the runtime (the group's size first), then
// Chan's merge over (channel, member) with the members in order (a
// reduction dim); a member without values changes nothing.
// CHECK-DAG: #[[COUNT:.+]] = affine_map<(d0, d1) -> (d1, 0, d0)>
// CHECK-DAG: #[[MEAN:.+]] = affine_map<(d0, d1) -> (d1, 1, d0)>
// CHECK-DAG: #[[M2:.+]] = affine_map<(d0, d1) -> (d1, 2, d0)>
// CHECK-DAG: #[[CHANNEL:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: func.func private @norm_rt_group_size(memref<?xi8>) -> i64 attributes {llvm.emit_c_interface, norm.collective}
// CHECK-DAG: func.func private @norm_rt_all_gather_f64(memref<?xf64>, memref<?xf64>, memref<?xi8>) attributes {llvm.emit_c_interface, norm.collective}
// CHECK-LABEL: func.func @all_reduce_stats
// CHECK:         %[[NAME:.+]] = arith.constant dense<[100, 112]> : tensor<2xi8>
// CHECK:         tensor.insert_slice %{{.*}}[0, 0] [1, 4] [1, 1] : tensor<4xf64> into tensor<3x4xf64>
// CHECK:         tensor.insert_slice %{{.*}}[1, 0] [1, 4] [1, 1] : tensor<4xf64> into tensor<3x4xf64>
// CHECK:         tensor.insert_slice %{{.*}}[2, 0] [1, 4] [1, 1] : tensor<4xf64> into tensor<3x4xf64>
// CHECK:         %[[LOCAL:.+]] = memref.alloc() : memref<3x4xf64>
// CHECK:         memref.copy %{{.*}}, %[[LOCAL]]
// CHECK:         %[[P:.+]] = call @norm_rt_group_size(%[[GROUP:.+]]) : (memref<?xi8>) -> i64
// CHECK:         %[[PI:.+]] = arith.index_cast %[[P]] : i64 to index
// CHECK:         %[[ALL:.+]] = memref.alloc(%[[PI]]) : memref<?x3x4xf64>
// CHECK:         %[[FLAT:.+]] = memref.collapse_shape %[[LOCAL]] {{\[}}[0, 1]]
// CHECK:         %[[ALLFLAT:.+]] = memref.collapse_shape %[[ALL]] {{\[}}[0, 1, 2]]
// CHECK:         call @norm_rt_all_gather_f64(%{{.*}}, %[[ALLFLAT]], %[[GROUP]])
// CHECK:         %[[BLOCKS:.+]] = bufferization.to_tensor %[[ALL]] restrict writable
// CHECK:         linalg.generic {indexing_maps = [#[[COUNT]], #[[MEAN]], #[[M2]], #[[CHANNEL]], #[[CHANNEL]], #[[CHANNEL]]], iterator_types = ["parallel", "reduction"]} ins(%[[BLOCKS]], %[[BLOCKS]], %[[BLOCKS]] : {{.*}}) outs(
// CHECK-NEXT:    ^bb0(%[[NB:.+]]: f64, %[[MB:.+]]: f64, %[[SB:.+]]: f64, %[[N:.+]]: f64, %[[MU:.+]]: f64, %[[S:.+]]: f64):
// CHECK-DAG:       %[[TOTAL:.+]] = arith.addf %[[N]], %[[NB]] : f64
// CHECK-DAG:       %[[D:.+]] = arith.subf %[[MB]], %[[MU]] : f64
// CHECK-DAG:       %[[FRAC:.+]] = arith.divf %[[NB]], %[[TOTAL]] : f64
// CHECK-DAG:       %[[STEP:.+]] = arith.mulf %[[D]], %[[FRAC]] : f64
// CHECK-DAG:       %[[NEWMU:.+]] = arith.addf %[[MU]], %[[STEP]] : f64
// CHECK-DAG:       %[[NN:.+]] = arith.mulf %[[N]], %[[NB]] : f64
// CHECK-DAG:       %[[W:.+]] = arith.divf %[[NN]], %[[TOTAL]] : f64
// CHECK-DAG:       %[[DD:.+]] = arith.mulf %[[D]], %[[D]] : f64
// CHECK-DAG:       %[[BETWEEN:.+]] = arith.mulf %[[DD]], %[[W]] : f64
// CHECK-DAG:       %[[WITHIN:.+]] = arith.addf %[[S]], %[[SB]] : f64
// CHECK-DAG:       %[[NEWS:.+]] = arith.addf %[[WITHIN]], %[[BETWEEN]] : f64
// CHECK-DAG:       %[[EMPTY:.+]] = arith.cmpf oeq, %[[NB]], %{{.*}} : f64
// CHECK-DAG:       %[[R0:.+]] = arith.select %[[EMPTY]], %[[N]], %[[TOTAL]] : f64
// CHECK-DAG:       %[[R1:.+]] = arith.select %[[EMPTY]], %[[MU]], %[[NEWMU]] : f64
// CHECK-DAG:       %[[R2:.+]] = arith.select %[[EMPTY]], %[[S]], %[[NEWS]] : f64
// CHECK:           linalg.yield %[[R0]], %[[R1]], %[[R2]] : f64, f64, f64
// CHECK-COUNT-3:  arith.truncf %{{.*}} : f64 to f32
// CHECK:         return
func.func @all_reduce_stats(%n: tensor<4xf32>, %m: tensor<4xf32>, %s: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %a, %b, %c = norm.all_reduce_stats "dp" %n, %m, %s : tensor<4xf32>
  return %a, %b, %c : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Channels known only at run time: the blocks are 3 x C too.
// CHECK-LABEL: func.func @all_reduce_stats_dynamic
// CHECK-SAME:    (%[[N:[a-z0-9]+]]: tensor<?xf64>
// CHECK:         %[[C:.+]] = tensor.dim %[[N]], %c0
// CHECK:         memref.alloc(%[[C]]) : memref<3x?xf64>
// CHECK:         memref.alloc(%{{.*}}, %[[C]]) : memref<?x3x?xf64>
// CHECK:         call @norm_rt_all_gather_f64
// CHECK-NOT:     arith.truncf
// CHECK:         return
func.func @all_reduce_stats_dynamic(%n: tensor<?xf64>, %m: tensor<?xf64>, %s: tensor<?xf64>)
    -> (tensor<?xf64>, tensor<?xf64>, tensor<?xf64>) {
  %a, %b, %c = norm.all_reduce_stats "world" %n, %m, %s : tensor<?xf64>
  return %a, %b, %c : tensor<?xf64>, tensor<?xf64>, tensor<?xf64>
}

// -----

// A batch norm with a sync_group: the local (count, mean, M2) per channel in
// f64, the group's merge (gathered, then merged), mean and M2 / count where the
// group has values, then the apply; the running statistics use the merged
// count.
// CHECK-LABEL: func.func @sync_batch_norm
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction", "parallel", "reduction"]{{.*}} outs(%{{.*}} : tensor<4xf64>)
// CHECK:         call @norm_rt_all_gather_f64
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:         linalg.generic
// CHECK:           arith.cmpf ogt
// CHECK:           arith.divf
// CHECK:           arith.select
// CHECK:         return
func.func @sync_batch_norm(%x: tensor<6x4x10xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>,
                           %m: tensor<4xf32>, %v: tensor<4xf32>)
    -> (tensor<6x4x10xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v {sync_group = "dp"}
      : tensor<6x4x10xf32>, params tensor<4xf32>, stats tensor<4xf32>
  return %y, %nm, %nv : tensor<6x4x10xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// More than 8192 values per statistic: f64
// accumulators from the start, and no overflow check.
// CHECK-LABEL: func.func @long_rows_f64_accumulators
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} outs(%{{.*}} : tensor<4xf64>)
// CHECK:           arith.extf %{{.*}} : f32 to f64
// CHECK-NOT:     scf.if
// CHECK:         return
func.func @long_rows_f64_accumulators(%x: tensor<4x16384xf32>) -> tensor<4x16384xf32> {
  %y = norm.rms_norm %x : tensor<4x16384xf32>
  return %y : tensor<4x16384xf32>
}

// -----

// The option off: f32 statistics, no check, no scf.if.
// RUN: norm-opt %s --convert-norm-to-linalg=overflow-fallback=false --split-input-file | FileCheck %s --check-prefix=NOFALLBACK
// NOFALLBACK-LABEL: func.func @no_fallback
// NOFALLBACK-NOT:   scf.if
// NOFALLBACK-NOT:   f64
// NOFALLBACK:       return
func.func @no_fallback(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %y = norm.rms_norm %x : tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}
