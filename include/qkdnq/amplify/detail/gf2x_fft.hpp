// Sub-quadratic multiplication and middle product of huge binary polynomials (10^5 .. 10^9+ bits)
// by an additive FFT over GF(2^64): the engine behind Toeplitz hashing of long keys (issue 5).
//
// Representation: a polynomial over GF(2) is an array of 64-bit words, bit i of word w being the
// coefficient of x^(64w+i) (the project's LSB-first order).
//
//   fft_multiply(a, b, c)        c = a*b, c.size() == a.size() + b.size()
//   fft_middle_product(a, b, o)  o[k] = word nb+k of a*b, k < na-nb (na = a.size() >= nb = b.size()):
//                                exactly the words to which every pair of a-bit and b-bit contributes.
//
// Algorithm
//  1. Kronecker segmentation: 32-bit chunks of the operands are elements of GF(2^64) =
//     GF(2)[y]/(y^64+y^4+y^3+y+1) in the polynomial basis; the product of two chunks has degree
//     <= 62, so the coefficients of the GF(2^64)[X] product are exact and overlap-add into bits.
//  2. Additive FFT of Lin, Chung and Han (FOCS 2014, "novel polynomial basis"), evaluated on the
//     subspace spanned by a Cantor basis b_0 = 1, b_i^2 + b_i = b_(i-1): the subspace polynomials
//     s_i(x) have coefficients in GF(2), s_i(w_k) = w_(k >> i) for w_k = sum of b_t over the set
//     bits t of k, so every twiddle is some w_(2K) and the basis conversion (monomial <-> novel
//     basis) is XOR-only. Butterfly (LCH Alg. 2): u += s*v; v += u. The conversion divides by
//     s_tau(x) = x^(2^tau) + x for tau a power of two (the Taylor expansion of Gao and Mateer 2010,
//     Sec. 3; Chen, Cheng, Kuo, Li, Yang 2017, arXiv 1708.09746, Sec. 2), recursively.
//  3. Two tiers: the transform length is N = c*T with rows of T = 2^j elements (j in {4, 8, 16}).
//     The top layers act on whole rows (the same twiddle for every position of a row), so they
//     run position-wise on windows of P columns held in a small buffer (cache-resident); each row
//     then gets a full size-T transform in cache. Truncation is at row granularity: only the c
//     rows needed are stored (pruned forward FFT; the inverse evaluates the known half on the next
//     coset and subtracts, as in van der Hoeven's truncated FFT, inside the window buffer).
//  4. True middle product by the transposition principle (Tellegen; Bostan, Lecerf and Schost,
//     ISSAC 2003): the middle product a -> mp(a, b) is the transpose of y -> x*y*rev(b), a product
//     of size na words, so its cost is that of one product of size ~na, not na+nb. Every
//     multiplication by a constant w transposes to M_w^T, which is multiplication by w in the dual
//     basis of the polynomial basis; the dual coordinates of E are those of (y^2+1)E read
//     bit-reversed (the dual basis is b_k / f'(y) with f(y)/(y-Y) = sum b_k Y^k, f'(y) = y^2+1),
//     so the transposed algorithm runs on ordinary field multiplications between a bit reversal
//     on input and one on output.
//
// Cost: 3 transforms of N ~ 2*na elements for the middle product (one for b, two for a), 3 of
// N ~ 2*(na+nb) for the product; each transform is (N/2)*log2(N) field multiplications plus
// about 16 XORs per element for the basis conversion.
//
// Memory (state of one call, allocated once): two arrays of N 64-bit elements plus a window
// buffer of at most 512 KiB and a 256 KiB twiddle table. For the middle product N ~ 2*na, i.e.
// 32*na bytes = 4x the size of a (6x the key for a Toeplitz hash with m = n/2, 7.6x for
// m = 0.9n); for the product 4x the size of the result. N exceeds 2*na by less than 1/16 above
// 2^20 elements.
//
// Field multiplication: 2 VPCLMULQDQ per 8 elements with the reduction by shifts
// (y^64 = y^4+y^3+y+1) when the consumer's flags enable VPCLMULQDQ and AVX-512F, PCLMULQDQ per
// element with __PCLMUL__, else the constant-time scalar clmul64_scalar (QKDNQ_FORCE_SCALAR
// forces it). Each SIMD kernel has a scalar reference (kernel_scalar), and the tests hold them
// to it.
//
// Constant time: no branch, table index or address depends on operand bits; loop bounds,
// twiddles (public functions of positions) and sizes are public. Buffers holding
// operand-derived data are secure_vectors, wiped when freed.
#pragma once

#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/simd/clmul.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <thread>
#include <vector>

#if !QKDNQ_FORCE_SCALAR && defined(__VPCLMULQDQ__) && defined(__AVX512F__)
#define QKDNQ_GF2X_FFT_AVX512 1
#include <immintrin.h>
#else
#define QKDNQ_GF2X_FFT_AVX512 0
#endif

namespace qkdnq::detail::gf2x {
namespace fft {

using u64 = std::uint64_t;

// ---------------------------------------------------------------- GF(2^64)

// Reduces lo + y^64 hi modulo f(y) = y^64 + y^4 + y^3 + y + 1: y^64 hi = hi*(y^4+y^3+y+1), whose
// bits above 63 (the shifts of hi by 60, 61, 63) are folded in before the final multiplication.
[[nodiscard]] constexpr u64 reduce128(u64 lo, u64 hi) noexcept {
    const u64 h = hi ^ (hi >> 60) ^ (hi >> 61) ^ (hi >> 63);
    return lo ^ h ^ (h << 1) ^ (h << 3) ^ (h << 4);
}

// The masks of simd::clmul64_scalar's five residue classes, computed once: bits r mod 5 of a
// word, and of the low and high word of a 128-bit one.
struct residue_masks {
    u64 in[5]{}, lo[5]{}, hi[5]{};
};
inline constexpr residue_masks ct_masks = [] {
    residue_masks m;
    for (unsigned r = 0; r < 5; ++r) {
        m.in[r] = simd::detail::residue_mask(r, 0);
        m.lo[r] = simd::detail::residue_mask(r, 0);
        m.hi[r] = simd::detail::residue_mask(r, 64);
    }
    return m;
}();

// The constant-time carry-less product of clmul64_scalar (integer multiplications with holes,
// five residue classes) with its masks precomputed: clmul64_scalar rebuilds them on every call,
// which makes it two orders of magnitude slower at run time.
[[nodiscard]] constexpr simd::clmul_product clmul_ct(u64 a, u64 b) noexcept {
    u64 ap[5]{}, bp[5]{};
    for (unsigned r = 0; r < 5; ++r) {
        ap[r] = a & ct_masks.in[r];
        bp[r] = b & ct_masks.in[r];
    }
    simd::clmul_product out;
    for (unsigned r = 0; r < 5; ++r) {
        u64 lo = 0, hi = 0;
        for (unsigned i = 0; i < 5; ++i) {
            const simd::clmul_product p = simd::detail::integer_mul_64x64(ap[i], bp[(r + 5 - i) % 5]);
            lo ^= p.lo;
            hi ^= p.hi;
        }
        out.lo |= lo & ct_masks.lo[r];
        out.hi |= hi & ct_masks.hi[r];
    }
    return out;
}

// Product in GF(2^64) with the constant-time scalar carry-less product (the reference).
[[nodiscard]] constexpr u64 mul_scalar(u64 a, u64 b) noexcept {
    const simd::clmul_product p = clmul_ct(a, b);
    return reduce128(p.lo, p.hi);
}

// Product in GF(2^64) with clmul64 (PCLMULQDQ where available).
[[nodiscard]] inline u64 mul(u64 a, u64 b) noexcept {
    const simd::clmul_product p = simd::clmul64(a, b);
    return reduce128(p.lo, p.hi);
}

// Cantor basis of GF(2^64) over GF(2) for f above: b_0 = 1, b_i^2 + b_i = b_(i-1), with the
// root of even constant term chosen at each step (checked at compile time below).
inline constexpr std::array<u64, 48> cantor_basis = {
    0x0000000000000001u, 0x19c9369f278adc02u, 0xa181e7d66f5ff794u, 0x5db84357ce785d08u,
    0xb973d466f5c9d0cau, 0x521ac889831a075eu, 0x033ce8beddc8a656u, 0xb5846c4e07b91010u,
    0x4087b8cbb37a32ecu, 0x00d0d3888c0ae17cu, 0xafd5ac70237f2222u, 0xe3f5af99cc3aaaf8u,
    0x5a1db3b16a0b58b8u, 0x09947c54fe7ee248u, 0x0e8eaf0e0068f544u, 0xa2a113500b4b4f5au,
    0xe96f9805d6ce0bb0u, 0x53496f8b5c9edd4cu, 0xad325cb6f4ac2a9eu, 0x4a8dcf8bd7ede826u,
    0xa3e9c552b6434210u, 0x5fa92ad9c9bc7ed0u, 0xa389f910cd7734deu, 0xe916f3dfca4609d8u,
    0xf89578714bd28f96u, 0x564dda59237a3352u, 0xad33bc6cc75aed38u, 0x57a3104fcd0e5f34u,
    0xb0f502e4cd60039au, 0xeb42e79f91f49f8cu, 0x54e5bf3774b3f850u, 0xb66864e6ec14b4d2u,
    0xed57ce778f0d6244u, 0x523aaf9d6148ba24u, 0xa8fcbfaac14940c6u, 0xe503eacfcef77780u,
    0xf3746c7b5183a372u, 0xec50d77d2f416218u, 0xf9cdf54569fe87e6u, 0xe576269915705e2cu,
    0xee2a197148fa8c72u, 0x49e31453575f365au, 0xb86698d88add0bc0u, 0x4f35fb218e7f37c0u,
    0xa306feea8a242832u, 0x5e5f06a9daead6e6u, 0xbe13089ecc784ea0u, 0xfe1a10738739c892u,
};

[[nodiscard]] constexpr bool cantor_basis_is_valid() noexcept {
    for (std::size_t i = 1; i < cantor_basis.size(); ++i) {
        const u64 b = cantor_basis[i];
        if ((mul_scalar(b, b) ^ b) != cantor_basis[i - 1]) return false;
    }
    return true;
}
static_assert(cantor_basis_is_valid(), "b_i^2 + b_i must equal b_(i-1)");

// w_k: the sum of b_t over the set bits t of k (a public index, never operand data).
[[nodiscard]] constexpr u64 omega(u64 k) noexcept {
    u64 r = 0;
    for (std::size_t t = 0; t < cantor_basis.size() && (k >> t) != 0; ++t) {
        if ((k >> t) & 1u) r ^= cantor_basis[t];
    }
    return r;
}

// Bit reversal of a 64-bit word.
[[nodiscard]] constexpr u64 bit_reverse64(u64 x) noexcept {
    x = ((x >> 1) & 0x5555555555555555u) | ((x & 0x5555555555555555u) << 1);
    x = ((x >> 2) & 0x3333333333333333u) | ((x & 0x3333333333333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0fu) | ((x & 0x0f0f0f0f0f0f0f0fu) << 4);
    x = ((x >> 8) & 0x00ff00ff00ff00ffu) | ((x & 0x00ff00ff00ff00ffu) << 8);
    x = ((x >> 16) & 0x0000ffff0000ffffu) | ((x & 0x0000ffff0000ffffu) << 16);
    return (x >> 32) | (x << 32);
}

// Dual-basis input of the transposed algorithm: the element E = sum_k w_k b_k with w the
// coordinate vector (bit k = w_k) and b_k = sum_(l>k) f_l y^(l-1-k); it is (y^2+1)
// times the element whose dual coordinates are w. b_k = y^(63-k) for k >= 4; the low four
// coordinates add the terms of f below y^64, which are the shifts by 60, 61 and 63 of rev(w).
[[nodiscard]] constexpr u64 dual_in(u64 w) noexcept {
    const u64 r = bit_reverse64(w);
    return r ^ (r >> 60) ^ (r >> 61) ^ (r >> 63);
}

// Inverse direction on the low 32 coordinates: for E = sum_k w_k b_k, w_k is bit 63-k of E
// (k < 60).
[[nodiscard]] constexpr std::uint32_t dual_out_low32(u64 e) noexcept {
    return static_cast<std::uint32_t>(bit_reverse64(e));
}

// ---------------------------------------------------------------- kernels
//
// Each kernel acts on n consecutive elements:
//   bfly_fwd   u += s*v; v += u          (LCH forward butterfly)
//   bfly_inv   v += u;   u += s*v        (its inverse)
//   bfly_fwd_t u += v;   v += s*u        (transpose of bfly_fwd)
//   bfly_inv_t v += s*u; u += v          (transpose of bfly_inv)
//   mul_xor    d += s*x,  mul_set d = s*x,  pointwise d = d*x (elementwise)
// The twiddle s is public; s == 0 (block 0 of each layer) skips the multiplication.

template <bool UsePclmul>
struct kernel_elementwise {
    static constexpr bool has_tiles = false;

    [[nodiscard]] static u64 m(u64 a, u64 b) noexcept {
        if constexpr (UsePclmul) {
            return mul(a, b);
        } else {
            return mul_scalar(a, b);
        }
    }
    static void bfly_fwd(u64* u, u64* v, u64 s, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) {
            if (s != 0) u[i] ^= m(s, v[i]);
            v[i] ^= u[i];
        }
    }
    static void bfly_inv(u64* u, u64* v, u64 s, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) {
            v[i] ^= u[i];
            if (s != 0) u[i] ^= m(s, v[i]);
        }
    }
    static void bfly_fwd_t(u64* u, u64* v, u64 s, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) {
            u[i] ^= v[i];
            if (s != 0) v[i] ^= m(s, u[i]);
        }
    }
    static void bfly_inv_t(u64* u, u64* v, u64 s, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) {
            if (s != 0) v[i] ^= m(s, u[i]);
            u[i] ^= v[i];
        }
    }
    static void mul_xor(u64* d, const u64* x, u64 s, std::size_t n) noexcept {
        if (s == 0) return;
        for (std::size_t i = 0; i < n; ++i) d[i] ^= m(s, x[i]);
    }
    static void mul_set(u64* d, const u64* x, u64 s, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) d[i] = m(s, x[i]);
    }
    static void pointwise(u64* d, const u64* x, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) d[i] = m(d[i], x[i]);
    }
};

// The reference kernel: clmul64_scalar, portable and constant time.
using kernel_scalar = kernel_elementwise<false>;

#if QKDNQ_HAS_PCLMUL
// One PCLMULQDQ per element.
using kernel_pclmul = kernel_elementwise<true>;
#endif

#if QKDNQ_GF2X_FFT_AVX512
// Lane r of tile_cv[i]: w_(2^(3-i) r), the part of a tile twiddle that comes from the tile row.
inline constexpr u64 tile_cv[3][8] = {
    {0, omega(8), omega(16), omega(24), omega(32), omega(40), omega(48), omega(56)},
    {0, omega(4), omega(8), omega(12), omega(16), omega(20), omega(24), omega(28)},
    {0, omega(2), omega(4), omega(6), omega(8), omega(10), omega(12), omega(14)},
};

// Eight elements per zmm: two VPCLMULQDQ (even and odd lanes), the reduction by shifts and
// three-way XORs. The three lowest layers of a row transform (spans 4, 2, 1) run on 8x8 tiles
// transposed in registers, so that their butterflies also pair whole registers.
struct kernel_avx512 {
    static constexpr bool has_tiles = true;

    [[nodiscard]] static __m512i xor3(__m512i a, __m512i b, __m512i c) noexcept {
        return _mm512_ternarylogic_epi64(a, b, c, 0x96);
    }
    // GCC 12's unmasked AVX-512 shift, unpack and shuffle intrinsics pass _mm512_undefined_epi32()
    // and trip a false (maybe-)uninitialized warning (GCC bug 105593): shifts go through vector
    // extensions, permutations through the zero-masking forms with a full mask.
    using v8u = unsigned long long __attribute__((vector_size(64)));
    [[nodiscard]] static __m512i shl(__m512i x, int n) noexcept {
        return std::bit_cast<__m512i>(std::bit_cast<v8u>(x) << n);
    }
    [[nodiscard]] static __m512i shr(__m512i x, int n) noexcept {
        return std::bit_cast<__m512i>(std::bit_cast<v8u>(x) >> n);
    }
    static constexpr __mmask8 all8 = 0xff;
    [[nodiscard]] static __m512i unpacklo(__m512i a, __m512i b) noexcept { return _mm512_maskz_unpacklo_epi64(all8, a, b); }
    [[nodiscard]] static __m512i unpackhi(__m512i a, __m512i b) noexcept { return _mm512_maskz_unpackhi_epi64(all8, a, b); }
    // a*b for 8 lanes. The high half of a carry-less product of two 64-bit words has bit 63
    // clear, so the shift by 63 of reduce128 is dropped.
    [[nodiscard]] static __m512i mul8(__m512i a, __m512i b) noexcept {
        const __m512i pe = _mm512_clmulepi64_epi128(a, b, 0x00);
        const __m512i po = _mm512_clmulepi64_epi128(a, b, 0x11);
        const __m512i lo = unpacklo(pe, po);
        const __m512i hi = unpackhi(pe, po);
        const __m512i h = xor3(hi, shr(hi, 60), shr(hi, 61));
        return xor3(xor3(lo, h, shl(h, 1)), shl(h, 3), shl(h, 4));
    }
    [[nodiscard]] static __m512i load(const u64* p) noexcept { return _mm512_loadu_si512(p); }
    static void store(u64* p, __m512i x) noexcept { _mm512_storeu_si512(p, x); }
    [[nodiscard]] static __m512i bcast(u64 s) noexcept { return _mm512_set1_epi64(static_cast<long long>(s)); }

    static void bfly_fwd(u64* u, u64* v, u64 s, std::size_t n) noexcept {
        std::size_t i = 0;
        const __m512i S = bcast(s);
        if (s == 0) {
            for (; i + 8 <= n; i += 8) store(v + i, _mm512_xor_si512(load(v + i), load(u + i)));
        } else {
            for (; i + 8 <= n; i += 8) {
                const __m512i U = _mm512_xor_si512(load(u + i), mul8(load(v + i), S));
                store(u + i, U);
                store(v + i, _mm512_xor_si512(load(v + i), U));
            }
        }
        kernel_scalar::bfly_fwd(u + i, v + i, s, n - i);
    }
    static void bfly_inv(u64* u, u64* v, u64 s, std::size_t n) noexcept {
        std::size_t i = 0;
        const __m512i S = bcast(s);
        for (; i + 8 <= n; i += 8) {
            const __m512i U = load(u + i);
            const __m512i V = _mm512_xor_si512(load(v + i), U);
            store(v + i, V);
            if (s != 0) store(u + i, _mm512_xor_si512(U, mul8(V, S)));
        }
        kernel_scalar::bfly_inv(u + i, v + i, s, n - i);
    }
    static void bfly_fwd_t(u64* u, u64* v, u64 s, std::size_t n) noexcept {
        std::size_t i = 0;
        const __m512i S = bcast(s);
        for (; i + 8 <= n; i += 8) {
            const __m512i U = _mm512_xor_si512(load(u + i), load(v + i));
            store(u + i, U);
            if (s != 0) store(v + i, _mm512_xor_si512(load(v + i), mul8(U, S)));
        }
        kernel_scalar::bfly_fwd_t(u + i, v + i, s, n - i);
    }
    static void bfly_inv_t(u64* u, u64* v, u64 s, std::size_t n) noexcept {
        std::size_t i = 0;
        const __m512i S = bcast(s);
        for (; i + 8 <= n; i += 8) {
            const __m512i U = load(u + i);
            __m512i V = load(v + i);
            if (s != 0) {
                V = _mm512_xor_si512(V, mul8(U, S));
                store(v + i, V);
            }
            store(u + i, _mm512_xor_si512(U, V));
        }
        kernel_scalar::bfly_inv_t(u + i, v + i, s, n - i);
    }
    static void mul_xor(u64* d, const u64* x, u64 s, std::size_t n) noexcept {
        if (s == 0) return;
        std::size_t i = 0;
        const __m512i S = bcast(s);
        for (; i + 8 <= n; i += 8) store(d + i, _mm512_xor_si512(load(d + i), mul8(load(x + i), S)));
        kernel_scalar::mul_xor(d + i, x + i, s, n - i);
    }
    static void mul_set(u64* d, const u64* x, u64 s, std::size_t n) noexcept {
        std::size_t i = 0;
        const __m512i S = bcast(s);
        for (; i + 8 <= n; i += 8) store(d + i, mul8(load(x + i), S));
        kernel_scalar::mul_set(d + i, x + i, s, n - i);
    }
    static void pointwise(u64* d, const u64* x, std::size_t n) noexcept {
        std::size_t i = 0;
        for (; i + 8 <= n; i += 8) store(d + i, mul8(load(d + i), load(x + i)));
        kernel_scalar::pointwise(d + i, x + i, n - i);
    }

    // 8x8 transpose of 64-bit lanes (an involution): z[r] lane l <-> z[l] lane r.
    static void transpose8(__m512i z[8]) noexcept {
        __m512i a[8];
        for (int i = 0; i < 4; ++i) {
            a[2 * i] = unpacklo(z[2 * i], z[2 * i + 1]);
            a[2 * i + 1] = unpackhi(z[2 * i], z[2 * i + 1]);
        }
        const __m512i lo = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
        const __m512i hi = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
        __m512i b[8];
        for (int i = 0; i < 2; ++i) {
            b[4 * i + 0] = _mm512_permutex2var_epi64(a[4 * i + 0], lo, a[4 * i + 2]);  // cols 0, 4
            b[4 * i + 1] = _mm512_permutex2var_epi64(a[4 * i + 0], hi, a[4 * i + 2]);  // cols 2, 6
            b[4 * i + 2] = _mm512_permutex2var_epi64(a[4 * i + 1], lo, a[4 * i + 3]);  // cols 1, 5
            b[4 * i + 3] = _mm512_permutex2var_epi64(a[4 * i + 1], hi, a[4 * i + 3]);  // cols 3, 7
        }
        for (int i = 0; i < 4; ++i) {
            const int col = (i & 1) * 2 + (i >> 1);  // b[i] holds columns col and col + 4
            z[col] = _mm512_maskz_shuffle_i64x2(all8, b[i], b[i + 4], 0x44);
            z[col + 4] = _mm512_maskz_shuffle_i64x2(all8, b[i], b[i + 4], 0xee);
        }
    }

    // Register butterflies on whole registers, per-lane twiddles.
    static void rb_fwd(__m512i& u, __m512i& v, __m512i s) noexcept {
        u = _mm512_xor_si512(u, mul8(v, s));
        v = _mm512_xor_si512(v, u);
    }
    static void rb_inv(__m512i& u, __m512i& v, __m512i s) noexcept {
        v = _mm512_xor_si512(v, u);
        u = _mm512_xor_si512(u, mul8(v, s));
    }
    static void rb_fwd_t(__m512i& u, __m512i& v, __m512i s) noexcept {
        u = _mm512_xor_si512(u, v);
        v = _mm512_xor_si512(v, mul8(u, s));
    }
    static void rb_inv_t(__m512i& u, __m512i& v, __m512i s) noexcept {
        v = _mm512_xor_si512(v, mul8(u, s));
        u = _mm512_xor_si512(u, v);
    }

    // Layers 2, 1, 0 of a row transform on the 64-element tiles of x[0, len). After the
    // transpose, register l holds the elements 8r + l (lane r) of the tile; the twiddle of the
    // block K is w_(2K) = w_(2K - low bits) + w_(low bits) + off_i (w is linear in the index).
    enum class tile_op { fwd, inv, fwd_t, inv_t };
    //
    // tt[g] = {w_(16g), w_(32g), w_(64g)} (tile_twiddles): one contiguous stream, because GCC 12
    // rewrites the three strided reads tw[8g], tw[16g], tw[32g] into addresses off a NULL base
    // that its pure-const analysis then takes for a NULL dereference, and drops calls to the
    // function as "pure".
    template <tile_op Op>
    static void tiles(u64* x, std::size_t len, const u64 off[3], const std::array<u64, 3>* tt) noexcept {
        const __m512i cv0 = load(tile_cv[0]), cv1 = load(tile_cv[1]), cv2 = load(tile_cv[2]);
        const __m512i w2 = bcast(omega(2)), w4 = bcast(omega(4)), w6 = bcast(omega(6));
        for (std::size_t g = 0; g < len / 64; ++g) {
            __m512i z[8];
            for (int r = 0; r < 8; ++r) z[r] = load(x + 64 * g + 8 * static_cast<std::size_t>(r));
            transpose8(z);
            const __m512i s2 = _mm512_xor_si512(bcast(tt[g][0] ^ off[2]), cv2);
            const __m512i s1a = _mm512_xor_si512(bcast(tt[g][1] ^ off[1]), cv1);
            const __m512i s1b = _mm512_xor_si512(s1a, w2);
            const __m512i s0 = _mm512_xor_si512(bcast(tt[g][2] ^ off[0]), cv0);
            const __m512i s0b = _mm512_xor_si512(s0, w2), s0c = _mm512_xor_si512(s0, w4),
                          s0d = _mm512_xor_si512(s0, w6);
            if constexpr (Op == tile_op::fwd) {
                rb_fwd(z[0], z[4], s2); rb_fwd(z[1], z[5], s2); rb_fwd(z[2], z[6], s2); rb_fwd(z[3], z[7], s2);
                rb_fwd(z[0], z[2], s1a); rb_fwd(z[1], z[3], s1a); rb_fwd(z[4], z[6], s1b); rb_fwd(z[5], z[7], s1b);
                rb_fwd(z[0], z[1], s0); rb_fwd(z[2], z[3], s0b); rb_fwd(z[4], z[5], s0c); rb_fwd(z[6], z[7], s0d);
            } else if constexpr (Op == tile_op::inv) {
                rb_inv(z[0], z[1], s0); rb_inv(z[2], z[3], s0b); rb_inv(z[4], z[5], s0c); rb_inv(z[6], z[7], s0d);
                rb_inv(z[0], z[2], s1a); rb_inv(z[1], z[3], s1a); rb_inv(z[4], z[6], s1b); rb_inv(z[5], z[7], s1b);
                for (int l = 0; l < 4; ++l) rb_inv(z[l], z[l + 4], s2);
            } else if constexpr (Op == tile_op::fwd_t) {
                rb_fwd_t(z[0], z[1], s0); rb_fwd_t(z[2], z[3], s0b); rb_fwd_t(z[4], z[5], s0c); rb_fwd_t(z[6], z[7], s0d);
                rb_fwd_t(z[0], z[2], s1a); rb_fwd_t(z[1], z[3], s1a); rb_fwd_t(z[4], z[6], s1b); rb_fwd_t(z[5], z[7], s1b);
                for (int l = 0; l < 4; ++l) rb_fwd_t(z[l], z[l + 4], s2);
            } else {
                for (int l = 0; l < 4; ++l) rb_inv_t(z[l], z[l + 4], s2);
                rb_inv_t(z[0], z[2], s1a); rb_inv_t(z[1], z[3], s1a); rb_inv_t(z[4], z[6], s1b); rb_inv_t(z[5], z[7], s1b);
                rb_inv_t(z[0], z[1], s0); rb_inv_t(z[2], z[3], s0b); rb_inv_t(z[4], z[5], s0c); rb_inv_t(z[6], z[7], s0d);
            }
            transpose8(z);
            for (int r = 0; r < 8; ++r) store(x + 64 * g + 8 * static_cast<std::size_t>(r), z[r]);
        }
    }
};
#endif

#if QKDNQ_GF2X_FFT_AVX512
using kernel_native = kernel_avx512;
#elif QKDNQ_HAS_PCLMUL
using kernel_native = kernel_pclmul;
#else
using kernel_native = kernel_scalar;
#endif

// ---------------------------------------------------------------- basis conversion
//
// conv_*(x, m, v, n): 2^m elements of v words each, of which the first n words are present
// (the rest is zero and may not exist). Monomial basis -> novel basis (LCH 2014, Sec. II.B):
//   D = sum_k D_k(x) y^k, y = s_tau(x) = x^(2^tau) + x, deg D_k < 2^tau (Taylor expansion,
//   Gao-Mateer Alg. 1: divide each block of 2^k elements by y^K = x^(2^(k-1)) + x^K, K = 2^(k-1-tau));
//   convert each D_k (groups of 2^tau elements); convert the polynomials in y formed by the
//   same position of every group (groups as elements of 2^tau*v words), since
//   Xbar_(i + 2^tau l)(x) = Xbar_i(x) Xbar_l(s_tau(x)).
// The inverse runs the steps backwards; the transposes reverse the order and swap source and
// destination of every XOR. Every XOR copies from a higher to a lower position (forward), so
// a truncated input stays truncated; the transposes only write positions below n.

inline void xor_words(u64* d, const u64* x, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) d[i] ^= x[i];
}

// x[dst..dst+len) ^= x[src..src+len), clipped to the n present words (src > dst).
inline void xor_clip(u64* x, std::size_t dst, std::size_t src, std::size_t len, std::size_t n) noexcept {
    if (src >= n) return;
    xor_words(x + dst, x + src, std::min(len, n - src));
}
// The transpose: x[src..) ^= x[dst..).
inline void xor_clip_t(u64* x, std::size_t dst, std::size_t src, std::size_t len, std::size_t n) noexcept {
    if (src >= n) return;
    xor_words(x + src, x + dst, std::min(len, n - src));
}

// One level of the Taylor expansion on every block of 2^k elements: part 1 moves the top K
// elements of the upper half into the bottom of the upper half, part 2 the rest into the lower
// half (the two parts have disjoint sources and destinations; part 1 first).
template <bool Transposed, bool Part1First>
inline void taylor_level(u64* x, unsigned k, unsigned tau, std::size_t v, std::size_t n) noexcept {
    const std::size_t h = (std::size_t{1} << (k - 1)) * v;
    const std::size_t kk = (std::size_t{1} << (k - 1 - tau)) * v;
    const auto op = [&](std::size_t dst, std::size_t src, std::size_t len) {
        if constexpr (Transposed) {
            xor_clip_t(x, dst, src, len, n);
        } else {
            xor_clip(x, dst, src, len, n);
        }
    };
    for (std::size_t b = 0; b + h < n; b += 2 * h) {
        if constexpr (Part1First) {
            op(b + h, b + 2 * h - kk, kk);
            op(b + kk, b + h, h - kk);
        } else {
            op(b + kk, b + h, h - kk);
            op(b + h, b + 2 * h - kk, kk);
        }
    }
}

inline void taylor_fwd(u64* x, unsigned m, unsigned tau, std::size_t v, std::size_t n) noexcept {
    for (unsigned k = m; k > tau; --k) taylor_level<false, true>(x, k, tau, v, n);
}
inline void taylor_inv(u64* x, unsigned m, unsigned tau, std::size_t v, std::size_t n) noexcept {
    for (unsigned k = tau + 1; k <= m; ++k) taylor_level<false, false>(x, k, tau, v, n);
}
inline void taylor_fwd_t(u64* x, unsigned m, unsigned tau, std::size_t v, std::size_t n) noexcept {
    for (unsigned k = tau + 1; k <= m; ++k) taylor_level<true, false>(x, k, tau, v, n);
}
inline void taylor_inv_t(u64* x, unsigned m, unsigned tau, std::size_t v, std::size_t n) noexcept {
    for (unsigned k = m; k > tau; --k) taylor_level<true, true>(x, k, tau, v, n);
}

// The largest power of two below m (m >= 2).
[[nodiscard]] constexpr unsigned taylor_split(unsigned m) noexcept { return std::bit_floor(m - 1); }

enum class conv_dir { fwd, inv, fwd_t, inv_t };

template <conv_dir Dir>
inline void conv(u64* x, unsigned m, std::size_t v, std::size_t n) noexcept {
    if (m <= 1 || n <= v) return;  // Xbar_0 = 1, Xbar_1 = x: nothing to convert
    const unsigned tau = taylor_split(m);
    const std::size_t gs = (std::size_t{1} << tau) * v;
    const auto groups = [&] {
        for (std::size_t g = 0; g < n; g += gs) conv<Dir>(x + g, tau, v, std::min(gs, n - g));
    };
    if constexpr (Dir == conv_dir::fwd) {
        taylor_fwd(x, m, tau, v, n);
        groups();
        conv<Dir>(x, m - tau, gs, n);
    } else if constexpr (Dir == conv_dir::inv) {
        conv<Dir>(x, m - tau, gs, n);
        groups();
        taylor_inv(x, m, tau, v, n);
    } else if constexpr (Dir == conv_dir::fwd_t) {
        conv<Dir>(x, m - tau, gs, n);
        groups();
        taylor_fwd_t(x, m, tau, v, n);
    } else {
        taylor_inv_t(x, m, tau, v, n);
        groups();
        conv<Dir>(x, m - tau, gs, n);
    }
}

// ---------------------------------------------------------------- row transforms
//
// A row is T = 2^j consecutive elements, row r of the transform holding the evaluation points
// w_(rT + q), q < T. Layer i (butterfly span 2^i) of row r uses for its local block k the
// twiddle w_(2K), K = r 2^(j-i-1) + k, which is tw[k] + w_(r 2^(j-i)) with tw[k] = w_(2k).

// The table tw[k] = w_(2k), k < 2^15, built once.
[[nodiscard]] inline const u64* twiddle_table() {
    static const std::vector<u64> table = [] {
        std::vector<u64> t(std::size_t{1} << 15);
        for (std::size_t k = 1; k < t.size(); ++k) {
            t[k] = t[k & (k - 1)] ^ cantor_basis[static_cast<std::size_t>(std::countr_zero(k)) + 1];
        }
        return t;
    }();
    return table.data();
}

// tt[g] = {w_(16g), w_(32g), w_(64g)}, g < 2^10: the twiddles of tile g (64 elements) of a row.
[[nodiscard]] inline const std::array<u64, 3>* tile_twiddles() {
    static const std::vector<std::array<u64, 3>> table = [] {
        const u64* tw = twiddle_table();
        std::vector<std::array<u64, 3>> t(std::size_t{1} << 10);
        for (std::size_t g = 0; g < t.size(); ++g) t[g] = {tw[8 * g], tw[16 * g], tw[32 * g]};
        return t;
    }();
    return table.data();
}

enum class xform { fwd, inv, fwd_t, inv_t };

template <class K, xform Dir>
inline void row_layer(u64* x, unsigned j, unsigned i, u64 row, const u64* tw) noexcept {
    const std::size_t span = std::size_t{1} << i;
    const u64 off = omega(row << (j - i));
    for (std::size_t k = 0; k < (std::size_t{1} << (j - i - 1)); ++k) {
        u64* u = x + 2 * k * span;
        const u64 s = tw[k] ^ off;
        if constexpr (Dir == xform::fwd) {
            K::bfly_fwd(u, u + span, s, span);
        } else if constexpr (Dir == xform::inv) {
            K::bfly_inv(u, u + span, s, span);
        } else if constexpr (Dir == xform::fwd_t) {
            K::bfly_fwd_t(u, u + span, s, span);
        } else {
            K::bfly_inv_t(u, u + span, s, span);
        }
    }
}

// The full transform of one row (LCH Alg. 2 with the layers of the row), or its inverse or
// transposes. fwd runs layers j-1..0, inv 0..j-1, fwd_t 0..j-1, inv_t j-1..0.
template <class K, xform Dir>
inline void row_transform(u64* x, unsigned j, u64 row, const u64* tw) noexcept {
    unsigned low = 0;
#if QKDNQ_GF2X_FFT_AVX512
    const u64 off[3] = {omega(row << j), omega(row << (j - 1)), omega(row << (j - 2))};
    if constexpr (K::has_tiles) {
        if (j >= 6) low = 3;
    }
#endif
    constexpr bool top_down = Dir == xform::fwd || Dir == xform::inv_t;
    if constexpr (top_down) {
        for (unsigned i = j; i-- > low;) row_layer<K, Dir>(x, j, i, row, tw);
    }
#if QKDNQ_GF2X_FFT_AVX512
    if constexpr (K::has_tiles) {
        if (low != 0) {
            const std::size_t len = std::size_t{1} << j;
            if constexpr (Dir == xform::fwd) {
                K::template tiles<K::tile_op::fwd>(x, len, off, tile_twiddles());
            } else if constexpr (Dir == xform::inv) {
                K::template tiles<K::tile_op::inv>(x, len, off, tile_twiddles());
            } else if constexpr (Dir == xform::fwd_t) {
                K::template tiles<K::tile_op::fwd_t>(x, len, off, tile_twiddles());
            } else {
                K::template tiles<K::tile_op::inv_t>(x, len, off, tile_twiddles());
            }
        }
    }
#endif
    if constexpr (!top_down) {
        for (unsigned i = low; i < j; ++i) row_layer<K, Dir>(x, j, i, row, tw);
    }
}

// ---------------------------------------------------------------- row-level (outer) transforms
//
// The top t layers act on whole rows: an LCH transform of length 2^t whose "coefficients" are
// rows, row r of block sigma taking the twiddle w_(2 sigma) (Cantor bases are self-similar:
// s_j(w_(rT+q)) = w_r). They run on a window buffer of 2^t rows of P columns plus 2^(t-1)
// scratch rows, so truncated sizes need no storage beyond the window.

template <class K>
struct window {
    u64* rows = nullptr;  // 2^t rows of p words
    u64* scratch = nullptr;  // 2^(t-1) rows of p words
    std::size_t p = 0;

    [[nodiscard]] u64* row(std::size_t r) const noexcept { return rows + r * p; }

    // Evaluates the polynomial whose first n_in coefficient rows are at r0 (rows n_in.. of the
    // block zero) at the first n_out points of block sigma (pruned forward, LCH Alg. 2).
    void fwd(u64* base, unsigned t, std::size_t n_out, std::size_t n_in, u64 sigma) const noexcept {
        if (t == 0 || n_out == 0 || n_in == 0) return;
        const std::size_t h = std::size_t{1} << (t - 1);
        if (n_in <= h && n_out <= h) {  // v = 0 and only the first half is needed
            fwd(base, t - 1, n_out, n_in, 2 * sigma);
            return;
        }
        const u64 s = omega(2 * sigma);
        for (std::size_t r = 0; r < h; ++r) {
            u64* u = base + r * p;
            u64* v = base + (r + h) * p;
            if (n_out > h) {
                if (r + h < n_in) {
                    K::bfly_fwd(u, v, s, p);
                } else if (r < n_in) {
                    std::copy(u, u + p, v);  // v = 0: the second half gets u
                }
            } else if (r + h < n_in) {
                K::mul_xor(u, v, s, p);
            }
        }
        fwd(base, t - 1, std::min(n_out, h), std::min(n_in, h), 2 * sigma);
        if (n_out > h) fwd(base + h * p, t - 1, n_out - h, std::min(n_in, h), 2 * sigma + 1);
    }

    // Transpose of fwd: n_out rows in, n_in rows out.
    void fwd_t(u64* base, unsigned t, std::size_t n_out, std::size_t n_in, u64 sigma) const noexcept {
        if (n_in == 0) return;
        if (n_out == 0) {
            std::fill(base, base + n_in * p, u64{0});
            return;
        }
        if (t == 0) return;
        const std::size_t h = std::size_t{1} << (t - 1);
        if (n_in <= h && n_out <= h) {
            fwd_t(base, t - 1, n_out, n_in, 2 * sigma);
            return;
        }
        if (n_out > h) fwd_t(base + h * p, t - 1, n_out - h, std::min(n_in, h), 2 * sigma + 1);
        fwd_t(base, t - 1, std::min(n_out, h), std::min(n_in, h), 2 * sigma);
        const u64 s = omega(2 * sigma);
        for (std::size_t r = 0; r < h; ++r) {
            u64* u = base + r * p;
            u64* v = base + (r + h) * p;
            if (n_out > h) {
                if (r + h < n_in) {
                    K::bfly_fwd_t(u, v, s, p);
                } else if (r < n_in) {
                    xor_words(u, v, p);
                }
            } else if (r + h < n_in) {
                K::mul_set(v, u, s, p);
            }
        }
    }

    // Interpolation from the first n values of block sigma to the n coefficients of the
    // polynomial with zero coefficients from n on (the inverse of fwd with n_in = n_out = n).
    // Beyond the first half (n > 2^(t-1)): invert the first half to Q0 = P0 + s P1, evaluate Q0 on
    // the next half's points (scratch) and subtract, so the second half holds the values of P1
    // alone; invert it, then P0 = Q0 + s P1.
    void inv(u64* base, unsigned t, std::size_t n, u64 sigma) const noexcept {
        if (t == 0 || n == 0) return;
        const std::size_t h = std::size_t{1} << (t - 1);
        if (n <= h) {
            inv(base, t - 1, n, 2 * sigma);
            return;
        }
        const u64 s = omega(2 * sigma);
        u64* hi = base + h * p;
        if (n == 2 * h) {
            inv(base, t - 1, h, 2 * sigma);
            inv(hi, t - 1, h, 2 * sigma + 1);
            for (std::size_t r = 0; r < h; ++r) K::bfly_inv(base + r * p, hi + r * p, s, p);
            return;
        }
        inv(base, t - 1, h, 2 * sigma);
        std::copy(base, base + h * p, scratch);
        fwd(scratch, t - 1, n - h, h, 2 * sigma + 1);
        xor_words(hi, scratch, (n - h) * p);
        inv(hi, t - 1, n - h, 2 * sigma + 1);
        for (std::size_t r = 0; r < n - h; ++r) K::mul_xor(base + r * p, hi + r * p, s, p);
    }

    // Transpose of inv.
    void inv_t(u64* base, unsigned t, std::size_t n, u64 sigma) const noexcept {
        if (t == 0 || n == 0) return;
        const std::size_t h = std::size_t{1} << (t - 1);
        if (n <= h) {
            inv_t(base, t - 1, n, 2 * sigma);
            return;
        }
        const u64 s = omega(2 * sigma);
        u64* hi = base + h * p;
        if (n == 2 * h) {
            for (std::size_t r = 0; r < h; ++r) K::bfly_inv_t(base + r * p, hi + r * p, s, p);
            inv_t(base, t - 1, h, 2 * sigma);
            inv_t(hi, t - 1, h, 2 * sigma + 1);
            return;
        }
        for (std::size_t r = 0; r < n - h; ++r) K::mul_xor(hi + r * p, base + r * p, s, p);
        inv_t(hi, t - 1, n - h, 2 * sigma + 1);
        std::copy(hi, hi + (n - h) * p, scratch);
        fwd_t(scratch, t - 1, n - h, h, 2 * sigma + 1);
        xor_words(base, scratch, h * p);
        inv_t(base, t - 1, h, 2 * sigma);
    }
};

// ---------------------------------------------------------------- plan

// Transform of N = c*T elements, T = 2^j with j a power of two (so that s_j(x) = x^T + x),
// c <= 2^t rows; the window has p columns.
struct shape {
    unsigned j = 0;
    unsigned t = 0;
    std::size_t c = 0;
    std::size_t p = 0;

    [[nodiscard]] std::size_t row_len() const noexcept { return std::size_t{1} << j; }
    [[nodiscard]] std::size_t size() const noexcept { return c << j; }
};

// The window (2^t + 2^(t-1) rows of p words) stays within this many bytes when p can shrink.
inline constexpr std::size_t window_budget = std::size_t{512} << 10;

[[nodiscard]] inline shape choose_shape(std::size_t n_req) noexcept {
    shape sh;
    sh.j = n_req > (std::size_t{8} << 16) ? 16u : n_req > (std::size_t{8} << 8) ? 8u : 4u;
    sh.c = (n_req + sh.row_len() - 1) >> sh.j;
    if (sh.c == 0) sh.c = 1;
    sh.t = static_cast<unsigned>(std::bit_width(sh.c - 1));
    sh.p = sh.row_len();
    const std::size_t rows = (std::size_t{3} << sh.t) / 2 + 1;
    while (sh.p > 8 && rows * sh.p * sizeof(u64) > window_budget) sh.p /= 2;
    return sh;
}

// Runs body(first, last) over [0, count) split into `threads` contiguous parts.
template <class F>
inline void parallel_for(std::size_t count, unsigned threads, F&& body) {
    if (threads <= 1 || count < 2) {
        body(std::size_t{0}, count);
        return;
    }
    const std::size_t parts = std::min<std::size_t>(threads, count);
    std::vector<std::thread> pool;
    pool.reserve(parts - 1);
    for (std::size_t i = 1; i < parts; ++i) {
        pool.emplace_back([&body, i, parts, count] { body(count * i / parts, count * (i + 1) / parts); });
    }
    body(std::size_t{0}, count / parts);
    for (auto& th : pool) th.join();
}

// The window passes: for each group of p columns, gather the rows, run `step` on the window,
// scatter the rows back.
template <class K, class Step>
inline void window_pass(u64* data, const shape& sh, std::size_t rows_in, std::size_t rows_out, unsigned threads,
                        Step&& step) {
    const std::size_t len = sh.row_len();
    const std::size_t wins = len / sh.p;
    const std::size_t full = std::size_t{1} << sh.t;
    parallel_for(wins, threads, [&](std::size_t first, std::size_t last) {
        secure_vector<u64> buf((full + full / 2 + 1) * sh.p);
        window<K> w{buf.data(), buf.data() + full * sh.p, sh.p};
        for (std::size_t wi = first; wi < last; ++wi) {
            const std::size_t col = wi * sh.p;
            for (std::size_t r = 0; r < rows_in; ++r) {
                std::copy(data + r * len + col, data + r * len + col + sh.p, w.row(r));
            }
            std::fill(w.row(rows_in), w.row(full), u64{0});
            step(w);
            for (std::size_t r = 0; r < rows_out; ++r) {
                std::copy(w.row(r), w.row(r) + sh.p, data + r * len + col);
            }
        }
    });
}

// Monomial -> novel basis and forward transform of the first n_in elements of x (the rest
// zero), for all N points: Taylor expansion in x^T + x over the array, then per window the
// conversion of the row polynomials and the row-level FFT, then per row its conversion and
// its transform (the per-row conversion commutes with the row-level steps).
template <class K>
inline void forward(u64* x, const shape& sh, std::size_t n_in, const u64* tw, unsigned threads) {
    const std::size_t len = sh.row_len();
    const std::size_t c_in = (n_in + len - 1) >> sh.j;
    taylor_fwd(x, sh.j + sh.t, sh.j, 1, n_in);
    if (sh.t > 0) {
        window_pass<K>(x, sh, c_in, sh.c, threads, [&](const window<K>& w) {
            conv<conv_dir::fwd>(w.rows, sh.t, w.p, c_in * w.p);
            w.fwd(w.rows, sh.t, sh.c, c_in, 0);
        });
    }
    parallel_for(sh.c, threads, [&](std::size_t first, std::size_t last) {
        for (std::size_t r = first; r < last; ++r) {
            conv<conv_dir::fwd>(x + r * len, sh.j, 1, len);
            row_transform<K, xform::fwd>(x + r * len, sh.j, r, tw);
        }
    });
}

// ---------------------------------------------------------------- packing

// The 32-bit chunk i of the polynomial in w (zero beyond its n words).
[[nodiscard]] inline u64 chunk(std::span<const u64> w, std::size_t i) noexcept {
    const std::size_t q = i / 2;
    return q < w.size() ? (w[q] >> (32 * (i & 1))) & 0xffffffffu : 0;
}

template <class K>
inline void multiply_impl(std::span<const u64> a, std::span<const u64> b, std::span<u64> c, unsigned threads) {
    const std::size_t na = a.size(), nb = b.size();
    std::fill(c.begin(), c.end(), u64{0});
    if (na == 0 || nb == 0) return;
    const std::size_t n_a = 2 * na, n_b = 2 * nb;
    const shape sh = choose_shape(n_a + n_b - 1);
    const std::size_t n = sh.size(), len = sh.row_len();
    const u64* tw = twiddle_table();
    secure_vector<u64> fa(n), fb(n);
    for (std::size_t i = 0; i < n_a; ++i) fa[i] = chunk(a, i);
    for (std::size_t i = 0; i < n_b; ++i) fb[i] = chunk(b, i);
    taylor_fwd(fa.data(), sh.j + sh.t, sh.j, 1, n_a);
    taylor_fwd(fb.data(), sh.j + sh.t, sh.j, 1, n_b);
    const std::size_t ca = (n_a + len - 1) >> sh.j, cb = (n_b + len - 1) >> sh.j;
    if (sh.t > 0) {
        window_pass<K>(fa.data(), sh, ca, sh.c, threads, [&](const window<K>& w) {
            conv<conv_dir::fwd>(w.rows, sh.t, w.p, ca * w.p);
            w.fwd(w.rows, sh.t, sh.c, ca, 0);
        });
        window_pass<K>(fb.data(), sh, cb, sh.c, threads, [&](const window<K>& w) {
            conv<conv_dir::fwd>(w.rows, sh.t, w.p, cb * w.p);
            w.fwd(w.rows, sh.t, sh.c, cb, 0);
        });
    }
    // Per row: both transforms, the pointwise product, the inverse transform and conversion.
    parallel_for(sh.c, threads, [&](std::size_t first, std::size_t last) {
        for (std::size_t r = first; r < last; ++r) {
            u64* ra = fa.data() + r * len;
            u64* rb = fb.data() + r * len;
            conv<conv_dir::fwd>(ra, sh.j, 1, len);
            row_transform<K, xform::fwd>(ra, sh.j, r, tw);
            conv<conv_dir::fwd>(rb, sh.j, 1, len);
            row_transform<K, xform::fwd>(rb, sh.j, r, tw);
            K::pointwise(ra, rb, len);
            row_transform<K, xform::inv>(ra, sh.j, r, tw);
            conv<conv_dir::inv>(ra, sh.j, 1, len);
        }
    });
    if (sh.t > 0) {
        window_pass<K>(fa.data(), sh, sh.c, sh.c, threads, [&](const window<K>& w) {
            w.inv(w.rows, sh.t, sh.c, 0);
            conv<conv_dir::inv>(w.rows, sh.t, w.p, sh.c * w.p);
        });
    }
    taylor_inv(fa.data(), sh.j + sh.t, sh.j, 1, n);
    // Overlap-add of the 63-bit coefficients at bit 32i.
    const std::size_t nc = c.size();
    for (std::size_t i = 0; i < std::min(n, 2 * nc); ++i) {
        const u64 e = fa[i];
        const std::size_t q = i / 2;
        if (i & 1) {
            c[q] ^= e << 32;
            if (q + 1 < nc) c[q + 1] ^= e >> 32;
        } else {
            c[q] ^= e;
        }
    }
}

template <class K>
inline void middle_product_impl(std::span<const u64> a, std::span<const u64> b, std::span<u64> out,
                                unsigned threads) {
    const std::size_t na = a.size(), nb = b.size();
    if (out.empty()) return;
    // out = F^T(a) for F(y) = x y rev(b) (Sec. 4 of the header comment), y of Ny = 2(na-nb)
    // chunks, rev(b) of Nb = 2nb chunks, the product of Ny + Nb - 1 coefficients.
    const std::size_t n_y = 2 * (na - nb), n_b = 2 * nb;
    const shape sh = choose_shape(n_y + n_b - 1);
    const std::size_t n = sh.size(), len = sh.row_len();
    const u64* tw = twiddle_table();
    secure_vector<u64> fb(n), fw(n);
    // B = V Conv pack(rev(b)): chunk 2k, 2k+1 of rev(b) are the halves of rev64(b[nb-1-k]).
    for (std::size_t k = 0; k < nb; ++k) {
        const u64 r = bit_reverse64(b[nb - 1 - k]);
        fb[2 * k] = r & 0xffffffffu;
        fb[2 * k + 1] = r >> 32;
    }
    forward<K>(fb.data(), sh, n_b, tw, threads);
    // Unpack^T: element i reads the 63 bits of a from bit 32i+1, in the dual-basis form.
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t bit = 32 * i + 1, q = bit / 64;
        const unsigned sh_bits = static_cast<unsigned>(bit % 64);
        const u64 lo = q < na ? a[q] >> sh_bits : 0;
        const u64 hi = q + 1 < na ? a[q + 1] << (64 - sh_bits) : 0;
        fw[i] = dual_in((lo | hi) & 0x7fffffffffffffffu);
    }
    // Conv^-T: Taylor^-T, then per window the row conversion^-T and the row-level IFFT^T.
    taylor_inv_t(fw.data(), sh.j + sh.t, sh.j, 1, n);
    if (sh.t > 0) {
        window_pass<K>(fw.data(), sh, sh.c, sh.c, threads, [&](const window<K>& w) {
            conv<conv_dir::inv_t>(w.rows, sh.t, w.p, sh.c * w.p);
            w.inv_t(w.rows, sh.t, sh.c, 0);
        });
    }
    // Per row: conversion^-T, IFFT^T, times B, FFT^T, conversion^T.
    parallel_for(sh.c, threads, [&](std::size_t first, std::size_t last) {
        for (std::size_t r = first; r < last; ++r) {
            u64* rw = fw.data() + r * len;
            conv<conv_dir::inv_t>(rw, sh.j, 1, len);
            row_transform<K, xform::inv_t>(rw, sh.j, r, tw);
            K::pointwise(rw, fb.data() + r * len, len);
            row_transform<K, xform::fwd_t>(rw, sh.j, r, tw);
            conv<conv_dir::fwd_t>(rw, sh.j, 1, len);
        }
    });
    // Row-level FFT^T down to the rows holding y, their conversion^T, then Taylor^T.
    const std::size_t c_y = (n_y + len - 1) >> sh.j;
    if (sh.t > 0) {
        window_pass<K>(fw.data(), sh, sh.c, c_y, threads, [&](const window<K>& w) {
            w.fwd_t(w.rows, sh.t, sh.c, c_y, 0);
            conv<conv_dir::fwd_t>(w.rows, sh.t, w.p, c_y * w.p);
        });
    }
    taylor_fwd_t(fw.data(), sh.j + sh.t, sh.j, 1, n_y);
    // Pack^T: the low 32 dual coordinates of each element.
    for (std::size_t k = 0; k < out.size(); ++k) {
        out[k] = u64{dual_out_low32(fw[2 * k])} | (u64{dual_out_low32(fw[2 * k + 1])} << 32);
    }
}

}  // namespace fft

// c = a*b over GF(2) (c.size() == a.size() + b.size()), by the additive FFT. `threads` splits
// every pass into that many parts (1: the calling thread only).
template <class Kernel = fft::kernel_native>
inline void fft_multiply(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                         std::span<std::uint64_t> c, unsigned threads = 1) {
    if (c.size() != a.size() + b.size()) {
        throw invalid_argument("gf2x::fft_multiply: c.size() must equal a.size() + b.size() (" +
                               std::to_string(c.size()) + " != " + std::to_string(a.size()) + " + " +
                               std::to_string(b.size()) + ")");
    }
    fft::multiply_impl<Kernel>(a, b, c, threads);
}

// out[k] = word nb+k of a*b for k < na-nb (na = a.size() >= nb = b.size() >= 1,
// out.size() == na-nb): the words of the product to which every bit of b contributes, at the
// cost of one product of size ~na.
template <class Kernel = fft::kernel_native>
inline void fft_middle_product(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                               std::span<std::uint64_t> out, unsigned threads = 1) {
    if (b.empty() || a.size() < b.size() || out.size() != a.size() - b.size()) {
        throw invalid_argument("gf2x::fft_middle_product: need a.size() >= b.size() >= 1 and out.size() == "
                               "a.size() - b.size() (a " + std::to_string(a.size()) + ", b " +
                               std::to_string(b.size()) + ", out " + std::to_string(out.size()) + " words)");
    }
    fft::middle_product_impl<Kernel>(a, b, out, threads);
}

}  // namespace qkdnq::detail::gf2x
