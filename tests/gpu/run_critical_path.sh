#!/usr/bin/env bash
# GPU-machine profile of batch-1 decode steps with chained launches on, as they run: Kineto traces of each model and
# dtype (random weights at the real shapes, prompt 2,048), summarised with the time each kernel adds to a step's
# critical path (trace_summary.py --exposed), to choose what to shorten next.
#   [MODELS=...] [DTYPES="bf16 int4-g128"] bash tests/gpu/run_critical_path.sh
#   (carry .carry/include .carry/configs)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/setup_run.sh"
for cfg in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
    for q in ${DTYPES:-bf16 int4-g128}; do
        bench $cfg $q --profile /tmp/trace-$cfg-$q | tee -a "$out/bench.jsonl" | cut -c1-200
        echo "== $cfg $q (chained launches on)" >> "$out/critical_path.txt"
        python3 tests/gpu/trace_summary.py /tmp/trace-$cfg-$q.decode.json --top 14 --exposed >> "$out/critical_path.txt"
    done
done
echo "all done: $(( $(date +%s) - t0 )) s"
