// The whole-program benchmarks of bench/programs (BERT, LLaMA prefill and
// decode with QK-norm, RoPE and a KV cache, ViT, UNet ResBlocks in NCHW and
// NHWC, a ResNet block, projections with an RMSNorm before or a QK-norm
// after), written at small sizes by the same generator, each
// compiled with the default pipeline (oneDNN matmuls and convolutions,
// fused and folded normalizers) and checked against the float64
// evaluation of the program as written; the BERT and ResNet blocks also
// without the norm rewrites.

// RUN: rm -rf %t && mkdir -p %t && %python %S/../../../bench/programs/gen_programs.py --tiny > %t/p.mlir
// RUN: norm-run %t/p.mlir --entry=bert_block --random-inputs --check | FileCheck %s
// RUN: norm-run %t/p.mlir --entry=bert_block --random-inputs --check --optimize=false | FileCheck %s
// RUN: norm-run %t/p.mlir --entry=llama_prefill --random-inputs --check | FileCheck %s
// RUN: norm-run %t/p.mlir --entry=llama_decode --random-inputs --check | FileCheck %s
// RUN: norm-run %t/p.mlir --entry=vit_block --random-inputs --check | FileCheck %s
// RUN: norm-run %t/p.mlir --entry=unet_resblock_nchw --random-inputs --check | FileCheck %s
// RUN: norm-run %t/p.mlir --entry=unet_resblock_nhwc --random-inputs --check | FileCheck %s
// RUN: norm-run %t/p.mlir --entry=resnet_block --random-inputs --check | FileCheck %s
// RUN: norm-run %t/p.mlir --entry=resnet_block --random-inputs --check --optimize=false | FileCheck %s
// RUN: norm-run %t/p.mlir --entry=proj_rmsnorm_decode --random-inputs --check | FileCheck %s
// RUN: norm-run %t/p.mlir --entry=proj_qknorm_prefill --random-inputs --check | FileCheck %s
// CHECK: check: PASS
