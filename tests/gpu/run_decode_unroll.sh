#!/usr/bin/env bash
# GPU-machine run for the bf16 decode GEMV and gate/up loads: MOESCOPE_DECODE_UNROLL unset (the loop unrolled by 4),
# 4 or 8 (that many 16-byte pieces a lane loaded before the first sums, the sums in the same order). The kernel checks
# under each, then batch-1 bf16 decode of OLMoE-1B-7B, DeepSeek-V2-Lite and Qwen3-30B-A3B (random weights at the
# real shapes, prompt 2,048, 128 tokens) under each, alternating, in the same machine start, one table.
#   device: bash tests/gpu/run_decode_unroll.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
for u in 0 4 8; do
    echo "== MOESCOPE_DECODE_UNROLL=$u" | tee -a "$out/fused_kernels.txt"
    MOESCOPE_DECODE_UNROLL=$u $build/tests/gpu/check_fused_kernels 2>&1 | grep -E "gemv|moe decode T|passed|FAIL" |
        tee -a "$out/fused_kernels.txt"
done
for cfg in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
    for run in 1 2; do
        for u in 0 4 8; do
            MOESCOPE_DECODE_UNROLL=$u $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 \
                --gen 128 --device cuda --dtype bf16 --check-steps 16 --json 2>&1 | grep '^{' |
                sed "s/^{/{\"unroll\":$u,/" | tee -a "$out/bench_unroll.jsonl"
        done
    done
    echo "$cfg done at $(( $(date +%s) - t0 )) s"
done
python3 - "$out/bench_unroll.jsonl" <<'PY' | tee "$out/unroll_table.md"
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
runs = collections.defaultdict(lambda: collections.defaultdict(list))
for r in rows:
    runs[r["model"].split("/")[-1].removesuffix(".json")][r["unroll"]].append(r["decode_tok_s"])
print("| model | bf16 decode tok/s, unrolled by 4 | 4 pieces loaded first | 8 pieces loaded first |")
print("| --- | ---: | ---: | ---: |")
for model, by in runs.items():
    print(f"| {model} | " + " | ".join(" / ".join("%.0f" % v for v in by[u]) for u in (0, 4, 8)) + " |")
PY
echo "all done: $(( $(date +%s) - t0 )) s"
