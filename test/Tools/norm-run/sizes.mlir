// Zero-size dims lower and run, checked against float64: empty results,
// and running statistics unchanged by an empty batch (what PyTorch does;
// the batch_norm op documents it). Shapes with more bytes than the machine
// has, or than it can address, are a one-line error and exit 2 before
// anything is allocated.

// RUN: norm-run %s --entry=empty_batch --random-inputs --check | FileCheck %s --check-prefix=EMPTY
// RUN: norm-run %s --entry=empty_batch --random-inputs --check --pipeline-options=openmp=false | FileCheck %s --check-prefix=EMPTY
// RUN: norm-run %s --entry=no_rows --random-inputs --check | FileCheck %s --check-prefix=ROWS
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-run %s --entry=empty_batch --random-inputs --seed=3 --output-dir=%t > /dev/null
// RUN: norm-run %s --entry=empty_batch --random-inputs --seed=3 --write-reference=%t/ref
// RUN: cmp %t/result1.npy %t/ref/arg3.npy
// RUN: cmp %t/result2.npy %t/ref/arg4.npy
// RUN: %expect_exit 2 norm-run %s --entry=too_big --random-inputs 2>&1 | FileCheck %s --check-prefix=BIG
// RUN: %expect_exit 2 norm-run %s --entry=unaddressable --random-inputs --check 2>&1 | FileCheck %s --check-prefix=HUGE
// Artifacts refuse them the same way.
// RUN: norm-compile %s --entry=too_big --target=cpu -o %t/big
// RUN: %expect_exit 2 %t/big --random-inputs 2>&1 | FileCheck %s --check-prefix=ARTBIG
// RUN: norm-compile %s --entry=unaddressable --target=cpu -o %t/huge
// RUN: %expect_exit 2 %t/huge --random-inputs 2>&1 | FileCheck %s --check-prefix=ARTHUGE
// RUN: norm-compile %s --entry=empty_batch --target=cpu -o %t/empty
// RUN: %t/empty --input=%t/ref/arg0.npy --input=%t/ref/arg1.npy --input=%t/ref/arg2.npy --input=%t/ref/arg3.npy --input=%t/ref/arg4.npy --expected=%t/ref/expected0.npy --expected=%t/ref/expected1.npy --expected=%t/ref/expected2.npy | FileCheck %s --check-prefix=ARTEMPTY

// EMPTY: ran @empty_batch on 5 arguments: 3 results (f32 [0, 16, 4, 4], f32 [16], f32 [16])
// EMPTY: check: PASS
// ROWS: ran @no_rows on 2 arguments: 1 result (f32 [0, 64])
// ROWS: check: PASS
// BIG: norm-run: argument #0 ([100000000, 4096]) needs 1525.9 GiB (1525.9 GiB with what comes before it); this machine has {{[0-9.]+}} GiB{{$}}
// BIG-NOT: {{.}}
// HUGE: norm-run: argument #0 ([4611686018427387904, 4]) has more bytes than this machine can address
// HUGE-NOT: {{.}}
// ARTBIG: big: argument #0 ([100000000, 4096]) needs 1562500 MiB, more than this machine's {{[0-9]+}} MiB with the arrays before it
// ARTHUGE: huge: argument #0 ([4611686018427387904, 4]) has more bytes than this machine can address
// ARTEMPTY: check: PASS

func.func @empty_batch(%x: tensor<0x16x4x4xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>, %m: tensor<16xf32>, %v: tensor<16xf32>) -> (tensor<0x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>) {
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v : tensor<0x16x4x4xf32>, params tensor<16xf32>, stats tensor<16xf32>
  return %y, %nm, %nv : tensor<0x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>
}

func.func @no_rows(%x: tensor<0x64xf32>, %g: tensor<64xf32>) -> tensor<0x64xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<64xf32>) : tensor<0x64xf32>
  return %y : tensor<0x64xf32>
}

func.func @too_big(%x: tensor<100000000x4096xf32>) -> tensor<100000000x4096xf32> {
  %y = norm.rms_norm %x : tensor<100000000x4096xf32>
  return %y : tensor<100000000x4096xf32>
}

func.func @unaddressable(%x: tensor<4611686018427387904x4xf32>) -> tensor<4611686018427387904x4xf32> {
  %y = norm.rms_norm %x : tensor<4611686018427387904x4xf32>
  return %y : tensor<4611686018427387904x4xf32>
}
