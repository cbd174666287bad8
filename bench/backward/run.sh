#!/usr/bin/env bash
# The row normalizers' backward on the CPU against their forward and a copy
# roof, in one run (ratios, not absolute numbers: the machines are shared):
# norm-run --bench medians of
#   fwd      layer_norm (x read, y written)
#   roof     x + r (two tensors read, one written: the bytes dx alone moves)
#   dx       layer_norm_grad / rms_norm_grad without dscale, dbias, from
#            given statistics
#   full     with dscale and dbias (the per-block partials and their merge)
# and "of roof" = roof time / kernel time. oneDNN's backward is not here yet.
#
# usage: bash bench/backward/run.sh [BUILD_DIR] [RUNS] [THREADS]
set -euo pipefail
build=${1:-build}
runs=${2:-20}
threads=${3:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() {
  "$build/bin/norm-run" "$work/k.mlir" --entry="$1" --random-inputs \
    --bench="$runs" --num-threads="$threads" |
    sed -n 's/^bench: .* median \([0-9.]*\) ms.*/\1/p'
}
printf '| kernel | dtype | shape | fwd (ms) | roof (ms) | dx (ms) | full (ms) | dx of roof | full of roof |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for kind in layer_norm rms_norm; do
  for dt in f32 bf16; do
    for shape in 16384x1024 4096x4096 1024x768; do
      r=${shape%x*}
      c=${shape#*x}
      x="tensor<${r}x${c}x${dt}>"
      p="tensor<${c}x${dt}>"
      s="tensor<${r}xf32>"
      if [ "$kind" = layer_norm ]; then
        stats="%mean, %rstd"
        sargs="%mean: $s, %rstd: $s"
        fwd="%y, %mean, %rstd = norm.layer_norm %x scale(%g : $p) : $x mean($s) rstd($s)"
        grads="scale_grad($p) bias_grad($p)"
        outs="%dx, %dg, %db"
        types="$x, $p, $p"
      else
        stats="%rstd"
        sargs="%rstd: $s"
        fwd="%y, %rstd = norm.rms_norm %x scale(%g : $p) : $x rstd($s)"
        grads="scale_grad($p)"
        outs="%dx, %dg"
        types="$x, $p"
      fi
      cat > "$work/k.mlir" <<MLIR
func.func @fwd(%x: $x, %g: $p) -> $x {
  $fwd
  return %y : $x
}
func.func @roof(%x: $x, %r: $x) -> $x {
  %y = arith.addf %x, %r : $x
  return %y : $x
}
func.func @dx(%x: $x, %g: $p, %dy: $x, $sargs) -> $x {
  %dx = norm.${kind}_grad %dy, %x, $stats scale(%g : $p) : $x, stats $s
  return %dx : $x
}
func.func @full(%x: $x, %g: $p, %dy: $x, $sargs) -> ($types) {
  $outs = norm.${kind}_grad %dy, %x, $stats scale(%g : $p) : $x, stats $s $grads
  return $outs : $types
}
MLIR
      tf=$(median fwd); tr=$(median roof); td=$(median dx); tg=$(median full)
      awk -v k="$kind" -v d="$dt" -v s="$shape" -v f="$tf" -v r="$tr" \
        -v x="$td" -v g="$tg" 'BEGIN {
          dx = x; full = g
          printf "| %s | %s | %s | %.3f | %.3f | %.3f | %.3f | %.0f%% | %.0f%% |\n",
            k, d, s, f, r, dx, full, 100 * r / dx, 100 * r / full }'
    done
  done
done
