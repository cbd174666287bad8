//===- ToLLVM.cpp - The CPU pipeline's last conversion to LLVM ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// The norm-convert-to-llvm pass: what the CPU pipeline has left once memref
// and vector are LLVM (OpenMP regions, branches, arith, index, math, calls)
// becomes the LLVM dialect in one dialect conversion. Upstream's seven
// convert-*-to-llvm passes each walk the whole module and cast at every
// boundary; on a 32-block transformer they took about 0.9 s of which one
// conversion keeps about 0.2 s (bench/compile_time.sh).
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Conversion/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::norm {
#define GEN_PASS_DEF_NORMCONVERTTOLLVM
#include "norm-mlir/Conversion/Passes.h.inc"

namespace {
struct NormConvertToLLVMPass
    : impl::NormConvertToLLVMBase<NormConvertToLLVMPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    LLVMTypeConverter converter(context);
    RewritePatternSet patterns(context);
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    index::populateIndexToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
    cf::populateAssertToLLVMConversionPattern(converter, patterns);
    populateFuncToLLVMConversionPatterns(converter, patterns);
    ub::populateUBToLLVMConversionPatterns(converter, patterns);
    // memref ops the OpenMP conversion leaves in its regions' signatures.
    populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
    populateOpenMPToLLVMConversionPatterns(converter, patterns);
    // Math to LLVM intrinsics where LLVM has one (sqrt, exp, ...); libm
    // calls (erff) for the rest.
    populateMathToLLVMConversionPatterns(converter, patterns,
                                         /*approximateLog1p=*/true,
                                         /*benefit=*/2);
    populateMathToLibmConversionPatterns(patterns, /*benefit=*/1);
    // The libm patterns unroll a vector op with no intrinsic (a vectorized
    // GELU's erf) into scalar calls through vector.extract/insert, which
    // convert-vector-to-llvm, earlier, has not seen.
    populateVectorToLLVMConversionPatterns(converter, patterns);

    LLVMConversionTarget target(*context);
    target.addLegalOp<omp::BarrierOp, omp::FlushOp, omp::TaskwaitOp,
                      omp::TaskyieldOp, omp::TerminatorOp>();
    configureOpenMPToLLVMConversionLegality(target, converter);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::norm
