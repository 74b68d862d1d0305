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
