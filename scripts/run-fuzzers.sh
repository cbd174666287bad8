#!/usr/bin/env bash
#===- run-fuzzers.sh - Run every libFuzzer target for a bounded time -------===#
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
#   scripts/run-fuzzers.sh BUILD_DIR SECONDS
#
# FUZZ_SEED (default 1) fixes libFuzzer's mutation sequence, so a CI run
# explores what a developer's run explored; FUZZ_SEED=0 picks a random one.
#
# Seeds each target from the test suite (modules from test/ and examples/,
# .npy files written by norm-run) and with the inputs that once crashed
# (test/Fuzz/regressions/), runs it for SECONDS, prints the executions per
# target, and fails if any target found a crash (saved under
# BUILD_DIR/fuzz/crashes/; once fixed, it goes to test/Fuzz/regressions/).
set -euo pipefail
build=${1:?build dir}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$build/fuzz
rm -rf "$work/corpus" "$work/crashes"
mkdir -p "$work/corpus/npy" "$work/corpus/parse" "$work/corpus/pipeline" "$work/crashes"

# Seeds: every test module for the parser; the runnable ones for the pipeline.
# Named by their paths (test/Dialect/Norm/ops.mlir -> test_Dialect_Norm_ops.mlir):
# with bare names, files of one name overwrote each other in an order that
# differs between file systems, and CI fuzzed another corpus than ours.
seed() { # corpus-dir files...
  local dir=$1 f
  shift
  for f in "$@"; do cp "$root/$f" "$dir/${f//\//_}"; done
}
seed "$work/corpus/parse" $(cd "$root" && find test examples -name '*.mlir' | sort)
seed "$work/corpus/pipeline" $(cd "$root" && ls test/Integration/CPU/*.mlir \
  test/Integration/CUDA/Inputs/*.mlir examples/*.mlir)
"$build/bin/norm-run" "$root/test/Tools/norm-run/Inputs/make-npy.mlir" \
  --random-inputs --output-dir="$work/corpus/npy" > /dev/null

# Uninstrumented libMLIR.so and instrumented code share std containers.
export ASAN_OPTIONS=detect_container_overflow=0:${ASAN_OPTIONS:-}
status=0
for target in npy parse pipeline; do
  log=$work/$target.log
  # test/Fuzz/regressions/<target> holds every input that once crashed; it is
  # read (and run) with the corpus and never written to.
  if "$build/bin/norm-fuzz-$target" "$work/corpus/$target" \
      "$root/test/Fuzz/regressions/$target" \
      -max_total_time="$seconds" -seed="${FUZZ_SEED:-1}" \
      -rss_limit_mb=4096 -timeout=30 \
      -print_final_stats=1 -artifact_prefix="$work/crashes/$target-" \
      > "$log" 2>&1; then
    runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "norm-fuzz-$target: ${runs:-?} executions in ${seconds} s, no crash"
  else
    echo "norm-fuzz-$target: FOUND A CRASH (log: $log)"
    tail -n 40 "$log"
    status=1
  fi
done
exit $status
