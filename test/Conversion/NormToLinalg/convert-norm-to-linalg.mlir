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

// -----

// The layer norm backward in f32 for bf16 data. Rows go in blocks of 32
// ([R / 32, 32, 64] views), then the R % 32 rows after them; per part one
// row reduction with two results (sum g, sum g * xhat, reassociable for
// vector lanes), then one op that writes dx (sum_grad added, rounded once)
// and adds the part's rows into the sums of dy * xhat and dy: per block a
// partial sum, the partials merged in block order, then the last rows on
// top, never reassociated; each sum rounded to bf16.
// CHECK-LABEL: func.func @layer_norm_grad
// CHECK-SAME:    %[[DY:[^:]*]]: tensor<?x64xbf16>, %[[X:[^:]*]]: tensor<?x64xbf16>, %[[MEAN:[^:]*]]: tensor<?xf32>, %[[RSTD:[^:]*]]: tensor<?xf32>, %[[G:[^:]*]]: tensor<64xbf16>, %[[DS:[^:]*]]: tensor<?x64xbf16>
// CHECK-DAG:     %[[N:.*]] = arith.constant 6.400000e+01 : f32
// CHECK-DAG:     %[[B:.*]] = arith.constant 32 : index
// CHECK:         %[[R:.*]] = tensor.dim %[[X]], %{{.*}}
// CHECK:         %[[NB:.*]] = arith.divui %[[R]], %[[B]]
// CHECK:         %[[WHOLE:.*]] = arith.muli %[[NB]], %[[B]]
// CHECK:         %[[REST:.*]] = arith.subi %[[R]], %[[WHOLE]]
// CHECK:         %[[DYH:.*]] = tensor.extract_slice %[[DY]][0, 0] [%[[WHOLE]], 64] [1, 1]
// CHECK:         %[[DYB:.*]] = tensor.expand_shape %[[DYH]] {{\[\[}}0, 1], [2]] output_shape [%[[NB]], 32, 64]
// CHECK:         %[[ROW:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%[[DYB]], %{{.*}}, %{{.*}}, %{{.*}}, %[[G]] :
// CHECK-NEXT:    ^bb0(%[[DYS:.*]]: bf16, %[[XS:.*]]: bf16, %[[MS:.*]]: f32, %[[RS:.*]]: f32, %[[GS:.*]]: bf16, %[[A0:.*]]: f32, %[[A1:.*]]: f32):
// CHECK-NEXT:      %[[XF:.*]] = arith.extf %[[XS]] : bf16 to f32
// CHECK-NEXT:      %[[C:.*]] = arith.subf %[[XF]], %[[MS]] : f32
// CHECK-NEXT:      %[[XHAT:.*]] = arith.mulf %[[C]], %[[RS]] : f32
// CHECK-NEXT:      %[[DYF:.*]] = arith.extf %[[DYS]] : bf16 to f32
// CHECK-NEXT:      %[[GF:.*]] = arith.extf %[[GS]] : bf16 to f32
// CHECK-NEXT:      %[[GD:.*]] = arith.mulf %[[DYF]], %[[GF]] : f32
// CHECK-NEXT:      %[[S0:.*]] = arith.addf %[[A0]], %[[GD]] fastmath<reassoc> : f32
// CHECK-NEXT:      %[[GX:.*]] = arith.mulf %[[GD]], %[[XHAT]] : f32
// CHECK-NEXT:      %[[S1:.*]] = arith.addf %[[A1]], %[[GX]] fastmath<reassoc> : f32
// CHECK-NEXT:      linalg.yield %[[S0]], %[[S1]]
// CHECK:         %[[HEAD:.*]]:3 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%[[DYB]], %{{.*}}, %{{.*}}, %{{.*}}, %[[G]], %[[ROW]]#0, %[[ROW]]#1, %{{.*}} : {{.*}}) outs(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x32x64xbf16>, tensor<?x64xf32>, tensor<?x64xf32>)
// CHECK-NEXT:    ^bb0(%[[DY2:.*]]: bf16, %{{.*}}: bf16, %{{.*}}: f32, %[[RS2:.*]]: f32, %{{.*}}: bf16, %[[SG:.*]]: f32, %[[SGX:.*]]: f32, %[[DSS:.*]]: bf16, %{{.*}}: bf16, %[[P0:.*]]: f32, %[[P1:.*]]: f32):
// CHECK:           %[[XHAT2:.*]] = arith.mulf %{{.*}}, %[[RS2]] : f32
// CHECK:           %[[GD2:.*]] = arith.mulf
// CHECK-NEXT:      %[[MG:.*]] = arith.divf %[[SG]], %[[N]] : f32
// CHECK-NEXT:      %[[D0:.*]] = arith.subf %[[GD2]], %[[MG]] : f32
// CHECK-NEXT:      %[[MGX:.*]] = arith.divf %[[SGX]], %[[N]] : f32
// CHECK-NEXT:      %[[P:.*]] = arith.mulf %[[XHAT2]], %[[MGX]] : f32
// CHECK-NEXT:      %[[D1:.*]] = arith.subf %[[D0]], %[[P]] : f32
// CHECK-NEXT:      %[[D2:.*]] = arith.mulf %[[RS2]], %[[D1]] : f32
// CHECK-NEXT:      %[[DSF:.*]] = arith.extf %[[DSS]] : bf16 to f32
// CHECK-NEXT:      %[[D3:.*]] = arith.addf %[[D2]], %[[DSF]] : f32
// CHECK-NEXT:      %[[DX:.*]] = arith.truncf %[[D3]] : f32 to bf16
// CHECK-NEXT:      %[[DYP:.*]] = arith.extf %[[DY2]] : bf16 to f32
// CHECK-NEXT:      %[[T:.*]] = arith.mulf %[[DYP]], %[[XHAT2]] : f32
// CHECK-NEXT:      %[[E0:.*]] = arith.addf %[[P0]], %[[T]] : f32
// CHECK-NEXT:      %[[E1:.*]] = arith.addf %[[P1]], %[[DYP]] : f32
// CHECK-NEXT:      linalg.yield %[[DX]], %[[E0]], %[[E1]]
// CHECK:         %[[DXH:.*]] = tensor.collapse_shape %[[HEAD]]#0 {{\[\[}}0, 1], [2]]
// CHECK:         %[[MERGED:.*]]:2 = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]{{.*}} ins(%[[HEAD]]#1, %[[HEAD]]#2 :
// CHECK-NEXT:    ^bb0(%[[Q0:.*]]: f32, %[[Q1:.*]]: f32, %[[M0:.*]]: f32, %[[M1:.*]]: f32):
// CHECK-NEXT:      arith.addf %[[M0]], %[[Q0]] : f32
// CHECK-NEXT:      arith.addf %[[M1]], %[[Q1]] : f32
// CHECK:         %[[DYT:.*]] = tensor.extract_slice %[[DY]][%[[WHOLE]], 0] [%[[REST]], 64] [1, 1]
// CHECK:         %[[ROWT:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%[[DYT]],
// CHECK:         %[[TAIL:.*]]:3 = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]{{.*}} ins(%[[DYT]], {{.*}}, %[[ROWT]]#0, %[[ROWT]]#1, %{{.*}} : {{.*}}) outs(%{{.*}}, %[[MERGED]]#0, %[[MERGED]]#1 :
// CHECK:         %[[ALL:.*]] = tensor.insert_slice %[[DXH]] into %{{.*}}[0, 0]
// CHECK:         %[[DXALL:.*]] = tensor.insert_slice %[[TAIL]]#0 into %[[ALL]][%[[WHOLE]], 0] [%[[REST]], 64]
// CHECK:         %[[DG:.*]] = linalg.generic {{.*}} ins(%[[TAIL]]#1 : tensor<64xf32>)
// CHECK:           arith.truncf %{{.*}} : f32 to bf16
// CHECK:         %[[DB:.*]] = linalg.generic {{.*}} ins(%[[TAIL]]#2 : tensor<64xf32>)
// CHECK:           arith.truncf %{{.*}} : f32 to bf16
// CHECK:         return %[[DXALL]], %[[DG]], %[[DB]]
// CHECK-NOT:     norm.
func.func @layer_norm_grad(%dy: tensor<?x64xbf16>, %x: tensor<?x64xbf16>, %mean: tensor<?xf32>,
                           %rstd: tensor<?xf32>, %g: tensor<64xbf16>, %ds: tensor<?x64xbf16>)
    -> (tensor<?x64xbf16>, tensor<64xbf16>, tensor<64xbf16>) {
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %mean, %rstd scale(%g : tensor<64xbf16>)
      sum_grad(%ds : tensor<?x64xbf16>) : tensor<?x64xbf16>, stats tensor<?xf32>
      scale_grad(tensor<64xbf16>) bias_grad(tensor<64xbf16>)
  return %dx, %dg, %db : tensor<?x64xbf16>, tensor<64xbf16>, tensor<64xbf16>
}

// -----

// The RMS norm backward over two normalized dims (axis 1), Gemma's 1 + w,
// 8 rows of 4 x 16 as [8, 64]: fewer rows than a block, so one part, the
// last rows; no mean and no sum of g; the scale's gradient alone (no bias),
// already f32, reshaped back to [4, 16].
// CHECK-LABEL: func.func @rms_norm_grad_gemma
// CHECK-DAG:     %[[N:.*]] = arith.constant 6.400000e+01 : f32
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NOT:     tensor.expand_shape {{.*}} output_shape [{{.*}}, 32
// CHECK:         %[[ROW:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK-NEXT:    ^bb0(%[[DY:.*]]: f32, %[[X:.*]]: f32, %[[R:.*]]: f32, %[[W:.*]]: f32, %[[A:.*]]: f32):
// CHECK-NEXT:      %[[XHAT:.*]] = arith.mulf %[[X]], %[[R]] : f32
// CHECK-NEXT:      %[[W1:.*]] = arith.addf %[[W]], %[[ONE]] : f32
// CHECK-NEXT:      %[[G:.*]] = arith.mulf %[[DY]], %[[W1]] : f32
// CHECK-NEXT:      %[[GX:.*]] = arith.mulf %[[G]], %[[XHAT]] : f32
// CHECK-NEXT:      arith.addf %[[A]], %[[GX]] fastmath<reassoc> : f32
// CHECK:         %[[BOTH:.*]]:2 = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]{{.*}} ins({{.*}}, %[[ROW]] :
// CHECK-NOT:       arith.subf %{{.*}}, %{{.*}} : f32
// CHECK:           arith.divf %{{.*}}, %[[N]] : f32
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      arith.subf
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      arith.addf
// CHECK-NEXT:      linalg.yield
// CHECK-NOT:     linalg.generic
// CHECK:         %[[DX:.*]] = tensor.expand_shape %[[BOTH]]#0 {{\[\[}}0], [1, 2]] output_shape [8, 4, 16]
// CHECK:         %[[DW:.*]] = tensor.expand_shape %[[BOTH]]#1 {{\[\[}}0, 1]] output_shape [4, 16]
// CHECK:         return %[[DX]], %[[DW]] : tensor<8x4x16xf32>, tensor<4x16xf32>
func.func @rms_norm_grad_gemma(%dy: tensor<8x4x16xf32>, %x: tensor<8x4x16xf32>, %rstd: tensor<8xf32>,
                               %w: tensor<4x16xf32>) -> (tensor<8x4x16xf32>, tensor<4x16xf32>) {
  %dx, %dw = norm.rms_norm_grad %dy, %x, %rstd scale(%w : tensor<4x16xf32>) {axis = 1 : i64, scale_offset = 1.0 : f64}
      : tensor<8x4x16xf32>, stats tensor<8xf32> scale_grad(tensor<4x16xf32>)
  return %dx, %dw : tensor<8x4x16xf32>, tensor<4x16xf32>
}
