// KSA-key IDs: UUIDs (RFC 9562) in the 8-4-4-4-12 text form that ETSI GS QKD 014 uses for
// key_ID.
//
//   auto id = qkdnq::relay::key_id::random(rng);         // version 4
//   auto parsed = qkdnq::relay::key_id::parse(text);     // result: malformed_message
//   std::string s = id.to_string();                      // lower-case
#pragma once

#include <qkdnq/core/random.hpp>
#include <qkdnq/core/result.hpp>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

namespace qkdnq::relay {

class key_id {
public:
    static constexpr std::size_t size = 16;
    static constexpr std::size_t text_size = 36;

    key_id() = default;  // the nil UUID
    explicit key_id(const std::array<std::uint8_t, size>& bytes) noexcept : m_bytes(bytes) {}

    // A random (version 4, RFC 9562 §5.4) UUID.
    template <random_generator G>
    [[nodiscard]] static key_id random(G& rng) {
        std::array<std::uint8_t, size> b{};
        rng.fill(b);
        b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
        b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10
        return key_id(b);
    }

    // The 8-4-4-4-12 hex form, either case (RFC 9562 §4). Version and variant are not checked:
    // a peer's IDs need only be unique.
    [[nodiscard]] static result<key_id> parse(std::string_view text) noexcept {
        if (text.size() != text_size) return status::malformed_message;
        std::array<std::uint8_t, size> b{};
        std::size_t n = 0;
        for (std::size_t i = 0; i < text_size;) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (text[i] != '-') return status::malformed_message;
                ++i;
                continue;
            }
            const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
            if (hi < 0 || lo < 0) return status::malformed_message;
            b[n++] = static_cast<std::uint8_t>((hi << 4) | lo);
            i += 2;
        }
        return key_id(b);
    }

    [[nodiscard]] std::string to_string() const {
        constexpr char digits[] = "0123456789abcdef";
        std::string s;
        s.reserve(text_size);
        for (std::size_t i = 0; i < size; ++i) {
            if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
            s.push_back(digits[m_bytes[i] >> 4]);
            s.push_back(digits[m_bytes[i] & 0x0f]);
        }
        return s;
    }

    [[nodiscard]] const std::array<std::uint8_t, size>& bytes() const noexcept { return m_bytes; }

    friend bool operator==(const key_id&, const key_id&) = default;
    friend auto operator<=>(const key_id&, const key_id&) = default;

private:
    static constexpr int nibble(char c) noexcept {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    std::array<std::uint8_t, size> m_bytes{};
};

}  // namespace qkdnq::relay

template <>
struct std::hash<qkdnq::relay::key_id> {
    std::size_t operator()(const qkdnq::relay::key_id& id) const noexcept {
        // IDs are random or derived by a hash, so their leading bytes are already well mixed.
        std::uint64_t a, b;
        std::memcpy(&a, id.bytes().data(), 8);
        std::memcpy(&b, id.bytes().data() + 8, 8);
        return static_cast<std::size_t>(a ^ (b * 0x9e3779b97f4a7c15ull));
    }
};
