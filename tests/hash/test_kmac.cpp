// KMAC128/256 and KMACXOF128/256 (SP 800-185 §4): NIST's SP 800-185 examples, ACVP KMAC AFT/MVT
// cases with byte-aligned key and message, all ACVP KDF-KMAC (SP 800-108r1) cases, Wycheproof's
// kmac128/256_no_customization files, and properties of the API (chunking, verify rejecting
// every flipped tag bit, misuse throwing without writing output).
#include <qkdnq/hash/kmac.hpp>

#include "support/vec_file.hpp"

#include <catch2/catch.hpp>

#include "support/chunking.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

using qkdnq::test::read_vec_file;
using qkdnq::test::vec_record;

template <class Mac>
std::vector<std::uint8_t> kmac(qkdnq::bytes_view key, qkdnq::bytes_view msg, std::size_t n,
                               qkdnq::bytes_view custom = {}) {
    std::vector<std::uint8_t> out(n);
    Mac::mac(key, msg, out, custom);
    return out;
}

template <class Xof>
std::vector<std::uint8_t> kmac_xof(qkdnq::bytes_view key, qkdnq::bytes_view msg, std::size_t n,
                                   qkdnq::bytes_view custom = {}) {
    Xof x(key, custom);
    x.update(msg);
    std::vector<std::uint8_t> out(n);
    x.squeeze(out);
    return out;
}

std::vector<std::uint8_t> sample_data(std::size_t n, std::uint8_t first = 0) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(first + i);
    return v;
}

std::vector<std::uint8_t> random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    return v;
}

// ACVP's representation of the first `bits` output bits (acvp-hash/README.md, KMAC): a partial
// last byte's valid bits moved to the top.
std::vector<std::uint8_t> acvp_bits(std::vector<std::uint8_t> out, std::uint64_t bits) {
    const unsigned r = static_cast<unsigned>(bits % 8);
    if (r != 0) out.back() = static_cast<std::uint8_t>((out.back() & ((1u << r) - 1)) << (8 - r));
    return out;
}

// Runs one ACVP KMAC record; returns whether it passed.
template <class Mac, class Xof>
bool acvp_case(const vec_record& r) {
    const auto key = r.hex("key");
    const auto msg = r.hex("msg");
    const auto custom = r.hex("custom_hex");
    const std::uint64_t bits = r.number("mac_bits");
    const auto n = static_cast<std::size_t>((bits + 7) / 8);
    const bool xof = r.number("xof") == 1;
    const auto expected = r.hex("mac");
    const bool mvt = r.has("passed");
    if (!xof && mvt) {
        REQUIRE(bits % 8 == 0);
        Mac m(key, custom);
        m.update(msg);
        return m.verify(expected) == (r.number("passed") == 1);
    }
    const auto ours = acvp_bits(xof ? kmac_xof<Xof>(key, msg, n, custom) : kmac<Mac>(key, msg, n, custom), bits);
    const bool same = ours == expected;
    return mvt ? same == (r.number("passed") == 1) : same;
}

template <class Mac, class Xof>
void check_acvp(const std::string& section, std::size_t expected_count) {
    std::size_t n = 0;
    for (const auto& r : read_vec_file("hash/kmac_acvp.vec")) {
        if (r.section != section) continue;
        INFO(r.where() << " tc " << r.text("tc"));
        CHECK(acvp_case<Mac, Xof>(r));
        ++n;
    }
    REQUIRE(n == expected_count);
}

}  // namespace

TEST_CASE("kmac: NIST SP 800-185 examples (KMAC_samples, KMACXOF_samples)", "[hash][kat]") {
    const auto key = sample_data(32, 0x40);
    const auto tag = qkdnq::as_bytes("My Tagged Application");
    const auto d4 = sample_data(4);
    const auto d200 = sample_data(200);
    CHECK(qkdnq::to_hex(kmac<qkdnq::kmac128>(key, d4, 32)) ==
          "e5780b0d3ea6f7d3a429c5706aa43a00fadbd7d49628839e3187243f456ee14e");
    CHECK(qkdnq::to_hex(kmac<qkdnq::kmac128>(key, d4, 32, tag)) ==
          "3b1fba963cd8b0b59e8c1a6d71888b7143651af8ba0a7070c0979e2811324aa5");
    CHECK(qkdnq::to_hex(kmac<qkdnq::kmac128>(key, d200, 32, tag)) ==
          "1f5b4e6cca02209e0dcb5ca635b89a15e271ecc760071dfd805faa38f9729230");
    CHECK(qkdnq::to_hex(kmac<qkdnq::kmac256>(key, d4, 64, tag)) ==
          "20c570c31346f703c9ac36c61c03cb64c3970d0cfc787e9b79599d273a68d2f7"
          "f69d4cc3de9d104a351689f27cf6f5951f0103f33f4f24871024d9c27773a8dd");
    CHECK(qkdnq::to_hex(kmac<qkdnq::kmac256>(key, d200, 64)) ==
          "75358cf39e41494e949707927cee0af20a3ff553904c86b08f21cc414bcfd691"
          "589d27cf5e15369cbbff8b9a4c2eb17800855d0235ff635da82533ec6b759b69");
    CHECK(qkdnq::to_hex(kmac<qkdnq::kmac256>(key, d200, 64, tag)) ==
          "b58618f71f92e1d56c1b8c55ddd7cd188b97b4ca4d99831eb2699a837da2e4d9"
          "70fbacfde50033aea585f1a2708510c32d07880801bd182898fe476876fc8965");
    CHECK(qkdnq::to_hex(kmac_xof<qkdnq::kmac_xof128>(key, d4, 32)) ==
          "cd83740bbd92ccc8cf032b1481a0f4460e7ca9dd12b08a0c4031178bacd6ec35");
    CHECK(qkdnq::to_hex(kmac_xof<qkdnq::kmac_xof128>(key, d4, 32, tag)) ==
          "31a44527b4ed9f5c6101d11de6d26f0620aa5c341def41299657fe9df1a3b16c");
    CHECK(qkdnq::to_hex(kmac_xof<qkdnq::kmac_xof128>(key, d200, 32, tag)) ==
          "47026c7cd793084aa0283c253ef658490c0db61438b8326fe9bddf281b83ae0f");
    CHECK(qkdnq::to_hex(kmac_xof<qkdnq::kmac_xof256>(key, d4, 64, tag)) ==
          "1755133f1534752aad0748f2c706fb5c784512cab835cd15676b16c0c6647fa9"
          "6faa7af634a0bf8ff6df39374fa00fad9a39e322a7c92065a64eb1fb0801eb2b");
    CHECK(qkdnq::to_hex(kmac_xof<qkdnq::kmac_xof256>(key, d200, 64)) ==
          "ff7b171f1e8a2b24683eed37830ee797538ba8dc563f6da1e667391a75edc02c"
          "a633079f81ce12a25f45615ec89972031d18337331d24ceb8f8ca8e6a19fd98b");
    CHECK(qkdnq::to_hex(kmac_xof<qkdnq::kmac_xof256>(key, d200, 64, tag)) ==
          "d5be731c954ed7732846bb59dbe3a8e30f83e77a4bff4459f2f1c2b4ecebb8ce"
          "67ba01c62e8ab8578d2d499bd1bb276768781190020a306a97de281dcc30305d");
}

TEST_CASE("kmac: ACVP KMAC-128 AFT and MVT (byte-aligned key and message)", "[hash][kat]") {
    check_acvp<qkdnq::kmac128, qkdnq::kmac_xof128>("KMAC-128 AFT", 5);
    check_acvp<qkdnq::kmac128, qkdnq::kmac_xof128>("KMAC-128 MVT", 7);
}

TEST_CASE("kmac: ACVP KMAC-256 AFT and MVT (byte-aligned key and message)", "[hash][kat]") {
    check_acvp<qkdnq::kmac256, qkdnq::kmac_xof256>("KMAC-256 AFT", 3);
    check_acvp<qkdnq::kmac256, qkdnq::kmac_xof256>("KMAC-256 MVT", 3);
}

TEMPLATE_TEST_CASE("kmac: ACVP KDF-KMAC (SP 800-108r1), all cases", "[hash][kat]", qkdnq::kmac128, qkdnq::kmac256) {
    const std::string section = "KMAC-" + std::to_string(TestType::security_bits);
    std::size_t n = 0;
    for (const auto& r : read_vec_file("hash/kdf_kmac_acvp.vec")) {
        if (r.section != section) continue;
        // SP 800-108r1 §4.4: K_OUT = KMAC#(K_IN, Context, L, Label).
        const std::uint64_t bits = r.number("derived_bits");
        REQUIRE(bits % 8 == 0);
        const auto out =
            kmac<TestType>(r.hex("key"), r.hex("context"), static_cast<std::size_t>(bits / 8), r.hex("label"));
        INFO(r.where() << " tc " << r.text("tc") << ", " << bits << " bits");
        CHECK(qkdnq::to_hex(out) == r.text("derived_key"));
        ++n;
    }
    REQUIRE(n == 20);
}

TEMPLATE_TEST_CASE("kmac: Wycheproof kmac*_no_customization (valid verify, invalid do not)", "[hash][kat]",
                   qkdnq::kmac128, qkdnq::kmac256) {
    const std::string section = "KMAC" + std::to_string(TestType::security_bits);
    std::size_t valid = 0;
    std::size_t invalid = 0;
    for (const auto& r : read_vec_file("hash/kmac_wycheproof.vec")) {
        if (r.section != section) continue;
        const auto key = r.hex("key");
        const auto msg = r.hex("msg");
        const auto tag = r.hex("tag");
        INFO(r.where() << " tc " << r.text("tc") << " " << r.text("result"));
        TestType m(key);
        m.update(msg);
        if (r.text("result") == "valid") {
            REQUIRE(tag.size() * 8 == r.number("tag_bits"));
            CHECK(m.verify(tag));
            CHECK(kmac<TestType>(key, msg, tag.size()) == tag);
            ++valid;
        } else {
            REQUIRE(r.text("result") == "invalid");
            CHECK_FALSE(m.verify(tag));
            ++invalid;
        }
    }
    REQUIRE(valid == (TestType::security_bits == 128 ? 66u : 99u));
    REQUIRE(invalid == (TestType::security_bits == 128 ? 108u : 162u));
}

TEMPLATE_TEST_CASE("kmac: incremental == one-shot over random chunkings", "[hash][property]", qkdnq::kmac128,
                   qkdnq::kmac256) {
    const auto seed = GENERATE(take(8, random(std::uint64_t{0}, ~std::uint64_t{0})));
    std::mt19937_64 rng(seed);
    const auto key = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, 300)(rng));
    const auto custom = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, 40)(rng));
    const auto message = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, 3 * TestType::rate)(rng));
    const std::size_t tag_size = std::uniform_int_distribution<std::size_t>(4, 2 * TestType::rate)(rng);
    const auto expected = kmac<TestType>(key, message, tag_size, custom);

    TestType m(key, custom);
    qkdnq::test::for_random_chunks(qkdnq::bytes_view(message), rng, 0, 200, [&](auto chunk) { m.update(chunk); });
    std::vector<std::uint8_t> got(tag_size);
    m.final(got);
    INFO("seed " << seed);
    CHECK(got == expected);

    // reset() returns to the keyed state.
    m.reset();
    m.update(message);
    CHECK(m.verify(expected));

    // L is bound into KMAC: a longer tag does not start with the shorter one (§4.3, right_encode(L)).
    const auto longer = kmac<TestType>(key, message, tag_size + 1, custom);
    CHECK_FALSE(std::equal(expected.begin(), expected.end(), longer.begin()));
}

TEMPLATE_TEST_CASE("kmac_xof: output independent of update and squeeze chunking", "[hash][property]",
                   qkdnq::kmac_xof128, qkdnq::kmac_xof256) {
    const auto seed = GENERATE(take(8, random(std::uint64_t{0}, ~std::uint64_t{0})));
    std::mt19937_64 rng(seed);
    const auto key = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, 64)(rng));
    const auto custom = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, 40)(rng));
    const auto message = random_bytes(rng, std::uniform_int_distribution<std::size_t>(0, 3 * TestType::rate)(rng));
    const std::size_t out_size = std::uniform_int_distribution<std::size_t>(0, 3 * TestType::rate)(rng);
    const auto expected = kmac_xof<TestType>(key, message, out_size, custom);

    TestType x(key, custom);
    qkdnq::test::for_random_chunks(qkdnq::bytes_view(message), rng, 0, 200, [&](auto chunk) { x.update(chunk); });
    std::vector<std::uint8_t> got(out_size);
    qkdnq::test::for_random_chunks(qkdnq::mutable_bytes(got), rng, 0, 200, [&](auto chunk) { x.squeeze(chunk); });
    INFO("seed " << seed);
    CHECK(got == expected);
    // KMACXOF output is a prefix-stable stream (right_encode(0)).
    const auto longer = kmac_xof<TestType>(key, message, out_size + 50, custom);
    CHECK(std::equal(got.begin(), got.end(), longer.begin()));
}

TEMPLATE_TEST_CASE("kmac: verify rejects every single flipped tag bit", "[hash][property]", qkdnq::kmac128,
                   qkdnq::kmac256) {
    const auto key = sample_data(32, 0x40);
    const auto msg = sample_data(100);
    const auto custom = qkdnq::as_bytes("flip test");
    for (const std::size_t size : {std::size_t{4}, std::size_t{32}, std::size_t{65}, std::size_t{200}}) {
        const auto tag = kmac<TestType>(key, msg, size, custom);
        TestType m(key, custom);
        m.update(msg);
        CHECK(m.verify(tag));
        std::size_t accepted = 0;
        for (std::size_t bit = 0; bit < 8 * size; ++bit) {
            auto bad = tag;
            bad[bit / 8] = static_cast<std::uint8_t>(bad[bit / 8] ^ (1u << (bit % 8)));
            m.reset();
            m.update(msg);
            if (m.verify(bad)) ++accepted;
        }
        INFO("tag size " << size);
        CHECK(accepted == 0);
        // A truncated tag is a different L: it does not verify either.
        if (size > qkdnq::detail::kmac_min_tag_size) {
            m.reset();
            m.update(msg);
            CHECK_FALSE(m.verify(qkdnq::bytes_view(tag).first(size - 1)));
        }
    }
}

TEST_CASE("kmac: misuse throws and writes nothing", "[hash][property]") {
    const auto key = sample_data(32, 0x40);
    const auto msg = sample_data(10);
    std::array<std::uint8_t, 32> tag{};

    qkdnq::kmac256 m(key);
    m.update(msg);
    m.final(tag);
    std::array<std::uint8_t, 32> out{};
    out.fill(0xa5);
    CHECK_THROWS_AS(m.update(msg), qkdnq::invalid_state);
    CHECK_THROWS_AS(m.final(out), qkdnq::invalid_state);
    CHECK_THROWS_AS((void)m.verify(tag), qkdnq::invalid_state);
    CHECK(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0xa5; }));
    CHECK_THROWS_WITH(m.update(msg), Catch::Contains("qkdnq::kmac256::update"));

    // Tags shorter than 32 bits never verify (SP 800-185 §8.4.2), not even the true prefix.
    std::array<std::uint8_t, 4> four{};
    qkdnq::kmac128::mac(key, msg, four);
    for (std::size_t size = 0; size < 4; ++size) {
        std::vector<std::uint8_t> prefix(size);
        qkdnq::kmac128::mac(key, msg, prefix);
        qkdnq::kmac128 short_tag(key);
        short_tag.update(msg);
        CHECK_FALSE(short_tag.verify(prefix));
        CHECK_THROWS_AS((void)short_tag.verify(four), qkdnq::invalid_state);  // it was finalised
    }
    qkdnq::kmac128 four_bytes(key);
    four_bytes.update(msg);
    CHECK(four_bytes.verify(four));

    // KMACXOF: update after squeeze throws.
    qkdnq::kmac_xof128 x(key);
    x.update(msg);
    x.squeeze(out);
    CHECK_THROWS_AS(x.update(msg), qkdnq::invalid_state);
    CHECK_THROWS_WITH(x.update(msg), Catch::Contains("qkdnq::kmac_xof128::update"));
    x.reset();
    x.update(msg);
    std::array<std::uint8_t, 32> again{};
    x.squeeze(again);
    CHECK(again == out);
}

TEST_CASE("kmac: key, customization and variant separate the outputs", "[hash][property]") {
    const auto key = sample_data(32, 0x40);
    const auto msg = sample_data(10);
    const auto a = kmac<qkdnq::kmac256>(key, msg, 32);
    CHECK(a != kmac<qkdnq::kmac256>(key, msg, 32, qkdnq::as_bytes("S")));
    CHECK(a != kmac<qkdnq::kmac256>(sample_data(32, 0x41), msg, 32));
    CHECK(a != kmac<qkdnq::kmac128>(key, msg, 32));
    CHECK(a != kmac_xof<qkdnq::kmac_xof256>(key, msg, 32));
    // Empty key and message are allowed.
    CHECK(kmac<qkdnq::kmac128>({}, {}, 16).size() == 16);
}
