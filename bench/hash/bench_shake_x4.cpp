// Four-way Keccak-f[1600] and SHAKE against four single-state runs, in ML-KEM's shapes.
//
//     bench_hash_shake_x4 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
//  * BM_hash_keccak_f1600_x4<arch>: one four-way permutation per iteration, once per compiled
//    implementation (plain BM_hash_keccak_f1600_x4 is the one `qkdnq::keccak_f1600_x4` uses);
//    <4x_single> is four calls of the single-state `qkdnq::keccak_f1600`. Bytes: 4 * 200.
//  * BM_hash_shake128_x4/34/504: SampleNTT's shape, four 34-byte seeds to 504 bytes (3 blocks)
//    each; BM_hash_shake256_x4/33/128 and /33/192: the PRF's shapes. <4x_single> is four
//    `qkdnq::shake128::hash` / `shake256::hash` calls. Bytes: 4 * output bytes.
// Inputs are made outside the timed loops from fixed seeds.
#include <qkdnq/hash/detail/keccak_x4.hpp>
#include <qkdnq/hash/keccak.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/hash/shake_x4.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using x4_state = qkdnq::detail::keccak_x4_state;
constexpr std::size_t ways = qkdnq::detail::keccak_x4_ways;

x4_state random_state(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    x4_state s{};
    for (auto& w : s) w = rng();
    return s;
}

// ---------------------------------------------------------------- the permutation
template <void (*Permute)(x4_state&)>
void bench_permutation_x4(benchmark::State& state, std::string_view label) {
    x4_state s = random_state(1);
    for (auto _ : state) {
        Permute(s);
        benchmark::DoNotOptimize(s);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 4 * 200);
    state.SetLabel(std::string(label));
}

void permute_selected(x4_state& s) { qkdnq::keccak_f1600_x4(s); }
void permute_scalar(x4_state& s) { qkdnq::detail::keccak_f1600_x4_scalar(s); }
#if defined(__AVX2__)
void permute_avx2(x4_state& s) { qkdnq::detail::keccak_f1600_x4_simd<xsimd::avx2>(s); }
#endif
#if defined(__SSE2__)
void permute_sse2(x4_state& s) { qkdnq::detail::keccak_f1600_x4_simd<xsimd::sse2>(s); }
#endif

// Four single-state permutations on four separate states, as a caller without the x4 code would.
void bench_permutation_4x_single(benchmark::State& state) {
    std::array<std::array<std::uint64_t, 25>, ways> s{};
    const x4_state start = random_state(1);
    for (std::size_t i = 0; i < 25; ++i) {
        for (std::size_t j = 0; j < ways; ++j) s[j][i] = start[ways * i + j];
    }
    for (auto _ : state) {
        for (auto& one : s) qkdnq::keccak_f1600(one);
        benchmark::DoNotOptimize(s);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 4 * 200);
    state.SetLabel(std::string(qkdnq::keccak_f1600_implementation));
}

// ---------------------------------------------------------------- SHAKE
std::array<std::vector<std::uint8_t>, ways> seeds(std::size_t n) {
    std::mt19937_64 rng(2);
    std::array<std::vector<std::uint8_t>, ways> in;
    for (auto& v : in) {
        v.resize(n);
        for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    }
    return in;
}

// state.range(0): input bytes per instance; state.range(1): output bytes per instance.
template <class X4>
void bench_shake_x4(benchmark::State& state) {
    const auto in = seeds(static_cast<std::size_t>(state.range(0)));
    std::array<std::vector<std::uint8_t>, ways> out;
    for (auto& v : out) v.resize(static_cast<std::size_t>(state.range(1)));
    const typename X4::inputs in_views = {in[0], in[1], in[2], in[3]};
    const typename X4::outputs out_spans = {out[0], out[1], out[2], out[3]};
    for (auto _ : state) {
        X4::hash(in_views, out_spans);
        benchmark::DoNotOptimize(out[0].data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 4 * state.range(1));
    state.SetLabel(std::string(qkdnq::keccak_f1600_x4_implementation));
}

template <class Single>
void bench_shake_4x_single(benchmark::State& state) {
    const auto in = seeds(static_cast<std::size_t>(state.range(0)));
    std::array<std::vector<std::uint8_t>, ways> out;
    for (auto& v : out) v.resize(static_cast<std::size_t>(state.range(1)));
    for (auto _ : state) {
        for (std::size_t j = 0; j < ways; ++j) Single::hash(in[j], out[j]);
        benchmark::DoNotOptimize(out[0].data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 4 * state.range(1));
    state.SetLabel(std::string(qkdnq::keccak_f1600_implementation));
}

const bool benchmarks_registered = [] {
    benchmark::RegisterBenchmark("BM_hash_keccak_f1600_x4", bench_permutation_x4<permute_selected>,
                                 qkdnq::keccak_f1600_x4_implementation);
#if defined(__AVX2__)
    benchmark::RegisterBenchmark("BM_hash_keccak_f1600_x4<avx2>", bench_permutation_x4<permute_avx2>, "avx2");
#endif
#if defined(__SSE2__)
    benchmark::RegisterBenchmark("BM_hash_keccak_f1600_x4<sse2>", bench_permutation_x4<permute_sse2>, "sse2");
#endif
    benchmark::RegisterBenchmark("BM_hash_keccak_f1600_x4<scalar>", bench_permutation_x4<permute_scalar>,
                                 "scalar (4x keccak_f1600 on copies)");
    benchmark::RegisterBenchmark("BM_hash_keccak_f1600_x4<4x_single>", bench_permutation_4x_single);

    benchmark::RegisterBenchmark("BM_hash_shake128_x4", bench_shake_x4<qkdnq::shake128_x4>)->Args({34, 504});
    benchmark::RegisterBenchmark("BM_hash_shake128_x4<4x_single>", bench_shake_4x_single<qkdnq::shake128>)
        ->Args({34, 504});
    benchmark::RegisterBenchmark("BM_hash_shake256_x4", bench_shake_x4<qkdnq::shake256_x4>)
        ->Args({33, 128})
        ->Args({33, 192});
    benchmark::RegisterBenchmark("BM_hash_shake256_x4<4x_single>", bench_shake_4x_single<qkdnq::shake256>)
        ->Args({33, 128})
        ->Args({33, 192});
    return true;
}();

}  // namespace
