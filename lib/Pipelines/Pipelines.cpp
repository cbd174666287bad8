//===- Pipelines.cpp - norm-mlir lowering pipelines -----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Builders of the lowering pipelines, one comment per stage, and their
// registration in one place.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Pipelines/Pipelines.h"

#include "norm-mlir/Codegen/Passes.h"
#include "norm-mlir/Conversion/Passes.h"
#include "norm-mlir/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Fails, naming `stage`, when the IR does not verify: cheap checks between
/// stages, so that a pass that builds invalid IR is caught where it happens
/// when the pass manager does not verify after every pass.
static void addStageVerifier(OpPassManager &pm, StringRef stage) {
  norm::NormVerifyStageOptions options;
  options.stage = stage.str();
  pm.addPass(norm::createNormVerifyStage(options));
}

/// The normalization rewrites: placement made explicit, normalizers shared,
/// fused with residual adds and projections, batch norms folded.
static void addNormRewrites(OpPassManager &pm, bool optimize, bool raise) {
  if (optimize) {
    norm::NormOptimizeOptions options;
    options.raise = raise;
    return norm::buildNormOptimizePipeline(pm, options);
  }
  pm.addPass(norm::createNormExpandResidual());
  addStageVerifier(pm, "the norm rewrites");
}

void mlir::norm::buildNormOptimizePipeline(OpPassManager &pm,
                                           const NormOptimizeOptions &options) {
  pm.addPass(createNormOptimize(options));
  pm.addPass(createNormExpandResidual());
  addStageVerifier(pm, "the norm rewrites");
}

/// Tensors to buffers, across function boundaries, with identity layouts so
/// that callers pass plain contiguous buffers.
static void addBufferization(OpPassManager &pm) {
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
}

/// Results as caller-provided buffers: the allocation of a static result
/// becomes the new argument, and a result computed in a reshaped buffer is
/// computed in the caller's.
static void addOutParams(OpPassManager &pm) {
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  // Marks the new arguments: norm-streaming-stores relies on the 64-byte
  // alignment that the ABI asks of them.
  outParams.addResultAttribute = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  //  (A result that an overflow check may compute again, in an scf.if
  //  whose branches both yield its buffer, is that buffer.)
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(norm::createNormResultsInPlace());
}

void mlir::norm::buildNormCPUPipeline(OpPassManager &pm,
                                      const NormCPUPipelineOptions &options) {
  bool library = options.contractions == norm::Contractions::Library;
  // 0. TOSA input as upstream lowers it to linalg (nothing without TOSA).
  pm.addPass(createNormLowerTosa());
  // 1. The normalization rewrites.
  addNormRewrites(pm, options.optimize, options.raise);
  // 2. Every normalizer becomes reductions and one elementwise apply in
  //    linalg on tensors, statistics in compute_type (two-pass variance).
  pm.addPass(createConvertNormToLinalg());
  addStageVerifier(pm, "convert-norm-to-linalg");
  //    Softmax (and linalg's other aggregate ops) as the linalg ops it is
  //    made of.
  pm.addPass(createNormDecomposeAggregates());
  // 3. Elementwise arith/math on tensors (residual adds, activations) become
  //    linalg.generic too, so one bufferization handles everything.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  //    The code trusts the arguments' dynamic sizes: at entry, the dims that
  //    its loops tie are compared (one-line error, exit 2, on a mismatch).
  pm.addPass(createNormCheckShapes());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  //    Row kernels: each normalizer's reductions fused into a tile of rows
  //    (one read of x from memory), the apply vectorized for the host.
  if (options.tile) {
    NormTileRowsOptions tileRows;
    tileRows.vectorBits = options.vectorBits
                              ? unsigned(options.vectorBits)
                              : norm::vectorBitsOf(options.targetFeatures);
    tileRows.tileBytes = options.tileBytes;
    tileRows.keepLibraryOps = library;
    pm.addNestedPass<func::FuncOp>(createNormTileRows(tileRows));
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  // 4. Tensors to buffers. A fused tile that is also a result (the sum of
  //    add + norm) is computed in the result's buffer rather than copied
  //    there.
  addBufferization(pm);
  //    Results as caller-provided buffers, on request (benchmarks and
  //    ahead-of-time callers that reuse their buffers).
  if (options.outParams)
    addOutParams(pm);
  //    Matmuls and convolutions become calls of oneDNN's primitives, on
  //    strided views of their buffers (they are neither tiled nor fused
  //    above: the library tiles them).
  if (library)
    pm.addPass(createNormLibraryCalls());
  //    A tile's small temporaries (its rows' statistics) live on the stack.
  //    (norm-tile-rows keeps a tile near 16 KiB).
  bufferization::PromoteBuffersToStackPassOptions toStack;
  toStack.maxAllocSizeInBytes = 64 * 1024;
  toStack.maxRankOfAllocatedMemRef = 4;
  pm.addNestedPass<func::FuncOp>(
      bufferization::createPromoteBuffersToStackPass(toStack));
  // 5. Free what the function allocated and does not return.
  if (options.deallocate)
    bufferization::buildBufferDeallocationPipeline(pm);
  //    Clones the deallocation inserted become alloc + copy.
  pm.addPass(createConvertBufferizationToMemRefPass());
  //    Vector transfers become loads and stores; large outputs get
  //    non-temporal ones.
  if (options.tile) {
    NormStreamingStoresOptions streaming;
    streaming.thresholdBytes = options.streamingThreshold;
    streaming.prefetch = options.prefetch;
    pm.addNestedPass<func::FuncOp>(createNormStreamingStores(streaming));
  }
  // 6. Tiles of rows run on OpenMP threads, each iteration in an alloca
  //    scope; linalg ops become loop nests.
  if (options.openmp) {
    pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
    ConvertSCFToOpenMPPassOptions openmp;
    openmp.numThreads = options.numThreads;
    pm.addPass(createConvertSCFToOpenMPPass(openmp));
  } else {
    pm.addNestedPass<func::FuncOp>(createForallToForLoopPass());
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  //    The stack buffers of sequential loops are allocated once, before
  //    them: scf-to-cf frees nothing at the end of an iteration, and the
  //    stack would grow with the trip count (norm-hoist-allocas).
  pm.addNestedPass<func::FuncOp>(createNormHoistAllocas());
  //    bf16 conversions become integer arithmetic (round to nearest even),
  //    so that bf16 data only moves; norm-bf16-as-i16 then carries it as
  //    i16 (see stage 8).
  //    (Arithmetic and math in bf16 itself, such as the residual sum of a
  //    bf16 add + norm or a bf16 GELU, first becomes f32 arithmetic rounded
  //    to bf16.)
  math::MathExtendToSupportedTypesOptions extendMath;
  extendMath.extraTypeStrs = {"f16"};
  pm.addPass(math::createMathExtendToSupportedTypes(extendMath));
  //    f32 exp, expm1, tanh and erf (GELU, SiLU, softmax) as inlined
  //    polynomials, vectors kept (LLVM would call libm per element).
  if (options.approximateMath)
    pm.addPass(createNormApproximateMath());
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"bf16"};
  emulate.targetTypeStr = "f32";
  pm.addPass(arith::createArithEmulateUnsupportedFloats(emulate));
  //    With AVX512-BF16 and on request (it flushes subnormals), f32 -> bf16
  //    is one instruction per vector (norm-native-bf16-truncf) rather than
  //    eight integer ones.
  if (options.bf16Rounding == norm::Bf16Rounding::NativeFtz &&
      norm::hasTargetFeature(options.targetFeatures, "avx512bf16"))
    pm.addPass(createNormNativeBf16Truncf());
  //    Casts between bf16 and f64 (bf16 data, f64 statistics) go through
  //    f32, rounded to odd on the way down (norm-bf16-f64-casts).
  pm.addPass(createNormBf16F64Casts());
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  // 7. Memref descriptors, math, arith, calls and branches to LLVM. Math goes
  //    to LLVM intrinsics first (expanding rsqrt), then what is left (erf) to
  //    libm calls.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  //    aligned_alloc, not malloc plus pointer arithmetic: LLVM then knows
  //    the buffers do not alias the arguments and keeps accumulators in
  //    registers.
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useAlignedAlloc = true;
  //    Vector reductions may reassociate: they all come from norm-tile-rows,
  //    whose accumulators reassociate the sum already.
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.reassociateFPReductions = true;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  //    Loops to branches only now: an OpenMP loop body sits in a
  //    memref.alloca_scope, which holds one block until memref-to-llvm
  //    lowers it to stacksave/stackrestore.
  pm.addPass(createSCFToControlFlowPass());
  //    The rest in one conversion (norm-convert-to-llvm).
  pm.addPass(createNormConvertToLLVM());
  pm.addPass(createReconcileUnrealizedCastsPass());
  //    No `bfloat` for the backend: without AVX512-BF16 it would call
  //    __truncsfbf2 for every bf16 load and store.
  pm.addPass(createNormBf16AsI16());
  // 8. The backend contract: nothing but the LLVM dialect is left.
  if (options.verifyLowered)
    pm.addPass(createNormVerifyLowered());
}

void mlir::norm::buildNormNVVMPipeline(OpPassManager &pm,
                                       const NormNVVMPipelineOptions &options) {
  // 1. The normalization rewrites, as for the CPU.
  addNormRewrites(pm, options.optimize, options.raise);
  // 2. Row normalizers become row kernels (gpu.launch on the operands'
  //    buffers); the rest becomes linalg on tensors.
  ConvertNormToGPUOptions rowKernels;
  rowKernels.maxVectorsPerThread = options.maxVectorsPerThread;
  pm.addPass(createConvertNormToGPU(rowKernels));
  //    (Without the f64 recomputation of overflowed statistics, whose scf.if
  //    the GPU offload does not take.)
  ConvertNormToLinalgOptions toLinalg;
  toLinalg.overflowFallback = false;
  pm.addPass(createConvertNormToLinalg(toLinalg));
  addStageVerifier(pm, "convert-norm-to-gpu and convert-norm-to-linalg");
  pm.addPass(createNormDecomposeAggregates());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  //    Elementwise producers fused into their consumers: each generic op
  //    left becomes a kernel, so fewer ops are fewer launches and fewer
  //    round trips through memory (batch norm's per-channel updates fuse).
  pm.addPass(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  // 3. Tensors to buffers; results always out-params, so that the caller
  //    owns (and reuses) the device buffers of the results.
  addBufferization(pm);
  addOutParams(pm);
  // 4. The host becomes a launcher: remaining linalg ops and copies become
  //    kernels of their own, buffers device memory, temporaries freed at
  //    the return (the ownership-based deallocation does not take GPU ops).
  pm.addPass(createNormGPUOffload());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // 5. Kernels into a gpu.module, the target attached; structured control
  //    flow, affine maps, index and arith to LLVM on both sides.
  //    Constants and index computations are sunk into the kernels first,
  //    so that sizes and offsets fold there instead of becoming arguments.
  pm.addNestedPass<func::FuncOp>(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  //    Launches, allocations and frees on one stream, in order, with one
  //    synchronization before the function returns.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // 6. Device code to NVVM (shuffles, barriers, thread ids, shared memory).
  pm.addNestedPass<gpu::GPUModuleOp>(createStripDebugInfoPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps());
  pm.addNestedPass<gpu::GPUModuleOp>(createCanonicalizerPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCSEPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createReconcileUnrealizedCastsPass());
  // 7. Host launches to mgpu* calls (at translation), kernels to PTX or
  //    cubin (libdevice linked from the toolkit for math functions).
  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.format;
  binary.toolkitPath = options.cudaPath;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  // 8. The backend contract: nothing but the LLVM dialect and the binary.
  if (options.verifyLowered)
    pm.addPass(createNormVerifyLowered());
}

bool mlir::norm::hasTargetFeature(StringRef features, StringRef feature) {
  // The last mention wins, as in LLVM's own feature strings.
  bool on = false;
  SmallVector<StringRef> items;
  features.split(items, ',', -1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    item = item.trim();
    if (item.drop_front() == feature && (item[0] == '+' || item[0] == '-'))
      on = item[0] == '+';
  }
  return on;
}

unsigned mlir::norm::vectorBitsOf(StringRef features) {
  if (hasTargetFeature(features, "avx512f"))
    return 512;
  // (LLVM's tables list +avx with +avx2; a hand-written string may not.)
  if (hasTargetFeature(features, "avx") || hasTargetFeature(features, "avx2"))
    return 256;
  return 128;
}

void mlir::norm::registerNormPipelines(CPUTargetResolver resolveTarget) {
  static bool registered = false;
  if (registered)
    return;
  registered = true;
  PassPipelineRegistration<NormNVVMPipelineOptions>(
      "norm-lower-to-nvvm",
      "norm -> GPU row kernels + linalg -> bufferize -> gpu.launch -> NVVM "
      "-> PTX/cubin in a gpu.binary, host side in the LLVM dialect",
      buildNormNVVMPipeline);
  PassPipelineRegistration<NormCPUPipelineOptions>(
      "norm-lower-to-llvm-cpu",
      "norm -> linalg -> bufferize -> loops -> LLVM dialect (for the CPU of "
      "target-cpu/target-features)",
      [resolveTarget](OpPassManager &pm,
                      const NormCPUPipelineOptions &options) {
        if (!resolveTarget)
          return buildNormCPUPipeline(pm, options);
        NormCPUPipelineOptions resolved;
        resolved.copyOptionValuesFrom(options);
        resolveTarget(resolved);
        buildNormCPUPipeline(pm, resolved);
      });
}
