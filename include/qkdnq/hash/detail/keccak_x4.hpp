// Four Keccak-f[1600] permutations at once, on interleaved states (ML-KEM's four-way SHAKE).
//
// `keccak_x4_state` holds four states lane by lane: word 4i + j is lane i (= x + 5y, FIPS 202
// §3.1.2) of instance j, so lane i of all four instances is one 256-bit load. The round is
// `keccak_round` of detail/keccak_fast.hpp, written once over a lane type; here a lane is an xsimd
// batch of 64-bit words, one instance per element:
//
//  * "avx2": `xsimd::batch<std::uint64_t, xsimd::avx2>`, all four instances in one ymm register
//    per lane, when __AVX2__ is defined. Also on AVX-512VL targets: there GCC 12 turns the
//    (x << n) | (x >> (64 - n)) rotations into vprolq and fuses χ's a ^ (~b & c) and the column
//    parities into vpternlogq, with 32 ymm registers for the state (4.1x four single-state
//    AVX-512VL permutations on an AMD EPYC Zen 5, bench/hash/bench_shake_x4.cpp);
//  * "sse2" (or whichever 2-element architecture `simd::arch` is, e.g. neon64): instances {0, 1},
//    then {2, 3}. With 16 xmm registers this spills, but still beats four scalar permutations
//    (1.5x); interleaving the two halves in one pass spilled more and was slower;
//  * "scalar": `keccak_f1600_x4_scalar`, four calls of `qkdnq::keccak_f1600` on de-interleaved
//    copies. Always compiled (tests hold the SIMD paths to it) and used when `simd::enabled` is
//    false (QKDNQ_FORCE_SCALAR, or no xsimd architecture).
//
// `keccak_f1600_x4` picks one at compile time; `keccak_f1600_x4_implementation` names it. No path
// branches or indexes on the state: the inputs are ML-KEM secrets.
#pragma once

#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/detail/keccak_fast.hpp>
#include <qkdnq/hash/detail/keccak_scalar.hpp>
#include <qkdnq/hash/keccak.hpp>
#include <qkdnq/simd/arch.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace qkdnq::detail {

inline constexpr std::size_t keccak_x4_ways = 4;

// Four interleaved Keccak states: word 4i + j is lane i of instance j.
using keccak_x4_state = std::array<std::uint64_t, keccak_x4_ways * keccak_lanes>;

// The reference: de-interleave, apply Keccak-f[1600] (FIPS 202 Alg. 7) to each instance with the
// single-state `keccak_f1600`, interleave back. The stack copies are wiped afterwards.
inline void keccak_f1600_x4_scalar(keccak_x4_state& state) noexcept {
    std::array<std::uint64_t, keccak_lanes> one;
    for (std::size_t j = 0; j < keccak_x4_ways; ++j) {
        for (std::size_t i = 0; i < keccak_lanes; ++i) one[i] = state[keccak_x4_ways * i + j];
        keccak_f1600(one);
        for (std::size_t i = 0; i < keccak_lanes; ++i) state[keccak_x4_ways * i + j] = one[i];
    }
    secure_zero(one.data(), sizeof one);
}

// Lanes as xsimd batches: element j of a batch is lane i of instance j (or j + Batch::size).
template <class Batch>
struct batch_lane_ops {
    using lane = Batch;
    using theta_term = Batch;  // D[x]
    struct lanes {
        lane v[keccak_lanes];
    };

    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane xor5(lane a, lane b, lane c, lane d, lane e) noexcept {
        return a ^ b ^ c ^ d ^ e;
    }
    template <int R>
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane rol(lane a) noexcept {
        static_assert(R > 0 && R < 64);
        return (a << R) | (a >> (64 - R));  // xsimd 8.1 has no rotate; AVX-512VL fuses this to vprolq
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE theta_term theta_d(lane c_prev, lane c_next) noexcept {
        return c_prev ^ rol<1>(c_next);
    }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane theta_apply(lane a, theta_term d) noexcept { return a ^ d; }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane chi(lane a, lane b, lane c) noexcept { return a ^ (~b & c); }
    [[nodiscard]] static QKDNQ_KECCAK_INLINE lane iota(lane a, std::uint64_t rc) noexcept { return a ^ lane(rc); }
};

// Loads lane i of instances j .. j + Batch::size - 1 into a.v[i] for every i, and stores back.
// Unrolled through an index sequence: as a loop, GCC turns the copy into a memcpy of the whole
// state through the stack.
template <class Ops, std::size_t... I>
QKDNQ_KECCAK_INLINE void keccak_x4_load(typename Ops::lanes& a, const std::uint64_t* p,
                                        std::index_sequence<I...>) noexcept {
    ((a.v[I] = Ops::lane::load_unaligned(p + keccak_x4_ways * I)), ...);
}
template <class Ops, std::size_t... I>
QKDNQ_KECCAK_INLINE void keccak_x4_store(const typename Ops::lanes& a, std::uint64_t* p,
                                         std::index_sequence<I...>) noexcept {
    (a.v[I].store_unaligned(p + keccak_x4_ways * I), ...);
}

// The SIMD kernel for any architecture whose 64-bit batch has 4 or 2 elements: 4 instances in one
// pass, or instances {0, 1} then {2, 3}.
template <class Arch>
QKDNQ_KECCAK_KEEP_ORDER inline void keccak_f1600_x4_simd(keccak_x4_state& state) noexcept {
    using batch = xsimd::batch<std::uint64_t, Arch>;
    using ops = batch_lane_ops<batch>;
    static_assert(keccak_x4_ways % batch::size == 0, "a 64-bit batch of 4 or 2 elements");
    for (std::size_t j = 0; j < keccak_x4_ways; j += batch::size) {
        typename ops::lanes a;
        keccak_x4_load<ops>(a, state.data() + j, std::make_index_sequence<keccak_lanes>{});
        keccak_permute_lanes<ops>(a);
        keccak_x4_store<ops>(a, state.data() + j, std::make_index_sequence<keccak_lanes>{});
    }
}

// ---------------------------------------------------------------- moving bytes in and out
//
// Sponge input and output are per instance, the state is per lane: absorbing and squeezing whole
// lanes is a transposition. Lanes are little-endian 64-bit words (FIPS 202 §B.1).

using keccak_x4_inputs = std::array<const std::uint8_t*, keccak_x4_ways>;
using keccak_x4_outputs = std::array<std::uint8_t*, keccak_x4_ways>;

// Lane first + i of instance j ^= the word at in[j] + 8i, for i < count (FIPS 202 Alg. 8 step 6,
// S ^ (P_i || 0^c), one lane at a time).
inline void keccak_x4_xor_lanes_scalar(keccak_x4_state& state, std::size_t first, std::size_t count,
                                       const keccak_x4_inputs& in) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t j = 0; j < keccak_x4_ways; ++j) {
            state[keccak_x4_ways * (first + i) + j] ^= keccak_load_lane(in[j] + 8 * i);
        }
    }
}

// out[j] + 8i = lane first + i of instance j, for i < count (Alg. 8 step 8, Trunc_r(S)).
inline void keccak_x4_extract_lanes_scalar(const keccak_x4_state& state, std::size_t first, std::size_t count,
                                           const keccak_x4_outputs& out) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t j = 0; j < keccak_x4_ways; ++j) {
            const std::uint64_t v = state[keccak_x4_ways * (first + i) + j];
            if constexpr (std::endian::native == std::endian::little) {
                std::memcpy(out[j] + 8 * i, &v, sizeof v);
            } else {
                for (std::size_t k = 0; k < 8; ++k) out[j][8 * i + k] = static_cast<std::uint8_t>(v >> (8 * k));
            }
        }
    }
}

// The rows of a 4 x 4 matrix of 64-bit words become its columns (lanes <-> instances).
template <class Batch>
QKDNQ_KECCAK_INLINE void keccak_x4_transpose(Batch& r0, Batch& r1, Batch& r2, Batch& r3) noexcept {
#if defined(__AVX2__)
    static_assert(Batch::size == 4);
    const __m256i t0 = _mm256_unpacklo_epi64(r0, r1);  // r0[0] r1[0] r0[2] r1[2]
    const __m256i t1 = _mm256_unpackhi_epi64(r0, r1);  // r0[1] r1[1] r0[3] r1[3]
    const __m256i t2 = _mm256_unpacklo_epi64(r2, r3);  // r2[0] r3[0] r2[2] r3[2]
    const __m256i t3 = _mm256_unpackhi_epi64(r2, r3);  // r2[1] r3[1] r2[3] r3[3]
    r0 = _mm256_permute2x128_si256(t0, t2, 0x20);      // r0[0] r1[0] r2[0] r3[0]
    r1 = _mm256_permute2x128_si256(t1, t3, 0x20);      // r0[1] r1[1] r2[1] r3[1]
    r2 = _mm256_permute2x128_si256(t0, t2, 0x31);      // r0[2] r1[2] r2[2] r3[2]
    r3 = _mm256_permute2x128_si256(t1, t3, 0x31);      // r0[3] r1[3] r2[3] r3[3]
#else
    static_assert(Batch::size != Batch::size, "a 4 x 4 transposition needs AVX2");
    static_cast<void>(r0), static_cast<void>(r1), static_cast<void>(r2), static_cast<void>(r3);
#endif
}

template <class Arch>
[[nodiscard]] QKDNQ_KECCAK_INLINE xsimd::batch<std::uint64_t, Arch> keccak_x4_load_words(const std::uint8_t* p) noexcept {
    return xsimd::bitwise_cast<xsimd::batch<std::uint64_t, Arch>>(xsimd::batch<std::uint8_t, Arch>::load_unaligned(p));
}

template <class Arch>
QKDNQ_KECCAK_INLINE void keccak_x4_store_words(std::uint8_t* p, xsimd::batch<std::uint64_t, Arch> v) noexcept {
    xsimd::bitwise_cast<xsimd::batch<std::uint8_t, Arch>>(v).store_unaligned(p);
}

// `keccak_x4_xor_lanes_scalar` with SIMD transpositions: 4 lanes at a time with a 4-element
// batch, 2 lanes (per pair of instances) with a 2-element one; the rest as the scalar code.
template <class Arch>
inline void keccak_x4_xor_lanes_simd(keccak_x4_state& state, std::size_t first, std::size_t count,
                                     keccak_x4_inputs in) noexcept {
    using batch = xsimd::batch<std::uint64_t, Arch>;
    constexpr std::size_t step = batch::size;
    std::uint64_t* s = state.data() + keccak_x4_ways * first;
    for (; count >= step; count -= step, s += keccak_x4_ways * step) {
        if constexpr (step == 4) {
            batch r0 = keccak_x4_load_words<Arch>(in[0]);
            batch r1 = keccak_x4_load_words<Arch>(in[1]);
            batch r2 = keccak_x4_load_words<Arch>(in[2]);
            batch r3 = keccak_x4_load_words<Arch>(in[3]);
            keccak_x4_transpose(r0, r1, r2, r3);  // now r_i = lane first + i of every instance
            (batch::load_unaligned(s) ^ r0).store_unaligned(s);
            (batch::load_unaligned(s + 4) ^ r1).store_unaligned(s + 4);
            (batch::load_unaligned(s + 8) ^ r2).store_unaligned(s + 8);
            (batch::load_unaligned(s + 12) ^ r3).store_unaligned(s + 12);
        } else {
            static_assert(step == 2);
            for (std::size_t h = 0; h < keccak_x4_ways; h += 2) {
                const batch x = keccak_x4_load_words<Arch>(in[h]);      // instance h, lanes l, l + 1
                const batch y = keccak_x4_load_words<Arch>(in[h + 1]);  // instance h + 1
                (batch::load_unaligned(s + h) ^ xsimd::zip_lo(x, y)).store_unaligned(s + h);
                (batch::load_unaligned(s + 4 + h) ^ xsimd::zip_hi(x, y)).store_unaligned(s + 4 + h);
            }
        }
        for (auto& p : in) p += 8 * step;
    }
    keccak_x4_xor_lanes_scalar(state, static_cast<std::size_t>(s - state.data()) / keccak_x4_ways, count, in);
}

// `keccak_x4_extract_lanes_scalar` with SIMD transpositions, as above.
template <class Arch>
inline void keccak_x4_extract_lanes_simd(const keccak_x4_state& state, std::size_t first, std::size_t count,
                                         keccak_x4_outputs out) noexcept {
    using batch = xsimd::batch<std::uint64_t, Arch>;
    constexpr std::size_t step = batch::size;
    const std::uint64_t* s = state.data() + keccak_x4_ways * first;
    for (; count >= step; count -= step, s += keccak_x4_ways * step) {
        if constexpr (step == 4) {
            batch r0 = batch::load_unaligned(s);
            batch r1 = batch::load_unaligned(s + 4);
            batch r2 = batch::load_unaligned(s + 8);
            batch r3 = batch::load_unaligned(s + 12);
            keccak_x4_transpose(r0, r1, r2, r3);  // now r_j = lanes first .. first + 3 of instance j
            keccak_x4_store_words<Arch>(out[0], r0);
            keccak_x4_store_words<Arch>(out[1], r1);
            keccak_x4_store_words<Arch>(out[2], r2);
            keccak_x4_store_words<Arch>(out[3], r3);
        } else {
            static_assert(step == 2);
            for (std::size_t h = 0; h < keccak_x4_ways; h += 2) {
                const batch x = batch::load_unaligned(s + h);      // lane l, instances h, h + 1
                const batch y = batch::load_unaligned(s + 4 + h);  // lane l + 1
                keccak_x4_store_words<Arch>(out[h], xsimd::zip_lo(x, y));
                keccak_x4_store_words<Arch>(out[h + 1], xsimd::zip_hi(x, y));
            }
        }
        for (auto& p : out) p += 8 * step;
    }
    keccak_x4_extract_lanes_scalar(state, static_cast<std::size_t>(s - state.data()) / keccak_x4_ways, count, out);
}

// The architecture of the SIMD kernel, or void for the scalar reference: AVX2 (4 elements) where
// compiled for, also on AVX-512 targets; otherwise `simd::arch` (sse2 on plain x86-64, neon64 on
// AArch64) if its 64-bit batch has 2 or 4 elements.
template <class Arch>
[[nodiscard]] consteval bool keccak_x4_arch_fits() noexcept {
    if constexpr (std::is_void_v<Arch> || std::is_same_v<Arch, xsimd::unavailable>) {
        return false;
    } else {
        constexpr std::size_t n = xsimd::batch<std::uint64_t, Arch>::size;
#if defined(__AVX2__)
        constexpr bool transposes = n == 2 || n == 4;
#else
        constexpr bool transposes = n == 2;
#endif
        return transposes && std::endian::native == std::endian::little;
    }
}

#if defined(__AVX2__)
using keccak_x4_preferred_arch = xsimd::avx2;
#else
using keccak_x4_preferred_arch = simd::arch;
#endif
using keccak_x4_arch =
    std::conditional_t<simd::enabled && keccak_x4_arch_fits<keccak_x4_preferred_arch>(), keccak_x4_preferred_arch, void>;

template <class Arch>
[[nodiscard]] constexpr std::string_view keccak_f1600_x4_name() noexcept {
    if constexpr (std::is_void_v<Arch>) {
        return "scalar";
    } else {
        return Arch::name();
    }
}

template <class Arch>
inline void keccak_f1600_x4_with(keccak_x4_state& state) noexcept {
    if constexpr (std::is_void_v<Arch>) {
        keccak_f1600_x4_scalar(state);
    } else {
        keccak_f1600_x4_simd<Arch>(state);
    }
}

template <class Arch>
inline void keccak_x4_xor_lanes_with(keccak_x4_state& state, std::size_t first, std::size_t count,
                                     const keccak_x4_inputs& in) noexcept {
    if constexpr (std::is_void_v<Arch>) {
        keccak_x4_xor_lanes_scalar(state, first, count, in);
    } else {
        keccak_x4_xor_lanes_simd<Arch>(state, first, count, in);
    }
}

template <class Arch>
inline void keccak_x4_extract_lanes_with(const keccak_x4_state& state, std::size_t first, std::size_t count,
                                         const keccak_x4_outputs& out) noexcept {
    if constexpr (std::is_void_v<Arch>) {
        keccak_x4_extract_lanes_scalar(state, first, count, out);
    } else {
        keccak_x4_extract_lanes_simd<Arch>(state, first, count, out);
    }
}

// Lane first + i of instance j ^= the little-endian word at in[j] + 8i, i < count; the path of
// `keccak_f1600_x4`.
inline void keccak_x4_xor_lanes(keccak_x4_state& state, std::size_t first, std::size_t count,
                                const keccak_x4_inputs& in) noexcept {
    keccak_x4_xor_lanes_with<keccak_x4_arch>(state, first, count, in);
}

// out[j] + 8i = lane first + i of instance j, little-endian, i < count.
inline void keccak_x4_extract_lanes(const keccak_x4_state& state, std::size_t first, std::size_t count,
                                    const keccak_x4_outputs& out) noexcept {
    keccak_x4_extract_lanes_with<keccak_x4_arch>(state, first, count, out);
}

}  // namespace qkdnq::detail

namespace qkdnq {

// The name of the four-way permutation compiled into this build: "avx2", "sse2" (or another
// 2-element xsimd architecture), or "scalar".
inline constexpr std::string_view keccak_f1600_x4_implementation = detail::keccak_f1600_x4_name<detail::keccak_x4_arch>();

// Keccak-f[1600] (FIPS 202 Alg. 7) on each of the four interleaved states, in place.
inline void keccak_f1600_x4(detail::keccak_x4_state& state) noexcept {
    detail::keccak_f1600_x4_with<detail::keccak_x4_arch>(state);
}

}  // namespace qkdnq
