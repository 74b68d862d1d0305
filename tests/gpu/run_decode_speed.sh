#!/usr/bin/env bash
# GPU-machine run for decode speed work: builds the CLI with CUDA support, checks recorded decode steps (CUDA graphs)
# against eager ones, benchmarks three real MoE configurations with random weights (CUDA graphs on; eager for one;
# transformers' best setting beside them with PEER=1, the transformers parity of prefill with PARITY=1; BENCH=0 stops
# after the kernel and generation checks),
# summarises Kineto traces of prefill and decode, and checks the engine's generation on CUDA against the CPU.
#   device: bash tests/gpu/run_decode_speed.sh   (carry .carry/include .carry/configs; results under $OUT)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"

$build/tests/gpu/check_fused_kernels 2>&1 | tee "$out/fused_kernels.txt"

# Engine generation on CUDA bf16 (fused decode kernels), steps as CUDA graphs against steps without, and against the
# plain ATen path (MOESCOPE_FUSED_KERNELS=0), greedy, fixtures (GENERATE=0 skips it).
ids=$(python3 -c "print(','.join(str(3 + (i * 37) % 150) for i in range(300)))")
for m in $([ "${GENERATE:-1}" = 1 ] && echo deepseek_v2 deepseek_v3 deepseek_v3_fp8 mixtral olmoe qwen2_moe qwen3_moe); do
    a=$($cli generate --model tests/fixtures/models/$m --ids "$ids" --max-new 40 --greedy --device cuda --dtype bf16 \
        2>/tmp/generate-$m.err | tr -d '\n')
    grep -q "decoding without CUDA graphs" /tmp/generate-$m.err &&
        echo "$m: steps not recorded as CUDA graphs: $(grep -o 'recording a step failed: [^.]*' /tmp/generate-$m.err | head -1)" |
        tee -a "$out/generate_graphs_vs_eager.txt"
    b=$(MOESCOPE_CUDA_GRAPHS=0 $cli generate --model tests/fixtures/models/$m --ids "$ids" --max-new 40 --greedy --device cuda --dtype bf16 | tr -d '\n')
    c=$(MOESCOPE_FUSED_KERNELS=0 $cli generate --model tests/fixtures/models/$m --ids "$ids" --max-new 40 --greedy --device cuda --dtype bf16 | tr -d '\n')
    python3 - "$m" "$a" "$b" "$c" <<'PY' | tee -a "$out/generate_graphs_vs_eager.txt"
import json, sys
name, a, b, c = sys.argv[1], *(json.loads(v)["ids"] for v in sys.argv[2:])
def same(x, y):
    return next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
print(f"{name}: bf16 greedy, graphs vs no graphs: {same(a, b)} identical tokens before the first difference; "
      f"fused kernels vs plain ATen: {same(a, c)} ({len(a)} / {len(b)} / {len(c)} generated)")
PY
done

if [ "${PARITY:-0}" = 1 ]; then # the transformers parity of the prefill path on all six families
    python3 tests/gpu/cuda_parity.py --cli "$cli" 2>&1 | grep -v -i -E "warn|loading weights|writing" | tee "$out/parity.txt"
fi
[ "${BENCH:-1}" = 1 ] || { echo "all done (BENCH=0: checks only): $(( $(date +%s) - t0 )) s"; exit 0; }
for cfg in olmoe-1b-7b deepseek-v2-lite qwen3-30b-a3b; do
    $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --device cuda --dtype bf16 \
        --check-steps 32 --profile /tmp/trace-$cfg --json 2>&1 | grep '^{' | tee -a "$out/bench_graphs.jsonl"
    python3 tests/gpu/trace_summary.py /tmp/trace-$cfg.decode.json --top 25 | tee -a "$out/trace_summary.txt"
    python3 tests/gpu/trace_summary.py /tmp/trace-$cfg.prefill.json --top 25 | tee -a "$out/trace_summary.txt"
done
# Weight-only INT8 / INT4 (quantized on load, min/max ranges) through the fused quantized decode kernels; routing
# capture on (the cost of keeping every step's routing, as a trace does).
for cfg in olmoe-1b-7b deepseek-v2-lite; do
    for q in int8 int4-g128; do
        $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --device cuda --dtype $q \
            --check-steps 16 --json 2>&1 | grep '^{' | tee -a "$out/bench_quantized.jsonl"
    done
    $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --device cuda --dtype bf16 \
        --capture-routing --json 2>&1 | grep '^{' | tee -a "$out/bench_routing_capture.jsonl"
done
# The trained demo model (real weight statistics) through the same check.
for q in bf16 int8 int4-g128; do
    $cli bench --model resources/models/finmoe-tiny --prompt 1024 --gen 128 --device cuda --dtype $q --check-steps 64 \
        --json 2>&1 | grep '^{' | tee -a "$out/bench_demo.jsonl"
done
$cli bench --config .carry/configs/olmoe-1b-7b.json --random-weights --prompt 2048 --gen 32 --device cuda --dtype bf16 \
    --cuda-graphs off --json 2>&1 | grep '^{' | tee -a "$out/bench_eager.jsonl"
if [ "${PEER:-0}" = 1 ]; then
    python3 tests/gpu/peer_bench.py --prompt 2048 --gen 128 --config .carry/configs/olmoe-1b-7b.json \
        --config .carry/configs/deepseek-v2-lite.json --config .carry/configs/qwen3-30b-a3b.json \
        2>&1 | grep '^{' | tee "$out/bench_transformers.jsonl" || true
fi
echo "all done: $(( $(date +%s) - t0 )) s"
