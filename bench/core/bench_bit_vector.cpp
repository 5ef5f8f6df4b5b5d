// GF(2) word kernels behind bit_vector: the xsimd kernels and their scalar references, registered
// under one name per operation (BM_core_<op><arch>/<bytes>), bytes/s per operand.
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/simd/gf2_words.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

std::vector<std::uint64_t> random_words(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::vector<std::uint64_t> words(n);
    for (auto& w : words) w = engine();
    return words;
}

template <bool Simd>
void BM_core_xor_words(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0)) / 8;
    auto a = random_words(n, 1);
    const auto b = random_words(n, 2);
    for (auto _ : state) {
        if constexpr (Simd) {
            qkdnq::simd::xor_words_simd<qkdnq::simd::arch>(a.data(), b.data(), n);
        } else {
            qkdnq::simd::xor_words_scalar(a.data(), b.data(), n);
        }
        benchmark::DoNotOptimize(a.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

template <bool Simd>
void BM_core_hamming_distance(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0)) / 8;
    const auto a = random_words(n, 3);
    const auto b = random_words(n, 4);
    for (auto _ : state) {
        std::uint64_t d = 0;
        if constexpr (Simd) {
            d = qkdnq::simd::xor_popcount_words_simd<qkdnq::simd::popcount_arch>(a.data(), b.data(), n);
        } else {
            d = qkdnq::simd::xor_popcount_words_scalar(a.data(), b.data(), n);
        }
        benchmark::DoNotOptimize(d);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_core_parity_range(benchmark::State& state) {
    std::mt19937_64 engine(5);
    const auto bytes = static_cast<std::size_t>(state.range(0));
    std::vector<std::uint8_t> data(bytes);
    for (auto& b : data) b = static_cast<std::uint8_t>(engine());
    const auto v = qkdnq::bit_vector::from_bytes(data);
    for (auto _ : state) benchmark::DoNotOptimize(v.parity(3, v.size() - 5));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

const std::string simd_suffix = std::string("<") + qkdnq::simd::arch::name() + ">";
const std::string popcount_suffix = std::string("<") + qkdnq::simd::popcount_arch::name() + ">";

const int registered = [] {
    for (std::int64_t bytes : {1024, 131072, 1048576}) {
        benchmark::RegisterBenchmark("BM_core_xor_words<scalar>", BM_core_xor_words<false>)->Arg(bytes);
        benchmark::RegisterBenchmark(("BM_core_xor_words" + simd_suffix).c_str(), BM_core_xor_words<true>)->Arg(bytes);
        benchmark::RegisterBenchmark("BM_core_hamming_distance<scalar>", BM_core_hamming_distance<false>)->Arg(bytes);
        benchmark::RegisterBenchmark(("BM_core_hamming_distance" + popcount_suffix).c_str(), BM_core_hamming_distance<true>)
            ->Arg(bytes);
        benchmark::RegisterBenchmark("BM_core_parity_range", BM_core_parity_range)->Arg(bytes);
    }
    return 0;
}();

}  // namespace
