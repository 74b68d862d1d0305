#!/usr/bin/env bash
# GPU-machine run for weight-only quantized decode: builds the CLI with CUDA support, checks every fused kernel
# (the quantized ones against matmuls over the dequantized weights), then benchmarks bf16, INT8, INT4-g128 and FP8
# (per channel and in 128 x 128 blocks) decode on three real MoE configurations with random weights (recorded steps
# checked against eager ones) and prints one table: tok/s, ms/token and the speed-up over bf16. MODELS and DTYPES
# choose a part (the whole run can exceed one 10-minute device call). Kineto trace summaries of OLMoE's and DeepSeek-V2-Lite's INT4
# decode steps are kept; PROFILE=1 also runs Nsight Compute on the quantized kernels of the kernel checks and keeps
# their SASS instruction mix.
#   device: bash tests/gpu/run_quantized_decode.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
$build/tests/gpu/check_fused_kernels 2>&1 | tee "$out/fused_kernels.txt"

for cfg in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
    for q in ${DTYPES:-bf16 int8 int4-g128 fp8 fp8-b128}; do
        $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --device cuda --dtype $q \
            --check-steps 16 $([ "$q" = int4-g128 ] && echo --profile /tmp/trace-int4-$cfg) --json 2>&1 |
            grep -E '^\{|rror' | tee -a "$out/bench_quantized.jsonl"
    done
done
for cfg in olmoe-1b-7b deepseek-v2-lite; do
    [ -f /tmp/trace-int4-$cfg.decode.json ] || continue
    python3 tests/gpu/trace_summary.py /tmp/trace-int4-$cfg.decode.json --top 25 | tee -a "$out/trace_int4_decode.txt"
done
if [ "${PROFILE:-0}" = 1 ]; then
    ncu --kernel-name 'regex:quant|int4Mma' --launch-count 4 --section SpeedOfLight --section Occupancy --section WarpStateStats \
        --section SchedulerStats --section LaunchStats $build/tests/gpu/check_fused_kernels > "$out/ncu_quant.txt" 2>&1
    cuobjdump -sass $(find $build -name 'quantdecodekernels.cu.o' -o -name 'int4mmakernels.cu.o') > /tmp/quant.sass
    python3 - /tmp/quant.sass <<'PY' | tee "$out/sass_mix.txt"
import collections, re, sys
name, mix = None, collections.Counter()
def flush():
    if name:
        print(name[:90], sum(mix.values()), mix.most_common(14))
for line in open(sys.argv[1]):
    m = re.search(r"Function : (\S+)", line)
    if m:
        flush(); name, mix = m.group(1), collections.Counter(); continue
    m = re.match(r"\s+/\*[0-9a-f]{4}\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_]*)", line)
    if m:
        mix[m.group(1)] += 1
flush()
PY
fi
python3 - "$out/bench_quantized.jsonl" <<'PY' | tee "$out/quantized_decode_table.md"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
bf16 = {r["model"]: r["decode_tok_s"] for r in rows if r["dtype"] == "bf16"}
print("| model | dtype | decode tok/s | ms/token (median) | vs bf16 | weight GB | same top-1 (recorded vs eager) |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for r in rows:
    name = r["model"].split("/")[-1].removesuffix(".json")
    check = r.get("step_check", {})
    print(f"| {name} | {r['dtype']} | {r['decode_tok_s']:.0f} | {r['ms_per_token_median']:.3f} | "
          f"{r['decode_tok_s'] / bf16[r['model']]:.2f}x | {r['weight_bytes'] / 1e9:.2f} | "
          f"{check.get('same_top1', '-')}/{check.get('steps', '-')} |")
PY
echo "all done: $(( $(date +%s) - t0 )) s"
