// Debian's own mlir-opt, with the dialect plugin, prints every op of the
// dialect (test/Dialect/Norm/ops.mlir) exactly as norm-opt does, and reads
// its own output back in the generic form.
// REQUIRES: norm-plugin
// RUN: %stock-mlir-opt --load-dialect-plugin=%norm-plugin %S/../Dialect/Norm/ops.mlir > %t.stock
// RUN: norm-opt %S/../Dialect/Norm/ops.mlir > %t.ours
// RUN: diff %t.stock %t.ours
// RUN: %stock-mlir-opt --load-dialect-plugin=%norm-plugin --mlir-print-op-generic %t.stock \
// RUN:   | %stock-mlir-opt --load-dialect-plugin=%norm-plugin > %t.again
// RUN: diff %t.again %t.ours
// RUN: FileCheck %s < %t.stock

// CHECK: norm.layer_norm
// CHECK: norm.rms_norm
// CHECK: norm.batch_norm
