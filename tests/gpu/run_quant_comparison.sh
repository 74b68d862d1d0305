#!/usr/bin/env bash
# The quantization lab's targets on the demo model (GPU machine): a mixed 4/8-bit policy calibrated on one fixture
# 10-K's risk factors (Amcor Item 1A) within 0.35x of the bf16 weight bytes, then bf16 vs INT8 / INT4 / FP8 / mixed
# on two other whole fixture 10-Ks (3M, Boeing), computing in float32 so that only the weights differ.
#   device: bash tests/gpu/run_quant_comparison.sh   (carry .carry/include and .carry/evalxz; results under $OUT)
set -euo pipefail
source "$(dirname "$0")/setup_run.sh"
model=resources/models/finmoe-tiny
eval=/tmp/moescope-eval
mkdir -p $eval
for f in .carry/evalxz/*.txt.xz; do python3 -c "import lzma,sys;open(sys.argv[2],'wb').write(lzma.open(sys.argv[1]).read())" "$f" "$eval/$(basename "${f%.xz}")"; done

$cli calibrate --model $model --text-file $eval/AMCOR_2023_10K_item1a.txt --out "$out/mixed-policy.json" \
    --budget 0.35 --tokens 8192 --device cuda --dtype f32 2>&1 | tail -3
for report in 3M_2022_10K BOEING_2022_10K; do
    $cli compare --model $model --variants bf16,int8,int4-g128,int4-g64-asym,int4-g32,fp8,fp8-b128,mixed:$out/mixed-policy.json,mixed:resources/quant-policies/int8-head-bf16.json,mixed:resources/quant-policies/int4-g128-head-int8.json \
        --text-file $eval/$report.txt --device cuda --dtype f32 --window 1024 --json "$out/compare-$report.json" \
        --export-dir "$out/charts-$report" 2>&1 | tail -2
    python3 - "$out/compare-$report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"{sys.argv[1]}: baseline {d['baseline']}")
for v in d["variants"]:
    print(f"  {v['name'][:40]:40s} ppl {v['ppl']:.4f} ratio {v['ppl_ratio']:.4f} kld {v['kld_mean']:.5f} p99 {v['kld_p99']:.4f}"
          f" top1 {v['top1_agreement']:.4f} bytes {v['weight_bytes']}")
PY
done
