// A small JSON (RFC 8259) reader and writer for the library's public protocol objects: the
// ETSI GS QKD 014 request and response bodies (relay/etsi014.hpp). Not a general-purpose JSON
// library: numbers keep their text, objects keep their order, and inputs are bounded.
//
//   auto doc = qkdnq::json::parse(R"({"number": 2, "size": 256})");
//   if (!doc) ...                                   // status::malformed_message
//   if (const auto* n = doc->find("number")) n->as_uint64();   // std::optional<std::uint64_t>
//
// The parser accepts exactly RFC 8259's grammar (no comments, no trailing commas, no leading
// zeros, no lone surrogates, valid UTF-8 only) and refuses duplicate object keys, nesting deeper
// than 32 and inputs longer than parse_limits::max_bytes.
#pragma once

#include <qkdnq/core/error.hpp>
#include <qkdnq/core/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qkdnq::json {

enum class kind : std::uint8_t { null, boolean, number, string, array, object };

class value {
public:
    using array_type = std::vector<value>;
    using member = std::pair<std::string, value>;
    using object_type = std::vector<member>;

    value() = default;  // null
    static value boolean(bool b) { value v(kind::boolean); v.m_bool = b; return v; }
    static value number_text(std::string text) { value v(kind::number); v.m_text = std::move(text); return v; }
    static value number(std::uint64_t n) { return number_text(std::to_string(n)); }
    static value string(std::string s) { value v(kind::string); v.m_text = std::move(s); return v; }
    static value array(array_type a = {}) { value v(kind::array); v.m_array = std::move(a); return v; }
    static value object(object_type o = {}) { value v(kind::object); v.m_object = std::move(o); return v; }

    [[nodiscard]] kind type() const noexcept { return m_kind; }
    [[nodiscard]] bool is_null() const noexcept { return m_kind == kind::null; }
    [[nodiscard]] bool is_string() const noexcept { return m_kind == kind::string; }
    [[nodiscard]] bool is_number() const noexcept { return m_kind == kind::number; }
    [[nodiscard]] bool is_array() const noexcept { return m_kind == kind::array; }
    [[nodiscard]] bool is_object() const noexcept { return m_kind == kind::object; }
    [[nodiscard]] bool is_boolean() const noexcept { return m_kind == kind::boolean; }

    // A non-negative integer written without fraction or exponent that fits 64 bits; otherwise
    // nothing (also for other kinds).
    [[nodiscard]] std::optional<std::uint64_t> as_uint64() const noexcept {
        if (m_kind != kind::number || m_text.empty() || m_text.size() > 20) return std::nullopt;
        std::uint64_t n = 0;
        for (const char c : m_text) {
            if (c < '0' || c > '9') return std::nullopt;
            const auto d = static_cast<std::uint64_t>(c - '0');
            if (n > (UINT64_MAX - d) / 10) return std::nullopt;
            n = n * 10 + d;
        }
        return n;
    }
    // The text of a number or string; the accessors below throw invalid_state on another kind.
    [[nodiscard]] const std::string& text() const {
        require(m_kind == kind::number || m_kind == kind::string, "a number or string");
        return m_text;
    }
    [[nodiscard]] bool as_bool() const { require(m_kind == kind::boolean, "a boolean"); return m_bool; }
    [[nodiscard]] const array_type& as_array() const { require(m_kind == kind::array, "an array"); return m_array; }
    [[nodiscard]] const object_type& as_object() const { require(m_kind == kind::object, "an object"); return m_object; }
    [[nodiscard]] object_type& as_object() { require(m_kind == kind::object, "an object"); return m_object; }
    [[nodiscard]] array_type& as_array() { require(m_kind == kind::array, "an array"); return m_array; }

    // The member named `key` of an object, or nullptr (also for other kinds).
    [[nodiscard]] const value* find(std::string_view key) const noexcept {
        if (m_kind != kind::object) return nullptr;
        for (const auto& [k, v] : m_object) {
            if (k == key) return &v;
        }
        return nullptr;
    }

    // Appends a member to an object (no duplicate check: the writer's caller owns the names).
    value& add(std::string key, value v) {
        require(m_kind == kind::object, "an object");
        m_object.emplace_back(std::move(key), std::move(v));
        return *this;
    }

    friend bool operator==(const value& a, const value& b) {
        return a.m_kind == b.m_kind && a.m_bool == b.m_bool && a.m_text == b.m_text && a.m_array == b.m_array &&
               a.m_object == b.m_object;
    }

private:
    explicit value(kind k) : m_kind(k) {}
    void require(bool ok, const char* what) const {
        if (!ok) detail::throw_invalid_state("qkdnq::json::value", std::string("the value is not ") + what);
    }

    kind m_kind = kind::null;
    bool m_bool = false;
    std::string m_text;  // a number's lexeme or a string's (unescaped) content
    array_type m_array;
    object_type m_object;
};

struct parse_limits {
    std::size_t max_bytes = std::size_t{1} << 20;
    std::size_t max_depth = 32;
};

namespace detail {

class parser {
public:
    parser(std::string_view text, parse_limits limits) : m_text(text), m_limits(limits) {}

    bool document(value& out) {
        skip_space();
        if (!parse_value(out, 0)) return false;
        skip_space();
        return m_pos == m_text.size();
    }

private:
    [[nodiscard]] bool at_end() const noexcept { return m_pos >= m_text.size(); }
    [[nodiscard]] char peek() const noexcept { return at_end() ? '\0' : m_text[m_pos]; }
    void skip_space() noexcept {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++m_pos;
    }
    bool literal(std::string_view word) noexcept {
        if (m_text.substr(m_pos, word.size()) != word) return false;
        m_pos += word.size();
        return true;
    }

    bool parse_value(value& out, std::size_t depth) {
        if (depth >= m_limits.max_depth) return false;  // max_depth levels of nesting
        switch (peek()) {
            case '{': return parse_object(out, depth);
            case '[': return parse_array(out, depth);
            case '"': {
                std::string s;
                if (!parse_string(s)) return false;
                out = value::string(std::move(s));
                return true;
            }
            case 't': out = value::boolean(true); return literal("true");
            case 'f': out = value::boolean(false); return literal("false");
            case 'n': out = value(); return literal("null");
            default: return parse_number(out);
        }
    }

    bool parse_object(value& out, std::size_t depth) {
        ++m_pos;  // '{'
        value::object_type members;
        skip_space();
        if (peek() == '}') {
            ++m_pos;
            out = value::object(std::move(members));
            return true;
        }
        for (;;) {
            skip_space();
            std::string key;
            if (peek() != '"' || !parse_string(key)) return false;
            for (const auto& m : members) {
                if (m.first == key) return false;  // duplicate names: refused (RFC 8259 §4 leaves them undefined)
            }
            skip_space();
            if (peek() != ':') return false;
            ++m_pos;
            skip_space();
            value v;
            if (!parse_value(v, depth + 1)) return false;
            members.emplace_back(std::move(key), std::move(v));
            skip_space();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() != '}') return false;
            ++m_pos;
            out = value::object(std::move(members));
            return true;
        }
    }

    bool parse_array(value& out, std::size_t depth) {
        ++m_pos;  // '['
        value::array_type items;
        skip_space();
        if (peek() == ']') {
            ++m_pos;
            out = value::array(std::move(items));
            return true;
        }
        for (;;) {
            skip_space();
            value v;
            if (!parse_value(v, depth + 1)) return false;
            items.push_back(std::move(v));
            skip_space();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() != ']') return false;
            ++m_pos;
            out = value::array(std::move(items));
            return true;
        }
    }

    // RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    bool parse_number(value& out) {
        const std::size_t start = m_pos;
        auto digits = [&] {
            const std::size_t from = m_pos;
            while (!at_end() && peek() >= '0' && peek() <= '9') ++m_pos;
            return m_pos > from;
        };
        if (peek() == '-') ++m_pos;
        if (peek() == '0') {
            ++m_pos;
        } else if (!digits()) {
            return false;
        }
        if (peek() == '.') {
            ++m_pos;
            if (!digits()) return false;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-') ++m_pos;
            if (!digits()) return false;
        }
        out = value::number_text(std::string(m_text.substr(start, m_pos - start)));
        return true;
    }

    static void append_utf8(std::string& s, std::uint32_t cp) {
        if (cp < 0x80) {
            s.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            s.push_back(static_cast<char>(0xc0 | (cp >> 6)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            s.push_back(static_cast<char>(0xe0 | (cp >> 12)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        } else {
            s.push_back(static_cast<char>(0xf0 | (cp >> 18)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
            s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
        }
    }

    bool hex4(std::uint32_t& cp) {
        if (m_text.size() - m_pos < 4) return false;
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_text[m_pos++];
            std::uint32_t d;
            if (c >= '0' && c <= '9') d = static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') d = static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
            else return false;
            cp = (cp << 4) | d;
        }
        return true;
    }

    // One UTF-8 sequence copied as is, checked (RFC 3629 §4: no overlongs, no surrogates, <= U+10FFFF).
    bool utf8_sequence(std::string& s) {
        const auto b0 = static_cast<unsigned char>(m_text[m_pos]);
        std::size_t n;
        std::uint32_t cp, min;
        if (b0 >= 0xc2 && b0 <= 0xdf) { n = 2; cp = b0 & 0x1fu; min = 0x80; }
        else if (b0 >= 0xe0 && b0 <= 0xef) { n = 3; cp = b0 & 0x0fu; min = 0x800; }
        else if (b0 >= 0xf0 && b0 <= 0xf4) { n = 4; cp = b0 & 0x07u; min = 0x10000; }
        else return false;
        if (m_text.size() - m_pos < n) return false;
        for (std::size_t i = 1; i < n; ++i) {
            const auto b = static_cast<unsigned char>(m_text[m_pos + i]);
            if ((b & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        s.append(m_text.substr(m_pos, n));
        m_pos += n;
        return true;
    }

    bool parse_string(std::string& s) {
        ++m_pos;  // '"'
        for (;;) {
            if (at_end()) return false;
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20) return false;  // §7: control characters must be escaped
            if (c >= 0x80) {
                if (!utf8_sequence(s)) return false;
                continue;
            }
            ++m_pos;
            if (c != '\\') {
                s.push_back(static_cast<char>(c));
                continue;
            }
            if (at_end()) return false;
            const char e = m_text[m_pos++];
            switch (e) {
                case '"': s.push_back('"'); break;
                case '\\': s.push_back('\\'); break;
                case '/': s.push_back('/'); break;
                case 'b': s.push_back('\b'); break;
                case 'f': s.push_back('\f'); break;
                case 'n': s.push_back('\n'); break;
                case 'r': s.push_back('\r'); break;
                case 't': s.push_back('\t'); break;
                case 'u': {
                    std::uint32_t cp;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xdc00 && cp <= 0xdfff) return false;  // a lone low surrogate
                    if (cp >= 0xd800 && cp <= 0xdbff) {               // §7: a surrogate pair
                        std::uint32_t low;
                        if (!literal("\\u") || !hex4(low) || low < 0xdc00 || low > 0xdfff) return false;
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                    }
                    append_utf8(s, cp);
                    break;
                }
                default: return false;
            }
        }
    }

    std::string_view m_text;
    parse_limits m_limits;
    std::size_t m_pos = 0;
};

inline void write_string(std::string& out, std::string_view s) {
    constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out.push_back(hex[c >> 4]);
                    out.push_back(hex[c & 0x0f]);
                } else {
                    out.push_back(ch);
                }
        }
    }
    out.push_back('"');
}

}  // namespace detail

// Parses one JSON text. status::malformed_message for anything RFC 8259 does not allow, a
// duplicate object name, or an input over the limits.
[[nodiscard]] inline result<value> parse(std::string_view text, parse_limits limits = {}) {
    if (text.size() > limits.max_bytes) return status::malformed_message;
    value v;
    detail::parser p(text, limits);
    if (!p.document(v)) return status::malformed_message;
    return v;
}

// Compact serialisation (no spaces), members in their stored order. Strings are written as
// UTF-8 with the escapes RFC 8259 §7 requires.
inline void write(const value& v, std::string& out) {
    switch (v.type()) {
        case kind::null: out += "null"; return;
        case kind::boolean: out += v.as_bool() ? "true" : "false"; return;
        case kind::number: out += v.text(); return;
        case kind::string: detail::write_string(out, v.text()); return;
        case kind::array: {
            out.push_back('[');
            bool first = true;
            for (const auto& item : v.as_array()) {
                if (!first) out.push_back(',');
                first = false;
                write(item, out);
            }
            out.push_back(']');
            return;
        }
        case kind::object: {
            out.push_back('{');
            bool first = true;
            for (const auto& [k, item] : v.as_object()) {
                if (!first) out.push_back(',');
                first = false;
                detail::write_string(out, k);
                out.push_back(':');
                write(item, out);
            }
            out.push_back('}');
            return;
        }
    }
}

[[nodiscard]] inline std::string to_string(const value& v) {
    std::string out;
    write(v, out);
    return out;
}

}  // namespace qkdnq::json
