// SHA-256 compression function, plain C++ reference (FIPS 180-4 §6.2.2).
//
// This is the reference every SIMD/ISA path is tested against (detail/sha256_shani.hpp); it is
// never removed. It has no table lookups or branches on the data, so it runs in constant time.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace qkdnq::detail {

// FIPS 180-4 §4.2.2: the 64 SHA-224/256 round constants.
inline constexpr std::array<std::uint32_t, 64> sha256_round_constants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// One round of FIPS 180-4 §6.2.2 step 3 with the working variables renamed instead of moved: the
// caller rotates the argument list, so only `d` (which becomes e) and `h` (which becomes a) change.
// `kw` is K_t + W_t.
inline void sha256_round(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t& d,
                         std::uint32_t e, std::uint32_t f, std::uint32_t g, std::uint32_t& h,
                         std::uint32_t kw) noexcept {
    // T1 = h + Sigma1(e) + Ch(e,f,g) + K_t + W_t (§4.1.2 (4.2), (4.5))
    const std::uint32_t t1 = h + (std::rotr(e, 6) ^ std::rotr(e, 11) ^ std::rotr(e, 25)) + ((e & f) ^ (~e & g)) + kw;
    // T2 = Sigma0(a) + Maj(a,b,c) (§4.1.2 (4.3), (4.4))
    const std::uint32_t t2 = (std::rotr(a, 2) ^ std::rotr(a, 13) ^ std::rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    d += t1;       // e = d + T1
    h = t1 + t2;   // a = T1 + T2
}

// Runs the compression function over every 64-byte block of `blocks` (whose size must be a
// multiple of 64), updating the eight-word hash value `state` (H0..H7 of FIPS 180-4 §6.2.2).
inline void sha256_compress_scalar(std::span<std::uint32_t, 8> state, bytes_view blocks) noexcept {
    std::array<std::uint32_t, 64> w;  // the message schedule W_0..W_63
    const auto& k = sha256_round_constants;

    for (std::size_t offset = 0; offset + 64 <= blocks.size(); offset += 64) {
        const std::uint8_t* block = blocks.data() + offset;
        // FIPS 180-4 §6.2.2 step 1: W_t = M_t for t < 16, then
        // W_t = sigma1(W_{t-2}) + W_{t-7} + sigma0(W_{t-15}) + W_{t-16} (§4.1.2 (4.6), (4.7)).
        for (std::size_t t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
        for (std::size_t t = 16; t < 64; ++t) {
            const std::uint32_t s0 = std::rotr(w[t - 15], 7) ^ std::rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            const std::uint32_t s1 = std::rotr(w[t - 2], 17) ^ std::rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = s1 + w[t - 7] + s0 + w[t - 16];
        }
        // Step 2: a..h = H0..H7.
        std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        std::uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        // Step 3: 64 rounds, eight at a time so the variables return to their names.
        for (std::size_t t = 0; t < 64; t += 8) {
            sha256_round(a, b, c, d, e, f, g, h, k[t] + w[t]);
            sha256_round(h, a, b, c, d, e, f, g, k[t + 1] + w[t + 1]);
            sha256_round(g, h, a, b, c, d, e, f, k[t + 2] + w[t + 2]);
            sha256_round(f, g, h, a, b, c, d, e, k[t + 3] + w[t + 3]);
            sha256_round(e, f, g, h, a, b, c, d, k[t + 4] + w[t + 4]);
            sha256_round(d, e, f, g, h, a, b, c, k[t + 5] + w[t + 5]);
            sha256_round(c, d, e, f, g, h, a, b, k[t + 6] + w[t + 6]);
            sha256_round(b, c, d, e, f, g, h, a, k[t + 7] + w[t + 7]);
        }
        // Step 4: H_i = a..h + H_i.
        state[0] += a, state[1] += b, state[2] += c, state[3] += d;
        state[4] += e, state[5] += f, state[6] += g, state[7] += h;
    }
    secure_zero(w.data(), sizeof w);  // the schedule is derived from (possibly secret) data
}

}  // namespace qkdnq::detail
