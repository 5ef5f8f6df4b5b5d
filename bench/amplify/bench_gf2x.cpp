// The Karatsuba/Toom GF(2)[x] engine (amplify/detail/gf2x_basecase.hpp, gf2x_karatsuba.hpp):
// base-case kernels, products and middle products, called directly (mul / middle with scratch
// made outside the loop), so the figures are this engine's at every size, also where the front
// (gf2x.hpp) hands the work to the FFT engine; BM_gf2x_front_middle_toeplitz is the front.
//
//     bench_amplify_gf2x --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Counter `bits/s`: input bits per second. For products n x n words that is 128 n (both
// operands); for middle products it is the Toeplitz input length n = 64 nb (the b operand; a
// holds the n + m - 1 seed bits), so BM_gf2x_middle at na = 1.5 nb is the Toeplitz hash with
// m = n/2 and its `bits/s` compares with the Gbit/s targets. Operands are made outside
// the timed loops from fixed seeds.
#include <qkdnq/amplify/detail/gf2x.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

namespace gf2x = qkdnq::detail::gf2x;
using words = std::vector<std::uint64_t>;
using cspan = std::span<const std::uint64_t>;

words random_words(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    words v(n);
    for (auto& w : v) w = engine();
    return v;
}

void set_bits(benchmark::State& state, std::size_t input_bits) {
    state.counters["bits/s"] = benchmark::Counter(static_cast<double>(input_bits) * static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(input_bits / 8));
}

// ---------------------------------------------------------------- base-case kernels, n x n words
template <void (*Kernel)(cspan, cspan, std::size_t, std::span<std::uint64_t>)>
void bench_basecase(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const words a = random_words(n, 1), b = random_words(n, 2);
    words c(2 * n);
    for (auto _ : state) {
        Kernel(a, b, 0, c);
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    set_bits(state, 128 * n);
}

void basecase_sizes(benchmark::internal::Benchmark* b) {
    for (const int n : {1, 2, 4, 8, 12, 16, 24, 32, 48, 64}) b->Arg(n);
}

const bool basecase_registered = [] {
    benchmark::RegisterBenchmark("BM_gf2x_basecase<scalar>", bench_basecase<gf2x::mul_window_scalar>)->Apply(basecase_sizes);
    benchmark::RegisterBenchmark("BM_gf2x_basecase<portable>", bench_basecase<gf2x::mul_window_portable>)
        ->Apply(basecase_sizes);
#if QKDNQ_HAS_PCLMUL
    benchmark::RegisterBenchmark("BM_gf2x_basecase<pclmul>", bench_basecase<gf2x::mul_window_pclmul>)->Apply(basecase_sizes);
#endif
#if QKDNQ_GF2X_HAS_VPCLMUL256
    benchmark::RegisterBenchmark("BM_gf2x_basecase<vpclmul256>", bench_basecase<gf2x::mul_window_vpclmul256>)
        ->Apply(basecase_sizes);
#endif
#if QKDNQ_GF2X_HAS_VPCLMUL512
    benchmark::RegisterBenchmark("BM_gf2x_basecase<vpclmul512>", bench_basecase<gf2x::mul_window_vpclmul512>)
        ->Apply(basecase_sizes);
#endif
    return true;
}();

// ---------------------------------------------------------------- products, n x n words
void BM_gf2x_mul(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const words a = random_words(n, 3), b = random_words(n, 4);
    words c(2 * n), ws(gf2x::mul_scratch_words(n, n));
    for (auto _ : state) {
        gf2x::mul(a, b, c, ws);
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    set_bits(state, 128 * n);
    state.SetLabel(gf2x::basecase_name(gf2x::basecase_best));
}
BENCHMARK(BM_gf2x_mul)->RangeMultiplier(2)->Range(1 << 6, 1 << 21)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------- middle products, na = 1.5 nb
void BM_gf2x_middle(benchmark::State& state) {
    const auto nb = static_cast<std::size_t>(state.range(0)), na = nb + nb / 2;
    const words a = random_words(na, 5), b = random_words(nb, 6);
    words out(na - nb), ws(gf2x::middle_scratch_words(na, nb));
    for (auto _ : state) {
        gf2x::middle(a, b, out, ws);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_bits(state, 64 * nb);
    state.SetLabel(gf2x::basecase_name(gf2x::basecase_best));
}
BENCHMARK(BM_gf2x_middle)->RangeMultiplier(2)->Range(1 << 6, 1 << 21)->Unit(benchmark::kMicrosecond);

// The same middle product through the full product (the first version's method), to show what
// the Karatsuba middle product saves.
void BM_gf2x_middle_via_mul(benchmark::State& state) {
    const auto nb = static_cast<std::size_t>(state.range(0)), na = nb + nb / 2;
    const words a = random_words(na, 5), b = random_words(nb, 6);
    words c(na + nb), ws(gf2x::mul_scratch_words(na, nb));
    for (auto _ : state) {
        gf2x::mul(a, b, c, ws);
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    set_bits(state, 64 * nb);
}
BENCHMARK(BM_gf2x_middle_via_mul)->RangeMultiplier(4)->Range(1 << 6, 1 << 18)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------- Toeplitz shapes in bits
// n key bits, m = n/2 output bits: nb = ceil(n/64), m/64 output words, na = nb + m/64 (the word
// shapes of the m x n Toeplitz product; the bit alignment is toeplitz.hpp's). Arg = n;
// `bits/s` = n per second.
template <bool Front>
void bench_middle_toeplitz(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0)), m = n / 2;
    const std::size_t nb = (n + 63) / 64, mw = (m + 63) / 64, na = nb + mw;
    const words a = random_words(na, 7), b = random_words(nb, 8);
    words out(mw), ws(Front ? 0 : gf2x::middle_scratch_words(na, nb));
    for (auto _ : state) {
        if constexpr (Front) {
            gf2x::middle_product(a, b, out);
        } else {
            gf2x::middle(a, b, out, ws);
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_bits(state, n);
    state.SetLabel(gf2x::basecase_name(gf2x::basecase_best));
}

void toeplitz_sizes(benchmark::internal::Benchmark* b) {
    b->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Arg(10'000'000)->Arg(100'000'000)->Unit(benchmark::kMicrosecond);
}

const bool toeplitz_registered = [] {
    benchmark::RegisterBenchmark("BM_gf2x_middle_toeplitz", bench_middle_toeplitz<false>)->Apply(toeplitz_sizes);
    benchmark::RegisterBenchmark("BM_gf2x_front_middle_toeplitz", bench_middle_toeplitz<true>)->Apply(toeplitz_sizes);
    return true;
}();

}  // namespace
