#include <qkdnq/hash/hkdf.hpp>
#include <qkdnq/hash/sha2.hpp>
#include <qkdnq/hash/sha3.hpp>

#include "support/chunking.hpp"
#include "support/vec_file.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
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

// Calls f(type_tag<Hash>{}) for the hash named at the start of a section header.
template <class F>
bool with_hash(const std::string& section, F&& f) {
    const std::string name = section.substr(0, section.find(' '));
    if (name == "HKDF-SHA-256" || name == "SHA2-256") return f(type_tag<qkdnq::sha256>{}), true;
    if (name == "HKDF-SHA-384" || name == "SHA2-384") return f(type_tag<qkdnq::sha384>{}), true;
    if (name == "HKDF-SHA-512" || name == "SHA2-512") return f(type_tag<qkdnq::sha512>{}), true;
    return false;
}

void report(const std::string& file, const std::map<std::string, std::size_t>& counts) {
    for (const auto& [name, n] : counts) std::printf("%s [%s]: %zu run, 0 skipped\n", file.c_str(), name.c_str(), n);
}

std::vector<std::uint8_t> random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::uint8_t> out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    return out;
}

bool all_equal(bytes_view data, std::uint8_t value) {
    return std::all_of(data.begin(), data.end(), [&](std::uint8_t b) { return b == value; });
}

template <class Hash>
void check_properties() {
    constexpr std::size_t hash_len = Hash::digest_size;
    constexpr std::size_t max_len = 255 * hash_len;
    STATIC_REQUIRE(qkdnq::hkdf_max_output_size<Hash> == max_len);
    std::mt19937_64 rng(77 + hash_len);
    const auto ikm = random_bytes(rng, 40);
    const auto salt = random_bytes(rng, 16);
    const auto info = random_bytes(rng, 12);
    const auto prk = qkdnq::hkdf_extract<Hash>(salt, ikm);

    // RFC 5869 §2.3: L = 255*HashLen is allowed; each shorter output is a prefix of it.
    std::vector<std::uint8_t> longest(max_len);
    qkdnq::hkdf_expand<Hash>(prk.span(), info, longest);
    for (std::size_t n = 0; n <= 3 * hash_len + 1; ++n) {
        std::vector<std::uint8_t> shorter(n, 0xee);
        qkdnq::hkdf_expand<Hash>(prk.span(), info, shorter);
        INFO("L = " << n);
        CHECK(std::equal(shorter.begin(), shorter.end(), longest.begin()));
    }
    std::vector<std::uint8_t> full(max_len);
    qkdnq::hkdf<Hash>(ikm, salt, info, full);
    CHECK(full == longest);  // hkdf = expand(extract)

    // L = 255*HashLen + 1 throws invalid_argument and leaves the output untouched.
    std::vector<std::uint8_t> too_long(max_len + 1, 0x5a);
    CHECK_THROWS_AS(qkdnq::hkdf_expand<Hash>(prk.span(), info, too_long), qkdnq::invalid_argument);
    CHECK(all_equal(too_long, 0x5a));
    CHECK_THROWS_AS(qkdnq::hkdf<Hash>(ikm, salt, info, too_long), qkdnq::invalid_argument);
    CHECK(all_equal(too_long, 0x5a));
    CHECK_THROWS_WITH(qkdnq::hkdf<Hash>(ikm, salt, info, too_long),
                      Catch::Contains("qkdnq::hkdf") && Catch::Contains("'out'") &&
                          Catch::Contains("at most " + std::to_string(max_len)));

    // A PRK shorter than HashLen is refused (§2.3 "at least HashLen octets"); longer is fine.
    std::vector<std::uint8_t> out(hash_len, 0x5a);
    CHECK_THROWS_AS(qkdnq::hkdf_expand<Hash>(bytes_view(prk.span()).first(hash_len - 1), info, out),
                    qkdnq::invalid_argument);
    CHECK(all_equal(out, 0x5a));
    const auto long_prk = random_bytes(rng, hash_len + 9);
    qkdnq::hkdf_expand<Hash>(long_prk, info, out);
    auto first_block_input = info;
    first_block_input.push_back(1);  // T(1) = HMAC(PRK, T(0) | info | 0x01), T(0) empty
    const auto first_block = qkdnq::hmac<Hash>::mac(long_prk, first_block_input);
    CHECK(std::equal(out.begin(), out.end(), first_block.begin()));

    // §2.2: no salt = HashLen zero octets.
    const std::vector<std::uint8_t> zeros(hash_len, 0);
    const auto prk_empty = qkdnq::hkdf_extract<Hash>({}, ikm);
    const auto prk_zeros = qkdnq::hkdf_extract<Hash>(zeros, ikm);
    CHECK(std::equal(prk_empty.data(), prk_empty.data() + hash_len, prk_zeros.data()));

    // L = 0 writes nothing; different info gives different output.
    qkdnq::hkdf_expand<Hash>(prk.span(), info, {});
    std::vector<std::uint8_t> other(hash_len);
    qkdnq::hkdf_expand<Hash>(prk.span(), qkdnq::as_bytes("other"), other);
    CHECK_FALSE(std::equal(other.begin(), other.end(), longest.begin()));
}

}  // namespace

TEST_CASE("HKDF-SHA-256 RFC 5869 A.1-A.3", "[hash][kat]") {
    const auto records = qkdnq::test::read_vec_file("hash/hkdf_rfc5869.vec");
    std::size_t run = 0;
    for (const auto& r : records) {
        INFO(r.where() << " test case " << r.text("TcId"));
        REQUIRE(r.section == "HKDF-SHA-256");
        const auto prk = qkdnq::hkdf_extract<qkdnq::sha256>(r.hex("Salt"), r.hex("IKM"));
        CHECK(qkdnq::to_hex(prk.span()) == r.text("PRK"));
        std::vector<std::uint8_t> okm(r.number("L"));
        qkdnq::hkdf_expand<qkdnq::sha256>(prk.span(), r.hex("Info"), okm);
        CHECK(qkdnq::to_hex(okm) == r.text("OKM"));
        std::vector<std::uint8_t> okm2(okm.size());
        qkdnq::hkdf<qkdnq::sha256>(r.hex("IKM"), r.hex("Salt"), r.hex("Info"), okm2);
        CHECK(okm2 == okm);
        ++run;
    }
    report("hkdf_rfc5869.vec", {{"HKDF-SHA-256", run}});
    CHECK(run == 3);
}

TEST_CASE("HKDF-SHA-2 Wycheproof (invalid = output too long: throws)", "[hash][kat]") {
    const auto records = qkdnq::test::read_vec_file("hash/hkdf_wycheproof.vec");
    std::map<std::string, std::size_t> counts;
    std::size_t invalid = 0;
    for (const auto& r : records) {
        INFO(r.where() << " tcId " << r.text("TcId"));
        const bool known = with_hash(r.section, [&](auto tag) {
            using hash = typename decltype(tag)::type;
            std::vector<std::uint8_t> okm(r.number("Size"), 0x5a);
            if (r.text("Result") == "valid") {
                qkdnq::hkdf<hash>(r.hex("IKM"), r.hex("Salt"), r.hex("Info"), okm);
                CHECK(qkdnq::to_hex(okm) == r.text("OKM"));
            } else {
                REQUIRE(r.text("Result") == "invalid");
                REQUIRE(okm.size() > 255 * hash::digest_size);
                CHECK_THROWS_AS(qkdnq::hkdf<hash>(r.hex("IKM"), r.hex("Salt"), r.hex("Info"), okm),
                                qkdnq::invalid_argument);
                CHECK(all_equal(okm, 0x5a));
                ++invalid;
            }
        });
        REQUIRE(known);
        ++counts[r.section];
    }
    report("hkdf_wycheproof.vec", counts);
    REQUIRE(counts.size() == 3);
    for (const auto& [name, n] : counts) CHECK(n > 0);
    CHECK(invalid == 9);
}

TEST_CASE("HKDF ACVP KDA-HKDF-Sp800-56Cr2 (single and multi expansion, VAL)", "[hash][kat]") {
    const auto records = qkdnq::test::read_vec_file("hash/hkdf_kda_acvp.vec");
    std::map<std::string, std::size_t> counts;
    std::size_t val_fail = 0, expansions = 0;
    for (const auto& r : records) {
        INFO(r.where() << " tcId " << r.text("TcId"));
        const bool known = with_hash(r.section, [&](auto tag) {
            using hash = typename decltype(tag)::type;
            if (r.has("Count")) {
                // Multi expansion: one PRK, several HKDF-Expand calls.
                const auto prk = qkdnq::hkdf_extract<hash>(r.hex("Salt"), r.hex("Z"));
                const auto count = r.number("Count");
                REQUIRE(count > 1);
                for (std::size_t k = 0; k < count; ++k) {
                    const std::string index = std::to_string(k);
                    REQUIRE(r.number("L_" + index) % 8 == 0);
                    std::vector<std::uint8_t> dkm(r.number("L_" + index) / 8);
                    qkdnq::hkdf_expand<hash>(prk.span(), r.hex("FixedInfo_" + index), dkm);
                    CHECK(qkdnq::to_hex(dkm) == r.text("DKM_" + index));
                    ++expansions;
                }
            } else {
                REQUIRE(r.number("L") % 8 == 0);
                std::vector<std::uint8_t> dkm(r.number("L") / 8);
                qkdnq::hkdf<hash>(r.hex("Z"), r.hex("Salt"), r.hex("FixedInfo"), dkm);
                const bool expect_pass = !r.has("Result") || r.text("Result") == "pass";
                CHECK((qkdnq::to_hex(dkm) == r.text("DKM")) == expect_pass);
                if (!expect_pass) ++val_fail;
            }
        });
        REQUIRE(known);
        ++counts[r.section];
    }
    report("hkdf_kda_acvp.vec", counts);
    std::size_t total = 0;
    for (const auto& [name, n] : counts) total += n;
    CHECK(total == 35);
    CHECK(val_fail == 1);
    CHECK(expansions > 0);
}

TEST_CASE("HKDF-SHA-2 properties: length limit, prefixes, salt, PRK length", "[hash][property]") {
    check_properties<qkdnq::sha256>();
    check_properties<qkdnq::sha384>();
    check_properties<qkdnq::sha512>();
    check_properties<qkdnq::sha224>();
}

TEST_CASE("HKDF-SHA-3 properties: length limit, prefixes, salt, PRK length", "[hash][property]") {
    check_properties<qkdnq::sha3_256>();
    check_properties<qkdnq::sha3_512>();
}
