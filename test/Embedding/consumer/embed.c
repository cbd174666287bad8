/* A C host of norm-mlir: builds a context, parses norm IR from a string,
   runs norm-optimize and the CPU pipeline through the C API, and checks
   what comes out. Compiled as C11. */
#include "norm-mlir/C/Norm.h"

#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"
#include "mlir-c/RegisterEverything.h"

#include <stdio.h>
#include <string.h>

static const char *kProgram =
    "func.func @block(%x: tensor<8x64xf32>, %f: tensor<8x64xf32>,\n"
    "                 %g: tensor<64xf32>) -> tensor<8x64xf32> {\n"
    "  %s = arith.addf %x, %f : tensor<8x64xf32>\n"
    "  %y = norm.layer_norm %s scale(%g : tensor<64xf32>) : tensor<8x64xf32>\n"
    "  return %y : tensor<8x64xf32>\n"
    "}\n";

static const char *kInvalid =
    "func.func @bad(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {\n"
    "  %y = norm.layer_norm %x {epsilon = 0.0 : f64} : tensor<2x8xf32>\n"
    "  return %y : tensor<2x8xf32>\n"
    "}\n";

struct Diagnostics {
  int count;
  char last[512];
};

static void append(MlirStringRef text, void *user) {
  struct Diagnostics *d = (struct Diagnostics *)user;
  size_t used = strlen(d->last);
  size_t room = sizeof(d->last) - 1 - used;
  size_t n = text.length < room ? text.length : room;
  memcpy(d->last + used, text.data, n);
  d->last[used + n] = '\0';
}

static MlirLogicalResult onDiagnostic(MlirDiagnostic diagnostic, void *user) {
  struct Diagnostics *d = (struct Diagnostics *)user;
  d->count++;
  d->last[0] = '\0';
  mlirDiagnosticPrint(diagnostic, append, d);
  return mlirLogicalResultSuccess();
}

struct Census {
  int addLayerNorm;
  int notLLVM;
};

static MlirWalkResult count(MlirOperation op, void *user) {
  struct Census *c = (struct Census *)user;
  MlirStringRef name = mlirIdentifierStr(mlirOperationGetName(op));
  if (name.length == 19 && strncmp(name.data, "norm.add_layer_norm", 19) == 0)
    c->addLayerNorm++;
  if (!(name.length > 5 && strncmp(name.data, "llvm.", 5) == 0) &&
      !(name.length == 14 && strncmp(name.data, "builtin.module", 14) == 0))
    c->notLLVM++;
  return MlirWalkResultAdvance;
}

static int fail(const char *what) {
  fprintf(stderr, "embed-c: %s\n", what);
  return 1;
}

int main(void) {
  if (mlirNormGetAPIVersion() != NORM_MLIR_C_API_VERSION)
    return fail("the library is of another C API version");
  MlirStringRef version = mlirNormGetVersion();

  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirNormRegisterDialects(registry);
  MlirContext context = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  mlirRegisterAllPasses();
  mlirNormRegisterPasses();
  mlirNormRegisterPasses(); /* idempotent */
  struct Diagnostics diagnostics = {0, ""};
  mlirContextAttachDiagnosticHandler(context, onDiagnostic, &diagnostics, NULL);

  /* The verifier's diagnostic reaches the host. */
  MlirModule bad =
      mlirModuleCreateParse(context, mlirStringRefCreateFromCString(kInvalid));
  if (!mlirModuleIsNull(bad) || strstr(diagnostics.last, "epsilon") == NULL)
    return fail("epsilon = 0 was not diagnosed");

  MlirModule module =
      mlirModuleCreateParse(context, mlirStringRefCreateFromCString(kProgram));
  if (mlirModuleIsNull(module))
    return fail("the norm program does not parse");
  MlirOperation op = mlirModuleGetOperation(module);

  /* An unknown pipeline is a failure with a diagnostic, not a crash. */
  int before = diagnostics.count;
  if (mlirLogicalResultIsSuccess(mlirNormRunPipeline(
          module, mlirStringRefCreateFromCString("norm-no-such-pipeline"),
          mlirStringRefCreateFromCString(""))) ||
      diagnostics.count == before)
    return fail("an unknown pipeline was not reported");

  if (mlirLogicalResultIsFailure(mlirNormRunPipeline(
          module, mlirStringRefCreateFromCString("norm-optimize"),
          mlirStringRefCreateFromCString(""))))
    return fail("norm-optimize failed");
  struct Census optimized = {0, 0};
  mlirOperationWalk(op, count, &optimized, MlirWalkPreOrder);
  if (optimized.addLayerNorm != 1)
    return fail("norm-optimize did not fuse the add into the layer norm");

  if (mlirLogicalResultIsFailure(mlirNormRunPipeline(
          module, mlirStringRefCreateFromCString("norm-lower-to-llvm-cpu"),
          mlirStringRefCreateFromCString("openmp=false vector-bits=256"))))
    return fail("norm-lower-to-llvm-cpu failed");
  struct Census lowered = {0, 0};
  mlirOperationWalk(op, count, &lowered, MlirWalkPreOrder);
  if (lowered.notLLVM != 0)
    return fail("ops are left outside the LLVM dialect");

  printf("embed-c: norm-mlir %.*s, fused and lowered to the LLVM dialect\n",
         (int)version.length, version.data);
  mlirModuleDestroy(module);
  mlirContextDestroy(context);
  return 0;
}
