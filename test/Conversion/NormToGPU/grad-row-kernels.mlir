// RUN: norm-opt %s --convert-norm-to-gpu --canonicalize --split-input-file | FileCheck %s

// A wide f32 layer norm gradient: 512 threads per row (each keeping two
// vectors of 4 of dy and of x: 4096 = 512 x 2 x 4), 512 CTAs for the 1000
// rows, each taking rows b, b + 512 (round robin); per row one sum of
// g * xhat and one of g through two shared slots of 16 warps, a barrier
// before the next row reuses them; dx = (g - mean(g) - xhat * mean(g xhat))
// * rstd; dy * xhat and dy added into four register vectors of partials
// (none from a row past the end), stored as the CTA's row of two 512 x 4096
// partials. Then the column sums: 128 CTAs of 32 columns x 32 partial rows,
// each thread adding rows r, r + 32, ... in order, the 32 sums through shared
// memory, added in order by the first thread of each column.
// CHECK-LABEL: func.func @layer_norm_grad_wide
// CHECK:         %[[DX:.*]] = memref.alloc() : memref<1000x4096xf32>
// CHECK:         %[[DG:.*]] = memref.alloc() : memref<4096xf32>
// CHECK:         %[[PG:.*]] = memref.alloc() : memref<512x4096xf32>
// CHECK:         %[[DB:.*]] = memref.alloc() : memref<4096xf32>
// CHECK:         %[[PB:.*]] = memref.alloc() : memref<512x4096xf32>
// CHECK:         gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c512, %{{.*}} = %c1, %{{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c512, {{.*}} = %c1, {{.*}} = %c1) workgroup(%{{.*}} : memref<32xf32, #gpu.address_space<workgroup>>)
// CHECK:           %[[SUMS:.*]]:4 = scf.for %[[ROW:.*]] = %[[BX]] to %c1000 step %c512 iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK:             %[[VALID:.*]] = arith.cmpi ult, %[[ROW]], %c1000
// CHECK:             %[[LOAD:.*]] = arith.minui %[[ROW]], %c999
// CHECK:             %[[MEAN:.*]] = tensor.extract %{{.*}}[%[[LOAD]]] : tensor<1000xf32>
// CHECK:             %[[RSTD:.*]] = tensor.extract %{{.*}}[%[[LOAD]]] : tensor<1000xf32>
// CHECK:             %[[DY:.*]] = vector.load %{{.*}}[%[[LOAD]], %{{.*}}] {alignment = 16 : i64} : memref<1000x4096xf32>, vector<4xf32>
// CHECK:             %[[X:.*]] = vector.load %{{.*}}[%[[LOAD]], %{{.*}}] {alignment = 16 : i64} : memref<1000x4096xf32>, vector<4xf32>
// CHECK:             arith.subf %[[X]], %{{.*}} : vector<4xf32>
// CHECK-COUNT-5:     gpu.shuffle xor
// CHECK:             gpu.barrier
// CHECK-COUNT-5:     gpu.shuffle xor
// CHECK:             gpu.barrier
// CHECK:             scf.if %[[VALID]] {
// CHECK-NEXT:          vector.store %{{.*}}, %[[DX]][%[[ROW]], %{{.*}}]
// CHECK:             arith.select %[[VALID]]
// CHECK:             gpu.barrier
// CHECK-NEXT:        scf.yield
// CHECK:           vector.store %[[SUMS]]#0, %[[PG]][%[[BX]], %{{.*}}]
// CHECK:           vector.store %[[SUMS]]#2, %[[PB]][%[[BX]], %{{.*}}]
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c128, {{.*}}) threads(%[[TX:.*]], %[[TY:.*]], %{{.*}}) in ({{.*}} = %c32, {{.*}} = %c32, {{.*}}) workgroup(%{{.*}} : memref<2048xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for %[[Q:.*]] = %[[TY]] to %c512 step %c32 iter_args({{.*}}) -> (f32, f32)
// CHECK:             memref.load %[[PG]][%[[Q]], %{{.*}}] : memref<512x4096xf32>
// CHECK:             memref.load %[[PB]][%[[Q]], %{{.*}}] : memref<512x4096xf32>
// CHECK:           gpu.barrier
// CHECK:           memref.store %{{.*}}, %[[DG]][%{{.*}}] : memref<4096xf32>
// CHECK:           memref.store %{{.*}}, %[[DB]][%{{.*}}] : memref<4096xf32>
// CHECK-NOT:     norm.layer_norm_grad
func.func @layer_norm_grad_wide(%dy: tensor<1000x4096xf32>, %x: tensor<1000x4096xf32>,
                                %m: tensor<1000xf32>, %r: tensor<1000xf32>, %g: tensor<4096xf32>)
    -> (tensor<1000x4096xf32>, tensor<4096xf32>, tensor<4096xf32>) {
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %m, %r scale(%g : tensor<4096xf32>)
      : tensor<1000x4096xf32>, stats tensor<1000xf32> scale_grad(tensor<4096xf32>) bias_grad(tensor<4096xf32>)
  return %dx, %dg, %db : tensor<1000x4096xf32>, tensor<4096xf32>, tensor<4096xf32>
}

// -----

// Dynamic rows of 128 bf16, Gemma's offset and a sum_grad (the backward of
// add_rms_norm): 16 threads per row, 8 rows per CTA; min(ceil(R / 8), 512)
// CTAs and as many times 8 partial rows, known only at run time; no mean,
// one row sum (of g * xhat: no mean(g) for RMS); the scale plus 1; dscale
// rounded once to bf16.
// CHECK-LABEL: func.func @rms_norm_grad_gemma
// CHECK:         %[[R:.*]] = tensor.dim
// CHECK:         %[[BLOCKS:.*]] = arith.ceildivui %[[R]], %c8
// CHECK:         %[[CTAS:.*]] = arith.minui %[[BLOCKS]], %c512
// CHECK:         %[[PROWS:.*]] = arith.muli %[[CTAS]], %c8
// CHECK:         %[[PG:.*]] = memref.alloc(%[[PROWS]]) : memref<?x128xf32>
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %[[CTAS]], {{.*}}) threads({{.*}}) in ({{.*}} = %c16, {{.*}} = %c8, {{.*}})
// CHECK:           arith.addf %{{.*}}, %cst{{.*}} : vector<8xf32>
// CHECK:           scf.for
// CHECK:             tensor.extract %{{.*}} : tensor<?xf32>
// CHECK-NOT:         tensor.extract
// CHECK:             vector.load {{.*}} : memref<?x128xbf16>, vector<8xbf16>
// CHECK-COUNT-4:     gpu.shuffle xor
// CHECK-NOT:         gpu.shuffle
// CHECK-NOT:         gpu.barrier
// CHECK:             scf.yield
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %c4, {{.*}})
// CHECK:           arith.truncf %{{.*}} : f32 to bf16
// CHECK:           memref.store %{{.*}} : memref<128xbf16>
func.func @rms_norm_grad_gemma(%dy: tensor<?x128xbf16>, %x: tensor<?x128xbf16>, %r: tensor<?xf32>,
                               %w: tensor<128xbf16>, %dh: tensor<?x128xbf16>)
    -> (tensor<?x128xbf16>, tensor<128xbf16>) {
  %dx, %dw = norm.rms_norm_grad %dy, %x, %r scale(%w : tensor<128xbf16>) sum_grad(%dh : tensor<?x128xbf16>)
      {scale_offset = 1.0 : f64} : tensor<?x128xbf16>, stats tensor<?xf32> scale_grad(tensor<128xbf16>)
  return %dx, %dw : tensor<?x128xbf16>, tensor<128xbf16>
}

// -----

// Left to convert-norm-to-linalg: f64 statistics, a whole tensor as one row
// (axis 0), and a row too wide for the registers of a CTA (65536 f32: 8192
// threads at two vectors each).
// CHECK-LABEL: func.func @negative_not_grad_row_kernels
// CHECK-NOT:     gpu.launch
// CHECK:         norm.layer_norm_grad {{.*}} stats tensor<8xf64>
// CHECK:         norm.rms_norm_grad {{.*}} : tensor<512xf32>
// CHECK:         norm.rms_norm_grad {{.*}} : tensor<4x65536xf32>
func.func @negative_not_grad_row_kernels(%a: tensor<8x512xf32>, %s64: tensor<8xf64>,
                                         %b: tensor<512xf32>, %s0: tensor<f32>,
                                         %c: tensor<4x65536xf32>, %s4: tensor<4xf32>)
    -> (tensor<8x512xf32>, tensor<512xf32>, tensor<4x65536xf32>) {
  %0 = norm.layer_norm_grad %a, %a, %s64, %s64 : tensor<8x512xf32>, stats tensor<8xf64>
  %1 = norm.rms_norm_grad %b, %b, %s0 {axis = 0 : i64} : tensor<512xf32>, stats tensor<f32>
  %2 = norm.rms_norm_grad %c, %c, %s4 : tensor<4x65536xf32>, stats tensor<4xf32>
  return %0, %1, %2 : tensor<8x512xf32>, tensor<512xf32>, tensor<4x65536xf32>
}
