// Randomness is injected: every API that needs random bytes takes a generator.
//
// A generator is any object with `fill(std::span<std::uint8_t>)`. `os_random` reads the
// kernel's CSPRNG (getrandom(2)); `shake_drbg` (hash/shake_drbg.hpp) is seeded and
// deterministic, for simulations and tests that must be reproducible from their seed.
#pragma once

#include <qkdnq/core/error.hpp>

#include <cerrno>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#if defined(__linux__)
#include <sys/random.h>
#endif

namespace qkdnq {

template <class G>
concept random_generator = requires(G& g, std::span<std::uint8_t> out) {
    { g.fill(out) };
};

// The operating system's cryptographic random number generator.
class os_random {
public:
    // Fills `out` with random bytes. Throws `qkdnq::error` if the kernel cannot supply them.
    void fill(std::span<std::uint8_t> out) {
#if defined(__linux__)
        std::size_t done = 0;
        while (done < out.size()) {
            const ssize_t got = ::getrandom(out.data() + done, out.size() - done, 0);
            if (got < 0) {
                if (errno == EINTR) continue;
                throw error(std::string("qkdnq::os_random::fill: getrandom failed: ") + std::strerror(errno));
            }
            done += static_cast<std::size_t>(got);
        }
#else
#error "qkdnq::os_random needs getrandom(2); port it for this platform"
#endif
    }
};

// A uniformly random 64-bit word from `g`.
template <random_generator G>
[[nodiscard]] std::uint64_t random_u64(G& g) {
    std::uint8_t bytes[8];
    g.fill(bytes);
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
    return value;
}

// A uniformly random integer in [0, bound), by rejection (no modulo bias). For public values
// only (simulation, sampling positions): its running time depends on the draws.
template <random_generator G>
[[nodiscard]] std::uint64_t random_below(G& g, std::uint64_t bound) {
    if (bound == 0) throw invalid_argument("qkdnq::random_below: argument 'bound' must be positive");
    const std::uint64_t limit = bound * (UINT64_MAX / bound);  // largest multiple of bound, exclusive
    for (;;) {
        const std::uint64_t x = random_u64(g);
        if (x < limit) return x % bound;
    }
}

}  // namespace qkdnq
