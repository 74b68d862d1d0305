#!/usr/bin/env bash
# The kernel checks alone after a change that should not change any result (a refactor of a kernel): build, every
# case of check_fused_kernels, and OLMoE-1B-7B's recorded decode steps against eager ones (random weights, bf16).
#   device: bash tests/gpu/run_kernel_checks.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
$build/tests/gpu/check_fused_kernels > "$out/fused_kernels.txt" 2>&1
grep -E "FAIL|passed|failed" "$out/fused_kernels.txt" | head -20
bench olmoe-1b-7b bf16 | tee "$out/bench.jsonl"
echo "all done: $(( $(date +%s) - t0 )) s"
