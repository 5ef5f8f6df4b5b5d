// Finite-key secret-key length (amplify/finite_key.hpp).
//
// Known answers: the worked examples of shared/notes/finite_key.md §4 (its script
// finite_key_examples.py), recomputed at 40 digits by scripts/vectors/finite_key_reference.py so
// that every intermediate term is checked, not only the floor. Properties: monotone in the error
// rate, block size, leak and ε; ℓ ≤ 0 is status::no_secret_key; out-of-range inputs throw.
#include <qkdnq/amplify/finite_key.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace {

using qkdnq::bb84_finite_key_input;
using qkdnq::decoy_bb84_finite_key_input;
using qkdnq::leftover_hash_input;
using qkdnq::detail::finite_key::binary_entropy;

// |actual − expected| ≤ rel·|expected| (+ a tiny absolute floor for values near 0).
bool close(long double actual, long double expected, long double rel = 1e-12L) {
    return std::fabs(actual - expected) <= rel * std::fabs(expected) + 1e-300L;
}

#define CHECK_CLOSE(actual, expected)                                                             \
    do {                                                                                          \
        INFO(#actual " = " << static_cast<double>(actual) << ", expected " << (expected));        \
        CHECK(close((actual), (expected)));                                                       \
    } while (false)

// Notes §4 case (a): [TLGR12] with n = 10^6, k = 10^5, Q_tol = 2 %, ε_sec = ε_cor = 1e-10 and
// leak_EC = ⌈1.1·n·h(0.02)⌉ = 155585 (their Table II model, here only a fixed count).
bb84_finite_key_input case_a() {
    return {.n = 1'000'000, .k = 100'000, .q_tol = 0.02, .leak_ec_bits = 155'585, .verification_tag_bits = 34,
            .eps_sec = 1e-10, .eps_cor = 1e-10};
}

// Notes §4 case (b): [LCWXZ14] three intensities; counts are rounded expectations of a toy channel.
// λ_EC there is f·n_X·h(e_X) = 165644.7003 bits; the API takes counted bits, so ⌈λ_EC⌉.
constexpr long double case_b_lambda = 165644.70030092956794L;
decoy_bb84_finite_key_input case_b() {
    return {.intensities = {0.4, 0.15, 2e-4},
            .probabilities = {0.5, 0.25, 0.25},
            .n_x = {841'589, 158'074, 337},
            .n_z = {374'039, 70'255, 150},
            .m_z = {7'535, 1'432, 30},
            .leak_ec_bits = 165'645,
            .verification_tag_bits = 34,
            .eps_sec = 1e-10,
            .eps_cor = 1e-10};
}

// Notes §4 case (c): H_min = 10^6·(1 − h(0.03)), leak 155585, a 34-bit tag, ε_PA = 1e-10.
leftover_hash_input case_c() {
    return {.min_entropy_bits = 805608.14216842383913L, .smoothing_eps = 0, .leak_ec_bits = 155'585,
            .verification_tag_bits = 34, .eps_sec = 1e-10, .eps_cor = 1e-10};
}

}  // namespace

TEST_CASE("binary entropy is exact at the ends and accurate near 0", "[amplify][finite_key]") {
    CHECK(binary_entropy(0.0L) == 0.0L);
    CHECK(binary_entropy(1.0L) == 0.0L);
    CHECK(binary_entropy(-0.1L) == 0.0L);
    CHECK(binary_entropy(0.5L) == 1.0L);
    CHECK_CLOSE(binary_entropy(1e-20L), 6.7881256938636210365e-19L);
    CHECK_CLOSE(binary_entropy(0.02L), 0.14144054254182064515L);
    CHECK_CLOSE(binary_entropy(0.03L), 0.19439185783157616087L);
    CHECK_CLOSE(binary_entropy(0.11L), 0.49991595816452799564L);
    CHECK_CLOSE(binary_entropy(0.25L), 0.81127812445913286391L);
    CHECK_CLOSE(binary_entropy(0.75L), 0.81127812445913286391L);
    CHECK(std::isfinite(binary_entropy(std::numeric_limits<long double>::denorm_min())));
    CHECK(binary_entropy(std::numeric_limits<long double>::denorm_min()) > 0.0L);
    CHECK(qkdnq::detail::finite_key::binary_entropy_capped(0.7L) == 1.0L);
    // The notes' leak_EC for case (a): ⌈1.1·10^6·h(0.02)⌉.
    CHECK(std::ceil(1.1L * 1e6L * binary_entropy(0.02L)) == 155585.0L);
}

TEST_CASE("BB84 [TLGR12] Eq. (2) reproduces the notes' case (a)", "[amplify][finite_key][kat]") {
    SECTION("mu with ln(4/eps_sec), the default") {
        const auto t = qkdnq::bb84_finite_key_bound(case_a());
        CHECK_CLOSE(t.mu, 0.016387076723370945354L);
        CHECK(std::fabs(t.mu - 0.0163870767L) < 5e-11L);  // as printed in the notes
        CHECK_CLOSE(t.phase_error_bound, 0.036387076723370945354L);
        CHECK_CLOSE(1.0L - t.min_entropy / 1e6L, 0.22547445197520305567L);  // h(Q_tol + mu)
        CHECK(std::fabs((1.0L - t.min_entropy / 1e6L) - 0.2254744520L) < 5e-11L);
        CHECK_CLOSE(t.min_entropy, 774525.54802479694433L);
        CHECK(t.leak_ec == 155585.0L);
        CHECK_CLOSE(t.verification, 34.219280948873623479L);            // log2(2/eps_cor) > 34
        CHECK_CLOSE(t.privacy_amplification, 66.438561897747246957L);   // 2 log2(1/eps_sec)
        CHECK(std::fabs(t.verification + t.privacy_amplification - 100.657843L) < 5e-7L);  // log2(2/(eps_sec^2 eps_cor))
        CHECK_CLOSE(t.bound, 618839.89018195032346L);
        CHECK(t.length == 618839);

        const auto r = qkdnq::bb84_finite_key_length(case_a());
        REQUIRE(r.ok());
        CHECK(r->length == 618839);
        CHECK(r->bound == t.bound);
    }
    SECTION("mu with ln(2/eps_sec), opted in") {
        auto in = case_a();
        in.mu_log = qkdnq::bb84_mu_log::ln_2_over_eps_sec;
        const auto t = qkdnq::bb84_finite_key_bound(in);
        CHECK_CLOSE(t.mu, 0.016152757916383708952L);
        CHECK_CLOSE(t.min_entropy, 775634.29454153972241L);
        CHECK_CLOSE(t.bound, 619948.63669869310154L);
        CHECK(t.length == 619948);
    }
    SECTION("the transcription's unsquared eps_sec would differ by exactly log2(1/eps_sec)") {
        // The notes' third number, 618873, is Eq. (2) with log2(2/(eps_sec eps_cor)); the
        // supplementary's Eq. S3 gives the squared form used here.
        const auto t = qkdnq::bb84_finite_key_bound(case_a());
        CHECK(std::floor(t.bound + std::log2(1e10L)) == 618873.0L);
    }
    SECTION("a tag of t = ceil(log2(1/eps_cor)) bits changes nothing; a longer tag counts in full") {
        auto in = case_a();
        in.verification_tag_bits = 0;
        CHECK(qkdnq::bb84_finite_key_bound(in).bound == qkdnq::bb84_finite_key_bound(case_a()).bound);
        in.verification_tag_bits = 64;
        const auto t = qkdnq::bb84_finite_key_bound(in);
        CHECK(t.verification == 64.0L);
        CHECK_CLOSE(t.bound, 618839.89018195032346L - (64.0L - 34.219280948873623479L));
    }
}

TEST_CASE("decoy BB84 [LCWXZ14] Eqs. (1)-(5) reproduce the notes' case (b)", "[amplify][finite_key][kat]") {
    SECTION("vacuum bound as printed, the default") {
        const auto t = qkdnq::decoy_bb84_finite_key_bound(case_b());
        CHECK_CLOSE(t.tau0, 0.80028702212375078551L);
        CHECK_CLOSE(t.tau1, 0.16639054832406746126L);
        CHECK_CLOSE(t.delta_n_x, 3610.4274932245821128L);
        CHECK_CLOSE(t.delta_n_z, 2406.9504586735894646L);
        CHECK_CLOSE(t.delta_m_z, 342.45813553547820985L);
        CHECK_CLOSE(t.s_x0, -11297.668719891772019L);
        CHECK_CLOSE(t.s_z0, -7596.732838682441327L);
        CHECK_CLOSE(t.s_x1, 614411.23682627584446L);
        CHECK_CLOSE(t.s_z1, 259324.82355510280956L);
        CHECK_CLOSE(t.v_z1, 10548.34706093760694L);
        CHECK_CLOSE(t.gamma, 0.004389980514384533935L);
        CHECK_CLOSE(t.phase_error_bound, 0.045066175397425625909L);
        CHECK_FALSE(t.phase_error_trivial);
        CHECK_CLOSE(t.min_entropy, 440259.79698771443249L);
        CHECK_CLOSE(t.privacy_amplification, 225.66959022991430261L);
        CHECK_CLOSE(t.verification, 34.219280948873623479L);
        CHECK_CLOSE(t.bound, 274354.90811653564457L);
        CHECK(t.length == 274354);
        // The notes' values, to the digits they print.
        CHECK(std::fabs(t.tau0 - 0.8002870221L) < 5e-11L);
        CHECK(std::fabs(t.tau1 - 0.1663905483L) < 5e-11L);
        CHECK(std::fabs(t.s_x0 - -11297.6687L) < 5e-5L);
        CHECK(std::fabs(t.s_x1 - 614411.2368L) < 5e-5L);
        CHECK(std::fabs(t.s_z1 - 259324.8236L) < 5e-5L);
        CHECK(std::fabs(t.v_z1 - 10548.3471L) < 5e-5L);
        CHECK(std::fabs(t.phase_error_bound - 0.0450661754L) < 5e-11L);
        // With the notes' real-valued λ_EC instead of the counted ⌈λ_EC⌉: their ℓ = 274355.
        const long double lambda = 1.16L * 1'000'000.0L * binary_entropy(20242.0L / 1'000'000.0L);
        CHECK_CLOSE(lambda, case_b_lambda);
        CHECK(std::floor(t.bound + (165645.0L - lambda)) == 274355.0L);

        const auto r = qkdnq::decoy_bb84_finite_key_length(case_b());
        REQUIRE(r.ok());
        CHECK(r->length == 274354);
    }
    SECTION("vacuum bound clamped at zero") {
        auto in = case_b();
        in.vacuum = qkdnq::decoy_vacuum_bound::clamped_at_zero;
        const auto t = qkdnq::decoy_bb84_finite_key_bound(in);
        CHECK(t.s_x0 == 0.0L);
        CHECK(t.s_z0 == 0.0L);
        CHECK_CLOSE(t.s_x1, 617942.16775312563906L);
        CHECK_CLOSE(t.s_z1, 261699.07788917539019L);
        CHECK_CLOSE(t.v_z1, 10548.34706093760694L);
        CHECK_CLOSE(t.gamma, 0.0043532082559723270691L);
        CHECK_CLOSE(t.phase_error_bound, 0.044660370000747875772L);
        CHECK_CLOSE(t.min_entropy, 455258.89836215147784L);
        CHECK_CLOSE(t.bound, 289354.00949097268992L);
        CHECK(t.length == 289354);
        CHECK(std::fabs(t.s_x1 - 617942.1678L) < 5e-5L);
        CHECK(std::fabs(t.s_z1 - 261699.0779L) < 5e-5L);
        CHECK(std::fabs(t.phase_error_bound - 0.0446603700L) < 5e-11L);
        CHECK(std::floor(t.bound + (165645.0L - case_b_lambda)) == 289354.0L);  // the notes' ℓ
    }
}

TEST_CASE("the generic leftover-hash form reproduces the notes' case (c)", "[amplify][finite_key][kat]") {
    const auto t = qkdnq::leftover_hash_bound(case_c());
    CHECK_CLOSE(t.min_entropy, 805608.14216842383913L);
    CHECK_CLOSE(t.eps_pa, 1e-10L);
    CHECK_CLOSE(t.privacy_amplification, 64.438561897747246957L);
    // The notes subtract the 34-bit tag itself (bound 649924.70); the API subtracts
    // max(t, log2(2/eps_cor)) = 34.22, as the papers do: same ℓ.
    CHECK_CLOSE(t.verification, 34.219280948873623479L);
    CHECK_CLOSE(t.bound, 649924.48432557721826L);
    CHECK(t.length == 649924);
    CHECK(std::floor(t.bound + t.verification - 34.0L) == 649924.0L);

    SECTION("smoothing eps takes its share of eps_sec: eps_PA = eps_sec - 2 eps") {
        auto in = case_c();
        in.eps_sec = 1.5e-10;
        in.smoothing_eps = 2.5e-11;
        const auto s = qkdnq::leftover_hash_bound(in);
        CHECK(close(s.eps_pa, 1e-10L, 1e-9L));
        CHECK(s.length == 649924);
    }
    const auto r = qkdnq::leftover_hash_length(case_c());
    REQUIRE(r.ok());
    CHECK(r->length == 649924);
}

TEST_CASE("no key is status::no_secret_key, with the terms still available", "[amplify][finite_key]") {
    SECTION("BB84: a small block at 5 % errors") {
        const bb84_finite_key_input in{.n = 10'000, .k = 1'000, .q_tol = 0.05, .leak_ec_bits = 3'200,
                                       .eps_sec = 1e-10, .eps_cor = 1e-10};
        const auto t = qkdnq::bb84_finite_key_bound(in);
        CHECK(t.bound < 1.0L);
        CHECK(t.length == 0);
        const auto r = qkdnq::bb84_finite_key_length(in);
        CHECK_FALSE(r.ok());
        CHECK(r.error() == qkdnq::status::no_secret_key);
        CHECK(qkdnq::to_string(r.error()) == "no secret key");
        CHECK_THROWS_AS(r.value(), qkdnq::invalid_state);
        CHECK_THROWS_WITH(r.value(), Catch::Contains("no secret key"));
    }
    SECTION("BB84: Q_tol + mu above 1/2 leaves h = 1, never less") {
        const bb84_finite_key_input in{.n = 1'000'000, .k = 100, .q_tol = 0.45, .leak_ec_bits = 0,
                                       .eps_sec = 1e-10, .eps_cor = 1e-10};
        const auto t = qkdnq::bb84_finite_key_bound(in);
        CHECK(t.phase_error_bound > 0.5L);
        CHECK(t.min_entropy == 0.0L);
        CHECK(qkdnq::bb84_finite_key_length(in).error() == qkdnq::status::no_secret_key);
    }
    SECTION("a bound in (0, 1) floors to 0: no key; a bound in [1, 2) is one bit") {
        auto in = case_c();
        const auto base = qkdnq::leftover_hash_bound(in);
        const long double penalties = base.leak_ec + base.verification + base.privacy_amplification;
        in.min_entropy_bits = penalties + 0.5L;
        CHECK(qkdnq::leftover_hash_bound(in).length == 0);
        CHECK(qkdnq::leftover_hash_length(in).error() == qkdnq::status::no_secret_key);
        in.min_entropy_bits = penalties + 1.5L;
        const auto one = qkdnq::leftover_hash_length(in);
        REQUIRE(one.ok());
        CHECK(one->length == 1);
        in.min_entropy_bits = 0;
        CHECK(qkdnq::leftover_hash_bound(in).bound < 0.0L);
        CHECK(qkdnq::leftover_hash_length(in).error() == qkdnq::status::no_secret_key);
    }
    SECTION("decoy: too few detections") {
        auto in = case_b();
        for (auto* counts : {&in.n_x, &in.n_z, &in.m_z}) {
            for (auto& c : *counts) c /= 1000;
        }
        in.leak_ec_bits = 166;
        const auto t = qkdnq::decoy_bb84_finite_key_bound(in);
        CHECK(t.length == 0);
        CHECK(qkdnq::decoy_bb84_finite_key_length(in).error() == qkdnq::status::no_secret_key);
    }
    SECTION("decoy: no Z errors at all leaves Eq. (5) undefined; phi_X = 1/2 is used") {
        auto in = case_b();
        in.m_z = {0, 0, 0};
        const auto t = qkdnq::decoy_bb84_finite_key_bound(in);
        CHECK(t.v_z1 == 0.0L);
        CHECK(t.phase_error_trivial);
        CHECK(t.phase_error_bound == 0.5L);
        CHECK(t.min_entropy == t.s_x0);
        CHECK(t.length == 0);
    }
}

TEST_CASE("BB84 key length is monotone in Q_tol, n, k, leak and eps", "[amplify][finite_key][property]") {
    const auto bound = [](const bb84_finite_key_input& in) { return qkdnq::bb84_finite_key_bound(in).bound; };
    SECTION("Q_tol up, key down") {
        auto in = case_a();
        long double previous = std::numeric_limits<long double>::infinity();
        for (int i = 0; i <= 120; ++i) {
            in.q_tol = 0.001 * i;
            const long double b = bound(in);
            CHECK(b < previous);
            previous = b;
        }
    }
    SECTION("n up (k = n/10, leak = ceil(1.1 n h(Q_tol))), key and key rate up") {
        long double previous = -std::numeric_limits<long double>::infinity();
        long double previous_rate = -std::numeric_limits<long double>::infinity();
        for (std::int64_t n = 10'000; n <= 1'000'000'000; n *= 2) {
            const auto leak = static_cast<std::int64_t>(std::ceil(1.1L * static_cast<long double>(n) * binary_entropy(0.02L)));
            const bb84_finite_key_input in{.n = n, .k = n / 10, .q_tol = 0.02, .leak_ec_bits = leak,
                                           .eps_sec = 1e-10, .eps_cor = 1e-10};
            const long double b = bound(in);
            CHECK(b > previous);
            CHECK(b / static_cast<long double>(n) > previous_rate);
            previous = b;
            previous_rate = b / static_cast<long double>(n);
        }
    }
    SECTION("k up, key up") {
        auto in = case_a();
        long double previous = -std::numeric_limits<long double>::infinity();
        for (std::int64_t k = 1'000; k <= 10'000'000; k *= 3) {
            in.k = k;
            CHECK(bound(in) > previous);
            previous = bound(in);
        }
    }
    SECTION("each leaked bit costs exactly one key bit") {
        auto in = case_a();
        const long double b0 = bound(in);
        in.leak_ec_bits += 1000;
        CHECK(std::fabs(b0 - bound(in) - 1000.0L) < 1e-9L);
        CHECK(qkdnq::bb84_finite_key_bound(in).length == 617839);
    }
    SECTION("eps_sec and eps_cor up, key up") {
        for (const bool sec : {true, false}) {
            auto in = case_a();
            in.verification_tag_bits = 0;
            long double previous = -std::numeric_limits<long double>::infinity();
            for (double eps = 1e-30; eps < 0.9; eps *= 10) {
                (sec ? in.eps_sec : in.eps_cor) = eps;
                CHECK(bound(in) > previous);
                previous = bound(in);
            }
        }
    }
    SECTION("a worse source (q < 1) costs n(1 - q) bits") {
        auto in = case_a();
        in.preparation_quality = 0.99;
        CHECK(std::fabs(bound(case_a()) - bound(in) - 10'000.0L) < 1e-6L);
    }
}

TEST_CASE("random BB84 inputs: terms add up and move the right way", "[amplify][finite_key][property]") {
    const auto seed = GENERATE(take(16, random(std::uint64_t{0}, ~std::uint64_t{0})));
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    bb84_finite_key_input in;
    in.n = static_cast<std::int64_t>(std::pow(10.0, 4.0 + 5.0 * unit(rng)));
    in.k = static_cast<std::int64_t>(static_cast<double>(in.n) * (0.05 + 0.5 * unit(rng)));
    in.q_tol = 0.12 * unit(rng);
    in.leak_ec_bits = static_cast<std::int64_t>(static_cast<double>(in.n) * 0.6 * unit(rng));
    in.verification_tag_bits = static_cast<std::int64_t>(128 * unit(rng));
    in.eps_sec = std::pow(10.0, -1.0 - 20.0 * unit(rng));
    in.eps_cor = std::pow(10.0, -1.0 - 20.0 * unit(rng));
    INFO("seed " << seed << ", n " << in.n << ", k " << in.k << ", q_tol " << in.q_tol);

    const auto t = qkdnq::bb84_finite_key_bound(in);
    CHECK(t.bound == t.min_entropy - t.leak_ec - t.verification - t.privacy_amplification);
    CHECK(t.length == (t.bound >= 1.0L ? static_cast<std::uint64_t>(std::floor(t.bound)) : 0));
    CHECK(t.verification >= static_cast<long double>(in.verification_tag_bits));
    CHECK(qkdnq::bb84_finite_key_length(in).ok() == (t.length > 0));

    REQUIRE(t.phase_error_bound < 0.48L);  // k >= 5 % of n >= 10^4 keeps mu below 0.33
    auto worse = in;
    worse.q_tol = in.q_tol + 0.01;
    CHECK(qkdnq::bb84_finite_key_bound(worse).bound < t.bound);
    worse = in;
    worse.leak_ec_bits += 1;
    CHECK(qkdnq::bb84_finite_key_bound(worse).bound < t.bound);
    worse = in;
    worse.eps_sec /= 2;
    CHECK(qkdnq::bb84_finite_key_bound(worse).bound < t.bound);
    auto better = in;
    better.n *= 2;  // same leak, more raw key
    CHECK(qkdnq::bb84_finite_key_bound(better).bound > t.bound);
}

TEST_CASE("decoy key length is monotone in errors, counts, leak and eps", "[amplify][finite_key][property]") {
    const auto bound = [](const decoy_bb84_finite_key_input& in) { return qkdnq::decoy_bb84_finite_key_bound(in).bound; };
    const long double base = bound(case_b());
    SECTION("more Z errors at mu1 or mu2, or 20 % more everywhere: less key") {
        for (std::size_t i = 0; i < 2; ++i) {
            auto in = case_b();
            in.m_z[i] += 100;
            INFO("intensity " << i);
            CHECK(bound(in) < base);
        }
        auto in = case_b();
        for (auto& m : in.m_z) m += m / 5;
        CHECK(bound(in) < base);
    }
    SECTION("errors at the weakest intensity count as background (Eq. (4) subtracts them)") {
        auto in = case_b();
        in.m_z[2] += 10;
        const auto t = qkdnq::decoy_bb84_finite_key_bound(in);
        CHECK(t.v_z1 < qkdnq::decoy_bb84_finite_key_bound(case_b()).v_z1);
        CHECK(t.bound > base);
    }
    SECTION("every count and the leak scaled up, key rate up") {
        for (const std::int64_t factor : {2, 10, 100}) {
            auto in = case_b();
            for (auto* counts : {&in.n_x, &in.n_z, &in.m_z}) {
                for (auto& c : *counts) c *= factor;
            }
            in.leak_ec_bits *= factor;
            CHECK(bound(in) / static_cast<long double>(factor) > base);
        }
    }
    SECTION("each leaked bit costs exactly one key bit; a longer tag counts in full") {
        auto in = case_b();
        in.leak_ec_bits += 500;
        CHECK(std::fabs(base - bound(in) - 500.0L) < 1e-6L);
        in = case_b();
        in.verification_tag_bits = 128;
        CHECK(std::fabs(base - bound(in) - (128.0L - 34.219280948873623479L)) < 1e-6L);
    }
    SECTION("eps_sec and eps_cor up, key up") {
        for (const bool sec : {true, false}) {
            auto in = case_b();
            in.verification_tag_bits = 0;
            long double previous = -std::numeric_limits<long double>::infinity();
            for (double eps = 1e-30; eps < 0.9; eps *= 10) {
                (sec ? in.eps_sec : in.eps_cor) = eps;
                CHECK(bound(in) > previous);
                previous = bound(in);
            }
        }
    }
    SECTION("clamping the vacuum bound never shortens the key") {
        auto in = case_b();
        in.vacuum = qkdnq::decoy_vacuum_bound::clamped_at_zero;
        CHECK(bound(in) > base);
        // With a positive vacuum bound (many vacuum-decoy detections) both readings agree.
        in.n_x[2] = 20'000;
        in.n_z[2] = 9'000;
        const long double clamped = bound(in);
        in.vacuum = qkdnq::decoy_vacuum_bound::as_printed;
        CHECK(qkdnq::decoy_bb84_finite_key_bound(in).s_x0 > 0.0L);
        CHECK(bound(in) == clamped);
    }
}

TEST_CASE("out-of-range inputs throw invalid_argument naming the argument", "[amplify][finite_key]") {
    using Catch::Equals;
    using qkdnq::invalid_argument;
    const double nan = std::numeric_limits<double>::quiet_NaN();

    SECTION("BB84") {
        const auto fails = [](auto edit) {
            auto in = case_a();
            edit(in);
            return in;
        };
        CHECK_THROWS_WITH(qkdnq::bb84_finite_key_length(fails([](auto& in) { in.k = 0; })),
                          Equals("qkdnq::bb84_finite_key_length: argument 'k' is 0, expected a count >= 1"));
        CHECK_THROWS_WITH(qkdnq::bb84_finite_key_bound(fails([](auto& in) { in.n = -5; })),
                          Equals("qkdnq::bb84_finite_key_bound: argument 'n' is -5, expected a count >= 1"));
        CHECK_THROWS_WITH(qkdnq::bb84_finite_key_bound(fails([](auto& in) { in.eps_sec = 0; })),
                          Equals("qkdnq::bb84_finite_key_bound: argument 'eps_sec' is 0, expected a value in (0, 1)"));
        CHECK_THROWS_WITH(qkdnq::bb84_finite_key_bound(fails([](auto& in) { in.eps_cor = 1; })),
                          Equals("qkdnq::bb84_finite_key_bound: argument 'eps_cor' is 1, expected a value in (0, 1)"));
        CHECK_THROWS_WITH(qkdnq::bb84_finite_key_bound(fails([](auto& in) { in.q_tol = 0.5; })),
                          Equals("qkdnq::bb84_finite_key_bound: argument 'q_tol' is 0.5, expected an error rate in [0, 0.5)"));
        CHECK_THROWS_WITH(qkdnq::bb84_finite_key_bound(fails([](auto& in) { in.q_tol = -0.01; })),
                          Equals("qkdnq::bb84_finite_key_bound: argument 'q_tol' is -0.01, expected an error rate in [0, 0.5)"));
        CHECK_THROWS_WITH(qkdnq::bb84_finite_key_bound(fails([](auto& in) { in.leak_ec_bits = -1; })),
                          Equals("qkdnq::bb84_finite_key_bound: argument 'leak_ec_bits' is -1, expected a count >= 0"));
        CHECK_THROWS_WITH(
            qkdnq::bb84_finite_key_bound(fails([](auto& in) { in.verification_tag_bits = -34; })),
            Equals("qkdnq::bb84_finite_key_bound: argument 'verification_tag_bits' is -34, expected a count >= 0"));
        CHECK_THROWS_WITH(
            qkdnq::bb84_finite_key_bound(fails([](auto& in) { in.preparation_quality = 1.5; })),
            Equals("qkdnq::bb84_finite_key_bound: argument 'preparation_quality' is 1.5, expected a value in (0, 1]"));
        CHECK_THROWS_WITH(
            qkdnq::bb84_finite_key_bound(fails([](auto& in) { in.mu_log = static_cast<qkdnq::bb84_mu_log>(7); })),
            Equals("qkdnq::bb84_finite_key_bound: argument 'mu_log' is not a bb84_mu_log value"));
        for (const double bad : {nan, -1e-3, 1.0, 2.0, 0.0}) {
            CHECK_THROWS_AS(qkdnq::bb84_finite_key_bound(fails([&](auto& in) { in.eps_sec = bad; })), invalid_argument);
            CHECK_THROWS_AS(qkdnq::bb84_finite_key_bound(fails([&](auto& in) { in.eps_cor = bad; })), invalid_argument);
        }
        CHECK_THROWS_AS(qkdnq::bb84_finite_key_bound(fails([&](auto& in) { in.q_tol = nan; })), invalid_argument);
        CHECK_THROWS_AS(qkdnq::bb84_finite_key_bound(fails([&](auto& in) { in.preparation_quality = 0; })),
                        invalid_argument);
        CHECK_THROWS_AS(qkdnq::bb84_finite_key_bound(bb84_finite_key_input{}), invalid_argument);  // nothing set
        CHECK_NOTHROW(qkdnq::bb84_finite_key_bound(fails([](auto& in) { in.q_tol = 0; })));
    }
    SECTION("decoy BB84") {
        const auto fails = [](auto edit) {
            auto in = case_b();
            edit(in);
            return in;
        };
        const std::string where = "qkdnq::decoy_bb84_finite_key_bound: ";
        CHECK_THROWS_WITH(qkdnq::decoy_bb84_finite_key_bound(fails([](auto& in) { in.n_x[1] = -3; })),
                          Equals(where + "argument 'n_x[1]' is -3, expected a count >= 0"));
        CHECK_THROWS_WITH(qkdnq::decoy_bb84_finite_key_bound(fails([](auto& in) { in.m_z[2] = 151; })),
                          Equals(where + "argument 'm_z[2]' is 151, expected at most n_z[2] = 150"));
        CHECK_THROWS_WITH(qkdnq::decoy_bb84_finite_key_bound(fails([](auto& in) { in.intensities[0] = 0.15; })),
                          Equals(where + "argument 'intensities[0]' is 0.15, expected more than intensities[1] + "
                                         "intensities[2] = 0.1502"));
        CHECK_THROWS_WITH(qkdnq::decoy_bb84_finite_key_bound(fails([](auto& in) { in.intensities[1] = 1e-4; })),
                          Equals(where + "argument 'intensities[1]' is 1e-04, expected more than intensities[2] = 2e-04"));
        CHECK_THROWS_WITH(qkdnq::decoy_bb84_finite_key_bound(fails([](auto& in) { in.intensities[2] = -0.1; })),
                          Equals(where + "argument 'intensities[2]' is -0.1, expected a finite mean photon number >= 0"));
        CHECK_THROWS_WITH(qkdnq::decoy_bb84_finite_key_bound(fails([](auto& in) { in.probabilities[2] = 0.3; })),
                          Equals(where + "argument 'probabilities' sums to 1.05, expected 1"));
        CHECK_THROWS_WITH(qkdnq::decoy_bb84_finite_key_bound(fails([](auto& in) { in.probabilities = {1, 0, 0}; })),
                          Equals(where + "argument 'probabilities[0]' is 1, expected a value in (0, 1)"));
        CHECK_THROWS_WITH(qkdnq::decoy_bb84_finite_key_bound(fails([](auto& in) { in.eps_sec = 1e300; })),
                          Equals(where + "argument 'eps_sec' is 1e+300, expected a value in (0, 1)"));
        CHECK_THROWS_WITH(
            qkdnq::decoy_bb84_finite_key_bound(fails([](auto& in) { in.n_x[0] = std::int64_t{1} << 62; })),
            Equals(where + "argument 'n_x' sums to more than 2^61 detections"));
        CHECK_THROWS_AS(qkdnq::decoy_bb84_finite_key_bound(fails([&](auto& in) { in.intensities[0] = nan; })),
                        invalid_argument);
        CHECK_THROWS_AS(qkdnq::decoy_bb84_finite_key_length(fails([](auto& in) { in.leak_ec_bits = -1; })),
                        invalid_argument);
        CHECK_THROWS_AS(qkdnq::decoy_bb84_finite_key_length(
                            fails([](auto& in) { in.vacuum = static_cast<qkdnq::decoy_vacuum_bound>(9); })),
                        invalid_argument);
        CHECK_NOTHROW(qkdnq::decoy_bb84_finite_key_bound(fails([](auto& in) { in.intensities[2] = 0; })));
    }
    SECTION("leftover hash") {
        const auto fails = [](auto edit) {
            auto in = case_c();
            edit(in);
            return in;
        };
        const std::string where = "qkdnq::leftover_hash_length: ";
        CHECK_THROWS_WITH(qkdnq::leftover_hash_length(fails([](auto& in) { in.min_entropy_bits = -1; })),
                          Equals(where + "argument 'min_entropy_bits' is -1, expected a number of bits in [0, 2^62]"));
        CHECK_THROWS_WITH(qkdnq::leftover_hash_length(fails([](auto& in) { in.smoothing_eps = 5e-11; })),
                          Equals(where + "argument 'smoothing_eps' is 5e-11, expected a value in [0, eps_sec/2) = [0, 5e-11)"));
        CHECK_THROWS_AS(qkdnq::leftover_hash_length(
                            fails([](auto& in) { in.min_entropy_bits = std::numeric_limits<long double>::infinity(); })),
                        invalid_argument);
        CHECK_THROWS_AS(qkdnq::leftover_hash_length(fails([&](auto& in) { in.smoothing_eps = nan; })), invalid_argument);
        CHECK_THROWS_AS(qkdnq::leftover_hash_bound(fails([](auto& in) { in.eps_cor = 0; })), invalid_argument);
        CHECK_THROWS_AS(qkdnq::leftover_hash_bound(fails([](auto& in) { in.leak_ec_bits = -7; })), invalid_argument);
    }
}
