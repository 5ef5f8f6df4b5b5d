// The authenticated classical channel: a sans-I/O wrapper that every post-processing protocol
// (Cascade, LDPC, verification, relay, the pipeline) sends its messages through.
//
//   qkdnq::auth::authenticated_channel<128> alice({.session_id = 7, .side = role::alice}, pre_shared);
//   qkdnq::auth::authenticated_channel<128> bob({.session_id = 7, .side = role::bob}, pre_shared);
//   auto wire = alice.wrap(payload);               // result<std::vector<uint8_t>>
//   auto got = bob.unwrap(*wire);                  // got.status, got.message.payload
//
// Wire format, version 1 (little-endian integers):
//   offset  size  field
//        0     1  version (1)
//        1     1  kind: 0 data (tagged), 1 deferred data (no tag, delayed mode), 2 round tag
//        2     1  direction: 0 alice -> bob, 1 bob -> alice
//        3     1  tag length in bytes (Bits / 8)
//        4     8  session id
//       12     8  sequence number (per direction, from 0, counting every kind)
//       20     8  pool offset: the sender's outgoing pool position, where the pad of this
//                 message's tag (or of the round tag to come) starts
//       28     4  payload length
//       32     n  payload (empty for a round tag)
//   32 + n     t  tag, kinds 0 and 2 only: Wegman-Carter over every byte before it
//
// Keys. Each direction has its own hash key (recycled for every tag, wegman_carter.hpp) and its
// own key pool of one-time pads (key_pool.hpp): alice's outgoing pool is bob's incoming pool.
// The pre-shared key is read as [hash key alice -> bob | hash key bob -> alice | pool bytes], its
// pool bytes split in two halves, the first for alice -> bob. `refill` splits fresh shared key the
// same way, so both sides stay in step if they refill with the same bytes at the same point.
//
// Modes. `per_message`: every data message carries its tag and consumes Bits pad bits.
// `delayed` (as production QKD stacks do, ../shared/notes/authentication.md §5): data messages
// carry no tag and are appended, header and payload, to a per-direction transcript; `close_round`
// sends one round tag over the transcript (and its own header), so a round costs Bits pad bits
// per direction whatever its number of messages. Payloads received in a round are reported as not
// authenticated until the round tag verifies; a caller must not act on them irreversibly (release
// key) before then. A failed round tag means the round was tampered with: discard its result.
//
// Unwrapping checks, in this order, and rejects with a precise `channel_status`: length and
// structure, version, direction, session, mode, sequence number (replayed / out of order), pool
// offset, pad available, tag. A rejected message consumes no key and changes no state, so the
// genuine message can still be accepted after any number of forgeries. Each forgery attempt
// succeeds with probability at most `forgery_bound(size)` = L / 2^Bits (L blocks of the tagged
// bytes), and by key recycling the errors of all messages add up (wegman_carter.hpp).
#pragma once

#include <qkdnq/auth/key_pool.hpp>
#include <qkdnq/auth/poly_hash.hpp>
#include <qkdnq/auth/wegman_carter.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qkdnq::auth {

enum class role : std::uint8_t { alice = 0, bob = 1 };

enum class authentication : std::uint8_t {
    per_message,  // a tag on every data message
    delayed,      // one tag per round over the round's transcript
};

enum class message_kind : std::uint8_t { data = 0, deferred_data = 1, round_tag = 2 };

// Why unwrap rejected a message (or ok).
enum class [[nodiscard]] channel_status : std::uint8_t {
    ok = 0,
    truncated,            // shorter than the header, or than the payload and tag it declares
    malformed,            // longer than declared, unknown kind, wrong tag length, payload over the limit
    unsupported_version,  // a version byte other than 1
    wrong_direction,      // sent in this side's own direction (reflected back)
    wrong_session,        // another session id
    wrong_mode,           // a tagged data message on a delayed channel, or the reverse
    replayed,             // a sequence number already received
    out_of_order,         // a sequence number beyond the next one expected (lost or reordered)
    pool_out_of_step,     // the pool offset is not this side's incoming pool position
    not_enough_key,       // the pool holds too few bytes for the pad
    tag_mismatch,         // the tag does not verify: the message was altered or forged
};

[[nodiscard]] constexpr std::string_view to_string(channel_status s) noexcept {
    switch (s) {
        case channel_status::ok: return "ok";
        case channel_status::truncated: return "truncated";
        case channel_status::malformed: return "malformed";
        case channel_status::unsupported_version: return "unsupported version";
        case channel_status::wrong_direction: return "wrong direction";
        case channel_status::wrong_session: return "wrong session";
        case channel_status::wrong_mode: return "wrong mode";
        case channel_status::replayed: return "replayed";
        case channel_status::out_of_order: return "out of order";
        case channel_status::pool_out_of_step: return "pool out of step";
        case channel_status::not_enough_key: return "not enough key";
        case channel_status::tag_mismatch: return "tag mismatch";
    }
    return "unknown channel status";
}

// The library-wide status for a channel status: not_enough_key, verification_failed for a tag
// that does not verify, malformed_message for the rest.
[[nodiscard]] constexpr status to_status(channel_status s) noexcept {
    switch (s) {
        case channel_status::ok: return status::ok;
        case channel_status::not_enough_key: return status::not_enough_key;
        case channel_status::tag_mismatch: return status::verification_failed;
        default: return status::malformed_message;
    }
}

struct channel_config {
    std::uint64_t session_id = 0;
    role side = role::alice;
    authentication mode = authentication::per_message;
    std::size_t max_payload = std::size_t{1} << 24;  // bytes; larger payloads are refused both ways
};

struct received_message {
    message_kind kind = message_kind::data;
    std::uint64_t sequence = 0;
    std::vector<std::uint8_t> payload;  // empty for a round tag
    bool authenticated = false;         // false for deferred data until its round tag verifies
    std::uint64_t round_messages = 0;   // round tag: how many deferred messages it authenticated
};

struct [[nodiscard]] unwrap_result {
    channel_status status = channel_status::malformed;
    received_message message;  // meaningful only when ok()

    [[nodiscard]] bool ok() const noexcept { return status == channel_status::ok; }
    explicit operator bool() const noexcept { return ok(); }
};

// Accounting, both directions from this side's view.
struct channel_counters {
    std::uint64_t messages_sent = 0;      // every kind
    std::uint64_t messages_received = 0;  // accepted ones
    std::uint64_t payload_bytes_sent = 0;
    std::uint64_t payload_bytes_received = 0;
    std::uint64_t tags_sent = 0;  // tagged data messages and round tags
    std::uint64_t tags_received = 0;
    std::uint64_t pad_bits_sent = 0;  // one-time-pad key consumed by outgoing tags
    std::uint64_t pad_bits_received = 0;

    friend bool operator==(const channel_counters&, const channel_counters&) = default;
};

// Everything unwrap may change, for tests that show a rejection changes nothing.
struct channel_state {
    std::uint64_t next_send_sequence = 0;
    std::uint64_t next_receive_sequence = 0;
    std::uint64_t outgoing_offset = 0;
    std::size_t outgoing_available = 0;
    std::uint64_t incoming_offset = 0;
    std::size_t incoming_available = 0;
    std::uint64_t transcript_out_bytes = 0;
    std::uint64_t transcript_in_bytes = 0;
    std::uint64_t round_messages_in = 0;
    channel_counters counters;

    friend bool operator==(const channel_state&, const channel_state&) = default;
};

template <std::size_t Bits = 128>
class authenticated_channel {
public:
    static constexpr std::uint8_t version = 1;
    static constexpr std::size_t header_bytes = 32;
    static constexpr std::size_t tag_bytes = Bits / 8;
    static constexpr std::size_t hash_key_bytes = Bits / 8;
    // The pre-shared key holds at least the two hash keys.
    static constexpr std::size_t min_pre_shared_bytes = 2 * hash_key_bytes;

    authenticated_channel(const channel_config& config, bytes_view pre_shared_key) : m_config(config) {
        if (pre_shared_key.size() < min_pre_shared_bytes) {
            qkdnq::detail::throw_invalid_length("qkdnq::auth::authenticated_channel", "pre_shared_key", pre_shared_key.size(),
                                                "at least " + std::to_string(min_pre_shared_bytes));
        }
        if (config.max_payload > 0xffffffffu) {
            throw invalid_argument("qkdnq::auth::authenticated_channel: max_payload exceeds the 32-bit length field");
        }
        const auto a_to_b = pre_shared_key.first<hash_key_bytes>();
        const auto b_to_a = pre_shared_key.subspan<hash_key_bytes, hash_key_bytes>();
        const bool alice = config.side == role::alice;
        m_keys = std::make_unique<const keys>(alice ? a_to_b : b_to_a, alice ? b_to_a : a_to_b);
        m_transcript_out.emplace_back(m_keys->outgoing.hasher());
        m_transcript_in.emplace_back(m_keys->incoming.hasher());
        refill(pre_shared_key.subspan(min_pre_shared_bytes));
    }

    // Copying would duplicate the pools and so reuse pads: a channel is moved, never copied.
    authenticated_channel(const authenticated_channel&) = delete;
    authenticated_channel& operator=(const authenticated_channel&) = delete;
    authenticated_channel(authenticated_channel&&) noexcept = default;
    authenticated_channel& operator=(authenticated_channel&&) noexcept = default;

    // The wire form of `payload`: a tagged data message (per_message, consumes tag_bytes of
    // outgoing pool, not_enough_key if it holds fewer) or a deferred one (delayed, consumes
    // nothing until close_round). A payload over max_payload is a programmer error.
    [[nodiscard]] result<std::vector<std::uint8_t>> wrap(bytes_view payload) {
        qkdnq::detail::require_at_most("qkdnq::auth::authenticated_channel::wrap", "payload", payload.size(), m_config.max_payload);
        if (m_config.mode == authentication::per_message) return tagged(message_kind::data, payload);
        std::vector<std::uint8_t> out = header(message_kind::deferred_data, payload.size());
        out.insert(out.end(), payload.begin(), payload.end());
        m_transcript_out.front().update(out);
        count_sent(payload.size());
        return out;
    }

    // Delayed mode: the round tag over every deferred message sent since the last one.
    // Consumes tag_bytes of outgoing pool (not_enough_key, and nothing changed, if it holds fewer).
    [[nodiscard]] result<std::vector<std::uint8_t>> close_round() {
        if (m_config.mode != authentication::delayed) {
            qkdnq::detail::throw_invalid_state("qkdnq::auth::authenticated_channel::close_round",
                                               "the channel authenticates every message (mode per_message)");
        }
        return tagged(message_kind::round_tag, {});
    }

    // Checks and opens a message from the peer. On any status but ok nothing changes.
    [[nodiscard]] unwrap_result unwrap(bytes_view wire) {
        unwrap_result out;
        parsed msg;
        out.status = parse(wire, msg);
        if (out.status != channel_status::ok) return out;
        if (msg.kind == message_kind::deferred_data) {  // authenticated later by the round tag
            m_transcript_in.front().update(wire);
            ++m_round_messages_in;
        } else {
            std::array<std::uint8_t, tag_bytes> pad{};
            if (m_in_pool.peek(pad) != status::ok) {
                out.status = channel_status::not_enough_key;
                return out;
            }
            poly_hasher<Bits> h = msg.kind == message_kind::round_tag ? m_transcript_in.front() : m_keys->incoming.hasher();
            h.update(wire.first(wire.size() - tag_bytes));
            const auto tag = wire.last<tag_bytes>();
            const status verified = m_keys->incoming.verify(h, pad, tag);
            secure_zero(pad.data(), pad.size());
            if (verified != status::ok) {
                out.status = channel_status::tag_mismatch;
                return out;
            }
            m_in_pool.consume(tag_bytes);
            ++m_counters.tags_received;
            m_counters.pad_bits_received += 8 * tag_bytes;
            out.message.authenticated = true;
            if (msg.kind == message_kind::round_tag) {
                out.message.round_messages = m_round_messages_in;
                m_round_messages_in = 0;
                m_transcript_in.front().reset();
            }
        }
        ++m_receive_sequence;
        ++m_counters.messages_received;
        m_counters.payload_bytes_received += msg.payload.size();
        out.message.kind = msg.kind;
        out.message.sequence = msg.sequence;
        out.message.payload.assign(msg.payload.begin(), msg.payload.end());
        return out;
    }

    // Fresh shared key: both sides call this with the same bytes at the same point of the
    // protocol. The first half (rounded down) goes to the alice -> bob pool, the rest to bob -> alice.
    void refill(bytes_view shared_key) {
        const std::size_t half = shared_key.size() / 2;
        refill(role::alice, shared_key.first(half));
        refill(role::bob, shared_key.subspan(half));
    }
    // Fresh shared key for the pool of the direction that `sender` sends in.
    void refill(role sender, bytes_view key) { (sender == m_config.side ? m_out_pool : m_in_pool).deposit(key); }

    [[nodiscard]] const key_pool& outgoing_pool() const noexcept { return m_out_pool; }
    [[nodiscard]] const key_pool& incoming_pool() const noexcept { return m_in_pool; }
    [[nodiscard]] const channel_counters& counters() const noexcept { return m_counters; }
    [[nodiscard]] const channel_config& config() const noexcept { return m_config; }

    [[nodiscard]] channel_state state() const noexcept {
        return {m_send_sequence,       m_receive_sequence,    m_out_pool.offset(),
                m_out_pool.available(), m_in_pool.offset(),    m_in_pool.available(),
                m_transcript_out.front().length(), m_transcript_in.front().length(), m_round_messages_in,
                m_counters};
    }

    // ε for one forged message whose tagged bytes (header, payload; for a round tag the whole
    // round's transcript) number at most `tagged_bytes`.
    [[nodiscard]] static double forgery_bound(std::uint64_t tagged_bytes) noexcept {
        return wegman_carter<Bits>::forgery_bound(tagged_bytes);
    }

private:
    struct keys {
        keys(std::span<const std::uint8_t, hash_key_bytes> out, std::span<const std::uint8_t, hash_key_bytes> in)
            : outgoing(out), incoming(in) {}
        wegman_carter<Bits> outgoing;
        wegman_carter<Bits> incoming;
    };

    struct parsed {
        message_kind kind = message_kind::data;
        std::uint64_t sequence = 0;
        bytes_view payload;
    };

    [[nodiscard]] std::uint8_t direction_out() const noexcept { return static_cast<std::uint8_t>(m_config.side); }
    [[nodiscard]] std::uint8_t direction_in() const noexcept { return static_cast<std::uint8_t>(1u - direction_out()); }

    [[nodiscard]] std::vector<std::uint8_t> header(message_kind kind, std::size_t payload_bytes) const {
        std::vector<std::uint8_t> out(header_bytes);
        out[0] = version;
        out[1] = static_cast<std::uint8_t>(kind);
        out[2] = direction_out();
        out[3] = static_cast<std::uint8_t>(tag_bytes);
        store_le64(out.data() + 4, m_config.session_id);
        store_le64(out.data() + 12, m_send_sequence);
        store_le64(out.data() + 20, m_out_pool.offset());
        store_le32(out.data() + 28, static_cast<std::uint32_t>(payload_bytes));
        return out;
    }

    // A data message or a round tag, with its tag; nothing changes if the pool is dry.
    [[nodiscard]] result<std::vector<std::uint8_t>> tagged(message_kind kind, bytes_view payload) {
        std::array<std::uint8_t, tag_bytes> pad{};
        if (m_out_pool.peek(pad) != status::ok) return status::not_enough_key;
        std::vector<std::uint8_t> out = header(kind, payload.size());
        out.insert(out.end(), payload.begin(), payload.end());
        poly_hasher<Bits> h = kind == message_kind::round_tag ? m_transcript_out.front() : m_keys->outgoing.hasher();
        h.update(out);
        const auto tag = m_keys->outgoing.tag(h, pad);
        secure_zero(pad.data(), pad.size());
        out.insert(out.end(), tag.begin(), tag.end());
        m_out_pool.consume(tag_bytes);
        if (kind == message_kind::round_tag) m_transcript_out.front().reset();
        ++m_counters.tags_sent;
        m_counters.pad_bits_sent += 8 * tag_bytes;
        count_sent(payload.size());
        return out;
    }

    void count_sent(std::size_t payload_bytes) noexcept {
        ++m_send_sequence;
        ++m_counters.messages_sent;
        m_counters.payload_bytes_sent += payload_bytes;
    }

    // Every check that needs no key, in the documented order.
    [[nodiscard]] channel_status parse(bytes_view wire, parsed& msg) const noexcept {
        if (wire.size() < header_bytes) return channel_status::truncated;
        if (wire[0] != version) return channel_status::unsupported_version;
        if (wire[1] > static_cast<std::uint8_t>(message_kind::round_tag)) return channel_status::malformed;
        if (wire[3] != tag_bytes) return channel_status::malformed;
        if (wire[2] != direction_in()) return channel_status::wrong_direction;
        if (load_le64(wire.data() + 4) != m_config.session_id) return channel_status::wrong_session;
        msg.kind = static_cast<message_kind>(wire[1]);
        const bool delayed_kind = msg.kind != message_kind::data;
        if (delayed_kind != (m_config.mode == authentication::delayed)) return channel_status::wrong_mode;
        const std::uint32_t payload_bytes = load_le32(wire.data() + 28);
        if (payload_bytes > m_config.max_payload) return channel_status::malformed;
        if (msg.kind == message_kind::round_tag && payload_bytes != 0) return channel_status::malformed;
        const std::size_t expected = header_bytes + payload_bytes + (msg.kind == message_kind::deferred_data ? 0 : tag_bytes);
        if (wire.size() < expected) return channel_status::truncated;
        if (wire.size() > expected) return channel_status::malformed;
        msg.sequence = load_le64(wire.data() + 12);
        if (msg.sequence < m_receive_sequence) return channel_status::replayed;
        if (msg.sequence > m_receive_sequence) return channel_status::out_of_order;
        if (load_le64(wire.data() + 20) != m_in_pool.offset()) return channel_status::pool_out_of_step;
        msg.payload = wire.subspan(header_bytes, payload_bytes);
        return channel_status::ok;
    }

    channel_config m_config;
    std::unique_ptr<const keys> m_keys;  // on the heap, so that the hashers' key pointers survive a move
    key_pool m_out_pool;
    key_pool m_in_pool;
    // The running transcripts of the delayed mode (one hasher each, in a vector so that the
    // channel stays movable: poly_hasher holds a pointer to a key, not the key).
    std::vector<poly_hasher<Bits>> m_transcript_out;
    std::vector<poly_hasher<Bits>> m_transcript_in;
    std::uint64_t m_round_messages_in = 0;
    std::uint64_t m_send_sequence = 0;
    std::uint64_t m_receive_sequence = 0;
    channel_counters m_counters;
};

}  // namespace qkdnq::auth
