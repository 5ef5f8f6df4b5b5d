// The additive-FFT engine for huge GF(2)[x] products (amplify/detail/gf2x_fft.hpp): the GF(2^64)
// arithmetic against a bitwise definition, every SIMD kernel against the scalar reference, the
// transforms against their definitions (evaluation in the novel polynomial basis, inverse,
// transpose under the trace form), and the product and middle product against a word
// schoolbook, for many sizes and structured operands.
#include <qkdnq/amplify/detail/gf2x_fft.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/simd/clmul.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <type_traits>
#include <vector>

namespace {

namespace fft = qkdnq::detail::gf2x::fft;
using fft::u64;
using words = std::vector<u64>;

// ---------------------------------------------------------------- references

// GF(2^64) product by shift-and-add, reducing by y^64 = y^4 + y^3 + y + 1 one bit at a time.
u64 bitwise_mul(u64 a, u64 b) {
    u64 r = 0;
    for (int i = 63; i >= 0; --i) {
        const bool top = (r >> 63) != 0;
        r <<= 1;
        if (top) r ^= 0x1bu;
        if ((b >> i) & 1u) r ^= a;
    }
    return r;
}

// Absolute trace Tr(z) = z + z^2 + ... + z^(2^63), in GF(2).
bool trace(u64 z) {
    u64 s = z, p = z;
    for (int i = 1; i < 64; ++i) {
        p = bitwise_mul(p, p);
        s ^= p;
    }
    REQUIRE((s == 0 || s == 1));
    return s != 0;
}

// sum_i Tr(x_i y_i), the bilinear form under which the transposed algorithms are transposes.
bool trace_pairing(const words& x, const words& y) {
    u64 acc = 0;
    for (std::size_t i = 0; i < x.size(); ++i) acc ^= fft::mul_scalar(x[i], y[i]);
    return trace(acc);
}

// The word schoolbook product (clmul_ct is checked against simd::clmul64_scalar above; the
// latter is too slow at run time for the sizes here).
words schoolbook(const words& a, const words& b) {
    words c(a.size() + b.size(), 0);
    for (std::size_t i = 0; i < a.size(); ++i) {
        for (std::size_t j = 0; j < b.size(); ++j) {
            const auto p = fft::clmul_ct(a[i], b[j]);
            c[i + j] ^= p.lo;
            c[i + j + 1] ^= p.hi;
        }
    }
    return c;
}

// Word w of a*b in O(min(na, nb)).
u64 product_word(const words& a, const words& b, std::size_t w) {
    u64 r = 0;
    for (std::size_t i = 0; i < a.size() && i <= w; ++i) {
        if (w - i < b.size()) r ^= fft::clmul_ct(a[i], b[w - i]).lo;
        if (w >= i + 1 && w - i - 1 < b.size()) r ^= fft::clmul_ct(a[i], b[w - i - 1]).hi;
    }
    return r;
}

words random_words(std::size_t n, std::mt19937_64& rng) {
    words v(n);
    for (auto& x : v) x = rng();
    return v;
}

words fft_product(const words& a, const words& b) {
    words c(a.size() + b.size());
    qkdnq::detail::gf2x::fft_multiply(a, b, c);
    return c;
}

words fft_middle(const words& a, const words& b) {
    words o(a.size() - b.size());
    qkdnq::detail::gf2x::fft_middle_product(a, b, o);
    return o;
}

words middle_of(const words& full, std::size_t na, std::size_t nb) {
    return words(full.begin() + static_cast<std::ptrdiff_t>(nb), full.begin() + static_cast<std::ptrdiff_t>(na));
}

// The subspace polynomials s_i (coefficients in GF(2)) and the novel basis Xbar_k as bit
// vectors of GF(2)[x] (bit d = coefficient of x^d), for k < 2^m.
std::vector<std::vector<bool>> novel_basis(unsigned m) {
    const std::size_t n = std::size_t{1} << m;
    const auto polymul = [](const std::vector<bool>& p, const std::vector<bool>& q) {
        std::vector<bool> r(p.size() + q.size() - 1, false);
        for (std::size_t i = 0; i < p.size(); ++i) {
            if (!p[i]) continue;
            for (std::size_t j = 0; j < q.size(); ++j) r[i + j] = r[i + j] != q[j];
        }
        return r;
    };
    std::vector<std::vector<bool>> s(m);
    for (unsigned i = 0; i < m; ++i) {
        s[i].assign((std::size_t{1} << i) + 1, false);
        for (unsigned t = 0; t <= i; ++t) {
            if ((t & i) == t) s[i][std::size_t{1} << t] = true;  // binom(i, t) odd (Lucas)
        }
    }
    std::vector<std::vector<bool>> x(n);
    for (std::size_t k = 0; k < n; ++k) {
        std::vector<bool> p{true};
        for (unsigned i = 0; i < m; ++i) {
            if ((k >> i) & 1u) p = polymul(p, s[i]);
        }
        p.resize(n, false);
        x[k] = p;
    }
    return x;
}

// The value at w of the polynomial with novel-basis coefficients e.
u64 eval_novel(const words& e, u64 w) {
    u64 acc = 0;
    for (std::size_t k = 0; k < e.size(); ++k) {
        u64 basis = 1;
        for (unsigned i = 0; (k >> i) != 0; ++i) {
            if (((k >> i) & 1u) == 0) continue;
            // s_i(w) = prod over the subspace W_i of (w - u), by definition.
            u64 si = 1;
            for (u64 u = 0; u < (u64{1} << i); ++u) si = fft::mul_scalar(si, w ^ fft::omega(u));
            basis = fft::mul_scalar(basis, si);
        }
        acc ^= fft::mul_scalar(basis, e[k]);
    }
    return acc;
}

template <class K>
void row_transform(fft::xform dir, words& x, unsigned j, u64 row) {
    const u64* tw = fft::twiddle_table();
    switch (dir) {
        case fft::xform::fwd: fft::row_layers<K, fft::xform::fwd>(x.data(), j, 0, j, row, tw); break;
        case fft::xform::inv: fft::row_layers<K, fft::xform::inv>(x.data(), j, 0, j, row, tw); break;
        case fft::xform::fwd_t: fft::row_layers<K, fft::xform::fwd_t>(x.data(), j, 0, j, row, tw); break;
        case fft::xform::inv_t: fft::row_layers<K, fft::xform::inv_t>(x.data(), j, 0, j, row, tw); break;
    }
}

// The reference for a group stage: each of the 8 blocks on its own, in the natural layout.
void block_stage_reference(fft::xform dir, words& block, u64 b) {
    using R = fft::kernel_scalar;
    const auto conv = [&](auto d) { fft::conv<decltype(d)::value>(block.data(), 8, 1, 256); };
    using fwd = std::integral_constant<fft::conv_dir, fft::conv_dir::fwd>;
    using inv = std::integral_constant<fft::conv_dir, fft::conv_dir::inv>;
    using fwd_t = std::integral_constant<fft::conv_dir, fft::conv_dir::fwd_t>;
    using inv_t = std::integral_constant<fft::conv_dir, fft::conv_dir::inv_t>;
    switch (dir) {
        case fft::xform::fwd: conv(fwd{}); row_transform<R>(dir, block, 8, b); break;
        case fft::xform::inv: row_transform<R>(dir, block, 8, b); conv(inv{}); break;
        case fft::xform::inv_t: conv(inv_t{}); row_transform<R>(dir, block, 8, b); break;
        case fft::xform::fwd_t: row_transform<R>(dir, block, 8, b); conv(fwd_t{}); break;
    }
}

template <class K>
void group_stage(fft::xform dir, u64* g, u64 b0) {
    const u64* tw = fft::twiddle_table();
    switch (dir) {
        case fft::xform::fwd: fft::group_stage<K, fft::xform::fwd>(g, b0, tw); break;
        case fft::xform::inv: fft::group_stage<K, fft::xform::inv>(g, b0, tw); break;
        case fft::xform::fwd_t: fft::group_stage<K, fft::xform::fwd_t>(g, b0, tw); break;
        case fft::xform::inv_t: fft::group_stage<K, fft::xform::inv_t>(g, b0, tw); break;
    }
}

template <class K>
struct window_fixture {
    unsigned t;
    std::size_t p;
    words buf;
    fft::window<K> w;

    window_fixture(unsigned t_, std::size_t p_)
        : t(t_), p(p_), buf(((std::size_t{3} << t_) / 2 + 1) * p_, 0),
          w{buf.data(), buf.data() + (std::size_t{1} << t_) * p_, p_} {}
    [[nodiscard]] std::size_t rows_words() const { return (std::size_t{1} << t) * p; }
    void load(const words& x) {
        std::fill(buf.begin(), buf.end(), u64{0});
        std::copy(x.begin(), x.end(), buf.begin());
    }
    [[nodiscard]] words rows(std::size_t n) const {
        return words(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n * p));
    }
};

}  // namespace

// ---------------------------------------------------------------- field

TEST_CASE("GF(2^64) multiplication against the bitwise definition and the field axioms", "[amplify][gf2x][fft]") {
    std::mt19937_64 rng(1);
    const u64 edge[] = {0, 1, 2, 0x1b, u64{1} << 63, ~u64{0}, 0x8000000000000001u, 0x5555555555555555u};
    for (const u64 a : edge) {
        for (const u64 b : edge) {
            CHECK(fft::mul_scalar(a, b) == bitwise_mul(a, b));
            CHECK(fft::mul(a, b) == bitwise_mul(a, b));
        }
    }
    for (int it = 0; it < 2000; ++it) {
        const u64 a = rng(), b = rng(), c = rng();
        REQUIRE(fft::clmul_ct(a, b) == qkdnq::simd::clmul64_scalar(a, b));
        const u64 ab = fft::mul_scalar(a, b);
        REQUIRE(ab == bitwise_mul(a, b));
        REQUIRE(fft::mul(a, b) == ab);
        CHECK(fft::mul_scalar(b, a) == ab);
        CHECK(fft::mul_scalar(ab, c) == fft::mul_scalar(a, fft::mul_scalar(b, c)));
        CHECK(fft::mul_scalar(a, b ^ c) == (ab ^ fft::mul_scalar(a, c)));
        CHECK(fft::mul_scalar(a, 1) == a);
    }
    // a^(2^64-1) = 1 for a != 0: the modulus is irreducible.
    for (int it = 0; it < 20; ++it) {
        const u64 a = rng() | 1u;
        u64 p = a, r = 1;
        for (int i = 0; i < 64; ++i) {
            r = fft::mul_scalar(r, p);
            p = fft::mul_scalar(p, p);
        }
        CHECK(r == 1);
    }
    // The Cantor basis: b_i^2 + b_i = b_(i-1), and w is linear in the index.
    for (std::size_t i = 1; i < fft::cantor_basis.size(); ++i) {
        CHECK((bitwise_mul(fft::cantor_basis[i], fft::cantor_basis[i]) ^ fft::cantor_basis[i]) ==
              fft::cantor_basis[i - 1]);
    }
    CHECK((fft::omega(0x35) ^ fft::omega(0x0a)) == fft::omega(0x3f));
}

TEST_CASE("Dual-basis input and output realise the transpose of a field multiplication", "[amplify][gf2x][fft]") {
    // For the coordinate map phi(w) = dual_in(w): phi(M_s^T w) = s phi(w), with M_s the matrix of
    // multiplication by s in the polynomial basis.
    std::mt19937_64 rng(2);
    for (int it = 0; it < 200; ++it) {
        const u64 s = rng(), w = rng() >> 1;
        u64 mt = 0;  // (M_s^T w)_i = <column i of M_s, w> = parity(s y^i & w)
        for (unsigned i = 0; i < 64; ++i) {
            const u64 col = bitwise_mul(s, u64{1} << i);
            mt |= static_cast<u64>(__builtin_parityll(col & w)) << i;
        }
        CHECK(fft::dual_in(mt) == fft::mul_scalar(s, fft::dual_in(w)));
        // dual_out inverts dual_in on the low 32 coordinates.
        CHECK(fft::dual_out_low32(fft::dual_in(w)) == static_cast<std::uint32_t>(w));
    }
}

// ---------------------------------------------------------------- kernels

TEST_CASE("SIMD field kernels equal the scalar reference on every length", "[amplify][gf2x][fft][simd]") {
    using K = fft::kernel_native;
    using R = fft::kernel_scalar;
    std::mt19937_64 rng(3);
        for (std::size_t n = 0; n <= 41; ++n) {
        for (const u64 s : {u64{0}, u64{1}, u64{0x1b}, ~u64{0}, rng()}) {
            const words u0 = random_words(n, rng), v0 = random_words(n, rng);
            const auto both = [&](auto kf, auto rf) {
                words u1 = u0, v1 = v0, u2 = u0, v2 = v0;
                kf(u1.data(), v1.data());
                rf(u2.data(), v2.data());
                CHECK(u1 == u2);
                CHECK(v1 == v2);
            };
            both([&](u64* u, u64* v) { K::bfly_fwd(u, v, s, n); }, [&](u64* u, u64* v) { R::bfly_fwd(u, v, s, n); });
            both([&](u64* u, u64* v) { K::bfly_inv(u, v, s, n); }, [&](u64* u, u64* v) { R::bfly_inv(u, v, s, n); });
            both([&](u64* u, u64* v) { K::bfly_fwd_t(u, v, s, n); },
                 [&](u64* u, u64* v) { R::bfly_fwd_t(u, v, s, n); });
            both([&](u64* u, u64* v) { K::bfly_inv_t(u, v, s, n); },
                 [&](u64* u, u64* v) { R::bfly_inv_t(u, v, s, n); });
            both([&](u64* u, u64* v) { K::mul_xor(u, v, s, n); }, [&](u64* u, u64* v) { R::mul_xor(u, v, s, n); });
            both([&](u64* u, u64* v) { K::mul_set(u, v, s, n); }, [&](u64* u, u64* v) { R::mul_set(u, v, s, n); });
            both([&](u64* u, u64* v) { K::pointwise(u, v, n); }, [&](u64* u, u64* v) { R::pointwise(u, v, n); });
            // Butterflies undo each other.
            words u = u0, v = v0;
            K::bfly_fwd(u.data(), v.data(), s, n);
            K::bfly_inv(u.data(), v.data(), s, n);
            CHECK(u == u0);
            CHECK(v == v0);
        }
    }
    // Zeros, single bits and all ones through the vector multiplication.
    for (std::size_t bit = 0; bit < 64; ++bit) {
        words x(16, u64{1} << bit), y(16, ~u64{0}), z(16, 0), x2 = x, y2 = y;
        K::pointwise(x.data(), y.data(), 16);
        R::pointwise(x2.data(), y2.data(), 16);
        CHECK(x == x2);
        K::pointwise(z.data(), y.data(), 16);
        CHECK(z == words(16, 0));
    }
}

TEST_CASE("Row transforms: SIMD equals scalar, inverse and transpose, and the forward evaluates the novel basis",
          "[amplify][gf2x][fft][simd]") {
    std::mt19937_64 rng(4);
    for (const unsigned j : {1u, 2u, 3u, 4u, 6u, 8u, 10u}) {
        for (const u64 row : {u64{0}, u64{1}, u64{5}, u64{1000}}) {
            const std::size_t len = std::size_t{1} << j;
            const words x = random_words(len, rng), y = random_words(len, rng);
            for (const auto dir : {fft::xform::fwd, fft::xform::inv, fft::xform::fwd_t, fft::xform::inv_t}) {
                words a = x, b = x;
                row_transform<fft::kernel_native>(dir, a, j, row);
                row_transform<fft::kernel_scalar>(dir, b, j, row);
                CHECK(a == b);
            }
            words a = x;
            row_transform<fft::kernel_native>(fft::xform::fwd, a, j, row);
            row_transform<fft::kernel_native>(fft::xform::inv, a, j, row);
            CHECK(a == x);
            a = x;
            row_transform<fft::kernel_native>(fft::xform::fwd_t, a, j, row);
            row_transform<fft::kernel_native>(fft::xform::inv_t, a, j, row);
            CHECK(a == x);
            // <fwd x, y> = <x, fwd_t y>, <inv x, y> = <x, inv_t y> under sum Tr(x_i y_i).
            words fx = x, fty = y, ix = x, ity = y;
            row_transform<fft::kernel_native>(fft::xform::fwd, fx, j, row);
            row_transform<fft::kernel_native>(fft::xform::fwd_t, fty, j, row);
            row_transform<fft::kernel_native>(fft::xform::inv, ix, j, row);
            row_transform<fft::kernel_native>(fft::xform::inv_t, ity, j, row);
            CHECK(trace_pairing(fx, y) == trace_pairing(x, fty));
            CHECK(trace_pairing(ix, y) == trace_pairing(x, ity));
            if (j <= 6) {
                // The forward transform of row r evaluates at the points w_(r 2^j + q).
                for (std::size_t q = 0; q < len; q += (j <= 4 ? 1 : 7)) {
                    CHECK(fx[q] == eval_novel(x, fft::omega((row << j) + q)));
                }
            }
        }
    }
}

TEST_CASE("Group stages: 8 interleaved blocks equal each block converted and transformed alone",
          "[amplify][gf2x][fft][simd]") {
    std::mt19937_64 rng(12);
    const auto run = [&](auto kernel) {
        using K = decltype(kernel);
        for (const u64 b0 : {u64{0}, u64{8}, u64{2048}, u64{18432}}) {
            for (const std::size_t blocks : {std::size_t{8}, std::size_t{3}, std::size_t{1}}) {
                for (const auto dir : {fft::xform::fwd, fft::xform::inv, fft::xform::fwd_t, fft::xform::inv_t}) {
                    const std::size_t stride = 300;  // blocks of 256 with gaps between them
                    words data = random_words(8 * stride, rng), expect = data;
                    words g(fft::group_words);
                    K::group_in(data.data(), stride, blocks, g.data());
                    group_stage<K>(dir, g.data(), b0);
                    K::group_out(g.data(), data.data(), stride, blocks);
                    for (std::size_t l = 0; l < blocks; ++l) {
                        words block(expect.begin() + static_cast<std::ptrdiff_t>(l * stride),
                                    expect.begin() + static_cast<std::ptrdiff_t>(l * stride + 256));
                        block_stage_reference(dir, block, b0 + l);
                        std::copy(block.begin(), block.end(), expect.begin() + static_cast<std::ptrdiff_t>(l * stride));
                    }
                    CHECK(data == expect);
                }
            }
        }
    };
    run(fft::kernel_native{});
    run(fft::kernel_scalar{});
}

// ---------------------------------------------------------------- basis conversion

TEST_CASE("Basis conversion: monomial to novel basis, its inverse and transposes, truncated",
          "[amplify][gf2x][fft]") {
    std::mt19937_64 rng(5);
    for (unsigned m = 1; m <= 8; ++m) {  // m = 8 full length runs the precomputed program
        const std::size_t n = std::size_t{1} << m;
        const auto basis = novel_basis(m);
        for (std::size_t len : {n, n - n / 3, std::size_t{1}, n / 2 + 1}) {
            if (len == 0 || len > n) continue;
            words d = random_words(len, rng);
            d.resize(n, 0);
            words e = d;
            fft::conv<fft::conv_dir::fwd>(e.data(), m, 1, len);
            // sum_k e_k Xbar_k(x) == sum_i d_i x^i, lane by lane (the conversion has GF(2) entries).
            words back(n, 0);
            for (std::size_t k = 0; k < n; ++k) {
                for (std::size_t i = 0; i < n; ++i) {
                    if (basis[k][i]) back[i] ^= e[k];
                }
            }
            CHECK(back == d);
            for (std::size_t k = len; k < n; ++k) CHECK(e[k] == 0);
            fft::conv<fft::conv_dir::inv>(e.data(), m, 1, len);
            CHECK(e == d);
            // Transposes on the truncated length.
            words x = random_words(len, rng), y = random_words(len, rng);
            words cx = x, cty = y, ix = x, ity = y;
            fft::conv<fft::conv_dir::fwd>(cx.data(), m, 1, len);
            fft::conv<fft::conv_dir::fwd_t>(cty.data(), m, 1, len);
            fft::conv<fft::conv_dir::inv>(ix.data(), m, 1, len);
            fft::conv<fft::conv_dir::inv_t>(ity.data(), m, 1, len);
            CHECK(trace_pairing(cx, y) == trace_pairing(x, cty));
            CHECK(trace_pairing(ix, y) == trace_pairing(x, ity));
        }
    }
    // Elements of several words (the row-polynomial conversion on windows).
    for (const std::size_t v : {std::size_t{8}, std::size_t{5}}) {
        const unsigned m = 5;
        const words d = random_words((std::size_t{1} << m) * v, rng);
        for (std::size_t lane = 0; lane < v; ++lane) {
            words flat(std::size_t{1} << m), e = d;
            for (std::size_t k = 0; k < flat.size(); ++k) flat[k] = d[k * v + lane];
            fft::conv<fft::conv_dir::fwd>(flat.data(), m, 1, flat.size());
            fft::conv<fft::conv_dir::fwd>(e.data(), m, v, e.size());
            for (std::size_t k = 0; k < flat.size(); ++k) CHECK(e[k * v + lane] == flat[k]);
        }
    }
}

// ---------------------------------------------------------------- row-level transforms

TEST_CASE("Row-level transforms: pruned forward, truncated inverse and their transposes", "[amplify][gf2x][fft]") {
    std::mt19937_64 rng(6);
    using K = fft::kernel_native;
    for (const unsigned t : {1u, 2u, 3u, 4u, 5u}) {
        const std::size_t full = std::size_t{1} << t;
        const std::size_t p = 8;
        for (std::size_t n_out = 1; n_out <= full; ++n_out) {
            for (std::size_t n_in = 1; n_in <= full; n_in += (t >= 4 ? 3 : 1)) {
                window_fixture<K> f(t, p), g(t, p);
                words x = random_words(n_in * p, rng);
                // Pruned forward == full forward of the zero-padded rows, first n_out rows.
                f.load(x);
                f.w.fwd(f.w.rows, t, n_out, n_in, 0);
                g.load(x);
                g.w.fwd(g.w.rows, t, full, full, 0);
                CHECK(f.rows(n_out) == g.rows(n_out));
                // fwd_t is the transpose of fwd (n_in coefficients -> n_out values).
                const words y = random_words(n_out * p, rng);
                window_fixture<K> h(t, p);
                h.load(y);
                h.w.fwd_t(h.w.rows, t, n_out, n_in, 0);
                CHECK(trace_pairing(f.rows(n_out), y) == trace_pairing(x, h.rows(n_in)));
            }
            // inv inverts fwd with n_in = n_out = n, and inv_t is its transpose.
            const std::size_t n = n_out;
            const words x = random_words(n * p, rng), y = random_words(n * p, rng);
            window_fixture<K> a(t, p), b(t, p);
            a.load(x);
            a.w.fwd(a.w.rows, t, n, n, 0);
            a.w.inv(a.w.rows, t, n, 0);
            CHECK(a.rows(n) == x);
            a.load(x);
            a.w.inv(a.w.rows, t, n, 0);
            b.load(y);
            b.w.inv_t(b.w.rows, t, n, 0);
            CHECK(trace_pairing(a.rows(n), y) == trace_pairing(x, b.rows(n)));
            // The scalar kernel computes the same.
            window_fixture<fft::kernel_scalar> c(t, p);
            c.load(x);
            c.w.inv(c.w.rows, t, n, 0);
            CHECK(c.rows(n) == a.rows(n));
        }
    }
}

// ---------------------------------------------------------------- products

TEST_CASE("fft_multiply equals the schoolbook product for small and unbalanced sizes", "[amplify][gf2x][fft]") {
    std::mt19937_64 rng(7);
    for (std::size_t na = 1; na <= 24; ++na) {
        for (std::size_t nb = 1; nb <= 24; nb += (nb < 8 ? 1 : 5)) {
            const words a = random_words(na, rng), b = random_words(nb, rng);
            REQUIRE(fft_product(a, b) == schoolbook(a, b));
        }
    }
    for (const auto& [na, nb] : {std::pair<std::size_t, std::size_t>{1000, 1}, {1, 777}, {1025, 1023},
                                 {2047, 3}, {4096, 4096}, {1500, 2600}, {5000, 700}}) {
        const words a = random_words(na, rng), b = random_words(nb, rng);
        CHECK(fft_product(a, b) == schoolbook(a, b));
    }
}

TEST_CASE("fft_multiply on structured operands", "[amplify][gf2x][fft]") {
    std::mt19937_64 rng(8);
    for (const std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{64}, std::size_t{1100}}) {
        const words zero(n, 0), ones(n, ~u64{0}), r = random_words(n, rng);
        words single(n, 0), top(n, 0);
        single[n / 2] = u64{1} << 17;
        top[n - 1] = u64{1} << 63;
        CHECK(fft_product(zero, r) == words(2 * n, 0));
        CHECK(fft_product(ones, ones) == schoolbook(ones, ones));
        CHECK(fft_product(single, r) == schoolbook(single, r));
        CHECK(fft_product(top, top) == schoolbook(top, top));
        CHECK(fft_product(r, top) == schoolbook(r, top));
    }
}

TEST_CASE("fft_middle_product equals the middle words of the product", "[amplify][gf2x][fft]") {
    std::mt19937_64 rng(9);
    for (std::size_t nb = 1; nb <= 20; ++nb) {
        for (std::size_t na = nb; na <= nb + 22; ++na) {
            const words a = random_words(na, rng), b = random_words(nb, rng);
            REQUIRE(fft_middle(a, b) == middle_of(schoolbook(a, b), na, nb));
        }
    }
    // Toeplitz-like shapes (na = 1.1 .. 1.9 nb) and structured operands.
    for (const auto& [na, nb] : {std::pair<std::size_t, std::size_t>{1500, 1000}, {1100, 1000}, {1900, 1000},
                                 {2049, 2048}, {3000, 1}, {4097, 1365}, {777, 777}}) {
        const words a = random_words(na, rng), b = random_words(nb, rng);
        CHECK(fft_middle(a, b) == middle_of(schoolbook(a, b), na, nb));
        words ones_a(na, ~u64{0}), single_b(nb, 0), top_a(na, 0);
        single_b[nb - 1] = u64{1} << 63;
        top_a[na - 1] = u64{1} << 63;
        CHECK(fft_middle(ones_a, b) == middle_of(schoolbook(ones_a, b), na, nb));
        CHECK(fft_middle(a, single_b) == middle_of(schoolbook(a, single_b), na, nb));
        CHECK(fft_middle(top_a, b) == middle_of(schoolbook(top_a, b), na, nb));
        CHECK(fft_middle(words(na, 0), b) == words(na - nb, 0));
    }
}

TEST_CASE("Native and scalar kernels give the same products", "[amplify][gf2x][fft][simd]") {
    std::mt19937_64 rng(10);
    for (const auto& [na, nb] : {std::pair<std::size_t, std::size_t>{3000, 2000}, {70000, 46000}}) {
        const words a = random_words(na, rng), b = random_words(nb, rng);
        words c1(na + nb), c2(na + nb), m1(na - nb), m2(na - nb);
        qkdnq::detail::gf2x::fft_multiply(a, b, c1);
        qkdnq::detail::gf2x::fft_multiply<fft::kernel_scalar>(a, b, c2);
        CHECK(c1 == c2);
        qkdnq::detail::gf2x::fft_middle_product(a, b, m1);
        qkdnq::detail::gf2x::fft_middle_product<fft::kernel_scalar>(a, b, m2);
        CHECK(m1 == m2);
        CHECK(m1 == middle_of(c1, na, nb));
    }
}

TEST_CASE("Huge operands: every row tier, checked word by word against the definition", "[amplify][gf2x][fft]") {
    // Above 2^19 elements the rows have 2^16 elements; the product and the middle product are
    // computed by different transforms, so agreeing on every middle word and matching the
    // schoolbook on sampled words checks both.
    std::mt19937_64 rng(11);
    const std::size_t na = 300000, nb = 200000;
    const words a = random_words(na, rng), b = random_words(nb, rng);
    words c(na + nb), m(na - nb), m2(na - nb);
    qkdnq::detail::gf2x::fft_multiply(a, b, c);
    qkdnq::detail::gf2x::fft_middle_product(a, b, m, 2);
    CHECK(m == middle_of(c, na, nb));
    for (int it = 0; it < 12; ++it) {
        const std::size_t w = static_cast<std::size_t>(rng() % (na + nb));
        CHECK(c[w] == product_word(a, b, w));
    }
    for (const std::size_t w : {std::size_t{0}, nb, na - 1, na + nb - 1}) CHECK(c[w] == product_word(a, b, w));
    // Unbalanced: a long seed against a short key.
    const words bs(b.begin(), b.begin() + 20000);
    m2.assign(na - bs.size(), 0);
    qkdnq::detail::gf2x::fft_middle_product(a, bs, m2);
    for (int it = 0; it < 8; ++it) {
        const std::size_t k = static_cast<std::size_t>(rng() % m2.size());
        CHECK(m2[k] == product_word(a, bs, bs.size() + k));
    }
}

TEST_CASE("Threads and caller workspaces give the same results", "[amplify][gf2x][fft]") {
    std::mt19937_64 rng(13);
    // Passes run on several threads from 2^18 transform elements on (the last case).
    for (const auto& [na, nb] : {std::pair<std::size_t, std::size_t>{5000, 3000}, {1000, 999}, {140000, 2000}}) {
        const words a = random_words(na, rng), b = random_words(nb, rng);
        const words c1 = fft_product(a, b), m1 = fft_middle(a, b);
        for (const unsigned threads : {1u, 2u, 3u}) {
            words c(na + nb), m(na - nb);
            qkdnq::detail::gf2x::fft_workspace wc(qkdnq::detail::gf2x::fft_multiply_workspace(na, nb, threads));
            qkdnq::detail::gf2x::fft_workspace wm(qkdnq::detail::gf2x::fft_middle_product_workspace(na, nb, threads));
            for (int round = 0; round < 2; ++round) {  // the workspace is reusable
                qkdnq::detail::gf2x::fft_multiply(a, b, c, threads, wc.span());
                qkdnq::detail::gf2x::fft_middle_product(a, b, m, threads, wm.span());
                CHECK(c == c1);
                CHECK(m == m1);
            }
            // Wiped before returning.
            CHECK(std::all_of(wm.span().begin(), wm.span().end(), [](u64 w) { return w == 0; }));
            qkdnq::detail::gf2x::fft_middle_product(a, b, m, threads);
            CHECK(m == m1);
        }
        CHECK(m1 == middle_of(c1, na, nb));
    }
    // A workspace that is too small is refused.
    const words a(100, 3), b(60, 5);
    words c(160), m(40);
    words small(10);
    CHECK_THROWS_AS(qkdnq::detail::gf2x::fft_multiply(a, b, c, 1, small), qkdnq::invalid_argument);
    CHECK_THROWS_AS(qkdnq::detail::gf2x::fft_middle_product(a, b, m, 1, small), qkdnq::invalid_argument);
}

TEST_CASE("Wrong sizes throw invalid_argument", "[amplify][gf2x][fft]") {
    const words a(10, 1), b(4, 1);
    words c(13), o(5);
    CHECK_THROWS_AS(qkdnq::detail::gf2x::fft_multiply(a, b, c), qkdnq::invalid_argument);
    CHECK_THROWS_AS(qkdnq::detail::gf2x::fft_middle_product(a, b, o), qkdnq::invalid_argument);
    CHECK_THROWS_AS(qkdnq::detail::gf2x::fft_middle_product(b, a, o), qkdnq::invalid_argument);
    words none;
    CHECK_THROWS_AS(qkdnq::detail::gf2x::fft_middle_product(a, none, o), qkdnq::invalid_argument);
    words empty_out;
    qkdnq::detail::gf2x::fft_middle_product(b, b, empty_out);  // na == nb: nothing to compute
    words c2(10);
    qkdnq::detail::gf2x::fft_multiply(a, none, c2);
    CHECK(c2 == words(10, 0));
}
