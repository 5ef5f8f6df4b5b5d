// Base64 (core/base64.hpp): RFC 4648 §10's test vectors, a round trip and a differential test
// against a plain table-driven reference on random data, and rejection of every malformed form
// (bad length, characters outside the alphabet, misplaced padding, non-zero pad bits).
#include <qkdnq/core/base64.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace {

// The textbook table-driven encoder, as the reference.
std::string reference_encode(const std::vector<std::uint8_t>& in) {
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, in.size() - i);
        std::uint32_t w = static_cast<std::uint32_t>(in[i]) << 16;
        if (n > 1) w |= static_cast<std::uint32_t>(in[i + 1]) << 8;
        if (n > 2) w |= in[i + 2];
        out.push_back(table[(w >> 18) & 63]);
        out.push_back(table[(w >> 12) & 63]);
        out.push_back(n > 1 ? table[(w >> 6) & 63] : '=');
        out.push_back(n > 2 ? table[w & 63] : '=');
    }
    return out;
}

std::string encode(const std::vector<std::uint8_t>& in) {
    const auto s = qkdnq::base64_encode(in);
    return std::string(s.begin(), s.end());
}

}  // namespace

TEST_CASE("base64: RFC 4648 section 10 test vectors", "[core][base64][kat]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, coded] : cases) {
        const std::vector<std::uint8_t> bytes(plain.begin(), plain.end());
        CHECK(encode(bytes) == coded);
        const auto back = qkdnq::base64_decode(coded);
        REQUIRE(back.ok());
        CHECK(std::vector<std::uint8_t>(back->begin(), back->end()) == bytes);
    }
}

TEST_CASE("base64: agrees with the table reference and round-trips on random data", "[core][base64]") {
    qkdnq::shake_drbg rng(std::uint64_t{64});
    for (std::size_t n = 0; n < 200; ++n) {
        std::vector<std::uint8_t> data(n);
        rng.fill(data);
        const std::string coded = encode(data);
        CHECK(coded == reference_encode(data));
        CHECK(coded.size() == qkdnq::base64_encoded_size(n));
        const auto back = qkdnq::base64_decode(coded);
        REQUIRE(back.ok());
        CHECK(std::vector<std::uint8_t>(back->begin(), back->end()) == data);
    }
    // Every 6-bit value maps to the alphabet and back.
    std::vector<std::uint8_t> all;
    for (int i = 0; i < 48; ++i) all.push_back(static_cast<std::uint8_t>(i * 16 + 3));
    CHECK(encode(all) == reference_encode(all));
}

TEST_CASE("base64: malformed input is refused", "[core][base64]") {
    for (const char* bad : {"Zg=", "Zg", "Z===", "====", "Zh==", "Zm9=", "Zm8=Zm8=", "Zm-v", "Zm9v\n", "Zm 9", "Zm9v====",
                            "=Zm9", "Z=m9", "Zg=A", "Zm9_"}) {
        INFO(bad);
        CHECK(qkdnq::base64_decode(bad).error() == qkdnq::status::malformed_message);
    }
}
