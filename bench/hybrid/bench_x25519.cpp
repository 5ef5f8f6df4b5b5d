// X25519 (hybrid/x25519.hpp): one scalar multiplication with a variable base, and the public key
// (fixed base 9, the same ladder here), against OpenSSL's X25519 (EVP_PKEY_derive) where it is
// installed (QKDNQ_BENCH_HAVE_OPENSSL).
//
//     bench_hybrid_x25519 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/x25519.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>

#if defined(QKDNQ_BENCH_HAVE_OPENSSL) && QKDNQ_BENCH_HAVE_OPENSSL
#include <openssl/evp.h>
#endif

namespace {

namespace hy = qkdnq::hybrid;

void BM_x25519_shared_secret(benchmark::State& state) {
    qkdnq::shake_drbg rng(1);
    const auto a = hy::x25519_generate(rng), b = hy::x25519_generate(rng);
    const auto peer = hy::x25519_public_key(b);
    for (auto _ : state) {
        auto k = hy::x25519_shared_secret(a, peer);
        benchmark::DoNotOptimize(k->data());
    }
    state.counters["ops_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_x25519_public_key(benchmark::State& state) {
    qkdnq::shake_drbg rng(2);
    const auto a = hy::x25519_generate(rng);
    for (auto _ : state) {
        auto p = hy::x25519_public_key(a);
        benchmark::DoNotOptimize(p.data());
    }
    state.counters["ops_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

#if defined(QKDNQ_BENCH_HAVE_OPENSSL) && QKDNQ_BENCH_HAVE_OPENSSL
void BM_openssl_x25519_derive(benchmark::State& state) {
    qkdnq::shake_drbg rng(1);
    const auto a = hy::x25519_generate(rng), b = hy::x25519_generate(rng);
    const auto peer = hy::x25519_public_key(b);
    EVP_PKEY* own = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, a.data(), a.size());
    EVP_PKEY* other = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer.data(), peer.size());
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(own, nullptr);
    if (own == nullptr || other == nullptr || ctx == nullptr || EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, other) != 1) {
        state.SkipWithError("OpenSSL X25519 setup failed");
    } else {
        std::array<std::uint8_t, 32> out{};
        const auto ours = hy::x25519_shared_secret(a, peer);
        std::size_t len = out.size();
        if (EVP_PKEY_derive(ctx, out.data(), &len) != 1 || !std::equal(out.begin(), out.end(), ours->data())) {
            state.SkipWithError("OpenSSL and qkdnq disagree");
        }
        for (auto _ : state) {
            len = out.size();
            EVP_PKEY_derive(ctx, out.data(), &len);
            benchmark::DoNotOptimize(out.data());
        }
    }
    state.counters["ops_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(other);
    EVP_PKEY_free(own);
}
BENCHMARK(BM_openssl_x25519_derive)->Unit(benchmark::kMicrosecond);
#endif

}  // namespace

BENCHMARK(BM_x25519_shared_secret)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_x25519_public_key)->Unit(benchmark::kMicrosecond);
