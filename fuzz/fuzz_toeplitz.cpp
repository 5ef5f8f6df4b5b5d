// Toeplitz hashing (amplify/toeplitz.hpp): the fast product against the naive bit-by-bit one on
// fuzzer-chosen sizes, seeds and inputs.
//
// Input: a flags byte (bit 0: the modified form), n - 1 and m - 1 as 16-bit numbers (n <= 2048;
// m <= n + 63 for the Toeplitz form, m <= n for the modified one), then bytes whose bits, repeated
// cyclically, fill the input and then the seed (all zero when none are left).
#include "driver.hpp"

#include <qkdnq/amplify/toeplitz.hpp>

#include <cstddef>
#include <cstdint>

namespace {

qkdnq::bit_vector cyclic_bits(std::span<const std::uint8_t> material, std::size_t first_bit, std::size_t size) {
    qkdnq::bit_vector v(size);
    if (material.empty()) return v;
    const std::size_t period = 8 * material.size();
    for (std::size_t i = 0; i < size; ++i) {
        const std::size_t b = (first_bit + i) % period;
        v.set(i, (material[b / 8] >> (b % 8)) & 1u);
    }
    return v;
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    fuzz_reader in(input);
    const bool modified = (in.byte() & 1u) != 0;
    const std::size_t n = 1 + in.u16() % 2048;
    const std::size_t m = 1 + in.u16() % (modified ? n : n + 63);
    const auto material = in.rest();

    const auto x = cyclic_bits(material, 0, n);
    if (modified) {
        const auto seed = cyclic_bits(material, n, qkdnq::modified_toeplitz_seed_bits(n, m));
        const auto fast = qkdnq::modified_toeplitz_hash(x, seed, m);
        fuzz_check(fast == qkdnq::modified_toeplitz_hash_reference(x, seed, m), "modified Toeplitz: fast == naive");
        fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { (void)qkdnq::modified_toeplitz_hash(x, seed, m + n); }),
                   "modified Toeplitz: m > n throws");
    } else {
        const auto seed = cyclic_bits(material, n, qkdnq::toeplitz_seed_bits(n, m));
        const auto fast = qkdnq::toeplitz_hash(x, seed, m);
        fuzz_check(fast.size() == m, "Toeplitz: m output bits");
        fuzz_check(fast == qkdnq::toeplitz_hash_reference(x, seed, m), "Toeplitz: fast == naive");
        fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { (void)qkdnq::toeplitz_hash(x, seed, m + 1); }),
                   "Toeplitz: a seed of the wrong length throws");
    }
}
