#!/usr/bin/env bash
# GPU-machine run for the GQA decode attention kernels (kernels/gqadecodekernels.cu): the A/B of run_ab_decode.sh
# against a "before" tree in AB_BEFORE (e.g. the SDPA version of backend/nn/attention.cpp; every kernel check of the
# "after" tree, the GQA ones among them), then the OLMoE fixture's greedy generation with CUDA graphs twice (must
# agree), with the kernel switched off (MOESCOPE_GQA_DECODE_KERNEL=0) and without graphs, with how close the two
# tokens were where they part.
#   AB_BEFORE=.ab [MODELS=...] [DTYPES=...] bash tests/gpu/run_gqa_decode.sh
#   (carry .carry/include .carry/configs and AB_BEFORE)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
MODELS=${MODELS:-olmoe-1b-7b qwen3-30b-a3b} DTYPES=${DTYPES:-bf16} bash "$here/run_ab_decode.sh" | grep -v '^{'
source "$here/setup_run.sh" >/dev/null # the "after" build again (already built: seconds)
ids=$(python3 -c "print(','.join(str(3 + (i * 37) % 150) for i in range(300)))")
gen() { $cli generate --model tests/fixtures/models/olmoe --ids "$ids" --max-new 40 --greedy --device cuda \
    --dtype bf16 2>/dev/null | python3 -c "import json,sys; print(','.join(map(str, json.load(sys.stdin)['ids'])))"; }
a=$(gen); b=$(gen); c=$(MOESCOPE_GQA_DECODE_KERNEL=0 gen); d=$(MOESCOPE_CUDA_GRAPHS=0 gen)
margin() { python3 tests/gpu/first_difference_margin.py --cli $cli --model tests/fixtures/models/olmoe --prompt "$ids" \
    --a "$1" --b "$2"; }
{
    [ "$a" = "$b" ] && echo "olmoe fixture, graphs twice: identical" || echo "olmoe fixture, graphs twice: DIFFER"
    echo "kernel off vs no graphs: $(margin "$c" "$d")"
    echo "kernel on vs off: $(margin "$a" "$c")"
} | tee "$out/olmoe_fixture_generation.txt"
echo "all done: $(( $(date +%s) - t0 )) s"
