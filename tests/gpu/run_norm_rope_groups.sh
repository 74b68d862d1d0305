#!/usr/bin/env bash
# GPU-machine run for the GQA decode step's norm + rope kernel spread over groups of heads (per-head q/k norms:
# Qwen3). The kernel checks and the fixtures' greedy generation (graphs vs none vs plain ATen), then batch-1 bf16 and
# INT4 decode of OLMoE-1B-7B and Qwen3-30B-A3B (random weights at the real shapes, prompt 2,048, 128 tokens) with the
# groups and without (MOESCOPE_NORM_ROPE_GROUPS=0: one block a projection, as before), alternating in one machine
# start, one table, and a Kineto trace of Qwen3-30B-A3B bf16 decode with chained launches off.
#   device: bash tests/gpu/run_norm_rope_groups.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
BENCH=0 bash "$(dirname "$0")/run_decode_speed.sh" || exit 1
source "$(dirname "$0")/setup_run.sh"

for cfg in qwen3-30b-a3b olmoe-1b-7b; do
    for q in bf16 int4-g128; do
        for groups in 1 0 1 0; do
            MOESCOPE_NORM_ROPE_GROUPS=$groups bench $cfg $q | sed "s/^{/{\"groups\":$groups,/" |
                tee -a "$out/bench_groups.jsonl"
        done
        echo "$cfg $q done at $(( $(date +%s) - t0 )) s"
    done
done
bench deepseek-v2-lite bf16 | tee -a "$out/bench_deepseek.jsonl"
MOESCOPE_CHAINED_LAUNCH=0 bench qwen3-30b-a3b bf16 --profile /tmp/trace-qwen3 | tee -a "$out/bench_traced_run.jsonl"
python3 tests/gpu/trace_summary.py /tmp/trace-qwen3.decode.json --top 30 | tee -a "$out/trace_decode.txt"
# groups 0: one block a projection (before); 1: groups of heads
python3 tests/gpu/ab_table.py "$out/bench_groups.jsonl" groups 0 1 | tee "$out/groups_table.md"
echo "all done: $(( $(date +%s) - t0 )) s"
