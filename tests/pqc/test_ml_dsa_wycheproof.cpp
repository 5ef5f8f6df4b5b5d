// ML-DSA (FIPS 204): every case of Wycheproof's ML-DSA files (C2SP/wycheproof testvectors_v1
// mldsa_<set>_{sign_noseed,sign_seed,verify}_test.json), converted by
// scripts/vectors/ml_dsa_wycheproof.py into tests/vectors/pqc/ml_dsa_wycheproof_<set>.vec.
//
// How each `result` is checked:
//   sign_noseed / sign_seed  The key is the group's expanded privateKey, or KeyGen_internal of
//                         its privateSeed (whose public key must equal the group's publicKey).
//                         valid: Sign (Alg. 2, rnd = the case's rnd or 0^32) of msg with ctx gives
//                         sig, or with only mu given ("Internal") sign_mu does; mu, where given,
//                         equals compute_mu(pk, msg, ctx); the signature verifies.
//                         invalid: a wrong-length key or seed throws invalid_argument (span API
//                         and typed from_bytes); a context over 255 bytes throws; a private key
//                         with s1/s2 out of range fails check_private_key and private_key::from_bytes.
//   verify                valid: Verify (Alg. 3) or verify_mu is true, also through the typed API.
//                         invalid: a wrong-length public key or signature throws invalid_argument
//                         on the span API (and a wrong-length signature gives false on the typed
//                         API); a context over 255 bytes throws; every other case verifies false
//                         on both APIs, and a malformed hint encoding fails signature::from_bytes.
// No file has an `acceptable` case; one would fail the test so that it gets looked at. Each file's
// case count must equal the source's numberOfTests (the [expected] records).
#include <qkdnq/pqc/ml_dsa.hpp>

#include <catch2/catch.hpp>

#include "support/case_counts.hpp"
#include "support/vec_file.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

using qkdnq::test::vec_record;
using bytes = std::vector<std::uint8_t>;

bool has_flag(const vec_record& r, const std::string& flag) {
    const std::string flags = "," + r.text("flags") + ",";
    return flags.find("," + flag + ",") != std::string::npos;
}

bytes optional_hex(const vec_record& r, const std::string& key) { return r.has(key) ? r.hex(key) : bytes{}; }

struct tally {
    std::size_t run = 0, valid = 0, invalid = 0;
    std::size_t length_thrown = 0;   // invalid: wrong key, seed or signature length, invalid_argument
    std::size_t context_thrown = 0;  // invalid: context over 255 bytes, invalid_argument
    std::size_t key_rejected = 0;    // invalid: private key out of range
    std::size_t verify_false = 0;    // invalid: verification false
    std::size_t malformed_hint = 0;  // of those, signature::from_bytes said malformed_message
};

// The keys of the current group.
struct group_keys {
    bool has_sk = false, has_pk = false;
    bytes sk, pk, seed;
};

template <class P>
void read_group(const vec_record& r, group_keys& g) {
    g = group_keys{};
    if (r.has("publicKey")) {
        g.pk = r.hex("publicKey");
        g.has_pk = true;
    }
    if (r.has("privateKey")) {
        g.sk = r.hex("privateKey");
        g.has_sk = true;
    }
    if (r.has("privateSeed")) {
        g.seed = r.hex("privateSeed");
        if (g.seed.size() == P::seed_size) {  // else the group's cases expect a length error
            g.sk.resize(P::sk_size);
            bytes pk(P::pk_size);
            P::keygen_internal(g.seed, pk, g.sk);
            g.has_sk = true;
            if (g.has_pk) CHECK(qkdnq::to_hex(pk) == qkdnq::to_hex(g.pk));
        }
    }
}

template <class P>
void sign_case(const vec_record& r, const group_keys& g, tally& t) {
    const bytes msg = optional_hex(r, "msg"), ctx = optional_hex(r, "ctx");
    const std::string result = r.text("result");
    REQUIRE(result != "acceptable");
    if (result == "valid") {
        REQUIRE(g.has_sk);
        const bytes rnd = r.has("rnd") ? r.hex("rnd") : bytes(32, 0);
        bytes sig(P::sig_size);
        if (r.has("msg")) {
            P::sign(g.sk, msg, ctx, rnd, sig);
            if (g.has_pk && r.has("mu")) CHECK(qkdnq::to_hex(P::compute_mu(g.pk, msg, ctx)) == r.text("mu"));
            if (g.has_pk) CHECK(P::verify(g.pk, msg, ctx, sig));
        } else {
            P::sign_mu(g.sk, r.hex("mu"), rnd, sig);
            if (g.has_pk) CHECK(P::verify_mu(g.pk, r.hex("mu"), sig));
        }
        CHECK(qkdnq::to_hex(sig) == r.text("sig"));
        CHECK(P::check_private_key(g.sk));
        ++t.valid;
        return;
    }
    bytes sig(P::sig_size);
    if (has_flag(r, "IncorrectPrivateKeyLength")) {
        if (g.has_sk) {
            REQUIRE(g.sk.size() != P::sk_size);
            CHECK_THROWS_AS(P::sign_deterministic(g.sk, msg, ctx, sig), qkdnq::invalid_argument);
            CHECK_THROWS_AS(P::private_key::from_bytes(g.sk), qkdnq::invalid_argument);
        } else {
            REQUIRE(g.seed.size() != P::seed_size);
            bytes pk(P::pk_size), sk(P::sk_size);
            CHECK_THROWS_AS(P::keygen_internal(g.seed, pk, sk), qkdnq::invalid_argument);
        }
        ++t.length_thrown;
    } else if (has_flag(r, "InvalidContext")) {
        REQUIRE(ctx.size() > 255);
        CHECK_THROWS_AS(P::sign_deterministic(g.sk, msg, ctx, sig), qkdnq::invalid_argument);
        ++t.context_thrown;
    } else if (has_flag(r, "InvalidPrivateKey")) {
        CHECK_FALSE(P::check_private_key(g.sk));
        CHECK(P::private_key::from_bytes(g.sk).error() == qkdnq::status::malformed_message);
        ++t.key_rejected;
    } else {
        FAIL("an invalid signing case of a kind this test does not know");
    }
    ++t.invalid;
}

template <class P>
void verify_case(const vec_record& r, const group_keys& g, tally& t) {
    REQUIRE(g.has_pk);
    const bytes msg = optional_hex(r, "msg"), ctx = optional_hex(r, "ctx"), sig = r.hex("sig");
    const std::string result = r.text("result");
    REQUIRE(result != "acceptable");
    auto span_verify = [&] { return r.has("msg") ? P::verify(g.pk, msg, ctx, sig) : P::verify_mu(g.pk, r.hex("mu"), sig); };
    if (result == "valid") {
        CHECK(span_verify());
        if (r.has("msg")) {
            const auto pk = P::public_key::from_bytes(g.pk);
            REQUIRE(pk.ok());
            const auto typed = P::signature::from_bytes(sig);
            REQUIRE(typed.ok());
            CHECK(P::verify(*pk, msg, ctx, *typed));
        }
        ++t.valid;
        return;
    }
    if (has_flag(r, "IncorrectPublicKeyLength")) {
        REQUIRE(g.pk.size() != P::pk_size);
        CHECK_THROWS_AS(span_verify(), qkdnq::invalid_argument);
        CHECK_THROWS_AS(P::public_key::from_bytes(g.pk), qkdnq::invalid_argument);
        ++t.length_thrown;
    } else if (has_flag(r, "IncorrectSignatureLength")) {
        REQUIRE(sig.size() != P::sig_size);
        CHECK_THROWS_AS(span_verify(), qkdnq::invalid_argument);
        const auto pk = P::public_key::from_bytes(g.pk);
        REQUIRE(pk.ok());
        CHECK_FALSE(P::verify(*pk, msg, ctx, qkdnq::bytes_view(sig)));  // typed: just false
        ++t.length_thrown;
    } else if (has_flag(r, "InvalidContext")) {
        REQUIRE(ctx.size() > 255);
        CHECK_THROWS_AS(span_verify(), qkdnq::invalid_argument);
        ++t.context_thrown;
    } else {
        CHECK_FALSE(span_verify());
        if (r.has("msg")) {
            const auto pk = P::public_key::from_bytes(g.pk);
            REQUIRE(pk.ok());
            CHECK_FALSE(P::verify(*pk, msg, ctx, qkdnq::bytes_view(sig)));
            const auto typed = P::signature::from_bytes(sig);
            if (has_flag(r, "InvalidHintsEncoding")) CHECK(typed.error() == qkdnq::status::malformed_message);
            if (!typed.ok()) ++t.malformed_hint;
            else CHECK_FALSE(P::verify(*pk, msg, ctx, *typed));
        }
        ++t.verify_false;
    }
    ++t.invalid;
}

template <class P>
void run_wycheproof(const std::string& set, const std::map<std::string, std::size_t>& source_counts) {
    const std::string file = "pqc/ml_dsa_wycheproof_" + set + ".vec";
    const std::string name = "ML-DSA-" + set;
    const auto records = qkdnq::test::read_vec_file(file);
    std::map<std::string, tally> tallies;
    std::map<std::string, std::size_t> expected;
    group_keys keys;
    for (const auto& r : records) {
        if (r.section == "expected") {
            expected[r.text("section")] = r.number("numberOfTests");
            continue;
        }
        REQUIRE(r.section.rfind(name + "/", 0) == 0);
        if (r.has("group")) {
            INFO(r.where() << " group " << r.text("group"));
            read_group<P>(r, keys);
            continue;
        }
        INFO(r.where() << " tcId " << r.text("tcId") << " (" << r.text("result") << ", flags '" << r.text("flags")
                       << "', " << r.text("comment") << ")");
        const std::string kind = r.section.substr(name.size() + 1);
        auto& t = tallies[r.section];
        if (kind == "sign_noseed" || kind == "sign_seed") {
            sign_case<P>(r, keys, t);
        } else if (kind == "verify") {
            verify_case<P>(r, keys, t);
        } else {
            FAIL("unknown section " << r.section);
        }
        ++t.run;
    }
    // Every case of every source file ran: the counts equal the files' numberOfTests, which the
    // .vec records and which this test also knows independently.
    qkdnq::test::require_every_case_ran(name, expected, source_counts, tallies);
    for (const auto& [section, t] : tallies) {
        std::printf("ml_dsa_wycheproof_%s.vec [%s]: %zu run, 0 skipped (valid %zu; invalid %zu: %zu wrong length "
                    "thrown, %zu long context thrown, %zu private key rejected, %zu verify false, %zu of them "
                    "malformed hints)\n",
                    set.c_str(), section.c_str(), t.run, t.valid, t.invalid, t.length_thrown, t.context_thrown,
                    t.key_rejected, t.verify_false, t.malformed_hint);
    }
}

}  // namespace

TEST_CASE("ML-DSA-44 Wycheproof", "[pqc][ml_dsa][kat][wycheproof]") {
    run_wycheproof<qkdnq::ml_dsa_44>("44", {{"sign_noseed", 73}, {"sign_seed", 86}, {"verify", 180}});
}
TEST_CASE("ML-DSA-65 Wycheproof", "[pqc][ml_dsa][kat][wycheproof]") {
    run_wycheproof<qkdnq::ml_dsa_65>("65", {{"sign_noseed", 78}, {"sign_seed", 105}, {"verify", 210}});
}
TEST_CASE("ML-DSA-87 Wycheproof", "[pqc][ml_dsa][kat][wycheproof]") {
    run_wycheproof<qkdnq::ml_dsa_87>("87", {{"sign_noseed", 69}, {"sign_seed", 96}, {"verify", 241}});
}
