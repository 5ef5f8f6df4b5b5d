// LDPC decoding (reconcile/ldpc_decoder.hpp) and syndromes (reconcile/ldpc_code.hpp): frame bits
// per second on one core.
//
//     bench_reconcile_ldpc --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
//  * BM_ldpc_layered/<rate x 10>/<QBER per mille>/<n>: the fast decoder (layered, 16-bit fixed
//    point, SIMD) on frames of the family's code with exactly round(QBER n) errors, 60 iterations
//    at most. Counters: bits_per_second (frame bits decoded per second), iterations (mean),
//    frame_errors (share of frames not decoded to Alice's word), efficiency f = (1 - R)/h(QBER).
//  * BM_ldpc_layered_scalar/...: the same decoder's plain loop (the SIMD kernel's reference).
//  * BM_ldpc_sum_product/...: the floating-point sum-product reference, flooding.
//  * BM_ldpc_syndrome/<rate x 10>/<n>: Alice's syndrome, bits of x per second.
// Eight key pairs per case are made outside the timed loop and used in turn.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/ldpc_decoder.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

using namespace qkdnq::reconcile;

const ldpc_distribution& distribution(long rate_tenths) {
    for (const ldpc_distribution* d : ldpc_distributions) {
        if (std::lround(d->rate * 10) == rate_tenths) return *d;
    }
    return ldpc_distribution_rate_0_5;
}

struct frames {
    ldpc_code code;
    std::vector<qkdnq::sim::key_pair> pairs;
    std::vector<qkdnq::bit_vector> syndromes;
    std::vector<std::vector<double>> llrs;
    double qber;
};

frames make_frames(const benchmark::State& state) {
    frames f{make_ldpc_code(distribution(state.range(0)), static_cast<std::size_t>(state.range(2)), 1), {}, {}, {},
             static_cast<double>(state.range(1)) / 1000.0};
    qkdnq::shake_drbg rng(static_cast<std::uint64_t>(state.range(1) * 100 + state.range(0)));
    const std::size_t n = f.code.variables();
    for (int i = 0; i < 8; ++i) {
        f.pairs.push_back(qkdnq::sim::exact_error_key_pair(n, static_cast<std::size_t>(std::llround(f.qber * static_cast<double>(n))), rng));
        f.syndromes.push_back(f.code.syndrome(f.pairs.back().alice));
        f.llrs.push_back(bsc_llrs(f.pairs.back().bob, f.qber));
    }
    return f;
}

double binary_entropy(double p) { return -p * std::log2(p) - (1 - p) * std::log2(1 - p); }

template <class Decode>
void run_decoder(benchmark::State& state, const frames& f, Decode decode) {
    double iterations = 0, failed = 0, runs = 0;
    std::size_t i = 0;
    for (auto _ : state) {
        const ldpc_decode_result out = decode(f.llrs[i % 8], f.syndromes[i % 8]);
        benchmark::DoNotOptimize(out.word.words().data());
        iterations += out.iterations;
        failed += (out.syndrome_matched && out.word == f.pairs[i % 8].alice) ? 0 : 1;
        runs += 1;
        ++i;
    }
    state.counters["bits_per_second"] = benchmark::Counter(static_cast<double>(f.code.variables()) * static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
    state.counters["iterations"] = iterations / runs;
    state.counters["frame_errors"] = failed / runs;
    state.counters["efficiency"] = (1 - f.code.rate()) / binary_entropy(f.qber);
}

void BM_ldpc_layered(benchmark::State& state) {
    const frames f = make_frames(state);
    layered_decoder decoder(f.code);
    run_decoder(state, f, [&](const std::vector<double>& llr, const qkdnq::bit_vector& s) { return decoder.decode(llr, s, 60); });
}

void BM_ldpc_layered_scalar(benchmark::State& state) {
    const frames f = make_frames(state);
    layered_decoder decoder(f.code);
    run_decoder(state, f, [&](const std::vector<double>& llr, const qkdnq::bit_vector& s) { return decoder.decode_scalar(llr, s, 60); });
}

void BM_ldpc_sum_product(benchmark::State& state) {
    const frames f = make_frames(state);
    run_decoder(state, f, [&](const std::vector<double>& llr, const qkdnq::bit_vector& s) { return sum_product_decode(f.code, llr, s, 60); });
}

void BM_ldpc_syndrome(benchmark::State& state) {
    const ldpc_code code = make_ldpc_code(distribution(state.range(0)), static_cast<std::size_t>(state.range(1)), 1);
    qkdnq::shake_drbg rng(3);
    const qkdnq::bit_vector x = qkdnq::bit_vector::random(code.variables(), rng);
    for (auto _ : state) benchmark::DoNotOptimize(code.syndrome(x).words().data());
    state.counters["bits_per_second"] = benchmark::Counter(static_cast<double>(code.variables()) * static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
}

// (rate x 10, QBER per mille): inside each code's range, f about 1.15-1.25.
void layered_cases(benchmark::internal::Benchmark* b) {
    for (const long n : {10'000L, 100'000L}) {
        for (const auto& [rate, qber] : {std::pair{5L, 90L}, std::pair{6L, 65L}, std::pair{7L, 45L}, std::pair{8L, 25L}, std::pair{9L, 8L}}) {
            b->Args({rate, qber, n});
        }
    }
}

}  // namespace

BENCHMARK(BM_ldpc_layered)->Apply(layered_cases)->ArgNames({"rate10", "qber_permille", "n"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ldpc_layered_scalar)->Args({5, 90, 100'000})->ArgNames({"rate10", "qber_permille", "n"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ldpc_sum_product)->Args({5, 90, 10'000})->Args({8, 25, 10'000})->ArgNames({"rate10", "qber_permille", "n"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ldpc_syndrome)->Args({5, 100'000})->Args({9, 100'000})->ArgNames({"rate10", "n"})->Unit(benchmark::kMicrosecond);
