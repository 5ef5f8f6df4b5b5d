// The polynomial kernels ML-DSA runs on, chosen at compile time: `scalar_backend` (the plain
// references of ml_dsa_poly.hpp) or `simd_backend` (ml_dsa_simd.hpp, AVX2 targets only). Both
// compute exactly the same values, bit for bit (differential tests in tests/pqc/test_ml_dsa_simd.cpp);
// `default_backend` is the SIMD one unless qkdnq::simd::enabled is false (QKDNQ_FORCE_SCALAR) or
// the target has no AVX2, as ml_kem_backend.hpp does for ML-KEM.
#pragma once

#include <qkdnq/pqc/crystals/ml_dsa_poly.hpp>
#include <qkdnq/pqc/crystals/ml_dsa_simd.hpp>
#include <qkdnq/simd/arch.hpp>

#include <cstdint>
#include <type_traits>

namespace qkdnq::detail::ml_dsa {

struct scalar_backend {
    static constexpr const char* name = "scalar";

    // FIPS 204 Alg. 41; input |f_i| < q, output |f_i| < 9q.
    [[nodiscard]] static poly_ntt ntt(const poly& f) noexcept { return ml_dsa::ntt(f); }
    // NTT^-1(f) * 2^32 (Alg. 42 then a Montgomery factor); input |f_i| < q, output |f_i| < q.
    [[nodiscard]] static poly ntt_inverse_montgomery(const poly_ntt& f) noexcept {
        return ml_dsa::ntt_inverse_montgomery(f);
    }
    // a o b * 2^-32 (Alg. 45 in Montgomery form); |a_i|, |b_i| < 9q, output |c_i| < q.
    [[nodiscard]] static poly_ntt multiply_ntts(const poly_ntt& a, const poly_ntt& b) noexcept {
        return multiply_ntts_montgomery(a, b);
    }
    // acc += a o b * 2^-32.
    static void multiply_accumulate(poly_ntt& acc, const poly_ntt& a, const poly_ntt& b) noexcept {
        multiply_accumulate_montgomery(acc, a, b);
    }
    template <class P>
    static void add_to(P& f, const P& g) noexcept { ml_dsa::add_to(f, g); }
    template <class P>
    static void sub_from(P& f, const P& g) noexcept { ml_dsa::sub_from(f, g); }
    template <class P>
    static void reduce(P& f) noexcept { reduce_poly(f); }
    template <class P>
    static void caddq(P& f) noexcept { caddq_poly(f); }
    template <class P>
    static void centre(P& f) noexcept { centre_poly(f); }

    // Alg. 35 on every coefficient of t in [0, q): t1 and t0.
    static void power2round(poly& t1, poly& t0, const poly& t) noexcept {
        for (std::size_t i = 0; i < n; ++i) t1.c[i] = ml_dsa::power2round(t.c[i], t0.c[i]);
    }
    // Alg. 36 on every coefficient of w in [0, q): w1 and w0.
    template <std::int32_t Gamma2>
    static void decompose(poly& w1, poly& w0, const poly& w) noexcept {
        for (std::size_t i = 0; i < n; ++i) w1.c[i] = ml_dsa::decompose<Gamma2>(w.c[i], w0.c[i]);
    }
    // h_i = make_hint_low(a0_i, a1_i); returns the number of ones (not declassified).
    template <std::int32_t Gamma2>
    [[nodiscard]] static std::uint32_t make_hint(poly& h, const poly& a0, const poly& a1) noexcept {
        std::uint32_t ones = 0;
        for (std::size_t i = 0; i < n; ++i) {
            h.c[i] = make_hint_low<Gamma2>(a0.c[i], a1.c[i]);
            ones += static_cast<std::uint32_t>(h.c[i]);
        }
        return ones;
    }
    // Alg. 40 on every coefficient: w1_i = UseHint(h_i, w_i), w_i in [0, q).
    template <std::int32_t Gamma2>
    static void use_hint(poly& w1, const poly& h, const poly& w) noexcept {
        for (std::size_t i = 0; i < n; ++i) w1.c[i] = ml_dsa::use_hint<Gamma2>(h.c[i], w.c[i]);
    }
    // All-ones iff ||f mod± q||_inf >= bound.
    [[nodiscard]] static std::uint32_t norm_exceeds(const poly& f, std::int32_t bound) noexcept {
        return ml_dsa::norm_exceeds(f, bound);
    }
};

#if QKDNQ_ML_DSA_HAVE_SIMD
struct simd_backend {
    static constexpr const char* name = simd_kernels::arch::name();

    [[nodiscard]] static poly_ntt ntt(const poly& f) noexcept { return simd_kernels::ntt(f); }
    [[nodiscard]] static poly ntt_inverse_montgomery(const poly_ntt& f) noexcept {
        return simd_kernels::ntt_inverse_montgomery(f);
    }
    [[nodiscard]] static poly_ntt multiply_ntts(const poly_ntt& a, const poly_ntt& b) noexcept {
        return simd_kernels::multiply_ntts(a, b);
    }
    static void multiply_accumulate(poly_ntt& acc, const poly_ntt& a, const poly_ntt& b) noexcept {
        simd_kernels::multiply_accumulate(acc, a, b);
    }
    template <class P>
    static void add_to(P& f, const P& g) noexcept { simd_kernels::add_to(f, g); }
    template <class P>
    static void sub_from(P& f, const P& g) noexcept { simd_kernels::sub_from(f, g); }
    template <class P>
    static void reduce(P& f) noexcept { simd_kernels::reduce(f); }
    template <class P>
    static void caddq(P& f) noexcept { simd_kernels::caddq_poly(f); }
    template <class P>
    static void centre(P& f) noexcept { simd_kernels::centre_poly(f); }
    static void power2round(poly& t1, poly& t0, const poly& t) noexcept { simd_kernels::power2round(t1, t0, t); }
    template <std::int32_t Gamma2>
    static void decompose(poly& w1, poly& w0, const poly& w) noexcept {
        simd_kernels::decompose<Gamma2>(w1, w0, w);
    }
    template <std::int32_t Gamma2>
    [[nodiscard]] static std::uint32_t make_hint(poly& h, const poly& a0, const poly& a1) noexcept {
        return simd_kernels::make_hint<Gamma2>(h, a0, a1);
    }
    template <std::int32_t Gamma2>
    static void use_hint(poly& w1, const poly& h, const poly& w) noexcept {
        simd_kernels::use_hint<Gamma2>(w1, h, w);
    }
    [[nodiscard]] static std::uint32_t norm_exceeds(const poly& f, std::int32_t bound) noexcept {
        return simd_kernels::norm_exceeds(f, bound);
    }
};
using default_backend = std::conditional_t<qkdnq::simd::enabled, simd_backend, scalar_backend>;
#else
using default_backend = scalar_backend;
#endif

}  // namespace qkdnq::detail::ml_dsa
