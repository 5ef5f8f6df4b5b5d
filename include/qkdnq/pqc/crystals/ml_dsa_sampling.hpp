// ML-DSA's samplers four at a time on the four-way SHAKE of hash/shake_x4.hpp: ExpandA's
// RejNTTPoly (FIPS 204 Alg. 30, SHAKE128), ExpandS's RejBoundedPoly (Alg. 31, SHAKE256) and
// ExpandMask (Alg. 34, SHAKE256). Each lane's output equals the one-at-a-time sampler of
// ml_dsa_poly.hpp on the same seed (the tests check it); the block parsers are shared.
//
// Spare lanes: a job list whose length is not a multiple of four fills the last call with copies
// of its last job, whose results are dropped (ML-KEM's sample_cbd_prf_jobs does the same). A job
// list of one uses the one-way SHAKE. The number of blocks squeezed depends on all four lanes'
// accept patterns, which are public (RejNTTPoly) or declassified (RejBoundedPoly, see
// rej_bounded_parse).
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/hash/shake_x4.hpp>
#include <qkdnq/pqc/crystals/ml_dsa_poly.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace qkdnq::detail::ml_dsa {

// RejNTTPoly(seeds[l]) into *out[l] for l = 0..3.
inline void rej_ntt_poly_x4(const std::array<std::array<std::uint8_t, 34>, 4>& seeds,
                            const std::array<poly_ntt*, 4>& out) {
    shake128_x4 g;
    g.absorb({seeds[0], seeds[1], seeds[2], seeds[3]});  // Alg. 30 L2-3
    std::array<std::array<std::uint8_t, rej_ntt_first_blocks * shake128::rate>, 4> blocks{};
    g.squeeze({blocks[0], blocks[1], blocks[2], blocks[3]});
    std::array<poly_ntt, 4> a;
    std::array<std::size_t, 4> j{};
    for (std::size_t l = 0; l < 4; ++l) j[l] = rej_ntt_parse(blocks[l], a[l], 0);
    while (*std::min_element(j.begin(), j.end()) < n) {  // L4
        std::array<mutable_bytes, 4> next;
        for (std::size_t l = 0; l < 4; ++l) next[l] = mutable_bytes(blocks[l]).first(shake128::rate);
        g.squeeze(next);
        for (std::size_t l = 0; l < 4; ++l) j[l] = rej_ntt_parse(next[l], a[l], j[l]);
    }
    for (std::size_t l = 0; l < 4; ++l) *out[l] = a[l];
}

// RejBoundedPoly<Eta>(seeds[l]) into *out[l] for l = 0..3. Every buffer holding SHAKE output or
// coefficients is wiped.
template <unsigned Eta>
inline void rej_bounded_poly_x4(const std::array<std::array<std::uint8_t, 66>, 4>& seeds,
                                const std::array<poly*, 4>& out) {
    shake256_x4 h;
    h.absorb({seeds[0], seeds[1], seeds[2], seeds[3]});  // Alg. 31 L2-3
    std::array<std::array<std::uint8_t, rej_bounded_first_blocks<Eta> * shake256::rate>, 4> blocks{};
    h.squeeze({blocks[0], blocks[1], blocks[2], blocks[3]});
    std::array<rej_bounded_buffer, 4> a;
    std::array<std::size_t, 4> j{};
    for (std::size_t l = 0; l < 4; ++l) j[l] = rej_bounded_parse<Eta>(blocks[l], a[l], 0);
    while (*std::min_element(j.begin(), j.end()) < n) {
        std::array<mutable_bytes, 4> next;
        for (std::size_t l = 0; l < 4; ++l) next[l] = mutable_bytes(blocks[l]).first(shake256::rate);
        h.squeeze(next);
        for (std::size_t l = 0; l < 4; ++l) j[l] = rej_bounded_parse<Eta>(next[l], a[l], j[l]);
    }
    for (std::size_t l = 0; l < 4; ++l) std::copy_n(a[l].c.begin(), n, out[l]->c.begin());
    secure_zero(&a, sizeof a);
    secure_zero(&blocks, sizeof blocks);
}

// ExpandMask polynomials for nonces[l] into *out[l] for l = 0..3 (Alg. 34 L3-5: BitUnpack of
// H(rho'' || IntegerToBytes(nonce, 2), 32 c)). Fixed-length output: constant time in rho''.
template <unsigned Gamma1Bits>
inline void expand_mask_x4(std::span<const std::uint8_t, 64> rho2, const std::array<std::uint16_t, 4>& nonces,
                           const std::array<poly*, 4>& out) {
    constexpr std::uint32_t gamma1 = std::uint32_t{1} << Gamma1Bits;
    constexpr unsigned c = 1 + bit_length(gamma1 - 1);
    std::array<std::array<std::uint8_t, 66>, 4> input{};
    for (std::size_t l = 0; l < 4; ++l) {
        std::copy(rho2.begin(), rho2.end(), input[l].begin());
        input[l][64] = static_cast<std::uint8_t>(nonces[l]);
        input[l][65] = static_cast<std::uint8_t>(nonces[l] >> 8);
    }
    std::array<std::array<std::uint8_t, 32 * c>, 4> v{};
    shake256_x4::hash({input[0], input[1], input[2], input[3]}, {v[0], v[1], v[2], v[3]});
    for (std::size_t l = 0; l < 4; ++l) bit_unpack<gamma1 - 1, gamma1>(v[l], out[l]->c);
    secure_zero(&input, sizeof input);
    secure_zero(&v, sizeof v);
}

}  // namespace qkdnq::detail::ml_dsa
