// LLVM 22.1's SROA (after the full unrolling of -O3) makes an invalid
// module of this 4x8 bf16 RMS norm's row kernel: an fmul of the mean
// square that no longer dominates its use (64x8, 4x16 and f16/f32 compile).
// norm-compile verifies what LLVM's optimizer returns, so the bug is a
// one-line error and exit 2, not a crash in the code generator. Where LLVM
// gets it right (another version, or a lowering that no longer writes the
// pattern) the artifact builds; both are accepted here, a crash is not.
// (norm-run's JIT still crashes on it, in the machine scheduler, after an
// optimizer result that verifies: not caught yet.)
// RUN: sh -c 'norm-compile %s --emit=obj -o %t.o > %t.compile 2>&1; c=$?; test $c -eq 0 || test $c -eq 2'
// RUN: sh -c 'test ! -s %t.compile || grep -q "^norm-compile: optimizing the host code failed: LLVM.s optimizer made an invalid module (an LLVM bug): Instruction does not dominate all uses" %t.compile'
// RUN: FileCheck %s --allow-empty --input-file=%t.compile
// CHECK-NOT: Stack dump
// CHECK-NOT: PLEASE submit
func.func @rms_bf16_4x8(%x: tensor<4x8xbf16>, %w: tensor<8xbf16>) -> tensor<4x8xbf16> {
  %y = norm.rms_norm %x scale(%w : tensor<8xbf16>) {epsilon = 1.0e-6 : f64} : tensor<4x8xbf16>
  return %y : tensor<4x8xbf16>
}
