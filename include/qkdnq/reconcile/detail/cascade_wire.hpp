// Cascade's wire format: byte-level reading and writing, shared by the two sides and the fuzz
// target. The format itself is documented in reconcile/cascade.hpp.
#pragma once

#include <qkdnq/core/bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace qkdnq::reconcile::detail {

inline constexpr std::uint8_t cascade_magic[2] = {'Q', 'C'};
inline constexpr std::uint8_t cascade_wire_version = 1;
inline constexpr std::size_t cascade_header_bytes = 8;

enum class cascade_message_type : std::uint8_t { request = 1, reply = 2, done = 3 };
enum class cascade_item_kind : std::uint8_t { blocks = 1, ranges = 2 };

class wire_writer {
public:
    explicit wire_writer(std::vector<std::uint8_t>& out) : m_out(out) { m_out.reserve(m_out.size() + 64); }
    void u8(std::uint8_t v) { m_out.push_back(v); }
    void u32(std::uint32_t v) {
        std::uint8_t b[4];
        store_le32(b, v);
        m_out.insert(m_out.end(), b, b + 4);
    }
    void u64(std::uint64_t v) {
        std::uint8_t b[8];
        store_le64(b, v);
        m_out.insert(m_out.end(), b, b + 8);
    }
    // Unsigned LEB128: seven bits per byte, least significant group first, high bit = more.
    void varint(std::uint64_t v) {
        while (v >= 0x80) {
            m_out.push_back(static_cast<std::uint8_t>(v | 0x80));
            v >>= 7;
        }
        m_out.push_back(static_cast<std::uint8_t>(v));
    }
    void header(cascade_message_type type, std::uint32_t sequence) {
        u8(cascade_magic[0]);
        u8(cascade_magic[1]);
        u8(cascade_wire_version);
        u8(static_cast<std::uint8_t>(type));
        u32(sequence);
    }

private:
    std::vector<std::uint8_t>& m_out;
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
    bool short_read() noexcept {
        m_ran_out = true;
        return false;
    }
    bytes_view m_in;
    std::size_t m_at = 0;
    bool m_ran_out = false;
};

}  // namespace qkdnq::reconcile::detail
