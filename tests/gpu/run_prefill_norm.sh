#!/usr/bin/env bash
# GPU-machine run for prefill's RMS norms through the fused norm kernel (any number of rows) instead of the eager
# path: prefill of OLMoE-1B-7B, DeepSeek-V2-Lite and Qwen3-30B-A3B (random weights at the real shapes, 2,048 tokens)
# with it and without (MOESCOPE_FUSED_PREFILL_NORM=0), alternating in one machine start, one table; then the norm
# kernel checks and the transformers parity of the prefill path on all six families.
#   device: bash tests/gpu/run_prefill_norm.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
for cfg in olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b; do
    for fused in 1 0 1 0; do
        MOESCOPE_FUSED_PREFILL_NORM=$fused $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 \
            --gen 8 --device cuda --dtype bf16 --json 2>&1 | grep '^{' | sed "s/^{/{\"fused_norm\":$fused,/" |
            tee -a "$out/bench_prefill_norm.jsonl"
    done
    echo "$cfg done at $(( $(date +%s) - t0 )) s"
done
python3 - "$out/bench_prefill_norm.jsonl" <<'PY' | tee "$out/prefill_norm_table.md"
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
runs = collections.defaultdict(lambda: collections.defaultdict(list))
for r in rows:
    runs[r["model"].split("/")[-1].removesuffix(".json")][r["fused_norm"]].append(r["prefill_tok_s"])
print("| model | prefill tok/s, eager norms | fused norms | speed-up (best runs) |")
print("| --- | ---: | ---: | ---: |")
for model, by in runs.items():
    fmt = lambda v: " / ".join("%.0f" % x for x in v)
    print(f"| {model} | {fmt(by[0])} | {fmt(by[1])} | {max(by[1]) / max(by[0]):.3f}x |")
PY
$build/tests/gpu/check_fused_kernels 2>&1 | grep -E "norm|passed|FAIL" | tee "$out/fused_kernels.txt"
python3 tests/gpu/cuda_parity.py --cli "$cli" 2>&1 | grep -v -i -E "warn|loading weights|writing" | tee "$out/parity.txt"
echo "all done: $(( $(date +%s) - t0 )) s"
