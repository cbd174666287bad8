//===- Passes.td - norm-* code generation passes ----------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The passes that shape the code the conversions produce: row tiles, stores,
// buffers, the bf16 legalization for LLVM, and the checks that everything was
// lowered.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_MLIR_CODEGEN_PASSES_TD
#define NORM_MLIR_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def NormTileRows : Pass<"norm-tile-rows", "::mlir::func::FuncOp"> {
  let summary = "Row kernels: tile linalg roots over rows, fuse their "
                "producers, vectorize the apply";
  let description = [{
    The CPU code generation of a normalizer. Every linalg op whose results
    leave the linalg graph (the apply of a normalizer, a matmul, ...) is
    tiled along its first parallel loop with `scf.forall`, `tile-bytes` worth
    of rows per tile, and its producers (shift, reductions, statistics, a
    residual add) are fused into the tile, so that a row is read from memory
    once and stays in cache for the second pass. A producer is fused only
    when a tile needs a proper slice of it: batch norm's per-channel
    statistics, which every tile over N needs whole, stay a kernel of their
    own (itself tiled over channels).

    The elementwise op that writes each tile is then tiled by one vector of
    `vector-bits` (a target fact, never read from the host: 128 for SSE2
    and NEON, 256 for AVX2, 512 for AVX-512; `norm-lower-to-llvm-cpu` takes
    it from its `target-features`) and vectorized with `linalg::vectorize`. The
    row reductions become loops of vector accumulators (four registers).
    Before either, a tile op's innermost iteration dims of one kind that
    every operand reads contiguously are collapsed into one: group norm's
    reductions run over a group's channels x H x W as one dim, and NCHW
    applies along H x W rather than along a W that is no multiple of the
    vector length. Tiles of more than four rows are reduced a row at a time,
    and outer reduction dims (batch norm's N) become loops around the chunks.

    Before (one row normalizer):
    ```mlir
    %s = linalg.generic {... "reduction"} ins(%x : tensor<256x4096xf32>) ...
    %y = linalg.generic {... "parallel", "parallel"} ins(%x, %s, ...) ...
    ```
    After:
    ```mlir
    %y = scf.forall (%i) = (0) to (256) step (2) shared_outs(%o = %e) {
      %xt = tensor.extract_slice %x[%i, 0] [2, 4096] [1, 1]
      %st = linalg.generic {... "reduction"} ins(%xt ...)
      %yt = scf.for %r ... scf.for %j ... step %c8 {
        vector.transfer_read ... vector.transfer_write ...
      }
      scf.forall.in_parallel { tensor.parallel_insert_slice %yt into %o ... }
    }
    ```
  }];
  let options = [
    Option<"tileBytes", "tile-bytes", "int64_t", /*default=*/"16384",
           "Bytes of f32 row data per tile (the rows of a tile stay in L1/L2)">,
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"128",
           "Vector register width in bits (a power of two >= 32)">,
    Option<"keepLibraryOps", "keep-library-ops", "bool", /*default=*/"false",
           "Leave whole the matmuls and convolutions that norm-library-calls "
           "makes library calls of: neither tiled nor fused into a tile">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect"];
}

def NormStreamingStores : Pass<"norm-streaming-stores", "::mlir::func::FuncOp"> {
  let summary = "Non-temporal vector stores for outputs larger than the cache";
  let description = [{
    Lowers vector transfers on buffers to 1-D `vector.load`/`vector.store`
    (dropping leading unit dimensions) and marks `nontemporal` every vector
    store into a buffer (allocation or argument, seen through views) of at
    least `threshold-bytes`. Such an output is written once and not read back
    from cache, and a streaming store saves the read of each destination line
    that an ordinary store makes first. Smaller outputs keep ordinary stores:
    the next kernel finds them in cache.

    ```mlir
    vector.store %v, %y[%i, %j] : memref<16384x4096xf32>, vector<8xf32>
    // becomes
    vector.store %v, %y[%i, %j] {nontemporal = true} : memref<16384x4096xf32>, vector<8xf32>
    ```

    With `prefetch`, the loop that writes such an output also prefetches,
    for each large input it reads, the same columns of the next tile of
    rows (one `memref.prefetch` per cache line): a row kernel's statistics
    passes run from cache, and memory would otherwise sit idle meanwhile.
  }];
  let options = [
    Option<"thresholdBytes", "threshold-bytes", "int64_t",
           /*default=*/"16777216",
           "Outputs of at least this many bytes get non-temporal stores "
           "(default 16 MiB, about the last-level cache a core can use)">,
    Option<"prefetch", "prefetch", "bool", /*default=*/"true",
           "Prefetch the next tile of rows of large inputs while writing">,
  ];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::memref::MemRefDialect"];
}

def NormResultsInPlace : Pass<"norm-results-in-place", "::mlir::func::FuncOp"> {
  let summary = "Compute caller-allocated results in place, not in a "
                "reshaped temporary that is copied";
  let description = [{
    After `buffer-results-to-out-params`, a result computed in a buffer of
    another shape reaches the caller's buffer through a collapse and a full
    copy. Group norm computes in (N, G, C/G, ...):

    ```mlir
    %a = memref.alloc() : memref<64x32x8x28x28xf32>
    ... writes %a ...
    %c = memref.collapse_shape %a [[0], [1, 2], [3], [4]]
        : memref<64x32x8x28x28xf32> into memref<64x256x28x28xf32>
    memref.copy %c, %out : memref<64x256x28x28xf32> to memref<64x256x28x28xf32>
    ```

    The allocation becomes `memref.expand_shape %out` and the copy goes.
    Applies when `%out` is a result argument (`bufferize.result`) with no
    other use and nothing but its deallocation touches `%a` after the copy.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def NormLibraryCalls : Pass<"norm-library-calls", "::mlir::ModuleOp"> {
  let summary = "Matmuls and convolutions on buffers become calls of the "
                "runtime's oneDNN primitives";
  let description = [{
    The contractions around the normalizers run at library speed: every
    linalg op on buffers that is a matmul, in whatever form (`linalg.matmul`
    with any indexing maps, `batch_matmul`, `matvec`, `vecmat`, `dot`, a
    `linalg.generic` or `linalg.contract` whose body is exactly
    `out + a * b`, the inputs extended to the accumulator's type or not),
    and the 2-D convolutions `conv_2d_nchw_fchw`, `conv_2d_nhwc_hwcf` and
    `conv_2d_nhwc_fhwc`, becomes a call of `norm_rt_matmul_<in>_<out>` or
    `norm_rt_conv2d_<in>_<out>` (runtime/cpu/Contractions.h), which oneDNN
    runs. The normalizers are not contractions, and stay generated code.

    A matmul's operands are passed as rank-4 strided views in one order, a
    [B1, B2, M, K], b [B1, B2, K, N], c [B1, B2, M, N], their strides
    permuted from the op's indexing maps (a transposed weight is a view,
    not a copy), a batch dim that an input does not index broadcast (size
    1). Each dim of the loop nest must be one of these: one reduction dim
    indexed by both inputs, parallel dims indexed by the output and at least
    one input, at most four of them; an m (n) dim beyond the first is a
    batch dim that b (a) broadcasts. Convolutions pass NCHW, FCHW (filter)
    and NCHW views with their strides and dilations.

    Types: f32 x f32 -> f32, bf16 x bf16 -> f32, and bf16 x bf16 -> bf16,
    which accumulates in f32 and rounds once at the end (as every library
    and PyTorch do; linalg's semantics round after every step, which no
    front end means by a bf16 matmul). Anything else (f16, f64, integers,
    mixed inputs, a body with anything more, a map that is not a projected
    permutation, two reduction dims) stays as it is and becomes loops.

    A call overwrites c when the op's init was just filled with +0.0 (the
    fill is erased: no op between them touches memory), and accumulates
    into it otherwise.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def NormDecomposeAggregates : Pass<"norm-decompose-aggregates"> {
  let summary = "linalg.softmax and the other aggregate ops on tensors "
                "become the linalg ops they are made of";
  let description = [{
    Every op with linalg's `AggregatedOpInterface` on tensors (linalg.softmax:
    a max reduction, `exp(x - max)`, a sum, a division) is replaced by its
    upstream decomposition, which the rest of the pipeline tiles,
    vectorizes and lowers like any linalg op. Without it one softmax
    anywhere in a module fails the whole lowering.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def NormApproximateMath : Pass<"norm-approximate-math"> {
  let summary = "exp, expm1, tanh and erf in f32 as inlined polynomials";
  let description = [{
    LLVM has no vector exp, tanh or erf for x86: a vectorized GELU, SiLU or
    softmax would call libm once per element (a vector op unrolled into
    scalar calls), and a scalar loop of calls never vectorizes. This pass
    rewrites `math.exp`, `math.expm1`, `math.tanh` and `math.erf` on f32 and
    vectors of f32 into upstream's polynomial approximations
    (`populateMathPolynomialApproximationPatterns`): a few FMAs per element,
    in registers. bf16/f16 math has been extended to f32 before
    (math-extend-to-supported-types); f64 (the statistics' fallback) is left
    to libm. The approximations are within the f32 tolerance of the tests
    (1e-5 relative; test/Integration/CPU/activations.mlir).
  }];
  let dependentDialects = ["::mlir::math::MathDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def NormHoistAllocas : Pass<"norm-hoist-allocas", "::mlir::func::FuncOp"> {
  let summary = "Allocate a loop's static stack buffers once, before the loop";
  let description = [{
    `scf.for` and `scf.while` are allocation scopes in MLIR, but
    `convert-scf-to-cf` lowers them to branches without the
    `stacksave`/`stackrestore` that would free their allocas: every
    iteration of a loop with a `memref.alloca` in its body (a tile's
    statistics, promoted by `promote-buffers-to-stack`) grows the stack, and
    a big enough block overflows it. This pass moves each static
    `memref.alloca` inside such loops to just before the outermost of them
    in its real allocation scope (the function, a `memref.alloca_scope`, an
    OpenMP region), so it is allocated once: the stack then holds the
    function's static buffers, whatever the data's size.

    ```mlir
    scf.for %i = %c0 to %n step %c1 {
      %t = memref.alloca() : memref<16xf32>
      ...
    }
    // becomes
    %t = memref.alloca() : memref<16xf32>
    scf.for %i = %c0 to %n step %c1 {
      ...
    }
    ```

    An alloca's contents are undefined when it is allocated, so one buffer
    reused by every iteration means the same. Allocas with dynamic sizes, and
    those a loop yields or that reach a region's terminator (each iteration
    would need its own), are left alone.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def NormBf16AsI16 : Pass<"norm-bf16-as-i16", "::mlir::ModuleOp"> {
  let summary = "Carry bf16 data as i16 in the LLVM dialect";
  let description = [{
    Runs on the LLVM dialect after `arith-expand{include-bf16}`, when bf16
    values are only loaded, stored, shuffled and bitcast. Every bf16 type,
    constant and element type becomes i16 with the same bits. A `bfloat`
    load or store reaching LLVM's x86 backend on a CPU without AVX512-BF16
    is legalized through a call of `__truncsfbf2` per element (missing from
    Debian 12's libgcc); an i16 one is a plain move. bf16 arithmetic left in
    the input is an error, except the `llvm.fptrunc` to bf16 of
    `norm-native-bf16-truncf`, whose result is bitcast to i16.

    ```mlir
    %v = llvm.load %p : !llvm.ptr -> vector<16xbf16>
    %i = llvm.bitcast %v : vector<16xbf16> to vector<16xi16>
    // becomes
    %v = llvm.load %p : !llvm.ptr -> vector<16xi16>
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def NormNativeBf16Truncf : Pass<"norm-native-bf16-truncf"> {
  let summary = "Round f32 to bf16 with the CPU's conversion instruction";
  let description = [{
    Every `arith.truncf` from f32 to bf16 (default rounding) becomes an
    `llvm.fptrunc`, which LLVM's x86 backend emits as AVX512-BF16's
    `vcvtneps2bf16`: 16 values rounded to nearest even per instruction,
    where `arith-expand{include-bf16}` would emit about eight integer
    instructions per vector (add the rounding bias, mask NaNs, shift,
    narrow). Only for CPUs with AVX512-BF16: elsewhere LLVM calls
    `__truncsfbf2` per element. The instruction flushes subnormal results
    (below 1.2e-38) to zero. `norm-lower-to-llvm-cpu` runs this pass where
    its `bf16-rounding` option is `native-ftz` and its `target-features`
    have `+avx512bf16`, before `arith-expand`; `norm-bf16-as-i16` then
    keeps the `fptrunc` and carries its result as i16.

    ```mlir
    %h = arith.truncf %v : vector<32xf32> to vector<32xbf16>
    // becomes
    %h = llvm.fptrunc %v : vector<32xf32> to vector<32xbf16>
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::ub::UBDialect",
                           "::mlir::vector::VectorDialect"];
}

def NormBf16F64Casts : Pass<"norm-bf16-f64-casts"> {
  let summary = "Casts between bf16 and f64 through f32, correctly rounded";
  let description = [{
    `arith-expand{include-bf16}` expands the casts between bf16 and f32 only;
    a normalizer of bf16 data with `compute_type = f64` also casts between
    bf16 and f64. This pass makes those go through f32: `extf` exactly, and
    `truncf` by rounding to f32 *to odd* first (the nearest f32 toward zero,
    its last bit set when inexact), which f32's 16 spare bits make a correct
    rounding to bf16 afterwards, unlike two roundings to nearest. Scalars
    and vectors.

    ```mlir
    %h = arith.truncf %x : f64 to bf16
    // becomes (round to odd)
    %r = arith.truncf %x : f64 to f32
    %b = arith.bitcast %r : f32 to i32
    ...                        // %b +- 1 where %r is inexact and even
    %h = arith.truncf %o : f32 to bf16
    ```
  }];
  let dependentDialects = ["::mlir::math::MathDialect"];
}

def NormVerifyLowered : Pass<"norm-verify-lowered", "::mlir::ModuleOp"> {
  let summary = "Fail unless the module is fully lowered to the LLVM dialect";
  let description = [{
    The last stage of every lowering pipeline (the backend contract): emits
    an error on, and fails for, the first op of each kind that is not in the
    allowed dialects (`llvm`, and `gpu`/`nvvm` containers for GPU modules), any
    `norm` op, any `unrealized_conversion_cast`, and any value of tensor or
    memref type.
  }];
}

def NormVerifyStage : Pass<"norm-verify-stage", "::mlir::ModuleOp"> {
  let summary = "Fail, naming the stage, when the IR does not verify";
  let description = [{
    Runs the verifier between the stages of a lowering pipeline (after the
    norm rewrites, after `convert-norm-to-linalg`), so that a pass that
    builds an op its verifier rejects is caught where it happens, even when
    the pass manager does not verify after every pass (as `norm-run` and
    `norm-compile` do not, for compile time). The failure is one error, at
    the op the verifier rejects, that says the stage and the verifier's
    message: it is a bug in the stage, not in the input, which was verified
    when it was parsed.
  }];
  let options = [
    Option<"stage", "stage", "std::string", "\"the previous stage\"",
           "What ran before: named in the error">,
  ];
}

#endif // NORM_MLIR_CODEGEN_PASSES_TD
