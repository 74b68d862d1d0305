#!/usr/bin/env bash
# GPU-machine run for batched decode of quantized models (several sequences per step): the kernel checks, then
# batch-16 (BATCHES) decode of OLMoE-1B-7B and DeepSeek-V2-Lite (MODELS) in bf16, INT8 and INT4-g128 (DTYPES) with
# random weights quantized on load, and one table: tokens/s of the batch, ms per step, speed-up over bf16.
#   device: bash tests/gpu/run_quantized_batched.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
[ "${CHECK:-1}" = 1 ] && $build/tests/gpu/check_fused_kernels 2>&1 | tee "$out/fused_kernels.txt" | tail -1
for cfg in ${MODELS:-olmoe-1b-7b deepseek-v2-lite}; do
    for b in ${BATCHES:-16}; do
        for q in ${DTYPES:-bf16 int8 int4-g128}; do
            $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --batch $b \
                --device cuda --dtype $q --json 2>&1 | grep -E '^\{|rror' | tee -a "$out/bench_quantized_batched.jsonl"
        done
    done
done
python3 - "$out/bench_quantized_batched.jsonl" <<'PY' | tee "$out/quantized_batched_table.md"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{") and "batched" in l]
key = lambda r: (r["model"], r["batch"])
bf16 = {key(r): r["batched"]["decode_tok_s"] for r in rows if r["dtype"] == "bf16"}
print("| model | batch | dtype | decode tok/s (all sequences) | ms/step (median) | vs bf16 | vs batch 1 | graphs |")
print("| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |")
for r in rows:
    b = r["batched"]
    name = r["model"].split("/")[-1].removesuffix(".json")
    ratio = f"{b['decode_tok_s'] / bf16[key(r)]:.2f}x" if key(r) in bf16 else "-"
    print(f"| {name} | {r['batch']} | {r['dtype']} | {b['decode_tok_s']:.0f} | {b['ms_per_step_median']:.3f} | {ratio} | "
          f"{b['speedup_vs_batch1']:.2f}x | {b['cuda_graphs']} |")
PY
echo "all done: $(( $(date +%s) - t0 )) s"
