#!/usr/bin/env bash
# GPU-machine run for the decode kernels that finish a step's work in their last block (completion counters): the
# router's top-k in the logits kernel, the routed experts' combination in the down projection's kernel (bf16, INT8,
# INT4, FP8). The kernel checks and the fixtures' greedy generation (graphs vs none vs plain ATen), then batch-1
# decode of OLMoE-1B-7B, DeepSeek-V2-Lite and Qwen3-30B-A3B (random weights at the real shapes, prompt 2,048, 128
# tokens) with the counters and without (MOESCOPE_COMPLETION_COUNTERS=0: a kernel more each) in the same machine
# start, one table, and a Kineto trace of Qwen3-30B-A3B bf16 decode with chained launches off. CHECKS=0 skips the
# checks.
#   device: bash tests/gpu/run_completion_counters.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
if [ "${CHECKS:-1}" = 1 ]; then
    BENCH=0 bash "$(dirname "$0")/run_decode_speed.sh" || exit 1
fi
source "$(dirname "$0")/setup_run.sh"

bench() { # bench CONFIG DTYPE [extra args]: one JSON line
    local cfg=$1 q=$2
    shift 2
    $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --device cuda --dtype $q \
        --check-steps 16 --json "$@" 2>&1 | grep -E '^\{|rror'
}
for cfg in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
    for q in ${DTYPES:-bf16 int8 int4-g128}; do
        for counters in 1 0 1 0; do
            MOESCOPE_COMPLETION_COUNTERS=$counters bench $cfg $q | sed "s/^{/{\"counters\":$counters,/" |
                tee -a "$out/bench_counters.jsonl"
        done
        echo "$cfg $q done at $(( $(date +%s) - t0 )) s"
    done
done
if [ "${TRACES:-1}" = 1 ]; then
    MOESCOPE_CHAINED_LAUNCH=0 bench qwen3-30b-a3b bf16 --profile /tmp/trace-qwen3 | tee -a "$out/bench_traced_run.jsonl"
    python3 tests/gpu/trace_summary.py /tmp/trace-qwen3.decode.json --top 30 | tee -a "$out/trace_decode.txt"
fi
python3 - "$out/bench_counters.jsonl" <<'PY' | tee "$out/counters_table.md"
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
runs = collections.defaultdict(lambda: collections.defaultdict(list))
for r in rows:
    runs[(r["model"].split("/")[-1].removesuffix(".json"), r["dtype"])][r["counters"]].append(r)
print("| model | dtype | decode tok/s, extra kernels | with counters | speed-up (best runs) | share of the floor | "
      "same top-1 recorded vs eager |")
print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
for (model, dtype), by in runs.items():
    off, on = by.get(0, []), by.get(1, [])
    if not off or not on:
        continue
    fmt = lambda rs: " / ".join("%.0f" % r["decode_tok_s"] for r in rs)
    best = lambda rs: max(r["decode_tok_s"] for r in rs)
    floor = 100 * max(r["floor_fraction"] for r in on)
    checks = ", ".join("%d/%d" % (r["step_check"]["same_top1"], r["step_check"]["steps"]) for r in on)
    print(f"| {model} | {dtype} | {fmt(off)} | {fmt(on)} | {best(on) / best(off):.3f}x | {floor:.0f}% | {checks} |")
PY
echo "all done: $(( $(date +%s) - t0 )) s"
