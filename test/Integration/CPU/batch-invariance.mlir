// Batch invariance: every row kernel gives a row the same bits whether the
// call has 1, 3, 64 or 65 rows and whether 1 or 2 threads run it (widths 64, 768
// and 4096 in f32, 768 and 4096 in bf16; the forward's saved statistics
// too). The script compiles each kernel for each row count, runs it with
// norm-run on the first rows of the same data and compares the bytes.
// RUN: %python %S/Inputs/batch_invariance.py norm-run %t | FileCheck %s

// CHECK-NOT: MISMATCH
// CHECK-COUNT-30: calls, identical
// CHECK-NOT: MISMATCH
