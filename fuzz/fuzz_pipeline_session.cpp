// The post-processing session (pipeline/session.hpp) and its message parser
// (pipeline/session_wire.hpp) on arbitrary bytes.
//
// Byte 0 picks the target (bits 0-1: 0 or 3 the parser, 1 Bob, 2 Alice), the authentication mode
// (bit 2: per_message, delayed) and the method (bits 3-4: automatic, cascade, ldpc, cascade).
//   parser   byte 1 flags (bit 0: the test-bit count is a u64, else a u16; bit 1: narrow limits
//            from the next four bytes), the test-bit count, then the message. A message that
//            parses re-encodes to exactly its input (one encoding per message): frames strictly
//            increasing, every size within the limits, spare bits zero; parsing under narrower
//            limits succeeds exactly when the message fits them.
//   Bob      byte 1 picks the block (block_of); Bob expects it, and the rest is a list of records
//   Alice    from Alice (Bob's messages for Alice): flags u8 | length u16 | bytes. Flags bit 0:
//            the bytes go to the endpoint raw (a wire message of the authenticated channel, so
//            the channel's rejection path is fuzzed); else they are a session payload that a peer
//            channel holding the same pre-shared key wraps (so it gets past authentication), and
//            in delayed mode bit 1 closes the round after it.
// Properties: receive never throws; every message the endpoint sends is accepted by the peer
// channel and parses as a message of block 0; one report per block, with a valid outcome and
// busy() exactly until it comes; an idle endpoint sends nothing; a rejected message ends a
// running block and leaves the endpoint broken() (the next block then throws invalid_state); an
// aborted block leaves the key store empty, a delivered one holds exactly the reported keys.
// Seeds: genuine transcripts from scripts/fuzz_seeds/pipeline_session_seeds.cpp (which repeats
// the configuration and block_of below: change both together).
#include "driver.hpp"

#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pipeline/session.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace qkdnq;
namespace wire = qkdnq::pipeline::wire;
using pipeline::block_outcome;
using channel = auth::authenticated_channel<128>;

constexpr std::size_t max_records = 64;

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
            .ldpc_frame_bits = 1'000,  // the family's code of 1200 bits
            .auth_mode = (setup & 4) != 0 ? auth::authentication::delayed : auth::authentication::per_message,
            .auth_pool_target_bytes = 350,
            .ksa_key_bits = 256};
}

std::vector<std::uint8_t> pre_shared_key() {
    std::vector<std::uint8_t> psk(channel::min_pre_shared_bytes + 2 * 1'024);
    for (std::size_t i = 0; i < psk.size(); ++i) psk[i] = static_cast<std::uint8_t>(i * 131 + 7);
    return psk;
}

// Bits 0-1: the QBER (1, 2, 5, 12 %); bits 2-3: the key bits (4000, 2000, 1000, 100; test bits
// a quarter of them); bits 4-7: the simulator's seed.
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

// The message written back with the session's own writer.
std::vector<std::uint8_t> encode(const wire::message& m) {
    wire::writer w(m.type, m.block);
    switch (m.type) {
        case wire::message_type::estimate_alice:
            w.bytes(m.digest);
            w.u64(m.key_bits);
            w.u64(m.test.size());
            w.bits(m.test);
            break;
        case wire::message_type::estimate_bob: w.bits(m.test); break;
        case wire::message_type::reconcile:
            w.u8(static_cast<std::uint8_t>(m.method));
            w.u32(static_cast<std::uint32_t>(m.frames.size()));
            for (const auto& f : m.frames) {
                w.u32(f.frame);
                w.u32(static_cast<std::uint32_t>(f.bytes.size()));
                w.bytes(f.bytes);
            }
            break;
        case wire::message_type::verify:
            w.u32(static_cast<std::uint32_t>(m.verifications.size()));
            for (const auto& v : m.verifications) {
                w.u32(static_cast<std::uint32_t>(v.size()));
                w.bytes(v);
            }
            break;
        case wire::message_type::outcome:
            w.u32(static_cast<std::uint32_t>(m.matches.size()));
            w.bits(m.matches);
            w.u64(m.corrected_bits);
            break;
        case wire::message_type::confirm:
            w.u64(m.seed.size());
            w.bits(m.seed);
            break;
        case wire::message_type::abort: w.u8(static_cast<std::uint8_t>(m.reason)); break;
    }
    return w.take();
}

[[nodiscard]] bool fits(const wire::message& m, const wire::limits& lim) {
    switch (m.type) {
        case wire::message_type::estimate_alice: return m.key_bits <= lim.max_key_bits && m.test.size() <= lim.max_test_bits;
        case wire::message_type::reconcile:
            return m.frames.size() <= lim.max_frames &&
                   std::all_of(m.frames.begin(), m.frames.end(), [&](const auto& f) { return f.bytes.size() <= lim.max_frame_message; });
        case wire::message_type::verify: return m.verifications.size() <= lim.max_frames;
        case wire::message_type::outcome: return m.matches.size() <= lim.max_frames;
        case wire::message_type::confirm: return m.seed.size() <= lim.max_key_bits;
        default: return true;
    }
}

// What a parsed message must satisfy: its own encoding, and the field checks of the format.
void check_parsed(const wire::message& m, bytes_view in, std::uint64_t test_bits, const wire::limits& lim) {
    const auto again = encode(m);
    fuzz_check(again.size() == in.size() && std::equal(again.begin(), again.end(), in.begin()), "parse then encode changed the bytes");
    fuzz_check(fits(m, lim), "a parsed message exceeds the limits");
    switch (m.type) {
        case wire::message_type::estimate_alice: fuzz_check(m.key_bits > 0 && !m.test.empty(), "an empty block estimate parsed"); break;
        case wire::message_type::estimate_bob: fuzz_check(m.test.size() == test_bits, "Bob's estimate has another test-bit count"); break;
        case wire::message_type::reconcile:
            fuzz_check(!m.frames.empty(), "a reconcile message without frames parsed");
            fuzz_check(m.method == pipeline::reconciliation_method::cascade || m.method == pipeline::reconciliation_method::ldpc,
                       "a reconcile message names no method");
            for (std::size_t i = 1; i < m.frames.size(); ++i) fuzz_check(m.frames[i - 1].frame < m.frames[i].frame, "frames not increasing");
            break;
        case wire::message_type::abort:
            fuzz_check(m.reason != block_outcome::keys_delivered && static_cast<std::uint8_t>(m.reason) < pipeline::block_outcome_count,
                       "an abort with an invalid reason parsed");
            break;
        default: break;
    }
}

void fuzz_parser(fuzz_reader& in) {
    const std::uint8_t flags = in.byte();
    std::uint64_t test_bits = 0;
    if ((flags & 1) != 0) {
        for (int i = 0; i < 4; ++i) test_bits |= std::uint64_t{in.u16()} << (16 * i);
    } else {
        test_bits = in.u16();
    }
    wire::limits narrow;
    if ((flags & 2) != 0) {
        narrow.max_key_bits = std::uint64_t{in.byte()} * 64;
        narrow.max_test_bits = std::uint64_t{in.byte()} * 16;
        narrow.max_frames = in.byte() % 16;
        narrow.max_frame_message = in.byte();
    }
    const bytes_view message = in.rest();
    const auto full = wire::parse(message, test_bits);
    if (full) check_parsed(*full, message, test_bits, wire::limits{});
    const auto limited = wire::parse(message, test_bits, narrow);
    fuzz_check(limited.has_value() == (full.has_value() && fits(*full, narrow)), "narrower limits refuse other than the messages over them");
    if (limited) fuzz_check(encode(*limited) == encode(*full), "the limits changed a parsed message");
}

template <bool Bob>
void fuzz_endpoint(std::uint8_t setup, fuzz_reader& in) {
    const pipeline::session_config config = config_of(setup);
    const auto psk = pre_shared_key();
    auto [alice_in, bob_in] = block_of(in.byte());
    const std::uint64_t test_bits = alice_in.test.size();
    const char* own_kme = Bob ? "KME_B" : "KME_A";
    const char* peer_kme = Bob ? "KME_A" : "KME_B";
    relay::key_store store(own_kme);
    store.add_peer(peer_kme);
    // The other side's channel: it wraps the input's payloads and checks what the endpoint sends.
    channel peer({.session_id = config.session_id, .side = Bob ? auth::role::alice : auth::role::bob, .mode = config.auth_mode}, psk);
    shake_drbg alice_rng(std::uint64_t{0xa11ce});
    using endpoint = std::conditional_t<Bob, pipeline::session_bob, pipeline::session_alice>;
    std::optional<endpoint> e;
    if constexpr (Bob) {
        e.emplace(config, psk, store, peer_kme);
    } else {
        e.emplace(config, psk, store, peer_kme, alice_rng);
    }

    std::optional<pipeline::block_report> report;
    const auto take = [&](const pipeline::endpoint_output& out, bool was_busy, bool was_broken) {
        if (!was_busy) fuzz_check(out.messages.empty() && !out.report, "an idle endpoint answered");
        for (const auto& w : out.messages) {
            const auto got = peer.unwrap(w);
            fuzz_check(got.ok(), "the peer channel refused a message the endpoint sent");
            if (got.message.kind == auth::message_kind::round_tag) continue;
            const auto m = wire::parse(got.message.payload, test_bits);
            fuzz_check(m.has_value() && m->block == 0, "the endpoint sent a message that does not parse");
            check_parsed(*m, got.message.payload, test_bits, wire::limits{});
        }
        if (out.report) {
            fuzz_check(!report, "a second report for one block");
            fuzz_check(static_cast<std::uint8_t>(out.report->outcome) < pipeline::block_outcome_count, "a report with an invalid outcome");
            fuzz_check(out.report->block == 0, "a report for another block");
            report = out.report;
#ifdef QKDNQ_FUZZ_TRACE
            std::fprintf(stderr, "%s: %s, %zu KSA-keys\n", Bob ? "bob" : "alice", std::string(to_string(report->outcome)).c_str(),
                         report->ksa_keys);
#endif
        }
        if (e->broken() && !was_broken && was_busy) {
            fuzz_check(report.has_value() && report->outcome != block_outcome::keys_delivered, "a rejected message did not end the block");
        }
        fuzz_check(e->busy() == !report.has_value(), "busy() disagrees with the report");
        if (!report || report->outcome != block_outcome::keys_delivered) {
            fuzz_check(store.pool_size(peer_kme) == 0, "a block that did not deliver left keys in the store");
        } else {
            const auto& r = *report;
            fuzz_check(store.pool_size(peer_kme) == r.ksa_keys, "the store holds other keys than reported");
            fuzz_check(r.ksa_key_bits == r.ksa_keys * config.ksa_key_bits, "KSA-key bits disagree with the count");
            fuzz_check(r.auth_refill_bits + r.ksa_key_bits + r.unused_bits == r.secret_bits, "the split of the key does not add up");
            fuzz_check(r.secret_bits > 0 && r.secret_bits < r.reconciled_bits && r.reconciled_bits <= r.key_bits,
                       "a delivered block with impossible lengths");
        }
    };

    if constexpr (Bob) {
        e->expect_block(std::move(bob_in));
    } else {
        take(e->begin_block(std::move(alice_in)), true, false);
    }
    const auto deliver = [&](bytes_view w) {
        const bool was_busy = e->busy(), was_broken = e->broken();
        take(e->receive(w), was_busy, was_broken);
    };
    for (std::size_t i = 0; i < max_records && in.remaining() != 0; ++i) {
        const std::uint8_t flags = in.byte();
        const bytes_view bytes = in.bytes(in.u16());
        if ((flags & 1) != 0) {
            deliver(bytes);
            continue;
        }
        auto wrapped = peer.wrap(bytes);
        if (!wrapped) continue;  // the peer's pool ran dry: nothing sent
        deliver(*wrapped);
        if (config.auth_mode == auth::authentication::delayed && (flags & 2) != 0) {
            auto tag = peer.close_round();
            if (tag) deliver(*tag);
        }
    }
    if (e->broken()) {
        auto next = block_of(0);
        if constexpr (Bob) {
            fuzz_check(fuzz_throws<invalid_state>([&] { e->expect_block(std::move(next.second)); }), "a broken endpoint started a block");
        } else {
            fuzz_check(fuzz_throws<invalid_state>([&] { (void)e->begin_block(std::move(next.first)); }), "a broken endpoint started a block");
        }
    }
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    fuzz_reader in(input);
    const std::uint8_t setup = in.byte();
    switch (setup & 3) {
        case 1: fuzz_endpoint<true>(setup, in); break;
        case 2: fuzz_endpoint<false>(setup, in); break;
        default: fuzz_parser(in); break;
    }
}
