//===- Passes.td - Conversions out of the norm dialect ---*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Every convert-norm-to-* pass, declared in one place.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_CONVERSION_PASSES_TD
#define NORM_LIB_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertNormToLinalg : Pass<"convert-norm-to-linalg"> {
  let summary = "Lower every norm op to linalg, tensor and arith on tensors";
  let description = [{
    Lowers each normalizer with one shared recipe driven by
    `NormalizationOpInterface`: a reduction for the mean m1, one reduction
    with two results for s1 = sum(x - m1) and s2 = sum((x - m1)^2) (the
    corrected two-pass algorithm: mean = m1 + s1/n, m2 = s2 - s1^2/n, accurate
    whatever the order of the elements and the mean), an elementwise
    computation of `rstd`, and one elementwise `linalg.generic` that
    normalizes and applies the affine transform. bf16 and f16 data are
    widened inside the loops and rounded once when stored.

    Statistics of f32/bf16/f16 data accumulate in f32 over at most 8192
    values, in f64 over more (or a dynamic number); f32 statistics that
    overflowed or underflowed (checked per row, after the row kernel) are
    computed again in f64, in an `scf.if`. The error argument is in
    NormToLinalg.cpp (`normalize`).

    Group norm splits the channel dim into (groups, channels per group) with
    `tensor.expand_shape`; the projection ops become a `linalg.matmul` with a
    `compute_type` accumulator and the normalizer before or after it;
    `norm.residual` is expanded first. `norm.all_reduce_stats` becomes the
    runtime's collectives `norm_rt_group_size` and `norm_rt_all_gather_f64`
    (every member's (count, mean, m2) in f64, in rank order) and a
    `linalg.generic` that merges the blocks with Chan's formula in that
    order, the same bits on every member.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"];
  let options = [
    Option<"overflowFallback", "overflow-fallback", "bool", "true",
           "Compute f32 statistics that overflowed or underflowed again in "
           "f64 (an scf.if after the check of every row); off, they stay as "
           "computed">
  ];
}

def ConvertNormToGPU : Pass<"convert-norm-to-gpu"> {
  let summary = "Lower row normalizers to GPU row kernels (gpu.launch)";
  let description = [{
    Rewrites each normalizer over contiguous trailing rows of static width
    (`layer_norm`, `rms_norm`, `add_layer_norm`, `add_rms_norm`, with f32
    statistics) into one `gpu.launch` on the buffers of its operands:

    - G threads per row: a group of G <= 32 lanes for narrow rows (several
      rows per 128-thread CTA, as for per-head QK-norm), one CTA of 64 to
      1024 threads for wide rows;
    - 16-byte vector loads and stores, the row held in registers (each
      thread keeps at most `max-vectors-per-thread` vectors), so x is read
      from memory once;
    - two-pass statistics on chip in f32: warp butterfly shuffles, then the
      warps' partial sums through shared memory.

    The results are fresh buffers turned back into tensors, so one-shot
    bufferization takes over from there. Group norm over NCHW data is a row
    normalizer too (a row is one group of channels with their spatial dims;
    scale and bias are read once per channel). Ops it does not handle
    (wider rows, f64 statistics, batch norm, projections) are left for
    convert-norm-to-linalg, and so are normalizers still inside
    `norm.residual` (norm-expand-residual makes them explicit first).

    The gradients `layer_norm_grad` and `rms_norm_grad` (same conditions)
    become a row kernel of the same geometry, with a quarter of the vectors
    per thread (it keeps dy and x, and the partial sums): dx from one read of
    dy and x, the two row sums by shuffles; the CTAs (at most the target's
    `fillingCtas`) take the row blocks round robin and keep each column's
    partial dscale/dbias in registers, written as one row of a
    [CTAs x rows per CTA, W] f32 buffer; a second kernel adds those rows in a
    fixed order (no atomics: the bits depend on the shape alone).
  }];
  let options = [
    Option<"maxVectorsPerThread", "max-vectors-per-thread", "int64_t",
           /*default=*/"8",
           "Vectors of 16 bytes each thread keeps in registers">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"];
}

def NormGPUOffload : Pass<"norm-gpu-offload", "::mlir::ModuleOp"> {
  let summary = "Make the host side of a bufferized GPU program a launcher";
  let description = [{
    Runs after bufferization. A large additive reduction (`out += f(x)`
    over 1024 iterations or more, such as batch norm's per-channel sums)
    becomes CTAs whose threads stride over the reduced iterations and sum
    through shuffles and shared memory: one CTA per output, or several with
    an atomic add when there are too few outputs to fill the device. A
    contraction with one M, N and K dim on static shapes (a matmul in any
    operand layout, a batch matmul; M, N and K at least 16) becomes a
    shared-memory tiled kernel: a 16x16-thread CTA per 64x64 output tile
    and batch, 64x16 slices of both operands staged in shared memory per
    K step, 4x4 accumulators per thread in registers, the op's own body as
    the multiply-accumulate (K in order). Every
    other linalg op and `memref.copy` left on the host becomes a parallel
    loop nest (parallel dims first) and each outermost nest one `gpu.launch`
    of 256-thread CTAs over its iterations, linearized row-major so that
    neighbouring threads touch neighbouring elements. A nest without a
    parallel dim runs on one thread. Host
    allocations become `gpu.alloc`/`gpu.dealloc`. A call of a collective
    (a declaration marked `norm.collective`, `norm_rt_X`) becomes a call of
    its GPU version `norm_rt_gpu_X`, which takes the device buffers (the
    CUDA runtime's, NCCL under mpirun), and the host version's unused
    declaration is erased. Whatever else reads or writes a buffer on the
    host (a call into the CPU runtime, a scalar load) is reported as an
    error.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::scf::SCFDialect"];
}

def NormConvertToLLVM : Pass<"norm-convert-to-llvm", "::mlir::ModuleOp"> {
  let summary = "The CPU pipeline's last step to the LLVM dialect, in one "
                "conversion";
  let description = [{
    Converts OpenMP regions, `cf`, `arith`, `index`, `math`, `func` and `ub`
    to the LLVM dialect in a single dialect conversion, with the patterns of
    the upstream `convert-*-to-llvm` passes: one walk of the module instead
    of seven. Math ops that LLVM has an intrinsic for become the intrinsic;
    the others (`math.erf`) become libm calls. It runs after
    `finalize-memref-to-llvm`, `convert-vector-to-llvm` and
    `convert-scf-to-cf`, and before `reconcile-unrealized-casts`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::func::FuncDialect"];
}

def NormLowerTosa : Pass<"norm-lower-tosa", "::mlir::ModuleOp"> {
  let summary = "TOSA input to linalg with upstream's conversions";
  let description = [{
    Where the module holds TOSA ops (TorchToTosa's, TFLite's), runs
    upstream's `tosa-to-linalg-pipeline`, `tosa-to-tensor` and
    `tosa-to-arith` on it; a module without TOSA is left untouched. The CPU
    pipeline starts with it, so that TOSA input reaches `norm-raise` as the
    linalg that upstream writes from it, and norm-run evaluates TOSA
    programs in that form.
  }];
}

#endif // NORM_LIB_CONVERSION_PASSES_TD
