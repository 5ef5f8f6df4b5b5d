// SHA-512 compression function, plain C++ reference (FIPS 180-4 §6.4.2); SHA-384 uses it too.
//
// No table lookups or branches on the data: it runs in constant time.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace qkdnq::detail {

// FIPS 180-4 §4.2.3: the 80 SHA-384/512 round constants.
inline constexpr std::array<std::uint64_t, 80> sha512_round_constants = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
    0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
    0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
    0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
    0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
    0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
    0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
    0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
    0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
    0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
    0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
    0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
    0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};

// One round of FIPS 180-4 §6.4.2 step 3 with the working variables renamed instead of moved (see
// sha256_round). `kw` is K_t + W_t.
inline void sha512_round(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t& d,
                         std::uint64_t e, std::uint64_t f, std::uint64_t g, std::uint64_t& h,
                         std::uint64_t kw) noexcept {
    // T1 = h + Sigma1(e) + Ch(e,f,g) + K_t + W_t (§4.1.3 (4.8), (4.11))
    const std::uint64_t t1 = h + (std::rotr(e, 14) ^ std::rotr(e, 18) ^ std::rotr(e, 41)) + ((e & f) ^ (~e & g)) + kw;
    // T2 = Sigma0(a) + Maj(a,b,c) (§4.1.3 (4.9), (4.10))
    const std::uint64_t t2 = (std::rotr(a, 28) ^ std::rotr(a, 34) ^ std::rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
    d += t1;      // e = d + T1
    h = t1 + t2;  // a = T1 + T2
}

// Runs the compression function over every 128-byte block of `blocks` (whose size must be a
// multiple of 128), updating the eight-word hash value `state` (H0..H7 of FIPS 180-4 §6.4.2).
inline void sha512_compress_scalar(std::span<std::uint64_t, 8> state, bytes_view blocks) noexcept {
    std::array<std::uint64_t, 80> w;  // the message schedule W_0..W_79
    const auto& k = sha512_round_constants;

    for (std::size_t offset = 0; offset + 128 <= blocks.size(); offset += 128) {
        const std::uint8_t* block = blocks.data() + offset;
        // FIPS 180-4 §6.4.2 step 1: W_t = M_t for t < 16, then
        // W_t = sigma1(W_{t-2}) + W_{t-7} + sigma0(W_{t-15}) + W_{t-16} (§4.1.3 (4.12), (4.13)).
        for (std::size_t t = 0; t < 16; ++t) w[t] = load_be64(block + 8 * t);
        for (std::size_t t = 16; t < 80; ++t) {
            const std::uint64_t s0 = std::rotr(w[t - 15], 1) ^ std::rotr(w[t - 15], 8) ^ (w[t - 15] >> 7);
            const std::uint64_t s1 = std::rotr(w[t - 2], 19) ^ std::rotr(w[t - 2], 61) ^ (w[t - 2] >> 6);
            w[t] = s1 + w[t - 7] + s0 + w[t - 16];
        }
        // Step 2: a..h = H0..H7.
        std::uint64_t a = state[0], b = state[1], c = state[2], d = state[3];
        std::uint64_t e = state[4], f = state[5], g = state[6], h = state[7];
        // Step 3: 80 rounds, eight at a time so the variables return to their names.
        for (std::size_t t = 0; t < 80; t += 8) {
            sha512_round(a, b, c, d, e, f, g, h, k[t] + w[t]);
            sha512_round(h, a, b, c, d, e, f, g, k[t + 1] + w[t + 1]);
            sha512_round(g, h, a, b, c, d, e, f, k[t + 2] + w[t + 2]);
            sha512_round(f, g, h, a, b, c, d, e, k[t + 3] + w[t + 3]);
            sha512_round(e, f, g, h, a, b, c, d, k[t + 4] + w[t + 4]);
            sha512_round(d, e, f, g, h, a, b, c, k[t + 5] + w[t + 5]);
            sha512_round(c, d, e, f, g, h, a, b, k[t + 6] + w[t + 6]);
            sha512_round(b, c, d, e, f, g, h, a, k[t + 7] + w[t + 7]);
        }
        // Step 4: H_i = a..h + H_i.
        state[0] += a, state[1] += b, state[2] += c, state[3] += d;
        state[4] += e, state[5] += f, state[6] += g, state[7] += h;
    }
    secure_zero(w.data(), sizeof w);  // the schedule is derived from (possibly secret) data
}

}  // namespace qkdnq::detail
