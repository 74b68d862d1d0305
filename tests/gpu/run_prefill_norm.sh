#!/usr/bin/env bash
# GPU-machine run for prefill's RMS norms through the kernel that sums in ATen's order (one kernel instead of eight,
# bit-identical to the eager norm): the norm kernel checks, the transformers parity of the prefill path on all six
# families, then prefill of OLMoE-1B-7B, DeepSeek-V2-Lite and Qwen3-30B-A3B (random weights at the real shapes, 2,048
# tokens) and its Kineto summary for Qwen3-30B-A3B. PARITY=0 skips the parity, MODELS= picks the configurations.
#   device: bash tests/gpu/run_prefill_norm.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
$build/tests/gpu/check_fused_kernels 2>&1 | tee "$out/fused_kernels.txt" | grep -E "norm|passed|FAIL"
if [ "${PARITY:-1}" = 1 ]; then
    python3 tests/gpu/cuda_parity.py --cli "$cli" 2>&1 | grep -v -i -E "warn|loading weights|writing" |
        tee "$out/parity.txt"
fi
for cfg in ${MODELS:-olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b}; do
    $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 8 --device cuda --dtype bf16 \
        --json $([ $cfg = qwen3-30b-a3b ] && echo --profile /tmp/trace-qwen3) 2>&1 | grep '^{' |
        tee -a "$out/bench_prefill_norm.jsonl"
done
[ -f /tmp/trace-qwen3.prefill.json ] &&
    python3 tests/gpu/trace_summary.py /tmp/trace-qwen3.prefill.json --top 25 | tee "$out/trace_prefill.txt"
python3 -c "
import json, sys
for l in open('$out/bench_prefill_norm.jsonl'):
    r = json.loads(l)
    print(r['model'].split('/')[-1], '%.0f tok/s' % r['prefill_tok_s'], r['prefill_ms'])
" | tee "$out/prefill.txt"
echo "all done: $(( $(date +%s) - t0 )) s"
