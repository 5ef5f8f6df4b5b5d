// LDPC codes and the reference decoder (reconcile/ldpc_code.hpp, reconcile/ldpc_decoder.hpp):
// the two adjacencies against each other and a dense product, the code family against its
// degree distributions, reproducible construction, decoding inside the threshold, and a wrong
// word with a matching syndrome caught by verification.
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/ldpc_code.hpp>
#include <qkdnq/reconcile/ldpc_decoder.hpp>
#include <qkdnq/reconcile/verify.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

namespace {

using qkdnq::bit_vector;
using qkdnq::reconcile::ldpc_code;

// The Hamming (7, 4) code's parity-check matrix: column j (1-based) is j in binary.
ldpc_code hamming_7_4() {
    std::vector<ldpc_code::edge> edges;
    for (std::uint32_t j = 1; j <= 7; ++j) {
        for (std::uint32_t bit = 0; bit < 3; ++bit) {
            if ((j >> bit) & 1u) edges.push_back({bit, j - 1});
        }
    }
    return ldpc_code(3, 7, edges);
}

// H x by rows, one bit at a time.
bit_vector dense_syndrome(const ldpc_code& code, const bit_vector& x) {
    bit_vector s(code.checks());
    for (std::size_t c = 0; c < code.checks(); ++c) {
        bool p = false;
        for (const std::uint32_t v : code.check_variables(c)) p = p != x[v];
        s.set(c, p);
    }
    return s;
}

double binary_entropy(double p) { return -p * std::log2(p) - (1 - p) * std::log2(1 - p); }

}  // namespace

TEST_CASE("ldpc code: both adjacencies hold the same entries, and bad entries throw", "[reconcile][ldpc]") {
    const ldpc_code h = hamming_7_4();
    CHECK(h.checks() == 3);
    CHECK(h.variables() == 7);
    CHECK(h.edges() == 12);
    CHECK(h.rate() == Approx(4.0 / 7.0));
    CHECK(std::vector<std::uint32_t>(h.check_variables(0).begin(), h.check_variables(0).end()) == std::vector<std::uint32_t>{0, 2, 4, 6});
    CHECK(std::vector<std::uint32_t>(h.check_variables(2).begin(), h.check_variables(2).end()) == std::vector<std::uint32_t>{3, 4, 5, 6});
    for (const ldpc_code& code : {h, qkdnq::reconcile::make_ldpc_code(qkdnq::reconcile::ldpc_distribution_rate_0_7, 4000, 9)}) {
        std::size_t seen = 0;
        for (std::size_t v = 0; v < code.variables(); ++v) {
            for (const std::uint32_t e : code.variable_edges(v)) {
                CHECK(code.edge_variable(e) == v);
                const std::uint32_t c = code.edge_check(e);
                CHECK(e >= code.check_begin(c));
                CHECK(e < code.check_begin(c) + code.check_degree(c));
                ++seen;
            }
        }
        CHECK(seen == code.edges());
    }
    using edges = std::vector<ldpc_code::edge>;
    CHECK_THROWS_AS(ldpc_code(3, 7, edges{{3, 0}}), qkdnq::invalid_argument);
    CHECK_THROWS_AS(ldpc_code(3, 7, edges{{0, 7}}), qkdnq::invalid_argument);
    CHECK_THROWS_AS(ldpc_code(3, 7, edges{{1, 2}, {0, 0}, {1, 2}}), qkdnq::invalid_argument);
    CHECK_THROWS_AS(ldpc_code(3, 0, edges{}), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)h.syndrome(bit_vector(8)), qkdnq::invalid_argument);
}

TEST_CASE("ldpc code: the syndrome is H x over GF(2), packed into words", "[reconcile][ldpc][property]") {
    qkdnq::shake_drbg rng(41);
    const ldpc_code h = hamming_7_4();
    for (std::uint32_t x = 0; x < 128; ++x) {  // Hamming: the syndrome of a single 1 at j is j
        bit_vector v(7);
        for (std::size_t i = 0; i < 7; ++i) v.set(i, ((x >> i) & 1u) != 0);
        CHECK(h.syndrome(v) == dense_syndrome(h, v));
        if (std::popcount(x) == 1) CHECK(h.syndrome(v).words()[0] == static_cast<std::uint64_t>(std::countr_zero(x) + 1));
    }
    for (const auto* dist : qkdnq::reconcile::ldpc_distributions) {
        const ldpc_code code = qkdnq::reconcile::make_ldpc_code(*dist, 2000, 3);
        for (int trial = 0; trial < 4; ++trial) {
            const bit_vector a = bit_vector::random(code.variables(), rng), b = bit_vector::random(code.variables(), rng);
            CHECK(code.syndrome(a) == dense_syndrome(code, a));
            bit_vector sum = a;
            sum ^= b;
            bit_vector s = code.syndrome(a);
            s ^= code.syndrome(b);
            CHECK(code.syndrome(sum) == s);  // linear
        }
    }
}

TEST_CASE("ldpc code: the family follows its degree distributions and has no 4-cycles at 10^5", "[reconcile][ldpc][property]") {
    for (const auto* dist : qkdnq::reconcile::ldpc_distributions) {
        INFO(dist->source << ", R = " << dist->rate);
        // The design rate and threshold as printed agree with the polynomials.
        double sum_lambda = 0, sum_rho = 0;
        for (const auto& [i, f] : dist->lambda) sum_lambda += f / i;
        for (const auto& [j, f] : dist->rho) sum_rho += f / j;
        CHECK(1 - sum_rho / sum_lambda == Approx(dist->rate).margin(1e-3));
        for (const std::size_t n : {std::size_t{10'000}, std::size_t{100'000}}) {
            const ldpc_code code = qkdnq::reconcile::make_ldpc_code(*dist, n, 1);
            const std::size_t z = (n + 399) / 400;
            CHECK(code.variables() == 400 * z);
            CHECK(code.checks() == static_cast<std::size_t>(std::lround(400 * (1 - dist->rate))) * z);
            // Variable degrees: the node fractions Λ_i = (λ_i/i)/Σ(λ_j/j), to within one base node.
            std::map<std::size_t, std::size_t> count;
            for (std::size_t v = 0; v < code.variables(); ++v) ++count[code.variable_degree(v)];
            for (const auto& [i, f] : dist->lambda) {
                const double expected = static_cast<double>(code.variables()) * (f / i) / sum_lambda;
                CHECK(std::abs(static_cast<double>(count[i]) - expected) <= static_cast<double>(z));
            }
            // Check degrees concentrated: at most two adjacent values.
            std::size_t lo = code.edges(), hi = 0;
            for (std::size_t c = 0; c < code.checks(); ++c) {
                lo = std::min(lo, code.check_degree(c));
                hi = std::max(hi, code.check_degree(c));
            }
            CHECK(hi - lo <= 1);
            if (n == 100'000) CHECK(code.four_cycles() == 0);
        }
    }
    CHECK(qkdnq::reconcile::make_ldpc_code(qkdnq::reconcile::ldpc_distribution_rate_0_55, 10'000, 1).four_cycles() == 0);
    CHECK_THROWS_AS(qkdnq::reconcile::make_ldpc_code(qkdnq::reconcile::ldpc_distribution_rate_0_5, 0, 1), qkdnq::invalid_argument);
}

TEST_CASE("ldpc code: the same arguments give the same matrix, another seed another", "[reconcile][ldpc][property]") {
    const auto digest = [](const ldpc_code& code) {
        std::vector<std::uint8_t> bytes(8 * code.edges());
        for (std::size_t e = 0; e < code.edges(); ++e) {
            qkdnq::store_le32(bytes.data() + 8 * e, code.edge_check(e));
            qkdnq::store_le32(bytes.data() + 8 * e + 4, code.edge_variable(e));
        }
        qkdnq::sha3_256 h;
        h.update(bytes);
        return h.final();
    };
    using qkdnq::reconcile::ldpc_distribution_rate_0_6;
    const auto a = digest(qkdnq::reconcile::make_ldpc_code(ldpc_distribution_rate_0_6, 8000, 5));
    CHECK(a == digest(qkdnq::reconcile::make_ldpc_code(ldpc_distribution_rate_0_6, 8000, 5)));
    CHECK(a != digest(qkdnq::reconcile::make_ldpc_code(ldpc_distribution_rate_0_6, 8000, 6)));
    CHECK(a != digest(qkdnq::reconcile::make_ldpc_code(qkdnq::reconcile::ldpc_distribution_rate_0_7, 8000, 5)));
}

TEST_CASE("ldpc decoder: frames well inside a code's threshold decode to Alice's word", "[reconcile][ldpc][statistical]") {
    struct row {
        const qkdnq::reconcile::ldpc_distribution* dist;
        double qber;
    };
    qkdnq::shake_drbg rng(43);
    for (const row r : {row{&qkdnq::reconcile::ldpc_distribution_rate_0_5, 0.08}, row{&qkdnq::reconcile::ldpc_distribution_rate_0_7, 0.04},
                        row{&qkdnq::reconcile::ldpc_distribution_rate_0_9, 0.008}}) {
        const ldpc_code code = qkdnq::reconcile::make_ldpc_code(*r.dist, 10'000, 2);
        INFO("R = " << r.dist->rate << ", QBER " << r.qber << ", f = " << (1 - code.rate()) / binary_entropy(r.qber));
        for (int frame = 0; frame < 4; ++frame) {
            const auto pair = qkdnq::sim::exact_error_key_pair(code.variables(), static_cast<std::size_t>(r.qber * 10'000), rng);
            const bit_vector s = code.syndrome(pair.alice);
            const auto out = qkdnq::reconcile::sum_product_decode(code, qkdnq::reconcile::bsc_llrs(pair.bob, r.qber), s, 100);
            CHECK(out.syndrome_matched);
            CHECK(out.iterations >= 1);
            CHECK(code.syndrome(out.word) == s);
            CHECK(out.word == pair.alice);
        }
    }
}

TEST_CASE("ldpc decoder: no errors, no iteration; too many, no match within the cap; bad sizes throw", "[reconcile][ldpc]") {
    qkdnq::shake_drbg rng(44);
    const ldpc_code code = qkdnq::reconcile::make_ldpc_code(qkdnq::reconcile::ldpc_distribution_rate_0_8, 4000, 2);
    const bit_vector x = bit_vector::random(code.variables(), rng);
    const auto clean = qkdnq::reconcile::sum_product_decode(code, qkdnq::reconcile::bsc_llrs(x, 0.02), code.syndrome(x), 50);
    CHECK(clean.syndrome_matched);
    CHECK(clean.iterations == 0);
    CHECK(clean.word == x);
    // QBER 10 % against a rate-0.8 code (threshold 2.9 %): the syndrome cannot be met.
    const auto pair = qkdnq::sim::exact_error_key_pair(code.variables(), code.variables() / 10, rng);
    const auto hopeless = qkdnq::reconcile::sum_product_decode(code, qkdnq::reconcile::bsc_llrs(pair.bob, 0.1), code.syndrome(pair.alice), 20);
    CHECK_FALSE(hopeless.syndrome_matched);
    CHECK(hopeless.iterations == 20);
    const auto llr = qkdnq::reconcile::bsc_llrs(x, 0.02);
    CHECK(llr[0] == Approx(x[0] ? -std::log(0.98 / 0.02) : std::log(0.98 / 0.02)));
    CHECK_THROWS_AS((void)qkdnq::reconcile::sum_product_decode(code, std::vector<double>(3), code.syndrome(x), 5), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)qkdnq::reconcile::sum_product_decode(code, llr, bit_vector(3), 5), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)qkdnq::reconcile::bsc_llrs(x, 0.5), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)qkdnq::reconcile::bsc_llrs(x, 0.0), qkdnq::invalid_argument);
}

// A decoder can settle on another word with the same syndrome (x plus a codeword). Injected
// here with the Hamming code: Bob's bits are x + 1110000, which has x's syndrome; the decoder
// stops at once, "matched", and only verification tells the words apart.
TEST_CASE("ldpc decoder: a wrong word with a matching syndrome is caught by verification", "[reconcile][ldpc][property]") {
    const ldpc_code h = hamming_7_4();
    bit_vector x(7);
    x.set(1);
    x.set(5);
    bit_vector codeword(7);
    for (const std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{2}}) codeword.set(i);
    REQUIRE(h.syndrome(codeword) == bit_vector(3));
    bit_vector y = x;
    for (std::size_t i = 0; i < 7; ++i) {
        if (codeword[i]) y.flip(i);  // (a 7-bit ^= trips GCC 12's array-bounds warning in the AVX-512 path)
    }
    const auto out = qkdnq::reconcile::sum_product_decode(h, qkdnq::reconcile::bsc_llrs(y, 0.01), h.syndrome(x), 50);
    CHECK(out.syndrome_matched);
    CHECK(out.word == y);
    CHECK(out.word != x);
    qkdnq::shake_drbg rng(45);
    const auto message = qkdnq::reconcile::make_verification_message(x, {.epsilon_cor = 1e-9}, rng);
    CHECK(qkdnq::reconcile::check_verification_message(out.word, message, {.epsilon_cor = 1e-9}).status ==
          qkdnq::reconcile::verify_status::mismatch);
    CHECK(qkdnq::reconcile::check_verification_message(x, message, {.epsilon_cor = 1e-9}).status == qkdnq::reconcile::verify_status::match);
}

// The layer kernel on random and extreme inputs (saturation, ties, every degree up to 52, padded
// lanes): the SIMD kernel gives exactly the plain loop's messages and posteriors.
TEST_CASE("ldpc layered decoder: the SIMD layer equals the plain loop bit for bit", "[reconcile][ldpc][simd]") {
    qkdnq::shake_drbg rng(46);
    constexpr std::size_t lanes = 64;
    for (std::size_t degree = 1; degree <= 52; ++degree) {
        INFO("degree " << degree);
        for (int trial = 0; trial < 4; ++trial) {
            std::vector<std::int16_t> q(degree * lanes), r(degree * lanes), f(degree * lanes, 0), s(lanes);
            for (std::size_t i = 0; i < q.size(); ++i) {
                const auto word = qkdnq::random_u64(rng);
                const int kind = static_cast<int>(word % 8);  // mostly small values, some at the limits
                const auto value = static_cast<std::int16_t>(static_cast<std::int32_t>((word >> 8) % 401) - 200);
                q[i] = kind == 0 ? std::int16_t{32767} : kind == 1 ? std::int16_t{-32767} : value;
                r[i] = kind == 2 ? std::int16_t{-32767} : static_cast<std::int16_t>(static_cast<std::int32_t>((word >> 24) % 201) - 100);
            }
            for (std::size_t i = 0; i < lanes; ++i) s[i] = (qkdnq::random_u64(rng) & 1) != 0 ? std::int16_t{-1} : std::int16_t{0};
            auto q2 = q, r2 = r, f2 = f;
            std::vector<std::int16_t*> qp, rp, fp, qp2, rp2, fp2;
            for (std::size_t k = 0; k < degree; ++k) {
                qp.push_back(q.data() + k * lanes);
                rp.push_back(r.data() + k * lanes);
                fp.push_back(f.data() + k * lanes);
                qp2.push_back(q2.data() + k * lanes);
                rp2.push_back(r2.data() + k * lanes);
                fp2.push_back(f2.data() + k * lanes);
            }
            qkdnq::reconcile::detail::bp_layer_scalar(qp.data(), rp.data(), fp.data(), degree, lanes, s.data());
            qkdnq::reconcile::detail::bp_layer_simd<qkdnq::reconcile::detail::ldpc_arch>(qp2.data(), rp2.data(), fp2.data(), degree, lanes, s.data());
            CHECK(q == q2);
            CHECK(r == r2);
        }
    }
    // The fixed-point box-plus against 2 atanh(tanh(a/2) tanh(b/2)), in 1/8 LLR units.
    double worst = 0;
    for (int a = -160; a <= 160; a += 3) {
        for (int b = -160; b <= 160; b += 5) {
            const double exact = 2 * std::atanh(std::tanh(a / 16.0) * std::tanh(b / 16.0)) * 8;
            const double got = qkdnq::reconcile::detail::box_plus(static_cast<std::int16_t>(a), static_cast<std::int16_t>(b));
            worst = std::max(worst, std::abs(got - exact));
        }
    }
    CHECK(worst <= 1.5);  // within 1.5 units (0.19 LLR)
}

TEST_CASE("ldpc layered decoder: whole frames, SIMD and plain loop, decode alike", "[reconcile][ldpc][simd]") {
    qkdnq::shake_drbg rng(47);
    for (const auto* dist : {&qkdnq::reconcile::ldpc_distribution_rate_0_5, &qkdnq::reconcile::ldpc_distribution_rate_0_8}) {
        const ldpc_code code = qkdnq::reconcile::make_ldpc_code(*dist, 4000, 8);  // Z = 10: padded lanes
        qkdnq::reconcile::layered_decoder decoder(code);
        for (const double qber : {0.01, 0.03, 0.06, 0.12}) {  // some decode, some cannot
            const auto pair = qkdnq::sim::exact_error_key_pair(code.variables(), static_cast<std::size_t>(qber * 4000), rng);
            const bit_vector s = code.syndrome(pair.alice);
            const auto llr = qkdnq::reconcile::bsc_llrs(pair.bob, qber);
            const auto fast = decoder.decode(llr, s, 30);
            const auto plain = decoder.decode_scalar(llr, s, 30);
            CHECK(fast.word == plain.word);
            CHECK(fast.iterations == plain.iterations);
            CHECK(fast.syndrome_matched == plain.syndrome_matched);
            CHECK(fast.syndrome_matched == (code.syndrome(fast.word) == s));
        }
    }
}

// The check of the fast decoder: the same outcome as the sum-product reference, frame by
// frame, over 240 frames at three rates.
TEST_CASE("ldpc layered decoder: the same outcome as the sum-product reference over 240 frames", "[reconcile][ldpc][statistical]") {
    struct row {
        const qkdnq::reconcile::ldpc_distribution* dist;
        double qber;
    };
    qkdnq::shake_drbg rng(48);
    std::size_t frames = 0, agree = 0, decoded = 0;
    for (const row r : {row{&qkdnq::reconcile::ldpc_distribution_rate_0_5, 0.06}, row{&qkdnq::reconcile::ldpc_distribution_rate_0_7, 0.028},
                        row{&qkdnq::reconcile::ldpc_distribution_rate_0_9, 0.005}}) {
        const ldpc_code code = qkdnq::reconcile::make_ldpc_code(*r.dist, 2000, 4);
        qkdnq::reconcile::layered_decoder fast(code);
        for (int frame = 0; frame < 80; ++frame) {
            const auto pair = qkdnq::sim::exact_error_key_pair(code.variables(), static_cast<std::size_t>(r.qber * 2000), rng);
            const bit_vector s = code.syndrome(pair.alice);
            const auto llr = qkdnq::reconcile::bsc_llrs(pair.bob, r.qber);
            const auto a = fast.decode(llr, s, 60);
            const auto b = qkdnq::reconcile::sum_product_decode(code, llr, s, 60);
            const bool a_right = a.syndrome_matched && a.word == pair.alice, b_right = b.syndrome_matched && b.word == pair.alice;
            ++frames;
            agree += a_right == b_right;
            decoded += a_right;
        }
    }
    CHECK(agree == frames);
    CHECK(decoded + 5 >= frames);  // 2000-bit codes have 4-cycles: a frame in a hundred or so fails both
}

TEST_CASE("ldpc layered decoder: needs a quasi-cyclic code; bad sizes and structures throw", "[reconcile][ldpc]") {
    const ldpc_code h = hamming_7_4();
    CHECK_THROWS_AS(qkdnq::reconcile::layered_decoder(h), qkdnq::invalid_argument);
    ldpc_code code = qkdnq::reconcile::make_ldpc_code(qkdnq::reconcile::ldpc_distribution_rate_0_6, 2000, 1);
    qkdnq::reconcile::layered_decoder decoder(code);
    CHECK_THROWS_AS((void)decoder.decode(std::vector<double>(5), code.syndrome(bit_vector(code.variables())), 5), qkdnq::invalid_argument);
    auto qc = code.quasi_cyclic();
    REQUIRE(qc.lift == 5);
    qc.entries[0].shift = (qc.entries[0].shift + 1) % 5;
    CHECK_THROWS_AS(code.set_quasi_cyclic(qc), qkdnq::invalid_argument);
    qc.entries[0].shift = (qc.entries[0].shift + 4) % 5;
    code.set_quasi_cyclic(qc);  // the true shifts are accepted again
}

TEST_CASE("ldpc layered decoder: a stall limit ends hopeless frames early and leaves decodable ones alone", "[reconcile][ldpc]") {
    qkdnq::shake_drbg rng(49);
    const ldpc_code code = qkdnq::reconcile::make_ldpc_code(qkdnq::reconcile::ldpc_distribution_rate_0_7, 10'000, 2);
    qkdnq::reconcile::layered_decoder plain(code), stalling(code);
    stalling.set_stall_limit(15);
    CHECK(stalling.stall_limit() == 15);
    CHECK(plain.stall_limit() == 0);
    // QBER 8 % against a rate-0.7 code (threshold 5 %): no match, and the stall ends it early.
    const auto hopeless = qkdnq::sim::exact_error_key_pair(code.variables(), code.variables() * 8 / 100, rng);
    const auto llr = qkdnq::reconcile::bsc_llrs(hopeless.bob, 0.08);
    const auto a = plain.decode(llr, code.syndrome(hopeless.alice), 200);
    const auto b = stalling.decode(llr, code.syndrome(hopeless.alice), 200);
    CHECK_FALSE(a.syndrome_matched);
    CHECK(a.iterations == 200);
    CHECK_FALSE(b.syndrome_matched);
    CHECK(b.iterations < 100);
    // Frames inside the threshold: the same words in the same iterations.
    for (int frame = 0; frame < 8; ++frame) {
        const auto pair = qkdnq::sim::exact_error_key_pair(code.variables(), code.variables() * 4 / 100, rng);
        const auto l = qkdnq::reconcile::bsc_llrs(pair.bob, 0.04);
        const bit_vector s = code.syndrome(pair.alice);
        const auto x = plain.decode(l, s, 100), y = stalling.decode(l, s, 100);
        CHECK(y.syndrome_matched == x.syndrome_matched);
        CHECK(y.iterations == x.iterations);
        CHECK(y.word == x.word);
        CHECK(x.word == pair.alice);
    }
}

TEST_CASE("ldpc layered decoder: the fixed-point box-plus never turns a sign (the SIMD kernel's magnitude recursion relies on it)", "[reconcile][ldpc][property]") {
    // min + c(|a| + |b|) - c(||a| - |b||) >= 0: the correction is at most 5 units, so only pairs
    // with min < 8 could go below 0; every one of them is checked, and a sample beyond.
    for (std::int16_t least = 0; least < 8; ++least) {
        for (std::int16_t most = least; most < 400; ++most) {
            const std::int16_t m = qkdnq::reconcile::detail::box_plus(least, most);
            CHECK(m >= 0);
            CHECK(m <= least);
            CHECK(qkdnq::reconcile::detail::box_plus(static_cast<std::int16_t>(-least), most) == -m);
        }
    }
    for (const std::int16_t a : {std::int16_t{100}, std::int16_t{1000}, std::int16_t{32767}}) {
        CHECK(qkdnq::reconcile::detail::box_plus(a, std::int16_t{32767}) >= a - 6);
    }
}
