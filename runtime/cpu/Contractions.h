//===- Contractions.h - Matmuls and convolutions through oneDNN --*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The C ABI that norm-library-calls makes the CPU pipeline call for the
// contractions around the normalizers (`matmul=library`): every linalg
// matmul, batch matmul, matvec and contraction generic, and 2-D
// convolutions, run by oneDNN's matmul and convolution primitives. The
// normalizers themselves never come here: they are generated code.
//
// Each operand arrives as a rank-4 strided view in one canonical order,
// whatever the IR's maps and layouts were (the pass permutes the strides):
//   matmul: a [B1, B2, M, K], b [B1, B2, K, N], c [B1, B2, M, N]; a batch
//           dim of size 1 in a or b is broadcast;
//   conv2d: input [N, C, H, W], filter [F, C, KH, KW], output [N, F, OH, OW],
//           the input padded with padH rows and padW columns of zeros
//           before (and as many after as the output reads: the pass folds
//           the zero-padded copy that tensor.pad bufferizes to).
// c (output) is overwritten, or accumulated into when `accumulate` is
// nonzero (linalg's semantics, when the pass cannot prove it zero-filled).
// bf16 operands accumulate in f32; a bf16 c is rounded once, to nearest
// even, at the end. Where oneDNN has no kernel for the types or strides on
// this CPU, the operands are converted to dense f32 first.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_RUNTIME_CPU_CONTRACTIONS_H
#define NORM_RUNTIME_CPU_CONTRACTIONS_H

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <cstdint>

extern "C" {
void _mlir_ciface_norm_rt_matmul_f32_f32(StridedMemRefType<float, 4> *a,
                                         StridedMemRefType<float, 4> *b,
                                         StridedMemRefType<float, 4> *c,
                                         int32_t accumulate);
void _mlir_ciface_norm_rt_matmul_bf16_f32(StridedMemRefType<uint16_t, 4> *a,
                                          StridedMemRefType<uint16_t, 4> *b,
                                          StridedMemRefType<float, 4> *c,
                                          int32_t accumulate);
void _mlir_ciface_norm_rt_matmul_bf16_bf16(StridedMemRefType<uint16_t, 4> *a,
                                           StridedMemRefType<uint16_t, 4> *b,
                                           StridedMemRefType<uint16_t, 4> *c,
                                           int32_t accumulate);

void _mlir_ciface_norm_rt_conv2d_f32_f32(StridedMemRefType<float, 4> *input,
                                         StridedMemRefType<float, 4> *filter,
                                         StridedMemRefType<float, 4> *output,
                                         int64_t strideH, int64_t strideW,
                                         int64_t dilationH, int64_t dilationW,
                                         int64_t padH, int64_t padW,
                                         int32_t accumulate);
void _mlir_ciface_norm_rt_conv2d_bf16_f32(StridedMemRefType<uint16_t, 4> *input,
                                          StridedMemRefType<uint16_t, 4> *filter,
                                          StridedMemRefType<float, 4> *output,
                                          int64_t strideH, int64_t strideW,
                                          int64_t dilationH, int64_t dilationW,
                                          int64_t padH, int64_t padW,
                                          int32_t accumulate);
void _mlir_ciface_norm_rt_conv2d_bf16_bf16(StridedMemRefType<uint16_t, 4> *input,
                                           StridedMemRefType<uint16_t, 4> *filter,
                                           StridedMemRefType<uint16_t, 4> *output,
                                           int64_t strideH, int64_t strideW,
                                           int64_t dilationH, int64_t dilationW,
                                           int64_t padH, int64_t padW,
                                           int32_t accumulate);
}

namespace norm::rt {
/// The runtime's contraction entry points by symbol name, for a JIT that
/// resolves them itself (norm-run): calls `add(name, address)` for each.
void forEachContractionSymbol(void (*add)(const char *name, void *address,
                                          void *context),
                              void *context);
} // namespace norm::rt

#endif // NORM_RUNTIME_CPU_CONTRACTIONS_H
