// shake_drbg: a seeded, deterministic random byte generator for simulations and tests.
//
// The stream is SHAKE256("qkdnq shake_drbg v1" || seed): anyone can reproduce it from the seed
// with any SHAKE256 (for example Python's hashlib.shake_256). An integer seed is its 8 bytes in
// little-endian order. It satisfies `qkdnq::random_generator`.
//
// Not for keys: a simulation's seed is public, so its output is too. Use `os_random` for secrets.
// (It lives in hash/ rather than core/ because it is built on SHAKE, and core depends on nothing.)
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/hash/shake.hpp>

#include <array>
#include <cstdint>
#include <span>

namespace qkdnq {

class shake_drbg {
public:
    static constexpr std::string_view domain = "qkdnq shake_drbg v1";

    explicit shake_drbg(bytes_view seed) {
        m_xof.absorb(as_bytes(domain));
        m_xof.absorb(seed);
    }
    explicit shake_drbg(std::uint64_t seed) {
        std::array<std::uint8_t, 8> bytes{};
        store_le64(bytes.data(), seed);
        m_xof.absorb(as_bytes(domain));
        m_xof.absorb(bytes);
    }

    // The next out.size() bytes of the stream.
    void fill(std::span<std::uint8_t> out) { m_xof.squeeze(out); }

private:
    shake256 m_xof;
};

}  // namespace qkdnq
