// Keccak-f[1600] plain reference (FIPS 202 §3.2-3.4), written step by step from the standard.
//
// This is the reference every optimised permutation is tested against (tests/hash/test_keccak.cpp)
// and the only one compiled in when QKDNQ_FORCE_SCALAR is non-zero. It is never removed. Its
// constants are not tabulated: the rotation offsets come from FIPS 202 Alg. 2 and the round
// constants from Alg. 5/6, evaluated at compile time, so they are independent of the tables in
// detail/keccak_fast.hpp.
//
// A lane is one 64-bit word: A[x, y, z] is bit z of state[x + 5y] (FIPS 202 §3.1.2, §B.1: the
// state string S maps to lanes in little-endian byte order).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace qkdnq::detail {

inline constexpr std::size_t keccak_lanes = 25;
inline constexpr std::size_t keccak_rounds = 24;  // n_r for Keccak-p[1600, 24] (FIPS 202 §3.4)

// FIPS 202 Alg. 2 (ρ): the rotation offset of lane (x, y), indexed x + 5y.
[[nodiscard]] consteval std::array<unsigned, keccak_lanes> keccak_rho_offsets_spec() {
    std::array<unsigned, keccak_lanes> offset{};  // step 2: lane (0, 0) is not rotated
    std::size_t x = 1;                            // step 3: (x, y) = (1, 0)
    std::size_t y = 0;
    for (unsigned t = 0; t < 24; ++t) {  // step 4
        offset[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
        const std::size_t next_y = (2 * x + 3 * y) % 5;  // (x, y) = (y, (2x + 3y) mod 5)
        x = y;
        y = next_y;
    }
    return offset;
}

// FIPS 202 Alg. 5: rc(t), the output bit of the degree-8 LFSR.
[[nodiscard]] consteval std::uint64_t keccak_rc_bit(unsigned t) {
    if (t % 255 == 0) return 1;  // step 1
    unsigned r = 1;               // step 2: R = 10000000 (R[0] is the low bit)
    for (unsigned i = 1; i <= t % 255; ++i) {
        r <<= 1;                       // step 3a: R = 0 || R
        if ((r & 0x100u) != 0) {       // steps 3b-3e: R[0,4,5,6] ^= R[8]
            r ^= 0x171u;               // 0x100 clears R[8] (step 3f: Trunc8)
        }
    }
    return r & 1u;  // step 4
}

// FIPS 202 Alg. 6 steps 2-3: the round constant RC of round i_r.
[[nodiscard]] consteval std::array<std::uint64_t, keccak_rounds> keccak_round_constants_spec() {
    std::array<std::uint64_t, keccak_rounds> rc{};
    for (unsigned ir = 0; ir < keccak_rounds; ++ir) {
        for (unsigned j = 0; j <= 6; ++j) {
            rc[ir] |= keccak_rc_bit(j + 7 * ir) << ((1u << j) - 1);  // RC[2^j - 1] = rc(j + 7 i_r)
        }
    }
    return rc;
}

inline constexpr std::array<unsigned, keccak_lanes> keccak_rho_spec = keccak_rho_offsets_spec();
inline constexpr std::array<std::uint64_t, keccak_rounds> keccak_rc_spec = keccak_round_constants_spec();

static_assert(keccak_rho_spec[1] == 1 && keccak_rho_spec[2] == 62 && keccak_rho_spec[24] == 14);
static_assert(keccak_rc_spec[0] == 0x0000000000000001u && keccak_rc_spec[23] == 0x8000000080008008u);

// Keccak-f[1600] = Keccak-p[1600, 24] (FIPS 202 §3.4, Alg. 7), one round at a time.
constexpr void keccak_f1600_scalar(std::array<std::uint64_t, keccak_lanes>& a) noexcept {
    for (std::size_t ir = 0; ir < keccak_rounds; ++ir) {  // Alg. 7 step 2: i_r = 0 .. 23
        // θ (Alg. 1): C[x] = xor of column x; D[x] = C[x-1] ^ rot(C[x+1], 1); A[x, y] ^= D[x].
        std::array<std::uint64_t, 5> c{};
        for (std::size_t x = 0; x < 5; ++x) {
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        }
        for (std::size_t x = 0; x < 5; ++x) {
            const std::uint64_t d = c[(x + 4) % 5] ^ std::rotl(c[(x + 1) % 5], 1);
            for (std::size_t y = 0; y < 5; ++y) a[x + 5 * y] ^= d;
        }
        // ρ (Alg. 2) then π (Alg. 3): A'[x, y] = rot(A[(x + 3y) mod 5, x], offset).
        std::array<std::uint64_t, keccak_lanes> b{};
        for (std::size_t y = 0; y < 5; ++y) {
            for (std::size_t x = 0; x < 5; ++x) {
                const std::size_t source = (x + 3 * y) % 5 + 5 * x;
                b[x + 5 * y] = std::rotl(a[source], static_cast<int>(keccak_rho_spec[source]));
            }
        }
        // χ (Alg. 4): A'[x, y] = A[x, y] ^ (~A[x+1, y] & A[x+2, y]).
        for (std::size_t y = 0; y < 5; ++y) {
            for (std::size_t x = 0; x < 5; ++x) {
                a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
            }
        }
        // ι (Alg. 6 step 4): A[0, 0] ^= RC(i_r).
        a[0] ^= keccak_rc_spec[ir];
    }
}

}  // namespace qkdnq::detail
