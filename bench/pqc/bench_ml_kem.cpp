// ML-KEM-512/768/1024 KeyGen, Encaps and Decaps (FIPS 203 Alg. 16-18, the deterministic
// internal forms, so no system randomness is timed), plus the polynomial kernels.
//
//     bench_pqc_ml_kem --benchmark_repetitions=9 --benchmark_report_aggregates_only=true
//
// Each benchmark reports ns per operation and the counter `tsc`, time-stamp-counter ticks per
// operation (the unit of the reference figures; 2.6 GHz on the EPYC CI machine). Keys,
// seeds and ciphertexts are made outside the timed loops from a fixed seed.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pqc/ml_kem.hpp>
#include <qkdnq/simd/arch.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>

#include "support/tsc.hpp"

namespace {

template <class Body>
void timed(benchmark::State& state, Body&& body) {
    qkdnq::bench::timed(state, qkdnq::simd::arch_name(), body);
}

template <class Kem>
struct fixture {
    std::array<std::uint8_t, 32> d{}, z{}, m{};
    std::array<std::uint8_t, Kem::ek_size> ek{};
    std::array<std::uint8_t, Kem::dk_size> dk{};
    std::array<std::uint8_t, Kem::ct_size> c{};

    fixture() {
        qkdnq::shake_drbg rng(std::uint64_t{203});
        rng.fill(d);
        rng.fill(z);
        rng.fill(m);
        Kem::keygen_internal(d, z, ek, dk);
        auto key = Kem::encaps_internal(ek, m, c);
        benchmark::DoNotOptimize(key);
    }
};

template <class Kem>
void BM_ml_kem_keygen(benchmark::State& state) {
    fixture<Kem> f;
    timed(state, [&] {
        Kem::keygen_internal(f.d, f.z, f.ek, f.dk);
        benchmark::DoNotOptimize(f.dk);
    });
}

template <class Kem>
void BM_ml_kem_encaps(benchmark::State& state) {
    fixture<Kem> f;
    timed(state, [&] {
        auto key = Kem::encaps_internal(f.ek, f.m, f.c);
        benchmark::DoNotOptimize(key);
    });
}

template <class Kem>
void BM_ml_kem_decaps(benchmark::State& state) {
    fixture<Kem> f;
    timed(state, [&] {
        auto key = Kem::decaps_internal(f.dk, f.c);
        benchmark::DoNotOptimize(key);
    });
}

BENCHMARK(BM_ml_kem_keygen<qkdnq::ml_kem_512>)->Name("BM_ml_kem_512_keygen");
BENCHMARK(BM_ml_kem_encaps<qkdnq::ml_kem_512>)->Name("BM_ml_kem_512_encaps");
BENCHMARK(BM_ml_kem_decaps<qkdnq::ml_kem_512>)->Name("BM_ml_kem_512_decaps");
BENCHMARK(BM_ml_kem_keygen<qkdnq::ml_kem_768>)->Name("BM_ml_kem_768_keygen");
BENCHMARK(BM_ml_kem_encaps<qkdnq::ml_kem_768>)->Name("BM_ml_kem_768_encaps");
BENCHMARK(BM_ml_kem_decaps<qkdnq::ml_kem_768>)->Name("BM_ml_kem_768_decaps");
BENCHMARK(BM_ml_kem_keygen<qkdnq::ml_kem_1024>)->Name("BM_ml_kem_1024_keygen");
BENCHMARK(BM_ml_kem_encaps<qkdnq::ml_kem_1024>)->Name("BM_ml_kem_1024_encaps");
BENCHMARK(BM_ml_kem_decaps<qkdnq::ml_kem_1024>)->Name("BM_ml_kem_1024_decaps");

// ---------------------------------------------------------------- kernels
namespace mk = qkdnq::detail::ml_kem;

mk::poly bench_poly() {
    mk::poly p;
    qkdnq::shake_drbg rng(std::uint64_t{9});
    for (auto& x : p.c) x = static_cast<std::uint16_t>(qkdnq::random_below(rng, mk::q));
    return p;
}

// Each kernel once per backend: BM_ml_kem_ntt<scalar>, BM_ml_kem_ntt<simd> (the label names the
// xsimd architecture), and so on.
template <class Backend>
void BM_ml_kem_ntt(benchmark::State& state) {
    mk::poly p = bench_poly();
    qkdnq::bench::timed(state, Backend::name, [&] {
        auto r = Backend::ntt(p);
        benchmark::DoNotOptimize(r);
    });
}

template <class Backend>
void BM_ml_kem_ntt_inverse(benchmark::State& state) {
    mk::poly_ntt p{bench_poly().c};
    qkdnq::bench::timed(state, Backend::name, [&] {
        auto r = Backend::ntt_inverse(p);
        benchmark::DoNotOptimize(r);
    });
}

template <class Backend>
void BM_ml_kem_multiply_ntts(benchmark::State& state) {
    mk::poly_ntt a{bench_poly().c}, b{bench_poly().c};
    qkdnq::bench::timed(state, Backend::name, [&] {
        auto r = Backend::multiply_ntts(a, b);
        benchmark::DoNotOptimize(r);
    });
}

template <class Backend>
void BM_ml_kem_compress10(benchmark::State& state) {
    mk::poly p = bench_poly();
    qkdnq::bench::timed(state, Backend::name, [&] {
        mk::poly r = p;
        Backend::template compress<10>(r);
        benchmark::DoNotOptimize(r);
    });
}

BENCHMARK(BM_ml_kem_ntt<mk::scalar_backend>)->Name("BM_ml_kem_ntt<scalar>");
BENCHMARK(BM_ml_kem_ntt_inverse<mk::scalar_backend>)->Name("BM_ml_kem_ntt_inverse<scalar>");
BENCHMARK(BM_ml_kem_multiply_ntts<mk::scalar_backend>)->Name("BM_ml_kem_multiply_ntts<scalar>");
BENCHMARK(BM_ml_kem_compress10<mk::scalar_backend>)->Name("BM_ml_kem_compress10<scalar>");
#if QKDNQ_ML_KEM_HAVE_SIMD
BENCHMARK(BM_ml_kem_ntt<mk::simd_backend>)->Name("BM_ml_kem_ntt<simd>");
BENCHMARK(BM_ml_kem_ntt_inverse<mk::simd_backend>)->Name("BM_ml_kem_ntt_inverse<simd>");
BENCHMARK(BM_ml_kem_multiply_ntts<mk::simd_backend>)->Name("BM_ml_kem_multiply_ntts<simd>");
BENCHMARK(BM_ml_kem_compress10<mk::simd_backend>)->Name("BM_ml_kem_compress10<simd>");
#endif

// SampleNTT: one seed at a time (scalar parser), and four at a time (the matrix path).
void BM_ml_kem_sample_ntt(benchmark::State& state) {
    std::array<std::uint8_t, 34> seed{};
    timed(state, [&] {
        auto r = mk::sample_ntt(seed);
        benchmark::DoNotOptimize(r);
    });
}
BENCHMARK(BM_ml_kem_sample_ntt);

void BM_ml_kem_sample_ntt_x4(benchmark::State& state) {
    std::array<std::array<std::uint8_t, 34>, 4> seeds{};
    for (std::size_t l = 0; l < 4; ++l) seeds[l][33] = static_cast<std::uint8_t>(l);
    std::array<mk::poly_ntt, 4> out;
    timed(state, [&] {
        mk::sample_ntt_x4(seeds, {&out[0], &out[1], &out[2], &out[3]});
        benchmark::DoNotOptimize(out);
    });
}
BENCHMARK(BM_ml_kem_sample_ntt_x4);

}  // namespace
