#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build, run the end-to-end demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh demo
cmake --preset release -DQKDNQ_BUILD_BENCH=OFF >/dev/null
cmake --build --preset release --target qkdnq_demo
exec build/release/examples/qkdnq_demo "$@"
