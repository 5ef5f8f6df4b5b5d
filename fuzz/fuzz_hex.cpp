// from_hex on arbitrary text: either a clear qkdnq::invalid_argument, or bytes that to_hex turns
// back into the same text (lower-cased).
#include "driver.hpp"

#include <qkdnq/core/bytes.hpp>

#include <cctype>
#include <string>
#include <string_view>

void fuzz(std::span<const std::uint8_t> input) {
    const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
    try {
        const auto bytes = qkdnq::from_hex(text);
        fuzz_check(bytes.size() * 2 == text.size(), "from_hex output length");
        std::string lower(text);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        fuzz_check(qkdnq::to_hex(bytes) == lower, "to_hex(from_hex(text)) == lower(text)");
    } catch (const qkdnq::invalid_argument&) {
        bool valid = text.size() % 2 == 0;
        for (char c : text) valid = valid && std::isxdigit(static_cast<unsigned char>(c));
        fuzz_check(!valid, "from_hex rejected valid hex");
    }
}
