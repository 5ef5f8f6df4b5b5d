// HMAC (RFC 2104, FIPS 198-1) over any fixed-output hash of the library's shape: SHA-2
// (<qkdnq/hash/sha2.hpp>) or SHA-3 (<qkdnq/hash/sha3.hpp>, where block_size is the rate).
//
//   auto tag = qkdnq::hmac<qkdnq::sha256>::mac(key, message);
//   qkdnq::hmac<qkdnq::sha256> m(key);  m.update(part1);  m.update(part2);
//   if (!m.verify(received_tag)) { ... }              // constant time, accepts truncated tags
//
// Nothing branches or indexes on key bytes (only on the key's length, which is public). The
// keyed inner and outer hash states, the padded key and the inner digest are wiped when no
// longer needed and when the object is destroyed.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace qkdnq {

// A fixed-output hash that HMAC and HKDF accept: qkdnq::sha224 ... sha512, sha3_224 ... sha3_512.
template <class H>
concept hmac_hash = std::default_initializable<H> && std::copy_constructible<H> &&
                    requires(H h, bytes_view data, std::span<std::uint8_t, H::digest_size> out) {
                        { H::digest_size } -> std::convertible_to<std::size_t>;
                        { H::block_size } -> std::convertible_to<std::size_t>;
                        h.update(data);
                        h.final(out);
                    } && (H::digest_size > 0) && (H::digest_size <= H::block_size);

template <hmac_hash Hash>
class hmac {
public:
    static constexpr std::size_t tag_size = Hash::digest_size;
    // The shortest tag verify() accepts: 10 bytes (80 bits), the lower bound of RFC 2104 §5
    // ("not less than 80 bits"), or the whole tag if that is shorter. Shorter tags never verify.
    static constexpr std::size_t min_tag_size = std::min<std::size_t>(10, tag_size);

    // Keys the MAC. Any key length; a key longer than Hash::block_size is hashed first.
    explicit hmac(bytes_view key) {
        // FIPS 198-1 §4 steps 1-3: K0 = K, or H(K), right-padded with zeros to B bytes.
        secure_array<Hash::block_size> k0;
        if (key.size() > Hash::block_size) {
            Hash key_hash;
            key_hash.update(key);
            key_hash.final(k0.span().template first<Hash::digest_size>());
        } else {
            std::copy(key.begin(), key.end(), k0.data());
        }
        // Steps 4-5: the inner hash starts with K0 xor ipad.
        for (std::size_t i = 0; i < Hash::block_size; ++i) k0[i] ^= 0x36;
        m_inner.update(k0.span());
        // Steps 7-8 (first half): the outer hash starts with K0 xor opad.
        for (std::size_t i = 0; i < Hash::block_size; ++i) k0[i] ^= 0x36 ^ 0x5c;
        m_outer.update(k0.span());
    }  // k0 wipes itself

    hmac(const hmac&) = default;
    hmac& operator=(const hmac&) = default;
    ~hmac() = default;  // m_inner and m_outer wipe their states

    // Absorbs message bytes (FIPS 198-1 §4 step 6: text after K0 xor ipad). Throws
    // qkdnq::invalid_state after final() or verify().
    void update(bytes_view data) {
        if (m_finalised) throw_finalised("update");
        m_inner.update(data);
    }

    // Writes HMAC(K, text) and finalises the object. Throws qkdnq::invalid_state (out untouched)
    // if it was already finalised.
    void final(std::span<std::uint8_t, tag_size> out) {
        if (m_finalised) throw_finalised("final");
        m_finalised = true;
        // Step 6: H((K0 xor ipad) || text).
        secure_array<tag_size> inner;
        m_inner.final(inner.span());
        // Steps 7-9: H((K0 xor opad) || inner).
        m_outer.update(inner.span());
        m_outer.final(out);
    }

    [[nodiscard]] std::array<std::uint8_t, tag_size> final() {
        std::array<std::uint8_t, tag_size> out;
        final(std::span<std::uint8_t, tag_size>(out));
        return out;
    }

    // Finalises and compares `tag` with the leftmost tag.size() bytes of the MAC in constant time
    // (truncation as in FIPS 198-1 §5 / RFC 2104 §5). A tag shorter than min_tag_size or longer
    // than tag_size does not verify. Throws qkdnq::invalid_state if already finalised.
    [[nodiscard]] bool verify(bytes_view tag) {
        if (m_finalised) throw_finalised("verify");
        secure_array<tag_size> expected;
        final(expected.span());
        if (tag.size() < min_tag_size || tag.size() > tag_size) return false;
        return ct::equal(expected.span().first(tag.size()), tag);
    }

    // One shot: HMAC(key, msg).
    [[nodiscard]] static std::array<std::uint8_t, tag_size> mac(bytes_view key, bytes_view msg) {
        hmac m(key);
        m.update(msg);
        return m.final();
    }

private:
    [[noreturn]] static void throw_finalised(std::string_view function) {
        detail::throw_invalid_state(std::string("qkdnq::hmac::").append(function),
                                    "the MAC was already finalised; make a new hmac object");
    }

    Hash m_inner;
    Hash m_outer;
    bool m_finalised = false;
};

}  // namespace qkdnq
