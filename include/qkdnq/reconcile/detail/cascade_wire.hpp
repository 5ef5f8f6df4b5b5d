// Cascade's wire format: byte-level reading and writing, shared by the two sides and the fuzz
// target. The format itself is documented in reconcile/cascade.hpp.
#pragma once

#include <qkdnq/core/bytes.hpp>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace qkdnq::reconcile::detail {

inline constexpr std::uint8_t cascade_magic[2] = {'Q', 'C'};
inline constexpr std::uint8_t cascade_wire_version = 2;
inline constexpr std::size_t cascade_header_bytes = 8;

enum class cascade_message_type : std::uint8_t { request = 1, reply = 2, done = 3 };
enum class cascade_item_kind : std::uint8_t { blocks = 1, ranges = 2, continued = 3 };

// Width of the bit fields that hold a view position or a node length - 2 in an n-bit key.
[[nodiscard]] constexpr unsigned position_bits(std::size_t n) noexcept {
    return n < 2 ? 0u : static_cast<unsigned>(std::bit_width(n - 1));
}

// The `width`-bit field that starts at bit `at` of `in` (LSB first); bits past the end read as 0.
// width <= 32.
[[nodiscard]] inline std::uint32_t bit_field(bytes_view in, std::size_t at, unsigned width) noexcept {
    const std::size_t byte = at / 8;
    std::uint64_t w = 0;
    if (in.size() >= 8 && byte <= in.size() - 8) {
        w = load_le64(in.data() + byte);
    } else {
        for (std::size_t i = byte; i < in.size(); ++i) w |= std::uint64_t{in[i]} << (8 * (i - byte));
    }
    return static_cast<std::uint32_t>((w >> (at % 8)) & ((std::uint64_t{1} << width) - 1));
}

// Builds one message. Bytes go through a raw pointer into room reserved ahead, so that the byte
// stores (which may alias anything) do not make the compiler reload the vector after each one.
class wire_writer {
public:
    wire_writer() { m_out.resize(256); }
    // Room for at least `bytes` more bytes.
    void reserve(std::size_t bytes) {
        if (m_out.size() - m_at < bytes) m_out.resize(std::max(m_at + bytes, 2 * m_out.size()));
    }
    void u8(std::uint8_t v) {
        reserve(1);
        m_out[m_at++] = v;
    }
    void u32(std::uint32_t v) {
        reserve(4);
        store_le32(m_out.data() + m_at, v);
        m_at += 4;
    }
    void u64(std::uint64_t v) {
        reserve(8);
        store_le64(m_out.data() + m_at, v);
        m_at += 8;
    }
    // Unsigned LEB128: seven bits per byte, least significant group first, high bit = more.
    void varint(std::uint64_t v) {
        reserve(10);
        std::uint8_t* const first = m_out.data() + m_at;
        std::uint8_t* p = first;
        while (v >= 0x80) {
            *p++ = static_cast<std::uint8_t>(v | 0x80);
            v >>= 7;
        }
        *p++ = static_cast<std::uint8_t>(v);
        m_at += static_cast<std::size_t>(p - first);
    }
    void header(cascade_message_type type, std::uint32_t sequence) {
        u8(cascade_magic[0]);
        u8(cascade_magic[1]);
        u8(cascade_wire_version);
        u8(static_cast<std::uint8_t>(type));
        u32(sequence);
    }
    // Bit fields, LSB first, after the bytes written so far: begin_bits(), then put_bits() with
    // `bits` bits at most in all, then end_bits(), which pads the last byte with zeros.
    void begin_bits(std::size_t bits) {
        reserve((bits + 7) / 8 + 8);  // put_bits() stores whole words ahead
        m_acc = 0;
        m_filled = 0;
    }
    // width <= 32; branch-free: a full word goes out when 32 bits are waiting.
    void put_bits(std::uint32_t value, unsigned width) noexcept {
        m_acc |= std::uint64_t{value} << m_filled;
        m_filled += width;
        store_le32(m_out.data() + m_at, static_cast<std::uint32_t>(m_acc));
        const bool full = m_filled >= 32;
        m_at += full ? 4 : 0;
        m_acc = full ? m_acc >> 32 : m_acc;
        m_filled -= full ? 32 : 0;
    }
    void end_bits() noexcept {
        store_le32(m_out.data() + m_at, static_cast<std::uint32_t>(m_acc));
        m_at += (m_filled + 7) / 8;
    }
    [[nodiscard]] std::size_t size() const noexcept { return m_at; }
    // The message; the writer is empty afterwards.
    [[nodiscard]] std::vector<std::uint8_t> take() {
        m_out.resize(m_at);
        m_at = 0;
        return std::move(m_out);
    }

private:
    std::vector<std::uint8_t> m_out;
    std::size_t m_at = 0;
    std::uint64_t m_acc = 0;  // bit fields not yet stored
    unsigned m_filled = 0;
};

// Reads without ever going past the end; every read reports whether it succeeded.
class wire_reader {
public:
    explicit wire_reader(bytes_view in) : m_in(in) {}
    [[nodiscard]] bool u8(std::uint8_t& v) noexcept {
        if (m_at + 1 > m_in.size()) return short_read();
        v = m_in[m_at++];
        return true;
    }
    [[nodiscard]] bool u32(std::uint32_t& v) noexcept {
        if (m_in.size() - m_at < 4) return short_read();
        v = load_le32(m_in.data() + m_at);
        m_at += 4;
        return true;
    }
    [[nodiscard]] bool u64(std::uint64_t& v) noexcept {
        if (m_in.size() - m_at < 8) return short_read();
        v = load_le64(m_in.data() + m_at);
        m_at += 8;
        return true;
    }
    // Fails on a truncated value, on more than ten bytes, on a value above `max` and on a
    // non-minimal encoding (a final zero byte after the first), so every value has one encoding.
    [[nodiscard]] bool varint(std::uint64_t& v, std::uint64_t max = ~std::uint64_t{0}) noexcept {
        if (m_in.size() - m_at >= 10) {  // no bounds check per byte; up to three bytes from one load
            const std::uint32_t w = load_le32(m_in.data() + m_at);
            if ((w & 0x80u) == 0) {
                v = w & 0x7Fu;
                m_at += 1;
                return v <= max;
            }
            if ((w & 0x8000u) == 0) {
                if ((w & 0xFF00u) == 0) return false;  // a final zero byte: not minimal
                v = (w & 0x7Fu) | ((w >> 1) & 0x3F80u);
                m_at += 2;
                return v <= max;
            }
            if ((w & 0x80'0000u) == 0) {
                if ((w & 0xFF'0000u) == 0) return false;
                v = (w & 0x7Fu) | ((w >> 1) & 0x3F80u) | ((w >> 2) & 0x1F'C000u);
                m_at += 3;
                return v <= max;
            }
            return varint_unchecked(v, max);
        }
        v = 0;
        for (unsigned shift = 0; shift < 70; shift += 7) {
            std::uint8_t byte = 0;
            if (!u8(byte)) return false;
            if (shift == 63 && byte > 1) return false;
            v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) {
                if (byte == 0 && shift != 0) return false;
                return v <= max;
            }
        }
        return false;
    }
    [[nodiscard]] bytes_view take(std::size_t n) noexcept {
        if (m_in.size() - m_at < n) {
            m_ran_out = true;
            return {};
        }
        const bytes_view out = m_in.subspan(m_at, n);
        m_at += n;
        return out;
    }
    [[nodiscard]] std::size_t remaining() const noexcept { return m_in.size() - m_at; }
    // Whether a read failed because the input ended (truncated) rather than on a bad value.
    [[nodiscard]] bool ran_out() const noexcept { return m_ran_out; }

private:
    // varint() where at least ten bytes remain, so the value ends (or fails) before the input does.
    [[nodiscard]] bool varint_unchecked(std::uint64_t& v, std::uint64_t max) noexcept {
        const std::uint8_t* const p = m_in.data() + m_at;
        v = 0;
        for (unsigned i = 0; i < 10; ++i) {
            const std::uint8_t byte = p[i];
            if (i == 9 && byte > 1) return false;
            v |= static_cast<std::uint64_t>(byte & 0x7F) << (7 * i);
            if ((byte & 0x80) == 0) {
                m_at += i + 1;
                if (byte == 0 && i != 0) return false;
                return v <= max;
            }
        }
        return false;
    }
    bool short_read() noexcept {
        m_ran_out = true;
        return false;
    }
    bytes_view m_in;
    std::size_t m_at = 0;
    bool m_ran_out = false;
};

}  // namespace qkdnq::reconcile::detail
