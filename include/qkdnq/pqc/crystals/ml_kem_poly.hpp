// ML-KEM polynomial arithmetic over Z_q[X]/(X^256 + 1), q = 3329 (FIPS 203 §2.4, §4).
//
// Scalar reference code. Coefficients are kept fully reduced in [0, q) as std::uint16_t.
// Constant time by construction: products are reduced with Barrett reduction, conditional
// subtractions use masks (qkdnq::ct), Compress divides by q through a multiply-and-shift,
// and no secret value selects a branch or a memory index. Only SampleNTT (Alg. 7) depends on
// its input, in how many blocks it squeezes, and that input comes from the public seed rho.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/shake.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace qkdnq::detail::ml_kem {

inline constexpr std::uint32_t q = 3329;
inline constexpr std::size_t n = 256;

// A polynomial; `poly` in the normal domain, `poly_ntt` (same layout) in the NTT domain
// (FIPS 203 §4.3: T_q). The two are distinct types so that the domain is checked at compile time.
struct poly {
    std::array<std::uint16_t, n> c{};
};
struct poly_ntt {
    std::array<std::uint16_t, n> c{};
};

// ---------------------------------------------------------------------------------------------
// Arithmetic mod q

// x - q if x >= q, else x; for x < 2q. Mask-based (mlkem-native/mlkem/src/poly.c, scalar_signed_to_unsigned_q).
// The mask goes through ct::value_barrier so the compiler cannot turn it back into a branch.
[[nodiscard]] inline std::uint16_t csubq(std::uint32_t x) noexcept {
    const std::uint32_t t = x - q;
    const std::uint32_t mask = ct::expand_top_bit(t);  // all-ones iff x < q
    return static_cast<std::uint16_t>(t + (q & mask));
}

// x mod q for x < 2^26, by Barrett reduction: floor(x * m / 2^36) with m = floor(2^36 / q)
// underestimates floor(x / q) by at most one, so one conditional subtraction finishes it.
[[nodiscard]] inline std::uint16_t barrett_reduce(std::uint32_t x) noexcept {
    constexpr std::uint64_t m = (std::uint64_t{1} << 36) / q;
    const auto t = static_cast<std::uint32_t>((std::uint64_t{x} * m) >> 36);
    return csubq(x - t * q);
}

[[nodiscard]] inline std::uint16_t add_mod(std::uint16_t a, std::uint16_t b) noexcept {
    return csubq(std::uint32_t{a} + b);
}
[[nodiscard]] inline std::uint16_t sub_mod(std::uint16_t a, std::uint16_t b) noexcept {
    return csubq(std::uint32_t{a} + q - b);
}
[[nodiscard]] inline std::uint16_t mul_mod(std::uint16_t a, std::uint16_t b) noexcept {
    return barrett_reduce(std::uint32_t{a} * b);
}

// ---------------------------------------------------------------------------------------------
// NTT (FIPS 203 §4.3). zeta = 17 is a primitive 256-th root of unity mod q.

[[nodiscard]] constexpr std::uint8_t bit_rev7(std::uint8_t i) noexcept {
    std::uint8_t r = 0;
    for (int b = 0; b < 7; ++b) r = static_cast<std::uint8_t>(r | (((i >> b) & 1) << (6 - b)));
    return r;
}

[[nodiscard]] constexpr std::uint16_t pow_mod(std::uint32_t base, std::uint32_t e) noexcept {
    std::uint32_t r = 1;
    for (std::uint32_t i = 0; i < e; ++i) r = (r * base) % q;  // compile time only (public constants)
    return static_cast<std::uint16_t>(r);
}

// zetas[i] = 17^BitRev7(i) mod q (FIPS 203 Appendix A).
inline constexpr std::array<std::uint16_t, 128> zetas = [] {
    std::array<std::uint16_t, 128> z{};
    for (std::size_t i = 0; i < 128; ++i) z[i] = pow_mod(17, bit_rev7(static_cast<std::uint8_t>(i)));
    return z;
}();

// gammas[i] = 17^(2 BitRev7(i) + 1) mod q (FIPS 203 Appendix A, used by Alg. 11).
inline constexpr std::array<std::uint16_t, 128> gammas = [] {
    std::array<std::uint16_t, 128> g{};
    for (std::size_t i = 0; i < 128; ++i) g[i] = pow_mod(17, 2u * bit_rev7(static_cast<std::uint8_t>(i)) + 1u);
    return g;
}();

static_assert(zetas[1] == 1729 && zetas[127] == 2154, "FIPS 203 Appendix A");
static_assert(gammas[0] == 17 && gammas[1] == 3312 && gammas[127] == 1175, "FIPS 203 Appendix A");

// FIPS 203, Alg. 9 (NTT).
[[nodiscard]] inline poly_ntt ntt(const poly& f) noexcept {
    poly_ntt out;
    out.c = f.c;  // Alg. 9, L1
    auto& a = out.c;
    std::size_t i = 1;  // L2
    for (std::size_t len = 128; len >= 2; len /= 2) {               // L3
        for (std::size_t start = 0; start < n; start += 2 * len) {  // L4
            const std::uint16_t zeta = zetas[i++];                  // L5-6
            for (std::size_t j = start; j < start + len; ++j) {     // L7
                const std::uint16_t t = mul_mod(zeta, a[j + len]);  // L8
                a[j + len] = sub_mod(a[j], t);                      // L9
                a[j] = add_mod(a[j], t);                            // L10
            }
        }
    }
    return out;
}

// FIPS 203, Alg. 10 (NTT^-1). Includes the final multiplication by 128^-1 = 3303 (L14), so
// ntt_inverse(ntt(f)) == f exactly.
[[nodiscard]] inline poly ntt_inverse(const poly_ntt& f_hat) noexcept {
    poly out;
    out.c = f_hat.c;  // L1
    auto& a = out.c;
    std::size_t i = 127;  // L2
    for (std::size_t len = 2; len <= 128; len *= 2) {                  // L3
        for (std::size_t start = 0; start < n; start += 2 * len) {     // L4
            const std::uint16_t zeta = zetas[i--];                     // L5-6
            for (std::size_t j = start; j < start + len; ++j) {        // L7
                const std::uint16_t t = a[j];                          // L8
                a[j] = add_mod(t, a[j + len]);                         // L9
                a[j + len] = mul_mod(zeta, sub_mod(a[j + len], t));    // L10
            }
        }
    }
    for (auto& x : a) x = mul_mod(x, 3303);  // L14
    return out;
}

// FIPS 203, Alg. 11 (MultiplyNTTs) with Alg. 12 (BaseCaseMultiply) inlined.
[[nodiscard]] inline poly_ntt multiply_ntts(const poly_ntt& f, const poly_ntt& g) noexcept {
    poly_ntt h;
    for (std::size_t i = 0; i < 128; ++i) {  // Alg. 11, L1
        const std::uint16_t a0 = f.c[2 * i], a1 = f.c[2 * i + 1];
        const std::uint16_t b0 = g.c[2 * i], b1 = g.c[2 * i + 1];
        // Alg. 12, L1: c0 = a0 b0 + a1 b1 gamma; L2: c1 = a0 b1 + a1 b0.
        h.c[2 * i] = add_mod(mul_mod(a0, b0), mul_mod(mul_mod(a1, b1), gammas[i]));
        h.c[2 * i + 1] = add_mod(mul_mod(a0, b1), mul_mod(a1, b0));
    }
    return h;
}

// f += g (either domain).
template <class P>
inline void add_to(P& f, const P& g) noexcept {
    for (std::size_t i = 0; i < n; ++i) f.c[i] = add_mod(f.c[i], g.c[i]);
}
template <class P>
inline void sub_from(P& f, const P& g) noexcept {
    for (std::size_t i = 0; i < n; ++i) f.c[i] = sub_mod(f.c[i], g.c[i]);
}

// ---------------------------------------------------------------------------------------------
// Compress / Decompress (FIPS 203 §4.2.1, eq. 4.7, 4.8)

// Compress_d(x) = round((2^d / q) x) mod 2^d, for x in [0, q) and d < 12. The division by q is
// floor(num * 2580335 / 2^33), exact for every num < 2^23 (checked exhaustively by the tests).
[[nodiscard]] constexpr std::uint16_t compress(std::uint16_t x, unsigned d) noexcept {
    const std::uint64_t num = (std::uint64_t{x} << d) + q / 2;
    const auto quotient = static_cast<std::uint32_t>((num * 2580335u) >> 33);
    return static_cast<std::uint16_t>(quotient & ((1u << d) - 1u));
}

// Decompress_d(y) = round((q / 2^d) y), for y in [0, 2^d).
[[nodiscard]] constexpr std::uint16_t decompress(std::uint16_t y, unsigned d) noexcept {
    return static_cast<std::uint16_t>((std::uint32_t{y} * q + (1u << (d - 1))) >> d);
}

// Compress_d / Decompress_d of every coefficient.
template <unsigned D>
inline void compress_poly(poly& f) noexcept {
    for (auto& x : f.c) x = compress(x, D);
}
template <unsigned D>
inline void decompress_poly(poly& f) noexcept {
    for (auto& x : f.c) x = decompress(x, D);
}

// ---------------------------------------------------------------------------------------------
// ByteEncode / ByteDecode (FIPS 203 Alg. 5, 6). 32 d bytes per polynomial, little-endian bits.

// lcm(d, 8): the bits of a whole number of coefficients that fill whole bytes.
[[nodiscard]] constexpr unsigned chunk_bits(unsigned d) noexcept {
    unsigned bits = d;
    while (bits % 8 != 0) bits += d;
    return bits;
}

template <unsigned D>
inline void byte_encode(const std::array<std::uint16_t, n>& f, std::span<std::uint8_t, 32 * D> out) noexcept {
    static_assert(D >= 1 && D <= 12);
    if constexpr (D == 12) {  // two coefficients per three bytes
        for (std::size_t i = 0; i < n / 2; ++i) {
            const std::uint32_t a = f[2 * i], b = f[2 * i + 1];
            out[3 * i] = static_cast<std::uint8_t>(a);
            out[3 * i + 1] = static_cast<std::uint8_t>((a >> 8) | (b << 4));
            out[3 * i + 2] = static_cast<std::uint8_t>(b >> 4);
        }
        return;
    } else if constexpr (chunk_bits(D) <= 64) {  // whole chunks of lcm(d, 8) bits through a word
        constexpr std::size_t per_chunk = chunk_bits(D) / D, chunk_bytes = chunk_bits(D) / 8;
        for (std::size_t i = 0; i < n / per_chunk; ++i) {
            std::uint64_t word = 0;
            for (std::size_t j = 0; j < per_chunk; ++j) word |= std::uint64_t{f[i * per_chunk + j]} << (D * j);
            for (std::size_t b = 0; b < chunk_bytes; ++b) out[i * chunk_bytes + b] = static_cast<std::uint8_t>(word >> (8 * b));
        }
        return;
    }
    std::uint64_t acc = 0;
    unsigned bits = 0;
    std::size_t o = 0;
    for (std::size_t i = 0; i < n; ++i) {
        acc |= std::uint64_t{f[i]} << bits;
        bits += D;
        while (bits >= 8) {  // the bit count is public
            out[o++] = static_cast<std::uint8_t>(acc);
            acc >>= 8;
            bits -= 8;
        }
    }
}

// ByteDecode_d; for d = 12 each value is reduced mod q (Alg. 6, m = q).
template <unsigned D>
inline void byte_decode(std::span<const std::uint8_t, 32 * D> in, std::array<std::uint16_t, n>& f) noexcept {
    static_assert(D >= 1 && D <= 12);
    if constexpr (D == 12) {  // two coefficients per three bytes, each reduced mod q (< 4096 < 2q)
        for (std::size_t i = 0; i < n / 2; ++i) {
            const std::uint32_t b0 = in[3 * i], b1 = in[3 * i + 1], b2 = in[3 * i + 2];
            f[2 * i] = csubq(b0 | ((b1 & 0x0f) << 8));
            f[2 * i + 1] = csubq((b1 >> 4) | (b2 << 4));
        }
        return;
    } else if constexpr (chunk_bits(D) <= 64) {
        constexpr std::size_t per_chunk = chunk_bits(D) / D, chunk_bytes = chunk_bits(D) / 8;
        for (std::size_t i = 0; i < n / per_chunk; ++i) {
            std::uint64_t word = 0;
            for (std::size_t b = 0; b < chunk_bytes; ++b) word |= std::uint64_t{in[i * chunk_bytes + b]} << (8 * b);
            for (std::size_t j = 0; j < per_chunk; ++j) {
                f[i * per_chunk + j] = static_cast<std::uint16_t>((word >> (D * j)) & ((1u << D) - 1u));
            }
        }
        return;
    }
    std::uint64_t acc = 0;
    unsigned bits = 0;
    std::size_t b = 0;
    for (std::size_t i = 0; i < n; ++i) {
        while (bits < D) {
            acc |= std::uint64_t{in[b++]} << bits;
            bits += 8;
        }
        const auto v = static_cast<std::uint16_t>(acc & ((1u << D) - 1u));
        acc >>= D;
        bits -= D;
        if constexpr (D == 12) {
            f[i] = csubq(v);  // v < 4096 < 2q
        } else {
            f[i] = v;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sampling (FIPS 203 §4.2.2)

// Alg. 7 L5-13 on one block of XOF output: appends the accepted 12-bit values to a.c[j...]
// and returns the new count (at most n). Each candidate is written unconditionally and kept by
// advancing j, so the loop has no data-dependent branch; `a` has spare slots past n for the
// last writes (the SIMD parser in ml_kem_simd.hpp writes eight values at a time).
struct sample_ntt_buffer {
    std::array<std::uint16_t, n + 8> c{};
};
inline std::size_t sample_ntt_block(bytes_view block, sample_ntt_buffer& a, std::size_t j) noexcept {
    for (std::size_t p = 0; p + 3 <= block.size() && j < n; p += 3) {  // L5: C = 3 bytes
        const std::uint32_t d1 = block[p] | ((block[p + 1] & 0x0fu) << 8);  // L6
        const std::uint32_t d2 = (block[p + 1] >> 4) | (std::uint32_t{block[p + 2]} << 4);  // L7
        a.c[j] = static_cast<std::uint16_t>(d1);
        j += d1 < q;  // L8-10
        a.c[j] = static_cast<std::uint16_t>(d2);
        j += (d2 < q) & (j < n);  // L11-13
    }
    return j;
}

// FIPS 203, Alg. 7 (SampleNTT): rejection sampling from SHAKE128(rho || j || i). `seed` is the
// 34-byte B. Data-dependent only in the number of blocks squeezed (public: rho is public).
// `Parse` is the block parser: sample_ntt_block or a SIMD one with the same contract.
template <auto Parse = sample_ntt_block>
[[nodiscard]] inline poly_ntt sample_ntt(std::span<const std::uint8_t, 34> seed) {
    shake128 xof;
    xof.absorb(seed);  // L2-3
    sample_ntt_buffer a;
    std::size_t j = 0;
    std::array<std::uint8_t, 3 * shake128::rate> blocks{};  // three blocks are usually enough
    xof.squeeze(blocks);
    j = Parse(blocks, a, j);
    while (j < n) {  // L4
        xof.squeeze(std::span<std::uint8_t>(blocks).first(shake128::rate));
        j = Parse(std::span<const std::uint8_t>(blocks).first(shake128::rate), a, j);
    }
    poly_ntt out;
    std::copy_n(a.c.begin(), n, out.c.begin());
    return out;
}

// FIPS 203, Alg. 8 (SamplePolyCBD_eta) on 64 eta bytes. Constant time. The bit sums of
// L3-4 are done for a whole word at once: for eta = 2, four bytes give eight coefficients (the
// 2-bit fields of (t & 0x55..) + ((t >> 1) & 0x55..) are x, y, x, y, ...); for eta = 3, three
// bytes give four (3-bit fields of three masked shifts by 0x249249).
template <unsigned Eta>
[[nodiscard]] inline poly sample_poly_cbd(std::span<const std::uint8_t, 64 * Eta> bytes) noexcept {
    static_assert(Eta == 2 || Eta == 3);
    poly f;
    if constexpr (Eta == 2) {
        for (std::size_t w = 0; w < n / 8; ++w) {
            const std::uint32_t t = load_le32(bytes.data() + 4 * w);
            const std::uint32_t d = (t & 0x55555555u) + ((t >> 1) & 0x55555555u);
            for (std::size_t j = 0; j < 8; ++j) {
                const std::uint32_t x = (d >> (4 * j)) & 3u, y = (d >> (4 * j + 2)) & 3u;  // L3-4
                f.c[8 * w + j] = csubq(x + q - y);                                         // L5
            }
        }
    } else {
        for (std::size_t w = 0; w < n / 4; ++w) {
            const std::uint8_t* p = bytes.data() + 3 * w;
            const std::uint32_t t = std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16);
            const std::uint32_t d = (t & 0x249249u) + ((t >> 1) & 0x249249u) + ((t >> 2) & 0x249249u);
            for (std::size_t j = 0; j < 4; ++j) {
                const std::uint32_t x = (d >> (6 * j)) & 7u, y = (d >> (6 * j + 3)) & 7u;  // L3-4
                f.c[4 * w + j] = csubq(x + q - y);                                         // L5
            }
        }
    }
    return f;
}

// The bit-by-bit form of Alg. 8, kept as the reference for the tests.
template <unsigned Eta>
[[nodiscard]] inline poly sample_poly_cbd_bitwise(std::span<const std::uint8_t, 64 * Eta> bytes) noexcept {
    poly f;
    auto bit = [&](std::size_t i) -> std::uint32_t { return (std::uint32_t{bytes[i / 8]} >> (i % 8)) & 1u; };
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t x = 0, y = 0;
        for (std::size_t j = 0; j < Eta; ++j) {
            x += bit(2 * i * Eta + j);        // L3
            y += bit(2 * i * Eta + Eta + j);  // L4
        }
        f.c[i] = csubq(x + q - y);  // L5: x - y mod q
    }
    return f;
}

// PRF_eta(s, b) = SHAKE256(s || b, 64 eta) (FIPS 203 eq. 4.3), then SamplePolyCBD_eta.
template <unsigned Eta>
[[nodiscard]] inline poly sample_cbd_prf(std::span<const std::uint8_t, 32> s, std::uint8_t b) {
    std::array<std::uint8_t, 33> input{};
    for (std::size_t i = 0; i < 32; ++i) input[i] = s[i];
    input[32] = b;
    std::array<std::uint8_t, 64 * Eta> buf{};
    shake256::hash(input, buf);
    poly f = sample_poly_cbd<Eta>(buf);
    secure_zero(std::span<std::uint8_t>(input));
    secure_zero(std::span<std::uint8_t>(buf));
    return f;
}

}  // namespace qkdnq::detail::ml_kem
