#include <qkdnq/core/bytes.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <vector>

TEST_CASE("hex round trip and errors", "[core][bytes]") {
    const std::vector<std::uint8_t> data{0x00, 0x01, 0xab, 0xff};
    CHECK(qkdnq::to_hex(data) == "0001abff");
    CHECK(qkdnq::from_hex("0001ABff") == data);
    CHECK(qkdnq::from_hex("").empty());
    CHECK_THROWS_AS(qkdnq::from_hex("abc"), qkdnq::invalid_argument);
    CHECK_THROWS_AS(qkdnq::from_hex("zz"), qkdnq::invalid_argument);
    CHECK_THROWS_WITH(qkdnq::from_hex("abc"), Catch::Contains("odd number of digits (3)"));
}

TEST_CASE("endian loads and stores", "[core][bytes]") {
    std::array<std::uint8_t, 8> b{};
    qkdnq::store_be64(b.data(), 0x0102030405060708u);
    CHECK(b == std::array<std::uint8_t, 8>{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(qkdnq::load_be64(b.data()) == 0x0102030405060708u);
    CHECK(qkdnq::load_be32(b.data()) == 0x01020304u);
    CHECK(qkdnq::load_le64(b.data()) == 0x0807060504030201u);
    qkdnq::store_le64(b.data(), 0x0102030405060708u);
    CHECK(b == std::array<std::uint8_t, 8>{8, 7, 6, 5, 4, 3, 2, 1});
    qkdnq::store_be32(b.data(), 0xdeadbeefu);
    CHECK(qkdnq::load_be32(b.data()) == 0xdeadbeefu);
}

TEST_CASE("as_bytes views a string without its terminator", "[core][bytes]") {
    const auto view = qkdnq::as_bytes("abc");
    REQUIRE(view.size() == 3);
    CHECK(view[0] == 'a');
    CHECK(view[2] == 'c');
}

TEST_CASE("length errors name the function, the argument and the expected size", "[core][error]") {
    CHECK_THROWS_WITH(qkdnq::detail::require_length("qkdnq::f", "key", 31, 32),
                      "qkdnq::f: argument 'key' has 31 bytes, expected 32");
    CHECK_THROWS_WITH(qkdnq::detail::require_at_most("qkdnq::g", "out", 9, 8),
                      "qkdnq::g: argument 'out' has 9 bytes, expected at most 8");
    CHECK_NOTHROW(qkdnq::detail::require_length("qkdnq::f", "key", 32, 32));
    CHECK_THROWS_AS(qkdnq::detail::require_length("f", "k", 1, 2), qkdnq::error);
}
