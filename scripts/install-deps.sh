#!/usr/bin/env bash
# Installs the Debian 12 packages qkdnq needs that are missing, and nothing else.
#   scripts/install-deps.sh demo   # what the demo needs: compiler, CMake, Ninja, xsimd
#   scripts/install-deps.sh test   # and Catch2, Google Benchmark, OpenSSL (bench comparison),
#                                  # valgrind, clang and its libFuzzer runtime
set -euo pipefail

packages=(g++ cmake ninja-build libxsimd-dev xtl-dev)
if [[ "${1:-demo}" == "test" ]]; then
  packages+=(catch2 libbenchmark-dev libssl-dev valgrind clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "installing: ${missing[*]}"
sudo=()
[[ $(id -u) -ne 0 ]] && sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
