// X25519 (RFC 7748 §5, §6.1): the classical leg of the hybrids, in constant time.
//
//   auto alice = qkdnq::hybrid::x25519_generate(rng);            // private key, zeroizing
//   auto alice_public = qkdnq::hybrid::x25519_public_key(alice); // X25519(a, 9)
//   auto k = qkdnq::hybrid::x25519_shared_secret(alice, bob_public);
//   if (!k) ...  // bob_public has small order: the shared secret would be 0 (RFC 7748 §6.1)
//
// Field arithmetic mod p = 2^255 - 19 on five 51-bit limbs (unsigned 128-bit products); the
// Montgomery ladder of RFC 7748 §5 with a conditional swap by masks; the inverse as z^(p - 2) by
// a fixed addition chain. No branch, index or division depends on the scalar or the
// coordinates (checked under valgrind with the private key poisoned: tests/ct). The scalar is
// clamped and the top bit of u is masked, as §5 asks; non-canonical u (p <= u < 2^255) is
// reduced, as §5 allows.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace qkdnq::hybrid {

inline constexpr std::size_t x25519_bytes = 32;
using x25519_private_key = secure_array<x25519_bytes>;
using x25519_public = std::array<std::uint8_t, x25519_bytes>;
using x25519_secret = secure_array<x25519_bytes>;

namespace detail {

__extension__ using x25519_u128 = unsigned __int128;  // __extension__: GCC/Clang, quiet under -Wpedantic
using fe = std::array<std::uint64_t, 5>;              // value = Σ limb_i 2^(51 i)
inline constexpr std::uint64_t mask51 = (std::uint64_t{1} << 51) - 1;

// Limbs back below 2^51 (limb 0 a little above, after the fold of 19 times the top carry).
inline void fe_carry(fe& h) noexcept {
    for (int pass = 0; pass < 2; ++pass) {
        std::uint64_t c = 0;
        for (std::size_t i = 0; i < 5; ++i) {
            h[i] += c;
            c = h[i] >> 51;
            h[i] &= mask51;
        }
        h[0] += 19 * c;
    }
}

// Limb bounds: products and fe_mul_small leave limbs below 2^51 (limb 1 a few units above); a sum
// or difference of two such is below 2^54, and fe_mul and fe_sq take limbs up to 2^56 (their
// column sums stay below 2^128). So sums and differences are not carried.
inline fe fe_add(const fe& a, const fe& b) noexcept {
    fe h;
    for (std::size_t i = 0; i < 5; ++i) h[i] = a[i] + b[i];
    return h;
}

// a - b + 4 p: every limb stays positive for limbs of b below 2^53 (b a product, never a sum).
inline fe fe_sub(const fe& a, const fe& b) noexcept {
    constexpr std::uint64_t four_p0 = 4 * ((std::uint64_t{1} << 51) - 19), four_p = 4 * mask51;
    fe h;
    h[0] = a[0] + four_p0 - b[0];
    for (std::size_t i = 1; i < 5; ++i) h[i] = a[i] + four_p - b[i];
    return h;
}

// Five 128-bit column sums back to limbs: carries, the top one folded in as 19 times itself.
inline fe fe_from_columns(x25519_u128 r0, x25519_u128 r1, x25519_u128 r2, x25519_u128 r3, x25519_u128 r4) noexcept {
    fe h;
    r1 += r0 >> 51;
    h[0] = static_cast<std::uint64_t>(r0) & mask51;
    r2 += r1 >> 51;
    h[1] = static_cast<std::uint64_t>(r1) & mask51;
    r3 += r2 >> 51;
    h[2] = static_cast<std::uint64_t>(r2) & mask51;
    r4 += r3 >> 51;
    h[3] = static_cast<std::uint64_t>(r3) & mask51;
    h[4] = static_cast<std::uint64_t>(r4) & mask51;
    h[0] += 19 * static_cast<std::uint64_t>(r4 >> 51);
    h[1] += h[0] >> 51;
    h[0] &= mask51;
    return h;
}

inline x25519_u128 fe_m(std::uint64_t x, std::uint64_t y) noexcept { return static_cast<x25519_u128>(x) * y; }

// Schoolbook product with 2^255 = 19 folded in; inputs with limbs below 2^54.
inline fe fe_mul(const fe& a, const fe& b) noexcept {
    const std::uint64_t b1 = 19 * b[1], b2 = 19 * b[2], b3 = 19 * b[3], b4 = 19 * b[4];
    return fe_from_columns(fe_m(a[0], b[0]) + fe_m(a[1], b4) + fe_m(a[2], b3) + fe_m(a[3], b2) + fe_m(a[4], b1),
                           fe_m(a[0], b[1]) + fe_m(a[1], b[0]) + fe_m(a[2], b4) + fe_m(a[3], b3) + fe_m(a[4], b2),
                           fe_m(a[0], b[2]) + fe_m(a[1], b[1]) + fe_m(a[2], b[0]) + fe_m(a[3], b4) + fe_m(a[4], b3),
                           fe_m(a[0], b[3]) + fe_m(a[1], b[2]) + fe_m(a[2], b[1]) + fe_m(a[3], b[0]) + fe_m(a[4], b4),
                           fe_m(a[0], b[4]) + fe_m(a[1], b[3]) + fe_m(a[2], b[2]) + fe_m(a[3], b[1]) + fe_m(a[4], b[0]));
}

// a^2 with the symmetric products once, doubled (15 products where fe_mul takes 25).
inline fe fe_sq(const fe& a) noexcept {
    const std::uint64_t a0_2 = 2 * a[0], a1_2 = 2 * a[1], a1_38 = 38 * a[1], a2_38 = 38 * a[2], a3_38 = 38 * a[3];
    const std::uint64_t a3_19 = 19 * a[3], a4_19 = 19 * a[4];
    return fe_from_columns(fe_m(a[0], a[0]) + fe_m(a1_38, a[4]) + fe_m(a2_38, a[3]),
                           fe_m(a0_2, a[1]) + fe_m(a2_38, a[4]) + fe_m(a3_19, a[3]),
                           fe_m(a0_2, a[2]) + fe_m(a[1], a[1]) + fe_m(a3_38, a[4]),
                           fe_m(a0_2, a[3]) + fe_m(a1_2, a[2]) + fe_m(a4_19, a[4]),
                           fe_m(a0_2, a[4]) + fe_m(a1_2, a[3]) + fe_m(a[2], a[2]));
}

inline fe fe_sq_times(fe a, int n) noexcept {
    for (int i = 0; i < n; ++i) a = fe_sq(a);
    return a;
}

inline fe fe_mul_small(const fe& a, std::uint64_t k) noexcept {
    fe h;
    x25519_u128 c = 0;
    for (std::size_t i = 0; i < 5; ++i) {
        const x25519_u128 t = static_cast<x25519_u128>(a[i]) * k + c;
        h[i] = static_cast<std::uint64_t>(t) & mask51;
        c = t >> 51;
    }
    h[0] += 19 * static_cast<std::uint64_t>(c);
    h[1] += h[0] >> 51;
    h[0] &= mask51;
    return h;
}

// z^(p - 2) = z^(2^255 - 21): the usual chain of 254 squarings and 11 products.
inline fe fe_invert(const fe& z) noexcept {
    const fe z2 = fe_sq(z);
    const fe z9 = fe_mul(fe_sq_times(z2, 2), z);
    const fe z11 = fe_mul(z9, z2);
    const fe z_5_0 = fe_mul(fe_sq(z11), z9);                     // z^(2^5 - 1)
    const fe z_10_0 = fe_mul(fe_sq_times(z_5_0, 5), z_5_0);       // z^(2^10 - 1)
    const fe z_20_0 = fe_mul(fe_sq_times(z_10_0, 10), z_10_0);
    const fe z_40_0 = fe_mul(fe_sq_times(z_20_0, 20), z_20_0);
    const fe z_50_0 = fe_mul(fe_sq_times(z_40_0, 10), z_10_0);
    const fe z_100_0 = fe_mul(fe_sq_times(z_50_0, 50), z_50_0);
    const fe z_200_0 = fe_mul(fe_sq_times(z_100_0, 100), z_100_0);
    const fe z_250_0 = fe_mul(fe_sq_times(z_200_0, 50), z_50_0);
    return fe_mul(fe_sq_times(z_250_0, 5), z11);                 // 2^255 - 32 + 11
}

// 255 bits, little-endian; bit 255 ignored (RFC 7748 §5: mask the top bit of u).
inline fe fe_from_bytes(const std::uint8_t* s) noexcept {
    return {load_le64(s) & mask51, (load_le64(s + 6) >> 3) & mask51, (load_le64(s + 12) >> 6) & mask51,
            (load_le64(s + 19) >> 1) & mask51, (load_le64(s + 24) >> 12) & mask51};
}

// The canonical encoding (0 <= value < p).
inline void fe_to_bytes(std::uint8_t* s, fe h) noexcept {
    fe_carry(h);
    fe_carry(h);  // limbs < 2^51 now, value < 2^255 + small
    // q = 1 exactly when h >= p: the carry out of h + 19.
    std::uint64_t q = (h[0] + 19) >> 51;
    for (std::size_t i = 1; i < 5; ++i) q = (h[i] + q) >> 51;
    h[0] += 19 * q;
    std::uint64_t c = 0;
    for (std::size_t i = 0; i < 5; ++i) {
        h[i] += c;
        c = h[i] >> 51;
        h[i] &= mask51;
    }  // the carry out of limb 4 is the 2^255 that subtracting p leaves behind: dropped
    store_le64(s, h[0] | (h[1] << 51));
    store_le64(s + 8, (h[1] >> 13) | (h[2] << 38));
    store_le64(s + 16, (h[2] >> 26) | (h[3] << 25));
    store_le64(s + 24, (h[3] >> 39) | (h[4] << 12));
}

inline void fe_cswap(std::uint64_t mask, fe& a, fe& b) noexcept {
    for (std::size_t i = 0; i < 5; ++i) {
        const std::uint64_t t = mask & (a[i] ^ b[i]);
        a[i] ^= t;
        b[i] ^= t;
    }
}

// RFC 7748 §5: decodeScalar25519, the ladder, and the final x2 / z2.
inline void x25519_scalar_mult(std::uint8_t* out, const std::uint8_t* scalar, const std::uint8_t* u) noexcept {
    std::array<std::uint8_t, 32> k;
    for (std::size_t i = 0; i < 32; ++i) k[i] = scalar[i];
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
    const fe x1 = fe_from_bytes(u);
    fe x2{1, 0, 0, 0, 0}, z2{0, 0, 0, 0, 0}, x3 = x1, z3{1, 0, 0, 0, 0};
    std::uint64_t swap = 0;
    for (std::size_t t = 255; t-- > 0;) {  // bits 254 down to 0
        const std::uint64_t k_t = static_cast<std::uint64_t>(k[t >> 3] >> (t & 7)) & 1u;
        swap ^= k_t;
        const std::uint64_t mask = ct::mask_from_bit(swap);
        fe_cswap(mask, x2, x3);
        fe_cswap(mask, z2, z3);
        swap = k_t;
        const fe a = fe_add(x2, z2), aa = fe_sq(a), b = fe_sub(x2, z2), bb = fe_sq(b);
        const fe e = fe_sub(aa, bb), c = fe_add(x3, z3), d = fe_sub(x3, z3);
        const fe da = fe_mul(d, a), cb = fe_mul(c, b);
        x3 = fe_sq(fe_add(da, cb));
        z3 = fe_mul(x1, fe_sq(fe_sub(da, cb)));
        x2 = fe_mul(aa, bb);
        z2 = fe_mul(e, fe_add(aa, fe_mul_small(e, 121665)));  // a24 = (486662 - 2) / 4
    }
    const std::uint64_t mask = ct::mask_from_bit(swap);
    fe_cswap(mask, x2, x3);
    fe_cswap(mask, z2, z3);
    fe_to_bytes(out, fe_mul(x2, fe_invert(z2)));
    secure_zero(k.data(), k.size());
}

inline void check_length(const char* what, std::size_t size) {
    if (size != x25519_bytes) {
        throw invalid_argument(std::string("qkdnq::hybrid::") + what + ": " + std::to_string(size) + " bytes, expected 32");
    }
}

}  // namespace detail

// The raw function X25519(k, u) of RFC 7748 §5 (no check of the result).
[[nodiscard]] inline x25519_secret x25519(std::span<const std::uint8_t, x25519_bytes> scalar,
                                          std::span<const std::uint8_t, x25519_bytes> u) noexcept {
    x25519_secret out;
    detail::x25519_scalar_mult(out.data(), scalar.data(), u.data());
    return out;
}

// A fresh private key: 32 bytes from `rng` (clamped when used).
template <random_generator G>
[[nodiscard]] x25519_private_key x25519_generate(G& rng) {
    x25519_private_key k;
    rng.fill(k.span());
    return k;
}

// The public key X25519(k, 9).
[[nodiscard]] inline x25519_public x25519_public_key(const x25519_private_key& k) noexcept {
    static constexpr std::array<std::uint8_t, 32> base = {9};
    x25519_public out;
    detail::x25519_scalar_mult(out.data(), k.data(), base.data());
    return out;
}

// The shared secret X25519(k, peer), or `status::weak_public_key` where it is all zero (a peer
// key of small order, RFC 7748 §6.1); the zero test runs in constant time and only its outcome
// is declassified.
[[nodiscard]] inline result<x25519_secret> x25519_shared_secret(const x25519_private_key& k, std::span<const std::uint8_t, x25519_bytes> peer) {
    x25519_secret s = x25519(k.span(), peer);
    std::uint8_t any = 0;
    for (std::size_t i = 0; i < x25519_bytes; ++i) any = static_cast<std::uint8_t>(any | s[i]);
    std::uint8_t zero = ct::is_zero(any);
    ct::unpoison(&zero, sizeof zero);
    if (zero != 0) return status::weak_public_key;
    return s;
}

[[nodiscard]] inline result<x25519_secret> x25519_shared_secret(const x25519_private_key& k, const x25519_public& peer) {
    return x25519_shared_secret(k, std::span<const std::uint8_t, x25519_bytes>(peer));
}

// The same for a peer key of any length: throws `invalid_argument` unless it is 32 bytes.
[[nodiscard]] inline result<x25519_secret> x25519_shared_secret(const x25519_private_key& k, std::span<const std::uint8_t> peer) {
    detail::check_length("x25519_shared_secret", peer.size());
    return x25519_shared_secret(k, peer.first<x25519_bytes>());
}

}  // namespace qkdnq::hybrid
