// X-Wing (hybrid/xwing.hpp): the draft's test vectors (DeriveKeyPair, EncapsulateDerand,
// Decapsulate), agreement for random keys, implicit rejection of a changed ciphertext, and the
// modulus check on the ML-KEM part of the public key.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/xwing.hpp>

#include <catch2/catch.hpp>

#include "support/vec_file.hpp"

#include <cstdint>
#include <vector>

namespace {

using qkdnq::test::vec_record;
using xwing = qkdnq::hybrid::xwing;

}  // namespace

TEST_CASE("xwing: draft-connolly-cfrg-xwing-kem test vectors", "[hybrid][xwing][kat]") {
    const auto records = qkdnq::test::read_vec_file("hybrid/xwing.vec");
    std::size_t n = 0;
    for (const vec_record* r : qkdnq::test::records_in_section(records, "xwing")) {
        INFO(r->where());
        const auto pair = xwing::derive_key_pair(r->hex("seed"));
        CHECK(qkdnq::to_hex(pair.sk.span()) == r->text("sk"));
        CHECK(qkdnq::to_hex(pair.pk) == r->text("pk"));
        const std::vector<std::uint8_t> eseed = r->hex("eseed");
        REQUIRE(eseed.size() == xwing::encapsulation_seed_size);
        const auto enc = xwing::encapsulate_derand(pair.pk, std::span<const std::uint8_t, 64>(eseed.data(), 64));
        REQUIRE(enc.ok());
        CHECK(qkdnq::to_hex(enc->ct) == r->text("ct"));
        CHECK(qkdnq::to_hex(enc->ss.span()) == r->text("ss"));
        const auto ss = xwing::decapsulate(pair.sk, xwing::ciphertext_from_bytes(r->hex("ct")));
        CHECK(qkdnq::to_hex(ss.span()) == r->text("ss"));
        ++n;
    }
    CHECK(n == 3);
}

TEST_CASE("xwing: random key pairs agree; a changed ciphertext gives an unrelated secret", "[hybrid][xwing]") {
    qkdnq::shake_drbg rng(std::uint64_t{7});
    for (int trial = 0; trial < 8; ++trial) {
        const auto pair = xwing::generate_key_pair(rng);
        auto enc = xwing::encapsulate(pair.pk, rng);
        REQUIRE(enc.ok());
        CHECK(qkdnq::to_hex(xwing::decapsulate(pair.sk, enc->ct).span()) == qkdnq::to_hex(enc->ss.span()));
        // Flip one bit in the ML-KEM part, then in the X25519 part.
        for (std::size_t at : {std::size_t{17}, xwing::ciphertext_size - 5}) {
            auto ct = enc->ct;
            ct[at] ^= 0x04;
            CHECK(qkdnq::to_hex(xwing::decapsulate(pair.sk, ct).span()) != qkdnq::to_hex(enc->ss.span()));
        }
    }
}

TEST_CASE("xwing: a public key whose ML-KEM part fails the modulus check is refused", "[hybrid][xwing]") {
    qkdnq::shake_drbg rng(std::uint64_t{8});
    auto pair = xwing::generate_key_pair(rng);
    pair.pk[0] = 0xff;  // the first 12-bit coefficient becomes 0x?ff with the next nibble: >= q
    pair.pk[1] |= 0x0f;
    const auto enc = xwing::encapsulate(pair.pk, rng);
    CHECK(enc.error() == qkdnq::status::malformed_message);
    CHECK_THROWS_AS(xwing::derive_key_pair(std::vector<std::uint8_t>(31)), qkdnq::invalid_argument);
    CHECK_THROWS_AS(xwing::ciphertext_from_bytes(std::vector<std::uint8_t>(1119)), qkdnq::invalid_argument);
    CHECK_THROWS_AS(xwing::public_key_from_bytes(std::vector<std::uint8_t>(1217)), qkdnq::invalid_argument);
}
