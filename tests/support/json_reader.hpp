// A small JSON reader for the tests (RFC 8259), used to read vector files such as NIST ACVP's
// prompt.json / expectedResults.json directly. Test-only: the library itself has no JSON.
//
// Parses into a tree of `json_value`. Numbers are kept as their literal text (`integer()`
// converts); strings are decoded (\uXXXX escapes, surrogate pairs included, become UTF-8).
// Objects keep their members in file order; `at(key)` finds the first member of that name.
// Malformed input throws std::runtime_error naming the byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace qkdnq::test {

struct json_value {
    enum class kind { null, boolean, number, string, array, object };

    kind type = kind::null;
    bool flag = false;               // boolean
    std::string text;                // number literal, or decoded string
    std::vector<std::string> keys;   // object: member names, parallel to `items`
    std::vector<json_value> items;   // array elements, or object member values

    [[nodiscard]] bool is(kind k) const { return type == k; }

    [[nodiscard]] const json_value* find(std::string_view key) const {
        expect(kind::object, "find");
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (keys[i] == key) return &items[i];
        }
        return nullptr;
    }
    [[nodiscard]] bool has(std::string_view key) const { return find(key) != nullptr; }
    [[nodiscard]] const json_value& at(std::string_view key) const {
        const json_value* v = find(key);
        if (v == nullptr) throw std::runtime_error("json: no member '" + std::string(key) + "'");
        return *v;
    }
    [[nodiscard]] const std::vector<json_value>& array() const {
        expect(kind::array, "array");
        return items;
    }
    [[nodiscard]] const std::string& str() const {
        expect(kind::string, "str");
        return text;
    }
    [[nodiscard]] bool boolean() const {
        expect(kind::boolean, "boolean");
        return flag;
    }
    [[nodiscard]] std::int64_t integer() const {
        expect(kind::number, "integer");
        std::size_t used = 0;
        const long long v = std::stoll(text, &used);
        if (used != text.size()) throw std::runtime_error("json: number '" + text + "' is not an integer");
        return v;
    }

private:
    void expect(kind k, const char* what) const {
        if (type != k) throw std::runtime_error(std::string("json: ") + what + "() on a value of another type");
    }
};

namespace detail_json {

class parser {
public:
    explicit parser(std::string_view text) : m_text(text) {}

    json_value document() {
        json_value v = value(0);
        skip_space();
        if (m_pos != m_text.size()) fail("trailing characters");
        return v;
    }

private:
    static constexpr int max_depth = 256;

    std::string_view m_text;
    std::size_t m_pos = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("json: " + what + " at byte " + std::to_string(m_pos));
    }
    [[nodiscard]] bool at_end() const { return m_pos >= m_text.size(); }
    [[nodiscard]] char peek() const { return at_end() ? '\0' : m_text[m_pos]; }
    char next() {
        if (at_end()) fail("unexpected end of input");
        return m_text[m_pos++];
    }
    void skip_space() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++m_pos;
    }
    void literal(std::string_view word) {
        if (m_text.substr(m_pos, word.size()) != word) fail("bad literal");
        m_pos += word.size();
    }

    json_value value(int depth) {
        if (depth > max_depth) fail("nesting too deep");
        skip_space();
        json_value v;
        const char c = peek();
        if (c == '{') {
            v.type = json_value::kind::object;
            ++m_pos;
            skip_space();
            if (peek() == '}') {
                ++m_pos;
                return v;
            }
            for (;;) {
                skip_space();
                if (peek() != '"') fail("expected a member name");
                v.keys.push_back(string_literal());
                skip_space();
                if (next() != ':') fail("expected ':'");
                v.items.push_back(value(depth + 1));
                skip_space();
                const char sep = next();
                if (sep == '}') break;
                if (sep != ',') fail("expected ',' or '}'");
            }
        } else if (c == '[') {
            v.type = json_value::kind::array;
            ++m_pos;
            skip_space();
            if (peek() == ']') {
                ++m_pos;
                return v;
            }
            for (;;) {
                v.items.push_back(value(depth + 1));
                skip_space();
                const char sep = next();
                if (sep == ']') break;
                if (sep != ',') fail("expected ',' or ']'");
            }
        } else if (c == '"') {
            v.type = json_value::kind::string;
            v.text = string_literal();
        } else if (c == 't') {
            literal("true");
            v.type = json_value::kind::boolean;
            v.flag = true;
        } else if (c == 'f') {
            literal("false");
            v.type = json_value::kind::boolean;
        } else if (c == 'n') {
            literal("null");
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v.type = json_value::kind::number;
            v.text = number();
        } else {
            fail("unexpected character");
        }
        return v;
    }

    static bool is_digit(char c) { return c >= '0' && c <= '9'; }

    std::string number() {
        const std::size_t start = m_pos;
        if (peek() == '-') ++m_pos;
        if (peek() == '0') {
            ++m_pos;
        } else if (is_digit(peek())) {
            while (is_digit(peek())) ++m_pos;
        } else {
            fail("bad number");
        }
        if (peek() == '.') {
            ++m_pos;
            if (!is_digit(peek())) fail("bad fraction");
            while (is_digit(peek())) ++m_pos;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-') ++m_pos;
            if (!is_digit(peek())) fail("bad exponent");
            while (is_digit(peek())) ++m_pos;
        }
        return std::string(m_text.substr(start, m_pos - start));
    }

    std::uint32_t hex4() {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = next();
            std::uint32_t d = 0;
            if (c >= '0' && c <= '9') d = static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') d = static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
            else fail("bad \\u escape");
            v = (v << 4) | d;
        }
        return v;
    }

    static void put_utf8(std::string& out, std::uint32_t cp) {
        auto byte = [&](std::uint32_t b) { out.push_back(static_cast<char>(static_cast<unsigned char>(b))); };
        if (cp < 0x80) {
            byte(cp);
        } else if (cp < 0x800) {
            byte(0xC0 | (cp >> 6));
            byte(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            byte(0xE0 | (cp >> 12));
            byte(0x80 | ((cp >> 6) & 0x3F));
            byte(0x80 | (cp & 0x3F));
        } else {
            byte(0xF0 | (cp >> 18));
            byte(0x80 | ((cp >> 12) & 0x3F));
            byte(0x80 | ((cp >> 6) & 0x3F));
            byte(0x80 | (cp & 0x3F));
        }
    }

    std::string string_literal() {
        if (next() != '"') fail("expected '\"'");
        std::string out;
        for (;;) {
            const char c = next();
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            switch (next()) {
                case '"': out.push_back('"'); break;
                case '\\': out.push_back('\\'); break;
                case '/': out.push_back('/'); break;
                case 'b': out.push_back('\b'); break;
                case 'f': out.push_back('\f'); break;
                case 'n': out.push_back('\n'); break;
                case 'r': out.push_back('\r'); break;
                case 't': out.push_back('\t'); break;
                case 'u': {
                    std::uint32_t cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: a low one must follow
                        if (next() != '\\' || next() != 'u') fail("unpaired surrogate");
                        const std::uint32_t low = hex4();
                        if (low < 0xDC00 || low >= 0xE000) fail("unpaired surrogate");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp < 0xE000) {
                        fail("unpaired surrogate");
                    }
                    put_utf8(out, cp);
                    break;
                }
                default: fail("bad escape");
            }
        }
    }
};

}  // namespace detail_json

inline json_value parse_json(std::string_view text) { return detail_json::parser(text).document(); }

// Reads and parses a whole file; throws std::runtime_error if it cannot be opened or parsed.
inline json_value read_json_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open JSON file " + path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    try {
        return parse_json(buffer.str());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

}  // namespace qkdnq::test
