#!/usr/bin/env bash
# GPU-machine A/B of batch-1 decode and of prefill between this tree ("after") and the same tree with some source
# files replaced by earlier versions ("before"), both built in the same machine start: every fused kernel check of
# "after", then benches of both builds alternating (random weights at the real shapes, prompt 2,048 timed as the
# median of three prefills, then 128 tokens, recorded steps checked against eager ones), one table with the decode and
# prefill speed-ups, and Kineto summaries of one model's steps in both builds with chained launches off (with them
# on, a kernel's time includes its wait for the one before).
# AB_BEFORE is a folder holding the earlier files at their paths in the repository (e.g. made with
# `git show REV:backend/kernels/x.cu > .ab/backend/kernels/x.cu`; .ab is ignored, so carry it). KERNEL_BENCH=1 also
# times the expert and projection kernels on their own in both builds (bench_decode_kernels, ROUNDS each); BATCH=16
# (or a list: "4 8 16") adds batched decode of both builds (one run each), SINGLE=0 leaves out the batch-1 benches;
# FIXTURE_SCHEMES="int4-g128 ..." has "after" generate 40 greedy tokens of every fixture family quantized in each
# scheme through its kernels and through the ATen path.
#   AB_BEFORE=.ab [MODELS=...] [DTYPES=...] [ROUNDS=2] [TRACE_MODEL=...] [TRACE_DTYPES=...] [KERNEL_BENCH=1]
#   [BATCH=16] [SINGLE=0] [FIXTURE_SCHEMES=...]
#   device: bash tests/gpu/run_ab_decode.sh   (carry .carry/include .carry/configs and AB_BEFORE)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
before_src=/tmp/moescope-before-src
rm -rf "$before_src" && mkdir -p "$before_src"
(cd "$here/../.." && tar cf - --exclude=./build --exclude=./.venv . | tar xf - -C "$before_src")
cp -r "$here/../../$AB_BEFORE/." "$before_src/"
# The CLI alone: the kernel checks are the "after" tree's (an older backend need not compile the newer checks).
kernel_bench=${KERNEL_BENCH:+ bench_decode_kernels}
TARGETS="moescope-cli$kernel_bench" bash "$before_src/tests/gpu/build_cli.sh" /tmp/moescope-before-build \
    >/tmp/before-build.log 2>&1 &
before_build=$!
export TARGETS="moescope-cli check_fused_kernels$kernel_bench"
source "$here/setup_run.sh"
wait $before_build || { cat /tmp/before-build.log; exit 1; }
echo "both builds: $(( $(date +%s) - t0 )) s"
before_cli=/tmp/moescope-before-build/app/cli/moescope-cli
after_cli=$cli

$build/tests/gpu/check_fused_kernels > "$out/fused_kernels.txt" 2>&1
grep -E "FAIL|passed|failed" "$out/fused_kernels.txt" | head -20
if [ -n "$kernel_bench" ]; then
    for run in $(seq "${ROUNDS:-2}"); do
        for variant in before after; do
            dir=$([ $variant = before ] && echo /tmp/moescope-before-build || echo "$build")
            "$dir/tests/gpu/bench_decode_kernels" | sed "s/^/$variant  /" | tee -a "$out/kernels_ab.txt"
        done
    done
fi

dtypes=${DTYPES:-int4-g128}
for cfg in $([ "${SINGLE:-1}" = 1 ] && echo "${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}"); do
    for q in $dtypes; do
        for run in $(seq "${ROUNDS:-2}"); do
            for variant in before after; do
                cli=$([ $variant = before ] && echo "$before_cli" || echo "$after_cli")
                bench $cfg $q | sed "s/^{/{\"variant\": \"$variant\", /" | tee -a "$out/bench_ab.jsonl"
            done
        done
        echo "$cfg $q done at $(( $(date +%s) - t0 )) s"
    done
done
trace_model=${TRACE_MODEL:-olmoe-1b-7b}
for q in $([ "${SINGLE:-1}" = 1 ] && echo "${TRACE_DTYPES:-${dtypes%% *}}"); do
    for variant in before after; do
        cli=$([ $variant = before ] && echo "$before_cli" || echo "$after_cli")
        MOESCOPE_CHAINED_LAUNCH=0 bench $trace_model $q --profile /tmp/trace-$variant >/dev/null
        echo "== $trace_model $q $variant" >> "$out/trace_decode.txt"
        python3 tests/gpu/trace_summary.py /tmp/trace-$variant.decode.json --top 16 >> "$out/trace_decode.txt"
    done
done
[ "${SINGLE:-1}" = 1 ] &&
    python3 tests/gpu/ab_table.py "$out/bench_ab.jsonl" variant before after | tee "$out/ab_table.md"
if [ -n "${BATCH:-}" ]; then
    for cfg in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
        for q in $dtypes; do
            for b in $BATCH; do
                for variant in before after; do
                    cli=$([ $variant = before ] && echo "$before_cli" || echo "$after_cli")
                    $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --batch $b \
                        --device cuda --dtype $q --json 2>&1 | grep -E '^\{|rror' |
                        sed "s/^{/{\"variant\": \"$variant\", /" | tee -a "$out/batched_ab.jsonl"
                done
            done
        done
    done
    python3 - "$out/batched_ab.jsonl" <<'PY' | tee "$out/batched_ab.md"
import json, sys
print("| model | dtype | variant | batch | decode tok/s (all sequences) | ms a step | graphs |")
print("| --- | --- | --- | ---: | ---: | ---: | --- |")
for line in open(sys.argv[1]):
    if line.startswith("{"):
        r = json.loads(line)
        b = r["batched"]
        print(f"| {r['model'].split('/')[-1].removesuffix('.json')} | {r['dtype']} | {r['variant']} | {b['batch']} | "
              f"{b['decode_tok_s']:,.0f} | {b['ms_per_step_median']:.3f} | {b['cuda_graphs']} |")
PY
fi
cli=$after_cli
for q in ${FIXTURE_SCHEMES:-}; do
    for f in olmoe qwen3_moe deepseek_v2 mixtral qwen2_moe deepseek_v3; do
        quantized_fixture_tokens "$f $q" $f $q+minmax "env MOESCOPE_FUSED_KERNELS=0 $cli" "$cli" || continue
        shared_token_count "$f $q"
    done
done | tee "$out/generation_same_tokens.txt"
echo "all done: $(( $(date +%s) - t0 )) s"
