#!/usr/bin/env bash
# One GPU-machine session for the foundation: probe the machine, regenerate the transformers fixtures, build the CLI
# with CUDA, and run the CUDA parity checks. Results under $OUT (fixtures.tar.gz, logs).
#   bash tests/gpu/run_foundation.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/moescope-out}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
cd "$root"
{
    echo "== machine"; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
    python3 -c 'import torch, transformers, tokenizers; print("torch", torch.__version__, "transformers", transformers.__version__, "tokenizers", tokenizers.__version__)'
    ls /usr/lib/x86_64-linux-gnu | grep -E "^lib(pcre2-8|sqlite3|fmt|spdlog|poppler-cpp|z|lzma)\.so" | tr '\n' ' '; echo
} 2>&1 | tee "$OUT/machine.txt"

echo "== fixtures (transformers, CPU float32)"
python3 tests/fixtures/models/make_fixtures.py --out /tmp/fixtures 2>&1 | grep -v -i -E "warn|loading|writing" | tee "$OUT/fixtures.log"
tar -C /tmp -czf "$OUT/fixtures.tar.gz" fixtures

echo "== build"
start=$(date +%s)
bash tests/gpu/build_cli.sh /tmp/moescope-build || exit 1
echo "built in $(( $(date +%s) - start )) s"

echo "== parity"
python3 tests/gpu/cuda_parity.py --cli /tmp/moescope-build/app/cli/moescope-cli 2>&1 | grep -v -i -E "warn|loading weights|writing" | tee "$OUT/parity.txt"
