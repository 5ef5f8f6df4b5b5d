// The sponge construction SPONGE[Keccak-f[1600], pad10*1, r] (FIPS 202 §4, Alg. 8), byte-oriented.
//
// `keccak_sponge<Rate>` absorbs bytes in any chunks, pads with a domain-separation suffix, then
// squeezes bytes in any chunks. It knows nothing about which phase it is in: the public classes
// (sha3.hpp, shake.hpp, cshake.hpp, kmac.hpp) track that and throw on misuse. Positions depend
// only on lengths, never on data, and the state is wiped when the object dies.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/keccak.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace qkdnq::detail {

// Domain-separation bits followed by the first bit of pad10*1, as one byte (FIPS 202 §B.2: bit
// strings are read least significant bit first).
inline constexpr std::uint8_t sha3_suffix = 0x06;    // FIPS 202 §6.1: M || 01, then 1
inline constexpr std::uint8_t shake_suffix = 0x1f;   // FIPS 202 §6.2: M || 1111, then 1
inline constexpr std::uint8_t cshake_suffix = 0x04;  // SP 800-185 §3.3: X || 00, then 1

template <std::size_t Rate>
class keccak_sponge {
    static_assert(Rate % 8 == 0 && Rate > 0 && Rate < 200, "rate must be a whole number of lanes below b");

public:
    static constexpr std::size_t rate = Rate;

    keccak_sponge() noexcept = default;
    keccak_sponge(const keccak_sponge&) noexcept = default;
    keccak_sponge& operator=(const keccak_sponge&) noexcept = default;
    ~keccak_sponge() { wipe(); }

    // FIPS 202 Alg. 8 steps 5-6, incrementally: XOR bytes into the first r bits of S, applying f
    // after every full block.
    void absorb(bytes_view data) noexcept {
        const std::uint8_t* p = data.data();
        std::size_t n = data.size();
        if (n == 0) return;
        if (m_pos != 0) {
            const std::size_t take = std::min(n, Rate - m_pos);
            xor_bytes(m_pos, p, take);
            m_pos += take;
            p += take;
            n -= take;
            if (m_pos < Rate) return;
            keccak_f1600(m_state);
            m_pos = 0;
        }
        if (const std::size_t blocks = n / Rate; blocks != 0) {
            keccak_absorb_blocks<Rate>(m_state, p, blocks);
            p += blocks * Rate;
            n -= blocks * Rate;
        }
        if (n != 0) {
            xor_bytes(0, p, n);
            m_pos = n;
        }
    }

    // bytepad's zero fill (SP 800-185 §2.3.3): zeros up to the next block boundary, so the next
    // byte absorbed starts a new block. XORing zeros is nothing; only the permutation remains.
    void fill_block() noexcept {
        if (m_pos != 0) {
            keccak_f1600(m_state);
            m_pos = 0;
        }
    }

    // FIPS 202 Alg. 8 steps 1-2 and 6 for the last block: P = M || suffix || pad10*1 (§5.1,
    // §B.2), then f. Afterwards the first r bits of S are the first output block (steps 7-8).
    void finish(std::uint8_t suffix) noexcept {
        m_state[m_pos / 8] ^= std::uint64_t{suffix} << (8 * (m_pos % 8));
        m_state[(Rate - 1) / 8] ^= std::uint64_t{0x80} << (8 * ((Rate - 1) % 8));  // the final 1 of pad10*1
        keccak_f1600(m_state);
        m_pos = 0;
    }

    // FIPS 202 Alg. 8 steps 8-10, incrementally: Z = Trunc_r(S), applying f before each further
    // block. The output is the same however it is split into calls.
    void squeeze(mutable_bytes out) noexcept {
        std::uint8_t* p = out.data();
        std::size_t n = out.size();
        while (n != 0) {
            if (m_pos == Rate) {
                keccak_f1600(m_state);
                m_pos = 0;
            }
            const std::size_t take = std::min(n, Rate - m_pos);
            extract_bytes(m_pos, p, take);
            m_pos += take;
            p += take;
            n -= take;
        }
    }

    // Back to the all-zero initial state (FIPS 202 Alg. 8 step 5: S = 0^b).
    void wipe() noexcept {
        secure_zero(m_state.data(), sizeof m_state);
        m_pos = 0;
    }

private:
    // State byte i is byte i % 8 of lane i / 8 (FIPS 202 §B.1).
    void xor_bytes(std::size_t offset, const std::uint8_t* p, std::size_t n) noexcept {
        for (; n != 0 && offset % 8 != 0; --n, ++offset, ++p) {
            m_state[offset / 8] ^= std::uint64_t{*p} << (8 * (offset % 8));
        }
        for (; n >= 8; n -= 8, offset += 8, p += 8) m_state[offset / 8] ^= keccak_load_lane(p);
        for (; n != 0; --n, ++offset, ++p) {
            m_state[offset / 8] ^= std::uint64_t{*p} << (8 * (offset % 8));
        }
    }

    void extract_bytes(std::size_t offset, std::uint8_t* p, std::size_t n) const noexcept {
        for (; n != 0 && offset % 8 != 0; --n, ++offset, ++p) {
            *p = static_cast<std::uint8_t>(m_state[offset / 8] >> (8 * (offset % 8)));
        }
        for (; n >= 8; n -= 8, offset += 8, p += 8) store_le64(p, m_state[offset / 8]);
        for (; n != 0; --n, ++offset, ++p) {
            *p = static_cast<std::uint8_t>(m_state[offset / 8] >> (8 * (offset % 8)));
        }
    }

    std::array<std::uint64_t, keccak_lanes> m_state{};
    std::size_t m_pos = 0;  // bytes absorbed into, or squeezed from, the current block
};

}  // namespace qkdnq::detail
