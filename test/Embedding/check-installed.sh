#!/usr/bin/env bash
#===- check-installed.sh - norm-mlir as another project sees it -----------===#
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# usage: check-installed.sh BUILD_DIR SOURCE_DIR
#
# Installs BUILD_DIR into a temporary prefix, then, seeing only that prefix
# (no build tree, no CMake package registry): configures and builds the
# external project in consumer/ with find_package(NormMLIR), runs its C++
# host (buildNormCPUPipeline, JIT) and its C host (the C API), and runs the
# README's examples exactly as printed (readme_examples.py).
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/norm-embedding.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" > "$work/install.log"
# The package must not point back into the build or source tree.
if grep -rl -e "$build" -e "$src" "$prefix/lib/cmake/NormMLIR"; then
  echo "check-installed: the installed package names the build tree" >&2
  exit 1
fi

# The installed tools run from the prefix: norm-opt lowers, norm-run checks
# against float64, and norm-compile links an artifact with the runtime
# archives installed beside it (PREFIX/lib/norm-mlir).
cat > "$work/ln.mlir" <<'EOF'
func.func @ln(%x: tensor<8x64xf32>, %g: tensor<64xf32>) -> tensor<8x64xf32> {
  %y = norm.layer_norm %x scale(%g : tensor<64xf32>) : tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}
EOF
"$prefix/bin/norm-opt" --norm-lower-to-llvm-cpu "$work/ln.mlir" -o /dev/null
"$prefix/bin/norm-run" "$work/ln.mlir" --random-inputs --check > /dev/null
test -f "$prefix/lib/norm-mlir/libnorm_runtime.a"
"$prefix/bin/norm-compile" "$work/ln.mlir" -o "$work/ln-artifact"
env -i "$work/ln-artifact" --random-inputs > /dev/null

cmake -S "$src/test/Embedding/consumer" -B "$work/consumer" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF > "$work/configure.log" ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work/consumer" > "$work/build.log" ||
  { cat "$work/build.log"; exit 1; }
"$work/consumer/embed"
"$work/consumer/embed-c"

/usr/bin/python3 "$src/test/Embedding/readme_examples.py" \
  "$src/README.md" "$src/test/Embedding" "$prefix" "$work/readme"
