# Sourced by the GPU-machine run scripts (tests/gpu/run_*.sh): goes to the repository root, makes the results folder
# $out ($OUT on the device), builds moescope-cli and the kernel checks with CUDA into $build ($cli is the CLI) and
# names the GPU. Leaves t0 (the start, in seconds) for the script's timings.
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
