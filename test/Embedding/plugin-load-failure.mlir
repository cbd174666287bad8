// The stock tool only warns when a plugin does not load ("Request
// ignored"); what the user then sees is an error and a non-zero exit: norm
// IR does not parse without the dialect plugin, and norm passes are unknown
// without the pass plugin.
// REQUIRES: norm-plugin
// RUN: not %stock-mlir-opt --load-dialect-plugin=%t.missing.so %s 2>&1 \
// RUN:   | FileCheck %s --check-prefixes=IGNORED,DIALECT
// RUN: not %stock-mlir-opt --load-pass-plugin=%norm-plugin %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DIALECT
// RUN: not %stock-mlir-opt --load-dialect-plugin=%norm-plugin --load-pass-plugin=%t.missing.so \
// RUN:   --pass-pipeline='builtin.module(norm-optimize)' %s 2>&1 | FileCheck %s --check-prefix=PASS

// IGNORED: Failed to load dialect plugin from '{{.*}}missing.so'. Request ignored.
// DIALECT: Dialect `norm' not found for custom op 'norm.layer_norm'
// PASS: Failed to load passes from '{{.*}}missing.so'. Request ignored.
// PASS: 'norm-optimize' does not refer to a registered pass or pass pipeline

func.func @ln(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = norm.layer_norm %x : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
