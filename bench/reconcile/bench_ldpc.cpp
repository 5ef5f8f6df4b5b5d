// LDPC decoding (reconcile/ldpc_decoder.hpp) and syndromes (reconcile/ldpc_code.hpp): frame bits
// per second on one core.
//
//     bench_reconcile_ldpc --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
//  * BM_ldpc_layered/<rate x 100>/<f x 1000>/<n>: the fast decoder (layered, 16-bit fixed point,
//    SIMD) on frames of the family's code at the QBER where (1 - R)/h(QBER) = f, with exactly
//    round(QBER n) errors, 60 iterations at most. Counters: bits_per_second (frame bits decoded
//    per second), iterations (mean), frame_errors (share of frames not decoded to Alice's word),
//    efficiency f, qber.
//  * BM_ldpc_layered_scalar/...: the same decoder's plain loop (the SIMD kernel's reference).
//  * BM_ldpc_sum_product/...: the floating-point sum-product reference, flooding.
//  * BM_ldpc_bob_planned/<QBER ppm>: Bob's first attempt on frames of 10^5 bits that
//    ldpc_frame_parameters::plan lays out (default aims): his LLRs (punctured 0, shortened known)
//    and the decoding, with a decoder kept across frames (Bob's default stall limit), on Alice's
//    recorded syndrome messages.
//    Counters: bits_per_second (key bits per second), first_attempt_failures, iterations.
//  * BM_ldpc_syndrome/<rate x 100>/<n>: Alice's syndrome, bits of x per second.
// Eight key pairs per case are made outside the timed loop and used in turn.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/ldpc_decoder.hpp>
#include <qkdnq/reconcile/ldpc_reconcile.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

using namespace qkdnq::reconcile;

const ldpc_distribution& distribution(long rate_percent) {
    const ldpc_distribution* d = ldpc_distribution_for_percent(static_cast<unsigned>(rate_percent));
    return d != nullptr ? *d : ldpc_distribution_rate_0_5;
}

double binary_entropy(double p) { return -p * std::log2(p) - (1 - p) * std::log2(1 - p); }

// The QBER at which a code of rate r has efficiency f: h(QBER) = (1 - r)/f, by bisection.
double qber_for(double r, double f) {
    double lo = 1e-6, hi = 0.5;
    for (int i = 0; i < 60; ++i) ((binary_entropy((lo + hi) / 2) < (1 - r) / f) ? lo : hi) = (lo + hi) / 2;
    return lo;
}

struct frames {
    ldpc_code code;
    std::vector<qkdnq::sim::key_pair> pairs;
    std::vector<qkdnq::bit_vector> syndromes;
    std::vector<std::vector<double>> llrs;
    double qber;
};

frames make_frames(const benchmark::State& state) {
    const ldpc_distribution& dist = distribution(state.range(0));
    frames f{make_ldpc_code(dist, static_cast<std::size_t>(state.range(2)), 1), {}, {}, {},
             qber_for(dist.rate, static_cast<double>(state.range(1)) / 1000.0)};
    qkdnq::shake_drbg rng(static_cast<std::uint64_t>(state.range(1) * 100 + state.range(0)));
    const std::size_t n = f.code.variables();
    for (int i = 0; i < 8; ++i) {
        f.pairs.push_back(qkdnq::sim::exact_error_key_pair(n, static_cast<std::size_t>(std::llround(f.qber * static_cast<double>(n))), rng));
        f.syndromes.push_back(f.code.syndrome(f.pairs.back().alice));
        f.llrs.push_back(bsc_llrs(f.pairs.back().bob, f.qber));
    }
    return f;
}

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
    state.counters["qber"] = f.qber;
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

void BM_ldpc_bob_planned(benchmark::State& state) {
    const auto ppm = static_cast<std::uint32_t>(state.range(0));
    ldpc_frame_parameters params = ldpc_frame_parameters::plan(ppm, 100'000, 1, 0);
    const auto code = std::make_shared<const ldpc_code>(make_ldpc_code(params));
    const auto decoder = std::make_shared<layered_decoder>(*code);
    decoder->set_stall_limit(ldpc_bob::default_stall_limit);
    qkdnq::shake_drbg rng(ppm);
    std::vector<ldpc_frame_parameters> frame_params;
    std::vector<qkdnq::bit_vector> bob_keys;
    std::vector<std::vector<std::uint8_t>> syndromes;
    for (std::uint64_t frame = 0; frame < 8; ++frame) {
        params.frame_seed = frame;
        const auto pair = qkdnq::sim::exact_error_key_pair(params.key_bits(), params.key_bits() * ppm / 1'000'000, rng);
        ldpc_alice alice(pair.alice, params, code, rng);
        frame_params.push_back(params);
        bob_keys.push_back(pair.bob);
        syndromes.push_back(alice.start());
    }
    double failed = 0, iterations = 0;
    std::size_t i = 0;
    for (auto _ : state) {
        ldpc_bob bob(bob_keys[i % 8], frame_params[i % 8], code, decoder);
        const ldpc_output out = bob.receive(syndromes[i % 8]);
        benchmark::DoNotOptimize(out.message.data());
        failed += bob.decoded() ? 0 : 1;
        iterations += static_cast<double>(bob.statistics().iterations);
        ++i;
    }
    state.counters["bits_per_second"] = benchmark::Counter(static_cast<double>(params.key_bits()) * static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
    state.counters["first_attempt_failures"] = failed / static_cast<double>(state.iterations());
    state.counters["iterations"] = iterations / static_cast<double>(state.iterations());
    state.counters["code_rate"] = code->rate();
}

void BM_ldpc_syndrome(benchmark::State& state) {
    const ldpc_code code = make_ldpc_code(distribution(state.range(0)), static_cast<std::size_t>(state.range(1)), 1);
    qkdnq::shake_drbg rng(3);
    const qkdnq::bit_vector x = qkdnq::bit_vector::random(code.variables(), rng);
    for (auto _ : state) benchmark::DoNotOptimize(code.syndrome(x).words().data());
    state.counters["bits_per_second"] = benchmark::Counter(static_cast<double>(code.variables()) * static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
}

// (rate x 100, f x 1000, n): every code at n = 10^5 at f = 1.12 (about where the planned first
// attempts decode, docs/performance.md), and at 1.20 (the 0.9 code's and n = 10^4's region).
void layered_cases(benchmark::internal::Benchmark* b) {
    for (const long rate : {50L, 55L, 60L, 65L, 70L, 75L, 80L, 85L, 90L}) b->Args({rate, 1120, 100'000});
    for (const long rate : {50L, 70L, 90L}) b->Args({rate, 1200, 100'000});
    for (const long rate : {50L, 70L, 90L}) b->Args({rate, 1200, 10'000});
}

}  // namespace

BENCHMARK(BM_ldpc_layered)->Apply(layered_cases)->ArgNames({"rate100", "f1000", "n"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ldpc_layered_scalar)->Args({50, 1120, 100'000})->ArgNames({"rate100", "f1000", "n"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ldpc_sum_product)->Args({50, 1200, 10'000})->Args({80, 1200, 10'000})->ArgNames({"rate100", "f1000", "n"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ldpc_bob_planned)->ArgName("qber_ppm")->Arg(10'000)->Arg(20'000)->Arg(30'000)->Arg(50'000)->Arg(80'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ldpc_syndrome)->Args({50, 100'000})->Args({90, 100'000})->ArgNames({"rate100", "n"})->Unit(benchmark::kMicrosecond);
