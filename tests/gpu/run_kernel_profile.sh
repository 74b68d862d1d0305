#!/usr/bin/env bash
# GPU-machine run: Nsight Compute on the kernel checks (check_fused_kernels) for the kernels whose names match
# KERNELS (a regex; the first COUNT launches): duration, throughput, occupancy and warp stall reasons, without the
# overlap of chained launches that Kineto traces of decode steps include in a kernel's duration.
#   device: KERNELS='gqa' bash tests/gpu/run_kernel_profile.sh   (carry .carry/include .carry/configs)
set -uo pipefail
source "$(dirname "$0")/setup_run.sh"
ncu --kernel-name "regex:${KERNELS:?a kernel name regex}" --launch-count "${COUNT:-4}" --section SpeedOfLight \
    --section Occupancy --section WarpStateStats --section LaunchStats --section MemoryWorkloadAnalysis \
    $build/tests/gpu/check_fused_kernels > "$out/ncu.txt" 2>&1
grep -E "^  [a-zA-Z].*\(|Duration|Memory Throughput|DRAM Throughput|Registers Per|Achieved Occupancy|Grid Size|Warp Cycles Per Issued|Stall" \
    "$out/ncu.txt" | head -${LINES_SHOWN:-80}
