//===- TestPasses.h - Passes that only the tests use --------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//

#ifndef NORM_TEST_LIB_TESTPASSES_H
#define NORM_TEST_LIB_TESTPASSES_H

namespace mlir::norm::test {
/// Registers the test-only passes (`norm-test-*`) with the pass registry.
void registerNormTestPasses();
} // namespace mlir::norm::test

#endif // NORM_TEST_LIB_TESTPASSES_H
