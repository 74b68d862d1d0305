#!/usr/bin/env bash
# Builds moescope-cli (backend + models, no Qt, no poppler) on the GPU machine, which has LibTorch in python3 and
# runtime libraries without -dev headers: the headers travel in .carry/include, which tests/gpu/make_carry.sh fills
# on the development machine (sqlite3, pcre2, zlib, lzma).
#   [TARGETS="moescope-cli check_fused_kernels"] tests/gpu/build_cli.sh [BUILD_DIR] [extra cmake args]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-/tmp/moescope-build}
shift || true
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOESCOPE_WITH_GUI=OFF -DMOESCOPE_WITH_PDF=OFF \
    -DMOESCOPE_WITH_CUDA_KERNELS=ON \
    -DMOESCOPE_PYTHON=python3 -DCMAKE_INCLUDE_PATH="$root/.carry/include" "$@" >"$build.configure.log" 2>&1 ||
    { cat "$build.configure.log"; exit 1; }
# shellcheck disable=SC2086 # the target list splits into words
cmake --build "$build" --target ${TARGETS:-moescope-cli check_fused_kernels} -j "$(nproc)" 2>&1 |
    grep -E "error|undefined|warning: |FAILED" || true
test -x "$build/app/cli/moescope-cli"
