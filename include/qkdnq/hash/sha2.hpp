// SHA-2: SHA-224, SHA-256, SHA-384, SHA-512, SHA-512/224 and SHA-512/256 (FIPS 180-4).
//
//   auto digest = qkdnq::sha256::hash(data);          // one shot
//   qkdnq::sha512 h;  h.update(part1);  h.update(part2);  h.final(out);
//
// Every class has the same shape as the SHA-3 classes in <qkdnq/hash/sha3.hpp>, so both plug into
// qkdnq::hmac and qkdnq::hkdf: `digest_size`, `block_size`, update / final / reset / hash.
// update() or final() on a finalised object throws qkdnq::invalid_state until reset().
// The state is wiped when the object is destroyed or finalised. Messages are whole bytes; the
// length is counted in bytes (a message of 2^61 bytes or more is outside FIPS 180-4's SHA-256 limit).
//
// SHA-256/224 compression runs on the x86 SHA extensions when the consumer compiles with them
// (detail/sha256_shani.hpp) and on the scalar reference (detail/sha256_scalar.hpp) otherwise or when
// QKDNQ_FORCE_SCALAR is set; `sha256::implementation` names the path chosen. SHA-512/384 and
// SHA-512/t are scalar.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/detail/sha256_scalar.hpp>
#include <qkdnq/hash/detail/sha256_shani.hpp>
#include <qkdnq/hash/detail/sha512_scalar.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace qkdnq {
namespace detail {

// The SHA-224/256 compression function the public classes use, chosen at compile time.
inline void sha256_compress(std::span<std::uint32_t, 8> state, bytes_view blocks) noexcept {
#if defined(QKDNQ_SHA256_HAVE_SHANI)
    sha256_compress_shani(state, blocks);
#else
    sha256_compress_scalar(state, blocks);
#endif
}

#if defined(QKDNQ_SHA256_HAVE_SHANI)
inline constexpr std::string_view sha256_implementation = "shani";
#else
inline constexpr std::string_view sha256_implementation = "scalar";
#endif

// SHA-224/256: 32-bit words, 64-byte blocks, a 64-bit length field (FIPS 180-4 §5.1.1).
struct sha256_family {
    using word = std::uint32_t;
    static constexpr std::size_t block_size = 64;
    static constexpr std::size_t length_field_size = 8;
    static constexpr std::string_view implementation = sha256_implementation;
    static void compress(std::span<word, 8> state, bytes_view blocks) noexcept { sha256_compress(state, blocks); }
};

// SHA-384/512: 64-bit words, 128-byte blocks, a 128-bit length field (FIPS 180-4 §5.1.2).
struct sha512_family {
    using word = std::uint64_t;
    static constexpr std::size_t block_size = 128;
    static constexpr std::size_t length_field_size = 16;
    static constexpr std::string_view implementation = "scalar";
    static void compress(std::span<word, 8> state, bytes_view blocks) noexcept { sha512_compress_scalar(state, blocks); }
};

struct sha224_params : sha256_family {
    static constexpr std::string_view name = "qkdnq::sha224";
    static constexpr std::size_t digest_size = 28;
    // FIPS 180-4 §5.3.2
    static constexpr std::array<word, 8> initial_hash = {0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939,
                                                         0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4};
};

struct sha256_params : sha256_family {
    static constexpr std::string_view name = "qkdnq::sha256";
    static constexpr std::size_t digest_size = 32;
    // FIPS 180-4 §5.3.3
    static constexpr std::array<word, 8> initial_hash = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
};

struct sha384_params : sha512_family {
    static constexpr std::string_view name = "qkdnq::sha384";
    static constexpr std::size_t digest_size = 48;
    // FIPS 180-4 §5.3.4
    static constexpr std::array<word, 8> initial_hash = {
        0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
        0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4};
};

struct sha512_params : sha512_family {
    static constexpr std::string_view name = "qkdnq::sha512";
    static constexpr std::size_t digest_size = 64;
    // FIPS 180-4 §5.3.5
    static constexpr std::array<word, 8> initial_hash = {
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
};

// SHA-512/t (FIPS 180-4 §5.3.6): SHA-512 with its own initial hash value, truncated to t bits.
// The initial values are those of the SHA-512/t IV generation function (§5.3.6.1, .2), which the
// tests recompute.
struct sha512_224_params : sha512_family {
    static constexpr std::string_view name = "qkdnq::sha512_224";
    static constexpr std::size_t digest_size = 28;
    // FIPS 180-4 §5.3.6.1
    static constexpr std::array<word, 8> initial_hash = {
        0x8c3d37c819544da2, 0x73e1996689dcd4d6, 0x1dfab7ae32ff9c82, 0x679dd514582f9fcf,
        0x0f6d2b697bd44da8, 0x77e36f7304c48942, 0x3f9d85a86a1d36c8, 0x1112e6ad91d692a1};
};

struct sha512_256_params : sha512_family {
    static constexpr std::string_view name = "qkdnq::sha512_256";
    static constexpr std::size_t digest_size = 32;
    // FIPS 180-4 §5.3.6.2
    static constexpr std::array<word, 8> initial_hash = {
        0x22312194fc2bf72c, 0x9f555fa3c84c64c2, 0x2393b86b6f53b151, 0x963877195940eabd,
        0x96283ee2a88effe3, 0xbe5e1e2553863992, 0x2b0199fc2c85b8aa, 0x0eb72ddc81c52ca2};
};

// The Merkle-Damgard shell shared by the four hashes: buffering, padding (FIPS 180-4 §5.1) and
// output (§6.2.2 / §6.4.2, last step; truncated for SHA-224 §6.3, SHA-384 §6.5 and SHA-512/t §6.6, §6.7,
// whose 28-byte digest ends in the middle of H3).
template <class Params>
class sha2_hash {
    using word = typename Params::word;

public:
    static constexpr std::size_t digest_size = Params::digest_size;
    static constexpr std::size_t block_size = Params::block_size;
    // Which compression function runs: "shani" or "scalar".
    static constexpr std::string_view implementation = Params::implementation;

    sha2_hash() noexcept { reset(); }
    sha2_hash(const sha2_hash&) noexcept = default;
    sha2_hash& operator=(const sha2_hash&) noexcept = default;
    ~sha2_hash() { wipe(); }

    // Absorbs `data`. Throws qkdnq::invalid_state after final() (until reset()).
    void update(bytes_view data) {
        if (m_finalised) throw_finalised("update");
        m_length += data.size();
        if (m_buffered != 0) {
            const std::size_t take = std::min(block_size - m_buffered, data.size());
            std::copy_n(data.data(), take, m_buffer.data() + m_buffered);  // data may be empty (null)
            m_buffered += take;
            data = data.subspan(take);
            if (m_buffered < block_size) return;
            Params::compress(m_state, m_buffer);
            m_buffered = 0;
        }
        // Whole blocks straight from the input, in one call (the SIMD paths keep their state in
        // registers across blocks).
        const std::size_t whole = data.size() - data.size() % block_size;
        if (whole != 0) Params::compress(m_state, data.first(whole));
        const bytes_view rest = data.subspan(whole);
        std::copy_n(rest.data(), rest.size(), m_buffer.data());
        m_buffered = rest.size();
    }

    // Pads, writes the digest to `out` and finalises the object. Throws qkdnq::invalid_state (and
    // leaves `out` untouched) if it was already finalised.
    void final(std::span<std::uint8_t, digest_size> out) {
        if (m_finalised) throw_finalised("final");
        // FIPS 180-4 §5.1.1 / §5.1.2: append the bit 1, then zeros up to length_field_size bytes
        // before a block boundary, then the message length in bits, big-endian.
        constexpr std::size_t length_offset = block_size - Params::length_field_size;
        m_buffer[m_buffered++] = 0x80;
        if (m_buffered > length_offset) {
            std::fill(m_buffer.begin() + static_cast<std::ptrdiff_t>(m_buffered), m_buffer.end(), std::uint8_t{0});
            Params::compress(m_state, m_buffer);
            m_buffered = 0;
        }
        std::fill(m_buffer.begin() + static_cast<std::ptrdiff_t>(m_buffered),
                  m_buffer.begin() + static_cast<std::ptrdiff_t>(length_offset), std::uint8_t{0});
        if constexpr (Params::length_field_size == 16) {
            store_be64(m_buffer.data() + length_offset, m_length >> 61);  // high 64 bits of 8*length
        }
        store_be64(m_buffer.data() + block_size - 8, m_length << 3);
        Params::compress(m_state, m_buffer);

        // §6.2.2 / §6.4.2: H0 || H1 || ... big-endian, leftmost digest_size bytes.
        std::array<std::uint8_t, 8 * sizeof(word)> full;
        for (std::size_t i = 0; i < 8; ++i) {
            if constexpr (sizeof(word) == 4) {
                store_be32(full.data() + 4 * i, m_state[i]);
            } else {
                store_be64(full.data() + 8 * i, m_state[i]);
            }
        }
        std::copy_n(full.data(), digest_size, out.data());
        secure_zero(full.data(), full.size());
        wipe();
        m_finalised = true;
    }

    [[nodiscard]] std::array<std::uint8_t, digest_size> final() {
        std::array<std::uint8_t, digest_size> out;
        final(std::span<std::uint8_t, digest_size>(out));
        return out;
    }

    // Back to the initial hash value (FIPS 180-4 §5.3), ready for a new message.
    void reset() noexcept {
        wipe();
        m_state = Params::initial_hash;
        m_finalised = false;
    }

    [[nodiscard]] static std::array<std::uint8_t, digest_size> hash(bytes_view data) {
        sha2_hash h;
        h.update(data);
        return h.final();
    }

private:
    void wipe() noexcept {
        secure_zero(m_state.data(), sizeof m_state);
        secure_zero(m_buffer.data(), m_buffer.size());
        m_length = 0;
        m_buffered = 0;
    }

    [[noreturn]] static void throw_finalised(std::string_view function) {
        detail::throw_invalid_state(std::string(Params::name).append("::").append(function),
                                    "the hash was already finalised; call reset() first");
    }

    std::array<word, 8> m_state{};
    std::array<std::uint8_t, block_size> m_buffer{};
    std::uint64_t m_length = 0;  // message bytes absorbed so far
    std::size_t m_buffered = 0;  // bytes waiting in m_buffer, always < block_size
    bool m_finalised = false;
};

}  // namespace detail

// SHA-224 (FIPS 180-4 §6.3): 28-byte digest, 64-byte block.
class sha224 : public detail::sha2_hash<detail::sha224_params> {};
// SHA-256 (FIPS 180-4 §6.2): 32-byte digest, 64-byte block.
class sha256 : public detail::sha2_hash<detail::sha256_params> {};
// SHA-384 (FIPS 180-4 §6.5): 48-byte digest, 128-byte block.
class sha384 : public detail::sha2_hash<detail::sha384_params> {};
// SHA-512 (FIPS 180-4 §6.4): 64-byte digest, 128-byte block.
class sha512 : public detail::sha2_hash<detail::sha512_params> {};
// SHA-512/224 (FIPS 180-4 §6.6): 28-byte digest, 128-byte block.
class sha512_224 : public detail::sha2_hash<detail::sha512_224_params> {};
// SHA-512/256 (FIPS 180-4 §6.7): 32-byte digest, 128-byte block.
class sha512_256 : public detail::sha2_hash<detail::sha512_256_params> {};

}  // namespace qkdnq
