// ML-KEM (FIPS 203): NIST ACVP known answers for ML-KEM-512/768/1024 and property tests.
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pqc/ml_kem.hpp>

#include <catch2/catch.hpp>

#include "support/vec_file.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using qkdnq::test::vec_record;
namespace mk = qkdnq::detail::ml_kem;

const std::vector<vec_record>& vectors() {
    static const std::vector<vec_record> records = qkdnq::test::read_vec_file("pqc/ml_kem_acvp.vec");
    return records;
}

std::vector<const vec_record*> section(const std::string& name) { return qkdnq::test::records_in_section(vectors(), name); }

template <class P>
std::string set_name() {
    return "ML-KEM-" + std::to_string(P::k == 2 ? 512 : P::k == 3 ? 768 : 1024);
}

std::vector<std::uint8_t> bytes_of(const std::uint8_t* p, std::size_t n) { return {p, p + n}; }

template <class P>
void run_acvp() {
    const std::string name = set_name<P>();

    SECTION("keyGen (Alg. 16)") {
        const auto cases = section(name + "/keyGen");
        REQUIRE(cases.size() == 10);
        for (const auto* r : cases) {
            INFO(r->where());
            const auto d = r->hex("d"), z = r->hex("z");
            std::array<std::uint8_t, P::ek_size> ek{};
            std::array<std::uint8_t, P::dk_size> dk{};
            P::keygen_internal(d, z, ek, dk);
            CHECK(qkdnq::to_hex(ek) == qkdnq::to_hex(r->hex("ek")));
            CHECK(qkdnq::to_hex(dk) == qkdnq::to_hex(r->hex("dk")));
        }
    }
    SECTION("encapsulation (Alg. 17)") {
        const auto cases = section(name + "/encapsulation");
        REQUIRE(cases.size() == 10);
        for (const auto* r : cases) {
            INFO(r->where());
            std::vector<std::uint8_t> c(P::ct_size);
            const auto k = P::encaps_internal(r->hex("ek"), r->hex("m"), c);
            CHECK(qkdnq::to_hex(c) == qkdnq::to_hex(r->hex("c")));
            CHECK(qkdnq::to_hex(k.span()) == qkdnq::to_hex(r->hex("k")));
        }
    }
    SECTION("decapsulation (Alg. 18), valid and modified ciphertexts") {
        const auto cases = section(name + "/decapsulation");
        REQUIRE(cases.size() == 10);
        int valid = 0, modified = 0;
        for (const auto* r : cases) {
            INFO(r->where());
            const auto k = P::decaps(r->hex("dk"), r->hex("c"));
            CHECK(qkdnq::to_hex(k.span()) == qkdnq::to_hex(r->hex("k")));
            if (r->text("reason") == "valid decapsulation") ++valid;
            if (r->text("reason") == "modified ciphertext") ++modified;
        }
        CHECK(valid == 5);
        CHECK(modified == 5);
    }
    // A key-check group: each case's check result must equal testPassed, with both outcomes present.
    auto check_group = [&](const std::string& group, const char* field, auto check) {
        const auto cases = section(name + "/" + group);
        REQUIRE(cases.size() == 10);
        int failing = 0;
        for (const auto* r : cases) {
            INFO(r->where());
            const bool expected = r->text("testPassed") == "true";
            failing += expected ? 0 : 1;
            CHECK(check(r->hex(field)) == expected);
        }
        CHECK(failing > 0);
        CHECK(failing < 10);
    };
    SECTION("decapsulation key check (§7.3)") {
        check_group("decapsulationKeyCheck", "dk", [](const auto& dk) { return P::check_decapsulation_key(dk); });
    }
    SECTION("encapsulation key check (§7.2)") {
        check_group("encapsulationKeyCheck", "ek", [](const auto& ek) { return P::check_encapsulation_key(ek); });
    }
    SECTION("decapsulation with a seed-format key (KeyGen_internal then Decaps_internal)") {
        const auto cases = section(name + "/decapsulation_seed");
        REQUIRE(cases.size() == 10);
        for (const auto* r : cases) {
            INFO(r->where());
            std::array<std::uint8_t, P::ek_size> ek{};
            std::array<std::uint8_t, P::dk_size> dk{};
            P::keygen_internal(r->hex("d"), r->hex("z"), ek, dk);
            const auto k = P::decaps_internal(dk, r->hex("c"));
            CHECK(qkdnq::to_hex(k.span()) == qkdnq::to_hex(r->hex("k")));
        }
    }
}

template <class P>
void run_properties(std::uint64_t seed) {
    qkdnq::shake_drbg rng(seed);
    std::array<std::uint8_t, P::ek_size> ek{};
    std::array<std::uint8_t, P::dk_size> dk{};
    std::array<std::uint8_t, P::ct_size> c{};
    for (int round = 0; round < 8; ++round) {
        P::keygen(ek, dk, rng);
        REQUIRE(P::check_encapsulation_key(ek));
        REQUIRE(P::check_decapsulation_key(dk));
        const auto k1 = P::encaps(ek, c, rng);
        const auto k2 = P::decaps(dk, c);
        REQUIRE(qkdnq::to_hex(k1.span()) == qkdnq::to_hex(k2.span()));

        // A flipped ciphertext bit gives J(z || c') = SHAKE256(z || c', 32) (Alg. 18, L7-11).
        const auto bit = qkdnq::random_below(rng, 8 * P::ct_size);
        auto c_bad = c;
        c_bad[bit / 8] = static_cast<std::uint8_t>(c_bad[bit / 8] ^ (1u << (bit % 8)));
        const auto k3 = P::decaps(dk, c_bad);
        std::vector<std::uint8_t> jin(dk.end() - 32, dk.end());
        jin.insert(jin.end(), c_bad.begin(), c_bad.end());
        std::array<std::uint8_t, 32> j{};
        qkdnq::shake256::hash(jin, j);
        REQUIRE(qkdnq::to_hex(k3.span()) == qkdnq::to_hex(j));
        REQUIRE(qkdnq::to_hex(k3.span()) != qkdnq::to_hex(k1.span()));
    }
    // Dynamic spans of the wrong length are programmer errors.
    std::vector<std::uint8_t> short_ek(P::ek_size - 1), short_c(P::ct_size);
    CHECK_THROWS_AS(P::encaps(short_ek, short_c, rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::check_encapsulation_key(short_ek), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::decaps(bytes_of(dk.data(), P::dk_size), bytes_of(c.data(), P::ct_size - 1)),
                    qkdnq::invalid_argument);
}

}  // namespace

TEST_CASE("ML-KEM-512 ACVP", "[pqc][kat]") { run_acvp<qkdnq::ml_kem_512>(); }
TEST_CASE("ML-KEM-768 ACVP", "[pqc][kat]") { run_acvp<qkdnq::ml_kem_768>(); }
TEST_CASE("ML-KEM-1024 ACVP", "[pqc][kat]") { run_acvp<qkdnq::ml_kem_1024>(); }

TEST_CASE("ML-KEM vector file holds exactly the expected cases", "[pqc][kat]") {
    CHECK(vectors().size() == 180);  // 6 groups x 10 cases x 3 parameter sets
}

TEST_CASE("ML-KEM round trip and implicit rejection", "[pqc][property]") {
    const auto seed = GENERATE(take(3, random(std::uint64_t{1}, std::uint64_t{1} << 62)));
    run_properties<qkdnq::ml_kem_512>(seed);
    run_properties<qkdnq::ml_kem_768>(seed);
    run_properties<qkdnq::ml_kem_1024>(seed);
}

TEST_CASE("NTT then inverse NTT is the identity", "[pqc][property]") {
    // FIPS 203 Alg. 10 includes the factor 128^-1 = 3303, so no scaling remains.
    qkdnq::shake_drbg rng(std::uint64_t{203});
    for (int round = 0; round < 100; ++round) {
        mk::poly f;
        for (auto& x : f.c) x = static_cast<std::uint16_t>(qkdnq::random_below(rng, mk::q));
        const mk::poly g = mk::ntt_inverse(mk::ntt(f));
        REQUIRE(f.c == g.c);
    }
}

TEST_CASE("NTT multiplication is negacyclic convolution", "[pqc][property]") {
    qkdnq::shake_drbg rng(std::uint64_t{7});
    mk::poly a, b;
    for (auto& x : a.c) x = static_cast<std::uint16_t>(qkdnq::random_below(rng, mk::q));
    for (auto& x : b.c) x = static_cast<std::uint16_t>(qkdnq::random_below(rng, mk::q));
    std::array<std::int64_t, mk::n> ref{};
    for (std::size_t i = 0; i < mk::n; ++i) {
        for (std::size_t j = 0; j < mk::n; ++j) {
            const std::int64_t p = std::int64_t{a.c[i]} * b.c[j];
            if (i + j < mk::n) ref[i + j] += p; else ref[i + j - mk::n] -= p;
        }
    }
    const mk::poly c = mk::ntt_inverse(mk::multiply_ntts(mk::ntt(a), mk::ntt(b)));
    for (std::size_t i = 0; i < mk::n; ++i) {
        REQUIRE(c.c[i] == static_cast<std::uint16_t>(((ref[i] % 3329) + 3329) % 3329));
    }
}

TEST_CASE("Compress and Decompress match FIPS 203 §4.2.1 exactly", "[pqc][property]") {
    for (unsigned d : {1u, 4u, 5u, 10u, 11u}) {
        for (std::uint32_t x = 0; x < mk::q; ++x) {
            // round((2^d / q) x) mod 2^d, with round-half-up, by exact integer division.
            const std::uint32_t expected = (((x << d) * 2 + mk::q) / (2 * mk::q)) & ((1u << d) - 1);
            REQUIRE(mk::compress(static_cast<std::uint16_t>(x), d) == expected);
        }
        for (std::uint32_t y = 0; y < (1u << d); ++y) {
            const std::uint32_t expected = (y * mk::q * 2 + (1u << d)) / (2u << d);
            REQUIRE(mk::decompress(static_cast<std::uint16_t>(y), d) == expected);
        }
    }
    // The multiply-and-shift division used by compress is exact on its whole input range.
    for (std::uint64_t num = 0; num < (std::uint64_t{1} << 23); ++num) {
        if (((num * 2580335u) >> 33) != num / mk::q) FAIL("division by q wrong at " << num);
    }
    for (std::uint32_t x = 0; x < mk::q * mk::q; x += 7) {
        if (mk::barrett_reduce(x) != x % mk::q) FAIL("barrett_reduce wrong at " << x);
    }
}

TEST_CASE("Word-wise SamplePolyCBD equals Alg. 8 bit by bit", "[pqc][property]") {
    qkdnq::shake_drbg rng(std::uint64_t{8});
    for (int round = 0; round < 200; ++round) {
        std::array<std::uint8_t, 64 * 3> bytes{};
        rng.fill(bytes);
        if (round == 0) bytes.fill(0xff);  // every x = eta, every y = eta
        if (round == 1) bytes.fill(0x0f);
        const auto two = std::span<const std::uint8_t, 128>(bytes.data(), 128);
        const auto three = std::span<const std::uint8_t, 192>(bytes);
        REQUIRE(mk::sample_poly_cbd<2>(two).c == mk::sample_poly_cbd_bitwise<2>(two).c);
        REQUIRE(mk::sample_poly_cbd<3>(three).c == mk::sample_poly_cbd_bitwise<3>(three).c);
    }
}

namespace {

// ByteDecode_d against Alg. 6 bit by bit, and ByteEncode_d as its inverse (Alg. 5).
template <unsigned D>
void check_byte_coding(qkdnq::shake_drbg& rng) {
    INFO("d = " << D);
    for (int round = 0; round < 20; ++round) {
        std::array<std::uint8_t, 32 * D> bytes{};
        rng.fill(bytes);
        mk::poly f;
        mk::byte_decode<D>(bytes, f.c);
        for (std::size_t i = 0; i < mk::n; ++i) {  // d-bit little-endian fields; mod q for d = 12
            std::uint32_t v = 0;
            for (std::size_t b = 0; b < D; ++b) v |= ((std::uint32_t{bytes[(D * i + b) / 8]} >> ((D * i + b) % 8)) & 1u) << b;
            REQUIRE(f.c[i] == (D == 12 ? v % mk::q : v));
        }
        std::array<std::uint8_t, 32 * D> again{};
        mk::byte_encode<D>(f.c, again);
        if (D < 12) REQUIRE(again == bytes);
        mk::poly g;
        mk::byte_decode<D>(again, g.c);
        REQUIRE(f.c == g.c);
    }
}

}  // namespace

TEST_CASE("ByteEncode and ByteDecode match Alg. 5 and 6 bit by bit", "[pqc][property]") {
    qkdnq::shake_drbg rng(std::uint64_t{12});
    check_byte_coding<1>(rng);
    check_byte_coding<4>(rng);
    check_byte_coding<5>(rng);
    check_byte_coding<10>(rng);
    check_byte_coding<11>(rng);
    check_byte_coding<12>(rng);
}

namespace {

template <class P>
void run_typed_api() {
    qkdnq::shake_drbg rng(std::uint64_t{77});
    auto [ek, dk] = P::generate_key_pair(rng);
    auto [c, k1] = P::encapsulate(ek, rng);
    const auto k2 = P::decapsulate(dk, c);
    CHECK(qkdnq::ct::equal(k1.span(), k2.span()));

    // The typed objects round-trip through their fixed-extent encodings.
    auto ek2 = P::encapsulation_key::from_bytes(ek.bytes());
    REQUIRE(ek2.ok());
    CHECK(qkdnq::to_hex(ek2->bytes()) == qkdnq::to_hex(ek.bytes()));
    auto dk2 = P::decapsulation_key::from_bytes(dk.bytes());
    REQUIRE(dk2.ok());
    const auto c2 = P::ciphertext::from_bytes(c.bytes());
    CHECK(qkdnq::ct::equal(P::decapsulate(*dk2, c2).span(), k1.span()));

    // Seed-format keys: d || z gives the same keys as KeyGen_internal(d, z).
    std::array<std::uint8_t, 64> seed{};
    rng.fill(seed);
    const auto pair = P::key_pair_from_seed(seed);
    std::array<std::uint8_t, P::ek_size> ek_bytes{};
    std::array<std::uint8_t, P::dk_size> dk_bytes{};
    P::keygen_internal(std::span<const std::uint8_t, 32>(seed.data(), 32),
                       std::span<const std::uint8_t, 32>(seed.data() + 32, 32), ek_bytes, dk_bytes);
    CHECK(qkdnq::to_hex(pair.ek.bytes()) == qkdnq::to_hex(ek_bytes));
    CHECK(qkdnq::to_hex(pair.dk.bytes()) == qkdnq::to_hex(dk_bytes));

    // §7.2: a coefficient equal to q (0xd01 in the first 12 bits) is malformed.
    std::vector<std::uint8_t> bad_ek(ek.bytes().begin(), ek.bytes().end());
    bad_ek[0] = 0x01;
    bad_ek[1] = static_cast<std::uint8_t>((bad_ek[1] & 0xf0) | 0x0d);
    const auto rejected = P::encapsulation_key::from_bytes(bad_ek);
    REQUIRE_FALSE(rejected.ok());
    CHECK(rejected.error() == qkdnq::status::malformed_message);
    CHECK_THROWS_AS(rejected.value(), qkdnq::invalid_state);

    // §7.3: a changed H(ek) fails the hash check.
    std::vector<std::uint8_t> bad_dk(dk.bytes().begin(), dk.bytes().end());
    bad_dk[P::dk_pke_size + P::ek_size] ^= 1;
    const auto rejected_dk = P::decapsulation_key::from_bytes(bad_dk);
    REQUIRE_FALSE(rejected_dk.ok());
    CHECK(rejected_dk.error() == qkdnq::status::verification_failed);

    // Wrong lengths are programmer errors.
    for (std::size_t extra : {std::size_t{1}, std::size_t{0} - 1}) {  // one byte too long, too short
        CHECK_THROWS_AS(P::encapsulation_key::from_bytes(std::vector<std::uint8_t>(P::ek_size + extra)),
                        qkdnq::invalid_argument);
        CHECK_THROWS_AS(P::decapsulation_key::from_bytes(std::vector<std::uint8_t>(P::dk_size + extra)),
                        qkdnq::invalid_argument);
        CHECK_THROWS_AS(P::ciphertext::from_bytes(std::vector<std::uint8_t>(P::ct_size + extra)),
                        qkdnq::invalid_argument);
    }
}

}  // namespace

TEST_CASE("ML-KEM typed objects: key pairs, encapsulation, checked parsing", "[pqc][api]") {
    run_typed_api<qkdnq::ml_kem_512>();
    run_typed_api<qkdnq::ml_kem_768>();
    run_typed_api<qkdnq::ml_kem_1024>();
}
