#!/usr/bin/env bash
# Re-runs the CUDA parity checks (and, when a trained demo model sits in /tmp/finmoe-tiny, its transformers check).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/moescope-out}
mkdir -p "$OUT"
cd "$root"
test -x /tmp/moescope-build/app/cli/moescope-cli || bash tests/gpu/build_cli.sh /tmp/moescope-build || exit 1
cli=/tmp/moescope-build/app/cli/moescope-cli
python3 tests/gpu/cuda_parity.py --cli "$cli" 2>&1 | grep -v -i -E "warn|loading weights|writing" | tee "$OUT/parity.txt"
if [ -d /tmp/finmoe-tiny ]; then
    python3 tests/gpu/check_hf_scores.py --cli "$cli" --model /tmp/finmoe-tiny --corpus .carry/corpus/sec_filings_train.txt.xz 2>&1 |
        grep -v -i -E "warn|loading weights" | tee "$OUT/hf_check.txt"
fi
