// RUN: norm-opt %s --norm-lower-to-llvm-cpu="vector-bits=256" > %t
// RUN: FileCheck %s --check-prefix=IR < %t
// RUN: mlir-translate --mlir-to-llvmir %t | llc -O2 -mtriple=x86_64-unknown-linux-gnu -mcpu=x86-64-v3 | FileCheck %s --check-prefix=ASM
// RUN: norm-opt %s --norm-lower-to-llvm-cpu="bf16-rounding=exact target-cpu=znver4" > %t.exact
// RUN: FileCheck %s --check-prefix=IR < %t.exact
// RUN: norm-opt %s --norm-lower-to-llvm-cpu="bf16-rounding=native-ftz target-cpu=znver4" > %t.native
// RUN: FileCheck %s --check-prefix=NATIVE-IR < %t.native
// RUN: mlir-translate --mlir-to-llvmir %t.native | llc -O2 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver4 | FileCheck %s --check-prefix=NATIVE
// RUN: norm-opt %s --norm-lower-to-llvm-cpu="bf16-rounding=native-ftz target-cpu=x86-64-v3" | FileCheck %s --check-prefix=IR

// bf16-rounding=exact (the default, on any CPU, AVX512-BF16 or not) and
// native-ftz for a CPU without AVX512-BF16 (x86-64-v3) round in integer
// arithmetic, keeping subnormals. For AVX2 the LLVM IR carries no bfloat,
// so the backend calls no __truncsfbf2 (which Debian 12's libgcc lacks) and
// converts in vector registers. Covers a norm, a residual sum in bf16 and a
// bf16 activation.
// (AVX2): the LLVM IR carries no bfloat, so the backend calls no
// __truncsfbf2 (which Debian 12's libgcc lacks) and converts in vector
// registers. Covers a norm, a residual sum in bf16 and a bf16 activation.
// IR-NOT: bf16
// ASM-NOT: __truncsfbf2
// ASM-NOT: __extendbfsf2

// With bf16-rounding=native-ftz for a CPU with AVX512-BF16 (Zen 4, whose
// features norm-opt takes from LLVM's tables), f32 results are rounded by
// vcvtneps2bf16, which flushes subnormals; the only bfloat left in the IR
// is what llvm.fptrunc produces.
// NATIVE-IR: llvm.fptrunc {{.*}} to vector<{{[0-9]+}}xbf16>
// NATIVE-IR-NOT: llvm.load {{.*}}bf16
// NATIVE: vcvtneps2bf16
// NATIVE-NOT: __truncsfbf2
func.func @add_rms_gelu(%x: tensor<8x256xbf16>, %r: tensor<8x256xbf16>, %g: tensor<256xbf16>)
    -> (tensor<8x256xbf16>, tensor<8x256xbf16>) {
  %y, %sum = norm.add_rms_norm %x, %r scale(%g : tensor<256xbf16>) : tensor<8x256xbf16>
  %t = math.tanh %y : tensor<8x256xbf16>
  return %t, %sum : tensor<8x256xbf16>, tensor<8x256xbf16>
}

func.func @layer_norm(%x: tensor<64x1024xbf16>, %g: tensor<1024xbf16>, %b: tensor<1024xbf16>) -> tensor<64x1024xbf16> {
  %y = norm.layer_norm %x scale(%g : tensor<1024xbf16>) bias(%b : tensor<1024xbf16>) : tensor<64x1024xbf16>
  return %y : tensor<64x1024xbf16>
}
