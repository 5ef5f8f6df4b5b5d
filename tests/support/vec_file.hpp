// Reader for the known-answer files in tests/vectors/<module>/*.vec.
//
// Format (after botan/src/tests/data): `#` starts a comment line; `[name]` opens a section;
// `key = value` lines form a record; a blank line ends the record. Each file's header comment
// names the vectors' source and the script that made the file.
#pragma once

#include <qkdnq/core/bytes.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef QKDNQ_VECTOR_DIR
#error "QKDNQ_VECTOR_DIR must name tests/vectors"
#endif

namespace qkdnq::test {

struct vec_record {
    std::string file;
    std::string section;
    std::size_t line = 0;  // line of the record's first key, for failure messages
    std::map<std::string, std::string> fields;

    [[nodiscard]] bool has(const std::string& key) const { return fields.count(key) != 0; }
    [[nodiscard]] const std::string& text(const std::string& key) const {
        auto it = fields.find(key);
        if (it == fields.end()) throw std::runtime_error(where() + ": no field '" + key + "'");
        return it->second;
    }
    [[nodiscard]] std::vector<std::uint8_t> hex(const std::string& key) const { return from_hex(text(key)); }
    [[nodiscard]] std::uint64_t number(const std::string& key) const { return std::stoull(text(key)); }
    [[nodiscard]] std::string where() const { return file + ":" + std::to_string(line) + " [" + section + "]"; }
};

// Reads every record of tests/vectors/<relative_path>. Throws if the file is missing or empty,
// so a vector test can never pass by reading nothing.
inline std::vector<vec_record> read_vec_file(const std::string& relative_path) {
    const std::string path = std::string(QKDNQ_VECTOR_DIR) + "/" + relative_path;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open vector file " + path);

    std::vector<vec_record> records;
    vec_record current;
    std::string section;
    std::string line;
    std::size_t line_number = 0;
    auto flush = [&] {
        if (!current.fields.empty()) records.push_back(std::move(current));
        current = vec_record{};
    };
    auto trim = [](std::string s) {
        const auto first = s.find_first_not_of(" \t\r");
        if (first == std::string::npos) return std::string{};
        const auto last = s.find_last_not_of(" \t\r");
        return s.substr(first, last - first + 1);
    };
    while (std::getline(in, line)) {
        ++line_number;
        line = trim(line);
        if (line.empty()) {
            flush();
            continue;
        }
        if (line[0] == '#') continue;
        if (line.front() == '[' && line.back() == ']') {
            flush();
            section = line.substr(1, line.size() - 2);
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string::npos) throw std::runtime_error(path + ":" + std::to_string(line_number) + ": no '='");
        if (current.fields.empty()) {
            current.file = relative_path;
            current.section = section;
            current.line = line_number;
        }
        current.fields[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
    }
    flush();
    if (records.empty()) throw std::runtime_error("vector file " + path + " has no records");
    return records;
}

// The records of one section, in file order.
inline std::vector<const vec_record*> records_in_section(const std::vector<vec_record>& records,
                                                         const std::string& name) {
    std::vector<const vec_record*> out;
    for (const auto& r : records) {
        if (r.section == name) out.push_back(&r);
    }
    return out;
}

}  // namespace qkdnq::test
