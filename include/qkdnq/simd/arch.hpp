// Compile-time choice of the SIMD architecture for xsimd kernels.
//
// `simd::arch` is xsimd's best architecture for the consumer's compiler flags
// (xsimd::default_arch: sse2 with no -march flags, avx2 for -march=x86-64-v3, avx512bw for
// -march=native on AVX-512 machines). With QKDNQ_FORCE_SCALAR defined non-zero, or when xsimd
// has no architecture for the target, `simd::enabled` is false and every kernel runs its plain
// scalar reference (botan's BOTAN_CLEAR_CPUID, mlkem-native's MLK_CONFIG_USE_NATIVE_BACKEND).
//
// The simd module is the bottom layer: it depends on xsimd and the standard library only.
#pragma once

#include <xsimd/xsimd.hpp>

#include <type_traits>

#if !defined(QKDNQ_FORCE_SCALAR)
#define QKDNQ_FORCE_SCALAR 0
#endif

namespace qkdnq::simd {

using arch = xsimd::default_arch;

inline constexpr bool enabled = !QKDNQ_FORCE_SCALAR && !std::is_same_v<arch, xsimd::unavailable>;

// The name of the architecture the kernels were compiled for ("scalar" if none).
[[nodiscard]] constexpr const char* arch_name() noexcept {
    if constexpr (enabled) {
        return arch::name();
    } else {
        return "scalar";
    }
}

}  // namespace qkdnq::simd
