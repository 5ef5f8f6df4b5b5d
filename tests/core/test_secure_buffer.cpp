#include <qkdnq/core/secure_buffer.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <optional>
#include <vector>

// Replaced global allocation functions (a replaceable-function feature of C++), so the test can
// look at a block at the moment it is handed back to the heap. AddressSanitizer brings its own
// operator new and delete, which mix badly with these; under it the two heap tests are skipped
// (the native and scalar builds run them).
#if defined(__SANITIZE_ADDRESS__)
#define QKDNQ_TEST_HEAP_HOOKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QKDNQ_TEST_HEAP_HOOKS 0
#endif
#endif
#ifndef QKDNQ_TEST_HEAP_HOOKS
#define QKDNQ_TEST_HEAP_HOOKS 1
#endif

namespace {
const void* g_watched = nullptr;
std::size_t g_watched_size = 0;
bool g_watched_was_zero = false;
bool g_watched_freed = false;

[[maybe_unused]] void inspect_before_free(void* p) noexcept {
    if (p != nullptr && p == g_watched) {
        const auto* bytes = static_cast<const std::uint8_t*>(p);
        g_watched_was_zero = std::all_of(bytes, bytes + g_watched_size, [](std::uint8_t b) { return b == 0; });
        g_watched_freed = true;
        g_watched = nullptr;
    }
}
}  // namespace

#if QKDNQ_TEST_HEAP_HOOKS
// noinline: were malloc and free visible, GCC would warn that new and delete do not match.
[[gnu::noinline]] void* operator new(std::size_t size) {
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
    inspect_before_free(p);
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
    inspect_before_free(p);
    std::free(p);
}

#endif

TEST_CASE("secure_zero wipes memory", "[core][secure]") {
    std::uint8_t buffer[37];
    std::fill(std::begin(buffer), std::end(buffer), std::uint8_t{0xa5});
    qkdnq::secure_zero(buffer, sizeof buffer);
    CHECK(std::all_of(std::begin(buffer), std::end(buffer), [](std::uint8_t b) { return b == 0; }));
    qkdnq::secure_zero(nullptr, 0);  // a no-op
}

TEST_CASE("secure_bytes wipes its block before the heap gets it back", "[core][secure]") {
    if (!QKDNQ_TEST_HEAP_HOOKS) {
        WARN("skipped under AddressSanitizer");
        return;
    }
    std::optional<qkdnq::secure_bytes> bytes(std::in_place, 256, std::uint8_t{0xa5});
    g_watched = bytes->data();
    g_watched_size = bytes->size();
    g_watched_freed = false;
    bytes.reset();
    REQUIRE(g_watched_freed);
    CHECK(g_watched_was_zero);

    // Growing moves the contents to a new block and wipes the old one.
    qkdnq::secure_bytes grown(100, 0x11);
    g_watched = grown.data();
    g_watched_size = 100;
    g_watched_freed = false;
    grown.resize(10000, 0x22);
    REQUIRE(g_watched_freed);
    CHECK(g_watched_was_zero);
    CHECK(grown[0] == 0x11);
    CHECK(grown[9999] == 0x22);
}

TEST_CASE("a plain std::vector does not wipe (so the test above can fail)", "[core][secure]") {
    if (!QKDNQ_TEST_HEAP_HOOKS) {
        WARN("skipped under AddressSanitizer");
        return;
    }
    std::optional<std::vector<std::uint8_t>> bytes(std::in_place, 256, std::uint8_t{0xa5});
    g_watched = bytes->data();
    g_watched_size = bytes->size();
    g_watched_freed = false;
    bytes.reset();
    REQUIRE(g_watched_freed);
    CHECK_FALSE(g_watched_was_zero);
}

TEST_CASE("secure_array wipes itself when destroyed", "[core][secure]") {
    alignas(qkdnq::secure_array<32>) unsigned char storage[sizeof(qkdnq::secure_array<32>)];
    auto* key = new (storage) qkdnq::secure_array<32>;
    CHECK(std::all_of(key->data(), key->data() + 32, [](std::uint8_t b) { return b == 0; }));
    std::fill(key->data(), key->data() + 32, std::uint8_t{0x3c});
    const auto copy = *key;
    CHECK(copy[31] == 0x3c);
    key->~secure_array();
    CHECK(std::all_of(std::begin(storage), std::end(storage), [](unsigned char b) { return b == 0; }));
}
