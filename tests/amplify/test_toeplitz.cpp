// Toeplitz hashing (amplify/toeplitz.hpp): the fast product against the naive bit-by-bit one for
// every n mod 64 and structured seeds, the matrix layout on a hand-checked example, linearity,
// the modified form, exact references for sparse inputs and seeds at long lengths, and errors.
#include <qkdnq/amplify/toeplitz.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using qkdnq::bit_vector;

bit_vector bits(const std::string& text) {  // "1011": bit 0 first
    bit_vector v(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) v.set(i, text[i] == '1');
    return v;
}

std::string text(const bit_vector& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += v[i] ? '1' : '0';
    return out;
}

enum class pattern { random, zeros, ones, single, top, sparse };

bit_vector make(std::size_t size, pattern p, qkdnq::shake_drbg& rng) {
    bit_vector v(size);
    switch (p) {
        case pattern::random: v.fill_random(rng); break;
        case pattern::zeros: break;
        case pattern::ones:
            for (std::size_t i = 0; i < size; ++i) v.set(i);
            break;
        case pattern::single: v.set(qkdnq::random_below(rng, size)); break;
        case pattern::top: v.set(size - 1); break;
        case pattern::sparse:
            for (int k = 0; k < 5; ++k) v.set(qkdnq::random_below(rng, size));
            break;
    }
    return v;
}

constexpr pattern all_patterns[] = {pattern::random, pattern::zeros, pattern::ones, pattern::single, pattern::top, pattern::sparse};

}  // namespace

TEST_CASE("Toeplitz matrix layout on a hand-checked example", "[amplify][toeplitz]") {
    // n = 3, m = 2, seed s = s0 s1 s2 s3 = 1 1 0 1: T[i][j] = s[2 + i - j] = [[s2 s1 s0], [s3 s2 s1]]
    // = [[0 1 1], [1 0 1]]; x = 1 1 0 gives y0 = 0+1+0 = 1, y1 = 1+0+0 = 1.
    CHECK(text(qkdnq::toeplitz_hash(bits("110"), bits("1101"), 2)) == "11");
    CHECK(text(qkdnq::toeplitz_hash_reference(bits("110"), bits("1101"), 2)) == "11");
    // x = e_j picks column j: (s[2-j], s[3-j]).
    CHECK(text(qkdnq::toeplitz_hash(bits("100"), bits("1101"), 2)) == "01");  // (s2, s3)
    CHECK(text(qkdnq::toeplitz_hash(bits("010"), bits("1101"), 2)) == "10");  // (s1, s2)
    CHECK(text(qkdnq::toeplitz_hash(bits("001"), bits("1101"), 2)) == "11");  // (s0, s1)
    // Modified, n = 3, m = 2: T' = [I_2 | T2], T2 the 2 x 1 matrix of the 2-bit seed (s0, s1).
    CHECK(text(qkdnq::modified_toeplitz_hash(bits("001"), bits("01"), 2)) == "01");
    CHECK(text(qkdnq::modified_toeplitz_hash(bits("101"), bits("01"), 2)) == "11");
    CHECK(text(qkdnq::modified_toeplitz_hash_reference(bits("101"), bits("01"), 2)) == "11");
}

TEST_CASE("Toeplitz hash equals the naive product for every n mod 64, m = 1, m = n and structured seeds",
          "[amplify][toeplitz]") {
    qkdnq::shake_drbg rng(std::uint64_t{5});
    for (std::size_t n = 1; n <= 200; ++n) {
        const std::size_t m_choices[] = {1, n, 1 + qkdnq::random_below(rng, n), (n + 1) / 2, n + 7};
        for (const std::size_t m : m_choices) {
            const pattern seed_kind = all_patterns[(n + m) % 6];
            const pattern input_kind = all_patterns[n % 6];
            const auto x = make(n, input_kind, rng);
            const auto s = make(qkdnq::toeplitz_seed_bits(n, m), seed_kind, rng);
            INFO("n = " << n << ", m = " << m);
            REQUIRE(qkdnq::toeplitz_hash(x, s, m) == qkdnq::toeplitz_hash_reference(x, s, m));
            if (n > 1 && m <= n) {
                const auto t = make(qkdnq::modified_toeplitz_seed_bits(n, m), seed_kind, rng);
                REQUIRE(qkdnq::modified_toeplitz_hash(x, t, m) == qkdnq::modified_toeplitz_hash_reference(x, t, m));
            }
        }
    }
    // Longer random sizes, every pattern for seed and input.
    for (int round = 0; round < 24; ++round) {
        const std::size_t n = 200 + qkdnq::random_below(rng, 3000);
        const std::size_t m = 1 + qkdnq::random_below(rng, n);
        const auto x = make(n, all_patterns[round % 6], rng);
        const auto s = make(qkdnq::toeplitz_seed_bits(n, m), all_patterns[(round / 6) % 6], rng);
        INFO("n = " << n << ", m = " << m);
        REQUIRE(qkdnq::toeplitz_hash(x, s, m) == qkdnq::toeplitz_hash_reference(x, s, m));
        const auto t = make(qkdnq::modified_toeplitz_seed_bits(n, m), all_patterns[round % 6], rng);
        REQUIRE(qkdnq::modified_toeplitz_hash(x, t, m) == qkdnq::modified_toeplitz_hash_reference(x, t, m));
    }
}

TEST_CASE("Toeplitz hash is linear in the input and in the seed", "[amplify][toeplitz]") {
    qkdnq::shake_drbg rng(std::uint64_t{6});
    for (const std::size_t n : {std::size_t{64}, std::size_t{1000}, std::size_t{65537}, std::size_t{300001}}) {
        const std::size_t m = n / 2 + 3;
        const auto x = bit_vector::random(n, rng), y = bit_vector::random(n, rng);
        const auto s = bit_vector::random(qkdnq::toeplitz_seed_bits(n, m), rng);
        const auto t = bit_vector::random(qkdnq::toeplitz_seed_bits(n, m), rng);
        INFO("n = " << n);
        CHECK(qkdnq::toeplitz_hash(x ^ y, s, m) == (qkdnq::toeplitz_hash(x, s, m) ^ qkdnq::toeplitz_hash(y, s, m)));
        CHECK(qkdnq::toeplitz_hash(x, s ^ t, m) == (qkdnq::toeplitz_hash(x, s, m) ^ qkdnq::toeplitz_hash(x, t, m)));
        const auto u = bit_vector::random(qkdnq::modified_toeplitz_seed_bits(n, m), rng);
        CHECK(qkdnq::modified_toeplitz_hash(x ^ y, u, m) ==
              (qkdnq::modified_toeplitz_hash(x, u, m) ^ qkdnq::modified_toeplitz_hash(y, u, m)));
    }
}

TEST_CASE("Toeplitz hash of sparse inputs and seeds at long lengths, against exact references", "[amplify][toeplitz]") {
    // T x for x with bits at j1, j2, ... is the XOR of columns j: seed bits [n - 1 - j, n - 1 - j + m).
    // For a seed with bits at k1, k2, ..., y[i] is the XOR of x[n - 1 + i - k] over those k.
    qkdnq::shake_drbg rng(std::uint64_t{7});
    for (const std::size_t n : {std::size_t{4095}, std::size_t{100000}, std::size_t{1000003}}) {
        for (const std::size_t m : {std::size_t{1}, n / 10, n / 2, n - 1, n}) {
            INFO("n = " << n << ", m = " << m);
            const auto s = bit_vector::random(qkdnq::toeplitz_seed_bits(n, m), rng);
            bit_vector x(n), columns(m);
            for (int k = 0; k < 6; ++k) {
                const std::size_t j = k == 0 ? 0 : k == 1 ? n - 1 : qkdnq::random_below(rng, n);
                if (x[j]) continue;
                x.set(j);
                columns ^= s.slice(n - 1 - j, m);
            }
            REQUIRE(qkdnq::toeplitz_hash(x, s, m) == columns);

            const auto dense = bit_vector::random(n, rng);
            bit_vector sparse_seed(qkdnq::toeplitz_seed_bits(n, m)), expected(m);
            for (int k = 0; k < 4; ++k) {
                const std::size_t pos = k == 0 ? 0 : k == 1 ? sparse_seed.size() - 1 : qkdnq::random_below(rng, sparse_seed.size());
                if (sparse_seed[pos]) continue;
                sparse_seed.set(pos);
                for (std::size_t i = 0; i < m; ++i) {  // x[n - 1 + i - pos] where that is inside [0, n)
                    if (n - 1 + i >= pos && n - 1 + i - pos < n && dense[n - 1 + i - pos]) expected.flip(i);
                }
            }
            REQUIRE(qkdnq::toeplitz_hash(dense, sparse_seed, m) == expected);
        }
    }
}

TEST_CASE("Modified Toeplitz hash is the identity part XOR a Toeplitz hash of the tail", "[amplify][toeplitz]") {
    qkdnq::shake_drbg rng(std::uint64_t{8});
    for (const std::size_t n : {std::size_t{2}, std::size_t{129}, std::size_t{77777}, std::size_t{1 << 20}}) {
        for (const std::size_t m : {std::size_t{1}, n / 3 + 1, n - 1, n}) {
            const auto x = bit_vector::random(n, rng);
            const auto seed = bit_vector::random(qkdnq::modified_toeplitz_seed_bits(n, m), rng);
            auto expected = x.slice(0, m);
            if (m < n) expected ^= qkdnq::toeplitz_hash(x.slice(m, n - m), seed, m);
            INFO("n = " << n << ", m = " << m);
            CHECK(qkdnq::modified_toeplitz_hash(x, seed, m) == expected);
        }
    }
}

TEST_CASE("Toeplitz hash rejects wrong seed lengths and output sizes", "[amplify][toeplitz]") {
    qkdnq::shake_drbg rng(std::uint64_t{9});
    const auto x = bit_vector::random(100, rng);
    const auto seed = bit_vector::random(qkdnq::toeplitz_seed_bits(100, 40), rng);
    CHECK_NOTHROW((void)qkdnq::toeplitz_hash(x, seed, 40));
    CHECK_THROWS_AS((void)qkdnq::toeplitz_hash(x, seed, 41), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)qkdnq::toeplitz_hash(x, seed.slice(0, seed.size() - 1), 40), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)qkdnq::toeplitz_hash(x, bit_vector(100), 0), qkdnq::invalid_argument);
    CHECK(qkdnq::toeplitz_hash(x, bit_vector::random(200, rng), 101).size() == 101);  // m > n is a matrix too
    CHECK_THROWS_AS((void)qkdnq::modified_toeplitz_hash(x, bit_vector::random(99, rng), 101), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)qkdnq::toeplitz_hash(bit_vector(), bit_vector(), 1), qkdnq::invalid_argument);
    CHECK_THROWS_WITH((void)qkdnq::toeplitz_hash(x, seed, 41),
                      "qkdnq::toeplitz_hash: argument 'seed' has 139 bits, expected n + m - 1 = 140");
    CHECK_THROWS_WITH((void)qkdnq::modified_toeplitz_hash(x, seed, 40),
                      "qkdnq::modified_toeplitz_hash: argument 'seed' has 139 bits, expected n - 1 = 99");
    CHECK_THROWS_WITH((void)qkdnq::toeplitz_hash(x, seed, 0), "qkdnq::toeplitz_hash: argument 'm' is 0, expected m >= 1");
    CHECK_THROWS_WITH((void)qkdnq::modified_toeplitz_hash(x, bit_vector(99), 101),
                      "qkdnq::modified_toeplitz_hash: argument 'm' is 101, expected 1 <= m <= n = 100");
    CHECK_THROWS_AS((void)qkdnq::modified_toeplitz_hash_reference(x, seed, 40), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)qkdnq::toeplitz_hash_reference(x, seed, 39), qkdnq::invalid_argument);
}

TEST_CASE("Toeplitz hash on several threads equals the single-thread hash", "[amplify][toeplitz]") {
    qkdnq::shake_drbg rng(std::uint64_t{10});
    // 6 * 10^6 bits at m = n/2 is above the FFT engine's threshold for threads (2^18 elements).
    for (const std::size_t n : {std::size_t{1000}, std::size_t{1000003}, std::size_t{6000001}}) {
        for (const std::size_t m : {std::size_t{1}, n / 2, n}) {
            if (n > 2000000 && m != n / 2) continue;
            const auto x = bit_vector::random(n, rng);
            const auto s = bit_vector::random(qkdnq::toeplitz_seed_bits(n, m), rng);
            const auto t = bit_vector::random(qkdnq::modified_toeplitz_seed_bits(n, m), rng);
            const auto one = qkdnq::toeplitz_hash(x, s, m);
            const auto one_modified = qkdnq::modified_toeplitz_hash(x, t, m);
            for (const unsigned threads : {2u, 3u}) {
                INFO("n = " << n << ", m = " << m << ", threads = " << threads);
                CHECK(qkdnq::toeplitz_hash(x, s, m, {.threads = threads}) == one);
                CHECK(qkdnq::modified_toeplitz_hash(x, t, m, {.threads = threads}) == one_modified);
            }
        }
    }
}
