#!/usr/bin/env bash
# Compile time of a 32-block transformer (bench/gen_transformer.py) through
# norm-opt's full CPU pipeline, median of 5 runs. Target: under 2 s.
# usage: bench/compile_time.sh [BUILD_DIR]
set -euo pipefail
BUILD_DIR=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
module=$(mktemp --suffix=.mlir)
trap 'rm -f "$module"' EXIT
python3 "$here/gen_transformer.py" 32 > "$module"
times=()
for _ in 1 2 3 4 5; do
  start=$(date +%s.%N)
  "$BUILD_DIR/bin/norm-opt" "$module" --norm-lower-to-llvm-cpu -o /dev/null
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "compile time: 32-block transformer ($(wc -l < "$module") lines), norm-opt --norm-lower-to-llvm-cpu: median ${median} s of 5 (target < 2 s)"
