// Cascade (reconcile/cascade.hpp): sifted-key bits per second with both sides in one thread, and
// the domain counters.
//
//     bench_reconcile_cascade --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
//  * BM_cascade/<variant>/<QBER per mille>/<n>/<shuffle>/<shared>: one whole reconciliation
//    (Alice's answers and Bob's corrections, messages encoded and parsed) of an n-bit frame with
//    exactly round(QBER n) errors; shuffle 1 = uniform, 2 = word_transpose. shared 0: each run
//    gets its own permutation seed, so both sides build every pass permutation; shared 1: a
//    session seed, the permutations built once outside the loop and shared by both sides and all
//    runs (cascade_permutations). Counters: bits_per_second (key bits n per second, both sides'
//    work on one core), efficiency (parities disclosed over n h(QBER)), round_trips. Eight key
//    pairs per case are made outside the timed loop and used in turn.
//  * BM_cascade_bob/... and BM_cascade_alice/...: one side alone, at pow2x4 with shared
//    permutations: a run is recorded outside the timing, then Bob (or Alice) is run again on the
//    recorded messages of the other side (the runs are deterministic, so they are the same
//    messages). bits_per_second is then that side's throughput on one core.
// The efficiency table over many frames (f, FER after verification, round trips, CSV) is the
// example program qkdnq_cascade_efficiency.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/cascade.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

using namespace qkdnq::reconcile;

double binary_entropy(double p) { return p <= 0 || p >= 1 ? 0.0 : -p * std::log2(p) - (1 - p) * std::log2(1 - p); }

void BM_cascade(benchmark::State& state) {
    const auto variant = static_cast<cascade_variant>(state.range(0));
    const double q = static_cast<double>(state.range(1)) / 1000.0;
    const auto n = static_cast<std::size_t>(state.range(2));
    const auto shuffle = static_cast<shuffle_kind>(state.range(3));
    const bool shared = state.range(4) != 0;
    qkdnq::shake_drbg rng(static_cast<std::uint64_t>(state.range(1) * 1000 + state.range(0)));
    std::vector<qkdnq::sim::key_pair> pairs;
    for (int i = 0; i < 8; ++i) {
        pairs.push_back(qkdnq::sim::exact_error_key_pair(n, static_cast<std::size_t>(std::llround(q * static_cast<double>(n))), rng));
    }
    double leak = 0, round_trips = 0, runs = 0;
    std::uint64_t seed = 1;
    const auto ppm = static_cast<std::uint32_t>(state.range(1) * 1000);
    auto session = cascade_parameters::for_variant(variant, n, ppm, 0);
    session.shuffle = shuffle;
    std::shared_ptr<const cascade_permutations> perms;
    if (shared) perms = std::make_shared<const cascade_permutations>(session);
    for (auto _ : state) {
        const auto& pair = pairs[static_cast<std::size_t>(seed) % pairs.size()];
        auto params = cascade_parameters::for_variant(variant, n, ppm, shared ? 0 : seed);
        ++seed;
        params.shuffle = shuffle;
        cascade_alice alice(pair.alice, params, perms);
        cascade_bob bob(pair.bob, params, perms);
        if (run_in_memory(alice, bob) != cascade_status::ok) state.SkipWithError("Cascade run failed");
        benchmark::DoNotOptimize(bob.key().words().data());
        leak += static_cast<double>(bob.statistics().leaked_parities);
        round_trips += static_cast<double>(bob.statistics().round_trips);
        runs += 1;
    }
    state.counters["bits_per_second"] =
        benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["efficiency"] = leak / (runs * static_cast<double>(n) * binary_entropy(static_cast<double>(std::llround(q * static_cast<double>(n))) / static_cast<double>(n)));
    state.counters["round_trips"] = round_trips / runs;
}

// Records one run: Bob's requests and Alice's replies.
struct transcript {
    std::vector<std::vector<std::uint8_t>> requests, replies;
};
transcript record(const qkdnq::sim::key_pair& pair, const cascade_parameters& params,
                  const std::shared_ptr<const cascade_permutations>& perms) {
    transcript t;
    cascade_alice alice(pair.alice, params, perms);
    cascade_bob bob(pair.bob, params, perms);
    t.requests.push_back(bob.start());
    for (;;) {
        t.replies.push_back(alice.respond(t.requests.back()).message);
        if (bob.finished()) break;
        t.requests.push_back(bob.receive(t.replies.back()).message);
    }
    return t;
}

template <bool Bob>
void BM_cascade_side(benchmark::State& state) {
    const double q = static_cast<double>(state.range(0)) / 1000.0;
    const std::size_t n = 100'000;
    qkdnq::shake_drbg rng(static_cast<std::uint64_t>(state.range(0)));
    const auto pair = qkdnq::sim::exact_error_key_pair(n, static_cast<std::size_t>(std::llround(q * static_cast<double>(n))), rng);
    const auto params = cascade_parameters::for_variant(cascade_variant::pow2x4, n, static_cast<std::uint32_t>(state.range(0) * 1000), 0);
    const auto perms = std::make_shared<const cascade_permutations>(params);
    const transcript t = record(pair, params, perms);
    for (auto _ : state) {
        if constexpr (Bob) {
            cascade_bob bob(pair.bob, params, perms);
            benchmark::DoNotOptimize(bob.start().data());
            for (std::size_t i = 0; i + 1 < t.replies.size(); ++i) benchmark::DoNotOptimize(bob.receive(t.replies[i]).message.data());
            if (!bob.finished()) state.SkipWithError("replay diverged");
        } else {
            cascade_alice alice(pair.alice, params, perms);
            for (const auto& request : t.requests) benchmark::DoNotOptimize(alice.respond(request).message.data());
            if (!alice.finished()) state.SkipWithError("replay diverged");
        }
    }
    state.counters["bits_per_second"] =
        benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void cascade_cases(benchmark::internal::Benchmark* b) {
    const auto yan = static_cast<long>(cascade_variant::yanetal);
    for (const auto v : {cascade_variant::original, cascade_variant::yanetal, cascade_variant::option7,
                         cascade_variant::pow2x4, cascade_variant::pow2x8}) {
        for (const int q : {10, 20, 50, 80}) b->Args({static_cast<long>(v), q, 100'000, 1, 1});
    }
    for (const int q : {10, 50}) b->Args({yan, q, 100'000, 1, 0});
    for (const int q : {10, 50}) b->Args({yan, q, 100'000, 2, 1});
    for (const int q : {10, 50}) b->Args({yan, q, 100'000, 2, 0});
    for (const int q : {10, 50}) b->Args({static_cast<long>(cascade_variant::pow2x4), q, 10'000, 1, 1});
}

}  // namespace

BENCHMARK_TEMPLATE(BM_cascade_side, true)->Name("BM_cascade_bob")->ArgName("qber_permille")->Arg(10)->Arg(20)->Arg(50)->Arg(80)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_cascade_side, false)->Name("BM_cascade_alice")->ArgName("qber_permille")->Arg(10)->Arg(20)->Arg(50)->Arg(80)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_cascade)->Apply(cascade_cases)->ArgNames({"variant", "qber_permille", "n", "shuffle", "shared"})->Unit(benchmark::kMillisecond);
