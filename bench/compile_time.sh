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
# Two configurations, interleaved: norm-opt as MlirOptMain runs it by
# default (the IR verified after every pass, a debugging aid), and with
# --verify-each=0, as norm-run and norm-compile lower (they verify the
# result once). The target is for the second.
checked=()
unchecked=()
run() {
  local start end
  start=$(date +%s.%N)
  "$BUILD_DIR/bin/norm-opt" "$module" --norm-lower-to-llvm-cpu "$@" -o /dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
for _ in 1 2 3 4 5; do
  checked+=("$(run)")
  unchecked+=("$(run --verify-each=0)")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 3p | xargs printf '%.2f'; }
lines=$(wc -l < "$module")
echo "compile time: 32-block transformer ($lines lines), norm-opt --norm-lower-to-llvm-cpu, median of 5:"
echo "  verifying after every pass (norm-opt's default): $(median "${checked[@]}") s"
echo "  --verify-each=0 (as norm-run and norm-compile):  $(median "${unchecked[@]}") s (target < 2 s)"
