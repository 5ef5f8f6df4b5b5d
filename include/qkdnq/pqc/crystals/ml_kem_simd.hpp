// ML-KEM polynomial kernels on 16-bit lanes: NTT, inverse NTT, MultiplyNTTs, addition and
// subtraction, with exactly the inputs and outputs of the scalar references in ml_kem_poly.hpp
// (coefficients fully reduced in [0, q), standard order), so the two are interchangeable.
//
// Vectors are xsimd batches of std::int16_t: 16 lanes with AVX2 (also used on AVX-512 machines,
// where the compiler emits EVEX encodings), 8 lanes with SSE2 (every x86-64). xsimd 8.1 has no
// high-half multiply, 16-bit low multiply on SSE2, or in-register transpose, so those few
// operations are written with the matching intrinsics on the batch registers.
//
// Arithmetic: signed Montgomery multiplication (R = 2^16) with precomputed b * q^-1 mod 2^16
// (Seiler, "Faster AVX2 optimized NTT multiplication for Ring-LWE lattice cryptography",
// ePrint 2018/039), Barrett reduction, and mask-based conditional additions. Nothing branches on or
// indexes by coefficient values, so the kernels are constant time.
//
// NTT layout: with L lanes, the layers whose butterflies span len >= L coefficients combine
// whole vectors; for len < L each L x L block of coefficients is transposed, so that those
// layers combine whole vectors too (with one twiddle factor per lane), and transposed back.
#pragma once

#include <qkdnq/pqc/crystals/ml_kem_poly.hpp>
#include <qkdnq/simd/arch.hpp>

#include <xsimd/xsimd.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#if defined(__AVX2__) || defined(__SSE2__)
#include <immintrin.h>
#define QKDNQ_ML_KEM_HAVE_SIMD 1
#else
#define QKDNQ_ML_KEM_HAVE_SIMD 0
#endif

namespace qkdnq::detail::ml_kem {

// Montgomery form helpers for the tables (compile time, public constants).
[[nodiscard]] constexpr std::int16_t to_montgomery(std::uint32_t x) noexcept {
    return static_cast<std::int16_t>((x << 16) % q);  // x R mod q
}
// b q^-1 mod 2^16 as a signed 16-bit value; q^-1 mod 2^16 = 62209.
[[nodiscard]] constexpr std::int16_t times_qinv(std::int16_t b) noexcept {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(static_cast<std::uint32_t>(static_cast<std::uint16_t>(b)) * 62209u));
}
static_assert(static_cast<std::uint16_t>(q * 62209u) == 1, "62209 = q^-1 mod 2^16");

#if QKDNQ_ML_KEM_HAVE_SIMD

namespace simd_kernels {

#if defined(__AVX2__)
using arch = xsimd::avx2;
#else
using arch = xsimd::sse2;
#endif
using vec = xsimd::batch<std::int16_t, arch>;
using reg = typename vec::register_type;

inline constexpr std::size_t lanes = vec::size;
inline constexpr std::size_t vectors = n / lanes;
inline constexpr std::size_t blocks = n / (lanes * lanes);  // L x L blocks per polynomial

// ---------------------------------------------------------------------------------------------
// The operations xsimd 8.1 lacks, on __m128i (SSE2) and __m256i (AVX2) registers.

inline __m128i mulhi(__m128i a, __m128i b) noexcept { return _mm_mulhi_epi16(a, b); }
inline __m128i mullo(__m128i a, __m128i b) noexcept { return _mm_mullo_epi16(a, b); }
inline __m128i mulhi_unsigned(__m128i a, __m128i b) noexcept { return _mm_mulhi_epu16(a, b); }
inline __m128i unpacklo16(__m128i a, __m128i b) noexcept { return _mm_unpacklo_epi16(a, b); }
inline __m128i unpackhi16(__m128i a, __m128i b) noexcept { return _mm_unpackhi_epi16(a, b); }
inline __m128i unpacklo32(__m128i a, __m128i b) noexcept { return _mm_unpacklo_epi32(a, b); }
inline __m128i unpackhi32(__m128i a, __m128i b) noexcept { return _mm_unpackhi_epi32(a, b); }
inline __m128i unpacklo64(__m128i a, __m128i b) noexcept { return _mm_unpacklo_epi64(a, b); }
inline __m128i unpackhi64(__m128i a, __m128i b) noexcept { return _mm_unpackhi_epi64(a, b); }
// Even and odd 16-bit lanes of (a, b), in the lane order of packs (per 128-bit half).
inline __m128i even16(__m128i a, __m128i b) noexcept {
    return _mm_packs_epi32(_mm_srai_epi32(_mm_slli_epi32(a, 16), 16), _mm_srai_epi32(_mm_slli_epi32(b, 16), 16));
}
inline __m128i odd16(__m128i a, __m128i b) noexcept {
    return _mm_packs_epi32(_mm_srai_epi32(a, 16), _mm_srai_epi32(b, 16));
}
#if defined(__AVX2__)
inline __m256i mulhi(__m256i a, __m256i b) noexcept { return _mm256_mulhi_epi16(a, b); }
inline __m256i mullo(__m256i a, __m256i b) noexcept { return _mm256_mullo_epi16(a, b); }
inline __m256i mulhi_unsigned(__m256i a, __m256i b) noexcept { return _mm256_mulhi_epu16(a, b); }
inline __m256i unpacklo16(__m256i a, __m256i b) noexcept { return _mm256_unpacklo_epi16(a, b); }
inline __m256i unpackhi16(__m256i a, __m256i b) noexcept { return _mm256_unpackhi_epi16(a, b); }
inline __m256i unpacklo32(__m256i a, __m256i b) noexcept { return _mm256_unpacklo_epi32(a, b); }
inline __m256i unpackhi32(__m256i a, __m256i b) noexcept { return _mm256_unpackhi_epi32(a, b); }
inline __m256i unpacklo64(__m256i a, __m256i b) noexcept { return _mm256_unpacklo_epi64(a, b); }
inline __m256i unpackhi64(__m256i a, __m256i b) noexcept { return _mm256_unpackhi_epi64(a, b); }
inline __m256i even16(__m256i a, __m256i b) noexcept {
    return _mm256_packs_epi32(_mm256_srai_epi32(_mm256_slli_epi32(a, 16), 16),
                              _mm256_srai_epi32(_mm256_slli_epi32(b, 16), 16));
}
inline __m256i odd16(__m256i a, __m256i b) noexcept {
    return _mm256_packs_epi32(_mm256_srai_epi32(a, 16), _mm256_srai_epi32(b, 16));
}
#endif

inline vec mulhi(vec a, vec b) noexcept { return mulhi(reg(a), reg(b)); }
inline vec mullo(vec a, vec b) noexcept { return mullo(reg(a), reg(b)); }
inline vec mulhi_unsigned(vec a, vec b) noexcept { return mulhi_unsigned(reg(a), reg(b)); }

// ---------------------------------------------------------------------------------------------
// Modular arithmetic on vectors

inline vec v_q() noexcept { return vec(static_cast<std::int16_t>(q)); }

// a b R^-1 mod q in (-q, q), for |a b| < q 2^15, given b_qinv = b q^-1 mod 2^16 (Montgomery).
inline vec fqmul(vec a, vec b, vec b_qinv) noexcept { return mulhi(a, b) - mulhi(mullo(a, b_qinv), v_q()); }

// a mod q in [0, q] for any 16-bit a: t = floor(a 20159 / 2^26) is floor(a / q), or one more when
// q divides a < 0 (20159 = round(2^26 / q)).
inline vec barrett(vec a) noexcept { return a - mullo(mulhi(a, vec(20159)) >> 10, v_q()); }

// [0, 2q) -> [0, q) and (-q, q) -> [0, q), by mask (no branch).
inline vec sub_q_if_needed(vec a) noexcept {
    const vec t = a - v_q();
    return t + (v_q() & (t >> 15));
}
inline vec add_q_if_negative(vec a) noexcept { return a + (v_q() & (a >> 15)); }

inline vec load(const std::array<std::uint16_t, n>& c, std::size_t i) noexcept {
    return vec::load_unaligned(reinterpret_cast<const std::int16_t*>(c.data()) + i * lanes);
}
inline void store(std::array<std::uint16_t, n>& c, std::size_t i, vec v) noexcept {
    v.store_unaligned(reinterpret_cast<std::int16_t*>(c.data()) + i * lanes);
}

// ---------------------------------------------------------------------------------------------
// Transposes

// 8 x 8 transpose of 16-bit elements within each 128-bit half of r[0..7].
template <class R>
inline void transpose8_halves(R* r) noexcept {
    const R a0 = unpacklo16(r[0], r[1]), a1 = unpackhi16(r[0], r[1]);
    const R a2 = unpacklo16(r[2], r[3]), a3 = unpackhi16(r[2], r[3]);
    const R a4 = unpacklo16(r[4], r[5]), a5 = unpackhi16(r[4], r[5]);
    const R a6 = unpacklo16(r[6], r[7]), a7 = unpackhi16(r[6], r[7]);
    const R b0 = unpacklo32(a0, a2), b1 = unpackhi32(a0, a2), b2 = unpacklo32(a1, a3), b3 = unpackhi32(a1, a3);
    const R b4 = unpacklo32(a4, a6), b5 = unpackhi32(a4, a6), b6 = unpacklo32(a5, a7), b7 = unpackhi32(a5, a7);
    r[0] = unpacklo64(b0, b4);
    r[1] = unpackhi64(b0, b4);
    r[2] = unpacklo64(b1, b5);
    r[3] = unpackhi64(b1, b5);
    r[4] = unpacklo64(b2, b6);
    r[5] = unpackhi64(b2, b6);
    r[6] = unpacklo64(b3, b7);
    r[7] = unpackhi64(b3, b7);
}

// Transposes the L x L block v[0..L-1] (vector = row, lane = column).
inline void transpose_block(vec* v) noexcept {
    reg r[lanes];  // a plain array: std::array<reg> would drop the register type's attributes
    for (std::size_t i = 0; i < lanes; ++i) r[i] = v[i];
    transpose8_halves(r);
#if defined(__AVX2__)
    // 16 x 16: the 8 x 8 quarters are transposed in place; swap the two off-diagonal ones.
    transpose8_halves(r + 8);
    for (std::size_t i = 0; i < 8; ++i) {
        v[i] = _mm256_permute2x128_si256(r[i], r[i + 8], 0x20);
        v[i + 8] = _mm256_permute2x128_si256(r[i], r[i + 8], 0x31);
    }
#else
    for (std::size_t i = 0; i < lanes; ++i) v[i] = r[i];
#endif
}

// ---------------------------------------------------------------------------------------------
// Twiddle tables, in Montgomery form and times q^-1, in the order the kernels read them.

struct twiddles {
    std::int16_t value;
    std::int16_t value_qinv;
};

[[nodiscard]] constexpr twiddles twiddle_of(std::uint16_t zeta) noexcept {
    const std::int16_t m = to_montgomery(zeta);
    return {m, times_qinv(m)};
}

// zetas[i] in Montgomery form, for the layers that combine whole vectors.
inline constexpr std::array<twiddles, 128> zeta_twiddles = [] {
    std::array<twiddles, 128> t{};
    for (std::size_t i = 0; i < 128; ++i) t[i] = twiddle_of(zetas[i]);
    return t;
}();

// One twiddle per lane for the transposed layers. Block b, vector w, lane l holds coefficient
// c = b L^2 + l L + w. Forward (Alg. 9): zeta index 128/len + c / (2 len); inverse (Alg. 10):
// 256/len - 1 - c / (2 len).
inline constexpr std::size_t transposed_layers = [] {
    std::size_t layers = 0;
    for (std::size_t len = 2; len < lanes; len *= 2) ++layers;
    return layers;
}();
inline constexpr std::size_t lane_twiddle_vectors = [] {
    std::size_t count = 0;
    for (std::size_t len = 2; len < lanes; len *= 2) count += lanes / (2 * len);
    return count * blocks;
}();

struct lane_twiddle_table {
    std::array<std::int16_t, lane_twiddle_vectors * lanes> value{};
    std::array<std::int16_t, lane_twiddle_vectors * lanes> value_qinv{};
};

// Forward order: block, then len = L/2 down to 2, then group g = w / (2 len), then lane.
inline constexpr lane_twiddle_table forward_lane_twiddles = [] {
    lane_twiddle_table t;
    std::size_t at = 0;
    for (std::size_t b = 0; b < blocks; ++b) {
        for (std::size_t len = lanes / 2; len >= 2; len /= 2) {
            for (std::size_t g = 0; g < lanes / (2 * len); ++g) {
                for (std::size_t l = 0; l < lanes; ++l, ++at) {
                    const std::size_t i = 128 / len + (b * lanes * lanes + l * lanes) / (2 * len) + g;
                    const twiddles z = twiddle_of(zetas[i]);
                    t.value[at] = z.value;
                    t.value_qinv[at] = z.value_qinv;
                }
            }
        }
    }
    return t;
}();

// Inverse order: block, then len = 2 up to L/2, then group, then lane.
inline constexpr lane_twiddle_table inverse_lane_twiddles = [] {
    lane_twiddle_table t;
    std::size_t at = 0;
    for (std::size_t b = 0; b < blocks; ++b) {
        for (std::size_t len = 2; len < lanes; len *= 2) {
            for (std::size_t g = 0; g < lanes / (2 * len); ++g) {
                for (std::size_t l = 0; l < lanes; ++l, ++at) {
                    const std::size_t i = 256 / len - 1 - ((b * lanes * lanes + l * lanes) / (2 * len) + g);
                    const twiddles z = twiddle_of(zetas[i]);
                    t.value[at] = z.value;
                    t.value_qinv[at] = z.value_qinv;
                }
            }
        }
    }
    return t;
}();

// Per-pair gamma (Alg. 11) in the lane order of even16/odd16 on the vector pair (2m, 2m+1): lane l
// of 128-bit half h = l / 8 holds pair h*4 + l%4 of the first vector (l%8 < 4) or of the second.
[[nodiscard]] constexpr std::size_t pair_of_lane(std::size_t l) noexcept {
    const std::size_t half = l / 8, p = l % 8;
    return (p < 4 ? 0 : lanes / 2) + half * 4 + p % 4;
}
struct gamma_table {
    std::array<std::int16_t, 128> value{};
    std::array<std::int16_t, 128> value_qinv{};
};
inline constexpr gamma_table lane_gammas = [] {
    gamma_table t;
    for (std::size_t m = 0; m < 128 / lanes; ++m) {
        for (std::size_t l = 0; l < lanes; ++l) {
            const twiddles g = twiddle_of(gammas[m * lanes + pair_of_lane(l)]);
            t.value[m * lanes + l] = g.value;
            t.value_qinv[m * lanes + l] = g.value_qinv;
        }
    }
    return t;
}();

inline vec load_table(const std::array<std::int16_t, lane_twiddle_vectors * lanes>& t, std::size_t i) noexcept {
    return vec::load_unaligned(t.data() + i * lanes);
}

// ---------------------------------------------------------------------------------------------
// Kernels

// FIPS 203, Alg. 9 (NTT). |coefficients| grow by < q per layer: < 8q < 2^15 after seven.
inline poly_ntt ntt(const poly& f) noexcept {
    std::array<vec, vectors> r;
    for (std::size_t i = 0; i < vectors; ++i) r[i] = load(f.c, i);

    std::size_t k = 1;  // L2
    for (std::size_t len = 128; len >= lanes; len /= 2) {  // L3, whole vectors
        const std::size_t d = len / lanes;
        for (std::size_t start = 0; start < n; start += 2 * len, ++k) {  // L4-6
            const twiddles z = zeta_twiddles[k];
            const vec zv(z.value), zq(z.value_qinv);
            for (std::size_t j = start / lanes; j < start / lanes + d; ++j) {  // L7-10
                const vec t = fqmul(r[j + d], zv, zq);
                r[j + d] = r[j] - t;
                r[j] = r[j] + t;
            }
        }
    }
    std::size_t at = 0;
    for (std::size_t b = 0; b < blocks; ++b) {  // len < L: transposed blocks, one twiddle per lane
        vec* v = r.data() + b * lanes;
        transpose_block(v);
        for (std::size_t len = lanes / 2; len >= 2; len /= 2) {
            for (std::size_t w0 = 0; w0 < lanes; w0 += 2 * len, ++at) {
                const vec zv = load_table(forward_lane_twiddles.value, at);
                const vec zq = load_table(forward_lane_twiddles.value_qinv, at);
                for (std::size_t w = w0; w < w0 + len; ++w) {
                    const vec t = fqmul(v[w + len], zv, zq);
                    v[w + len] = v[w] - t;
                    v[w] = v[w] + t;
                }
            }
        }
        transpose_block(v);
    }

    poly_ntt out;
    for (std::size_t i = 0; i < vectors; ++i) store(out.c, i, sub_q_if_needed(barrett(r[i])));
    return out;
}

// FIPS 203, Alg. 10 (NTT^-1), including the final factor 128^-1 = 3303 (L14). The sums are
// Barrett-reduced in every layer, so every value stays below 2q in magnitude.
inline poly ntt_inverse(const poly_ntt& f_hat) noexcept {
    std::array<vec, vectors> r;
    for (std::size_t i = 0; i < vectors; ++i) r[i] = load(f_hat.c, i);

    std::size_t at = 0;
    for (std::size_t b = 0; b < blocks; ++b) {  // len < L: transposed blocks
        vec* v = r.data() + b * lanes;
        transpose_block(v);
        for (std::size_t len = 2; len < lanes; len *= 2) {
            for (std::size_t w0 = 0; w0 < lanes; w0 += 2 * len, ++at) {
                const vec zv = load_table(inverse_lane_twiddles.value, at);
                const vec zq = load_table(inverse_lane_twiddles.value_qinv, at);
                for (std::size_t w = w0; w < w0 + len; ++w) {  // L8-10
                    const vec t = v[w];
                    v[w] = barrett(t + v[w + len]);
                    v[w + len] = fqmul(v[w + len] - t, zv, zq);
                }
            }
        }
        transpose_block(v);
    }
    for (std::size_t len = lanes; len <= 128; len *= 2) {  // whole vectors
        const std::size_t d = len / lanes;
        for (std::size_t start = 0; start < n; start += 2 * len) {
            const twiddles z = zeta_twiddles[256 / len - 1 - start / (2 * len)];
            const vec zv(z.value), zq(z.value_qinv);
            for (std::size_t j = start / lanes; j < start / lanes + d; ++j) {
                const vec t = r[j];
                r[j] = barrett(t + r[j + d]);
                r[j + d] = fqmul(r[j + d] - t, zv, zq);
            }
        }
    }

    constexpr twiddles f = twiddle_of(3303);  // L14
    const vec fv(f.value), fq(f.value_qinv);
    poly out;
    for (std::size_t i = 0; i < vectors; ++i) store(out.c, i, add_q_if_negative(fqmul(r[i], fv, fq)));
    return out;
}

// FIPS 203, Alg. 11 (MultiplyNTTs) with Alg. 12 (BaseCaseMultiply): the pairs are split into
// even and odd lanes, multiplied in Montgomery form, scaled back by R^2 and re-interleaved.
inline poly_ntt multiply_ntts(const poly_ntt& f, const poly_ntt& g) noexcept {
    constexpr twiddles r2 = twiddle_of(static_cast<std::uint16_t>((std::uint32_t{1} << 16) % q));  // R^2 mod q
    const vec r2v(r2.value), r2q(r2.value_qinv);
    const vec qinv(times_qinv(1));
    poly_ntt h;
    for (std::size_t m = 0; m < vectors / 2; ++m) {
        const reg f0 = load(f.c, 2 * m), f1 = load(f.c, 2 * m + 1);
        const reg g0 = load(g.c, 2 * m), g1 = load(g.c, 2 * m + 1);
        const vec a0 = even16(f0, f1), a1 = odd16(f0, f1);
        const vec b0 = even16(g0, g1), b1 = odd16(g0, g1);
        const vec b0q = mullo(b0, qinv), b1q = mullo(b1, qinv);
        const vec gv = vec::load_unaligned(lane_gammas.value.data() + m * lanes);
        const vec gq = vec::load_unaligned(lane_gammas.value_qinv.data() + m * lanes);
        // Alg. 12 L1: c0 = a0 b0 + a1 b1 gamma; L2: c1 = a0 b1 + a1 b0 (each times R^-1 here).
        const vec c0 = fqmul(a0, b0, b0q) + fqmul(fqmul(a1, b1, b1q), gv, gq);
        const vec c1 = fqmul(a0, b1, b1q) + fqmul(a1, b0, b0q);
        const reg e = add_q_if_negative(fqmul(c0, r2v, r2q));
        const reg o = add_q_if_negative(fqmul(c1, r2v, r2q));
        store(h.c, 2 * m, unpacklo16(e, o));
        store(h.c, 2 * m + 1, unpackhi16(e, o));
    }
    return h;
}

// f += g and f -= g (either domain).
template <class P>
inline void add_to(P& f, const P& g) noexcept {
    for (std::size_t i = 0; i < vectors; ++i) store(f.c, i, sub_q_if_needed(load(f.c, i) + load(g.c, i)));
}
template <class P>
inline void sub_from(P& f, const P& g) noexcept {
    for (std::size_t i = 0; i < vectors; ++i) store(f.c, i, add_q_if_negative(load(f.c, i) - load(g.c, i)));
}

// Compress_d (FIPS 203 eq. 4.7) of every coefficient, for d < 12: T = floor((2^d x + q/2) / q).
// An estimate with four fractional bits, mulhi(16 x, floor(2^(16+d) / q)), rounds to T or T +- 1;
// the remainder r = 2^d x + q/2 - T q, exact in wrapping 16-bit arithmetic because it lies in
// [-q, 2q), selects the correction by mask.
template <unsigned D>
inline void compress(poly& f) noexcept {
    static_assert(D >= 1 && D <= 11);
    const vec m(static_cast<std::int16_t>(static_cast<std::uint16_t>((std::uint32_t{1} << (16 + D)) / q)));
    for (std::size_t i = 0; i < vectors; ++i) {
        const vec x = load(f.c, i);
        vec t = (mulhi_unsigned(x << 4, m) + vec(8)) >> 4;  // arithmetic shift is fine: < 2^15
        const vec r = (x << D) + vec(static_cast<std::int16_t>(q / 2)) - mullo(t, v_q());
        t = t - ~((r - v_q()) >> 15);  // r >= q: one more
        t = t + (r >> 15);             // r < 0: one less
        store(f.c, i, t & vec(static_cast<std::int16_t>((1u << D) - 1)));
    }
}

// Decompress_d (FIPS 203 eq. 4.8) of every coefficient: floor((q y + 2^(d-1)) / 2^d) is
// (floor(2q y / 2^d) + 1) / 2, and floor(2q y / 2^d) = mulhi(y 2^(16-d), 2q) since y < 2^d.
template <unsigned D>
inline void decompress(poly& f) noexcept {
    static_assert(D >= 1 && D <= 11);
    const vec two_q(static_cast<std::int16_t>(2 * q));
    for (std::size_t i = 0; i < vectors; ++i) {
        const vec y = load(f.c, i);
        store(f.c, i, (mulhi_unsigned(y << (16 - D), two_q) + vec(1)) >> 1);
    }
}

#if defined(__AVX2__)
// For each 8-bit acceptance mask: the byte shuffle that moves the accepted 16-bit lanes to the
// front, in order (0x80 clears the rest).
inline constexpr auto accepted_lane_shuffles = [] {
    std::array<std::array<std::uint8_t, 16>, 256> table{};
    for (std::size_t mask = 0; mask < 256; ++mask) {
        std::size_t out = 0;
        for (std::size_t lane = 0; lane < 8; ++lane) {
            if ((mask >> lane) & 1u) {
                table[mask][out++] = static_cast<std::uint8_t>(2 * lane);
                table[mask][out++] = static_cast<std::uint8_t>(2 * lane + 1);
            }
        }
        while (out < 16) table[mask][out++] = 0x80;
    }
    return table;
}();

// Alg. 7 L5-13 like sample_ntt_block, eight candidates (12 bytes) per step: the bytes are spread
// into 16-bit lanes, L6-7 are a mask and a shift, L8/L11 one comparison, and the accepted lanes are
// packed to the front by a shuffle looked up from the acceptance mask. The mask indexes the table,
// which is fine only because the XOF input rho is public (as the loop count already is).
inline std::size_t sample_ntt_block(bytes_view block, sample_ntt_buffer& a, std::size_t j) noexcept {
    const __m128i spread = _mm_setr_epi8(0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11);
    const __m128i low12 = _mm_set1_epi16(0x0fff);
    const __m128i bound = _mm_set1_epi16(static_cast<std::int16_t>(q));
    std::size_t p = 0;
    for (; p + 16 <= block.size() && j < n; p += 12) {  // reads 16 bytes, uses 12
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block.data() + p));
        const __m128i v = _mm_shuffle_epi8(bytes, spread);
        const __m128i d = _mm_blend_epi16(_mm_and_si128(v, low12), _mm_srli_epi16(v, 4), 0xaa);  // L6-7
        const __m128i good = _mm_cmpgt_epi16(bound, d);                                            // L8, L11
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_packs_epi16(good, good))) & 0xffu;
        const __m128i pick = _mm_loadu_si128(reinterpret_cast<const __m128i*>(accepted_lane_shuffles[mask].data()));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(a.c.data() + j), _mm_shuffle_epi8(d, pick));  // L9, L12
        j += static_cast<std::size_t>(std::popcount(mask));
    }
    if (j >= n) return n;
    return ml_kem::sample_ntt_block(block.subspan(p), a, j);  // the last bytes, one by one
}
#endif

}  // namespace simd_kernels

#endif  // QKDNQ_ML_KEM_HAVE_SIMD

}  // namespace qkdnq::detail::ml_kem
