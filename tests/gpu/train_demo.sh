#!/usr/bin/env bash
# Trains the bundled demo model "finmoe-tiny" on the GPU machine and checks that transformers loads and scores it
# the same. Needs in .carry/: corpus/sec_filings_train.txt.xz (../shared/corpus) and tokenizer/ (made here with
# `moescope-cli train-tokenizer`). Results under $OUT: the model in <=15 MiB parts plus its metadata, logs.
#   bash tests/gpu/train_demo.sh [TIME_BUDGET_SECONDS]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/moescope-out}
budget=${1:-420}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
cd "$root"
test -x /tmp/moescope-build/app/cli/moescope-cli || bash tests/gpu/build_cli.sh /tmp/moescope-build || exit 1
cli=/tmp/moescope-build/app/cli/moescope-cli
model=/tmp/finmoe-tiny
rm -rf "$model" "$model.checkpoint"
"$cli" train --config resources/models/finmoe-tiny.train.json --corpus .carry/corpus/sec_filings_train.txt.xz \
    --tokenizer .carry/tokenizer --out "$model" --device cuda --time-budget "$budget" 2>&1 | tee "$OUT/train.log" | grep -v "^step.*[1-9]50/" || true
python3 tests/gpu/check_hf_scores.py --cli "$cli" --model "$model" --corpus .carry/corpus/sec_filings_train.txt.xz 2>&1 |
    grep -v -i -E "warn|loading weights" | tee "$OUT/hf_check.txt"
cd "$model" && split -b 15M -d model.safetensors "$OUT/model.safetensors.part" && sha256sum model.safetensors > "$OUT/model.sha256"
tar -czf "$OUT/meta.tar.gz" config.json generation_config.json tokenizer.json tokenizer_config.json training
