// SHA3-224, SHA3-256, SHA3-384, SHA3-512 (FIPS 202 §6.1): SHA3-d(M) = KECCAK[2d](M || 01, d).
//
//     qkdnq::sha3_256 h;                 // or the one-shot qkdnq::sha3_256::hash(data)
//     h.update(part1);
//     h.update(part2);
//     std::array<std::uint8_t, 32> digest = h.final();
//
// Every class has `digest_size` (d / 8) and `block_size` (the rate r / 8, the HMAC block size,
// FIPS 202 §6.1: c = 2d). After `final` the object only accepts `reset()`; `update` or `final`
// throw `qkdnq::invalid_state`. The sponge state is wiped after `final` and in the destructor.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/hash/detail/keccak_sponge.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace qkdnq {
namespace detail {

template <std::size_t DigestSize>
class basic_sha3 {
    static_assert(DigestSize == 28 || DigestSize == 32 || DigestSize == 48 || DigestSize == 64);

public:
    static constexpr std::size_t digest_size = DigestSize;
    static constexpr std::size_t block_size = 200 - 2 * DigestSize;  // r = 1600 - 2d bits

    basic_sha3() noexcept = default;

    // Absorbs `data` (FIPS 202 Alg. 8 step 6, incrementally).
    void update(bytes_view data) {
        if (m_finalised) throw_finalised("update");
        m_sponge.absorb(data);
    }

    // Pads M || 01 || pad10*1, writes the d-bit digest to `out` and finalises the object.
    void final(std::span<std::uint8_t, digest_size> out) {
        if (m_finalised) throw_finalised("final");
        m_sponge.finish(sha3_suffix);  // FIPS 202 §6.1 and Alg. 8 steps 1-6
        m_sponge.squeeze(out);          // Alg. 8 steps 8-10: d < r, so Trunc_d(S) of one block
        m_sponge.wipe();
        m_finalised = true;
    }

    [[nodiscard]] std::array<std::uint8_t, digest_size> final() {
        std::array<std::uint8_t, digest_size> digest{};
        final(std::span<std::uint8_t, digest_size>(digest));
        return digest;
    }

    // Back to the initial (empty-message) state.
    void reset() noexcept {
        m_sponge.wipe();
        m_finalised = false;
    }

    [[nodiscard]] static std::array<std::uint8_t, digest_size> hash(bytes_view data) {
        basic_sha3 h;
        h.update(data);
        return h.final();
    }

private:
    [[noreturn]] static void throw_finalised(const char* function) {
        throw_invalid_state("qkdnq::sha3_" + std::to_string(8 * DigestSize) + "::" + function,
                            "the hash was already finalised; call reset() first");
    }

    keccak_sponge<block_size> m_sponge;
    bool m_finalised = false;
};

}  // namespace detail

class sha3_224 : public detail::basic_sha3<28> {};
class sha3_256 : public detail::basic_sha3<32> {};
class sha3_384 : public detail::basic_sha3<48> {};
class sha3_512 : public detail::basic_sha3<64> {};

}  // namespace qkdnq
