// SHA3-256, SHAKE128 and KMAC256 throughput at 64 B, 1 KiB and 1 MiB, against OpenSSL's EVP
// implementations in the same binary, plus the bare permutation (optimised and scalar reference).
//
//     bench_hash_keccak --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Inputs are made outside the timed loops from fixed seeds. SHAKE128 and KMAC256 produce 32 bytes
// per message. Bytes processed = message bytes.
#include <qkdnq/hash/keccak.hpp>
#include <qkdnq/hash/kmac.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(QKDNQ_BENCH_HAVE_OPENSSL) && QKDNQ_BENCH_HAVE_OPENSSL
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#endif

namespace {

std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    return v;
}

const std::array<std::uint8_t, 32>& bench_key() {
    static const std::array<std::uint8_t, 32> key = [] {
        std::array<std::uint8_t, 32> k{};
        const auto bytes = random_bytes(k.size(), 7);
        std::copy(bytes.begin(), bytes.end(), k.begin());
        return k;
    }();
    return key;
}

void set_bytes(benchmark::State& state) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void apply_sizes(benchmark::internal::Benchmark* b) {
    b->Arg(64)->Arg(1024)->Arg(1 << 20);
}

// ---------------------------------------------------------------- qkdnq
void BM_hash_sha3_256(benchmark::State& state) {
    const auto msg = random_bytes(static_cast<std::size_t>(state.range(0)), 1);
    for (auto _ : state) {
        auto digest = qkdnq::sha3_256::hash(msg);
        benchmark::DoNotOptimize(digest);
    }
    set_bytes(state);
    state.SetLabel(std::string(qkdnq::keccak_f1600_implementation));
}
BENCHMARK(BM_hash_sha3_256)->Apply(apply_sizes);

void BM_hash_shake128(benchmark::State& state) {
    const auto msg = random_bytes(static_cast<std::size_t>(state.range(0)), 2);
    std::array<std::uint8_t, 32> out{};
    for (auto _ : state) {
        qkdnq::shake128::hash(msg, out);
        benchmark::DoNotOptimize(out);
    }
    set_bytes(state);
    state.SetLabel(std::string(qkdnq::keccak_f1600_implementation));
}
BENCHMARK(BM_hash_shake128)->Apply(apply_sizes);

void BM_hash_kmac256(benchmark::State& state) {
    const auto msg = random_bytes(static_cast<std::size_t>(state.range(0)), 3);
    std::array<std::uint8_t, 32> out{};
    for (auto _ : state) {
        qkdnq::kmac256::mac(bench_key(), msg, out);
        benchmark::DoNotOptimize(out);
    }
    set_bytes(state);
    state.SetLabel(std::string(qkdnq::keccak_f1600_implementation));
}
BENCHMARK(BM_hash_kmac256)->Apply(apply_sizes);

// The bare permutation, 200 bytes per call, once per compiled implementation:
// BM_hash_keccak_f1600<scalar>, <unrolled> and, where compiled, <avx512vl>; plain
// BM_hash_keccak_f1600 is the one `qkdnq::keccak_f1600` uses in this build.
template <void (*Permute)(std::array<std::uint64_t, 25>&)>
void bench_permutation(benchmark::State& state) {
    std::array<std::uint64_t, 25> s{};
    for (auto _ : state) {
        Permute(s);
        benchmark::DoNotOptimize(s);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 200);
}

void permute_selected(std::array<std::uint64_t, 25>& s) { qkdnq::keccak_f1600(s); }
void permute_scalar(std::array<std::uint64_t, 25>& s) { qkdnq::detail::keccak_f1600_scalar(s); }
void permute_unrolled(std::array<std::uint64_t, 25>& s) {
    qkdnq::detail::keccak_f1600_unrolled<qkdnq::detail::u64_lane_ops>(s);
}
#if QKDNQ_KECCAK_HAVE_AVX512VL
void permute_avx512vl(std::array<std::uint64_t, 25>& s) {
    qkdnq::detail::keccak_f1600_unrolled<qkdnq::detail::avx512vl_lane_ops>(s);
}
#endif

const bool permutation_benchmarks_registered = [] {
    benchmark::RegisterBenchmark("BM_hash_keccak_f1600", bench_permutation<permute_selected>);
    benchmark::RegisterBenchmark("BM_hash_keccak_f1600<scalar>", bench_permutation<permute_scalar>);
    benchmark::RegisterBenchmark("BM_hash_keccak_f1600<unrolled>", bench_permutation<permute_unrolled>);
#if QKDNQ_KECCAK_HAVE_AVX512VL
    benchmark::RegisterBenchmark("BM_hash_keccak_f1600<avx512vl>", bench_permutation<permute_avx512vl>);
#endif
    return true;
}();

// ---------------------------------------------------------------- OpenSSL
#if defined(QKDNQ_BENCH_HAVE_OPENSSL) && QKDNQ_BENCH_HAVE_OPENSSL
void check(int ok, const char* what) {
    if (ok != 1) throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
}

void BM_openssl_sha3_256(benchmark::State& state) {
    const auto msg = random_bytes(static_cast<std::size_t>(state.range(0)), 1);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::array<std::uint8_t, 32> digest{};
    unsigned int len = 0;
    for (auto _ : state) {
        check(EVP_DigestInit_ex(ctx, EVP_sha3_256(), nullptr), "EVP_DigestInit_ex");
        check(EVP_DigestUpdate(ctx, msg.data(), msg.size()), "EVP_DigestUpdate");
        check(EVP_DigestFinal_ex(ctx, digest.data(), &len), "EVP_DigestFinal_ex");
        benchmark::DoNotOptimize(digest);
    }
    EVP_MD_CTX_free(ctx);
    set_bytes(state);
}
BENCHMARK(BM_openssl_sha3_256)->Apply(apply_sizes);

void BM_openssl_shake128(benchmark::State& state) {
    const auto msg = random_bytes(static_cast<std::size_t>(state.range(0)), 2);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::array<std::uint8_t, 32> out{};
    for (auto _ : state) {
        check(EVP_DigestInit_ex(ctx, EVP_shake128(), nullptr), "EVP_DigestInit_ex");
        check(EVP_DigestUpdate(ctx, msg.data(), msg.size()), "EVP_DigestUpdate");
        check(EVP_DigestFinalXOF(ctx, out.data(), out.size()), "EVP_DigestFinalXOF");
        benchmark::DoNotOptimize(out);
    }
    EVP_MD_CTX_free(ctx);
    set_bytes(state);
}
BENCHMARK(BM_openssl_shake128)->Apply(apply_sizes);

void BM_openssl_kmac256(benchmark::State& state) {
    const auto msg = random_bytes(static_cast<std::size_t>(state.range(0)), 3);
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "KMAC256", nullptr);
    if (mac == nullptr) throw std::runtime_error("OpenSSL: no KMAC256");
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    std::size_t out_size = 32;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &out_size), OSSL_PARAM_construct_end()};
    check(EVP_MAC_CTX_set_params(ctx, params), "EVP_MAC_CTX_set_params");
    std::array<std::uint8_t, 32> out{};
    std::size_t written = 0;
    for (auto _ : state) {
        check(EVP_MAC_init(ctx, bench_key().data(), bench_key().size(), nullptr), "EVP_MAC_init");
        check(EVP_MAC_update(ctx, msg.data(), msg.size()), "EVP_MAC_update");
        check(EVP_MAC_final(ctx, out.data(), &written, out.size()), "EVP_MAC_final");
        benchmark::DoNotOptimize(out);
    }
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    set_bytes(state);
}
BENCHMARK(BM_openssl_kmac256)->Apply(apply_sizes);
#endif

}  // namespace
