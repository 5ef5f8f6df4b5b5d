// The shared libFuzzer driver (botan/src/fuzzer/fuzzers.h): each target file includes this header
// and defines only
//
//     void fuzz(std::span<const std::uint8_t> input);
//
// which must accept any input. `fuzz_check` aborts with a message when a property fails, so both
// libFuzzer and the replay main (replay_main.cpp) report it as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#ifndef QKDNQ_FUZZ_MAX_INPUT
#define QKDNQ_FUZZ_MAX_INPUT 65536
#endif

void fuzz(std::span<const std::uint8_t> input);

inline void fuzz_check(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz property failed: %s\n", what);
        std::abort();
    }
}

// True iff f() throws an E (any other exception propagates and is reported as a crash).
template <class E, class F>
bool fuzz_throws(F&& f) {
    try {
        f();
    } catch (const E&) {
        return true;
    }
    return false;
}

// Reads the fuzz input front to back, handing out lengths and byte strings; past the end it
// yields zeros and empty strings, so every input is valid.
class fuzz_reader {
public:
    explicit fuzz_reader(std::span<const std::uint8_t> input) : m_input(input) {}

    std::uint8_t byte() { return m_pos < m_input.size() ? m_input[m_pos++] : 0; }
    std::uint16_t u16() { return static_cast<std::uint16_t>(byte() | (byte() << 8)); }
    std::span<const std::uint8_t> bytes(std::size_t n) {
        n = n < remaining() ? n : remaining();
        auto out = m_input.subspan(m_pos, n);
        m_pos += n;
        return out;
    }
    std::span<const std::uint8_t> rest() { return bytes(remaining()); }
    [[nodiscard]] std::size_t remaining() const { return m_input.size() - m_pos; }

private:
    std::span<const std::uint8_t> m_input;
    std::size_t m_pos = 0;
};

// A copy of a genuine message altered by the input: a u16 position, a byte giving 1 to 8 mask
// bytes XORed in from there (wrapping), then maybe (odd byte) cut by a byte's worth of bytes.
inline std::vector<std::uint8_t> altered_copy(const std::vector<std::uint8_t>& genuine, fuzz_reader& in) {
    std::vector<std::uint8_t> copy = genuine;
    const std::size_t at = in.u16();
    const auto mask = in.bytes(in.byte() % 8 + 1);
    for (std::size_t i = 0; i < mask.size() && !copy.empty(); ++i) copy[(at + i) % copy.size()] ^= mask[i];
    if (in.byte() & 1) copy.resize(copy.size() - (copy.empty() ? 0 : in.byte() % copy.size()));
    return copy;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size <= QKDNQ_FUZZ_MAX_INPUT) fuzz(std::span<const std::uint8_t>(data, size));
    return 0;
}
