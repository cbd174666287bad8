// An upstream MLIR bug the parser fuzzer found (LLVM 22.1.8):
// linalg.matmul's verifier reads past `indexing_maps` when it holds fewer
// maps than operands, and past a map without results. mlir-opt crashes the
// same way; norm-run, norm-compile and the fuzzers reject these forms before
// verifying (mlir::norm::parseModule; test/Tools/norm-run/errors.mlir).
// This test fails once upstream reports an error instead, as a reminder to
// drop that check.
// RUN: not --crash norm-opt %s
// ASan reports the crash and exits 1 instead of dying of the signal.
// UNSUPPORTED: asan
func.func @f(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>] ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
