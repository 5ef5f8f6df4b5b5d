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
//     basis) is XOR-only. Butterfly of the LCH FFT: u += s*v; v += u. The conversion divides by
//     s_tau(x) = x^(2^tau) + x for tau a power of two (the Taylor expansion at x^t - x of Gao and
//     Mateer, IEEE Trans. Inf. Theory 2010; Chen, Cheng, Kuo, Li, Yang 2017, arXiv 1708.09746),
//     recursively.
//  3. Tiers. The transform length is N = c*T, rows of T = 2^j elements (j = 8 or 16, picked by a
//     cost model), c rows. The top layers act on whole rows (one twiddle per row), so they run
//     position-wise on windows of p columns gathered into a buffer of at most 2 MiB; truncation
//     is at row granularity (pruned forward FFT; the inverse evaluates the known half on the next
//     coset and subtracts it, as in van der Hoeven's truncated FFT, inside the window). Inside a
//     row, the layers above 256 elements run on the row in cache, and the 8 low layers with the
//     256-element conversions on groups of 8 blocks interleaved lane by lane, so that every
//     butterfly and every conversion XOR moves whole 8-lane vectors (each lane its own twiddle).
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
// about 16-24 XORs per element for the basis conversion.
//
// Memory, allocated once per call (or passed in as a workspace, see fft_workspace): two arrays of
// about N 64-bit elements, plus per thread a window (at most 2 MiB; all windows together at most
// half an array for rows of 2^8, an eighth for rows of 2^16) and 32 KiB of group scratch, and a
// 256 KiB twiddle table shared by all calls. The middle product has N ~ 2*na: 32*na bytes, 4x
// the size of a; for a Toeplitz hash of n key bits to m bits (seed n+m-1 bits) that is 4(n+m)
// bits, 6x the key for m = n/2 and 7.6x for m = 0.9n, plus the windows and the padding to whole
// rows. Measured (fft_middle_product_workspace, m = n/2): 7.1x the key at 10^6 bits, 7.1x at
// 10^7, 6.2x at 10^8 (77 MB), 6.0x at 10^9. The product has N ~ 2*(na+nb): 4x its result.

// Field multiplication: 2 VPCLMULQDQ per 8 elements with the reduction by shifts
// (y^64 = y^4+y^3+y+1) when the consumer's flags enable VPCLMULQDQ and AVX-512F, PCLMULQDQ per
// element with __PCLMUL__, else a constant-time scalar carry-less product (clmul64_scalar's
// method, masks precomputed); QKDNQ_FORCE_SCALAR forces the latter. Each SIMD kernel has a
// scalar reference (kernel_scalar), and the tests hold them to it.
//
// Threads: `threads` splits every pass (windows, rows, the top-tier conversion, packing) into
// parts run on std::threads; below 2^18 transform elements one thread does everything.
//
// Constant time: no branch, table index or address depends on operand bits; loop bounds,
// twiddles (public functions of positions) and sizes are public. Every buffer holding
// operand-derived data is wiped before it is freed or handed back.
#pragma once

#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/simd/clmul.hpp>

#include <algorithm>
#include <array>
#include <barrier>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

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
// The block kernels work on a group: 8 blocks of 256 elements interleaved, element q of block l
// at word 8q + l, so that every butterfly of the 8 low layers pairs whole 8-lane vectors (lane l
// with its own twiddle) and every conversion XOR moves whole vectors:
//   group_in / group_out  gather 8 blocks (stride apart) into a group and back
//   lanes_layer<Dir>      layer i (span 2^i vectors) of the 8 block transforms

enum class xform { fwd, inv, fwd_t, inv_t };

inline constexpr unsigned group_log = 8;                         // blocks of 256 elements
inline constexpr std::size_t group_block = std::size_t{1} << group_log;
inline constexpr std::size_t group_lanes = 8;
inline constexpr std::size_t group_words = group_block * group_lanes;

// lane_twiddle[i][l] = w_(l 2^(8-i)): in layer i the twiddle of lane l exceeds that of lane 0 by
// this (w is linear in its index, and the blocks of a group are 8-aligned).
inline constexpr std::array<std::array<u64, 8>, group_log> lane_twiddle = [] {
    std::array<std::array<u64, 8>, group_log> t{};
    for (unsigned i = 0; i < group_log; ++i) {
        for (unsigned l = 0; l < 8; ++l) t[i][l] = omega(u64{l} << (group_log - i));
    }
    return t;
}();

template <bool UsePclmul>
struct kernel_elementwise {
    [[nodiscard]] static u64 m(u64 a, u64 b) noexcept {
        if constexpr (UsePclmul) {
            return mul(a, b);
        } else {
            return mul_scalar(a, b);
        }
    }
    template <xform Dir>
    static void bfly(u64& u, u64& v, u64 s) noexcept {
        if constexpr (Dir == xform::fwd) {
            u ^= m(s, v);
            v ^= u;
        } else if constexpr (Dir == xform::inv) {
            v ^= u;
            u ^= m(s, v);
        } else if constexpr (Dir == xform::fwd_t) {
            u ^= v;
            v ^= m(s, u);
        } else {
            v ^= m(s, u);
            u ^= v;
        }
    }
    template <xform Dir>
    static void butterflies(u64* u, u64* v, u64 s, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) bfly<Dir>(u[i], v[i], s);
    }
    static void bfly_fwd(u64* u, u64* v, u64 s, std::size_t n) noexcept { butterflies<xform::fwd>(u, v, s, n); }
    static void bfly_inv(u64* u, u64* v, u64 s, std::size_t n) noexcept { butterflies<xform::inv>(u, v, s, n); }
    static void bfly_fwd_t(u64* u, u64* v, u64 s, std::size_t n) noexcept { butterflies<xform::fwd_t>(u, v, s, n); }
    static void bfly_inv_t(u64* u, u64* v, u64 s, std::size_t n) noexcept { butterflies<xform::inv_t>(u, v, s, n); }
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
    // Two layers at once on n quads (u0, u1, u2, u3) = (x[q], x[q+h], x[q+2h], x[q+3h]): the outer
    // layer pairs (u0, u2), (u1, u3) with twiddle s, the inner (u0, u1) with s0 and (u2, u3)
    // with s1; fwd and inv_t do the outer layer first, inv and fwd_t the inner.
    template <xform Dir>
    static void quads(u64* x, std::size_t h, u64 s, u64 s0, u64 s1, std::size_t n) noexcept {
        for (std::size_t q = 0; q < n; ++q) {
            u64 &u0 = x[q], &u1 = x[q + h], &u2 = x[q + 2 * h], &u3 = x[q + 3 * h];
            if constexpr (Dir == xform::fwd || Dir == xform::inv_t) {
                bfly<Dir>(u0, u2, s);
                bfly<Dir>(u1, u3, s);
                bfly<Dir>(u0, u1, s0);
                bfly<Dir>(u2, u3, s1);
            } else {
                bfly<Dir>(u0, u1, s0);
                bfly<Dir>(u2, u3, s1);
                bfly<Dir>(u0, u2, s);
                bfly<Dir>(u1, u3, s);
            }
        }
    }
    template <xform Dir>
    static void lanes_layer(u64* x, unsigned i, const u64* tw, u64 off) noexcept {
        const std::size_t span = std::size_t{1} << i;
        for (std::size_t k = 0; k < (group_block >> (i + 1)); ++k) {
            u64* u = x + 2 * k * span * group_lanes;
            u64* v = u + span * group_lanes;
            for (std::size_t q = 0; q < span; ++q) {
                for (std::size_t l = 0; l < group_lanes; ++l) {
                    bfly<Dir>(u[q * group_lanes + l], v[q * group_lanes + l], tw[k] ^ off ^ lane_twiddle[i][l]);
                }
            }
        }
    }
    static void group_in(const u64* src, std::size_t stride, std::size_t blocks, u64* g) noexcept {
        for (std::size_t q = 0; q < group_block; ++q) {
            for (std::size_t l = 0; l < group_lanes; ++l) g[q * group_lanes + l] = l < blocks ? src[l * stride + q] : 0;
        }
    }
    static void group_out(const u64* g, u64* dst, std::size_t stride, std::size_t blocks) noexcept {
        for (std::size_t q = 0; q < group_block; ++q) {
            for (std::size_t l = 0; l < blocks; ++l) dst[l * stride + q] = g[q * group_lanes + l];
        }
    }
};

// The reference kernel: constant-time scalar carry-less products.
using kernel_scalar = kernel_elementwise<false>;

#if QKDNQ_HAS_PCLMUL
// One PCLMULQDQ per element.
using kernel_pclmul = kernel_elementwise<true>;
#endif

#if QKDNQ_GF2X_FFT_AVX512
// Eight elements per zmm: two VPCLMULQDQ (even and odd lanes), the reduction by shifts and
// three-way XORs.
struct kernel_avx512 {
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

    template <xform Dir>
    static void bfly(__m512i& u, __m512i& v, __m512i s) noexcept {
        if constexpr (Dir == xform::fwd) {
            u = _mm512_xor_si512(u, mul8(v, s));
            v = _mm512_xor_si512(v, u);
        } else if constexpr (Dir == xform::inv) {
            v = _mm512_xor_si512(v, u);
            u = _mm512_xor_si512(u, mul8(v, s));
        } else if constexpr (Dir == xform::fwd_t) {
            u = _mm512_xor_si512(u, v);
            v = _mm512_xor_si512(v, mul8(u, s));
        } else {
            v = _mm512_xor_si512(v, mul8(u, s));
            u = _mm512_xor_si512(u, v);
        }
    }
    template <xform Dir>
    static void butterflies(u64* u, u64* v, u64 s, std::size_t n) noexcept {
        std::size_t i = 0;
        if (s == 0) {  // u += 0*v: only the XOR of the other half remains
            for (; i + 8 <= n; i += 8) {
                if constexpr (Dir == xform::fwd || Dir == xform::inv) {
                    store(v + i, _mm512_xor_si512(load(v + i), load(u + i)));
                } else {
                    store(u + i, _mm512_xor_si512(load(u + i), load(v + i)));
                }
            }
        } else {
            const __m512i S = bcast(s);
            for (; i + 8 <= n; i += 8) {
                __m512i U = load(u + i), V = load(v + i);
                bfly<Dir>(U, V, S);
                store(u + i, U);
                store(v + i, V);
            }
        }
        kernel_scalar::butterflies<Dir>(u + i, v + i, s, n - i);
    }
    static void bfly_fwd(u64* u, u64* v, u64 s, std::size_t n) noexcept { butterflies<xform::fwd>(u, v, s, n); }
    static void bfly_inv(u64* u, u64* v, u64 s, std::size_t n) noexcept { butterflies<xform::inv>(u, v, s, n); }
    static void bfly_fwd_t(u64* u, u64* v, u64 s, std::size_t n) noexcept { butterflies<xform::fwd_t>(u, v, s, n); }
    static void bfly_inv_t(u64* u, u64* v, u64 s, std::size_t n) noexcept { butterflies<xform::inv_t>(u, v, s, n); }
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
    template <xform Dir>
    static void quads(u64* x, std::size_t h, u64 s, u64 s0, u64 s1, std::size_t n) noexcept {
        std::size_t q = 0;
        const __m512i S = bcast(s), S0 = bcast(s0), S1 = bcast(s1);
        for (; q + 8 <= n; q += 8) {
            __m512i u0 = load(x + q), u1 = load(x + q + h), u2 = load(x + q + 2 * h), u3 = load(x + q + 3 * h);
            if constexpr (Dir == xform::fwd || Dir == xform::inv_t) {
                bfly<Dir>(u0, u2, S);
                bfly<Dir>(u1, u3, S);
                bfly<Dir>(u0, u1, S0);
                bfly<Dir>(u2, u3, S1);
            } else {
                bfly<Dir>(u0, u1, S0);
                bfly<Dir>(u2, u3, S1);
                bfly<Dir>(u0, u2, S);
                bfly<Dir>(u1, u3, S);
            }
            store(x + q, u0);
            store(x + q + h, u1);
            store(x + q + 2 * h, u2);
            store(x + q + 3 * h, u3);
        }
        kernel_scalar::quads<Dir>(x + q, h, s, s0, s1, n - q);
    }

    template <xform Dir>
    static void lanes_layer(u64* x, unsigned i, const u64* tw, u64 off) noexcept {
        const std::size_t span = std::size_t{1} << i;
        const __m512i lane = _mm512_xor_si512(load(lane_twiddle[i].data()), bcast(off));
        for (std::size_t k = 0; k < (group_block >> (i + 1)); ++k) {
            const __m512i S = _mm512_xor_si512(bcast(tw[k]), lane);
            u64* u = x + 2 * k * span * group_lanes;
            u64* v = u + span * group_lanes;
            for (std::size_t q = 0; q < span; ++q) {
                __m512i U = load(u + q * group_lanes), V = load(v + q * group_lanes);
                bfly<Dir>(U, V, S);
                store(u + q * group_lanes, U);
                store(v + q * group_lanes, V);
            }
        }
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
    static void group_in(const u64* src, std::size_t stride, std::size_t blocks, u64* g) noexcept {
        for (std::size_t t = 0; t < group_block / 8; ++t) {
            __m512i z[8];
            for (std::size_t l = 0; l < 8; ++l) z[l] = l < blocks ? load(src + l * stride + 8 * t) : _mm512_setzero_si512();
            transpose8(z);
            for (std::size_t q = 0; q < 8; ++q) store(g + (8 * t + q) * group_lanes, z[q]);
        }
    }
    static void group_out(const u64* g, u64* dst, std::size_t stride, std::size_t blocks) noexcept {
        for (std::size_t t = 0; t < group_block / 8; ++t) {
            __m512i z[8];
            for (std::size_t q = 0; q < 8; ++q) z[q] = load(g + (8 * t + q) * group_lanes);
            transpose8(z);
            for (std::size_t l = 0; l < blocks; ++l) store(dst + l * stride + 8 * t, z[l]);
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
// (the rest is zero and may not exist). Monomial basis -> novel basis (LCH 2014):
//   D = sum_k D_k(x) y^k, y = s_tau(x) = x^(2^tau) + x, deg D_k < 2^tau (Taylor expansion,
//   Gao-Mateer: divide each block of 2^k elements by y^K = x^(2^(k-1)) + x^K, K = 2^(k-1-tau));
//   convert each D_k (groups of 2^tau elements); convert the polynomials in y formed by the
//   same position of every group (groups as elements of 2^tau*v words), since
//   Xbar_(i + 2^tau l)(x) = Xbar_i(x) Xbar_l(s_tau(x)).
// The inverse runs the steps backwards; the transposes reverse the order and swap source and
// destination of every XOR. Every XOR copies from a higher to a lower position (forward), so
// a truncated input stays truncated; the transposes only write positions below n.

inline void xor_words(u64* d, const u64* x, std::size_t n) noexcept {
    std::size_t i = 0;
#if QKDNQ_GF2X_FFT_AVX512
    for (; i + 8 <= n; i += 8) {
        _mm512_storeu_si512(d + i, _mm512_xor_si512(_mm512_loadu_si512(d + i), _mm512_loadu_si512(x + i)));
    }
#endif
    for (; i < n; ++i) d[i] ^= x[i];
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

// The same conversion of 2^m whole elements as a list of moves f(dst, src, len) (in elements,
// executed in order; the transposes apply them as src ^= dst), for a precomputed program.
template <conv_dir Dir, class F>
constexpr void conv_moves(unsigned m, std::size_t base, std::size_t unit, F& f) {
    if (m <= 1) return;
    const unsigned tau = taylor_split(m);
    const std::size_t gs = std::size_t{1} << tau;
    const auto level = [&](unsigned k, bool part1_first) {
        const std::size_t h = std::size_t{1} << (k - 1), kk = std::size_t{1} << (k - 1 - tau);
        for (std::size_t b = 0; b < (std::size_t{1} << m); b += 2 * h) {
            if (part1_first) f(base + (b + h) * unit, base + (b + 2 * h - kk) * unit, kk * unit);
            f(base + (b + kk) * unit, base + (b + h) * unit, (h - kk) * unit);
            if (!part1_first) f(base + (b + h) * unit, base + (b + 2 * h - kk) * unit, kk * unit);
        }
    };
    const auto groups = [&] {
        for (std::size_t g = 0; g < (std::size_t{1} << (m - tau)); ++g) conv_moves<Dir>(tau, base + g * gs * unit, unit, f);
    };
    const auto strided = [&] { conv_moves<Dir>(m - tau, base, gs * unit, f); };
    if constexpr (Dir == conv_dir::fwd) {
        for (unsigned k = m; k > tau; --k) level(k, true);
        groups();
        strided();
    } else if constexpr (Dir == conv_dir::inv) {
        strided();
        groups();
        for (unsigned k = tau + 1; k <= m; ++k) level(k, false);
    } else if constexpr (Dir == conv_dir::fwd_t) {
        strided();
        groups();
        for (unsigned k = tau + 1; k <= m; ++k) level(k, false);
    } else {
        for (unsigned k = m; k > tau; --k) level(k, true);
        groups();
        strided();
    }
}

struct xor_move {
    std::uint16_t dst = 0, src = 0, len = 0;
};

template <conv_dir Dir, unsigned M>
[[nodiscard]] constexpr std::size_t conv_move_count() {
    std::size_t n = 0;
    auto count = [&](std::size_t, std::size_t, std::size_t) { ++n; };
    conv_moves<Dir>(M, 0, 1, count);
    return n;
}

// The moves of the conversion of 2^M elements, M <= 8 (the groups of the row transforms).
template <conv_dir Dir, unsigned M>
inline constexpr auto conv_program = [] {
    std::array<xor_move, conv_move_count<Dir, M>()> prog{};
    std::size_t i = 0;
    auto record = [&](std::size_t dst, std::size_t src, std::size_t len) {
        prog[i++] = {static_cast<std::uint16_t>(dst), static_cast<std::uint16_t>(src), static_cast<std::uint16_t>(len)};
    };
    conv_moves<Dir>(M, 0, 1, record);
    return prog;
}();

// Runs conv_program<Dir, M> on elements of v words.
template <conv_dir Dir, unsigned M>
inline void conv_run(u64* x, std::size_t v) noexcept {
    for (const xor_move& op : conv_program<Dir, M>) {
        if constexpr (Dir == conv_dir::fwd || Dir == conv_dir::inv) {
            xor_words(x + op.dst * v, x + op.src * v, op.len * v);
        } else {
            xor_words(x + op.src * v, x + op.dst * v, op.len * v);
        }
    }
}

// The conversion of 16 elements of 8 words (conv_program<Dir, 4>) with the elements in
// registers: the moves unroll at compile time.
template <conv_dir Dir, std::size_t I, class Z>
inline void conv16_move(Z& z) noexcept {
    constexpr xor_move mv = conv_program<Dir, 4>[I];
    for (std::size_t t = 0; t < mv.len; ++t) {
        if constexpr (Dir == conv_dir::fwd || Dir == conv_dir::inv) {
            z[mv.dst + t] ^= z[mv.src + t];
        } else {
            z[mv.src + t] ^= z[mv.dst + t];
        }
    }
}
template <conv_dir Dir, std::size_t... I>
inline void conv16(u64* x, std::index_sequence<I...>) noexcept {
#if !defined(__GNUC__)
    conv_run<Dir, 4>(x, 8);  // no vector extensions
#else
    using v8u = unsigned long long __attribute__((vector_size(64)));  // GCC/Clang vector extension
    v8u z[16];
#endif
#if defined(__GNUC__) && QKDNQ_GF2X_FFT_AVX512
    for (std::size_t e = 0; e < 16; ++e) z[e] = std::bit_cast<v8u>(_mm512_loadu_si512(x + 8 * e));
    (conv16_move<Dir, I>(z), ...);
    for (std::size_t e = 0; e < 16; ++e) _mm512_storeu_si512(x + 8 * e, std::bit_cast<__m512i>(z[e]));
#elif defined(__GNUC__)
    std::memcpy(z, x, sizeof z);
    (conv16_move<Dir, I>(z), ...);
    std::memcpy(x, z, sizeof z);
#endif
}

// The conversion of a group (256 elements of 8 words), tau = 4: the Taylor expansion in
// x^16 + x, the 16 blocks of 16 in registers, and the polynomials of the blocks (16 elements of
// 128 words).
template <conv_dir Dir>
inline void conv_group(u64* g) noexcept {
    constexpr std::size_t block = 16 * group_lanes;
    constexpr auto moves = std::make_index_sequence<conv_program<Dir, 4>.size()>{};
    const auto blocks = [&] {
        for (std::size_t b = 0; b < 16; ++b) conv16<Dir>(g + b * block, moves);
    };
    if constexpr (Dir == conv_dir::fwd) {
        taylor_fwd(g, group_log, 4, group_lanes, group_words);
        blocks();
        conv_run<Dir, 4>(g, block);
    } else if constexpr (Dir == conv_dir::inv) {
        conv_run<Dir, 4>(g, block);
        blocks();
        taylor_inv(g, group_log, 4, group_lanes, group_words);
    } else if constexpr (Dir == conv_dir::fwd_t) {
        conv_run<Dir, 4>(g, block);
        blocks();
        taylor_fwd_t(g, group_log, 4, group_lanes, group_words);
    } else {
        taylor_inv_t(g, group_log, 4, group_lanes, group_words);
        blocks();
        conv_run<Dir, 4>(g, block);
    }
}

template <conv_dir Dir>
inline void conv(u64* x, unsigned m, std::size_t v, std::size_t n) noexcept {
    if (m <= 1 || n <= v) return;  // Xbar_0 = 1, Xbar_1 = x: nothing to convert
    if (m == group_log && n == (std::size_t{1} << m) * v) {
        if (v == group_lanes) {
            conv_group<Dir>(x);
        } else {
            conv_run<Dir, group_log>(x, v);
        }
        return;
    }
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

// ---------------------------------------------------------------- row and block transforms
//
// Row r of the transform (T = 2^j elements) holds the evaluation points w_(rT + q), q < T. Layer
// i (butterfly span 2^i) of row r uses for its local block k the twiddle w_(2K),
// K = r 2^(j-i-1) + k, which is tw[k] + w_(r 2^(j-i)) with tw[k] = w_(2k).

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

template <class K, xform Dir>
inline void row_layer(u64* x, unsigned j, unsigned i, u64 row, const u64* tw) noexcept {
    const std::size_t span = std::size_t{1} << i;
    const u64 off = omega(row << (j - i));
    for (std::size_t k = 0; k < (std::size_t{1} << (j - i - 1)); ++k) {
        u64* u = x + 2 * k * span;
        K::template butterflies<Dir>(u, u + span, tw[k] ^ off, span);
    }
}

// Layers [lo, hi) of row `row` in the order of Dir: fwd and inv_t top-down (as the LCH FFT),
// inv and fwd_t bottom-up.
// Layers i and i-1 together (one pass over the row instead of two): block k of layer i holds
// the quads of the blocks 2k and 2k+1 of layer i-1.
template <class K, xform Dir>
inline void row_layer_pair(u64* x, unsigned j, unsigned i, u64 row, const u64* tw) noexcept {
    const std::size_t h = std::size_t{1} << (i - 1);
    const u64 off = omega(row << (j - i)), off_in = omega(row << (j - i + 1));
    for (std::size_t k = 0; k < (std::size_t{1} << (j - i - 1)); ++k) {
        K::template quads<Dir>(x + 4 * k * h, h, tw[k] ^ off, tw[2 * k] ^ off_in, tw[2 * k + 1] ^ off_in, h);
    }
}

template <class K, xform Dir>
inline void row_layers(u64* x, unsigned j, unsigned lo, unsigned hi, u64 row, const u64* tw) noexcept {
    if constexpr (Dir == xform::fwd || Dir == xform::inv_t) {
        unsigned i = hi;
        for (; i >= lo + 2; i -= 2) row_layer_pair<K, Dir>(x, j, i - 1, row, tw);
        if (i > lo) row_layer<K, Dir>(x, j, lo, row, tw);
    } else {
        unsigned i = lo;
        for (; i + 2 <= hi; i += 2) row_layer_pair<K, Dir>(x, j, i + 1, row, tw);
        if (i < hi) row_layer<K, Dir>(x, j, i, row, tw);
    }
}

// The 8 low layers and the basis conversion of the 8 blocks of a group (first block b0, a
// multiple of 8, counted over the whole transform): fwd converts then transforms, inv undoes
// that, inv_t and fwd_t are their transposes (conversion^-T then IFFT^T; FFT^T then conversion^T).
template <class K, xform Dir>
inline void group_stage(u64* g, u64 b0, const u64* tw) noexcept {
    const auto layer = [&](unsigned i) { K::template lanes_layer<Dir>(g, i, tw, omega(b0 << (group_log - i))); };
    if constexpr (Dir == xform::fwd) {
        conv<conv_dir::fwd>(g, group_log, group_lanes, group_words);
        for (unsigned i = group_log; i-- > 0;) layer(i);
    } else if constexpr (Dir == xform::inv) {
        for (unsigned i = 0; i < group_log; ++i) layer(i);
        conv<conv_dir::inv>(g, group_log, group_lanes, group_words);
    } else if constexpr (Dir == xform::inv_t) {
        conv<conv_dir::inv_t>(g, group_log, group_lanes, group_words);
        for (unsigned i = group_log; i-- > 0;) layer(i);
    } else {
        for (unsigned i = 0; i < group_log; ++i) layer(i);
        conv<conv_dir::fwd_t>(g, group_log, group_lanes, group_words);
    }
}

// The part of a row of 2^16 elements above its 256 blocks: conversion steps that act on whole
// blocks (Taylor expansion in x^256 + x, conversion of the block polynomials) and layers 15..8.
// With the group stages of its blocks this is the row's conversion and transform
// (conv_16 = strided o groups o Taylor; the group conversions commute with the block-wise steps).
template <class K, xform Dir>
inline void row_top(u64* row, unsigned j, u64 r, const u64* tw) noexcept {
    if (j == group_log) return;
    const std::size_t len = std::size_t{1} << j;
    if constexpr (Dir == xform::fwd) {
        taylor_fwd(row, j, group_log, 1, len);
        conv<conv_dir::fwd>(row, j - group_log, group_block, len);
        row_layers<K, Dir>(row, j, group_log, j, r, tw);
    } else if constexpr (Dir == xform::inv) {
        row_layers<K, Dir>(row, j, group_log, j, r, tw);
        conv<conv_dir::inv>(row, j - group_log, group_block, len);
        taylor_inv(row, j, group_log, 1, len);
    } else if constexpr (Dir == xform::inv_t) {
        taylor_inv_t(row, j, group_log, 1, len);
        conv<conv_dir::inv_t>(row, j - group_log, group_block, len);
        row_layers<K, Dir>(row, j, group_log, j, r, tw);
    } else {
        row_layers<K, Dir>(row, j, group_log, j, r, tw);
        conv<conv_dir::fwd_t>(row, j - group_log, group_block, len);
        taylor_fwd_t(row, j, group_log, 1, len);
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

    // Evaluates the polynomial whose first n_in coefficient rows start at base (the block's rows
    // from n_in on are zero) at the first n_out points of block sigma (the LCH FFT, pruned).
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

// ---------------------------------------------------------------- storage

// The transform arrays: uninitialised, wiped when freed. Above 4 MiB they are 2 MiB-aligned and,
// on Linux, ask for transparent huge pages (madvise): the strided row and window passes then
// take far fewer page faults and TLB misses.
class work_buffer {
public:
    explicit work_buffer(std::size_t words) : m_words(words) {
        std::size_t bytes = std::max<std::size_t>(words, 1) * sizeof(u64);
        if (bytes >= huge_threshold) {
            m_align = huge_page;
            bytes = (bytes + huge_page - 1) / huge_page * huge_page;
        }
        m_bytes = bytes;
        m_data = static_cast<u64*>(::operator new(bytes, std::align_val_t{m_align}));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (m_align == huge_page) ::madvise(m_data, bytes, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
    }
    work_buffer(const work_buffer&) = delete;
    work_buffer& operator=(const work_buffer&) = delete;
    ~work_buffer() {
        secure_zero(m_data, m_bytes);
        ::operator delete(m_data, std::align_val_t{m_align});  // unsized: clang 14 needs -fsized-deallocation for the sized form
    }

    [[nodiscard]] u64* data() noexcept { return m_data; }
    [[nodiscard]] std::size_t size() const noexcept { return m_words; }
    [[nodiscard]] std::span<u64> span() noexcept { return {m_data, m_words}; }
    u64& operator[](std::size_t i) noexcept { return m_data[i]; }

private:
    static constexpr std::size_t huge_page = std::size_t{2} << 20;
    static constexpr std::size_t huge_threshold = std::size_t{4} << 20;
    u64* m_data = nullptr;
    std::size_t m_words = 0;
    std::size_t m_bytes = 0;
    std::size_t m_align = alignof(std::max_align_t);
};

// ---------------------------------------------------------------- plan

// Transform of N = c*T elements, T = 2^j (j = 8 or 16: s_j(x) = x^T + x), c <= 2^t rows; the
// window has p columns.
struct shape {
    unsigned j = 0;
    unsigned t = 0;
    std::size_t c = 0;
    std::size_t p = 0;

    [[nodiscard]] std::size_t row_len() const noexcept { return std::size_t{1} << j; }
    [[nodiscard]] std::size_t size() const noexcept { return c << j; }
    // Storage for a transform kept in group layout: whole groups of 8 blocks.
    [[nodiscard]] std::size_t group_size() const noexcept { return (size() + group_words - 1) / group_words * group_words; }
};

// The number of parts each pass is split into (each with its own scratch): one below 2^18
// transform elements, where the passes take less than the start of a thread.
inline constexpr std::size_t parallel_threshold = std::size_t{1} << 18;
[[nodiscard]] inline unsigned effective_threads(std::size_t n_req, unsigned threads) noexcept {
    return n_req < parallel_threshold ? 1u : std::clamp(threads, 1u, 64u);
}

// The window (2^t + 2^(t-1) rows of p words) stays within this many bytes when p can shrink,
// wide enough that the gathers read long runs of each row even with hundreds of rows.
inline constexpr std::size_t window_budget = std::size_t{2} << 20;

// Rows of 2^8 keep the padding below 256 elements but make the row-level transform long (many
// rows, narrow windows); rows of 2^16 pad up to a whole row. The choice follows a cost model
// fitted on Zen 5 (ns per element: 10 + c/220 for 2^8-rows, 10.5 + c/10 for 2^16-rows).
[[nodiscard]] inline shape choose_shape(std::size_t n_req, unsigned threads) noexcept {
    shape sh;
    const auto count = [&](unsigned j) { return std::max<std::size_t>(1, (n_req + (std::size_t{1} << j) - 1) >> j); };
    const double c8 = static_cast<double>(count(8)), c16 = static_cast<double>(count(16));
    const double cost8 = c8 * 256.0 * (10.0 + c8 / 220.0), cost16 = c16 * 65536.0 * (10.5 + c16 / 10.0);
    sh.j = n_req > (std::size_t{1} << 16) && cost16 < cost8 ? 16u : group_log;
    sh.c = (n_req + sh.row_len() - 1) >> sh.j;
    if (sh.c == 0) sh.c = 1;
    sh.t = static_cast<unsigned>(std::bit_width(sh.c - 1));
    sh.p = sh.row_len();
    const std::size_t rows = (std::size_t{3} << sh.t) / 2 + 1;
    // All windows within 1/2 of an array for rows of 2^8 (narrower windows cost time there), 1/8
    // for rows of 2^16 (still thousands of columns).
    const std::size_t share = std::max<std::size_t>(threads, 1) * (sh.j == group_log ? 2 : 8);
    while (sh.p > 8 && (rows * sh.p * sizeof(u64) > window_budget || share * rows * sh.p > sh.size())) sh.p /= 2;
    return sh;
}

// Scratch of one thread: a window of 2^t + 2^(t-1) + 1 rows of p words, and 2 groups.
[[nodiscard]] inline std::size_t window_words(const shape& sh) noexcept {
    return sh.t == 0 ? 0 : ((std::size_t{3} << sh.t) / 2 + 1) * sh.p;
}
[[nodiscard]] inline std::size_t thread_words(const shape& sh) noexcept { return window_words(sh) + 2 * group_words; }

// A thread pool of one call: `threads` parts, part i with its scratch at scratch + i*thread_words.
struct workers {
    unsigned threads = 1;
    u64* scratch = nullptr;
    std::size_t stride = 0;

    // Runs body(scratch, first, last) over [0, count) split into contiguous parts.
    template <class F>
    void run(std::size_t count, F&& body) const {
        const std::size_t parts = std::max<std::size_t>(1, std::min<std::size_t>(threads, count));
        if (parts == 1) {
            body(scratch, std::size_t{0}, count);
            return;
        }
        std::vector<std::thread> pool;
        pool.reserve(parts - 1);
        for (std::size_t i = 1; i < parts; ++i) {
            pool.emplace_back([this, &body, i, parts, count] {
                body(scratch + i * stride, count * i / parts, count * (i + 1) / parts);
            });
        }
        body(scratch, std::size_t{0}, count / parts);
        for (auto& th : pool) th.join();
    }

    // Runs body(part, parts, sync) on every part at once; sync() waits for all parts.
    template <class F>
    void together(F&& body) const {
        const std::size_t parts = threads;
        if (parts == 1) {
            body(std::size_t{0}, std::size_t{1}, [] {});
            return;
        }
        std::barrier<> gate(static_cast<std::ptrdiff_t>(parts));
        const auto sync = [&gate] { gate.arrive_and_wait(); };
        std::vector<std::thread> pool;
        pool.reserve(parts - 1);
        for (std::size_t i = 1; i < parts; ++i) pool.emplace_back([&body, &sync, i, parts] { body(i, parts, sync); });
        body(std::size_t{0}, parts, sync);
        for (auto& th : pool) th.join();
    }
};

// The Taylor expansion of the whole array (the top tier, elements of one word) on the pool:
// every XOR of a level is cut into one slice per part, with a wait between dependent steps
// (the two parts of a level, and consecutive levels).
template <conv_dir Dir>
inline void taylor_top(u64* x, unsigned m, unsigned tau, std::size_t n, const workers& pool) {
    if (m <= tau) return;
    constexpr bool transposed = Dir == conv_dir::fwd_t || Dir == conv_dir::inv_t;
    pool.together([&](std::size_t part, std::size_t parts, const auto& sync) {
        const auto step = [&](unsigned k, bool part1) {
            const std::size_t h = std::size_t{1} << (k - 1), kk = std::size_t{1} << (k - 1 - tau);
            for (std::size_t b = 0; b + h < n; b += 2 * h) {
                const std::size_t dst = part1 ? b + h : b + kk, src = part1 ? b + 2 * h - kk : b + h;
                if (src >= n) continue;
                const std::size_t len = std::min(part1 ? kk : h - kk, n - src);
                const std::size_t lo = len < 4096 ? 0 : len * part / parts;
                const std::size_t hi = len < 4096 ? (part == 0 ? len : 0) : len * (part + 1) / parts;
                if constexpr (transposed) {
                    xor_words(x + src + lo, x + dst + lo, hi - lo);
                } else {
                    xor_words(x + dst + lo, x + src + lo, hi - lo);
                }
            }
            sync();
        };
        if constexpr (Dir == conv_dir::fwd || Dir == conv_dir::inv_t) {
            for (unsigned k = m; k > tau; --k) {
                step(k, true);
                step(k, false);
            }
        } else {
            for (unsigned k = tau + 1; k <= m; ++k) {
                step(k, false);
                step(k, true);
            }
        }
    });
}

// The window passes: for each group of p columns, gather the rows, run `step` on the window,
// scatter the rows back. The rows from rows_in to 2^t are zeroed when `pad` (the pruned forward
// reads them as zero coefficients; the other row-level steps write them before reading them).
template <class K, class Step>
inline void window_pass(u64* data, const shape& sh, std::size_t rows_in, std::size_t rows_out, const workers& pool,
                        bool pad, Step&& step) {
    if (sh.t == 0) return;
    const std::size_t len = sh.row_len();
    const std::size_t wins = len / sh.p;
    const std::size_t full = std::size_t{1} << sh.t;
    pool.run(wins, [&](u64* buf, std::size_t first, std::size_t last) {
        window<K> w{buf, buf + full * sh.p, sh.p};
        for (std::size_t wi = first; wi < last; ++wi) {
            const std::size_t col = wi * sh.p;
            for (std::size_t r = 0; r < rows_in; ++r) {
                std::copy(data + r * len + col, data + r * len + col + sh.p, w.row(r));
            }
            if (pad) std::fill(w.row(rows_in), w.row(full), u64{0});
            step(w);
            for (std::size_t r = 0; r < rows_out; ++r) {
                std::copy(w.row(r), w.row(r) + sh.p, data + r * len + col);
            }
        }
    });
}

// The block passes: body(unit, group, group) for every unit of work, a row of 2^16 elements
// (32 groups) or one group of 8 rows of 256, with 2 groups of scratch per thread.
template <class Body>
inline void unit_pass(const shape& sh, const workers& pool, Body&& body) {
    const std::size_t units = sh.j == group_log ? (sh.c + group_lanes - 1) / group_lanes : sh.c;
    const std::size_t win = window_words(sh);
    pool.run(units, [&](u64* scratch, std::size_t first, std::size_t last) {
        for (std::size_t u = first; u < last; ++u) body(u, scratch + win, scratch + win + group_words);
    });
}

// Calls f(g, b0, blocks) for the groups of unit u: g the word offset of the group in the array,
// b0 its first block, blocks how many of its 8 blocks exist.
template <class F>
inline void for_groups(const shape& sh, std::size_t u, F&& f) {
    if (sh.j == group_log) {
        f(u * group_words, u * group_lanes, std::min(group_lanes, sh.c - u * group_lanes));
        return;
    }
    const std::size_t per_row = sh.row_len() / group_words;
    for (std::size_t g = 0; g < per_row; ++g) {
        f(u * sh.row_len() + g * group_words, (u * per_row + g) * group_lanes, group_lanes);
    }
}

// Monomial -> novel basis and forward transform of the first n_in elements of x (the rest
// zero), for all N points, leaving x in group layout: Taylor expansion in x^T + x over the
// array, per window the conversion of the row polynomials and the row-level FFT, then per row
// its block-wise part and the group stages (the per-block conversions commute with the
// block-wise steps).
template <class K>
inline void forward(u64* x, const shape& sh, std::size_t n_in, const u64* tw, const workers& pool) {
    const std::size_t len = sh.row_len();
    const std::size_t c_in = (n_in + len - 1) >> sh.j;
    taylor_top<conv_dir::fwd>(x, sh.j + sh.t, sh.j, n_in, pool);
    window_pass<K>(x, sh, c_in, sh.c, pool, true, [&](const window<K>& w) {
        conv<conv_dir::fwd>(w.rows, sh.t, w.p, c_in * w.p);
        w.fwd(w.rows, sh.t, sh.c, c_in, 0);
    });
    unit_pass(sh, pool, [&](std::size_t u, u64* g, u64*) {
        if (sh.j != group_log) row_top<K, xform::fwd>(x + u * len, sh.j, u, tw);
        for_groups(sh, u, [&](std::size_t off, std::size_t b0, std::size_t blocks) {
            K::group_in(x + off, group_block, blocks, g);
            group_stage<K, xform::fwd>(g, b0, tw);
            std::copy(g, g + group_words, x + off);
        });
    });
}

// ---------------------------------------------------------------- packing

// The scratch words of a product / middle product of these sizes: two transform arrays.
[[nodiscard]] inline std::size_t multiply_words(std::size_t na, std::size_t nb, unsigned threads) noexcept {
    if (na == 0 || nb == 0) return 0;
    const shape sh = choose_shape(2 * (na + nb) - 1, effective_threads(2 * (na + nb) - 1, threads));
    return 2 * sh.group_size() + effective_threads(2 * (na + nb) - 1, threads) * thread_words(sh);
}
[[nodiscard]] inline std::size_t middle_product_words(std::size_t na, std::size_t nb, unsigned threads) noexcept {
    if (na <= nb || nb == 0) return 0;
    const shape sh = choose_shape(2 * na - 1, effective_threads(2 * na - 1, threads));
    return sh.group_size() + sh.size() + effective_threads(2 * na - 1, threads) * thread_words(sh);
}

// The caller's workspace, or one allocated for this call; wiped at the end either way.
class scratch_memory {
public:
    scratch_memory(std::span<u64> given, std::size_t words) {
        if (given.empty()) {
            m_own = std::make_unique<work_buffer>(words);
            m_mem = m_own->span();
        } else {
            m_mem = given.first(words);
        }
    }
    scratch_memory(const scratch_memory&) = delete;
    scratch_memory& operator=(const scratch_memory&) = delete;
    ~scratch_memory() {
        if (!m_own) secure_zero(m_mem.data(), m_mem.size_bytes());
    }
    [[nodiscard]] u64* data() noexcept { return m_mem.data(); }

private:
    std::unique_ptr<work_buffer> m_own;  // not std::optional: GCC 12 warns falsely (maybe-uninitialized)
    std::span<u64> m_mem;
};

template <class K>
inline void multiply_impl(std::span<const u64> a, std::span<const u64> b, std::span<u64> c, unsigned threads,
                          std::span<u64> workspace) {
    const std::size_t na = a.size(), nb = b.size();
    if (na == 0 || nb == 0) {
        std::fill(c.begin(), c.end(), u64{0});
        return;
    }
    const std::size_t n_a = 2 * na, n_b = 2 * nb;
    const shape sh = choose_shape(n_a + n_b - 1, effective_threads(n_a + n_b - 1, threads));
    const std::size_t n = sh.size(), len = sh.row_len(), gs = sh.group_size();
    const u64* tw = twiddle_table();
    scratch_memory mem(workspace, multiply_words(na, nb, threads));
    const std::span<u64> fa(mem.data(), gs), fb(mem.data() + gs, gs);
    const workers pool{effective_threads(n_a + n_b - 1, threads), mem.data() + 2 * gs, thread_words(sh)};
    // Kronecker segmentation: 32-bit chunks, zero up to the transform length.
    const auto split = [&](std::span<const u64> w, std::span<u64> f) {
        pool.run(f.size() / 2, [&](u64*, std::size_t first, std::size_t last) {
            for (std::size_t k = first; k < last; ++k) {
                const u64 v = k < w.size() ? w[k] : 0;
                f[2 * k] = v & 0xffffffffu;
                f[2 * k + 1] = v >> 32;
            }
        });
    };
    split(a, fa);
    split(b, fb);
    taylor_top<conv_dir::fwd>(fa.data(), sh.j + sh.t, sh.j, n_a, pool);
    taylor_top<conv_dir::fwd>(fb.data(), sh.j + sh.t, sh.j, n_b, pool);
    const std::size_t ca = (n_a + len - 1) >> sh.j, cb = (n_b + len - 1) >> sh.j;
    window_pass<K>(fa.data(), sh, ca, sh.c, pool, true, [&](const window<K>& w) {
        conv<conv_dir::fwd>(w.rows, sh.t, w.p, ca * w.p);
        w.fwd(w.rows, sh.t, sh.c, ca, 0);
    });
    window_pass<K>(fb.data(), sh, cb, sh.c, pool, true, [&](const window<K>& w) {
        conv<conv_dir::fwd>(w.rows, sh.t, w.p, cb * w.p);
        w.fwd(w.rows, sh.t, sh.c, cb, 0);
    });
    // Per unit: both transforms, the pointwise product, the inverse transform and conversion.
    unit_pass(sh, pool, [&](std::size_t u, u64* ga, u64* gb) {
        if (sh.j != group_log) {
            row_top<K, xform::fwd>(fa.data() + u * len, sh.j, u, tw);
            row_top<K, xform::fwd>(fb.data() + u * len, sh.j, u, tw);
        }
        for_groups(sh, u, [&](std::size_t off, std::size_t b0, std::size_t blocks) {
            K::group_in(fa.data() + off, group_block, blocks, ga);
            K::group_in(fb.data() + off, group_block, blocks, gb);
            group_stage<K, xform::fwd>(ga, b0, tw);
            group_stage<K, xform::fwd>(gb, b0, tw);
            K::pointwise(ga, gb, group_words);
            group_stage<K, xform::inv>(ga, b0, tw);
            K::group_out(ga, fa.data() + off, group_block, blocks);
        });
        if (sh.j != group_log) row_top<K, xform::inv>(fa.data() + u * len, sh.j, u, tw);
    });
    window_pass<K>(fa.data(), sh, sh.c, sh.c, pool, false, [&](const window<K>& w) {
        w.inv(w.rows, sh.t, sh.c, 0);
        conv<conv_dir::inv>(w.rows, sh.t, w.p, sh.c * w.p);
    });
    taylor_top<conv_dir::inv>(fa.data(), sh.j + sh.t, sh.j, n, pool);
    // Overlap-add of the 63-bit coefficients C_i at bit 32i: word w is
    // C_2w + C_(2w+1) x^32 + C_(2w-1) x^-32 (the product has fewer than n coefficients).
    pool.run(c.size(), [&](u64*, std::size_t first, std::size_t last) {
        for (std::size_t w = first; w < last; ++w) {
            const u64 even = 2 * w < n ? fa[2 * w] : 0;
            const u64 odd = 2 * w + 1 < n ? fa[2 * w + 1] : 0;
            const u64 prev = w > 0 && 2 * w - 1 < n ? fa[2 * w - 1] : 0;
            c[w] = even ^ (odd << 32) ^ (prev >> 32);
        }
    });
}

template <class K>
inline void middle_product_impl(std::span<const u64> a, std::span<const u64> b, std::span<u64> out,
                                unsigned threads, std::span<u64> workspace) {
    const std::size_t na = a.size(), nb = b.size();
    if (out.empty()) return;
    // out = F^T(a) for F(y) = x y rev(b) (item 4 of the header comment), y of Ny = 2(na-nb)
    // chunks, rev(b) of Nb = 2nb chunks, the product of Ny + Nb - 1 coefficients.
    const std::size_t n_y = 2 * (na - nb), n_b = 2 * nb;
    const shape sh = choose_shape(n_y + n_b - 1, effective_threads(n_y + n_b - 1, threads));
    const std::size_t n = sh.size(), len = sh.row_len();
    const u64* tw = twiddle_table();
    scratch_memory mem(workspace, middle_product_words(na, nb, threads));
    const std::span<u64> fb(mem.data(), sh.group_size()), fw(mem.data() + sh.group_size(), n);
    const workers pool{effective_threads(n_y + n_b - 1, threads), fw.data() + n, thread_words(sh)};
    // B = V Conv pack(rev(b)): chunk 2k, 2k+1 of rev(b) are the halves of rev64(b[nb-1-k]).
    pool.run(fb.size() / 2, [&](u64*, std::size_t first, std::size_t last) {
        for (std::size_t k = first; k < last; ++k) {
            const u64 r = k < nb ? bit_reverse64(b[nb - 1 - k]) : 0;
            fb[2 * k] = r & 0xffffffffu;
            fb[2 * k + 1] = r >> 32;
        }
    });
    forward<K>(fb.data(), sh, n_b, tw, pool);
    // Unpack^T: element i reads the 63 bits of a from bit 32i+1, in the dual-basis form: bits
    // 1..63 of word k for i = 2k, bits 33..63 of word k and 0..31 of word k+1 for i = 2k+1.
    pool.run(n / 2, [&](u64*, std::size_t first, std::size_t last) {
        const u64* pa = a.data();
        u64* pw = fw.data();
        const std::size_t body = std::min(last, na - 1);
        for (std::size_t k = first; k < body; ++k) {
            pw[2 * k] = dual_in(pa[k] >> 1);
            pw[2 * k + 1] = dual_in(((pa[k] >> 33) | (pa[k + 1] << 31)) & 0x7fffffffffffffffu);
        }
        for (std::size_t k = std::max(first, na - 1); k < last; ++k) {
            pw[2 * k] = k < na ? dual_in(pa[k] >> 1) : 0;
            pw[2 * k + 1] = k < na ? dual_in(pa[k] >> 33) : 0;
        }
    });
    // Conv^-T: Taylor^-T, then per window the row conversion^-T and the row-level IFFT^T.
    taylor_top<conv_dir::inv_t>(fw.data(), sh.j + sh.t, sh.j, n, pool);
    window_pass<K>(fw.data(), sh, sh.c, sh.c, pool, false, [&](const window<K>& w) {
        conv<conv_dir::inv_t>(w.rows, sh.t, w.p, sh.c * w.p);
        w.inv_t(w.rows, sh.t, sh.c, 0);
    });
    // Per unit: the transposed inverse and the transposed forward around the product with B.
    unit_pass(sh, pool, [&](std::size_t u, u64* g, u64*) {
        if (sh.j != group_log) row_top<K, xform::inv_t>(fw.data() + u * len, sh.j, u, tw);
        for_groups(sh, u, [&](std::size_t off, std::size_t b0, std::size_t blocks) {
            K::group_in(fw.data() + off, group_block, blocks, g);
            group_stage<K, xform::inv_t>(g, b0, tw);
            K::pointwise(g, fb.data() + off, group_words);
            group_stage<K, xform::fwd_t>(g, b0, tw);
            K::group_out(g, fw.data() + off, group_block, blocks);
        });
        if (sh.j != group_log) row_top<K, xform::fwd_t>(fw.data() + u * len, sh.j, u, tw);
    });
    // Row-level FFT^T down to the rows holding y, their conversion^T, then Taylor^T.
    const std::size_t c_y = (n_y + len - 1) >> sh.j;
    window_pass<K>(fw.data(), sh, sh.c, c_y, pool, false, [&](const window<K>& w) {
        w.fwd_t(w.rows, sh.t, sh.c, c_y, 0);
        conv<conv_dir::fwd_t>(w.rows, sh.t, w.p, c_y * w.p);
    });
    taylor_top<conv_dir::fwd_t>(fw.data(), sh.j + sh.t, sh.j, n_y, pool);
    // Pack^T: the low 32 dual coordinates of each element.
    pool.run(out.size(), [&](u64*, std::size_t first, std::size_t last) {
        const u64* pw = fw.data();
        u64* po = out.data();
        for (std::size_t k = first; k < last; ++k) {
            po[k] = u64{dual_out_low32(pw[2 * k])} | (u64{dual_out_low32(pw[2 * k + 1])} << 32);
        }
    });
}

}  // namespace fft

// Scratch for repeated calls: a workspace of at least fft_multiply_workspace(na, nb) /
// fft_middle_product_workspace(na, nb) words, passed to the calls below, saves the allocation
// (and the operating system's zeroing of fresh pages) per call. It holds operand-derived data
// during the call and is wiped before the call returns. fft_workspace is such storage:
// uninitialised, 2 MiB-aligned and backed by huge pages where Linux grants them, wiped when freed.
using fft_workspace = fft::work_buffer;

[[nodiscard]] inline std::size_t fft_multiply_workspace(std::size_t na, std::size_t nb, unsigned threads = 1) noexcept {
    return fft::multiply_words(na, nb, threads);
}
[[nodiscard]] inline std::size_t fft_middle_product_workspace(std::size_t na, std::size_t nb,
                                                          unsigned threads = 1) noexcept {
    return fft::middle_product_words(na, nb, threads);
}

namespace fft {
// Transforms beyond 2^40 elements would need more of the Cantor basis (and 8 TiB of memory).
inline constexpr std::size_t max_words = std::size_t{1} << 38;

inline void check_workspace(std::string_view where, std::span<const u64> workspace, std::size_t words) {
    if (!workspace.empty() && workspace.size() < words) {
        throw invalid_argument(std::string(where) + ": workspace has " + std::to_string(workspace.size()) +
                               " words, needs " + std::to_string(words));
    }
}
}  // namespace fft

// c = a*b over GF(2) (c.size() == a.size() + b.size()), by the additive FFT. `threads` splits
// every pass into that many parts (1: the calling thread only); `workspace` is optional (above).
template <class Kernel = fft::kernel_native>
inline void fft_multiply(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                         std::span<std::uint64_t> c, unsigned threads = 1, std::span<std::uint64_t> workspace = {}) {
    if (c.size() != a.size() + b.size()) {
        throw invalid_argument("gf2x::fft_multiply: c.size() must equal a.size() + b.size() (" +
                               std::to_string(c.size()) + " != " + std::to_string(a.size()) + " + " +
                               std::to_string(b.size()) + ")");
    }
    if (a.size() + b.size() > fft::max_words) throw invalid_argument("gf2x::fft_multiply: operands too large");
    fft::check_workspace("gf2x::fft_multiply", workspace, fft::multiply_words(a.size(), b.size(), threads));
    fft::multiply_impl<Kernel>(a, b, c, threads, workspace);
}

// out[k] = word nb+k of a*b for k < na-nb (na = a.size() >= nb = b.size() >= 1,
// out.size() == na-nb): the words of the product to which every bit of b contributes, at the
// cost of one product of size ~na.
template <class Kernel = fft::kernel_native>
inline void fft_middle_product(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                               std::span<std::uint64_t> out, unsigned threads = 1,
                               std::span<std::uint64_t> workspace = {}) {
    if (b.empty() || a.size() < b.size() || out.size() != a.size() - b.size()) {
        throw invalid_argument("gf2x::fft_middle_product: need a.size() >= b.size() >= 1 and out.size() == "
                               "a.size() - b.size() (a " + std::to_string(a.size()) + ", b " +
                               std::to_string(b.size()) + ", out " + std::to_string(out.size()) + " words)");
    }
    if (a.size() > fft::max_words) throw invalid_argument("gf2x::fft_middle_product: operands too large");
    fft::check_workspace("gf2x::fft_middle_product", workspace,
                        fft::middle_product_words(a.size(), b.size(), threads));
    fft::middle_product_impl<Kernel>(a, b, out, threads, workspace);
}

// The names the front (amplify/detail/gf2x.hpp) calls through its FFT seam.
namespace fft {
inline void multiply(std::span<const u64> a, std::span<const u64> b, std::span<u64> c, unsigned threads = 1) {
    fft_multiply(a, b, c, threads);
}
inline void middle_product(std::span<const u64> a, std::span<const u64> b, std::span<u64> out, unsigned threads = 1) {
    fft_middle_product(a, b, out, threads);
}
}  // namespace fft

}  // namespace qkdnq::detail::gf2x
