#!/usr/bin/env bash
# Runs on a GPU machine (CUDA driver, Python with PyTorch; no LLVM/MLIR, no
# network) in the folder bench/gpu/prepare.sh wrote:
#   1. every check artifact against its float64 expected outputs;
#   2. every benchmark artifact (--random-inputs, --bench=RUNS): GB/s and %
#      of the device's peak memory bandwidth;
#   3. the same cases through PyTorch eager and torch.compile;
#   4. results/gpu.json and results/gpu.md (the table for bench/README.md),
#      norm-mlir / PyTorch as ratios from this one run.
# Usage: run.sh [PREPARED_DIR] [RESULTS_DIR]   (defaults: this script's
# folder, PREPARED_DIR/results). Through the environment: RUNS (default 30),
# COMPILE_BUDGET (seconds of torch.compile, default 240).
set -uo pipefail
dir=$(cd "${1:-$(dirname "$0")}" && pwd)
results=${2:-$dir/results}
runs=${RUNS:-30}
compile_budget=${COMPILE_BUDGET:-240}
mkdir -p "$results"
log=$results/run.log
: > "$log"
say() { echo "$@" | tee -a "$log"; }

say "== device"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | tee -a "$log"

say "== checks (float64 reference)"
failed=0
for art in "$dir"/checks/*; do
  [ -x "$art" ] && [ ! -d "$art" ] || continue
  name=$(basename "$art")
  ref=$art.ref
  args=()
  for f in $(ls "$ref" | grep '^arg' | sort -V); do args+=("--input=$ref/$f"); done
  for f in $(ls "$ref" | grep '^expected' | sort -V); do args+=("--expected=$ref/$f"); done
  if out=$("$art" "${args[@]}" 2>&1); then
    say "PASS $name"
  else
    failed=$((failed + 1))
    say "FAIL $name"
    echo "$out" | sed 's/^/    /' | tee -a "$log"
  fi
done
say "checks failed: $failed"

say "== norm-mlir benchmarks ($runs runs each)"
: > "$results/norm.txt"
for art in "$dir"/bench/*; do
  name=$(basename "$art")
  line=$("$art" --random-inputs --bench="$runs" 2>&1 | tail -1)
  echo "$name $line" >> "$results/norm.txt"
  say "$name: $line"
done

say "== PyTorch"
if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  (cd "$dir" && python3 torch_bench.py "$results/torch.json" --runs "$runs" \
     --compile-budget "$compile_budget") 2>&1 \
    | tee -a "$log" | tail -n +1 > /dev/null
else
  say "no PyTorch with CUDA here; norm-mlir numbers only"
fi

python3 - "$results" <<'PY'
import json, os, re, sys
res = sys.argv[1]
norm = {}
peak = device = None
for line in open(os.path.join(res, "norm.txt")):
    name, rest = line.split(" ", 1)
    m = re.search(r"median ([0-9.]+) ms, ([0-9.]+) GB/s", rest)
    if not m:
        norm[name] = {"error": rest.strip()}
        continue
    norm[name] = {"ms": float(m.group(1)), "gbs": float(m.group(2))}
    p = re.search(r"([0-9.]+)% of the ([0-9.]+) GB/s of the (.*)", rest)
    if p:
        norm[name]["peak_pct"] = float(p.group(1))
        peak, device = float(p.group(2)), p.group(3).strip()
torch_cases = {}
tpath = os.path.join(res, "torch.json")
if os.path.exists(tpath):
    torch_cases = {c["name"]: c for c in json.load(open(tpath))["cases"]}
rows = []
for name in sorted(norm):
    n, t = norm[name], torch_cases.get(name, {})
    row = {"name": name, **{f"norm_{k}": v for k, v in n.items()}}
    for k in ("eager_gbs", "compile_gbs", "error", "compile_skipped"):
        if k in t:
            row["torch_" + k] = t[k]
    if "gbs" in n:
        for k in ("eager", "compile"):
            if f"{k}_gbs" in t:
                row[f"vs_{k}"] = n["gbs"] / t[f"{k}_gbs"]
    rows.append(row)
json.dump({"device": device, "peak_gbs": peak, "rows": rows},
          open(os.path.join(res, "gpu.json"), "w"), indent=1)
fmt = lambda v, f="{:.0f}": f.format(v) if isinstance(v, float) else "-"
lines = [f"Device: {device}, peak {fmt(peak)} GB/s (2 x memory clock x bus width).", "",
         "| case | norm-mlir GB/s | % of peak | eager GB/s | compile GB/s | vs eager | vs compile |",
         "|---|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    lines.append("| {} | {} | {} | {} | {} | {} | {} |".format(
        r["name"], fmt(r.get("norm_gbs")), fmt(r.get("norm_peak_pct"), "{:.1f}"),
        fmt(r.get("torch_eager_gbs")), fmt(r.get("torch_compile_gbs")),
        fmt(r.get("vs_eager"), "{:.2f}x"), fmt(r.get("vs_compile"), "{:.2f}x")))
open(os.path.join(res, "gpu.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
[ "$failed" -eq 0 ]
