//===- Pipelines.h - norm-mlir lowering pipelines -----------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The pipelines that take norm programs to the LLVM dialect, with their
// options, for the tools and for other compilers that embed norm-mlir.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_PIPELINES_PIPELINES_H
#define NORM_MLIR_PIPELINES_PIPELINES_H

#include "norm-mlir/Transforms/Passes.h"

#include "mlir/Pass/PassOptions.h"

#include <functional>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::norm {
/// How the CPU pipeline rounds f32 to bf16.
enum class Bf16Rounding { Exact, NativeFtz };

/// How the CPU pipeline runs matmuls and convolutions.
enum class Contractions { Library, Loops };

/// Options of `norm-lower-to-llvm-cpu`.
struct NormCPUPipelineOptions
    : public PassPipelineOptions<NormCPUPipelineOptions> {
  Option<bool> optimize{
      *this, "optimize",
      llvm::cl::desc("Run norm-optimize first (fusion and folding)"),
      llvm::cl::init(true)};
  Option<bool> raise{
      *this, "raise",
      llvm::cl::desc("Raise decomposed normalizers first (norm-raise, part "
                     "of norm-optimize)"),
      llvm::cl::init(true)};
  Option<bool> tile{
      *this, "tile",
      llvm::cl::desc("Row kernels: tile over rows, fuse each normalizer's "
                     "reductions into the tile, vectorize (norm-tile-rows)"),
      llvm::cl::init(true)};
  Option<Contractions> contractions{
      *this, "contractions",
      llvm::cl::desc("How matmuls and convolutions run (the normalizers are "
                     "generated code either way)"),
      llvm::cl::values(
          clEnumValN(Contractions::Library, "library",
                     "calls of oneDNN's matmul and convolution primitives "
                     "(norm-library-calls; the code then links libdnnl)"),
          clEnumValN(Contractions::Loops, "loops",
                     "loop nests of their own (no library; scalar, slow)")),
      llvm::cl::init(Contractions::Library)};
  Option<bool> approximateMath{
      *this, "approximate-math",
      llvm::cl::desc("f32 exp, expm1, tanh and erf as inlined polynomials "
                     "(norm-approximate-math); false calls libm"),
      llvm::cl::init(true)};
  Option<int64_t> tileBytes{
      *this, "tile-bytes",
      llvm::cl::desc("Bytes of f32 row data per tile of the row kernels"),
      llvm::cl::init(16384)};
  Option<std::string> targetCpu{
      *this, "target-cpu",
      llvm::cl::desc("The CPU the code is for, as LLVM names it (znver4, "
                     "sapphirerapids, x86-64-v3; empty: the generic one). The "
                     "pipeline itself reads only target-features; the tools "
                     "give both to the code generator, fill target-features "
                     "for a named CPU, and take 'host' to mean this machine "
                     "(norm-run's default)"),
      llvm::cl::init("")};
  Option<std::string> targetFeatures{
      *this, "target-features",
      llvm::cl::desc("The CPU's features as LLVM spells them "
                     "(+avx2,+avx512f,+avx512bf16,...): the row kernels' "
                     "vector width and the bf16 conversion come from these, "
                     "never from the machine that compiles"),
      llvm::cl::init("")};
  Option<unsigned> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector width of the row kernels in bits; 0 = the "
                     "widest that target-features give (+avx512f: 512, "
                     "+avx: 256, else 128)"),
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
          clEnumValN(Bf16Rounding::Exact, "exact",
                     "round to nearest even, subnormals kept, in integer "
                     "arithmetic (any CPU)"),
          clEnumValN(Bf16Rounding::NativeFtz, "native-ftz",
                     "AVX512-BF16's vcvtneps2bf16 where target-features "
                     "have +avx512bf16 (exact elsewhere): faster, but "
                     "flushes subnormal results to zero")),
      llvm::cl::init(Bf16Rounding::Exact)};
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

/// Whether an LLVM feature string ("+avx2,-avx512f,...") turns `feature`
/// ("avx512f") on.
bool hasTargetFeature(llvm::StringRef features, llvm::StringRef feature);

/// The widest vector registers that `features` give, in bits: 512 with
/// +avx512f, 256 with +avx or +avx2, else 128 (SSE2, NEON, every other
/// baseline).
unsigned vectorBitsOf(llvm::StringRef features);

/// The norm-level rewrites alone: norm-optimize (fusion and folding) with
/// `options`, the placements made explicit (norm-expand-residual), and a
/// check that the result verifies. The first stage of both lowerings.
void buildNormOptimizePipeline(OpPassManager &pm,
                               const NormOptimizeOptions &options = {});

/// norm + linalg/tensor/arith/math on tensors -> LLVM dialect for the CPU
/// that `options` describe (never the machine that compiles).
void buildNormCPUPipeline(OpPassManager &pm,
                          const NormCPUPipelineOptions &options);

/// Options of `norm-lower-to-nvvm`.
struct NormNVVMPipelineOptions
    : public PassPipelineOptions<NormNVVMPipelineOptions> {
  Option<bool> optimize{
      *this, "optimize",
      llvm::cl::desc("Run norm-optimize first (fusion and folding)"),
      llvm::cl::init(true)};
  Option<bool> raise{
      *this, "raise",
      llvm::cl::desc("Raise decomposed normalizers first (norm-raise, part "
                     "of norm-optimize)"),
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

/// Fills in what a CPU target leaves open (target-cpu=host, the features of
/// a named CPU) before the pipeline is built: a tool's knowledge of the
/// machine or of LLVM's CPU tables, which the library never consults.
using CPUTargetResolver = std::function<void(NormCPUPipelineOptions &)>;

/// Registers every norm-mlir pipeline with the pass registry. With a
/// `resolveTarget` (the tools'), `norm-lower-to-llvm-cpu`'s options pass
/// through it first; without one (a compiler that embeds norm-mlir) they are
/// used as given. Idempotent: the pass registry rejects a pipeline name
/// registered twice, so later calls do nothing and the first call's
/// `resolveTarget` is the one that holds.
void registerNormPipelines(CPUTargetResolver resolveTarget = nullptr);
} // namespace mlir::norm

#endif // NORM_MLIR_PIPELINES_PIPELINES_H
