#!/usr/bin/env bash
# GPU-machine run for MLA decode in latent space (kernels/mlakernels.cu) and the MLA step kernel (launchMlaStep):
# the kernel checks and the fixtures' greedy generation (graphs vs none vs plain ATen), then batch-1 decode of
# DeepSeek-V2-Lite (bf16, INT8, INT4-g128, random weights at the real shapes) with a trace of bf16 decode steps, and
# OLMoE-1B-7B and Qwen3-30B-A3B (no MLA: run-to-run controls) with chained launches on, OLMoE also off.
# CHECKS=0 skips the checks.
#   device: bash tests/gpu/run_mla_decode.sh   (carry .carry/include .carry/configs; results under $OUT)
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
for q in bf16 int8 int4-g128; do
    bench deepseek-v2-lite $q | tee -a "$out/bench_mla.jsonl"
    echo "deepseek-v2-lite $q done at $(( $(date +%s) - t0 )) s"
done
# Traced with chained launches off: with them on, a kernel's time includes its wait for the one before.
MOESCOPE_CHAINED_LAUNCH=0 bench deepseek-v2-lite bf16 --profile /tmp/trace-mla | tee -a "$out/bench_mla_profiled_run.jsonl"
python3 tests/gpu/trace_summary.py /tmp/trace-mla.decode.json --top 30 | tee "$out/trace_mla_decode.txt"
for run in olmoe-1b-7b:1 olmoe-1b-7b:0 qwen3-30b-a3b:1; do
    MOESCOPE_CHAINED_LAUNCH=${run#*:} bench ${run%:*} bf16 | sed "s/^{/{\"chained\": ${run#*:}, /" |
        tee -a "$out/bench_controls.jsonl"
    echo "$run done at $(( $(date +%s) - t0 )) s"
done
echo "all done: $(( $(date +%s) - t0 )) s"
