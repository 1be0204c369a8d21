#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build, test, fuzz and benchmark imhooks, and only
# those that are missing: when everything is installed already, apt is not touched. The fuzzer
# needs libclang-rt-14-dev (libFuzzer), which clang only recommends. The compatibility stage
# fetches Dear ImGui's Debian source packages with apt-get (no root needed) and unpacks them with
# tar and xz.
set -euo pipefail

packages=(
    libimgui-dev libglfw3-dev python3-glad catch2 libstb-dev libbenchmark-dev
        cmake g++ pkg-config make
    clang libclang-rt-14-dev
    xvfb xauth libgl1-mesa-dri xdotool
    xz-utils
)

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$package")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "deps: all ${#packages[@]} packages installed"
    exit 0
fi

echo "deps: installing ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null; then
        echo "deps: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
