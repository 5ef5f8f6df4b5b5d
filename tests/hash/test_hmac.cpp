#include <qkdnq/hash/hmac.hpp>
#include <qkdnq/hash/sha2.hpp>
#include <qkdnq/hash/sha3.hpp>

#include "support/chunking.hpp"
#include "support/vec_file.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

using qkdnq::bytes_view;
using qkdnq::test::vec_record;

using qkdnq::test::type_tag;

// Calls f(type_tag<Hash>{}) for the hash named in a section header ("HMAC-SHA2-256 1.0",
// "HMAC-SHA-384", "HMAC-SHA3-512", ...); returns false for a name it does not know.
template <class F>
bool with_hash(const std::string& section, F&& f) {
    const std::string name = section.substr(0, section.find(' '));
    if (name == "HMAC-SHA-224") return f(type_tag<qkdnq::sha224>{}), true;
    if (name == "HMAC-SHA-256" || name == "HMAC-SHA2-256") return f(type_tag<qkdnq::sha256>{}), true;
    if (name == "HMAC-SHA-384") return f(type_tag<qkdnq::sha384>{}), true;
    if (name == "HMAC-SHA-512" || name == "HMAC-SHA2-512") return f(type_tag<qkdnq::sha512>{}), true;
    if (name == "HMAC-SHA3-256") return f(type_tag<qkdnq::sha3_256>{}), true;
    if (name == "HMAC-SHA3-512") return f(type_tag<qkdnq::sha3_512>{}), true;
    return false;
}

bool is_sha3(const std::string& section) { return section.rfind("HMAC-SHA3-", 0) == 0; }

struct tally {
    std::size_t run = 0;
    std::size_t skipped = 0;
};

void report(const std::string& file, const std::map<std::string, tally>& counts) {
    for (const auto& [name, t] : counts) {
        std::printf("%s [%s]: %zu run, %zu skipped (bit-oriented)\n", file.c_str(), name.c_str(), t.run, t.skipped);
    }
}

// RFC 4231 §4: every test case for every hash. Test case 5 lists only the leftmost 128 bits.
void check_rfc4231() {
    const auto records = qkdnq::test::read_vec_file("hash/hmac_rfc4231.vec");
    std::map<std::string, tally> counts;
    for (const auto& r : records) {
        INFO(r.where() << " test case " << r.text("TcId"));
        const bool known = with_hash(r.section, [&](auto tag) {
            using hash = typename decltype(tag)::type;
            const auto expected = r.hex("Mac");
            const auto mac = qkdnq::hmac<hash>::mac(r.hex("Key"), r.hex("Data"));
            if (r.has("TruncateBits")) {
                REQUIRE(expected.size() * 8 == r.number("TruncateBits"));
            } else {
                REQUIRE(expected.size() == mac.size());
            }
            CHECK(qkdnq::to_hex(bytes_view(mac).first(expected.size())) == r.text("Mac"));
            qkdnq::hmac<hash> verifier(r.hex("Key"));
            verifier.update(r.hex("Data"));
            CHECK(verifier.verify(expected));
        });
        REQUIRE(known);
        ++counts[r.section].run;
    }
    report("hmac_rfc4231.vec", counts);
    REQUIRE(counts.size() == 4);
    for (const auto& [name, t] : counts) CHECK(t.run == 7);
}

// ACVP HMAC AFT: the MAC truncated to its leftmost MacLen bits (FIPS 198-1 §5).
void check_acvp(bool sha3_sections) {
    const auto records = qkdnq::test::read_vec_file("hash/hmac_acvp.vec");
    std::map<std::string, tally> counts;
    for (const auto& r : records) {
        if (is_sha3(r.section) != sha3_sections) continue;
        INFO(r.where() << " tcId " << r.text("TcId"));
        auto& t = counts[r.section];
        if (r.number("KeyLen") % 8 != 0 || r.number("MsgLen") % 8 != 0 || r.number("MacLen") % 8 != 0) {
            ++t.skipped;
            continue;
        }
        const bool known = with_hash(r.section, [&](auto tag) {
            using hash = typename decltype(tag)::type;
            const auto key = r.hex("Key");
            const auto msg = r.hex("Msg");
            const auto expected = r.hex("Mac");
            REQUIRE(key.size() * 8 == r.number("KeyLen"));
            REQUIRE(msg.size() * 8 == r.number("MsgLen"));
            REQUIRE(expected.size() * 8 == r.number("MacLen"));
            REQUIRE(expected.size() <= qkdnq::hmac<hash>::tag_size);
            const auto mac = qkdnq::hmac<hash>::mac(key, msg);
            CHECK(qkdnq::to_hex(bytes_view(mac).first(expected.size())) == r.text("Mac"));
            qkdnq::hmac<hash> verifier(key);
            verifier.update(msg);
            CHECK(verifier.verify(expected) == (expected.size() >= qkdnq::hmac<hash>::min_tag_size));
        });
        REQUIRE(known);
        ++t.run;
    }
    report("hmac_acvp.vec", counts);
    REQUIRE(counts.size() == (sha3_sections ? 2u : 4u));
    for (const auto& [name, t] : counts) CHECK(t.run > 0);
}

// Wycheproof: a valid tag must verify (and equal the truncated MAC); an invalid one must not.
void check_wycheproof(bool sha3_sections) {
    const auto records = qkdnq::test::read_vec_file("hash/hmac_wycheproof.vec");
    std::map<std::string, tally> counts;
    std::size_t invalid = 0;
    for (const auto& r : records) {
        if (is_sha3(r.section) != sha3_sections) continue;
        INFO(r.where() << " tcId " << r.text("TcId"));
        const bool known = with_hash(r.section, [&](auto tag) {
            using hash = typename decltype(tag)::type;
            const auto key = r.hex("Key");
            const auto msg = r.hex("Msg");
            const auto expected = r.hex("Tag");
            REQUIRE(key.size() * 8 == r.number("KeySize"));
            const bool valid = r.text("Result") == "valid";
            REQUIRE((valid || r.text("Result") == "invalid"));
            qkdnq::hmac<hash> verifier(key);
            verifier.update(msg);
            CHECK(verifier.verify(expected) == valid);
            if (valid) {
                REQUIRE(expected.size() * 8 == r.number("TagSize"));
                const auto mac = qkdnq::hmac<hash>::mac(key, msg);
                CHECK(qkdnq::to_hex(bytes_view(mac).first(expected.size())) == r.text("Tag"));
            } else {
                ++invalid;
            }
        });
        REQUIRE(known);
        ++counts[r.section].run;
    }
    report("hmac_wycheproof.vec", counts);
    REQUIRE(counts.size() == (sha3_sections ? 2u : 3u));
    for (const auto& [name, t] : counts) CHECK(t.run > 0);
    CHECK(invalid > 0);
}

std::vector<std::uint8_t> random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::uint8_t> out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    return out;
}

// Properties shared by every hash: keys of every length class, streaming, verify on truncated
// and flipped tags, use after final.
template <class Hash>
void check_properties() {
    using mac_type = qkdnq::hmac<Hash>;
    std::mt19937_64 rng(0x5eed + Hash::digest_size);
    const auto msg = random_bytes(rng, 3 * Hash::block_size + 5);

    // Keys longer than the block are hashed first (FIPS 198-1 §4 step 2); shorter ones are
    // zero-padded (step 3), so a key and the same key with trailing zeros up to B give one MAC.
    const auto long_key = random_bytes(rng, Hash::block_size + 1);
    CHECK(mac_type::mac(long_key, msg) == mac_type::mac(Hash::hash(long_key), msg));
    const auto block_key = random_bytes(rng, Hash::block_size);
    CHECK(mac_type::mac(block_key, msg) != mac_type::mac(Hash::hash(block_key), msg));
    std::vector<std::uint8_t> short_key = random_bytes(rng, 7);
    std::vector<std::uint8_t> padded_key = short_key;
    padded_key.resize(Hash::block_size, 0);
    CHECK(mac_type::mac(short_key, msg) == mac_type::mac(padded_key, msg));
    CHECK(mac_type::mac({}, msg) == mac_type::mac(std::vector<std::uint8_t>(Hash::block_size, 0), msg));

    // Streaming equals one shot, over random chunkings.
    const auto key = random_bytes(rng, 32);
    const auto expected = mac_type::mac(key, msg);
    for (int trial = 0; trial < 20; ++trial) {
        mac_type m(key);
        std::size_t done = 0;
        while (done < msg.size()) {
            const std::size_t take = std::min<std::size_t>(msg.size() - done, rng() % (Hash::block_size + 2));
            m.update(bytes_view(msg).subspan(done, take));
            done += take;
        }
        CHECK(m.final() == expected);
    }

    // A copy of a keyed object continues on its own.
    mac_type keyed(key);
    mac_type copy = keyed;
    keyed.update(msg);
    copy.update(msg);
    CHECK(keyed.final() == copy.final());

    // verify: the whole tag and every truncation down to min_tag_size verify; shorter, longer,
    // empty or any tag with one flipped bit do not.
    auto verify = [&](bytes_view tag) {
        mac_type m(key);
        m.update(msg);
        return m.verify(tag);
    };
    CHECK(verify(expected));
    for (std::size_t n = mac_type::min_tag_size; n <= mac_type::tag_size; ++n) {
        INFO("truncated to " << n << " bytes");
        CHECK(verify(bytes_view(expected).first(n)));
    }
    CHECK_FALSE(verify(bytes_view(expected).first(mac_type::min_tag_size - 1)));
    CHECK_FALSE(verify({}));
    std::vector<std::uint8_t> longer(expected.begin(), expected.end());
    longer.push_back(0);
    CHECK_FALSE(verify(longer));
    for (std::size_t bit = 0; bit < 8 * mac_type::tag_size; ++bit) {
        auto flipped = expected;
        flipped[bit / 8] = static_cast<std::uint8_t>(flipped[bit / 8] ^ (1u << (bit % 8)));
        INFO("flipped bit " << bit);
        CHECK_FALSE(verify(flipped));
        if (bit < 8 * mac_type::min_tag_size) {
            CHECK_FALSE(verify(bytes_view(flipped).first(mac_type::min_tag_size)));
        }
    }
    auto wrong_key = key;
    wrong_key[0] ^= 1;
    mac_type other(wrong_key);
    other.update(msg);
    CHECK_FALSE(other.verify(expected));

    // Use after final: update, final and verify throw; final leaves its output untouched.
    mac_type used(key);
    used.update(msg);
    (void)used.final();
    CHECK_THROWS_AS(used.update(msg), qkdnq::invalid_state);
    std::array<std::uint8_t, mac_type::tag_size> out;
    out.fill(0x3c);
    CHECK_THROWS_AS(used.final(out), qkdnq::invalid_state);
    CHECK(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0x3c; }));
    CHECK_THROWS_AS((void)used.verify(expected), qkdnq::invalid_state);
    CHECK_THROWS_WITH(used.update(msg), Catch::Contains("qkdnq::hmac::update"));
    mac_type verified(key);
    (void)verified.verify(expected);
    CHECK_THROWS_AS(verified.update(msg), qkdnq::invalid_state);
}

}  // namespace

TEST_CASE("HMAC-SHA-2 RFC 4231 test cases 1-7", "[hash][kat]") { check_rfc4231(); }

TEST_CASE("HMAC-SHA-2 ACVP AFT (byte-oriented cases, truncated to macLen)", "[hash][kat]") { check_acvp(false); }

TEST_CASE("HMAC-SHA-2 Wycheproof", "[hash][kat]") { check_wycheproof(false); }

TEST_CASE("HMAC-SHA-2 properties", "[hash][property]") {
    check_properties<qkdnq::sha224>();
    check_properties<qkdnq::sha256>();
    check_properties<qkdnq::sha384>();
    check_properties<qkdnq::sha512>();
}

TEST_CASE("HMAC minimum tag size is 10 bytes", "[hash][property]") {
    STATIC_REQUIRE(qkdnq::hmac<qkdnq::sha256>::min_tag_size == 10);
    STATIC_REQUIRE(qkdnq::hmac<qkdnq::sha256>::tag_size == 32);
    STATIC_REQUIRE(qkdnq::hmac<qkdnq::sha512>::tag_size == 64);
    STATIC_REQUIRE(qkdnq::hmac_hash<qkdnq::sha384>);
    STATIC_REQUIRE_FALSE(qkdnq::hmac_hash<int>);
}

TEST_CASE("HMAC-SHA-3 ACVP AFT (byte-oriented cases, truncated to macLen)", "[hash][kat]") { check_acvp(true); }

TEST_CASE("HMAC-SHA-3 Wycheproof", "[hash][kat]") { check_wycheproof(true); }

TEST_CASE("HMAC-SHA-3 properties", "[hash][property]") {
    STATIC_REQUIRE(qkdnq::hmac_hash<qkdnq::sha3_256>);
    check_properties<qkdnq::sha3_256>();
    check_properties<qkdnq::sha3_512>();
}
