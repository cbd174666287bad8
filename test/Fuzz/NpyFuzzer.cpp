//===- NpyFuzzer.cpp - libFuzzer target: the .npy reader ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Any bytes must either parse into an array whose data converts, or be
// rejected with an NpyError: never a crash, a leak or an oversized
// allocation.
//
//===----------------------------------------------------------------------===//

#include "runtime/npy/Npy.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  try {
    norm::rt::Array array = norm::rt::parseNpy("fuzz.npy", data, size);
    (void)norm::rt::toDoubles(array);
  } catch (const norm::rt::NpyError &) {
  }
  return 0;
}
