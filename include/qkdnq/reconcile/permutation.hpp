// Public pseudo-random pass permutations for Cascade: both sides build the same permutation of the
// key's bit positions from a public (seed, pass, kind) and run the pass's BINARY searches on the
// permuted view.
//
//     qkdnq::reconcile::pass_permutation p(key.size(), seed, pass, qkdnq::reconcile::shuffle_kind::word_transpose);
//     p.apply(key, view);                  // view[j] = key[p.source(j)] for every j
//     std::size_t j = p.position_of(i);    // where key bit i sits in the view (O(1), no allocation)
//
// The permutation is public and carries no secret; the bits it moves are key material, so apply()
// touches memory at positions that depend on (seed, pass, kind) only, and its scratch words are
// wiped when freed.
//
// ## The mapping, precisely (so that another implementation reproduces it)
//
// Generator. 32 bytes are the first output bytes of
//     SHAKE128("qkdnq cascade permutation" || le64(seed) || le32(pass) || u8(kind))
// (FIPS 202 §6.2; the string is its 25 ASCII bytes with no terminator, le64/le32 are little-endian,
// u8(kind) is 1 for uniform and 2 for word_transpose, 38 bytes in all). If the 32 bytes are all
// zero, the next 32 bytes of the same SHAKE128 output replace them, until they are not.
// The state of xoshiro256** 1.0 (Blackman and Vigna, prng.di.unimi.it/xoshiro256starstar.c) is
// s[i] = le64(bytes 8i..8i+7), i = 0..3. next() returns rotl(5 s[1], 7) * 9 and then steps
//     t = s[1] << 17; s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45)
// (all arithmetic mod 2^64).
//
// Bounded draw, bounded(s) in [0, s) for 1 <= s <= 2^64 - 1 (Lemire, "Fast random integer
// generation in an interval", ACM TOMACS 29(1), 2019, Alg. 5): x = next(), m = x * s as a 128-bit
// product, l = m mod 2^64; if l < s, let t = (2^64 - s) mod s and, while l < t, redraw x = next(),
// m = x * s, l = m mod 2^64. Return floor(m / 2^64). (bounded(64) never redraws: it is next() >> 58.)
//
// Fisher-Yates, FY(m): a[i] = i for i < m; for i = m-1 down to 1: j = bounded(i + 1), swap a[i]
// and a[j]. (m - 1 draws; i = 0 draws nothing.)
//
// uniform (kind 1): a = FY(n) and source(j) = a[j]: view bit j is key bit a[j].
//
// word_transpose (kind 2): let N' = 4096 ceil(n / 4096) (the key padded to whole 64x64-bit
// blocks), W = N' / 64 words, G = W / 64 groups. Draw, in this order from the one generator,
//     ρ0[w] = bounded(64) for w = 0, 1, ..., W-1,   σ1 = FY(W),   σ2 = FY(W),
//     ρ[u] = bounded(64) for u = 0, 1, ..., W-1
// (4 W - 2 bounded draws; each bounded(64) is exactly one next()).
// Here σ is used as a forward map (word w moves to word σ[w]), unlike the uniform kind's array.
// Padded position q = 64 w + b (w < W, b < 64) goes
//     c = (b + ρ0[w]) mod 64                     key word w rotated left by ρ0[w]: bit b -> bit c
//     w1 = σ1[w]                                 word w -> word σ1[w], same bit c
//     g = w1 / 64, r = w1 mod 64, v = 64 g + c   64x64 transpose in group g: bit c of word 64g+r -> bit r of word 64g+c
//     u = σ2[v]                                  word v -> word σ2[v], same bit r
//     p(q) = 64 u + ((r + ρ[u]) mod 64)          word u rotated left by ρ[u]
// The view lists the key positions q < n in increasing order of p(q); the padding (q >= n) is
// dropped: source(j) is the q < n with the j-th smallest p(q), counting from 0.
//
// ## Properties of word_transpose (tests/reconcile/test_permutation.cpp checks each)
// - The 64 bits of one key word land in 64 distinct padded words u (ρ0[w] rotates them alike, so
//   their columns c stay distinct): two bits of one key word never share a view word.
// For n a multiple of 4096 (no padding: view word = padded word u) and aligned view blocks of k
// positions, 64 | k | n (k/64 words per block):
// - Averaged over pairs of positions, the chance that two bits share a block is (k-1)/(n-1),
//   exactly the uniform kind's.
// - Bits of one key word (so most pairs at distance 1) share a block with chance (k/64 - 1)/(W - 1),
//   below uniform (0 for k = 64).
// - Bits of two different key words, at any distance (the same column b of words at distance
//   64 d included): their columns (b + ρ0[w]) mod 64 and (b' + ρ0[w']) mod 64 are independent and
//   uniform, so they share a transposed word v (same group, chance 63/(W - 1), and same column,
//   1/64) with chance 63/(n - 64), and with it one view word: the uniform kind's 63/(n - 1) but
//   for the denominator. A block: 63/(n - 64) + (1 - 63/(n - 64)) (k/64 - 1)/(W - 1)
//   = (k - 1 - 63 (k/64 - 1)/(W - 1)) / (n - 64), again within a factor (n - 1)/(n - 64) of uniform.
//   (Without ρ0, bits in one column shared a view word whenever σ1 put their words in one group,
//   chance 63/(W - 1), 64 times the uniform rate; in Cascade that raised the frame error rate.)
//
// Building the uniform kind costs two 32-bit tables of n entries (8 bytes per bit) and n-1 draws;
// word_transpose needs 32 bytes of tables per 64 bits and 4 W - 2 draws, and moves whole words.
// apply() of word_transpose transposes 64x64 blocks with the 6-stage swap network (word-parallel
// plain C++) and removes the padding with BMI2 PEXT where the consumer's flags
// enable it (`has_bmi2`), with the portable `detail::pext_u64_portable` otherwise or under
// QKDNQ_FORCE_SCALAR. Both give the same view.
#pragma once

#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/simd/arch.hpp>
#include <qkdnq/simd/bit_gather.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#if defined(__BMI2__) && !QKDNQ_FORCE_SCALAR
#include <immintrin.h>
#define QKDNQ_HAS_BMI2 1
#else
#define QKDNQ_HAS_BMI2 0
#endif

namespace qkdnq::reconcile {

enum class shuffle_kind : std::uint8_t { uniform = 1, word_transpose = 2 };

// True when word_transpose uses the BMI2 instructions: PEXT in apply(), PDEP in source().
inline constexpr bool has_bmi2 = QKDNQ_HAS_BMI2 != 0;

namespace detail {

// The generator of the header comment: xoshiro256** seeded by SHAKE128 of (seed, pass, kind).
class permutation_rng {
public:
    static constexpr std::string_view domain = "qkdnq cascade permutation";

    permutation_rng(std::uint64_t seed, std::uint32_t pass, shuffle_kind kind) : permutation_rng(domain, pass_tail(seed, pass, kind)) {}

    // The same generator for another use (LDPC code construction): seeded by SHAKE128(other_domain
    // || tail). Distinct domains give unrelated streams.
    permutation_rng(std::string_view other_domain, bytes_view tail) {
        shake128 xof;
        xof.absorb(as_bytes(other_domain));
        xof.absorb(tail);
        std::array<std::uint8_t, 32> bytes{};
        do {
            xof.squeeze(bytes);  // a further 32 bytes only if the previous ones were all zero
            for (std::size_t i = 0; i < 4; ++i) m_s[i] = load_le64(bytes.data() + 8 * i);
        } while ((m_s[0] | m_s[1] | m_s[2] | m_s[3]) == 0);
    }

    // A generator with the given xoshiro256** state (not all zero), for known-answer tests.
    [[nodiscard]] static permutation_rng from_state(const std::array<std::uint64_t, 4>& state) noexcept {
        permutation_rng rng;
        rng.m_s = state;
        return rng;
    }

    // xoshiro256** 1.0, next().
    [[nodiscard]] std::uint64_t next() noexcept {
        const std::uint64_t result = std::rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = std::rotl(m_s[3], 45);
        return result;
    }

    // A uniform integer in [0, bound), bound >= 1: Lemire's multiply-high method with rejection
    // (ACM TOMACS 29(1), 2019, Alg. 5).
    [[nodiscard]] std::uint64_t below(std::uint64_t bound) noexcept {
        __extension__ using uint128 = unsigned __int128;  // __extension__: GCC/Clang, quiet under -Wpedantic
        uint128 m = static_cast<uint128>(next()) * bound;
        auto low = static_cast<std::uint64_t>(m);
        if (low < bound) [[unlikely]] {
            const std::uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
            while (low < threshold) {
                m = static_cast<uint128>(next()) * bound;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

private:
    permutation_rng() = default;
    [[nodiscard]] static std::array<std::uint8_t, 13> pass_tail(std::uint64_t seed, std::uint32_t pass, shuffle_kind kind) noexcept {
        std::array<std::uint8_t, 13> tail{};
        store_le64(tail.data(), seed);
        store_le32(tail.data() + 8, pass);
        tail[12] = static_cast<std::uint8_t>(kind);
        return tail;
    }

    std::array<std::uint64_t, 4> m_s{};
};

// FY(m) of the header comment: a[i] = i, then for i = m-1 down to 1 swap a[i] with a[bounded(i+1)].
// m <= 2^32 is a precondition.
[[nodiscard]] inline std::vector<std::uint32_t> fisher_yates(std::size_t m, permutation_rng& rng) {
    std::vector<std::uint32_t> a(m);
    for (std::size_t i = 0; i < m; ++i) a[i] = static_cast<std::uint32_t>(i);
    for (std::size_t i = m; i-- > 1;) {
        const auto j = static_cast<std::size_t>(rng.below(i + 1));
        std::swap(a[i], a[j]);
    }
    return a;
}

// The inverse of a permutation of [0, a.size()).
[[nodiscard]] inline std::vector<std::uint32_t> inverse_permutation(const std::vector<std::uint32_t>& a) {
    std::vector<std::uint32_t> inv(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) inv[a[i]] = static_cast<std::uint32_t>(i);
    return inv;
}

// PEXT, portable: the bits of x at the set positions of mask, packed from bit 0 up, in order.
// Its running time depends on mask only. Where mask has few clear bits (the usual case: one or
// two padding bits in a word) it removes them one by one from the highest down; otherwise it
// gathers the set bits.
[[nodiscard]] constexpr std::uint64_t pext_u64_portable(std::uint64_t x, std::uint64_t mask) noexcept {
    if (std::popcount(mask) >= 32) {
        std::uint64_t holes = ~mask;
        while (holes != 0) {
            const int top = 63 - std::countl_zero(holes);
            const std::uint64_t below_top = (std::uint64_t{1} << top) - 1;
            x = (x & below_top) | ((x >> 1) & ~below_top);  // drop bit `top`, shift the bits above it down
            holes &= below_top;
        }
        return x;  // each removal shifted in a zero at bit 63
    }
    std::uint64_t out = 0;
    unsigned k = 0;
    for (std::uint64_t m = mask; m != 0; m &= m - 1, ++k) {
        out |= ((x >> std::countr_zero(m)) & 1u) << k;
    }
    return out;
}

// PEXT: the BMI2 instruction where the flags enable it, the portable routine otherwise.
[[nodiscard]] inline std::uint64_t pext_u64(std::uint64_t x, std::uint64_t mask) noexcept {
#if QKDNQ_HAS_BMI2
    return _pext_u64(x, mask);
#else
    return pext_u64_portable(x, mask);
#endif
}

// The position of the (t+1)-th lowest set bit of mask, t < popcount(mask): portable.
[[nodiscard]] constexpr unsigned select_bit_portable(std::uint64_t mask, unsigned t) noexcept {
    if (mask == ~std::uint64_t{0}) return t;
    for (; t > 0; --t) mask &= mask - 1;
    return static_cast<unsigned>(std::countr_zero(mask));
}

// The same with BMI2 PDEP where the flags enable it.
[[nodiscard]] inline unsigned select_bit(std::uint64_t mask, unsigned t) noexcept {
#if QKDNQ_HAS_BMI2
    return static_cast<unsigned>(std::countr_zero(_pdep_u64(std::uint64_t{1} << t, mask)));
#else
    return select_bit_portable(mask, t);
#endif
}

template <unsigned J>
inline void transpose_stage(std::uint64_t* a, std::uint64_t mask) noexcept {
    for (unsigned k0 = 0; k0 < 64; k0 += 2 * J) {
        for (unsigned k = k0; k < k0 + J; ++k) {
            const std::uint64_t t = ((a[k] >> J) ^ a[k + J]) & mask;
            a[k] ^= t << J;
            a[k + J] ^= t;
        }
    }
}

// In-place transpose of a 64x64 bit matrix, row r = a[r], column c = bit c: afterwards bit r of
// a[c] is what bit c of a[r] was. Six stages of block swaps (Hacker's Delight §7-3, for LSB-first
// bit numbering): stage J swaps the high J bits of each 2J-bit field of a[k] with the low J bits of
// a[k + J], for every k with k & J == 0.
inline void transpose_64x64(std::uint64_t* a) noexcept {
    transpose_stage<32>(a, 0x0000'0000'FFFF'FFFFu);
    transpose_stage<16>(a, 0x0000'FFFF'0000'FFFFu);
    transpose_stage<8>(a, 0x00FF'00FF'00FF'00FFu);
    transpose_stage<4>(a, 0x0F0F'0F0F'0F0F'0F0Fu);
    transpose_stage<2>(a, 0x3333'3333'3333'3333u);
    transpose_stage<1>(a, 0x5555'5555'5555'5555u);
}

}  // namespace detail

class pass_permutation {
public:
    // The largest n: positions are 32-bit.
    static constexpr std::uint64_t max_size = 0xFFFF'FFFFu;

    pass_permutation() = default;  // size 0

    // A public permutation of [0, n) fixed by (seed, pass, kind) as the header comment defines it.
    // Throws `invalid_argument` unless 1 <= n <= max_size and kind is one of shuffle_kind's values.
    pass_permutation(std::size_t n, std::uint64_t seed, std::uint32_t pass, shuffle_kind kind) : m_kind(kind) {
        if (n == 0 || static_cast<std::uint64_t>(n) > max_size) {
            throw invalid_argument("qkdnq::reconcile::pass_permutation: argument 'n' is " + std::to_string(n) +
                                   ", expected 1 to " + std::to_string(max_size));
        }
        if (kind != shuffle_kind::uniform && kind != shuffle_kind::word_transpose) {
            throw invalid_argument("qkdnq::reconcile::pass_permutation: argument 'kind' is " +
                                   std::to_string(static_cast<unsigned>(kind)) +
                                   ", expected 1 (uniform) or 2 (word_transpose)");
        }
        m_size = n;
        detail::permutation_rng rng(seed, pass, kind);
        if (kind == shuffle_kind::uniform) {
            m_source = detail::fisher_yates(n, rng);
            m_position = detail::inverse_permutation(m_source);
        } else {
            build_word_transpose(rng);
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] shuffle_kind kind() const noexcept { return m_kind; }

    // view[j] = key[source(j)] for every j; view is resized to size(). Throws `invalid_argument` if
    // key.size() != size() (view is then unchanged). key and view may be the same object.
    void apply(const bit_vector& key, bit_vector& view) const {
        if (key.size() != m_size) {
            throw invalid_argument("qkdnq::reconcile::pass_permutation::apply: argument 'key' has " +
                                   std::to_string(key.size()) + " bits, expected " + std::to_string(m_size));
        }
        if (m_size == 0) {
            view.resize(0);
            return;
        }
        if (&key == &view) {
            const bit_vector copy = key;
            apply(copy, view);
            return;
        }
        view.resize(m_size);
        if (m_kind == shuffle_kind::uniform) {
            apply_uniform(key, view);
        } else {
            apply_word_transpose(key, view);
        }
    }

    // The view position of key bit `original`: the j with source(j) == original. O(1), no
    // allocation. original < size() is a precondition.
    [[nodiscard]] std::size_t position_of(std::size_t original) const noexcept {
        if (m_kind == shuffle_kind::uniform) return m_position[original];
        const std::uint32_t to = m_word_to[original / 64];  // 64 σ1[w] + ρ0[w]
        const std::uint32_t w1 = to / 64;                   // σ1
        // Column c = (b + ρ0[w]) mod 64 = (original + to) mod 64; the transpose makes it the row.
        const std::size_t v = (std::size_t{w1} & ~std::size_t{63}) | ((original + to) % 64);
        const out_word& e = m_out[v];                                // u = σ2[v]
        const unsigned bit = (unsigned{w1 % 64} + e.rotation) % 64;  // row -> column, rotated
        return std::size_t{e.prefix} +
               static_cast<std::size_t>(std::popcount(e.mask & ((std::uint64_t{1} << bit) - 1)));
    }

    // The key position shown at view position j: source(j). Throws `invalid_argument` unless
    // j < size(). O(1) for uniform; for word_transpose a short forward scan over padded words
    // (one or two steps unless padding has left words nearly empty).
    [[nodiscard]] std::size_t source(std::size_t j) const {
        if (j >= m_size) {
            throw invalid_argument("qkdnq::reconcile::pass_permutation::source: argument 'j' is " + std::to_string(j) +
                                   ", expected less than " + std::to_string(m_size));
        }
        if (m_kind == shuffle_kind::uniform) return m_source[j];
        // The padded word u holding view position j, from the one holding view position 64 floor(j/64).
        std::size_t u = m_view_word_start[j / 64];
        const out_word* e = &m_out[m_gather[u]];
        while (j - e->prefix >= static_cast<std::size_t>(std::popcount(e->mask))) e = &m_out[m_gather[++u]];
        const std::size_t v = m_gather[u];
        const unsigned bit = detail::select_bit(e->mask, static_cast<unsigned>(j - e->prefix));
        const unsigned r = (bit + 64 - e->rotation) % 64;  // undo the rotation
        const std::size_t w1 = (v & ~std::size_t{63}) | r;  // undo the transpose: row r of group v/64, column v%64
        const std::uint32_t from = m_word_from[w1];          // 64 w + ρ0[w], w = σ1^-1[w1]
        return 64 * std::size_t{from / 64} + (v + 64 - from % 64) % 64;  // undo ρ0: b = (c - ρ0[w]) mod 64
    }

private:
    // Per word v after the transpose: what becomes of it as u = σ2[v].
    struct out_word {
        std::uint64_t mask = 0;       // the key (non-padding) bits of padded word u, after its rotation
        std::uint32_t prefix = 0;     // key bits in padded words before u: view position of u's first key bit
        std::uint32_t rotation = 0;   // ρ[u]
    };

    void build_word_transpose(detail::permutation_rng& rng) {
        const std::size_t words = (m_size + 4095) / 4096 * 64;  // W <= 2^26, so 64 W fits 32 bits
        // The draws in the header comment's order: ρ0, σ1, σ2, ρ.
        m_word_to.resize(words);
        for (auto& t : m_word_to) t = static_cast<std::uint32_t>(rng.below(64));  // ρ0[w]
        const std::vector<std::uint32_t> sigma1 = detail::fisher_yates(words, rng);
        const std::vector<std::uint32_t> sigma2 = detail::fisher_yates(words, rng);
        std::vector<std::uint32_t> rho(words);
        for (std::size_t u = 0; u < words; ++u) rho[u] = static_cast<std::uint32_t>(rng.below(64));
        m_word_from.resize(words);
        for (std::size_t w = 0; w < words; ++w) {
            const std::uint32_t rho0 = m_word_to[w];
            m_word_to[w] = 64 * sigma1[w] + rho0;
            m_word_from[sigma1[w]] = 64 * static_cast<std::uint32_t>(w) + rho0;
        }
        m_out.assign(words, out_word{});
        m_gather = detail::inverse_permutation(sigma2);  // σ2^-1

        // The key-bit mask through the same word moves: mask bit q is 1 for q < n.
        std::vector<std::uint64_t> moved(words);
        const std::size_t full = m_size / 64;
        for (std::size_t w = 0; w < words; ++w) {
            std::uint64_t key_bits = 0;
            if (w < full) {
                key_bits = ~std::uint64_t{0};
            } else if (w == full && m_size % 64 != 0) {
                key_bits = (std::uint64_t{1} << (m_size % 64)) - 1;
            }
            moved[m_word_to[w] / 64] = std::rotl(key_bits, static_cast<int>(m_word_to[w] % 64));  // ρ0, σ1
        }
        for (std::size_t g = 0; g < words; g += 64) detail::transpose_64x64(moved.data() + g);
        m_view_word_start.assign((m_size + 63) / 64, 0);
        std::uint32_t prefix = 0;
        for (std::size_t u = 0; u < words; ++u) {
            const std::size_t v = m_gather[u];
            out_word& e = m_out[v];
            e.rotation = rho[u];
            e.mask = std::rotl(moved[v], static_cast<int>(rho[u]));
            e.prefix = prefix;
            const auto end = prefix + static_cast<std::uint32_t>(std::popcount(e.mask));
            // u holds view positions [prefix, end): the starts of view words among them.
            for (std::size_t i = (std::size_t{prefix} + 63) / 64; 64 * i < end; ++i) {
                m_view_word_start[i] = static_cast<std::uint32_t>(u);
            }
            prefix = end;
        }
    }

    void apply_uniform(const bit_vector& key, bit_vector& view) const {
        simd::gather_bits(key.words().data(), m_source.data(), m_size, view.words().data());
    }

    void apply_word_transpose(const bit_vector& key, bit_vector& view) const {
        const auto in = key.words();
        const auto out = view.words();
        const std::size_t words = m_gather.size();
        // Steps 1 to 3: gather the 64 rows of each group (σ1^-1), each rotated by its ρ0, and
        // transpose them on the stack.
        secure_vector<std::uint64_t> moved(words);
        std::array<std::uint64_t, 64> block{};
        for (std::size_t g = 0; g < words; g += 64) {
            for (std::size_t r = 0; r < 64; ++r) {
                const std::uint32_t from = m_word_from[g + r];  // 64 w + ρ0[w]
                const std::size_t w = from / 64;
                block[r] = w < in.size() ? std::rotl(in[w], static_cast<int>(from % 64)) : 0;
            }
            detail::transpose_64x64(block.data());
            std::copy(block.begin(), block.end(), moved.begin() + static_cast<std::ptrdiff_t>(g));
        }
        secure_zero(std::span<std::uint64_t>(block));
        // Steps 4 and 5 and the compaction: padded word u = σ2[v], rotated, its key bits appended.
        std::uint64_t acc = 0;
        unsigned fill = 0;  // bits in acc, < 64
        std::size_t o = 0;
        for (std::size_t u = 0; u < words; ++u) {
            const std::size_t v = m_gather[u];
            const out_word& e = m_out[v];
            const std::uint64_t x = std::rotl(moved[v], static_cast<int>(e.rotation));
            const auto k = static_cast<unsigned>(std::popcount(e.mask));
            const std::uint64_t bits = e.mask == ~std::uint64_t{0} ? x : detail::pext_u64(x, e.mask);
            acc |= bits << fill;
            fill += k;
            if (fill >= 64) {
                out[o++] = acc;
                fill -= 64;
                acc = fill != 0 ? bits >> (k - fill) : 0;
            }
        }
        if (fill != 0) out[o] = acc;
    }

    std::size_t m_size = 0;
    shuffle_kind m_kind = shuffle_kind::uniform;
    // uniform
    std::vector<std::uint32_t> m_source;    // source(j)
    std::vector<std::uint32_t> m_position;  // position_of(i)
    // word_transpose
    std::vector<std::uint32_t> m_word_to;    // by key word w: 64 σ1[w] + ρ0[w]
    std::vector<std::uint32_t> m_word_from;  // by word w1: 64 w + ρ0[w] for w = σ1^-1[w1]
    std::vector<std::uint32_t> m_gather;     // σ2^-1: the word v that becomes padded word u
    std::vector<out_word> m_out;             // indexed by v
    std::vector<std::uint32_t> m_view_word_start;  // the padded word u holding view position 64 i
};

}  // namespace qkdnq::reconcile
