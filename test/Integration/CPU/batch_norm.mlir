// Batch norm (train, eval, masked, running statistics) on the CPU, checked
// against the float64 reference.
// RUN: norm-run %s --entry=train_nchw --random-inputs --check | FileCheck %s --check-prefix=TRAIN
// RUN: norm-run %s --entry=one_value_per_channel --random-inputs --check | FileCheck %s --check-prefix=ONE
// RUN: norm-run %s --entry=eval_nchw --random-inputs --check | FileCheck %s --check-prefix=EVAL
// RUN: norm-run %s --entry=masked_sequence_bf16 --random-inputs --seed=5 --check | FileCheck %s --check-prefix=MASK
// RUN: norm-run %s --entry=dynamic_batch --random-inputs --check | FileCheck %s --check-prefix=DYN
// RUN: norm-run %s --entry=train_vectorized --random-inputs --check --pipeline-options=vector-bits=512 | FileCheck %s --check-prefix=VEC
// RUN: norm-run %s --entry=train_vectorized --random-inputs --check --pipeline-options=vector-bits=256 | FileCheck %s --check-prefix=VEC
// RUN: norm-run %s --entry=train_nhwc_blocks --random-inputs --check | FileCheck %s --check-prefix=NHWC
// RUN: norm-run %s --entry=train_nhwc_blocks --random-inputs --num-threads=1 --output-dir=%t/one
// RUN: norm-run %s --entry=train_nhwc_blocks --random-inputs --num-threads=2 --output-dir=%t/two
// RUN: cmp %t/one/result0.npy %t/two/result0.npy
// RUN: cmp %t/one/result1.npy %t/two/result1.npy
// RUN: cmp %t/one/result2.npy %t/two/result2.npy
// RUN: norm-run %s --entry=train_nhwc_blocks_masked_bf16 --random-inputs --seed=7 --check | FileCheck %s --check-prefix=NHWCMASK

// New running statistics use the unbiased variance.
// TRAIN: result0 (f32): 1200 values
// TRAIN-COUNT-4: (f32): 6 values
// TRAIN: check: PASS
func.func @train_nchw(%x: tensor<8x6x5x5xf32>, %g: tensor<6xf32>, %b: tensor<6xf32>,
                      %m: tensor<6xf32>, %v: tensor<6xf32>)
    -> (tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) {
  %y, %nm, %nv, %sm, %sr = norm.batch_norm train %x, %g, %b, %m, %v {momentum = 0.2 : f64}
      : tensor<8x6x5x5xf32>, params tensor<6xf32>, stats tensor<6xf32>
        saved_mean(tensor<6xf32>) saved_rstd(tensor<6xf32>)
  return %y, %nm, %nv, %sm, %sr
      : tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>
}

// One value per channel: the variance is 0 and the output is the bias.
// ONE: result0 (f32): 4 values, max abs 0.0e+00
// ONE: check: PASS
func.func @one_value_per_channel(%x: tensor<1x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>,
                                 %m: tensor<4xf32>, %v: tensor<4xf32>)
    -> (tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v
      : tensor<1x4xf32>, params tensor<4xf32>, stats tensor<4xf32>
  return %y, %nm, %nv : tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>
}

// EVAL: result0 (f32): 1200 values
// EVAL: result1 (f32): 6 values, max abs 0.0e+00
// EVAL: check: PASS
func.func @eval_nchw(%x: tensor<8x6x5x5xf32>, %g: tensor<6xf32>, %b: tensor<6xf32>,
                     %m: tensor<6xf32>, %v: tensor<6xf32>)
    -> (tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>) {
  %y, %nm, %nv = norm.batch_norm eval %x, %g, %b, %m, %v
      : tensor<8x6x5x5xf32>, params tensor<6xf32>, stats tensor<6xf32>
  return %y, %nm, %nv : tensor<8x6x5x5xf32>, tensor<6xf32>, tensor<6xf32>
}

// A padded (batch, sequence, features) tensor: only unmasked positions count.
// MASK: result0 (bf16): 448 values, {{.*}} max ulp {{0|1}}.0, PASS
// MASK: check: PASS
func.func @masked_sequence_bf16(%x: tensor<4x7x16xbf16>, %g: tensor<16xf32>, %b: tensor<16xf32>,
                                %m: tensor<16xf32>, %v: tensor<16xf32>, %mask: tensor<4x7xi1>)
    -> (tensor<4x7x16xbf16>, tensor<16xf32>, tensor<16xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v mask(%mask : tensor<4x7xi1>)
      {channel_axis = 2 : i64}
      : tensor<4x7x16xbf16>, params tensor<16xf32>, stats tensor<16xf32>
  return %y, %nm, %nv : tensor<4x7x16xbf16>, tensor<16xf32>, tensor<16xf32>
}

// DYN: result0 (f32): 384 values
// DYN: check: PASS
func.func private @bn_dynamic(%x: tensor<?x3x4x4xf32>, %p: tensor<3xf32>, %v: tensor<3xf32>)
    -> (tensor<?x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %p, %p, %p, %v
      : tensor<?x3x4x4xf32>, params tensor<3xf32>, stats tensor<3xf32>
  return %y, %nm, %nv : tensor<?x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>
}
func.func @dynamic_batch(%x: tensor<8x3x4x4xf32>, %p: tensor<3xf32>, %v: tensor<3xf32>)
    -> (tensor<8x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %d = tensor.cast %x : tensor<8x3x4x4xf32> to tensor<?x3x4x4xf32>
  %y, %nm, %nv = call @bn_dynamic(%d, %p, %v)
      : (tensor<?x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<?x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  %s = tensor.cast %y : tensor<?x3x4x4xf32> to tensor<8x3x4x4xf32>
  return %s, %nm, %nv : tensor<8x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// H x W = 144: norm-tile-rows accumulates each channel's statistics in
// vectors, over N and chunks of H x W, in both vector widths.
// VEC: result0 (f32): 18432 values
// VEC-COUNT-2: (f32): 16 values
// VEC: check: PASS
func.func @train_vectorized(%x: tensor<8x16x12x12xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>,
                            %m: tensor<16xf32>, %v: tensor<16xf32>)
    -> (tensor<8x16x12x12xf32>, tensor<16xf32>, tensor<16xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v
      : tensor<8x16x12x12xf32>, params tensor<16xf32>, stats tensor<16xf32>
  return %y, %nm, %nv : tensor<8x16x12x12xf32>, tensor<16xf32>, tensor<16xf32>
}

// Channels last with enough rows (N x H x W = 16384) for the per-channel
// sums to go in blocks of 512 rows (norm-tile-rows): the same results as
// float64, and the same bits with 1 and 2 threads.
// NHWC: result0 (f32): 262144 values, {{.*}} PASS
// NHWC: check: PASS
func.func @train_nhwc_blocks(%x: tensor<16x32x32x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>,
                             %m: tensor<16xf32>, %v: tensor<16xf32>)
    -> (tensor<16x32x32x16xf32>, tensor<16xf32>, tensor<16xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v {channel_axis = 3 : i64}
      : tensor<16x32x32x16xf32>, params tensor<16xf32>, stats tensor<16xf32>
  return %y, %nm, %nv : tensor<16x32x32x16xf32>, tensor<16xf32>, tensor<16xf32>
}

// NHWCMASK: result0 (bf16): 262144 values, {{.*}} PASS
// NHWCMASK: check: PASS
func.func @train_nhwc_blocks_masked_bf16(%x: tensor<16x32x32x16xbf16>, %g: tensor<16xf32>, %b: tensor<16xf32>,
                                         %m: tensor<16xf32>, %v: tensor<16xf32>, %mask: tensor<16x32x32xi1>)
    -> (tensor<16x32x32x16xbf16>, tensor<16xf32>, tensor<16xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v mask(%mask : tensor<16x32x32xi1>) {channel_axis = 3 : i64}
      : tensor<16x32x32x16xbf16>, params tensor<16xf32>, stats tensor<16xf32>
  return %y, %nm, %nv : tensor<16x32x32x16xbf16>, tensor<16xf32>, tensor<16xf32>
}
