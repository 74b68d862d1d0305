#!/usr/bin/env bash
# GPU-machine comparison of the settings of one environment switch in one build and one machine start (cheaper than
# two builds when the change under test has a switch): every fused kernel check, then batch-1 decode benches
# (setup_run.sh) of each setting alternating, ROUNDS times; one A/B table of each setting against the first; Kineto
# summaries of TRACE_MODEL's steps with the first and the last setting, with chained launches on, charging each kernel
# what it adds to the critical path (trace_summary.py --exposed); and, as the switch must not change results, greedy
# generation of every fixture family with the first and the last setting, which must agree.
# KERNEL_BENCH=1 first times the expert and projection kernels on their own with each setting (bench_decode_kernels);
# TRACE_MODEL=- skips the traces and the fixture generation (for switches of quantized kernels only).
#   SWITCH=MOESCOPE_X VALUES="0 a b" [MODELS=...] [DTYPES=bf16] [ROUNDS=2] [TRACE_MODEL=qwen3-30b-a3b] [KERNEL_BENCH=1]
#   or, several switches in one build: VALUES="- MOESCOPE_A=1 MOESCOPE_A=1,MOESCOPE_B=0" (setup_run.sh, setting_env)
#   device: bash tests/gpu/run_env_variants.sh   (carry .carry/include .carry/configs)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ -n "${KERNEL_BENCH:-}" ] && export TARGETS="moescope-cli check_fused_kernels bench_decode_kernels"
source "$here/setup_run.sh"
read -r -a values <<<"$VALUES"
first=${values[0]}
last=${values[${#values[@]}-1]}

$build/tests/gpu/check_fused_kernels > "$out/fused_kernels.txt" 2>&1
grep -E "FAIL|passed|failed" "$out/fused_kernels.txt" | head -20
if [ -n "${KERNEL_BENCH:-}" ]; then
    for run in $(seq "${ROUNDS:-2}"); do
        for v in "${values[@]}"; do
            with_setting "$v" $build/tests/gpu/bench_decode_kernels | sed "s/^/$v  /" | tee -a "$out/kernels.txt"
        done
    done
fi

for cfg in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
    for q in ${DTYPES:-bf16}; do
        for run in $(seq "${ROUNDS:-2}"); do
            for v in "${values[@]}"; do
                with_setting "$v" bench $cfg $q | sed "s/^{/{\"setting\": \"$v\", /" | tee -a "$out/bench.jsonl"
            done
        done
        echo "$cfg $q done at $(( $(date +%s) - t0 )) s"
    done
done
for v in "${values[@]:1}"; do
    echo "### ${SWITCH:+$SWITCH=}$first -> $v"
    python3 tests/gpu/ab_table.py "$out/bench.jsonl" setting "$first" "$v"
done | tee "$out/ab_tables.md"

trace_model=${TRACE_MODEL:-qwen3-30b-a3b}
[ "$trace_model" = - ] && { echo "all done: $(( $(date +%s) - t0 )) s"; exit 0; }
for v in "$first" "$last"; do
    with_setting "$v" bench $trace_model bf16 --profile /tmp/trace-env >/dev/null
    echo "== $trace_model bf16 ${SWITCH:+$SWITCH=}$v" >> "$out/trace_decode.txt"
    python3 tests/gpu/trace_summary.py /tmp/trace-env.decode.json --top 12 --exposed >> "$out/trace_decode.txt"
done

same_fixture_tokens "${SWITCH:+$SWITCH=}$first" "env $(setting_env "$first") $cli" "${SWITCH:+$SWITCH=}$last" \
    "env $(setting_env "$last") $cli"
echo "all done: $(( $(date +%s) - t0 )) s"
