#include <qkdnq/core/result.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {
qkdnq::result<std::string> lookup(bool present) {
    if (present) return std::string("key");
    return qkdnq::status::unknown_key_id;
}
}  // namespace

TEST_CASE("result holds a value or the status that says why not", "[core][result]") {
    const auto found = lookup(true);
    REQUIRE(found.ok());
    CHECK(static_cast<bool>(found));
    CHECK(found.error() == qkdnq::status::ok);
    CHECK(*found == "key");
    CHECK(found->size() == 3);

    const auto missing = lookup(false);
    CHECK_FALSE(missing.ok());
    CHECK(missing.error() == qkdnq::status::unknown_key_id);
    CHECK_THROWS_AS(missing.value(), qkdnq::invalid_state);
    CHECK_THROWS_WITH(missing.value(), Catch::Contains("unknown key id"));
}

TEST_CASE("a failed result cannot be made from status::ok", "[core][result]") {
    CHECK_THROWS_AS(qkdnq::result<int>(qkdnq::status::ok), qkdnq::invalid_argument);
}

TEST_CASE("every status has a name", "[core][result]") {
    using qkdnq::status;
    for (status s : {status::ok, status::verification_failed, status::not_enough_key, status::did_not_converge,
                     status::malformed_message, status::unknown_key_id, status::no_secret_key}) {
        CHECK(qkdnq::to_string(s) != "unknown status");
    }
}
