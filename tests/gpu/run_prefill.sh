#!/usr/bin/env bash
# GPU-machine run for prefill speed: ours and transformers (grouped_mm experts) on the same random-weight
# configurations, prompt of 2,048 tokens, both warmed up at that length and timed as the median of three prefills;
# Kineto traces of our prefill summarised (kernels, host operators, the device's idle gaps). One table at the end.
# MODELS= picks configurations, PEER=0 skips transformers.
#   device: bash tests/gpu/run_prefill.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
models=${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}
for cfg in $models; do
    $cli bench --config .carry/configs/$cfg.json --random-weights --prompt ${PROMPT:-2048} --gen 32 --device cuda \
        --dtype bf16 --profile /tmp/trace-$cfg --json 2>&1 | grep -E '^\{|rror' | tee -a "$out/bench_prefill.jsonl"
    python3 tests/gpu/trace_summary.py /tmp/trace-$cfg.prefill.json --top 25 --host-ops 25 |
        tee -a "$out/trace_prefill.txt"
    echo "$cfg done at $(( $(date +%s) - t0 )) s"
done
if [ "${PEER:-1}" = 1 ]; then
    configs=$(for m in $models; do echo --config .carry/configs/$m.json; done)
    python3 tests/gpu/peer_bench.py --prompt ${PROMPT:-2048} --gen 8 $configs 2>&1 | grep '^{' |
        tee "$out/bench_transformers.jsonl"
fi
python3 - "$out/bench_prefill.jsonl" "$out/bench_transformers.jsonl" <<'PY' | tee "$out/prefill_table.md"
import json, os, sys
def rows(path):
    if not os.path.exists(path):
        return {}
    lines = [json.loads(l) for l in open(path) if l.startswith("{")]
    return {r["model"].split("/")[-1].removesuffix(".json"): r for r in lines}
ours, peer = rows(sys.argv[1]), rows(sys.argv[2])
print("| model | prefill tok/s ours (runs, ms) | transformers (runs, ms) | ours / transformers |")
print("| --- | ---: | ---: | ---: |")
for model, r in ours.items():
    p = peer.get(model)
    runs = lambda x: ", ".join("%.1f" % v for v in x.get("prefill_ms", []))
    ratio = "%.2fx" % (r["prefill_tok_s"] / p["prefill_tok_s"]) if p else "-"
    theirs = "%.0f (%s)" % (p["prefill_tok_s"], runs(p)) if p else "-"
    print(f"| {model} | {r['prefill_tok_s']:.0f} ({runs(r)}) | {theirs} | {ratio} |")
PY
echo "all done: $(( $(date +%s) - t0 )) s"
