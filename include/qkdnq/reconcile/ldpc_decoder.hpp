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
//
// The fast decoder, `layered_decoder`, is layered belief propagation on a quasi-cyclic code with
// 16-bit fixed-point messages (1/8 LLR units, saturating). One layer is one block row: its Z
// checks share no variable, so they are updated together, lane i for check i, over each block's
// variables rotated by the block's shift (read in place from a doubled copy of the column block's
// posteriors). For a check, with Q = P_v - R_(c,v) (P the posterior, R the check's last message),
// the new R_(c,v) is the box-plus of the syndrome sign and the other Q's,
// a ⊞ b = sign(a) sign(b) min(|a|, |b|) + c(|a + b|) - c(|a - b|) with c(x) = ln(1 + e^-x)
// replaced by two lines (forward-backward sums, 3 (d - 2) box-plus for degree d), and
// P_v = Q + R_(c,v). Normalised and offset min-sum were tried first: on these degree
// distributions (check degrees 9 to 51, variable degrees up to 45) they failed most frames that
// sum-product decodes at f = 1.15 (n = 10^4, 10 frames per rate, docs/reconciliation.md). The
// hard decisions are the signs of P; the syndrome is checked after every iteration. The SIMD
// kernel (xsimd, 16-bit lanes) and the plain loop give bit-identical results (a differential
// test holds them to each other); `layered_decoder::decode_scalar` runs the loop.
#pragma once

#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/reconcile/ldpc_code.hpp>
#include <qkdnq/simd/arch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#if defined(__AVX512BW__)
#include <immintrin.h>
#endif

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

namespace detail {

inline std::int16_t saturate16(std::int32_t v) noexcept {
    return static_cast<std::int16_t>(std::clamp<std::int32_t>(v, -32767, 32767));
}

// The box-plus correction ln(1 + e^-x) in 1/8 LLR units, x >= 0 in those units: the larger of two
// lines through (0, 0.69), (1, 0.31) and (3, 0.05) in LLRs, floored, and 0 beyond.
inline std::int16_t box_plus_correction(std::int16_t x) noexcept {
    const std::int32_t c = std::min<std::int32_t>(x, 64);
    return static_cast<std::int16_t>(std::max({std::int32_t{0}, (177 - 12 * c) >> 5, (114 - 4 * c) >> 5}));
}

// a ⊞ b = 2 atanh(tanh(a/2) tanh(b/2)) ≈ sign(a) sign(b) min(|a|, |b|) + c(|a + b|) - c(|a - b|)
// = sign(a) sign(b) (min(|a|, |b|) + c(|a| + |b|) - c(||a| - |b||)) (for opposite signs |a + b|
// and |a - b| trade places), which needs no signed sums. |a|, |b| <= 32767; the magnitude stays
// within 16 bits (c(x) > 0 only for x < 64).
inline std::int16_t box_plus(std::int16_t a, std::int16_t b) noexcept {
    const auto abs16 = [](std::int16_t v) { return static_cast<std::int16_t>(v < 0 ? -v : v); };
    const std::int16_t ma = abs16(a), mb = abs16(b);
    const std::int16_t least = std::min(ma, mb);
    const std::int16_t sum = saturate16(std::int32_t{ma} + mb);
    const auto diff = static_cast<std::int16_t>(std::max(ma, mb) - least);
    const auto magnitude = static_cast<std::int16_t>(least + box_plus_correction(sum) - box_plus_correction(diff));
    return (a < 0) != (b < 0) ? static_cast<std::int16_t>(-magnitude) : magnitude;
}

// One layer on `lanes` checks (lanes padded to the SIMD width): q[k] holds, for each of the
// layer's `degree` blocks, the rotated posteriors on entry and the new posteriors on exit; r[k]
// the blocks' check messages; f is scratch for `degree` rows; syndrome_sign is -1 where the
// check's syndrome bit is 1. Forward-backward: F_k = s ⊞ Q_0 ⊞ ... ⊞ Q_(k-1), the message to
// block k is F_k ⊞ (Q_(k+1) ⊞ ... ⊞ Q_(d-1)).
inline void bp_layer_scalar(std::int16_t* const* q, std::int16_t* const* r, std::int16_t* const* f, std::size_t degree,
                            std::size_t lanes, const std::int16_t* syndrome_sign) noexcept {
    for (std::size_t i = 0; i < lanes; ++i) {
        const std::int16_t s = syndrome_sign[i];
        for (std::size_t k = 0; k < degree; ++k) q[k][i] = saturate16(std::int32_t{q[k][i]} - r[k][i]);
        if (degree == 1) {
            r[0][i] = s != 0 ? std::int16_t{-32767} : std::int16_t{32767};
            q[0][i] = saturate16(std::int32_t{q[0][i]} + r[0][i]);
            continue;
        }
        f[1][i] = static_cast<std::int16_t>((q[0][i] ^ s) - s);  // s ⊞ Q_0: Q_0 with the syndrome's sign
        for (std::size_t k = 1; k + 1 < degree; ++k) f[k + 1][i] = box_plus(f[k][i], q[k][i]);
        std::int16_t back = q[degree - 1][i];
        r[degree - 1][i] = f[degree - 1][i];
        for (std::size_t k = degree - 2; k >= 1; --k) {
            r[k][i] = box_plus(f[k][i], back);
            back = box_plus(back, q[k][i]);
        }
        r[0][i] = static_cast<std::int16_t>((back ^ s) - s);
        for (std::size_t k = 0; k < degree; ++k) q[k][i] = saturate16(std::int32_t{q[k][i]} + r[k][i]);
    }
}

// The architecture of the SIMD layer: xsimd's best for the compiler flags (16-bit lanes need
// AVX-512BW on AVX-512 targets; with AVX-512F alone, AVX2).
#if defined(__AVX2__)
using ldpc_arch = std::conditional_t<std::is_base_of_v<xsimd::avx512f, simd::arch> && !std::is_base_of_v<xsimd::avx512bw, simd::arch>,
                                     xsimd::avx2, simd::arch>;
#else
using ldpc_arch = simd::arch;
#endif

// The correction is 0 from x = 28 on, so on AVX-512BW it is one lookup in a 32-entry table of
// 16-bit values (vpermw, which xsimd 8.1 does not wrap: an intrinsic on the batch's register),
// giving the same values as the two lines computed elsewhere.
inline constexpr std::int16_t box_plus_table_size = 32;
static_assert((177 - 12 * (box_plus_table_size - 4)) >> 5 <= 0 && (114 - 4 * (box_plus_table_size - 4)) >> 5 <= 0);

template <class Arch>
struct box_plus_simd {
    using b16 = xsimd::batch<std::int16_t, Arch>;
    b16 bottom = b16(static_cast<std::int16_t>(-32767));
    b16 cap = b16(static_cast<std::int16_t>(64)), zero = b16(static_cast<std::int16_t>(0));
    b16 a1 = b16(static_cast<std::int16_t>(177)), a2 = b16(static_cast<std::int16_t>(114));
    b16 last_entry = b16(static_cast<std::int16_t>(box_plus_table_size - 1));
    b16 table = make_table();

    [[nodiscard]] static b16 make_table() noexcept {
        alignas(64) std::int16_t t[b16::size] = {};
        for (std::size_t i = 0; i < b16::size && i < std::size_t{box_plus_table_size}; ++i) t[i] = box_plus_correction(static_cast<std::int16_t>(i));
        return b16::load_aligned(t);
    }
    [[nodiscard]] b16 sub(b16 a, b16 b) const noexcept { return xsimd::max(xsimd::ssub(a, b), bottom); }
    [[nodiscard]] b16 add(b16 a, b16 b) const noexcept { return xsimd::max(xsimd::sadd(a, b), bottom); }
    [[nodiscard]] b16 correction(b16 x) const noexcept {  // x >= 0
#if defined(__AVX512BW__)
        if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
            return _mm512_permutexvar_epi16(xsimd::min(x, last_entry), table);
        }
#endif
        const b16 c4 = xsimd::min(x, cap) << 2;  // 4c, and 12c = 4c + 8c: shifts, not multiplies
        return xsimd::max(zero, xsimd::max((a1 - c4 - (c4 << 1)) >> 5, (a2 - c4) >> 5));
    }
    // The magnitude of a ⊞ b from |a| and |b|: min + c(|a| + |b|) - c(||a| - |b||), never below 0
    // (the correction falls by less than the minimum grows; checked over every pair with
    // min < 8, the only ones where it could).
    [[nodiscard]] b16 magnitude(b16 ma, b16 mb) const noexcept {
        const b16 least = xsimd::min(ma, mb);
        return least + correction(xsimd::sadd(ma, mb)) - correction(xsimd::max(ma, mb) - least);
    }
    // m with the sign bit of `sign`.
    [[nodiscard]] static b16 with_sign(b16 m, b16 sign) noexcept {
        const b16 negative = sign >> 15;
        return (m ^ negative) - negative;
    }
};

// G groups of lanes at once, starting at lane i: the forward and backward recursions are chains
// of dependent box-plus operations, and interleaving independent groups hides their latency. The
// recursions run on magnitudes, and each message takes the sign of the product of the syndrome
// and the other inputs, the XOR of all sign bits with its own: the same values as the signed
// recursion of bp_layer_scalar (where a partial result is 0, every message built from it is 0
// in both), in fewer operations.
template <class Arch, std::size_t G>
inline void bp_layer_groups(std::int16_t* const* q, std::int16_t* const* r, std::int16_t* const* f, std::size_t degree,
                            std::size_t i, const std::int16_t* syndrome_sign, const box_plus_simd<Arch>& bp) noexcept {
    using b16 = xsimd::batch<std::int16_t, Arch>;
    constexpr std::size_t width = b16::size;
    b16 sign[G], forward[G], back[G];
    for (std::size_t g = 0; g < G; ++g) sign[g] = b16::load_unaligned(syndrome_sign + i + g * width);
    for (std::size_t k = 0; k < degree; ++k) {
        for (std::size_t g = 0; g < G; ++g) {
            const std::size_t at = i + g * width;
            const b16 qk = bp.sub(b16::load_unaligned(q[k] + at), b16::load_unaligned(r[k] + at));
            qk.store_unaligned(q[k] + at);
            sign[g] ^= qk;
        }
    }
    for (std::size_t g = 0; g < G; ++g) {
        forward[g] = xsimd::abs(b16::load_unaligned(q[0] + i + g * width));  // |s ⊞ Q_0|
        forward[g].store_unaligned(f[1] + i + g * width);
    }
    for (std::size_t k = 1; k + 1 < degree; ++k) {
        for (std::size_t g = 0; g < G; ++g) {
            const std::size_t at = i + g * width;
            forward[g] = bp.magnitude(forward[g], xsimd::abs(b16::load_unaligned(q[k] + at)));
            forward[g].store_unaligned(f[k + 1] + at);
        }
    }
    for (std::size_t g = 0; g < G; ++g) {
        const std::size_t at = i + g * width;
        const b16 qk = b16::load_unaligned(q[degree - 1] + at);
        back[g] = xsimd::abs(qk);
        bp.with_sign(forward[g], sign[g] ^ qk).store_unaligned(r[degree - 1] + at);
    }
    for (std::size_t k = degree - 2; k >= 1; --k) {
        for (std::size_t g = 0; g < G; ++g) {
            const std::size_t at = i + g * width;
            const b16 qk = b16::load_unaligned(q[k] + at);
            bp.with_sign(bp.magnitude(b16::load_unaligned(f[k] + at), back[g]), sign[g] ^ qk).store_unaligned(r[k] + at);
            back[g] = bp.magnitude(back[g], xsimd::abs(qk));
        }
    }
    for (std::size_t g = 0; g < G; ++g) {
        const std::size_t at = i + g * width;
        bp.with_sign(back[g], sign[g] ^ b16::load_unaligned(q[0] + at)).store_unaligned(r[0] + at);
    }
    for (std::size_t k = 0; k < degree; ++k) {
        for (std::size_t g = 0; g < G; ++g) {
            const std::size_t at = i + g * width;
            bp.add(b16::load_unaligned(q[k] + at), b16::load_unaligned(r[k] + at)).store_unaligned(q[k] + at);
        }
    }
}

template <class Arch>
inline void bp_layer_simd(std::int16_t* const* q, std::int16_t* const* r, std::int16_t* const* f, std::size_t degree,
                          std::size_t lanes, const std::int16_t* syndrome_sign) noexcept {
    if (degree == 1) {  // not in the family; the plain loop handles it
        bp_layer_scalar(q, r, f, degree, lanes, syndrome_sign);
        return;
    }
    constexpr std::size_t width = xsimd::batch<std::int16_t, Arch>::size;
    const box_plus_simd<Arch> bp;
    std::size_t i = 0;
    for (; i + 4 * width <= lanes; i += 4 * width) bp_layer_groups<Arch, 4>(q, r, f, degree, i, syndrome_sign, bp);
    for (; i < lanes; i += width) bp_layer_groups<Arch, 1>(q, r, f, degree, i, syndrome_sign, bp);
}

}  // namespace detail

// Layered belief propagation on a quasi-cyclic code, 16-bit fixed point. Keeps its buffers
// between frames; one decoder per thread.
class layered_decoder {
public:
    // LLRs are held in units of 1/8; channel values are clamped to ±1023 of those units.
    static constexpr double llr_scale = 8.0;
    static constexpr std::int16_t channel_limit = 1023;

    // Throws `invalid_argument` if the code has no quasi-cyclic structure.
    explicit layered_decoder(const ldpc_code& code) : m_code(&code) {
        const auto& qc = code.quasi_cyclic();
        if (qc.lift == 0) throw invalid_argument("qkdnq::reconcile::layered_decoder: the code has no quasi-cyclic structure");
        constexpr std::size_t width = xsimd::batch<std::int16_t, detail::ldpc_arch>::size;
        m_lanes = (qc.lift + width - 1) / width * width;
        m_row_start.assign(qc.rows + 1, 0);
        for (const auto& e : qc.entries) ++m_row_start[e.row + 1];
        for (std::size_t r = 0; r < qc.rows; ++r) m_row_start[r + 1] += m_row_start[r];
        std::size_t max_degree = 0;
        for (std::size_t r = 0; r < qc.rows; ++r) max_degree = std::max<std::size_t>(max_degree, m_row_start[r + 1] - m_row_start[r]);
        m_r.assign(qc.entries.size() * m_lanes, 0);
        m_block_stride = 2 * m_lanes;  // a block's posteriors twice over, then room for padding lanes
        m_posterior.assign(qc.cols * m_block_stride, 0);
        m_syndrome_sign.assign(qc.rows * m_lanes, 0);
        m_f.assign(max_degree * m_lanes, 0);
        m_q_rows.resize(max_degree);
        m_r_rows.resize(max_degree);
        m_f_rows.resize(max_degree);
        for (std::size_t k = 0; k < max_degree; ++k) m_f_rows[k] = m_f.data() + k * m_lanes;
    }

    [[nodiscard]] const ldpc_code& code() const noexcept { return *m_code; }

    // Early failure: with a stall limit L > 0 decoding also stops, unmatched, once L iterations in
    // a row have not lowered the fewest unsatisfied checks seen so far (counting them all costs a
    // pass over the edges per iteration). 0, the default: only the syndrome or the cap stop it.
    void set_stall_limit(unsigned iterations) noexcept { m_stall_limit = iterations; }
    [[nodiscard]] unsigned stall_limit() const noexcept { return m_stall_limit; }

    [[nodiscard]] ldpc_decode_result decode(std::span<const double> llr, const bit_vector& syndrome, unsigned max_iterations) {
        return run<true>(llr, syndrome, max_iterations);
    }
    // The same with the plain loop (the SIMD kernel's reference).
    [[nodiscard]] ldpc_decode_result decode_scalar(std::span<const double> llr, const bit_vector& syndrome, unsigned max_iterations) {
        return run<false>(llr, syndrome, max_iterations);
    }

private:
    template <bool Simd>
    ldpc_decode_result run(std::span<const double> llr, const bit_vector& syndrome, unsigned max_iterations) {
        const ldpc_code& code = *m_code;
        const auto& qc = code.quasi_cyclic();
        if (llr.size() != code.variables() || syndrome.size() != code.checks()) {
            throw invalid_argument("qkdnq::reconcile::layered_decoder::decode: " + std::to_string(llr.size()) + " LLRs and " +
                                   std::to_string(syndrome.size()) + " syndrome bits for a " + std::to_string(code.checks()) +
                                   " x " + std::to_string(code.variables()) + " code");
        }
        const std::size_t z = qc.lift;
        for (std::size_t v = 0; v < code.variables(); ++v) {
            const double scaled = std::clamp(std::round(llr[v] * llr_scale), -double{channel_limit}, double{channel_limit});
            std::int16_t* block = m_posterior.data() + v / z * m_block_stride;
            block[v % z] = block[v % z + z] = static_cast<std::int16_t>(scaled);
        }
        std::fill(m_r.begin(), m_r.end(), std::int16_t{0});
        for (std::size_t r = 0; r < qc.rows; ++r) {
            for (std::size_t i = 0; i < z; ++i) m_syndrome_sign[r * m_lanes + i] = syndrome[r * z + i] ? std::int16_t{-1} : std::int16_t{0};
        }
        ldpc_decode_result out;
        const bool count_all = m_stall_limit != 0;
        std::size_t fewest = unsatisfied_checks(count_all);
        out.syndrome_matched = fewest == 0;
        unsigned stalled = 0;
        for (unsigned it = 1; it <= max_iterations && !out.syndrome_matched; ++it) {
            for (std::size_t r = 0; r < qc.rows; ++r) layer<Simd>(r);
            out.iterations = it;
            const std::size_t unsatisfied = unsatisfied_checks(count_all);
            out.syndrome_matched = unsatisfied == 0;
            if (unsatisfied < fewest) {
                fewest = unsatisfied;
                stalled = 0;
            } else if (count_all && ++stalled >= m_stall_limit) {
                break;
            }
        }
        out.word = bit_vector(code.variables());
        for (std::size_t v = 0; v < code.variables(); ++v) out.word.set(v, m_posterior[v / z * m_block_stride + v % z] < 0);
        return out;
    }

    // Block row r in place: block k's lanes are its column's posteriors from the shift on, read
    // straight from the doubled copy (lane i: variable (i + shift) mod Z at index shift + i);
    // afterwards each half takes over what the kernel wrote into the other (Z values per block,
    // where copying in and out would move 2 Z; padding lanes land past the real ones and are
    // overwritten or never read).
    template <bool Simd>
    void layer(std::size_t r) {
        const auto& qc = m_code->quasi_cyclic();
        const std::size_t z = qc.lift, first = m_row_start[r], degree = m_row_start[r + 1] - first;
        for (std::size_t k = 0; k < degree; ++k) {
            const auto& e = qc.entries[first + k];
            m_q_rows[k] = m_posterior.data() + e.col * m_block_stride + e.shift;
            m_r_rows[k] = m_r.data() + (first + k) * m_lanes;
        }
        if constexpr (Simd && simd::enabled) {
            detail::bp_layer_simd<detail::ldpc_arch>(m_q_rows.data(), m_r_rows.data(), m_f_rows.data(), degree, m_lanes, m_syndrome_sign.data() + r * m_lanes);
        } else {
            detail::bp_layer_scalar(m_q_rows.data(), m_r_rows.data(), m_f_rows.data(), degree, m_lanes, m_syndrome_sign.data() + r * m_lanes);
        }
        for (std::size_t k = 0; k < degree; ++k) {
            const auto& e = qc.entries[first + k];
            std::int16_t* p = m_posterior.data() + e.col * m_block_stride;
            std::copy(p + e.shift, p + z, p + z + e.shift);  // variables shift .. Z - 1, written to the first half
            std::copy(p + z, p + z + e.shift, p);            // variables 0 .. shift - 1, written to the second
        }
    }

    // The checks the signs of the posteriors leave unsatisfied: all of them, or (all = false) 0 if
    // none and else at least 1, stopping at the first block row with one.
    [[nodiscard]] std::size_t unsatisfied_checks(bool all) {
        const auto& qc = m_code->quasi_cyclic();
        const std::size_t z = qc.lift;
        std::int16_t* parity = m_f.data();  // lane i: the XOR of check i's signs, syndrome included
        std::size_t unsatisfied = 0;
        for (std::size_t r = 0; r < qc.rows; ++r) {
            std::copy(m_syndrome_sign.begin() + static_cast<std::ptrdiff_t>(r * m_lanes),
                      m_syndrome_sign.begin() + static_cast<std::ptrdiff_t>(r * m_lanes + z), parity);
            for (std::size_t k = m_row_start[r]; k < m_row_start[r + 1]; ++k) {
                const auto& e = qc.entries[k];
                const std::int16_t* p = m_posterior.data() + e.col * m_block_stride + e.shift;
                for (std::size_t i = 0; i < z; ++i) parity[i] = static_cast<std::int16_t>(parity[i] ^ (p[i] >> 15));
            }
            for (std::size_t i = 0; i < z; ++i) unsatisfied += parity[i] != 0 ? 1 : 0;
            if (!all && unsatisfied != 0) return unsatisfied;
        }
        return unsatisfied;
    }

    const ldpc_code* m_code;
    std::size_t m_lanes = 0;                  // Z rounded up to the SIMD width
    std::vector<std::size_t> m_row_start;     // block row r's entries: [m_row_start[r], m_row_start[r + 1])
    std::vector<std::int16_t> m_r;            // check messages, one row of lanes per block
    std::vector<std::int16_t> m_posterior;    // P per column block: Z values, the same Z again, padding room
    std::size_t m_block_stride = 0;
    unsigned m_stall_limit = 0;
    std::vector<std::int16_t> m_syndrome_sign;
    std::vector<std::int16_t> m_f;            // forward box-plus sums of a layer
    std::vector<std::int16_t*> m_q_rows, m_r_rows, m_f_rows;
};

}  // namespace qkdnq::reconcile
