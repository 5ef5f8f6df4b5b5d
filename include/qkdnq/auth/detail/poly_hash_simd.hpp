// The block kernels of the polynomial hashes, chosen at compile time (auth/poly_hash.hpp).
//
// Every kernel computes acc <- Horner over `blocks` whole blocks at `data` (acc = (acc + m_i) k per
// block), so that a chunk of n <= power_count blocks is
//   (acc + m_1) k^n + m_2 k^(n-1) + ... + m_n k
// with the powers k^n ... k^1 taken from gf128_powers / gf64_powers (auth/detail/gf2_128.hpp, which
// also holds the scalar references every kernel here is tested against).
//
// Method: aggregated reduction, as in S. Gueron and M. E. Kounavis, "Intel Carry-Less
// Multiplication Instruction and its Usage for Computing the GCM Mode" (Intel white paper 323640,
// rev. 2.02, 2014), Algorithm 4/5: the blocks of a chunk are multiplied by precomputed powers of
// the key, the unreduced 256-bit products are XOR-summed and one reduction per chunk brings the sum
// back into the field. The fields here are in the natural LSB-first bit order (gf2_128.hpp), so a
// 16-byte block loaded little-endian is already {lo, hi} in the register: no byte reflection and
// no shift by one bit, unlike GHASH. The reduction folds x^128 = x^7 + x^2 + x + 1 twice with a
// carry-less product by 0x87, as gf2_128.hpp's reduce256 does in scalar form.
//
// GF(2^128) kernels, all with the signature `(gf128& acc, const gf128_powers&, const uint8_t*, size_t)`:
//   gf128_blocks_reference    (gf2_128.hpp) Horner on the portable constant-time product; takes k.
//   gf128_blocks_aggregated   (gf2_128.hpp) scalar aggregated reduction on simd::clmul64.
//   gf128_blocks_pclmul       PCLMULQDQ on xmm, one block per register, 32 blocks per reduction.
//                             QKDNQ_POLY_HASH_HAS_PCLMUL (__PCLMUL__).
//   gf128_blocks_vpclmul256   VPCLMULQDQ on ymm, two blocks per register, 32 blocks (16 registers)
//                             per reduction. QKDNQ_POLY_HASH_HAS_VPCLMUL256 (__VPCLMULQDQ__, __AVX2__).
//   gf128_blocks_vpclmul512   VPCLMULQDQ on zmm, four blocks per register, 32 blocks (8 registers)
//                             per reduction; the 8 power registers and their Karatsuba folds stay
//                             in registers for the whole message, the partial products of two
//                             registers are added by one VPTERNLOGQ, and the register carrying acc
//                             is multiplied last so the acc chain overlaps the other products.
//                             Tails by masked loads. QKDNQ_POLY_HASH_HAS_VPCLMUL512 (__VPCLMULQDQ__,
//                             __AVX512F__; no BW/VL needed).
//   gf128_blocks_fast         the widest of these the flags enable, else gf128_blocks_aggregated.
// The three vector kernels multiply by Karatsuba, three carry-less products per block instead of four:
//   x k = x0 k0 + x^64 ((x0 + x1)(k0 + k1) + x0 k0 + x1 k1) + x^128 x1 k1,
// with the three sums (lo, kar, hi) accumulated separately over the chunk and combined once before
// the reduction (the zmm kernel is VPCLMULQDQ-throughput bound; schoolbook's four products per
// block measured 21.5 GiB/s against 27.7 GiB/s at 1 MiB, docs/performance.md). The reductions are
// lane-wise (GF(2)-linear, so reducing each lane and adding the lanes equals reducing the sum).
// GF(2^64): gf64_blocks_reference, gf64_blocks_aggregated (gf2_128.hpp), gf64_blocks_pclmul (two
// 8-byte blocks per xmm) and gf64_blocks_vpclmul512 (eight per zmm), two products per register
// and 32 blocks per reduction; gf64_blocks_fast picks as above.
// QKDNQ_FORCE_SCALAR (simd/arch.hpp) disables every vector kernel.
//
// `poly_kernel` names the kernels; `gf128_kernels` / `gf64_kernels` list those compiled into this
// build and `gf128_blocks(kernel, ...)` / `gf64_blocks(kernel, ...)` run a named one, for the tests
// and benchmarks that loop over all of them.
//
// Constant time: the key powers, acc and data are secret. Loop bounds, load masks and addresses
// depend on the block count only (public); no branch, index or address depends on a key or data
// bit, and (V)PCLMULQDQ runs in data-independent time on the CPUs that have it. Register spills of
// key powers are not wiped (the caller's gf128_powers holds the same secrets).
#pragma once

#include <qkdnq/auth/detail/gf2_128.hpp>
#include <qkdnq/simd/arch.hpp>
#include <qkdnq/simd/clmul.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

#if !QKDNQ_FORCE_SCALAR && defined(__PCLMUL__)
#define QKDNQ_POLY_HASH_HAS_PCLMUL 1
#else
#define QKDNQ_POLY_HASH_HAS_PCLMUL 0
#endif
#if !QKDNQ_FORCE_SCALAR && defined(__VPCLMULQDQ__) && defined(__AVX2__)
#define QKDNQ_POLY_HASH_HAS_VPCLMUL256 1
#else
#define QKDNQ_POLY_HASH_HAS_VPCLMUL256 0
#endif
#if !QKDNQ_FORCE_SCALAR && defined(__VPCLMULQDQ__) && defined(__AVX512F__)
#define QKDNQ_POLY_HASH_HAS_VPCLMUL512 1
#else
#define QKDNQ_POLY_HASH_HAS_VPCLMUL512 0
#endif
#if QKDNQ_POLY_HASH_HAS_PCLMUL || QKDNQ_POLY_HASH_HAS_VPCLMUL256 || QKDNQ_POLY_HASH_HAS_VPCLMUL512
#include <immintrin.h>
#endif

namespace qkdnq::auth::detail {

// ------------------------------------------------------------------------------------------------
// Kernel names and lists.

enum class poly_kernel { reference, aggregated, pclmul, vpclmul256, vpclmul512 };

[[nodiscard]] constexpr const char* poly_kernel_name(poly_kernel k) noexcept {
    switch (k) {
        case poly_kernel::reference: return "reference";
        case poly_kernel::aggregated: return "aggregated";
        case poly_kernel::pclmul: return "pclmul";
        case poly_kernel::vpclmul256: return "vpclmul256";
        case poly_kernel::vpclmul512: return "vpclmul512";
    }
    return "unknown";
}

// The GF(2^128) kernels compiled into this build, slowest first.
inline constexpr std::array gf128_kernels{
    poly_kernel::reference, poly_kernel::aggregated,
#if QKDNQ_POLY_HASH_HAS_PCLMUL
    poly_kernel::pclmul,
#endif
#if QKDNQ_POLY_HASH_HAS_VPCLMUL256
    poly_kernel::vpclmul256,
#endif
#if QKDNQ_POLY_HASH_HAS_VPCLMUL512
    poly_kernel::vpclmul512,
#endif
};

// The GF(2^64) kernels compiled into this build, slowest first.
inline constexpr std::array gf64_kernels{
    poly_kernel::reference, poly_kernel::aggregated,
#if QKDNQ_POLY_HASH_HAS_PCLMUL
    poly_kernel::pclmul,
#endif
#if QKDNQ_POLY_HASH_HAS_VPCLMUL512
    poly_kernel::vpclmul512,
#endif
};

// The kernels gf128_blocks_fast / gf64_blocks_fast run.
inline constexpr poly_kernel gf128_kernel_fast = gf128_kernels.back();
inline constexpr poly_kernel gf64_kernel_fast = gf64_kernels.back();

#if QKDNQ_POLY_HASH_HAS_PCLMUL
// ------------------------------------------------------------------------------------------------
// GF(2^128), PCLMULQDQ on xmm (Gueron-Kounavis aggregated reduction, natural bit order).

namespace poly_pclmul {

[[nodiscard]] inline __m128i load(const void* p) noexcept { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }

// lo + x^64 mid + x^128 hi (each 128 bits) modulo x^128 + x^7 + x^2 + x + 1, as reduce256.
[[nodiscard]] inline __m128i reduce(__m128i lo, __m128i mid, __m128i hi) noexcept {
    const __m128i poly = _mm_set_epi64x(0, 0x87);
    lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));  // [p0, p1]
    hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));  // [p2, p3]
    const __m128i t = _mm_clmulepi64_si128(hi, poly, 0x01);  // x^192 p3 = x^64 (0x87 p3)
    lo = _mm_xor_si128(lo, _mm_slli_si128(t, 8));
    hi = _mm_xor_si128(hi, _mm_srli_si128(t, 8));
    return _mm_xor_si128(lo, _mm_clmulepi64_si128(hi, poly, 0x00));  // x^128 p2' = 0x87 p2'
}

// (x0 + x1) in both words of x: the Karatsuba middle operand.
[[nodiscard]] inline __m128i fold(__m128i x) noexcept { return _mm_xor_si128(x, _mm_shuffle_epi32(x, 0x4e)); }

// Karatsuba sums over the blocks at d[0..n) and the powers at p[0..n) (kk: p[j].lo + p[j].hi):
// lo += x0 k0, hi += x1 k1, kar += (x0 + x1)(k0 + k1); the middle term is kar + lo + hi.
inline void accumulate(__m128i& lo, __m128i& kar, __m128i& hi, __m128i first, const std::uint8_t* d, const gf128* p,
                       const std::uint64_t* kk, std::size_t n) noexcept {
    for (std::size_t j = 0; j < n; ++j) {
        __m128i x = load(d + 16 * j);
        if (j == 0) x = _mm_xor_si128(x, first);  // j is public
        const __m128i k = load(p + j);
        lo = _mm_xor_si128(lo, _mm_clmulepi64_si128(x, k, 0x00));
        hi = _mm_xor_si128(hi, _mm_clmulepi64_si128(x, k, 0x11));
        kar = _mm_xor_si128(kar, _mm_clmulepi64_si128(fold(x), _mm_cvtsi64_si128(static_cast<long long>(kk[j])), 0x00));
    }
}

}  // namespace poly_pclmul

inline void gf128_blocks_pclmul(gf128& acc, const gf128_powers& pw, const std::uint8_t* data, std::size_t blocks) noexcept {
    using namespace poly_pclmul;
    __m128i a = _mm_set_epi64x(static_cast<long long>(acc.hi), static_cast<long long>(acc.lo));
    while (blocks != 0) {
        const std::size_t n = blocks < power_count ? blocks : power_count;
        __m128i lo = _mm_setzero_si128(), kar = lo, hi = lo;
        accumulate(lo, kar, hi, a, data, pw.desc.data() + (power_count - n), pw.desc_karatsuba.data() + (power_count - n), n);
        a = reduce(lo, _mm_xor_si128(kar, _mm_xor_si128(lo, hi)), hi);
        data += 16 * n;
        blocks -= n;
    }
    acc.lo = static_cast<std::uint64_t>(_mm_cvtsi128_si64(a));
    acc.hi = static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(a, a)));
}

// GF(2^64), PCLMULQDQ on xmm: two 8-byte blocks per register, two products per register (the low
// words and the high words), 32 blocks per reduction (gf2_128.hpp's reduce128).
inline void gf64_blocks_pclmul(std::uint64_t& acc, const gf64_powers& pw, const std::uint8_t* data, std::size_t blocks) noexcept {
    using namespace poly_pclmul;
    const auto load8 = [](const void* p) noexcept { return _mm_loadl_epi64(static_cast<const __m128i*>(p)); };
    while (blocks != 0) {
        const std::size_t n = blocks < power_count ? blocks : power_count;
        const std::uint64_t* p = pw.desc.data() + (power_count - n);
        const __m128i first = _mm_cvtsi64_si128(static_cast<long long>(acc));
        __m128i s0 = _mm_setzero_si128(), s1 = s0;
        std::size_t j = 0;
        for (; j + 2 <= n; j += 2) {
            __m128i x = load(data + 8 * j);
            if (j == 0) x = _mm_xor_si128(x, first);  // j is public
            const __m128i k = load(p + j);
            s0 = _mm_xor_si128(s0, _mm_clmulepi64_si128(x, k, 0x00));
            s1 = _mm_xor_si128(s1, _mm_clmulepi64_si128(x, k, 0x11));
        }
        if (j < n) {  // n odd (public)
            __m128i x = load8(data + 8 * j);
            if (j == 0) x = _mm_xor_si128(x, first);
            s0 = _mm_xor_si128(s0, _mm_clmulepi64_si128(x, load8(p + j), 0x00));
        }
        const __m128i sum = _mm_xor_si128(s0, s1);
        acc = reduce128(static_cast<std::uint64_t>(_mm_cvtsi128_si64(sum)),
                        static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum))));
        data += 8 * n;
        blocks -= n;
    }
}
#endif

#if QKDNQ_POLY_HASH_HAS_VPCLMUL256
// ------------------------------------------------------------------------------------------------
// GF(2^128), VPCLMULQDQ on ymm: two blocks per register, same method as the xmm kernel.

namespace poly_vpclmul256 {

[[nodiscard]] inline __m256i load(const void* p) noexcept { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
// One block in the low lane, zeros above (an odd tail block).
[[nodiscard]] inline __m256i load_one(const void* p) noexcept {
    return _mm256_zextsi128_si256(_mm_loadu_si128(static_cast<const __m128i*>(p)));
}

// The lane-wise reduction (it is GF(2)-linear, so reducing each lane and adding the lanes equals
// reducing their sum), then the two lanes added.
[[nodiscard]] inline __m128i reduce(__m256i lo, __m256i mid, __m256i hi) noexcept {
    const __m256i poly = _mm256_set_epi64x(0, 0x87, 0, 0x87);
    lo = _mm256_xor_si256(lo, _mm256_slli_si256(mid, 8));
    hi = _mm256_xor_si256(hi, _mm256_srli_si256(mid, 8));
    const __m256i t = _mm256_clmulepi64_epi128(hi, poly, 0x01);
    lo = _mm256_xor_si256(lo, _mm256_slli_si256(t, 8));
    hi = _mm256_xor_si256(hi, _mm256_srli_si256(t, 8));
    const __m256i r = _mm256_xor_si256(lo, _mm256_clmulepi64_epi128(hi, poly, 0x00));
    return _mm_xor_si128(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
}

[[nodiscard]] inline __m256i fold(__m256i x) noexcept { return _mm256_xor_si256(x, _mm256_shuffle_epi32(x, 0x4e)); }

// Karatsuba, lane-wise: lo += x0 k0, hi += x1 k1, kar += (x0 + x1)(k0 + k1).
inline void product(__m256i& lo, __m256i& kar, __m256i& hi, __m256i x, __m256i k) noexcept {
    lo = _mm256_xor_si256(lo, _mm256_clmulepi64_epi128(x, k, 0x00));
    hi = _mm256_xor_si256(hi, _mm256_clmulepi64_epi128(x, k, 0x11));
    kar = _mm256_xor_si256(kar, _mm256_clmulepi64_epi128(fold(x), fold(k), 0x00));
}

}  // namespace poly_vpclmul256

inline void gf128_blocks_vpclmul256(gf128& acc, const gf128_powers& pw, const std::uint8_t* data, std::size_t blocks) noexcept {
    using namespace poly_vpclmul256;
    __m128i a = _mm_set_epi64x(static_cast<long long>(acc.hi), static_cast<long long>(acc.lo));
    while (blocks != 0) {
        const std::size_t n = blocks < power_count ? blocks : power_count;
        const gf128* p = pw.desc.data() + (power_count - n);
        __m256i lo = _mm256_setzero_si256(), kar = lo, hi = lo;
        const __m256i first = _mm256_zextsi128_si256(a);
        std::size_t j = 0;
        for (; j + 2 <= n; j += 2) {
            __m256i x = load(data + 16 * j);
            if (j == 0) x = _mm256_xor_si256(x, first);  // j is public
            product(lo, kar, hi, x, load(p + j));
        }
        if (j < n) {  // n odd (public)
            __m256i x = load_one(data + 16 * j);
            if (j == 0) x = _mm256_xor_si256(x, first);
            product(lo, kar, hi, x, load_one(p + j));
        }
        a = reduce(lo, _mm256_xor_si256(kar, _mm256_xor_si256(lo, hi)), hi);
        data += 16 * n;
        blocks -= n;
    }
    acc.lo = static_cast<std::uint64_t>(_mm_cvtsi128_si64(a));
    acc.hi = static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(a, a)));
}
#endif

#if QKDNQ_POLY_HASH_HAS_VPCLMUL512
// ------------------------------------------------------------------------------------------------
// GF(2^128), VPCLMULQDQ on zmm: four blocks per register, the 8 registers of k^32 ... k^1 loaded
// once per call. AVX-512F only (no BW/VL): lane-wise 64-bit moves by unpack, XOR of three by
// VPTERNLOGQ, tails by masked loads (no access outside the message or the power table).

namespace poly_vpclmul512 {

[[nodiscard]] inline __m512i load(const void* p) noexcept { return _mm512_loadu_si512(p); }
[[nodiscard]] inline __m512i load(__mmask8 m, const void* p) noexcept { return _mm512_maskz_loadu_epi64(m, p); }
[[nodiscard]] inline __m512i xor3(__m512i a, __m512i b, __m512i c) noexcept { return _mm512_ternarylogic_epi64(a, b, c, 0x96); }
// Zero-masking forms with a full mask: the plain ones trip GCC 12's maybe-uninitialized warning on
// _mm512_undefined_epi32 (GCC bug 105593), as in amplify/detail/gf2x_basecase.hpp.
constexpr __mmask8 all = 0xff;
[[nodiscard]] inline __m512i unpacklo(__m512i a, __m512i b) noexcept { return _mm512_maskz_unpacklo_epi64(all, a, b); }
[[nodiscard]] inline __m512i unpackhi(__m512i a, __m512i b) noexcept { return _mm512_maskz_unpackhi_epi64(all, a, b); }
// The four 128-bit lanes added.
[[nodiscard]] inline __m128i lane_sum(__m512i x) noexcept {
    const __m256i y = _mm256_xor_si256(_mm512_maskz_extracti64x4_epi64(all, x, 0), _mm512_maskz_extracti64x4_epi64(all, x, 1));
    return _mm_xor_si128(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
}

// Lane-wise reduction of lo + x^64 mid + x^128 hi, then the four lanes added (see the ymm kernel).
[[nodiscard]] inline __m128i reduce(__m512i lo, __m512i mid, __m512i hi) noexcept {
    const __m512i zero = _mm512_setzero_si512();
    const __m512i poly = _mm512_set_epi64(0, 0x87, 0, 0x87, 0, 0x87, 0, 0x87);
    lo = _mm512_xor_si512(lo, unpacklo(zero, mid));  // [p0, p1 + mid0]
    hi = _mm512_xor_si512(hi, unpackhi(mid, zero));  // [p2 + mid1, p3]
    const __m512i t = _mm512_clmulepi64_epi128(hi, poly, 0x01);  // 0x87 p3
    lo = _mm512_xor_si512(lo, unpacklo(zero, t));
    hi = _mm512_xor_si512(hi, unpackhi(t, zero));
    const __m512i r = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(hi, poly, 0x00));  // 0x87 p2'
    return lane_sum(r);
}

// (x0 + x1) in both words of each lane: the Karatsuba middle operand.
[[nodiscard]] inline __m512i fold(__m512i x) noexcept {
    return _mm512_xor_si512(x, _mm512_maskz_shuffle_epi32(0xffff, x, _MM_PERM_BADC));
}

// Karatsuba, lane-wise: lo += x0 k0, hi += x1 k1, kar += (x0 + x1)(k0 + k1) with kk = fold(k);
// the middle term is kar + lo + hi. Three products per block instead of four.
inline void product(__m512i& lo, __m512i& kar, __m512i& hi, __m512i x, __m512i k, __m512i kk) noexcept {
    lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(x, k, 0x00));
    hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(x, k, 0x11));
    kar = _mm512_xor_si512(kar, _mm512_clmulepi64_epi128(fold(x), kk, 0x00));
}

// Two registers' products (x by k, y by l; kk, ll their folds) added to the sums at once.
inline void product2(__m512i& lo, __m512i& kar, __m512i& hi, __m512i x, __m512i k, __m512i kk, __m512i y, __m512i l,
                     __m512i ll) noexcept {
    lo = xor3(lo, _mm512_clmulepi64_epi128(x, k, 0x00), _mm512_clmulepi64_epi128(y, l, 0x00));
    hi = xor3(hi, _mm512_clmulepi64_epi128(x, k, 0x11), _mm512_clmulepi64_epi128(y, l, 0x11));
    kar = xor3(kar, _mm512_clmulepi64_epi128(fold(x), kk, 0x00), _mm512_clmulepi64_epi128(fold(y), ll, 0x00));
}

// The 64-bit-lane mask of the first `blocks` (< 4) 16-byte blocks of a register, 0xff for 4.
[[nodiscard]] constexpr __mmask8 mask128(std::size_t blocks) noexcept {
    return static_cast<__mmask8>(blocks >= 4 ? 0xffu : (1u << (2 * blocks)) - 1u);
}

}  // namespace poly_vpclmul512

inline void gf128_blocks_vpclmul512(gf128& acc, const gf128_powers& pw, const std::uint8_t* data, std::size_t blocks) noexcept {
    using namespace poly_vpclmul512;
    if (blocks == 0) return;  // public
    __m128i a = _mm_set_epi64x(static_cast<long long>(acc.hi), static_cast<long long>(acc.lo));
    const gf128* desc = pw.desc.data();
    if (blocks >= power_count) {
        // k^32 ... k^1 and their folds, resident for the whole message (16 of the 32 registers).
        const __m512i k0 = load(desc + 0), k1 = load(desc + 4), k2 = load(desc + 8), k3 = load(desc + 12);
        const __m512i k4 = load(desc + 16), k5 = load(desc + 20), k6 = load(desc + 24), k7 = load(desc + 28);
        const __m512i f0 = fold(k0), f1 = fold(k1), f2 = fold(k2), f3 = fold(k3);
        const __m512i f4 = fold(k4), f5 = fold(k5), f6 = fold(k6), f7 = fold(k7);
        do {
            // Registers 1..7 first and the one that carries acc last, so that the chain from one
            // chunk's reduction to the next (acc) overlaps the independent products; the partial
            // products of two registers are added at once with VPTERNLOGQ.
            __m512i lo = _mm512_setzero_si512(), kar = lo, hi = lo;
            product2(lo, kar, hi, load(data + 64), k1, f1, load(data + 128), k2, f2);
            product2(lo, kar, hi, load(data + 192), k3, f3, load(data + 256), k4, f4);
            product2(lo, kar, hi, load(data + 320), k5, f5, load(data + 384), k6, f6);
            product2(lo, kar, hi, load(data + 448), k7, f7, _mm512_xor_si512(load(data), _mm512_zextsi128_si512(a)), k0, f0);
            a = reduce(lo, xor3(kar, lo, hi), hi);
            data += 16 * power_count;
            blocks -= power_count;
        } while (blocks >= power_count);
    }
    if (blocks != 0) {  // a last chunk of n < 32 blocks (public): k^n ... k^1
        const gf128* p = desc + (power_count - blocks);
        __m512i lo = _mm512_setzero_si512(), kar = lo, hi = lo;
        for (std::size_t j = 0; j < blocks; j += 4) {
            const __mmask8 m = mask128(blocks - j);
            __m512i x = load(m, data + 16 * j);
            if (j == 0) x = _mm512_xor_si512(x, _mm512_zextsi128_si512(a));  // j is public
            const __m512i k = load(m, p + j);
            product(lo, kar, hi, x, k, fold(k));
        }
        a = reduce(lo, xor3(kar, lo, hi), hi);
    }
    acc.lo = static_cast<std::uint64_t>(_mm_cvtsi128_si64(a));
    acc.hi = static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(a, a)));
}

// ------------------------------------------------------------------------------------------------
// GF(2^64), VPCLMULQDQ on zmm: eight 8-byte blocks per register, two products per register (the
// even and the odd words of each lane), 32 blocks (4 registers) per reduction.

inline void gf64_blocks_vpclmul512(std::uint64_t& acc, const gf64_powers& pw, const std::uint8_t* data, std::size_t blocks) noexcept {
    using namespace poly_vpclmul512;
    const std::uint64_t* desc = pw.desc.data();
    const auto sum = [](__m512i s) noexcept {  // the four 128-bit lanes added, reduced (gf2_128.hpp)
        const __m128i s1 = lane_sum(s);
        return reduce128(static_cast<std::uint64_t>(_mm_cvtsi128_si64(s1)),
                         static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(s1, s1))));
    };
    const auto product64 = [](__m512i s, __m512i x, __m512i k) noexcept {
        return xor3(s, _mm512_clmulepi64_epi128(x, k, 0x00), _mm512_clmulepi64_epi128(x, k, 0x11));
    };
    if (blocks >= power_count) {
        const __m512i k0 = load(desc + 0), k1 = load(desc + 8), k2 = load(desc + 16), k3 = load(desc + 24);
        do {
            const __m512i first = _mm512_zextsi128_si512(_mm_cvtsi64_si128(static_cast<long long>(acc)));
            __m512i s = _mm512_setzero_si512();  // the register that carries acc last (as above)
            s = product64(s, load(data + 64), k1);
            s = product64(s, load(data + 128), k2);
            s = product64(s, load(data + 192), k3);
            s = product64(s, _mm512_xor_si512(load(data), first), k0);
            acc = sum(s);
            data += 8 * power_count;
            blocks -= power_count;
        } while (blocks >= power_count);
    }
    if (blocks != 0) {  // a last chunk of n < 32 blocks (public)
        const std::uint64_t* p = desc + (power_count - blocks);
        __m512i s = _mm512_setzero_si512();
        for (std::size_t j = 0; j < blocks; j += 8) {
            const std::size_t left = blocks - j;
            const __mmask8 m = static_cast<__mmask8>(left >= 8 ? 0xffu : (1u << left) - 1u);
            __m512i x = load(m, data + 8 * j);
            if (j == 0) x = _mm512_xor_si512(x, _mm512_zextsi128_si512(_mm_cvtsi64_si128(static_cast<long long>(acc))));
            s = product64(s, x, load(m, p + j));
        }
        acc = sum(s);
    }
}
#endif

// ------------------------------------------------------------------------------------------------
// Compile-time choice, and the kernels by name.

inline void gf128_blocks_fast(gf128& acc, const gf128_powers& pw, const std::uint8_t* data, std::size_t blocks) noexcept {
#if QKDNQ_POLY_HASH_HAS_VPCLMUL512
    gf128_blocks_vpclmul512(acc, pw, data, blocks);
#elif QKDNQ_POLY_HASH_HAS_VPCLMUL256
    gf128_blocks_vpclmul256(acc, pw, data, blocks);
#elif QKDNQ_POLY_HASH_HAS_PCLMUL
    gf128_blocks_pclmul(acc, pw, data, blocks);
#else
    gf128_blocks_aggregated(acc, pw, data, blocks);
#endif
}

inline void gf64_blocks_fast(std::uint64_t& acc, const gf64_powers& pw, const std::uint8_t* data, std::size_t blocks) noexcept {
#if QKDNQ_POLY_HASH_HAS_VPCLMUL512
    gf64_blocks_vpclmul512(acc, pw, data, blocks);
#elif QKDNQ_POLY_HASH_HAS_PCLMUL
    gf64_blocks_pclmul(acc, pw, data, blocks);
#else
    gf64_blocks_aggregated(acc, pw, data, blocks);
#endif
}

// Runs the named GF(2^128) kernel; one not in gf128_kernels runs gf128_blocks_fast (same result).
inline void gf128_blocks(poly_kernel kernel, gf128& acc, const gf128_powers& pw, const std::uint8_t* data,
                         std::size_t blocks) noexcept {
    switch (kernel) {
        case poly_kernel::reference: gf128_blocks_reference(acc, pw.key(), data, blocks); return;
        case poly_kernel::aggregated: gf128_blocks_aggregated(acc, pw, data, blocks); return;
#if QKDNQ_POLY_HASH_HAS_PCLMUL
        case poly_kernel::pclmul: gf128_blocks_pclmul(acc, pw, data, blocks); return;
#endif
#if QKDNQ_POLY_HASH_HAS_VPCLMUL256
        case poly_kernel::vpclmul256: gf128_blocks_vpclmul256(acc, pw, data, blocks); return;
#endif
#if QKDNQ_POLY_HASH_HAS_VPCLMUL512
        case poly_kernel::vpclmul512: gf128_blocks_vpclmul512(acc, pw, data, blocks); return;
#endif
        default: gf128_blocks_fast(acc, pw, data, blocks); return;
    }
}

// Runs the named GF(2^64) kernel; one not in gf64_kernels runs gf64_blocks_fast (same result).
inline void gf64_blocks(poly_kernel kernel, std::uint64_t& acc, const gf64_powers& pw, const std::uint8_t* data,
                        std::size_t blocks) noexcept {
    switch (kernel) {
        case poly_kernel::reference: gf64_blocks_reference(acc, pw.key(), data, blocks); return;
        case poly_kernel::aggregated: gf64_blocks_aggregated(acc, pw, data, blocks); return;
#if QKDNQ_POLY_HASH_HAS_PCLMUL
        case poly_kernel::pclmul: gf64_blocks_pclmul(acc, pw, data, blocks); return;
#endif
#if QKDNQ_POLY_HASH_HAS_VPCLMUL512
        case poly_kernel::vpclmul512: gf64_blocks_vpclmul512(acc, pw, data, blocks); return;
#endif
        default: gf64_blocks_fast(acc, pw, data, blocks); return;
    }
}

}  // namespace qkdnq::auth::detail
