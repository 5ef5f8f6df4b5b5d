// ML-DSA (FIPS 204): optional run of every case of the full NIST ACVP folders
// ML-DSA-keyGen-FIPS204, ML-DSA-sigGen-FIPS204, ML-DSA-sigGen-FIPS204-tr1 and ML-DSA-sigVer-FIPS204
// (prompt.json + expectedResults.json, read with tests/support/json_reader.hpp).
//
// The folders' parent is taken from the environment variable QKDNQ_ACVP_DIR at test time, or
// else from the CMake cache variable QKDNQ_ACVP_DIR (compiled in); e.g.
//   QKDNQ_ACVP_DIR=/work/shared/vectors/pqc/acvp ctest --test-dir build/native -R ml_dsa_acvp_full
// When neither names a folder that holds the files, each test case prints that it was skipped
// and passes: the checked-in subset (tests/vectors/pqc/ml_dsa_acvp.vec) is always run by
// test_ml_dsa.cpp.
//
// Each group is mapped onto the API by its flavour, as in test_ml_dsa.cpp:
//   keyGen                               keygen_internal(seed)         (Alg. 6)   pk, sk compared
//   signatureInterface external, pure    sign / verify                 (Alg. 2, 3)
//   signatureInterface external, preHash hash_sign / hash_verify       (Alg. 4, 5)
//   signatureInterface internal          sign_internal / verify_internal on M' = message (Alg. 7, 8)
//   internal with externalMu             sign_mu / verify_mu on the given 64-byte mu
//   deterministic                        rnd = 32 zero bytes; otherwise the case's rnd
//   keyFormat seed (-tr1)                sk (and pk) from keygen_internal(seed) first
// sigGen compares the signature bytes, sigVer compares testPassed. Every member name of the files
// is checked: an unknown field, interface, pre-hash, key format or test type fails the test
// instead of being skipped.
#include <qkdnq/pqc/ml_dsa.hpp>

#include <catch2/catch.hpp>

#include "support/json_reader.hpp"
#include "support/ml_dsa_pre_hash.hpp"

#include <algorithm>
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
using counts = std::map<std::string, std::size_t>;

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
    if (name == "ML-DSA-44") return f(tag<qkdnq::ml_dsa_44>{});
    if (name == "ML-DSA-65") return f(tag<qkdnq::ml_dsa_65>{});
    if (name == "ML-DSA-87") return f(tag<qkdnq::ml_dsa_87>{});
    FAIL("unknown parameterSet " << name);
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

// The member names of `object` are exactly `names`, in any order: a field this test does not
// know fails instead of being ignored.
void require_members(const json_value& object, std::vector<std::string> names, const std::string& what) {
    REQUIRE(object.is(json_value::kind::object));
    std::vector<std::string> keys = object.keys;
    std::sort(keys.begin(), keys.end());
    std::sort(names.begin(), names.end());
    INFO(what << " has members {" << joined(keys) << "}, this test knows {" << joined(names) << "}");
    REQUIRE(keys == names);
}

// How one ACVP test group maps onto the API, from the group's members.
struct flavour {
    std::string mode;            // keyGen, sigGen or sigVer
    bool internal = false;       // signatureInterface internal (M' given) instead of external (M, ctx)
    bool pre_hash = false;       // external: HashML-DSA (preHash "preHash") instead of preHash "pure"
    bool external_mu = false;    // internal: mu given instead of M'
    bool deterministic = false;  // sigGen: rnd = 0^32 instead of the case's rnd
    bool seed_key = false;       // sigGen -tr1: keyFormat seed (xi) instead of expanded (sk)

    [[nodiscard]] std::string label() const {
        if (mode == "keyGen") return mode;
        std::string out = mode;
        if (internal) out += external_mu ? " internal/externalMu" : " internal";
        else out += pre_hash ? " external/preHash" : " external/pure";
        if (mode == "sigGen") out += std::string(deterministic ? " deterministic" : " rnd") + (seed_key ? " seed" : " sk");
        return out;
    }

    // The members of a prompt.json case, and of its expectedResults.json case.
    [[nodiscard]] std::vector<std::string> prompt_members() const {
        if (mode == "keyGen") return {"tcId", "seed"};
        std::vector<std::string> names = {"tcId"};
        if (internal) {
            names.emplace_back(external_mu ? "mu" : "message");
        } else {
            names.insert(names.end(), {"message", "context"});
            if (pre_hash) names.emplace_back("hashAlg");
        }
        if (mode == "sigGen") {
            names.emplace_back(seed_key ? "seed" : "sk");
            if (!deterministic) names.emplace_back("rnd");
        } else {
            names.insert(names.end(), {"pk", "signature"});
        }
        return names;
    }
    [[nodiscard]] std::vector<std::string> expected_members() const {
        if (mode == "keyGen") return {"tcId", "pk", "sk"};
        if (mode == "sigGen") return {"tcId", "signature"};
        return {"tcId", "testPassed"};
    }
};

flavour flavour_of(const std::string& mode, const std::string& revision, const json_value& g) {
    std::vector<std::string> members = {"tgId", "testType", "parameterSet", "tests"};
    if (g.at("testType").str() != "AFT") FAIL("unknown testType " << g.at("testType").str());
    flavour f;
    f.mode = mode;
    if (mode != "keyGen") {
        members.emplace_back("signatureInterface");
        const std::string& signature_interface = g.at("signatureInterface").str();
        if (signature_interface == "external") {
            members.emplace_back("preHash");
            const std::string& pre_hash = g.at("preHash").str();
            if (pre_hash != "pure" && pre_hash != "preHash") FAIL("unknown preHash " << pre_hash);
            f.pre_hash = pre_hash == "preHash";
        } else if (signature_interface == "internal") {
            members.emplace_back("externalMu");
            f.internal = true;
            f.external_mu = g.at("externalMu").boolean();
        } else {
            FAIL("unknown signatureInterface " << signature_interface);
        }
    }
    if (mode == "sigGen") {
        members.emplace_back("deterministic");
        f.deterministic = g.at("deterministic").boolean();
        if (revision == "FIPS204-tr1") {  // the -tr1 revision adds keyFormat; FIPS204 keys are expanded
            members.emplace_back("keyFormat");
            const std::string& key_format = g.at("keyFormat").str();
            if (key_format != "seed" && key_format != "expanded") FAIL("unknown keyFormat " << key_format);
            f.seed_key = key_format == "seed";
        }
    }
    require_members(g, members, "prompt.json group");
    return f;
}

// Verification as the flavour says (Alg. 3, 5, 8, or 8 on the given mu).
template <class P>
bool verify_as(const flavour& f, const json_value& t, qkdnq::bytes_view pk, qkdnq::bytes_view sig) {
    if (f.internal) {
        return f.external_mu ? P::verify_mu(pk, hex(t.at("mu")), sig) : P::verify_internal(pk, hex(t.at("message")), sig);
    }
    if (f.pre_hash) {
        return P::hash_verify(pk, hex(t.at("message")), hex(t.at("context")),
                              qkdnq::test::ml_dsa_pre_hash_of(t.at("hashAlg").str()), sig);
    }
    return P::verify(pk, hex(t.at("message")), hex(t.at("context")), sig);
}

// One ACVP case: `t` from prompt.json, `x` the matching case of expectedResults.json. Counts
// the sigVer outcomes into `tally`.
template <class P>
void run_case(const flavour& f, const json_value& t, const json_value& x, counts& tally, const std::string& set) {
    if (f.mode == "keyGen") {
        bytes pk(P::pk_size), sk(P::sk_size);
        P::keygen_internal(hex(t.at("seed")), pk, sk);
        CHECK(qkdnq::to_hex(pk) == canonical_hex(x.at("pk")));
        CHECK(qkdnq::to_hex(sk) == canonical_hex(x.at("sk")));
    } else if (f.mode == "sigGen") {
        bytes sk, pk;
        if (f.seed_key) {  // the key is xi; KeyGen_internal expands it
            pk.resize(P::pk_size);
            sk.resize(P::sk_size);
            P::keygen_internal(hex(t.at("seed")), pk, sk);
        } else {
            sk = hex(t.at("sk"));
        }
        const bytes rnd = f.deterministic ? bytes(P::rnd_size, 0) : hex(t.at("rnd"));  // Alg. 2 L5, Alg. 4 L5
        bytes sig(P::sig_size);
        if (f.internal && f.external_mu) {
            P::sign_mu(sk, hex(t.at("mu")), rnd, sig);
        } else if (f.internal) {
            P::sign_internal(sk, hex(t.at("message")), rnd, sig);
        } else if (f.pre_hash) {
            P::hash_sign(sk, hex(t.at("message")), hex(t.at("context")),
                         qkdnq::test::ml_dsa_pre_hash_of(t.at("hashAlg").str()), rnd, sig);
        } else {
            P::sign(sk, hex(t.at("message")), hex(t.at("context")), rnd, sig);
        }
        CHECK(qkdnq::to_hex(sig) == canonical_hex(x.at("signature")));
        if (!pk.empty()) CHECK(verify_as<P>(f, t, pk, sig));  // a seed key gives the public key too
    } else {
        REQUIRE(f.mode == "sigVer");
        const bool expected = x.at("testPassed").boolean();
        ++tally[set + " testPassed=" + (expected ? "true" : "false")];
        const auto pk = hex(t.at("pk"));
        const auto sig = hex(t.at("signature"));
        if (pk.size() == P::pk_size && sig.size() == P::sig_size) {
            CHECK(verify_as<P>(f, t, pk, sig) == expected);
        } else {  // a wrong length is a programmer error for the span API, and never valid
            CHECK_FALSE(expected);
            CHECK_THROWS_AS(verify_as<P>(f, t, pk, sig), qkdnq::invalid_argument);
        }
    }
}

// Runs every case of one folder; `per_set` is the number of cases per parameterSet (and, for
// sigVer, per "<set> testPassed=<bool>") that the files are known to hold.
void run_folder(const std::string& folder, const std::string& mode, const std::string& revision, const counts& per_set) {
    const std::string dir = acvp_dir();
    const std::filesystem::path path = std::filesystem::path(dir) / folder;
    if (dir.empty() || !std::filesystem::exists(path / "prompt.json") ||
        !std::filesystem::exists(path / "expectedResults.json")) {
        const std::string why = dir.empty() ? std::string("QKDNQ_ACVP_DIR is not set")
                                            : "no prompt.json + expectedResults.json in " + path.string();
        std::printf("ML-DSA full ACVP %s: skipped (%s)\n", folder.c_str(), why.c_str());
        WARN("skipped: " << why);
        return;
    }
    const json_value prompt = qkdnq::test::read_json_file((path / "prompt.json").string());
    const json_value expected = qkdnq::test::read_json_file((path / "expectedResults.json").string());
    for (const auto* file : {&prompt, &expected}) {
        require_members(*file, {"vsId", "algorithm", "mode", "revision", "isSample", "testGroups"}, folder + " top level");
        REQUIRE(file->at("algorithm").str() == "ML-DSA");
        REQUIRE(file->at("mode").str() == mode);
        REQUIRE(file->at("revision").str() == revision);
    }
    REQUIRE(expected.at("vsId").integer() == prompt.at("vsId").integer());

    // expectedResults by tgId, then tcId.
    std::map<std::int64_t, std::map<std::int64_t, const json_value*>> results;
    for (const auto& g : expected.at("testGroups").array()) {
        require_members(g, {"tgId", "tests"}, "expectedResults.json group");
        auto& group = results[g.at("tgId").integer()];
        for (const auto& x : g.at("tests").array()) {
            REQUIRE(group.emplace(x.at("tcId").integer(), &x).second);
        }
    }

    counts labels, tally;
    std::size_t prompt_cases = 0, run = 0, expected_cases = 0;
    for (const auto& [tg, group] : results) expected_cases += group.size();
    const auto& groups = prompt.at("testGroups").array();
    REQUIRE(groups.size() == results.size());
    for (const auto& g : groups) {
        const auto tg_id = g.at("tgId").integer();
        const std::string set = g.at("parameterSet").str();
        INFO(folder << " tgId " << tg_id);
        const flavour f = flavour_of(mode, revision, g);
        const std::string label = set + "/" + f.label() + " tgId " + std::to_string(tg_id) + " " + g.at("testType").str();
        REQUIRE(results.count(tg_id) == 1);
        const auto& group_results = results.at(tg_id);
        const auto& tests = g.at("tests").array();
        REQUIRE(tests.size() == group_results.size());
        for (const auto& t : tests) {
            ++prompt_cases;
            const auto tc_id = t.at("tcId").integer();
            INFO(folder << " " << label << " tcId " << tc_id);
            REQUIRE(group_results.count(tc_id) == 1);
            const json_value& x = *group_results.at(tc_id);
            require_members(t, f.prompt_members(), "prompt.json case");
            require_members(x, f.expected_members(), "expectedResults.json case");
            with_set(set, [&](auto set_tag) {
                using P = typename decltype(set_tag)::type;
                run_case<P>(f, t, x, tally, set);
            });
            ++labels[label];
            ++tally[set];
            ++run;
        }
    }
    for (const auto& [label, n] : labels) {
        std::printf("ML-DSA full ACVP %s [%s]: %zu run, 0 skipped\n", folder.c_str(), label.c_str(), n);
    }
    for (const auto& [key, n] : tally) std::printf("ML-DSA full ACVP %s %s: %zu\n", folder.c_str(), key.c_str(), n);
    std::printf("ML-DSA full ACVP %s: %zu cases run of %zu in prompt.json (%zu in expectedResults.json)\n",
                folder.c_str(), run, prompt_cases, expected_cases);
    CHECK(run > 0);
    CHECK(run == prompt_cases);
    CHECK(run == expected_cases);
    CHECK(tally == per_set);
}

}  // namespace

// The case counts below come from the files themselves (ACVP-Server v1.1.0.43), computed with
//   python3 -c "import json,collections as c;[print(f,c.Counter(g['parameterSet'] for g in
//     json.load(open(f+'/prompt.json'))['testGroups'] for t in g['tests'])) for f in
//     ['ML-DSA-keyGen-FIPS204','ML-DSA-sigGen-FIPS204','ML-DSA-sigGen-FIPS204-tr1','ML-DSA-sigVer-FIPS204']]"
// and the same over expectedResults.json (testPassed per set) for sigVer:
//   keyGen 75 = 25 per set (1 group each); sigGen 360 = 120 per set (8 groups of 15: external
//   pure/preHash, internal/externalMu, each deterministic and rnd); sigGen-tr1 720 = 240 per set
//   (16 groups of 15: the same 8 with keyFormat seed and expanded); sigVer 180 = 60 per set
//   (4 groups of 15: 12 valid, 48 invalid). 1,335 cases in all.

TEST_CASE("ML-DSA full ACVP ML-DSA-keyGen-FIPS204 (if QKDNQ_ACVP_DIR is set)", "[pqc][ml_dsa][kat][acvp-full]") {
    run_folder("ML-DSA-keyGen-FIPS204", "keyGen", "FIPS204", {{"ML-DSA-44", 25}, {"ML-DSA-65", 25}, {"ML-DSA-87", 25}});
}
TEST_CASE("ML-DSA full ACVP ML-DSA-sigGen-FIPS204 (if QKDNQ_ACVP_DIR is set)", "[pqc][ml_dsa][kat][acvp-full]") {
    run_folder("ML-DSA-sigGen-FIPS204", "sigGen", "FIPS204", {{"ML-DSA-44", 120}, {"ML-DSA-65", 120}, {"ML-DSA-87", 120}});
}
TEST_CASE("ML-DSA full ACVP ML-DSA-sigGen-FIPS204-tr1 (if QKDNQ_ACVP_DIR is set)", "[pqc][ml_dsa][kat][acvp-full]") {
    run_folder("ML-DSA-sigGen-FIPS204-tr1", "sigGen", "FIPS204-tr1",
               {{"ML-DSA-44", 240}, {"ML-DSA-65", 240}, {"ML-DSA-87", 240}});
}
TEST_CASE("ML-DSA full ACVP ML-DSA-sigVer-FIPS204 (if QKDNQ_ACVP_DIR is set)", "[pqc][ml_dsa][kat][acvp-full]") {
    run_folder("ML-DSA-sigVer-FIPS204", "sigVer", "FIPS204",
               {{"ML-DSA-44", 60}, {"ML-DSA-65", 60}, {"ML-DSA-87", 60},
                {"ML-DSA-44 testPassed=true", 12}, {"ML-DSA-65 testPassed=true", 12}, {"ML-DSA-87 testPassed=true", 12},
                {"ML-DSA-44 testPassed=false", 48}, {"ML-DSA-65 testPassed=false", 48}, {"ML-DSA-87 testPassed=false", 48}});
}
