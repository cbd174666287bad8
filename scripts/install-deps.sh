#!/usr/bin/env bash
#===- install-deps.sh - Install the Debian packages norm-mlir needs -------===#
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# Installs every Debian 12 package that the build, the tests and the demo need.
# Idempotent: when everything is present it returns without touching apt.
# Works as root and through sudo.
set -euo pipefail

PACKAGES=(
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  clang-22 lld-22 libomp-22-dev libclang-rt-22-dev
  cmake ninja-build ccache make
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy python3-matplotlib libdnnl-dev
  libopenmpi-dev openmpi-bin
)
# `--bench` adds what only the benchmarks need: PyTorch, the baseline of the
# whole-program benchmarks (bench/programs) and a peer in make bench
# (bench/cpu/torch_bench.py).
if [ "${1:-}" = "--bench" ]; then
  PACKAGES+=(python3-torch)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps.sh: missing packages (${missing[*]}) and neither root nor sudo" >&2
  exit 1
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
