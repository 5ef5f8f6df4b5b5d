#include <qkdnq/core/ct.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

namespace ct = qkdnq::ct;

TEMPLATE_TEST_CASE("ct masks agree with the plain comparisons", "[core][ct][property]", std::uint8_t,
                   std::uint16_t, std::uint32_t, std::uint64_t) {
    std::mt19937_64 engine(0x5eed0101);
    const TestType all = static_cast<TestType>(~TestType{0});
    std::vector<TestType> values{0, 1, 2, static_cast<TestType>(all - 1), all,
                                 static_cast<TestType>(all >> 1), static_cast<TestType>((all >> 1) + 1)};
    for (int i = 0; i < 50; ++i) values.push_back(static_cast<TestType>(engine()));
    for (TestType a : values) {
        CHECK(ct::is_zero(a) == (a == 0 ? all : 0));
        CHECK(ct::expand_top_bit(a) == ((a >> (sizeof(TestType) * 8 - 1)) ? all : 0));
        for (TestType b : values) {
            REQUIRE(ct::is_equal(a, b) == (a == b ? all : 0));
            REQUIRE(ct::is_less(a, b) == (a < b ? all : 0));
            REQUIRE(ct::select(all, a, b) == a);
            REQUIRE(ct::select(TestType{0}, a, b) == b);
        }
    }
    CHECK(ct::mask_from_bit(TestType{1}) == all);
    CHECK(ct::mask_from_bit(TestType{0}) == 0);
}

TEST_CASE("ct::equal compares contents and lengths", "[core][ct]") {
    const std::vector<std::uint8_t> a{1, 2, 3, 4}, b{1, 2, 3, 4}, c{1, 2, 3, 5}, d{1, 2, 3};
    CHECK(ct::equal(a, b));
    CHECK_FALSE(ct::equal(a, c));
    CHECK_FALSE(ct::equal(a, d));
    CHECK(ct::equal(std::span<const std::uint8_t>{}, std::span<const std::uint8_t>{}));
    CHECK(ct::equal_mask(a, b) == 0xff);
    CHECK(ct::equal_mask(a, c) == 0x00);
    for (std::size_t byte = 0; byte < a.size(); ++byte) {
        for (int bit = 0; bit < 8; ++bit) {
            auto e = a;
            e[byte] = static_cast<std::uint8_t>(e[byte] ^ (1u << bit));
            REQUIRE_FALSE(ct::equal(a, e));
        }
    }
}

TEST_CASE("ct::conditional_copy copies only under an all-ones mask", "[core][ct]") {
    std::vector<std::uint8_t> dst{1, 1, 1};
    const std::vector<std::uint8_t> src{7, 8, 9};
    ct::conditional_copy(0x00, dst, src);
    CHECK(dst == std::vector<std::uint8_t>{1, 1, 1});
    ct::conditional_copy(0xff, dst, src);
    CHECK(dst == src);
}
