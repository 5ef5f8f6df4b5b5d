// Carry-less multiplication of 64-bit words: the product of two polynomials of degree < 64 over
// GF(2), 128 bits. The building block of GF(2)[x] multiplication (amplify/, Toeplitz hashing) and
// of the GF(2^k) polynomial hashes (auth/).
//
// Bit i of a word is the coefficient of x^i (the project's LSB-first order), so
//   clmul64(a, b) = {lo, hi} with lo + x^64 hi = a(x) b(x).
//
// `clmul64_scalar` is the portable reference, constant time (integer multiplications with holes,
// after BearSSL's ghash_ctmul64 and Thomas Pornin's note "Constant-time mul", widened to 64 x 64
// -> 128 bits with five interleaved residue classes). `clmul64` is PCLMULQDQ when the consumer's
// flags enable it (`has_pclmul`) and the scalar reference otherwise, or with QKDNQ_FORCE_SCALAR.
#pragma once

#include <qkdnq/simd/arch.hpp>

#include <cstdint>

#if defined(__PCLMUL__) && !QKDNQ_FORCE_SCALAR
#include <immintrin.h>
#define QKDNQ_HAS_PCLMUL 1
#else
#define QKDNQ_HAS_PCLMUL 0
#endif

namespace qkdnq::simd {

// True when clmul64 is the PCLMULQDQ instruction.
inline constexpr bool has_pclmul = QKDNQ_HAS_PCLMUL != 0;

// A 128-bit carry-less product: lo + x^64 hi.
struct clmul_product {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;

    friend constexpr bool operator==(const clmul_product&, const clmul_product&) = default;
};

namespace detail {

// The full 128-bit integer product a * b.
[[nodiscard]] constexpr clmul_product integer_mul_64x64(std::uint64_t a, std::uint64_t b) noexcept {
#if defined(__SIZEOF_INT128__)
    __extension__ using uint128 = unsigned __int128;  // __extension__: GCC/Clang, quiet under -Wpedantic
    const uint128 p = static_cast<uint128>(a) * b;
    return {static_cast<std::uint64_t>(p), static_cast<std::uint64_t>(p >> 64)};
#else
    const std::uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    const std::uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const std::uint64_t middle = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    return {(middle << 32) | (p00 & 0xffffffffu), p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32)};
#endif
}

// Bits at positions congruent to r mod 5, in a 64-bit word and in the two words of a 128-bit one.
[[nodiscard]] constexpr std::uint64_t residue_mask(unsigned r, unsigned offset) noexcept {
    std::uint64_t m = 0;
    for (unsigned i = 0; i < 64; ++i) {
        if ((i + offset) % 5 == r) m |= std::uint64_t{1} << i;
    }
    return m;
}

// The masks as constants: low[r] for bits 0..63, high[r] for bits 64..127.
struct residue_masks {
    std::uint64_t low[5];
    std::uint64_t high[5];
};
inline constexpr residue_masks clmul_masks = {
    {residue_mask(0, 0), residue_mask(1, 0), residue_mask(2, 0), residue_mask(3, 0), residue_mask(4, 0)},
    {residue_mask(0, 64), residue_mask(1, 64), residue_mask(2, 64), residue_mask(3, 64), residue_mask(4, 64)}};

}  // namespace detail

// Portable constant-time carry-less product (no branch, index or shift amount depends on a or
// b). a and b are split into five words holding the bits of one residue class mod 5 each; the
// integer product of two such words has at most 13 terms per bit position, so the carries stay
// within the four zero bits ("holes") above each position, and the bit of the right class is the
// parity of its terms, the carry-less product.
[[nodiscard]] constexpr clmul_product clmul64_scalar(std::uint64_t a, std::uint64_t b) noexcept {
    std::uint64_t a_part[5]{}, b_part[5]{};
    for (unsigned r = 0; r < 5; ++r) {
        a_part[r] = a & detail::clmul_masks.low[r];
        b_part[r] = b & detail::clmul_masks.low[r];
    }
    clmul_product out;
    for (unsigned r = 0; r < 5; ++r) {  // result bits of class r come from classes i + j = r mod 5
        clmul_product sum;
        for (unsigned i = 0; i < 5; ++i) {
            const clmul_product p = detail::integer_mul_64x64(a_part[i], b_part[(r + 5 - i) % 5]);
            sum.lo ^= p.lo;
            sum.hi ^= p.hi;
        }
        out.lo |= sum.lo & detail::clmul_masks.low[r];
        out.hi |= sum.hi & detail::clmul_masks.high[r];
    }
    return out;
}

// The carry-less product with PCLMULQDQ where available, else clmul64_scalar.
[[nodiscard]] inline clmul_product clmul64(std::uint64_t a, std::uint64_t b) noexcept {
#if QKDNQ_HAS_PCLMUL
    const __m128i p = _mm_clmulepi64_si128(_mm_cvtsi64_si128(static_cast<long long>(a)),
                                           _mm_cvtsi64_si128(static_cast<long long>(b)), 0x00);
    return {static_cast<std::uint64_t>(_mm_cvtsi128_si64(p)),
            static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(p, p)))};
#else
    return clmul64_scalar(a, b);
#endif
}

}  // namespace qkdnq::simd
