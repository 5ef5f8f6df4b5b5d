// Error verification after reconciliation: a universal-hash comparison of the reconciled keys
// that makes the protocol ε_cor-correct (Cascade never reports failure, and an LDPC decoder can
// converge to a wrong word with a matching syndrome). Sans-I/O: Alice turns her key into a
// message, Bob checks his key against it; neither side sends or receives anything itself.
//
//   // Alice (reference key X), after the reconciliation transcript is complete:
//   auto msg = qkdnq::reconcile::make_verification_message(x, {.epsilon_cor = 1e-12}, rng);
//   // Bob (reconciled key X^), on the message as received over the authenticated channel:
//   auto got = qkdnq::reconcile::check_verification_message(x_hat, msg, {.epsilon_cor = 1e-12});
//   if (got.status == verify_status::match) ...   // keep the block; leak += got.leak_bits()
//
// Protocol (../shared/notes/verification.md §2; [TLGR12] Table I, "Error Correction"). Alice draws
// a fresh hash key k (16 bytes, public) from the generator, computes the GF(2^128) polynomial hash
// h_k (auth/poly_hash.hpp) of
//     key bytes (bit_vector::to_bytes, ceil(n/8) bytes, unused high bits zero) || header || k
// where header || k are the message's first 27 bytes below (version, kind, t, n, k): everything the
// message carries before the tag is bound into the hash, the key's bit length and the tag length
// included. She sends header, k and the first t bits of the hash. Bob checks the header against
// his key and the parameters, hashes his key the same way with the received header and k, and
// compares the t-bit prefixes in constant time (core/ct.hpp). Tags that differ are `mismatch`, a
// normal outcome (discard the block, [KI16] §3.1), never an exception.
//
// Bound. Both hashed inputs have the same length M = ceil(n/8) + 27 bytes, so L =
// poly_hash_blocks<128>(M) = ceil(M/16) + 1 blocks, length block included. For X != X^ and a given
// message, the two inputs differ only in the key bytes (header and k are the same bytes on both
// sides), so h_k(X..) + h_k(X^..) = D(k) = sum_i d_i k^(L-i+1), where d_i, the XOR of the i-th
// blocks, does not depend on k and is nonzero for some i. For any constant c, D(k) + c is then a
// nonzero polynomial in k of degree <= L (D has no constant term), with at most L roots:
// Pr_k[h_k(X..) + h_k(X^..) = c] <= L / 2^128.
// Truncation: the t-bit prefixes collide iff h_k(X..) + h_k(X^..) lies in the set of the 2^(128-t)
// values whose first t bits are zero; by the union bound over that set,
//     Pr_k[prefix_t h_k(X..) = prefix_t h_k(X^..)] <= 2^(128-t) L / 2^128 = L / 2^t.
// `verification_tag_bits(n, ε_cor)` is the smallest t with L / 2^t <= ε_cor (t <= 128; an ε_cor
// that needs more, or one outside (0, 1), is a programmer error and throws invalid_argument). The
// comparison L <= ε_cor 2^t is done exactly (ldexp, then an integer compare).
// Hashing k itself is for the wire, not the bound: an altered k then changes a data block as well
// as the evaluation point. Without it, with L = 2, h_(k+e)(m) + h_k(m) = m_1 e^2 + m_2 e would not
// depend on k (squaring is linear in characteristic 2), and some single-bit changes of k would go
// unnoticed for every k. Deliberate alterations are the authenticated channel's to catch.
//
// Why k is drawn after reconciliation. For a fixed pair X != X^ the bound holds over a uniform k
// that is independent of the error pattern X + X^. If k were known before the reconciliation
// transcript were fixed, whoever influences the residual errors (Eve, through the quantum channel
// and the public parities) could steer them into the roots of the difference polynomial. k needs
// no secrecy, only freshness: it is sent in the clear, and drawn from a generator (os_random in
// production) only once Alice's key is final. Draw a new k for every message; never reuse one.
//
// Composition and leak ([TLGR12] proof of Thm 2; verification.md §4). The tag is public and
// depends on X: its t bits count as leak, next to the syndrome or parities (`leak_bits()` on
// Bob's side, `verification_tag_bits` on Alice's). This is the *actual* t, which may exceed
// log2(1/ε_cor) by log2(L) bits; subtract it instead of the log2(2/ε_cor) of the finite-key
// formulas, or max of the two. With one tag per block, the ε_cor of the blocks add up (union
// bound: ε_cor,total <= Σ ε_cor,i): budget ε_cor per block accordingly.
//
// Wire format, version 1 (little-endian integers), ceil(t/8) + 27 bytes:
//   offset  size  field
//        0     1  version (1)
//        1     1  kind: 1 = GF(2^128) polynomial hash, truncated tag
//        2     1  t, the tag length in bits, 1 ... 128
//        3     8  n, the key length in bits
//       11    16  hash key k (public, fresh)
//       27     T  tag: the first t bits of h_k(key bytes || bytes 0 ... 26), T = ceil(t/8)
//                 bytes in the project's bit order (bit i = byte i/8, bit i%8); the unused high
//                 bits of the last byte are zero
// Bob's checks, in this order, each with its own `verify_status`: at least the 11-byte header
// (truncated), version (unsupported_version), kind (unknown_kind), 1 <= t <= 128 (malformed),
// n equal to his key's length (wrong_length), t at least what his parameters require for n
// (tag_too_short), the exact length 27 + T (truncated / malformed), zero padding bits (malformed),
// then the tag (match / mismatch). Alice may choose a smaller ε_cor than Bob (a longer tag), not a
// larger one.
#pragma once

#include <qkdnq/auth/poly_hash.hpp>
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qkdnq::reconcile {

// What Bob's check found (or match).
enum class [[nodiscard]] verify_status : std::uint8_t {
    match = 0,            // the tags agree: the keys are equal except with probability <= ε_cor
    mismatch,             // well-formed, the tags differ: the keys differ (discard the block)
    truncated,            // shorter than the header, or than the tag the header declares
    malformed,            // longer than declared, t = 0 or t > 128, nonzero padding bits in the tag
    unsupported_version,  // a version byte other than 1
    unknown_kind,         // a kind other than 1 (GF(2^128) polynomial hash)
    wrong_length,         // the key length n differs from the checking side's key
    tag_too_short,        // fewer tag bits than the checking side's ε_cor requires for n bits
};

[[nodiscard]] constexpr std::string_view to_string(verify_status s) noexcept {
    switch (s) {
        case verify_status::match: return "match";
        case verify_status::mismatch: return "mismatch";
        case verify_status::truncated: return "truncated";
        case verify_status::malformed: return "malformed";
        case verify_status::unsupported_version: return "unsupported version";
        case verify_status::unknown_kind: return "unknown kind";
        case verify_status::wrong_length: return "wrong length";
        case verify_status::tag_too_short: return "tag too short";
    }
    return "unknown verify status";
}

// The library-wide status: ok, verification_failed for a mismatch, malformed_message for the rest.
[[nodiscard]] constexpr status to_status(verify_status s) noexcept {
    switch (s) {
        case verify_status::match: return status::ok;
        case verify_status::mismatch: return status::verification_failed;
        default: return status::malformed_message;
    }
}

struct verification_parameters {
    double epsilon_cor = 1e-12;  // per message (block); in (0, 1)
};

// Bob's result. `tag_bits` is the t the message declares once its header has been read and t is
// in 1 ... 128 (also for wrong_length, tag_too_short and a wrong total length, since Alice did
// publish it), 0 when the header could not be read.
struct [[nodiscard]] verification_outcome {
    verify_status status = verify_status::malformed;
    std::size_t tag_bits = 0;

    [[nodiscard]] bool ok() const noexcept { return status == verify_status::match; }
    explicit operator bool() const noexcept { return ok(); }
    // Bits published about the key by this message: t.
    [[nodiscard]] std::size_t leak_bits() const noexcept { return tag_bits; }
};

// Format constants (version 1).
inline constexpr std::uint8_t verification_version = 1;
inline constexpr std::uint8_t verification_kind_poly128 = 1;
inline constexpr std::size_t verification_header_bytes = 11;   // version, kind, t, n
inline constexpr std::size_t verification_hash_key_bytes = 16;  // k
// The bytes before the tag, hashed after the key: header and k.
inline constexpr std::size_t verification_covered_bytes = verification_header_bytes + verification_hash_key_bytes;
inline constexpr std::size_t verification_max_tag_bits = 128;

// Length of a message with a t-bit tag.
[[nodiscard]] constexpr std::size_t verification_message_bytes(std::size_t tag_bits) noexcept {
    return verification_covered_bytes + (tag_bits + 7) / 8;
}

// L: the blocks h_k evaluates for an n-bit key (key bytes, header and k, length block).
[[nodiscard]] inline std::uint64_t verification_hash_blocks(std::size_t key_bits) {
    const std::uint64_t key_bytes = std::uint64_t{key_bits} / 8 + (key_bits % 8 != 0 ? 1u : 0u);
    if (key_bytes > auth::detail::max_message_bytes - verification_covered_bytes) {
        throw invalid_argument("qkdnq::reconcile::verification_hash_blocks: a key of " + std::to_string(key_bits) +
                               " bits exceeds the hash's 2^61 - 1 byte limit");
    }
    return auth::poly_hash_blocks<128>(key_bytes + verification_covered_bytes);
}

// The collision bound L / 2^t for two different n-bit keys and a t-bit tag.
[[nodiscard]] inline double verification_collision_bound(std::size_t key_bits, std::size_t tag_bits) {
    return std::ldexp(static_cast<double>(verification_hash_blocks(key_bits)), -static_cast<int>(tag_bits));
}

// t: the smallest tag length with L / 2^t <= ε_cor for an n-bit key. Throws invalid_argument if
// ε_cor is not in (0, 1) or needs more than 128 bits (ε_cor < L / 2^128).
[[nodiscard]] inline std::size_t verification_tag_bits(std::size_t key_bits, double epsilon_cor) {
    if (!(epsilon_cor > 0.0 && epsilon_cor < 1.0)) {  // also NaN
        throw invalid_argument("qkdnq::reconcile::verification_tag_bits: epsilon_cor must be in (0, 1)");
    }
    const std::uint64_t blocks = verification_hash_blocks(key_bits);
    for (std::size_t t = 1; t <= verification_max_tag_bits; ++t) {
        // L / 2^t <= ε  <=>  L <= ε 2^t  <=>  L <= floor(ε 2^t) (L an integer); ldexp is exact.
        const double scaled = std::ldexp(epsilon_cor, static_cast<int>(t));
        if (scaled >= 0x1p64) return t;
        if (blocks <= static_cast<std::uint64_t>(scaled)) return t;
    }
    throw invalid_argument("qkdnq::reconcile::verification_tag_bits: epsilon_cor = " + std::to_string(epsilon_cor) +
                           " needs more than 128 tag bits for a key of " + std::to_string(key_bits) + " bits");
}

namespace detail {

// The header (the message's first 11 bytes).
[[nodiscard]] inline std::array<std::uint8_t, verification_header_bytes> verification_header(std::size_t key_bits,
                                                                                              std::size_t tag_bits) noexcept {
    std::array<std::uint8_t, verification_header_bytes> h{};
    h[0] = verification_version;
    h[1] = verification_kind_poly128;
    h[2] = static_cast<std::uint8_t>(tag_bits);
    store_le64(h.data() + 3, std::uint64_t{key_bits});
    return h;
}

// The first t bits of h_k(key bytes || covered), covered = header || k (the message's first 27
// bytes), in T = ceil(t/8) bytes with zero padding bits. The key bytes go through a wiped stack
// buffer a chunk at a time (no heap copy of the key).
inline void verification_tag(const bit_vector& key, std::span<const std::uint8_t, verification_covered_bytes> covered,
                             std::size_t tag_bits, mutable_bytes tag) {
    const auth::poly_hash_key<128> k(covered.subspan<verification_header_bytes, verification_hash_key_bytes>());
    auth::poly_hasher<128> h(k);
    std::array<std::uint8_t, 4096> chunk{};  // a multiple of 8 and of the 16-byte block
    const auto words = key.words();
    const std::size_t key_bytes = key.byte_size();
    for (std::size_t done = 0; done < key_bytes; done += chunk.size()) {
        const std::size_t take = key_bytes - done < chunk.size() ? key_bytes - done : chunk.size();
        for (std::size_t j = 0; j < (take + 7) / 8; ++j) store_le64(chunk.data() + 8 * j, words[done / 8 + j]);
        h.update(std::span<const std::uint8_t>(chunk.data(), take));
    }
    secure_zero(chunk.data(), chunk.size());
    h.update(covered);
    auto digest = h.finalize();
    const std::size_t bytes = (tag_bits + 7) / 8;
    for (std::size_t i = 0; i < bytes; ++i) tag[i] = digest[i];
    if (tag_bits % 8 != 0) tag[bytes - 1] = static_cast<std::uint8_t>(tag[bytes - 1] & ((1u << (tag_bits % 8)) - 1u));
}

inline void check_tag_bits(std::string_view where, std::size_t tag_bits) {
    if (tag_bits == 0 || tag_bits > verification_max_tag_bits) {
        throw invalid_argument(std::string(where) + ": tag_bits = " + std::to_string(tag_bits) + " is not in 1 ... 128");
    }
}

// Alice's message with a tag of exactly `tag_bits` bits (1 ... 128), whatever ε_cor that gives:
// for tests that need a short tag (the collision rate) and for callers that size t themselves.
// Draws the 16 bytes of k from `rng`, nothing else.
template <random_generator G>
[[nodiscard]] std::vector<std::uint8_t> make_verification_message_with_tag_bits(const bit_vector& key, std::size_t tag_bits,
                                                                                G& rng) {
    check_tag_bits("qkdnq::reconcile::detail::make_verification_message_with_tag_bits", tag_bits);
    (void)verification_hash_blocks(key.size());  // the length limit
    std::vector<std::uint8_t> out(verification_message_bytes(tag_bits));
    const auto header = verification_header(key.size(), tag_bits);
    std::copy(header.begin(), header.end(), out.begin());
    const mutable_bytes hash_key(out.data() + verification_header_bytes, verification_hash_key_bytes);
    rng.fill(hash_key);  // fresh, after reconciliation: see the header comment
    verification_tag(key, std::span<const std::uint8_t, verification_covered_bytes>(out.data(), verification_covered_bytes),
                     tag_bits, mutable_bytes(out.data() + verification_covered_bytes, (tag_bits + 7) / 8));
    return out;
}

// Bob's check with an explicit least acceptable tag length (1 ... 128).
[[nodiscard]] inline verification_outcome check_verification_message_with_tag_bits(const bit_vector& key, bytes_view message,
                                                                                   std::size_t min_tag_bits) {
    check_tag_bits("qkdnq::reconcile::detail::check_verification_message_with_tag_bits", min_tag_bits);
    verification_outcome out;
    if (message.size() < verification_header_bytes) {
        out.status = verify_status::truncated;
        return out;
    }
    if (message[0] != verification_version) {
        out.status = verify_status::unsupported_version;
        return out;
    }
    if (message[1] != verification_kind_poly128) {
        out.status = verify_status::unknown_kind;
        return out;
    }
    const std::size_t t = message[2];
    if (t == 0 || t > verification_max_tag_bits) {
        out.status = verify_status::malformed;
        return out;
    }
    out.tag_bits = t;
    if (load_le64(message.data() + 3) != std::uint64_t{key.size()}) {
        out.status = verify_status::wrong_length;
        return out;
    }
    if (t < min_tag_bits) {
        out.status = verify_status::tag_too_short;
        return out;
    }
    const std::size_t expected = verification_message_bytes(t);
    if (message.size() != expected) {
        out.status = message.size() < expected ? verify_status::truncated : verify_status::malformed;
        return out;
    }
    const std::size_t tag_bytes = (t + 7) / 8;
    const bytes_view received = message.subspan(verification_covered_bytes, tag_bytes);
    if (t % 8 != 0 && (received[tag_bytes - 1] >> (t % 8)) != 0) {  // public bits of the message
        out.status = verify_status::malformed;
        return out;
    }
    std::array<std::uint8_t, verification_max_tag_bits / 8> mine{};
    verification_tag(key, message.first<verification_covered_bytes>(), t, mutable_bytes(mine.data(), tag_bytes));
    const bool equal = ct::equal(bytes_view(mine.data(), tag_bytes), received);
    secure_zero(mine.data(), mine.size());
    out.status = equal ? verify_status::match : verify_status::mismatch;
    return out;
}

}  // namespace detail

// Alice: the verification message for her key (fresh hash key from `rng`, t =
// verification_tag_bits(key.size(), ε_cor)). Throws invalid_argument for an ε_cor out of reach.
template <random_generator G>
[[nodiscard]] std::vector<std::uint8_t> make_verification_message(const bit_vector& key, const verification_parameters& params,
                                                                  G& rng) {
    return detail::make_verification_message_with_tag_bits(key, verification_tag_bits(key.size(), params.epsilon_cor), rng);
}

// Bob: checks his key against Alice's message. Rejects a tag shorter than his ε_cor requires
// (tag_too_short); accepts a longer one. Never throws on any message; throws invalid_argument for
// an ε_cor out of reach (a programmer error, as for Alice).
[[nodiscard]] inline verification_outcome check_verification_message(const bit_vector& key, bytes_view message,
                                                                     const verification_parameters& params) {
    return detail::check_verification_message_with_tag_bits(key, message, verification_tag_bits(key.size(), params.epsilon_cor));
}

}  // namespace qkdnq::reconcile
