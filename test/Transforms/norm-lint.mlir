// RUN: norm-opt %s --norm-lint="post-ln-depth=2" --split-input-file --verify-diagnostics
// RUN: not norm-opt %s --norm-lint=werror --split-input-file 2>&1 | FileCheck %s --check-prefix=WERROR

// WERROR: error: [NL001]

func.func @single_value_per_channel(%x: tensor<1x4xf32>, %p: tensor<4xf32>) -> tensor<1x4xf32> {
  // expected-warning @+2 {{[NL001] batch_norm in train mode sees one value per channel: the variance is 0 and the output is just the bias; fix: use eval mode, a larger batch, or layer_norm/group_norm}}
  // expected-warning @+1 {{[NL006] a per-device batch of 1 is too small for stable batch statistics (min-batch = 8); fix: synchronize statistics with sync_group, or use group_norm}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p : tensor<1x4xf32>, params tensor<4xf32>, stats tensor<4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @unmasked_sequence(%x: tensor<8x128x64xf32>, %p: tensor<64xf32>) -> tensor<8x128x64xf32> {
  // expected-warning @+1 {{[NL002] batch_norm over a (batch, sequence, features) tensor without a mask: padded positions corrupt the statistics; fix: pass the padding mask with mask(...), or use layer_norm}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p {channel_axis = -1 : i64} : tensor<8x128x64xf32>, params tensor<64xf32>, stats tensor<64xf32>
  return %y : tensor<8x128x64xf32>
}

// -----

func.func @negative_masked_sequence(%x: tensor<8x128x64xf32>, %p: tensor<64xf32>, %mask: tensor<8x128xi1>) -> tensor<8x128x64xf32> {
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p mask(%mask : tensor<8x128xi1>) {channel_axis = 2 : i64} : tensor<8x128x64xf32>, params tensor<64xf32>, stats tensor<64xf32>
  return %y : tensor<8x128x64xf32>
}

// -----

func.func @epsilon_too_small(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-warning @+1 {{[NL003] epsilon 1.000000e-20 is below the resolution of a f32 variance (1.421085e-14): it no longer guards constant rows; fix: use epsilon = 1e-5}}
  %y = norm.layer_norm %x {epsilon = 1.0e-20 : f64} : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @negative_epsilon_tiny_but_f64(%x: tensor<4x8xf64>) -> tensor<4x8xf64> {
  %y = norm.rms_norm %x {epsilon = 1.0e-20 : f64, compute_type = f64} : tensor<4x8xf64>
  return %y : tensor<4x8xf64>
}

// -----

func.func @narrow_running_stats(%x: tensor<16x8xbf16>, %p: tensor<8xbf16>) -> tensor<16x8xbf16> {
  // expected-warning @+1 {{[NL004] running statistics are stored in bf16: the momentum update rounds away small changes; fix: keep running_mean and running_var in f32}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p : tensor<16x8xbf16>, params tensor<8xbf16>, stats tensor<8xbf16>
  return %y : tensor<16x8xbf16>
}

// -----

module attributes {norm.inference} {
  func.func @forgotten_eval(%x: tensor<16x8xf32>, %p: tensor<8xf32>) -> tensor<16x8xf32> {
    // expected-warning @+1 {{[NL005] batch_norm in train mode in a pipeline marked norm.inference (the forgotten model.eval()); fix: run norm-set-mode{mode=eval} or set mode to eval}}
    %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p : tensor<16x8xf32>, params tensor<8xf32>, stats tensor<8xf32>
    return %y : tensor<16x8xf32>
  }
}

// -----

func.func @tiny_batch(%x: tensor<2x8x7x7xf32>, %p: tensor<8xf32>) -> tensor<2x8x7x7xf32> {
  // expected-warning @+1 {{[NL006] a per-device batch of 2 is too small}}
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p : tensor<2x8x7x7xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<2x8x7x7xf32>
}

// -----

func.func @negative_tiny_batch_synchronized(%x: tensor<2x8x7x7xf32>, %p: tensor<8xf32>) -> tensor<2x8x7x7xf32> {
  %y, %m, %v = norm.batch_norm train %x, %p, %p, %p, %p {sync_group = "dp"} : tensor<2x8x7x7xf32>, params tensor<8xf32>, stats tensor<8xf32>
  return %y : tensor<2x8x7x7xf32>
}

// -----

// A clean model: pre-LN blocks, eval batch norm in an inference module.
module attributes {norm.inference} {
  func.func @negative_clean_model(%x: tensor<4x64xf32>, %c: tensor<16x8x7x7xf32>, %p: tensor<8xf32>) -> tensor<4x64xf32> {
    %y = norm.residual %x : tensor<4x64xf32> pre {
    ^bb0(%a: tensor<4x64xf32>):
      %n = norm.rms_norm %a : tensor<4x64xf32>
      norm.yield %n : tensor<4x64xf32>
    } body {
    ^bb0(%h: tensor<4x64xf32>):
      norm.yield %h : tensor<4x64xf32>
    }
    %b, %m, %v = norm.batch_norm eval %c, %p, %p, %p, %p : tensor<16x8x7x7xf32>, params tensor<8xf32>, stats tensor<8xf32>
    return %y : tensor<4x64xf32>
  }
}

// -----

// expected-remark @+1 {{[NL007] 2 post-LN residual blocks: post-LN needs learning-rate warmup at this depth; fix: pre-LN (or DeepNorm's residual_scale) trains more stably}}
func.func @deep_post_ln(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %a = norm.residual %x : tensor<4x8xf32> body {
  ^bb0(%h: tensor<4x8xf32>):
    norm.yield %h : tensor<4x8xf32>
  } post {
  ^bb0(%s: tensor<4x8xf32>):
    %n = norm.layer_norm %s : tensor<4x8xf32>
    norm.yield %n : tensor<4x8xf32>
  }
  %b = norm.residual %a : tensor<4x8xf32> body {
  ^bb0(%h: tensor<4x8xf32>):
    norm.yield %h : tensor<4x8xf32>
  } post {
  ^bb0(%s: tensor<4x8xf32>):
    %n = norm.layer_norm %s : tensor<4x8xf32>
    norm.yield %n : tensor<4x8xf32>
  }
  return %b : tensor<4x8xf32>
}
