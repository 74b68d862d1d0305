#!/usr/bin/env bash
# GPU-machine run for long prompts: DeepSeek-V2-Lite with random weights at the real shapes prefills a 32,768-token
# prompt in chunks of 2,048 (Engine::prefillChunk) and then decodes, bf16 and INT4-g128; prints prefill and decode
# tok/s, the device memory in use and one table.
#   device: bash tests/gpu/run_long_prompt.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
for q in ${DTYPES:-bf16 int4-g128}; do
    $cli bench --config .carry/configs/deepseek-v2-lite.json --random-weights --prompt ${PROMPT:-32768} --gen 64 \
        --device cuda --dtype $q --check-steps 8 --json 2>&1 | grep -E '^\{|rror' | tee -a "$out/bench_long_prompt.jsonl"
done
python3 - "$out/bench_long_prompt.jsonl" <<'PY' | tee "$out/long_prompt_table.md"
import json, sys
print("| model | dtype | prompt | prefill tok/s | decode tok/s | device memory in use at the end, GB | same top-1 (recorded vs eager) |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for line in open(sys.argv[1]):
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    c = r["step_check"]
    print(f'| {r["model"].split("/")[-1].removesuffix(".json")} | {r["dtype"]} | {r["prompt"]} | '
          f'{r["prefill_tok_s"]:,.0f} | {r["decode_tok_s"]:.0f} | {r["device_memory_used"] / 1e9:.1f} | '
          f'{c["same_top1"]}/{c["steps"]} |')
PY
echo "all done: $(( $(date +%s) - t0 )) s"
