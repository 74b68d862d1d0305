#!/usr/bin/env bash
# GPU-machine run for batched generation: builds the CLI with CUDA support, checks that prompts generated together
# (continuous batching, fewer slots than prompts) get what each gets alone on the fixtures (float32: exact; bf16 with
# CUDA graphs: tokens before the first difference, as batched bf16 products round differently), and benchmarks batch 1
# against batch 4, 8 and 16 on three real MoE configurations with random weights (PROFILE=1 adds Kineto trace
# summaries of short batched runs; CHECK=0 skips the fixture comparison, BENCH=0 the benchmarks).
#   device: bash tests/gpu/run_batched_generation.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
$build/tests/gpu/check_fused_kernels 2>&1 | tee "$out/fused_kernels.txt"

prompts=/tmp/prompts.txt
: > "$prompts" # stays empty with CHECK=0 (benchmarks only)
[ "${CHECK:-1}" = 1 ] && python3 - > "$prompts" <<'PY'
for n, seed in ((300, 1), (17, 2), (120, 3), (5, 4), (260, 5), (64, 6)):
    print(",".join(str(3 + (i * 37 + seed * 11) % 150) for i in range(n)))
PY
for m in $([ -s "$prompts" ] && echo deepseek_v2 deepseek_v3 mixtral olmoe qwen2_moe qwen3_moe); do
    for dtype in f32 bf16; do
        together=$($cli generate --model tests/fixtures/models/$m --ids-file "$prompts" --batch 4 --max-new 40 --greedy \
            --device cuda --dtype $dtype | tr -d '\n')
        alone=""
        while read -r line; do
            alone="$alone$($cli generate --model tests/fixtures/models/$m --ids "$line" --max-new 40 --greedy \
                --device cuda --dtype $dtype | tr -d '\n')|"
        done < "$prompts"
        python3 - "$m" "$dtype" "$together" "$alone" <<'PY' | tee -a "$out/batched_vs_alone.txt"
import json, sys
name, dtype, together, alone = sys.argv[1:]
got = [r["ids"] for r in json.loads(together)["results"]]
want = [json.loads(a)["ids"] for a in alone.strip("|").split("|")]
def same(x, y):
    return next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
print(f"{name} {dtype}: 6 prompts, 4 slots: identical tokens before the first difference per prompt "
      f"{[same(a, b) for a, b in zip(got, want)]} of {[len(b) for b in want]}")
PY
    done
done

[ "${BENCH:-1}" = 1 ] || { echo "all done (BENCH=0: checks only): $(( $(date +%s) - t0 )) s"; exit 0; }
for cfg in olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b; do
    for b in 16 8 4; do
        $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --batch $b --device cuda \
            --dtype bf16 $([ "${PROFILE:-0}" = 1 ] && echo --profile /tmp/trace-$cfg-$b) --json 2>&1 |
            grep -E '^\{|warn|rror' | tee -a "$out/bench_batched.jsonl"
        [ "${PROFILE:-0}" = 1 ] &&
            python3 tests/gpu/trace_summary.py /tmp/trace-$cfg-$b.batched.json --top 25 | tee -a "$out/trace_batched.txt"
        [ "$cfg" = olmoe-1b-7b ] || break
    done
done
$cli bench --config .carry/configs/olmoe-1b-7b.json --random-weights --prompt 2048 --gen 32 --batch 16 --device cuda \
    --dtype bf16 --cuda-graphs off --json 2>&1 | grep -E '^\{|warn|rror' | tee -a "$out/bench_batched_eager.jsonl"
echo "all done: $(( $(date +%s) - t0 )) s"
