#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/core/strong_type.hpp>

#include <catch2/catch.hpp>

#include <sstream>
#include <type_traits>

namespace {
using auth_key = qkdnq::strong<qkdnq::secure_bytes, struct auth_key_tag>;
using toeplitz_seed = qkdnq::strong<qkdnq::secure_bytes, struct toeplitz_seed_tag>;

template <class T>
concept streamable = requires(std::ostream& os, const T& t) { os << t; };
template <class T>
concept iterable = requires(const T& t) { t.begin(); };
}  // namespace

TEST_CASE("strong types are distinct, hold their value and cannot be printed", "[core][strong]") {
    STATIC_REQUIRE_FALSE(std::is_convertible_v<auth_key, toeplitz_seed>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<toeplitz_seed, auth_key>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<qkdnq::secure_bytes, auth_key>);  // explicit only
    STATIC_REQUIRE_FALSE(streamable<auth_key>);
    STATIC_REQUIRE_FALSE(iterable<auth_key>);  // so test frameworks print "{?}", not the bytes
    STATIC_REQUIRE(streamable<int>);           // the concept itself can be satisfied

    auth_key key(qkdnq::secure_bytes(32, 7));
    CHECK(key.size() == 32);
    CHECK(key.bytes().size() == 32);
    CHECK(key.get()[0] == 7);
}
