// The authenticated channel's unwrap on arbitrary bytes (auth/channel.hpp).
//
// The input drives a session between two channels with a fixed pre-shared key. Byte 0 picks the
// tag size (64 or 128 bits) and the mode (per-message or delayed); then each step's first byte
// picks an operation:
//   0  alice wraps a payload of the next byte's length and bob must accept it
//   1  bob unwraps the next u16-length bytes as they are
//   2  bob unwraps alice's next genuine message XORed with fuzz bytes at a fuzz position
//   3  (delayed mode) alice closes the round and bob must accept the round tag
// Properties: unwrap never crashes; a rejected message leaves bob's state unchanged; an altered
// tagged message is never accepted; genuine messages are accepted after any number of rejections.
#include "driver.hpp"

#include <qkdnq/auth/channel.hpp>

#include <cstdint>
#include <vector>

namespace {

template <std::size_t Bits>
void run(qkdnq::auth::authentication mode, fuzz_reader& in) {
    using channel = qkdnq::auth::authenticated_channel<Bits>;
    std::vector<std::uint8_t> psk(channel::min_pre_shared_bytes + 2 * 64 * (Bits / 8));
    for (std::size_t i = 0; i < psk.size(); ++i) psk[i] = static_cast<std::uint8_t>(i * 131 + 7);
    channel alice({.session_id = 5, .side = qkdnq::auth::role::alice, .mode = mode, .max_payload = 4096}, psk);
    channel bob({.session_id = 5, .side = qkdnq::auth::role::bob, .mode = mode, .max_payload = 4096}, psk);

    auto unwrap_checked = [&](std::span<const std::uint8_t> wire) {
        const auto before = bob.state();
        const auto got = bob.unwrap(wire);
        if (!got.ok()) fuzz_check(bob.state() == before, "a rejected message changed the channel state");
        return got;
    };
    auto genuine = [&](std::size_t payload_bytes) -> std::vector<std::uint8_t> {
        std::vector<std::uint8_t> payload(payload_bytes, 0x5a);
        auto wire = alice.wrap(payload);
        if (!wire.ok()) return {};  // alice's pool ran dry: a result, nothing sent
        return std::move(*wire);
    };

    std::vector<std::uint8_t> pending = genuine(3);
    for (int step = 0; step < 64 && in.remaining() != 0; ++step) {
        switch (in.byte() % 4) {
            case 0: {
                if (!pending.empty()) fuzz_check(unwrap_checked(pending).ok(), "a genuine message was rejected");
                pending = genuine(in.byte());
                break;
            }
            case 1: (void)unwrap_checked(in.bytes(in.u16())); break;
            case 2: {
                if (pending.empty()) break;
                auto altered = pending;
                const std::size_t at = in.u16() % altered.size();
                bool changed = false;
                for (const std::uint8_t b : in.bytes(in.byte() % 8)) {
                    altered[at] ^= b;
                    changed = changed || b != 0;
                }
                const bool changed_any = altered != pending;
                const auto got = unwrap_checked(altered);
                const bool deferred = mode == qkdnq::auth::authentication::delayed;
                if (changed && changed_any && !deferred) fuzz_check(!got.ok(), "an altered tagged message was accepted");
                if (got.ok()) pending = genuine(in.byte());  // a deferred message went through: move on
                break;
            }
            case 3: {
                if (mode != qkdnq::auth::authentication::delayed) break;
                if (!pending.empty()) fuzz_check(unwrap_checked(pending).ok(), "a genuine message was rejected");
                auto tag = alice.close_round();
                if (tag.ok()) {
                    const auto got = unwrap_checked(*tag);
                    // Earlier altered deferred messages that went through make the round tag fail.
                    if (got.ok()) fuzz_check(got.message.authenticated, "a round tag was accepted unauthenticated");
                    if (!got.ok()) return;  // the round is spoiled; the session would be aborted
                }
                pending = genuine(in.byte());
                break;
            }
        }
    }
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    if (input.size() > QKDNQ_FUZZ_MAX_INPUT) return;
    fuzz_reader in(input);
    const std::uint8_t setup = in.byte();
    const auto mode = (setup & 1) != 0 ? qkdnq::auth::authentication::delayed : qkdnq::auth::authentication::per_message;
    if ((setup & 2) != 0) {
        run<64>(mode, in);
    } else {
        run<128>(mode, in);
    }
}
