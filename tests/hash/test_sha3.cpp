// SHA3-224/256/384/512 (FIPS 202 §6.1): NIST ACVP known answers (byte-aligned AFT, the standard
// Monte Carlo chains, the 1 GiB long-message case streamed) and properties of the incremental API.
#include <qkdnq/hash/sha3.hpp>

#include "support/chunking.hpp"
#include "support/vec_file.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

using qkdnq::test::read_vec_file;
using qkdnq::test::vec_record;

template <class Hash>
std::vector<std::uint8_t> hash_of(qkdnq::bytes_view data) {
    const auto digest = Hash::hash(data);
    return {digest.begin(), digest.end()};
}

template <class Hash>
std::string section_name() {
    return "SHA3-" + std::to_string(8 * Hash::digest_size);
}

template <class Hash>
std::vector<vec_record> records(const std::string& suffix) {
    std::vector<vec_record> out;
    for (auto& r : read_vec_file("hash/sha3_acvp.vec")) {
        if (r.section == section_name<Hash>() + suffix) out.push_back(std::move(r));
    }
    return out;
}

std::vector<std::uint8_t> random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    return v;
}

}  // namespace

TEMPLATE_TEST_CASE("sha3: ACVP AFT byte-aligned messages", "[hash][kat]", qkdnq::sha3_224, qkdnq::sha3_256,
                   qkdnq::sha3_384, qkdnq::sha3_512) {
    const auto cases = records<TestType>("");
    REQUIRE(cases.size() == 18);  // of 22: 4 bit-oriented lengths skipped (see the .vec header)
    for (const auto& r : cases) {
        INFO(r.where() << " tc " << r.text("tc"));
        CHECK(qkdnq::to_hex(hash_of<TestType>(r.hex("msg"))) == r.text("md"));
    }
}

TEMPLATE_TEST_CASE("sha3: ACVP Monte Carlo (standard)", "[hash][kat]", qkdnq::sha3_224, qkdnq::sha3_256,
                   qkdnq::sha3_384, qkdnq::sha3_512) {
    const auto cases = records<TestType>(" MCT");
    REQUIRE(cases.size() == 1);
    for (const auto& r : cases) {
        // ACVP SHA-3 MCT: MD[0] = SEED; MD[i] = SHA3(MD[i-1]) for i = 1..1000; output MD[1000]; SEED = MD[1000].
        auto md = r.hex("seed");
        REQUIRE(md.size() == TestType::digest_size);
        int checked = 0;
        for (int j = 0; j < 100; ++j) {
            for (int i = 0; i < 1000; ++i) md = hash_of<TestType>(md);
            char key[8];
            std::snprintf(key, sizeof key, "md_%02d", j);
            INFO(r.where() << " outer iteration " << j);
            REQUIRE(qkdnq::to_hex(md) == r.text(key));
            ++checked;
        }
        CHECK(checked == 100);
    }
}

TEMPLATE_TEST_CASE("sha3: ACVP long message (1 GiB, streamed)", "[hash][kat][ldt]", qkdnq::sha3_224,
                   qkdnq::sha3_256, qkdnq::sha3_384, qkdnq::sha3_512) {
    const auto cases = records<TestType>(" LDT");
    REQUIRE(cases.size() == 1);  // the smallest of the 4 LDT cases; 2, 4 and 8 GiB ones not run
    const auto& r = cases.front();
    const auto content = r.hex("content");
    const std::uint64_t full = r.number("full_bytes");
    REQUIRE(full == (std::uint64_t{1} << 30));
    // One 1 MiB buffer of the repeated content, absorbed 1024 times: never the whole message.
    std::vector<std::uint8_t> chunk(std::size_t{1} << 20);
    REQUIRE(chunk.size() % content.size() == 0);
    for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = content[i % content.size()];
    TestType h;
    for (std::uint64_t done = 0; done < full; done += chunk.size()) h.update(chunk);
    INFO(r.where());
    CHECK(qkdnq::to_hex(h.final()) == r.text("md"));
}

TEST_CASE("sha3: FIPS 202 example digests of the empty message", "[hash][kat]") {
    CHECK(qkdnq::to_hex(qkdnq::sha3_224::hash({})) == "6b4e03423667dbb73b6e15454f0eb1abd4597f9a1b078e3f5b5a6bc7");
    CHECK(qkdnq::to_hex(qkdnq::sha3_256::hash({})) ==
          "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    CHECK(qkdnq::to_hex(qkdnq::sha3_384::hash({})) ==
          "0c63a75b845e4f7d01107d852e4c2485c51a50aaaa94fc61995e71bbee983a2ac3713831264adb47fb6bd1e058d5f004");
    CHECK(qkdnq::to_hex(qkdnq::sha3_512::hash({})) ==
          "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6"
          "15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26");
}

TEMPLATE_TEST_CASE("sha3: incremental == one-shot over random chunkings", "[hash][property]", qkdnq::sha3_224,
                   qkdnq::sha3_256, qkdnq::sha3_384, qkdnq::sha3_512) {
    const auto seed = GENERATE(take(8, random(std::uint64_t{0}, ~std::uint64_t{0})));
    std::mt19937_64 rng(seed);
    // Lengths around the block boundaries are the interesting ones.
    const std::size_t length = std::uniform_int_distribution<std::size_t>(0, 4 * TestType::block_size + 3)(rng);
    const auto message = random_bytes(rng, length);
    const auto expected = TestType::hash(message);

    TestType h;
    qkdnq::test::for_random_chunks(qkdnq::bytes_view(message), rng, 0, TestType::block_size + 9, [&](auto chunk) { h.update(chunk); });
    std::array<std::uint8_t, TestType::digest_size> digest{};
    h.final(digest);
    INFO("seed " << seed << ", length " << length);
    CHECK(digest == expected);

    // Byte by byte as well.
    TestType bytewise;
    for (const auto b : message) bytewise.update(qkdnq::bytes_view(&b, 1));
    CHECK(bytewise.final() == expected);
}

TEMPLATE_TEST_CASE("sha3: use after final throws, leaves the output alone; reset starts over", "[hash][property]",
                   qkdnq::sha3_224, qkdnq::sha3_256, qkdnq::sha3_384, qkdnq::sha3_512) {
    const std::array<std::uint8_t, 3> abc = {'a', 'b', 'c'};
    TestType h;
    h.update(abc);
    const auto digest = h.final();
    CHECK(digest == TestType::hash(abc));

    CHECK_THROWS_AS(h.update(abc), qkdnq::invalid_state);
    std::array<std::uint8_t, TestType::digest_size> out{};
    out.fill(0x5a);
    CHECK_THROWS_AS(h.final(out), qkdnq::invalid_state);
    CHECK(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0x5a; }));
    CHECK_THROWS_WITH(h.update(abc), Catch::Contains("qkdnq::sha3_") && Catch::Contains("::update"));

    h.reset();
    h.update(abc);
    CHECK(h.final() == digest);
    h.reset();
    CHECK(h.final() == TestType::hash({}));
}

TEMPLATE_TEST_CASE("sha3: copies continue independently", "[hash][property]", qkdnq::sha3_256, qkdnq::sha3_512) {
    const std::array<std::uint8_t, 5> prefix = {1, 2, 3, 4, 5};
    const std::array<std::uint8_t, 2> tail_a = {6, 7};
    const std::array<std::uint8_t, 2> tail_b = {8, 9};
    TestType h;
    h.update(prefix);
    TestType copy = h;
    h.update(tail_a);
    copy.update(tail_b);
    std::vector<std::uint8_t> whole_a(prefix.begin(), prefix.end());
    whole_a.insert(whole_a.end(), tail_a.begin(), tail_a.end());
    std::vector<std::uint8_t> whole_b(prefix.begin(), prefix.end());
    whole_b.insert(whole_b.end(), tail_b.begin(), tail_b.end());
    CHECK(h.final() == TestType::hash(whole_a));
    CHECK(copy.final() == TestType::hash(whole_b));
}

TEST_CASE("sha3: sizes follow FIPS 202 §6.1 (c = 2d)", "[hash][property]") {
    STATIC_REQUIRE(qkdnq::sha3_224::digest_size == 28);
    STATIC_REQUIRE(qkdnq::sha3_224::block_size == 144);
    STATIC_REQUIRE(qkdnq::sha3_256::digest_size == 32);
    STATIC_REQUIRE(qkdnq::sha3_256::block_size == 136);
    STATIC_REQUIRE(qkdnq::sha3_384::digest_size == 48);
    STATIC_REQUIRE(qkdnq::sha3_384::block_size == 104);
    STATIC_REQUIRE(qkdnq::sha3_512::digest_size == 64);
    STATIC_REQUIRE(qkdnq::sha3_512::block_size == 72);
}
