#!/usr/bin/env bash
# One GPU-machine run: the demo model's quality on the four fixture 10-Ks (perplexity with a 1,024-token window, the
# Kneser-Ney bigram baseline of the training corpus, expert specialisation Item 8 vs Item 1A), then decode/prefill
# speed of three real MoE configurations with random weights, ours and transformers' side by side.
#   device: bash tests/gpu/run_evaluation_and_speed.sh   (carry .carry; results under $OUT)
# .carry/configs holds ../shared/fixtures/configs; .carry/evalxz holds pdftotext output (xz) of the fixture reports (whole reports and the Item 1A / Item 8 pages).
set -euo pipefail
source "$(dirname "$0")/setup_run.sh"

model=${MODEL:-resources/models/finmoe-tiny}
eval=/tmp/moescope-eval
mkdir -p $eval
for f in .carry/evalxz/*.txt.xz; do python3 -c "import lzma,sys;open(sys.argv[2],'wb').write(lzma.open(sys.argv[1]).read())" "$f" "$eval/$(basename "${f%.xz}")"; done
texts=()
for f in $eval/*_10K.txt; do texts+=(--text-file "$f"); done
$cli evaluate --model $model "${texts[@]}" --corpus .carry/corpus/sec_filings_train.txt.xz --window 1024 \
    --stride 512 --device cuda --dtype f32 --json "$out/evaluation.json" 2>&1 | tail -12
# The generated sample report (novel text of the same genre) separately.
if [ -f $eval/sample-10k-report.txt ]; then
    $cli evaluate --model $model --text-file $eval/sample-10k-report.txt --window 1024 --stride 512 --device cuda \
        --dtype f32 --json "$out/evaluation-sample-report.json" 2>&1 | grep '"perplexity"' | head -1
fi
python3 tests/gpu/section_specialisation.py --cli $cli --model $model --dir $eval \
    --out "$out/specialisation.json" 2>&1 | tail -14
echo "evaluation done: $(( $(date +%s) - t0 )) s"

if [ "${SKIP_SPEED:-0}" = 1 ]; then exit 0; fi
for cfg in olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b; do
    $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 \
        --device cuda --dtype bf16 --json | tee -a "$out/bench_ours.jsonl"
done
python3 tests/gpu/peer_bench.py --prompt 2048 --gen 128 --config .carry/configs/olmoe-1b-7b.json \
    --config .carry/configs/deepseek-v2-lite.json --config .carry/configs/qwen3-30b-a3b.json \
    2>&1 | grep '^{' | tee "$out/bench_transformers.jsonl" || true
echo "all done: $(( $(date +%s) - t0 )) s"
