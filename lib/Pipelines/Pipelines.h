//===- Pipelines.h - norm-mlir lowering pipelines -----------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The pipelines that take norm programs to the LLVM dialect, with their
// options, for the tools and for other compilers that embed norm-mlir.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_PIPELINES_PIPELINES_H
#define NORM_LIB_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::norm {
/// How the CPU pipeline rounds f32 to bf16.
enum class Bf16Rounding { Host, Native, Integer };

/// Options of `norm-lower-to-llvm-cpu`.
struct NormCPUPipelineOptions
    : public PassPipelineOptions<NormCPUPipelineOptions> {
  Option<bool> optimize{
      *this, "optimize",
      llvm::cl::desc("Run norm-optimize first (fusion and folding)"),
      llvm::cl::init(true)};
  Option<bool> tile{
      *this, "tile",
      llvm::cl::desc("Row kernels: tile over rows, fuse each normalizer's "
                     "reductions into the tile, vectorize (norm-tile-rows)"),
      llvm::cl::init(true)};
  Option<int64_t> tileBytes{
      *this, "tile-bytes",
      llvm::cl::desc("Bytes of f32 row data per tile of the row kernels"),
      llvm::cl::init(16384)};
  Option<unsigned> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector width of the row kernels in bits; 0 = the "
                     "host's widest registers"),
      llvm::cl::init(0)};
  Option<unsigned> numThreads{
      *this, "num-threads",
      llvm::cl::desc("Threads that run the tiles (OpenMP, libomp at run "
                     "time); 0 = OpenMP's default (OMP_NUM_THREADS or all "
                     "cores)"),
      llvm::cl::init(0)};
  Option<bool> openmp{
      *this, "openmp",
      llvm::cl::desc("Run the tiles on OpenMP threads (needs libomp at run "
                     "time); false runs them in order on the calling thread"),
      llvm::cl::init(true)};
  Option<int64_t> streamingThreshold{
      *this, "streaming-threshold",
      llvm::cl::desc("Outputs of at least this many bytes are written with "
                     "non-temporal stores (norm-streaming-stores)"),
      llvm::cl::init(16 << 20)};
  Option<bool> prefetch{
      *this, "prefetch",
      llvm::cl::desc("Row kernels prefetch the next tile of rows while they "
                     "write (norm-streaming-stores)"),
      llvm::cl::init(true)};
  Option<Bf16Rounding> bf16Rounding{
      *this, "bf16-rounding",
      llvm::cl::desc("How f32 results become bf16"),
      llvm::cl::values(
          clEnumValN(Bf16Rounding::Host, "host",
                     "native where the host has AVX512-BF16, else integer"),
          clEnumValN(Bf16Rounding::Native, "native",
                     "AVX512-BF16's vcvtneps2bf16 (flushes subnormals to "
                     "zero)"),
          clEnumValN(Bf16Rounding::Integer, "integer",
                     "round to nearest even in integer arithmetic (any CPU)")),
      llvm::cl::init(Bf16Rounding::Host)};
  Option<bool> deallocate{
      *this, "deallocate",
      llvm::cl::desc("Free intermediate buffers (ownership-based "
                     "deallocation); results are owned by the caller"),
      llvm::cl::init(true)};
  Option<bool> outParams{
      *this, "out-params",
      llvm::cl::desc("Results become trailing arguments that the caller "
                     "allocates, 64-byte aligned (static shapes are "
                     "written in place)"),
      llvm::cl::init(false)};
  Option<bool> verifyLowered{
      *this, "verify-lowered",
      llvm::cl::desc("End with norm-verify-lowered (fail on anything left "
                     "unlowered)"),
      llvm::cl::init(true)};
};

/// norm + linalg/tensor/arith/math on tensors -> LLVM dialect for the host.
void buildNormCPUPipeline(OpPassManager &pm,
                          const NormCPUPipelineOptions &options);

/// Options of `norm-lower-to-nvvm`.
struct NormNVVMPipelineOptions
    : public PassPipelineOptions<NormNVVMPipelineOptions> {
  Option<bool> optimize{
      *this, "optimize",
      llvm::cl::desc("Run norm-optimize first (fusion and folding)"),
      llvm::cl::init(true)};
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("GPU architecture (sm_80, sm_90)"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX features: the PTX ISA version to emit"),
      llvm::cl::init("+ptx80")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("What gpu.binary holds: isa (PTX text, no toolkit "
                     "needed), bin (cubin, runs ptxas) or fatbin"),
      llvm::cl::init("isa")};
  Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit: libdevice for math functions, ptxas for "
                     "format=bin"),
      llvm::cl::init("/usr/local/cuda")};
  Option<int64_t> maxVectorsPerThread{
      *this, "max-vectors-per-thread",
      llvm::cl::desc("Row kernels: 16-byte vectors each thread keeps in "
                     "registers (bounds the widest row they take)"),
      llvm::cl::init(8)};
  Option<bool> verifyLowered{
      *this, "verify-lowered",
      llvm::cl::desc("End with norm-verify-lowered (fail on anything left "
                     "unlowered)"),
      llvm::cl::init(true)};
};

/// norm + linalg/tensor/arith/math on tensors -> kernels in a gpu.binary
/// and a host side in the LLVM dialect that launches them (mgpu* ABI).
/// Results are out-params: the caller passes device buffers for them.
void buildNormNVVMPipeline(OpPassManager &pm,
                           const NormNVVMPipelineOptions &options);

/// Registers every norm-mlir pipeline with the pass registry.
void registerNormPipelines();
} // namespace mlir::norm

#endif // NORM_LIB_PIPELINES_PIPELINES_H
