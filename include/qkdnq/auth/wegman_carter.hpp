// Wegman-Carter authentication: tag = h_k(message) XOR r, with h_k the polynomial hash
// (auth/poly_hash.hpp) under a recyclable key k and r a one-time pad drawn from the key pool.
//
//   qkdnq::auth::wegman_carter<128> wc(hash_key);          // 16 bytes, reused for every tag
//   auto tag = wc.tag(message, pad);                        // pad: 16 fresh key bytes, used once
//   if (wc.verify(message, pad, tag) != qkdnq::status::ok) ...
//
// Security (../shared/notes/authentication.md §1, §4):
//   * h is ε-AXU with ε = L / 2^Bits for messages of at most L blocks, length block included
//     (poly_hash.hpp). Adding a uniform pad makes m -> h_k(m) + r ε-almost strongly universal:
//     a forger who has seen (m, t) produces a valid (m', t'), m' != m, with probability at most
//     ε = L / 2^Bits (`forgery_bound`).
//   * Key recycling (Portmann 2014, "Key recycling in authentication", IEEE T-IT 60(7):4383):
//     with an ε-ASU family, the hash key k may be reused for the next message as long as every
//     tag has its own fresh pad; each accepted or rejected message adds at most its ε to the
//     total, so N messages are authenticated with error at most N ε. A pad must never be used twice.
//   * Key cost: Bits bits of hash key once (per direction), then Bits pad bits per tag
//     (`pad_bytes`): 128 bits per message, or per round with delayed authentication (channel.hpp).
// The tag comparison is constant time. The pad and the hash value are secret until combined.
#pragma once

#include <qkdnq/auth/poly_hash.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace qkdnq::auth {

template <std::size_t Bits>
class wegman_carter {
public:
    static constexpr std::size_t key_bytes = Bits / 8;
    static constexpr std::size_t pad_bytes = Bits / 8;
    static constexpr std::size_t tag_bytes = Bits / 8;
    using tag_type = std::array<std::uint8_t, tag_bytes>;  // public: the pad hides the hash

    explicit wegman_carter(std::span<const std::uint8_t, key_bytes> hash_key) noexcept : m_key(hash_key) {}
    explicit wegman_carter(std::span<const std::uint8_t> hash_key) : m_key(hash_key) {}

    // h_k(message) XOR pad.
    [[nodiscard]] tag_type tag(bytes_view message, std::span<const std::uint8_t, pad_bytes> pad) const {
        poly_hasher<Bits> h(m_key);
        h.update(message);
        return tag(h, pad);
    }
    [[nodiscard]] tag_type tag(bytes_view message, std::span<const std::uint8_t> pad) const {
        return tag(message, fixed_pad(pad));
    }

    // The tag of a message hashed incrementally with a hasher over this object's key
    // (`hasher()`); the hasher is left as it was.
    [[nodiscard]] tag_type tag(const poly_hasher<Bits>& hashed, std::span<const std::uint8_t, pad_bytes> pad) const noexcept {
        const auto digest = hashed.finalize();
        tag_type out{};
        for (std::size_t i = 0; i < tag_bytes; ++i) out[i] = static_cast<std::uint8_t>(digest[i] ^ pad[i]);
        return out;
    }

    // status::ok if `received` is the tag of `message` under `pad`, else status::verification_failed.
    // Constant time in the tags.
    [[nodiscard]] status verify(bytes_view message, std::span<const std::uint8_t, pad_bytes> pad,
                                std::span<const std::uint8_t, tag_bytes> received) const {
        poly_hasher<Bits> h(m_key);
        h.update(message);
        return verify(h, pad, received);
    }
    [[nodiscard]] status verify(bytes_view message, std::span<const std::uint8_t> pad, std::span<const std::uint8_t> received) const {
        qkdnq::detail::require_length("qkdnq::auth::wegman_carter::verify", "tag", received.size(), tag_bytes);
        return verify(message, fixed_pad(pad), received.first<tag_bytes>());
    }
    [[nodiscard]] status verify(const poly_hasher<Bits>& hashed, std::span<const std::uint8_t, pad_bytes> pad,
                                std::span<const std::uint8_t, tag_bytes> received) const noexcept {
        tag_type expected = tag(hashed, pad);
        const bool equal = ct::equal(std::span<const std::uint8_t>(expected), std::span<const std::uint8_t>(received));
        secure_zero(expected.data(), expected.size());
        return equal ? status::ok : status::verification_failed;
    }

    // A hasher over this object's hash key, for messages built up in pieces.
    [[nodiscard]] poly_hasher<Bits> hasher() const noexcept { return poly_hasher<Bits>(m_key); }

    // ε: the probability that one forgery attempt on a message of at most `message_bytes`
    // bytes succeeds, L / 2^Bits.
    [[nodiscard]] static double forgery_bound(std::uint64_t message_bytes) noexcept { return poly_hash_bound<Bits>(message_bytes); }

private:
    static std::span<const std::uint8_t, pad_bytes> fixed_pad(std::span<const std::uint8_t> pad) {
        qkdnq::detail::require_length("qkdnq::auth::wegman_carter", "pad", pad.size(), pad_bytes);
        return pad.first<pad_bytes>();
    }

    poly_hash_key<Bits> m_key;
};

}  // namespace qkdnq::auth
