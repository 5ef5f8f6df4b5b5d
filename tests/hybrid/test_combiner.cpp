// Hybrid combiners (hybrid/combiner.hpp): all 72 ETSI TS 103 744 reference vectors (CatKDF and
// CasKDF with HKDF, HMAC and KMAC), the derandomised X25519 / ML-KEM inputs behind them recomputed
// with the library's own primitives, and properties of the qkdnq hybrid key (binding to the key
// ID and identities, agreement after a real exchange, errors that change nothing).
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/combiner.hpp>
#include <qkdnq/hybrid/x25519.hpp>
#include <qkdnq/pqc/ml_kem.hpp>

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
using bytes = std::vector<std::uint8_t>;

hy::combiner_kdf kdf_named(const std::string& name) {
    for (auto k : {hy::combiner_kdf::hkdf_sha256, hy::combiner_kdf::hkdf_sha384, hy::combiner_kdf::hmac_sha256,
                   hy::combiner_kdf::hmac_sha384, hy::combiner_kdf::kmac128, hy::combiner_kdf::kmac256}) {
        if (hy::to_string(k) == name) return k;
    }
    FAIL("unknown kdf " << name);
    return hy::combiner_kdf::kmac256;
}

std::size_t expected_count(const std::vector<vec_record>& records, const std::string& key) {
    const auto e = qkdnq::test::records_in_section(records, "expected");
    REQUIRE(e.size() == 1);
    return e.front()->number(key);
}

}  // namespace

TEST_CASE("combiner: ETSI TS 103 744 CatKDF reference vectors", "[hybrid][combiner][kat]") {
    const auto records = qkdnq::test::read_vec_file("hybrid/combiner_etsi103744.vec");
    std::size_t n = 0;
    for (const vec_record* r : qkdnq::test::records_in_section(records, "catkdf")) {
        INFO(r->where() << " kdf " << r->text("kdf"));
        const bytes pa1 = r->hex("PA1"), pa2 = r->hex("PA2"), pb1 = r->hex("PB1"), pb2 = r->hex("PB2");
        const bytes k1 = r->hex("k1"), k2 = r->hex("k2"), cid = r->hex("cid"), psk = r->hex("psk");
        const bytes la = r->hex("LA"), lb = r->hex("LB"), info = r->hex("info");
        const std::array<qkdnq::bytes_view, 2> pa = {pa1, pa2}, pb = {pb1, pb2}, ks = {k1, k2};
        const bytes expected = r->hex("key_material");
        bytes out(expected.size());
        hy::cat_kdf(kdf_named(r->text("kdf")), {cid, psk, la, lb, pa, pb, ks, info}, out);
        CHECK(qkdnq::to_hex(out) == r->text("key_material"));
        ++n;
    }
    CHECK(n == expected_count(records, "catkdf"));
}

TEST_CASE("combiner: ETSI TS 103 744 CasKDF reference vectors (two rounds)", "[hybrid][combiner][kat]") {
    const auto records = qkdnq::test::read_vec_file("hybrid/combiner_etsi103744.vec");
    std::size_t n = 0;
    for (const vec_record* r : qkdnq::test::records_in_section(records, "caskdf")) {
        INFO(r->where() << " kdf " << r->text("kdf"));
        const bytes cid = r->hex("cid");
        hy::cas_kdf chain(kdf_named(r->text("kdf")), r->hex("chain_secret0"));
        for (const char* round : {"1", "2"}) {
            const std::string i(round);
            const bytes la = r->hex("LA" + i), lb = r->hex("LB" + i), pa = r->hex("PA" + i), pb = r->hex("PB" + i);
            const bytes k = r->hex("k" + i), info = r->hex("info" + i);
            bytes out(r->hex("key_material" + i).size());
            chain.next_round({cid, la, lb, pa, pb, k, info}, out);
            CHECK(qkdnq::to_hex(out) == r->text("key_material" + i));
        }
        CHECK(chain.rounds() == 2);
        ++n;
    }
    CHECK(n == expected_count(records, "caskdf"));
}

TEST_CASE("combiner: the vectors' X25519 and ML-KEM inputs come out of the library's primitives",
          "[hybrid][combiner][kat]") {
    const auto records = qkdnq::test::read_vec_file("hybrid/combiner_etsi103744.vec");
    std::size_t n = 0;
    for (const vec_record* r : qkdnq::test::records_in_section(records, "derand_x25519")) {
        INFO(r->where() << " " << r->text("kem"));
        hy::x25519_private_key a;
        const bytes a_bytes = r->hex("private_a"), b_public = r->hex("public_b");
        std::copy(a_bytes.begin(), a_bytes.end(), a.data());
        CHECK(qkdnq::to_hex(hy::x25519_public_key(a)) == r->text("public_a"));
        const auto k1 = hy::x25519_shared_secret(a, b_public);
        REQUIRE(k1.ok());
        CHECK(qkdnq::to_hex(k1->span()) == r->text("k1"));

        const bytes d_z = r->hex("d_z"), m = r->hex("m");
        REQUIRE(d_z.size() == 64);
        auto check_kem = [&](auto kem) {
            using K = decltype(kem);
            bytes ek(K::ek_size), dk(K::dk_size), ct(K::ct_size);
            K::keygen_internal(qkdnq::bytes_view(d_z).first(32), qkdnq::bytes_view(d_z).last(32), ek, dk);
            CHECK(qkdnq::to_hex(ek) == r->text("ek"));
            const auto k2 = K::encaps_internal(typename K::ek_view(ek.data(), K::ek_size),
                                               typename K::seed_view(m.data(), 32), typename K::ct_out(ct.data(), K::ct_size));
            CHECK(qkdnq::to_hex(ct) == r->text("ct"));
            CHECK(qkdnq::to_hex(k2.span()) == r->text("k2"));
        };
        if (r->text("kem") == "ML-KEM-512") {
            check_kem(qkdnq::ml_kem_512{});
        } else {
            REQUIRE(r->text("kem") == "ML-KEM-768");
            check_kem(qkdnq::ml_kem_768{});
        }
        ++n;
    }
    CHECK(n == 2);
}

TEST_CASE("combiner: cat_kdf and cas_kdf reject bad arguments and change nothing", "[hybrid][combiner]") {
    const bytes label(32, 1), other(31, 2), p(10, 3), k(32, 4), cid = {0x11, 0x11};
    const std::array<qkdnq::bytes_view, 1> one = {p}, secret = {k};
    const std::array<qkdnq::bytes_view, 2> two = {p, p};
    bytes out(16, 0xee);
    const bytes untouched = out;
    using hy::combiner_kdf;
    CHECK_THROWS_AS(hy::cat_kdf(combiner_kdf::kmac128, {cid, {}, label, other, one, one, secret, {}}, out),
                    qkdnq::invalid_argument);
    CHECK_THROWS_AS(hy::cat_kdf(combiner_kdf::kmac128, {cid, {}, label, label, two, one, secret, {}}, out),
                    qkdnq::invalid_argument);
    CHECK_THROWS_AS(hy::cat_kdf(combiner_kdf::kmac128, {cid, {}, label, label, {}, {}, {}, {}}, out), qkdnq::invalid_argument);
    bytes empty_out;
    CHECK_THROWS_AS(hy::cat_kdf(combiner_kdf::kmac128, {cid, {}, label, label, one, one, secret, {}}, empty_out),
                    qkdnq::invalid_argument);
    bytes huge(hy::combiner_max_output_size + 1);
    CHECK_THROWS_AS(hy::cat_kdf(combiner_kdf::hkdf_sha256, {cid, {}, label, label, one, one, secret, {}}, huge),
                    qkdnq::invalid_argument);
    CHECK(out == untouched);

    for (auto kdf : {combiner_kdf::hkdf_sha384, combiner_kdf::hmac_sha256, combiner_kdf::kmac256}) {
        hy::cas_kdf chain(kdf, {}), fresh(kdf, {});
        CHECK_THROWS_AS(chain.next_round({cid, label, other, p, p, k, {}}, out), qkdnq::invalid_argument);
        CHECK(out == untouched);
        CHECK(chain.rounds() == 0);
        bytes a(24), b(24);
        chain.next_round({cid, label, label, p, p, k, {}}, a);
        fresh.next_round({cid, label, label, p, p, k, {}}, b);
        CHECK(a == b);  // the failed round left the chain secret as it was
    }
}

TEST_CASE("combiner: every KDF's one-step output is a prefix-free function of the length", "[hybrid][combiner]") {
    // HKDF and the HMAC one-step KDF give prefixes of one stream (RFC 5869, SP 800-56C); KMAC binds
    // L, so its 16- and 32-byte outputs are unrelated. Both facts pin the KDFs' wiring.
    const bytes label(32, 7), p(5, 1), k(32, 9), cid = {1, 2};
    const std::array<qkdnq::bytes_view, 1> one = {p}, secret = {k};
    for (auto kdf : {hy::combiner_kdf::hkdf_sha256, hy::combiner_kdf::hmac_sha384, hy::combiner_kdf::kmac128}) {
        bytes short_out(16), long_out(100);
        hy::cat_kdf(kdf, {cid, {}, label, label, one, one, secret, {}}, short_out);
        hy::cat_kdf(kdf, {cid, {}, label, label, one, one, secret, {}}, long_out);
        const bool prefix = std::equal(short_out.begin(), short_out.end(), long_out.begin());
        CHECK(prefix == (kdf != hy::combiner_kdf::kmac128));
    }
}

namespace {

// A real QKD + ML-KEM-768 + X25519 exchange between an initiator and a responder.
struct exchange {
    bytes qkd_key = bytes(32);
    std::array<std::uint8_t, qkdnq::ml_kem_768::ek_size> ek{};
    std::array<std::uint8_t, qkdnq::ml_kem_768::dk_size> dk{};
    std::array<std::uint8_t, qkdnq::ml_kem_768::ct_size> ct{};
    qkdnq::ml_kem_768::shared_secret ss_responder, ss_initiator;
    hy::x25519_public x_pub_a{}, x_pub_b{};
    hy::x25519_secret x_ss_a, x_ss_b;

    explicit exchange(std::uint64_t seed) {
        qkdnq::shake_drbg rng(seed);
        rng.fill(qkd_key);
        qkdnq::ml_kem_768::keygen(ek, dk, rng);
        ss_responder = qkdnq::ml_kem_768::encaps(ek, ct, rng);
        ss_initiator = qkdnq::ml_kem_768::decaps(dk, ct);
        const auto xa = hy::x25519_generate(rng), xb = hy::x25519_generate(rng);
        x_pub_a = hy::x25519_public_key(xa);
        x_pub_b = hy::x25519_public_key(xb);
        x_ss_a = hy::x25519_shared_secret(xa, x_pub_b).value();
        x_ss_b = hy::x25519_shared_secret(xb, x_pub_a).value();
    }

    [[nodiscard]] hy::hybrid_key_input input(bool initiator_side, bool classical) const {
        hy::hybrid_key_input in;
        in.binding = {"4f4c2c3a-5e0b-4a8b-9c7d-0a1b2c3d4e5f", "SAE_A", "SAE_B"};
        in.qkd_key = qkd_key;
        in.ml_kem_secret = initiator_side ? ss_initiator.span() : ss_responder.span();
        in.ml_kem_public_key = ek;
        in.ml_kem_ciphertext = ct;
        if (classical) {
            in.x25519_secret = initiator_side ? x_ss_a.span() : x_ss_b.span();
            in.x25519_public_a = x_pub_a;
            in.x25519_public_b = x_pub_b;
        }
        return in;
    }
};

std::string key_hex(const hy::hybrid_key_input& in, hy::combiner_mode mode = hy::combiner_mode::cat_kdf) {
    return qkdnq::to_hex(hy::combine_hybrid_key<32>(in, mode).span());
}

}  // namespace

TEST_CASE("combiner: both ends of a QKD + ML-KEM (+ X25519) exchange get the same hybrid key",
          "[hybrid][combiner]") {
    const exchange x(1);
    for (bool classical : {false, true}) {
        for (auto mode : {hy::combiner_mode::cat_kdf, hy::combiner_mode::cas_kdf}) {
            CHECK(key_hex(x.input(true, classical), mode) == key_hex(x.input(false, classical), mode));
        }
    }
    // Two-way, three-way, CatKDF and CasKDF keys are four different keys.
    const std::array<std::string, 4> keys = {key_hex(x.input(true, false)), key_hex(x.input(true, true)),
                                             key_hex(x.input(true, false), hy::combiner_mode::cas_kdf),
                                             key_hex(x.input(true, true), hy::combiner_mode::cas_kdf)};
    for (std::size_t i = 0; i < keys.size(); ++i) {
        for (std::size_t j = i + 1; j < keys.size(); ++j) CHECK(keys[i] != keys[j]);
    }
}

TEST_CASE("combiner: the hybrid key depends on every input and binding", "[hybrid][combiner]") {
    const exchange x(2);
    for (auto mode : {hy::combiner_mode::cat_kdf, hy::combiner_mode::cas_kdf}) {
        const hy::hybrid_key_input base = x.input(true, true);
        const std::string reference = key_hex(base, mode);
        const bytes flipped_qkd = [&] { bytes b = x.qkd_key; b[31] ^= 1; return b; }();
        bytes other_ct(x.ct.begin(), x.ct.end());
        other_ct[0] ^= 0x80;
        bytes other_secret(32, 0);
        std::vector<hy::hybrid_key_input> variants(9, base);
        variants[0].binding.key_id = "4f4c2c3a-5e0b-4a8b-9c7d-0a1b2c3d4e50";  // another key ID
        variants[1].binding.initiator = "SAE_C";
        variants[2].binding.responder = "SAE_C";
        variants[3].binding = {base.binding.key_id, base.binding.responder, base.binding.initiator};  // roles swapped
        variants[4].qkd_key = flipped_qkd;
        variants[5].ml_kem_ciphertext = other_ct;
        variants[6].ml_kem_secret = other_secret;
        variants[7].x25519_secret = other_secret;
        variants[8].x25519_public_a = x.x_pub_b;
        for (std::size_t i = 0; i < variants.size(); ++i) {
            INFO("variant " << i);
            CHECK(key_hex(variants[i], mode) != reference);
        }
        // Different output lengths are unrelated keys (KMAC binds L).
        const auto k16 = hy::combine_hybrid_key<16>(base, mode);
        CHECK(qkdnq::to_hex(k16.span()) != reference.substr(0, 32));
    }
}

TEST_CASE("combiner: bad hybrid inputs throw and write nothing", "[hybrid][combiner]") {
    const exchange x(3);
    std::array<std::uint8_t, 32> out{};
    out.fill(0xee);
    const auto untouched = out;
    std::vector<hy::hybrid_key_input> bad(8, x.input(true, true));
    bad[0].binding.key_id = "";
    bad[1].binding.initiator = "";
    bad[2].qkd_key = qkdnq::bytes_view(x.qkd_key).first(15);
    bad[3].ml_kem_secret = qkdnq::bytes_view(x.qkd_key).first(31);
    bad[4].ml_kem_ciphertext = {};
    bad[5].x25519_public_b = {};
    bad[6].x25519_secret = {};  // publics without the secret
    bad[7] = x.input(true, false);
    bad[7].x25519_public_a = x.x_pub_a;  // a public value without its secret
    for (std::size_t i = 0; i < bad.size(); ++i) {
        INFO("case " << i);
        CHECK_THROWS_AS(hy::combine_hybrid_key(bad[i], out), qkdnq::invalid_argument);
        CHECK(out == untouched);
    }
    std::array<std::uint8_t, 15> too_short{};
    CHECK_THROWS_AS(hy::combine_hybrid_key(x.input(true, true), too_short), qkdnq::invalid_argument);
}
