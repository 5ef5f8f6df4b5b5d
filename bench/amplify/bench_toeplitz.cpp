// Toeplitz hashing (amplify/toeplitz.hpp): input bits per second and peak heap memory.
//
//     bench_amplify_toeplitz --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
//  * BM_amplify_toeplitz/<n>/<m per mille>: toeplitz_hash of an n-bit input to m = n * (m per
//    mille) / 1000 bits, n = 10^4 ... 10^8, m/n = 0.1, 0.5, 0.9. Counters: bits_per_second (input
//    bits n per second: the figure), peak_heap_bytes (the most heap the call held at once,
//    beyond its input, seed and output, counted by this program's operator new) and
//    peak_per_input (that over n / 8 bytes).
//  * BM_amplify_modified_toeplitz/<n>/<m per mille>: the same for the modified form.
//  * BM_amplify_toeplitz_2_threads/<n>/500: toeplitz_hash with {.threads = 2}, n = 10^6 ... 10^8,
//    timed by the wall clock (bits_per_second is then per wall-clock second).
// Inputs and seeds are drawn from a fixed seed outside the timed loop.
#include <qkdnq/amplify/toeplitz.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include <malloc.h>

// ---------------------------------------------------------------- heap accounting
namespace {
std::atomic<std::size_t> g_heap_now{0};
std::atomic<std::size_t> g_heap_peak{0};
}  // namespace

namespace {
void* counted(void* p) {
    if (p == nullptr) throw std::bad_alloc();
    const std::size_t now = g_heap_now += malloc_usable_size(p);
    std::size_t peak = g_heap_peak.load();
    while (now > peak && !g_heap_peak.compare_exchange_weak(peak, now)) {
    }
    return p;
}
void uncounted_free(void* p) noexcept {
    if (p == nullptr) return;
    g_heap_now -= malloc_usable_size(p);
    std::free(p);
}
}  // namespace

// Plain and aligned allocations both count (the FFT engine's work buffers are aligned ones).
void* operator new(std::size_t size) { return counted(std::malloc(size == 0 ? 1 : size)); }
void* operator new(std::size_t size, std::align_val_t align) {
    const auto a = static_cast<std::size_t>(align);
    return counted(std::aligned_alloc(a, (size + a - 1) / a * a));
}
void operator delete(void* p) noexcept { uncounted_free(p); }
void operator delete(void* p, std::size_t) noexcept { uncounted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { uncounted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { uncounted_free(p); }

namespace {

template <bool Modified, unsigned Threads>
void run(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto m = static_cast<std::size_t>(static_cast<double>(n) * static_cast<double>(state.range(1)) / 1000.0);
    qkdnq::shake_drbg rng(std::uint64_t{2026});
    const auto input = qkdnq::bit_vector::random(n, rng);
    const auto seed = qkdnq::bit_vector::random(Modified ? qkdnq::modified_toeplitz_seed_bits(n, m) : qkdnq::toeplitz_seed_bits(n, m), rng);
    std::size_t peak = 0;
    for (auto _ : state) {
        const std::size_t before = g_heap_now.load();
        g_heap_peak = before;
        const qkdnq::toeplitz_options options{.threads = Threads};
        auto out = Modified ? qkdnq::modified_toeplitz_hash(input, seed, m, options) : qkdnq::toeplitz_hash(input, seed, m, options);
        benchmark::DoNotOptimize(out.words().data());
        peak = g_heap_peak - before - (m + 63) / 64 * 8;  // less the output, which the caller keeps
    }
    state.counters["bits_per_second"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["peak_heap_bytes"] = static_cast<double>(peak);
    state.counters["peak_per_input"] = static_cast<double>(peak) / (static_cast<double>(n) / 8.0);
}

void sizes(benchmark::internal::Benchmark* b) {
    for (std::int64_t n = 10000; n <= 100000000; n *= 10) {
        for (const std::int64_t per_mille : {100, 500, 900}) b->Args({n, per_mille});
    }
    b->Unit(benchmark::kMillisecond);
}

}  // namespace

void large_sizes(benchmark::internal::Benchmark* b) {
    for (std::int64_t n = 1000000; n <= 100000000; n *= 10) b->Args({n, 500});
    b->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK(run<false, 1>)->Name("BM_amplify_toeplitz")->Apply(sizes);
BENCHMARK(run<true, 1>)->Name("BM_amplify_modified_toeplitz")->Apply(sizes);
BENCHMARK(run<false, 2>)->Name("BM_amplify_toeplitz_2_threads")->Apply(large_sizes);
