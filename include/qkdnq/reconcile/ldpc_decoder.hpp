// Belief-propagation decoding of LDPC syndromes: Bob recovers Alice's word x from his noisy y
// and her syndrome s = H x.
//
//   auto llr = qkdnq::reconcile::bsc_llrs(y, qber);              // Bob's belief about each bit of x
//   auto out = qkdnq::reconcile::sum_product_decode(code, llr, s, 100);
//   if (out.syndrome_matched) ...  // then verify (reconcile/verify.hpp): a matching syndrome does
//                                  // not prove that out.word == x
//
// The reference decoder is the floating-point sum-product algorithm with a flooding schedule
// (../shared/notes/ldpc.md §1): variable-to-check messages start at the channel LLRs
// L_v = (1 - 2 y_v) ln((1 - Q)/Q) (0 for a punctured bit, a large value of the known sign for a
// shortened one); each check c sends tanh(L_(c→v)/2) = (1 - 2 s_c) Π_(v'≠v) tanh(L_(v'→c)/2), the
// syndrome bit flipping the sign; each variable sends its channel LLR plus every other check's
// message; the hard decision is the sign of the sum of all. Decoding stops as soon as the
// decisions satisfy H x̂ = s, or after `max_iterations`.
#pragma once

#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/reconcile/ldpc_code.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace qkdnq::reconcile {

// Messages are clamped here: |LLR| <= 40 keeps tanh(L/2) below 1 in double precision.
inline constexpr double ldpc_llr_limit = 40.0;

// The channel LLRs of y over a BSC with crossover probability qber (0 < qber < 1/2). Throws
// `invalid_argument` otherwise.
[[nodiscard]] inline std::vector<double> bsc_llrs(const bit_vector& y, double qber) {
    if (!(qber > 0.0 && qber < 0.5)) {
        throw invalid_argument("qkdnq::reconcile::bsc_llrs: qber = " + std::to_string(qber) + " is outside (0, 1/2)");
    }
    const double magnitude = std::min(ldpc_llr_limit, std::log((1.0 - qber) / qber));
    std::vector<double> llr(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) llr[i] = y[i] ? -magnitude : magnitude;
    return llr;
}

struct ldpc_decode_result {
    bit_vector word;                // the hard decisions after the last iteration
    unsigned iterations = 0;        // iterations run
    bool syndrome_matched = false;  // H word = s (which does not prove word = x)
};

// Sum-product decoding, flooding schedule, early stop. Throws `invalid_argument` if llr or the
// syndrome do not fit the code.
[[nodiscard]] inline ldpc_decode_result sum_product_decode(const ldpc_code& code, std::span<const double> llr,
                                                           const bit_vector& syndrome, unsigned max_iterations) {
    if (llr.size() != code.variables() || syndrome.size() != code.checks()) {
        throw invalid_argument("qkdnq::reconcile::sum_product_decode: " + std::to_string(llr.size()) + " LLRs and " +
                               std::to_string(syndrome.size()) + " syndrome bits for a " + std::to_string(code.checks()) +
                               " x " + std::to_string(code.variables()) + " code");
    }
    const std::size_t n = code.variables(), m = code.checks();
    std::vector<double> to_check(code.edges()), to_variable(code.edges());
    for (std::size_t e = 0; e < code.edges(); ++e) to_check[e] = llr[code.edge_variable(e)];
    ldpc_decode_result out;
    out.word = bit_vector(n);
    for (std::size_t v = 0; v < n; ++v) out.word.set(v, llr[v] < 0);
    if (code.syndrome(out.word) == syndrome) {
        out.syndrome_matched = true;
        return out;
    }
    std::vector<double> prefix, suffix;
    for (unsigned it = 1; it <= max_iterations; ++it) {
        // Check nodes: the product of the others' tanh(L/2), as prefix times suffix products.
        for (std::size_t c = 0; c < m; ++c) {
            const std::size_t first = code.check_begin(c), degree = code.check_degree(c);
            prefix.assign(degree + 1, 1.0);
            suffix.assign(degree + 1, 1.0);
            for (std::size_t i = 0; i < degree; ++i) prefix[i + 1] = prefix[i] * std::tanh(to_check[first + i] / 2);
            for (std::size_t i = degree; i > 0; --i) suffix[i - 1] = suffix[i] * std::tanh(to_check[first + i - 1] / 2);
            const double sign = syndrome[c] ? -1.0 : 1.0;
            for (std::size_t i = 0; i < degree; ++i) {
                const double t = std::clamp(sign * prefix[i] * suffix[i + 1], -1.0, 1.0);
                to_variable[first + i] = std::clamp(2 * std::atanh(t), -ldpc_llr_limit, ldpc_llr_limit);
            }
        }
        // Variable nodes: the channel plus all checks, each check's own message taken out again.
        for (std::size_t v = 0; v < n; ++v) {
            double total = llr[v];
            for (const std::uint32_t e : code.variable_edges(v)) total += to_variable[e];
            out.word.set(v, total < 0);
            for (const std::uint32_t e : code.variable_edges(v)) {
                to_check[e] = std::clamp(total - to_variable[e], -ldpc_llr_limit, ldpc_llr_limit);
            }
        }
        out.iterations = it;
        if (code.syndrome(out.word) == syndrome) {
            out.syndrome_matched = true;
            break;
        }
    }
    return out;
}

}  // namespace qkdnq::reconcile
