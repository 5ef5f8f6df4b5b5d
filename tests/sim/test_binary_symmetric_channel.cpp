// The seeded binary symmetric channel (sim/binary_symmetric_channel.hpp): exact error counts at
// distinct positions, every subset equally likely; Bernoulli counts within binomial tolerance at
// several QBERs, overall and per lane of the 64-position groups; determinism, with known answers
// from an independent Python model of the documented byte mapping (hashlib.shake_256 for
// shake_drbg); the QBER edge cases and the argument checks.
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace {

using qkdnq::bit_vector;
using qkdnq::shake_drbg;

// The generator's next 8 bytes, in hex: where a call left the stream.
std::string next_bytes(shake_drbg& rng) {
    std::array<std::uint8_t, 8> b{};
    rng.fill(b);
    return qkdnq::to_hex(b);
}

using sizes = std::initializer_list<std::size_t>;

// |count - n p| <= 5 sqrt(n p (1 - p)), plus one for p near 0 or 1.
bool within_binomial(std::size_t count, std::size_t n, double p) {
    const double nd = static_cast<double>(n);
    const double sigma = std::sqrt(nd * p * (1 - p));
    return std::abs(static_cast<double>(count) - nd * p) <= 5 * sigma + 1;
}

}  // namespace

TEST_CASE("bsc: known answers from an independent model of the byte mapping", "[sim][kat]") {
    // Python (hashlib.shake_256("qkdnq shake_drbg v1" || seed_le64)), the mapping exactly as the
    // header documents it: Alice's key bytes, then 64-bit words in chunks of 64, 128, ... 65536 bytes.
    struct bsc_case {
        std::uint64_t seed;
        std::size_t n;
        double qber;
        const char* alice;
        const char* pattern;
        std::size_t errors;
        const char* next;  // the stream after the call (chunks of 64, 128, ... bytes)
    };
    for (const bsc_case& c : {
             bsc_case{1, 200, 0.1, "64af8507ef33ff19badbb5b1f85bf5043b8315db890e08cbb1",
                      "5080000040041c018410400002002000000082000818080000", 21, "7d09484ed74fe353"},
             bsc_case{4, 130, 0.25, "6050b920118b6821cc8263611bcd273f00", "ca39001c82012428341280402652904000", 34, nullptr},
         }) {
        CAPTURE(c.seed, c.n, c.qber);
        shake_drbg rng(c.seed);
        const auto p = qkdnq::sim::bsc_key_pair(c.n, c.qber, rng);
        CHECK(qkdnq::to_hex(p.alice.to_bytes()) == c.alice);
        CHECK(qkdnq::to_hex((p.alice ^ p.bob).to_bytes()) == c.pattern);
        CHECK(p.errors == c.errors);
        if (c.next != nullptr) CHECK(next_bytes(rng) == c.next);  // 32 key bytes + 64 + 128 + 256
    }
    {
        shake_drbg rng(5);
        const auto p = qkdnq::sim::exact_error_key_pair(200, 7, rng);
        CHECK(qkdnq::to_hex(p.alice.to_bytes()) == "9e90a59115fc8358e9ec3bd38e85460f5ed2b891f76cadd517");
        CHECK(qkdnq::to_hex((p.alice ^ p.bob).to_bytes()) == "00060000000001000000000000000000004000a00000000002");
        CHECK(p.errors == 7);
        CHECK(next_bytes(rng) == "d72ae767dcb532e7");  // 32 key bytes + one chunk of 64
    }
    {
        shake_drbg rng(7);
        const auto p = qkdnq::sim::exact_error_key_pair(64, 64, rng);
        CHECK(qkdnq::to_hex(p.alice.to_bytes()) == "031c232b994da15d");
        CHECK(p.bob.popcount() == 64 - p.alice.popcount());
    }
    {
        // SHA3-256 of Alice's bytes || Bob's bytes; 100,000 bits at QBER 0.05 (several chunks).
        shake_drbg rng(8);
        const auto p = qkdnq::sim::bsc_key_pair(100'000, 0.05, rng);
        qkdnq::sha3_256 h;
        h.update(p.alice.to_bytes());
        h.update(p.bob.to_bytes());
        CHECK(qkdnq::to_hex(h.final()) == "16b10c5fdce5c1f0458b7af099c074116cec132287331516a091af495aa0b2db");
        CHECK(p.errors == 4908);
        CHECK(next_bytes(rng) == "989b12e3dbd60a96");  // 12,504 key bytes + 64 + ... + 65,536
    }
}

TEST_CASE("bsc: exact mode gives exactly that many errors at distinct positions", "[sim]") {
    shake_drbg rng(1);
    for (const std::size_t n : sizes{0, 1, 2, 63, 64, 65, 1000, 100'003}) {
        for (const std::size_t e : sizes{0, 1, 2, n / 100, n / 10, n / 2, n - 1, n}) {
            if (e > n) continue;
            CAPTURE(n, e);
            const auto p = qkdnq::sim::exact_error_key_pair(n, e, rng);
            REQUIRE(p.alice.size() == n);
            REQUIRE(p.bob.size() == n);
            CHECK(p.errors == e);
            CHECK(hamming_distance(p.alice, p.bob) == e);  // distinct positions: e bits set
            const bit_vector pattern = qkdnq::sim::exact_error_pattern(n, e, rng);
            CHECK(pattern.popcount() == e);
        }
    }
    CHECK_THROWS_AS(qkdnq::sim::exact_error_key_pair(10, 11, rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS(qkdnq::sim::exact_error_pattern(0, 1, rng), qkdnq::invalid_argument);
}

TEST_CASE("bsc: exact mode picks every subset equally often", "[sim][property]") {
    // n = 6, e = 2 and e = 3: 15 and 20 subsets, 30,000 draws; each count within 5 sigma.
    shake_drbg rng(2);
    for (const std::size_t e : sizes{2, 3}) {
        std::map<std::uint64_t, std::size_t> counts;
        constexpr std::size_t draws = 30'000;
        for (std::size_t i = 0; i < draws; ++i) ++counts[qkdnq::sim::exact_error_pattern(6, e, rng).words()[0]];
        const std::size_t subsets = e == 2 ? 15 : 20;
        CHECK(counts.size() == subsets);
        for (const auto& [mask, count] : counts) {
            CAPTURE(e, mask, count);
            CHECK(std::popcount(mask) == static_cast<int>(e));
            CHECK(within_binomial(count, draws, 1.0 / static_cast<double>(subsets)));
        }
    }
}

TEST_CASE("bsc: Bernoulli error counts are within binomial tolerance", "[sim][property]") {
    shake_drbg rng(3);
    for (const double qber : {0.001, 0.01, 0.03, 0.05, 0.11, 0.25, 0.5, 0.75, 0.999}) {
        for (const std::size_t n : sizes{1'000'000, 1'000'037}) {
            CAPTURE(qber, n);
            const auto p = qkdnq::sim::bsc_key_pair(n, qber, rng);
            REQUIRE(p.alice.size() == n);
            CHECK(p.errors == hamming_distance(p.alice, p.bob));
            CHECK(within_binomial(p.errors, n, qber));
            CHECK(within_binomial(p.alice.popcount(), n, 0.5));  // Alice's key is uniform
        }
    }
}

TEST_CASE("bsc: every lane of the 64-position groups errs at the same rate", "[sim][property]") {
    // Each position i % 64 separately (a slip in the bit-sliced comparison would show in a lane),
    // and the first and second halves of the key.
    shake_drbg rng(4);
    for (const double qber : {0.02, 0.1, 0.5}) {
        constexpr std::size_t groups = 20'000;
        const bit_vector pattern = qkdnq::sim::bsc_error_pattern(64 * groups + 17, qber, rng);
        std::array<std::size_t, 64> per_lane{};
        for (std::size_t i = 0; i < 64 * groups; ++i) per_lane[i % 64] += pattern[i] ? 1u : 0u;
        for (std::size_t lane = 0; lane < 64; ++lane) {
            CAPTURE(qber, lane, per_lane[lane]);
            CHECK(within_binomial(per_lane[lane], groups, qber));
        }
        const std::size_t half = 32 * groups;
        CHECK(within_binomial(pattern.slice(0, half).popcount(), half, qber));
        CHECK(within_binomial(pattern.slice(half, half).popcount(), half, qber));
        // Adjacent positions are independent: pairs (i, i+1) both in error at rate qber^2.
        std::size_t both = 0;
        for (std::size_t i = 0; i + 1 < 64 * groups; i += 2) both += pattern[i] && pattern[i + 1] ? 1u : 0u;
        CHECK(within_binomial(both, 32 * groups, qber * qber));
    }
}

TEST_CASE("bsc: the same seed gives the same pairs, another seed others", "[sim]") {
    for (const double qber : {0.0, 0.05, 1.0}) {
        shake_drbg a(99);
        shake_drbg b(99);
        shake_drbg c(100);
        const auto p1 = qkdnq::sim::bsc_key_pair(10'007, qber, a);
        const auto p2 = qkdnq::sim::bsc_key_pair(10'007, qber, b);
        const auto p3 = qkdnq::sim::bsc_key_pair(10'007, qber, c);
        CHECK(p1.alice == p2.alice);
        CHECK(p1.bob == p2.bob);
        CHECK(p1.errors == p2.errors);
        CHECK(p1.alice != p3.alice);
        // And the generators are left in the same state.
        CHECK(qkdnq::sim::bsc_key_pair(100, 0.1, a).bob == qkdnq::sim::bsc_key_pair(100, 0.1, b).bob);
    }
    shake_drbg a(5);
    shake_drbg b(5);
    const auto e1 = qkdnq::sim::exact_error_key_pair(5000, 123, a);
    const auto e2 = qkdnq::sim::exact_error_key_pair(5000, 123, b);
    CHECK(e1.alice == e2.alice);
    CHECK(e1.bob == e2.bob);
}

TEST_CASE("bsc: QBER 0 and 1, thresholds and invalid arguments", "[sim]") {
    shake_drbg rng(6);
    for (const std::size_t n : sizes{0, 1, 63, 64, 65, 1000}) {
        CAPTURE(n);
        const auto none = qkdnq::sim::bsc_key_pair(n, 0.0, rng);
        CHECK(none.errors == 0);
        CHECK(none.bob == none.alice);
        const auto all = qkdnq::sim::bsc_key_pair(n, 1.0, rng);
        CHECK(all.errors == n);
        CHECK(hamming_distance(all.alice, all.bob) == n);
        CHECK(qkdnq::sim::bsc_error_pattern(n, 1.0, rng).popcount() == n);  // and the tail stays clear
        CHECK(qkdnq::sim::bsc_error_pattern(n, 1e-30, rng).popcount() == 0);  // T = 0
    }
    // T = floor(qber 2^64), exactly.
    using qkdnq::sim::detail::threshold_for;
    CHECK(threshold_for(0.5).t == std::uint64_t{1} << 63);
    CHECK(threshold_for(0.25).t == std::uint64_t{1} << 62);
    CHECK(threshold_for(0.1).t == 1844674407370955264u);  // 0.1 as a double is 0.1000000000000000055...
    CHECK(threshold_for(0x1p-64).t == 1);
    CHECK(threshold_for(1e-20).t == 0);
    CHECK(threshold_for(std::nextafter(1.0, 0.0)).t == ~std::uint64_t{0} - 2047);
    CHECK(threshold_for(1.0).all);
    for (const double bad : {-0.1, -0.0 - 1e-300, 1.0000001, 2.0, std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity()}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(qkdnq::sim::bsc_key_pair(100, bad, rng), qkdnq::invalid_argument);
        CHECK_THROWS_AS(qkdnq::sim::bsc_error_pattern(100, bad, rng), qkdnq::invalid_argument);
    }
    // A bad QBER draws nothing: the generator is where a fresh one with the same seed is.
    shake_drbg fresh(6);
    shake_drbg used(6);
    CHECK_THROWS_AS(qkdnq::sim::bsc_key_pair(100, -1.0, used), qkdnq::invalid_argument);
    CHECK(bit_vector::random(64, fresh) == bit_vector::random(64, used));
}
