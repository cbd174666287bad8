// An upstream MLIR bug the parser fuzzer found (LLVM 22.1.8): after a lexer
// error inside `dimensions = [...]`, linalg.broadcast's parser (and
// linalg.transpose's `permutation`) stores a null attribute and crashes.
// mlir-opt crashes the same way. norm-mlir cannot fix libMLIR; this test
// fails once upstream does, as a reminder to put linalg back in the fuzzers
// (test/Fuzz/ModuleFuzzer.cpp).
// RUN: not --crash norm-opt %s
// ASan reports the crash and exits 1 instead of dying of the signal.
// UNSUPPORTED: asan
func.func @f(%b: tensor<4xf32>, %e: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %bb = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<2x4xf32>) dimensions =é[0]
  return %bb : tensor<2x4xf32>
}
