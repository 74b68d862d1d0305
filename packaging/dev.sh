#!/usr/bin/env bash
# One entry point for developers and CI:
#   packaging/dev.sh run  [args]   set up, build, start the moescope GUI (on the bundled demo model and report)
#   packaging/dev.sh test [ctest args]  set up, build, run the whole test suite (GUI tests offscreen)
#   packaging/dev.sh build         set up and build only
# Build folder: $MOESCOPE_BUILD_DIR (default ./build).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MOESCOPE_BUILD_DIR:-$root/build}
cmd=${1:-build}
shift || true

bash "$root/packaging/setup-deps.sh"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" \
        -DMOESCOPE_PYTHON="$root/.venv/bin/python"
fi
jobs=${MOESCOPE_JOBS:-$(nproc)}
cmake --build "$build" -j "$jobs"

case "$cmd" in
run)
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
        echo "moescope: no display found (DISPLAY/WAYLAND_DISPLAY unset); starting under Xvfb is pointless for a GUI," >&2
        echo "          run this from a desktop session, or set QT_QPA_PLATFORM=offscreen to smoke-test." >&2
        exit 1
    fi
    exec "$build/app/gui/moescope" "$@"
    ;;
test)
    export QT_QPA_PLATFORM=offscreen
    export MOESCOPE_TEST_ARTIFACTS=${MOESCOPE_TEST_ARTIFACTS:-$build/test-artifacts}
    mkdir -p "$MOESCOPE_TEST_ARTIFACTS"
    ctest --test-dir "$build" --output-on-failure -j "$jobs" "$@"
    ;;
build) ;;
*)
    echo "usage: packaging/dev.sh run|test|build" >&2
    exit 2
    ;;
esac
