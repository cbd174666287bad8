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

#endif // NORM_LIB_TRANSFORMS_PASSES_TD
