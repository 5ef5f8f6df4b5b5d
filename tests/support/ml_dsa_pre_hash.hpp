// The HashML-DSA pre-hash functions by their NIST ACVP names (the `hashAlg` field of the sigGen and
// sigVer cases), for the ML-DSA tests that read ACVP vectors: test_ml_dsa.cpp (compact set) and
// test_ml_dsa_acvp_full.cpp (full folders).
#pragma once

#include <qkdnq/pqc/ml_dsa.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <string>

namespace qkdnq::test {

// ACVP name -> qkdnq::ml_dsa_pre_hash, one entry for each of the twelve functions of the enum.
inline const std::map<std::string, ml_dsa_pre_hash>& ml_dsa_pre_hash_names() {
    static const std::map<std::string, ml_dsa_pre_hash> names = {
        {"SHA2-224", ml_dsa_pre_hash::sha2_224},         {"SHA2-256", ml_dsa_pre_hash::sha2_256},
        {"SHA2-384", ml_dsa_pre_hash::sha2_384},         {"SHA2-512", ml_dsa_pre_hash::sha2_512},
        {"SHA2-512/224", ml_dsa_pre_hash::sha2_512_224}, {"SHA2-512/256", ml_dsa_pre_hash::sha2_512_256},
        {"SHA3-224", ml_dsa_pre_hash::sha3_224},         {"SHA3-256", ml_dsa_pre_hash::sha3_256},
        {"SHA3-384", ml_dsa_pre_hash::sha3_384},         {"SHA3-512", ml_dsa_pre_hash::sha3_512},
        {"SHAKE-128", ml_dsa_pre_hash::shake128},        {"SHAKE-256", ml_dsa_pre_hash::shake256},
    };
    return names;
}

// The pre-hash function an ACVP `hashAlg` names; an unknown name fails the running test case.
inline ml_dsa_pre_hash ml_dsa_pre_hash_of(const std::string& name) {
    const auto& names = ml_dsa_pre_hash_names();
    const auto it = names.find(name);
    if (it == names.end()) FAIL("unknown hashAlg " << name);
    return it->second;
}

}  // namespace qkdnq::test
