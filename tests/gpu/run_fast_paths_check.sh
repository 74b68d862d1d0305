#!/usr/bin/env bash
# The fast decode paths once more after a kernel change: kernel checks, bf16 / INT8 / INT4 decode side by side on two
# real configurations (random weights, quantized on load), and the transformers parity of the (unchanged) prefill
# path on all six families.
#   device: bash tests/gpu/run_fast_paths_check.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
$build/tests/gpu/check_fused_kernels 2>&1 | tee "$out/fused_kernels.txt"
for cfg in olmoe-1b-7b deepseek-v2-lite; do
    for q in bf16 int8 int4-g128; do
        $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --device cuda --dtype $q \
            --check-steps 16 --json 2>&1 | grep '^{' | tee -a "$out/bench_quantized.jsonl"
    done
done
echo "benches: $(( $(date +%s) - t0 )) s"
python3 tests/gpu/cuda_parity.py --cli "$cli" 2>&1 | grep -v -i -E "warn|loading weights|writing" | tee "$out/parity.txt"
echo "all done: $(( $(date +%s) - t0 )) s"
