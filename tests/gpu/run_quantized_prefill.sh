#!/usr/bin/env bash
# GPU-machine run for quantized prefill: every fused kernel check (the dequantization kernel bit-identical to the ATen
# chain among them); prefill of 2,048 tokens (median of three, warm) with quantized weights, the dequantization kernel
# off (MOESCOPE_DEQUANT_KERNEL=0) and on, alternating, with bf16 beside them; and greedy generation of quantized fixture
# checkpoints (300 prompt ids, prefill through the dense weights) with the kernel off and on, which must agree.
#   [MODELS=...] [DTYPES="int8 int4-g128 fp8"] [GEN_DTYPES=same default] [ROUNDS=1] [SKIP_BENCH=1]
#   bash tests/gpu/run_quantized_prefill.sh
#   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
prefill() { # CONFIG DTYPE: one JSON line (16 decode steps; decode is not what this measures)
    $cli bench --config .carry/configs/$1.json --random-weights --prompt 2048 --gen 16 --device cuda --dtype $2 --json \
        2>&1 | grep -E '^\{|rror'
}
$build/tests/gpu/check_fused_kernels > "$out/fused_kernels.txt" 2>&1
grep -E "FAIL|passed|failed|dequantize" "$out/fused_kernels.txt" | head -30

for m in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
    [ -n "${SKIP_BENCH:-}" ] && break
    prefill $m bf16 | sed 's/^{/{"setting": "bf16", /' | tee -a "$out/bench.jsonl"
    for q in ${DTYPES:-int8 int4-g128 fp8}; do
        for run in $(seq "${ROUNDS:-1}"); do
            for v in MOESCOPE_DEQUANT_KERNEL=0 -; do
                with_setting "$v" prefill $m $q | sed "s/^{/{\"setting\": \"$v\", /" |
                    tee -a "$out/bench.jsonl"
            done
        done
    done
done
[ -s "$out/bench.jsonl" ] && python3 - "$out/bench.jsonl" <<'PY' | tee "$out/prefill_table.md"
import json, sys
from collections import defaultdict
runs = defaultdict(list)
for line in open(sys.argv[1]):
    if line.startswith("{"):
        r = json.loads(line)
        runs[(r["model"].split("/")[-1].removesuffix(".json"), r["dtype"], r["setting"])].append(r["prefill_tok_s"])
print("| model | dtype | prefill, ATen dequantization | with the kernel | speed-up | bf16 |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
for (m, q, s), before in runs.items():
    if s != "MOESCOPE_DEQUANT_KERNEL=0":
        continue
    after, bf16 = runs.get((m, q, "-"), []), runs.get((m, "bf16", "bf16"), [0])
    b, a = max(before), max(after) if after else 0
    print(f"| {m} | {q} | {b:,.0f} tok/s | {a:,.0f} | {a / b:.2f}x | {max(bf16):,.0f} |")
PY

for f in olmoe qwen3_moe deepseek_v2 mixtral; do
    for q in ${GEN_DTYPES:-int8 int4-g128 fp8}; do
        quantized_fixture_tokens "$f $q" $f $q+minmax "env MOESCOPE_DEQUANT_KERNEL=0 $cli" "$cli" || continue
        [ -n "$tokens_a" ] && [ "$tokens_a" = "$tokens_b" ] &&
            echo "$f $q: the same tokens with and without the kernel" ||
            echo "$f $q: DIFFER (${tokens_a:0:100} / ${tokens_b:0:100})"
    done
done | tee "$out/generation_same_tokens.txt"
echo "all done: $(( $(date +%s) - t0 )) s"
