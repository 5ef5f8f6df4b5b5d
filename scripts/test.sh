#!/usr/bin/env bash
# Command 2 of the README (and .ci/run): install what is missing, then build and run every test
# in every configuration. Exits non-zero if anything fails.
#
#   native                unit, vector, property, simd-vs-scalar, consumer, header, fuzz-replay tests
#                         (-march=native: AVX-512, SHA-NI where the CPU has them)
#   scalar                the tests of the modules with kernels (core, simd, hash, pqc, amplify,
#                         auth, reconcile, sim) on the portable build with QKDNQ_FORCE_SCALAR;
#                         without the 1 GiB long-message cases, which native runs (they test the
#                         length bookkeeping, the same code in both builds, and would take a
#                         minute here), the header check, the fuzz corpus replay, the examples,
#                         the demo and the module pages' programs: native builds and runs them,
#                         and asan-ubsan runs the other modules' tests again
#   asan-ubsan            the same tests under AddressSanitizer and UndefinedBehaviorSanitizer
#                         (without the 1 GiB cases and the header self-containment check, a
#                         compile-only test that native and scalar run)
#   ct-valgrind           constant-time check under valgrind memcheck, -march=x86-64-v3 -mpclmul
#   ct-valgrind-portable  the same on the portable build
#   fuzz                  libFuzzer: corpus replay and a bounded run of every target (clang only)
#
# QKDNQ_FUZZ_SECONDS (default 12) sets the fuzzing time per target.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test || exit 1

jobs=$(nproc)
fuzz_seconds=${QKDNQ_FUZZ_SECONDS:-12}
passed=0
failed=0
failed_steps=()

# run_ctest <step> <ctest args...>: runs ctest and adds its counts to the totals.
run_ctest() {
  local step=$1
  shift
  local log
  log=$(mktemp)
  ctest "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -n 1)
  if [[ $line =~ ([0-9]+)%\ tests\ passed,\ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    local f=${BASH_REMATCH[2]} total=${BASH_REMATCH[3]}
    passed=$((passed + total - f))
    failed=$((failed + f))
  fi
  if [[ $rc -ne 0 || -z $line ]]; then
    failed_steps+=("$step")
    [[ -z $line ]] && failed=$((failed + 1))
  fi
  rm -f "$log"
}

# build <preset> <target|all> [cmake configure args...]: configures and builds one preset;
# a failure counts once.
build() {
  local preset=$1 target=$2
  shift 2
  echo "=== configure and build: $preset ($target)"
  local target_args=()
  [[ $target != all ]] && target_args=(--target "$target")
  if ! cmake --preset "$preset" "$@" >/dev/null ||
     ! cmake --build --preset "$preset" -j "$jobs" "${target_args[@]}"; then
    failed_steps+=("build $preset")
    failed=$((failed + 1))
    return 1
  fi
}

if build native all -DQKDNQ_BUILD_FUZZ=ON; then
  run_ctest native --preset native -j "$jobs"
fi
if build scalar all; then
  run_ctest scalar --preset scalar -j "$jobs" --label-exclude consumer -E "1 GiB|^headers:"
fi
if build asan-ubsan all; then
  run_ctest asan-ubsan --preset asan-ubsan -j "$jobs" --label-exclude consumer -E "1 GiB|^headers:"
fi
for preset in ct-valgrind ct-valgrind-portable; do
  if build "$preset" qkdnq_ct_check; then
    run_ctest "$preset" --preset "$preset" -L ct
  fi
done
if command -v clang++ >/dev/null; then
  if build fuzz all -DQKDNQ_FUZZ_SECONDS="$fuzz_seconds"; then
    run_ctest fuzz --preset fuzz -j "$jobs"
  fi
else
  echo "clang++ not found: skipping the libFuzzer runs (the corpus replay ran in the native build)"
fi

echo
if [[ ${#failed_steps[@]} -ne 0 ]]; then
  echo "FAILED steps: ${failed_steps[*]}"
fi
echo "qkdnq: $passed passed, $failed failed"
[[ $failed -eq 0 && ${#failed_steps[@]} -eq 0 ]]
