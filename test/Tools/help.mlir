// --help of norm-run and norm-compile lists their own options (and the
// lowering's --verify-each), not the LLVM and MLIR options linked in, which
// still parse.
// RUN: norm-run --help | FileCheck %s --check-prefix=NR --implicit-check-not=amdgpu --implicit-check-not=mlir-print
// RUN: norm-compile --help | FileCheck %s --check-prefix=NC --implicit-check-not=amdgpu --implicit-check-not=mlir-print

// NR: norm-run and norm-compile options:
// NR-DAG: --check
// NR-DAG: --random-inputs
// NR-DAG: --pipeline-options
// NR-DAG: --verify-each

// NC: norm-run and norm-compile options:
// NC-DAG: --emit
// NC-DAG: --target
// NC-DAG: --verify-each
