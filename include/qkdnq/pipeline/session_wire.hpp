// The messages of a post-processing session (pipeline/session.hpp): their types, encoding and a
// parser that checks every field. Each message is the payload of one authenticated_channel
// message; the channel authenticates it, this layer only frames it.
//
// Wire format, version 1 (integers little-endian; bit strings LSB first, ceil(bits / 8) bytes,
// spare bits zero):
//   header (12 bytes): 'Q' 'P' | version 1 | type u8 | block number u64
//   1 estimate (Alice):  configuration digest (32 bytes) | key bits u64 | test bits u64 |
//                        Alice's test bits
//   2 estimate (Bob):    Bob's test bits (as many as Alice's estimate announced)
//   3 reconcile:         method u8 (1 Cascade, 2 LDPC) | entry count u32 | entries:
//                        frame u32 | length u32 | that frame's Cascade or LDPC message
//                        (frames strictly increasing)
//   4 verify (Alice):    frame count u32 | per reconciled frame, in order: length u32 |
//                        its verification message (reconcile/verify.hpp)
//   5 outcome (Bob):     frame count u32 | one bit per frame of the verify message, set where
//                        the tags match | bits Bob corrected in the matching frames u64
//   6 confirm (Alice):   seed bits u64 | the privacy-amplification seed
//   7 abort:             reason u8 (a block_outcome other than keys_delivered)
// Sizes are bounded by the caller's limits before anything is allocated; a message that fails a
// check is `malformed` and changes nothing.
#pragma once

#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace qkdnq::pipeline {

// How a block ended, on one side. Everything but keys_delivered leaves the key store untouched.
enum class [[nodiscard]] block_outcome : std::uint8_t {
    keys_delivered = 0,     // the block's KSA-keys are in the key store
    qber_too_high,          // the estimated QBER exceeds the tolerance Q_tol
    verification_failed,    // the reconciled keys differ (verification tag mismatch)
    no_secret_key,          // the finite-key bound leaves no key (length <= 0)
    reconciliation_failed,  // no LDPC frame decoded, the block holds less than one frame, or
                            // Cascade met inconsistent parities
    auth_key_exhausted,     // the authentication pool ran dry before the block ended
    authentication_failed,  // a message or round tag did not verify: the channel was tampered with
    malformed_message,      // a message that does not parse, or comes out of order
    parameter_mismatch,     // the peer runs another configuration or block size
    key_store_rejected,     // the key store refused the keys (full, or duplicate IDs)
    peer_aborted,           // the peer sent an abort without a reason of the list above
    abandoned,              // the caller gave up on the block (abandon_block: the peer went silent)
};

[[nodiscard]] constexpr std::string_view to_string(block_outcome o) noexcept {
    switch (o) {
        case block_outcome::keys_delivered: return "keys delivered";
        case block_outcome::qber_too_high: return "QBER too high";
        case block_outcome::verification_failed: return "verification failed";
        case block_outcome::no_secret_key: return "no secret key";
        case block_outcome::reconciliation_failed: return "reconciliation failed";
        case block_outcome::auth_key_exhausted: return "authentication key exhausted";
        case block_outcome::authentication_failed: return "authentication failed";
        case block_outcome::malformed_message: return "malformed message";
        case block_outcome::parameter_mismatch: return "parameter mismatch";
        case block_outcome::key_store_rejected: return "key store rejected the keys";
        case block_outcome::peer_aborted: return "peer aborted";
        case block_outcome::abandoned: return "abandoned";
    }
    return "unknown";
}

inline constexpr std::uint8_t block_outcome_count = 12;

// How the block's key is reconciled. `automatic` picks from the estimated QBER.
enum class reconciliation_method : std::uint8_t { automatic = 0, cascade = 1, ldpc = 2 };

[[nodiscard]] constexpr std::string_view to_string(reconciliation_method m) noexcept {
    switch (m) {
        case reconciliation_method::automatic: return "automatic";
        case reconciliation_method::cascade: return "cascade";
        case reconciliation_method::ldpc: return "ldpc";
    }
    return "unknown";
}

namespace wire {

inline constexpr std::uint8_t magic[2] = {'Q', 'P'};
inline constexpr std::uint8_t version = 1;
inline constexpr std::size_t header_bytes = 12;
inline constexpr std::size_t digest_bytes = 32;
inline constexpr std::size_t max_verification_bytes = 64;  // a verification message: 27 + at most 16 bytes

enum class message_type : std::uint8_t { estimate_alice = 1, estimate_bob = 2, reconcile = 3, verify = 4, outcome = 5, confirm = 6, abort = 7 };

struct frame_message {
    std::uint32_t frame = 0;
    std::vector<std::uint8_t> bytes;
};

// One parsed message; the fields of its type are set.
struct message {
    message_type type{};
    std::uint64_t block = 0;
    std::array<std::uint8_t, digest_bytes> digest{};        // estimate_alice
    std::uint64_t key_bits = 0;                              // estimate_alice
    bit_vector test;                                         // estimate_alice, estimate_bob
    reconciliation_method method = reconciliation_method::automatic;  // reconcile
    std::vector<frame_message> frames;                       // reconcile
    std::vector<std::vector<std::uint8_t>> verifications;    // verify: one per frame
    bit_vector matches;                                      // outcome: one bit per verified frame
    std::uint64_t corrected_bits = 0;                        // outcome
    bit_vector seed;                                         // confirm
    block_outcome reason = block_outcome::peer_aborted;      // abort
};

// What a parser accepts: the largest block (key and test bits) and frame count.
struct limits {
    std::uint64_t max_key_bits = std::uint64_t{1} << 32;
    std::uint64_t max_test_bits = std::uint64_t{1} << 32;
    std::uint64_t max_frames = std::uint64_t{1} << 20;
    std::uint64_t max_frame_message = std::uint64_t{1} << 26;  // bytes
};

class writer {
public:
    writer(message_type type, std::uint64_t block) {
        m_out.reserve(64);
        u8(magic[0]);
        u8(magic[1]);
        u8(version);
        u8(static_cast<std::uint8_t>(type));
        u64(block);
    }
    void u8(std::uint8_t v) { m_out.push_back(v); }
    void u32(std::uint32_t v) {
        std::array<std::uint8_t, 4> b{};
        store_le32(b.data(), v);
        bytes(b);
    }
    void u64(std::uint64_t v) {
        std::array<std::uint8_t, 8> b{};
        store_le64(b.data(), v);
        bytes(b);
    }
    void bytes(bytes_view b) { m_out.insert(m_out.end(), b.begin(), b.end()); }
    void bits(const bit_vector& v) {
        const std::size_t at = m_out.size();
        m_out.resize(at + v.byte_size());
        v.to_bytes(mutable_bytes(m_out.data() + at, v.byte_size()));
    }
    [[nodiscard]] std::vector<std::uint8_t> take() { return std::move(m_out); }

private:
    std::vector<std::uint8_t> m_out;
};

class reader {
public:
    explicit reader(bytes_view in) noexcept : m_in(in) {}
    [[nodiscard]] bool u8(std::uint8_t& v) noexcept {
        if (remaining() < 1) return false;
        v = m_in[m_at++];
        return true;
    }
    [[nodiscard]] bool u32(std::uint32_t& v) noexcept {
        if (remaining() < 4) return false;
        v = load_le32(m_in.data() + m_at);
        m_at += 4;
        return true;
    }
    [[nodiscard]] bool u64(std::uint64_t& v) noexcept {
        if (remaining() < 8) return false;
        v = load_le64(m_in.data() + m_at);
        m_at += 8;
        return true;
    }
    [[nodiscard]] bool take(std::size_t n, bytes_view& out) noexcept {
        if (remaining() < n) return false;
        out = m_in.subspan(m_at, n);
        m_at += n;
        return true;
    }
    // `count` bits; false if short or if a spare bit of the last byte is set.
    [[nodiscard]] bool bits(std::uint64_t count, bit_vector& out) {
        const std::uint64_t bytes = count / 8 + (count % 8 != 0);
        bytes_view b;
        if (remaining() < bytes || !take(static_cast<std::size_t>(bytes), b)) return false;
        if (count % 8 != 0 && (b.back() >> (count % 8)) != 0) return false;
        out = bit_vector::from_bytes(b, static_cast<std::size_t>(count));
        return true;
    }
    [[nodiscard]] std::size_t remaining() const noexcept { return m_in.size() - m_at; }

private:
    bytes_view m_in;
    std::size_t m_at = 0;
};

// Parses one message. `test_bits` is the test-bit count of the block being estimated (for
// estimate_bob, which does not repeat it). Nothing on failure.
[[nodiscard]] inline std::optional<message> parse(bytes_view in, std::uint64_t test_bits, const limits& lim = {}) {
    reader r(in);
    std::uint8_t m0 = 0, m1 = 0, ver = 0, type = 0;
    message m;
    if (!r.u8(m0) || !r.u8(m1) || !r.u8(ver) || !r.u8(type) || !r.u64(m.block)) return std::nullopt;
    if (m0 != magic[0] || m1 != magic[1] || ver != version || type < 1 || type > 7) return std::nullopt;
    m.type = static_cast<message_type>(type);
    switch (m.type) {
        case message_type::estimate_alice: {
            bytes_view d;
            std::uint64_t k = 0;
            if (!r.take(digest_bytes, d) || !r.u64(m.key_bits) || !r.u64(k)) return std::nullopt;
            if (m.key_bits == 0 || m.key_bits > lim.max_key_bits || k == 0 || k > lim.max_test_bits) return std::nullopt;
            std::copy(d.begin(), d.end(), m.digest.begin());
            if (!r.bits(k, m.test)) return std::nullopt;
            break;
        }
        case message_type::estimate_bob:
            if (test_bits == 0 || !r.bits(test_bits, m.test)) return std::nullopt;
            break;
        case message_type::reconcile: {
            std::uint8_t method = 0;
            std::uint32_t count = 0;
            if (!r.u8(method) || !r.u32(count) || (method != 1 && method != 2) || count == 0 || count > lim.max_frames) {
                return std::nullopt;
            }
            m.method = static_cast<reconciliation_method>(method);
            // Each entry takes at least 8 bytes: a count the input cannot hold is refused before
            // anything is reserved.
            if (count > r.remaining() / 8) return std::nullopt;
            m.frames.reserve(count);
            for (std::uint32_t i = 0; i < count; ++i) {
                frame_message f;
                std::uint32_t length = 0;
                bytes_view b;
                if (!r.u32(f.frame) || !r.u32(length) || length > lim.max_frame_message || !r.take(length, b)) return std::nullopt;
                if (!m.frames.empty() && f.frame <= m.frames.back().frame) return std::nullopt;
                f.bytes.assign(b.begin(), b.end());
                m.frames.push_back(std::move(f));
            }
            break;
        }
        case message_type::verify: {
            std::uint32_t count = 0;
            if (!r.u32(count) || count == 0 || count > lim.max_frames || count > r.remaining() / 4) return std::nullopt;
            m.verifications.reserve(count);
            for (std::uint32_t i = 0; i < count; ++i) {
                std::uint32_t length = 0;
                bytes_view b;
                if (!r.u32(length) || length > max_verification_bytes || !r.take(length, b)) return std::nullopt;
                m.verifications.emplace_back(b.begin(), b.end());
            }
            break;
        }
        case message_type::outcome: {
            std::uint32_t count = 0;
            if (!r.u32(count) || count == 0 || count > lim.max_frames || !r.bits(count, m.matches) || !r.u64(m.corrected_bits)) {
                return std::nullopt;
            }
            break;
        }
        case message_type::confirm: {
            std::uint64_t seed_bits = 0;
            if (!r.u64(seed_bits) || seed_bits > lim.max_key_bits || !r.bits(seed_bits, m.seed)) return std::nullopt;
            break;
        }
        case message_type::abort: {
            std::uint8_t v = 0;
            if (!r.u8(v) || v == 0 || v >= block_outcome_count) return std::nullopt;
            m.reason = static_cast<block_outcome>(v);
            break;
        }
    }
    if (r.remaining() != 0) return std::nullopt;
    return m;
}

}  // namespace wire
}  // namespace qkdnq::pipeline
