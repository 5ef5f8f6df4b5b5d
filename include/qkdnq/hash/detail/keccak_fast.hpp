// Optimised Keccak-f[1600]: one fully unrolled round, written once over a "lane" type.
//
// `keccak_round<Ops>` is the round of FIPS 202 Alg. 7 (θ, ρ, π, χ, ι) unrolled over the 25 lanes,
// with constant lane indices so the compiler keeps the state in registers. Two lane types use it:
//
//  * `u64_lane_ops`: plain 64-bit words (portable; with BMI1/BMI2 χ is andn + xor and ρ is rorx).
//  * `avx512vl_lane_ops`: each lane in the low quadword of its own xmm register. AVX-512 has 32
//    vector registers, so the whole state (25 lanes) stays in registers, and every step is one
//    instruction: a column parity is two `vpternlogq` (x ^ y ^ z), χ's a ^ (~b & c) one
//    `vpternlogq` per lane, ρ one `vprolq` per lane; 95 instructions per round. Compiled only
//    where __AVX512F__ and __AVX512VL__ are defined and QKDNQ_FORCE_SCALAR is not set.
//
// `keccak_absorb_blocks_unrolled<Ops, Rate>` keeps the state in registers across whole input
// blocks (FIPS 202 Alg. 8 step 6: S = f(S ^ (P_i || 0^c))). Every path is tested against
// `keccak_f1600_scalar` (detail/keccak_scalar.hpp) in tests/hash/test_keccak.cpp.
//
// Nothing here branches or indexes on state or input values: KMAC keys may pass through.
#pragma once

#include <qkdnq/hash/detail/keccak_scalar.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__AVX512F__) && defined(__AVX512VL__) && !(defined(QKDNQ_FORCE_SCALAR) && QKDNQ_FORCE_SCALAR)
#include <immintrin.h>
#define QKDNQ_KECCAK_HAVE_AVX512VL 1
#else
#define QKDNQ_KECCAK_HAVE_AVX512VL 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define QKDNQ_KECCAK_INLINE inline __attribute__((always_inline))
#else
#define QKDNQ_KECCAK_INLINE inline
#endif

// GCC's post-register-allocation scheduler (-fschedule-insns2, on at -O2) regroups the round's
// rotations, which on AMD Zen 5 execute on only two of the four vector pipes; the source order
// (rotations interleaved with logic) is measurably faster: 218 -> 199 ns per permutation with
// gcc 12 on an AMD EPYC (Zen 5) at -O3 -march=native. Clang keeps the order without being told.
#if defined(__GNUC__) && !defined(__clang__)
#define QKDNQ_KECCAK_KEEP_ORDER __attribute__((optimize("no-schedule-insns2")))
#else
#define QKDNQ_KECCAK_KEEP_ORDER
#endif

namespace qkdnq::detail {

// FIPS 202 Table 5 / Alg. 6: RC[i_r] for i_r = 0 .. 23 (checked against the computed
// `keccak_rc_spec` below).
inline constexpr std::array<std::uint64_t, keccak_rounds> keccak_round_constants = {
    0x0000000000000001u, 0x0000000000008082u, 0x800000000000808Au, 0x8000000080008000u,
    0x000000000000808Bu, 0x0000000080000001u, 0x8000000080008081u, 0x8000000000008009u,
    0x000000000000008Au, 0x0000000000000088u, 0x0000000080008009u, 0x000000008000000Au,
    0x000000008000808Bu, 0x800000000000008Bu, 0x8000000000008089u, 0x8000000000008003u,
    0x8000000000008002u, 0x8000000000000080u, 0x000000000000800Au, 0x800000008000000Au,
    0x8000000080008081u, 0x8000000000008080u, 0x0000000080000001u, 0x8000000080008008u,
};
static_assert(keccak_round_constants == keccak_rc_spec, "FIPS 202 round constants");

// FIPS 202 Table 2 (ρ offsets), indexed x + 5y; the literals in `keccak_round` below use it.
inline constexpr std::array<unsigned, keccak_lanes> keccak_rho_offsets = {
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
};
static_assert(keccak_rho_offsets == keccak_rho_spec, "FIPS 202 rho offsets");

// Little-endian 64-bit load from bytes (FIPS 202 §B.1 byte order).
[[nodiscard]] QKDNQ_KECCAK_INLINE std::uint64_t keccak_load_lane(const std::uint8_t* p) noexcept {
    if constexpr (std::endian::native == std::endian::little) {
        std::uint64_t v;
        std::memcpy(&v, p, sizeof v);
        return v;
    } else {
        std::uint64_t v = 0;
        for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
        return v;
    }
}

// Lanes as 64-bit integers.
struct u64_lane_ops {
    using lane = std::uint64_t;
    using theta_term = std::uint64_t;  // D[x]
    struct lanes {
        lane v[keccak_lanes];
    };

    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane load_state(const std::uint64_t* p) noexcept { return *p; }
    static QKDNQ_KECCAK_INLINE void store_state(std::uint64_t* p, lane v) noexcept { *p = v; }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane xor_input(lane a, const std::uint8_t* p) noexcept {
        return a ^ keccak_load_lane(p);
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane xor5(lane a, lane b, lane c, lane d, lane e) noexcept {
        return a ^ b ^ c ^ d ^ e;
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE theta_term theta_d(lane c_prev, lane c_next) noexcept {
        return c_prev ^ std::rotl(c_next, 1);
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane theta_apply(lane a, theta_term d) noexcept { return a ^ d; }
    template <int R>
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane rol(lane a) noexcept {
        return std::rotl(a, R);
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane chi(lane a, lane b, lane c) noexcept { return a ^ (~b & c); }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane iota(lane a, std::uint64_t rc) noexcept { return a ^ rc; }
};

#if QKDNQ_KECCAK_HAVE_AVX512VL
// Lanes in the low 64 bits of xmm registers; the high half is carried along and ignored.
struct avx512vl_lane_ops {
    using lane = __m128i;
    struct lanes {  // a plain array: std::array<__m128i, N> would drop __m128i's attributes
        lane v[keccak_lanes];
    };
    using theta_term = __m128i;  // D[x]

    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane load_state(const std::uint64_t* p) noexcept {
        return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    }
    static QKDNQ_KECCAK_INLINE void store_state(std::uint64_t* p, lane v) noexcept {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(p), v);
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane xor_input(lane a, const std::uint8_t* p) noexcept {
        return _mm_xor_si128(a, _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane xor5(lane a, lane b, lane c, lane d, lane e) noexcept {
        return _mm_ternarylogic_epi64(_mm_ternarylogic_epi64(a, b, c, 0x96), d, e, 0x96);  // 0x96: x ^ y ^ z
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE theta_term theta_d(lane c_prev, lane c_next) noexcept {
        return _mm_xor_si128(c_prev, _mm_rol_epi64(c_next, 1));
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane theta_apply(lane a, theta_term d) noexcept {
        return _mm_xor_si128(a, d);
    }
    template <int R>
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane rol(lane a) noexcept {
        return _mm_rol_epi64(a, R);
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane chi(lane a, lane b, lane c) noexcept {
        return _mm_ternarylogic_epi64(a, b, c, 0xD2);  // 0xD2: x ^ (~y & z)
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane iota(lane a, std::uint64_t rc) noexcept {
        return _mm_xor_si128(a, _mm_cvtsi64_si128(static_cast<long long>(rc)));
    }
};
#endif

// One round Rnd(A, i_r) of FIPS 202 §3.3, from `a` into `e`.
template <class Ops>
QKDNQ_KECCAK_INLINE void keccak_round(const typename Ops::lanes& a, typename Ops::lanes& e,
                                      std::uint64_t rc) noexcept {
    using L = typename Ops::lane;
    using T = typename Ops::theta_term;
    // θ (FIPS 202 Alg. 1): column parities C[x], then D[x] = C[x-1] ^ rot(C[x+1], 1).
    const L c0 = Ops::xor5(a.v[0], a.v[5], a.v[10], a.v[15], a.v[20]);
    const L c1 = Ops::xor5(a.v[1], a.v[6], a.v[11], a.v[16], a.v[21]);
    const L c2 = Ops::xor5(a.v[2], a.v[7], a.v[12], a.v[17], a.v[22]);
    const L c3 = Ops::xor5(a.v[3], a.v[8], a.v[13], a.v[18], a.v[23]);
    const L c4 = Ops::xor5(a.v[4], a.v[9], a.v[14], a.v[19], a.v[24]);
    const T d0 = Ops::theta_d(c4, c1);
    const T d1 = Ops::theta_d(c0, c2);
    const T d2 = Ops::theta_d(c1, c3);
    const T d3 = Ops::theta_d(c2, c4);
    const T d4 = Ops::theta_d(c3, c0);
    // ρ (Alg. 2) and π (Alg. 3) with θ's A ^= D on the way in:
    //     B[x, y] = rot(A[x', x] ^ D[x'], r[x', x]),  x' = (x + 3y) mod 5,
    // then χ (Alg. 4) row by row into `e`: E[x, y] = B[x, y] ^ (~B[x+1, y] & B[x+2, y]).
    // Row y+1's B is computed before row y's χ, so rotations and logic alternate; every old
    // lane is read exactly once, which keeps the live set within the 32 vector registers.
    const L b0 = Ops::theta_apply(a.v[0], d0);
    const L b1 = Ops::template rol<44>(Ops::theta_apply(a.v[6], d1));
    const L b2 = Ops::template rol<43>(Ops::theta_apply(a.v[12], d2));
    const L b3 = Ops::template rol<21>(Ops::theta_apply(a.v[18], d3));
    const L b4 = Ops::template rol<14>(Ops::theta_apply(a.v[24], d4));
    const L b5 = Ops::template rol<28>(Ops::theta_apply(a.v[3], d3));
    const L b6 = Ops::template rol<20>(Ops::theta_apply(a.v[9], d4));
    const L b7 = Ops::template rol<3>(Ops::theta_apply(a.v[10], d0));
    const L b8 = Ops::template rol<45>(Ops::theta_apply(a.v[16], d1));
    const L b9 = Ops::template rol<61>(Ops::theta_apply(a.v[22], d2));
    e.v[0] = Ops::chi(b0, b1, b2);
    e.v[1] = Ops::chi(b1, b2, b3);
    e.v[2] = Ops::chi(b2, b3, b4);
    e.v[3] = Ops::chi(b3, b4, b0);
    e.v[4] = Ops::chi(b4, b0, b1);
    const L b10 = Ops::template rol<1>(Ops::theta_apply(a.v[1], d1));
    const L b11 = Ops::template rol<6>(Ops::theta_apply(a.v[7], d2));
    const L b12 = Ops::template rol<25>(Ops::theta_apply(a.v[13], d3));
    const L b13 = Ops::template rol<8>(Ops::theta_apply(a.v[19], d4));
    const L b14 = Ops::template rol<18>(Ops::theta_apply(a.v[20], d0));
    e.v[5] = Ops::chi(b5, b6, b7);
    e.v[6] = Ops::chi(b6, b7, b8);
    e.v[7] = Ops::chi(b7, b8, b9);
    e.v[8] = Ops::chi(b8, b9, b5);
    e.v[9] = Ops::chi(b9, b5, b6);
    const L b15 = Ops::template rol<27>(Ops::theta_apply(a.v[4], d4));
    const L b16 = Ops::template rol<36>(Ops::theta_apply(a.v[5], d0));
    const L b17 = Ops::template rol<10>(Ops::theta_apply(a.v[11], d1));
    const L b18 = Ops::template rol<15>(Ops::theta_apply(a.v[17], d2));
    const L b19 = Ops::template rol<56>(Ops::theta_apply(a.v[23], d3));
    e.v[10] = Ops::chi(b10, b11, b12);
    e.v[11] = Ops::chi(b11, b12, b13);
    e.v[12] = Ops::chi(b12, b13, b14);
    e.v[13] = Ops::chi(b13, b14, b10);
    e.v[14] = Ops::chi(b14, b10, b11);
    const L b20 = Ops::template rol<62>(Ops::theta_apply(a.v[2], d2));
    const L b21 = Ops::template rol<55>(Ops::theta_apply(a.v[8], d3));
    const L b22 = Ops::template rol<39>(Ops::theta_apply(a.v[14], d4));
    const L b23 = Ops::template rol<41>(Ops::theta_apply(a.v[15], d0));
    const L b24 = Ops::template rol<2>(Ops::theta_apply(a.v[21], d1));
    e.v[15] = Ops::chi(b15, b16, b17);
    e.v[16] = Ops::chi(b16, b17, b18);
    e.v[17] = Ops::chi(b17, b18, b19);
    e.v[18] = Ops::chi(b18, b19, b15);
    e.v[19] = Ops::chi(b19, b15, b16);
    e.v[20] = Ops::chi(b20, b21, b22);
    e.v[21] = Ops::chi(b21, b22, b23);
    e.v[22] = Ops::chi(b22, b23, b24);
    e.v[23] = Ops::chi(b23, b24, b20);
    e.v[24] = Ops::chi(b24, b20, b21);
    // ι (Alg. 6).
    e.v[0] = Ops::iota(e.v[0], rc);
}

// The 24 rounds of Keccak-f[1600] (FIPS 202 Alg. 7) on lanes already in registers, two rounds per
// iteration so that the lanes swap between `a` and `e` without copies.
template <class Ops>
QKDNQ_KECCAK_INLINE void keccak_permute_lanes(typename Ops::lanes& a) noexcept {
    typename Ops::lanes e;
    for (std::size_t ir = 0; ir < keccak_rounds; ir += 2) {
        keccak_round<Ops>(a, e, keccak_round_constants[ir]);
        keccak_round<Ops>(e, a, keccak_round_constants[ir + 1]);
    }
}

template <class Ops>
QKDNQ_KECCAK_KEEP_ORDER inline void keccak_f1600_unrolled(
    std::array<std::uint64_t, keccak_lanes>& state) noexcept {
    typename Ops::lanes a;
    for (std::size_t i = 0; i < keccak_lanes; ++i) a.v[i] = Ops::load_state(&state[i]);
    keccak_permute_lanes<Ops>(a);
    for (std::size_t i = 0; i < keccak_lanes; ++i) Ops::store_state(&state[i], a.v[i]);
}

// FIPS 202 Alg. 8 step 6 for `blocks` whole blocks of `Rate` bytes at `data`:
// S = f(S ^ (P_i || 0^c)) for each block, the state kept in registers throughout.
template <class Ops, std::size_t Rate>
QKDNQ_KECCAK_KEEP_ORDER inline void keccak_absorb_blocks_unrolled(std::array<std::uint64_t, keccak_lanes>& state,
                                                                  const std::uint8_t* data,
                                                                  std::size_t blocks) noexcept {
    static_assert(Rate % 8 == 0 && Rate < 8 * keccak_lanes);
    typename Ops::lanes a;
    for (std::size_t i = 0; i < keccak_lanes; ++i) a.v[i] = Ops::load_state(&state[i]);
    for (; blocks != 0; --blocks, data += Rate) {
        for (std::size_t i = 0; i < Rate / 8; ++i) a.v[i] = Ops::xor_input(a.v[i], data + 8 * i);
        keccak_permute_lanes<Ops>(a);
    }
    for (std::size_t i = 0; i < keccak_lanes; ++i) Ops::store_state(&state[i], a.v[i]);
}

}  // namespace qkdnq::detail
