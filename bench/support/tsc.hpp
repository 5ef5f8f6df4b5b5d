// Time-stamp-counter ticks for the benchmarks: `timed` runs a benchmark loop and adds the counter
// `tsc`, ticks per iteration (the unit of the issues' reference figures; 2.6 GHz on the EPYC CI
// machine). Where the target has no TSC, `ticks()` is 0 and so is the counter.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define QKDNQ_BENCH_HAVE_TSC 1
#else
#define QKDNQ_BENCH_HAVE_TSC 0
#endif

namespace qkdnq::bench {

[[nodiscard]] inline std::uint64_t ticks() noexcept {
#if QKDNQ_BENCH_HAVE_TSC
    return __rdtsc();
#else
    return 0;
#endif
}

// Runs `body` once per benchmark iteration and adds the `tsc` counter; the label names the kernels.
template <class Body>
void timed(benchmark::State& state, const char* label, Body&& body) {
    const std::uint64_t start = ticks();
    for (auto _ : state) body();
    const std::uint64_t elapsed = ticks() - start;
    state.counters["tsc"] = benchmark::Counter(static_cast<double>(elapsed) / static_cast<double>(state.iterations()));
    state.SetLabel(label);
}

}  // namespace qkdnq::bench
