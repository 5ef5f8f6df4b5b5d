// ML-DSA-44/65/87 KeyGen, Sign and Verify (FIPS 204 Alg. 6, 2 and 3; key generation from a
// fixed xi and deterministic signing, so no system randomness is timed), plus the polynomial
// kernels.
//
//     bench_pqc_ml_dsa --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Signing time depends on the number of rejected attempts, which depends on the message. The sign
// benchmark therefore signs a fixed set of 64 messages (seeded) in each iteration and reports,
// besides the mean time per signature (items/s), the median over the messages: counters
// `median_us` and `median_tsc` (time-stamp-counter ticks, the unit of the reference
// figures). KeyGen and Verify report ns per operation and `tsc` per operation. Inputs are made
// outside the timed loops.
#include <qkdnq/core/random.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pqc/ml_dsa.hpp>
#include <qkdnq/simd/arch.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "support/tsc.hpp"

namespace {

using qkdnq::bench::ticks;

template <class Body>
void timed(benchmark::State& state, Body&& body) {
    qkdnq::bench::timed(state, qkdnq::detail::ml_dsa::default_backend::name, body);
}

constexpr std::size_t message_count = 64;
constexpr std::size_t message_size = 64;

template <class Dsa>
struct fixture {
    std::array<std::uint8_t, 32> xi{};
    std::array<std::uint8_t, Dsa::pk_size> pk{};
    std::array<std::uint8_t, Dsa::sk_size> sk{};
    std::vector<std::array<std::uint8_t, message_size>> messages{message_count};
    std::vector<std::array<std::uint8_t, Dsa::sig_size>> signatures{message_count};

    fixture() {
        qkdnq::shake_drbg rng(std::uint64_t{204});
        rng.fill(xi);
        Dsa::keygen_internal(xi, pk, sk);
        for (std::size_t i = 0; i < message_count; ++i) {
            rng.fill(messages[i]);
            Dsa::sign_deterministic(sk, messages[i], {}, signatures[i]);
        }
    }
};

template <class Dsa>
void BM_ml_dsa_keygen(benchmark::State& state) {
    fixture<Dsa> f;
    timed(state, [&] {
        Dsa::keygen_internal(f.xi, f.pk, f.sk);
        benchmark::DoNotOptimize(f.sk);
    });
}

template <class Dsa>
void BM_ml_dsa_sign(benchmark::State& state) {
    fixture<Dsa> f;
    std::array<std::uint8_t, Dsa::sig_size> sig{};
    std::vector<double> ns;
    std::vector<std::uint64_t> tsc;
    ns.reserve(1 << 16);
    tsc.reserve(1 << 16);
    for (auto _ : state) {
        for (std::size_t i = 0; i < message_count; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            const std::uint64_t c0 = ticks();
            Dsa::sign_deterministic(f.sk, f.messages[i], {}, sig);
            const std::uint64_t c1 = ticks();
            const auto t1 = std::chrono::steady_clock::now();
            benchmark::DoNotOptimize(sig);
            if (ns.size() < ns.capacity()) {
                ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
                tsc.push_back(c1 - c0);
            }
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<benchmark::IterationCount>(message_count));
    if (!ns.empty()) {
        std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(ns.size() / 2), ns.end());
        std::nth_element(tsc.begin(), tsc.begin() + static_cast<std::ptrdiff_t>(tsc.size() / 2), tsc.end());
        state.counters["median_us"] = ns[ns.size() / 2] / 1000.0;
        state.counters["median_tsc"] = static_cast<double>(tsc[tsc.size() / 2]);
    }
    state.SetLabel(qkdnq::detail::ml_dsa::default_backend::name);
}

template <class Dsa>
void BM_ml_dsa_verify(benchmark::State& state) {
    fixture<Dsa> f;
    std::size_t i = 0;
    timed(state, [&] {
        const bool ok = Dsa::verify(f.pk, f.messages[i], {}, f.signatures[i]);
        benchmark::DoNotOptimize(ok);
        i = (i + 1) % message_count;
    });
}

BENCHMARK(BM_ml_dsa_keygen<qkdnq::ml_dsa_44>)->Name("BM_ml_dsa_44_keygen");
BENCHMARK(BM_ml_dsa_sign<qkdnq::ml_dsa_44>)->Name("BM_ml_dsa_44_sign");
BENCHMARK(BM_ml_dsa_verify<qkdnq::ml_dsa_44>)->Name("BM_ml_dsa_44_verify");
BENCHMARK(BM_ml_dsa_keygen<qkdnq::ml_dsa_65>)->Name("BM_ml_dsa_65_keygen");
BENCHMARK(BM_ml_dsa_sign<qkdnq::ml_dsa_65>)->Name("BM_ml_dsa_65_sign");
BENCHMARK(BM_ml_dsa_verify<qkdnq::ml_dsa_65>)->Name("BM_ml_dsa_65_verify");
BENCHMARK(BM_ml_dsa_keygen<qkdnq::ml_dsa_87>)->Name("BM_ml_dsa_87_keygen");
BENCHMARK(BM_ml_dsa_sign<qkdnq::ml_dsa_87>)->Name("BM_ml_dsa_87_sign");
BENCHMARK(BM_ml_dsa_verify<qkdnq::ml_dsa_87>)->Name("BM_ml_dsa_87_verify");

// ---------------------------------------------------------------- kernels
namespace md = qkdnq::detail::ml_dsa;

md::poly bench_poly() {
    md::poly p;
    qkdnq::shake_drbg rng(std::uint64_t{9});
    for (auto& x : p.c) x = static_cast<std::int32_t>(qkdnq::random_below(rng, md::q));
    return p;
}

template <class Backend>
void BM_ml_dsa_ntt(benchmark::State& state) {
    const md::poly p = bench_poly();
    qkdnq::bench::timed(state, Backend::name, [&] {
        auto r = Backend::ntt(p);
        benchmark::DoNotOptimize(r);
    });
}

template <class Backend>
void BM_ml_dsa_ntt_inverse(benchmark::State& state) {
    const md::poly_ntt p{bench_poly().c};
    qkdnq::bench::timed(state, Backend::name, [&] {
        auto r = Backend::ntt_inverse_montgomery(p);
        benchmark::DoNotOptimize(r);
    });
}

template <class Backend>
void BM_ml_dsa_multiply_ntts(benchmark::State& state) {
    const md::poly_ntt a{bench_poly().c}, b{bench_poly().c};
    qkdnq::bench::timed(state, Backend::name, [&] {
        auto r = Backend::multiply_ntts(a, b);
        benchmark::DoNotOptimize(r);
    });
}

template <class Backend>
void BM_ml_dsa_decompose(benchmark::State& state) {
    const md::poly w = bench_poly();
    md::poly w1, w0;
    qkdnq::bench::timed(state, Backend::name, [&] {
        Backend::template decompose<md::gamma2_high>(w1, w0, w);
        benchmark::DoNotOptimize(w1);
        benchmark::DoNotOptimize(w0);
    });
}

template <class Backend>
void BM_ml_dsa_multiply_accumulate(benchmark::State& state) {
    const md::poly_ntt a{bench_poly().c}, b{bench_poly().c};
    md::poly_ntt acc;
    qkdnq::bench::timed(state, Backend::name, [&] {
        Backend::multiply_accumulate(acc, a, b);
        Backend::reduce(acc);
        benchmark::DoNotOptimize(acc);
    });
}

template <class Backend>
void BM_ml_dsa_use_hint(benchmark::State& state) {
    const md::poly w = bench_poly();
    md::poly h, w1;
    for (std::size_t i = 0; i < md::n; ++i) h.c[i] = static_cast<std::int32_t>(i % 3 == 0);
    qkdnq::bench::timed(state, Backend::name, [&] {
        Backend::template use_hint<md::gamma2_high>(w1, h, w);
        benchmark::DoNotOptimize(w1);
    });
}

template <class Backend>
void BM_ml_dsa_norm_exceeds(benchmark::State& state) {
    const md::poly f = bench_poly();
    qkdnq::bench::timed(state, Backend::name, [&] {
        auto r = Backend::norm_exceeds(f, md::q / 2);
        benchmark::DoNotOptimize(r);
    });
}

BENCHMARK(BM_ml_dsa_ntt<md::scalar_backend>)->Name("BM_ml_dsa_ntt<scalar>");
BENCHMARK(BM_ml_dsa_ntt_inverse<md::scalar_backend>)->Name("BM_ml_dsa_ntt_inverse<scalar>");
BENCHMARK(BM_ml_dsa_multiply_ntts<md::scalar_backend>)->Name("BM_ml_dsa_multiply_ntts<scalar>");
BENCHMARK(BM_ml_dsa_decompose<md::scalar_backend>)->Name("BM_ml_dsa_decompose<scalar>");
BENCHMARK(BM_ml_dsa_multiply_accumulate<md::scalar_backend>)->Name("BM_ml_dsa_multiply_accumulate<scalar>");
BENCHMARK(BM_ml_dsa_use_hint<md::scalar_backend>)->Name("BM_ml_dsa_use_hint<scalar>");
BENCHMARK(BM_ml_dsa_norm_exceeds<md::scalar_backend>)->Name("BM_ml_dsa_norm_exceeds<scalar>");
#if QKDNQ_ML_DSA_HAVE_SIMD
BENCHMARK(BM_ml_dsa_ntt<md::simd_backend>)->Name("BM_ml_dsa_ntt<simd>");
BENCHMARK(BM_ml_dsa_ntt_inverse<md::simd_backend>)->Name("BM_ml_dsa_ntt_inverse<simd>");
BENCHMARK(BM_ml_dsa_multiply_ntts<md::simd_backend>)->Name("BM_ml_dsa_multiply_ntts<simd>");
BENCHMARK(BM_ml_dsa_decompose<md::simd_backend>)->Name("BM_ml_dsa_decompose<simd>");
BENCHMARK(BM_ml_dsa_multiply_accumulate<md::simd_backend>)->Name("BM_ml_dsa_multiply_accumulate<simd>");
BENCHMARK(BM_ml_dsa_use_hint<md::simd_backend>)->Name("BM_ml_dsa_use_hint<simd>");
BENCHMARK(BM_ml_dsa_norm_exceeds<md::simd_backend>)->Name("BM_ml_dsa_norm_exceeds<simd>");
#endif

// The samplers: ExpandA's RejNTTPoly (SHAKE128) and ExpandMask (SHAKE256), one polynomial each.
void BM_ml_dsa_rej_ntt_poly(benchmark::State& state) {
    std::array<std::uint8_t, 34> seed{};
    timed(state, [&] {
        auto r = md::rej_ntt_poly(seed);
        benchmark::DoNotOptimize(r);
    });
}
BENCHMARK(BM_ml_dsa_rej_ntt_poly);

void BM_ml_dsa_expand_mask_poly(benchmark::State& state) {
    std::array<std::uint8_t, 64> seed{};
    timed(state, [&] {
        auto r = md::expand_mask_poly<19>(seed, 7);
        benchmark::DoNotOptimize(r);
    });
}
BENCHMARK(BM_ml_dsa_expand_mask_poly);

}  // namespace
