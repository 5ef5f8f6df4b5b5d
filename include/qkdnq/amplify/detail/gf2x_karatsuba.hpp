// Sub-quadratic GF(2)[x] multiplication of word arrays (the representation of
// gf2x_basecase.hpp): Karatsuba, Toom-Cook-3 over GF(2) after Bodrato, the Karatsuba middle
// product after Hanrot, Quercia and Zimmermann, and its Toom-3 counterpart (the transposed TC3).
//
//   mul(a, b, c, scratch)      c = a*b for any sizes (c.size() == a.size() + b.size())
//   middle(a, b, out, scratch) out[k] = word nb + k of a*b, a.size() == b.size() + out.size()
//   mul_scratch_words(na, nb), middle_scratch_words(na, nb): the scratch they need, O(na + nb)
//
// Recursion (all choices depend on the sizes only):
//   - min(na, nb) < kara_threshold: the schoolbook base case (gf2x_basecase.hpp).
//   - unbalanced (the shorter operand no longer than half the longer): the longer one is cut
//     into blocks of the shorter one's size, one balanced product per block.
//   - below toom3_threshold: Karatsuba, a = a0 + X^h a1, b = b0 + X^h b1,
//     a*b = a0b0 + X^h ((a0+a1)(b0+b1) + a0b0 + a1b1) + X^2h a1b1.
//   - above: Toom-Cook-3 with Bodrato's points 0, 1, x, x+1, infinity (see mul_toom3).
//   - middle products: unbalanced shapes are cut into balanced ones (b in pieces of m words, or
//     the output in blocks of nb words); balanced ones take the Toom-3 MP (mp_toom3) from
//     mp_toom3_threshold, the Karatsuba MP (mp_kara) down to mp_threshold, then the base-case
//     window. A balanced (2n x n) -> n middle product costs about one n x n product.
// Scratch comes from the caller; nothing is allocated inside the recursion. Each function
// checks that its scratch is long enough and throws qkdnq::invalid_argument if not (a bug).
//
// Thresholds (words): `measured_thresholds` below, per compiled base case; see docs/performance.md.
//
// Constant time: every branch, loop bound and address depends on the operand sizes only; the
// additions are XORs, the exact divisions by x and x+1 are shifts and prefix XORs over whole
// words. Operands are secret key material (Toeplitz seeds and reconciled keys).
#pragma once

#include <qkdnq/amplify/detail/gf2x_basecase.hpp>
#include <qkdnq/core/error.hpp>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace qkdnq::detail::gf2x {

// Thresholds in words, per compiled base case: {Karatsuba, Toom-3 product, base-case middle
// product, Toom-3 middle product}. Measured with bench/amplify/bench_gf2x.cpp's shapes on the
// development VM (AMD EPYC Zen 5, gcc 12.2, -O3; docs/performance.md): products n x n and middle
// products 2n x n, each threshold swept with the others fixed, medians of repeated runs. The
// xmm and ymm rows come from the same machine built with -mno-vpclmulqdq / -mno-avx512f.
struct thresholds {
    std::size_t kara, toom3, mp, mp_toom3;
};
[[nodiscard]] constexpr thresholds measured_thresholds(basecase_kind k) noexcept {
    switch (k) {
        case basecase_kind::vpclmul512: return {64, 384, 96, 192};
        case basecase_kind::vpclmul256: return {64, 192, 64, 192};
        case basecase_kind::pclmul: return {48, 128, 64, 96};
        default: return {8, 32, 8, 32};  // the portable five-class kernel
    }
}

// (The QKDNQ_GF2X_* macros exist to re-measure the thresholds; leave them undefined.)
#if defined(QKDNQ_GF2X_KARA_THRESHOLD)
inline constexpr std::size_t kara_threshold = QKDNQ_GF2X_KARA_THRESHOLD;
#else
// Below this many words in the shorter operand, the schoolbook base case.
inline constexpr std::size_t kara_threshold = measured_thresholds(basecase_best).kara;
#endif
#if defined(QKDNQ_GF2X_TOOM3_THRESHOLD)
inline constexpr std::size_t toom3_threshold = QKDNQ_GF2X_TOOM3_THRESHOLD;
#else
// From this many words in both operands, Toom-Cook-3 instead of Karatsuba.
inline constexpr std::size_t toom3_threshold = measured_thresholds(basecase_best).toom3;
#endif
#if defined(QKDNQ_GF2X_MP_THRESHOLD)
inline constexpr std::size_t mp_threshold = QKDNQ_GF2X_MP_THRESHOLD;
#else
// Middle products with fewer than this many words in b or in the output use the base case.
inline constexpr std::size_t mp_threshold = measured_thresholds(basecase_best).mp;
#endif
#if defined(QKDNQ_GF2X_MP_TOOM3_THRESHOLD)
inline constexpr std::size_t mp_toom3_threshold = QKDNQ_GF2X_MP_TOOM3_THRESHOLD;
#else
// Balanced middle products with at least this many words use the Toom-3 middle product.
inline constexpr std::size_t mp_toom3_threshold = measured_thresholds(basecase_best).mp_toom3;
#endif
static_assert(mp_toom3_threshold >= 13, "mp_toom3 reads a[5k], which needs k > 2e");
static_assert(kara_threshold >= 4 && mp_threshold >= 4, "the scratch bounds assume shrinking children");

namespace kara_detail {

inline void require_scratch(std::span<word> ws, std::size_t need) {
    if (ws.size() < need) {
        throw_invalid_length("qkdnq::detail::gf2x", "scratch", ws.size() * sizeof(word),
                             "at least " + std::to_string(need * sizeof(word)));
    }
}

// Word-array passes for the additions and exact divisions. Plain loops with no data-dependent
// branch; GCC and Clang vectorise them at -O3 (each reads a source word only at i or i +- 1).

// dst[i] = x[i] ^ y[i] for i < n, where y has ny <= n words (zero above).
inline void add_ext(word* dst, const word* x, const word* y, std::size_t n, std::size_t ny) noexcept {
    for (std::size_t i = 0; i < ny; ++i) dst[i] = x[i] ^ y[i];
    for (std::size_t i = ny; i < n; ++i) dst[i] = x[i];
}

// dst[i] ^= src[i] for i < n.
inline void add_into(word* dst, const word* src, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) dst[i] ^= src[i];
}

// dst[0, n) ^= the low n words of x^s * src[0, n), 0 < s < 64.
inline void add_shifted_low(word* dst, const word* src, std::size_t n, unsigned s) noexcept {
    if (n == 0) return;
    dst[0] ^= src[0] << s;
    for (std::size_t i = 1; i < n; ++i) dst[i] ^= (src[i] << s) | (src[i - 1] >> (64 - s));
}

// dst[0, ns] ^= x^s * src[0, ns), 0 < s < 64: ns + 1 words.
inline void add_shifted(word* dst, const word* src, std::size_t ns, unsigned s) noexcept {
    if (ns == 0) return;
    add_shifted_low(dst, src, ns, s);
    dst[ns] ^= src[ns - 1] >> (64 - s);
}

// p <- p / x over n words, exact (bit 0 is zero).
inline void div_x(word* p, std::size_t n) noexcept {
    for (std::size_t i = 0; i + 1 < n; ++i) p[i] = (p[i] >> 1) | (p[i + 1] << 63);
    if (n) p[n - 1] >>= 1;
}

// Bit i of the result: the XOR of bits 0..i of w, i.e. w * (1 + x + ... + x^63) mod x^64.
[[nodiscard]] inline word prefix_xor(word w) noexcept {
    w ^= w << 1;
    w ^= w << 2;
    w ^= w << 4;
    w ^= w << 8;
    w ^= w << 16;
    w ^= w << 32;
    return w;
}

// dst[i] = prefix_xor(src[i]) for i < n (dst may be src).
inline void prefix_xor_words(word* dst, const word* src, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) dst[i] = prefix_xor(src[i]);
}

// After prefix_xor_words: p[i] ^= all ones where the bits below word i (and `carry`) have odd
// parity, i.e. where the top bits of p[0..i) XOR to 1. In groups of 64 words: gather the top
// bits into one word, prefix-XOR it, spread the result back (no serial chain through the words,
// no branch on data).
inline void carry_parity(word* p, std::size_t n, word carry) noexcept {
    for (std::size_t g = 0; g < n; g += 64) {
        const std::size_t m = std::min<std::size_t>(64, n - g);
        word top = 0;
        for (std::size_t j = 0; j < m; ++j) top |= (p[g + j] >> 63) << j;
        const word below = prefix_xor(top) << 1;  // bit j: parity of the top bits of words < j
        for (std::size_t j = 0; j < m; ++j) p[g + j] ^= carry ^ (word{0} - ((below >> j) & 1));
        carry ^= word{0} - (prefix_xor(top) >> 63);
    }
}

// p <- p / (1 + x) over n words, exact: q = p / (1+x) has q_i = p_0 ^ ... ^ p_i (bits), a prefix
// XOR: within words by prefix_xor, across words by carry_parity.
// Bodrato 2007, Sec. 4: the exact divisions of the GF(2) Toom-Cook-3.
inline void div_1_plus_x(word* p, std::size_t n) noexcept {
    prefix_xor_words(p, p, n);
    carry_parity(p, n, 0);
}

}  // namespace kara_detail

// ------------------------------------------------------------------------------------------------
// Scratch sizes (words), bounds that hold on every path of the recursion.
//
// Products: with N the longer operand of a balanced-ish call, the local needs are 4 ceil(N/2)
// (Karatsuba), 12 ceil(N/3) + 8 (Toom-3) and at most ceil(N/2) (a block split below), each
// followed by children of at most ceil(N/2) + 1 words, so B(N) = 4N + 16 + B(ceil(N/2) + 1)
// bounds them all (about 8N). A top-level unbalanced call needs nb + B(nb) (nb the shorter).

namespace kara_detail {

[[nodiscard]] constexpr std::size_t mul_bound(std::size_t n) noexcept {
    std::size_t total = 0;
    for (; n >= kara_threshold; n = (n + 1) / 2 + 1) total += 4 * n + 16;
    return total;
}

// Balanced middle products: P(n) = 2n + P(n/2) (n even, Karatsuba MP), 3(n+1) + P((n+1)/2)
// (n odd), 11 ceil(n/3) + 7 + P(ceil(n/3) + 1) (Toom-3 MP): all within
// Q(n) = 4n + 32 + Q(ceil(n/2) + 1), about 8n.
[[nodiscard]] constexpr std::size_t middle_bound(std::size_t n) noexcept {
    std::size_t total = 0;
    for (; n >= mp_threshold; n = (n + 1) / 2 + 1) total += 4 * n + 32;
    return total;
}

}  // namespace kara_detail

[[nodiscard]] constexpr std::size_t mul_scratch_words(std::size_t na, std::size_t nb) noexcept {
    const std::size_t lo = std::min(na, nb), hi = std::max(na, nb);
    if (lo < kara_threshold) return 0;
    return 2 * lo <= hi + 1 ? lo + kara_detail::mul_bound(lo) : kara_detail::mul_bound(hi);
}

// Unbalanced middle products (m != nb) nest output-sized temporaries whose sizes follow a
// Euclidean remainder sequence (each below half the one two steps before): at most 2n in all,
// n = min(m, nb), beside one balanced MP of at most n words.
[[nodiscard]] constexpr std::size_t middle_scratch_words(std::size_t na, std::size_t nb) noexcept {
    const std::size_t m = na >= nb ? na - nb : 0, n = std::min(m, nb);
    if (n < mp_threshold) return 0;
    return 2 * n + kara_detail::middle_bound(n);
}

// ------------------------------------------------------------------------------------------------
// Products.

inline void mul(std::span<const word> a, std::span<const word> b, std::span<word> c, std::span<word> ws);

namespace kara_detail {

// The longer operand a (na > 2*ceil(na/2) ... i.e. nb <= ceil(na/2)) in blocks of nb words.
inline void mul_blocks(std::span<const word> a, std::span<const word> b, std::span<word> c, std::span<word> ws) {
    const std::size_t na = a.size(), nb = b.size();
    require_scratch(ws, nb);
    const std::span<word> save = ws.first(nb), rest = ws.subspan(nb);
    mul(a.first(nb), b, c.first(2 * nb), rest);
    for (std::size_t off = nb; off < na; off += nb) {
        const std::size_t len = std::min(nb, na - off);
        // c[off, off+nb) holds the top half of the previous block; keep it, write, add it back.
        std::copy_n(c.data() + off, nb, save.data());
        mul(a.subspan(off, len), b, c.subspan(off, len + nb), rest);
        add_into(c.data() + off, save.data(), nb);
    }
}

// Karatsuba with h = ceil(na/2) < nb <= na.
inline void mul_kara(std::span<const word> a, std::span<const word> b, std::span<word> c, std::span<word> ws) {
    const std::size_t na = a.size(), nb = b.size(), h = (na + 1) / 2;
    const std::size_t la1 = na - h, lb1 = nb - h, nc = na + nb;
    require_scratch(ws, 4 * h);
    word* const sa = ws.data();
    word* const sb = sa + h;
    word* const m = sb + h;
    const std::span<word> rest = ws.subspan(4 * h);

    add_ext(sa, a.data(), a.data() + h, h, la1);  // a0 + a1
    add_ext(sb, b.data(), b.data() + h, h, lb1);  // b0 + b1
    mul(std::span<const word>(sa, h), std::span<const word>(sb, h), std::span<word>(m, 2 * h), rest);
    mul(a.first(h), b.first(h), c.first(2 * h), rest);          // L = a0 b0 at 0
    mul(a.subspan(h), b.subspan(h), c.subspan(2 * h), rest);    // H = a1 b1 at 2h
    // c[h, 3h) += L + H + M with c = [L0 L1 H0 H1] (h words each, H1 shorter): t = L1 + H0,
    // L1' = t + L0 + M0, H0' = t + H1 + M1 (H0 is complete: nc >= 3h since lb1 >= 1, la1 >= h-1).
    word* const cw = c.data();
    const std::size_t h1 = nc - 3 * h;  // words of H1, < h
    for (std::size_t i = 0; i < h1; ++i) {
        const word t = cw[h + i] ^ cw[2 * h + i];
        cw[h + i] = t ^ cw[i] ^ m[i];
        cw[2 * h + i] = t ^ cw[3 * h + i] ^ m[h + i];
    }
    for (std::size_t i = h1; i < h; ++i) {
        const word t = cw[h + i] ^ cw[2 * h + i];
        cw[h + i] = t ^ cw[i] ^ m[i];
        cw[2 * h + i] = t ^ m[h + i];
    }
}

// Toom-Cook-3 over GF(2) (M. Bodrato, "Towards optimal Toom-Cook multiplication for univariate
// and multivariate polynomials in characteristic 2 and 0", WAIFI 2007, LNCS 4547), evaluation
// points 0, 1, x, x+1, infinity. With Y = X^k, a = a0 + a1 Y + a2 Y^2 (same for b),
// c = a*b = c0 + c1 Y + c2 Y^2 + c3 Y^3 + c4 Y^4, and
//   c0 = a0 b0, c4 = a2 b2, v1 = c(1), vx = c(x), vx1 = c(x+1):
//   W1 = v1 + c0 + c4                 = c1 + c2 + c3
//   W3 = vx1 + vx + c4 + W1           = c3 (x^2 + x)          -> c3 = W3 / (x^2 + x)
//   W2 = (vx + c0 + x^4 c4) / x + W1  = (x+1)(c2 + (x+1) c3)  -> c2 = W2 / (x+1) + (x+1) c3
//   c1 = W1 + c2 + c3
// a(x), a(x+1) have one more word than k (two more bits), so vx, vx1 have 2k + 2.
// Requires 2k < nb <= na, k = ceil(na/3).
inline void mul_toom3(std::span<const word> a, std::span<const word> b, std::span<word> c, std::span<word> ws) {
    const std::size_t na = a.size(), nb = b.size(), k = (na + 2) / 3;
    const std::size_t la2 = na - 2 * k, lb2 = nb - 2 * k, l4 = la2 + lb2, k1 = k + 1, n2 = 2 * k + 2;
    require_scratch(ws, 12 * k + 8);
    word* const e1a = ws.data();   // a(1), k words
    word* const e1b = e1a + k;     // b(1)
    word* const exa = e1b + k;     // a(x), k+1
    word* const exb = exa + k1;    // b(x)
    word* const ex1a = exb + k1;   // a(x+1)
    word* const ex1b = ex1a + k1;  // b(x+1)
    word* const v1 = ex1b + k1;    // 2k  (then W1)
    word* const vx = v1 + 2 * k;   // 2k+2 (then W2)
    word* const vx1 = vx + n2;     // 2k+2 (then W3, c3)
    const std::span<word> rest = ws.subspan(12 * k + 8);

    // Evaluation: a(1) = a0 + a1 + a2, a(x) = a0 + x a1 + x^2 a2, a(x+1) = a(1) + a(x) + a0.
    const auto evaluate = [k, k1](const word* p, std::size_t l2, word* e1, word* ex, word* ex1) {
        const word *const p0 = p, *const p1 = p + k, *const p2 = p + 2 * k;
        add_ext(e1, p1, p2, k, l2);
        add_into(e1, p0, k);
        std::copy_n(p0, k, ex);
        ex[k] = 0;
        add_shifted(ex, p1, k, 1);
        add_shifted(ex, p2, l2, 2);
        add_ext(ex1, ex, e1, k1, k);
        add_into(ex1, p0, k);
    };
    evaluate(a.data(), la2, e1a, exa, ex1a);
    evaluate(b.data(), lb2, e1b, exb, ex1b);

    using cspan = std::span<const word>;
    mul(cspan(e1a, k), cspan(e1b, k), std::span<word>(v1, 2 * k), rest);
    mul(cspan(exa, k1), cspan(exb, k1), std::span<word>(vx, n2), rest);
    mul(cspan(ex1a, k1), cspan(ex1b, k1), std::span<word>(vx1, n2), rest);
    mul(a.first(k), b.first(k), c.first(2 * k), rest);                 // c0
    mul(a.subspan(2 * k), b.subspan(2 * k), c.subspan(4 * k), rest);   // c4

    // Interpolation (Bodrato's sequence above) over n2 words, c0 and c4 zero-extended.
    word* const cw = c.data();
    const word* const c0 = cw;
    const word* const c4 = cw + 4 * k;
    add_into(v1, c0, 2 * k);
    add_into(v1, c4, l4);                         // W1 = c1 + c2 + c3 (2k words)
    add_into(vx1, vx, n2);
    add_into(vx1, c4, l4);
    add_into(vx1, v1, 2 * k);                     // W3 = c3 (x^2 + x)
    div_x(vx1, n2);
    div_1_plus_x(vx1, n2);                        // c3 (2k words, the rest zero)
    add_into(vx, c0, 2 * k);
    add_shifted(vx, c4, l4, 4);                   // vx + c0 + x^4 c4 (l4 + 1 <= n2 words)
    div_x(vx, n2);
    add_into(vx, v1, 2 * k);                      // W2 = (x+1)(c2 + (x+1) c3)
    div_1_plus_x(vx, n2);                         // c2 + (x+1) c3
    word* const c3 = vx1;
    word* const c2 = cw + 2 * k;                  // c[2k, 4k) is not yet written
    std::copy_n(vx, 2 * k, c2);
    add_into(c2, c3, 2 * k);
    add_shifted_low(c2, c3, 2 * k, 1);            // c2 (x c3 fits 2k words: deg c3 < 128k - 1)
    add_into(v1, c2, 2 * k);
    add_into(v1, c3, 2 * k);                      // c1 = W1 + c2 + c3
    add_into(cw + k, v1, 2 * k);                  // + c1 Y
    add_into(cw + 3 * k, c3, std::min(2 * k, k + l4));  // + c3 Y^3 (the rest of c3 is zero)
}

}  // namespace kara_detail

// c = a*b. c.size() == a.size() + b.size(), ws.size() >= mul_scratch_words(a.size(), b.size()).
inline void mul(std::span<const word> a, std::span<const word> b, std::span<word> c, std::span<word> ws) {
    if (a.size() < b.size()) std::swap(a, b);
    const std::size_t na = a.size(), nb = b.size();
    if (nb < kara_threshold) {
        mul_basecase(a, b, c);
    } else if (2 * nb <= na + 1) {  // nb <= ceil(na/2): Karatsuba would leave b1 empty
        kara_detail::mul_blocks(a, b, c, ws);
    } else if (nb >= toom3_threshold && 3 * nb > 2 * na + 4) {  // 2 ceil(na/3) < nb
        kara_detail::mul_toom3(a, b, c, ws);
    } else {
        kara_detail::mul_kara(a, b, c, ws);
    }
}

// ------------------------------------------------------------------------------------------------
// Middle product: out[k] = word nb + k of a*b, na = nb + m, m = out.size(). Every pair of an a
// bit and a b bit contributes to these words (Toeplitz matrix-vector product).

inline void middle(std::span<const word> a, std::span<const word> b, std::span<word> out, std::span<word> ws);

namespace kara_detail {

// Karatsuba middle product (G. Hanrot, M. Quercia, P. Zimmermann, "The middle product algorithm
// I", AAECC 14 (2004), Sec. 3), n = nb = m, h = n/2 (odd n below), with the windows
// A0 = a[0, 2h), A1 = a[h, 3h), A2 = a[2h, 4h) and b = b0 + X^h b1:
//   out_lo = MP(A1, b0) + MP(A0, b1) = alpha + beta,   alpha = MP(A1, b0 + b1)
//   out_hi = MP(A2, b0) + MP(A1, b1) = alpha + gamma,  beta = MP(A0 + A1, b1), gamma = MP(A1 + A2, b0)
// One product's worth of work at half the size, three times: M(n) for the (2n x n) -> n MP.
inline void mp_kara(std::span<const word> a, std::span<const word> b, std::span<word> out, std::span<word> ws) {
    const std::size_t n = b.size(), h = (n + 1) / 2, odd = n % 2;
    // Odd n: b' = X b (one zero word below, 2h words) and a' = a with two zero words on top give
    // words [n, 2n+1) of a*b as the 2h outputs of MP(a', b'); the last one is dropped.
    require_scratch(ws, 4 * h + 2 * h * odd);
    word* const ta = ws.data();    // 2h: A0 + A1, then A1 + A2
    word* const tb = ta + 2 * h;   // h: b0 + b1
    word* const alpha = tb + h;    // h
    word* const b0s = alpha + h;   // h: b'0 (odd n)
    word* const gamma = b0s + h;   // h: gamma (odd n)
    const std::span<word> rest = ws.subspan(4 * h + 2 * h * odd);
    using cspan = std::span<const word>;
    const word* const aw = a.data();
    const std::size_t na = a.size();  // 2n

    cspan b0 = b.first(h), b1 = b.subspan(h, h);
    if (odd) {
        b0s[0] = 0;
        std::copy_n(b.data(), h - 1, b0s + 1);
        b0 = cspan(b0s, h);
        b1 = b.subspan(h - 1, h);
    }
    add_ext(tb, b0.data(), b1.data(), h, h);
    middle(a.subspan(h, 2 * h), cspan(tb, h), std::span<word>(alpha, h), rest);  // A1 = a[h, 3h)
    add_ext(ta, aw, aw + h, 2 * h, 2 * h);
    middle(cspan(ta, 2 * h), b1, out.first(h), rest);
    add_ext(ta, aw + h, aw + 2 * h, 2 * h, na - 2 * h);  // A2 = a'[2h, 4h), zero past a
    if (odd) {
        middle(cspan(ta, 2 * h), b0, std::span<word>(gamma, h), rest);
        add_into(out.data(), alpha, h);
        for (std::size_t i = 0; i + 1 < h; ++i) out[h + i] = alpha[i] ^ gamma[i];
    } else {
        middle(cspan(ta, 2 * h), b0, out.subspan(h, h), rest);
        add_into(out.data(), alpha, h);
        add_into(out.data() + h, alpha, h);
    }
}

// Toom-3 middle product: the transpose of Bodrato's GF(2) Toom-Cook-3 (points 0, 1, x, x+1,
// infinity), derived by the transposition principle (Hanrot-Quercia-Zimmermann 2004, Sec. 4;
// Bostan-Lecerf-Schost, "Tellegen's principle into practice", ISSAC 2003) at the bit level.
//
// n = b.size() = out.size(), a.size() = 2n, k = ceil(n/3), K = 64k bits. b is padded with
// e = 3k - n zero words at the bottom (b' = X^e b) and a with zeros at the top, which shifts
// the wanted words [n, 2n) of a*b to words [3k, 3k + n) of a*b'. With b' = b0 + b1 Y + b2 Y^2
// (Y = x^K) and the Laurent series A_d = x^(-(d+1)K) a (so that MP(a[dk, dk+2k), beta) is
// the correlation H_{A_d}(beta)_q = sum_t A_d[q-t] beta_t, q in [0, K)), the output blocks are
//   out_r = sum_v H_{A_(r+2-v)}(b_v),  r = 0, 1, 2.
// Transposing the interpolation c_j = sum_i rho_(j,i) p_i of the product algorithm (see
// mul_toom3; over GF(2)(x) rho has denominators x, x+1, x^2+x) gives, with B_i = b'(point i),
//   S_i = sum_d rho_(4-d, i) A_d,   R_i = H_(S_i)(B_i),   out_r = sum_i point_i^(2-r) R_i:
//   S_0   = (A_1 + A_3)/(x^2+x) + A_3 + A_4          out_0 = R_1 + x^2 R_x + (x^2+1) R_x1 + R_inf
//   S_1   = (A_1 + A_2)/(x^2+x) + A_3                out_1 = R_1 + x R_x + (x+1) R_x1
//   S_x   = A_1/(x^2+x) + A_2/(x+1) + A_3/x          out_2 = R_0 + R_1 + R_x + R_x1
//   S_x1  = A_1/(x^2+x) + A_2/x + A_3/(x+1)
//   S_inf = A_0 + (x^2+x+1) A_2 + (x^2+x) A_3
// The divisions act on the Laurent series: 1/(1+x) is the running parity of a from its bit 0
// (computed once, `pa`), 1/x a one-bit shift down. Every window of S_i below is exact, so each
// R_i is a plain middle product of a third the size: windows of 2k words against
// B_0 = b0, B_1 = b0+b1+b2, B_inf = b2 (k words, k outputs), and of 2k+2 words against
// B_x, B_x1 (k+1 words, k+1 outputs: one guard word below, for the shifts by x and x^2).
inline void mp_toom3(std::span<const word> a, std::span<const word> b, std::span<word> out, std::span<word> ws) {
    const std::size_t n = b.size(), na = a.size(), k = (n + 2) / 3, e = 3 * k - n, k1 = k + 1;
    if (n < 13) throw invalid_argument("qkdnq::detail::gf2x::mp_toom3: needs n >= 13 (k > 2e)");
    const std::size_t lpa = 4 * k + 3;  // pa[i] = word k - 2 + i of a/(1+x), i.e. words [k-2, 5k]
    const std::size_t local = lpa + 3 * k + (2 * k + 2) + 2 * k1;
    require_scratch(ws, local);
    word* const pa = ws.data();
    word* const bb = pa + lpa;       // b' = X^e b, 3k words
    word* const sw = bb + 3 * k;     // S_i window, 2k or 2k+2 words
    word* const bw = sw + 2 * k + 2; // B_i, k or k+1 words
    word* const rw = bw + k1;        // R_i, k or k+1 words
    const std::span<word> rest = ws.subspan(local);
    const word* const ap = a.data();

    // a/(1+x) from bit 0: the parity of a below word k-2 as the carry, then as div_1_plus_x.
    {
        word par = 0;
        for (std::size_t j = 0; j < k - 2; ++j) par ^= ap[j];
        const std::size_t in_a = std::min(lpa, na - (k - 2));  // words of a in [k-2, 5k]
        prefix_xor_words(pa, ap + (k - 2), in_a);
        std::fill(pa + in_a, pa + lpa, word{0});
        carry_parity(pa, lpa, word{0} - static_cast<word>(std::popcount(par) & 1));
    }
    std::fill_n(bb, e, word{0});
    std::copy_n(b.data(), n, bb + e);
    const word *const b0 = bb, *const b1 = bb + k, *const b2 = bb + 2 * k;

    const auto shr1 = [](const word* p, std::size_t i) { return (p[i] >> 1) | (p[i + 1] << 63); };
    using cspan = std::span<const word>;
    word* const o0 = out.data();
    word* const o1 = o0 + k;
    word* const o2 = o1 + k;
    const std::size_t l2 = k - e;  // words of out_2
    const auto child = [&](std::size_t len) {  // R = MP(S, B), B of len words
        middle(cspan(sw, 2 * len), cspan(bw, len), std::span<word>(rw, len), rest);
    };

    // R_1 -> out_0, out_1, out_2 (sets them). S_1 = D(A_1) + D(A_2) + A_3.
    {
        const word *const d1 = pa + 2, *const d2 = pa + k + 2, *const a3 = ap + 3 * k;
        for (std::size_t i = 0; i < 2 * k; ++i) sw[i] = shr1(d1, i) ^ shr1(d2, i) ^ a3[i];
        for (std::size_t i = 0; i < k; ++i) bw[i] = b0[i] ^ b1[i] ^ b2[i];
        child(k);
        std::copy_n(rw, k, o0);
        std::copy_n(rw, k, o1);
        std::copy_n(rw, l2, o2);
    }
    // R_0 -> out_2. S_0 = D(A_1) + D(A_3) + A_3 + A_4 (A_4 runs past a when e > 0).
    {
        const word *const d1 = pa + 2, *const d3 = pa + 2 * k + 2, *const a3 = ap + 3 * k, *const a4 = ap + 4 * k;
        const std::size_t in_a = std::min(2 * k, na - 4 * k);
        for (std::size_t i = 0; i < in_a; ++i) sw[i] = shr1(d1, i) ^ shr1(d3, i) ^ a3[i] ^ a4[i];
        for (std::size_t i = in_a; i < 2 * k; ++i) sw[i] = shr1(d1, i) ^ shr1(d3, i) ^ a3[i];
        std::copy_n(b0, k, bw);
        child(k);
        add_into(o2, rw, l2);
    }
    // R_inf -> out_0. S_inf = A_0 + (x^2+x+1) A_2 + (x^2+x) A_3.
    {
        const word *const a2 = ap + 2 * k, *const a3 = ap + 3 * k;
        for (std::size_t i = 0; i < 2 * k; ++i) {
            const word u2 = a2[i], v2 = (a2 - 1)[i], u3 = a3[i], v3 = (a3 - 1)[i];  // a2[-1] is a word of a
            sw[i] = ap[i] ^ u2 ^ (u2 << 1) ^ (v2 >> 63) ^ (u2 << 2) ^ (v2 >> 62) ^ (u3 << 1) ^ (v3 >> 63) ^
                    (u3 << 2) ^ (v3 >> 62);
        }
        std::copy_n(b2, k, bw);
        child(k);
        add_into(o0, rw, k);
    }
    // B_x = b0 + x b1 + x^2 b2 and B_x1 = B_x + b1 + b2, k+1 words.
    const auto eval_x = [&](bool plus_one) {
        const word m = plus_one ? ~word{0} : 0;
        bw[0] = b0[0] ^ (b1[0] << 1) ^ (b2[0] << 2) ^ ((b1[0] ^ b2[0]) & m);
        for (std::size_t i = 1; i < k; ++i) {
            bw[i] = b0[i] ^ (b1[i] << 1) ^ (b1[i - 1] >> 63) ^ (b2[i] << 2) ^ (b2[i - 1] >> 62) ^ ((b1[i] ^ b2[i]) & m);
        }
        bw[k] = (b1[k - 1] >> 63) ^ (b2[k - 1] >> 62);
    };
    // out_r += point^(2-r) R, R with its guard word: word i of x^s R is R[i+1] << s | R[i] >> (64-s).
    const auto add_guarded = [&](bool plus_one) {
        const word m = plus_one ? ~word{0} : 0;
        for (std::size_t i = 0; i < k; ++i) {
            const word r = rw[i + 1], q = rw[i];
            o0[i] ^= (r << 2) ^ (q >> 62) ^ (r & m);
            o1[i] ^= (r << 1) ^ (q >> 63) ^ (r & m);
        }
        add_into(o2, rw + 1, l2);
    };
    // R_x -> out_0 (x^2), out_1 (x), out_2. Windows from two words lower: S_x = D(A_1) + P(A_2) + Q(A_3).
    {
        const word *const d1 = pa, *const p2 = pa + k, *const q3 = ap + 3 * k - 2;
        for (std::size_t i = 0; i < 2 * k + 2; ++i) sw[i] = shr1(d1, i) ^ p2[i] ^ shr1(q3, i);
        eval_x(false);
        child(k1);
        add_guarded(false);
    }
    // R_x1 -> out_0 (x^2+1), out_1 (x+1), out_2. S_x1 = D(A_1) + Q(A_2) + P(A_3).
    {
        const word *const d1 = pa, *const q2 = ap + 2 * k - 2, *const p3 = pa + 2 * k;
        for (std::size_t i = 0; i < 2 * k + 2; ++i) sw[i] = shr1(d1, i) ^ shr1(q2, i) ^ p3[i];
        eval_x(true);
        child(k1);
        add_guarded(true);
    }
}

}  // namespace kara_detail

inline void middle(std::span<const word> a, std::span<const word> b, std::span<word> out, std::span<word> ws) {
    const std::size_t nb = b.size(), m = out.size();
    if (m == 0) return;
    if (nb < mp_threshold || m < mp_threshold) {
        mul_window(a, b, nb, out);
    } else if (m < nb) {
        // b in pieces of m words (the last shorter): piece b[o, o+L) with a[nb-o-L, nb-o+m).
        kara_detail::require_scratch(ws, m);
        const std::span<word> tmp = ws.first(m), rest = ws.subspan(m);
        for (std::size_t o = 0; o < nb; o += m) {
            const std::size_t len = std::min(m, nb - o);
            const auto a_win = a.subspan(nb - o - len, len + m);
            if (o == 0) {
                middle(a_win, b.subspan(o, len), out, rest);
            } else {
                middle(a_win, b.subspan(o, len), tmp, rest);
                kara_detail::add_into(out.data(), tmp.data(), m);
            }
        }
    } else if (m > nb) {
        // Output blocks of nb words: block [q, q+len) uses a[q, q+nb+len).
        for (std::size_t q = 0; q < m; q += nb) {
            const std::size_t len = std::min(nb, m - q);
            middle(a.subspan(q, nb + len), b, out.subspan(q, len), ws);
        }
    } else if (nb >= mp_toom3_threshold) {
        kara_detail::mp_toom3(a, b, out, ws);
    } else {
        kara_detail::mp_kara(a, b, out, ws);
    }
}

}  // namespace qkdnq::detail::gf2x
