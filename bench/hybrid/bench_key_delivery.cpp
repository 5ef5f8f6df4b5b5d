// PQC key delivery (hybrid/key_delivery.hpp, use case 7.3) with ML-KEM-768 + ML-DSA-65 and
// 256-bit KSA-keys: the originator's cost per delivery (encapsulate, derive, tag, sign) and the
// device's (verify, decapsulate, derive, check, decrypt), push and pull.
//
//     bench_hybrid_key_delivery --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/key_delivery.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

namespace {

namespace hy = qkdnq::hybrid;
using kem = qkdnq::ml_kem_768;
using dsa = qkdnq::ml_dsa_65;

struct setup {
    qkdnq::shake_drbg rng{std::uint64_t{1}};
    std::array<std::uint8_t, kem::ek_size> ek{};
    std::array<std::uint8_t, kem::dk_size> dk{};
    std::array<std::uint8_t, dsa::pk_size> vk{};
    std::array<std::uint8_t, dsa::sk_size> sk{};
    std::array<std::uint8_t, 32> key{};
    setup() {
        kem::keygen(ek, dk, rng);
        dsa::keygen(vk, sk, rng);
        rng.fill(key);
    }
};

void per_second(benchmark::State& state) {
    state.counters["deliveries_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_originator_push(benchmark::State& state) {
    setup s;
    const hy::key_delivery_originator<> kms("KMS_1", s.sk, s.vk);
    for (auto _ : state) {
        auto msg = kms.push({"phone-17", s.ek}, qkdnq::relay::key_id::random(s.rng), s.key, 1000, s.rng);
        benchmark::DoNotOptimize(msg.data());
    }
    per_second(state);
}
BENCHMARK(BM_originator_push);

void BM_device_receive(benchmark::State& state) {
    setup s;
    const hy::key_delivery_originator<> kms("KMS_1", s.sk, s.vk);
    hy::key_delivery_device<> phone("phone-17", s.ek, s.dk, "KMS_1", s.vk);
    std::vector<std::vector<std::uint8_t>> messages;
    for (int i = 0; i < 512; ++i) messages.push_back(kms.push({"phone-17", s.ek}, qkdnq::relay::key_id::random(s.rng), s.key, 1000, s.rng));
    std::size_t i = 0;
    for (auto _ : state) {
        if (i == messages.size()) {  // all remembered: a fresh device (outside the timing)
            state.PauseTiming();
            i = 0;
            phone = hy::key_delivery_device<>("phone-17", s.ek, s.dk, "KMS_1", s.vk);
            state.ResumeTiming();
        }
        auto got = phone.receive(messages[i++], 0);
        benchmark::DoNotOptimize(got.ok());
    }
    per_second(state);
}
BENCHMARK(BM_device_receive);

// Pull: the device's request, the originator's answer and the device's receive, each timed alone.
void BM_pull_device_request(benchmark::State& state) {
    setup s;
    hy::key_delivery_device<> phone("phone-17", s.ek, s.dk, "KMS_1", s.vk);
    for (auto _ : state) {
        auto req = phone.request(s.rng);
        benchmark::DoNotOptimize(req.data());
    }
    per_second(state);
}
BENCHMARK(BM_pull_device_request);

void BM_pull_originator_respond(benchmark::State& state) {
    setup s;
    const hy::key_delivery_originator<> kms("KMS_1", s.sk, s.vk);
    hy::key_delivery_device<> phone("phone-17", s.ek, s.dk, "KMS_1", s.vk);
    const auto req = phone.request(s.rng);
    for (auto _ : state) {
        auto msg = kms.respond({"phone-17", s.ek}, req, qkdnq::relay::key_id::random(s.rng), s.key, 1000, s.rng);
        benchmark::DoNotOptimize(msg->data());
    }
    per_second(state);
}
BENCHMARK(BM_pull_originator_respond);

void BM_pull_device_receive(benchmark::State& state) {
    setup s;
    const hy::key_delivery_originator<> kms("KMS_1", s.sk, s.vk);
    hy::key_delivery_device<> phone("phone-17", s.ek, s.dk, "KMS_1", s.vk);
    for (auto _ : state) {
        state.PauseTiming();
        const auto req = phone.request(s.rng);
        const auto msg = kms.respond({"phone-17", s.ek}, req, qkdnq::relay::key_id::random(s.rng), s.key, 1000, s.rng);
        state.ResumeTiming();
        auto got = phone.receive(msg.value(), 0);
        benchmark::DoNotOptimize(got.ok());
    }
    per_second(state);
}
BENCHMARK(BM_pull_device_receive);

}  // namespace
