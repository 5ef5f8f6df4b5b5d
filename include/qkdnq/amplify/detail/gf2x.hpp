// GF(2)[x] multiplication and middle product of word arrays: the engine under Toeplitz hashing
// (amplify/toeplitz.hpp).
//
// A polynomial is an array of 64-bit words, bit i of word w the coefficient of x^(64w+i)
// (LSB first, as bit_vector). Two calls:
//
//   multiply(a, b, c)        c = a*b, c.size() == a.size() + b.size() (overwritten)
//   middle_product(a, b, out)  a.size() = na >= b.size() = nb >= 1, out.size() == na - nb:
//                            out[k] = word nb + k of a*b. Every pair of an a bit and a b bit
//                            contributes to these words, so this is the product of an (na-nb)*64
//                            x nb*64 Toeplitz matrix (given by a) with the vector b.
//
// Engines by size (all chosen from public sizes):
//   - small: schoolbook windows (gf2x_basecase.hpp; VPCLMULQDQ / PCLMULQDQ / scalar reference);
//   - medium: Karatsuba and Toom-Cook-3, and the Karatsuba and Toom-3 middle products
//     (gf2x_karatsuba.hpp);
//   - huge: the additive FFT over GF(2^64) (gf2x_fft.hpp), above the crossovers of use_fft_*.
// Scratch memory is allocated once per call (mul_scratch_words / middle_scratch_words, O(n)) and
// wiped before it is freed: it holds sums of operand words.
//
// Constant time: the operands are secret key material. Branches, loop bounds, indices and
// addresses depend on the sizes only, never on operand bits (no tables indexed by data, unlike
// gf2x's mul1); see the engine headers.
#pragma once

#include <qkdnq/amplify/detail/gf2x_basecase.hpp>
#include <qkdnq/amplify/detail/gf2x_fft.hpp>
#include <qkdnq/amplify/detail/gf2x_karatsuba.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace qkdnq::detail::gf2x {

// Where the FFT engine takes over, measured with -march=native on Zen 5 (VPCLMULQDQ; median of 7,
// scratch program comparing both engines on random operands): for a product once the shorter
// operand has 1024 words (1024 x 1024: Karatsuba/Toom 33.4 us, FFT 32.7 us; 2048: 92.5 / 72.5 us);
// for a middle product once a has 2048 words and the output 384 (na = 3072, nb = 2048:
// Karatsuba 80 us, FFT 58 us; na = 2252, nb = 2048: 37 / 49 us; na = 1536, nb = 1024: 24 / 31 us).
inline constexpr std::size_t fft_multiply_threshold_words = 1024;
inline constexpr std::size_t fft_middle_threshold_words = 2048;
inline constexpr std::size_t fft_middle_threshold_out_words = 384;

[[nodiscard]] constexpr bool use_fft_multiply(std::size_t na, std::size_t nb) noexcept {
    return std::min(na, nb) >= fft_multiply_threshold_words;
}
[[nodiscard]] constexpr bool use_fft_middle_product(std::size_t na, std::size_t nb) noexcept {
    return na >= fft_middle_threshold_words && na - nb >= fft_middle_threshold_out_words;
}

namespace front_detail {

// Scratch of `words` 64-bit words, wiped when freed.
class scratch {
public:
    explicit scratch(std::size_t words)
        : m_words(words), m_data(words ? std::make_unique_for_overwrite<word[]>(words) : nullptr) {}
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;
    ~scratch() {
        if (m_data) secure_zero(m_data.get(), m_words * sizeof(word));
    }
    [[nodiscard]] std::span<word> span() noexcept { return {m_data.get(), m_words}; }

private:
    std::size_t m_words;
    std::unique_ptr<word[]> m_data;
};

}  // namespace front_detail

// c = a*b over GF(2)[x]. Throws qkdnq::invalid_argument unless c.size() == a.size() + b.size().
// c must not overlap a or b. `threads` > 1 lets the FFT engine split its passes over threads.
inline void multiply(std::span<const word> a, std::span<const word> b, std::span<word> c, unsigned threads = 1) {
    require_length("qkdnq::detail::gf2x::multiply", "c", c.size() * sizeof(word),
                   (a.size() + b.size()) * sizeof(word));
    if (a.empty() || b.empty()) {
        std::fill(c.begin(), c.end(), word{0});
        return;
    }
    if (use_fft_multiply(a.size(), b.size())) {
        fft_multiply(a, b, c, threads);
        return;
    }
    front_detail::scratch ws(mul_scratch_words(a.size(), b.size()));
    mul(a, b, c, ws.span());
}

// out[k] = word nb + k of a*b, k < na - nb. Throws qkdnq::invalid_argument unless
// na >= nb >= 1 and out.size() == na - nb. out must not overlap a or b. `threads` as above.
inline void middle_product(std::span<const word> a, std::span<const word> b, std::span<word> out,
                           unsigned threads = 1) {
    constexpr const char* where = "qkdnq::detail::gf2x::middle_product";
    if (b.empty()) throw invalid_argument(std::string(where) + ": argument 'b' is empty");
    require_at_most(where, "b", b.size() * sizeof(word), a.size() * sizeof(word));
    require_length(where, "out", out.size() * sizeof(word), (a.size() - b.size()) * sizeof(word));
    if (out.empty()) return;
    if (use_fft_middle_product(a.size(), b.size())) {
        fft_middle_product(a, b, out, threads);
        return;
    }
    front_detail::scratch ws(middle_scratch_words(a.size(), b.size()));
    middle(a, b, out, ws.span());
}

}  // namespace qkdnq::detail::gf2x
