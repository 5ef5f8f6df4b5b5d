// The additive-FFT engine for huge GF(2)[x] products (amplify/detail/gf2x_fft.hpp).
//
//     bench_amplify_gf2x_fft --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// BM_amplify_gf2x_fft_middle<arch>/nb: middle product of na = 1.5 nb words by nb words (the
//   Toeplitz hash of an nb-word key with m = n/2), nb = 2^10 .. 2^24 words.
// BM_amplify_gf2x_fft_multiply<arch>/n: full product of two n-word operands.
// BM_amplify_gf2x_fft_toeplitz<arch>/n/threads/workspace: the middle product of a Toeplitz hash of
//   n key bits with m = n/2 (seed n+m-1 bits), n = 10^6, 10^7, 10^8, on 1 and 2 threads, with a
//   fresh allocation per call or a reused workspace (wall-clock time).
// The counter input_bits/s counts the key (b, nb words) for middle products and both operands
// for products; bytes/s likewise. Inputs are made outside the timed loop from fixed seeds.
#include <qkdnq/amplify/detail/gf2x_fft.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace {

namespace gf2x = qkdnq::detail::gf2x;

std::vector<std::uint64_t> random_words(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::vector<std::uint64_t> words(n);
    for (auto& w : words) w = engine();
    return words;
}

void set_rate(benchmark::State& state, double bits) {
    state.counters["input_bits/s"] = benchmark::Counter(bits, benchmark::Counter::kIsIterationInvariantRate);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bits / 8));
}

template <class Kernel>
void BM_amplify_gf2x_fft_middle(benchmark::State& state) {
    const auto nb = static_cast<std::size_t>(state.range(0));
    const std::size_t na = nb + nb / 2;
    const auto a = random_words(na, 1), b = random_words(nb, 2);
    std::vector<std::uint64_t> out(na - nb);
    for (auto _ : state) {
        gf2x::fft_middle_product<Kernel>(a, b, out);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_rate(state, 64.0 * static_cast<double>(nb));
}

template <class Kernel>
void BM_amplify_gf2x_fft_multiply(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto a = random_words(n, 3), b = random_words(n, 4);
    std::vector<std::uint64_t> c(2 * n);
    for (auto _ : state) {
        gf2x::fft_multiply<Kernel>(a, b, c);
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
    }
    set_rate(state, 128.0 * static_cast<double>(n));
}

// Toeplitz hash of n key bits to m = n/2 bits: seed of n+m-1 bits (na words), key nb words; with
// a fresh allocation per call (workspace 0) or a workspace kept across calls (workspace 1).
template <class Kernel>
void BM_amplify_gf2x_fft_toeplitz(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto threads = static_cast<unsigned>(state.range(1));
    const bool reuse = state.range(2) != 0;
    const std::size_t m = n / 2;
    const std::size_t nb = (n + 63) / 64, na = (n + m - 1 + 63) / 64;
    const auto a = random_words(na, 5), b = random_words(nb, 6);
    std::vector<std::uint64_t> out(na - nb);
    gf2x::fft_workspace ws(reuse ? gf2x::fft_middle_product_workspace(na, nb, threads) : 0);
    const std::span<std::uint64_t> workspace = reuse ? ws.span() : std::span<std::uint64_t>{};
    for (auto _ : state) {
        gf2x::fft_middle_product<Kernel>(a, b, out, threads, workspace);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_rate(state, static_cast<double>(n));
}

void word_sizes(benchmark::internal::Benchmark* b) {
    for (std::int64_t n = std::int64_t{1} << 10; n <= (std::int64_t{1} << 24); n *= 4) b->Arg(n);
    b->Unit(benchmark::kMillisecond);
}

void toeplitz_sizes(benchmark::internal::Benchmark* b) {
    for (const std::int64_t n : {1000000, 10000000, 100000000}) {
        for (const std::int64_t threads : {1, 2}) {
            for (const std::int64_t reuse : {0, 1}) b->Args({n, threads, reuse});
        }
    }
    b->ArgNames({"n", "threads", "workspace"})->UseRealTime()->Unit(benchmark::kMillisecond);
}

void scalar_sizes(benchmark::internal::Benchmark* b) {
    b->Arg(std::int64_t{1} << 10)->Arg(std::int64_t{1} << 14)->Arg(std::int64_t{1} << 18);
    b->Unit(benchmark::kMillisecond);
}

}  // namespace

#define QKDNQ_GF2X_FFT_BENCH(kernel, arch, sizes)                                                               \
    BENCHMARK_TEMPLATE(BM_amplify_gf2x_fft_middle, gf2x::fft::kernel)->Name("BM_amplify_gf2x_fft_middle<" arch ">") \
        ->Apply(sizes);                                                                                          \
    BENCHMARK_TEMPLATE(BM_amplify_gf2x_fft_multiply, gf2x::fft::kernel)                                        \
        ->Name("BM_amplify_gf2x_fft_multiply<" arch ">")                                                        \
        ->Apply(sizes);

#if QKDNQ_GF2X_FFT_AVX512
QKDNQ_GF2X_FFT_BENCH(kernel_avx512, "avx512", word_sizes)
BENCHMARK_TEMPLATE(BM_amplify_gf2x_fft_toeplitz, gf2x::fft::kernel_avx512)
    ->Name("BM_amplify_gf2x_fft_toeplitz<avx512>")
    ->Apply(toeplitz_sizes);
#endif
#if QKDNQ_HAS_PCLMUL
QKDNQ_GF2X_FFT_BENCH(kernel_pclmul, "pclmul", QKDNQ_GF2X_FFT_AVX512 ? scalar_sizes : word_sizes)
#endif
QKDNQ_GF2X_FFT_BENCH(kernel_scalar, "scalar", QKDNQ_HAS_PCLMUL ? scalar_sizes : word_sizes)
#if !QKDNQ_GF2X_FFT_AVX512
BENCHMARK_TEMPLATE(BM_amplify_gf2x_fft_toeplitz, gf2x::fft::kernel_native)
    ->Name("BM_amplify_gf2x_fft_toeplitz<native>")
    ->Apply(toeplitz_sizes);
#endif
