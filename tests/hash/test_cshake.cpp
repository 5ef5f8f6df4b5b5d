// cSHAKE128/cSHAKE256 (SP 800-185 §3) and the §2.3 encodings: NIST's SP 800-185 examples, ACVP
// AFT cases with byte-aligned messages (bit-length outputs truncated), the ACVP Monte Carlo test,
// and properties of the API.
#include <qkdnq/hash/cshake.hpp>
#include <qkdnq/hash/shake.hpp>

#include "support/vec_file.hpp"

#include <catch2/catch.hpp>

#include "support/chunking.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using qkdnq::test::read_vec_file;
using qkdnq::test::vec_record;

template <class Xof>
std::vector<std::uint8_t> cshake(qkdnq::bytes_view msg, std::size_t n, qkdnq::bytes_view name,
                                 qkdnq::bytes_view custom) {
    Xof x(name, custom);
    x.absorb(msg);
    std::vector<std::uint8_t> out(n);
    x.squeeze(out);
    return out;
}

// ACVP's representation of the first `bits` output bits (acvp-hash/README.md, "Bit-string
// conventions", cSHAKE): ceil(bits/8) bytes, a partial last byte's valid bits moved to the top.
std::vector<std::uint8_t> acvp_bits(std::vector<std::uint8_t> out, std::uint64_t bits) {
    const unsigned r = static_cast<unsigned>(bits % 8);
    if (r != 0) out.back() = static_cast<std::uint8_t>((out.back() & ((1u << r) - 1)) << (8 - r));
    return out;
}

std::vector<std::uint8_t> sample_data(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i);
    return v;
}

std::vector<std::uint8_t> random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    return v;
}

}  // namespace

TEST_CASE("cshake: SP 800-185 §2.3 left_encode / right_encode", "[hash][kat]") {
    using qkdnq::detail::left_encode;
    using qkdnq::detail::right_encode;
    CHECK(qkdnq::to_hex(left_encode(0).view()) == "0100");
    CHECK(qkdnq::to_hex(right_encode(0).view()) == "0001");
    CHECK(qkdnq::to_hex(left_encode(168).view()) == "01a8");
    CHECK(qkdnq::to_hex(left_encode(255).view()) == "01ff");
    CHECK(qkdnq::to_hex(left_encode(256).view()) == "020100");
    CHECK(qkdnq::to_hex(right_encode(256).view()) == "010002");
    CHECK(qkdnq::to_hex(left_encode(0x123456).view()) == "03123456");
    CHECK(qkdnq::to_hex(left_encode(~std::uint64_t{0}).view()) == "08ffffffffffffffff");
    CHECK(qkdnq::to_hex(right_encode(~std::uint64_t{0}).view()) == "ffffffffffffffff08");
}

TEST_CASE("cshake: NIST SP 800-185 examples (cSHAKE_samples)", "[hash][kat]") {
    const auto email = qkdnq::as_bytes("Email Signature");
    CHECK(qkdnq::to_hex(cshake<qkdnq::cshake128>(sample_data(4), 32, {}, email)) ==
          "c1c36925b6409a04f1b504fcbca9d82b4017277cb5ed2b2065fc1d3814d5aaf5");
    CHECK(qkdnq::to_hex(cshake<qkdnq::cshake128>(sample_data(200), 32, {}, email)) ==
          "c5221d50e4f822d96a2e8881a961420f294b7b24fe3d2094baed2c6524cc166b");
    CHECK(qkdnq::to_hex(cshake<qkdnq::cshake256>(sample_data(4), 64, {}, email)) ==
          "d008828e2b80ac9d2218ffee1d070c48b8e4c87bff32c9699d5b6896eee0edd1"
          "64020e2be0560858d9c00c037e34a96937c561a74c412bb4c746469527281c8c");
    CHECK(qkdnq::to_hex(cshake<qkdnq::cshake256>(sample_data(200), 64, {}, email)) ==
          "07dc27b11e51fbac75bc7b3c1d983e8b4b85fb1defaf218912ac864302730917"
          "27f42b17ed1df63e8ec118f04b23633c1dfb1574c8fb55cb45da8e25afb092bb");
}

TEMPLATE_TEST_CASE("cshake: ACVP AFT (byte-aligned messages)", "[hash][kat]", qkdnq::cshake128, qkdnq::cshake256) {
    const std::string section = "cSHAKE-" + std::to_string(TestType::security_bits) + " AFT";
    std::size_t n = 0;
    for (const auto& r : read_vec_file("hash/cshake_acvp.vec")) {
        if (r.section != section) continue;
        const std::uint64_t bits = r.number("out_bits");
        const auto out = cshake<TestType>(r.hex("msg"), static_cast<std::size_t>((bits + 7) / 8), r.hex("name_hex"),
                                          r.hex("custom_hex"));
        INFO(r.where() << " tc " << r.text("tc") << ", " << bits << " output bits");
        CHECK(qkdnq::to_hex(acvp_bits(out, bits)) == r.text("md"));
        ++n;
    }
    // Of 21 cases each, those with a bit-oriented message are skipped (12 and 11).
    REQUIRE(n == (TestType::security_bits == 128 ? 9u : 10u));
}

TEMPLATE_TEST_CASE("cshake: ACVP Monte Carlo", "[hash][kat]", qkdnq::cshake128, qkdnq::cshake256) {
    const std::string section = "cSHAKE-" + std::to_string(TestType::security_bits) + " MCT";
    std::size_t n = 0;
    for (const auto& r : read_vec_file("hash/cshake_acvp.vec")) {
        if (r.section != section) continue;
        ++n;
        // acvp-hash/README.md, "cSHAKE": lengths in bits; the inner message is the first 128 output
        // bits; the next length and customization come from the last 16 output bits.
        const std::uint64_t min_bits = r.number("min_out_bits");
        const std::uint64_t max_bits = r.number("max_out_bits");
        const std::uint64_t increment = r.number("out_len_increment");
        const std::uint64_t range = max_bits - min_bits + 1;
        std::uint64_t out_bits = max_bits;
        std::vector<std::uint8_t> customization;
        std::vector<std::uint8_t> output = r.hex("seed");
        int outer = 0;
        for (int j = 0; j < 100; ++j) {
            char md_key[8];
            char bits_key[16];
            std::snprintf(md_key, sizeof md_key, "md_%02d", j);
            std::snprintf(bits_key, sizeof bits_key, "out_bits_%02d", j);
            if (!r.has(md_key)) break;
            for (int i = 0; i < 1000; ++i) {
                std::array<std::uint8_t, 16> inner{};
                std::copy_n(output.begin(), std::min(output.size(), inner.size()), inner.begin());
                output = acvp_bits(cshake<TestType>(inner, static_cast<std::size_t>((out_bits + 7) / 8), {},
                                                    customization),
                                   out_bits);
                // Right(Output, 16): the last 16 of the out_bits bits, MSB-first.
                const unsigned pad = static_cast<unsigned>((8 - out_bits % 8) % 8);
                const std::uint32_t tail = (std::uint32_t{output[output.size() - 3]} << 16) |
                                           (std::uint32_t{output[output.size() - 2]} << 8) | output.back();
                const std::uint64_t rightmost = (tail >> pad) & 0xffffu;
                out_bits = min_bits + ((rightmost % range) / increment) * increment;
                // Customization = BitsToString(InnerMsg || Rightmost_Output_bits).
                customization.clear();
                for (const auto b : inner) customization.push_back(static_cast<std::uint8_t>(b % 26 + 65));
                customization.push_back(static_cast<std::uint8_t>((rightmost >> 8) % 26 + 65));
                customization.push_back(static_cast<std::uint8_t>((rightmost & 0xff) % 26 + 65));
            }
            INFO(r.where() << " outer iteration " << j);
            REQUIRE(output.size() == (r.number(bits_key) + 7) / 8);
            REQUIRE(qkdnq::to_hex(output) == r.text(md_key));
            ++outer;
        }
        CHECK(outer == 3);  // a sample vector set: 3 outer iterations, not 100
    }
    REQUIRE(n == 1);
}

TEMPLATE_TEST_CASE("cshake: empty N and S is SHAKE (SP 800-185 §3.3)", "[hash][property]", qkdnq::cshake128,
                   qkdnq::cshake256) {
    using shake = std::conditional_t<TestType::security_bits == 128, qkdnq::shake128, qkdnq::shake256>;
    const auto msg = sample_data(300);
    std::vector<std::uint8_t> expected(77);
    shake::hash(msg, expected);
    CHECK(cshake<TestType>(msg, 77, {}, {}) == expected);
    // Any non-empty N or S changes the output.
    const std::array<std::uint8_t, 1> zero = {0};
    CHECK(cshake<TestType>(msg, 77, zero, {}) != expected);
    CHECK(cshake<TestType>(msg, 77, {}, zero) != expected);
    CHECK(cshake<TestType>(msg, 77, zero, {}) != cshake<TestType>(msg, 77, {}, zero));
}

TEMPLATE_TEST_CASE("cshake: incremental == one-shot over random chunkings", "[hash][property]", qkdnq::cshake128,
                   qkdnq::cshake256) {
    const auto seed = GENERATE(take(8, random(std::uint64_t{0}, ~std::uint64_t{0})));
    std::mt19937_64 rng(seed);
    const auto message = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, 3 * TestType::rate)(rng));
    // N and S up to more than a block, so that bytepad spans several blocks.
    const auto name = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, 200)(rng));
    const auto custom = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, 200)(rng));
    const std::size_t out_size = std::uniform_int_distribution<std::size_t>(1, 2 * TestType::rate)(rng);
    const auto expected = cshake<TestType>(message, out_size, name, custom);

    TestType x(name, custom);
    qkdnq::test::for_random_chunks(qkdnq::bytes_view(message), rng, 0, 200, [&](auto chunk) { x.absorb(chunk); });
    std::vector<std::uint8_t> got(out_size);
    qkdnq::test::for_random_chunks(qkdnq::mutable_bytes(got), rng, 0, 200, [&](auto chunk) { x.squeeze(chunk); });
    INFO("seed " << seed);
    CHECK(got == expected);

    // reset() returns to the state right after N and S.
    x.reset();
    x.absorb(message);
    std::vector<std::uint8_t> again(out_size);
    x.squeeze(again);
    CHECK(again == expected);
}

TEMPLATE_TEST_CASE("cshake: absorb after squeeze throws", "[hash][property]", qkdnq::cshake128, qkdnq::cshake256) {
    TestType x(qkdnq::as_bytes("N"), qkdnq::as_bytes("S"));
    std::array<std::uint8_t, 8> out{};
    x.squeeze(out);
    CHECK_THROWS_AS(x.absorb(out), qkdnq::invalid_state);
    CHECK_THROWS_WITH(x.absorb(out), Catch::Contains("qkdnq::cshake") && Catch::Contains("::absorb"));
}
