#!/usr/bin/env bash
# Recorded decode steps on CUDA against the plain path (bench --check-steps, teacher-forced) with the GQA decode
# attention kernel on and off (MOESCOPE_GQA_DECODE_KERNEL=0): fixture models and OLMoE-1B-7B's random weights; and
# greedy generation of the OLMoE fixture with it on, off, and without CUDA graphs.
#   device: bash tests/gpu/run_fixture_steps.sh   (carry .carry/include .carry/configs)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh" >/dev/null 2>&1 || exit 1
ids=$(python3 -c "print(','.join(str(3 + (i * 37) % 150) for i in range(300)))")
for env in "X=1" "MOESCOPE_GQA_DECODE_KERNEL=0" "MOESCOPE_CUDA_GRAPHS=0"; do
    echo "$env: $(env $env $cli generate --model tests/fixtures/models/olmoe --ids "$ids" --max-new 12 --greedy \
        --device cuda --dtype bf16 2>&1 | tail -1)"
done | tee "$out/olmoe_generation.txt"
steps() { grep -o '"step_check":{[^}]*}'; }
for m in olmoe mixtral qwen2_moe; do
    for p in 100 300; do
        for k in 1 0; do
            echo "$m prompt $p, GQA kernel $k: $(MOESCOPE_GQA_DECODE_KERNEL=$k $cli bench \
                --model tests/fixtures/models/$m --prompt $p --gen 16 --check-steps 16 --device cuda --dtype bf16 \
                --json 2>&1 | steps)"
        done
    done
done | tee "$out/fixture_steps.txt"
for k in 1 0; do
    echo "olmoe-1b-7b, GQA kernel $k: $(MOESCOPE_GQA_DECODE_KERNEL=$k bench olmoe-1b-7b bf16 | steps)"
done | tee -a "$out/fixture_steps.txt"
