#!/usr/bin/env bash
# GPU-machine run for decode attention over long caches: the kernel checks, then bf16 decode of OLMoE-1B-7B and
# Qwen3-30B-A3B (random weights, real shapes) after prompts of PROMPTS tokens, with the split attention kernels
# (kernels/gqadecodekernels.cu) serving every step (MOESCOPE_SPLIT_KV_MIN_SPAN=1) and with SDPA serving every step
# (a span no cache reaches), side by side; prints one table. QUANT=1 adds INT4-g128 / INT8 decode at 2,048.
#   device: bash tests/gpu/run_split_attention.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
$build/tests/gpu/check_fused_kernels > "$out/fused_kernels.txt" 2>&1
grep -E "FAILED|passed" "$out/fused_kernels.txt" | tail -3
for cfg in ${MODELS:-olmoe-1b-7b qwen3-30b-a3b}; do
    for prompt in ${PROMPTS:-2048 8192 32768}; do
        for span in 1 1000000000; do
            MOESCOPE_SPLIT_KV_MIN_SPAN=$span $cli bench --config .carry/configs/$cfg.json --random-weights \
                --prompt $prompt --gen 64 --device cuda --dtype bf16 --check-steps 8 --json 2>&1 | grep -E '^\{|rror' |
                sed "s/^{/{\"split_kv_min_span\": $span, /" | tee -a "$out/bench_split_attention.jsonl"
        done
    done
done
if [ "${QUANT:-0}" = 1 ]; then
    for cfg in olmoe-1b-7b deepseek-v2-lite; do
        for q in bf16 int4-g128 int8; do
            $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --device cuda \
                --dtype $q --check-steps 16 --json 2>&1 | grep -E '^\{|rror' | tee -a "$out/bench_quantized.jsonl"
        done
    done
fi
python3 - "$out/bench_split_attention.jsonl" <<'PY' | tee "$out/split_attention_table.md"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
by = {(r["model"], r["prompt"], r["split_kv_min_span"] == 1): r for r in rows}
print("| model | prompt | decode tok/s, SDPA | decode tok/s, split attention | speed-up | same top-1 (recorded vs eager) |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for (model, prompt, split), r in sorted(by.items()):
    other = by.get((model, prompt, False))
    if not split or other is None:
        continue
    c = r["step_check"]
    print(f'| {model.split("/")[-1].removesuffix(".json")} | {prompt} | {other["decode_tok_s"]:.0f} | '
          f'{r["decode_tok_s"]:.0f} | {r["decode_tok_s"] / other["decode_tok_s"]:.2f}x | {c["same_top1"]}/{c["steps"]} |')
PY
echo "all done: $(( $(date +%s) - t0 )) s"
