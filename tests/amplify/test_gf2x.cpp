// GF(2)[x] multiplication and middle product (amplify/detail/gf2x*.hpp): every base-case kernel
// against the scalar reference, Karatsuba, Toom-3 and the Karatsuba middle product against a
// bit-by-bit product written here, on all small shapes, random large and unbalanced ones and
// structured operands; algebraic properties at large sizes. Seeded (shake_drbg).
#include <qkdnq/amplify/detail/gf2x.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace {

namespace gf2x = qkdnq::detail::gf2x;
using words = std::vector<std::uint64_t>;
using cspan = std::span<const std::uint64_t>;

// The definition: for every set bit i of b, add a * x^i. Word shifts of a, bit by bit over b.
words naive_mul(const words& a, const words& b) {
    words c(a.size() + b.size(), 0);
    for (std::size_t i = 0; i < 64 * b.size(); ++i) {
        if (((b[i / 64] >> (i % 64)) & 1u) == 0) continue;
        const std::size_t w = i / 64, s = i % 64;
        for (std::size_t k = 0; k < a.size(); ++k) {
            c[w + k] ^= a[k] << s;
            if (s != 0) c[w + k + 1] ^= a[k] >> (64 - s);
        }
    }
    return c;
}

words random_words(qkdnq::shake_drbg& rng, std::size_t n) {
    words v(n);
    for (auto& w : v) w = qkdnq::random_u64(rng);
    return v;
}

// Random words, or one of the structured kinds: zeros, all ones, a single bit, the top bits.
words operand(qkdnq::shake_drbg& rng, std::size_t n, int kind) {
    words v(n, 0);
    switch (kind % 6) {
        case 1: break;  // zeros
        case 2: std::fill(v.begin(), v.end(), ~std::uint64_t{0}); break;
        case 3: {
            const std::size_t bit = static_cast<std::size_t>(qkdnq::random_below(rng, 64 * n));
            v[bit / 64] = std::uint64_t{1} << (bit % 64);
            break;
        }
        case 4: v[n - 1] = std::uint64_t{1} << 63; break;  // the top bit alone
        case 5:
            v = random_words(rng, n);
            v[n - 1] |= std::uint64_t{0xf} << 60;  // top bits set: the carries of a(x), a(x+1)
            break;
        default: v = random_words(rng, n);
    }
    return v;
}

words product(const words& a, const words& b) {
    words c(a.size() + b.size(), 0xa5a5a5a5a5a5a5a5u);  // overwritten
    gf2x::multiply(a, b, c);
    return c;
}

words middle(const words& a, const words& b) {
    words out(a.size() - b.size(), 0xa5a5a5a5a5a5a5a5u);
    gf2x::middle_product(a, b, out);
    return out;
}

words extract_middle(const words& full, std::size_t na, std::size_t nb) {
    return words(full.begin() + static_cast<std::ptrdiff_t>(nb), full.begin() + static_cast<std::ptrdiff_t>(na));
}

words xor_of(const words& x, const words& y) {
    words z(x);
    for (std::size_t i = 0; i < y.size(); ++i) z[i] ^= y[i];
    return z;
}

using window_fn = std::function<void(cspan, cspan, std::size_t, std::span<std::uint64_t>)>;

// Every base-case kernel compiled in, with its name.
std::vector<std::pair<std::string, window_fn>> kernels() {
    std::vector<std::pair<std::string, window_fn>> k;
    k.emplace_back("scalar", gf2x::mul_window_scalar);
    k.emplace_back("portable", gf2x::mul_window_portable);
#if QKDNQ_HAS_PCLMUL
    k.emplace_back("pclmul", gf2x::mul_window_pclmul);
#endif
#if QKDNQ_GF2X_HAS_VPCLMUL256
    k.emplace_back("vpclmul256", gf2x::mul_window_vpclmul256);
#endif
#if QKDNQ_GF2X_HAS_VPCLMUL512
    k.emplace_back("vpclmul512", gf2x::mul_window_vpclmul512);
#endif
    k.emplace_back("mul_window", gf2x::mul_window);
    return k;
}

// Large sizes are checked against the base-case window of the compiled kernel; the scalar
// reference is too slow for the largest ones.
constexpr bool fast_basecase = gf2x::basecase_best != gf2x::basecase_kind::scalar;
constexpr std::size_t large_words = fast_basecase ? 20000 : 2500;

}  // namespace

TEST_CASE("gf2x: each base-case kernel computes the naive product and its windows", "[amplify][gf2x][simd]") {
    INFO("compiled base case: " << gf2x::basecase_name(gf2x::basecase_best));
    qkdnq::shake_drbg rng(std::uint64_t{0x6f2});
    const auto ks = kernels();
    // Every shape up to 40 x 40 (the full product), random operands and structured ones.
    for (std::size_t na = 1; na <= 40; ++na) {
        for (std::size_t nb = 1; nb <= 40; ++nb) {
            const int kind = static_cast<int>((na * 41 + nb) % 7);
            const words a = operand(rng, na, kind), b = operand(rng, nb, kind + 3);
            const words expected = naive_mul(a, b);
            for (const auto& [name, fn] : ks) {
                INFO(name << " na=" << na << " nb=" << nb);
                words c(na + nb, 0x5a5a5a5a5a5a5a5au);
                fn(a, b, 0, c);
                REQUIRE(c == expected);
            }
        }
    }
    // Random windows [t0, t0+len) of products beyond the kernels' chunk (128) and piece (64) sizes.
    for (int round = 0; round < 300; ++round) {
        const std::size_t na = 1 + static_cast<std::size_t>(qkdnq::random_below(rng, 300));
        const std::size_t nb = 1 + static_cast<std::size_t>(qkdnq::random_below(rng, 300));
        const words a = operand(rng, na, round), b = operand(rng, nb, round / 6);
        const words full = naive_mul(a, b);
        const std::size_t t0 = static_cast<std::size_t>(qkdnq::random_below(rng, na + nb));
        const std::size_t len = static_cast<std::size_t>(qkdnq::random_below(rng, na + nb - t0 + 1));
        for (const auto& [name, fn] : ks) {
            INFO(name << " na=" << na << " nb=" << nb << " t0=" << t0 << " len=" << len);
            words c(len, 0x5a5a5a5a5a5a5a5au);
            fn(a, b, t0, c);
            REQUIRE(c == words(full.begin() + static_cast<std::ptrdiff_t>(t0),
                               full.begin() + static_cast<std::ptrdiff_t>(t0 + len)));
        }
    }
}

TEST_CASE("gf2x: multiply equals the naive product on every shape up to 40 x 40", "[amplify][gf2x]") {
    qkdnq::shake_drbg rng(std::uint64_t{0x6f3});
    for (std::size_t na = 1; na <= 40; ++na) {
        for (std::size_t nb = 1; nb <= 40; ++nb) {
            const int kind = static_cast<int>((na + 7 * nb) % 6);
            const words a = operand(rng, na, kind), b = operand(rng, nb, kind + 1);
            INFO("na=" << na << " nb=" << nb);
            REQUIRE(product(a, b) == naive_mul(a, b));
        }
    }
}

TEST_CASE("gf2x: Karatsuba, Toom-3 and the middle-product steps equal the naive product below their thresholds too", "[amplify][gf2x]") {
    // Call each step directly (it recurses through mul() below) on sizes the thresholds would
    // give to another step, so every step is checked whatever the thresholds are.
    qkdnq::shake_drbg rng(std::uint64_t{0x6f4});
    for (int round = 0; round < 200; ++round) {
        const std::size_t na = 3 + static_cast<std::size_t>(qkdnq::random_below(rng, 400));
        const words a = operand(rng, na, round);
        // Karatsuba: ceil(na/2) < nb <= na.
        {
            const std::size_t h = (na + 1) / 2;
            const std::size_t nb = h + 1 + static_cast<std::size_t>(qkdnq::random_below(rng, na - h));
            const words b = operand(rng, nb, round + 1);
            words c(na + nb), ws(gf2x::mul_scratch_words(na, nb) + 4 * na + 64);
            gf2x::kara_detail::mul_kara(a, b, c, ws);
            INFO("kara na=" << na << " nb=" << nb);
            REQUIRE(c == naive_mul(a, b));
        }
        // Toom-3: 2 ceil(na/3) < nb <= na.
        {
            const std::size_t k = (na + 2) / 3;
            if (2 * k < na) {
                const std::size_t nb = 2 * k + 1 + static_cast<std::size_t>(qkdnq::random_below(rng, na - 2 * k));
                const words b = operand(rng, nb, round + 2);
                words c(na + nb), ws(gf2x::mul_scratch_words(na, nb) + 12 * na + 64);
                gf2x::kara_detail::mul_toom3(a, b, c, ws);
                INFO("toom3 na=" << na << " nb=" << nb);
                REQUIRE(c == naive_mul(a, b));
            }
        }
        // Karatsuba middle product: a of 2n words, b of n words, n >= 3 (odd n by b' = X b).
        {
            const std::size_t n = 3 + static_cast<std::size_t>(qkdnq::random_below(rng, 300));
            const words aa = operand(rng, 2 * n, round + 3), b = operand(rng, n, round + 4);
            words out(n), ws(gf2x::middle_scratch_words(2 * n, n) + 4 * n + 64);
            gf2x::kara_detail::mp_kara(aa, b, out, ws);
            INFO("mp_kara n=" << n);
            REQUIRE(out == extract_middle(naive_mul(aa, b), 2 * n, n));
        }
        // Toom-3 middle product: a of 2n words, b of n words, any n >= 13.
        {
            const std::size_t n = 13 + static_cast<std::size_t>(qkdnq::random_below(rng, 300));
            const words aa = operand(rng, 2 * n, round + 5), b = operand(rng, n, round + 6);
            words out(n), ws(gf2x::middle_scratch_words(2 * n, n) + 8 * n + 64);
            gf2x::kara_detail::mp_toom3(aa, b, out, ws);
            INFO("mp_toom3 n=" << n);
            REQUIRE(out == extract_middle(naive_mul(aa, b), 2 * n, n));
        }
    }
}

TEST_CASE("gf2x: middle_product equals the middle of the full product", "[amplify][gf2x]") {
    qkdnq::shake_drbg rng(std::uint64_t{0x6f5});
    // Every nb <= na <= 40 against the naive product.
    for (std::size_t na = 1; na <= 40; ++na) {
        for (std::size_t nb = 1; nb <= na; ++nb) {
            const int kind = static_cast<int>((3 * na + nb) % 6);
            const words a = operand(rng, na, kind), b = operand(rng, nb, kind + 2);
            INFO("na=" << na << " nb=" << nb);
            REQUIRE(middle(a, b) == extract_middle(naive_mul(a, b), na, nb));
        }
    }
    // Toeplitz shapes (na = nb + m with m/nb around 0.1, 0.5, 0.9, 1, 2 and random), up to
    // 20000 words, against the product from multiply().
    for (int round = 0; round < 60; ++round) {
        const std::size_t nb = 1 + static_cast<std::size_t>(qkdnq::random_below(rng, round < 50 ? 600 : large_words));
        std::size_t m = 0;
        switch (round % 6) {
            case 0: m = nb / 10; break;
            case 1: m = nb / 2; break;
            case 2: m = nb - nb / 10; break;
            case 3: m = nb; break;
            case 4: m = 2 * nb + 3; break;
            default: m = static_cast<std::size_t>(qkdnq::random_below(rng, 2 * nb + 1));
        }
        const std::size_t na = nb + m;
        const words a = operand(rng, na, round), b = operand(rng, nb, round / 6 + 1);
        INFO("na=" << na << " nb=" << nb);
        const words full = product(a, b);
        REQUIRE(middle(a, b) == extract_middle(full, na, nb));
    }
}

TEST_CASE("gf2x: multiply on large and unbalanced sizes equals the base-case window", "[amplify][gf2x]") {
    qkdnq::shake_drbg rng(std::uint64_t{0x6f6});
    for (int round = 0; round < 40; ++round) {
        const std::size_t na = 1 + static_cast<std::size_t>(qkdnq::random_below(rng, large_words));
        std::size_t nb = 1 + static_cast<std::size_t>(qkdnq::random_below(rng, large_words));
        if (round % 4 == 1) nb = 1 + nb % 64;  // very unbalanced
        if (round % 4 == 2) nb = na;            // balanced
        const words a = operand(rng, na, round), b = operand(rng, nb, round + 1);
        words expected(na + nb);
        gf2x::mul_window(a, b, 0, expected);
        INFO("na=" << na << " nb=" << nb);
        REQUIRE(product(a, b) == expected);
    }
    // Sizes around the thresholds and powers of two.
    for (const std::size_t n : {gf2x::kara_threshold - 1, gf2x::kara_threshold, gf2x::toom3_threshold - 1,
                                gf2x::toom3_threshold, gf2x::toom3_threshold + 1, std::size_t{255}, std::size_t{256},
                                std::size_t{257}, std::size_t{1023}, std::size_t{1024}, std::size_t{3 * 1024 + 1}}) {
        for (const std::size_t nb : {n, n - 1, n / 2, n / 2 + 1, (2 * n) / 3 + 1}) {
            if (nb == 0) continue;
            const words a = operand(rng, n, 0), b = operand(rng, nb, 5);
            words expected(n + nb);
            gf2x::mul_window(a, b, 0, expected);
            INFO("na=" << n << " nb=" << nb);
            REQUIRE(product(a, b) == expected);
        }
    }
}

TEST_CASE("gf2x: products are commutative and distributive, with the exact scratch bound", "[amplify][gf2x][property]") {
    qkdnq::shake_drbg rng(std::uint64_t{0x6f7});
    for (int round = 0; round < 12; ++round) {
        const std::size_t na = 1 + static_cast<std::size_t>(qkdnq::random_below(rng, large_words));
        const std::size_t nb = 1 + static_cast<std::size_t>(qkdnq::random_below(rng, large_words));
        const words a = random_words(rng, na), b = random_words(rng, nb), d = random_words(rng, nb);
        INFO("na=" << na << " nb=" << nb);
        const words ab = product(a, b);
        REQUIRE(product(b, a) == ab);
        REQUIRE(product(a, xor_of(b, d)) == xor_of(ab, product(a, d)));  // a(b + d) = ab + ad
        // The middle product is linear in b too (Toeplitz linearity).
        if (na >= nb) REQUIRE(middle(a, xor_of(b, d)) == xor_of(middle(a, b), middle(a, d)));
        // The recursion runs in exactly the scratch the bound names (it throws if short).
        words c(na + nb), ws(gf2x::mul_scratch_words(na, nb));
        gf2x::mul(a, b, c, ws);
        REQUIRE(c == ab);
    }
    // Scratch bounds over many shapes, Toeplitz ones included.
    for (int round = 0; round < 400; ++round) {
        const std::size_t nb = 1 + static_cast<std::size_t>(qkdnq::random_below(rng, 3000));
        const std::size_t m = static_cast<std::size_t>(qkdnq::random_below(rng, 3 * nb + 1));
        const std::size_t na = nb + m;
        const words a = random_words(rng, na), b = random_words(rng, nb);
        INFO("na=" << na << " nb=" << nb);
        words c(na + nb), ws(gf2x::mul_scratch_words(na, nb));
        REQUIRE_NOTHROW(gf2x::mul(a, b, c, ws));
        words out(m), ws2(gf2x::middle_scratch_words(na, nb));
        REQUIRE_NOTHROW(gf2x::middle(a, b, out, ws2));
        REQUIRE(out == extract_middle(c, na, nb));
    }
}

TEST_CASE("gf2x: wrong sizes throw invalid_argument", "[amplify][gf2x]") {
    const words a(10, 1), b(4, 3);
    words c(13), out(5);
    CHECK_THROWS_AS(gf2x::multiply(a, b, c), qkdnq::invalid_argument);
    CHECK_THROWS_AS(gf2x::middle_product(a, b, out), qkdnq::invalid_argument);
    CHECK_THROWS_AS(gf2x::middle_product(b, a, out), qkdnq::invalid_argument);          // nb > na
    words ten(10);
    CHECK_THROWS_AS(gf2x::middle_product(a, words{}, ten), qkdnq::invalid_argument);  // nb = 0
    words ws(1);
    words big_a(500, 7), big_b(400, 9), big_c(900);
    CHECK_THROWS_AS(gf2x::mul(big_a, big_b, big_c, ws), qkdnq::invalid_argument);  // scratch short
    // Empty operands give the zero product; na == nb gives an empty middle product.
    words z(4, 0xff);
    gf2x::multiply(words{}, b, z);
    CHECK(z == words(4, 0));
    words none;
    CHECK_NOTHROW(gf2x::middle_product(b, b, none));
}
