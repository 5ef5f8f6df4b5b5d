// Writes the seed corpus of fuzz/fuzz_pipeline_session.cpp: genuine blocks run by both endpoints
// with the fuzz target's configuration, pre-shared key, blocks and Alice's generator (repeated
// here: change both together), each direction's messages written as the target's records, raw
// (wire messages) and as payloads for the target's peer channel to wrap; and each message type
// alone for the parser. From the project root:
//   g++ -std=c++20 -O2 -Iinclude scripts/fuzz_seeds/pipeline_session_seeds.cpp -o /tmp/seeds && /tmp/seeds
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pipeline/session.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace qkdnq;
using channel = auth::authenticated_channel<128>;
using bytes = std::vector<std::uint8_t>;

pipeline::session_config config_of(std::uint8_t setup) {
    static constexpr std::array methods{pipeline::reconciliation_method::automatic, pipeline::reconciliation_method::cascade,
                                        pipeline::reconciliation_method::ldpc, pipeline::reconciliation_method::cascade};
    return {.session_id = 0x5e55,
            .method = methods[(setup >> 3) & 3],
            .cascade_max_qber = 0.04,
            .qber_tolerance = 0.08,
            .eps_sec = 1e-3,
            .eps_cor = 1e-9,
            .cascade_frame_bits = 1'000,
            .ldpc_frame_bits = 1'000,
            .auth_mode = (setup & 4) != 0 ? auth::authentication::delayed : auth::authentication::per_message,
            .auth_pool_target_bytes = 350,
            .ksa_key_bits = 256};
}

bytes pre_shared_key() {
    bytes psk(channel::min_pre_shared_bytes + 2 * 1'024);
    for (std::size_t i = 0; i < psk.size(); ++i) psk[i] = static_cast<std::uint8_t>(i * 131 + 7);
    return psk;
}

std::pair<pipeline::block_input, pipeline::block_input> block_of(std::uint8_t b) {
    static constexpr std::array qbers{0.01, 0.02, 0.05, 0.12};
    static constexpr std::array sizes{std::size_t{4'000}, std::size_t{2'000}, std::size_t{1'000}, std::size_t{100}};
    const double qber = qbers[b & 3];
    const std::size_t n = sizes[(b >> 2) & 3];
    shake_drbg rng(std::uint64_t{0xb10c00} + (b >> 4));
    auto key = sim::bsc_key_pair(n, qber, rng);
    auto test = sim::bsc_key_pair(n / 4, qber, rng);
    return {{std::move(key.alice), std::move(test.alice)}, {std::move(key.bob), std::move(test.bob)}};
}

struct transcript {
    std::vector<bytes> to_bob, to_alice;
    pipeline::block_report alice, bob;
};

transcript run(std::uint8_t setup, std::uint8_t block) {
    const auto config = config_of(setup);
    const auto psk = pre_shared_key();
    relay::key_store store_a("KME_A"), store_b("KME_B");
    store_a.add_peer("KME_B");
    store_b.add_peer("KME_A");
    shake_drbg alice_rng(std::uint64_t{0xa11ce});
    pipeline::session_alice alice(config, psk, store_a, "KME_B", alice_rng);
    pipeline::session_bob bob(config, psk, store_b, "KME_A");
    auto [a_in, b_in] = block_of(block);
    transcript t;
    std::optional<pipeline::block_report> ra, rb;
    bob.expect_block(std::move(b_in));
    auto first = alice.begin_block(std::move(a_in));
    std::vector<bytes> to_bob = std::move(first.messages), to_alice;
    while (!to_bob.empty() || !to_alice.empty()) {
        for (auto& m : to_bob) {
            t.to_bob.push_back(m);
            auto out = bob.receive(m);
            if (out.report) rb = out.report;
            for (auto& x : out.messages) to_alice.push_back(std::move(x));
        }
        to_bob.clear();
        for (auto& m : to_alice) {
            t.to_alice.push_back(m);
            auto out = alice.receive(m);
            if (out.report) ra = out.report;
            for (auto& x : out.messages) to_bob.push_back(std::move(x));
        }
        to_alice.clear();
    }
    if (!ra || !rb) std::abort();
    t.alice = *ra;
    t.bob = *rb;
    return t;
}

void record(bytes& out, std::uint8_t flags, const bytes& m) {
    if (m.size() > 0xffff) std::abort();
    out.push_back(flags);
    out.push_back(static_cast<std::uint8_t>(m.size()));
    out.push_back(static_cast<std::uint8_t>(m.size() >> 8));
    out.insert(out.end(), m.begin(), m.end());
}

// The target's input: setup, block, then the messages as raw records or as payloads (with the
// round closed where the sender closed it).
bytes input(std::uint8_t setup, std::uint8_t block, const std::vector<bytes>& messages, bool raw, auth::role receiver) {
    bytes out{setup, block};
    if (raw) {
        for (const auto& m : messages) record(out, 1, m);
        return out;
    }
    const auto config = config_of(setup);
    channel mirror({.session_id = config.session_id, .side = receiver, .mode = config.auth_mode}, pre_shared_key());
    std::size_t last = 0;
    for (const auto& m : messages) {
        const auto got = mirror.unwrap(m);
        if (!got) std::abort();
        if (got.message.kind == auth::message_kind::round_tag) {
            out[last] |= 2;
            continue;
        }
        last = out.size();
        record(out, 0, got.message.payload);
    }
    return out;
}

void write(const std::string& name, const bytes& data) {
    if (data.size() > 65536) {
        std::fprintf(stderr, "%s: %zu bytes, over the fuzz input cap\n", name.c_str(), data.size());
        std::abort();
    }
    std::ofstream f("fuzz/corpus/pipeline_session/" + name, std::ios::binary);
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!f) std::abort();
}

}  // namespace

int main() {
    // setup: bits 0-1 target (1 Bob, 2 Alice), bit 2 delayed, bits 3-4 method (1 cascade, 2 ldpc).
    // block: bits 0-1 QBER index, bits 2-3 size index, bits 4-7 seed.
    struct seed {
        const char* name;
        std::uint8_t mode_method;  // setup without the target bits
        std::uint8_t block;
        bool raw;
    };
    const seed seeds[] = {
        {"cascade_per_message", 1 << 3, 0x01, false},
        {"cascade_delayed", 4 | 1 << 3, 0x11, false},
        {"cascade_delayed_raw", 4 | 1 << 3, 0x21, true},
        {"ldpc_per_message_raw", 2 << 3, 0x51, true},
        {"ldpc_delayed", 4 | 2 << 3, 0x31, false},
        {"automatic_small_block", 0, 0x05, false},
        {"automatic_ldpc_no_key", 4, 0x06, false},
        {"qber_too_high", 4, 0x03, false},
    };
    std::optional<transcript> parser_source;
    for (const auto& s : seeds) {
        for (const bool bob : {true, false}) {
            const std::uint8_t setup = static_cast<std::uint8_t>(s.mode_method | (bob ? 1 : 2));
            const auto t = run(setup, s.block);
            const auto& messages = bob ? t.to_bob : t.to_alice;
            const auto data = input(setup, s.block, messages, s.raw, bob ? auth::role::bob : auth::role::alice);
            const std::string name = std::string(bob ? "bob_" : "alice_") + s.name;
            write(name, data);
            std::printf("%-36s %6zu bytes, %2zu messages; alice: %s, bob: %s, %llu secret bits, %zu KSA-keys\n", name.c_str(), data.size(),
                        messages.size(), std::string(to_string(t.alice.outcome)).c_str(), std::string(to_string(t.bob.outcome)).c_str(),
                        static_cast<unsigned long long>(t.bob.secret_bits), t.bob.ksa_keys);
        }
    }
    // The parser: the payloads of a per_message Cascade block and an LDPC block (the first three
    // reconcile messages of each direction), with the block's test-bit count.
    int index = 0;
    for (const std::uint8_t setup : {std::uint8_t{1 | 1 << 3}, std::uint8_t{1 | 2 << 3}}) {
        const auto t = run(setup, 0x01);
        const auto config = config_of(setup);
        for (const bool to_bob : {true, false}) {
            channel mirror({.session_id = config.session_id, .side = to_bob ? auth::role::bob : auth::role::alice, .mode = config.auth_mode},
                           pre_shared_key());
            int reconciles = 0;
            for (const auto& m : to_bob ? t.to_bob : t.to_alice) {
                const auto got = mirror.unwrap(m);
                if (!got) std::abort();
                bytes data{0, 0, static_cast<std::uint8_t>(t.alice.test_bits), static_cast<std::uint8_t>(t.alice.test_bits >> 8)};
                data.insert(data.end(), got.message.payload.begin(), got.message.payload.end());
                const auto type = got.message.payload.size() > 3 ? got.message.payload[3] : 0;
                if (type == 3 && ++reconciles > 3) continue;  // the first reconcile messages only
                write("parse_" + std::to_string(++index) + "_type" + std::to_string(type), data);
            }
        }
    }
    bytes abort_message{0, 2, 0, 0, 8, 8, 4, 16, 'Q', 'P', 1, 7, 0, 0, 0, 0, 0, 0, 0, 0, 3};  // narrow limits, an abort (verification failed)
    write("parse_abort_narrow", abort_message);
    return 0;
}
