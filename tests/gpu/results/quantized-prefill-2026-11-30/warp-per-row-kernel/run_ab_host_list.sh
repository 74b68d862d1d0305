#!/usr/bin/env bash
# Kept as the record of an A/B run (ran as tests/gpu/tmp_qp_ab.sh at the commit that added this file, where
# MOESCOPE_TMP_UNIQUE=1 brought back finding the chosen experts on the host; that switch is removed since): kernel
# checks, prefill of 2,048 tokens (median of five) listing every expert vs the host's list, alternating, and Kineto
# summaries of a Qwen3-30B-A3B INT4-g128 prefill with each.
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
$build/tests/gpu/check_fused_kernels > "$out/fused_kernels.txt" 2>&1
grep -E "FAIL|passed|failed" "$out/fused_kernels.txt" | head -20
prefill() { $cli bench --config .carry/configs/$1.json --random-weights --prompt 2048 --gen 16 --device cuda --dtype $2 --prefill-runs 5 --json "${@:3}" 2>&1 | grep -E '^\{|rror'; }
for m in qwen3-30b-a3b deepseek-v2-lite olmoe-1b-7b; do for q in int4-g128 int8; do for r in 1 2; do for v in - MOESCOPE_TMP_UNIQUE=1; do
  with_setting "$v" prefill $m $q | sed "s/^{/{\"setting\": \"$v\", /" >> $out/bench.jsonl
done; [ $m = qwen3-30b-a3b ] || break; done; done; done
python3 -c "
import json
for l in open('$out/bench.jsonl'):
    r=json.loads(l); print(r['model'][-20:], r['dtype'], r['setting'], round(r['prefill_tok_s']), [round(x,1) for x in r['prefill_ms']], r['prefill_peak_transient_bytes']>>20)
"
for v in - MOESCOPE_TMP_UNIQUE=1; do
  with_setting "$v" prefill qwen3-30b-a3b int4-g128 --profile /tmp/tr >/dev/null
  echo "== int4 $v"; python3 tests/gpu/trace_summary.py /tmp/tr.prefill.json --top 6
done
echo "all done $(( $(date +%s) - t0 )) s"
