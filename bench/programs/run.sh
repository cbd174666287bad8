#!/usr/bin/env bash
# Whole programs (bench/programs/gen_programs.py) through norm-mlir's CPU
# pipeline against PyTorch eager (bench/programs/torch_programs.py, Debian's
# python3-torch) on the same threads, and against the same program without
# the norm rewrites (--optimize=false: no raising, fusion or folding).
# ROUNDS alternations of the three, the best median of each; the table
# rows are markdown. GFLOP/s counts the matmuls' and convolutions' FLOPs
# (gen_programs.py --flops) over the whole program's time.
#
# usage: bash bench/programs/run.sh [BUILD_DIR] [ROUNDS] [PROGRAM...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
rounds=${2:-3}
shift $(($# > 2 ? 2 : $#))
run="$build/bin/norm-run"
threads=${OMP_NUM_THREADS:-2}
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" "$here/gen_programs.py" > "$work/programs.mlir"
"$python" "$here/gen_programs.py" --flops > "$work/flops.txt"
programs=("$@")
if [ ${#programs[@]} -eq 0 ]; then
  programs=($(cut -d' ' -f1 "$work/flops.txt"))
fi
have_torch=1
"$python" -c "import torch" 2>/dev/null || have_torch=0

ours() { # entry runs [norm-run options] -> median ms
  local entry=$1 runs=$2
  shift 2
  "$run" "$work/programs.mlir" --entry="$entry" --random-inputs --bench="$runs" \
    --num-threads="$threads" "$@" | sed -n 's/^bench: .* median \([0-9.]*\) ms.*/\1/p'
}
best() { printf '%s\n' "$@" | sed '/^$/d' | sort -g | head -1; }

printf '| program | dtype | PyTorch (ms) | norm-mlir (ms) | without norm passes (ms) | vs PyTorch | vs without | GFLOP/s |\n'
printf '|---|---|---|---|---|---|---|---|\n'
declare -A mine
for p in "${programs[@]}"; do
  runs=10
  case $p in llama_prefill) runs=3 ;; esac
  dtype=f32
  case $p in llama_* | proj_*) dtype=bf16 ;; esac
  t_ours=() t_off=() t_torch=()
  for ((r = 0; r < rounds; r++)); do
    t_ours+=("$(ours "$p" "$runs")")
    t_off+=("$(ours "$p" "$runs" --optimize=false)")
    if [ $have_torch = 1 ]; then
      t_torch+=("$("$python" "$here/torch_programs.py" "$threads" "$runs" "$p" | cut -d' ' -f2)")
    fi
  done
  o=$(best "${t_ours[@]}")
  f=$(best "${t_off[@]}")
  t=-
  [ $have_torch = 1 ] && t=$(best "${t_torch[@]}")
  mine[$p]=$o
  flops=$(awk -v p="$p" '$1 == p { print $2 }' "$work/flops.txt")
  awk -v p="$p" -v d="$dtype" -v t="$t" -v o="$o" -v f="$f" -v fl="$flops" 'BEGIN {
    vs = (t == "-") ? "-" : sprintf("%.2fx", t / o)
    printf "| %s | %s | %s | %.3f | %.3f | %s | %.2fx | %.0f |\n", p, d, t, o, f, vs, f / o, fl / o / 1e6
  }'
done

# What a normalizer costs next to the projection it precedes or follows:
# measured again with the three variants alternating in every round (this
# machine is shared: the main table measures each program at its own time),
# the best median of each over max(ROUNDS, 5) rounds; and the RMSNorm alone
# on the projection's input (its share of the fused time).
if [ -n "${mine[proj_bare_prefill]:-}" ]; then
  printf '\n| projection (bf16) | bare matmul (ms) | RMSNorm + matmul | matmul + QK-norm | RMSNorm alone |\n'
  printf '|---|---|---|---|---|\n'
  for phase in prefill decode; do
    [ -z "${mine[proj_bare_$phase]:-}" ] && continue
    runs=10
    [ $phase = decode ] && runs=50
    # The RMSNorm of proj_rmsnorm_$phase by itself: its argument types.
    x=$(sed -n "s/^func.func @proj_rmsnorm_$phase(%x: \([^,]*\),.* %g: \([^)]*\)).*/\1/p" "$work/programs.mlir")
    g=$(sed -n "s/^func.func @proj_rmsnorm_$phase(%x: \([^,]*\),.* %g: \([^)]*\)).*/\2/p" "$work/programs.mlir")
    cat > "$work/norm_$phase.mlir" <<MLIR
func.func @norm_alone(%x: $x, %g: $g) -> $x {
  %y = norm.rms_norm %x scale(%g : $g) {epsilon = 1.0e-05 : f64} : $x
  return %y : $x
}
MLIR
    declare -A t=([bare]= [rmsnorm]= [qknorm]= [alone]=)
    for ((r = 0; r < (rounds > 5 ? rounds : 5); r++)); do
      for v in bare rmsnorm qknorm; do
        t[$v]+=" $(ours "proj_${v}_$phase" "$runs")"
      done
      t[alone]+=" $("$run" "$work/norm_$phase.mlir" --random-inputs --bench=100 \
        --num-threads="$threads" | sed -n 's/^bench: .* median \([0-9.]*\) ms.*/\1/p')"
    done
    b=$(best ${t[bare]}) n=$(best ${t[rmsnorm]}) q=$(best ${t[qknorm]}) a=$(best ${t[alone]})
    awk -v ph="$phase" -v b="$b" -v r="$n" -v q="$q" -v a="$a" 'BEGIN {
      printf "| %s | %.3f | %.3f (%.2fx) | %.3f (%.2fx) | %.4f (%.1f%%) |\n", ph, b, r, r / b, q, q / b, a, 100 * a / b
    }'
  done
fi
