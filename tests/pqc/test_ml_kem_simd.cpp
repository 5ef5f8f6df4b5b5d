// Differential tests: the SIMD polynomial kernels (pqc/crystals/ml_kem_simd.hpp) against the
// scalar references (ml_kem_poly.hpp), kernel by kernel and through the whole KEM.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pqc/ml_kem.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#if QKDNQ_ML_KEM_HAVE_SIMD

namespace {

namespace mk = qkdnq::detail::ml_kem;

// Random polynomials plus the extremes: all zero, all q - 1, alternating 0 / q - 1.
template <class P>
std::vector<P> test_polys(std::uint64_t seed, std::size_t random_count = 200) {
    std::vector<P> polys;
    P p;
    polys.push_back(p);
    p.c.fill(static_cast<std::uint16_t>(mk::q - 1));
    polys.push_back(p);
    for (std::size_t i = 0; i < mk::n; ++i) p.c[i] = static_cast<std::uint16_t>(i % 2 ? mk::q - 1 : 0);
    polys.push_back(p);
    qkdnq::shake_drbg rng(seed);
    for (std::size_t t = 0; t < random_count; ++t) {
        for (auto& x : p.c) x = static_cast<std::uint16_t>(qkdnq::random_below(rng, mk::q));
        polys.push_back(p);
    }
    return polys;
}

}  // namespace

TEST_CASE("SIMD NTT equals the scalar NTT", "[pqc][simd]") {
    INFO(mk::simd_backend::name);
    for (const auto& p : test_polys<mk::poly>(1)) {
        CHECK(mk::simd_kernels::ntt(p).c == mk::ntt(p).c);
    }
}

TEST_CASE("SIMD inverse NTT equals the scalar inverse NTT", "[pqc][simd]") {
    for (const auto& p : test_polys<mk::poly_ntt>(2)) {
        CHECK(mk::simd_kernels::ntt_inverse(p).c == mk::ntt_inverse(p).c);
    }
}

TEST_CASE("SIMD MultiplyNTTs equals the scalar MultiplyNTTs", "[pqc][simd]") {
    const auto a = test_polys<mk::poly_ntt>(3), b = test_polys<mk::poly_ntt>(4);
    for (std::size_t i = 0; i < a.size(); ++i) {
        for (std::size_t j : {i, (i + 1) % a.size(), std::size_t{1}}) {
            CHECK(mk::simd_kernels::multiply_ntts(a[i], b[j]).c == mk::multiply_ntts(a[i], b[j]).c);
        }
    }
}

TEST_CASE("SIMD polynomial addition and subtraction equal the scalar ones", "[pqc][simd]") {
    const auto a = test_polys<mk::poly>(5), b = test_polys<mk::poly>(6);
    for (std::size_t i = 0; i < a.size(); ++i) {
        for (std::size_t j : {i, (i + 7) % a.size(), std::size_t{1}}) {
            auto s1 = a[i], s2 = a[i];
            mk::simd_kernels::add_to(s1, b[j]);
            mk::add_to(s2, b[j]);
            CHECK(s1.c == s2.c);
            auto d1 = a[i], d2 = a[i];
            mk::simd_kernels::sub_from(d1, b[j]);
            mk::sub_from(d2, b[j]);
            CHECK(d1.c == d2.c);
        }
    }
}

namespace {

// Every input of Compress_d (x < q) and Decompress_d (y < 2^d), 256 per polynomial.
template <unsigned D>
void compare_compression() {
    INFO("d = " << D);
    for (std::uint32_t base = 0; base < mk::q; base += mk::n) {
        mk::poly a;
        for (std::size_t i = 0; i < mk::n; ++i) a.c[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(base + static_cast<std::uint32_t>(i), mk::q - 1));
        auto b = a;
        mk::simd_kernels::compress<D>(a);
        mk::compress_poly<D>(b);
        REQUIRE(a.c == b.c);
    }
    for (std::uint32_t base = 0; base < (1u << D); base += mk::n) {
        mk::poly a;
        for (std::size_t i = 0; i < mk::n; ++i) a.c[i] = static_cast<std::uint16_t>((base + i) % (1u << D));
        auto b = a;
        mk::simd_kernels::decompress<D>(a);
        mk::decompress_poly<D>(b);
        REQUIRE(a.c == b.c);
    }
}

}  // namespace

TEST_CASE("SIMD Compress and Decompress equal the scalar ones on every input", "[pqc][simd]") {
    compare_compression<1>();
    compare_compression<4>();
    compare_compression<5>();
    compare_compression<10>();
    compare_compression<11>();
}

namespace {

template <int K>
void compare_whole_kem() {
    using simd = qkdnq::ml_kem_params<K, mk::simd_backend>;
    using scalar = qkdnq::ml_kem_params<K, mk::scalar_backend>;
    qkdnq::shake_drbg rng(std::uint64_t{1000 + K});
    for (int t = 0; t < 20; ++t) {
        std::array<std::uint8_t, 32> d{}, z{}, m{};
        rng.fill(d);
        rng.fill(z);
        rng.fill(m);
        std::array<std::uint8_t, simd::ek_size> ek1{}, ek2{};
        std::array<std::uint8_t, simd::dk_size> dk1{}, dk2{};
        simd::keygen_internal(d, z, ek1, dk1);
        scalar::keygen_internal(d, z, ek2, dk2);
        REQUIRE(ek1 == ek2);
        REQUIRE(dk1 == dk2);
        std::array<std::uint8_t, simd::ct_size> c1{}, c2{};
        const auto k1 = simd::encaps_internal(ek1, m, c1);
        const auto k2 = scalar::encaps_internal(ek1, m, c2);
        REQUIRE(c1 == c2);
        CHECK(qkdnq::ct::equal(k1.span(), k2.span()));
        CHECK(qkdnq::ct::equal(simd::decaps_internal(dk1, c1).span(), k1.span()));
        c1[static_cast<std::size_t>(t) % c1.size()] ^= 0x10;  // implicit rejection path
        CHECK(qkdnq::ct::equal(simd::decaps_internal(dk1, c1).span(), scalar::decaps_internal(dk1, c1).span()));
    }
}

}  // namespace

TEST_CASE("ML-KEM with SIMD kernels equals ML-KEM with scalar kernels", "[pqc][simd]") {
    compare_whole_kem<2>();
    compare_whole_kem<3>();
    compare_whole_kem<4>();
}

#else

TEST_CASE("ML-KEM SIMD kernels are not compiled for this target", "[pqc][simd]") {
    WARN("no SSE2/AVX2: only the scalar kernels exist");
}

#endif
