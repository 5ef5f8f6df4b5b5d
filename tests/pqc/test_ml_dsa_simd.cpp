// Differential tests: the SIMD polynomial kernels (pqc/crystals/ml_dsa_simd.hpp) against the
// scalar references (ml_dsa_poly.hpp), kernel by kernel on random and extreme inputs within each
// kernel's documented range, and through whole ML-DSA-44/65/87 (identical keys and signatures).
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pqc/ml_dsa.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#if QKDNQ_ML_DSA_HAVE_SIMD

namespace {

namespace md = qkdnq::detail::ml_dsa;
using simd = md::simd_backend;
using scalar = md::scalar_backend;

// A value in [lo, hi].
std::int32_t random_in(qkdnq::shake_drbg& rng, std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return static_cast<std::int32_t>(lo + static_cast<std::int64_t>(qkdnq::random_below(rng, span)));
}

// Polynomials with coefficients in [lo, hi]: all lo, all hi, alternating lo / hi, hi - i, lo + i,
// then random ones.
template <class P>
std::vector<P> test_polys(std::uint64_t seed, std::int64_t lo, std::int64_t hi, std::size_t random_count = 200) {
    std::vector<P> polys;
    P p;
    p.c.fill(static_cast<std::int32_t>(lo));
    polys.push_back(p);
    p.c.fill(static_cast<std::int32_t>(hi));
    polys.push_back(p);
    for (std::size_t i = 0; i < md::n; ++i) p.c[i] = static_cast<std::int32_t>(i % 2 ? hi : lo);
    polys.push_back(p);
    for (std::size_t i = 0; i < md::n; ++i) p.c[i] = static_cast<std::int32_t>(i % 3 ? lo : hi);
    polys.push_back(p);
    for (std::size_t i = 0; i < md::n; ++i) p.c[i] = static_cast<std::int32_t>(hi - static_cast<std::int64_t>(i));
    polys.push_back(p);
    for (std::size_t i = 0; i < md::n; ++i) p.c[i] = static_cast<std::int32_t>(lo + static_cast<std::int64_t>(i));
    polys.push_back(p);
    qkdnq::shake_drbg rng(seed);
    for (std::size_t t = 0; t < random_count; ++t) {
        for (auto& x : p.c) x = random_in(rng, lo, hi);
        polys.push_back(p);
    }
    for (std::size_t t = 0; t < random_count / 4; ++t) {  // mostly extremes
        for (auto& x : p.c) {
            const auto pick = qkdnq::random_below(rng, 4);
            x = pick == 0 ? static_cast<std::int32_t>(lo) : pick == 1 ? static_cast<std::int32_t>(hi) : random_in(rng, lo, hi);
        }
        polys.push_back(p);
    }
    return polys;
}

constexpr std::int64_t q = md::q;
constexpr std::int64_t reduce_max = (std::int64_t{1} << 31) - (1 << 22) - 1;  // reduce32 / centre domain
constexpr std::int64_t int_min = std::numeric_limits<std::int32_t>::min();

}  // namespace

TEST_CASE("ML-DSA SIMD NTT equals the scalar NTT", "[pqc][ml_dsa][simd]") {
    INFO(simd::name);
    for (const auto& p : test_polys<md::poly>(1, -(q - 1), q - 1)) CHECK(simd::ntt(p).c == scalar::ntt(p).c);
    for (const auto& p : test_polys<md::poly>(2, 0, q - 1)) CHECK(simd::ntt(p).c == scalar::ntt(p).c);
}

TEST_CASE("ML-DSA SIMD inverse NTT equals the scalar inverse NTT", "[pqc][ml_dsa][simd]") {
    for (const auto& p : test_polys<md::poly_ntt>(3, -(q - 1), q - 1)) {
        CHECK(simd::ntt_inverse_montgomery(p).c == scalar::ntt_inverse_montgomery(p).c);
    }
    for (const auto& p : test_polys<md::poly>(4, -(q - 1), q - 1, 50)) {  // round trip through both
        auto a = simd::ntt(p), b = scalar::ntt(p);
        simd::reduce(a);
        scalar::reduce(b);
        REQUIRE(a.c == b.c);
        CHECK(simd::ntt_inverse_montgomery(a).c == scalar::ntt_inverse_montgomery(b).c);
    }
}

TEST_CASE("ML-DSA SIMD MultiplyNTT and multiply-accumulate equal the scalar ones", "[pqc][ml_dsa][simd]") {
    const auto a = test_polys<md::poly_ntt>(5, -(9 * q - 1), 9 * q - 1);
    const auto b = test_polys<md::poly_ntt>(6, -(9 * q - 1), 9 * q - 1);
    const auto acc0 = test_polys<md::poly_ntt>(7, -8 * q, 8 * q);
    for (std::size_t i = 0; i < a.size(); ++i) {
        for (std::size_t j : {i, (i + 1) % b.size(), std::size_t{1}, std::size_t{2}}) {
            CHECK(simd::multiply_ntts(a[i], b[j]).c == scalar::multiply_ntts(a[i], b[j]).c);
            auto acc1 = acc0[(i + j) % acc0.size()], acc2 = acc1;
            simd::multiply_accumulate(acc1, a[i], b[j]);
            scalar::multiply_accumulate(acc2, a[i], b[j]);
            CHECK(acc1.c == acc2.c);
        }
    }
}

TEST_CASE("ML-DSA SIMD add, sub, reduce, caddq and centre equal the scalar ones", "[pqc][ml_dsa][simd]") {
    const auto a = test_polys<md::poly>(8, -(std::int64_t{1} << 29), std::int64_t{1} << 29);
    const auto b = test_polys<md::poly>(9, -(std::int64_t{1} << 29), std::int64_t{1} << 29);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto& g = b[(i * 7) % b.size()];
        auto s1 = a[i], s2 = a[i];
        simd::add_to(s1, g);
        scalar::add_to(s2, g);
        CHECK(s1.c == s2.c);
        auto d1 = a[i], d2 = a[i];
        simd::sub_from(d1, g);
        scalar::sub_from(d2, g);
        CHECK(d1.c == d2.c);
        md::poly_ntt n1{a[i].c}, n2{a[i].c};  // the NTT-domain instantiations
        simd::add_to(n1, md::poly_ntt{g.c});
        scalar::add_to(n2, md::poly_ntt{g.c});
        CHECK(n1.c == n2.c);
    }
    for (const auto& p : test_polys<md::poly>(10, int_min, reduce_max)) {
        auto r1 = p, r2 = p;
        simd::reduce(r1);
        scalar::reduce(r2);
        CHECK(r1.c == r2.c);
        auto c1 = p, c2 = p;
        simd::centre(c1);
        scalar::centre(c2);
        CHECK(c1.c == c2.c);
        md::poly_ntt n1{p.c}, n2{p.c};
        simd::reduce(n1);
        scalar::reduce(n2);
        CHECK(n1.c == n2.c);
    }
    for (const auto& p : test_polys<md::poly>(11, int_min, std::numeric_limits<std::int32_t>::max())) {
        auto c1 = p, c2 = p;
        simd::caddq(c1);
        scalar::caddq(c2);
        CHECK(c1.c == c2.c);
    }
}

namespace {

// Every r in [0, q), 256 per polynomial (the last one padded with q - 1).
template <class F>
void for_all_residues(F f) {
    for (std::int32_t base = 0; base < md::q; base += static_cast<std::int32_t>(md::n)) {
        md::poly p;
        for (std::size_t i = 0; i < md::n; ++i) p.c[i] = std::min(base + static_cast<std::int32_t>(i), md::q - 1);
        f(p);
    }
}

template <std::int32_t Gamma2>
void compare_rounding() {
    INFO("gamma2 = " << Gamma2);
    md::poly h0, h1;
    for (std::size_t i = 0; i < md::n; ++i) {
        h0.c[i] = 0;
        h1.c[i] = 1;
    }
    md::poly alternating;
    for (std::size_t i = 0; i < md::n; ++i) alternating.c[i] = static_cast<std::int32_t>(i % 2);
    for_all_residues([&](const md::poly& w) {
        md::poly a1, a0, b1, b0;
        simd::decompose<Gamma2>(a1, a0, w);
        scalar::decompose<Gamma2>(b1, b0, w);
        REQUIRE(a1.c == b1.c);
        REQUIRE(a0.c == b0.c);
        for (const auto* h : {&h0, &h1, &alternating}) {
            simd::use_hint<Gamma2>(a1, *h, w);
            scalar::use_hint<Gamma2>(b1, *h, w);
            REQUIRE(a1.c == b1.c);
        }
    });
    // MakeHint on a0 in [-2 gamma2, 2 gamma2] (every value near +-gamma2 included), a1 in [0, m).
    constexpr std::int32_t m = (md::q - 1) / (2 * Gamma2);
    qkdnq::shake_drbg rng(std::uint64_t{100 + Gamma2});
    for (int t = 0; t < 400; ++t) {
        md::poly a0, a1, s, r;
        for (std::size_t i = 0; i < md::n; ++i) {
            a0.c[i] = t < 8 ? (t % 2 ? Gamma2 : -Gamma2) + static_cast<std::int32_t>(i % 9) - 4
                            : random_in(rng, -2 * Gamma2, 2 * Gamma2);
            if (t >= 8 && qkdnq::random_below(rng, 4) == 0) a0.c[i] = (i % 2 ? Gamma2 : -Gamma2) + random_in(rng, -1, 1);
            a1.c[i] = (t % 3 == 0 && i % 2 == 0) ? 0 : random_in(rng, 0, m - 1);
        }
        const std::uint32_t ones1 = simd::make_hint<Gamma2>(s, a0, a1);
        const std::uint32_t ones2 = scalar::make_hint<Gamma2>(r, a0, a1);
        REQUIRE(s.c == r.c);
        REQUIRE(ones1 == ones2);
    }
}

}  // namespace

TEST_CASE("ML-DSA SIMD Decompose, UseHint and MakeHint equal the scalar ones", "[pqc][ml_dsa][simd]") {
    compare_rounding<md::gamma2_low>();
    compare_rounding<md::gamma2_high>();
}

TEST_CASE("ML-DSA SIMD Power2Round equals the scalar one on every input", "[pqc][ml_dsa][simd]") {
    for_all_residues([](const md::poly& t) {
        md::poly a1, a0, b1, b0;
        simd::power2round(a1, a0, t);
        scalar::power2round(b1, b0, t);
        REQUIRE(a1.c == b1.c);
        REQUIRE(a0.c == b0.c);
    });
}

TEST_CASE("ML-DSA SIMD norm check equals the scalar one", "[pqc][ml_dsa][simd]") {
    const std::int32_t bounds[] = {0, 1, 77, 95232 - 78, 95232, (1 << 17) - 78, (1 << 19) - 196, 261888, (md::q - 1) / 2,
                                   (md::q + 1) / 2};
    const auto polys = test_polys<md::poly>(12, int_min, reduce_max, 100);
    const auto small = test_polys<md::poly>(13, -(1 << 19), 1 << 19, 100);
    for (const std::int32_t bound : bounds) {
        INFO("bound = " << bound);
        for (const auto* set : {&polys, &small}) {
            for (const auto& p : *set) CHECK(simd::norm_exceeds(p, bound) == scalar::norm_exceeds(p, bound));
        }
        // One coefficient at a time on either side of the bound, in each lane position.
        for (std::size_t i = 0; i < md::n; i += 37) {
            for (const std::int32_t v : {bound - 1, bound, -bound, -(bound - 1), bound + static_cast<std::int32_t>(md::q)}) {
                md::poly p;
                p.c[i] = v;
                CHECK(simd::norm_exceeds(p, bound) == scalar::norm_exceeds(p, bound));
            }
        }
    }
}

namespace {

template <int K, int L>
void compare_whole_scheme() {
    using S = qkdnq::ml_dsa_params<K, L, simd>;
    using R = qkdnq::ml_dsa_params<K, L, scalar>;
    INFO("ML-DSA k = " << K);
    qkdnq::shake_drbg rng(std::uint64_t{2000 + K});
    for (int t = 0; t < 10; ++t) {
        std::array<std::uint8_t, 32> xi{}, rnd{};
        rng.fill(xi);
        rng.fill(rnd);
        std::vector<std::uint8_t> message(static_cast<std::size_t>(t) * 13 + 1);
        rng.fill(message);
        std::array<std::uint8_t, S::pk_size> pk1{}, pk2{};
        std::array<std::uint8_t, S::sk_size> sk1{}, sk2{};
        S::keygen_internal(xi, pk1, sk1);
        R::keygen_internal(xi, pk2, sk2);
        REQUIRE(pk1 == pk2);
        REQUIRE(sk1 == sk2);
        std::array<std::uint8_t, S::sig_size> sig1{}, sig2{};
        S::sign(sk1, message, {}, rnd, sig1);
        R::sign(sk1, message, {}, rnd, sig2);
        REQUIRE(sig1 == sig2);
        CHECK(S::verify(pk1, message, {}, sig1));
        CHECK(R::verify(pk1, message, {}, sig1));
        auto bad = sig1;
        bad[static_cast<std::size_t>(t) * 97 % bad.size()] ^= 0x04;
        CHECK(S::verify(pk1, message, {}, bad) == R::verify(pk1, message, {}, bad));
        CHECK_FALSE(S::verify(pk1, message, {}, bad));
    }
}

}  // namespace

TEST_CASE("ML-DSA with SIMD kernels equals ML-DSA with scalar kernels", "[pqc][ml_dsa][simd]") {
    compare_whole_scheme<4, 4>();
    compare_whole_scheme<6, 5>();
    compare_whole_scheme<8, 7>();
}

#else

TEST_CASE("ML-DSA SIMD kernels are not compiled for this target", "[pqc][ml_dsa][simd]") {
    WARN("no AVX2: only the scalar ML-DSA kernels exist");
}

#endif
