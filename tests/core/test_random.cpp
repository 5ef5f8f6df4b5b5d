#include <qkdnq/core/random.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace {
// Counts up: makes random_below's rejection path observable.
struct counting_generator {
    std::uint64_t next = 0;
    void fill(std::span<std::uint8_t> out) {
        for (std::size_t i = 0; i + 8 <= out.size(); i += 8) {
            for (int b = 0; b < 8; ++b) out[i + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(next >> (8 * b));
            ++next;
        }
    }
};
}  // namespace

TEST_CASE("os_random fills buffers of any size with varying bytes", "[core][random]") {
    STATIC_REQUIRE(qkdnq::random_generator<qkdnq::os_random>);
    qkdnq::os_random rng;
    std::vector<std::uint8_t> a(1 << 16), b(1 << 16);
    rng.fill(a);
    rng.fill(b);
    CHECK(a != b);
    std::size_t ones = 0;
    for (auto x : a) ones += static_cast<std::size_t>(__builtin_popcount(x));
    CHECK(ones > 8 * a.size() / 2 - 2000);  // 0.5 +- ~8 sigma
    CHECK(ones < 8 * a.size() / 2 + 2000);
    std::array<std::uint8_t, 0> empty{};
    rng.fill(empty);
}

TEST_CASE("random_below stays below its bound and rejects a zero bound", "[core][random]") {
    qkdnq::os_random rng;
    for (std::uint64_t bound : {1u, 2u, 3u, 10u, 1000u}) {
        for (int i = 0; i < 200; ++i) REQUIRE(qkdnq::random_below(rng, bound) < bound);
    }
    CHECK_THROWS_AS(qkdnq::random_below(rng, 0), qkdnq::invalid_argument);
    counting_generator counter;
    CHECK(qkdnq::random_u64(counter) == 0);
    CHECK(qkdnq::random_u64(counter) == 1);
    CHECK(qkdnq::random_below(counter, 10) == 2);
}
