// Keccak-f[1600], the permutation under SHA-3, SHAKE, cSHAKE and KMAC (FIPS 202 §3.3-3.4).
//
// `keccak_f1600(state)` applies Keccak-p[1600, 24] to 25 lanes, lane x + 5y holding A[x, y, 0..63]
// (bit z of the lane is A[x, y, z]; bytes map to lanes little-endian, FIPS 202 §B.1).
//
// The implementation is chosen at compile time (`keccak_f1600_implementation` names it):
//  * "avx512vl": the whole state in xmm registers, vpternlogq/vprolq (__AVX512F__ and __AVX512VL__);
//  * "unrolled": the unrolled round on 64-bit words, for every other target;
//  * "scalar":   the plain reference `detail::keccak_f1600_scalar`, when QKDNQ_FORCE_SCALAR is
//                defined non-zero.
// All three give identical results (tests/hash/test_keccak.cpp). None branches or indexes on the
// state, so secret states (KMAC) are safe to permute.
#pragma once

#include <qkdnq/hash/detail/keccak_fast.hpp>
#include <qkdnq/hash/detail/keccak_scalar.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace qkdnq {

#if defined(QKDNQ_FORCE_SCALAR) && QKDNQ_FORCE_SCALAR
inline constexpr std::string_view keccak_f1600_implementation = "scalar";
#elif QKDNQ_KECCAK_HAVE_AVX512VL
inline constexpr std::string_view keccak_f1600_implementation = "avx512vl";
#else
inline constexpr std::string_view keccak_f1600_implementation = "unrolled";
#endif

// Keccak-f[1600] (FIPS 202 Alg. 7 with n_r = 24) on `state`, in place.
inline void keccak_f1600(std::array<std::uint64_t, 25>& state) noexcept {
#if defined(QKDNQ_FORCE_SCALAR) && QKDNQ_FORCE_SCALAR
    detail::keccak_f1600_scalar(state);
#elif QKDNQ_KECCAK_HAVE_AVX512VL
    detail::keccak_f1600_unrolled<detail::avx512vl_lane_ops>(state);
#else
    detail::keccak_f1600_unrolled<detail::u64_lane_ops>(state);
#endif
}

namespace detail {

// FIPS 202 Alg. 8 step 6 over `blocks` whole blocks of `Rate` bytes: S = f(S ^ (P_i || 0^c)).
template <std::size_t Rate>
inline void keccak_absorb_blocks(std::array<std::uint64_t, keccak_lanes>& state, const std::uint8_t* data,
                                 std::size_t blocks) noexcept {
#if defined(QKDNQ_FORCE_SCALAR) && QKDNQ_FORCE_SCALAR
    for (; blocks != 0; --blocks, data += Rate) {
        for (std::size_t i = 0; i < Rate / 8; ++i) state[i] ^= keccak_load_lane(data + 8 * i);
        keccak_f1600_scalar(state);
    }
#elif QKDNQ_KECCAK_HAVE_AVX512VL
    keccak_absorb_blocks_unrolled<avx512vl_lane_ops, Rate>(state, data, blocks);
#else
    keccak_absorb_blocks_unrolled<u64_lane_ops, Rate>(state, data, blocks);
#endif
}

}  // namespace detail
}  // namespace qkdnq
