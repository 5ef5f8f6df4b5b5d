// The polynomial kernels ML-KEM runs on, chosen at compile time: `scalar_backend` (the plain
// references of ml_kem_poly.hpp) or `simd_backend` (ml_kem_simd.hpp). Both compute exactly the
// same values; `default_backend` is the SIMD one unless qkdnq::simd::enabled is false
// (QKDNQ_FORCE_SCALAR) or the target has no SSE2.
#pragma once

#include <qkdnq/pqc/crystals/ml_kem_poly.hpp>
#include <qkdnq/pqc/crystals/ml_kem_simd.hpp>
#include <qkdnq/simd/arch.hpp>

#include <type_traits>

namespace qkdnq::detail::ml_kem {

struct scalar_backend {
    static constexpr const char* name = "scalar";
    [[nodiscard]] static poly_ntt ntt(const poly& f) noexcept { return ml_kem::ntt(f); }
    [[nodiscard]] static poly ntt_inverse(const poly_ntt& f) noexcept { return ml_kem::ntt_inverse(f); }
    [[nodiscard]] static poly_ntt multiply_ntts(const poly_ntt& f, const poly_ntt& g) noexcept {
        return ml_kem::multiply_ntts(f, g);
    }
    template <class P>
    static void add_to(P& f, const P& g) noexcept { ml_kem::add_to(f, g); }
    template <class P>
    static void sub_from(P& f, const P& g) noexcept { ml_kem::sub_from(f, g); }
    template <unsigned D>
    static void compress(poly& f) noexcept { compress_poly<D>(f); }
    template <unsigned D>
    static void decompress(poly& f) noexcept { decompress_poly<D>(f); }
};

#if QKDNQ_ML_KEM_HAVE_SIMD
struct simd_backend {
    static constexpr const char* name = simd_kernels::arch::name();
    [[nodiscard]] static poly_ntt ntt(const poly& f) noexcept { return simd_kernels::ntt(f); }
    [[nodiscard]] static poly ntt_inverse(const poly_ntt& f) noexcept { return simd_kernels::ntt_inverse(f); }
    [[nodiscard]] static poly_ntt multiply_ntts(const poly_ntt& f, const poly_ntt& g) noexcept {
        return simd_kernels::multiply_ntts(f, g);
    }
    template <class P>
    static void add_to(P& f, const P& g) noexcept { simd_kernels::add_to(f, g); }
    template <class P>
    static void sub_from(P& f, const P& g) noexcept { simd_kernels::sub_from(f, g); }
    template <unsigned D>
    static void compress(poly& f) noexcept { simd_kernels::compress<D>(f); }
    template <unsigned D>
    static void decompress(poly& f) noexcept { simd_kernels::decompress<D>(f); }
};
using default_backend = std::conditional_t<qkdnq::simd::enabled, simd_backend, scalar_backend>;
#else
using default_backend = scalar_backend;
#endif

}  // namespace qkdnq::detail::ml_kem
