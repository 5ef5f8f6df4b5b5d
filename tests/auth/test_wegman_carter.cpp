// Wegman-Carter tags (auth/wegman_carter.hpp): tag = h_k(m) XOR pad, every flipped bit rejected.
#include <qkdnq/auth/wegman_carter.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

namespace {
std::vector<std::uint8_t> random_bytes(qkdnq::shake_drbg& rng, std::size_t n) {
    std::vector<std::uint8_t> out(n);
    rng.fill(out);
    return out;
}
}  // namespace

TEMPLATE_TEST_CASE_SIG("wegman_carter: the tag is the hash XOR the pad, and verifies", "[auth][property]",
                       ((std::size_t Bits), Bits), 128, 64) {
    qkdnq::shake_drbg rng(std::uint64_t{Bits + 1});
    const auto key = random_bytes(rng, Bits / 8), pad = random_bytes(rng, Bits / 8), m = random_bytes(rng, 77);
    const qkdnq::auth::wegman_carter<Bits> wc{std::span<const std::uint8_t>(key)};
    const auto tag = wc.tag(m, pad);
    const auto digest = qkdnq::auth::poly_hash(qkdnq::auth::poly_hash_key<Bits>{std::span<const std::uint8_t>(key)}, m);
    for (std::size_t i = 0; i < tag.size(); ++i) CHECK(tag[i] == (digest[i] ^ pad[i]));
    CHECK(wc.verify(m, pad, tag) == qkdnq::status::ok);
    auto h = wc.hasher();
    h.update(std::span(m).first(10)).update(std::span(m).subspan(10));
    CHECK(wc.tag(h, std::span<const std::uint8_t, Bits / 8>(pad.data(), Bits / 8)) == tag);
}

TEMPLATE_TEST_CASE_SIG("wegman_carter: any single flipped bit of message, pad or tag fails verification", "[auth][property]",
                       ((std::size_t Bits), Bits), 128, 64) {
    qkdnq::shake_drbg rng(std::uint64_t{Bits + 2});
    const auto key = random_bytes(rng, Bits / 8), pad = random_bytes(rng, Bits / 8);
    const qkdnq::auth::wegman_carter<Bits> wc{std::span<const std::uint8_t>(key)};
    for (const std::size_t len : std::initializer_list<std::size_t>{0, 1, 16, 45}) {
        auto m = random_bytes(rng, len);
        auto tag = wc.tag(m, pad);
        for (std::size_t bit = 0; bit < 8 * len; ++bit) {
            m[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            CHECK(wc.verify(m, pad, tag) == qkdnq::status::verification_failed);
            m[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        }
        for (std::size_t bit = 0; bit < 8 * tag.size(); ++bit) {
            tag[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            CHECK(wc.verify(m, pad, tag) == qkdnq::status::verification_failed);
            auto other_pad = pad;
            other_pad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            tag[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            CHECK(wc.verify(m, other_pad, tag) == qkdnq::status::verification_failed);
        }
        CHECK(wc.verify(m, pad, tag) == qkdnq::status::ok);
        m.push_back(0);  // a trailing zero byte is another message
        CHECK(wc.verify(m, pad, tag) == qkdnq::status::verification_failed);
    }
}

TEST_CASE("wegman_carter: length checks and the forgery bound", "[auth]") {
    const std::vector<std::uint8_t> key(16), pad(16), short_pad(15), short_tag(8);
    const qkdnq::auth::wegman_carter<128> wc{std::span<const std::uint8_t>(key)};
    CHECK_THROWS_AS(wc.tag({}, std::span<const std::uint8_t>(short_pad)), qkdnq::invalid_argument);
    CHECK_THROWS_AS(wc.verify({}, std::span<const std::uint8_t>(pad), std::span<const std::uint8_t>(short_tag)),
                    qkdnq::invalid_argument);
    // 10 Mbit of transcript: L = 78126 blocks (78125 + the length block), ε = L / 2^128.
    CHECK(qkdnq::auth::wegman_carter<128>::forgery_bound(1250000) == Approx(78126.0 / 3.402823669209385e38));
    CHECK(qkdnq::auth::wegman_carter<64>::forgery_bound(8) == Approx(2.0 / 18446744073709551616.0));
}
