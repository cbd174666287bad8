// Debian's own mlir-opt runs the norm passes and pipelines from the plugin
// (named in --pass-pipeline: mlir-opt makes its --<pass> flags before it
// loads plugins, as for every pass plugin): the fusions, the whole CPU lowering (identical to norm-opt's, and fully
// lowered: stock mlir-translate takes it to LLVM IR), a function pass alone,
// and the GPU lowering to PTX.
// REQUIRES: norm-plugin
// RUN: %stock-mlir-opt --load-dialect-plugin=%norm-plugin --load-pass-plugin=%norm-plugin \
// RUN:   --pass-pipeline='builtin.module(norm-optimize)' %s | FileCheck %s --check-prefix=OPT
// RUN: %stock-mlir-opt --load-dialect-plugin=%norm-plugin --load-pass-plugin=%norm-plugin \
// RUN:   --pass-pipeline='builtin.module(norm-lower-to-llvm-cpu)' %s > %t.stock
// RUN: norm-opt --norm-lower-to-llvm-cpu %s > %t.ours
// RUN: diff %t.stock %t.ours
// RUN: %stock-mlir-translate --mlir-to-llvmir %t.stock | FileCheck %s --check-prefix=IR
// RUN: %stock-mlir-opt --load-dialect-plugin=%norm-plugin --load-pass-plugin=%norm-plugin \
// RUN:   --pass-pipeline='builtin.module(convert-norm-to-linalg,func.func(norm-tile-rows))' %s \
// RUN:   | FileCheck %s --check-prefix=TILE
// RUN: %stock-mlir-opt --load-dialect-plugin=%norm-plugin --load-pass-plugin=%norm-plugin \
// RUN:   --pass-pipeline='builtin.module(norm-lower-to-nvvm)' %s | FileCheck %s --check-prefix=NVVM

// OPT-LABEL: func.func @block
// OPT:         norm.add_layer_norm
// OPT-NOT:     arith.addf

// IR: define {{.*}} @block(

// TILE-LABEL: func.func @block
// TILE:         scf.forall

// NVVM-DAG: gpu.binary @block_kernel
// NVVM-DAG: llvm.func @block(
func.func @block(%x: tensor<64x256xf32>, %f: tensor<64x256xf32>,
                 %g: tensor<256xf32>) -> tensor<64x256xf32> {
  %s = arith.addf %x, %f : tensor<64x256xf32>
  %y = norm.layer_norm %s scale(%g : tensor<256xf32>) : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
