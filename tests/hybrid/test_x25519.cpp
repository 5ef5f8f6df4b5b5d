// X25519 (hybrid/x25519.hpp): RFC 7748 §5.2 and §6.1, the iterated test to 1,000 (the 10^6 run
// takes about a minute here and is not run), every case of Wycheproof's x25519_test.json, and
// properties (agreement, clamping, masking of u's top bit, low-order rejection).
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/x25519.hpp>

#include <catch2/catch.hpp>

#include "support/vec_file.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using qkdnq::test::vec_record;
namespace hy = qkdnq::hybrid;

std::array<std::uint8_t, 32> arr(const std::vector<std::uint8_t>& v) {
    REQUIRE(v.size() == 32);
    std::array<std::uint8_t, 32> a{};
    std::copy(v.begin(), v.end(), a.begin());
    return a;
}

hy::x25519_private_key private_key(const std::vector<std::uint8_t>& v) {
    hy::x25519_private_key k;
    const auto a = arr(v);
    std::copy(a.begin(), a.end(), k.data());
    return k;
}

std::string hex(std::span<const std::uint8_t> b) { return qkdnq::to_hex(b); }

}  // namespace

TEST_CASE("x25519: RFC 7748 section 5.2 vectors and the iterated test", "[hybrid][x25519][kat]") {
    const auto records = qkdnq::test::read_vec_file("hybrid/x25519_rfc7748.vec");
    std::size_t vectors = 0, iterated = 0;
    for (const vec_record* r : qkdnq::test::records_in_section(records, "scalar_mult")) {
        INFO(r->where());
        const auto k = arr(r->hex("scalar")), u = arr(r->hex("u"));
        CHECK(hex(hy::x25519(k, u).span()) == r->text("output"));
        ++vectors;
    }
    for (const vec_record* r : qkdnq::test::records_in_section(records, "iterated")) {
        const std::uint64_t n = r->number("iterations");
        if (n > 1000) continue;  // 10^6: see the header
        INFO(r->where());
        std::array<std::uint8_t, 32> k{9}, u{9};
        for (std::uint64_t i = 0; i < n; ++i) {
            const auto next = hy::x25519(k, u);
            u = k;
            std::copy(next.data(), next.data() + 32, k.begin());
        }
        CHECK(hex(k) == r->text("k"));
        ++iterated;
    }
    CHECK(vectors == 2);
    CHECK(iterated == 2);
}

TEST_CASE("x25519: RFC 7748 section 6.1 Diffie-Hellman", "[hybrid][x25519][kat]") {
    const auto records = qkdnq::test::read_vec_file("hybrid/x25519_rfc7748.vec");
    const auto dh = qkdnq::test::records_in_section(records, "diffie_hellman");
    REQUIRE(dh.size() == 1);
    const auto a = private_key(dh[0]->hex("alice_private")), b = private_key(dh[0]->hex("bob_private"));
    const auto pa = hy::x25519_public_key(a), pb = hy::x25519_public_key(b);
    CHECK(hex(pa) == dh[0]->text("alice_public"));
    CHECK(hex(pb) == dh[0]->text("bob_public"));
    const auto ka = hy::x25519_shared_secret(a, pb), kb = hy::x25519_shared_secret(b, pa);
    REQUIRE(ka.ok());
    REQUIRE(kb.ok());
    CHECK(hex(ka->span()) == dh[0]->text("shared_secret"));
    CHECK(hex(kb->span()) == dh[0]->text("shared_secret"));
}

TEST_CASE("x25519: every Wycheproof case; the all-zero shared secrets are refused", "[hybrid][x25519][kat]") {
    const auto records = qkdnq::test::read_vec_file("hybrid/x25519_wycheproof.vec");
    const auto expected = qkdnq::test::records_in_section(records, "expected");
    REQUIRE(expected.size() == 1);
    std::size_t run = 0, zero = 0, refused = 0;
    for (const vec_record* r : qkdnq::test::records_in_section(records, "x25519")) {
        INFO(r->where() << " tcId " << r->text("tcId") << " " << r->text("flags"));
        const std::string result = r->text("result");
        REQUIRE((result == "valid" || result == "acceptable"));  // the file has no invalid case
        const auto k = private_key(r->hex("private"));
        const auto peer = r->hex("public");
        CHECK(hex(hy::x25519(k.span(), arr(peer)).span()) == r->text("shared"));
        const bool all_zero = r->text("shared") == std::string(64, '0');
        const auto checked = hy::x25519_shared_secret(k, std::span<const std::uint8_t>(peer));
        CHECK(checked.ok() == !all_zero);
        if (!checked.ok()) CHECK(checked.error() == qkdnq::status::weak_public_key);
        zero += all_zero;
        refused += !checked.ok();
        ++run;
    }
    CHECK(run == expected[0]->number("tests"));
    CHECK(run == 518);
    CHECK(zero == 31);  // the ZeroSharedSecret cases
    CHECK(refused == zero);
}

TEST_CASE("x25519: agreement, clamping, u's top bit, bad lengths", "[hybrid][x25519][property]") {
    qkdnq::shake_drbg rng(71);
    for (int i = 0; i < 16; ++i) {
        const auto a = hy::x25519_generate(rng), b = hy::x25519_generate(rng);
        const auto ka = hy::x25519_shared_secret(a, hy::x25519_public_key(b));
        const auto kb = hy::x25519_shared_secret(b, hy::x25519_public_key(a));
        REQUIRE(ka.ok());
        REQUIRE(kb.ok());
        CHECK(hex(ka->span()) == hex(kb->span()));
        // Clamped bits of the scalar do not matter; u's top bit does not either.
        auto a2 = a;
        a2[0] = static_cast<std::uint8_t>(a2[0] ^ 7);
        a2[31] = static_cast<std::uint8_t>(a2[31] ^ 0xc0);
        CHECK(hy::x25519_public_key(a2) == hy::x25519_public_key(a));
        auto pb = hy::x25519_public_key(b);
        const auto plain = hy::x25519(a.span(), pb);
        pb[31] = static_cast<std::uint8_t>(pb[31] ^ 0x80);
        CHECK(hex(hy::x25519(a.span(), pb).span()) == hex(plain.span()));
    }
    const auto k = hy::x25519_generate(rng);
    const std::array<std::uint8_t, 32> zero_point{};  // u = 0 has order 1
    CHECK(hy::x25519_shared_secret(k, zero_point).error() == qkdnq::status::weak_public_key);
    const std::vector<std::uint8_t> short_key(31);
    CHECK_THROWS_AS((void)hy::x25519_shared_secret(k, std::span<const std::uint8_t>(short_key)), qkdnq::invalid_argument);
}
