#!/usr/bin/env bash
# GPU-machine run for long prompts: models with random weights at the real shapes prefill a 32,768-token prompt in
# chunks of 2,048 (Engine::prefillChunk) and then decode; prints prefill and decode tok/s, the tensors a prefill holds
# beyond the weights and the cache at its peak, the cache, the device memory in use at the end, and one table.
#   device: bash tests/gpu/run_long_prompt.sh   (carry .carry/include .carry/configs; results under $OUT)
#   MODELS="deepseek-v2-lite qwen3-30b-a3b" DTYPES="bf16 int4-g128" PROMPT=32768; VALUES="- MOESCOPE_A=1": each run
#   once per environment setting (setup_run.sh's setting_env; "-": none). TRACE=1 adds a profile of 8 decode steps
#   at the prompt's end per run, summarised (critical path) in trace_decode.txt.
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
for setting in ${VALUES:--}; do
    for m in ${MODELS:-deepseek-v2-lite qwen3-30b-a3b}; do
        for q in ${DTYPES:-bf16 int4-g128}; do
            trace=/tmp/trace-long-$m-$q
            env $(setting_env "$setting") $cli bench --config .carry/configs/$m.json \
                --random-weights --prompt ${PROMPT:-32768} --gen 64 --device cuda --dtype $q --check-steps 8 --json \
                ${TRACE:+--profile $trace} 2>&1 \
                | grep -E '^\{|rror' | sed "s/^{/{\"setting\":\"$setting\",/" | tee -a "$out/bench_long_prompt.jsonl"
            if [ -n "${TRACE:-}" ]; then
                echo "== $m $q ${PROMPT:-32768} $setting" >> "$out/trace_decode.txt"
                python3 tests/gpu/trace_summary.py $trace.decode.json --top 10 --exposed >> "$out/trace_decode.txt"
            fi
        done
    done
done
python3 - "$out/bench_long_prompt.jsonl" <<'PY' | tee "$out/long_prompt_table.md"
import json, sys
print("| setting | model | dtype | prompt | prefill tok/s | decode tok/s | prefill transient peak, GB | cache, GB | "
      "device memory in use at the end, GB | same top-1 (recorded vs eager) |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for line in open(sys.argv[1]):
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    c = r["step_check"]
    print(f'| {r["setting"]} | {r["model"].split("/")[-1].removesuffix(".json")} | {r["dtype"]} | {r["prompt"]} | '
          f'{r["prefill_tok_s"]:,.0f} | {r["decode_tok_s"]:.0f} | {r["prefill_peak_transient_bytes"] / 1e9:.2f} | '
          f'{r["kv_cache_bytes"] / 1e9:.2f} | {r["device_memory_used"] / 1e9:.1f} | {c["same_top1"]}/{c["steps"]} |')
PY
echo "all done: $(( $(date +%s) - t0 )) s"
