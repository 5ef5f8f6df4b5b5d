// bit_vector: a packed string of bits, the currency of the QKD post-processing modules.
//
// Bit order (docs/api-conventions.md): bit i lives in word i/64 at position i%64, LSB first; as
// bytes, bit i is byte i/8 at position i%8. Sifted keys, syndromes, Toeplitz inputs and outputs all
// use this order, so one module's output feeds the next without reshuffling.
//
// Invariant: the unused high bits of the last word are zero.
//
// A bit_vector holding key material is a secret: wrap it in a strong type and compare it with
// ct-safe helpers. Its storage is zeroizing (secure_vector).
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/simd/gf2_words.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace qkdnq {

class bit_vector {
public:
    using word_type = std::uint64_t;
    static constexpr std::size_t word_bits = 64;

    bit_vector() = default;

    // `size` zero bits.
    explicit bit_vector(std::size_t size) : m_words(words_for(size), 0), m_size(size) {}

    // The first `size` bits of `bytes` (bit i = byte i/8, bit i%8). Throws if `bytes` holds fewer.
    [[nodiscard]] static bit_vector from_bytes(bytes_view bytes, std::size_t size) {
        if (size > 8 * bytes.size()) {
            detail::throw_invalid_length("qkdnq::bit_vector::from_bytes", "bytes", bytes.size(),
                                         "at least " + std::to_string((size + 7) / 8));
        }
        bit_vector v(size);
        const std::size_t whole = size / 8;
        for (std::size_t i = 0; i < whole; ++i) {
            v.m_words[i / 8] |= word_type{bytes[i]} << (8 * (i % 8));
        }
        if (size % 8 != 0) {
            const auto last = static_cast<word_type>(bytes[whole] & ((1u << (size % 8)) - 1u));
            v.m_words[whole / 8] |= last << (8 * (whole % 8));
        }
        return v;
    }

    // All 8*bytes.size() bits of `bytes`.
    [[nodiscard]] static bit_vector from_bytes(bytes_view bytes) { return from_bytes(bytes, 8 * bytes.size()); }

    // `size` bits drawn from `g`.
    template <random_generator G>
    [[nodiscard]] static bit_vector random(std::size_t size, G& g) {
        bit_vector v(size);
        v.fill_random(g);
        return v;
    }

    // Overwrites every bit with bits drawn from `g` (the generator's bytes, in this bit order).
    template <random_generator G>
    void fill_random(G& g) {
        g.fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(m_words.data()), 8 * m_words.size()));
        for (auto& w : m_words) w = load_le64(reinterpret_cast<const std::uint8_t*>(&w));  // byte order -> bit order
        clear_tail();
    }

    // Writes the bits as ceil(size/8) bytes (unused high bits of the last byte are zero).
    void to_bytes(mutable_bytes out) const {
        detail::require_length("qkdnq::bit_vector::to_bytes", "out", out.size(), byte_size());
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = static_cast<std::uint8_t>(m_words[i / 8] >> (8 * (i % 8)));
        }
    }
    [[nodiscard]] std::vector<std::uint8_t> to_bytes() const {
        std::vector<std::uint8_t> out(byte_size());
        to_bytes(out);
        return out;
    }

    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] bool empty() const noexcept { return m_size == 0; }
    [[nodiscard]] std::size_t byte_size() const noexcept { return (m_size + 7) / 8; }
    [[nodiscard]] std::size_t word_count() const noexcept { return m_words.size(); }
    [[nodiscard]] std::span<const word_type> words() const noexcept { return m_words; }
    // Mutable words. Callers keep the unused bits of the last word zero (or call clear_tail).
    [[nodiscard]] std::span<word_type> words() noexcept { return m_words; }

    // Bit i, unchecked (i < size() is a precondition).
    [[nodiscard]] bool operator[](std::size_t i) const noexcept { return (m_words[i / word_bits] >> (i % word_bits)) & 1u; }

    // Checked access: throws `invalid_argument` if i >= size().
    [[nodiscard]] bool get(std::size_t i) const {
        check_index("get", i);
        return (*this)[i];
    }
    void set(std::size_t i, bool value = true) {
        check_index("set", i);
        const word_type bit = word_type{1} << (i % word_bits);
        word_type& w = m_words[i / word_bits];
        w = (w & ~bit) | (bit & (word_type{0} - word_type{value}));  // no branch on the bit's value
    }
    void flip(std::size_t i) {
        check_index("flip", i);
        m_words[i / word_bits] ^= word_type{1} << (i % word_bits);
    }

    // this ^= other, this &= other (equal sizes required).
    bit_vector& operator^=(const bit_vector& other) {
        check_same_size("operator^=", other);
        simd::xor_words(m_words.data(), other.m_words.data(), m_words.size());
        return *this;
    }
    bit_vector& operator&=(const bit_vector& other) {
        check_same_size("operator&=", other);
        simd::and_words(m_words.data(), other.m_words.data(), m_words.size());
        return *this;
    }
    [[nodiscard]] friend bit_vector operator^(bit_vector a, const bit_vector& b) { return a ^= b; }
    [[nodiscard]] friend bit_vector operator&(bit_vector a, const bit_vector& b) { return a &= b; }

    // Number of set bits.
    [[nodiscard]] std::size_t popcount() const noexcept {
        return static_cast<std::size_t>(simd::popcount_words(m_words.data(), m_words.size()));
    }

    // Parity (XOR) of bits [begin, end). Throws unless begin <= end <= size().
    [[nodiscard]] bool parity(std::size_t begin, std::size_t end) const {
        check_range("parity", begin, end);
        if (begin == end) return false;
        const std::size_t first = begin / word_bits;
        const std::size_t last = (end - 1) / word_bits;
        const word_type head_mask = ~word_type{0} << (begin % word_bits);
        const word_type tail_mask = ~word_type{0} >> (word_bits - 1 - (end - 1) % word_bits);
        if (first == last) return std::popcount(m_words[first] & head_mask & tail_mask) & 1;
        word_type acc = (m_words[first] & head_mask) ^ (m_words[last] & tail_mask);
        for (std::size_t w = first + 1; w < last; ++w) acc ^= m_words[w];
        return std::popcount(acc) & 1;
    }
    [[nodiscard]] bool parity() const noexcept { return simd::popcount_words(m_words.data(), m_words.size()) & 1; }

    // Number of positions where a and b differ (equal sizes required).
    [[nodiscard]] friend std::size_t hamming_distance(const bit_vector& a, const bit_vector& b) {
        a.check_same_size("hamming_distance", b);
        return static_cast<std::size_t>(simd::xor_popcount_words(a.m_words.data(), b.m_words.data(), a.m_words.size()));
    }

    // Bits [begin, begin + length) as a new vector. Throws if the range leaves the vector.
    [[nodiscard]] bit_vector slice(std::size_t begin, std::size_t length) const {
        if (begin > m_size || length > m_size - begin) {
            throw invalid_argument("qkdnq::bit_vector::slice: bits [" + std::to_string(begin) + ", " +
                                   std::to_string(begin) + "+" + std::to_string(length) + ") leave a vector of " +
                                   std::to_string(m_size) + " bits");
        }
        bit_vector out(length);
        const std::size_t shift = begin % word_bits;
        const std::size_t first = begin / word_bits;
        for (std::size_t w = 0; w < out.m_words.size(); ++w) {
            word_type value = m_words[first + w] >> shift;
            if (shift != 0 && first + w + 1 < m_words.size()) value |= m_words[first + w + 1] << (word_bits - shift);
            out.m_words[w] = value;
        }
        out.clear_tail();
        return out;
    }

    // Appends the bits of `tail` after the last bit of this vector.
    void append(const bit_vector& tail) {
        const std::size_t old_size = m_size;
        resize(m_size + tail.m_size);
        const std::size_t shift = old_size % word_bits;
        const std::size_t first = old_size / word_bits;
        for (std::size_t w = 0; w < tail.m_words.size(); ++w) {
            m_words[first + w] |= tail.m_words[w] << shift;
            if (shift != 0 && first + w + 1 < m_words.size()) m_words[first + w + 1] |= tail.m_words[w] >> (word_bits - shift);
        }
    }
    [[nodiscard]] friend bit_vector concat(bit_vector head, const bit_vector& tail) {
        head.append(tail);
        return head;
    }

    // Grows with zero bits or drops the bits from `size` on.
    void resize(std::size_t size) {
        m_words.resize(words_for(size), 0);
        m_size = size;
        clear_tail();
    }

    // Zeroes the unused high bits of the last word (restores the invariant after words() writes).
    void clear_tail() noexcept {
        if (m_size % word_bits != 0) m_words.back() &= ~word_type{0} >> (word_bits - m_size % word_bits);
    }

    // Equality of public bit strings; compare secret keys with a constant-time routine instead.
    [[nodiscard]] friend bool operator==(const bit_vector& a, const bit_vector& b) noexcept {
        return a.m_size == b.m_size && std::equal(a.m_words.begin(), a.m_words.end(), b.m_words.begin());
    }

private:
    [[nodiscard]] static constexpr std::size_t words_for(std::size_t bits) noexcept { return (bits + word_bits - 1) / word_bits; }

    void check_index(const char* function, std::size_t i) const {
        if (i >= m_size) [[unlikely]] throw_index_error(function, i, m_size);
    }
    [[noreturn]] static void throw_index_error(const char* function, std::size_t i, std::size_t size) {
        throw invalid_argument(std::string("qkdnq::bit_vector::") + function + ": index " + std::to_string(i) +
                               " is outside a vector of " + std::to_string(size) + " bits");
    }
    void check_range(const char* function, std::size_t begin, std::size_t end) const {
        if (begin > end || end > m_size) {
            throw invalid_argument(std::string("qkdnq::bit_vector::") + function + ": range [" + std::to_string(begin) +
                                   ", " + std::to_string(end) + ") is not inside a vector of " + std::to_string(m_size) +
                                   " bits");
        }
    }
    void check_same_size(const char* function, const bit_vector& other) const {
        if (other.m_size != m_size) {
            throw invalid_argument(std::string("qkdnq::bit_vector::") + function + ": operands have " +
                                   std::to_string(m_size) + " and " + std::to_string(other.m_size) +
                                   " bits, expected equal sizes");
        }
    }

    secure_vector<word_type> m_words;
    std::size_t m_size = 0;
};

}  // namespace qkdnq
