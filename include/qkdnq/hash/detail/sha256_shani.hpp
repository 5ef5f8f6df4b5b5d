// SHA-256 compression function with the x86 SHA extensions (SHA-NI: sha256rnds2, sha256msg1,
// sha256msg2), through <immintrin.h> intrinsics.
//
// Compiled only when the consumer's flags enable SHA and SSE4.1 (e.g. -march=native on a CPU
// that has them, or -msha -msse4.1) and QKDNQ_FORCE_SCALAR is not set; the selection is made at
// compile time and QKDNQ_SHA256_HAVE_SHANI says whether this path exists. It computes exactly
// what detail::sha256_compress_scalar computes (FIPS 180-4 §6.2.2), which the [simd] tests check.
// The instructions take constant time and nothing here branches or indexes on the data.
#pragma once

#if defined(__SHA__) && defined(__SSE4_1__) && !(defined(QKDNQ_FORCE_SCALAR) && QKDNQ_FORCE_SCALAR)
#define QKDNQ_SHA256_HAVE_SHANI 1

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/hash/detail/sha256_scalar.hpp>

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace qkdnq::detail {

// Four rounds (FIPS 180-4 §6.2.2 step 3, t = 4j..4j+3) on the ABEF/CDGH pair, with `kw` holding
// K_t + W_t for those rounds. sha256rnds2 does two rounds on the low two lanes; the pair swaps
// roles after each call and is back in place after two.
inline void sha256_shani_rounds4(__m128i& abef, __m128i& cdgh, __m128i kw) noexcept {
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, kw);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(kw, 0x0E));
}

// The next message quad W_{t..t+3}, t >= 16, from the previous four (step 1, §4.1.2 (4.6), (4.7)):
// msg1 adds sigma0(W_{t-15}) to W_{t-16}, alignr supplies W_{t-7}, msg2 adds sigma1(W_{t-2}).
inline __m128i sha256_shani_schedule(__m128i w_4, __m128i w_3, __m128i w_2, __m128i w_1) noexcept {
    return _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(w_4, w_3), _mm_alignr_epi8(w_1, w_2, 4)), w_1);
}

// Runs the compression function over every 64-byte block of `blocks` (whose size must be a
// multiple of 64), updating `state` (H0..H7). Kept out of line: a call per update() costs nothing
// measurable, and inlined copies make GCC 12 warn (-Warray-bounds) about blocks it cannot rule out.
#if defined(__GNUC__)
__attribute__((noinline))
#endif
inline void sha256_compress_shani(std::span<std::uint32_t, 8> state, bytes_view blocks) noexcept {
    // Byte order: message words are big-endian (FIPS 180-4 §3.1); pshufb swaps each 32-bit lane.
    const __m128i byte_swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    const auto* k = reinterpret_cast<const __m128i*>(sha256_round_constants.data());
    auto kw = [k](__m128i w, int j) { return _mm_add_epi32(w, _mm_loadu_si128(k + j)); };

    // sha256rnds2 keeps the working variables as two vectors, ABEF and CDGH (high to low lanes).
    const __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data()));
    const __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data() + 4));
    const __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    for (std::size_t offset = 0; offset + 64 <= blocks.size(); offset += 64) {
        const auto* block = reinterpret_cast<const __m128i*>(blocks.data() + offset);
        const __m128i abef_saved = abef;  // step 2: a..h = H0..H7
        const __m128i cdgh_saved = cdgh;

        // Step 1 for t < 16 (W_t = M_t) and rounds 0-15.
        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128(block + 0), byte_swap);
        sha256_shani_rounds4(abef, cdgh, kw(w0, 0));
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128(block + 1), byte_swap);
        sha256_shani_rounds4(abef, cdgh, kw(w1, 1));
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128(block + 2), byte_swap);
        sha256_shani_rounds4(abef, cdgh, kw(w2, 2));
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128(block + 3), byte_swap);
        sha256_shani_rounds4(abef, cdgh, kw(w3, 3));
        // Rounds 16-63, the schedule computed a quad at a time in the four named registers.
        for (int j = 4; j < 16; j += 4) {
            w0 = sha256_shani_schedule(w0, w1, w2, w3);
            sha256_shani_rounds4(abef, cdgh, kw(w0, j));
            w1 = sha256_shani_schedule(w1, w2, w3, w0);
            sha256_shani_rounds4(abef, cdgh, kw(w1, j + 1));
            w2 = sha256_shani_schedule(w2, w3, w0, w1);
            sha256_shani_rounds4(abef, cdgh, kw(w2, j + 2));
            w3 = sha256_shani_schedule(w3, w0, w1, w2);
            sha256_shani_rounds4(abef, cdgh, kw(w3, j + 3));
        }
        // Step 4: H_i = a..h + H_i.
        abef = _mm_add_epi32(abef, abef_saved);
        cdgh = _mm_add_epi32(cdgh, cdgh_saved);
    }

    // Back from ABEF/CDGH to H0..H7 in memory order.
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data()), _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data() + 4), _mm_alignr_epi8(dchg, feba, 8));
}

}  // namespace qkdnq::detail

#endif
