// Byte spans, endian loads/stores and hex conversion for public data.
//
// Input is `bytes_view` (std::span<const std::uint8_t>), output a caller-owned `mutable_bytes`
// (std::span<std::uint8_t>), as in botan and mlkem-native: no pointer/length pairs.
#pragma once

#include <qkdnq/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qkdnq {

using bytes_view = std::span<const std::uint8_t>;
using mutable_bytes = std::span<std::uint8_t>;

// The bytes of a string, without a terminator.
[[nodiscard]] inline bytes_view as_bytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

[[nodiscard]] constexpr std::uint32_t load_be32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

[[nodiscard]] constexpr std::uint64_t load_be64(const std::uint8_t* p) noexcept {
    return (std::uint64_t{load_be32(p)} << 32) | load_be32(p + 4);
}

[[nodiscard]] constexpr std::uint32_t load_le32(const std::uint8_t* p) noexcept {
    return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}

[[nodiscard]] constexpr std::uint64_t load_le64(const std::uint8_t* p) noexcept {
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) {
        value = (value << 8) | p[i];
    }
    return value;
}

constexpr void store_be32(std::uint8_t* p, std::uint32_t value) noexcept {
    p[0] = static_cast<std::uint8_t>(value >> 24);
    p[1] = static_cast<std::uint8_t>(value >> 16);
    p[2] = static_cast<std::uint8_t>(value >> 8);
    p[3] = static_cast<std::uint8_t>(value);
}

constexpr void store_be64(std::uint8_t* p, std::uint64_t value) noexcept {
    store_be32(p, static_cast<std::uint32_t>(value >> 32));
    store_be32(p + 4, static_cast<std::uint32_t>(value));
}

constexpr void store_le32(std::uint8_t* p, std::uint32_t value) noexcept {
    for (int i = 0; i < 4; ++i) {
        p[i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
}

constexpr void store_le64(std::uint8_t* p, std::uint64_t value) noexcept {
    for (int i = 0; i < 8; ++i) {
        p[i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
}

// Lower-case hex of public data. Secrets have no hex form: their types are not printable.
[[nodiscard]] inline std::string to_hex(bytes_view data) {
    constexpr char digits[] = "0123456789abcdef";
    std::string text(2 * data.size(), '\0');
    for (std::size_t i = 0; i < data.size(); ++i) {
        text[2 * i] = digits[data[i] >> 4];
        text[2 * i + 1] = digits[data[i] & 0x0f];
    }
    return text;
}

// Parses hex (either case). Throws `invalid_argument` on an odd length or a non-hex character.
[[nodiscard]] inline std::vector<std::uint8_t> from_hex(std::string_view text) {
    auto nibble = [&](char c) -> std::uint8_t {
        if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
        if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
        throw invalid_argument("qkdnq::from_hex: argument 'text' has a non-hex character");
    };
    if (text.size() % 2 != 0) {
        throw invalid_argument("qkdnq::from_hex: argument 'text' has an odd number of digits (" +
                               std::to_string(text.size()) + ")");
    }
    std::vector<std::uint8_t> out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<std::uint8_t>((nibble(text[2 * i]) << 4) | nibble(text[2 * i + 1]));
    }
    return out;
}

}  // namespace qkdnq
