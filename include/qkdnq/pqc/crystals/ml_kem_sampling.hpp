// ML-KEM sampling four polynomials at a time (FIPS 203 §4.2.2): SampleNTT for the entries of
// A_hat and SamplePolyCBD over PRF_eta, on the four-way SHAKE of hash/shake_x4.hpp. Each result
// is exactly what the one-at-a-time functions of ml_kem_poly.hpp give for the same seed.
#pragma once

#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/hash/shake_x4.hpp>
#include <qkdnq/pqc/crystals/ml_kem_poly.hpp>
#include <qkdnq/pqc/crystals/ml_kem_simd.hpp>
#include <qkdnq/simd/arch.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace qkdnq::detail::ml_kem {

// The SampleNTT block parser: AVX2 where compiled and SIMD is enabled, else the scalar one.
inline std::size_t sample_ntt_block_fast(bytes_view block, sample_ntt_buffer& a, std::size_t j) noexcept {
#if QKDNQ_ML_KEM_HAVE_SIMD && defined(__AVX2__)
    if constexpr (qkdnq::simd::enabled) return simd_kernels::sample_ntt_block(block, a, j);
#endif
    return sample_ntt_block(block, a, j);
}

// FIPS 203, Alg. 7 (SampleNTT) for four seeds B = rho || j || i at once. Squeezes three blocks
// per stream (enough for 256 values with probability about 1 - 2^-37 each), then one more block
// for all four streams while any of them is short. The loop depends on public data only.
inline void sample_ntt_x4(const std::array<std::array<std::uint8_t, 34>, 4>& seeds,
                          const std::array<poly_ntt*, 4>& out) {
    shake128_x4 xof;
    xof.absorb({seeds[0], seeds[1], seeds[2], seeds[3]});  // L2-3
    std::array<std::array<std::uint8_t, 3 * shake128::rate>, 4> blocks{};
    xof.squeeze({blocks[0], blocks[1], blocks[2], blocks[3]});
    std::array<sample_ntt_buffer, 4> a;
    std::array<std::size_t, 4> j{};
    for (std::size_t l = 0; l < 4; ++l) j[l] = sample_ntt_block_fast(blocks[l], a[l], 0);
    while (*std::min_element(j.begin(), j.end()) < n) {  // L4
        std::array<mutable_bytes, 4> next;
        for (std::size_t l = 0; l < 4; ++l) next[l] = mutable_bytes(blocks[l]).first(shake128::rate);
        xof.squeeze(next);
        for (std::size_t l = 0; l < 4; ++l) j[l] = sample_ntt_block_fast(next[l], a[l], j[l]);
    }
    for (std::size_t l = 0; l < 4; ++l) std::copy_n(a[l].c.begin(), n, out[l]->c.begin());
}

// One SamplePolyCBD_eta(PRF_eta(s, nonce)) to do: FIPS 203 Alg. 13 L9, L13 and Alg. 14 L10,
// L14, L17.
struct cbd_job {
    poly* out;
    std::uint8_t nonce;
    unsigned eta;  // 2 or 3
};

// Runs the jobs four at a time (PRF_eta = SHAKE256(s || nonce, 64 eta), FIPS 203 eq. 4.3); a
// last job on its own uses the one-way SHAKE256. Every buffer holding PRF output is wiped.
inline void sample_cbd_prf_jobs(std::span<const std::uint8_t, 32> s, std::span<const cbd_job> jobs) {
    for (std::size_t first = 0; first < jobs.size(); first += 4) {
        const std::size_t count = std::min<std::size_t>(4, jobs.size() - first);
        if (count == 1) {
            const cbd_job& job = jobs[first];
            *job.out = job.eta == 2 ? sample_cbd_prf<2>(s, job.nonce) : sample_cbd_prf<3>(s, job.nonce);
            continue;
        }
        std::array<std::array<std::uint8_t, 33>, 4> input{};
        std::array<std::array<std::uint8_t, 64 * 3>, 4> output{};
        unsigned eta_max = 2;
        for (std::size_t l = 0; l < 4; ++l) {
            const cbd_job& job = jobs[first + std::min(l, count - 1)];  // spare lanes repeat the last job
            std::copy(s.begin(), s.end(), input[l].begin());
            input[l][32] = job.nonce;
            eta_max = std::max(eta_max, job.eta);
        }
        std::array<mutable_bytes, 4> outs;
        for (std::size_t l = 0; l < 4; ++l) outs[l] = mutable_bytes(output[l]).first(64 * eta_max);
        shake256_x4::hash({input[0], input[1], input[2], input[3]}, outs);
        for (std::size_t l = 0; l < count; ++l) {
            const cbd_job& job = jobs[first + l];
            if (job.eta == 2) {
                *job.out = sample_poly_cbd<2>(std::span<const std::uint8_t, 128>(output[l].data(), 128));
            } else {
                *job.out = sample_poly_cbd<3>(std::span<const std::uint8_t, 192>(output[l].data(), 192));
            }
        }
        secure_zero(input.data(), sizeof input);
        secure_zero(output.data(), sizeof output);
    }
}

}  // namespace qkdnq::detail::ml_kem
