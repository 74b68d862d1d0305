#!/usr/bin/env bash
# GPU-machine run for the quantizer's working memory on a 16B-parameter model: a random bf16 checkpoint of
# DeepSeek-V2-Lite's real configuration (all 27 layers, the hub's layout, drawn on the GPU), quantized on the GPU to
# INT4-g128 (range search) by `moescope-cli quantize`; one JSON line against the bf16 model and its largest layer.
#   device: bash tests/gpu/run_quantize_memory.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
for scheme in ${SCHEMES:-int4-g128}; do
    python3 tests/gpu/quantize_memory.py --cli "$cli" --config .carry/configs/deepseek-v2-lite.json --device cuda \
        --init-device cuda --scheme "$scheme" --work /tmp/quantize-memory 2>&1 | tee -a "$out/quantize_memory.log" |
        grep '^{' | tee -a "$out/quantize_memory.jsonl"
    echo "$scheme done at $(( $(date +%s) - t0 )) s"
done
echo "all done: $(( $(date +%s) - t0 )) s"
