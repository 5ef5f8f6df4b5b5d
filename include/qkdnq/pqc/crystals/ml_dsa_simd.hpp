// ML-DSA polynomial kernels on 32-bit lanes (AVX2, 8 lanes): NTT, inverse NTT, MultiplyNTT
// (plain and accumulating), addition, subtraction, reduce32 / caddq / centre, Power2Round,
// Decompose, MakeHint, UseHint and the infinity-norm check, with exactly the outputs of the scalar
// references in ml_dsa_poly.hpp for every input in their documented ranges (the same
// representatives, not only the same residues), so the two backends give identical keys and
// signatures.
//
// Vectors are xsimd batches of std::int32_t on xsimd::avx2 (also used on AVX-512 machines, where
// the compiler emits EVEX encodings). Only AVX2 targets get this backend; elsewhere
// default_backend stays scalar (ml_dsa_backend.hpp). xsimd 8.1 has no widening 32 x 32 -> 64-bit
// multiply, 64-bit lane shift on a 32-bit batch, lane blend or in-register transpose, so those
// operations are written with the matching AVX2 intrinsics on the batch registers.
//
// Montgomery reduction (R = 2^32), as in pq-crystals/dilithium avx2: for a product a = x y, t =
// x (y q^-1) mod 2^32 by a low multiply, and (a - t q) / 2^32 = hi32(x y) - hi32(t q) exactly,
// since the low halves are equal. The 64-bit products come from _mm256_mul_epi32 on the even lanes
// and on the odd lanes shifted down; this is montgomery_reduce of ml_dsa_poly.hpp bit for bit.
//
// NTT layout: the layers with len >= 8 combine whole vectors; for len = 4, 2, 1 each 8 x 8 block
// of coefficients is transposed, so that those layers combine whole vectors too (one twiddle
// factor per lane), and transposed back. The additions and subtractions are those of the scalar
// code in the same order, without extra reductions, so every intermediate value is the same.
//
// Constant time: multiplies, shifts, masks and lane permutations only; no branch, index or
// division depends on coefficient values.
#pragma once

#include <qkdnq/pqc/crystals/ml_dsa_poly.hpp>

#include <xsimd/xsimd.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

#if defined(__AVX2__)
#include <immintrin.h>
#define QKDNQ_ML_DSA_HAVE_SIMD 1
#else
#define QKDNQ_ML_DSA_HAVE_SIMD 0
#endif

namespace qkdnq::detail::ml_dsa {

// z q^-1 mod 2^32 as a signed 32-bit value (compile time, public constants).
[[nodiscard]] constexpr std::int32_t times_qinv(std::int32_t z) noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(z) * qinv);
}
static_assert(static_cast<std::uint32_t>(q) * qinv == 1u, "qinv = q^-1 mod 2^32");

#if QKDNQ_ML_DSA_HAVE_SIMD

namespace simd_kernels {

using arch = xsimd::avx2;
using vec = xsimd::batch<std::int32_t, arch>;
using reg = typename vec::register_type;

inline constexpr std::size_t lanes = vec::size;                  // 8
inline constexpr std::size_t vectors = n / lanes;                // 32
inline constexpr std::size_t blocks = n / (lanes * lanes);       // 4 blocks of 8 x 8
static_assert(lanes == 8);

// ---------------------------------------------------------------------------------------------
// The operations xsimd 8.1 lacks, on __m256i registers.

inline vec mullo(vec a, vec b) noexcept { return _mm256_mullo_epi32(a, b); }

// montgomery_reduce(a_i b_i) per lane, given b_qinv = b q^-1 mod 2^32 (see the header comment).
inline vec montgomery_mul(vec a, vec b, vec b_qinv) noexcept {
    const reg vq = _mm256_set1_epi32(q);
    const reg ra = a, rb = b;
    const reg t = _mm256_mullo_epi32(ra, b_qinv);                            // a b q^-1 mod 2^32
    const reg a_odd = _mm256_srli_epi64(ra, 32), b_odd = _mm256_srli_epi64(rb, 32);
    const reg t_odd = _mm256_srli_epi64(t, 32);
    const reg even = _mm256_sub_epi64(_mm256_mul_epi32(ra, rb), _mm256_mul_epi32(t, vq));  // (a b - t q), 64-bit
    const reg odd = _mm256_sub_epi64(_mm256_mul_epi32(a_odd, b_odd), _mm256_mul_epi32(t_odd, vq));
    // The high halves: of even products moved down to the even lanes, of odd ones in place.
    return _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xaa);
}
inline vec montgomery_mul(vec a, vec b) noexcept { return montgomery_mul(a, b, mullo(b, vec(times_qinv(1)))); }

inline vec load(const std::array<std::int32_t, n>& c, std::size_t i) noexcept {
    return vec::load_unaligned(c.data() + i * lanes);
}
inline void store(std::array<std::int32_t, n>& c, std::size_t i, vec v) noexcept {
    v.store_unaligned(c.data() + i * lanes);
}

// The scalar helpers of ml_dsa_poly.hpp, lane by lane (same formulas, same int32 results).
inline vec reduce32(vec a) noexcept {
    const vec t = (a + vec(1 << 22)) >> 23;
    return a - mullo(t, vec(q));
}
inline vec caddq(vec a) noexcept { return a + ((a >> 31) & vec(q)); }
inline vec centre(vec a) noexcept {
    const vec r = caddq(reduce32(a));
    return r - (((vec((q - 1) / 2) - r) >> 31) & vec(q));
}

// Horizontal OR of the eight lanes (permutes and shuffles, no branch); xsimd 8.1 has a horizontal
// add (xsimd::hadd) but no horizontal OR.
inline std::uint32_t horizontal_or(vec v) noexcept {
    reg r = v;
    r = _mm256_or_si256(r, _mm256_permute2x128_si256(r, r, 0x01));
    r = _mm256_or_si256(r, _mm256_shuffle_epi32(r, 0x4e));
    r = _mm256_or_si256(r, _mm256_shuffle_epi32(r, 0xb1));
    return static_cast<std::uint32_t>(_mm256_cvtsi256_si32(r));
}

// Transposes the 8 x 8 block v[0..7] of 32-bit elements (vector = row, lane = column).
inline void transpose_block(vec* v) noexcept {
    reg r[lanes];  // a plain array: std::array<reg> would drop the register type's attributes
    for (std::size_t i = 0; i < lanes; ++i) r[i] = v[i];
    const reg a0 = _mm256_unpacklo_epi32(r[0], r[1]), a1 = _mm256_unpackhi_epi32(r[0], r[1]);
    const reg a2 = _mm256_unpacklo_epi32(r[2], r[3]), a3 = _mm256_unpackhi_epi32(r[2], r[3]);
    const reg a4 = _mm256_unpacklo_epi32(r[4], r[5]), a5 = _mm256_unpackhi_epi32(r[4], r[5]);
    const reg a6 = _mm256_unpacklo_epi32(r[6], r[7]), a7 = _mm256_unpackhi_epi32(r[6], r[7]);
    const reg b0 = _mm256_unpacklo_epi64(a0, a2), b1 = _mm256_unpackhi_epi64(a0, a2);
    const reg b2 = _mm256_unpacklo_epi64(a1, a3), b3 = _mm256_unpackhi_epi64(a1, a3);
    const reg b4 = _mm256_unpacklo_epi64(a4, a6), b5 = _mm256_unpackhi_epi64(a4, a6);
    const reg b6 = _mm256_unpacklo_epi64(a5, a7), b7 = _mm256_unpackhi_epi64(a5, a7);
    // b0..b7 hold rows 0-3 / 4-7 of columns (0,4), (1,5), (2,6), (3,7) in their 128-bit halves.
    v[0] = _mm256_permute2x128_si256(b0, b4, 0x20);
    v[1] = _mm256_permute2x128_si256(b1, b5, 0x20);
    v[2] = _mm256_permute2x128_si256(b2, b6, 0x20);
    v[3] = _mm256_permute2x128_si256(b3, b7, 0x20);
    v[4] = _mm256_permute2x128_si256(b0, b4, 0x31);
    v[5] = _mm256_permute2x128_si256(b1, b5, 0x31);
    v[6] = _mm256_permute2x128_si256(b2, b6, 0x31);
    v[7] = _mm256_permute2x128_si256(b3, b7, 0x31);
}

// ---------------------------------------------------------------------------------------------
// Twiddle tables for the transposed layers: block b, vector w, lane l holds coefficient
// c = 64 b + 8 l + w. Forward (Alg. 41): zetas[128/len + c/(2 len)]; inverse (Alg. 42, negated):
// -zetas[256/len - 1 - c/(2 len)]. Each with its times-q^-1 companion.

inline constexpr std::size_t lane_twiddle_vectors = blocks * (1 + 2 + 4);

struct lane_twiddle_table {
    std::array<std::int32_t, lane_twiddle_vectors * lanes> value{};
    std::array<std::int32_t, lane_twiddle_vectors * lanes> value_qinv{};
};

// Forward order: block, then len = 4, 2, 1, then group g = w / (2 len), then lane.
inline constexpr lane_twiddle_table forward_lane_twiddles = [] {
    lane_twiddle_table t;
    std::size_t at = 0;
    for (std::size_t b = 0; b < blocks; ++b) {
        for (std::size_t len = lanes / 2; len >= 1; len /= 2) {
            for (std::size_t g = 0; g < lanes / (2 * len); ++g) {
                for (std::size_t l = 0; l < lanes; ++l, ++at) {
                    const std::size_t c = b * lanes * lanes + l * lanes + g * 2 * len;
                    const std::int32_t z = zetas[128 / len + c / (2 * len)];
                    t.value[at] = z;
                    t.value_qinv[at] = times_qinv(z);
                }
            }
        }
    }
    return t;
}();

// Inverse order: block, then len = 1, 2, 4, then group, then lane.
inline constexpr lane_twiddle_table inverse_lane_twiddles = [] {
    lane_twiddle_table t;
    std::size_t at = 0;
    for (std::size_t b = 0; b < blocks; ++b) {
        for (std::size_t len = 1; len < lanes; len *= 2) {
            for (std::size_t g = 0; g < lanes / (2 * len); ++g) {
                for (std::size_t l = 0; l < lanes; ++l, ++at) {
                    const std::size_t c = b * lanes * lanes + l * lanes + g * 2 * len;
                    const std::int32_t z = -zetas[256 / len - 1 - c / (2 * len)];
                    t.value[at] = z;
                    t.value_qinv[at] = times_qinv(z);
                }
            }
        }
    }
    return t;
}();

inline vec load_table(const std::array<std::int32_t, lane_twiddle_vectors * lanes>& t, std::size_t i) noexcept {
    return vec::load_unaligned(t.data() + i * lanes);
}

// ---------------------------------------------------------------------------------------------
// Kernels

// FIPS 204, Alg. 41 (NTT), as ml_dsa::ntt: input |f_i| < q, output |w_i| < 9q.
inline poly_ntt ntt(const poly& f) noexcept {
    std::array<vec, vectors> r;
    for (std::size_t i = 0; i < vectors; ++i) r[i] = load(f.c, i);

    std::size_t m = 0;
    for (std::size_t len = 128; len >= lanes; len /= 2) {  // whole vectors
        const std::size_t dv = len / lanes;
        for (std::size_t start = 0; start < n; start += 2 * len) {
            const std::int32_t z = zetas[++m];
            const vec zv(z), zq(times_qinv(z));
            for (std::size_t j = start / lanes; j < start / lanes + dv; ++j) {
                const vec t = montgomery_mul(r[j + dv], zv, zq);
                r[j + dv] = r[j] - t;
                r[j] = r[j] + t;
            }
        }
    }
    std::size_t at = 0;
    for (std::size_t b = 0; b < blocks; ++b) {  // len = 4, 2, 1: transposed blocks
        vec* v = r.data() + b * lanes;
        transpose_block(v);
        for (std::size_t len = lanes / 2; len >= 1; len /= 2) {
            for (std::size_t w0 = 0; w0 < lanes; w0 += 2 * len, ++at) {
                const vec zv = load_table(forward_lane_twiddles.value, at);
                const vec zq = load_table(forward_lane_twiddles.value_qinv, at);
                for (std::size_t w = w0; w < w0 + len; ++w) {
                    const vec t = montgomery_mul(v[w + len], zv, zq);
                    v[w + len] = v[w] - t;
                    v[w] = v[w] + t;
                }
            }
        }
        transpose_block(v);
    }

    poly_ntt out;
    for (std::size_t i = 0; i < vectors; ++i) store(out.c, i, r[i]);
    return out;
}

// FIPS 204, Alg. 42 (NTT^-1) times 2^32, as ml_dsa::ntt_inverse_montgomery: input |w_i| < q,
// output |f_i| < q.
inline poly ntt_inverse_montgomery(const poly_ntt& w_hat) noexcept {
    std::array<vec, vectors> r;
    for (std::size_t i = 0; i < vectors; ++i) r[i] = load(w_hat.c, i);

    std::size_t at = 0;
    for (std::size_t b = 0; b < blocks; ++b) {  // len = 1, 2, 4: transposed blocks
        vec* v = r.data() + b * lanes;
        transpose_block(v);
        for (std::size_t len = 1; len < lanes; len *= 2) {
            for (std::size_t w0 = 0; w0 < lanes; w0 += 2 * len, ++at) {
                const vec zv = load_table(inverse_lane_twiddles.value, at);
                const vec zq = load_table(inverse_lane_twiddles.value_qinv, at);
                for (std::size_t w = w0; w < w0 + len; ++w) {
                    const vec t = v[w];
                    v[w] = t + v[w + len];
                    v[w + len] = montgomery_mul(t - v[w + len], zv, zq);
                }
            }
        }
        transpose_block(v);
    }
    std::size_t m = n / lanes;  // zetas[--m] continues below the transposed layers' indices (32..255)
    for (std::size_t len = lanes; len < n; len *= 2) {  // whole vectors
        const std::size_t dv = len / lanes;
        for (std::size_t start = 0; start < n; start += 2 * len) {
            const std::int32_t z = -zetas[--m];
            const vec zv(z), zq(times_qinv(z));
            for (std::size_t j = start / lanes; j < start / lanes + dv; ++j) {
                const vec t = r[j];
                r[j] = t + r[j + dv];
                r[j + dv] = montgomery_mul(t - r[j + dv], zv, zq);
            }
        }
    }

    constexpr std::int32_t f = 41978;  // 2^64 / 256 mod q, as ml_dsa::ntt_inverse_montgomery
    const vec fv(f), fq(times_qinv(f));
    poly out;
    for (std::size_t i = 0; i < vectors; ++i) store(out.c, i, montgomery_mul(r[i], fv, fq));
    return out;
}

// FIPS 204, Alg. 45 (MultiplyNTT) in Montgomery form, as ml_dsa::multiply_ntts_montgomery.
inline poly_ntt multiply_ntts(const poly_ntt& a, const poly_ntt& b) noexcept {
    const vec qinv_v(times_qinv(1));
    poly_ntt c;
    for (std::size_t i = 0; i < vectors; ++i) {
        const vec bv = load(b.c, i);
        store(c.c, i, montgomery_mul(load(a.c, i), bv, mullo(bv, qinv_v)));
    }
    return c;
}

// acc += a o b * 2^-32, as ml_dsa::multiply_accumulate_montgomery.
inline void multiply_accumulate(poly_ntt& acc, const poly_ntt& a, const poly_ntt& b) noexcept {
    const vec qinv_v(times_qinv(1));
    for (std::size_t i = 0; i < vectors; ++i) {
        const vec bv = load(b.c, i);
        store(acc.c, i, load(acc.c, i) + montgomery_mul(load(a.c, i), bv, mullo(bv, qinv_v)));
    }
}

template <class P>
inline void add_to(P& f, const P& g) noexcept {
    for (std::size_t i = 0; i < vectors; ++i) store(f.c, i, load(f.c, i) + load(g.c, i));
}
template <class P>
inline void sub_from(P& f, const P& g) noexcept {
    for (std::size_t i = 0; i < vectors; ++i) store(f.c, i, load(f.c, i) - load(g.c, i));
}
template <class P>
inline void reduce(P& f) noexcept {
    for (std::size_t i = 0; i < vectors; ++i) store(f.c, i, reduce32(load(f.c, i)));
}
template <class P>
inline void caddq_poly(P& f) noexcept {
    for (std::size_t i = 0; i < vectors; ++i) store(f.c, i, caddq(load(f.c, i)));
}
template <class P>
inline void centre_poly(P& f) noexcept {
    for (std::size_t i = 0; i < vectors; ++i) store(f.c, i, centre(load(f.c, i)));
}

// FIPS 204, Alg. 35 (Power2Round) on every coefficient, t_i in [0, q).
inline void power2round(poly& t1, poly& t0, const poly& t) noexcept {
    for (std::size_t i = 0; i < vectors; ++i) {
        const vec r = load(t.c, i);
        const vec r1 = (r + vec((1 << (d - 1)) - 1)) >> static_cast<std::int32_t>(d);
        store(t1.c, i, r1);
        store(t0.c, i, r - (r1 << static_cast<std::int32_t>(d)));
    }
}

// FIPS 204, Alg. 36 (Decompose) on one vector, r_i in [0, q): the formulas of ml_dsa::decompose.
template <std::int32_t Gamma2>
inline vec decompose(vec r, vec& r0) noexcept {
    static_assert(Gamma2 == gamma2_low || Gamma2 == gamma2_high, "gamma2 is (q-1)/88 or (q-1)/32");
    vec r1 = (r + vec(127)) >> 7;
    if constexpr (Gamma2 == gamma2_high) {
        r1 = (mullo(r1, vec(1025)) + vec(1 << 21)) >> 22;
        r1 = r1 & vec(15);
    } else {
        r1 = (mullo(r1, vec(11275)) + vec(1 << 23)) >> 24;
        r1 = r1 ^ (((vec(43) - r1) >> 31) & r1);
    }
    vec low = r - mullo(r1, vec(2 * Gamma2));
    low = low - (((vec((q - 1) / 2) - low) >> 31) & vec(q));
    r0 = low;
    return r1;
}

template <std::int32_t Gamma2>
inline void decompose(poly& w1, poly& w0, const poly& w) noexcept {
    for (std::size_t i = 0; i < vectors; ++i) {
        vec r0;
        store(w1.c, i, decompose<Gamma2>(load(w.c, i), r0));
        store(w0.c, i, r0);
    }
}

// make_hint_low on every coefficient; returns the number of ones.
template <std::int32_t Gamma2>
inline std::uint32_t make_hint(poly& h, const poly& a0, const poly& a1) noexcept {
    const reg one = _mm256_set1_epi32(1), zero = _mm256_setzero_si256();
    vec count(0);
    for (std::size_t i = 0; i < vectors; ++i) {
        const reg x = load(a0.c, i), y = load(a1.c, i);
        const reg x_plus = _mm256_add_epi32(x, _mm256_set1_epi32(Gamma2));
        const reg above = _mm256_srli_epi32(_mm256_sub_epi32(_mm256_set1_epi32(Gamma2), x), 31);  // a0 > gamma2
        const reg below = _mm256_srli_epi32(x_plus, 31);                                          // a0 < -gamma2
        const reg edge = _mm256_and_si256(_mm256_andnot_si256(_mm256_cmpeq_epi32(y, zero), _mm256_cmpeq_epi32(x_plus, zero)), one);
        const vec hv = _mm256_or_si256(_mm256_or_si256(above, below), edge);
        store(h.c, i, hv);
        count = count + hv;
    }
    return static_cast<std::uint32_t>(xsimd::hadd(count));
}

// FIPS 204, Alg. 40 (UseHint) on every coefficient, as ml_dsa::use_hint.
template <std::int32_t Gamma2>
inline void use_hint(poly& w1, const poly& h, const poly& w) noexcept {
    for (std::size_t i = 0; i < vectors; ++i) {
        vec r0;
        const vec r1 = decompose<Gamma2>(load(w.c, i), r0);
        const vec positive = (vec(0) - r0) >> 31;
        vec v = r1 + ((positive & vec(2)) - vec(1));
        if constexpr (Gamma2 == gamma2_high) {
            v = v & vec(15);
        } else {
            v = v + ((v >> 31) & vec(44));
            v = v - (((vec(43) - v) >> 31) & vec(44));
        }
        const vec use = vec(0) - load(h.c, i);
        store(w1.c, i, r1 ^ ((r1 ^ v) & use));
    }
}

// All-ones iff some |f_i mod± q| >= bound, as ml_dsa::norm_exceeds (every coefficient looked at).
inline std::uint32_t norm_exceeds(const poly& f, std::int32_t bound) noexcept {
    const vec bv(bound);
    vec over(0);
    for (std::size_t i = 0; i < vectors; ++i) {
        const vec v = centre(load(f.c, i));
        const vec magnitude = _mm256_abs_epi32(v);
        over = over | ~((magnitude - bv) >> 31);
    }
    return horizontal_or(over);
}

}  // namespace simd_kernels

#endif  // QKDNQ_ML_DSA_HAVE_SIMD

}  // namespace qkdnq::detail::ml_dsa
