// Trusted-node relay (relay/trusted_node.hpp): one hop of an intermediate node (verify the
// message, remove the inbound pads, add the outbound ones, tag the new message) for batches of
// 256-bit keys, and a whole 3-hop relay through relay::network. keys_per_second counts keys
// relayed by the hop; bytes_per_second their key bytes.
//
//     bench_relay_trusted_node --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/relay/network.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

namespace relay = qkdnq::relay;

void BM_relay_hop(benchmark::State& state) {
    const auto batch = static_cast<std::size_t>(state.range(0));
    constexpr std::size_t key_bytes = 32;
    relay::network net(1);
    net.add_link("A", "B", 0);
    net.add_link("B", "C", 0);
    qkdnq::shake_drbg rng(std::uint64_t{2});
    std::vector<relay::relay_key> keys(batch);
    for (auto& k : keys) {
        k.id = relay::key_id::random(rng);
        k.key.resize(key_bytes);
        rng.fill(k.key);
    }
    const std::vector<std::string> path = {"A", "B", "C"};
    relay::trusted_node& a = net.node("A");
    relay::trusted_node& b = net.node("B");
    std::size_t relayed = 0;
    for (auto _ : state) {
        state.PauseTiming();
        if (a.link_key_available("B") < batch * key_bytes || b.link_key_available("C") < batch * key_bytes ||
            a.authentication_available("B") < 16 || b.authentication_available("C") < 16) {
            net.deposit("A", "B", 64 * batch * key_bytes);
            net.deposit("B", "C", 64 * batch * key_bytes);
        }
        auto msg = a.originate(path, keys);
        state.ResumeTiming();
        auto forwarded = b.receive("A", msg->wire);
        benchmark::DoNotOptimize(forwarded->forward.wire.data());
        relayed += batch;
        state.PauseTiming();
        (void)net.node("C").receive("B", forwarded->forward.wire);  // keep C's channel in step
        state.ResumeTiming();
    }
    state.counters["keys_per_second"] = benchmark::Counter(static_cast<double>(relayed), benchmark::Counter::kIsRate);
    state.counters["bytes_per_second"] = benchmark::Counter(static_cast<double>(relayed * key_bytes), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_relay_hop)->Arg(64)->Arg(1024)->Arg(4096);

// A→B→C→D end to end through relay::network (key generation at the source included).
void BM_network_relay_3_hops(benchmark::State& state) {
    relay::network net(3);
    net.add_link("A", "B", 0);
    net.add_link("B", "C", 0);
    net.add_link("C", "D", 0);
    std::size_t delivered = 0;
    for (auto _ : state) {
        state.PauseTiming();
        if (net.node("A").link_key_available("B") < 1024 * 32 * 2) {
            for (auto [x, y] : {std::pair{"A", "B"}, {"B", "C"}, {"C", "D"}}) net.deposit(x, y, 4 << 20);
        }
        state.ResumeTiming();
        auto r = net.relay("A", "D", 1024, 32);
        delivered += r.keys_delivered;
    }
    state.counters["keys_per_second"] = benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_network_relay_3_hops);

}  // namespace
