#!/usr/bin/env bash
# GPU-machine run for the fused decode-step kernels: MLA in latent space (kernels/mlakernels.cu) with the MLA step
# kernel (launchMlaStep), q/k norms inside the GQA rope step (normRopeStepKernel) and a dense MLP's gate/up with SiLU
# (launchGatedGemv). The kernel checks and the fixtures' greedy generation (graphs vs none vs plain ATen), then
# batch-1 decode of OLMoE-1B-7B, DeepSeek-V2-Lite and Qwen3-30B-A3B (random weights at the real shapes, prompt 2,048,
# 128 tokens) in bf16, INT8 and INT4-g128, twice each, one table, and traces of bf16 decode with chained launches
# off (with them on, a kernel's time includes its wait for the one before). CHECKS=0 skips the checks, GENERATE=0
# the generation, TRACES=0 the traces.
#   device: bash tests/gpu/run_decode_fusions.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
if [ "${CHECKS:-1}" = 1 ]; then
    BENCH=0 bash "$(dirname "$0")/run_decode_speed.sh" || exit 1
fi
source "$(dirname "$0")/setup_run.sh"

for cfg in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
    for q in ${DTYPES:-bf16 int8 int4-g128}; do
        for run in 1 2; do
            bench $cfg $q | tee -a "$out/bench_fusions.jsonl"
        done
        echo "$cfg $q done at $(( $(date +%s) - t0 )) s"
    done
done
for cfg in $([ "${TRACES:-1}" = 1 ] && echo deepseek-v2-lite qwen3-30b-a3b); do
    MOESCOPE_CHAINED_LAUNCH=0 bench $cfg bf16 --profile /tmp/trace-$cfg | tee -a "$out/bench_traced_runs.jsonl"
    python3 tests/gpu/trace_summary.py /tmp/trace-$cfg.decode.json --top 30 | tee -a "$out/trace_decode.txt"
done
python3 - "$out/bench_fusions.jsonl" <<'PY' | tee "$out/decode_table.md"
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
runs = collections.defaultdict(list)
for r in rows:
    runs[(r["model"].split("/")[-1].removesuffix(".json"), r["dtype"])].append(r)
print("| model | dtype | decode tok/s | ms/token (median) | share of the floor | same top-1 recorded vs eager |")
print("| --- | --- | ---: | ---: | ---: | --- |")
for (model, dtype), rs in runs.items():
    speeds = " / ".join("%.0f" % r["decode_tok_s"] for r in rs)
    checks = ", ".join("%d/%d" % (r["step_check"]["same_top1"], r["step_check"]["steps"]) for r in rs)
    ms = min(r["ms_per_token_median"] for r in rs)
    floor = 100 * max(r["floor_fraction"] for r in rs)
    print(f"| {model} | {dtype} | {speeds} | {ms:.3f} | {floor:.0f}% | {checks} |")
PY
echo "all done: $(( $(date +%s) - t0 )) s"
