// cSHAKE128 and cSHAKE256 (NIST SP 800-185 §3), with the SP 800-185 §2.3 encodings.
//
//     qkdnq::cshake256 x(qkdnq::as_bytes("function"), qkdnq::as_bytes("customization"));
//     x.absorb(data);
//     x.squeeze(out);                    // any chunks, as SHAKE
//
// cSHAKE(X, L, N, S) = KECCAK[c](bytepad(encode_string(N) || encode_string(S), r) || X || 00, L),
// and SHAKE(X, L) when N and S are both empty (§3.3). N and S are public parameters. `reset()`
// returns to the state right after N and S. The state is wiped in the destructor.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/hash/detail/keccak_sponge.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace qkdnq {
namespace detail {

// The output of left_encode / right_encode: at most 8 bytes of value and one length byte.
struct sp800_185_encoding {
    std::array<std::uint8_t, 9> bytes{};
    std::size_t size = 0;

    [[nodiscard]] bytes_view view() const noexcept { return {bytes.data(), size}; }
};

// Smallest n >= 1 with 2^(8n) > x (SP 800-185 §2.3.1 step 1).
[[nodiscard]] constexpr std::size_t sp800_185_byte_count(std::uint64_t x) noexcept {
    std::size_t n = 1;
    while (n < 8 && (x >> (8 * n)) != 0) ++n;
    return n;
}

// SP 800-185 §2.3.1 left_encode(x) = enc8(n) || x in n big-endian bytes (x is a public length).
[[nodiscard]] constexpr sp800_185_encoding left_encode(std::uint64_t x) noexcept {
    sp800_185_encoding e;
    const std::size_t n = sp800_185_byte_count(x);
    e.bytes[0] = static_cast<std::uint8_t>(n);
    for (std::size_t i = 0; i < n; ++i) e.bytes[1 + i] = static_cast<std::uint8_t>(x >> (8 * (n - 1 - i)));
    e.size = n + 1;
    return e;
}

// SP 800-185 §2.3.1 right_encode(x) = x in n big-endian bytes || enc8(n).
[[nodiscard]] constexpr sp800_185_encoding right_encode(std::uint64_t x) noexcept {
    sp800_185_encoding e;
    const std::size_t n = sp800_185_byte_count(x);
    for (std::size_t i = 0; i < n; ++i) e.bytes[i] = static_cast<std::uint8_t>(x >> (8 * (n - 1 - i)));
    e.bytes[n] = static_cast<std::uint8_t>(n);
    e.size = n + 1;
    return e;
}

// The length of a byte string in bits, as SP 800-185 encodes it. Throws `invalid_argument`
// naming the class, function and argument if it does not fit in 64 bits.
[[nodiscard]] inline std::uint64_t sp800_185_bit_length(std::string_view class_name, std::string_view function,
                                                        std::string_view argument, std::size_t bytes) {
    if (bytes > std::numeric_limits<std::uint64_t>::max() / 8) {
        throw_invalid_length(std::string(class_name) + "::" + std::string(function), argument, bytes,
                             "at most 2^61 - 1 (its bit length must fit in 64 bits)");
    }
    return std::uint64_t{bytes} * 8;
}

// SP 800-185 §2.3.2 encode_string(S) = left_encode(len(S)) || S, absorbed.
template <std::size_t Rate>
inline void absorb_encode_string(keccak_sponge<Rate>& sponge, std::uint64_t bits, bytes_view s) noexcept {
    sponge.absorb(left_encode(bits).view());
    sponge.absorb(s);
}

// SP 800-185 §3.3: absorbs bytepad(encode_string(N) || encode_string(S), rate) (§2.3.3:
// left_encode(w) || X, then zeros to a multiple of w bytes). Checks both lengths before
// absorbing anything.
template <std::size_t Rate>
inline void absorb_cshake_prefix(keccak_sponge<Rate>& sponge, std::string_view class_name, std::string_view function,
                                 bytes_view function_name, bytes_view customization) {
    const std::uint64_t n_bits = sp800_185_bit_length(class_name, function, "function_name", function_name.size());
    const std::uint64_t s_bits = sp800_185_bit_length(class_name, function, "customization", customization.size());
    sponge.absorb(left_encode(Rate).view());  // bytepad step 1: z = left_encode(w) || X
    absorb_encode_string(sponge, n_bits, function_name);
    absorb_encode_string(sponge, s_bits, customization);
    sponge.fill_block();  // bytepad steps 2-3: zero bytes until len(z) is a multiple of w
}

template <std::size_t Security>
class basic_cshake {
    static_assert(Security == 128 || Security == 256);

public:
    static constexpr std::size_t security_bits = Security;
    static constexpr std::size_t rate = 200 - Security / 4;  // 168 or 136 bytes

    // cSHAKE with function name N and customization S (both may be empty: then it is SHAKE).
    explicit basic_cshake(bytes_view function_name = {}, bytes_view customization = {}) {
        if (function_name.empty() && customization.empty()) {
            m_suffix = shake_suffix;  // SP 800-185 §3.3 step 1: return SHAKE(X, L)
        } else {
            absorb_cshake_prefix(m_sponge, class_name, class_name.substr(7), function_name,
                                 customization);  // §3.3 step 2
            m_suffix = cshake_suffix;
        }
        m_initial = m_sponge;
    }

    // Absorbs X; throws `invalid_state` once squeezing has begun.
    void absorb(bytes_view data) {
        if (m_squeezing) {
            throw_invalid_state(std::string(class_name) + "::absorb",
                                "output was already squeezed; call reset() first");
        }
        m_sponge.absorb(data);
    }

    // Writes the next out.size() bytes; the first call pads X || 00 || pad10*1 (or SHAKE's 1111).
    void squeeze(mutable_bytes out) noexcept {
        if (!m_squeezing) {
            m_sponge.finish(m_suffix);
            m_squeezing = true;
        }
        m_sponge.squeeze(out);
    }

    // Back to the state right after N and S.
    void reset() noexcept {
        m_sponge = m_initial;
        m_squeezing = false;
    }

private:
    static constexpr std::string_view class_name = Security == 128 ? "qkdnq::cshake128" : "qkdnq::cshake256";

    keccak_sponge<rate> m_sponge;
    keccak_sponge<rate> m_initial;
    std::uint8_t m_suffix = shake_suffix;
    bool m_squeezing = false;
};

}  // namespace detail

class cshake128 : public detail::basic_cshake<128> {
public:
    using basic_cshake::basic_cshake;
};
class cshake256 : public detail::basic_cshake<256> {
public:
    using basic_cshake::basic_cshake;
};

}  // namespace qkdnq
