#!/usr/bin/env bash
# The value of norm-raise on torch-mlir-style blocks (bench/raise/gen_blocks.py):
# each program through the CPU pipeline with raising (the default) and
# without (--pipeline-options=raise=false), alternated ROUNDS times, the
# best median of each; prints the ratio without / with. The norm-only
# programs are first checked against the float64 evaluation both ways.
#
# usage: bash bench/raise/run.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
rounds=${2:-3}
run="$build/bin/norm-run"
threads=${OMP_NUM_THREADS:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { # program entry raise runs -> median ms
  "$run" "$1" --entry="$2" --random-inputs --bench="$4" --num-threads="$threads" \
    --pipeline-options="raise=$3" | sed -n 's/^bench: .* median \([0-9.]*\) ms.*/\1/p'
}

printf '| program | dtype | without raise (ms) | with raise (ms) | ratio | --check without, with |\n'
printf '|---|---|---|---|---|---|\n'
for dtype in f32 bf16; do
  program="$work/blocks_$dtype.mlir"
  /usr/bin/python3 "$here/gen_blocks.py" "$dtype" > "$program"
  for entry in gpt2_norms llama_norms gpt2_block llama_block; do
    # The float64 evaluation of the blocks' matmuls takes minutes: the
    # norm parts are checked, the matmuls are the same in both programs.
    checks="-"
    case $entry in
    *_norms)
      checks=""
      for raise in false true; do
        if "$run" "$program" --entry="$entry" --random-inputs --check \
          --pipeline-options="raise=$raise" > "$work/check.txt"; then
          checks+="pass "
        else
          # The float64 evaluation rounds where the tensors' types say and
          # keeps each body's truncf exact: LLaMA's rounding before the
          # weight multiply is not in it, and the sum after the block
          # magnifies its one ulp where it cancels.
          checks+="$(sed -n 's/.*max ulp \([0-9.]*\).*/\1/p' "$work/check.txt" | head -1)ulp "
        fi
      done ;;
    esac
    runs=50
    case $entry in *_block) runs=5 ;; esac
    best_off="" best_on=""
    for ((r = 0; r < rounds; r++)); do
      off=$(median "$program" "$entry" false "$runs")
      on=$(median "$program" "$entry" true "$runs")
      best_off=$(printf '%s\n%s\n' "$off" "$best_off" | sed '/^$/d' | sort -g | head -1)
      best_on=$(printf '%s\n%s\n' "$on" "$best_on" | sed '/^$/d' | sort -g | head -1)
    done
    ratio=$(awk -v a="$best_off" -v b="$best_on" 'BEGIN { printf "%.2f", a / b }')
    printf '| %s | %s | %s | %s | %s | %s |\n' "$entry" "$dtype" "$best_off" "$best_on" "$ratio" "${checks% }"
  done
done
