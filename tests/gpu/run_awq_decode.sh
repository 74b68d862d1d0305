#!/usr/bin/env bash
# GPU-machine run for models with activation-aware scaling (+awq): every fused kernel check (the "+awq" cases among
# them); the demo model compared on CUDA (plain INT4-g128 and INT8 against their +awq variants, calibrated on Amcor's
# 10-K, evaluated on 3M's: perplexity, top-1, prefill and decode speed) once for each of VALUES; and fixture
# checkpoints of six families quantized with int4-g128+awq, greedy with the fused kernels against the plain ATen path
# (MOESCOPE_FUSED_KERNELS=0): how many tokens they share, and any that decode without CUDA graphs.
#   [VALUES="- MOESCOPE_X=1"] [MAX_TOKENS=20000] bash tests/gpu/run_awq_decode.sh
#   (carry .carry/include .carry/configs .carry/text; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
$build/tests/gpu/check_fused_kernels > "$out/fused_kernels.txt" 2>&1
grep -E "FAIL|passed|failed|awq" "$out/fused_kernels.txt" | head -40

for v in ${VALUES:--}; do
    tag=${v//[^A-Za-z0-9_-]/_}
    with_setting "$v" $cli compare --model resources/models/finmoe-tiny \
        --variants int4-g128,int4-g128+awq,int8,int8+awq --text-file .carry/text/3M_2022_10K.txt \
        --calib-text-file .carry/text/AMCOR_2023_10K.txt --max-tokens "${MAX_TOKENS:-20000}" --window 1024 \
        --decode-tokens 64 --device cuda --dtype bf16 --json "$out/compare-$tag.json" > "$out/compare-$tag.log" 2>&1 ||
        tail -3 "$out/compare-$tag.log"
    python3 - "$out/compare-$tag.json" "$v" <<'PY' | tee -a "$out/awq_table.md"
import json, sys
r = json.load(open(sys.argv[1]))
print(f"\nsetting {sys.argv[2]}, baseline {r['baseline']}\n")
print("| variant | PPL ratio | top-1 | KLD mean | prefill tok/s | decode tok/s | weight bytes |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for x in r["variants"]:
    print(f"| {x['name']} | {x['ppl_ratio']:.4f} | {100 * x['top1_agreement']:.2f}% | {x['kld_mean']:.5f} | "
          f"{x.get('prefill_tok_s', 0):,.0f} | {x.get('decode_tok_s', 0):,.1f} | {x['weight_bytes'] / 1e6:.1f} MB |")
PY
done

# Fixtures quantized with activation-aware scaling, calibrated on ids: the fused kernels against the ATen path.
python3 -c "print(','.join(str(3 + (i * 53) % 150) for i in range(400)))" > /tmp/calib-ids.txt
for f in olmoe qwen3_moe deepseek_v2 mixtral qwen2_moe deepseek_v3; do
    QUANTIZE_ARGS="--calib-ids-file /tmp/calib-ids.txt" quantized_fixture_tokens $f-int4-g128-awq $f int4-g128+awq \
        "env MOESCOPE_FUSED_KERNELS=0 $cli" "$cli" || continue
    shared_token_count $f-int4-g128-awq
done | tee "$out/generation_same_tokens.txt"
echo "all done: $(( $(date +%s) - t0 )) s"
