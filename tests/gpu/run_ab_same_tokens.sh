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
same_fixture_tokens before /tmp/moescope-before-build/app/cli/moescope-cli after "$cli"
echo "all done: $(( $(date +%s) - t0 )) s"
