#!/usr/bin/env bash
# Installs everything MoEScope needs to build and run on Debian 12 / Ubuntu 24.04, and is safe to run again:
# the Debian packages (Qt 6, poppler, spdlog, nlohmann-json, SQLite, PCRE2, Xvfb) and LibTorch, which comes from
# the PyPI torch wheel installed into a project-local virtual environment (.venv).
#   MOESCOPE_NO_GUI=1   skip the Qt/poppler-qt packages (backend + CLI only, e.g. on a headless GPU server)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
torch_version=2.11.0

packages=(build-essential cmake ninja-build ccache pkg-config python3-venv
    libspdlog-dev nlohmann-json3-dev libsqlite3-dev libpcre2-dev libpoppler-cpp-dev poppler-utils zlib1g-dev liblzma-dev)
if [ "${MOESCOPE_NO_GUI:-0}" != 1 ]; then
    packages+=(qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev qt6-svg-dev libqt6svgwidgets6 libpoppler-qt6-dev
        qt6-qpa-plugins libgl-dev xvfb xauth fonts-dejavu-core)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "moescope setup: installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -q
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# python3-venv may be missing where python3 is not Debian's (pyenv); any python3 >= 3.10 with venv works.
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
    echo "moescope setup: creating $venv"
    python3 -m venv "$venv"
fi
have=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("torch"))' 2>/dev/null || true)
if [ "${have%%+*}" != "$torch_version" ]; then
    echo "moescope setup: installing LibTorch (PyPI torch==$torch_version) into $venv; this downloads about 4 GB once"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "torch==$torch_version"
fi
