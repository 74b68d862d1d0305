#!/usr/bin/env bash
# GPU-machine run: the routed experts' and the q/k/v projection's decode kernels timed on their own
# (bench_decode_kernels, ROUNDS times), then Nsight Compute on the expert kernels and the projection at each model's
# shape for the schemes in PROFILE_SCHEMES (one call each, after two warm-up calls; PROFILE_SCHEMES= skips it).
#   device: bash tests/gpu/run_decode_kernel_bench.sh   (carry .carry/include .carry/configs)
set -uo pipefail
export TARGETS="moescope-cli check_fused_kernels bench_decode_kernels"
source "$(dirname "$0")/setup_run.sh"
bench_kernels=$build/tests/gpu/bench_decode_kernels
for r in $(seq "${ROUNDS:-2}"); do
    $bench_kernels | tee "$out/bench_kernels_$r.txt"
done
sections="--section SpeedOfLight --section Occupancy --section WarpStateStats --section LaunchStats
    --section MemoryWorkloadAnalysis --section SchedulerStats"
for scheme in ${PROFILE_SCHEMES-bf16 int4-g128}; do
    for model in OLMoE DeepSeek Qwen3; do
        # Expert kernels: the third call's launches; then the projection's first call after its own warm-up.
        # shellcheck disable=SC2086 # the sections split into words
        BENCH_MODELS=$model BENCH_SCHEMES=$scheme ncu --clock-control none \
            --kernel-name "regex:GateUp|Down|gateUp|downSlot" --launch-skip 4 --launch-count 2 $sections \
            "$bench_kernels" > "$out/ncu_experts_${model}_$scheme.txt" 2>&1
        # shellcheck disable=SC2086
        BENCH_MODELS=$model BENCH_SCHEMES=$scheme ncu --clock-control none --kernel-name "regex:[gG]emv" \
            --launch-skip 2 --launch-count 1 $sections \
            "$bench_kernels" > "$out/ncu_projection_${model}_$scheme.txt" 2>&1
    done
done
summary="^  [a-zA-Z].*\(|Duration|DRAM Throughput|Registers Per|Achieved Occupancy|Theoretical Occ"
for f in "$out"/ncu_*.txt; do
    [ -e "$f" ] || continue
    echo "== $(basename "$f")"
    grep -E "$summary|Warp Cycles Per Issued|Block Limit|Local Memory|Grid Size" "$f" | head -40
done
echo "total: $(( $(date +%s) - t0 )) s"
