#!/usr/bin/env bash
# Runs on a development machine (LLVM/MLIR, the CUDA toolkit, no GPU needed).
# Writes into one folder everything bench/gpu/run.sh needs on a GPU machine
# that has the CUDA driver and PyTorch but no LLVM/MLIR:
#   checks/NAME        an artifact per function of
#                      test/Integration/CUDA/Inputs/{ops,gradients}.mlir, with its
#                      inputs and float64 expected outputs (checks/NAME.ref/)
#   bench/NAME         an artifact per benchmark of gen_programs.py (inputs
#                      are generated on the GPU machine: --random-inputs)
#   run.sh torch_bench.py gen_programs.py
# Usage: bench/gpu/prepare.sh [OUT_DIR]   (default bench/gpu/out)
# Options through the environment: NORM_BUILD (build dir, default build),
# NORM_GPU_CHIP (default sm_90).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/bench/gpu/out}
build=${NORM_BUILD:-$root/build}
chip=${NORM_GPU_CHIP:-sm_90}
bin=$build/bin
for tool in norm-compile norm-run; do
  [ -x "$bin/$tool" ] || { echo "prepare.sh: $bin/$tool is missing; run 'make build' first" >&2; exit 2; }
done

rm -rf "$out"
mkdir -p "$out/checks" "$out/bench" "$out/programs"

# Checks: small inputs, float64 expected outputs, for every function of the
# GPU tests' inputs (the normalizers, and the training steps' gradients).
for ops in "$root"/test/Integration/CUDA/Inputs/{ops,gradients}.mlir; do
  for f in $(grep -o 'func.func @[a-z_0-9]*' "$ops" | sed 's/func.func @//'); do
    "$bin/norm-compile" "$ops" --target=cuda --entry="$f" \
      --pipeline-options="chip=$chip" -o "$out/checks/$f"
    "$bin/norm-run" "$ops" --entry="$f" --random-inputs --seed=1 \
      --write-reference="$out/checks/$f.ref"
  done
done

# Benchmarks: the programs, compiled in parallel.
python3 "$root/bench/gpu/gen_programs.py" "$out/programs"
ls "$out/programs"/*.mlir | xargs -P "$(nproc)" -I{} sh -c \
  'name=$(basename {} .mlir); "$0" {} --target=cuda --pipeline-options="chip=$1" -o "$2/bench/$name"' \
  "$bin/norm-compile" "$chip" "$out"

# Whole programs (bench/programs/gen_programs.py: BERT, LLaMA prefill and
# decode, ViT, UNet, ResNet blocks), their matmuls the tiled kernel of
# norm-gpu-offload; named program_NAME among the benchmarks.
python3 "$root/bench/programs/gen_programs.py" > "$out/programs/whole.mlir"
for name in bert_block llama_prefill llama_decode vit_block \
            unet_resblock_nchw unet_resblock_nhwc resnet_block; do
  echo "$name"
done | xargs -P "$(nproc)" -I{} "$bin/norm-compile" "$out/programs/whole.mlir" \
  --target=cuda --entry={} --pipeline-options="chip=$chip" -o "$out/bench/program_{}"

cp "$root/bench/gpu/run.sh" "$root/bench/gpu/torch_bench.py" \
   "$root/bench/gpu/gen_programs.py" "$out/"
size=$(du -sm "$out" | cut -f1)
echo "prepare.sh: $(ls "$out/checks" | grep -vc '\.ref$') checks and $(ls "$out/bench" | wc -l) benchmarks for $chip in $out ($size MB)"
if [ "$size" -ge 60 ]; then
  echo "prepare.sh: $out is $size MB, over the 60 MB a GPU machine takes" >&2
  exit 1
fi
