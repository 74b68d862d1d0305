# Sourced by the GPU-machine run scripts (tests/gpu/run_*.sh): goes to the repository root, makes the results folder
# $out ($OUT on the device), builds moescope-cli and the kernel checks with CUDA into $build ($cli is the CLI) and
# names the GPU. Leaves t0 (the start, in seconds) for the script's timings and the function bench (below).
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-/tmp/moescope-out}
mkdir -p "$out"
cd "$root"
t0=$(date +%s)
build=/tmp/moescope-build
bash tests/gpu/build_cli.sh "$build" || exit 1
cli=$build/app/cli/moescope-cli
echo "build: $(( $(date +%s) - t0 )) s"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

# Batch-1 decode of a real configuration with random weights, prompt 2,048 then 128 tokens, recorded steps checked
# against eager ones: one JSON line.   bench CONFIG DTYPE [extra args]
bench() {
    local cfg=$1 q=$2
    shift 2
    $cli bench --config .carry/configs/$cfg.json --random-weights --prompt 2048 --gen 128 --device cuda --dtype $q \
        --check-steps 16 --json "$@" 2>&1 | grep -E '^\{|rror'
}

# The environment assignments of one setting of an A/B by run-time switches: with SWITCH set, the setting is that
# switch's value; without it, a comma-separated list of NAME=VALUE pairs ("-" for none), so that one build and machine
# start compare several switches (VALUES="- MOESCOPE_A=1 MOESCOPE_B=0 MOESCOPE_A=1,MOESCOPE_B=0").
#   setting_env SETTING   (prints the assignments, space-separated)
setting_env() {
    if [ -n "${SWITCH:-}" ]; then
        echo "$SWITCH=$1"
    elif [ "$1" != "-" ]; then
        echo "${1//,/ }"
    fi
}

# Runs a shell function or command with one setting's assignments exported (in a subshell).
#   with_setting SETTING COMMAND...
with_setting() {
    local setting=$1 kv
    shift
    (for kv in $(setting_env "$setting"); do export "$kv"; done; "$@")
}

# Greedy generation of every fixture family (300 prompt ids, 40 tokens, CUDA graphs, bf16) by two runners (command
# prefixes taking moescope-cli's arguments, e.g. "env MOESCOPE_X=0 $cli"), which must give the same tokens; the
# verdicts go to $out/fixture_generation.txt.   same_fixture_tokens NAME_A "RUNNER_A" NAME_B "RUNNER_B"
same_fixture_tokens() {
    local ids m a b
    ids=$(python3 -c "print(','.join(str(3 + (i * 37) % 150) for i in range(300)))")
    tokens() { # RUNNER MODEL
        $1 generate --model tests/fixtures/models/$2 --ids "$ids" --max-new 40 --greedy --device cuda --dtype bf16 \
            2>/dev/null | tr -d '\n'
    }
    for m in olmoe qwen2_moe qwen3_moe mixtral deepseek_v2 deepseek_v3; do
        a=$(tokens "$2" $m)
        b=$(tokens "$4" $m)
        [ -n "$a" ] && [ "$a" = "$b" ] && echo "$m: $1 and $3 generate the same tokens" ||
            echo "$m: DIFFER ($1: ${a:0:120} / $3: ${b:0:120})"
    done | tee "$out/fixture_generation.txt"
}

# Quantizes fixture FAMILY with SCHEME (a scheme, e.g. int8+minmax, or mixed:POLICY.json; QUANTIZE_ARGS are added to
# the quantize command, e.g. its calibration input) on CUDA and generates 40 greedy bf16 tokens from 300 prompt ids
# with two runners (command prefixes taking moescope-cli's arguments, e.g. "env MOESCOPE_X=0 $cli"), leaving their
# JSON in tokens_a and tokens_b; prints "NAME: quantize failed" (status 1) instead, or "NAME: decoding without CUDA
# graphs ..." when the second runner logged that.
#   [QUANTIZE_ARGS="..."] quantized_fixture_tokens NAME FAMILY SCHEME "RUNNER_A" "RUNNER_B"
quantized_fixture_tokens() {
    local name=$1 dir=/tmp/quantized-${1// /-} ids
    ids=$(python3 -c "print(','.join(str(3 + (i * 37) % 150) for i in range(300)))")
    rm -rf "$dir"
    # shellcheck disable=SC2086 # QUANTIZE_ARGS splits into words
    $cli quantize --model tests/fixtures/models/$2 --scheme "$3" ${QUANTIZE_ARGS:-} --out "$dir" --device cuda \
        >/dev/null 2>&1 || { echo "$name: quantize failed"; return 1; }
    tokens_a=$($4 generate --model "$dir" --ids "$ids" --max-new 40 --greedy --device cuda --dtype bf16 \
        2>/dev/null | tr -d '\n')
    tokens_b=$($5 generate --model "$dir" --ids "$ids" --max-new 40 --greedy --device cuda --dtype bf16 \
        2>/tmp/generate-stderr.txt | tr -d '\n')
    grep -m1 -o "decoding without CUDA graphs.*" /tmp/generate-stderr.txt | sed "s/^/$name: /"
    return 0
}

# After quantized_fixture_tokens: how many of tokens_a and tokens_b agree (the fused kernels sum in float32 what the
# ATen path multiplies in bf16, and random fixtures' near-ties part them sooner or later, so this reports the first
# token where they differ).   shared_token_count NAME
shared_token_count() {
    python3 - "$1" "$tokens_a" "$tokens_b" <<'PY'
import json, sys
name, a, b = sys.argv[1:]
try:
    x, y = json.loads(a)["ids"], json.loads(b)["ids"]
except ValueError:
    sys.exit(print(f"{name}: FAILED (no tokens: {a[:80]!r} / {b[:80]!r})"))
first = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
print(f"{name}: fused kernels and ATen path " + (f"identical, {len(x)} of {len(x)} tokens" if x == y
      else f"identical for the first {first} of {len(x)} / {len(y)} tokens"))
PY
}
