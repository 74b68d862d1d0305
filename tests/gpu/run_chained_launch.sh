#!/usr/bin/env bash
# GPU-machine run for chained kernel launches (programmatic dependent launch, kernels/chainedlaunch.cuh): the kernel
# checks and the fixtures' greedy generation (graphs vs none vs plain ATen) with chaining on, then batch-1 decode of
# three real MoE configurations with random weights, each with chaining off (MOESCOPE_CHAINED_LAUNCH=0) and on, in
# alternating order, and one table of the two. CHECKS=0 skips the checks; MODELS and DTYPES (bf16 int4-g128) choose
# the benchmarks (all of them can exceed one 10-minute device call).
#   device: bash tests/gpu/run_chained_launch.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
if [ "${CHECKS:-1}" = 1 ]; then
    BENCH=0 bash "$(dirname "$0")/run_decode_speed.sh" || exit 1
fi
source "$(dirname "$0")/setup_run.sh"

for cfg in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
    for q in ${DTYPES:-bf16 int4-g128}; do
        for chained in 0 1 0 1; do
            MOESCOPE_CHAINED_LAUNCH=$chained $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 \
                --gen 128 --device cuda --dtype $q --check-steps 16 --json 2>&1 | grep -E '^\{|rror' |
                sed "s/^{/{\"chained\": $chained, /" | tee -a "$out/bench_chained.jsonl"
            echo "$cfg $q chained=$chained done at $(( $(date +%s) - t0 )) s"
        done
    done
done
python3 - "$out/bench_chained.jsonl" <<'PY' | tee "$out/chained_launch_table.md"
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
runs, checks, floor = collections.defaultdict(list), collections.defaultdict(list), {}
for r in rows:
    key = (r["model"].split("/")[-1].removesuffix(".json"), r["dtype"], r["chained"])
    runs[key].append(r["decode_tok_s"])
    checks[key].append(f'{r["step_check"]["same_top1"]}/{r["step_check"]["steps"]}')
    floor[key] = max(floor.get(key, 0), r["floor_fraction"])
print("| model | dtype | decode tok/s, plain launches | chained | speed-up (best runs) | floor, chained | "
      "same top-1 recorded vs eager, chained |")
print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
for (model, dtype, chained) in sorted(runs):
    if chained != 1 or (model, dtype, 0) not in runs:
        continue
    off, on = max(runs[(model, dtype, 0)]), max(runs[(model, dtype, 1)])
    print(f"| {model} | {dtype} | {' / '.join(f'{v:.0f}' for v in runs[(model, dtype, 0)])} | "
          f"{' / '.join(f'{v:.0f}' for v in runs[(model, dtype, 1)])} | {on / off:.3f}x | "
          f"{100 * floor[(model, dtype, 1)]:.0f}% | {', '.join(checks[(model, dtype, 1)])} |")
PY
echo "all done: $(( $(date +%s) - t0 )) s"
