// Cascade's parameter sets: which variant, its block-size schedule and its BICONF rounds.
//
//   auto p = qkdnq::reconcile::cascade_parameters::for_variant(
//       qkdnq::reconcile::cascade_variant::pow2x4, n, /*qber_ppm=*/20'000, seed);
//
// The schedules follow cascade-python's `algorithm.py` (brunorijsman/cascade-python @c6706ab), whose
// variants are named after Martinez-Mateo et al., "Demystifying the information reconciliation
// protocol Cascade", QIC 15 (2015), arXiv:1407.3257; cascade-cpp uses the same formulas. Q is the
// estimated QBER, clamped below at 10 ppm (1e-5) as both codes do; n is the key size; every block
// size is then clamped to [1, n].
//
//   variant    passes  k1                      k2                      k_i, i >= 3   BICONF
//   original   4       ceil(0.73/Q)            2 k1                    2 k_(i-1)     -
//   biconf     2       ceil(0.92/Q)            3 k1                    -             until 10 clean rounds
//   yanetal    10      ceil(0.80/Q)            5 k1                    n/2           -
//   option3    16      ceil(1/Q)               2 k1                    n/2           -
//   option4    16      as option3 (sub-block reuse: always on here, so the same algorithm)
//   option7    14      2^ceil(log2(1/Q))       4 k1                    n/2           -
//   option8    14      2^ceil(a), a = log2(1/Q) - 1/2; k2 = 2^ceil((a+12)/2); k3 = 4096; then n/2
//   pow2x4     14      2^floor(log2(0.8/Q))    4 k1                    n/2           -
//   pow2x8     14      2^floor(log2(0.8/Q))    8 k1                    n/2           -
//
// pow2x4 and pow2x8 are this project's: Yan et al.'s k1 = 0.8/Q rounded down to a power of two
// (BINARY then never wastes a level), found by a scan of schedules at n = 10^4 and 10^5
// (docs/reconciliation.md). pow2x4 needs the fewest round trips for its efficiency; pow2x8
// discloses fewer parities at about twice the round trips.
//
// "original" is Brassard and Salvail's protocol (EUROCRYPT '93) with Crépeau's fit k1 = 0.73/Q;
// "biconf" is the Sugimoto-Yamazaki optimisation (w1 = 0.92/Q, w2 = 3 w1) followed by BICONF
// rounds (Brassard-Salvail §6.2): the parity of a random half of the key, BINARY on it and on its
// complement when odd, no cascading into the normal passes, repeated until `biconf_clean_rounds`
// rounds in a row correct nothing (at most `biconf_max_rounds`); "yanetal" is Yan et al. 2008.
// The formulas are evaluated in exact integer arithmetic on Q in parts per million (ceil(0.73/Q) =
// ceil(730000/ppm)), so both sides and every platform get the same schedule.
//
// Known parities are always reused (a block whose parent and sibling parities are known is never
// asked), so option4 runs the same algorithm as option3, as in cascade-cpp.
#pragma once

#include <qkdnq/core/error.hpp>
#include <qkdnq/reconcile/permutation.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qkdnq::reconcile {

enum class cascade_variant : std::uint8_t {
    original = 1,
    biconf = 2,
    yanetal = 3,
    option3 = 4,
    option4 = 5,
    option7 = 6,
    option8 = 7,
    pow2x4 = 8,
    pow2x8 = 9,
    custom = 255,  // a caller-given block-size schedule
};

[[nodiscard]] constexpr std::string_view to_string(cascade_variant v) noexcept {
    switch (v) {
        case cascade_variant::original: return "original";
        case cascade_variant::biconf: return "biconf";
        case cascade_variant::yanetal: return "yanetal";
        case cascade_variant::option3: return "option3";
        case cascade_variant::option4: return "option4";
        case cascade_variant::option7: return "option7";
        case cascade_variant::option8: return "option8";
        case cascade_variant::pow2x4: return "pow2x4";
        case cascade_variant::pow2x8: return "pow2x8";
        case cascade_variant::custom: return "custom";
    }
    return "unknown";
}

// The largest key Cascade handles: positions are 32-bit.
inline constexpr std::size_t cascade_max_key_bits = 0xFFFF'FFFFu;
// The most passes (normal passes plus BICONF rounds) one run may use.
inline constexpr std::size_t cascade_max_passes = 128;

struct cascade_parameters {
    cascade_variant variant = cascade_variant::yanetal;
    std::uint64_t key_bits = 0;      // n
    std::uint32_t qber_ppm = 0;      // the estimated QBER in parts per million, as the schedule used it
    std::uint64_t seed = 0;          // the public seed of the pass permutations (both sides use the same)
    shuffle_kind shuffle = shuffle_kind::uniform;  // word_transpose is faster but measurably worse (docs/cascade.md)
    std::vector<std::uint32_t> block_sizes;  // one per normal pass; pass 1 is not shuffled
    std::uint32_t biconf_clean_rounds = 0;   // BICONF: stop after this many rounds in a row correct nothing (0: no BICONF)
    std::uint32_t biconf_max_rounds = 0;     // BICONF: never more rounds than this
    bool biconf_cascade = false;             // BICONF corrections cascade into the normal passes
    bool biconf_complement = true;           // BICONF: also correct the complementary half

    // The schedule of a named variant for an n-bit key at an estimated QBER (ppm, at most 500000).
    [[nodiscard]] static cascade_parameters for_variant(cascade_variant variant, std::size_t key_bits,
                                                        std::uint32_t qber_ppm, std::uint64_t seed) {
        check_key_bits(key_bits);
        if (qber_ppm > 500'000) {
            throw invalid_argument("qkdnq::reconcile::cascade_parameters::for_variant: argument 'qber_ppm' is " +
                                   std::to_string(qber_ppm) + ", expected at most 500000 (a QBER of 50 %)");
        }
        const std::uint64_t q = std::max<std::uint32_t>(qber_ppm, 10);  // Q >= 1e-5
        const std::uint64_t half = key_bits / 2;
        cascade_parameters p;
        p.variant = variant;
        p.key_bits = key_bits;
        p.qber_ppm = qber_ppm;
        p.seed = seed;
        std::vector<std::uint64_t> k;
        switch (variant) {
            case cascade_variant::original: {
                k.push_back(ceil_div(730'000, q));
                for (int i = 1; i < 4; ++i) k.push_back(2 * k.back());
                break;
            }
            case cascade_variant::biconf: {
                k.push_back(ceil_div(920'000, q));
                k.push_back(3 * k.back());
                p.biconf_clean_rounds = 10;
                p.biconf_max_rounds = 100;
                p.biconf_cascade = false;
                p.biconf_complement = true;  // cascade-cpp's choice (cascade-python: false)
                break;
            }
            case cascade_variant::yanetal: {
                k.push_back(ceil_div(800'000, q));
                k.push_back(5 * k.back());
                k.resize(10, half);
                break;
            }
            case cascade_variant::option3:
            case cascade_variant::option4: {
                k.push_back(ceil_div(1'000'000, q));
                k.push_back(2 * k.back());
                k.resize(16, half);
                break;
            }
            case cascade_variant::option7: {
                k.push_back(std::uint64_t{1} << power_of_two_at_least_inverse(q));
                k.push_back(4 * k.back());
                k.resize(14, half);
                break;
            }
            case cascade_variant::option8: {
                k.push_back(std::uint64_t{1} << option8_first_exponent(q));
                k.push_back(std::uint64_t{1} << option8_second_exponent(q));
                k.push_back(4096);
                k.resize(14, half);
                break;
            }
            case cascade_variant::pow2x4:
            case cascade_variant::pow2x8: {
                k.push_back(std::uint64_t{1} << power_of_two_at_most(800'000, q));
                k.push_back((variant == cascade_variant::pow2x4 ? 4 : 8) * k.back());
                k.resize(14, half);
                break;
            }
            case cascade_variant::custom:
                throw invalid_argument("qkdnq::reconcile::cascade_parameters::for_variant: use "
                                       "cascade_parameters::custom_schedule for a custom schedule");
        }
        for (const std::uint64_t size : k) p.block_sizes.push_back(clamp_block(size, key_bits));
        return p;
    }

    // A caller-given schedule: one block size per normal pass, no BICONF.
    [[nodiscard]] static cascade_parameters custom_schedule(std::size_t key_bits, std::vector<std::uint32_t> block_sizes,
                                                            std::uint64_t seed) {
        check_key_bits(key_bits);
        cascade_parameters p;
        p.variant = cascade_variant::custom;
        p.key_bits = key_bits;
        p.seed = seed;
        p.block_sizes = std::move(block_sizes);
        p.validate();
        return p;
    }

    [[nodiscard]] std::size_t passes() const noexcept { return block_sizes.size(); }

    // Throws invalid_argument unless the set is usable (what both sides check before a run).
    void validate() const {
        check_key_bits(key_bits);
        if (block_sizes.empty() || block_sizes.size() + biconf_max_rounds > cascade_max_passes) {
            throw invalid_argument("qkdnq::reconcile::cascade_parameters: " + std::to_string(block_sizes.size()) +
                                   " passes and " + std::to_string(biconf_max_rounds) +
                                   " BICONF rounds, expected 1 to " + std::to_string(cascade_max_passes) + " in all");
        }
        for (const std::uint32_t k : block_sizes) {
            if (k == 0 || k > key_bits) {
                throw invalid_argument("qkdnq::reconcile::cascade_parameters: block size " + std::to_string(k) +
                                       ", expected 1 to the key size " + std::to_string(key_bits));
            }
        }
        if (biconf_clean_rounds > biconf_max_rounds) {
            throw invalid_argument("qkdnq::reconcile::cascade_parameters: biconf_clean_rounds exceeds biconf_max_rounds");
        }
        if (shuffle != shuffle_kind::uniform && shuffle != shuffle_kind::word_transpose) {
            throw invalid_argument("qkdnq::reconcile::cascade_parameters: unknown shuffle kind");
        }
    }

    friend bool operator==(const cascade_parameters&, const cascade_parameters&) = default;

private:
    static void check_key_bits(std::size_t key_bits) {
        if (key_bits == 0 || key_bits > cascade_max_key_bits) {
            throw invalid_argument("qkdnq::reconcile::cascade_parameters: key of " + std::to_string(key_bits) +
                                   " bits, expected 1 to 2^32 - 1");
        }
    }
    [[nodiscard]] static constexpr std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) noexcept {
        return (a + b - 1) / b;
    }
    [[nodiscard]] static std::uint32_t clamp_block(std::uint64_t k, std::size_t n) noexcept {
        return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(k, 1, n));
    }
    // The greatest c with 2^c <= c0 / Q = 10^6 c0 / q, for c0 / Q >= 1 (c0 = 0.8 here, Q <= 1/2).
    [[nodiscard]] static unsigned power_of_two_at_most(std::uint64_t scaled_c0, std::uint64_t q) noexcept {
        unsigned c = 0;
        while ((std::uint64_t{2} << c) * q <= scaled_c0) ++c;
        return c;
    }
    // The least c with 2^c >= 1/Q = 10^6 / q.
    [[nodiscard]] static unsigned power_of_two_at_least_inverse(std::uint64_t q) noexcept {
        unsigned c = 0;
        while ((std::uint64_t{1} << c) * q < 1'000'000) ++c;
        return c;
    }
    // option8: the least c with c >= log2(1/Q) - 1/2, i.e. 2^(2c+1) q^2 >= 10^12.
    [[nodiscard]] static unsigned option8_first_exponent(std::uint64_t q) noexcept {
        const std::uint64_t t = ceil_div(1'000'000'000'000u, q * q);  // 2^(2c+1) >= t, no overflow
        unsigned c = 0;
        while ((std::uint64_t{1} << (2 * c + 1)) < t) ++c;
        return c;
    }
    // option8: the least c with c >= (log2(1/Q) - 1/2 + 12) / 2, i.e. 2^(4c - 23) q^2 >= 10^12
    // (c >= 6 always holds since Q <= 1/2).
    [[nodiscard]] static unsigned option8_second_exponent(std::uint64_t q) noexcept {
        const std::uint64_t t = ceil_div(1'000'000'000'000u, q * q);  // 2^(4c-23) >= t
        unsigned c = 6;
        while ((std::uint64_t{1} << (4 * c - 23)) < t) ++c;
        return c;
    }
};

}  // namespace qkdnq::reconcile
