// Bit gather over 64-bit words: out bit j = in bit index[j], for j < count (bits LSB first, as
// core/bit_vector stores them). Cascade's uniform pass permutation builds its views with it.
//
// `gather_bits_scalar` is the plain reference, never removed. `gather_bits_simd<Arch>` loads
// 32-bit words with the vector gather instruction (AVX2; AVX-512 compiles but GCC 12 warns falsely
// in it, see gather_arch), one lane per index, shifts
// each lane's bit down and packs the lanes into output words. The front `gather_bits` picks it at
// compile time where the architecture has a hardware gather (simd/arch.hpp), the reference
// otherwise. tests/simd/test_bit_gather.cpp holds the SIMD kernel to the reference.
//
// The indices are public (a permutation); the bits moved may be key material, and every memory
// access depends on the indices only.
#pragma once

#include <qkdnq/simd/arch.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace qkdnq::simd {

// out[w] for w < ceil(count / 64): bit b is bit index[64 w + b] of in (in holds at least
// max(index) + 1 bits); bits at and above count in the last word are zero.
inline void gather_bits_scalar(const std::uint64_t* in, const std::uint32_t* index, std::size_t count,
                               std::uint64_t* out) noexcept {
    for (std::size_t w = 0; 64 * w < count; ++w) {
        const std::size_t bits = std::min<std::size_t>(64, count - 64 * w);
        std::uint64_t acc = 0;
        for (std::size_t b = 0; b < bits; ++b) {
            const std::uint32_t s = index[64 * w + b];
            acc |= ((in[s / 64] >> (s % 64)) & 1u) << b;
        }
        out[w] = acc;
    }
}

// True for the architectures whose gather is one instruction (x86 AVX2 and AVX-512).
template <class Arch>
inline constexpr bool has_hardware_gather = std::is_base_of_v<xsimd::avx2, Arch> || std::is_base_of_v<xsimd::avx512f, Arch>;

template <class Arch>
inline void gather_bits_simd(const std::uint64_t* in, const std::uint32_t* index, std::size_t count,
                             std::uint64_t* out) noexcept {
    static_assert(has_hardware_gather<Arch>, "gather_bits_simd: the 32-bit view of the words below is x86's");
    using u32 = xsimd::batch<std::uint32_t, Arch>;
    using i32 = xsimd::batch<std::int32_t, Arch>;
    constexpr std::size_t lanes = u32::size;  // 8 (AVX2) or 16 (AVX-512)
    constexpr std::size_t groups = 32 / lanes;
    // Little-endian x86: bit i of 64-bit word w is bit i % 32 of 32-bit word 2 w + i / 32. The
    // pointer is only handed to the gather instruction, never dereferenced as uint32_t.
    const auto* in32 = reinterpret_cast<const std::uint32_t*>(in);
    // Lane l of group g goes to bit l + lanes g of a 32-bit half: one shift and OR per group,
    // then one horizontal add (distinct powers of two: the add is an OR) per half.
    std::array<std::uint32_t, lanes> lane_bit{};
    for (std::size_t l = 0; l < lanes; ++l) lane_bit[l] = static_cast<std::uint32_t>(l);
    const u32 lane_shift = u32::load_unaligned(lane_bit.data());
    const u32 low5(31u), one(1u);
    const std::size_t full = count / 64;
    for (std::size_t w = 0; w < full; ++w) {
        std::uint64_t acc = 0;
        for (std::size_t half = 0; half < 2; ++half) {
            u32 packed(0u);
            for (std::size_t g = 0; g < groups; ++g) {
                const u32 s = u32::load_unaligned(index + 64 * w + 32 * half + lanes * g);
                const u32 words = u32::gather(in32, xsimd::bitwise_cast<i32>(s >> 5));
                const u32 bit = (words >> (s & low5)) & one;
                packed |= bit << (lane_shift + u32(static_cast<std::uint32_t>(lanes * g)));
            }
            acc |= static_cast<std::uint64_t>(xsimd::hadd(packed)) << (32 * half);
        }
        out[w] = acc;
    }
    if (full * 64 < count) gather_bits_scalar(in, index + 64 * full, count - 64 * full, out + full);
}

// The architecture of the front: `arch`, but 256-bit AVX2 vectors on AVX-512 targets, where
// GCC 12.2 warns falsely (maybe-uninitialized, GCC bug 105593) inside its AVX-512 shift
// intrinsics, as for popcount_arch in simd/gf2_words.hpp.
#if defined(__AVX2__)
using gather_arch = std::conditional_t<std::is_base_of_v<xsimd::avx512f, arch>, xsimd::avx2, arch>;
#else
using gather_arch = arch;
#endif

// (A template so that the SIMD kernel is not instantiated for an architecture without a gather.)
template <class Arch = gather_arch>
inline void gather_bits(const std::uint64_t* in, const std::uint32_t* index, std::size_t count,
                        std::uint64_t* out) noexcept {
    if constexpr (enabled && has_hardware_gather<Arch>) {
        gather_bits_simd<Arch>(in, index, count, out);
    } else {
        gather_bits_scalar(in, index, count, out);
    }
}

}  // namespace qkdnq::simd
