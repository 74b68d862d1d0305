#!/usr/bin/env bash
# Does a demo model trained longer keep more of its top-1 choices under quantization? Trains finmoe-tiny's recipe for
# each step count in STEPS (the learning-rate schedule stretched to it) and compares INT8 / INT4-g128 against each
# model's float32 baseline on the first 50,000 tokens of the 3M FY2022 10-K (float32 compute, window 1,024), the
# shipped model first. BENCH_BATCHED=1 first times the batched projections (bench_decode_kernels with
# BENCH_SCHEMES=batched), to share the machine start.
#   [STEPS="2400 3600"] [BENCH_BATCHED=1] bash tests/gpu/run_demo_sharpness.sh
#   (carry .carry/include .carry/configs .carry/text .carry/corpus; results under $OUT)
set -uo pipefail
[ -n "${BENCH_BATCHED:-}" ] && export TARGETS="moescope-cli check_fused_kernels bench_decode_kernels"
source "$(dirname "$0")/setup_run.sh"
if [ -n "${BENCH_BATCHED:-}" ]; then
    BENCH_SCHEMES=batched $build/tests/gpu/bench_decode_kernels > "$out/bench_batched.txt" 2>&1
    echo "batched bench: $(( $(date +%s) - t0 )) s"
fi
compare() { # MODEL_DIR NAME
    $cli compare --model "$1" --variants int8,int4-g128 --text-file .carry/text/3M_2022_10K.txt --max-tokens 50000 \
        --window 1024 --device cuda --dtype f32 --decode-tokens 0 --json "$out/compare-$2.json" > /dev/null 2>&1
    python3 - "$out/compare-$2.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
b = d["baseline_metrics"]
print(f"{sys.argv[2]}: baseline ppl {b['ppl']:.3f}, decided share {d['decided_share']:.4f}")
for v in d["variants"]:
    print(f"  {v['name']:12s} ppl ratio {v['ppl_ratio']:.4f} kld {v['kld_mean']:.5f} top1 {v['top1_agreement']:.4f}"
          f" decided {v.get('top1_agreement_decided', 0):.4f}")
PY
}
# The shipped model when the working tree has it (the corpus and the model together exceed what a device run carries).
[ -f resources/models/finmoe-tiny/model.safetensors ] && compare resources/models/finmoe-tiny shipped
for steps in ${STEPS:-2400 3600}; do
    model=/tmp/finmoe-$steps
    $cli train --config resources/models/finmoe-tiny.train.json --corpus .carry/corpus/sec_filings_train.txt.xz \
        --tokenizer resources/models/finmoe-tiny --out $model --steps $steps --device cuda \
        > "$out/train-$steps.log" 2>&1
    grep -i -E "valid|error" "$out/train-$steps.log" | tail -2
    cp $model/training/loss_curve.csv "$out/loss_curve-$steps.csv" 2>/dev/null
    compare $model steps-$steps
    echo "steps $steps: $(( $(date +%s) - t0 )) s"
done
