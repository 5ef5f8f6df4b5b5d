// ML-DSA (FIPS 204): every NIST ACVP case of the compact set for ML-DSA-44/65/87 (key generation,
// signing through all four interfaces with both key formats, verification), and property tests:
// round trips, single-bit changes that break verification, malformed signatures and keys, and
// the length and context rules of the API.
#include <qkdnq/core/random.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pqc/ml_dsa.hpp>

#include <catch2/catch.hpp>

#include "support/ml_dsa_pre_hash.hpp"
#include "support/vec_file.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace {

using qkdnq::test::ml_dsa_pre_hash_of;
using qkdnq::test::vec_record;
using bytes = std::vector<std::uint8_t>;

const std::vector<vec_record>& vectors() {
    static const std::vector<vec_record> records = qkdnq::test::read_vec_file("pqc/ml_dsa_acvp.vec");
    return records;
}

std::vector<const vec_record*> section(const std::string& name) { return qkdnq::test::records_in_section(vectors(), name); }

template <class P>
std::string set_name() {
    return "ML-DSA-" + std::to_string(P::k == 4 ? 44 : P::k == 6 ? 65 : 87);
}

void flip_bit(bytes& b, std::size_t bit) { b[bit / 8] = static_cast<std::uint8_t>(b[bit / 8] ^ (1u << (bit % 8))); }

template <class P>
void run_acvp() {
    const std::string name = set_name<P>();

    SECTION("keyGen (Alg. 6)") {
        const auto cases = section(name + "/keyGen");
        REQUIRE(cases.size() == 10);
        for (const auto* r : cases) {
            INFO(r->where() << " tcId " << r->text("tcId"));
            bytes pk(P::pk_size), sk(P::sk_size);
            P::keygen_internal(r->hex("seed"), pk, sk);
            CHECK(qkdnq::to_hex(pk) == qkdnq::to_hex(r->hex("pk")));
            CHECK(qkdnq::to_hex(sk) == qkdnq::to_hex(r->hex("sk")));
            const auto seed = r->hex("seed");
            const auto pair = P::key_pair_from_seed(typename P::seed_view(seed.data(), P::seed_size));
            CHECK(qkdnq::to_hex(pair.pk.bytes()) == qkdnq::to_hex(pk));
            CHECK(qkdnq::to_hex(pair.sk.bytes()) == qkdnq::to_hex(sk));
            CHECK(P::check_private_key(sk));
        }
    }

    SECTION("sigGen (Alg. 2, 4, 7 and 7 with external mu), expanded and seed keys") {
        const auto cases = section(name + "/sigGen");
        REQUIRE(cases.size() == 52);
        std::map<std::string, int> seen;
        for (const auto* r : cases) {
            INFO(r->where() << " tcId " << r->text("tcId") << " kind " << r->text("kind") << " keyFormat "
                            << r->text("keyFormat") << " deterministic " << r->text("deterministic"));
            const std::string kind = r->text("kind");
            const bool deterministic = r->text("deterministic") == "true";
            ++seen[kind + "/" + r->text("keyFormat") + "/" + r->text("deterministic")];
            bytes sk, pk;
            if (r->text("keyFormat") == "seed") {
                sk.resize(P::sk_size);
                pk.resize(P::pk_size);
                P::keygen_internal(r->hex("seed"), pk, sk);
            } else {
                sk = r->hex("sk");
            }
            const bytes rnd = deterministic ? bytes(32, 0) : r->hex("rnd");
            bytes sig(P::sig_size);
            if (kind == "pure") {
                P::sign(sk, r->hex("message"), r->hex("context"), rnd, sig);
                if (deterministic) {
                    bytes again(P::sig_size);
                    P::sign_deterministic(sk, r->hex("message"), r->hex("context"), again);
                    CHECK(again == sig);
                }
                if (!pk.empty()) CHECK(P::verify(pk, r->hex("message"), r->hex("context"), sig));
            } else if (kind == "preHash") {
                const auto ph = ml_dsa_pre_hash_of(r->text("hashAlg"));
                P::hash_sign(sk, r->hex("message"), r->hex("context"), ph, rnd, sig);
                if (deterministic) {
                    bytes again(P::sig_size);
                    P::hash_sign_deterministic(sk, r->hex("message"), r->hex("context"), ph, again);
                    CHECK(again == sig);
                }
                if (!pk.empty()) CHECK(P::hash_verify(pk, r->hex("message"), r->hex("context"), ph, sig));
            } else if (kind == "mu") {
                P::sign_mu(sk, r->hex("mu"), rnd, sig);
                if (!pk.empty()) CHECK(P::verify_mu(pk, r->hex("mu"), sig));
            } else {
                REQUIRE(kind == "message");
                P::sign_internal(sk, r->hex("message"), rnd, sig);
                if (!pk.empty()) CHECK(P::verify_internal(pk, r->hex("message"), sig));
            }
            CHECK(qkdnq::to_hex(sig) == qkdnq::to_hex(r->hex("signature")));
        }
        // Every interface with both key formats and both rnd choices: 4 + 6 + 4 + 4 cases per rnd
        // choice with expanded keys, 2 per combination with seed keys.
        for (const char* det : {"true", "false"}) {
            CHECK(seen[std::string("pure/sk/") + det] == 4);
            CHECK(seen[std::string("preHash/sk/") + det] == 6);
            CHECK(seen[std::string("mu/sk/") + det] == 4);
            CHECK(seen[std::string("message/sk/") + det] == 4);
            for (const char* kind : {"pure", "preHash", "mu", "message"}) CHECK(seen[std::string(kind) + "/seed/" + det] == 2);
        }
    }

    SECTION("sigVer (Alg. 3, 5, 8 and 8 with external mu)") {
        const auto cases = section(name + "/sigVer");
        REQUIRE(cases.size() == 20);
        std::map<std::string, int> reasons;
        for (const auto* r : cases) {
            INFO(r->where() << " tcId " << r->text("tcId") << " kind " << r->text("kind") << " reason " << r->text("reason"));
            const std::string kind = r->text("kind");
            const bool expected = r->text("testPassed") == "true";
            ++reasons[r->text("reason")];
            const auto pk = r->hex("pk");
            const auto sig = r->hex("signature");
            bool got = false;
            if (kind == "pure") {
                got = P::verify(pk, r->hex("message"), r->hex("context"), sig);
                // The typed objects agree, including on a signature whose hint encoding is malformed.
                const auto key = P::public_key::from_bytes(pk);
                REQUIRE(key.ok());
                CHECK(P::verify(*key, r->hex("message"), r->hex("context"), qkdnq::bytes_view(sig)) == expected);
                const auto typed = P::signature::from_bytes(sig);
                if (typed.ok()) CHECK(P::verify(*key, r->hex("message"), r->hex("context"), *typed) == expected);
                else CHECK_FALSE(expected);
            } else if (kind == "preHash") {
                got = P::hash_verify(pk, r->hex("message"), r->hex("context"), ml_dsa_pre_hash_of(r->text("hashAlg")), sig);
            } else if (kind == "mu") {
                got = P::verify_mu(pk, r->hex("mu"), sig);
            } else {
                REQUIRE(kind == "message");
                got = P::verify_internal(pk, r->hex("message"), sig);
            }
            CHECK(got == expected);
        }
        CHECK(reasons.size() == 5);
        for (const auto& [reason, count] : reasons) {
            INFO(reason);
            CHECK(count == 4);
        }
    }
}

}  // namespace

TEST_CASE("ML-DSA-44 ACVP", "[pqc][ml_dsa][kat]") { run_acvp<qkdnq::ml_dsa_44>(); }
TEST_CASE("ML-DSA-65 ACVP", "[pqc][ml_dsa][kat]") { run_acvp<qkdnq::ml_dsa_65>(); }
TEST_CASE("ML-DSA-87 ACVP", "[pqc][ml_dsa][kat]") { run_acvp<qkdnq::ml_dsa_87>(); }

TEST_CASE("ML-DSA vector file holds exactly the expected cases", "[pqc][ml_dsa][kat]") {
    CHECK(vectors().size() == 246);  // (10 keyGen + 52 sigGen + 20 sigVer) x 3 parameter sets
    std::size_t hash_algs = 0;
    std::map<std::string, int> seen;
    for (const auto& r : vectors()) {
        if (r.has("hashAlg")) ++seen[r.text("hashAlg")];
    }
    for (const auto& entry : seen) {
        (void)ml_dsa_pre_hash_of(entry.first);
        ++hash_algs;
    }
    CHECK(hash_algs == 12);  // every pre-hash function of the enum is exercised
}

namespace {

template <class P>
void run_properties(std::uint64_t seed) {
    INFO(set_name<P>() << ", seed " << seed);
    qkdnq::shake_drbg rng(seed);
    for (int round = 0; round < 3; ++round) {
        const auto [pk, sk] = P::generate_key_pair(rng);
        bytes message(qkdnq::random_below(rng, 300)), context(qkdnq::random_below(rng, 256));
        rng.fill(message);
        rng.fill(context);

        // Round trips, typed and on spans; hedged signatures differ, deterministic ones repeat.
        const auto sig = P::sign(sk, message, context, rng);
        REQUIRE(P::verify(pk, message, context, sig));
        const auto sig2 = P::sign(sk, message, context, rng);
        CHECK(qkdnq::to_hex(sig.bytes()) != qkdnq::to_hex(sig2.bytes()));
        REQUIRE(P::verify(pk, message, context, sig2));
        const auto det = P::sign_deterministic(sk, message, context);
        CHECK(qkdnq::to_hex(det.bytes()) == qkdnq::to_hex(P::sign_deterministic(sk, message, context).bytes()));
        REQUIRE(P::verify(pk.bytes(), message, context, det.bytes()));

        // External mu: sign_mu(compute_mu(...)) is the pure signature.
        const auto mu = P::compute_mu(pk.bytes(), message, context);
        bytes from_mu(P::sig_size);
        P::sign_mu(sk.bytes(), mu, std::array<std::uint8_t, 32>{}, from_mu);
        CHECK(qkdnq::to_hex(from_mu) == qkdnq::to_hex(det.bytes()));
        CHECK(P::verify_mu(pk.bytes(), mu, det.bytes()));

        // HashML-DSA with every pre-hash; a HashML-DSA signature is not a pure one.
        const auto ph = static_cast<qkdnq::ml_dsa_pre_hash>(qkdnq::random_below(rng, 12));
        const auto hsig = P::hash_sign(sk, message, context, ph, rng);
        REQUIRE(P::hash_verify(pk, message, context, ph, hsig));
        CHECK_FALSE(P::verify(pk, message, context, hsig));
        CHECK_FALSE(P::hash_verify(pk, message, context, static_cast<qkdnq::ml_dsa_pre_hash>((static_cast<int>(ph) + 1) % 12), hsig));

        // Any one-bit change of message, context, signature or public key fails verification.
        const bytes sig_bytes(sig.bytes().begin(), sig.bytes().end());
        const bytes pk_bytes(pk.bytes().begin(), pk.bytes().end());
        for (int trial = 0; trial < 24; ++trial) {
            if (!message.empty()) {
                bytes m = message;
                flip_bit(m, qkdnq::random_below(rng, 8 * m.size()));
                CHECK_FALSE(P::verify(pk, m, context, sig));
            }
            if (!context.empty()) {
                bytes c = context;
                flip_bit(c, qkdnq::random_below(rng, 8 * c.size()));
                CHECK_FALSE(P::verify(pk, message, c, sig));
            }
            // Signature: c~, z and the hint block each get their share of flips.
            const std::size_t region = static_cast<std::size_t>(trial % 3);
            const std::size_t start = region == 0 ? 0 : region == 1 ? P::ctilde_size : P::sig_size - P::omega - P::k;
            const std::size_t end = region == 0 ? P::ctilde_size : region == 1 ? P::sig_size - P::omega - P::k : P::sig_size;
            bytes s = sig_bytes;
            flip_bit(s, 8 * start + qkdnq::random_below(rng, 8 * (end - start)));
            CHECK_FALSE(P::verify(pk, message, context, qkdnq::bytes_view(s)));
            CHECK_FALSE(P::verify(pk_bytes, message, context, s));
            bytes p = pk_bytes;
            flip_bit(p, qkdnq::random_below(rng, 8 * p.size()));
            CHECK_FALSE(P::verify(p, message, context, sig_bytes));
        }
        // A longer or shorter context, and the empty context for a non-empty one, also fail.
        bytes longer = context;
        longer.push_back(0);
        if (longer.size() <= 255) CHECK_FALSE(P::verify(pk, message, longer, sig));
        if (!context.empty()) CHECK_FALSE(P::verify(pk, message, {}, sig));
    }
}

}  // namespace

TEST_CASE("ML-DSA round trips, and any flipped bit breaks verification", "[pqc][ml_dsa][property]") {
    const auto seed = GENERATE(take(2, random(std::uint64_t{1}, std::uint64_t{1} << 62)));
    run_properties<qkdnq::ml_dsa_44>(seed);
    run_properties<qkdnq::ml_dsa_65>(seed);
    run_properties<qkdnq::ml_dsa_87>(seed);
}

namespace {

template <class P>
void run_malformed() {
    INFO(set_name<P>());
    qkdnq::shake_drbg rng(std::uint64_t{204});
    const auto [pk, sk] = P::generate_key_pair(rng);
    const bytes message = {1, 2, 3};
    const auto sig = P::sign_deterministic(sk, message, {});
    const bytes good(sig.bytes().begin(), sig.bytes().end());
    REQUIRE(P::verify(pk, message, {}, sig));

    // z out of range: a zero field decodes to z = gamma1, so ||z||_inf >= gamma1 - beta (Alg. 8 L13).
    bytes bad_z = good;
    for (std::size_t i = 0; i < P::z_bits; ++i) bad_z[P::ctilde_size + i] = 0;
    REQUIRE(P::signature::from_bytes(bad_z).ok());  // well-formed, just invalid
    CHECK_FALSE(P::verify(pk, message, {}, qkdnq::bytes_view(bad_z)));
    bytes bad_hint = good;
    bad_hint[P::sig_size - 1] = static_cast<std::uint8_t>(P::omega + 1);  // a count above omega
    CHECK(P::signature::from_bytes(bad_hint).error() == qkdnq::status::malformed_message);
    CHECK_FALSE(P::verify(pk, message, {}, qkdnq::bytes_view(bad_hint)));
    CHECK_FALSE(P::verify(pk.bytes(), message, {}, bad_hint));
    bytes padding = good;  // nonzero padding after the last hint position
    const std::size_t hints = good[P::sig_size - 1];
    if (hints < P::omega) {
        padding[P::sig_size - P::omega - P::k + P::omega - 1] = 1;
        CHECK(P::signature::from_bytes(padding).error() == qkdnq::status::malformed_message);
        CHECK_FALSE(P::verify(pk, message, {}, qkdnq::bytes_view(padding)));
    }
    // Random bytes as a signature, and random hint blocks on a good signature: false, no crash.
    for (int round = 0; round < 50; ++round) {
        bytes noise(P::sig_size);
        rng.fill(noise);
        CHECK_FALSE(P::verify(pk, message, {}, qkdnq::bytes_view(noise)));
        bytes hint = good;
        rng.fill(qkdnq::mutable_bytes(hint).last(P::omega + P::k));
        if (round % 2 == 0) {  // plausible counts, to get past the first check of Alg. 21
            for (std::size_t i = 0; i < P::k; ++i) hint[P::sig_size - P::k + i] = static_cast<std::uint8_t>(i * P::omega / P::k);
        }
        CHECK_FALSE(P::verify(pk, message, {}, qkdnq::bytes_view(hint)));
    }
    bytes all_ones(P::sig_size, 0xff);
    CHECK_FALSE(P::verify(pk, message, {}, qkdnq::bytes_view(all_ones)));
    bytes all_zero(P::sig_size, 0);
    CHECK_FALSE(P::verify(pk, message, {}, qkdnq::bytes_view(all_zero)));

    // Wrong lengths: false through the typed API, invalid_argument through the dynamic spans.
    for (const std::size_t size : {std::size_t{0}, P::sig_size - 1, P::sig_size + 1}) {
        bytes wrong(size, 0);
        std::copy_n(good.begin(), std::min(size, good.size()), wrong.begin());
        CHECK_FALSE(P::verify(pk, message, {}, qkdnq::bytes_view(wrong)));
        CHECK_FALSE(P::hash_verify(pk, message, {}, qkdnq::ml_dsa_pre_hash::sha2_256, qkdnq::bytes_view(wrong)));
        CHECK_THROWS_AS(P::verify(pk.bytes(), message, {}, wrong), qkdnq::invalid_argument);
        CHECK_THROWS_AS(P::signature::from_bytes(qkdnq::bytes_view(wrong)), qkdnq::invalid_argument);
    }
    const bytes pk_bytes(pk.bytes().begin(), pk.bytes().end()), sk_bytes(sk.bytes().begin(), sk.bytes().end());
    bytes out(P::sig_size);
    CHECK_THROWS_AS(P::verify(bytes(pk_bytes.begin(), pk_bytes.end() - 1), message, {}, good), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::sign_deterministic(bytes(sk_bytes.begin() + 1, sk_bytes.end()), message, {}, out), qkdnq::invalid_argument);
    bytes short_out(P::sig_size - 1);
    CHECK_THROWS_AS(P::sign_deterministic(sk_bytes, message, {}, short_out), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::sign(sk_bytes, message, {}, short_out, rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::sign_mu(sk_bytes, bytes(63), bytes(32), out), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::sign(sk_bytes, message, {}, bytes(31), out), qkdnq::invalid_argument);
    bytes pk_out(P::pk_size), sk_out(P::sk_size);
    CHECK_THROWS_AS(P::keygen_internal(bytes(31), pk_out, sk_out), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::public_key::from_bytes(bytes(P::pk_size + 1)), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::private_key::from_bytes(bytes(P::sk_size - 1)), qkdnq::invalid_argument);

    // Contexts: 255 bytes are fine, 256 throw, in every function that takes one.
    const bytes ctx255(255, 7), ctx256(256, 7);
    const auto sig255 = P::sign(sk, message, ctx255, rng);
    CHECK(P::verify(pk, message, ctx255, sig255));
    CHECK_THROWS_AS(P::sign(sk, message, ctx256, rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::sign_deterministic(sk, message, ctx256), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::hash_sign(sk, message, ctx256, qkdnq::ml_dsa_pre_hash::sha3_256, rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::verify(pk, message, ctx256, sig255), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::verify(pk_bytes, message, ctx256, good), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::hash_verify(pk, message, ctx256, qkdnq::ml_dsa_pre_hash::sha3_256, sig255), qkdnq::invalid_argument);
    CHECK_THROWS_AS(P::compute_mu(pk.bytes(), message, ctx256), qkdnq::invalid_argument);

    // A private key whose s1 has a coefficient outside [-eta, eta] is rejected when typed.
    CHECK(P::private_key::from_bytes(sk_bytes).ok());
    if constexpr (P::eta == 2) {
        bytes bad_sk = sk_bytes;
        bad_sk[128] = static_cast<std::uint8_t>(bad_sk[128] | 7u);  // first 3-bit field 7: eta - 7 = -5
        CHECK_FALSE(P::check_private_key(bad_sk));
        CHECK(P::private_key::from_bytes(bad_sk).error() == qkdnq::status::malformed_message);
    }
    // A public key from bytes verifies like the generated one.
    const auto again = P::public_key::from_bytes(pk_bytes);
    REQUIRE(again.ok());
    CHECK(P::verify(*again, message, {}, sig));
}

}  // namespace

TEST_CASE("ML-DSA malformed signatures and keys, lengths and contexts", "[pqc][ml_dsa][property]") {
    run_malformed<qkdnq::ml_dsa_44>();
    run_malformed<qkdnq::ml_dsa_65>();
    run_malformed<qkdnq::ml_dsa_87>();
}
