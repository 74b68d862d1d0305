#!/usr/bin/env bash
# GPU-machine A/B of a change that must not change any result (e.g. a kernel that sums in the same order as those it
# replaces): run_ab_decode.sh against the tree before (AB_BEFORE; every kernel check of the "after" tree), then greedy
# generation of every fixture family with both builds (300 prompt ids, 40 tokens, CUDA graphs, bf16), which must give
# the same tokens.
#   AB_BEFORE=.ab [MODELS=...] [DTYPES=...] [ROUNDS=...] bash tests/gpu/run_ab_same_tokens.sh
#   (carry .carry/include .carry/configs and AB_BEFORE)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DTYPES=${DTYPES:-bf16 int8} bash "$here/run_ab_decode.sh" | grep -v '^{'
source "$here/setup_run.sh" >/dev/null # the "after" build again (already built: seconds)
before_cli=/tmp/moescope-before-build/app/cli/moescope-cli
ids=$(python3 -c "print(','.join(str(3 + (i * 37) % 150) for i in range(300)))")
gen() { $1 generate --model tests/fixtures/models/$2 --ids "$ids" --max-new 40 --greedy --device cuda --dtype bf16 \
    2>/dev/null | tr -d '\n'; }
for m in olmoe qwen2_moe qwen3_moe mixtral deepseek_v2 deepseek_v3; do
    a=$(gen "$before_cli" $m)
    b=$(gen "$cli" $m)
    [ -n "$a" ] && [ "$a" = "$b" ] && echo "$m: before and after generate the same tokens" ||
        echo "$m: DIFFER (before: ${a:0:120} / after: ${b:0:120})"
done | tee "$out/fixture_generation.txt"
echo "all done: $(( $(date +%s) - t0 )) s"
