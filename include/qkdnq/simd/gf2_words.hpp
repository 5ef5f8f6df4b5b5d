// GF(2) kernels over arrays of 64-bit words: XOR, AND, population count, XOR-then-count.
//
// Each kernel has a plain scalar reference `<name>_scalar` that is never removed, an xsimd
// version `<name>_simd<Arch>`, and a front `<name>` that picks at compile time (simd/arch.hpp).
// Tests hold every SIMD kernel to its scalar reference on all tail lengths.
#pragma once

#include <qkdnq/simd/arch.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>

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

// xsimd 8.1 has no vector population count, so the SIMD kernels XOR a batch and count its lanes
// with the scalar instruction (POPCNT); the XOR still runs a full vector at a time.
template <class Arch>
[[nodiscard]] inline std::uint64_t xor_popcount_words_simd(const std::uint64_t* a, const std::uint64_t* b,
                                                           std::size_t n) noexcept {
    using batch = xsimd::batch<std::uint64_t, Arch>;
    constexpr std::size_t lanes = batch::size;
    alignas(64) std::uint64_t lane_words[lanes];
    std::uint64_t count = 0;
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        (batch::load_unaligned(a + i) ^ batch::load_unaligned(b + i)).store_aligned(lane_words);
        for (std::size_t j = 0; j < lanes; ++j) count += static_cast<std::uint64_t>(std::popcount(lane_words[j]));
    }
    return count + xor_popcount_words_scalar(a + i, b + i, n - i);
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
    if constexpr (enabled) {
        return xor_popcount_words_simd<arch>(a, b, n);
    } else {
        return xor_popcount_words_scalar(a, b, n);
    }
}

}  // namespace qkdnq::simd
