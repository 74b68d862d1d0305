#!/usr/bin/env bash
# The kernel checks alone after a change that should not change any result (a refactor of a kernel): build, every
# case of check_fused_kernels, and recorded decode steps against eager ones (random weights, bf16) of MODELS
# (OLMoE-1B-7B), once, or once for each of VALUES of the environment switch SWITCH (a quick A/B; without SWITCH,
# VALUES are settings of several switches: setup_run.sh, setting_env).
#   [MODELS=...] [SWITCH=MOESCOPE_X VALUES="0 1"] bash tests/gpu/run_kernel_checks.sh
#   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
$build/tests/gpu/check_fused_kernels > "$out/fused_kernels.txt" 2>&1
grep -E "FAIL|passed|failed|what" "$out/fused_kernels.txt" | head -20
for cfg in ${MODELS:-olmoe-1b-7b}; do
    for v in ${VALUES:-default}; do
        with_setting "$v" bench $cfg bf16 | sed "s/^{/{\"setting\": \"$v\", /" |
            tee -a "$out/bench.jsonl"
    done
done
echo "all done: $(( $(date +%s) - t0 )) s"
