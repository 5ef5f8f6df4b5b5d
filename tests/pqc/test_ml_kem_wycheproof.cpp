// ML-KEM (FIPS 203): every case of Wycheproof's ML-KEM files (C2SP/wycheproof testvectors_v1
// mlkem_<set>_{keygen_seed,encaps,test,semi_expanded_decaps}_test.json), converted by
// scripts/vectors/ml_kem_wycheproof.py into tests/vectors/pqc/ml_kem_wycheproof_<set>.vec.
//
// How each `result` is checked (the API never "fails" an operation except by throwing on a
// wrong length; FIPS 203 §7 input checks are separate functions):
//   keygen_seed           valid: KeyGen_internal(seed[0:32], seed[32:64]) gives ek and dk.
//   encaps                valid: Encaps_internal(ek, m) gives c and K, and ek passes §7.2.
//                         invalid: a wrong-length ek throws invalid_argument (encaps_internal and
//                         check_encapsulation_key); a full-length one fails the §7.2 modulus check.
//   decaps (mlkem_N_test) valid: dk = KeyGen_internal(seed), ek matches, Decaps(dk, c) = K (which
//                         is the implicit-rejection key J(z || c) for modified ciphertexts).
//                         invalid: a seed that is not 64 bytes (split as d = first 32 bytes, z =
//                         the rest, so d or z has a wrong length) makes keygen_internal throw; a
//                         wrong-length c makes decaps throw.
//   semi_expanded_decaps  dk is the file's 768k+96-byte key (dk_PKE || ek || H(ek) || z), which
//                         is the API's own key form. valid: dk passes §7.3, ek is dk's embedded
//                         key and passes §7.2, Decaps(dk, c) = K. invalid: a wrong-length dk or c
//                         throws; a full-length dk fails the §7.3 hash check.
// No file has an `acceptable` case; one would fail the test so that it gets looked at.
// Each file's case count must equal the source's numberOfTests (the [expected] records).
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/pqc/ml_kem.hpp>

#include <catch2/catch.hpp>

#include "support/case_counts.hpp"
#include "support/vec_file.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace {

using qkdnq::test::vec_record;
using bytes = std::vector<std::uint8_t>;

bool has_flag(const vec_record& r, const std::string& flag) {
    const std::string flags = "," + r.text("flags") + ",";
    return flags.find("," + flag + ",") != std::string::npos;
}

// d || z split for the d, z arguments of keygen_internal: d = the first 32 bytes, z = the rest.
// Any seed that is not 64 bytes leaves d or z with a wrong length.
std::pair<bytes, bytes> split_seed(const bytes& seed) {
    const auto n = static_cast<std::ptrdiff_t>(std::min<std::size_t>(32, seed.size()));
    return {bytes(seed.begin(), seed.begin() + n), bytes(seed.begin() + n, seed.end())};
}

// J(z || c) = SHAKE256(z || c, 32), the implicit-rejection key of Alg. 18 L7.
std::string rejection_key_hex(const bytes& dk, const bytes& c) {
    bytes in(dk.end() - 32, dk.end());
    in.insert(in.end(), c.begin(), c.end());
    std::array<std::uint8_t, 32> j{};
    qkdnq::shake256::hash(in, j);
    return qkdnq::to_hex(j);
}

struct tally {
    std::size_t run = 0, valid = 0, invalid = 0;
    std::size_t length_rejected = 0;     // invalid: wrong length, invalid_argument thrown
    std::size_t check_rejected = 0;      // invalid: §7.2 / §7.3 check returned false
    std::size_t implicit_rejection = 0;  // valid decaps whose K is J(z || c)
};

template <class P>
void keygen_seed_case(const vec_record& r, tally& t) {
    const auto [d, z] = split_seed(r.hex("seed"));
    bytes ek(P::ek_size), dk(P::dk_size);
    REQUIRE(r.text("result") == "valid");
    REQUIRE(d.size() + z.size() == 64);
    P::keygen_internal(d, z, ek, dk);
    CHECK(qkdnq::to_hex(ek) == r.text("ek"));
    CHECK(qkdnq::to_hex(dk) == r.text("dk"));
    CHECK(P::check_encapsulation_key(ek));
    CHECK(P::check_decapsulation_key(dk));
    ++t.valid;
}

template <class P>
void encaps_case(const vec_record& r, tally& t) {
    const auto ek = r.hex("ek"), m = r.hex("m");
    REQUIRE(m.size() == 32);
    bytes c(P::ct_size);
    if (r.text("result") == "valid") {
        REQUIRE(ek.size() == P::ek_size);
        CHECK(P::check_encapsulation_key(ek));
        const auto k = P::encaps_internal(ek, m, c);
        CHECK(qkdnq::to_hex(c) == r.text("c"));
        CHECK(qkdnq::to_hex(k.span()) == r.text("K"));
        ++t.valid;
        return;
    }
    REQUIRE(r.text("result") == "invalid");
    CHECK(r.text("c").empty());
    CHECK(r.text("K").empty());
    if (ek.size() != P::ek_size) {
        CHECK_THROWS_AS(P::encaps_internal(ek, m, c), qkdnq::invalid_argument);
        CHECK_THROWS_AS(P::check_encapsulation_key(ek), qkdnq::invalid_argument);
        ++t.length_rejected;
    } else {
        CHECK_FALSE(P::check_encapsulation_key(ek));  // "Public key not reduced", ModulusOverflow
        // encaps does not check its key (the caller must); on an unreduced key it still stays in
        // bounds (this matters under the sanitizers), whatever it outputs.
        (void)P::encaps_internal(ek, m, c);
        ++t.check_rejected;
    }
    ++t.invalid;
}

template <class P>
void decaps_case(const vec_record& r, tally& t) {
    const auto seed = r.hex("seed"), c = r.hex("c");
    const auto [d, z] = split_seed(seed);
    bytes ek(P::ek_size), dk(P::dk_size);
    if (r.text("result") == "valid") {
        REQUIRE(seed.size() == 64);
        REQUIRE(c.size() == P::ct_size);
        P::keygen_internal(d, z, ek, dk);
        if (r.has("ek")) CHECK(qkdnq::to_hex(ek) == r.text("ek"));
        const auto k = P::decaps(dk, c);
        CHECK(qkdnq::to_hex(k.span()) == r.text("K"));
        CHECK(qkdnq::to_hex(P::decaps_internal(dk, c).span()) == r.text("K"));
        const bool rejected = r.text("K") == rejection_key_hex(dk, c);
        if (has_flag(r, "Strcmp")) CHECK(rejected);  // the vector exists to take this path
        if (rejected) ++t.implicit_rejection;
        ++t.valid;
        return;
    }
    REQUIRE(r.text("result") == "invalid");
    CHECK(r.text("K").empty());
    if (seed.size() != 64) {
        CHECK_FALSE(r.has("ek"));
        CHECK_THROWS_AS(P::keygen_internal(d, z, ek, dk), qkdnq::invalid_argument);
    } else {
        REQUIRE(c.size() != P::ct_size);  // an invalid case must have a wrong length here
        P::keygen_internal(d, z, ek, dk);
        if (r.has("ek")) CHECK(qkdnq::to_hex(ek) == r.text("ek"));
        CHECK_THROWS_AS(P::decaps(dk, c), qkdnq::invalid_argument);
        CHECK_THROWS_AS(P::decaps_internal(dk, c), qkdnq::invalid_argument);
    }
    ++t.length_rejected;
    ++t.invalid;
}

template <class P>
void semi_expanded_decaps_case(const vec_record& r, tally& t) {
    const auto dk = r.hex("dk"), ek = r.hex("ek"), c = r.hex("c");
    if (r.text("result") == "valid") {
        REQUIRE(dk.size() == P::dk_size);
        REQUIRE(c.size() == P::ct_size);
        CHECK(P::check_decapsulation_key(dk));
        CHECK(P::check_encapsulation_key(ek));
        CHECK(qkdnq::to_hex(qkdnq::bytes_view(dk.data() + P::dk_pke_size, P::ek_size)) == qkdnq::to_hex(ek));
        const auto k = P::decaps(dk, c);
        CHECK(qkdnq::to_hex(k.span()) == r.text("K"));
        if (r.text("K") == rejection_key_hex(dk, c)) ++t.implicit_rejection;
        ++t.valid;
        return;
    }
    REQUIRE(r.text("result") == "invalid");
    CHECK_FALSE(r.has("K"));
    if (dk.size() != P::dk_size || c.size() != P::ct_size) {
        CHECK((has_flag(r, "IncorrectDecapsulationKeyLength") || has_flag(r, "IncorrectCiphertextLength")));
        CHECK_THROWS_AS(P::decaps(dk, c), qkdnq::invalid_argument);
        CHECK_THROWS_AS(P::decaps_internal(dk, c), qkdnq::invalid_argument);
        if (dk.size() != P::dk_size) {
            CHECK_THROWS_AS(P::check_decapsulation_key(dk), qkdnq::invalid_argument);
        }
        ++t.length_rejected;
    } else {
        CHECK(has_flag(r, "InvalidDecapsulationKey"));
        CHECK_FALSE(P::check_decapsulation_key(dk));  // corrupted H(ek), or corrupted embedded ek
        ++t.check_rejected;
    }
    ++t.invalid;
}

template <class P>
void run_wycheproof(const std::string& set, const std::map<std::string, std::size_t>& source_counts) {
    const std::string file = "pqc/ml_kem_wycheproof_" + set + ".vec";
    const std::string name = "ML-KEM-" + set;
    const auto records = qkdnq::test::read_vec_file(file);
    std::map<std::string, tally> tallies;
    std::map<std::string, std::size_t> expected;
    for (const auto& r : records) {
        if (r.section == "expected") {
            expected[r.text("section")] = r.number("numberOfTests");
            continue;
        }
        INFO(r.where() << " tcId " << r.text("tcId") << " (" << r.text("result") << ", flags '" << r.text("flags")
                       << "', " << r.text("comment") << ")");
        const std::string kind = r.section.substr(name.size() + 1);
        REQUIRE(r.section.rfind(name + "/", 0) == 0);
        auto& t = tallies[r.section];
        if (kind == "keygen_seed") {
            keygen_seed_case<P>(r, t);
        } else if (kind == "encaps") {
            encaps_case<P>(r, t);
        } else if (kind == "decaps") {
            decaps_case<P>(r, t);
        } else if (kind == "semi_expanded_decaps") {
            semi_expanded_decaps_case<P>(r, t);
        } else {
            FAIL("unknown section " << r.section);
        }
        ++t.run;
    }
    // Every case of every source file ran: the counts equal the files' numberOfTests, which the
    // .vec records and which this test also knows independently.
    qkdnq::test::require_every_case_ran(name, expected, source_counts, tallies);
    for (const auto& [section, t] : tallies) {
        std::printf("ml_kem_wycheproof_%s.vec [%s]: %zu run, 0 skipped (valid %zu, %zu of them implicit "
                    "rejection; invalid %zu: %zu wrong length thrown, %zu key check false)\n",
                    set.c_str(), section.c_str(), t.run, t.valid, t.implicit_rejection, t.invalid, t.length_rejected,
                    t.check_rejected);
    }
    // The shape of the files, so that a silently changed conversion shows up.
    const auto& enc = tallies[name + "/encaps"];
    CHECK(enc.valid == 133);
    CHECK(enc.length_rejected == 20);
    CHECK(enc.check_rejected == 100 + 4 * P::k);  // "Public key not reduced" + CCTV ModulusOverflow
    const auto& dec = tallies[name + "/decaps"];
    CHECK(dec.valid == 153);
    CHECK(dec.invalid == 40);
    const auto& semi = tallies[name + "/semi_expanded_decaps"];
    CHECK(semi.valid == 3);
    CHECK(semi.length_rejected == 4);
    CHECK(semi.check_rejected == 2);
}

}  // namespace

TEST_CASE("ML-KEM-512 Wycheproof", "[pqc][kat][wycheproof]") {
    run_wycheproof<qkdnq::ml_kem_512>("512", {{"keygen_seed", 100}, {"encaps", 261}, {"decaps", 193},
                                              {"semi_expanded_decaps", 9}});
}
TEST_CASE("ML-KEM-768 Wycheproof", "[pqc][kat][wycheproof]") {
    run_wycheproof<qkdnq::ml_kem_768>("768", {{"keygen_seed", 100}, {"encaps", 265}, {"decaps", 193},
                                              {"semi_expanded_decaps", 9}});
}
TEST_CASE("ML-KEM-1024 Wycheproof", "[pqc][kat][wycheproof]") {
    run_wycheproof<qkdnq::ml_kem_1024>("1024", {{"keygen_seed", 100}, {"encaps", 269}, {"decaps", 193},
                                                {"semi_expanded_decaps", 9}});
}
