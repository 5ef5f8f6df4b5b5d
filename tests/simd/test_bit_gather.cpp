// Bit gather (simd/bit_gather.hpp): the scalar reference against the bit-by-bit definition, and
// every vector kernel this CPU and build can run against the reference, on every count up to
// three words past a few full words, random and extreme indices.
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/simd/bit_gather.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

std::uint64_t next_u64(qkdnq::shake_drbg& rng) {
    std::array<std::uint8_t, 8> b{};
    rng.fill(b);
    return qkdnq::load_le64(b.data());
}

struct gather_case {
    std::vector<std::uint64_t> in;
    std::vector<std::uint32_t> index;
};

gather_case random_case(std::size_t in_bits, std::size_t count, qkdnq::shake_drbg& rng) {
    gather_case c;
    c.in.resize((in_bits + 63) / 64);
    for (auto& w : c.in) w = next_u64(rng);
    c.index.resize(count);
    for (std::size_t j = 0; j < count; ++j) {
        // Mostly uniform positions, with the first and the last bit of the input mixed in.
        const std::uint64_t r = next_u64(rng);
        c.index[j] = static_cast<std::uint32_t>(r % 7 == 0 ? 0 : r % 7 == 1 ? in_bits - 1 : (r >> 8) % in_bits);
    }
    return c;
}

std::vector<std::uint64_t> by_definition(const gather_case& c) {
    std::vector<std::uint64_t> out((c.index.size() + 63) / 64, 0);
    for (std::size_t j = 0; j < c.index.size(); ++j) {
        const std::uint32_t s = c.index[j];
        if ((c.in[s / 64] >> (s % 64)) & 1u) out[j / 64] |= std::uint64_t{1} << (j % 64);
    }
    return out;
}

template <class Kernel>
std::vector<std::uint64_t> run(const gather_case& c, Kernel kernel) {
    std::vector<std::uint64_t> out((c.index.size() + 63) / 64, ~std::uint64_t{0});  // overwritten in full
    kernel(c.in.data(), c.index.data(), c.index.size(), out.data());
    return out;
}

}  // namespace

TEST_CASE("gather_bits_scalar is the bit-by-bit definition", "[simd][gather]") {
    qkdnq::shake_drbg rng(31);
    for (std::size_t count = 0; count <= 4 * 64 + 3; ++count) {
        const gather_case c = random_case(1000, count, rng);
        CHECK(run(c, qkdnq::simd::gather_bits_scalar) == by_definition(c));
    }
}

TEST_CASE("gather_bits and every vector kernel equal the scalar reference", "[simd][gather]") {
    qkdnq::shake_drbg rng(32);
    std::vector<gather_case> cases;
    for (std::size_t count = 0; count <= 4 * 64 + 3; ++count) cases.push_back(random_case(777, count, rng));
    cases.push_back(random_case(100'000, 100'000, rng));
    cases.push_back(random_case(64, 4096, rng));  // every index in one word
    std::size_t kernels = 0;
    auto check_kernel = [&](auto kernel) {
        ++kernels;
        for (const gather_case& c : cases) {
            INFO("count " << c.index.size());
            CHECK(run(c, kernel) == run(c, qkdnq::simd::gather_bits_scalar));
        }
    };
    check_kernel([](const std::uint64_t* in, const std::uint32_t* index, std::size_t count, std::uint64_t* out) {
        qkdnq::simd::gather_bits(in, index, count, out);
    });
#if defined(__AVX2__) && !QKDNQ_FORCE_SCALAR
    check_kernel(qkdnq::simd::gather_bits_simd<xsimd::avx2>);
#endif
    CHECK(kernels >= 1);
}
