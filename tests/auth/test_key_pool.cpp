// The authentication key pool (auth/key_pool.hpp): stream order, offsets, exhaustion as a result.
#include <qkdnq/auth/key_pool.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <numeric>
#include <vector>

TEST_CASE("key_pool hands out the deposited stream in order, once", "[auth]") {
    std::vector<std::uint8_t> stream(1000);
    std::iota(stream.begin(), stream.end(), std::uint8_t{0});
    qkdnq::auth::key_pool pool(qkdnq::bytes_view(stream).first(100));
    CHECK(pool.available() == 100);
    CHECK(pool.offset() == 0);
    std::size_t deposited = 100, at = 0;
    for (std::size_t step = 1; at + step <= stream.size(); ++step) {
        if (pool.available() < step) {  // top up in uneven pieces, as QKD output arrives
            const std::size_t more = std::min<std::size_t>(stream.size() - deposited, 37 + step);
            pool.deposit(qkdnq::bytes_view(stream).subspan(deposited, more));
            deposited += more;
            if (pool.available() < step) break;
        }
        auto got = pool.take(step);
        REQUIRE(got.ok());
        CHECK(std::equal(got->begin(), got->end(), stream.begin() + static_cast<std::ptrdiff_t>(at)));
        at += step;
        CHECK(pool.offset() == at);
        CHECK(pool.deposited() == deposited);
        CHECK(pool.offset() + pool.available() == pool.deposited());
    }
    CHECK(at > 900);
}

TEST_CASE("key_pool: running dry is a result and consumes nothing", "[auth]") {
    const std::array<std::uint8_t, 20> key{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    qkdnq::auth::key_pool pool(key);
    REQUIRE(pool.take(16).ok());
    auto dry = pool.take(16);
    CHECK(dry.error() == qkdnq::status::not_enough_key);
    std::array<std::uint8_t, 8> out{0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa};
    CHECK(pool.peek(out) == qkdnq::status::not_enough_key);
    CHECK(out[0] == 0xaa);  // untouched
    CHECK(pool.available() == 4);
    CHECK(pool.offset() == 16);
    CHECK_THROWS_AS(pool.consume(5), qkdnq::invalid_argument);
    CHECK(pool.available() == 4);
    std::array<std::uint8_t, 4> last{};
    CHECK(pool.take(last) == qkdnq::status::ok);
    CHECK(last == std::array<std::uint8_t, 4>{17, 18, 19, 20});
    CHECK(pool.take(0).ok());
}

TEST_CASE("key_pool: peek does not consume; moved pools keep their stream", "[auth]") {
    const std::array<std::uint8_t, 4> key{9, 8, 7, 6};
    qkdnq::auth::key_pool pool(key);
    std::array<std::uint8_t, 2> a{}, b{};
    CHECK(pool.peek(a) == qkdnq::status::ok);
    CHECK(pool.peek(b) == qkdnq::status::ok);
    CHECK(a == b);
    qkdnq::auth::key_pool moved(std::move(pool));
    pool = qkdnq::auth::key_pool{};  // a moved-from pool may be reassigned
    CHECK(moved.available() == 4);
    moved.consume(2);
    CHECK(moved.take(b) == qkdnq::status::ok);
    CHECK(b == std::array<std::uint8_t, 2>{7, 6});
}
