// Finite-key secret-key length: how many bits privacy amplification (a universal₂ hash such as
// Toeplitz hashing) may extract from a reconciled and verified key so that the result is
// ε_sec-secret, with every statistical and security penalty of a finite block counted.
//
// Three forms, each a plain input struct in and a struct of every term out:
//   leftover_hash_*          generic: your own smooth min-entropy bound, minus what was disclosed,
//                            minus the leftover-hash penalty ([TLGR12] Eq. S2, S6; [LCWXZ14] Eq. B1)
//   bb84_finite_key_*        BB84 with a qubit source, asymmetric bases ([TLGR12] Theorem 2, Eq. (2))
//   decoy_bb84_finite_key_*  decoy-state BB84, three intensities ([LCWXZ14] Eqs. (1)-(5))
// Each has `*_bound(in)`, which returns every term even when there is no key, and
// `*_length(in)`, which returns `result<terms>`: the terms with ℓ ≥ 1, or
// `status::no_secret_key` when the bound leaves ℓ ≤ 0.
//
//   qkdnq::bb84_finite_key_input in{.n = 1'000'000, .k = 100'000, .q_tol = 0.02,
//                                   .leak_ec_bits = reconciliation_disclosed_bits,
//                                   .verification_tag_bits = 34, .eps_sec = 1e-10, .eps_cor = 1e-10};
//   auto ell = qkdnq::bb84_finite_key_length(in);     // result<bb84_finite_key_terms>
//   if (ell) { /* hash the n-bit key down to ell->length bits */ }
//   else     { /* ell.error() == qkdnq::status::no_secret_key: discard the block */ }
//   auto audit = qkdnq::bb84_finite_key_bound(in);   // mu, min_entropy, penalties, bound, length
//
// Disclosed bits are counted, never estimated. `leak_ec_bits` is what error correction actually
// published about the raw key (syndrome or Cascade parities, revealed punctured bits), not
// f·n·h(Q). The verification tag is `verification_tag_bits`; the bounds subtract
// max(t, log2(2/ε_cor)): the papers' log2(2/ε_cor) covers a tag of ⌈log2(1/ε_cor)⌉ bits
// ([TLGR12] proof of Thm 2, Eq. S6), and a longer tag counts in full.
//
// Arithmetic is in long double (at least double precision). Each term carries a relative
// rounding error near 1e-16 (1e-19 with x87 long double), far below a bit for any block
// size; `length` = ⌊bound⌋ exactly as in [LCWXZ14] Eq. (1), so a bound within that error of an
// integer may floor either way. `bound` keeps the real value for diagnostics. The binary entropy
// uses log1p, so h(x) is accurate down to the smallest x, and capped: h̄(x) = h(min(x, 1/2)),
// since an error-rate bound above 1/2 only says that nothing is known ([TLGR12] Eq. S19 is
// bounded by n).
//
// Sources (equation numbers as printed in the published versions):
//   [TLGR12]  M. Tomamichel, C. C. W. Lim, N. Gisin, R. Renner, "Tight finite-key analysis for
//             quantum cryptography", Nat. Commun. 3:634 (2012), arXiv:1103.4130.
//   [LCWXZ14] C. C. W. Lim, M. Curty, N. Walenta, F. Xu, H. Zbinden, "Concise security bounds for
//             practical decoy-state quantum key distribution", Phys. Rev. A 89, 022307 (2014).
#pragma once

#include <qkdnq/core/error.hpp>
#include <qkdnq/core/result.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>

namespace qkdnq {

// ---------------------------------------------------------------------------------------------
// Generic leftover-hash form.
// ---------------------------------------------------------------------------------------------

// A smooth min-entropy bound you derived yourself, and what the protocol published.
struct leftover_hash_input {
    // H_min^ε(X|E) ≥ min_entropy_bits: Eve's smooth min-entropy of the raw key before error
    // correction and verification. Finite, in [0, 2^62].
    long double min_entropy_bits = 0;
    // ε of that bound (purified-distance smoothing, as in [TLGR12] Eq. S2); 0 for a plain
    // min-entropy. Must be below eps_sec / 2.
    double smoothing_eps = 0;
    // Bits error correction published about X (counted), ≥ 0.
    std::int64_t leak_ec_bits = 0;
    // Length t of the verification tag actually sent, ≥ 0 (0: the papers' ⌈log2(1/ε_cor)⌉).
    std::int64_t verification_tag_bits = 0;
    // Target secrecy in (0, 1); the leftover hash gets ε_PA = eps_sec − 2·smoothing_eps.
    double eps_sec = 0;
    // Correctness of the verification step in (0, 1).
    double eps_cor = 0;
};

struct leftover_hash_terms {
    long double min_entropy = 0;             // H_min^ε(X|E) as given
    long double leak_ec = 0;                 // leak_EC
    long double verification = 0;            // max(t, log2(2/ε_cor))   [TLGR12] S6, [LCWXZ14] App. B
    long double eps_pa = 0;                  // ε_PA = ε_sec − 2ε
    long double privacy_amplification = 0;   // 2·log2(1/(2 ε_PA))      [TLGR12] S2, [LCWXZ14] B1
    long double bound = 0;                   // min_entropy − leak_ec − verification − privacy_amplification
    std::uint64_t length = 0;                // ℓ = ⌊bound⌋ if bound ≥ 1, else 0
};

// ---------------------------------------------------------------------------------------------
// BB84 after [TLGR12].
// ---------------------------------------------------------------------------------------------

// The logarithm inside μ. The transcription of [TLGR12] that could be checked prints
// ln(4/ε_sec) in Eq. (2) and in Eq. S4; its Lemma 3 (Eq. S15) has ln(1/ε) with ε the
// parameter of Thm 2 (Eq. S3, 2ε + ε̃ ≤ ε_sec), and ε = ε_sec/4, ε̃ = ε_sec/2 give exactly the
// squared form of Eq. (2) with ln(4/ε_sec). Third-party code uses ln(2/ε_sec) with the same
// squared term (a slightly longer key); that reading could not be checked against the
// published text, so it is an explicit opt-in.
enum class bb84_mu_log : std::uint8_t {
    ln_4_over_eps_sec,  // μ = √((n+k)/(nk)·(k+1)/k·ln(4/ε_sec)), the default
    ln_2_over_eps_sec,  // μ = √((n+k)/(nk)·(k+1)/k·ln(2/ε_sec))
};

// The protocol Φ[n, k, ℓ, Q_tol, ε_cor, leak_EC] of [TLGR12] Table I.
struct bb84_finite_key_input {
    std::int64_t n = 0;        // raw-key bits (basis X), ≥ 1
    std::int64_t k = 0;        // parameter-estimation bits (basis Z), ≥ 1
    // The error-rate tolerance Q_tol in [0, 1/2): the protocol aborts when the error rate λ on
    // the k bits exceeds it. It is fixed before the run; choosing it from the observed λ makes a
    // variable-length protocol that [TLGR12] does not cover.
    double q_tol = 0;
    std::int64_t leak_ec_bits = 0;           // bits error correction published (counted), ≥ 0
    std::int64_t verification_tag_bits = 0;  // tag length t actually sent, ≥ 0
    double eps_sec = 0;                      // secrecy in (0, 1)
    double eps_cor = 0;                      // correctness in (0, 1)
    // Preparation quality q in (0, 1]: 1 for ideal BB84 qubits, −log2 max|⟨ψ_X|ψ_Z⟩|² in general.
    double preparation_quality = 1;
    bb84_mu_log mu_log = bb84_mu_log::ln_4_over_eps_sec;
};

struct bb84_finite_key_terms {
    long double mu = 0;                      // statistical deviation μ, Eq. (2) / Eq. S15
    long double phase_error_bound = 0;       // Q_tol + μ
    long double min_entropy = 0;             // n·(q − h̄(Q_tol + μ)) ≤ H_min(X|E), Eqs. (4)-(5), S7-S8
    long double leak_ec = 0;                 // leak_EC
    long double verification = 0;            // max(t, log2(2/ε_cor)), Eq. S6
    long double privacy_amplification = 0;   // 2·log2(1/ε_sec): ε̃ = ε_sec/2 in Eq. S3
    long double bound = 0;                   // Eq. (2): min_entropy − leak_ec − verification − privacy_amplification
    std::uint64_t length = 0;                // ℓ = ⌊bound⌋ if bound ≥ 1, else 0
};

// ---------------------------------------------------------------------------------------------
// Decoy-state BB84 after [LCWXZ14].
// ---------------------------------------------------------------------------------------------

// What to do with a negative vacuum lower bound. Eq. (2) can give s_0 < 0 when the weakest
// intensity has few detections; [LCWXZ14] specifies no clipping. Since s_0 ≥ 0 holds trivially
// and Eq. (3) grows with s_0, max(s_0, 0) is also a valid bound and yields a longer key.
enum class decoy_vacuum_bound : std::uint8_t {
    as_printed,       // s_X0 and s_Z0 exactly as Eq. (2) gives them, the default
    clamped_at_zero,  // max(s_0, 0) for s_X0 and s_Z0, before they enter Eq. (3)
};

// Three intensities μ1 > μ2 + μ3, μ2 > μ3 ≥ 0 ([LCWXZ14] §II); index 0, 1, 2 is μ1, μ2, μ3.
// Every intensity contributes to the key (basis X); basis Z estimates the phase error.
struct decoy_bb84_finite_key_input {
    std::array<double, 3> intensities{};     // mean photon numbers μ1, μ2, μ3
    std::array<double, 3> probabilities{};   // p_μ1, p_μ2, p_μ3, each in (0, 1), summing to 1
    std::array<std::int64_t, 3> n_x{};       // n_{X,k}: detections in basis X per intensity, ≥ 0
    std::array<std::int64_t, 3> n_z{};       // n_{Z,k}: detections in basis Z per intensity, ≥ 0
    std::array<std::int64_t, 3> m_z{};       // m_{Z,k}: bit errors in basis Z per intensity, in [0, n_{Z,k}]
    std::int64_t leak_ec_bits = 0;           // λ_EC: bits error correction published (counted), ≥ 0
    std::int64_t verification_tag_bits = 0;  // tag length t actually sent, ≥ 0
    double eps_sec = 0;                      // secrecy in (0, 1)
    double eps_cor = 0;                      // correctness in (0, 1)
    decoy_vacuum_bound vacuum = decoy_vacuum_bound::as_printed;
};

struct decoy_bb84_finite_key_terms {
    long double tau0 = 0, tau1 = 0;          // τ_n = Σ_k p_k e^{−k} k^n / n!
    // Hoeffding deviations √(N/2 · ln(21/ε_sec)) for N = n_X, n_Z and m_Z (App. A, Eq. A1).
    long double delta_n_x = 0, delta_n_z = 0, delta_m_z = 0;
    long double s_x0 = 0, s_z0 = 0;          // vacuum events, Eq. (2) (after clamping, if chosen)
    long double s_x1 = 0, s_z1 = 0;          // single-photon events, Eq. (3)
    long double v_z1 = 0;                    // single-photon bit errors in basis Z, Eq. (4)
    long double phase_error_observed = 0;    // v_Z1 / s_Z1 (0 when s_Z1 ≤ 0 or s_X1 ≤ 0)
    long double gamma = 0;                   // γ(ε_sec, v_Z1/s_Z1, s_Z1, s_X1), Eq. (5)
    // φ_X used in h̄(φ_X): v_Z1/s_Z1 + γ from Eq. (5), or 1/2 (nothing known about the single-photon
    // part) when Eq. (5) cannot be evaluated: s_Z1 ≤ 0, s_X1 ≤ 0, or v_Z1/s_Z1 outside (0, 1/2).
    long double phase_error_bound = 0;
    bool phase_error_trivial = false;        // true when φ_X = 1/2 was used for that reason
    long double min_entropy = 0;             // s_X0 + s_X1·(1 − h̄(φ_X)), Eq. (1) and App. B
    long double leak_ec = 0;                 // λ_EC
    long double verification = 0;            // max(t, log2(2/ε_cor)), Eq. (1)
    long double privacy_amplification = 0;   // 6·log2(21/ε_sec), Eq. (1) from Eqs. (B3)-(B4)
    long double bound = 0;                   // Eq. (1) before the floor
    std::uint64_t length = 0;                // ℓ = ⌊bound⌋ if bound ≥ 1, else 0
};

namespace detail::finite_key {

inline constexpr long double ln2 = 0.693147180559945309417232121458176568L;

// Binary entropy h(x) = −x·log2 x − (1−x)·log2(1−x) for x in [0, 1]; 0 outside (0, 1). The
// (1−x) term uses log1p, so small x keeps full relative accuracy.
[[nodiscard]] inline long double binary_entropy(long double x) noexcept {
    if (!(x > 0.0L) || !(x < 1.0L)) return 0.0L;
    const long double y = x <= 0.5L ? x : 1.0L - x;
    return (-y * std::log(y) - (1.0L - y) * std::log1p(-y)) / ln2;
}

// h̄(x) = h(min(x, 1/2)) for x ≥ 0: an error-rate bound at or above 1/2 leaves h = 1.
[[nodiscard]] inline long double binary_entropy_capped(long double x) noexcept {
    return x >= 0.5L ? 1.0L : binary_entropy(x);
}

// Shortest decimal form of a value, for error messages.
[[nodiscard]] inline std::string format_value(double value) {
    std::array<char, 32> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    if (ec != std::errc{}) return "?";
    return std::string(buffer.data(), end);
}
[[nodiscard]] inline std::string format_value(long double value) { return format_value(static_cast<double>(value)); }
[[nodiscard]] inline std::string format_value(std::int64_t value) { return std::to_string(value); }

// "<where>: argument '<argument>' is <value>, expected <expected>".
template <class T>
[[noreturn]] void throw_out_of_range(std::string_view where, std::string_view argument, T value,
                                     std::string_view expected) {
    std::string message;
    message.append(where).append(": argument '").append(argument).append("' is ");
    message.append(format_value(value)).append(", expected ").append(expected);
    throw invalid_argument(message);
}

inline void require_probability(std::string_view where, std::string_view argument, double value) {
    if (!(value > 0.0 && value < 1.0)) throw_out_of_range(where, argument, value, "a value in (0, 1)");
}

inline void require_count(std::string_view where, std::string_view argument, std::int64_t value) {
    if (value < 0) throw_out_of_range(where, argument, value, "a count >= 0");
}

inline void require_positive_count(std::string_view where, std::string_view argument, std::int64_t value) {
    if (value < 1) throw_out_of_range(where, argument, value, "a count >= 1");
}

// max(t, log2(2/ε_cor)) = max(t, 1 − log2 ε_cor): [TLGR12] Eq. S6 bounds a ⌈log2(1/ε_cor)⌉-bit tag
// by log2(2/ε_cor); a longer tag is subtracted as sent (verification.md §4).
[[nodiscard]] inline long double verification_penalty(std::int64_t tag_bits, double eps_cor) noexcept {
    const long double paper = 1.0L - std::log2(static_cast<long double>(eps_cor));
    return std::max(static_cast<long double>(tag_bits), paper);
}

// ℓ = ⌊bound⌋ when bound ≥ 1, else 0 (also for a bound that is not finite).
[[nodiscard]] inline std::uint64_t floor_length(long double bound) noexcept {
    if (!std::isfinite(bound) || !(bound >= 1.0L)) return 0;
    constexpr long double limit = 18446744073709551615.0L;  // 2^64 − 1, never reached for valid input
    return bound >= limit ? std::numeric_limits<std::uint64_t>::max()
                          : static_cast<std::uint64_t>(std::floor(bound));
}

template <class Terms>
[[nodiscard]] result<Terms> key_or_none(Terms terms) {
    if (terms.length == 0) return status::no_secret_key;
    return terms;
}

// Σ_k c_k, exact for counts below 2^61 each.
[[nodiscard]] inline long double total(const std::array<std::int64_t, 3>& c) noexcept {
    return static_cast<long double>(c[0]) + static_cast<long double>(c[1]) + static_cast<long double>(c[2]);
}

inline void check_leftover_hash(std::string_view where, const leftover_hash_input& in) {
    constexpr long double max_bits = 4611686018427387904.0L;  // 2^62
    if (!(in.min_entropy_bits >= 0.0L && in.min_entropy_bits <= max_bits)) {
        throw_out_of_range(where, "min_entropy_bits", in.min_entropy_bits, "a number of bits in [0, 2^62]");
    }
    require_count(where, "leak_ec_bits", in.leak_ec_bits);
    require_count(where, "verification_tag_bits", in.verification_tag_bits);
    require_probability(where, "eps_sec", in.eps_sec);
    require_probability(where, "eps_cor", in.eps_cor);
    if (!(in.smoothing_eps >= 0.0 && 2.0L * in.smoothing_eps < static_cast<long double>(in.eps_sec))) {
        throw_out_of_range(where, "smoothing_eps", in.smoothing_eps,
                           "a value in [0, eps_sec/2) = [0, " + format_value(in.eps_sec / 2.0) + ")");
    }
}

inline void check_bb84(std::string_view where, const bb84_finite_key_input& in) {
    require_positive_count(where, "n", in.n);
    require_positive_count(where, "k", in.k);
    if (!(in.q_tol >= 0.0 && in.q_tol < 0.5)) throw_out_of_range(where, "q_tol", in.q_tol, "an error rate in [0, 0.5)");
    require_count(where, "leak_ec_bits", in.leak_ec_bits);
    require_count(where, "verification_tag_bits", in.verification_tag_bits);
    require_probability(where, "eps_sec", in.eps_sec);
    require_probability(where, "eps_cor", in.eps_cor);
    if (!(in.preparation_quality > 0.0 && in.preparation_quality <= 1.0)) {
        throw_out_of_range(where, "preparation_quality", in.preparation_quality, "a value in (0, 1]");
    }
    if (in.mu_log != bb84_mu_log::ln_4_over_eps_sec && in.mu_log != bb84_mu_log::ln_2_over_eps_sec) {
        throw invalid_argument(std::string(where) + ": argument 'mu_log' is not a bb84_mu_log value");
    }
}

inline void check_decoy(std::string_view where, const decoy_bb84_finite_key_input& in) {
    static constexpr std::array<std::string_view, 3> mu_name{"intensities[0]", "intensities[1]", "intensities[2]"};
    static constexpr std::array<std::string_view, 3> p_name{"probabilities[0]", "probabilities[1]", "probabilities[2]"};
    static constexpr std::array<std::string_view, 3> nx_name{"n_x[0]", "n_x[1]", "n_x[2]"};
    static constexpr std::array<std::string_view, 3> nz_name{"n_z[0]", "n_z[1]", "n_z[2]"};
    static constexpr std::array<std::string_view, 3> mz_name{"m_z[0]", "m_z[1]", "m_z[2]"};
    const auto& mu = in.intensities;
    for (std::size_t i = 0; i < 3; ++i) {
        if (!(mu[i] >= 0.0 && std::isfinite(mu[i]))) {
            throw_out_of_range(where, mu_name[i], mu[i], "a finite mean photon number >= 0");
        }
    }
    // [LCWXZ14] §II: μ1 > μ2 + μ3 and μ2 > μ3 ≥ 0.
    if (!(mu[1] > mu[2])) {
        throw_out_of_range(where, mu_name[1], mu[1], "more than intensities[2] = " + format_value(mu[2]));
    }
    if (!(mu[0] > mu[1] + mu[2])) {
        throw_out_of_range(where, mu_name[0], mu[0],
                           "more than intensities[1] + intensities[2] = " + format_value(mu[1] + mu[2]));
    }
    long double sum = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        require_probability(where, p_name[i], in.probabilities[i]);
        sum += in.probabilities[i];
    }
    if (!(std::fabs(sum - 1.0L) <= 1e-9L)) {
        throw invalid_argument(std::string(where) + ": argument 'probabilities' sums to " + format_value(sum) +
                               ", expected 1");
    }
    for (std::size_t i = 0; i < 3; ++i) {
        require_count(where, nx_name[i], in.n_x[i]);
        require_count(where, nz_name[i], in.n_z[i]);
        require_count(where, mz_name[i], in.m_z[i]);
        if (in.m_z[i] > in.n_z[i]) {
            throw_out_of_range(where, mz_name[i], in.m_z[i],
                               "at most " + std::string(nz_name[i]) + " = " + std::to_string(in.n_z[i]));
        }
    }
    for (const auto* counts : {&in.n_x, &in.n_z}) {
        if (total(*counts) > 0x1p61L) {
            throw invalid_argument(std::string(where) + ": argument '" + (counts == &in.n_x ? "n_x" : "n_z") +
                                   "' sums to more than 2^61 detections");
        }
    }
    require_count(where, "leak_ec_bits", in.leak_ec_bits);
    require_count(where, "verification_tag_bits", in.verification_tag_bits);
    require_probability(where, "eps_sec", in.eps_sec);
    require_probability(where, "eps_cor", in.eps_cor);
    if (in.vacuum != decoy_vacuum_bound::as_printed && in.vacuum != decoy_vacuum_bound::clamped_at_zero) {
        throw invalid_argument(std::string(where) + ": argument 'vacuum' is not a decoy_vacuum_bound value");
    }
}

inline leftover_hash_terms leftover_hash(const leftover_hash_input& in) {
    leftover_hash_terms t;
    t.min_entropy = in.min_entropy_bits;
    t.leak_ec = static_cast<long double>(in.leak_ec_bits);
    // Chain rule, [TLGR12] Eq. S6 / [LCWXZ14] App. B: H_min^ε(X|E') ≥ H_min^ε(X|E) − leak_EC − log2(2/ε_cor).
    t.verification = verification_penalty(in.verification_tag_bits, in.eps_cor);
    // [TLGR12] Eq. S2: Δ = 2ε + ½·√(2^{ℓ − H_min^ε(X|E')}); ℓ = H_min^ε(X|E') − 2·log2(1/(2ε_PA)) gives
    // Δ ≤ 2ε + ε_PA ([LCWXZ14] Eq. B1 has the same penalty).
    t.eps_pa = static_cast<long double>(in.eps_sec) - 2.0L * static_cast<long double>(in.smoothing_eps);
    t.privacy_amplification = -2.0L - 2.0L * std::log2(t.eps_pa);
    t.bound = t.min_entropy - t.leak_ec - t.verification - t.privacy_amplification;
    t.length = floor_length(t.bound);
    return t;
}

inline bb84_finite_key_terms bb84(const bb84_finite_key_input& in) {
    bb84_finite_key_terms t;
    const auto n = static_cast<long double>(in.n);
    const auto k = static_cast<long double>(in.k);
    const auto eps_sec = static_cast<long double>(in.eps_sec);
    // [TLGR12] Eq. (2) / Eq. S15: μ = √((n+k)/(nk) · (k+1)/k · ln(c/ε_sec)), c = 4 (or 2, see bb84_mu_log),
    // written as (1/n + 1/k)·(1 + 1/k)·(ln c − ln ε_sec) so that nothing overflows.
    const long double ln_c = in.mu_log == bb84_mu_log::ln_2_over_eps_sec ? ln2 : 2.0L * ln2;
    t.mu = std::sqrt((1.0L / n + 1.0L / k) * (1.0L + 1.0L / k) * (ln_c - std::log(eps_sec)));
    t.phase_error_bound = static_cast<long double>(in.q_tol) + t.mu;
    // Eqs. (4)-(5) / S7-S8: H_min^ε'(X|E) ≥ nq − H_max^ε'(Z|Z') ≥ n(q − h(Q_tol + μ)).
    t.min_entropy = n * (static_cast<long double>(in.preparation_quality) - binary_entropy_capped(t.phase_error_bound));
    t.leak_ec = static_cast<long double>(in.leak_ec_bits);
    t.verification = verification_penalty(in.verification_tag_bits, in.eps_cor);  // Eq. S6
    // Eq. (2): log2(2/(ε_sec²·ε_cor)) = 2·log2(1/ε_sec) + log2(2/ε_cor); the first part is Eq. S3's
    // 2·log2(1/(2ε̃)) with ε̃ = ε_sec/2.
    t.privacy_amplification = -2.0L * std::log2(eps_sec);
    t.bound = t.min_entropy - t.leak_ec - t.verification - t.privacy_amplification;
    t.length = floor_length(t.bound);
    return t;
}

inline decoy_bb84_finite_key_terms decoy_bb84(const decoy_bb84_finite_key_input& in) {
    decoy_bb84_finite_key_terms t;
    std::array<long double, 3> mu{};
    std::array<long double, 3> p{};
    std::array<long double, 3> weight{};  // e^{μ_k} / p_k
    for (std::size_t i = 0; i < 3; ++i) {
        mu[i] = in.intensities[i];
        p[i] = in.probabilities[i];
        weight[i] = std::exp(mu[i]) / p[i];
        // τ_n = Σ_k p_k e^{−k} k^n / n! (Eq. (2)), for n = 0 and 1.
        t.tau0 += p[i] * std::exp(-mu[i]);
        t.tau1 += p[i] * std::exp(-mu[i]) * mu[i];
    }
    const long double eps_sec = in.eps_sec;
    const long double ln_21_over_eps = std::log(21.0L) - std::log(eps_sec);  // ε1 = ε2 = ε_sec/21, Eq. (B4)

    struct bounds {
        std::array<long double, 3> plus, minus;
    };
    // n^±_k = (e^k / p_k)·[n_k ± √(N/2 · ln(21/ε_sec))], N = Σ_k n_k (Eq. (2); Hoeffding, Eq. A1).
    const auto hoeffding = [&](const std::array<std::int64_t, 3>& c, long double& delta) {
        delta = std::sqrt(total(c) / 2.0L * ln_21_over_eps);
        bounds b{};
        for (std::size_t i = 0; i < 3; ++i) {
            b.plus[i] = weight[i] * (static_cast<long double>(c[i]) + delta);
            b.minus[i] = weight[i] * (static_cast<long double>(c[i]) - delta);
        }
        return b;
    };
    const bounds nx = hoeffding(in.n_x, t.delta_n_x);
    const bounds nz = hoeffding(in.n_z, t.delta_n_z);
    const bounds mz = hoeffding(in.m_z, t.delta_m_z);

    // Eq. (2): s_0 ≥ τ0·(μ2·n⁻_μ3 − μ3·n⁺_μ2)/(μ2 − μ3).
    const auto vacuum = [&](const bounds& b) {
        const long double s0 = t.tau0 * (mu[1] * b.minus[2] - mu[2] * b.plus[1]) / (mu[1] - mu[2]);
        return in.vacuum == decoy_vacuum_bound::clamped_at_zero ? std::max(s0, 0.0L) : s0;
    };
    // Eq. (3): s_1 ≥ τ1·μ1·[n⁻_μ2 − n⁺_μ3 − (μ2² − μ3²)/μ1²·(n⁺_μ1 − s_0/τ0)] / (μ1(μ2 − μ3) − μ2² + μ3²).
    // The denominator is written (μ2 − μ3)(μ1 − μ2 − μ3), the same value, > 0 by the checks.
    const auto single = [&](const bounds& b, long double s0) {
        const long double mixed = (mu[1] * mu[1] - mu[2] * mu[2]) / (mu[0] * mu[0]) * (b.plus[0] - s0 / t.tau0);
        return t.tau1 * mu[0] * (b.minus[1] - b.plus[2] - mixed) / ((mu[1] - mu[2]) * (mu[0] - mu[1] - mu[2]));
    };
    t.s_x0 = vacuum(nx);
    t.s_z0 = vacuum(nz);
    t.s_x1 = single(nx, t.s_x0);
    t.s_z1 = single(nz, t.s_z0);
    // Eq. (4): v_Z1 ≤ τ1·(m⁺_μ2 − m⁻_μ3)/(μ2 − μ3).
    t.v_z1 = t.tau1 * (mz.plus[1] - mz.minus[2]) / (mu[1] - mu[2]);

    // Eq. (5): φ_X ≤ v_Z1/s_Z1 + γ(ε_sec, v_Z1/s_Z1, s_Z1, s_X1), with
    // γ(a, b, c, d) = √((c+d)(1−b)b/(c·d·ln 2) · log2((c+d)/(c·d·(1−b)b) · 21²/a²)).
    // The paper prints "c d log 2"; it is read as the natural log (its binary logs are written log2).
    // A log2(...) below 0 means the tail bound behind γ already holds at γ = 0, so it is clamped at 0.
    t.phase_error_trivial = true;
    t.phase_error_bound = 0.5L;
    if (t.s_z1 > 0.0L && t.s_x1 > 0.0L) {
        const long double b = t.v_z1 / t.s_z1;
        t.phase_error_observed = b;
        if (b > 0.0L && b < 0.5L) {
            const long double c = t.s_z1;
            const long double d = t.s_x1;
            const long double spread = (c + d) / (c * d);  // (c+d)/(cd) = 1/c + 1/d
            const long double log_term =
                std::log2(spread / ((1.0L - b) * b)) + 2.0L * std::log2(21.0L) - 2.0L * std::log2(eps_sec);
            t.gamma = std::sqrt(spread * (1.0L - b) * b / ln2 * std::max(log_term, 0.0L));
            t.phase_error_bound = b + t.gamma;
            t.phase_error_trivial = false;
        }
    }
    // Eq. (1) and App. B: H_min ≥ s_X0 + s_X1·(1 − h(φ_X)); h̄ caps φ_X at 1/2.
    t.min_entropy = t.s_x0 + t.s_x1 * (1.0L - binary_entropy_capped(t.phase_error_bound));
    t.leak_ec = static_cast<long double>(in.leak_ec_bits);
    t.verification = verification_penalty(in.verification_tag_bits, in.eps_cor);
    // Eq. (1): 6·log2(21/ε_sec), from log2(2/(ε_cor·β)) with β = (α2·α3·ν)² and each term ε_sec/21 (B3-B4).
    t.privacy_amplification = 6.0L * (std::log2(21.0L) - std::log2(eps_sec));
    t.bound = t.min_entropy - t.leak_ec - t.verification - t.privacy_amplification;
    t.length = floor_length(t.bound);
    return t;
}

}  // namespace detail::finite_key

// Every term of the generic leftover-hash bound, also when it leaves no key (length 0).
// Throws qkdnq::invalid_argument on an input outside its documented range.
[[nodiscard]] inline leftover_hash_terms leftover_hash_bound(const leftover_hash_input& in) {
    detail::finite_key::check_leftover_hash("qkdnq::leftover_hash_bound", in);
    return detail::finite_key::leftover_hash(in);
}

// ℓ with its terms, or status::no_secret_key when the bound leaves ℓ ≤ 0.
[[nodiscard]] inline result<leftover_hash_terms> leftover_hash_length(const leftover_hash_input& in) {
    detail::finite_key::check_leftover_hash("qkdnq::leftover_hash_length", in);
    return detail::finite_key::key_or_none(detail::finite_key::leftover_hash(in));
}

// Every term of [TLGR12] Eq. (2), also when it leaves no key (length 0).
[[nodiscard]] inline bb84_finite_key_terms bb84_finite_key_bound(const bb84_finite_key_input& in) {
    detail::finite_key::check_bb84("qkdnq::bb84_finite_key_bound", in);
    return detail::finite_key::bb84(in);
}

// [TLGR12] Eq. (2): ℓ with its terms, or status::no_secret_key when ℓ ≤ 0.
[[nodiscard]] inline result<bb84_finite_key_terms> bb84_finite_key_length(const bb84_finite_key_input& in) {
    detail::finite_key::check_bb84("qkdnq::bb84_finite_key_length", in);
    return detail::finite_key::key_or_none(detail::finite_key::bb84(in));
}

// Every term of [LCWXZ14] Eqs. (1)-(5), also when they leave no key (length 0).
[[nodiscard]] inline decoy_bb84_finite_key_terms decoy_bb84_finite_key_bound(const decoy_bb84_finite_key_input& in) {
    detail::finite_key::check_decoy("qkdnq::decoy_bb84_finite_key_bound", in);
    return detail::finite_key::decoy_bb84(in);
}

// [LCWXZ14] Eq. (1): ℓ with its terms, or status::no_secret_key when ℓ ≤ 0.
[[nodiscard]] inline result<decoy_bb84_finite_key_terms> decoy_bb84_finite_key_length(
    const decoy_bb84_finite_key_input& in) {
    detail::finite_key::check_decoy("qkdnq::decoy_bb84_finite_key_length", in);
    return detail::finite_key::key_or_none(detail::finite_key::decoy_bb84(in));
}

}  // namespace qkdnq
