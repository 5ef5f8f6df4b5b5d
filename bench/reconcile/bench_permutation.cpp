// Cascade's pass permutations (reconcile/permutation.hpp): key bits per second.
//
//     bench_reconcile_permutation --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
//  * BM_reconcile_permutation_build_apply<kind>/<n>: construct the permutation of an n-bit key and
//    apply it (one Cascade pass's shuffle), n = 10^4, 10^5, 10^6.
//  * BM_reconcile_permutation_build<kind>/<n>, BM_reconcile_permutation_apply<kind>/<n>: each part.
//  * BM_reconcile_permutation_position_of<kind>/<n>: position_of over 4096 random positions per
//    iteration (Cascade's per-corrected-bit, per-pass lookup); items_per_second is lookups per second.
//  * BM_reconcile_permutation_source<kind>/<n>: source over 4096 random view positions per
//    iteration (Cascade's lookup once per corrected bit).
// Counters: bits_per_second (key bits n per second) and bytes_per_second (n / 8 bytes). Keys and
// positions are drawn from fixed seeds outside the timed loop. The kind's name carries the
// bit-manipulation path of word_transpose (`+bmi2`: PEXT and PDEP, `+portable` otherwise).
//
// Building a permutation allocates its tables (8 bytes per key bit for uniform), so where page
// faults are dear (a microVM: tens of microseconds per 4 KiB page) fresh memory dominates the build
// figures. QKDNQ_BENCH_KEEP_HEAP=1 in the environment makes glibc keep freed memory
// (mallopt M_MMAP_THRESHOLD and M_TRIM_THRESHOLD at 1 GiB), for the steady-state cost of a process
// that reconciles key after key.
#include <qkdnq/reconcile/permutation.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <span>
#include <string>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

using qkdnq::bit_vector;
using qkdnq::reconcile::pass_permutation;
using qkdnq::reconcile::shuffle_kind;

struct bench_rng {
    std::mt19937_64 engine;
    explicit bench_rng(std::uint64_t seed) : engine(seed) {}
    void fill(std::span<std::uint8_t> out) {
        for (auto& b : out) b = static_cast<std::uint8_t>(engine());
    }
};

void set_bit_rate(benchmark::State& state, std::size_t n) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n / 8));
    state.counters["bits_per_second"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_build_apply(benchmark::State& state, shuffle_kind kind) {
    const auto n = static_cast<std::size_t>(state.range(0));
    bench_rng rng(1);
    const auto key = bit_vector::random(n, rng);
    bit_vector view(n);
    std::uint32_t pass = 2;
    for (auto _ : state) {
        const pass_permutation p(n, 0x5eed, pass++, kind);
        p.apply(key, view);
        benchmark::DoNotOptimize(view.words().data());
        benchmark::ClobberMemory();
    }
    set_bit_rate(state, n);
}

void BM_build(benchmark::State& state, shuffle_kind kind) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::uint32_t pass = 2;
    for (auto _ : state) {
        const pass_permutation p(n, 0x5eed, pass++, kind);
        benchmark::DoNotOptimize(&p);
    }
    set_bit_rate(state, n);
}

void BM_apply(benchmark::State& state, shuffle_kind kind) {
    const auto n = static_cast<std::size_t>(state.range(0));
    bench_rng rng(2);
    const auto key = bit_vector::random(n, rng);
    bit_vector view(n);
    const pass_permutation p(n, 0x5eed, 2, kind);
    for (auto _ : state) {
        p.apply(key, view);
        benchmark::DoNotOptimize(view.words().data());
        benchmark::ClobberMemory();
    }
    set_bit_rate(state, n);
}

void BM_position_of(benchmark::State& state, shuffle_kind kind) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const pass_permutation p(n, 0x5eed, 2, kind);
    std::mt19937_64 engine(3);
    std::vector<std::size_t> originals(4096);
    for (auto& o : originals) o = static_cast<std::size_t>(engine() % n);
    for (auto _ : state) {
        std::size_t sum = 0;
        for (const auto o : originals) sum += p.position_of(o);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(originals.size()));
}

void BM_source(benchmark::State& state, shuffle_kind kind) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const pass_permutation p(n, 0x5eed, 2, kind);
    std::mt19937_64 engine(4);
    std::vector<std::size_t> positions(4096);
    for (auto& j : positions) j = static_cast<std::size_t>(engine() % n);
    for (auto _ : state) {
        std::size_t sum = 0;
        for (const auto j : positions) sum += p.source(j);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(positions.size()));
}

const std::string word_transpose_name =
    std::string("word_transpose") + (qkdnq::reconcile::has_bmi2 ? "+bmi2" : "+portable");

const bool keep_heap = [] {
    const char* flag = std::getenv("QKDNQ_BENCH_KEEP_HEAP");
    if (flag == nullptr || flag[0] == '\0' || flag[0] == '0') return false;
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    return true;
#else
    return false;
#endif
}();

const int registered = [] {
    benchmark::AddCustomContext("heap", keep_heap ? "kept (QKDNQ_BENCH_KEEP_HEAP)" : "glibc default");
    for (const auto kind : {shuffle_kind::uniform, shuffle_kind::word_transpose}) {
        const std::string suffix = "<" + (kind == shuffle_kind::uniform ? std::string("uniform") : word_transpose_name) + ">";
        for (std::int64_t n : {10'000, 100'000, 1'000'000}) {
            benchmark::RegisterBenchmark(("BM_reconcile_permutation_build_apply" + suffix).c_str(), BM_build_apply, kind)->Arg(n);
            benchmark::RegisterBenchmark(("BM_reconcile_permutation_build" + suffix).c_str(), BM_build, kind)->Arg(n);
            benchmark::RegisterBenchmark(("BM_reconcile_permutation_apply" + suffix).c_str(), BM_apply, kind)->Arg(n);
            benchmark::RegisterBenchmark(("BM_reconcile_permutation_position_of" + suffix).c_str(), BM_position_of, kind)->Arg(n);
            benchmark::RegisterBenchmark(("BM_reconcile_permutation_source" + suffix).c_str(), BM_source, kind)->Arg(n);
        }
    }
    return 0;
}();

}  // namespace
