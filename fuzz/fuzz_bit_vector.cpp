// bit_vector operations driven by the input, checked against a one-bool-per-bit model:
// from_bytes, set/flip, slice, append, xor, popcount, parity of a range, hamming distance,
// and the SIMD word kernels against their scalar references.
#include "driver.hpp"

#include <qkdnq/core/bit_vector.hpp>

#include <vector>

namespace {
using model = std::vector<bool>;

model model_of(const qkdnq::bit_vector& v) {
    model m(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) m[i] = v[i];
    return m;
}
}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    fuzz_reader in(input);
    const std::size_t size_a = in.u16() % 2048;
    const auto bytes = in.bytes((size_a + 7) / 8);
    if (bytes.size() * 8 < size_a) return;
    auto a = qkdnq::bit_vector::from_bytes(bytes, size_a);
    model ma = model_of(a);
    for (std::size_t i = 0; i < size_a; ++i) fuzz_check(ma[i] == ((bytes[i / 8] >> (i % 8)) & 1), "from_bytes order");

    while (in.remaining() > 0) {
        const std::uint8_t op = in.byte() % 5;
        const std::size_t x = in.u16();
        const std::size_t y = in.u16();
        if (op == 0 && !ma.empty()) {  // flip
            a.flip(x % ma.size());
            ma[x % ma.size()] = !ma[x % ma.size()];
        } else if (op == 1) {  // slice
            const std::size_t begin = ma.empty() ? 0 : x % (ma.size() + 1);
            const std::size_t length = (ma.size() - begin) == 0 ? 0 : y % (ma.size() - begin + 1);
            a = a.slice(begin, length);
            ma = model(ma.begin() + static_cast<long>(begin), ma.begin() + static_cast<long>(begin + length));
        } else if (op == 2 && ma.size() < 8192) {  // append a copy of itself
            const auto copy = a;
            a.append(copy);
            const model mcopy = ma;
            ma.insert(ma.end(), mcopy.begin(), mcopy.end());
        } else if (op == 3 && !ma.empty()) {  // parity of a range
            const std::size_t begin = x % ma.size();
            const std::size_t end = begin + y % (ma.size() - begin + 1);
            bool expected = false;
            for (std::size_t i = begin; i < end; ++i) expected ^= ma[i];
            fuzz_check(a.parity(begin, end) == expected, "parity of a range");
        } else if (op == 4) {  // xor with a shifted copy
            auto other = a;
            if (!ma.empty()) other.flip(x % ma.size());
            const auto sum = a ^ other;
            fuzz_check(sum.popcount() == (ma.empty() ? 0u : 1u), "xor with a one-bit change");
            fuzz_check(hamming_distance(a, other) == sum.popcount(), "hamming distance");
        }
        fuzz_check(model_of(a) == ma, "bit_vector agrees with its model");
    }
    std::size_t ones = 0;
    for (bool bit : ma) ones += bit;
    fuzz_check(a.popcount() == ones, "popcount");
    const auto words = a.words();
    fuzz_check(qkdnq::simd::popcount_words(words.data(), words.size()) ==
                   qkdnq::simd::popcount_words_scalar(words.data(), words.size()),
               "popcount kernel == scalar");
}
