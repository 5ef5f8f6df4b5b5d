// Toeplitz hashing over GF(2): the two-universal hash of privacy amplification.
//
//   auto seed = qkdnq::bit_vector::random(qkdnq::toeplitz_seed_bits(n, m), rng);   // public or shared
//   qkdnq::bit_vector key = qkdnq::toeplitz_hash(reconciled, seed, m);            // m secret bits
//
// The matrix. For an n-bit input x and an (n + m - 1)-bit seed s, T is the m x n matrix
//   T[i][j] = s[n - 1 + i - j]        (0 <= i < m, 0 <= j < n),
// constant along each diagonal: row 0 is s[n-1], s[n-2], ..., s[0], column 0 is s[n-1], ...,
// s[n+m-2]. The output is y = T x, y[i] = XOR over j of T[i][j] x[j]. Equivalently, reading a
// bit_vector v as the polynomial v(z) = sum of v[i] z^i (the project's LSB-first bit order,
// docs/api-conventions.md), y is bits n-1 ... n+m-2 of the GF(2)[z] product s(z) x(z): the
// middle product, which is how it is computed (amplify/detail/gf2x.hpp).
//
// The modified Toeplitz matrix (Hayashi and Tsurumaru 2016, "More efficient privacy
// amplification with less random seeds"): T' = [I_m | T2], T2 the m x (n - m) Toeplitz matrix of
// an (n - 1)-bit seed by the rule above with n - m in place of n, so
//   y = x[0, m) XOR T2 x[m, n).
// It is still two-universal and needs m fewer seed bits.
//
// Both need n >= 1 and m >= 1, and the modified form m <= n (privacy amplification has m < n);
// an empty input, m = 0 or a seed of any other length is a programmer error and throws
// `qkdnq::invalid_argument`. The seed may be public (sent by one side,
// chosen after the key is fixed) or drawn from shared key; the input is secret key material and
// the computation is constant time in it and in the seed (no branch, index or address depends
// on their bits; sizes are public). The naive `_reference` forms compute T x bit by bit, O(m n),
// and are kept for tests.
#pragma once

#include <qkdnq/amplify/detail/gf2x.hpp>
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace qkdnq {

// Seed lengths in bits: n + m - 1 for the Toeplitz matrix, n - 1 for the modified one.
[[nodiscard]] constexpr std::size_t toeplitz_seed_bits(std::size_t n, std::size_t m) noexcept { return n + m - 1; }
[[nodiscard]] constexpr std::size_t modified_toeplitz_seed_bits(std::size_t n, std::size_t /*m*/) noexcept { return n - 1; }

namespace detail::toeplitz {

// n >= 1 and m >= 1, m <= n as well when `m_at_most_n` (the modified form's identity part).
inline void check_sizes(std::string_view where, std::size_t n, std::size_t m, bool m_at_most_n, std::size_t seed_bits,
                        std::size_t expected_seed_bits, std::string_view seed_rule) {
    if (n == 0) throw invalid_argument(std::string(where) + ": argument 'input' is empty");
    if (m == 0 || (m_at_most_n && m > n)) {
        throw invalid_argument(std::string(where) + ": argument 'm' is " + std::to_string(m) + ", expected " +
                               (m_at_most_n ? "1 <= m <= n = " + std::to_string(n) : std::string("m >= 1")));
    }
    if (seed_bits != expected_seed_bits) {
        throw invalid_argument(std::string(where) + ": argument 'seed' has " + std::to_string(seed_bits) +
                               " bits, expected " + std::string(seed_rule) + " = " + std::to_string(expected_seed_bits));
    }
}

// dst = the bits of `src` shifted up by `shift` (< 64) bits, in dst.size() words (zero above).
inline void shifted_copy(std::span<const std::uint64_t> src, unsigned shift, std::span<std::uint64_t> dst) noexcept {
    std::uint64_t carry = 0;
    for (std::size_t w = 0; w < dst.size(); ++w) {
        const std::uint64_t word = w < src.size() ? src[w] : 0;
        dst[w] = shift == 0 ? word : (word << shift) | carry;
        carry = shift == 0 ? 0 : word >> (64 - shift);
    }
}

// y = T x for the n x m Toeplitz matrix of `seed` (n + m - 1 bits, checked by the caller), as
// bits [n - 1, n + m - 1) of seed(z) x(z). Words of x beyond n bits must be zero (bit_vector's
// invariant). The operands are aligned so that the wanted bits are whole words of the product:
//   b = x z^d with d = 64 nb - n, so x's top bit is the top bit of its nb words;
//   a = s z, so bits [n - 1, n + m - 1) of s x are bits [64 nb, 64 nb + m) of a b;
// and those are words nb, nb + 1, ... of a b: the word middle product of a (na words) and b.
inline void toeplitz_product(std::span<const std::uint64_t> x, std::size_t n, std::span<const std::uint64_t> seed,
                             std::size_t m, std::span<std::uint64_t> y, unsigned threads = 1) {
    const std::size_t nb = (n + 63) / 64;
    const std::size_t na = nb + (m + 63) / 64;
    secure_vector<std::uint64_t> b(nb), a(na);
    shifted_copy(x, static_cast<unsigned>(64 * nb - n), b);
    shifted_copy(seed, 1, a);
    gf2x::middle_product(a, b, y.first(na - nb), threads);
    if (m % 64 != 0) y[m / 64] &= (std::uint64_t{1} << (m % 64)) - 1;  // clear bits past m
}

}  // namespace detail::toeplitz

// How a hash runs. `threads`: how many threads one hash may use; the FFT engine splits each of
// its passes into that many parts (std::thread); products below 2^18 transform elements (keys
// below about 5 million bits at m = n/2) run on the calling thread alone.
struct toeplitz_options {
    unsigned threads = 1;
};

// y = T x with T[i][j] = seed[n - 1 + i - j]: m bits from the n-bit `input` and an (n + m - 1)-bit
// seed. Sub-quadratic (amplify/detail/gf2x.hpp).
[[nodiscard]] inline bit_vector toeplitz_hash(const bit_vector& input, const bit_vector& seed, std::size_t m,
                                              toeplitz_options options = {}) {
    const std::size_t n = input.size();
    detail::toeplitz::check_sizes("qkdnq::toeplitz_hash", n, m, false, seed.size(), toeplitz_seed_bits(n, m), "n + m - 1");
    bit_vector out(m);
    detail::toeplitz::toeplitz_product(input.words(), n, seed.words(), m, out.words(), options.threads);
    return out;
}

// y = x[0, m) XOR T2 x[m, n) with T2 the m x (n - m) Toeplitz matrix of the (n - 1)-bit seed.
[[nodiscard]] inline bit_vector modified_toeplitz_hash(const bit_vector& input, const bit_vector& seed, std::size_t m,
                                                       toeplitz_options options = {}) {
    const std::size_t n = input.size();
    detail::toeplitz::check_sizes("qkdnq::modified_toeplitz_hash", n, m, true, seed.size(), modified_toeplitz_seed_bits(n, m),
                                  "n - 1");
    bit_vector out = input.slice(0, m);
    if (m < n) {
        const bit_vector tail = input.slice(m, n - m);
        bit_vector t2x(m);
        detail::toeplitz::toeplitz_product(tail.words(), n - m, seed.words(), m, t2x.words(), options.threads);
        // A plain loop rather than bit_vector's ^=, whose AVX-512 kernel GCC 12 warns about
        // falsely (-Warray-bounds) when it inlines it here.
        for (std::size_t w = 0; w < out.word_count(); ++w) out.words()[w] ^= t2x.words()[w];
    }
    return out;
}

// The naive reference of toeplitz_hash: every output bit as the parity of T[i][j] x[j] over j.
[[nodiscard]] inline bit_vector toeplitz_hash_reference(const bit_vector& input, const bit_vector& seed, std::size_t m) {
    const std::size_t n = input.size();
    detail::toeplitz::check_sizes("qkdnq::toeplitz_hash_reference", n, m, false, seed.size(), toeplitz_seed_bits(n, m),
                                  "n + m - 1");
    bit_vector out(m);
    for (std::size_t i = 0; i < m; ++i) {
        unsigned bit = 0;
        for (std::size_t j = 0; j < n; ++j) bit ^= static_cast<unsigned>(seed[n - 1 + i - j]) & static_cast<unsigned>(input[j]);
        out.set(i, bit != 0);
    }
    return out;
}

// The naive reference of modified_toeplitz_hash: [I_m | T2] x bit by bit.
[[nodiscard]] inline bit_vector modified_toeplitz_hash_reference(const bit_vector& input, const bit_vector& seed,
                                                                 std::size_t m) {
    const std::size_t n = input.size();
    detail::toeplitz::check_sizes("qkdnq::modified_toeplitz_hash_reference", n, m, true, seed.size(),
                                  modified_toeplitz_seed_bits(n, m), "n - 1");
    const std::size_t k = n - m;  // columns of T2
    bit_vector out(m);
    for (std::size_t i = 0; i < m; ++i) {
        unsigned bit = static_cast<unsigned>(input[i]);
        for (std::size_t j = 0; j < k; ++j) bit ^= static_cast<unsigned>(seed[k - 1 + i - j]) & static_cast<unsigned>(input[m + j]);
        out.set(i, bit != 0);
    }
    return out;
}

}  // namespace qkdnq
