// The whole post-processing pipeline (pipeline/throughput.hpp): sustained sifted bits in and
// secret bits out per second, both endpoints in one process, on 1 and 2 threads (lanes; the
// lanes' endpoints persist across iterations, as a running link's do).
//
//     bench_pipeline_pipeline --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
//  * BM_pipeline/<method>/<QBER per mille>/<log10 n>/<threads>: method 1 Cascade (pow2x4, frames
//    of 10^5 bits), 2 LDPC (the family's frames of about 10^5 bits, blind). One iteration runs
//    2 blocks per thread (1 per thread at n = 10^8) of n key bits plus n/10 test bits through
//    estimation, reconciliation, verification, privacy amplification (modified Toeplitz of the
//    whole block), the authenticated channel (delayed) and the deposit of the KSA-keys in two
//    key stores (Q_tol = QBER + 1.5 %). The blocks come from a BSC(QBER), made outside the
//    timing. Real time.
//    Counters: sifted_bits_per_s (key + test bits in), secret_bits_per_s (ℓ out), efficiency (f
//    of reconciliation), secret_fraction (ℓ over sifted bits).
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pipeline/throughput.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace {

using namespace qkdnq;

struct stores {
    std::unique_ptr<relay::key_store> a, b;
    stores() {
        relay::key_store_limits limits;
        limits.max_key_count = std::uint64_t{1} << 40;
        a = std::make_unique<relay::key_store>("KME_A", limits);
        b = std::make_unique<relay::key_store>("KME_B", limits);
        a->add_peer("KME_B");
        b->add_peer("KME_A");
    }
};

void BM_pipeline(benchmark::State& state) {
    const auto method = static_cast<pipeline::reconciliation_method>(state.range(0));
    const double qber = static_cast<double>(state.range(1)) / 1000.0;
    const auto n = static_cast<std::size_t>(std::llround(std::pow(10.0, static_cast<double>(state.range(2)))));
    const auto threads = static_cast<unsigned>(state.range(3));
    const std::size_t k = n / 10;
    const std::size_t per_lane = n >= 100'000'000 ? 1 : 2;

    // Two distinct block pairs per lane, used in turn.
    shake_drbg rng(static_cast<std::uint64_t>(state.range(1) * 100 + state.range(2)));
    std::vector<std::pair<pipeline::block_input, pipeline::block_input>> blocks;
    for (unsigned i = 0; i < 2 * threads; ++i) {
        auto key = sim::bsc_key_pair(n, qber, rng);
        auto test = sim::bsc_key_pair(k, qber, rng);
        blocks.push_back({{std::move(key.alice), std::move(test.alice)}, {std::move(key.bob), std::move(test.bob)}});
    }
    std::vector<std::uint8_t> auth_key(threads * (32 + 2 * 16'384));
    rng.fill(auth_key);

    pipeline::throughput_config config;
    config.session.method = method;
    config.lanes = threads;
    config.blocks = per_lane * threads;
    const pipeline::block_source source = [&](std::size_t lane, std::uint64_t block) {
        return blocks[2 * lane + (block / threads) % 2];
    };
    config.session.qber_tolerance = qber + 0.015;
    stores s;
    pipeline::throughput_runner runner(config, auth_key, *s.a, "KME_B", *s.b, "KME_A", 7);
    (void)runner.run(source);  // warm-up: the lanes build their permutations and codes once
    double sifted = 0, secret = 0, leak = 0, ideal = 0;
    for (auto _ : state) {
        const auto r = runner.run(source);
        if (r.alice.delivered() != config.blocks) state.SkipWithError("a block did not deliver keys");
        sifted += static_cast<double>(r.alice.sifted_bits);
        secret += static_cast<double>(r.alice.secret_bits);
        leak += static_cast<double>(r.alice.leak_ec_bits);
        ideal += static_cast<double>(r.alice.leak_ideal_bits);
    }
    state.counters["sifted_bits_per_s"] = benchmark::Counter(sifted, benchmark::Counter::kIsRate);
    state.counters["secret_bits_per_s"] = benchmark::Counter(secret, benchmark::Counter::kIsRate);
    state.counters["efficiency"] = ideal > 0 ? leak / ideal : 0;
    state.counters["secret_fraction"] = sifted > 0 ? secret / sifted : 0;
}

void pipeline_cases(benchmark::internal::Benchmark* b) {
    for (const int threads : {1, 2}) {
        for (const int qber : {10, 20}) {
            for (const int log_n : {6, 7, 8}) b->Args({1, qber, log_n, threads});
            for (const int log_n : {6, 7}) b->Args({2, qber, log_n, threads});
        }
    }
}

BENCHMARK(BM_pipeline)->Apply(pipeline_cases)->ArgNames({"method", "qber_permille", "log10_n", "threads"})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
