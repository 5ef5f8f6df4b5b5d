// SHA-256, SHA-512 and HMAC-SHA-256 throughput at 64 B, 1 KiB and 1 MiB, against OpenSSL's EVP
// interface where it is linked (QKDNQ_BENCH_HAVE_OPENSSL).
//
//   BM_hash_sha256/N            qkdnq::sha256::hash (the compression function the build selected)
//   BM_hash_sha256<scalar>/N    the same with the scalar reference compression pinned
//   BM_hash_sha256<shani>/N     the same with the SHA-NI compression pinned (SHA-NI builds only)
//   BM_hash_sha512/N, BM_hash_hmac_sha256/N
//   BM_openssl_sha256/N, BM_openssl_sha512/N, BM_openssl_hmac_sha256/N
//
// Each iteration hashes (or MACs, key setup included) one whole message of N bytes.
#include <qkdnq/hash/hmac.hpp>
#include <qkdnq/hash/sha2.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#if defined(QKDNQ_BENCH_HAVE_OPENSSL) && QKDNQ_BENCH_HAVE_OPENSSL
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#endif

namespace {

// Inputs are made outside the timed loops, from a fixed seed.
std::vector<std::uint8_t> bench_input(std::size_t n) {
    std::mt19937_64 rng(20240611);
    std::vector<std::uint8_t> out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    return out;
}

const std::vector<std::uint8_t>& bench_key() {
    static const std::vector<std::uint8_t> key = bench_input(32);
    return key;
}

void set_bytes(benchmark::State& state, std::size_t n) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

template <class Hash>
void bm_hash(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto data = bench_input(n);
    for (auto _ : state) {
        auto digest = Hash::hash(data);
        benchmark::DoNotOptimize(digest);
        benchmark::ClobberMemory();
    }
    set_bytes(state, n);
    state.SetLabel(std::string(Hash::implementation));
}

template <class Hash>
void bm_hmac(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto data = bench_input(n);
    for (auto _ : state) {
        auto tag = qkdnq::hmac<Hash>::mac(bench_key(), data);
        benchmark::DoNotOptimize(tag);
        benchmark::ClobberMemory();
    }
    set_bytes(state, n);
}

struct sha256_scalar_params : qkdnq::detail::sha256_params {
    static constexpr std::string_view implementation = "scalar";
    static void compress(std::span<std::uint32_t, 8> s, qkdnq::bytes_view blocks) noexcept {
        qkdnq::detail::sha256_compress_scalar(s, blocks);
    }
};
using sha256_scalar = qkdnq::detail::sha2_hash<sha256_scalar_params>;

#if defined(QKDNQ_SHA256_HAVE_SHANI)
struct sha256_shani_params : qkdnq::detail::sha256_params {
    static constexpr std::string_view implementation = "shani";
    static void compress(std::span<std::uint32_t, 8> s, qkdnq::bytes_view blocks) noexcept {
        qkdnq::detail::sha256_compress_shani(s, blocks);
    }
};
using sha256_shani = qkdnq::detail::sha2_hash<sha256_shani_params>;
#endif

#if defined(QKDNQ_BENCH_HAVE_OPENSSL) && QKDNQ_BENCH_HAVE_OPENSSL
// EVP digest with the algorithm fetched once and the context reused, as a careful caller would.
void bm_openssl_digest(benchmark::State& state, const char* name) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto data = bench_input(n);
    EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (md == nullptr || ctx == nullptr) {
        state.SkipWithError("OpenSSL digest unavailable");
        return;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    for (auto _ : state) {
        EVP_DigestInit_ex2(ctx, md, nullptr);
        EVP_DigestUpdate(ctx, data.data(), data.size());
        EVP_DigestFinal_ex(ctx, digest, &digest_len);
        benchmark::DoNotOptimize(digest);
        benchmark::ClobberMemory();
    }
    set_bytes(state, n);
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
}

// EVP_MAC HMAC, keyed in every iteration like qkdnq::hmac<>::mac.
void bm_openssl_hmac(benchmark::State& state, const char* digest_name) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto data = bench_input(n);
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
    if (ctx == nullptr) {
        state.SkipWithError("OpenSSL HMAC unavailable");
        EVP_MAC_free(mac);
        return;
    }
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_name), 0),
        OSSL_PARAM_construct_end()};
    unsigned char tag[EVP_MAX_MD_SIZE];
    std::size_t tag_len = 0;
    const auto& key = bench_key();
    for (auto _ : state) {
        EVP_MAC_init(ctx, key.data(), key.size(), params);
        EVP_MAC_update(ctx, data.data(), data.size());
        EVP_MAC_final(ctx, tag, &tag_len, sizeof tag);
        benchmark::DoNotOptimize(tag);
        benchmark::ClobberMemory();
    }
    set_bytes(state, n);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
}
#endif

void sizes(benchmark::internal::Benchmark* b) { b->Arg(64)->Arg(1024)->Arg(1 << 20); }

}  // namespace

BENCHMARK_TEMPLATE(bm_hash, qkdnq::sha256)->Name("BM_hash_sha256")->Apply(sizes);
BENCHMARK_TEMPLATE(bm_hash, sha256_scalar)->Name("BM_hash_sha256<scalar>")->Apply(sizes);
#if defined(QKDNQ_SHA256_HAVE_SHANI)
BENCHMARK_TEMPLATE(bm_hash, sha256_shani)->Name("BM_hash_sha256<shani>")->Apply(sizes);
#endif
BENCHMARK_TEMPLATE(bm_hash, qkdnq::sha512)->Name("BM_hash_sha512")->Apply(sizes);
BENCHMARK_TEMPLATE(bm_hmac, qkdnq::sha256)->Name("BM_hash_hmac_sha256")->Apply(sizes);

#if defined(QKDNQ_BENCH_HAVE_OPENSSL) && QKDNQ_BENCH_HAVE_OPENSSL
BENCHMARK_CAPTURE(bm_openssl_digest, sha256, "SHA256")->Name("BM_openssl_sha256")->Apply(sizes);
BENCHMARK_CAPTURE(bm_openssl_digest, sha512, "SHA512")->Name("BM_openssl_sha512")->Apply(sizes);
BENCHMARK_CAPTURE(bm_openssl_hmac, sha256, "SHA256")->Name("BM_openssl_hmac_sha256")->Apply(sizes);
#endif
