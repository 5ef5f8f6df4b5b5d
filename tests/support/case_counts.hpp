// The "no case silently skipped" check for converted vector sets (Wycheproof): the .vec file's
// `[expected]` records give each source file's numberOfTests, the test also knows the counts
// itself, and every case must have run and been classified valid or invalid.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <map>
#include <string>

namespace qkdnq::test {

// `Tally` has `run`, `valid` and `invalid` counts. `expected` maps "<name>/<kind>" to the count the
// .vec file records; `source_counts` maps "<kind>" to the count the test knows.
template <class Tally>
void require_every_case_ran(const std::string& name, const std::map<std::string, std::size_t>& expected,
                            const std::map<std::string, std::size_t>& source_counts,
                            std::map<std::string, Tally>& tallies) {
    REQUIRE(expected.size() == source_counts.size());
    for (const auto& [kind, n] : source_counts) {
        const std::string section = name + "/" + kind;
        INFO(section);
        REQUIRE(expected.count(section) == 1);
        CHECK(expected.at(section) == n);
        CHECK(tallies[section].run == n);
        CHECK(tallies[section].valid + tallies[section].invalid == n);
    }
    CHECK(tallies.size() == source_counts.size());
}

}  // namespace qkdnq::test
