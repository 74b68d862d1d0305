#!/usr/bin/env bash
# AddressSanitizer + UBSan build of moescope-cli on the GPU machine (16 cores) and the hostile-input cases of
# tests/gpu/asan_bad_inputs.py through it (CPU paths). LibTorch itself is not instrumented; our code is.
#   device: bash tests/gpu/asan_bad_inputs.sh   (carry .carry/include)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash tests/gpu/build_cli.sh /tmp/moescope-asan -DMOESCOPE_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
python3 tests/gpu/asan_bad_inputs.py --cli /tmp/moescope-asan/app/cli/moescope-cli --fixtures tests/fixtures/models
