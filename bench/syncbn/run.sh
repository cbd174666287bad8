#!/usr/bin/env bash
# The latency of norm.all_reduce_stats (SyncBN's one collective) on MPI:
# mpirun -np P norm-run of a program that is only the collective, for C
# channels of f32 statistics, P = 1, 2, 4 ranks (oversubscribed on small
# machines); the median of the first rank to report its --bench runs,
# which include the copies of the three statistics in and out. One rank is
# the single-process identity (the call and its copies).
#
# usage: bash bench/syncbn/run.sh [BUILD_DIR] [RUNS]
set -euo pipefail
build=${1:-build}
runs=${2:-500}
mpirun=$(command -v mpirun) || { echo "run.sh: no mpirun" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '| channels | bytes per rank | 1 rank (us) | 2 ranks (us) | 4 ranks (us) |\n'
printf '|---|---|---|---|---|\n'
for c in 64 512 2048; do
  cat > "$work/ar.mlir" <<MLIR
func.func @all_reduce(%n: tensor<${c}xf32>, %m: tensor<${c}xf32>, %s: tensor<${c}xf32>)
    -> (tensor<${c}xf32>, tensor<${c}xf32>, tensor<${c}xf32>) {
  %a, %b, %d = norm.all_reduce_stats "world" %n, %m, %s : tensor<${c}xf32>
  return %a, %b, %d : tensor<${c}xf32>, tensor<${c}xf32>, tensor<${c}xf32>
}
MLIR
  row="| $c | $((3 * c * 8))"
  for p in 1 2 4; do
    us=$("$mpirun" --allow-run-as-root --oversubscribe --bind-to none -np $p \
      "$build/bin/norm-run" "$work/ar.mlir" --random-inputs --bench="$runs" \
      --num-threads=1 |
      sed -n 's/^bench: .* median \([0-9.]*\) ms.*/\1/p' | head -1)
    row+=" | $(awk -v t="$us" 'BEGIN { printf "%.1f", t * 1000 }')"
  done
  echo "$row |"
done
