// SHAKE128/SHAKE256 (FIPS 202 §6.2): NIST ACVP known answers (1.0: AFT, VOT, MCT; FIPS202
// revision: AFT) and properties of the absorb/squeeze API.
#include <qkdnq/hash/shake.hpp>

#include "support/chunking.hpp"
#include "support/vec_file.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace {

using qkdnq::test::read_vec_file;
using qkdnq::test::vec_record;

template <class Xof>
std::vector<std::uint8_t> xof_bytes(qkdnq::bytes_view msg, std::size_t n) {
    std::vector<std::uint8_t> out(n);
    Xof::hash(msg, out);
    return out;
}

// Whether the first `bits` output bits equal ACVP's `md`. A partial last byte keeps its valid bits
// in the low-order positions ("low", SHAKE-*-1.0) or shifted to the top ("high", FIPS202
// revision): acvp-hash/README.md, "Bit-string conventions".
bool first_bits_match(std::vector<std::uint8_t> ours, std::vector<std::uint8_t> md, std::uint64_t bits,
                      const std::string& last_bits) {
    const unsigned r = static_cast<unsigned>(bits % 8);
    if (ours.size() != md.size()) return false;
    if (r != 0) {
        const auto mask = static_cast<std::uint8_t>((1u << r) - 1);
        ours.back() = static_cast<std::uint8_t>(ours.back() & mask);
        md.back() = last_bits == "high" ? static_cast<std::uint8_t>(md.back() >> (8 - r))
                                        : static_cast<std::uint8_t>(md.back() & mask);
    }
    return ours == md;
}

template <class Xof>
std::size_t check_section(const std::string& section, std::size_t expected_count) {
    std::size_t n = 0;
    for (const auto& r : read_vec_file("hash/shake_acvp.vec")) {
        if (r.section != section) continue;
        const std::uint64_t bits = r.number("out_bits");
        const auto out = xof_bytes<Xof>(r.hex("msg"), static_cast<std::size_t>((bits + 7) / 8));
        INFO(r.where() << " tc " << r.text("tc") << ", " << bits << " output bits");
        CHECK(first_bits_match(out, r.hex("md"), bits, r.has("last_bits") ? r.text("last_bits") : "none"));
        ++n;
    }
    CHECK(n == expected_count);
    return n;
}

template <class Xof>
std::string prefix() {
    return "SHAKE-" + std::to_string(Xof::security_bits);
}

std::vector<std::uint8_t> random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    return v;
}

}  // namespace

TEMPLATE_TEST_CASE("shake: ACVP 1.0 AFT (byte-aligned messages)", "[hash][kat]", qkdnq::shake128, qkdnq::shake256) {
    // 21 cases each: 4 bit-oriented message lengths skipped.
    REQUIRE(check_section<TestType>(prefix<TestType>() + " 1.0 AFT", 17) > 0);
}

TEMPLATE_TEST_CASE("shake: ACVP 1.0 VOT (variable output length)", "[hash][kat]", qkdnq::shake128, qkdnq::shake256) {
    REQUIRE(check_section<TestType>(prefix<TestType>() + " 1.0 VOT", 20) > 0);
}

TEMPLATE_TEST_CASE("shake: ACVP FIPS202 AFT (long messages)", "[hash][kat]", qkdnq::shake128, qkdnq::shake256) {
    REQUIRE(check_section<TestType>(prefix<TestType>() + " FIPS202 AFT", 22) > 0);
}

TEMPLATE_TEST_CASE("shake: ACVP 1.0 Monte Carlo", "[hash][kat]", qkdnq::shake128, qkdnq::shake256) {
    std::size_t n = 0;
    for (const auto& r : read_vec_file("hash/shake_acvp.vec")) {
        if (r.section != prefix<TestType>() + " 1.0 MCT") continue;
        ++n;
        // ACVP SHAKE MCT (acvp-hash/README.md): MSG = 128 leftmost bits of MD[i-1];
        // MD[i] = SHAKE(MSG, OutputLen); OutputLen = min + (last 16 bits of MD[i], big-endian) % range.
        const std::size_t min_bytes = r.number("min_out_bits") / 8;
        const std::size_t max_bytes = r.number("max_out_bits") / 8;
        const std::size_t range = max_bytes - min_bytes + 1;
        std::size_t out_len = max_bytes;
        auto md = r.hex("seed");
        for (int j = 0; j < 100; ++j) {
            for (int i = 0; i < 1000; ++i) {
                std::array<std::uint8_t, 16> msg{};  // zero bits appended if MD is shorter
                std::copy_n(md.begin(), std::min(md.size(), msg.size()), msg.begin());
                md = xof_bytes<TestType>(msg, out_len);
                const std::size_t rightmost = (std::size_t{md[md.size() - 2]} << 8) | md[md.size() - 1];
                out_len = min_bytes + rightmost % range;
            }
            char md_key[8];
            char bits_key[16];
            std::snprintf(md_key, sizeof md_key, "md_%02d", j);
            std::snprintf(bits_key, sizeof bits_key, "out_bits_%02d", j);
            INFO(r.where() << " outer iteration " << j);
            REQUIRE(md.size() * 8 == r.number(bits_key));
            REQUIRE(qkdnq::to_hex(md) == r.text(md_key));
        }
    }
    REQUIRE(n == 1);
}

TEST_CASE("shake: FIPS 202 example outputs of the empty message", "[hash][kat]") {
    CHECK(qkdnq::to_hex(xof_bytes<qkdnq::shake128>({}, 32)) ==
          "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
    CHECK(qkdnq::to_hex(xof_bytes<qkdnq::shake256>({}, 64)) ==
          "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
          "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be");
}

TEMPLATE_TEST_CASE("shake: incremental == one-shot over random absorb and squeeze chunkings", "[hash][property]",
                   qkdnq::shake128, qkdnq::shake256) {
    const auto seed = GENERATE(take(8, random(std::uint64_t{0}, ~std::uint64_t{0})));
    std::mt19937_64 rng(seed);
    const auto message = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, 3 * TestType::rate + 5)(rng));
    const std::size_t out_size = std::uniform_int_distribution<std::size_t>(0, 3 * TestType::rate + 5)(rng);
    const auto expected = xof_bytes<TestType>(message, out_size);

    TestType x;
    qkdnq::test::for_random_chunks(qkdnq::bytes_view(message), rng, 0, TestType::rate + 9, [&](auto chunk) { x.absorb(chunk); });
    std::vector<std::uint8_t> got(out_size);
    qkdnq::test::for_random_chunks(qkdnq::mutable_bytes(got), rng, 0, TestType::rate + 9, [&](auto chunk) { x.squeeze(chunk); });
    INFO("seed " << seed << ", message " << message.size() << ", output " << out_size);
    CHECK(got == expected);
}

TEMPLATE_TEST_CASE("shake: shorter outputs are prefixes of longer ones", "[hash][property]", qkdnq::shake128,
                   qkdnq::shake256) {
    const std::array<std::uint8_t, 3> abc = {'a', 'b', 'c'};
    const auto long_out = xof_bytes<TestType>(abc, 1000);
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 135u, 136u, 137u, 167u, 168u, 169u, 999u}) {
        const auto short_out = xof_bytes<TestType>(abc, n);
        CHECK(std::equal(short_out.begin(), short_out.end(), long_out.begin()));
    }
}

TEMPLATE_TEST_CASE("shake: absorb after squeeze throws; reset starts over", "[hash][property]", qkdnq::shake128,
                   qkdnq::shake256) {
    const std::array<std::uint8_t, 3> abc = {'a', 'b', 'c'};
    TestType x;
    x.absorb(abc);
    std::array<std::uint8_t, 40> first{};
    x.squeeze(first);
    CHECK_THROWS_AS(x.absorb(abc), qkdnq::invalid_state);
    CHECK_THROWS_WITH(x.absorb(abc), Catch::Contains("::absorb"));
    std::array<std::uint8_t, 40> second{};
    x.squeeze(second);  // squeezing goes on after the refused absorb
    std::vector<std::uint8_t> both(first.begin(), first.end());
    both.insert(both.end(), second.begin(), second.end());
    CHECK(both == xof_bytes<TestType>(abc, 80));

    x.reset();
    x.absorb(abc);
    std::array<std::uint8_t, 40> again{};
    x.squeeze(again);
    CHECK(again == first);
    x.reset();
    std::array<std::uint8_t, 32> empty{};
    x.squeeze(empty);
    CHECK(std::vector<std::uint8_t>(empty.begin(), empty.end()) == xof_bytes<TestType>({}, 32));
}
