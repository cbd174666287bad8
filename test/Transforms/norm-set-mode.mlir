// RUN: norm-opt %s --norm-set-mode | FileCheck %s --check-prefix=EVAL
// RUN: norm-opt %s --norm-set-mode=mode=train | FileCheck %s --check-prefix=TRAIN

// EVAL-LABEL: func.func @set_mode
// EVAL-COUNT-2: norm.batch_norm eval
// TRAIN-LABEL: func.func @set_mode
// TRAIN-COUNT-2: norm.batch_norm train
func.func @set_mode(%x: tensor<16x8xf32>, %p: tensor<8xf32>) -> (tensor<16x8xf32>, tensor<16x8xf32>) {
  %a, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p : tensor<16x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  %b, %m2, %v2 = norm.batch_norm eval %x, %p, %p, %p, %p : tensor<16x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %a, %b : tensor<16x8xf32>, tensor<16x8xf32>
}

// Other normalizers have no mode and are left as they are.
// EVAL-LABEL: func.func @negative_layer_norm_has_no_mode
// EVAL-NEXT:    norm.layer_norm %{{.*}} : tensor<16x8xf32>
func.func @negative_layer_norm_has_no_mode(%x: tensor<16x8xf32>) -> tensor<16x8xf32> {
  %y = norm.layer_norm %x : tensor<16x8xf32>
  return %y : tensor<16x8xf32>
}
