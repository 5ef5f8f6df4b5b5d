// Base64 (RFC 4648 §4, with padding) in constant time: the form ETSI GS QKD 014 gives keys in its
// JSON objects.
//
//   qkdnq::secure_string text = qkdnq::base64_encode(key);   // wiped when freed
//   auto key = qkdnq::base64_decode(text);                   // result<secure_bytes>
//
// Keys are secrets, so neither direction uses a lookup table or branches on a data byte: each
// 6-bit group maps to its character by masked arithmetic (the approach of libsodium's
// sodium_bin2base64). Decoding looks at every character and reports only whether the whole input
// was valid: status::malformed_message for a length that is not a multiple of 4, a character
// outside the alphabet, misplaced padding or non-zero padding bits (non-canonical input, §3.5).
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace qkdnq {

namespace detail {

// 0..63 -> 'A'..'Z', 'a'..'z', '0'..'9', '+', '/' without branches.
[[nodiscard]] constexpr char base64_char(unsigned v) noexcept {
    const int x = static_cast<int>(v);
    int c = 'A' + x;
    c += ((25 - x) >> 8) & 6;    // x >= 26: 'a' - 26
    c -= ((51 - x) >> 8) & 75;   // x >= 52: '0' - 52
    c -= ((61 - x) >> 8) & 15;   // x = 62: '+'
    c += ((62 - x) >> 8) & 3;    // x = 63: '/'
    return static_cast<char>(c);
}

// A character -> its value 0..63, or -1 outside the alphabet, without branches.
[[nodiscard]] constexpr int base64_value(unsigned char ch) noexcept {
    const int c = ch;
    int v = -1;
    v += (((0x40 - c) & (c - 0x5b)) >> 8) & (c - 64);  // 'A'..'Z'
    v += (((0x60 - c) & (c - 0x7b)) >> 8) & (c - 70);  // 'a'..'z'
    v += (((0x2f - c) & (c - 0x3a)) >> 8) & (c + 5);   // '0'..'9'
    v += (((0x2a - c) & (c - 0x2c)) >> 8) & 63;        // '+'
    v += (((0x2e - c) & (c - 0x30)) >> 8) & 64;        // '/'
    return v;
}

}  // namespace detail

[[nodiscard]] constexpr std::size_t base64_encoded_size(std::size_t n) noexcept { return 4 * ((n + 2) / 3); }

// Base64 with '=' padding (§4).
[[nodiscard]] inline secure_string base64_encode(bytes_view data) {
    secure_string out;
    out.reserve(base64_encoded_size(data.size()));
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const unsigned w = (unsigned{data[i]} << 16) | (unsigned{data[i + 1]} << 8) | data[i + 2];
        for (int shift = 18; shift >= 0; shift -= 6) out.push_back(detail::base64_char((w >> shift) & 63u));
    }
    const std::size_t rest = data.size() - i;  // public: the length
    if (rest > 0) {
        const unsigned w = (unsigned{data[i]} << 16) | (rest == 2 ? unsigned{data[i + 1]} << 8 : 0u);
        out.push_back(detail::base64_char((w >> 18) & 63u));
        out.push_back(detail::base64_char((w >> 12) & 63u));
        out.push_back(rest == 2 ? detail::base64_char((w >> 6) & 63u) : '=');
        out.push_back('=');
    }
    return out;
}

// Decodes canonical padded base64. The number of '=' (0, 1 or 2, at the end) is public, as the
// decoded length is.
[[nodiscard]] inline result<secure_bytes> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return status::malformed_message;
    std::size_t pad = 0;
    if (!text.empty() && text.back() == '=') pad = (text[text.size() - 2] == '=') ? 2 : 1;
    secure_bytes out(text.size() / 4 * 3 - pad);
    int bad = 0;  // any bit set: invalid somewhere
    std::size_t o = 0;
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const std::size_t chars = last ? 4 - pad : 4;
        unsigned w = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const int v = j < chars ? detail::base64_value(static_cast<unsigned char>(text[i + j])) : 0;
            bad |= v;  // -1 has every bit set: bit 31 marks an invalid character
            w = (w << 6) | static_cast<unsigned>(v & 63);
        }
        const std::size_t bytes = last ? 3 - pad : 3;
        for (std::size_t j = 0; j < bytes; ++j) out[o++] = static_cast<std::uint8_t>(w >> (16 - 8 * j));
        // §3.5: the pad bits (below the last output byte) must be zero.
        if (last && pad == 1) bad |= static_cast<int>((w & 0xffu) << 8);
        if (last && pad == 2) bad |= static_cast<int>((w & 0xffffu) << 8);
    }
    const auto flags = static_cast<unsigned>(bad) & ~0xffu;
    unsigned invalid = (flags | (0u - flags)) >> 31;  // 1 if any flag is set, without a branch
    ct::unpoison(&invalid, sizeof invalid);           // the outcome is public
    if (invalid != 0) {
        secure_zero(out.data(), out.size());
        return status::malformed_message;
    }
    return out;
}

}  // namespace qkdnq
