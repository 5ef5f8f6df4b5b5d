// GF(2) kernels over arrays of 64-bit words: XOR, AND, population count, XOR-then-count.
//
// Each kernel has a plain scalar reference `<name>_scalar` that is never removed, an xsimd
// version `<name>_simd<Arch>`, and a front `<name>` that picks at compile time (simd/arch.hpp).
// Tests hold every SIMD kernel to its scalar reference on all tail lengths.
#pragma once

#include <qkdnq/simd/arch.hpp>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace qkdnq::simd {

// dst[i] ^= src[i] for i < n.
inline void xor_words_scalar(std::uint64_t* dst, const std::uint64_t* src, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) dst[i] ^= src[i];
}

// dst[i] &= src[i] for i < n.
inline void and_words_scalar(std::uint64_t* dst, const std::uint64_t* src, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) dst[i] &= src[i];
}

// Number of set bits in words[0..n).
[[nodiscard]] inline std::uint64_t popcount_words_scalar(const std::uint64_t* words, std::size_t n) noexcept {
    std::uint64_t count = 0;
    for (std::size_t i = 0; i < n; ++i) count += static_cast<std::uint64_t>(std::popcount(words[i]));
    return count;
}

// Number of set bits in a[i] ^ b[i], i < n (the Hamming distance), without a temporary.
[[nodiscard]] inline std::uint64_t xor_popcount_words_scalar(const std::uint64_t* a, const std::uint64_t* b,
                                                             std::size_t n) noexcept {
    std::uint64_t count = 0;
    for (std::size_t i = 0; i < n; ++i) count += static_cast<std::uint64_t>(std::popcount(a[i] ^ b[i]));
    return count;
}

template <class Arch>
inline void xor_words_simd(std::uint64_t* dst, const std::uint64_t* src, std::size_t n) noexcept {
    using batch = xsimd::batch<std::uint64_t, Arch>;
    constexpr std::size_t lanes = batch::size;
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        (batch::load_unaligned(dst + i) ^ batch::load_unaligned(src + i)).store_unaligned(dst + i);
    }
    xor_words_scalar(dst + i, src + i, n - i);
}

template <class Arch>
inline void and_words_simd(std::uint64_t* dst, const std::uint64_t* src, std::size_t n) noexcept {
    using batch = xsimd::batch<std::uint64_t, Arch>;
    constexpr std::size_t lanes = batch::size;
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        (batch::load_unaligned(dst + i) & batch::load_unaligned(src + i)).store_unaligned(dst + i);
    }
    and_words_scalar(dst + i, src + i, n - i);
}

// The architecture of the SWAR population count: `arch`, but 256-bit AVX2 vectors on AVX-512
// targets, where GCC 12.2 warns falsely (maybe-uninitialized, GCC bug 105593) inside its AVX-512
// shift intrinsics. CPUs with AVX512-VPOPCNTDQ skip the SWAR count altogether (see below).
#if defined(__AVX2__)
using popcount_arch = std::conditional_t<std::is_base_of_v<xsimd::avx512f, arch>, xsimd::avx2, arch>;
#else
using popcount_arch = arch;
#endif

// xsimd 8.1 has no vector population count, so the SIMD kernel counts with SWAR arithmetic in
// every 64-bit lane (Hacker's Delight 5-1): per-byte counts are summed over up to 31 batches
// (at most 248 per byte), then widened to 64-bit lanes and added up.
template <class Arch>
[[nodiscard]] inline std::uint64_t xor_popcount_words_simd(const std::uint64_t* a, const std::uint64_t* b,
                                                           std::size_t n) noexcept {
    using batch = xsimd::batch<std::uint64_t, Arch>;
    constexpr std::size_t lanes = batch::size;
    const batch m1(0x5555555555555555u), m2(0x3333333333333333u), m4(0x0f0f0f0f0f0f0f0fu);
    const batch m8(0x00ff00ff00ff00ffu), m16(0x0000ffff0000ffffu), m32(0x00000000ffffffffu);
    batch total(std::uint64_t{0});
    std::size_t i = 0;
    while (i + lanes <= n) {
        const std::size_t batches = std::min<std::size_t>((n - i) / lanes, 31);
        batch byte_counts(std::uint64_t{0});
        for (std::size_t k = 0; k < batches; ++k, i += lanes) {
            batch x = batch::load_unaligned(a + i) ^ batch::load_unaligned(b + i);
            x = x - ((x >> 1) & m1);
            x = (x & m2) + ((x >> 2) & m2);
            byte_counts += (x + (x >> 4)) & m4;  // each byte: 0..8
        }
        const batch s16 = (byte_counts & m8) + ((byte_counts >> 8) & m8);
        const batch s32 = (s16 & m16) + ((s16 >> 16) & m16);
        total += (s32 & m32) + ((s32 >> 32) & m32);
    }
    return xsimd::hadd(total) + xor_popcount_words_scalar(a + i, b + i, n - i);
}

inline void xor_words(std::uint64_t* dst, const std::uint64_t* src, std::size_t n) noexcept {
    if constexpr (enabled) {
        xor_words_simd<arch>(dst, src, n);
    } else {
        xor_words_scalar(dst, src, n);
    }
}

inline void and_words(std::uint64_t* dst, const std::uint64_t* src, std::size_t n) noexcept {
    if constexpr (enabled) {
        and_words_simd<arch>(dst, src, n);
    } else {
        and_words_scalar(dst, src, n);
    }
}

[[nodiscard]] inline std::uint64_t popcount_words(const std::uint64_t* words, std::size_t n) noexcept {
    return popcount_words_scalar(words, n);  // POPCNT per word; the compiler vectorises where it can
}

[[nodiscard]] inline std::uint64_t xor_popcount_words(const std::uint64_t* a, const std::uint64_t* b,
                                                      std::size_t n) noexcept {
#if defined(__AVX512VPOPCNTDQ__)
    // The compiler turns the scalar loop into VPOPCNTQ, which beats any SWAR count.
    return xor_popcount_words_scalar(a, b, n);
#else
    if constexpr (enabled) {
        return xor_popcount_words_simd<popcount_arch>(a, b, n);
    } else {
        return xor_popcount_words_scalar(a, b, n);
    }
#endif
}

}  // namespace qkdnq::simd
