// Polynomial-evaluation universal hashing over GF(2^128) and GF(2^64): the ε-almost-XOR-universal
// hash under Wegman-Carter tags (auth/wegman_carter.hpp).
//
//   qkdnq::auth::poly_hash_key<128> key(key_bytes);            // 16 secret bytes, recyclable
//   qkdnq::auth::poly_hasher<128> h(key);
//   h.update(header).update(payload);
//   qkdnq::secure_array<16> digest = h.finalize();
//
// Definition. A message of `len` bytes is cut into L - 1 blocks of B = Bits/8 bytes (the last one
// zero-padded) and followed by a length block holding 8 len (its bit length, as a little-endian
// integer); with m_1 ... m_L those blocks as field elements (auth/detail/gf2_128.hpp: fields,
// byte and bit order) and k the key,
//   h_k(m) = m_1 k^L + m_2 k^(L-1) + ... + m_L k        (Horner: acc = (acc + m_i) k).
// GF(2^128) uses GCM's modulus x^128 + x^7 + x^2 + x + 1 in the natural bit order, so that
// h_k = r o GHASH_r(k) o r with r reversing the bits of each byte; GF(2^64) uses x^64 + x^4 + x^3
// + x + 1.
//
// Bound. For messages m != m' of at most L blocks each (length block included) and any c,
// h_k(m) + h_k(m') + c is a nonzero polynomial in k of degree <= L: if the lengths differ, the
// coefficient of k is the difference of the length blocks; if they are equal, some block
// differs. It has at most L roots, so over a uniform key Pr[h_k(m) + h_k(m') = c] <= L / 2^Bits
// (ε-AXU; `poly_hash_bound`). The length block is what keeps messages that differ only by
// trailing zero bytes apart.
//
// Speed: whole blocks go through detail::gf*_blocks_fast (precomputed powers k^1 ... k^32, one
// reduction per 32 blocks, VPCLMULQDQ/PCLMULQDQ where the flags allow). Time depends on the
// message length only, never on the key or the data.
#pragma once

#include <qkdnq/auth/detail/gf2_128.hpp>
#include <qkdnq/auth/detail/poly_hash_simd.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace qkdnq::auth {

namespace detail {

// What differs between the two fields.
template <std::size_t Bits>
struct poly_field;

template <>
struct poly_field<128> {
    using element = gf128;
    using powers = gf128_powers;
    static constexpr std::size_t block_bytes = 16;
    [[nodiscard]] static element load(const std::uint8_t* p) noexcept { return load_gf128(p); }
    static void store(std::uint8_t* p, element v) noexcept { store_gf128(p, v); }
    [[nodiscard]] static element length_block(std::uint64_t bytes) noexcept { return {bytes << 3, 0}; }
    [[nodiscard]] static element add(element a, element b) noexcept { return a ^ b; }
    [[nodiscard]] static element mul(element a, element b) noexcept { return detail::mul(a, b); }
    static void blocks(element& acc, const powers& pw, const std::uint8_t* data, std::size_t n) noexcept {
        gf128_blocks_fast(acc, pw, data, n);
    }
};

template <>
struct poly_field<64> {
    using element = std::uint64_t;
    using powers = gf64_powers;
    static constexpr std::size_t block_bytes = 8;
    [[nodiscard]] static element load(const std::uint8_t* p) noexcept { return load_le64(p); }
    static void store(std::uint8_t* p, element v) noexcept { store_le64(p, v); }
    [[nodiscard]] static element length_block(std::uint64_t bytes) noexcept { return bytes << 3; }
    [[nodiscard]] static element add(element a, element b) noexcept { return a ^ b; }
    [[nodiscard]] static element mul(element a, element b) noexcept { return mul64(a, b); }
    static void blocks(element& acc, const powers& pw, const std::uint8_t* data, std::size_t n) noexcept {
        gf64_blocks_fast(acc, pw, data, n);
    }
};

// Messages are limited to 2^61 - 1 bytes so that the bit length fits the length block.
inline constexpr std::uint64_t max_message_bytes = (std::uint64_t{1} << 61) - 1;

}  // namespace detail

// A hash key: the evaluation point k (Bits / 8 secret bytes, read little-endian like a block)
// and its precomputed powers. Wiped on destruction. Any k is allowed; the bound is over a uniform k.
template <std::size_t Bits>
class poly_hash_key {
    static_assert(Bits == 128 || Bits == 64, "poly_hash_key: Bits is 128 or 64");
    using field = detail::poly_field<Bits>;

public:
    static constexpr std::size_t key_bytes = Bits / 8;

    explicit poly_hash_key(std::span<const std::uint8_t, key_bytes> key) noexcept { m_powers.compute(field::load(key.data())); }
    explicit poly_hash_key(std::span<const std::uint8_t> key) {
        qkdnq::detail::require_length("qkdnq::auth::poly_hash_key", "key", key.size(), key_bytes);
        m_powers.compute(field::load(key.data()));
    }
    poly_hash_key(const poly_hash_key&) = default;
    poly_hash_key& operator=(const poly_hash_key&) = default;
    ~poly_hash_key() { m_powers.wipe(); }

    [[nodiscard]] const typename field::powers& powers() const noexcept { return m_powers; }

private:
    typename field::powers m_powers;
};

// Incremental hashing of one message. Holds a reference to its key, which must outlive it.
// `finalize` is const: it returns the hash of everything absorbed so far and leaves the state as
// it is, so a transcript can be tagged and then extended.
template <std::size_t Bits>
class poly_hasher {
    using field = detail::poly_field<Bits>;
    using element = typename field::element;
    static constexpr std::size_t B = field::block_bytes;

public:
    static constexpr std::size_t digest_bytes = Bits / 8;
    using digest = secure_array<digest_bytes>;

    explicit poly_hasher(const poly_hash_key<Bits>& key) noexcept : m_key(&key) {}
    poly_hasher(const poly_hasher&) = default;
    poly_hasher& operator=(const poly_hasher&) = default;
    ~poly_hasher() { wipe(); }

    poly_hasher& update(bytes_view data) {
        if (data.size() > detail::max_message_bytes - m_length) {
            qkdnq::detail::throw_invalid_state("qkdnq::auth::poly_hasher::update", "the message exceeds 2^61 - 1 bytes");
        }
        m_length += data.size();
        const std::uint8_t* p = data.data();
        std::size_t left = data.size();
        if (m_buffered != 0) {  // top up the partial block first
            const std::size_t take = left < B - m_buffered ? left : B - m_buffered;
            std::memcpy(m_buffer.data() + m_buffered, p, take);
            m_buffered += take;
            p += take;
            left -= take;
            if (m_buffered < B) return *this;
            field::blocks(m_acc, m_key->powers(), m_buffer.data(), 1);
            m_buffered = 0;
        }
        const std::size_t whole = left / B;
        if (whole != 0) field::blocks(m_acc, m_key->powers(), p, whole);
        p += whole * B;
        left -= whole * B;
        if (left != 0) std::memcpy(m_buffer.data(), p, left);
        m_buffered = left;
        return *this;
    }

    // h_k of the bytes absorbed so far: the padded last block, then the length block.
    [[nodiscard]] digest finalize() const noexcept {
        element acc = m_acc;
        const element k = m_key->powers().key();
        if (m_buffered != 0) {
            std::array<std::uint8_t, B> last{};
            std::memcpy(last.data(), m_buffer.data(), m_buffered);
            acc = field::mul(field::add(acc, field::load(last.data())), k);
            secure_zero(last.data(), last.size());
        }
        acc = field::mul(field::add(acc, field::length_block(m_length)), k);
        digest out;
        field::store(out.data(), acc);
        secure_zero(&acc, sizeof acc);
        return out;
    }

    // Back to the empty message, same key.
    void reset() noexcept {
        wipe();
        m_length = 0;
    }

    [[nodiscard]] std::uint64_t length() const noexcept { return m_length; }

private:
    void wipe() noexcept {
        secure_zero(&m_acc, sizeof m_acc);
        secure_zero(m_buffer.data(), m_buffer.size());
        m_buffered = 0;
    }

    const poly_hash_key<Bits>* m_key;
    element m_acc{};
    std::array<std::uint8_t, B> m_buffer{};
    std::size_t m_buffered = 0;
    std::uint64_t m_length = 0;
};

// One-shot h_k(message).
template <std::size_t Bits>
[[nodiscard]] typename poly_hasher<Bits>::digest poly_hash(const poly_hash_key<Bits>& key, bytes_view message) {
    poly_hasher<Bits> h(key);
    h.update(message);
    return h.finalize();
}

// L, the number of blocks h_k evaluates for a message of `message_bytes` bytes (length block included).
template <std::size_t Bits>
[[nodiscard]] constexpr std::uint64_t poly_hash_blocks(std::uint64_t message_bytes) noexcept {
    constexpr std::uint64_t block = Bits / 8;
    return (message_bytes + block - 1) / block + 1;
}

// The ε-AXU bound L / 2^Bits for two messages of at most `message_bytes` bytes each.
template <std::size_t Bits>
[[nodiscard]] inline double poly_hash_bound(std::uint64_t message_bytes) noexcept {
    return std::ldexp(static_cast<double>(poly_hash_blocks<Bits>(message_bytes)), -static_cast<int>(Bits));
}

}  // namespace qkdnq::auth
