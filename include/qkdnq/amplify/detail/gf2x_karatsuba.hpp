// Sub-quadratic GF(2)[x] multiplication of word arrays (the representation of
// gf2x_basecase.hpp): Karatsuba, Toom-Cook-3 over GF(2) after Bodrato, and the Karatsuba middle
// product after Hanrot, Quercia and Zimmermann.
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
//   - middle products: Karatsuba MP (mp_kara) down to mp_threshold, then the base-case window.
// Scratch comes from the caller; nothing is allocated inside the recursion. Each function
// checks that its scratch is long enough and throws qkdnq::invalid_argument if not (a bug).
//
// Thresholds (words), measured on the development VM (AMD EPYC Zen 5, gcc 12.2, -O3); see
// docs/performance.md and bench/amplify/bench_gf2x.cpp. They depend on which base case is compiled.
//
// Constant time: every branch, loop bound and address depends on the operand sizes only; the
// additions are XORs, the exact divisions by x and x+1 are shifts and prefix XORs over whole
// words. Operands are secret key material (Toeplitz seeds and reconciled keys).
#pragma once

#include <qkdnq/amplify/detail/gf2x_basecase.hpp>
#include <qkdnq/core/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace qkdnq::detail::gf2x {

// Below this many words in the shorter operand, the schoolbook base case.
inline constexpr std::size_t kara_threshold = basecase_best == basecase_kind::scalar ? 8
                                              : basecase_best == basecase_kind::pclmul ? 16
                                                                                        : 24;
// From this many words in both operands, Toom-Cook-3 instead of Karatsuba.
inline constexpr std::size_t toom3_threshold = basecase_best == basecase_kind::scalar ? 64 : 128;
// Middle products with fewer than this many words in b or in the output use the base case.
inline constexpr std::size_t mp_threshold = kara_threshold;

namespace kara_detail {

inline void require_scratch(std::span<word> ws, std::size_t need) {
    if (ws.size() < need) {
        throw_invalid_length("qkdnq::detail::gf2x", "scratch", ws.size() * sizeof(word),
                             "at least " + std::to_string(need * sizeof(word)));
    }
}

// dst[i] = x[i] ^ y[i] for i < n, where y has ny <= n words (zero above).
inline void add_ext(word* dst, const word* x, const word* y, std::size_t n, std::size_t ny) noexcept {
    for (std::size_t i = 0; i < ny; ++i) dst[i] = x[i] ^ y[i];
    for (std::size_t i = ny; i < n; ++i) dst[i] = x[i];
}

// dst[i] ^= src[i] for i < n.
inline void add_into(word* dst, const word* src, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) dst[i] ^= src[i];
}

// Bit i of the result is the XOR of bits 0..i of w: w * (1 + x + ... + x^63) mod x^64.
[[nodiscard]] inline word prefix_xor(word w) noexcept {
    w ^= w << 1;
    w ^= w << 2;
    w ^= w << 4;
    w ^= w << 8;
    w ^= w << 16;
    w ^= w << 32;
    return w;
}

// p <- p / (x^2 + x), n words, exact (p is a multiple of x^2 + x): divide by x (shift right one
// bit), then by 1 + x: q = p / (1+x) has q_i = p_0 ^ ... ^ p_i, a prefix XOR carried across words
// as a mask (no branch on data). Bodrato 2007, Sec. 4: the exact divisions of the GF(2) TC3.
inline void div_x2_plus_x(word* p, std::size_t n) noexcept {
    word carry = 0;  // all ones when the running XOR below this word is 1
    for (std::size_t i = 0; i < n; ++i) {
        const word shifted = (p[i] >> 1) | (i + 1 < n ? p[i + 1] << 63 : 0);
        const word q = prefix_xor(shifted) ^ carry;
        carry = word{0} - (q >> 63);
        p[i] = q;
    }
}

// p <- p / (1 + x), n words, exact.
inline void div_1_plus_x(word* p, std::size_t n) noexcept {
    word carry = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const word q = prefix_xor(p[i]) ^ carry;
        carry = word{0} - (q >> 63);
        p[i] = q;
    }
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

// Balanced middle products: P(n) = 2n + P(n/2) (n even, Karatsuba MP), P(n) = (n-1) + P(n-1)
// (n odd), both within Q(n) = 3n + 8 + Q(ceil(n/2)), about 6n.
[[nodiscard]] constexpr std::size_t middle_bound(std::size_t n) noexcept {
    std::size_t total = 0;
    for (; n >= mp_threshold; n = (n + 1) / 2) total += 3 * n + 8;
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
    const std::size_t h1 = nc - 3 * h;  // words of H1
    for (std::size_t i = 0; i < h; ++i) {
        const word t = cw[h + i] ^ cw[2 * h + i];
        const word hi = i < h1 ? cw[3 * h + i] : 0;
        cw[h + i] = t ^ cw[i] ^ m[i];
        cw[2 * h + i] = t ^ hi ^ m[h + i];
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

    // Evaluation. a(x) = a0 + x a1 + x^2 a2; a(x+1) = a(1) + a(x) + a0.
    const auto evaluate = [k, k1](const word* p, std::size_t l2, word* e1, word* ex, word* ex1) {
        const word* const p1 = p + k;
        const word* const p2 = p + 2 * k;
        word c1 = 0, c2 = 0;  // bits shifted out of the previous word of x a1 and x^2 a2
        for (std::size_t i = 0; i < k1; ++i) {
            const word w0 = i < k ? p[i] : 0, w1 = i < k ? p1[i] : 0, w2 = i < l2 ? p2[i] : 0;
            const word xw1 = (w1 << 1) | c1, x2w2 = (w2 << 2) | c2;
            c1 = w1 >> 63;
            c2 = w2 >> 62;
            if (i < k) e1[i] = w0 ^ w1 ^ w2;
            ex[i] = w0 ^ xw1 ^ x2w2;
            ex1[i] = w0 ^ w1 ^ w2 ^ xw1 ^ x2w2;
        }
    };
    evaluate(a.data(), la2, e1a, exa, ex1a);
    evaluate(b.data(), lb2, e1b, exb, ex1b);

    using cspan = std::span<const word>;
    mul(cspan(e1a, k), cspan(e1b, k), std::span<word>(v1, 2 * k), rest);
    mul(cspan(exa, k1), cspan(exb, k1), std::span<word>(vx, n2), rest);
    mul(cspan(ex1a, k1), cspan(ex1b, k1), std::span<word>(vx1, n2), rest);
    mul(a.first(k), b.first(k), c.first(2 * k), rest);                 // c0
    mul(a.subspan(2 * k), b.subspan(2 * k), c.subspan(4 * k), rest);   // c4

    // Interpolation (Bodrato's sequence above), over n2 words with c0, c4 zero-extended.
    word* const cw = c.data();
    const word* const c0 = cw;
    const word* const c4 = cw + 4 * k;
    const auto c0_at = [&](std::size_t i) { return i < 2 * k ? c0[i] : word{0}; };
    const auto c4_at = [&](std::size_t i) { return i < l4 ? c4[i] : word{0}; };
    for (std::size_t i = 0; i < 2 * k; ++i) v1[i] ^= c0[i] ^ c4_at(i);  // W1
    for (std::size_t i = 0; i < n2; ++i) {
        const word w1 = i < 2 * k ? v1[i] : 0;
        vx1[i] ^= vx[i] ^ c4_at(i) ^ w1;  // W3 = c3 (x^2 + x)
    }
    div_x2_plus_x(vx1, n2);  // c3, 2k words (the top two come out zero)
    // W2 = (vx + c0 + x^4 c4) / x + W1: form vx + c0 + x^4 c4, divide by x with the shift below.
    {
        word carry4 = 0;
        for (std::size_t i = 0; i < n2; ++i) {
            const word w4 = c4_at(i);
            vx[i] ^= c0_at(i) ^ (w4 << 4) ^ carry4;
            carry4 = w4 >> 60;
        }
        for (std::size_t i = 0; i < n2; ++i) {
            const word w1 = i < 2 * k ? v1[i] : 0;
            vx[i] = ((vx[i] >> 1) | (i + 1 < n2 ? vx[i + 1] << 63 : 0)) ^ w1;
        }
    }
    div_1_plus_x(vx, n2);  // c2 + (x+1) c3
    // c2 = that + c3 + x c3 into c[2k, 4k) (not yet written), then c1 = W1 + c2 + c3 added at k,
    // c3 added at 3k. c has 4k + l4 words, c3 fits (its degree is below 64 (3k + l4) - 64 ... ).
    word* const c3 = vx1;
    {
        word carry = 0;
        for (std::size_t i = 0; i < 2 * k; ++i) {
            const word c2 = vx[i] ^ c3[i] ^ (c3[i] << 1) ^ carry;
            carry = c3[i] >> 63;
            const word c1 = v1[i] ^ c2 ^ c3[i];
            cw[2 * k + i] = c2;
            v1[i] = c1;
        }
    }
    add_into(cw + k, v1, 2 * k);                       // + c1 Y
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
// I", AAECC 14 (2004), Sec. 3), n = nb = m even, h = n/2, with the windows
// A0 = a[0, 2h), A1 = a[h, 3h), A2 = a[2h, 4h) and b = b0 + X^h b1:
//   out_lo = MP(A1, b0) + MP(A0, b1) = alpha + beta,   alpha = MP(A1, b0 + b1)
//   out_hi = MP(A2, b0) + MP(A1, b1) = alpha + gamma,  beta = MP(A0 + A1, b1), gamma = MP(A1 + A2, b0)
// One product's worth of work at half the size, three times: M(n) for the (2n x n) -> n MP.
inline void mp_kara(std::span<const word> a, std::span<const word> b, std::span<word> out, std::span<word> ws) {
    const std::size_t n = b.size(), h = n / 2;
    require_scratch(ws, 4 * h);
    word* const ta = ws.data();  // 2h: A0 + A1, then A1 + A2
    word* const tb = ta + 2 * h; // h: b0 + b1
    word* const alpha = tb + h;  // h
    const std::span<word> rest = ws.subspan(4 * h);
    using cspan = std::span<const word>;
    const word* const aw = a.data();

    add_ext(tb, b.data(), b.data() + h, h, h);
    middle(a.subspan(h, 2 * h), cspan(tb, h), std::span<word>(alpha, h), rest);
    add_ext(ta, aw, aw + h, 2 * h, 2 * h);
    middle(cspan(ta, 2 * h), b.subspan(h, h), out.first(h), rest);
    add_ext(ta, aw + h, aw + 2 * h, 2 * h, 2 * h);
    middle(cspan(ta, 2 * h), b.first(h), out.subspan(h, h), rest);
    add_into(out.data(), alpha, h);
    add_into(out.data() + h, alpha, h);
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
    } else if (nb % 2 != 0) {
        // Odd n: the first n-1 outputs (an even MP plus a one-word piece of b, via the m < nb
        // split) and the last output alone (a base-case window).
        middle(a.first(2 * nb - 1), b, out.first(nb - 1), ws);
        middle(a.subspan(nb - 1), b, out.subspan(nb - 1), ws);
    } else {
        kara_detail::mp_kara(a, b, out, ws);
    }
}

}  // namespace qkdnq::detail::gf2x
