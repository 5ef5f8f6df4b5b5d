// Carry-less multiplication (simd/clmul.hpp): the constant-time scalar product and the PCLMULQDQ
// one against a bit-by-bit definition, on hand-checked values, edge words and random words.
#include <qkdnq/core/random.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/simd/clmul.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

namespace {

using qkdnq::simd::clmul_product;

// The definition: XOR of a shifted by every set bit of b.
clmul_product bitwise_clmul(std::uint64_t a, std::uint64_t b) {
    clmul_product out;
    for (unsigned i = 0; i < 64; ++i) {
        if ((b >> i) & 1u) {
            out.lo ^= a << i;
            if (i != 0) out.hi ^= a >> (64 - i);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("clmul64 on hand-checked products", "[simd][clmul]") {
    // (x + 1)^2 = x^2 + 1 over GF(2); the integer product would be 9.
    CHECK(qkdnq::simd::clmul64_scalar(3, 3) == clmul_product{5, 0});
    CHECK(qkdnq::simd::clmul64(3, 3) == clmul_product{5, 0});
    // x^63 * x^63 = x^126: bit 62 of the high word.
    CHECK(qkdnq::simd::clmul64_scalar(std::uint64_t{1} << 63, std::uint64_t{1} << 63) == clmul_product{0, std::uint64_t{1} << 62});
    // (x^64 - 1)/(x - 1) squared is the sum of x^(2i), i < 64: every even bit.
    CHECK(qkdnq::simd::clmul64_scalar(~std::uint64_t{0}, ~std::uint64_t{0}) ==
          clmul_product{0x5555555555555555u, 0x5555555555555555u});
    CHECK(qkdnq::simd::clmul64_scalar(0, ~std::uint64_t{0}) == clmul_product{0, 0});
    CHECK(qkdnq::simd::clmul64_scalar(1, 0xdeadbeefcafef00du) == clmul_product{0xdeadbeefcafef00du, 0});
    // The products that stress the holes: every residue class full, so 13 terms per position.
    for (unsigned r = 0; r < 5; ++r) {
        const std::uint64_t m = qkdnq::simd::detail::residue_mask(r, 0);
        for (unsigned s = 0; s < 5; ++s) {
            const std::uint64_t n = qkdnq::simd::detail::residue_mask(s, 0);
            CHECK(qkdnq::simd::clmul64_scalar(m, n) == bitwise_clmul(m, n));
            CHECK(qkdnq::simd::clmul64(m, n) == bitwise_clmul(m, n));
        }
    }
}

TEST_CASE("clmul64 equals the bitwise definition on random and sparse words", "[simd][clmul]") {
    qkdnq::shake_drbg rng(std::uint64_t{64});
    for (int round = 0; round < 20000; ++round) {
        std::uint64_t a = qkdnq::random_u64(rng), b = qkdnq::random_u64(rng);
        if (round % 4 == 1) a &= qkdnq::random_u64(rng) & qkdnq::random_u64(rng);  // sparse and dense mixes
        if (round % 4 == 2) b |= qkdnq::random_u64(rng) | qkdnq::random_u64(rng);
        if (round % 4 == 3) a = std::uint64_t{1} << (round % 64);
        const auto expected = bitwise_clmul(a, b);
        INFO("a = " << a << ", b = " << b);
        REQUIRE(qkdnq::simd::clmul64_scalar(a, b) == expected);
        REQUIRE(qkdnq::simd::clmul64(a, b) == expected);  // PCLMULQDQ when has_pclmul
        REQUIRE(qkdnq::simd::clmul64(b, a) == expected);
    }
    static_assert(qkdnq::simd::clmul64_scalar(3, 3) == clmul_product{5, 0}, "usable in constant expressions");
}
