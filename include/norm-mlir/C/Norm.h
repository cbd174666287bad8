/*===-- norm-mlir/C/Norm.h - C API of norm-mlir -------------------*- C -*-===*\
|* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception                    *|
|*                                                                            *|
|* The norm dialect, its passes and pipelines for hosts that speak MLIR's C   *|
|* API (mlir-c). Link libNormMLIR-C.so: it holds this API and the mlir-c      *|
|* functions it is used with (IR, diagnostics, pass manager, registration of  *|
|* the upstream dialects and passes), over Debian's libMLIR.so.               *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef NORM_MLIR_C_NORM_H
#define NORM_MLIR_C_NORM_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this API: incremented when a function is added or changes.
   mlirNormGetAPIVersion() returns the value the library was built with. */
#define NORM_MLIR_C_API_VERSION 1

/* mlirGetDialectHandle__norm__(): the norm dialect alone. */
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Norm, norm);

/* Inserts norm, every upstream dialect and the external models that the
   pipelines need (bufferization, conversions to LLVM). Without these a
   pipeline fails on the first op it cannot bufferize or lower. */
MLIR_CAPI_EXPORTED void mlirNormRegisterDialects(MlirDialectRegistry registry);

/* Registers every norm pass and pipeline (norm-optimize,
   norm-lower-to-llvm-cpu, norm-lower-to-nvvm, ...) with the global pass
   registry; upstream passes are mlirRegisterAllPasses(). Idempotent. */
MLIR_CAPI_EXPORTED void mlirNormRegisterPasses(void);

/* Runs the registered pass or pipeline `name` with `options` (its option
   string as the textual pipeline spells it between braces, e.g.
   "tile=false openmp=false"; may be empty) on `module`, then verifies it.
   Errors (an unknown name, bad options, a pass that fails) are reported
   through the context's diagnostic handlers and give a failure. */
MLIR_CAPI_EXPORTED MlirLogicalResult mlirNormRunPipeline(MlirModule module,
                                                         MlirStringRef name,
                                                         MlirStringRef options);

/* "MAJOR.MINOR.PATCH" of norm-mlir; a null-terminated static string. */
MLIR_CAPI_EXPORTED MlirStringRef mlirNormGetVersion(void);

/* NORM_MLIR_C_API_VERSION of the library. */
MLIR_CAPI_EXPORTED int mlirNormGetAPIVersion(void);

#ifdef __cplusplus
}
#endif

#endif /* NORM_MLIR_C_NORM_H */
