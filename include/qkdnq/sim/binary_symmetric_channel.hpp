// A seeded binary symmetric channel: correlated key pairs (Alice's key, Bob's noisy copy) for
// tests, benchmarks and the demo.
//
//   qkdnq::shake_drbg rng(seed);
//   auto p = qkdnq::sim::bsc_key_pair(1'000'000, 0.03, rng);          // Bernoulli(0.03) errors
//   auto q = qkdnq::sim::exact_error_key_pair(1'000'000, 30'000, rng);  // exactly 30,000 errors
//   // p.alice, p.bob, p.errors == hamming_distance(p.alice, p.bob)
//
// Simulation only: a seeded generator's output is as public as its seed. Everything here is
// integer arithmetic on the generator's bytes (no std distributions, no floating point beyond the
// one exact scaling of qber), so a seed gives the same pairs on every platform and compiler.
//
// Mapping from generator bytes to keys and errors (the generator is read as one byte stream):
//   * Alice's key: bit_vector::random(n, rng), i.e. 8 ceil(n/64) bytes, bit i = byte i/8 bit i%8
//     (the last word's unused bits are drawn and dropped).
//   * Then the error pattern, from 64-bit words w = the next 8 bytes read little-endian. The
//     words come through a buffer that reads the generator in chunks of 64, 128, 256, ... bytes,
//     doubling up to 64 KiB and staying there (`detail::word_stream`), the last chunk possibly
//     partly unused: a small pattern reads little, a large one reads in big chunks, and the stream
//     position afterwards is the key plus a whole number of chunks.
//   * Bernoulli errors (`bsc_error_pattern`): T = floor(qber 2^64), exactly (ldexp, then
//     truncation). Position p errs iff U_p < T for a uniform 64-bit U_p, so with probability
//     exactly T / 2^64 (within 2^-64 of qber), independently. U_p is compared lazily, most
//     significant bit first, 64 positions at a time: group g holds positions 64g ... 64g + 63
//     (lane i = position 64g + i; the last group holds n - 64g lanes). For j = 63, 62, ..., 0 a word
//     w is read and bit i of w is bit j of U_(64g+i); a lane is decided in the first round where its
//     bit differs from bit j of T, erring iff that bit of T is 1. The group stops reading as soon as
//     all its lanes are decided (about 7.3 words for a full group; a lane still undecided after
//     j = 0 has U = T: no error). qber = 1 flips every bit; T = 0 (qber < 2^-64) flips none; neither
//     reads any bytes for the pattern.
//   * Exact errors (`exact_error_pattern`, Floyd's sampling, Bentley & Floyd, CACM 30(9), 1987):
//     for j = n - e, ..., n - 1, draw r uniform in [0, j] by rejection (words w until
//     w < (j+1) floor((2^64 - 1)/(j+1)), then r = w mod (j+1), as core/random.hpp's random_below);
//     mark r, or j if r is marked already. Every e-subset is equally likely; e = 0 reads nothing.
#pragma once

#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace qkdnq::sim {

struct key_pair {
    bit_vector alice;
    bit_vector bob;
    std::size_t errors = 0;  // hamming_distance(alice, bob)
};

namespace detail {

inline constexpr std::size_t first_chunk_bytes = 64;
inline constexpr std::size_t max_chunk_bytes = std::size_t{1} << 16;

// 64-bit little-endian words from a generator, read a chunk at a time; chunk k has
// min(64 2^k, 65536) bytes.
template <random_generator G>
class word_stream {
public:
    explicit word_stream(G& rng) : m_rng(&rng) {}

    [[nodiscard]] std::uint64_t next() {
        if (m_pos == m_buffer.size()) {
            const std::size_t size = m_buffer.empty() ? first_chunk_bytes
                                     : m_buffer.size() < max_chunk_bytes ? 2 * m_buffer.size()
                                                                         : max_chunk_bytes;
            m_buffer.resize(size);
            m_rng->fill(std::span<std::uint8_t>(m_buffer));
            m_pos = 0;
        }
        const std::uint64_t w = load_le64(m_buffer.data() + m_pos);
        m_pos += 8;
        return w;
    }

    // Uniform in [0, bound), bound > 0, by rejection (random_below's rule).
    [[nodiscard]] std::uint64_t below(std::uint64_t bound) {
        const std::uint64_t limit = bound * (UINT64_MAX / bound);
        for (;;) {
            const std::uint64_t w = next();
            if (w < limit) return w % bound;
        }
    }

private:
    G* m_rng;
    std::vector<std::uint8_t> m_buffer;  // the current chunk
    std::size_t m_pos = 0;               // next byte of it to read
};

// The threshold T = floor(qber 2^64) for qber in [0, 1); `all` for qber = 1 (T would be 2^64).
struct bernoulli_threshold {
    std::uint64_t t = 0;
    bool all = false;
};

[[nodiscard]] inline bernoulli_threshold threshold_for(double qber) {
    if (!(qber >= 0.0 && qber <= 1.0)) {  // also NaN
        throw invalid_argument("qkdnq::sim: argument 'qber' must be in [0, 1], got " + std::to_string(qber));
    }
    if (qber == 1.0) return {0, true};
    return {static_cast<std::uint64_t>(std::ldexp(qber, 64)), false};  // < 2^64, exact scaling, truncated
}

}  // namespace detail

// n independent Bernoulli(floor(qber 2^64) / 2^64) error bits (the mapping above).
// Throws invalid_argument unless 0 <= qber <= 1.
template <random_generator G>
[[nodiscard]] bit_vector bsc_error_pattern(std::size_t n, double qber, G& rng) {
    const detail::bernoulli_threshold threshold = detail::threshold_for(qber);
    bit_vector pattern(n);
    const auto words = pattern.words();
    if (threshold.all) {
        for (auto& w : words) w = ~std::uint64_t{0};
        pattern.clear_tail();
        return pattern;
    }
    const std::uint64_t t = threshold.t;
    if (t == 0 || n == 0) return pattern;
    detail::word_stream<G> stream(rng);
    for (std::size_t g = 0; g < words.size(); ++g) {
        const std::size_t lanes = n - 64 * g < 64 ? n - 64 * g : 64;
        std::uint64_t undecided = lanes == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << lanes) - 1;
        std::uint64_t errors = 0;
        for (int j = 63; j >= 0 && undecided != 0; --j) {
            const std::uint64_t t_bit = std::uint64_t{0} - ((t >> j) & 1u);  // bit j of T in every lane
            const std::uint64_t differs = stream.next() ^ t_bit;             // bit j of U != bit j of T
            errors |= undecided & differs & t_bit;  // U's bit 0 < T's bit 1: U < T
            undecided &= ~differs;
        }
        words[g] = errors;
    }
    return pattern;
}

// Exactly `errors` distinct error positions, every such set equally likely (Floyd's sampling, the
// mapping above). Throws invalid_argument if errors > n.
template <random_generator G>
[[nodiscard]] bit_vector exact_error_pattern(std::size_t n, std::size_t errors, G& rng) {
    if (errors > n) {
        throw invalid_argument("qkdnq::sim::exact_error_pattern: " + std::to_string(errors) +
                               " errors do not fit a key of " + std::to_string(n) + " bits");
    }
    bit_vector pattern(n);
    if (errors == 0) return pattern;
    detail::word_stream<G> stream(rng);
    for (std::size_t j = n - errors; j < n; ++j) {
        const auto r = static_cast<std::size_t>(stream.below(std::uint64_t{j} + 1));
        pattern.set(pattern[r] ? j : r);
    }
    return pattern;
}

// Bob's key: Alice's key XOR `pattern` (equal sizes), with the error count.
[[nodiscard]] inline key_pair apply_errors(bit_vector alice, const bit_vector& pattern) {
    key_pair out;
    out.bob = alice ^ pattern;
    out.errors = pattern.popcount();
    out.alice = std::move(alice);
    return out;
}

// A uniformly random n-bit Alice key and Bob's copy through a BSC(qber). Throws invalid_argument
// unless 0 <= qber <= 1.
template <random_generator G>
[[nodiscard]] key_pair bsc_key_pair(std::size_t n, double qber, G& rng) {
    (void)detail::threshold_for(qber);  // reject a bad qber before drawing anything
    bit_vector alice = bit_vector::random(n, rng);
    const bit_vector pattern = bsc_error_pattern(n, qber, rng);
    return apply_errors(std::move(alice), pattern);
}

// A uniformly random n-bit Alice key and Bob's copy with exactly `errors` flipped bits, at
// uniformly random distinct positions. Throws invalid_argument if errors > n.
template <random_generator G>
[[nodiscard]] key_pair exact_error_key_pair(std::size_t n, std::size_t errors, G& rng) {
    if (errors > n) {
        throw invalid_argument("qkdnq::sim::exact_error_key_pair: " + std::to_string(errors) +
                               " errors do not fit a key of " + std::to_string(n) + " bits");
    }
    bit_vector alice = bit_vector::random(n, rng);
    const bit_vector pattern = exact_error_pattern(n, errors, rng);
    return apply_errors(std::move(alice), pattern);
}

}  // namespace qkdnq::sim
