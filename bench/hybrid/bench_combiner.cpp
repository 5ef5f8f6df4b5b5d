// Hybrid combiners (hybrid/combiner.hpp) and X-Wing (hybrid/xwing.hpp): one qkdnq hybrid key
// (CatKDF / CasKDF with KMAC256, QKD + ML-KEM-768 with and without X25519) from given secrets,
// and X-Wing's key generation, encapsulation and decapsulation.
//
//     bench_hybrid_combiner --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/combiner.hpp>
#include <qkdnq/hybrid/xwing.hpp>
#include <qkdnq/pqc/ml_kem.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>

namespace {

namespace hy = qkdnq::hybrid;

void per_second(benchmark::State& state) {
    state.counters["ops_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// range(0): 0 = QKD + ML-KEM, 1 = QKD + ML-KEM + X25519; range(1): 0 = CatKDF, 1 = CasKDF.
void BM_combine_hybrid_key(benchmark::State& state) {
    qkdnq::shake_drbg rng(1);
    std::array<std::uint8_t, 32> qkd{}, ss{}, x_ss{}, xa{}, xb{};
    std::array<std::uint8_t, qkdnq::ml_kem_768::ek_size> ek{};
    std::array<std::uint8_t, qkdnq::ml_kem_768::ct_size> ct{};
    for (auto* b : {&qkd, &ss, &x_ss, &xa, &xb}) rng.fill(*b);
    rng.fill(ek);
    rng.fill(ct);
    hy::hybrid_key_input in;
    in.binding = {"4f4c2c3a-5e0b-4a8b-9c7d-0a1b2c3d4e5f", "KME_A", "KME_B"};
    in.qkd_key = qkd;
    in.ml_kem_secret = ss;
    in.ml_kem_public_key = ek;
    in.ml_kem_ciphertext = ct;
    if (state.range(0) == 1) {
        in.x25519_secret = x_ss;
        in.x25519_public_a = xa;
        in.x25519_public_b = xb;
    }
    const auto mode = state.range(1) == 0 ? hy::combiner_mode::cat_kdf : hy::combiner_mode::cas_kdf;
    for (auto _ : state) {
        auto key = hy::combine_hybrid_key<32>(in, mode);
        benchmark::DoNotOptimize(key.data());
    }
    per_second(state);
}
BENCHMARK(BM_combine_hybrid_key)->ArgsProduct({{0, 1}, {0, 1}})->ArgNames({"x25519", "cascade"});

void BM_xwing_generate(benchmark::State& state) {
    qkdnq::shake_drbg rng(2);
    for (auto _ : state) {
        auto pair = hy::xwing::generate_key_pair(rng);
        benchmark::DoNotOptimize(pair.pk.data());
    }
    per_second(state);
}
BENCHMARK(BM_xwing_generate);

void BM_xwing_encapsulate(benchmark::State& state) {
    qkdnq::shake_drbg rng(3);
    const auto pair = hy::xwing::generate_key_pair(rng);
    for (auto _ : state) {
        auto enc = hy::xwing::encapsulate(pair.pk, rng);
        benchmark::DoNotOptimize(enc->ss.data());
    }
    per_second(state);
}
BENCHMARK(BM_xwing_encapsulate);

void BM_xwing_decapsulate(benchmark::State& state) {
    qkdnq::shake_drbg rng(4);
    const auto pair = hy::xwing::generate_key_pair(rng);
    const auto enc = hy::xwing::encapsulate(pair.pk, rng);
    for (auto _ : state) {
        auto ss = hy::xwing::decapsulate(pair.sk, enc->ct);
        benchmark::DoNotOptimize(ss.data());
    }
    per_second(state);
}
BENCHMARK(BM_xwing_decapsulate);

}  // namespace
