// Arithmetic in GF(2^128) and GF(2^64) for the polynomial-evaluation hashes (auth/poly_hash.hpp),
// and the scalar kernels that hash whole blocks.
//
// Fields (bit i of an element is the coefficient of x^i, the project's LSB-first order):
//   GF(2^128) = GF(2)[x] / (x^128 + x^7 + x^2 + x + 1), GCM's field (NIST SP 800-38D §6.3) in the
//               natural rather than GHASH's reflected bit order: an element is {lo, hi} with
//               value lo + x^64 hi. GHASH_H(X) = r(PH_r(H)(r(X))) with r reversing the bits of each
//               byte (tests/auth/test_poly_hash.cpp checks GCM's vectors that way).
//   GF(2^64)  = GF(2)[x] / (x^64 + x^4 + x^3 + x + 1), the 64-bit modulus of the AIT QKD stack's
//               evaluation hash; both moduli pass Rabin's irreducibility test in the tests.
//
// Blocks are read little-endian: 16 bytes b[0..15] are lo = b[0] + 2^8 b[1] + ... + 2^56 b[7] and
// hi likewise from b[8..15] (8 bytes for GF(2^64)), so byte j bit i is the coefficient of x^(8j+i).
//
// Kernels: `<field>_blocks_reference` is Horner's rule a block at a time on the constant-time
// portable carry-less product (simd::clmul64_scalar), the reference every other kernel is tested
// against. `<field>_blocks_aggregated` multiplies up to `power_count` blocks by precomputed powers
// of the key, adds the unreduced 256-bit (128-bit) products and reduces once per chunk, on
// simd::clmul64 (PCLMULQDQ where the flags allow); auth/detail/poly_hash_simd.hpp has the
// vector kernels. All run in time independent of the key and the data.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/simd/clmul.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace qkdnq::auth::detail {

// An element of GF(2^128): lo + x^64 hi.
struct gf128 {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;

    friend constexpr bool operator==(const gf128&, const gf128&) = default;
};

[[nodiscard]] constexpr gf128 operator^(gf128 a, gf128 b) noexcept { return {a.lo ^ b.lo, a.hi ^ b.hi}; }

[[nodiscard]] inline gf128 load_gf128(const std::uint8_t* p) noexcept { return {load_le64(p), load_le64(p + 8)}; }
inline void store_gf128(std::uint8_t* p, gf128 v) noexcept {
    store_le64(p, v.lo);
    store_le64(p + 8, v.hi);
}

// w * (x^7 + x^2 + x + 1) as {lo, hi}, hi < 2^7: the fold of x^128 = x^7 + x^2 + x + 1.
[[nodiscard]] constexpr simd::clmul_product mul_by_0x87(std::uint64_t w) noexcept {
    return {w ^ (w << 1) ^ (w << 2) ^ (w << 7), (w >> 63) ^ (w >> 62) ^ (w >> 57)};
}

// The 256-bit product p0 + x^64 p1 + x^128 p2 + x^192 p3 reduced modulo x^128 + x^7 + x^2 + x + 1:
// x^192 p3 = x^64 (0x87 p3), then x^128 p2' = 0x87 p2'.
[[nodiscard]] constexpr gf128 reduce256(std::uint64_t p0, std::uint64_t p1, std::uint64_t p2, std::uint64_t p3) noexcept {
    const simd::clmul_product q = mul_by_0x87(p3);
    p1 ^= q.lo;
    p2 ^= q.hi;
    const simd::clmul_product r = mul_by_0x87(p2);
    return {p0 ^ r.lo, p1 ^ r.hi};
}

// An unreduced 256-bit product: lo128 + x^64 mid + x^128 hi128, the three schoolbook partial sums.
struct gf128_wide {
    simd::clmul_product low;     // a.lo b.lo
    simd::clmul_product middle;  // a.lo b.hi + a.hi b.lo
    simd::clmul_product high;    // a.hi b.hi

    constexpr void add(const gf128_wide& o) noexcept {
        low.lo ^= o.low.lo, low.hi ^= o.low.hi;
        middle.lo ^= o.middle.lo, middle.hi ^= o.middle.hi;
        high.lo ^= o.high.lo, high.hi ^= o.high.hi;
    }
    [[nodiscard]] constexpr gf128 reduce() const noexcept {
        return reduce256(low.lo, low.hi ^ middle.lo, high.lo ^ middle.hi, high.hi);
    }
};

template <bool Portable>
[[nodiscard]] inline simd::clmul_product clmul(std::uint64_t a, std::uint64_t b) noexcept {
    if constexpr (Portable) {
        return simd::clmul64_scalar(a, b);
    } else {
        return simd::clmul64(a, b);
    }
}

template <bool Portable>
[[nodiscard]] inline gf128_wide mul_wide(gf128 a, gf128 b) noexcept {
    const simd::clmul_product m0 = clmul<Portable>(a.lo, b.hi), m1 = clmul<Portable>(a.hi, b.lo);
    return {clmul<Portable>(a.lo, b.lo), {m0.lo ^ m1.lo, m0.hi ^ m1.hi}, clmul<Portable>(a.hi, b.hi)};
}

// a * b in GF(2^128); the Portable form on the constant-time scalar carry-less product.
template <bool Portable = false>
[[nodiscard]] inline gf128 mul(gf128 a, gf128 b) noexcept {
    return mul_wide<Portable>(a, b).reduce();
}

// a * b in GF(2^64), x^64 = x^4 + x^3 + x + 1 (0x1b) folded twice.
template <bool Portable = false>
[[nodiscard]] inline std::uint64_t mul64(std::uint64_t a, std::uint64_t b) noexcept {
    const simd::clmul_product p = clmul<Portable>(a, b);
    const std::uint64_t h = p.hi;
    const std::uint64_t carry = (h >> 63) ^ (h >> 61) ^ (h >> 60);  // the bits of 0x1b h above x^63
    const std::uint64_t fold = h ^ (h << 1) ^ (h << 3) ^ (h << 4);
    return p.lo ^ fold ^ carry ^ (carry << 1) ^ (carry << 3) ^ (carry << 4);
}

// The reduction of an unreduced 128-bit GF(2^64) product, as in mul64.
[[nodiscard]] constexpr std::uint64_t reduce128(std::uint64_t lo, std::uint64_t h) noexcept {
    const std::uint64_t carry = (h >> 63) ^ (h >> 61) ^ (h >> 60);
    return lo ^ h ^ (h << 1) ^ (h << 3) ^ (h << 4) ^ carry ^ (carry << 1) ^ (carry << 3) ^ (carry << 4);
}

// How many key powers a key precomputes: the most blocks a kernel folds into one reduction.
inline constexpr std::size_t power_count = 32;

// The key k and its powers, in descending order: desc[j] = k^(power_count - j), so a chunk of
// n <= power_count blocks multiplies block j by desc[power_count - n + j] (contiguous loads).
// `desc_karatsuba[j]` = desc[j].lo ^ desc[j].hi, for kernels that use a Karatsuba middle term.
struct gf128_powers {
    std::array<gf128, power_count> desc{};
    std::array<std::uint64_t, power_count> desc_karatsuba{};

    void compute(gf128 k) noexcept {
        gf128 p = k;
        for (std::size_t i = 0; i < power_count; ++i) {  // p = k^(i + 1)
            desc[power_count - 1 - i] = p;
            desc_karatsuba[power_count - 1 - i] = p.lo ^ p.hi;
            p = mul(p, k);
        }
        secure_zero(&p, sizeof p);
    }
    void wipe() noexcept {
        secure_zero(desc.data(), sizeof desc);
        secure_zero(desc_karatsuba.data(), sizeof desc_karatsuba);
    }
    [[nodiscard]] gf128 key() const noexcept { return desc[power_count - 1]; }
};

struct gf64_powers {
    std::array<std::uint64_t, power_count> desc{};

    void compute(std::uint64_t k) noexcept {
        std::uint64_t p = k;
        for (std::size_t i = 0; i < power_count; ++i) {
            desc[power_count - 1 - i] = p;
            p = mul64(p, k);
        }
        secure_zero(&p, sizeof p);
    }
    void wipe() noexcept { secure_zero(desc.data(), sizeof desc); }
    [[nodiscard]] std::uint64_t key() const noexcept { return desc[power_count - 1]; }
};

// ---------------------------------------------------------------- GF(2^128) kernels
// acc <- Horner over `blocks` 16-byte blocks at `data`: acc = (acc + m_i) k for each block.

inline void gf128_blocks_reference(gf128& acc, gf128 k, const std::uint8_t* data, std::size_t blocks) noexcept {
    for (std::size_t i = 0; i < blocks; ++i) acc = mul<true>(acc ^ load_gf128(data + 16 * i), k);
}

// Aggregated reduction: (acc + m_1) k^n + m_2 k^(n-1) + ... + m_n k, one reduction per chunk.
inline void gf128_blocks_aggregated(gf128& acc, const gf128_powers& pw, const std::uint8_t* data, std::size_t blocks) noexcept {
    while (blocks != 0) {
        const std::size_t n = blocks < power_count ? blocks : power_count;
        const gf128* powers = pw.desc.data() + (power_count - n);
        gf128_wide sum = mul_wide<false>(acc ^ load_gf128(data), powers[0]);
        for (std::size_t j = 1; j < n; ++j) sum.add(mul_wide<false>(load_gf128(data + 16 * j), powers[j]));
        acc = sum.reduce();
        data += 16 * n;
        blocks -= n;
    }
}

// ---------------------------------------------------------------- GF(2^64) kernels

inline void gf64_blocks_reference(std::uint64_t& acc, std::uint64_t k, const std::uint8_t* data, std::size_t blocks) noexcept {
    for (std::size_t i = 0; i < blocks; ++i) acc = mul64<true>(acc ^ load_le64(data + 8 * i), k);
}

inline void gf64_blocks_aggregated(std::uint64_t& acc, const gf64_powers& pw, const std::uint8_t* data, std::size_t blocks) noexcept {
    while (blocks != 0) {
        const std::size_t n = blocks < power_count ? blocks : power_count;
        const std::uint64_t* powers = pw.desc.data() + (power_count - n);
        simd::clmul_product sum = simd::clmul64(acc ^ load_le64(data), powers[0]);
        for (std::size_t j = 1; j < n; ++j) {
            const simd::clmul_product p = simd::clmul64(load_le64(data + 8 * j), powers[j]);
            sum.lo ^= p.lo;
            sum.hi ^= p.hi;
        }
        acc = reduce128(sum.lo, sum.hi);
        data += 8 * n;
        blocks -= n;
    }
}

}  // namespace qkdnq::auth::detail
