// KMAC128/KMAC256 and KMACXOF128/KMACXOF256 (NIST SP 800-185 §4).
//
//     qkdnq::kmac256 mac(key, qkdnq::as_bytes("my protocol"));   // S may be empty
//     mac.update(message);
//     mac.final(tag);                    // L = 8 * tag.size() bits, bound into the output
//
//     qkdnq::kmac256 check(key, qkdnq::as_bytes("my protocol"));
//     check.update(message);
//     if (!check.verify(received_tag)) { ... }   // constant time
//
//     qkdnq::kmac_xof256 xof(key);       // KMACXOF: L = 0 is encoded, output in any chunks
//     xof.update(message);
//     xof.squeeze(out);
//
// KMAC(K, X, L, S) = cSHAKE(bytepad(encode_string(K), r) || X || right_encode(L), L, "KMAC", S)
// (§4.3); KMACXOF uses right_encode(0) (§4.3.1). The key goes through the sponge only: nothing
// branches or indexes on key or message bytes (lengths are public). Both the running state and the
// keyed state kept for `reset()` are wiped in the destructor; the running state also after
// `final`/`verify`. Using an object after `final`/`verify` (or `update` after `squeeze`) throws
// `qkdnq::invalid_state`; `reset()` returns to the keyed state.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/cshake.hpp>
#include <qkdnq/hash/detail/keccak_sponge.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace qkdnq {
namespace detail {

inline constexpr std::uint8_t kmac_function_name[] = {'K', 'M', 'A', 'C'};  // N = "KMAC" (§4.3)

// The shortest tag `verify` accepts, in bytes. SP 800-185 §8.4.2: "When used as a MAC,
// applications ... shall not select an output length L that is less than 32 bits"; and a
// zero-length tag would verify anything.
inline constexpr std::size_t kmac_min_tag_size = 4;

template <std::size_t Security, bool Xof>
class basic_kmac {
    static_assert(Security == 128 || Security == 256);

public:
    static constexpr std::size_t security_bits = Security;
    static constexpr std::size_t rate = 200 - Security / 4;  // 168 or 136 bytes

    // Absorbs the cSHAKE prefix for N = "KMAC" and S = `customization`, then
    // bytepad(encode_string(K), rate) (SP 800-185 §4.3 step 1).
    explicit basic_kmac(bytes_view key, bytes_view customization = {}) {
        const std::string_view constructor = class_name.substr(7);  // "kmac256", ...
        const std::uint64_t key_bits = sp800_185_bit_length(class_name, constructor, "key", key.size());
        absorb_cshake_prefix(m_sponge, class_name, constructor, bytes_view(kmac_function_name), customization);
        m_sponge.absorb(left_encode(rate).view());  // bytepad (§2.3.3): left_encode(w) ||
        absorb_encode_string(m_sponge, key_bits, key);  // encode_string(K) (§2.3.2)
        m_sponge.fill_block();                           // || 0^* to a multiple of w bytes
        m_keyed = m_sponge;
    }

    // Absorbs message bytes X. Throws `invalid_state` after final/verify/squeeze.
    void update(bytes_view data) {
        if (m_done) throw_invalid_state(std::string(class_name) + "::update", done_message());
        m_sponge.absorb(data);
    }

    // KMAC(K, X, L = 8 * out.size(), S) into `out` (§4.3 steps 1-2); finalises the object.
    void final(mutable_bytes out)
        requires(!Xof)
    {
        if (m_done) throw_invalid_state(std::string(class_name) + "::final", done_message());
        const std::uint64_t l_bits = sp800_185_bit_length(class_name, "final", "out", out.size());
        finish(l_bits);
        m_sponge.squeeze(out);
        m_sponge.wipe();
    }

    // Computes KMAC with L = 8 * tag.size() and compares it with `tag` in constant time;
    // finalises the object. A tag shorter than 4 bytes (32 bits) does not verify: the tag is
    // received data, so a short one is a failed verification, as in hmac::verify.
    [[nodiscard]] bool verify(bytes_view tag)
        requires(!Xof)
    {
        if (m_done) throw_invalid_state(std::string(class_name) + "::verify", done_message());
        if (tag.size() < kmac_min_tag_size) {
            m_done = true;
            m_sponge.wipe();
            return false;
        }
        const std::uint64_t l_bits = sp800_185_bit_length(class_name, "verify", "tag", tag.size());
        finish(l_bits);
        std::uint8_t same = 0xff;
        std::array<std::uint8_t, 64> chunk{};
        for (std::size_t offset = 0; offset < tag.size(); offset += chunk.size()) {
            const std::size_t take = std::min(chunk.size(), tag.size() - offset);
            m_sponge.squeeze(mutable_bytes(chunk.data(), take));
            const std::uint8_t chunk_same = ct::equal_mask(bytes_view(chunk.data(), take), tag.subspan(offset, take));
            same = static_cast<std::uint8_t>(same & chunk_same);
        }
        secure_zero(chunk.data(), chunk.size());
        m_sponge.wipe();
        ct::unpoison(&same, sizeof same);  // the outcome is public
        return same != 0;
    }

    // One-shot KMAC(key, msg, 8 * out.size(), customization).
    static void mac(bytes_view key, bytes_view msg, mutable_bytes out, bytes_view customization = {})
        requires(!Xof)
    {
        basic_kmac k(key, customization);
        k.update(msg);
        k.final(out);
    }

    // KMACXOF (§4.3.1): the first call appends right_encode(0) and pads; then any chunks.
    void squeeze(mutable_bytes out)
        requires Xof
    {
        if (!m_done) finish(0);
        m_sponge.squeeze(out);
    }

    // Back to the state right after the key: a new message under the same key and S.
    void reset() noexcept {
        m_sponge = m_keyed;
        m_done = false;
    }

private:
    // newX = ... || X || right_encode(L); cSHAKE's X || 00 || pad10*1 (§3.3, §4.3).
    void finish(std::uint64_t l_bits) noexcept {
        m_sponge.absorb(right_encode(l_bits).view());
        m_sponge.finish(cshake_suffix);
        m_done = true;
    }

    static const char* done_message() noexcept {
        return Xof ? "output was already squeezed; call reset() first"
                   : "the MAC was already finalised; call reset() first";
    }

    static constexpr std::string_view class_name = Xof ? (Security == 128 ? "qkdnq::kmac_xof128" : "qkdnq::kmac_xof256")
                                                       : (Security == 128 ? "qkdnq::kmac128" : "qkdnq::kmac256");

    keccak_sponge<rate> m_sponge;
    keccak_sponge<rate> m_keyed;  // secret: the state after bytepad(encode_string(K), r)
    bool m_done = false;
};

}  // namespace detail

class kmac128 : public detail::basic_kmac<128, false> {
public:
    using basic_kmac::basic_kmac;
};
class kmac256 : public detail::basic_kmac<256, false> {
public:
    using basic_kmac::basic_kmac;
};
class kmac_xof128 : public detail::basic_kmac<128, true> {
public:
    using basic_kmac::basic_kmac;
};
class kmac_xof256 : public detail::basic_kmac<256, true> {
public:
    using basic_kmac::basic_kmac;
};

}  // namespace qkdnq
