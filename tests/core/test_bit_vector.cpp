#include <qkdnq/core/bit_vector.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

using qkdnq::bit_vector;

namespace {

// A deterministic generator for the tests (std::mt19937_64 under the generator concept).
struct test_rng {
    std::mt19937_64 engine;
    explicit test_rng(std::uint64_t seed) : engine(seed) {}
    void fill(std::span<std::uint8_t> out) {
        for (auto& b : out) b = static_cast<std::uint8_t>(engine());
    }
};

// The obvious reference: one bool per bit.
std::vector<bool> to_bools(const bit_vector& v) {
    std::vector<bool> bits(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) bits[i] = v.get(i);
    return bits;
}

}  // namespace

TEST_CASE("bit_vector: bit order in words and bytes is LSB first", "[core][bit_vector]") {
    bit_vector v(130);
    v.set(0);
    v.set(9);
    v.set(64);
    v.set(129);
    CHECK(v.words()[0] == 0x201u);
    CHECK(v.words()[1] == 1u);
    CHECK(v.words()[2] == 2u);
    const auto bytes = v.to_bytes();
    REQUIRE(bytes.size() == 17);
    CHECK(bytes[0] == 0x01);
    CHECK(bytes[1] == 0x02);
    CHECK(bytes[8] == 0x01);
    CHECK(bytes[16] == 0x02);
    CHECK(bit_vector::from_bytes(bytes, 130) == v);
}

TEST_CASE("bit_vector: from_bytes keeps only the first size bits", "[core][bit_vector]") {
    const std::vector<std::uint8_t> bytes{0xff, 0xff};
    const auto v = bit_vector::from_bytes(bytes, 11);
    CHECK(v.size() == 11);
    CHECK(v.popcount() == 11);
    CHECK(v.to_bytes() == std::vector<std::uint8_t>{0xff, 0x07});
    CHECK_THROWS_AS(bit_vector::from_bytes(bytes, 17), qkdnq::invalid_argument);
}

TEST_CASE("bit_vector: get/set/flip and their bounds checks", "[core][bit_vector]") {
    bit_vector v(70);
    v.set(69);
    CHECK(v.get(69));
    v.set(69, false);
    CHECK_FALSE(v.get(69));
    v.flip(3);
    CHECK(v.get(3));
    CHECK(v.popcount() == 1);
    CHECK_THROWS_AS(v.get(70), qkdnq::invalid_argument);
    CHECK_THROWS_AS(v.set(70), qkdnq::invalid_argument);
    CHECK_THROWS_AS(v.flip(1000), qkdnq::invalid_argument);
    CHECK_THROWS_WITH(v.get(70), Catch::Contains("index 70") && Catch::Contains("70 bits"));
}

TEST_CASE("bit_vector: xor, and, popcount, hamming distance against per-bit reference", "[core][bit_vector][property]") {
    test_rng rng(0x5eed0001);
    for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 127u, 128u, 129u, 500u, 1000u, 4099u}) {
        const auto a = bit_vector::random(n, rng);
        const auto b = bit_vector::random(n, rng);
        const auto ra = to_bools(a);
        const auto rb = to_bools(b);
        const auto x = a ^ b;
        const auto y = a & b;
        std::size_t ones = 0, diff = 0;
        for (std::size_t i = 0; i < n; ++i) {
            REQUIRE(x.get(i) == (ra[i] != rb[i]));
            REQUIRE(y.get(i) == (ra[i] && rb[i]));
            ones += ra[i];
            diff += ra[i] != rb[i];
        }
        CHECK(a.popcount() == ones);
        CHECK(hamming_distance(a, b) == diff);
        CHECK(a.parity() == (ones % 2 == 1));
    }
    CHECK_THROWS_AS(bit_vector(3) ^ bit_vector(4), qkdnq::invalid_argument);
    CHECK_THROWS_AS(hamming_distance(bit_vector(3), bit_vector(4)), qkdnq::invalid_argument);
}

TEST_CASE("bit_vector: parity of every range of a random vector", "[core][bit_vector][property]") {
    test_rng rng(0x5eed0002);
    const auto v = bit_vector::random(200, rng);
    const auto bits = to_bools(v);
    for (std::size_t begin = 0; begin <= 200; begin += 7) {
        bool expected = false;
        for (std::size_t end = begin; end <= 200; ++end) {
            REQUIRE(v.parity(begin, end) == expected);
            if (end < 200) expected ^= bits[end];
        }
    }
    CHECK_THROWS_AS(v.parity(5, 4), qkdnq::invalid_argument);
    CHECK_THROWS_AS(v.parity(0, 201), qkdnq::invalid_argument);
}

TEST_CASE("bit_vector: slice and concatenation round trip", "[core][bit_vector][property]") {
    test_rng rng(0x5eed0003);
    const auto v = bit_vector::random(333, rng);
    const auto bits = to_bools(v);
    for (std::size_t cut : {0u, 1u, 63u, 64u, 65u, 100u, 128u, 332u, 333u}) {
        const auto head = v.slice(0, cut);
        const auto tail = v.slice(cut, 333 - cut);
        REQUIRE(concat(head, tail) == v);
        for (std::size_t i = 0; i < tail.size(); ++i) REQUIRE(tail.get(i) == bits[cut + i]);
    }
    const auto middle = v.slice(37, 200);
    for (std::size_t i = 0; i < 200; ++i) REQUIRE(middle.get(i) == bits[37 + i]);
    CHECK_THROWS_AS(v.slice(300, 34), qkdnq::invalid_argument);
    CHECK_THROWS_AS(v.slice(334, 0), qkdnq::invalid_argument);
}

TEST_CASE("bit_vector: the unused bits of the last word stay zero", "[core][bit_vector]") {
    test_rng rng(0x5eed0004);
    auto v = bit_vector::random(70, rng);
    CHECK((v.words()[1] >> 6) == 0);
    v.resize(67);
    CHECK((v.words()[1] >> 3) == 0);
    v.resize(140);
    CHECK(v.slice(67, 73).popcount() == 0);
}

TEST_CASE("bit_vector: random fill is reproducible from the seed and uses every byte", "[core][bit_vector]") {
    test_rng r1(42), r2(42);
    const auto a = bit_vector::random(1000, r1);
    const auto b = bit_vector::random(1000, r2);
    CHECK(a == b);
    CHECK(a.popcount() > 400);
    CHECK(a.popcount() < 600);
}

TEST_CASE("simd gf2 kernels equal their scalar references on every tail length", "[core][simd]") {
    // The xsimd kernels are instantiated for the best architecture of the build's flags, also
    // when QKDNQ_FORCE_SCALAR makes the library itself call the scalar references.
    INFO("library kernels: " << qkdnq::simd::arch_name() << ", xsimd kernels tested: " << qkdnq::simd::arch::name());
    std::mt19937_64 engine(0x5eed0005);
    for (std::size_t n = 0; n <= 40; ++n) {
        for (int pattern = 0; pattern < 3; ++pattern) {  // zeros, single bits, random
            std::vector<std::uint64_t> a(n), b(n);
            for (std::size_t i = 0; i < n; ++i) {
                a[i] = pattern == 0 ? 0 : pattern == 1 ? (std::uint64_t{1} << (i % 64)) : engine();
                b[i] = pattern == 0 ? 0 : pattern == 1 ? (std::uint64_t{1} << ((3 * i) % 64)) : engine();
            }
            auto x1 = a, x2 = a, y1 = a, y2 = a;
            qkdnq::simd::xor_words_scalar(x1.data(), b.data(), n);
            qkdnq::simd::xor_words_simd<qkdnq::simd::arch>(x2.data(), b.data(), n);
            qkdnq::simd::and_words_scalar(y1.data(), b.data(), n);
            qkdnq::simd::and_words_simd<qkdnq::simd::arch>(y2.data(), b.data(), n);
            REQUIRE(x1 == x2);
            REQUIRE(y1 == y2);
            REQUIRE(qkdnq::simd::xor_popcount_words_simd<qkdnq::simd::popcount_arch>(a.data(), b.data(), n) ==
                    qkdnq::simd::xor_popcount_words_scalar(a.data(), b.data(), n));
            REQUIRE(qkdnq::simd::popcount_words(a.data(), n) == qkdnq::simd::popcount_words_scalar(a.data(), n));
        }
    }
}
