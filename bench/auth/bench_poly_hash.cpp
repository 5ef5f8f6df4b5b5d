// Polynomial-hash throughput at 64 B, 1 KiB, 16 KiB and 1 MiB, per compiled block kernel, and
// OpenSSL's GHASH (GMAC: AES-128-GCM over additional data only) where it is linked
// (QKDNQ_BENCH_HAVE_OPENSSL).
//
//   BM_auth_poly_hash128<kernel>/N   detail::gf128_blocks(kernel) over N / 16 blocks (key powers
//                                    precomputed, as a poly_hash_key holds them)
//   BM_auth_poly_hash128/N           the public qkdnq::auth::poly_hash<128> (one-shot, finalize included)
//   BM_auth_poly_hash64<kernel>/N, BM_auth_poly_hash64/N   the same over GF(2^64)
//   BM_auth_openssl_gmac/N           EVP AES-128-GCM: init with key and IV, N bytes of AAD, final, tag
//
// `tsc` is time-stamp-counter ticks per iteration (bench/support/tsc.hpp) and `cpb` ticks per byte.
#include <qkdnq/auth/detail/poly_hash_simd.hpp>
#include <qkdnq/auth/poly_hash.hpp>

#include <support/tsc.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#if defined(QKDNQ_BENCH_HAVE_OPENSSL) && QKDNQ_BENCH_HAVE_OPENSSL
#include <openssl/evp.h>
#endif

namespace {

namespace d = qkdnq::auth::detail;

// Inputs are made outside the timed loops, from a fixed seed.
std::vector<std::uint8_t> bench_input(std::size_t n, std::uint64_t seed = 20261206) {
    std::mt19937_64 rng(seed);
    std::vector<std::uint8_t> out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    return out;
}

void finish(benchmark::State& state, std::size_t n, const char* label, std::uint64_t start) {
    const std::uint64_t elapsed = qkdnq::bench::ticks() - start;
    const double per_iter = static_cast<double>(elapsed) / static_cast<double>(state.iterations());
    state.counters["tsc"] = benchmark::Counter(per_iter);
    state.counters["cpb"] = benchmark::Counter(n != 0 ? per_iter / static_cast<double>(n) : 0.0);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
    state.SetLabel(label);
}

void bm_kernel128(benchmark::State& state, d::poly_kernel kernel) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto data = bench_input(n);
    const auto key = bench_input(16, 1);
    d::gf128_powers pw;
    pw.compute(d::load_gf128(key.data()));
    d::gf128 acc{};
    const std::uint64_t start = qkdnq::bench::ticks();
    for (auto _ : state) {
        d::gf128_blocks(kernel, acc, pw, data.data(), n / 16);
        benchmark::DoNotOptimize(acc);
    }
    finish(state, n, d::poly_kernel_name(kernel), start);
}

void bm_kernel64(benchmark::State& state, d::poly_kernel kernel) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto data = bench_input(n);
    const auto key = bench_input(8, 1);
    d::gf64_powers pw;
    pw.compute(qkdnq::load_le64(key.data()));
    std::uint64_t acc = 0;
    const std::uint64_t start = qkdnq::bench::ticks();
    for (auto _ : state) {
        d::gf64_blocks(kernel, acc, pw, data.data(), n / 8);
        benchmark::DoNotOptimize(acc);
    }
    finish(state, n, d::poly_kernel_name(kernel), start);
}

template <std::size_t Bits>
void bm_public(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto data = bench_input(n);
    const auto key_bytes = bench_input(Bits / 8, 1);
    const qkdnq::auth::poly_hash_key<Bits> key(std::span<const std::uint8_t, Bits / 8>(key_bytes.data(), Bits / 8));
    const std::uint64_t start = qkdnq::bench::ticks();
    for (auto _ : state) {
        auto digest = qkdnq::auth::poly_hash(key, data);
        benchmark::DoNotOptimize(digest);
        benchmark::ClobberMemory();
    }
    finish(state, n, d::poly_kernel_name(Bits == 128 ? d::gf128_kernel_fast : d::gf64_kernel_fast), start);
}

#if defined(QKDNQ_BENCH_HAVE_OPENSSL) && QKDNQ_BENCH_HAVE_OPENSSL
// GMAC: AES-128-GCM with additional data only, context and cipher reused, key and IV set per
// message (OpenSSL derives H = AES_K(0) and its GHASH table at key setup).
void bm_openssl_gmac(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto aad = bench_input(n);
    const auto key = bench_input(16, 1);
    const auto iv = bench_input(12, 2);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
    if (ctx == nullptr || cipher == nullptr) {
        state.SkipWithError("OpenSSL AES-128-GCM unavailable");
        EVP_CIPHER_free(cipher);
        EVP_CIPHER_CTX_free(ctx);
        return;
    }
    unsigned char tag[16];
    int len = 0;
    const std::uint64_t start = qkdnq::bench::ticks();
    for (auto _ : state) {
        EVP_EncryptInit_ex(ctx, cipher, nullptr, key.data(), iv.data());
        EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(n));
        EVP_EncryptFinal_ex(ctx, tag, &len);
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag);
        benchmark::DoNotOptimize(tag);
        benchmark::ClobberMemory();
    }
    finish(state, n, "openssl", start);
    EVP_CIPHER_free(cipher);
    EVP_CIPHER_CTX_free(ctx);
}
#endif

void sizes(benchmark::internal::Benchmark* b) { b->Arg(64)->Arg(1024)->Arg(16 << 10)->Arg(1 << 20); }

// One benchmark per compiled kernel, under BM_auth_poly_hash<bits><kernel>.
[[maybe_unused]] const bool registered = [] {
    for (const d::poly_kernel k : d::gf128_kernels) {
        const std::string name = std::string("BM_auth_poly_hash128<") + d::poly_kernel_name(k) + ">";
        benchmark::RegisterBenchmark(name.c_str(), bm_kernel128, k)->Apply(sizes);
    }
    for (const d::poly_kernel k : d::gf64_kernels) {
        const std::string name = std::string("BM_auth_poly_hash64<") + d::poly_kernel_name(k) + ">";
        benchmark::RegisterBenchmark(name.c_str(), bm_kernel64, k)->Apply(sizes);
    }
    return true;
}();

}  // namespace

BENCHMARK_TEMPLATE(bm_public, 128)->Name("BM_auth_poly_hash128")->Apply(sizes);
BENCHMARK_TEMPLATE(bm_public, 64)->Name("BM_auth_poly_hash64")->Apply(sizes);
#if defined(QKDNQ_BENCH_HAVE_OPENSSL) && QKDNQ_BENCH_HAVE_OPENSSL
BENCHMARK(bm_openssl_gmac)->Name("BM_auth_openssl_gmac")->Apply(sizes);
#endif
