// Key store (relay/key_store.hpp): ETSI GS QKD 014 Get key on the master's KME and Get key with
// key IDs on the slave's, for 256-bit keys in requests of 1 and 128 keys (the KME-to-KME
// reservation applied in between, outside the timing). keys_per_second counts delivered keys.
//
//     bench_relay_key_store --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/relay/key_store.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace {

namespace relay = qkdnq::relay;

struct kmes {
    relay::key_store a{"KME_A"}, b{"KME_B"};
    qkdnq::shake_drbg rng{std::uint64_t{1}};
    std::vector<std::uint8_t> key = std::vector<std::uint8_t>(32);

    kmes() {
        a.add_peer("KME_B");
        b.add_peer("KME_A");
        for (auto* s : {&a, &b}) {
            s->register_sae("SAE_1", "KME_A");
            s->register_sae("SAE_2", "KME_B");
        }
    }
    // Deposits n keys of KME_A's share on both sides (IDs with an even last byte).
    void refill(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            auto bytes = relay::key_id::random(rng).bytes();
            bytes[15] &= 0xfe;
            const relay::key_id id(bytes);
            rng.fill(key);
            (void)a.deposit("KME_B", id, key);
            (void)b.deposit("KME_A", id, key);
        }
    }
};

void BM_get_key(benchmark::State& state) {
    const auto number = static_cast<std::uint64_t>(state.range(0));
    kmes k;
    qkdnq::relay::etsi014::key_request request;
    request.number = number;
    std::size_t delivered = 0;
    for (auto _ : state) {
        if (k.a.stored_key_count("KME_B") < number) {
            state.PauseTiming();
            k.refill(100'000);
            state.ResumeTiming();
        }
        auto got = k.a.get_key("SAE_1", "SAE_2", request);
        benchmark::DoNotOptimize(got->container.keys.data());
        delivered += got->container.keys.size();
    }
    state.counters["keys_per_second"] = benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
    state.counters["bytes_per_second"] = benchmark::Counter(static_cast<double>(delivered * 32), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_get_key)->Arg(1)->Arg(128);

void BM_get_key_with_key_ids(benchmark::State& state) {
    const auto number = static_cast<std::uint64_t>(state.range(0));
    kmes k;
    qkdnq::relay::etsi014::key_request request;
    request.number = number;
    std::size_t delivered = 0;
    for (auto _ : state) {
        state.PauseTiming();
        if (k.a.stored_key_count("KME_B") < number) k.refill(100'000);
        auto got = k.a.get_key("SAE_1", "SAE_2", request);
        (void)k.b.apply(got->reservation);
        qkdnq::relay::etsi014::key_ids_request ids;
        for (const auto& key : got->container.keys) ids.key_IDs.push_back({key.key_ID, std::nullopt});
        state.ResumeTiming();
        auto same = k.b.get_key_with_key_ids("SAE_2", "SAE_1", ids);
        benchmark::DoNotOptimize(same->keys.data());
        delivered += same->keys.size();
    }
    state.counters["keys_per_second"] = benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_get_key_with_key_ids)->Arg(128);

// The whole exchange per batch: Get key, the reservation, Get key with key IDs.
void BM_round_trip(benchmark::State& state) {
    kmes k;
    qkdnq::relay::etsi014::key_request request;
    request.number = 128;
    std::size_t delivered = 0;
    for (auto _ : state) {
        if (k.a.stored_key_count("KME_B") < 128) {
            state.PauseTiming();
            k.refill(100'000);
            state.ResumeTiming();
        }
        auto got = k.a.get_key("SAE_1", "SAE_2", request);
        (void)k.b.apply(got->reservation);
        qkdnq::relay::etsi014::key_ids_request ids;
        for (const auto& key : got->container.keys) ids.key_IDs.push_back({key.key_ID, std::nullopt});
        auto same = k.b.get_key_with_key_ids("SAE_2", "SAE_1", ids);
        benchmark::DoNotOptimize(same->keys.data());
        delivered += same->keys.size();
    }
    state.counters["keys_per_second"] = benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_round_trip);

}  // namespace
