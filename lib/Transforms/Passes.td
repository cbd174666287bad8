//===- Passes.td - norm-* transformation passes ----------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The passes that rewrite norm IR at the same level of abstraction.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_LIB_TRANSFORMS_PASSES_TD
#define NORM_LIB_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def NormExpandResidual : Pass<"norm-expand-residual"> {
  let summary = "Turn norm.residual placements into explicit normalizers and adds";
  let description = [{
    Inlines the regions of every `norm.residual` and adds the residual:

        h = pre(x); f = sum(body(h)); f = out(f); y = post(a * x + f)

    which covers pre-LN, post-LN, sandwich (peri-LN), GPT-J parallel and
    DeepNorm (`residual_scale` = a) blocks. Absent regions are skipped.

    Before:
    ```mlir
    %y = norm.residual %x : tensor<?x768xf32> pre { ... norm.layer_norm ... }
           body { ... norm.yield %f ... }
    ```
    After:
    ```mlir
    %n = norm.layer_norm %x : tensor<?x768xf32>
    ... %f computed from %n ...
    %y = arith.addf %x, %f : tensor<?x768xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def NormLint : Pass<"norm-lint", "::mlir::ModuleOp"> {
  let summary = "Warn about the classic normalization mistakes";
  let description = [{
    Emits a warning with a stable id and a one-line fix for each of:

    | id | what |
    |---|---|
    | NL001 | train-mode `batch_norm` with one value per channel: the variance is 0 and the output is just the bias |
    | NL002 | `batch_norm` over a (batch, sequence, features) tensor without a mask: padding corrupts the statistics |
    | NL003 | `epsilon` below the resolution of a variance in the compute type (eps_mach^2): it no longer guards constant rows |
    | NL004 | `batch_norm` running statistics stored in f16/bf16: the momentum update rounds away |
    | NL005 | train-mode `batch_norm` in a module or function marked `norm.inference` (the forgotten `model.eval()`) |
    | NL006 | train-mode `batch_norm` with a per-device batch under `min-batch` and no `sync_group` |
    | NL007 | (remark) `post-ln-depth` or more post-LN residual blocks in one function |

    A clean model gets no diagnostic. With `werror` the warnings are errors
    and the pass fails, so CI can gate on it.
  }];
  let options = [
    Option<"werror", "werror", "bool", "false",
           "Report the warnings as errors and fail">,
    Option<"minBatch", "min-batch", "int64_t", "8",
           "Smallest per-device batch for stable batch statistics">,
    Option<"postLnDepth", "post-ln-depth", "int64_t", "12",
           "Post-LN blocks in one function from which NL007 is reported">,
  ];
}

def NormSetMode : Pass<"norm-set-mode"> {
  let summary = "Put every batch_norm in eval or train mode (model.eval())";
  let description = [{
    What `model.eval()` and `model.train()` do, at compile time: sets the
    `mode` of every `norm.batch_norm` (eval: normalize with the running
    statistics and leave them unchanged; train: batch statistics and the
    running-statistics update).
  }];
  let options = [
    Option<"mode", "mode", "::mlir::norm::BatchNormMode",
           "::mlir::norm::BatchNormMode::eval", "The mode to set",
           [{::llvm::cl::values(
               clEnumValN(::mlir::norm::BatchNormMode::eval, "eval",
                          "running statistics (inference)"),
               clEnumValN(::mlir::norm::BatchNormMode::train, "train",
                          "batch statistics (training)"))}]>,
  ];
}

def NormFuseResidualAdd : Pass<"norm-fuse-residual-add"> {
  let summary = "Fuse an add and the layer/RMS norm of its sum";
  let description = [{
    Rewrites `s = arith.addf a, b; y = norm.layer_norm s` (or `rms_norm`) into
    `y, s = norm.add_layer_norm a, b`, which reads both operands once and
    writes the normalized result and the sum in one pass. The sum stays
    available to every other user of the add, so the pattern chains across
    consecutive blocks: the next block's residual add consumes this block's
    sum. It does not fire for adds whose type differs from the normalizer's
    input (broadcasts, casts), nor for a normalizer that returns mean/rstd.

    Before:
    ```mlir
    %s = arith.addf %x, %f : tensor<?x768xf32>
    %y = norm.layer_norm %s scale(%g : tensor<768xf32>) : tensor<?x768xf32>
    ```
    After:
    ```mlir
    %y, %s = norm.add_layer_norm %x, %f scale(%g : tensor<768xf32>) : tensor<?x768xf32>
    ```
  }];
}

def NormShareParallel : Pass<"norm-share-parallel"> {
  let summary = "Compute identical normalizers of the same input once";
  let description = [{
    Two normalizers of the same input with the same attributes and equal
    parameters (the same values, or constants with equal contents) compute
    the same result: the later one is replaced by the earlier one when it
    dominates. This is the case of GPT-J-style parallel blocks written with
    one normalizer per branch.
  }];
}

def NormFoldBatchNorm : Pass<"norm-fold-batch-norm"> {
  let summary = "Fold inference-time batch_norm into the conv/matmul before it";
  let description = [{
    An eval-mode `norm.batch_norm` whose input is a `linalg.conv_2d_nchw_fchw`,
    `linalg.conv_2d_nhwc_hwcf` or `linalg.matmul` used only by it, with
    constant weights, scale, bias and running statistics, becomes the
    conv/matmul with scaled constant weights `W'[c] = W[c] * s[c]` plus a
    per-channel bias `b'[c] = bias[c] - mean[c] * s[c]`, where
    `s = scale / sqrt(var + epsilon)`. The indexing maps say which weight dim
    holds the channel (dim 1 of a `[K, N]` matmul weight, dim 0 of an
    `nn.Linear` `[N, K]` one, F of FCHW and HWCF); nothing is folded where
    no weight dim holds the channel alone (a broadcast weight, channels
    along the matmul's rows), in train mode, with non-constant parameters,
    operands of mixed element types or narrower than f32 (the folded weights
    would round differently from the unfused program, by more than an ulp of
    the result), when the conv output has other users, or when the batch
    norm's saved statistics are used.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def NormFuseQK : Pass<"norm-fuse-qk"> {
  let summary = "Fuse a Q/K projection with its per-head norm (QK-norm)";
  let description = [{
    A projection `p = x W (+ broadcast bias)` whose result is split into
    heads by `tensor.expand_shape` `[M, N] -> [M, H, head_dim]` and
    normalized over the head dim by `norm.rms_norm` or `norm.layer_norm`
    becomes `norm.project_norm`, which normalizes in the matmul's epilogue:
    the unnormalized projection is never written out. The split is kept for
    the users of the normalized heads.

    The projection is a 2-D `linalg.matmul` into a zero fill whose indexing
    maps read x as [M, K] and W as [K, N] or as `nn.Linear`'s [N, K]
    (`transpose_weight`); it accumulates in the normalizer's compute_type,
    either in the operands' own type (f32) or, for bf16/f16 operands, in f32
    truncated back by `arith.truncf` or an elementwise generic (torch-mlir's
    form). The bias is `arith.addf` of a `linalg.broadcast` over rows or a
    generic that reads it through `(d0, d1) -> (d1)`. It does not fire on
    any other map (transposed or broadcast x, broadcast W), on a bf16
    accumulator (the fused op would accumulate in f32), when the projection
    has other users, changes the element type, or the normalizer spans more
    than the head dim.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def NormFoldIntoProjection : Pass<"norm-fold-into-projection"> {
  let summary = "Fold a normalizer into the matmuls that read it (FlashNorm)";
  let description = [{
    A `norm.rms_norm` or `norm.layer_norm` of a 2-D input over its last dim
    whose every user is a `linalg.matmul` reading it as the left operand
    (e.g. the Q, K and V projections of one normalized input) becomes one
    `norm.norm_project` per matmul: the scale folds into the weights
    (`W'[k, n] = (scale_offset + scale[k]) W[k, n]`, constant-folded when both
    are constants), the layer norm's bias becomes the projection bias
    `bias W`, and the normalization (`rstd`, and the mean for layer norm) is
    applied after the matmul, to the N outputs instead of the K inputs.

    The matmuls are those `norm-fuse-qk` takes: x read as [M, K], W as
    [K, N] or `nn.Linear`'s [N, K] (then `W'[n, k]` is scaled along k and
    the bias is `W bias`), accumulated in the normalizer's compute_type
    (f32 for bf16 operands, truncated back). A bf16 accumulator, any other
    map, or a user that is not such a matmul leaves the normalizer alone.

    The unfused program rounds the normalized activations to their element
    type before the matmul; the folded one never materializes them. For
    f32 that rounding is below any tolerance; for bf16 and f16 it is not
    (outputs that cancel move by several ulps), so those fold only with
    `skip-narrow-rounding`, which says what it changes.
  }];
  let options = [
    Option<"constantWeightsOnly", "constant-weights-only", "bool", "false",
           "Fold only where every weight is a constant (no runtime scaling)">,
    Option<"skipNarrowRounding", "skip-narrow-rounding", "bool", "false",
           "Fold bf16/f16 normalizers too, whose normalized activations the "
           "unfused program rounds and the folded one does not">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def NormOptimize : Pass<"norm-optimize", "::mlir::ModuleOp"> {
  let summary = "The normalization optimizations, in order, with a report";
  let description = [{
    Runs `norm-expand-residual`, `norm-share-parallel`,
    `norm-fuse-residual-add`, `norm-fuse-qk`,
    `norm-fold-into-projection{constant-weights-only}` and
    `norm-fold-batch-norm`, then canonicalization and CSE. Placement goes
    first so that the adds it makes fuse; sharing goes before fusion so that
    a normalizer computed once is fused once.

    With `report`, prints per function the normalizers found, how many were
    fused or folded, and the bytes that the normalizers, elementwise ops and
    matmuls read and write (static shapes; a dynamic dim counts as 1), before
    and after. (Pass statistics would be the natural home, but the Debian
    LLVM is built without LLVM_ENABLE_STATS, so they print nothing.)
  }];
  let options = [
    Option<"report", "report", "bool", "false",
           "Print the fusion report to stderr">,
  ];
}

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

def NormCheckShapes : Pass<"norm-check-shapes", "::mlir::ModuleOp"> {
  let summary = "Check at entry that the dynamic dims the code ties agree";
  let description = [{
    Compiled code trusts its arguments' dynamic sizes: a layer norm of `x`
    with a residual of 3 rows where `x` has 4 reads past the residual's end.
    At the entry of every public function this pass compares the dynamic
    dims of the arguments that its ops tie together (see DimTies.h: the
    dims one linalg loop indexes, a tensor.empty sized by another's dim),
    and a dynamic dim tied to a static one with that size. A mismatch calls
    the runtime's `norm_rt_size_mismatch`, which prints one line naming the
    arguments, the dim and the sizes and exits with status 2.

    ```mlir
    func.func @f(%x: tensor<?x8xf32>, %r: tensor<?x8xf32>) -> tensor<?x8xf32>
    // gets at entry
    %n0 = tensor.dim %x, %c0 : tensor<?x8xf32>
    %n1 = tensor.dim %r, %c0 : tensor<?x8xf32>
    %ne = arith.cmpi ne, %n1, %n0 : index
    scf.if %ne {
      func.call @norm_rt_size_mismatch(%c1, %c0, %n1, %c0, %c0, %n0) : ...
    }
    ```

    Run it on tensors after `convert-norm-to-linalg` and
    `convert-elementwise-to-linalg`, where the ties are in the maps.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
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

#endif // NORM_LIB_TRANSFORMS_PASSES_TD
