// A seeded BB84-like QKD link: fibre loss, detector efficiency, dark counts and misalignment, with
// a single-photon source or weak coherent pulses of up to three intensities (decoy states). It
// gives the textbook analytic figures (gains, QBERs, asymptotic key rates) and samples blocks of
// sifted bits whose statistics follow them, for tests, benchmarks and experiments.
//
//   qkdnq::sim::bb84_link_parameters link;             // 25 km, 0.2 dB/km, η_det 0.1, μ = 0.5/0.1/0
//   double r = qkdnq::sim::asymptotic_key_rate_per_pulse(link);          // ideal-decoy GLLP rate
//   qkdnq::shake_drbg rng(seed);
//   auto block = qkdnq::sim::generate_block(link, 1'000'000, rng);       // 10^6 sifted X bits
//   // block.alice_key / block.bob_key: key basis; block.alice_test / bob_test: test basis;
//   // block.n_x, n_z, m_z: the counts decoy_bb84_finite_key_input (amplify/finite_key.hpp) takes.
//
// Simulation only: a seeded generator's output is as public as its seed.
//
// The model (textbook; equations are cited by content, not number: the numbers could not be
// checked against the printed versions):
//   [LMC05]  H.-K. Lo, X. Ma, K. Chen, "Decoy state quantum key distribution", PRL 94, 230504 (2005).
//   [MQZL05] X. Ma, B. Qi, Y. Zhao, H.-K. Lo, "Practical decoy state for quantum key distribution",
//            PRA 72, 012326 (2005).
//   [GYS04]  C. Gobby, Z. L. Yuan, A. J. Shields, "Quantum key distribution over 122 km of standard
//            telecom fiber", APL 84, 3762 (2004): the experimental parameters [LMC05] uses.
//   [LCWXZ14] C. C. W. Lim, M. Curty, N. Walenta, F. Xu, H. Zbinden, PRA 89, 022307 (2014): the
//            three-intensity protocol whose counts the blocks deliver.
//   * Transmittance η = 10^(−(α L + extra_loss_db)/10) · η_det (fibre, receiver optics, detector).
//   * A pulse of intensity μ holds Poisson(μ) photons; the n-photon yield is Y_n = Y0 + η_n with
//     η_n = 1 − (1 − η)^n, and its error rate e_n = (e0 Y0 + e_d η_n)/Y_n, e0 = 1/2 ([MQZL05]).
//     Summed over n: gain Q_μ = Y0 + 1 − e^{−ημ} and QBER E_μ = (e0 Y0 + e_d (1 − e^{−ημ}))/Q_μ
//     ([LMC05], [MQZL05]); a single-photon source has Q = Y1 = Y0 + η and
//     E = e1 = (e0 Y0 + e_d η)/Y1.
//   * The additive model treats a dark count (probability Y0, a uniformly random bit, so an error
//     with probability 1/2) and a signal click (probability s = 1 − e^{−ημ}, or η; an error with
//     probability e_d) as exclusive events of one gate. The physical union has click probability
//     Y0 + s − Y0 s; the textbook drops Y0 s, a relative change of at most Y0 in Q. Double clicks
//     (a signal and a dark count in the other detector) are likewise inside this term; under the
//     squashing map they would get a random bit, which is what the e0 = 1/2 term gives.
//   * Bases: Alice and Bob each choose X (the key basis) with probability p_x and Z (the test
//     basis) otherwise, independently (asymmetric BB84, [LCWXZ14]); clicks with different bases
//     are discarded. The sifting factor for key bits is q = p_x^2 (p_x = 1/√2 gives the q = 1/2 of
//     symmetric BB84). Every intensity's X bits go into the key, as in [LCWXZ14].
//   * Asymptotic rates per pulse: weak coherent pulses, GLLP with ideal decoy states ([LMC05]): R = q {−Q_μ f h(E_μ) + Q_1 [1 − h(e_1)]}, Q_1 = Y1 μ e^{−μ}, at the signal
//     intensity μ = intensities[0], as if every pulse were a signal pulse. Single photons,
//     Shor-Preskill: R = q Q [1 − f h(E) − h(E)]. The practical three-intensity rate replaces Y1
//     and e1 by the decoy bounds of [MQZL05] (see `estimate_single_photon`). R ≤ 0: no key; the
//     value stays signed so that the cutoff distance can be found by bisection.
//
// Mapping from generator bytes to a block (`generate_block`). Arithmetic is in double; the
// probabilities use exp, expm1 and log1p, and each gap one std::log, so a seed gives the same block
// on one platform and libm (a libm whose log differs in the last bit may move a gap by a pulse).
//   * Per pulse the click probability is Qbar = Σ_k p_k Q_k. Conditional on a click, the outcome
//     is one of 5 per used intensity k, in the order (k = 0, 1, 2) × (X correct, X error,
//     Z correct, Z error, basis mismatch), with probabilities p_k Q_k / Qbar times p_x^2 (1 − E_k),
//     p_x^2 E_k, (1 − p_x)^2 (1 − E_k), (1 − p_x)^2 E_k, 2 p_x (1 − p_x). Their running sums c_i
//     (in double, in that order) give thresholds T_i = floor(c_i 2^64) (exact scaling; 2^64 − 1 if
//     c_i ≥ 1), and a word U selects the first outcome i with U < T_i (the last outcome otherwise).
//   * 64-bit words w come from sim::detail::word_stream (binary_symmetric_channel.hpp): 8 bytes
//     read little-endian, through chunks of 64, 128, ... bytes doubling up to 64 KiB. For each
//     click, in turn: (1) unless Qbar = 1, the gap word: u = (⌊w/2^11⌋ + 1)/2^53 in (0, 1], and
//     F = ⌊log(u)/log1p(−Qbar)⌋ pulses without a click precede this click (P(F ≥ j) = (1 − Qbar)^j
//     up to 2^−53); (2) the outcome word U. Clicks are drawn until the key holds key_bits_wanted
//     bits; a test bit or a key bit is an error exactly when its outcome says so.
//   * Then, from the same word stream, the intensities of the M = pulses_sent − detections pulses
//     without a click (multinomial with r_k = p_k (1 − Q_k)/(1 − Qbar)): pulses of intensity 0
//     among them ~ Binomial(M, r_0), of intensity 1 among the rest ~ Binomial(M − that,
//     r_1/(r_1 + r_2)), the rest intensity 2; each binomial (with one or two intensities, only the
//     first; M = 0 reads nothing) reads one word w, v = (⌊w/2^11⌋ + 1/2)/2^53, and inverts its
//     distribution over the outcomes mode, mode − 1, ..., then mode + 1, mode + 2, ..., with the
//     probabilities as ratios to the mode's (window mode ± (12σ + 60), beyond which less than
//     e^−72 lies), normalised by their sum.
//   * The rest of the last chunk is dropped. Then Alice's key bits, bit_vector::random(key size,
//     rng), then her test bits, bit_vector::random(test size, rng), straight from the generator
//     (independent fair bits); Bob's bits are Alice's XOR the error outcomes.
//   * key_bits_wanted = 0 reads nothing and returns an empty block.
// Cost: two words and one log per click, whatever the distance: 10^6 sifted bits take about 0.1 s.
#pragma once

#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace qkdnq::sim {

enum class bb84_source : std::uint8_t {
    weak_coherent,   // attenuated laser: Poisson photon numbers, up to three intensities (decoys)
    single_photon,   // one photon per pulse; intensities and probabilities are not used
};

struct bb84_link_parameters {
    double distance_km = 25;              // fibre length L, finite, ≥ 0
    double fiber_loss_db_per_km = 0.2;    // α, finite, ≥ 0
    double extra_loss_db = 0;             // receiver optics and other fixed loss, finite, ≥ 0
    double detector_efficiency = 0.1;     // η_det in (0, 1]
    double dark_count_probability = 1e-6; // Y0: background click probability per gate, in [0, 1)
    double misalignment_error = 0.01;     // e_d: probability that a signal click errs, in [0, 1/2]
    double pulse_rate_hz = 1e9;           // pulses per second, > 0 (per-second figures only)
    double p_x = 0.9;                     // probability of the key basis X for each side, in (0, 1)
    bb84_source source = bb84_source::weak_coherent;
    // Weak coherent pulses: intensities[0..intensity_count) are used, the rest ignored. With three,
    // μ1 > μ2 + μ3 and μ2 > μ3 ≥ 0 ([LCWXZ14] §II, the layout of decoy_bb84_finite_key_input);
    // with two, μ1 > μ2 ≥ 0; with one, μ1 > 0. The used probabilities are in (0, 1] and sum to 1.
    std::size_t intensity_count = 3;
    std::array<double, 3> intensities{0.5, 0.1, 0.0};      // mean photon numbers μ1, μ2, μ3
    std::array<double, 3> probabilities{0.8, 0.15, 0.05};  // p_μ1, p_μ2, p_μ3
};

// One sampled block. Index k of every array is intensity k (0 for a single-photon source).
struct bb84_block {
    bit_vector alice_key, bob_key;               // sifted key-basis (X) bits, key_bits_wanted each
    std::vector<std::uint8_t> key_intensity;     // intensity of each key bit
    bit_vector alice_test, bob_test;             // sifted test-basis (Z) bits, to be disclosed
    std::vector<std::uint8_t> test_intensity;    // intensity of each test bit
    std::array<std::int64_t, 3> n_x{};           // key bits per intensity
    std::array<std::int64_t, 3> m_x{};           // key-bit errors per intensity (the simulator's truth)
    std::array<std::int64_t, 3> n_z{};           // test bits per intensity
    std::array<std::int64_t, 3> m_z{};           // test-bit errors per intensity
    std::array<std::int64_t, 3> pulses{};        // pulses sent per intensity
    std::array<std::int64_t, 3> detections{};    // clicks per intensity, all bases
    std::int64_t pulses_sent = 0;                // Σ pulses
    std::int64_t total_detections = 0;           // Σ detections (sifted or not)
};

// Single-photon bounds from the observed gains and QBERs of three intensities (see below).
struct decoy_estimate {
    double y0 = 0;  // vacuum yield, lower bound
    double y1 = 0;  // single-photon yield, lower bound
    double e1 = 0;  // single-photon error rate, upper bound (may exceed 1/2: nothing known)
};

namespace detail {

inline constexpr double ln10 = 2.302585092994045684;
inline constexpr double ln2_d = 0.693147180559945309;

[[nodiscard]] inline std::string format_double(double value) {
    std::array<char, 32> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    if (ec != std::errc{}) return "?";
    return std::string(buffer.data(), end);
}

// "<where>: argument '<argument>' is <value>, expected <expected>".
[[noreturn]] inline void throw_link_argument(std::string_view where, std::string_view argument,
                                             std::string_view value, std::string_view expected) {
    std::string message;
    message.append(where).append(": argument '").append(argument).append("' is ");
    message.append(value).append(", expected ").append(expected);
    throw invalid_argument(message);
}

inline void require_range(std::string_view where, std::string_view argument, double value, bool ok,
                          std::string_view expected) {
    if (!ok) throw_link_argument(where, argument, format_double(value), expected);
}

// Binary entropy, capped: h(min(x, 1/2)); 0 for x ≤ 0.
[[nodiscard]] inline double binary_entropy_capped(double x) noexcept {
    if (!(x > 0.0)) return 0.0;
    if (x >= 0.5) return 1.0;
    return (-x * std::log(x) - (1.0 - x) * std::log1p(-x)) / ln2_d;
}

[[nodiscard]] inline std::size_t used_intensities(const bb84_link_parameters& p) noexcept {
    return p.source == bb84_source::single_photon ? 1 : p.intensity_count;
}

// η (fibre, extra loss, detector).
[[nodiscard]] inline double transmittance(const bb84_link_parameters& p) noexcept {
    const double loss_db = p.fiber_loss_db_per_km * p.distance_km + p.extra_loss_db;
    return std::exp(-loss_db * (ln10 / 10.0)) * p.detector_efficiency;
}

// s_k: probability of a signal click, 1 − e^{−η μ_k} (or η for single photons).
[[nodiscard]] inline double signal_click(const bb84_link_parameters& p, std::size_t k) noexcept {
    const double eta = transmittance(p);
    return p.source == bb84_source::single_photon ? eta : -std::expm1(-eta * p.intensities[k]);
}

inline void check_link(std::string_view where, const bb84_link_parameters& p) {
    const auto finite_nonneg = [](double x) { return std::isfinite(x) && x >= 0.0; };
    require_range(where, "distance_km", p.distance_km, finite_nonneg(p.distance_km), "a finite distance >= 0");
    require_range(where, "fiber_loss_db_per_km", p.fiber_loss_db_per_km, finite_nonneg(p.fiber_loss_db_per_km),
                  "a finite loss >= 0");
    require_range(where, "extra_loss_db", p.extra_loss_db, finite_nonneg(p.extra_loss_db), "a finite loss >= 0");
    require_range(where, "detector_efficiency", p.detector_efficiency,
                  p.detector_efficiency > 0.0 && p.detector_efficiency <= 1.0, "a value in (0, 1]");
    require_range(where, "dark_count_probability", p.dark_count_probability,
                  p.dark_count_probability >= 0.0 && p.dark_count_probability < 1.0, "a value in [0, 1)");
    require_range(where, "misalignment_error", p.misalignment_error,
                  p.misalignment_error >= 0.0 && p.misalignment_error <= 0.5, "a value in [0, 0.5]");
    require_range(where, "pulse_rate_hz", p.pulse_rate_hz, std::isfinite(p.pulse_rate_hz) && p.pulse_rate_hz > 0.0,
                  "a finite rate > 0");
    require_range(where, "p_x", p.p_x, p.p_x > 0.0 && p.p_x < 1.0, "a value in (0, 1)");
    if (p.source != bb84_source::weak_coherent && p.source != bb84_source::single_photon) {
        throw invalid_argument(std::string(where) + ": argument 'source' is not a bb84_source value");
    }
    if (p.source == bb84_source::weak_coherent) {
        static constexpr std::array<std::string_view, 3> mu_name{"intensities[0]", "intensities[1]", "intensities[2]"};
        static constexpr std::array<std::string_view, 3> p_name{"probabilities[0]", "probabilities[1]",
                                                                "probabilities[2]"};
        const std::size_t n = p.intensity_count;
        if (n < 1 || n > 3) throw_link_argument(where, "intensity_count", std::to_string(n), "1, 2 or 3");
        const auto& mu = p.intensities;
        for (std::size_t k = 0; k < n; ++k) {
            require_range(where, mu_name[k], mu[k], finite_nonneg(mu[k]), "a finite mean photon number >= 0");
        }
        if (n == 1) require_range(where, mu_name[0], mu[0], mu[0] > 0.0, "a mean photon number > 0");
        if (n == 2) {
            std::string expected = "more than intensities[1] = ";
            expected.append(format_double(mu[1]));
            require_range(where, mu_name[0], mu[0], mu[0] > mu[1], expected);
        }
        if (n == 3) {  // [LCWXZ14] §II: μ1 > μ2 + μ3, μ2 > μ3 ≥ 0
            std::string expected = "more than intensities[2] = ";
            expected.append(format_double(mu[2]));
            require_range(where, mu_name[1], mu[1], mu[1] > mu[2], expected);
            expected = "more than intensities[1] + intensities[2] = ";
            expected.append(format_double(mu[1] + mu[2]));
            require_range(where, mu_name[0], mu[0], mu[0] > mu[1] + mu[2], expected);
        }
        double sum = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const double pk = p.probabilities[k];
            require_range(where, p_name[k], pk, pk > 0.0 && pk <= 1.0, "a value in (0, 1]");
            sum += pk;
        }
        if (!(std::fabs(sum - 1.0) <= 1e-9)) {
            std::string expected = "probabilities[0..";
            expected.append(std::to_string(n)).append(") summing to 1");
            throw_link_argument(where, "probabilities", "a set summing to " + format_double(sum), expected);
        }
    }
    // The additive model needs Y0 + s_k ≤ 1 (a dark count and a signal click are exclusive).
    for (std::size_t k = 0; k < used_intensities(p); ++k) {
        const double limit = 1.0 - signal_click(p, k);
        if (!(p.dark_count_probability <= limit)) {
            std::string expected = "at most 1 - (signal click probability of intensity ";
            expected.append(std::to_string(k)).append(") = ").append(format_double(limit));
            throw_link_argument(where, "dark_count_probability", format_double(p.dark_count_probability), expected);
        }
    }
}

inline void check_intensity(std::string_view where, const bb84_link_parameters& p, std::size_t k) {
    const std::size_t n = used_intensities(p);
    if (k >= n) {
        std::string expected = "an index below ";
        expected.append(std::to_string(n));
        throw_link_argument(where, "intensity", std::to_string(k), expected);
    }
}

[[nodiscard]] inline double gain_unchecked(const bb84_link_parameters& p, std::size_t k) noexcept {
    return p.dark_count_probability + signal_click(p, k);
}

[[nodiscard]] inline double qber_unchecked(const bb84_link_parameters& p, std::size_t k) noexcept {
    const double q = gain_unchecked(p, k);
    return q > 0.0 ? (0.5 * p.dark_count_probability + p.misalignment_error * signal_click(p, k)) / q : 0.0;
}

// Binomial(m, r) by inversion about the mode (the header's mapping), m < 2^62.
template <random_generator G>
[[nodiscard]] std::int64_t binomial(std::int64_t m, double r, word_stream<G>& stream) {
    if (m <= 0 || !(r > 0.0)) return 0;
    if (r >= 1.0) return m;
    const double md = static_cast<double>(m);
    const double v = (static_cast<double>(stream.next() >> 11) + 0.5) * 0x1p-53;
    const double odds = r / (1.0 - r);
    const auto mode = std::min<std::int64_t>(m, static_cast<std::int64_t>(std::floor((md + 1.0) * r)));
    const double sigma = std::sqrt(md * r * (1.0 - r));
    const auto reach = static_cast<std::int64_t>(std::ceil(12.0 * sigma + 60.0));
    const std::int64_t lo = std::max<std::int64_t>(0, mode - reach);
    const std::int64_t hi = std::min<std::int64_t>(m, mode + reach);
    // w(k−1) = w(k)·k/((m−k+1)·odds), w(k+1) = w(k)·(m−k)·odds/(k+1), w(mode) = 1.
    const auto walk = [&](double target, bool find, std::int64_t& found) {
        double sum = 0;
        double w = 1;
        for (std::int64_t k = mode; k >= lo && w > 0.0; --k) {
            sum += w;
            if (find && sum >= target) {
                found = k;
                return sum;
            }
            w *= static_cast<double>(k) / ((md - static_cast<double>(k) + 1.0) * odds);
        }
        w = 1;
        for (std::int64_t k = mode + 1; k <= hi; ++k) {
            w *= (md - static_cast<double>(k - 1)) * odds / static_cast<double>(k);
            if (!(w > 0.0)) break;
            sum += w;
            if (find && sum >= target) {
                found = k;
                return sum;
            }
        }
        return sum;
    };
    std::int64_t found = mode;
    const double total = walk(0.0, false, found);
    (void)walk(v * total, true, found);
    return found;
}

}  // namespace detail

// Throws qkdnq::invalid_argument, naming the argument, unless every parameter is in its range.
inline void check_link_parameters(const bb84_link_parameters& p) { detail::check_link("qkdnq::sim::bb84_link", p); }

// η = 10^(−(α L + extra)/10)·η_det.
[[nodiscard]] inline double transmittance(const bb84_link_parameters& p) {
    detail::check_link("qkdnq::sim::transmittance", p);
    return detail::transmittance(p);
}

// Q_k = Y0 + 1 − e^{−η μ_k} (single photons: Y0 + η).
[[nodiscard]] inline double gain(const bb84_link_parameters& p, std::size_t intensity) {
    detail::check_link("qkdnq::sim::gain", p);
    detail::check_intensity("qkdnq::sim::gain", p, intensity);
    return detail::gain_unchecked(p, intensity);
}

// E_k = (Y0/2 + e_d (1 − e^{−η μ_k}))/Q_k (single photons: (Y0/2 + e_d η)/Y1).
[[nodiscard]] inline double qber(const bb84_link_parameters& p, std::size_t intensity) {
    detail::check_link("qkdnq::sim::qber", p);
    detail::check_intensity("qkdnq::sim::qber", p, intensity);
    return detail::qber_unchecked(p, intensity);
}

// Y1 = Y0 + η.
[[nodiscard]] inline double single_photon_yield(const bb84_link_parameters& p) {
    detail::check_link("qkdnq::sim::single_photon_yield", p);
    return p.dark_count_probability + detail::transmittance(p);
}

// e1 = (Y0/2 + e_d η)/Y1.
[[nodiscard]] inline double single_photon_error_rate(const bb84_link_parameters& p) {
    detail::check_link("qkdnq::sim::single_photon_error_rate", p);
    const double eta = detail::transmittance(p);
    const double y1 = p.dark_count_probability + eta;
    return y1 > 0.0 ? (0.5 * p.dark_count_probability + p.misalignment_error * eta) / y1 : 0.0;
}

// Expected sifted key-basis bits per pulse, p_x^2 Σ_k p_k Q_k; test-basis bits, (1 − p_x)^2 Σ_k p_k Q_k.
[[nodiscard]] inline double expected_key_bits_per_pulse(const bb84_link_parameters& p) {
    detail::check_link("qkdnq::sim::expected_key_bits_per_pulse", p);
    double q = 0;
    for (std::size_t k = 0; k < detail::used_intensities(p); ++k) {
        q += (p.source == bb84_source::single_photon ? 1.0 : p.probabilities[k]) * detail::gain_unchecked(p, k);
    }
    return p.p_x * p.p_x * q;
}

[[nodiscard]] inline double expected_test_bits_per_pulse(const bb84_link_parameters& p) {
    detail::check_link("qkdnq::sim::expected_test_bits_per_pulse", p);
    const double ratio = (1.0 - p.p_x) / p.p_x;
    return expected_key_bits_per_pulse(p) * ratio * ratio;
}

// GLLP: R = q {−Q_μ f h(E_μ) + Q_1 [1 − h(e_1)]}, Q_1 = max(y1, 0) μ e^{−μ} ([LMC05]); h is
// capped at 1/2, so e1 ≥ 1/2 contributes nothing. Signed: R ≤ 0 means no key.
[[nodiscard]] inline double gllp_key_rate_per_pulse(double sifting, double mu, double signal_gain,
                                                    double signal_qber, double y1, double e1, double f) {
    const double q1 = std::max(y1, 0.0) * mu * std::exp(-mu);
    return sifting * (-signal_gain * f * detail::binary_entropy_capped(signal_qber) +
                      q1 * (1.0 - detail::binary_entropy_capped(e1)));
}

// Lower bounds on Y0 and Y1 and an upper bound on e1 from the gains Q and QBERs E of a signal μ and
// two decoys ν1 > ν2 ≥ 0 with μ > ν1 + ν2 (index 0, 1, 2 = μ, ν1, ν2), asymptotically (no
// statistical fluctuation), after [MQZL05] (its vacuum + weak decoy bounds when ν2 = 0):
//   Y0 ≥ max((ν1 Q_ν2 e^{ν2} − ν2 Q_ν1 e^{ν1})/(ν1 − ν2), 0)
//   Y1 ≥ μ/(μν1 − μν2 − ν1² + ν2²) · [Q_ν1 e^{ν1} − Q_ν2 e^{ν2} − (ν1² − ν2²)/μ² (Q_μ e^μ − Y0)]
//   e1 ≤ (E_ν1 Q_ν1 e^{ν1} − E_ν2 Q_ν2 e^{ν2}) / ((ν1 − ν2) Y1)           (1/2 if Y1 ≤ 0)
// Throws invalid_argument unless the intensities are so ordered.
[[nodiscard]] inline decoy_estimate estimate_single_photon(const std::array<double, 3>& intensities,
                                                           const std::array<double, 3>& gains,
                                                           const std::array<double, 3>& qbers) {
    const double mu = intensities[0], n1 = intensities[1], n2 = intensities[2];
    constexpr std::string_view where = "qkdnq::sim::estimate_single_photon";
    detail::require_range(where, "intensities[2]", n2, std::isfinite(n2) && n2 >= 0.0, "a finite value >= 0");
    detail::require_range(where, "intensities[1]", n1, std::isfinite(n1) && n1 > n2, "more than intensities[2]");
    detail::require_range(where, "intensities[0]", mu, std::isfinite(mu) && mu > n1 + n2,
                          "more than intensities[1] + intensities[2]");
    const double a1 = gains[1] * std::exp(n1);  // Q_ν1 e^{ν1}
    const double a2 = gains[2] * std::exp(n2);
    decoy_estimate out;
    out.y0 = std::max((n1 * a2 - n2 * a1) / (n1 - n2), 0.0);
    out.y1 = mu / (mu * n1 - mu * n2 - n1 * n1 + n2 * n2) *
             (a1 - a2 - (n1 * n1 - n2 * n2) / (mu * mu) * (gains[0] * std::exp(mu) - out.y0));
    out.e1 = out.y1 > 0.0 ? (qbers[1] * a1 - qbers[2] * a2) / ((n1 - n2) * out.y1) : 0.5;
    return out;
}

// The asymptotic key rate per pulse with reconciliation efficiency f: GLLP with ideal decoys at
// μ = intensities[0] for weak coherent pulses, Shor-Preskill q Q [1 − f h(E) − h(E)] for single
// photons; q = p_x^2 (the header's model). Signed: ≤ 0 beyond the cutoff.
[[nodiscard]] inline double asymptotic_key_rate_per_pulse(const bb84_link_parameters& p, double f = 1.16) {
    constexpr std::string_view where = "qkdnq::sim::asymptotic_key_rate_per_pulse";
    detail::check_link(where, p);
    detail::require_range(where, "f", f, std::isfinite(f) && f >= 1.0, "a reconciliation efficiency >= 1");
    const double q = p.p_x * p.p_x;
    const double gain0 = detail::gain_unchecked(p, 0);
    const double qber0 = detail::qber_unchecked(p, 0);
    if (p.source == bb84_source::single_photon) {
        return q * gain0 * (1.0 - f * detail::binary_entropy_capped(qber0) - detail::binary_entropy_capped(qber0));
    }
    const double eta = detail::transmittance(p);
    const double y1 = p.dark_count_probability + eta;
    const double e1 = y1 > 0.0 ? (0.5 * p.dark_count_probability + p.misalignment_error * eta) / y1 : 0.0;
    return gllp_key_rate_per_pulse(q, p.intensities[0], gain0, qber0, y1, e1, f);
}

// The same GLLP rate with Y1 and e1 from estimate_single_photon on the analytic gains and QBERs of
// the three intensities: what a long run of the practical protocol approaches ([MQZL05]).
// Needs weak coherent pulses with intensity_count = 3.
[[nodiscard]] inline double decoy_key_rate_per_pulse(const bb84_link_parameters& p, double f = 1.16) {
    constexpr std::string_view where = "qkdnq::sim::decoy_key_rate_per_pulse";
    detail::check_link(where, p);
    detail::require_range(where, "f", f, std::isfinite(f) && f >= 1.0, "a reconciliation efficiency >= 1");
    if (p.source != bb84_source::weak_coherent || p.intensity_count != 3) {
        throw invalid_argument(std::string(where) + ": argument 'intensity_count' must be 3 with weak coherent pulses");
    }
    std::array<double, 3> gains{}, qbers{};
    for (std::size_t k = 0; k < 3; ++k) {
        gains[k] = detail::gain_unchecked(p, k);
        qbers[k] = detail::qber_unchecked(p, k);
    }
    const decoy_estimate est = estimate_single_photon(p.intensities, gains, qbers);
    return gllp_key_rate_per_pulse(p.p_x * p.p_x, p.intensities[0], gains[0], qbers[0], est.y1, est.e1, f);
}

// Key rate per second: asymptotic_key_rate_per_pulse · pulse_rate_hz.
[[nodiscard]] inline double asymptotic_key_rate_per_second(const bb84_link_parameters& p, double f = 1.16) {
    return asymptotic_key_rate_per_pulse(p, f) * p.pulse_rate_hz;
}

// The distance where asymptotic_key_rate_per_pulse reaches 0 (bisection to 1e-9 km), 0 if it has no
// key at 0 km; distance_km is ignored. Throws invalid_argument if the rate is still positive at
// 10^5 km (e.g. no loss).
[[nodiscard]] inline double key_rate_cutoff_km(bb84_link_parameters p, double f = 1.16) {
    p.distance_km = 0;
    if (!(asymptotic_key_rate_per_pulse(p, f) > 0.0)) return 0.0;
    double lo = 0, hi = 1;
    for (;;) {
        p.distance_km = hi;
        if (!(asymptotic_key_rate_per_pulse(p, f) > 0.0)) break;
        lo = hi;
        hi *= 2;
        if (hi > 1e5) {
            throw invalid_argument(
                "qkdnq::sim::key_rate_cutoff_km: the key rate stays positive beyond 1e5 km (argument "
                "'fiber_loss_db_per_km' too small)");
        }
    }
    while (hi - lo > 1e-9) {
        p.distance_km = 0.5 * (lo + hi);
        (asymptotic_key_rate_per_pulse(p, f) > 0.0 ? lo : hi) = p.distance_km;
    }
    return 0.5 * (lo + hi);
}

// Samples pulses until key_bits_wanted sifted key-basis bits exist (the header's mapping). Throws
// invalid_argument on a bad parameter, if a pulse clicks with probability below 2^-50 (naming
// distance_km), or if the block would need 2^62 pulses or more (naming key_bits_wanted).
template <random_generator G>
[[nodiscard]] bb84_block generate_block(const bb84_link_parameters& p, std::size_t key_bits_wanted, G& rng) {
    constexpr std::string_view where = "qkdnq::sim::generate_block";
    detail::check_link(where, p);
    const std::size_t used = detail::used_intensities(p);
    const bool single = p.source == bb84_source::single_photon;
    std::array<double, 3> prob{}, q{}, e{};
    double qbar = 0;
    for (std::size_t k = 0; k < used; ++k) {
        prob[k] = single ? 1.0 : p.probabilities[k];
        q[k] = detail::gain_unchecked(p, k);
        e[k] = detail::qber_unchecked(p, k);
        qbar += prob[k] * q[k];
    }
    if (!(qbar >= 0x1p-50)) {
        detail::throw_link_argument(where, "distance_km", detail::format_double(p.distance_km),
                                    "a link whose pulses click with probability >= 2^-50, got " +
                                        detail::format_double(qbar));
    }
    qbar = std::min(qbar, 1.0);
    // Outcome thresholds: (k, X ok, X err, Z ok, Z err, mismatch).
    const double px2 = p.p_x * p.p_x;
    const double pz2 = (1.0 - p.p_x) * (1.0 - p.p_x);
    const double pmis = 2.0 * p.p_x * (1.0 - p.p_x);
    const std::size_t outcomes = 5 * used;
    std::array<std::uint64_t, 15> threshold{};
    {
        double running = 0;
        for (std::size_t i = 0; i < outcomes; ++i) {
            const std::size_t k = i / 5;
            const double click = prob[k] * q[k] / qbar;
            switch (i % 5) {
                case 0: running += click * px2 * (1.0 - e[k]); break;
                case 1: running += click * px2 * e[k]; break;
                case 2: running += click * pz2 * (1.0 - e[k]); break;
                case 3: running += click * pz2 * e[k]; break;
                default: running += click * pmis; break;
            }
            threshold[i] = running >= 1.0 ? UINT64_MAX : static_cast<std::uint64_t>(std::ldexp(running, 64));
        }
    }
    const double log_no_click = std::log1p(-qbar);  // −inf when qbar = 1 (no gap word then)

    bb84_block block;
    bit_vector key_errors(key_bits_wanted);
    std::vector<std::uint8_t> test_errors;
    block.key_intensity.reserve(key_bits_wanted);
    constexpr std::int64_t max_pulses = std::int64_t{1} << 62;
    std::size_t key_bits = 0;
    std::int64_t pulses = 0;
    if (key_bits_wanted > 0) {
        detail::word_stream<G> stream(rng);
        while (key_bits < key_bits_wanted) {
            std::int64_t gap = 1;
            if (qbar < 1.0) {
                const double u = (static_cast<double>(stream.next() >> 11) + 1.0) * 0x1p-53;
                gap += static_cast<std::int64_t>(std::floor(std::log(u) / log_no_click));
            }
            pulses += gap;
            if (pulses >= max_pulses) {
                detail::throw_link_argument(where, "key_bits_wanted", std::to_string(key_bits_wanted),
                                            "a block of fewer than 2^62 pulses on this link");
            }
            const std::uint64_t w = stream.next();
            std::size_t i = 0;
            while (i + 1 < outcomes && w >= threshold[i]) ++i;
            const std::size_t k = i / 5;
            const auto k8 = static_cast<std::uint8_t>(k);
            ++block.detections[k];
            switch (i % 5) {
                case 0:
                case 1:
                    ++block.n_x[k];
                    if (i % 5 == 1) {
                        ++block.m_x[k];
                        key_errors.set(key_bits);
                    }
                    block.key_intensity.push_back(k8);
                    ++key_bits;
                    break;
                case 2:
                case 3:
                    ++block.n_z[k];
                    if (i % 5 == 3) ++block.m_z[k];
                    test_errors.push_back(i % 5 == 3 ? 1 : 0);
                    block.test_intensity.push_back(k8);
                    break;
                default: break;
            }
        }
        // The intensities of the pulses without a click.
        std::int64_t rest = pulses - (block.detections[0] + block.detections[1] + block.detections[2]);
        std::array<double, 3> r{};
        for (std::size_t k = 0; k < used; ++k) r[k] = prob[k] * (1.0 - q[k]);
        std::array<std::int64_t, 3> silent{};
        if (used == 1) {
            silent[0] = rest;
        } else {
            silent[0] = detail::binomial(rest, r[0] / (r[0] + r[1] + r[2]), stream);
            rest -= silent[0];
            if (used == 2) {
                silent[1] = rest;
            } else {
                silent[1] = detail::binomial(rest, r[1] / (r[1] + r[2]), stream);
                silent[2] = rest - silent[1];
            }
        }
        for (std::size_t k = 0; k < 3; ++k) block.pulses[k] = block.detections[k] + silent[k];
    }
    block.pulses_sent = pulses;
    block.total_detections = block.detections[0] + block.detections[1] + block.detections[2];

    block.alice_key = bit_vector::random(key_bits_wanted, rng);
    block.bob_key = block.alice_key ^ key_errors;
    bit_vector test_pattern(test_errors.size());
    for (std::size_t j = 0; j < test_errors.size(); ++j) {
        if (test_errors[j] != 0) test_pattern.set(j);
    }
    block.alice_test = bit_vector::random(test_errors.size(), rng);
    block.bob_test = block.alice_test ^ test_pattern;
    return block;
}

}  // namespace qkdnq::sim
