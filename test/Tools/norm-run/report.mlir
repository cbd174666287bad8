// What norm-run says on success: how it drew the random inputs (weights of
// a contraction N(0, 1/fan-in), seen through calls; variances positive),
// then one line of what ran, then the check. A block of two matmuls over
// K = 64 and 256 passes at the default tolerance: its activations stay
// O(1), and the absolute tolerance is at the result's scale.

// RUN: norm-run %s --random-inputs --seed=1 --check | FileCheck %s
// RUN: rm -rf %t && mkdir -p %t
// RUN: norm-compile %s --target=cpu -o %t/art
// RUN: %t/art --random-inputs --seed=1 --output-dir=%t/out > /dev/null
// RUN: %python -c "import numpy as n; print('finite' if n.isfinite(n.load('%t/out/result0.npy')).all() else 'bad')" | FileCheck %s --check-prefix=ART
// The weights are drawn as said: standard deviations 1/8 and 1/16.
// RUN: norm-run %s --random-inputs --seed=1 --write-reference=%t/ref
// RUN: %python -c "import numpy as n; print('%%.2f %%.2f' %% (n.load('%t/ref/arg1.npy').std() * 8, n.load('%t/ref/arg2.npy').std() * 16))" | FileCheck %s --check-prefix=SCALE

// CHECK:      random inputs (seed 1): #0 N(0, 1), #1 N(0, 1/64) (a weight), #2 N(0, 1/256) (a weight), #3 N(0, 1), #4 U(0.5, 1.5) (a variance)
// CHECK-NEXT: ran @block on 5 arguments: 1 result (f32 [8, 64]) in {{[0-9.]+}} ms
// CHECK-NEXT: result0 (f32): 512 values, {{.*}}, PASS
// CHECK-NEXT: check: PASS
// ART: finite
// SCALE: {{(0\.99|1\.00|1\.01) (0\.99|1\.00|1\.01)}}

func.func private @mlp(%h: tensor<8x64xf32>, %w1: tensor<64x256xf32>, %w2: tensor<256x64xf32>) -> tensor<8x64xf32> {
  %c = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8x256xf32>
  %f1 = linalg.fill ins(%c : f32) outs(%e1 : tensor<8x256xf32>) -> tensor<8x256xf32>
  %u = linalg.matmul ins(%h, %w1 : tensor<8x64xf32>, tensor<64x256xf32>) outs(%f1 : tensor<8x256xf32>) -> tensor<8x256xf32>
  %a = math.tanh %u : tensor<8x256xf32>
  %e2 = tensor.empty() : tensor<8x64xf32>
  %f2 = linalg.fill ins(%c : f32) outs(%e2 : tensor<8x64xf32>) -> tensor<8x64xf32>
  %o = linalg.matmul ins(%a, %w2 : tensor<8x256xf32>, tensor<256x64xf32>) outs(%f2 : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %o : tensor<8x64xf32>
}

func.func @block(%x: tensor<8x64xf32>, %w1: tensor<64x256xf32>, %w2: tensor<256x64xf32>, %mean: tensor<64xf32>, %var: tensor<64xf32>) -> tensor<8x64xf32> {
  %n = norm.layer_norm %x : tensor<8x64xf32>
  %f = func.call @mlp(%n, %w1, %w2) : (tensor<8x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<8x64xf32>
  %h = arith.addf %x, %f : tensor<8x64xf32>
  %one = arith.constant dense<1.0> : tensor<64xf32>
  %zero = arith.constant dense<0.0> : tensor<64xf32>
  %y, %m, %v = norm.batch_norm eval %h, %one, %zero, %mean, %var : tensor<8x64xf32>, params tensor<64xf32>, stats tensor<64xf32>
  return %y : tensor<8x64xf32>
}
