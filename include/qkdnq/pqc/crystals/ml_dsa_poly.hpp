// ML-DSA polynomial arithmetic over Z_q[X]/(X^256 + 1), q = 8380417 (FIPS 204 §2.3, §7).
//
// Scalar reference code, the kernels of detail::ml_dsa::scalar_backend (ml_dsa_backend.hpp).
// Coefficients are std::int32_t; each function states the range it accepts and returns. Products
// use Montgomery reduction (R = 2^32), as in pq-crystals/dilithium ref/reduce.c: the NTT-domain
// product and the inverse NTT carry the factors R^-1 and R, so ntt_inverse_montgomery(
// multiply_ntts_montgomery(a_hat, b_hat)) is NTT^-1(a_hat o b_hat) exactly.
//
// Constant time by construction: reductions are multiply-and-shift, conditional corrections are
// sign masks, Decompose divides by 2 gamma2 through a multiply-and-shift (pq-crystals
// ref/rounding.c), and no secret value selects a branch, a memory index, a division or a %.
// Data-dependent loops touch public data only: RejNTTPoly (public rho), SampleInBall (c~, which
// the signer declassifies, see ml_dsa.hpp), HintBitPack/HintBitUnpack (signature data), and the
// accept/reject pattern of RejBoundedPoly, which is declassified candidate by candidate: whether a
// half-byte is rejected says nothing about the values that are accepted.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/shake.hpp>

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

namespace qkdnq::detail::ml_dsa {

inline constexpr std::int32_t q = 8380417;
inline constexpr std::size_t n = 256;
inline constexpr unsigned d = 13;  // dropped bits of t (FIPS 204 §4, Table 1)

inline constexpr std::int32_t gamma2_low = (q - 1) / 88;   // ML-DSA-44
inline constexpr std::int32_t gamma2_high = (q - 1) / 32;  // ML-DSA-65, ML-DSA-87

// A polynomial; `poly` in the normal domain (R_q), `poly_ntt` in the NTT domain (T_q). Distinct
// types with the same layout, so the domain is checked at compile time.
struct poly {
    std::array<std::int32_t, n> c{};
};
struct poly_ntt {
    std::array<std::int32_t, n> c{};
};

// `value` after marking it public for the valgrind check (ct::unpoison): a declassification.
template <std::unsigned_integral T>
[[nodiscard]] inline T declassify(T value) noexcept {
    ct::unpoison(&value, sizeof value);
    return value;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic mod q

inline constexpr std::uint32_t qinv = 58728449;  // q^-1 mod 2^32
inline constexpr std::int32_t montgomery_r = -4186625;  // 2^32 mod q, centred

// a * 2^-32 mod q, in (-q, q), for |a| < 2^31 q (pq-crystals ref/reduce.c, montgomery_reduce).
[[nodiscard]] constexpr std::int32_t montgomery_reduce(std::int64_t a) noexcept {
    const auto t = static_cast<std::int32_t>(static_cast<std::uint32_t>(a) * qinv);  // a q^-1 mod 2^32
    return static_cast<std::int32_t>((a - std::int64_t{t} * q) >> 32);
}

// a mod q, in [-6283008, 6283008], for a <= 2^31 - 2^22 - 1 (ref/reduce.c, reduce32):
// a - round(a / 2^23) q.
[[nodiscard]] constexpr std::int32_t reduce32(std::int32_t a) noexcept {
    const std::int32_t t = (a + (1 << 22)) >> 23;
    return a - t * q;
}

// a + q if a < 0, else a (a sign mask, no branch).
[[nodiscard]] constexpr std::int32_t caddq(std::int32_t a) noexcept { return a + ((a >> 31) & q); }

// The representative of a mod q in [0, q), for a <= 2^31 - 2^22 - 1.
[[nodiscard]] constexpr std::int32_t freeze(std::int32_t a) noexcept { return caddq(reduce32(a)); }

// a mod± q: the representative in [-(q-1)/2, (q-1)/2] (FIPS 204 §2.3), for a <= 2^31 - 2^22 - 1.
[[nodiscard]] constexpr std::int32_t centre(std::int32_t a) noexcept {
    const std::int32_t r = freeze(a);
    return r - (((((q - 1) / 2) - r) >> 31) & q);
}

// ---------------------------------------------------------------------------------------------
// NTT (FIPS 204 §7.5). zeta = 1753 is a primitive 512-th root of unity mod q.

[[nodiscard]] constexpr std::uint8_t bit_rev8(std::size_t i) noexcept {
    std::uint32_t r = 0;
    for (unsigned b = 0; b < 8; ++b) r |= ((static_cast<std::uint32_t>(i) >> b) & 1u) << (7 - b);
    return static_cast<std::uint8_t>(r);
}

[[nodiscard]] constexpr std::int64_t pow_mod(std::int64_t base, unsigned e) noexcept {
    std::int64_t r = 1;
    for (; e != 0; e >>= 1) {  // compile time only (public constants)
        if ((e & 1u) != 0) r = r * base % q;
        base = base * base % q;
    }
    return r;
}

// zetas[k] = 1753^BitRev8(k) mod q (FIPS 204 Appendix B), in Montgomery form (times 2^32 mod q)
// and centred, as in pq-crystals ref/ntt.c. zetas[0] is not used.
inline constexpr std::array<std::int32_t, n> zetas = [] {
    std::array<std::int32_t, n> z{};
    for (std::size_t k = 0; k < n; ++k) {
        const std::int64_t plain = pow_mod(1753, bit_rev8(k));
        const std::int64_t mont = plain * ((std::int64_t{1} << 32) % q) % q;
        z[k] = static_cast<std::int32_t>(mont > q / 2 ? mont - q : mont);
    }
    return z;
}();

static_assert(pow_mod(1753, bit_rev8(1)) == 4808194 && pow_mod(1753, bit_rev8(255)) == 7648983,
              "FIPS 204 Appendix B");
static_assert(zetas[1] == 25847 && zetas[2] == -2608894 && zetas[255] == 1976782, "pq-crystals ref/ntt.c");

// FIPS 204, Alg. 41 (NTT). Input |f_i| < q; output |w_i| < 9q (no reduction between layers).
[[nodiscard]] inline poly_ntt ntt(const poly& f) noexcept {
    poly_ntt out;
    out.c = f.c;  // L1-3
    auto& w = out.c;
    std::size_t m = 0;                                              // L4
    for (std::size_t len = 128; len >= 1; len /= 2) {               // L5
        for (std::size_t start = 0; start < n; start += 2 * len) {  // L7
            const std::int64_t z = zetas[++m];                      // L8-9
            for (std::size_t j = start; j < start + len; ++j) {     // L10
                const std::int32_t t = montgomery_reduce(z * w[j + len]);  // L11
                w[j + len] = w[j] - t;                                     // L12
                w[j] = w[j] + t;                                           // L13
            }
        }
    }
    return out;
}

// FIPS 204, Alg. 42 (NTT^-1), ending with a Montgomery multiplication by F: F = 2^24 = 16382
// mod q gives the factor 256^-1 of L21-23 exactly; F = 41978 = 2^64 / 256 mod q gives 256^-1 2^32,
// which cancels the 2^-32 of a Montgomery product. Input |w_i| < q (the sums of L12 then stay
// below 256 q < 2^31); output |f_i| < q.
template <std::int32_t F>
[[nodiscard]] inline poly ntt_inverse_scaled(const poly_ntt& w_hat) noexcept {
    poly out;
    out.c = w_hat.c;  // L1-3
    auto& w = out.c;
    std::size_t m = n;                                              // L4
    for (std::size_t len = 1; len < n; len *= 2) {                  // L5
        for (std::size_t start = 0; start < n; start += 2 * len) {  // L7
            const std::int64_t z = -zetas[--m];                     // L8-9
            for (std::size_t j = start; j < start + len; ++j) {     // L10
                const std::int32_t t = w[j];                        // L11
                w[j] = t + w[j + len];                              // L12
                w[j + len] = montgomery_reduce(z * (t - w[j + len]));  // L13-14
            }
        }
    }
    for (auto& x : w) x = montgomery_reduce(std::int64_t{F} * x);  // L20-23: times f = 256^-1 mod q
    return out;
}

// NTT^-1 exactly (Alg. 42): ntt_inverse(ntt(f)) == f mod q.
[[nodiscard]] inline poly ntt_inverse(const poly_ntt& w_hat) noexcept { return ntt_inverse_scaled<16382>(w_hat); }

// NTT^-1(w_hat) * 2^32 mod q (pq-crystals invntt_tomont: 41978 = 2^64 / 256 mod q).
[[nodiscard]] inline poly ntt_inverse_montgomery(const poly_ntt& w_hat) noexcept {
    return ntt_inverse_scaled<41978>(w_hat);
}

// FIPS 204, Alg. 45 (MultiplyNTT) in Montgomery form: a_hat o b_hat * 2^-32, |result| < q,
// for |a_i b_i| < 2^31 q (e.g. both below 9q).
[[nodiscard]] inline poly_ntt multiply_ntts_montgomery(const poly_ntt& a, const poly_ntt& b) noexcept {
    poly_ntt c;
    for (std::size_t i = 0; i < n; ++i) c.c[i] = montgomery_reduce(std::int64_t{a.c[i]} * b.c[i]);
    return c;
}

// acc += a_hat o b_hat * 2^-32 (Alg. 45 and Alg. 44 (AddNTT)); each call adds less than q.
inline void multiply_accumulate_montgomery(poly_ntt& acc, const poly_ntt& a, const poly_ntt& b) noexcept {
    for (std::size_t i = 0; i < n; ++i) acc.c[i] += montgomery_reduce(std::int64_t{a.c[i]} * b.c[i]);
}

// f += g, f -= g (FIPS 204 Alg. 44 and its inverse), no reduction.
template <class P>
inline void add_to(P& f, const P& g) noexcept {
    for (std::size_t i = 0; i < n; ++i) f.c[i] += g.c[i];
}
template <class P>
inline void sub_from(P& f, const P& g) noexcept {
    for (std::size_t i = 0; i < n; ++i) f.c[i] -= g.c[i];
}
// Each coefficient to reduce32 / caddq / freeze / centre.
template <class P>
inline void reduce_poly(P& f) noexcept {
    for (auto& x : f.c) x = reduce32(x);
}
template <class P>
inline void caddq_poly(P& f) noexcept {
    for (auto& x : f.c) x = caddq(x);
}
template <class P>
inline void centre_poly(P& f) noexcept {
    for (auto& x : f.c) x = centre(x);
}
// f * 2^d, for 0 <= f_i < 2^10 (t1, FIPS 204 Alg. 8 L9).
inline void shift_left_d(poly& f) noexcept {
    for (auto& x : f.c) x *= std::int32_t{1} << d;
}

// All-ones if some |f_i mod± q| >= bound, else zero, looking at every coefficient (the norm
// check ||f||_inf >= bound of FIPS 204 Alg. 7 L23, L28 and Alg. 8 L13). f_i <= 2^31 - 2^22 - 1.
[[nodiscard]] inline std::uint32_t norm_exceeds(const poly& f, std::int32_t bound) noexcept {
    std::uint32_t over = 0;
    for (const std::int32_t x : f.c) {
        const std::int32_t v = centre(x);
        const std::int32_t sign = v >> 31;
        const std::int32_t magnitude = (v ^ sign) - sign;
        over |= ~static_cast<std::uint32_t>((magnitude - bound) >> 31);  // all-ones iff magnitude >= bound
    }
    return over;
}

// ---------------------------------------------------------------------------------------------
// Rounding (FIPS 204 §7.4). Inputs r are standard representatives in [0, q).

// FIPS 204, Alg. 35 (Power2Round): r = r1 2^d + r0 with r0 in (-2^12, 2^12]. Returns r1, sets r0.
[[nodiscard]] constexpr std::int32_t power2round(std::int32_t r, std::int32_t& r0) noexcept {
    const std::int32_t r1 = (r + (1 << (d - 1)) - 1) >> d;  // L2-3: round half down
    r0 = r - (r1 << d);
    return r1;
}

// FIPS 204, Alg. 36 (Decompose): r = r1 (2 gamma2) + r0 with r0 in (-gamma2, gamma2], and the
// wrap-around case r - r0 = q - 1 mapped to r1 = 0, r0 = r0 - 1 (L4-6). Returns r1, sets r0. The
// quotient round(r / 2 gamma2) comes from a multiply-and-shift, as in pq-crystals
// ref/rounding.c: no division, no %, no branch (tested against the definition on all of [0, q)).
template <std::int32_t Gamma2>
[[nodiscard]] constexpr std::int32_t decompose(std::int32_t r, std::int32_t& r0) noexcept {
    static_assert(Gamma2 == gamma2_low || Gamma2 == gamma2_high, "gamma2 is (q-1)/88 or (q-1)/32");
    std::int32_t r1 = (r + 127) >> 7;  // ceil(r / 128); 2 gamma2 is a multiple of 128
    if constexpr (Gamma2 == gamma2_high) {
        r1 = (r1 * 1025 + (1 << 21)) >> 22;  // round(r / 2 gamma2) in [0, 16]
        r1 &= 15;                            // 16 -> 0 (the wrap-around case)
    } else {
        r1 = (r1 * 11275 + (1 << 23)) >> 24;  // round(r / 2 gamma2) in [0, 44]
        r1 ^= ((43 - r1) >> 31) & r1;         // 44 -> 0 (the wrap-around case)
    }
    r0 = r - r1 * 2 * Gamma2;
    r0 -= (((q - 1) / 2 - r0) >> 31) & q;  // wrap-around: r - q = (r - (q - 1)) - 1
    return r1;
}

// FIPS 204, Alg. 37 (HighBits) and Alg. 38 (LowBits).
template <std::int32_t Gamma2>
[[nodiscard]] constexpr std::int32_t high_bits(std::int32_t r) noexcept {
    std::int32_t r0 = 0;
    return decompose<Gamma2>(r, r0);
}
template <std::int32_t Gamma2>
[[nodiscard]] constexpr std::int32_t low_bits(std::int32_t r) noexcept {
    std::int32_t r0 = 0;
    (void)decompose<Gamma2>(r, r0);
    return r0;
}

// FIPS 204, Alg. 39 (MakeHint) as defined: 1 iff HighBits(r) != HighBits(r + z). r in [0, q),
// |z| < q. The signer uses the equivalent make_hint_low; this form is the reference for the tests.
template <std::int32_t Gamma2>
[[nodiscard]] inline std::int32_t make_hint(std::int32_t z, std::int32_t r) noexcept {
    const std::int32_t r1 = high_bits<Gamma2>(r);          // L1
    const std::int32_t v1 = high_bits<Gamma2>(freeze(r + z));  // L2
    return static_cast<std::int32_t>(~ct::is_equal(static_cast<std::uint32_t>(r1), static_cast<std::uint32_t>(v1)) & 1u);
}

// MakeHint(-ct0, w - cs2 + ct0) of FIPS 204 Alg. 7 L26, from a0 = LowBits(w - cs2) + ct0 and
// a1 = HighBits(w - cs2) = HighBits(w), in the form of pq-crystals ref/rounding.c:
// 1 iff a0 > gamma2 or a0 < -gamma2 or (a0 == -gamma2 and a1 != 0). Valid when
// |LowBits(w - cs2)| < gamma2 - beta and |ct0| < gamma2 (the checks of L23 and L28 passed);
// the tests compare it with Alg. 39 over that domain. Masks only.
template <std::int32_t Gamma2>
[[nodiscard]] inline std::int32_t make_hint_low(std::int32_t a0, std::int32_t a1) noexcept {
    const std::uint32_t above = static_cast<std::uint32_t>(Gamma2 - a0) >> 31;  // a0 > gamma2
    const std::uint32_t below = static_cast<std::uint32_t>(a0 + Gamma2) >> 31;  // a0 < -gamma2
    const std::uint32_t edge = ct::is_zero(static_cast<std::uint32_t>(a0 + Gamma2)) &
                               ~ct::is_zero(static_cast<std::uint32_t>(a1)) & 1u;
    return static_cast<std::int32_t>(above | below | edge);
}

// FIPS 204, Alg. 40 (UseHint): with m = (q - 1) / (2 gamma2), (r1 + 1) mod m if h = 1 and r0 > 0,
// (r1 - 1) mod m if h = 1 and r0 <= 0, else r1. r in [0, q), h in {0, 1}. Masks only.
template <std::int32_t Gamma2>
[[nodiscard]] constexpr std::int32_t use_hint(std::int32_t h, std::int32_t r) noexcept {
    std::int32_t r0 = 0;
    const std::int32_t r1 = decompose<Gamma2>(r, r0);  // L2
    const std::int32_t positive = (-r0) >> 31;          // all-ones iff r0 > 0
    std::int32_t v = r1 + ((positive & 2) - 1);         // r1 + 1 or r1 - 1
    if constexpr (Gamma2 == gamma2_high) {
        v &= 15;  // mod 16
    } else {
        v += (v >> 31) & 44;          // -1 -> 43
        v -= ((43 - v) >> 31) & 44;   // 44 -> 0
    }
    const std::int32_t use = -h;  // all-ones iff h = 1
    return r1 ^ ((r1 ^ v) & use);
}

// ---------------------------------------------------------------------------------------------
// Bit packing (FIPS 204 §7.1). 256 coefficients of `Bits` bits take 32 * Bits bytes, little-endian.

[[nodiscard]] constexpr unsigned bit_length(std::uint32_t x) noexcept {
    unsigned b = 0;
    for (; x != 0; x >>= 1) ++b;
    return b;
}

// Packs map(f_i), each below 2^Bits. The number of bytes written per coefficient depends on
// the (public) position only.
template <unsigned Bits, class Map>
inline void pack_bits(const std::array<std::int32_t, n>& f, std::span<std::uint8_t, 32 * Bits> out, Map map) noexcept {
    static_assert(Bits >= 1 && Bits <= 24);
    std::uint64_t acc = 0;
    unsigned bits = 0;
    std::size_t o = 0;
    for (std::size_t i = 0; i < n; ++i) {
        acc |= std::uint64_t{map(f[i])} << bits;
        bits += Bits;
        while (bits >= 8) {
            out[o++] = static_cast<std::uint8_t>(acc);
            acc >>= 8;
            bits -= 8;
        }
    }
}

// Unpacks 256 Bits-bit fields v_i and stores map(v_i).
template <unsigned Bits, class Map>
inline void unpack_bits(std::span<const std::uint8_t, 32 * Bits> in, std::array<std::int32_t, n>& f, Map map) noexcept {
    static_assert(Bits >= 1 && Bits <= 24);
    std::uint64_t acc = 0;
    unsigned bits = 0;
    std::size_t b = 0;
    for (std::size_t i = 0; i < n; ++i) {
        while (bits < Bits) {
            acc |= std::uint64_t{in[b++]} << bits;
            bits += 8;
        }
        f[i] = map(static_cast<std::uint32_t>(acc & ((std::uint64_t{1} << Bits) - 1)));
        acc >>= Bits;
        bits -= Bits;
    }
}

// FIPS 204, Alg. 16 (SimpleBitPack) for coefficients in [0, B], bitlen(B) bits each.
template <std::uint32_t B>
inline void simple_bit_pack(const std::array<std::int32_t, n>& w, std::span<std::uint8_t, 32 * bit_length(B)> out) noexcept {
    pack_bits<bit_length(B)>(w, out, [](std::int32_t x) { return static_cast<std::uint32_t>(x); });
}

// FIPS 204, Alg. 18 (SimpleBitUnpack): any bit pattern is accepted (for B = 2^b - 1).
template <std::uint32_t B>
inline void simple_bit_unpack(std::span<const std::uint8_t, 32 * bit_length(B)> in, std::array<std::int32_t, n>& w) noexcept {
    unpack_bits<bit_length(B)>(in, w, [](std::uint32_t v) { return static_cast<std::int32_t>(v); });
}

// FIPS 204, Alg. 17 (BitPack) for coefficients in [-A, B]: stores B - w_i in bitlen(A + B) bits.
template <std::uint32_t A, std::uint32_t B>
inline void bit_pack(const std::array<std::int32_t, n>& w, std::span<std::uint8_t, 32 * bit_length(A + B)> out) noexcept {
    pack_bits<bit_length(A + B)>(w, out, [](std::int32_t x) { return static_cast<std::uint32_t>(static_cast<std::int32_t>(B) - x); });
}

// FIPS 204, Alg. 19 (BitUnpack): w_i = B - v_i. Fields above A + B (possible only in a malformed
// encoding when A + B + 1 is not a power of two) give values below -A; callers that need the
// range check it (private_key decoding).
template <std::uint32_t A, std::uint32_t B>
inline void bit_unpack(std::span<const std::uint8_t, 32 * bit_length(A + B)> in, std::array<std::int32_t, n>& w) noexcept {
    unpack_bits<bit_length(A + B)>(in, w, [](std::uint32_t v) { return static_cast<std::int32_t>(B) - static_cast<std::int32_t>(v); });
}

// FIPS 204, Alg. 20 (HintBitPack): y[0 .. omega) lists the positions of the ones of h[0], h[1],
// ..., and y[omega + i] is the running count after h[i]. h holds 0/1 values with at most omega
// ones (the signer's check, Alg. 7 L28). Branches on h: call it on a hint that is public (part of
// an accepted signature).
template <std::size_t K, std::size_t Omega>
inline void hint_bit_pack(const std::array<poly, K>& h, std::span<std::uint8_t, Omega + K> y) noexcept {
    std::fill(y.begin(), y.end(), std::uint8_t{0});  // L1
    std::size_t index = 0;                           // L2
    for (std::size_t i = 0; i < K; ++i) {            // L3
        for (std::size_t j = 0; j < n; ++j) {        // L4
            if (h[i].c[j] != 0 && index < Omega) {   // L5 (index < omega always holds for a valid h)
                y[index] = static_cast<std::uint8_t>(j);  // L6
                ++index;                                  // L7
            }
        }
        y[Omega + i] = static_cast<std::uint8_t>(index);  // L10
    }
}

// FIPS 204, Alg. 21 (HintBitUnpack). Returns false (the spec's ⊥) on every malformed encoding:
// a running count that decreases or exceeds omega (L4), positions that are not strictly
// increasing within one polynomial (L8), or nonzero padding after the last position (L14-16).
template <std::size_t K, std::size_t Omega>
[[nodiscard]] inline bool hint_bit_unpack(std::span<const std::uint8_t, Omega + K> y, std::array<poly, K>& h) noexcept {
    for (auto& p : h) p.c.fill(0);  // L1
    std::size_t index = 0;          // L2
    for (std::size_t i = 0; i < K; ++i) {  // L3
        const std::size_t end = y[Omega + i];
        if (end < index || end > Omega) return false;  // L4-5
        const std::size_t first = index;                // L6
        while (index < end) {                           // L7
            if (index > first && y[index - 1] >= y[index]) return false;  // L8-10
            h[i].c[y[index]] = 1;  // L11
            ++index;               // L12
        }
    }
    for (std::size_t i = index; i < Omega; ++i) {  // L14
        if (y[i] != 0) return false;               // L15-16
    }
    return true;  // L17
}

// ---------------------------------------------------------------------------------------------
// Sampling (FIPS 204 §7.3)

// FIPS 204, Alg. 30 (RejNTTPoly) L5-13 with Alg. 14 (CoeffFromThreeBytes) on one block of
// SHAKE128 output (a multiple of 3 bytes): appends the accepted values to a.c[j...] and returns the
// new count, at most n. Public data: branches freely.
inline std::size_t rej_ntt_parse(bytes_view block, poly_ntt& a, std::size_t j) noexcept {
    for (std::size_t p = 0; p + 3 <= block.size() && j < n; p += 3) {  // L5
        const std::int32_t z = static_cast<std::int32_t>(block[p]) | (static_cast<std::int32_t>(block[p + 1]) << 8) |
                               (static_cast<std::int32_t>(block[p + 2] & 0x7f) << 16);  // Alg. 14 L1-3
        if (z < q) a.c[j++] = z;  // Alg. 14 L4-5, Alg. 30 L7-8
    }
    return j;
}

// Five SHAKE128 blocks give 280 candidates; 256 are needed and each is accepted with probability
// q / 2^23 > 0.999, so more are rarely squeezed (pq-crystals POLY_UNIFORM_NBLOCKS).
inline constexpr std::size_t rej_ntt_first_blocks = 5;

// FIPS 204, Alg. 30 (RejNTTPoly): rejection sampling from SHAKE128(seed), seed = rho || s || r
// (34 bytes, ExpandA). Public data.
[[nodiscard]] inline poly_ntt rej_ntt_poly(std::span<const std::uint8_t, 34> seed) {
    shake128 g;
    g.absorb(seed);  // L2-3
    poly_ntt a;
    std::array<std::uint8_t, rej_ntt_first_blocks * shake128::rate> blocks{};
    g.squeeze(blocks);
    std::size_t j = rej_ntt_parse(blocks, a, 0);  // L4
    while (j < n) {
        const auto one = std::span<std::uint8_t>(blocks).first(shake128::rate);
        g.squeeze(one);
        j = rej_ntt_parse(one, a, j);
    }
    return a;
}

// FIPS 204, Alg. 15 (CoeffFromHalfByte) without the rejection: eta - (b mod 5) for eta = 2 (the
// mod 5 by multiply-and-shift, exact for b < 15), eta - b for eta = 4.
template <unsigned Eta>
[[nodiscard]] constexpr std::int32_t coeff_from_half_byte(std::uint32_t b) noexcept {
    static_assert(Eta == 2 || Eta == 4);
    if constexpr (Eta == 2) {
        const std::uint32_t mod5 = b - ((205 * b) >> 10) * 5;
        return 2 - static_cast<std::int32_t>(mod5);
    } else {
        return 4 - static_cast<std::int32_t>(b);
    }
}

// A RejBoundedPoly output being filled: one spare slot for the last unconditional store.
struct rej_bounded_buffer {
    std::array<std::int32_t, n + 1> c{};
};

// FIPS 204, Alg. 31 (RejBoundedPoly) L4-14 on one block of SHAKE256 output: appends the accepted
// coefficients to a.c[j...] and returns the new count, at most n. The input is secret. Each
// candidate is computed and stored without a branch; only its accept bit (b < 15 or b < 9) is
// declassified and moves the write position: rejections are independent of the accepted values
// (pq-crystals rej_eta, mldsa-native's declassification of t_valid).
template <unsigned Eta>
inline std::size_t rej_bounded_parse(bytes_view block, rej_bounded_buffer& a, std::size_t j) noexcept {
    constexpr std::uint32_t limit = Eta == 2 ? 15 : 9;
    for (std::size_t p = 0; p < block.size() && j < n; ++p) {  // L4
        const std::uint32_t z = block[p];
        const std::uint32_t z0 = z & 15u, z1 = z >> 4;  // L6-7
        a.c[j] = coeff_from_half_byte<Eta>(z0);
        j += declassify(ct::is_less(z0, limit)) & 1u;  // L8-10
        a.c[j] = coeff_from_half_byte<Eta>(z1);
        j += declassify(ct::is_less(z1, limit)) & static_cast<std::uint32_t>(j < n);  // L11-13
    }
    return j;
}

// One block (272 half-bytes) for eta = 2, two for eta = 4 usually suffice (pq-crystals
// POLY_UNIFORM_ETA_NBLOCKS); the count of blocks squeezed is public like the accept bits.
template <unsigned Eta>
inline constexpr std::size_t rej_bounded_first_blocks = Eta == 2 ? 1 : 2;

// FIPS 204, Alg. 31 (RejBoundedPoly): coefficients in [-eta, eta] from SHAKE256(seed), seed =
// rho' || IntegerToBytes(r, 2) (66 bytes, ExpandS). rho' is secret; see rej_bounded_parse.
template <unsigned Eta>
[[nodiscard]] inline poly rej_bounded_poly(std::span<const std::uint8_t, 66> seed) {
    shake256 h;
    h.absorb(seed);  // L2-3
    rej_bounded_buffer a;
    std::array<std::uint8_t, rej_bounded_first_blocks<Eta> * shake256::rate> blocks{};
    h.squeeze(blocks);
    std::size_t j = rej_bounded_parse<Eta>(blocks, a, 0);
    while (j < n) {
        const auto one = std::span<std::uint8_t>(blocks).first(shake256::rate);
        h.squeeze(one);
        j = rej_bounded_parse<Eta>(one, a, j);
    }
    poly out;
    std::copy_n(a.c.begin(), n, out.c.begin());
    secure_zero(&a, sizeof a);
    secure_zero(blocks.data(), blocks.size());
    return out;
}

// One polynomial of FIPS 204 Alg. 34 (ExpandMask): y = BitUnpack(H(rho'' || IntegerToBytes(nonce,
// 2), 32 c), gamma1 - 1, gamma1), c = 1 + bitlen(gamma1 - 1), gamma1 = 2^Gamma1Bits. Fixed-length
// output, no rejection: constant time in rho'' (secret).
template <unsigned Gamma1Bits>
[[nodiscard]] inline poly expand_mask_poly(std::span<const std::uint8_t, 64> rho2, std::uint16_t nonce) {
    static_assert(Gamma1Bits == 17 || Gamma1Bits == 19);
    constexpr std::uint32_t gamma1 = std::uint32_t{1} << Gamma1Bits;
    constexpr unsigned c = 1 + bit_length(gamma1 - 1);  // L1
    std::array<std::uint8_t, 66> input{};
    std::copy(rho2.begin(), rho2.end(), input.begin());
    input[64] = static_cast<std::uint8_t>(nonce);  // L3: IntegerToBytes(mu + r, 2)
    input[65] = static_cast<std::uint8_t>(nonce >> 8);
    std::array<std::uint8_t, 32 * c> v{};
    shake256::hash(input, v);  // L4
    poly y;
    bit_unpack<gamma1 - 1, gamma1>(v, y.c);  // L5
    secure_zero(input.data(), input.size());
    secure_zero(v.data(), v.size());
    return y;
}

// FIPS 204, Alg. 29 (SampleInBall): c with tau coefficients in {-1, 1}, the rest 0, from
// H(rho) with rho = c~ (lambda / 4 bytes). Rejection on the squeezed bytes and an index by them:
// call it on public data only (the signer declassifies c~ first).
template <unsigned Tau>
[[nodiscard]] inline poly sample_in_ball(bytes_view rho) {
    shake256 h;
    h.absorb(rho);  // L2-3
    std::array<std::uint8_t, shake256::rate> block{};
    h.squeeze(block);  // L4: s = first 8 bytes
    std::uint64_t signs = load_le64(block.data());  // L5: h = BytesToBits(s)
    std::size_t pos = 8;
    poly c;                                           // L1
    for (std::size_t i = n - Tau; i < n; ++i) {       // L6
        std::size_t j = 0;
        do {  // L7-10: j <- next byte until j <= i
            if (pos == block.size()) {
                h.squeeze(block);
                pos = 0;
            }
            j = block[pos++];
        } while (j > i);
        c.c[i] = c.c[j];                                               // L11
        c.c[j] = 1 - 2 * static_cast<std::int32_t>(signs & 1u);       // L12: (-1)^h[i + tau - 256]
        signs >>= 1;
    }
    return c;
}

}  // namespace qkdnq::detail::ml_dsa
