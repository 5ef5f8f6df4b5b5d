// ML-KEM (FIPS 203): optional run of every case of the full NIST ACVP folders
// ML-KEM-keyGen-FIPS203, ML-KEM-encapDecap-FIPS203 and ML-KEM-encapDecap-FIPS203-tr1
// (prompt.json + expectedResults.json, read with tests/support/json_reader.hpp).
//
// The folders' parent is taken from the environment variable QKDNQ_ACVP_DIR at test time, or
// else from the CMake cache variable QKDNQ_ACVP_DIR (compiled in); e.g.
//   QKDNQ_ACVP_DIR=/work/shared/vectors/pqc/acvp ctest --test-dir build/native -R ml_kem_acvp_full
// When neither names a folder that holds the files, each test case prints that it was skipped
// and passes: the checked-in subset (tests/vectors/pqc/ml_kem_acvp.vec) is always run by
// test_ml_kem.cpp.
#include <qkdnq/pqc/ml_kem.hpp>

#include <catch2/catch.hpp>

#include "support/json_reader.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

using qkdnq::test::json_value;
using bytes = std::vector<std::uint8_t>;

template <class T>
struct tag {
    using type = T;
};

std::string acvp_dir() {
    if (const char* env = std::getenv("QKDNQ_ACVP_DIR"); env != nullptr && *env != '\0') return env;
#ifdef QKDNQ_ACVP_DIR_DEFAULT
    return QKDNQ_ACVP_DIR_DEFAULT;
#else
    return {};
#endif
}

bytes hex(const json_value& v) { return qkdnq::from_hex(v.str()); }
std::string canonical_hex(const json_value& v) { return qkdnq::to_hex(hex(v)); }

template <class F>
void with_set(const std::string& name, F&& f) {
    if (name == "ML-KEM-512") return f(tag<qkdnq::ml_kem_512>{});
    if (name == "ML-KEM-768") return f(tag<qkdnq::ml_kem_768>{});
    if (name == "ML-KEM-1024") return f(tag<qkdnq::ml_kem_1024>{});
    FAIL("unknown parameterSet " << name);
}

// One ACVP case: `t` from prompt.json, `x` the matching case of expectedResults.json.
template <class P>
void run_case(const std::string& function, const std::string& key_format, const json_value& t, const json_value& x) {
    if (function == "keyGen") {
        bytes ek(P::ek_size), dk(P::dk_size);
        P::keygen_internal(hex(t.at("d")), hex(t.at("z")), ek, dk);
        CHECK(qkdnq::to_hex(ek) == canonical_hex(x.at("ek")));
        CHECK(qkdnq::to_hex(dk) == canonical_hex(x.at("dk")));
    } else if (function == "encapsulation") {
        bytes c(P::ct_size);
        const auto k = P::encaps_internal(hex(t.at("ek")), hex(t.at("m")), c);
        CHECK(qkdnq::to_hex(c) == canonical_hex(x.at("c")));
        CHECK(qkdnq::to_hex(k.span()) == canonical_hex(x.at("k")));
    } else if (function == "decapsulation") {
        bytes dk;
        if (key_format == "seed") {  // tr1: the key is (d, z); KeyGen_internal expands it
            bytes ek(P::ek_size);
            dk.resize(P::dk_size);
            P::keygen_internal(hex(t.at("d")), hex(t.at("z")), ek, dk);
        } else {
            REQUIRE((key_format.empty() || key_format == "expanded"));
            dk = hex(t.at("dk"));
        }
        const auto k = P::decaps(dk, hex(t.at("c")));
        CHECK(qkdnq::to_hex(k.span()) == canonical_hex(x.at("k")));
    } else if (function == "decapsulationKeyCheck") {
        REQUIRE((key_format.empty() || key_format == "expanded"));
        const auto dk = hex(t.at("dk"));
        if (dk.size() == P::dk_size) {
            CHECK(P::check_decapsulation_key(dk) == x.at("testPassed").boolean());
        } else {
            CHECK_FALSE(x.at("testPassed").boolean());
            CHECK_THROWS_AS(P::check_decapsulation_key(dk), qkdnq::invalid_argument);
        }
    } else if (function == "encapsulationKeyCheck") {
        const auto ek = hex(t.at("ek"));
        if (ek.size() == P::ek_size) {
            CHECK(P::check_encapsulation_key(ek) == x.at("testPassed").boolean());
        } else {
            CHECK_FALSE(x.at("testPassed").boolean());
            CHECK_THROWS_AS(P::check_encapsulation_key(ek), qkdnq::invalid_argument);
        }
    } else {
        FAIL("unknown function " << function);
    }
}

void run_folder(const std::string& folder, const std::string& mode) {
    const std::string dir = acvp_dir();
    const std::filesystem::path path = std::filesystem::path(dir) / folder;
    if (dir.empty() || !std::filesystem::exists(path / "prompt.json") ||
        !std::filesystem::exists(path / "expectedResults.json")) {
        const std::string why = dir.empty() ? std::string("QKDNQ_ACVP_DIR is not set")
                                            : "no prompt.json + expectedResults.json in " + path.string();
        std::printf("ML-KEM full ACVP %s: skipped (%s)\n", folder.c_str(), why.c_str());
        WARN("skipped: " << why);
        return;
    }
    const json_value prompt = qkdnq::test::read_json_file((path / "prompt.json").string());
    const json_value expected = qkdnq::test::read_json_file((path / "expectedResults.json").string());
    REQUIRE(prompt.at("algorithm").str() == "ML-KEM");
    REQUIRE(prompt.at("mode").str() == mode);
    REQUIRE(expected.at("vsId").integer() == prompt.at("vsId").integer());

    // expectedResults by tgId, then tcId.
    std::map<std::int64_t, std::map<std::int64_t, const json_value*>> results;
    for (const auto& g : expected.at("testGroups").array()) {
        auto& group = results[g.at("tgId").integer()];
        for (const auto& x : g.at("tests").array()) {
            REQUIRE(group.emplace(x.at("tcId").integer(), &x).second);
        }
    }

    std::map<std::string, std::size_t> counts;
    std::size_t prompt_cases = 0, run = 0, expected_cases = 0;
    for (const auto& [tg, group] : results) expected_cases += group.size();
    const auto& groups = prompt.at("testGroups").array();
    REQUIRE(groups.size() == results.size());
    for (const auto& g : groups) {
        const auto tg_id = g.at("tgId").integer();
        const std::string set = g.at("parameterSet").str();
        const std::string function = mode == "keyGen" ? "keyGen" : g.at("function").str();
        const std::string key_format = g.has("keyFormat") ? g.at("keyFormat").str() : "";
        const std::string label = set + "/" + function + (key_format.empty() ? "" : " (" + key_format + ")") +
                                  " tgId " + std::to_string(tg_id) + " " + g.at("testType").str();
        REQUIRE(results.count(tg_id) == 1);
        const auto& group_results = results.at(tg_id);
        const auto& tests = g.at("tests").array();
        REQUIRE(tests.size() == group_results.size());
        for (const auto& t : tests) {
            ++prompt_cases;
            const auto tc_id = t.at("tcId").integer();
            INFO(folder << " " << label << " tcId " << tc_id);
            REQUIRE(group_results.count(tc_id) == 1);
            with_set(set, [&](auto set_tag) {
                using P = typename decltype(set_tag)::type;
                run_case<P>(function, key_format, t, *group_results.at(tc_id));
            });
            ++counts[label];
            ++run;
        }
    }
    for (const auto& [label, n] : counts) {
        std::printf("ML-KEM full ACVP %s [%s]: %zu run, 0 skipped\n", folder.c_str(), label.c_str(), n);
    }
    std::printf("ML-KEM full ACVP %s: %zu cases run of %zu in prompt.json (%zu in expectedResults.json)\n",
                folder.c_str(), run, prompt_cases, expected_cases);
    CHECK(run > 0);
    CHECK(run == prompt_cases);
    CHECK(run == expected_cases);
}

}  // namespace

TEST_CASE("ML-KEM full ACVP ML-KEM-keyGen-FIPS203 (if QKDNQ_ACVP_DIR is set)", "[pqc][kat][acvp-full]") {
    run_folder("ML-KEM-keyGen-FIPS203", "keyGen");
}
TEST_CASE("ML-KEM full ACVP ML-KEM-encapDecap-FIPS203 (if QKDNQ_ACVP_DIR is set)", "[pqc][kat][acvp-full]") {
    run_folder("ML-KEM-encapDecap-FIPS203", "encapDecap");
}
TEST_CASE("ML-KEM full ACVP ML-KEM-encapDecap-FIPS203-tr1 (if QKDNQ_ACVP_DIR is set)", "[pqc][kat][acvp-full]") {
    run_folder("ML-KEM-encapDecap-FIPS203-tr1", "encapDecap");
}

TEST_CASE("Test JSON reader", "[support]") {
    using kind = json_value::kind;
    const auto v = qkdnq::test::parse_json(
        R"( {"a": [1, -2, 3.5e+2, true, false, null], "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "o": {}, "e": []} )");
    REQUIRE(v.is(kind::object));
    const auto& a = v.at("a").array();
    REQUIRE(a.size() == 6);
    CHECK(a[0].integer() == 1);
    CHECK(a[1].integer() == -2);
    CHECK(a[2].text == "3.5e+2");
    CHECK_THROWS(a[2].integer());
    CHECK(a[3].boolean());
    CHECK_FALSE(a[4].boolean());
    CHECK(a[5].is(kind::null));
    CHECK(v.at("s").str() == "x\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(v.at("o").is(kind::object));
    CHECK(v.at("e").array().empty());
    CHECK_FALSE(v.has("missing"));
    CHECK_THROWS(v.at("missing"));
    for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "\"\\ud800\"", "tru", "[1] 2",
                            "\"a\nb\""}) {
        INFO(bad);
        CHECK_THROWS_AS(qkdnq::test::parse_json(bad), std::runtime_error);
    }
}
