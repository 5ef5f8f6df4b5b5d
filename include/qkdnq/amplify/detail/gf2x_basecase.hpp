// Schoolbook GF(2)[x] multiplication of word arrays: the base case under Karatsuba/Toom-Cook
// (gf2x_karatsuba.hpp) and the middle product (gf2x.hpp).
//
// Representation: a polynomial is an array of 64-bit words, bit i of word w the coefficient of
// x^(64w+i) (the project's LSB-first order). With X = x^64, a = sum a_i X^i, and
//   S_t = sum_{i+j=t} a_i b_j          (128-bit carry-less products, clmul64)
//   word t of a*b = lo(S_t) ^ hi(S_{t-1}).
// Every kernel computes a *window* of the product, words [t0, t0 + out.size()) of a*b, for any
// sizes: t0 = 0 and out.size() = na + nb is the full product; t0 = nb and out.size() = na - nb
// is the middle product (gf2x.hpp).
//
// Kernels, all with the same signature `mul_window_*(a, b, t0, out)`:
//   mul_window_scalar      the reference: clmul64_scalar (simd/clmul.hpp) per word pair. Never
//                          removed; slow (it recomputes its residue masks per call).
//   mul_window_portable    the same constant-time five-class method with the operand words split
//                          once per window: the kernel of builds without PCLMULQDQ.
//   mul_window_pclmul      PCLMULQDQ on xmm (one 64x64 product per instruction), if __PCLMUL__.
//   mul_window_vpclmul256  VPCLMULQDQ on ymm (two per instruction), if __VPCLMULQDQ__ and __AVX2__.
//   mul_window_vpclmul512  VPCLMULQDQ on zmm (four per instruction), if __VPCLMULQDQ__ and
//                          __AVX512F__ (Ice Lake server and later, Zen 4/5).
//   mul_window             the widest of these the consumer's flags enable; the portable kernel
//                          with QKDNQ_FORCE_SCALAR (simd/arch.hpp) or without PCLMULQDQ.
// Intrinsics: _mm_clmulepi64_si128 / _mm256_clmulepi64_epi128 / _mm512_clmulepi64_epi128 (the
// carry-less multiply has no portable or xsimd form, which is why docs/architecture.md allows
// intrinsics for it), plus the loads, 128-bit broadcasts, XORs and lane permutations the layout
// below needs (unpack, shuffle, permute2x128 / permutex2var, alignr). AVX-512 intrinsics are
// used in their zero-masking forms with a full mask: the plain forms trip GCC 12's
// maybe-uninitialized warning on _mm512_undefined_epi32 (GCC bug 105593).
//
// Vector algorithm (window_pass_kd2). The operands are cut into 256-bit super digits of four
// words, alpha = (alpha0, alpha1) in 128-bit halves, and each super-digit product takes two
// Karatsuba levels, alpha beta = P00 + Z (P00 + P11 + Pff) + Z^2 P11 (Z = x^128), with each
// 128 x 128 product P = L + x^64 (L + H + M) + x^128 H from L = lo*lo, H = hi*hi,
// M = (lo+hi)(lo+hi): 9 carry-less 64 x 64 products instead of 16. The Karatsuba combination is
// linear, so it is delayed: the nine partial products are XOR-summed separately over the whole
// sweep of an output block and combined once per block. Output-stationary: lane k of a register
// (one 128-bit lane per 64 x 64 product) holds output super digit T + k; lane k of the a-stream
// load for b super digit J is a super digit T - J + k, b is broadcast. Operands are copied into
// zero-padded stack buffers (a as three streams alpha0, alpha1, alpha0 + alpha1) so no load leaves
// them. The word t0 - 1 carries into word t0 (hi(S_{t0-1}) above); its super-digit sum is
// computed with the lanes over consecutive b super digits instead (a quarter of a block).
//
// Constant time: the operands are secret key material. Loop bounds, indices and addresses
// depend on the sizes na, nb, t0, out.size() only (public); no branch, table index or address
// depends on a bit of a or b. PCLMULQDQ/VPCLMULQDQ run in data-independent time on the CPUs
// that have them, and the scalar kernels use only integer multiplications, shifts and masks
// (simd/clmul.hpp). Stack copies of operand words are not wiped per call (the caller's buffers
// hold the same secrets); gf2x.hpp wipes its heap scratch.
#pragma once

#include <qkdnq/simd/arch.hpp>
#include <qkdnq/simd/clmul.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#if !QKDNQ_FORCE_SCALAR && defined(__VPCLMULQDQ__) && defined(__AVX512F__)
#define QKDNQ_GF2X_HAS_VPCLMUL512 1
#else
#define QKDNQ_GF2X_HAS_VPCLMUL512 0
#endif
#if !QKDNQ_FORCE_SCALAR && defined(__VPCLMULQDQ__) && defined(__AVX2__)
#define QKDNQ_GF2X_HAS_VPCLMUL256 1
#else
#define QKDNQ_GF2X_HAS_VPCLMUL256 0
#endif
#if QKDNQ_GF2X_HAS_VPCLMUL512 || QKDNQ_GF2X_HAS_VPCLMUL256 || QKDNQ_HAS_PCLMUL
#include <immintrin.h>
#endif

namespace qkdnq::detail::gf2x {

using word = std::uint64_t;

// The kernel compiled for mul_window (for benchmark labels and test names).
enum class basecase_kind { scalar, pclmul, vpclmul256, vpclmul512 };

inline constexpr basecase_kind basecase_best =
    QKDNQ_GF2X_HAS_VPCLMUL512   ? basecase_kind::vpclmul512
    : QKDNQ_GF2X_HAS_VPCLMUL256 ? basecase_kind::vpclmul256
    : QKDNQ_HAS_PCLMUL          ? basecase_kind::pclmul
                                : basecase_kind::scalar;

[[nodiscard]] constexpr const char* basecase_name(basecase_kind k) noexcept {
    switch (k) {
        case basecase_kind::pclmul: return "pclmul";
        case basecase_kind::vpclmul256: return "vpclmul256";
        case basecase_kind::vpclmul512: return "vpclmul512";
        default: return "scalar";
    }
}

// ------------------------------------------------------------------------------------------------
// Scalar reference: word t of a*b = lo(S_t) ^ hi(S_{t-1}), S_t summed pair by pair.

inline void mul_window_scalar(std::span<const word> a, std::span<const word> b, std::size_t t0,
                              std::span<word> out) noexcept {
    const std::size_t na = a.size(), nb = b.size();
    // s(t) = S_t for 0 <= t < na + nb - 1 (sizes only decide the range of i).
    const auto s = [&](std::size_t t) {
        simd::clmul_product sum;
        const std::size_t i_lo = t + 1 > nb ? t + 1 - nb : 0, i_hi = std::min(t + 1, na);
        for (std::size_t i = i_lo; i < i_hi; ++i) {
            const simd::clmul_product p = simd::clmul64_scalar(a[i], b[t - i]);
            sum.lo ^= p.lo;
            sum.hi ^= p.hi;
        }
        return sum;
    };
    word carry = t0 > 0 ? s(t0 - 1).hi : 0;
    for (std::size_t k = 0; k < out.size(); ++k) {
        const simd::clmul_product p = s(t0 + k);
        out[k] = p.lo ^ carry;
        carry = p.hi;
    }
}

// ------------------------------------------------------------------------------------------------
// Portable kernel for targets without PCLMULQDQ: clmul64_scalar's method (five residue classes
// mod 5, integer products with four-bit holes), with each word split once per window instead of
// once per product, the 25 integer products of a word pair XOR-accumulated per result class
// unmasked (the bits of the right class are exact parities in every product, so masking
// commutes with the XOR), and one masking per output word. Constant time like clmul64_scalar.

namespace portable_detail {

[[nodiscard]] constexpr std::array<word, 5> class_masks(unsigned offset) noexcept {
    std::array<word, 5> m{};
    for (unsigned i = 0; i < 64; ++i) m[(i + offset) % 5] |= word{1} << i;
    return m;
}
inline constexpr std::array<word, 5> mask_lo = class_masks(0);   // bit p of word: p % 5
inline constexpr std::array<word, 5> mask_hi = class_masks(64);  // bit p of the high word: (p+64) % 5

struct split5 {
    word c[5];
};

[[nodiscard]] inline split5 split(word w) noexcept {
    return {{w & mask_lo[0], w & mask_lo[1], w & mask_lo[2], w & mask_lo[3], w & mask_lo[4]}};
}

// acc[r] ^= the integer products of the class pairs (u, v), u + v = r mod 5, of x and y.
inline void mac(simd::clmul_product (&acc)[5], const split5& x, const split5& y) noexcept {
    for (unsigned r = 0; r < 5; ++r) {
        for (unsigned u = 0; u < 5; ++u) {
            const simd::clmul_product p = simd::detail::integer_mul_64x64(x.c[u], y.c[(r + 5 - u) % 5]);
            acc[r].lo ^= p.lo;
            acc[r].hi ^= p.hi;
        }
    }
}

[[nodiscard]] inline simd::clmul_product finish(const simd::clmul_product (&acc)[5]) noexcept {
    simd::clmul_product s;
    for (unsigned r = 0; r < 5; ++r) {
        s.lo |= acc[r].lo & mask_lo[r];
        s.hi |= acc[r].hi & mask_hi[r];
    }
    return s;
}

}  // namespace portable_detail

// Words [t0, t0 + out.size()) of a*b, by output chunks of 64 words and b pieces of 32 words,
// both operands split once per (chunk, piece) on the stack (sizes only decide the loops).
inline void mul_window_portable(std::span<const word> a, std::span<const word> b, std::size_t t0,
                                std::span<word> out) noexcept {
    using portable_detail::split5;
    constexpr std::size_t chunk = 64, piece = 32;
    const std::size_t na = a.size(), nb = b.size();
    std::fill(out.begin(), out.end(), word{0});
    std::array<split5, piece> bs;
    std::array<split5, chunk + piece> as;
    for (std::size_t c = 0; c < out.size(); c += chunk) {
        const std::size_t tc = t0 + c, nc = std::min(chunk, out.size() - c);
        word* const o = out.data() + c;
        // Sums S_t for t in [tc - 1, tc + nc): S_(tc-1) only for its high word.
        const std::size_t s_lo = tc > 0 ? tc - 1 : 0, s_hi = tc + nc;
        for (std::size_t j0 = 0; j0 < nb; j0 += piece) {
            const std::size_t bl = std::min(piece, nb - j0);
            if (s_hi <= j0) break;
            // a_i b_(j0+j), i + j0 + j = t: i in [i_min, i_max).
            const std::size_t i_min = s_lo >= j0 + bl ? s_lo - j0 - bl + 1 : 0, i_max = std::min(na, s_hi - j0);
            if (i_min >= i_max) continue;
            for (std::size_t j = 0; j < bl; ++j) bs[j] = portable_detail::split(b[j0 + j]);
            for (std::size_t i = i_min; i < i_max; ++i) as[i - i_min] = portable_detail::split(a[i]);
            for (std::size_t t = std::max(s_lo, j0); t < s_hi; ++t) {
                const std::size_t tt = t - j0;  // i + j = tt
                const std::size_t i_lo = std::max(i_min, tt + 1 > bl ? tt + 1 - bl : 0), i_hi = std::min(tt + 1, i_max);
                simd::clmul_product acc[5]{};
                for (std::size_t i = i_lo; i < i_hi; ++i) portable_detail::mac(acc, as[i - i_min], bs[tt - i]);
                const simd::clmul_product sum = portable_detail::finish(acc);
                if (t >= tc) o[t - tc] ^= sum.lo;
                if (t + 1 < tc + nc) o[t + 1 - tc] ^= sum.hi;
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Vector kernels. A `lanes` policy wraps one register width; window_simd is written once.

namespace vec {

#if QKDNQ_HAS_PCLMUL
struct x128 {
    using reg = __m128i;
    static constexpr std::size_t words = 2;
    static reg zero() noexcept { return _mm_setzero_si128(); }
    static reg load(const word* p) noexcept { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
    static reg pair(const word* p) noexcept { return load(p); }  // (p[0], p[1]) in the one lane
    static void store(word* p, reg v) noexcept { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
    static reg load_part(const word* p, std::size_t) noexcept {  // n = 1
        return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    }
    static void store_part(word* p, reg v, std::size_t) noexcept {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(p), v);
    }
    static reg bxor(reg x, reg y) noexcept { return _mm_xor_si128(x, y); }
    static reg clmul00(reg a, reg b) noexcept { return _mm_clmulepi64_si128(a, b, 0x00); }
    static reg clmul11(reg a, reg b) noexcept { return _mm_clmulepi64_si128(a, b, 0x11); }
    static reg lo_up(reg v) noexcept { return _mm_unpacklo_epi64(_mm_setzero_si128(), v); }    // (0, v.lo)
    static reg hi_down(reg v) noexcept { return _mm_unpackhi_epi64(v, _mm_setzero_si128()); }  // (v.hi, 0)
    static reg shift_lane(reg, reg prev) noexcept { return prev; }  // words up by one lane (two words)
    static reg fold(reg v) noexcept { return _mm_xor_si128(v, _mm_shuffle_epi32(v, 0x4e)); }  // lo ^ hi
    static reg reverse_lanes(reg v) noexcept { return v; }
    static reg xor_lanes_to_top(reg v) noexcept { return v; }  // XOR of all lanes, in the top lane
    // 2 registers of words (x, y) holding L 256-bit super digits: their low and high halves.
    static void split_halves(reg x, reg y, reg& lo, reg& hi) noexcept { lo = x, hi = y; }
    // Lanes (e0, o0, e1, o1, ...) of two registers from the lanes of e and o.
    static void interleave(reg e, reg o, reg& first, reg& second) noexcept { first = e, second = o; }
};
#endif

#if QKDNQ_GF2X_HAS_VPCLMUL256
struct x256 {
    using reg = __m256i;
    static constexpr std::size_t words = 4;
    static reg zero() noexcept { return _mm256_setzero_si256(); }
    static reg load(const word* p) noexcept { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
    static reg pair(const word* p) noexcept {
        return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    static void store(word* p, reg v) noexcept { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
    static reg load_part(const word* p, std::size_t n) noexcept {  // n < 4 words, zero above
        alignas(32) word t[4] = {0, 0, 0, 0};
        for (std::size_t i = 0; i < n; ++i) t[i] = p[i];
        return _mm256_load_si256(reinterpret_cast<const __m256i*>(t));
    }
    static void store_part(word* p, reg v, std::size_t n) noexcept {
        alignas(32) word t[4];
        _mm256_store_si256(reinterpret_cast<__m256i*>(t), v);
        for (std::size_t i = 0; i < n; ++i) p[i] = t[i];
    }
    static reg bxor(reg x, reg y) noexcept { return _mm256_xor_si256(x, y); }
    static reg clmul00(reg a, reg b) noexcept { return _mm256_clmulepi64_epi128(a, b, 0x00); }
    static reg clmul11(reg a, reg b) noexcept { return _mm256_clmulepi64_epi128(a, b, 0x11); }
    static reg lo_up(reg v) noexcept { return _mm256_unpacklo_epi64(_mm256_setzero_si256(), v); }
    static reg hi_down(reg v) noexcept { return _mm256_unpackhi_epi64(v, _mm256_setzero_si256()); }
    // (prev[2], prev[3], cur[0], cur[1])
    static reg shift_lane(reg cur, reg prev) noexcept { return _mm256_permute2x128_si256(prev, cur, 0x21); }
    static reg fold(reg v) noexcept { return _mm256_xor_si256(v, _mm256_shuffle_epi32(v, 0x4e)); }
    static reg reverse_lanes(reg v) noexcept { return _mm256_permute2x128_si256(v, v, 0x01); }
    static void split_halves(reg x, reg y, reg& lo, reg& hi) noexcept {
        lo = _mm256_permute2x128_si256(x, y, 0x20);
        hi = _mm256_permute2x128_si256(x, y, 0x31);
    }
    static void interleave(reg e, reg o, reg& first, reg& second) noexcept {
        first = _mm256_permute2x128_si256(e, o, 0x20);
        second = _mm256_permute2x128_si256(e, o, 0x31);
    }
    static reg xor_lanes_to_top(reg v) noexcept {
        return _mm256_permute2x128_si256(v, _mm256_xor_si256(v, reverse_lanes(v)), 0x38);  // (0, x0 ^ x1)
    }
};
#endif

#if QKDNQ_GF2X_HAS_VPCLMUL512
struct x512 {
    using reg = __m512i;
    static constexpr std::size_t words = 8;
    static reg zero() noexcept { return _mm512_setzero_si512(); }
    static reg load(const word* p) noexcept { return _mm512_loadu_si512(p); }
    static reg pair(const word* p) noexcept {
        // The zero-masking forms with a full mask: the plain ones trip GCC 12's
        // maybe-uninitialized warning on _mm512_undefined_epi32 (GCC bug 105593).
        return _mm512_maskz_broadcast_i32x4(0xffff, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    static void store(word* p, reg v) noexcept { _mm512_storeu_si512(p, v); }
    static reg load_part(const word* p, std::size_t n) noexcept {  // n < 8 words, zero above
        return _mm512_maskz_loadu_epi64(static_cast<__mmask8>((1u << n) - 1), p);
    }
    static void store_part(word* p, reg v, std::size_t n) noexcept {
        _mm512_mask_storeu_epi64(p, static_cast<__mmask8>((1u << n) - 1), v);
    }
    static reg bxor(reg x, reg y) noexcept { return _mm512_xor_si512(x, y); }
    static reg clmul00(reg a, reg b) noexcept { return _mm512_clmulepi64_epi128(a, b, 0x00); }
    static reg clmul11(reg a, reg b) noexcept { return _mm512_clmulepi64_epi128(a, b, 0x11); }
    static reg lo_up(reg v) noexcept { return _mm512_maskz_unpacklo_epi64(0xff, _mm512_setzero_si512(), v); }
    static reg hi_down(reg v) noexcept { return _mm512_maskz_unpackhi_epi64(0xff, v, _mm512_setzero_si512()); }
    // (prev[6], prev[7], cur[0..5])
    static reg shift_lane(reg cur, reg prev) noexcept { return _mm512_maskz_alignr_epi64(0xff, cur, prev, 6); }
    static reg fold(reg v) noexcept {
        return _mm512_xor_si512(v, _mm512_maskz_shuffle_epi32(0xffff, v, _MM_PERM_BADC));
    }
    static reg reverse_lanes(reg v) noexcept { return _mm512_maskz_shuffle_i64x2(0xff, v, v, 0x1b); }
    static void split_halves(reg x, reg y, reg& lo, reg& hi) noexcept {
        lo = _mm512_permutex2var_epi64(x, _mm512_set_epi64(13, 12, 9, 8, 5, 4, 1, 0), y);
        hi = _mm512_permutex2var_epi64(x, _mm512_set_epi64(15, 14, 11, 10, 7, 6, 3, 2), y);
    }
    static void interleave(reg e, reg o, reg& first, reg& second) noexcept {
        first = _mm512_permutex2var_epi64(e, _mm512_set_epi64(11, 10, 3, 2, 9, 8, 1, 0), o);
        second = _mm512_permutex2var_epi64(e, _mm512_set_epi64(15, 14, 7, 6, 13, 12, 5, 4), o);
    }
    static reg xor_lanes_to_top(reg v) noexcept {
        const reg s1 = _mm512_xor_si512(v, _mm512_maskz_shuffle_i64x2(0xff, v, v, 0x4e));  // lanes ^ lanes two away
        const reg s2 = _mm512_xor_si512(s1, _mm512_maskz_shuffle_i64x2(0xff, s1, s1, 0xb1));  // every lane: the sum
        return _mm512_maskz_mov_epi64(0xc0, s2);  // only the top lane
    }
};
#endif

}  // namespace vec

// The largest output chunk and b piece one pass of window_simd handles from its stack buffers;
// larger windows are cut into chunks and pieces (sizes only).
inline constexpr std::size_t window_chunk_words = 128;
inline constexpr std::size_t window_piece_words = 64;

namespace basecase_detail {

// dst[0, n) = src[0, n), reading and writing exactly those words.
template <class V>
inline void copy_words(word* dst, const word* src, std::size_t n) noexcept {
    std::size_t i = 0;
    for (; i + V::words <= n; i += V::words) V::store(dst + i, V::load(src + i));
    if (i < n) V::store_part(dst + i, V::load_part(src + i, n - i), n - i);
}

// dst[0, n) = 0, in whole registers: may write up to V::words - 1 words past n.
template <class V>
inline void zero_words(word* dst, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; i += V::words) V::store(dst + i, V::zero());
}

// The same window by 256-bit super digits with two delayed Karatsuba levels: a super digit is
// (alpha0, alpha1) in 128-bit halves, alpha beta = P00 + Z (Pff + P00 + P11) + Z^2 P11 with
// Z = x^128, P00 = alpha0 beta0, P11 = alpha1 beta1, Pff = (alpha0 + alpha1)(beta0 + beta1),
// each of those by three products (L, H, M above): nine carry-less products per super-digit
// pair instead of sixteen. The nine partial sums are kept apart over the whole sweep and combined
// once per block. a' = x^(64 sh) a is laid out as three streams (alpha0, alpha1, alpha0 + alpha1
// of every super digit) so that lane k loads super digit T - J + k; lane k sums output super
// digit T + k, whose four 128-bit parts land on units 2(T+k) .. 2(T+k)+3 of the output.
template <class V, bool Accumulate>
inline void window_pass_kd2(std::span<const word> a, std::span<const word> b, std::ptrdiff_t u0,
                            word* out, std::size_t n) noexcept {
    using reg = typename V::reg;
    constexpr std::ptrdiff_t W = static_cast<std::ptrdiff_t>(V::words), L = W / 2;  // words, lanes
    constexpr std::ptrdiff_t BW = 2 * W;                                           // words per block
    const std::ptrdiff_t sh = (4 - (u0 & 3)) & 3, t0 = (u0 + sh) / 4;  // first output super digit
    const std::ptrdiff_t na = static_cast<std::ptrdiff_t>(a.size()) + sh, nad = (na + 3) / 4;
    const std::ptrdiff_t bc = static_cast<std::ptrdiff_t>(b.size()), nbd = (bc + 3) / 4;
    const std::ptrdiff_t nblk = (static_cast<std::ptrdiff_t>(n) + BW - 1) / BW;  // blocks of L super digits (bound)

    // Per b super digit J, six pairs in six streams (two words per J each): beta0, beta1,
    // betaf = beta0 + beta1 and their folds lo + hi (in both words); zero up to J = nbd + L.
    constexpr std::size_t bj_cap = 2 * (window_piece_words / 4 + 8);
    alignas(64) std::array<std::array<word, bj_cap>, 6> bt;
    {
        alignas(64) std::array<word, window_piece_words + 4> bw;
        copy_words<V>(bw.data(), b.data(), static_cast<std::size_t>(bc));
        for (std::ptrdiff_t i = bc; i < 4 * nbd; ++i) bw[static_cast<std::size_t>(i)] = 0;
        for (std::ptrdiff_t j = 0; j < nbd + L; ++j) {
            const word* const q = bw.data() + 4 * j;
            const bool in = j < nbd;
            const word b0 = in ? q[0] : 0, b1 = in ? q[1] : 0, b2 = in ? q[2] : 0, b3 = in ? q[3] : 0;
            const std::size_t i = static_cast<std::size_t>(2 * j);
            bt[0][i] = b0, bt[0][i + 1] = b1;
            bt[1][i] = b2, bt[1][i + 1] = b3;
            bt[2][i] = b0 ^ b2, bt[2][i + 1] = b1 ^ b3;
            bt[3][i] = bt[3][i + 1] = b0 ^ b1;
            bt[4][i] = bt[4][i + 1] = b2 ^ b3;
            bt[5][i] = bt[5][i + 1] = b0 ^ b1 ^ b2 ^ b3;
        }
    }

    // a' super digits [base, base + len) (zeros outside a'), as the three streams.
    const std::ptrdiff_t base = t0 - L - nbd + 1;
    const std::ptrdiff_t len = nblk * L + L + nbd - 1;  // super digits
    constexpr std::size_t sd_cap = (window_chunk_words + 3 * 8 + window_piece_words) / 4 + 2 * 8;
    alignas(64) std::array<word, 2 * sd_cap> s0, s1, sf;
    {
        alignas(64) std::array<word, 4 * sd_cap + 8> abuf;
        const std::ptrdiff_t lo = std::clamp<std::ptrdiff_t>(sh - 4 * base, 0, 4 * len);
        const std::ptrdiff_t hi = std::clamp<std::ptrdiff_t>(na - 4 * base, lo, 4 * len);
        zero_words<V>(abuf.data(), static_cast<std::size_t>(lo));
        copy_words<V>(abuf.data() + lo, a.data() + (4 * base + lo - sh), static_cast<std::size_t>(hi - lo));
        zero_words<V>(abuf.data() + hi, static_cast<std::size_t>(4 * len + 2 * W - hi));
        for (std::ptrdiff_t d = 0; d < len; d += L) {  // L super digits = 2 registers of words
            reg lo_h, hi_h;
            V::split_halves(V::load(abuf.data() + 4 * d), V::load(abuf.data() + 4 * d + W), lo_h, hi_h);
            V::store(s0.data() + 2 * d, lo_h);
            V::store(s1.data() + 2 * d, hi_h);
            V::store(sf.data() + 2 * d, V::bxor(lo_h, hi_h));
        }
    }
    const word* const a0 = s0.data() - 2 * base;  // a0 + 2D: alpha0 of super digit D of a'
    const word* const a1 = s1.data() - 2 * base;
    const word* const af = sf.data() - 2 * base;

    // The four 128-bit parts r0..r3 of each lane's 512-bit sum, from the nine partial sums
    // (l, h, m of P00, P11, Pff): P = (l + x^64 mid, h + x^-64 mid) per lane, mid = l + h + m.
    struct parts {
        reg r0, r1, r2, r3;
    };
    const auto combine = [](reg l0, reg h0, reg m0, reg l1, reg h1, reg m1, reg lf, reg hf, reg mf) {
        const reg mid0 = V::bxor(m0, V::bxor(l0, h0)), mid1 = V::bxor(m1, V::bxor(l1, h1));
        const reg midf = V::bxor(mf, V::bxor(lf, hf));
        const reg p0l = V::bxor(l0, V::lo_up(mid0)), p0h = V::bxor(h0, V::hi_down(mid0));
        const reg p1l = V::bxor(l1, V::lo_up(mid1)), p1h = V::bxor(h1, V::hi_down(mid1));
        const reg pfl = V::bxor(lf, V::lo_up(midf)), pfh = V::bxor(hf, V::hi_down(midf));
        const reg ml = V::bxor(pfl, V::bxor(p0l, p1l)), mh = V::bxor(pfh, V::bxor(p0h, p1h));
        return parts{p0l, V::bxor(p0h, ml), V::bxor(mh, p1l), p1h};
    };
    // One sweep over b super digits j in [j_lo, j_hi] step `stride`: lanes load a' super digits
    // from a-offset(j) and b pairs with `bload` (a broadcast for blocks, L consecutive J for the
    // prologue).
    const auto sweep = [&](std::ptrdiff_t j_lo, std::ptrdiff_t j_hi, std::ptrdiff_t stride, auto aoff, auto bload,
                           bool reverse) {
        reg l0 = V::zero(), h0 = l0, m0 = l0, l1 = l0, h1 = l0, m1 = l0, lf = l0, hf = l0, mf = l0;
        for (std::ptrdiff_t j = j_lo; j <= j_hi; j += stride) {
            const std::ptrdiff_t d = aoff(j);
            reg x0 = V::load(a0 + d), x1 = V::load(a1 + d), xf = V::load(af + d);
            if (reverse) {
                x0 = V::reverse_lanes(x0), x1 = V::reverse_lanes(x1), xf = V::reverse_lanes(xf);
            }
            const std::size_t i = static_cast<std::size_t>(2 * j);
            const reg b0 = bload(bt[0].data() + i), b1 = bload(bt[1].data() + i), bf = bload(bt[2].data() + i);
            l0 = V::bxor(l0, V::clmul00(x0, b0));
            h0 = V::bxor(h0, V::clmul11(x0, b0));
            l1 = V::bxor(l1, V::clmul00(x1, b1));
            h1 = V::bxor(h1, V::clmul11(x1, b1));
            lf = V::bxor(lf, V::clmul00(xf, bf));
            hf = V::bxor(hf, V::clmul11(xf, bf));
            m0 = V::bxor(m0, V::clmul00(V::fold(x0), bload(bt[3].data() + i)));
            m1 = V::bxor(m1, V::clmul00(V::fold(x1), bload(bt[4].data() + i)));
            mf = V::bxor(mf, V::clmul00(V::fold(xf), bload(bt[5].data() + i)));
        }
        return combine(l0, h0, m0, l1, h1, m1, lf, hf, mf);
    };
    const auto block = [&](std::ptrdiff_t t) {
        return sweep(std::max<std::ptrdiff_t>(0, t - nad + 1), std::min(nbd - 1, t + L - 1), 1,
                     [t](std::ptrdiff_t j) { return 2 * (t - j); }, [](const word* p) { return V::pair(p); }, false);
    };
    // The whole sum of one output super digit t, with the lanes over L consecutive b super digits
    // (against reversed a' super digits) XORed together at the end: 1/L of a block. Each part's
    // sum is in the top lane. Used for the carry-in digit t0 - 1 (its r2, r3 land on units 2 t0,
    // 2 t0 + 1) and for the last super digits of a window that do not fill a block.
    const auto digit_sum = [&](std::ptrdiff_t t) {
        const parts p = sweep(std::max<std::ptrdiff_t>(0, t - nad + 1), std::min(nbd - 1, t), L,
                              [=](std::ptrdiff_t j) { return 2 * (t - j - L + 1); },
                              [](const word* q) { return V::load(q); }, true);
        return parts{V::xor_lanes_to_top(p.r0), V::xor_lanes_to_top(p.r1), V::xor_lanes_to_top(p.r2),
                     V::xor_lanes_to_top(p.r3)};
    };

    parts prev = parts{V::zero(), V::zero(), V::zero(), V::zero()};
    if (t0 > 0) prev = digit_sum(t0 - 1);
    // out[k] is word 4 t0 + k of a' * b (word u0 + k of a*b): block q starts at out[q BW].
    const auto put = [&](std::ptrdiff_t k, reg v) {
        if (k >= static_cast<std::ptrdiff_t>(n)) return;
        const std::size_t left = n - static_cast<std::size_t>(k);
        word* const dst = out + k;
        if (left >= V::words) {
            V::store(dst, Accumulate ? V::bxor(V::load(dst), v) : v);
        } else {
            V::store_part(dst, Accumulate ? V::bxor(V::load_part(dst, left), v) : v, left);
        }
    };
    const std::ptrdiff_t nsd = (static_cast<std::ptrdiff_t>(n) + 3) / 4, nfull = nsd / L;  // output super digits
    for (std::ptrdiff_t q = 0; q < nfull; ++q) {
        const parts r = block(t0 + q * L);
        const reg e = V::bxor(r.r0, V::shift_lane(r.r2, prev.r2)), o = V::bxor(r.r1, V::shift_lane(r.r3, prev.r3));
        prev = r;
        reg first, second;
        V::interleave(e, o, first, second);
        put(q * BW, first);
        put(q * BW + W, second);
    }
    for (std::ptrdiff_t sd = nfull * L; sd < nsd; ++sd) {  // fewer than L super digits left
        const parts r = digit_sum(t0 + sd);
        alignas(64) word r0[8], r1[8], c2[8], c3[8];  // the top lane of each: words W-2, W-1
        V::store(r0, r.r0), V::store(r1, r.r1), V::store(c2, prev.r2), V::store(c3, prev.r3);
        const word w4[4] = {r0[W - 2] ^ c2[W - 2], r0[W - 1] ^ c2[W - 1], r1[W - 2] ^ c3[W - 2], r1[W - 1] ^ c3[W - 1]};
        for (std::ptrdiff_t i = 0; i < 4 && 4 * sd + i < static_cast<std::ptrdiff_t>(n); ++i) {
            if constexpr (Accumulate) {
                out[4 * sd + i] ^= w4[i];
            } else {
                out[4 * sd + i] = w4[i];
            }
        }
        prev = r;
    }
}

// Any window: output chunks of window_chunk_words, b pieces of window_piece_words.
template <class V>
inline void window_simd(std::span<const word> a, std::span<const word> b, std::size_t t0,
                        std::span<word> out) noexcept {
    for (std::size_t c = 0; c < out.size(); c += window_chunk_words) {
        const std::size_t n = std::min(window_chunk_words, out.size() - c);
        for (std::size_t j0 = 0; j0 < b.size(); j0 += window_piece_words) {
            // Piece b[j0, j0+len) contributes word t - j0 of a * piece to word t.
            const std::size_t len = std::min(window_piece_words, b.size() - j0);
            const std::ptrdiff_t u0 = static_cast<std::ptrdiff_t>(t0 + c) - static_cast<std::ptrdiff_t>(j0);
            if (j0 == 0) {
                window_pass_kd2<V, false>(a, b.subspan(j0, len), u0, out.data() + c, n);
            } else {
                window_pass_kd2<V, true>(a, b.subspan(j0, len), u0, out.data() + c, n);
            }
        }
        if (b.empty()) std::fill_n(out.data() + c, n, word{0});
    }
}

}  // namespace basecase_detail

#if QKDNQ_HAS_PCLMUL
inline void mul_window_pclmul(std::span<const word> a, std::span<const word> b, std::size_t t0,
                              std::span<word> out) noexcept {
    basecase_detail::window_simd<vec::x128>(a, b, t0, out);
}
#endif

#if QKDNQ_GF2X_HAS_VPCLMUL256
inline void mul_window_vpclmul256(std::span<const word> a, std::span<const word> b, std::size_t t0,
                                  std::span<word> out) noexcept {
    basecase_detail::window_simd<vec::x256>(a, b, t0, out);
}
#endif

#if QKDNQ_GF2X_HAS_VPCLMUL512
inline void mul_window_vpclmul512(std::span<const word> a, std::span<const word> b, std::size_t t0,
                                  std::span<word> out) noexcept {
    basecase_detail::window_simd<vec::x512>(a, b, t0, out);
}
#endif

// Words [t0, t0 + out.size()) of a*b with the widest kernel compiled in (see the top of the file).
// Requires t0 + out.size() <= a.size() + b.size(); sizes are public.
inline void mul_window(std::span<const word> a, std::span<const word> b, std::size_t t0,
                       std::span<word> out) noexcept {
    // The loads are shorter when the longer operand is a (b is cut into pieces).
    if (b.size() > a.size()) std::swap(a, b);
#if QKDNQ_GF2X_HAS_VPCLMUL512
    mul_window_vpclmul512(a, b, t0, out);
#elif QKDNQ_GF2X_HAS_VPCLMUL256
    mul_window_vpclmul256(a, b, t0, out);
#elif QKDNQ_HAS_PCLMUL
    mul_window_pclmul(a, b, t0, out);
#else
    mul_window_portable(a, b, t0, out);
#endif
}

// c = a*b, c.size() == a.size() + b.size().
inline void mul_basecase(std::span<const word> a, std::span<const word> b, std::span<word> c) noexcept {
    mul_window(a, b, 0, c);
}

}  // namespace qkdnq::detail::gf2x
