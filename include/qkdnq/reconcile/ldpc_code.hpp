// Sparse parity-check matrices for LDPC syndrome reconciliation, and the quasi-cyclic code
// family built from published degree distributions.
//
//   auto code = qkdnq::reconcile::make_ldpc_code(qkdnq::reconcile::ldpc_distribution_rate_0_5, 100'000, seed);
//   bit_vector s = code.syndrome(x);     // Alice's message: m = n (1 - R) bits
//
// ldpc_code holds H (m checks by n variables) in both compressed forms: the variables of each
// check (row order, increasing) and, for each variable, the edges that reach it, as indices into
// the row-ordered edge list, so that a decoder keeps one message per edge in row order and
// reaches them from both sides. The syndrome is computed with word-packed bits.
//
// Construction (../shared/notes/ldpc.md §4). A base graph of B = 400 variable and round(B (1 - R))
// check nodes is grown by progressive edge growth (Hu, Eleftheriou and Arnold, IEEE T-IT 51:386,
// 2005, §III): variable nodes in non-decreasing degree order, each edge to a check at the largest
// distance in the graph so far (none reachable first), among those the lowest current degree,
// ties broken at random; checks take degrees floor(E/m) or that plus one (concentrated, as the
// tables' ρ). Variable degrees follow the distribution's node-perspective fractions
// Λ_i = (λ_i/i) / Σ_j (λ_j/j), rounded to B nodes by largest remainder. The base graph is then
// lifted by Z = ceil(n / B): each base edge becomes a Z x Z cyclically shifted identity (shift
// drawn at random among those that close no 4-cycle with the shifts already chosen: 64 draws,
// then the next free shift after the last draw, when any is free), so n = B Z. Measured: no
// 4-cycle at n = 10^5 for any of the nine distributions; at n = 10^4 (Z = 25) only rate 0.55
// has none, the denser base rows leaving no free shift. Every random choice comes from
// xoshiro256** seeded by
// SHAKE128("qkdnq ldpc code" || seed || n || the distribution's rate in ppm), so that both sides
// and every platform build the same matrix from the same arguments.
#pragma once

#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/reconcile/permutation.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qkdnq::reconcile {

// A sparse binary matrix H of `checks` rows and `variables` columns.
class ldpc_code {
public:
    struct edge {
        std::uint32_t check;
        std::uint32_t variable;
    };

    ldpc_code() = default;
    // From its nonzero entries, in any order. Throws `invalid_argument` for an entry out of range
    // or given twice, or a matrix without columns.
    ldpc_code(std::size_t checks, std::size_t variables, std::vector<edge> edges) : m_checks(checks), m_variables(variables) {
        if (variables == 0 || variables > std::numeric_limits<std::uint32_t>::max() ||
            checks > std::numeric_limits<std::uint32_t>::max() || edges.size() > std::numeric_limits<std::uint32_t>::max()) {
            throw invalid_argument("qkdnq::reconcile::ldpc_code: " + std::to_string(checks) + " x " + std::to_string(variables) +
                                   " with " + std::to_string(edges.size()) + " entries is out of range");
        }
        for (const edge& e : edges) {
            if (e.check >= checks || e.variable >= variables) {
                throw invalid_argument("qkdnq::reconcile::ldpc_code: entry (" + std::to_string(e.check) + ", " +
                                       std::to_string(e.variable) + ") outside the " + std::to_string(checks) + " x " +
                                       std::to_string(variables) + " matrix");
            }
        }
        std::sort(edges.begin(), edges.end(), [](const edge& a, const edge& b) {
            return a.check != b.check ? a.check < b.check : a.variable < b.variable;
        });
        for (std::size_t i = 1; i < edges.size(); ++i) {
            if (edges[i].check == edges[i - 1].check && edges[i].variable == edges[i - 1].variable) {
                throw invalid_argument("qkdnq::reconcile::ldpc_code: entry (" + std::to_string(edges[i].check) + ", " +
                                       std::to_string(edges[i].variable) + ") given twice");
            }
        }
        m_check_start.assign(checks + 1, 0);
        m_variable_start.assign(variables + 1, 0);
        for (const edge& e : edges) {
            ++m_check_start[e.check + 1];
            ++m_variable_start[e.variable + 1];
        }
        std::partial_sum(m_check_start.begin(), m_check_start.end(), m_check_start.begin());
        std::partial_sum(m_variable_start.begin(), m_variable_start.end(), m_variable_start.begin());
        m_edge_variable.resize(edges.size());
        m_variable_edges.resize(edges.size());
        std::vector<std::uint32_t> fill(m_variable_start.begin(), m_variable_start.end() - 1);
        for (std::size_t i = 0; i < edges.size(); ++i) {  // edges are in row order: i is the edge index
            m_edge_variable[i] = edges[i].variable;
            m_variable_edges[fill[edges[i].variable]++] = static_cast<std::uint32_t>(i);
        }
    }

    [[nodiscard]] std::size_t checks() const noexcept { return m_checks; }
    [[nodiscard]] std::size_t variables() const noexcept { return m_variables; }
    [[nodiscard]] std::size_t edges() const noexcept { return m_edge_variable.size(); }
    // The design rate 1 - m/n (the true rate if H has full row rank).
    [[nodiscard]] double rate() const noexcept {
        return 1.0 - static_cast<double>(m_checks) / static_cast<double>(m_variables);
    }

    // Check c's edges are the indices [check_begin(c), check_begin(c + 1)), in increasing variable
    // order; edge_variable(e) is the variable of edge e.
    [[nodiscard]] std::size_t check_begin(std::size_t c) const noexcept { return m_check_start[c]; }
    [[nodiscard]] std::uint32_t edge_variable(std::size_t e) const noexcept { return m_edge_variable[e]; }
    [[nodiscard]] std::span<const std::uint32_t> check_variables(std::size_t c) const noexcept {
        return std::span<const std::uint32_t>(m_edge_variable).subspan(m_check_start[c], m_check_start[c + 1] - m_check_start[c]);
    }
    // The edges of variable v (indices into the row-ordered edges), in increasing check order.
    [[nodiscard]] std::span<const std::uint32_t> variable_edges(std::size_t v) const noexcept {
        return std::span<const std::uint32_t>(m_variable_edges).subspan(m_variable_start[v], m_variable_start[v + 1] - m_variable_start[v]);
    }
    [[nodiscard]] std::size_t check_degree(std::size_t c) const noexcept { return m_check_start[c + 1] - m_check_start[c]; }
    [[nodiscard]] std::size_t variable_degree(std::size_t v) const noexcept { return m_variable_start[v + 1] - m_variable_start[v]; }

    // s = H x over GF(2). Throws `invalid_argument` if x does not have variables() bits.
    [[nodiscard]] bit_vector syndrome(const bit_vector& x) const {
        if (x.size() != m_variables) {
            throw invalid_argument("qkdnq::reconcile::ldpc_code::syndrome: argument 'x' has " + std::to_string(x.size()) +
                                   " bits, expected " + std::to_string(m_variables));
        }
        bit_vector s(m_checks);
        const auto words = x.words();
        auto out = s.words();
        for (std::size_t w = 0; 64 * w < m_checks; ++w) {  // 64 checks into one word
            std::uint64_t acc = 0;
            const std::size_t end = std::min(m_checks, 64 * w + 64);
            for (std::size_t c = 64 * w; c < end; ++c) {
                std::uint64_t bit = 0;
                for (std::size_t e = m_check_start[c]; e < m_check_start[c + 1]; ++e) {
                    const std::uint32_t v = m_edge_variable[e];
                    bit ^= words[v / 64] >> (v % 64);
                }
                acc |= (bit & 1u) << (c % 64);
            }
            out[w] = acc;
        }
        return s;
    }

    // The number of pairs of checks that share two or more variables: each closes a 4-cycle.
    [[nodiscard]] std::size_t four_cycles() const {
        std::size_t found = 0;
        std::vector<std::uint32_t> shared(m_checks, 0);
        std::vector<std::uint32_t> touched;
        for (std::size_t c = 0; c < m_checks; ++c) {
            for (const std::uint32_t v : check_variables(c)) {
                for (const std::uint32_t e : variable_edges(v)) {
                    const std::uint32_t other = edge_check(e);
                    if (other <= c) continue;
                    if (shared[other]++ == 0) touched.push_back(other);
                }
            }
            for (const std::uint32_t other : touched) {
                const std::size_t k = shared[other];
                found += k * (k - 1) / 2;
                shared[other] = 0;
            }
            touched.clear();
        }
        return found;
    }

    // A quasi-cyclic code's structure: H is `rows` x `cols` blocks of lift x lift, the listed ones
    // (by row, then column) the identity shifted so that check row Z + i meets variable
    // col Z + (i + shift) mod Z; the others zero. Empty (lift 0) for a code given by its entries.
    struct qc_entry {
        std::uint32_t row, col, shift;
    };
    struct qc_structure {
        std::size_t rows = 0, cols = 0, lift = 0;
        std::vector<qc_entry> entries;
    };
    [[nodiscard]] const qc_structure& quasi_cyclic() const noexcept { return m_qc; }
    // The same code with its QC structure recorded (the entries must expand to its edges).
    // Throws `invalid_argument` if they do not.
    void set_quasi_cyclic(qc_structure qc) {
        std::sort(qc.entries.begin(), qc.entries.end(), [](const qc_entry& a, const qc_entry& b) {
            return a.row != b.row ? a.row < b.row : a.col < b.col;
        });
        bool fits = qc.lift != 0 && qc.rows * qc.lift == m_checks && qc.cols * qc.lift == m_variables &&
                    qc.entries.size() * qc.lift == edges();
        for (std::size_t k = 0; fits && k < qc.entries.size(); ++k) {
            const qc_entry& q = qc.entries[k];
            fits = q.row < qc.rows && q.col < qc.cols && q.shift < qc.lift && (k == 0 || q.row != qc.entries[k - 1].row || q.col != qc.entries[k - 1].col);
            for (std::size_t i = 0; fits && i < qc.lift; ++i) {
                const auto vars = check_variables(q.row * qc.lift + i);
                fits = std::binary_search(vars.begin(), vars.end(), static_cast<std::uint32_t>(q.col * qc.lift + (i + q.shift) % qc.lift));
            }
        }
        if (!fits) throw invalid_argument("qkdnq::reconcile::ldpc_code::set_quasi_cyclic: the blocks do not expand to this matrix");
        m_qc = std::move(qc);
    }

    // The check of edge e.
    [[nodiscard]] std::uint32_t edge_check(std::size_t e) const noexcept {
        const auto it = std::upper_bound(m_check_start.begin(), m_check_start.end(), static_cast<std::uint32_t>(e));
        return static_cast<std::uint32_t>(it - m_check_start.begin() - 1);
    }

private:
    std::size_t m_checks = 0;
    std::size_t m_variables = 0;
    std::vector<std::uint32_t> m_check_start;     // m + 1 offsets into the row-ordered edges
    std::vector<std::uint32_t> m_edge_variable;   // per edge, its variable
    std::vector<std::uint32_t> m_variable_start;  // n + 1 offsets into m_variable_edges
    std::vector<std::uint32_t> m_variable_edges;  // per variable, its edges
    qc_structure m_qc;
};

// A degree distribution pair from the edge perspective, λ(x) = Σ λ_i x^(i-1) over variable
// degrees i and ρ(x) = Σ ρ_j x^(j-1) over check degrees j, as the papers print them, with the
// BSC threshold p* that density evolution gives for it (0 where none was published).
struct ldpc_distribution {
    std::string_view source;
    double rate;       // design rate 1 - (Σ ρ_j / j) / (Σ λ_i / i)
    double threshold;  // p*, or 0: not computed
    std::span<const std::pair<unsigned, double>> lambda;  // (variable degree i, λ_i)
    std::span<const std::pair<unsigned, double>> rho;     // (check degree j, ρ_j)
};

namespace detail {
// Elkouss, Leverrier, Alléaume and Boutros, ISIT 2009 (arXiv:0901.2140), Table I, and Martinez-
// Mateo, Elkouss and Martin, "Blind reconciliation", QIC 12:791 (2012), Appendix B
// (../shared/notes/ldpc_tables.md tables A and B). Degrees are node degrees: the tables' term
// c x^d is (d + 1, c). Per rate the family takes the row whose codes decoded more frames at
// n = 10^5 (layered decoder, 16 frames per f, f = 1.06 ... 1.14; docs/reconciliation.md): the 2009
// rows at 0.5, 0.55, 0.65, 0.7, 0.75, 0.8 and 0.9, the 2012 row at 0.6. Table I's R = 0.85 row
// does not add up (Σλ = 1.05), so rate 0.85 is this project's: the 2009 R = 0.8 λ with
// concentrated checks (two adjacent degrees) for rate 0.85, which decoded as many frames as the
// row with one coefficient corrected either way; no threshold computed.
inline constexpr std::pair<unsigned, double> elkouss_r050_lambda[] = {
    {2, 0.14438}, {3, 0.19026}, {4, 0.01836},  {5, 0.00233},  {6, 0.04697},  {8, 0.053943}, {9, 0.05590},
    {10, 0.01290}, {11, 0.00162}, {14, 0.06159}, {15, 0.13115}, {17, 0.01481}, {47, 0.00879}, {49, 0.00650},
    {55, 0.00210}, {56, 0.00099}, {57, 0.11178}, {58, 0.06238}, {59, 0.05094}, {66, 0.02230}};
inline constexpr std::pair<unsigned, double> elkouss_r050_rho[] = {{10, 0.47575}, {12, 0.46847}, {13, 0.02952}, {14, 0.02626}};
inline constexpr std::pair<unsigned, double> elkouss_r055_lambda[] = {{2, 0.16880},  {3, 0.20994},  {6, 0.18095},  {15, 0.03846},
                                                                      {16, 0.02635}, {18, 0.23454}, {19, 0.05815}, {31, 0.08280}};
inline constexpr std::pair<unsigned, double> elkouss_r055_rho[] = {{10, 0.27631}, {11, 0.72369}};
inline constexpr std::pair<unsigned, double> blind_r060_lambda[] = {{2, 0.11653},  {3, 0.125646},  {4, 0.108507}, {5, 0.0534223},
                                                                    {7, 0.0727228}, {8, 0.0347964}, {9, 0.0729986}, {18, 0.0752607},
                                                                    {32, 0.117103}, {45, 0.223013}};
inline constexpr std::pair<unsigned, double> blind_r060_rho[] = {{14, 0.582731}, {15, 0.417269}};
inline constexpr std::pair<unsigned, double> elkouss_r065_lambda[] = {{2, 0.10451},  {3, 0.15652},  {4, 0.08057},  {5, 0.00056}, {9, 0.12151},
                                                                      {13, 0.10485}, {15, 0.10719}, {21, 0.00771}, {51, 0.31656}};
inline constexpr std::pair<unsigned, double> elkouss_r065_rho[] = {{2, 0.000578}, {15, 0.06089}, {16, 0.47001}, {21, 0.46852}};
inline constexpr std::pair<unsigned, double> elkouss_r070_lambda[] = {{2, 0.05343},  {3, 0.29406},  {6, 0.00896},  {9, 0.15571},  {12, 0.12189},
                                                                      {25, 0.19872}, {46, 0.09572}, {62, 0.02741}, {65, 0.04056}, {73, 0.00354}};
inline constexpr std::pair<unsigned, double> elkouss_r070_rho[] = {{20, 0.76922}, {21, 0.23077}};
inline constexpr std::pair<unsigned, double> elkouss_r075_lambda[] = {{2, 0.10805}, {3, 0.09511}, {4, 0.01449},  {5, 0.13764},
                                                                      {6, 0.10667}, {7, 0.05288}, {28, 0.01107}, {31, 0.47408}};
inline constexpr std::pair<unsigned, double> elkouss_r075_rho[] = {{25, 0.74161}, {26, 0.25839}};
inline constexpr std::pair<unsigned, double> elkouss_r080_lambda[] = {{2, 0.09420}, {3, 0.18088}, {6, 0.11972},  {7, 0.08550},
                                                                      {8, 0.09816}, {17, 0.07194}, {26, 0.34960}};
inline constexpr std::pair<unsigned, double> elkouss_r080_rho[] = {{29, 0.58807}, {30, 0.41193}};
inline constexpr std::pair<unsigned, double> derived_r085_rho[] = {{39, 0.665076}, {40, 0.334924}};  // with elkouss_r080_lambda
inline constexpr std::pair<unsigned, double> elkouss_r090_lambda[] = {{2, 0.07689}, {3, 0.28096}, {5, 0.08933},
                                                                      {9, 0.19620}, {12, 0.30631}, {21, 0.05031}};
inline constexpr std::pair<unsigned, double> elkouss_r090_rho[] = {{50, 0.95025}, {51, 0.04975}};
}  // namespace detail

inline constexpr ldpc_distribution ldpc_distribution_rate_0_5{"Elkouss et al. 2009, Table I", 0.5, 0.1071, detail::elkouss_r050_lambda, detail::elkouss_r050_rho};
inline constexpr ldpc_distribution ldpc_distribution_rate_0_55{"Elkouss et al. 2009, Table I", 0.55, 0.0904, detail::elkouss_r055_lambda, detail::elkouss_r055_rho};
inline constexpr ldpc_distribution ldpc_distribution_rate_0_6{"Martinez-Mateo et al. 2012, App. B", 0.6, 0.0745261, detail::blind_r060_lambda, detail::blind_r060_rho};
inline constexpr ldpc_distribution ldpc_distribution_rate_0_65{"Elkouss et al. 2009, Table I", 0.65, 0.0633, detail::elkouss_r065_lambda, detail::elkouss_r065_rho};
inline constexpr ldpc_distribution ldpc_distribution_rate_0_7{"Elkouss et al. 2009, Table I", 0.7, 0.0504, detail::elkouss_r070_lambda, detail::elkouss_r070_rho};
inline constexpr ldpc_distribution ldpc_distribution_rate_0_75{"Elkouss et al. 2009, Table I", 0.75, 0.0392, detail::elkouss_r075_lambda, detail::elkouss_r075_rho};
inline constexpr ldpc_distribution ldpc_distribution_rate_0_8{"Elkouss et al. 2009, Table I", 0.8, 0.0298, detail::elkouss_r080_lambda, detail::elkouss_r080_rho};
inline constexpr ldpc_distribution ldpc_distribution_rate_0_85{"Elkouss et al. 2009 R = 0.8 lambda, checks for 0.85 (qkdnq)", 0.85, 0.0,
                                                               detail::elkouss_r080_lambda, detail::derived_r085_rho};
inline constexpr ldpc_distribution ldpc_distribution_rate_0_9{"Elkouss et al. 2009, Table I", 0.9, 0.0109, detail::elkouss_r090_lambda, detail::elkouss_r090_rho};

// The family, by increasing rate (decreasing threshold), in steps of 0.05.
inline constexpr std::array<const ldpc_distribution*, 9> ldpc_distributions = {
    &ldpc_distribution_rate_0_5,  &ldpc_distribution_rate_0_55, &ldpc_distribution_rate_0_6,
    &ldpc_distribution_rate_0_65, &ldpc_distribution_rate_0_7,  &ldpc_distribution_rate_0_75,
    &ldpc_distribution_rate_0_8,  &ldpc_distribution_rate_0_85, &ldpc_distribution_rate_0_9};

// The family member of rate `percent` / 100 (50, 55, ..., 90), or nullptr.
[[nodiscard]] constexpr const ldpc_distribution* ldpc_distribution_for_percent(unsigned percent) noexcept {
    for (const ldpc_distribution* d : ldpc_distributions) {
        if (static_cast<unsigned>(d->rate * 100 + 0.5) == percent) return d;
    }
    return nullptr;
}

namespace detail {

inline constexpr std::size_t ldpc_base_variables = 400;

// Node degrees for `nodes` nodes from edge-perspective fractions: Λ_i = (λ_i/i)/Σ(λ_j/j), rounded
// by largest remainder so that they add up to `nodes`; returned in non-decreasing order.
[[nodiscard]] inline std::vector<unsigned> node_degrees(std::span<const std::pair<unsigned, double>> edge_fractions, std::size_t nodes) {
    double total = 0;
    for (const auto& [d, f] : edge_fractions) total += f / d;
    std::vector<std::size_t> count(edge_fractions.size());
    std::vector<std::pair<double, std::size_t>> remainder;
    std::size_t given = 0;
    for (std::size_t i = 0; i < edge_fractions.size(); ++i) {
        const double exact = static_cast<double>(nodes) * (edge_fractions[i].second / edge_fractions[i].first) / total;
        count[i] = static_cast<std::size_t>(std::floor(exact));
        given += count[i];
        remainder.emplace_back(exact - std::floor(exact), i);
    }
    std::sort(remainder.begin(), remainder.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    for (std::size_t i = 0; given < nodes; ++i, ++given) ++count[remainder[i % remainder.size()].second];
    std::vector<unsigned> degrees;
    for (std::size_t i = 0; i < edge_fractions.size(); ++i) degrees.insert(degrees.end(), count[i], edge_fractions[i].first);
    std::sort(degrees.begin(), degrees.end());
    return degrees;
}

// Progressive edge growth on a base graph: variable v gets degrees[v] edges; check c at most
// capacity[c]. Returns the edges, or nothing if some variable finds too few checks with room.
[[nodiscard]] inline std::optional<std::vector<ldpc_code::edge>> progressive_edge_growth(const std::vector<unsigned>& degrees,
                                                                                         const std::vector<unsigned>& capacity,
                                                                                         permutation_rng& rng) {
    const std::size_t n = degrees.size(), m = capacity.size();
    std::vector<std::vector<std::uint32_t>> var_checks(n), check_vars(m);
    std::vector<unsigned> check_degree(m, 0);
    std::vector<std::uint32_t> depth_check(m), depth_var(n);
    std::vector<ldpc_code::edge> edges;
    constexpr std::uint32_t unreached = std::numeric_limits<std::uint32_t>::max();
    for (std::size_t v = 0; v < n; ++v) {
        for (unsigned k = 0; k < degrees[v]; ++k) {
            // Breadth-first from v: the depth at which each check is first reached.
            std::fill(depth_check.begin(), depth_check.end(), unreached);
            std::fill(depth_var.begin(), depth_var.end(), unreached);
            std::vector<std::uint32_t> frontier = {static_cast<std::uint32_t>(v)};
            depth_var[v] = 0;
            for (std::uint32_t level = 0; !frontier.empty(); ++level) {
                std::vector<std::uint32_t> next;
                for (const std::uint32_t u : frontier) {
                    for (const std::uint32_t c : var_checks[u]) {
                        if (depth_check[c] != unreached) continue;
                        depth_check[c] = level;
                        for (const std::uint32_t w : check_vars[c]) {
                            if (depth_var[w] == unreached) {
                                depth_var[w] = level + 1;
                                next.push_back(w);
                            }
                        }
                    }
                }
                frontier.swap(next);
            }
            // Candidates: checks with room, not already v's, at the largest depth (unreached first),
            // then the lowest degree; one of them at random.
            std::uint32_t best_depth = 0;
            unsigned best_degree = 0;
            std::vector<std::uint32_t> candidates;
            for (std::size_t c = 0; c < m; ++c) {
                if (check_degree[c] >= capacity[c] || depth_check[c] == 0) continue;  // full, or v's own
                const std::uint32_t d = depth_check[c];
                const bool better = candidates.empty() || d > best_depth || (d == best_depth && check_degree[c] < best_degree);
                if (better) {
                    candidates.clear();
                    best_depth = d;
                    best_degree = check_degree[c];
                }
                if (d == best_depth && check_degree[c] == best_degree) candidates.push_back(static_cast<std::uint32_t>(c));
            }
            if (candidates.empty()) return std::nullopt;
            const std::uint32_t c = candidates[rng.below(candidates.size())];
            var_checks[v].push_back(c);
            check_vars[c].push_back(static_cast<std::uint32_t>(v));
            ++check_degree[c];
            edges.push_back({c, static_cast<std::uint32_t>(v)});
        }
    }
    return edges;
}

}  // namespace detail

// The length of the family's code of about n bits: 400 ceil(n / 400).
[[nodiscard]] constexpr std::size_t ldpc_code_bits(std::size_t n) noexcept {
    return (n + detail::ldpc_base_variables - 1) / detail::ldpc_base_variables * detail::ldpc_base_variables;
}

// The QC code of about n bits (exactly 400 ceil(n / 400)) for a distribution, from `seed`.
// Throws `invalid_argument` for n = 0 or n above 2^31.
[[nodiscard]] inline ldpc_code make_ldpc_code(const ldpc_distribution& dist, std::size_t n, std::uint64_t seed) {
    constexpr std::size_t base_n = detail::ldpc_base_variables;
    if (n == 0 || n > (std::size_t{1} << 31)) {
        throw invalid_argument("qkdnq::reconcile::make_ldpc_code: n = " + std::to_string(n) + " is out of range");
    }
    std::array<std::uint8_t, 20> tail{};
    store_le64(tail.data(), seed);
    store_le64(tail.data() + 8, n);
    store_le32(tail.data() + 16, static_cast<std::uint32_t>(std::lround(dist.rate * 1e6)));
    detail::permutation_rng rng("qkdnq ldpc code", tail);

    // Base graph: variable degrees from λ; check degrees concentrated near E/m (the lowest-degree
    // rule of PEG fills them evenly up to a cap of ceil(E/m), raised by one if a variable finds
    // too few checks with room).
    const std::vector<unsigned> degrees = detail::node_degrees(dist.lambda, base_n);
    const auto base_m = static_cast<std::size_t>(std::lround(static_cast<double>(base_n) * (1.0 - dist.rate)));
    const std::size_t total = std::accumulate(degrees.begin(), degrees.end(), std::size_t{0});
    if (base_m == 0 || degrees.back() > base_m) {
        throw invalid_argument("qkdnq::reconcile::make_ldpc_code: the distribution needs more checks than rate " +
                               std::to_string(dist.rate) + " leaves");
    }
    std::vector<ldpc_code::edge> base;
    for (auto cap = static_cast<unsigned>((total + base_m - 1) / base_m);; ++cap) {
        if (auto grown = detail::progressive_edge_growth(degrees, std::vector<unsigned>(base_m, cap), rng)) {
            base = std::move(*grown);
            break;
        }
    }

    // Lift: base edge (c, v) with shift s joins check c Z + i to variable v Z + (i + s) mod Z. A
    // 4-cycle through base rows c, c2 and columns v, v2 closes when
    // s(c, v) - s(c, v2) + s(c2, v2) - s(c2, v) = 0 mod Z: those shifts are avoided.
    const std::size_t z = (n + base_n - 1) / base_n;
    constexpr std::int64_t none = -1;
    std::vector<std::int64_t> shift_of(base_m * base_n, none);
    std::vector<std::vector<std::uint32_t>> row(base_m), col(base_n);
    std::vector<std::uint8_t> forbidden(z, 0);
    std::vector<ldpc_code::edge> edges;
    edges.reserve(base.size() * z);
    ldpc_code::qc_structure qc{base_m, base_n, z, {}};
    for (const ldpc_code::edge& e : base) {
        std::vector<std::size_t> marked;
        for (const std::uint32_t c2 : col[e.variable]) {
            for (const std::uint32_t v2 : row[e.check]) {
                const std::int64_t s22 = shift_of[c2 * base_n + v2];
                if (s22 == none) continue;
                const std::int64_t s12 = shift_of[e.check * base_n + v2], s21 = shift_of[c2 * base_n + e.variable];
                const auto bad = static_cast<std::size_t>(((s12 - s22 + s21) % static_cast<std::int64_t>(z) + static_cast<std::int64_t>(z)) % static_cast<std::int64_t>(z));
                if (forbidden[bad] == 0) marked.push_back(bad);
                forbidden[bad] = 1;
            }
        }
        auto shift = static_cast<std::size_t>(rng.below(z));
        for (int draw = 1; draw < 64 && forbidden[shift] != 0; ++draw) shift = static_cast<std::size_t>(rng.below(z));
        for (std::size_t step = 1; step < z && forbidden[shift] != 0; ++step) {  // dense rows: the next free one, if any
            if (forbidden[(shift + step) % z] == 0) shift = (shift + step) % z;
        }
        for (const std::size_t b : marked) forbidden[b] = 0;
        shift_of[e.check * base_n + e.variable] = static_cast<std::int64_t>(shift);
        qc.entries.push_back({e.check, e.variable, static_cast<std::uint32_t>(shift)});
        row[e.check].push_back(e.variable);
        col[e.variable].push_back(e.check);
        for (std::size_t i = 0; i < z; ++i) {
            edges.push_back({static_cast<std::uint32_t>(e.check * z + i), static_cast<std::uint32_t>(e.variable * z + (i + shift) % z)});
        }
    }
    ldpc_code code(base_m * z, base_n * z, std::move(edges));
    code.set_quasi_cyclic(std::move(qc));
    return code;
}

}  // namespace qkdnq::reconcile
