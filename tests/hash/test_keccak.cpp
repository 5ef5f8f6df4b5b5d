// Keccak-f[1600]: the scalar reference against the Keccak team's known answer, and every
// optimised path (the compiled-in `keccak_f1600`, the unrolled 64-bit path, the AVX-512VL path
// where compiled, and the multi-block absorb) against the scalar reference on zeros, every single
// bit, random states and every input block count.
#include <qkdnq/hash/detail/keccak_sponge.hpp>
#include <qkdnq/hash/keccak.hpp>

#include <catch2/catch.hpp>

#include "support/chunking.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using state = std::array<std::uint64_t, 25>;

// Keccak-f[1600] applied once and twice to the all-zero state (Keccak team,
// "KeccakF-1600-IntermediateValues.txt", the state after each permutation).
constexpr state zero_once = {
    0xF1258F7940E1DDE7u, 0x84D5CCF933C0478Au, 0xD598261EA65AA9EEu, 0xBD1547306F80494Du, 0x8B284E056253D057u,
    0xFF97A42D7F8E6FD4u, 0x90FEE5A0A44647C4u, 0x8C5BDA0CD6192E76u, 0xAD30A6F71B19059Cu, 0x30935AB7D08FFC64u,
    0xEB5AA93F2317D635u, 0xA9A6E6260D712103u, 0x81A57C16DBCF555Fu, 0x43B831CD0347C826u, 0x01F22F1A11A5569Fu,
    0x05E5635A21D9AE61u, 0x64BEFEF28CC970F2u, 0x613670957BC46611u, 0xB87C5A554FD00ECBu, 0x8C3EE88A1CCF32C8u,
    0x940C7922AE3A2614u, 0x1841F924A2C509E4u, 0x16F53526E70465C2u, 0x75F644E97F30A13Bu, 0xEAF1FF7B5CECA249u,
};
constexpr state zero_twice = {
    0x2D5C954DF96ECB3Cu, 0x6A332CD07057B56Du, 0x093D8D1270D76B6Cu, 0x8A20D9B25569D094u, 0x4F9C4F99E5E7F156u,
    0xF957B9A2DA65FB38u, 0x85773DAE1275AF0Du, 0xFAF4F247C3D810F7u, 0x1F1B9EE6F79A8759u, 0xE4FECC0FEE98B425u,
    0x68CE61B6B9CE68A1u, 0xDEEA66C4BA8F974Fu, 0x33C43D836EAFB1F5u, 0xE00654042719DBD9u, 0x7CF8A9F009831265u,
    0xFD5449A6BF174743u, 0x97DDAD33D8994B40u, 0x48EAD5FC5D0BE774u, 0xE3B8C8EE55B7B03Cu, 0x91A0226E649E42E9u,
    0x900E3129E7BADD7Bu, 0x202A9EC5FAA3CCE8u, 0x5B3402464E1C3DB6u, 0x609F4E62A44C1059u, 0x20D06CD26A8FBF5Cu,
};

// Every optimised permutation compiled into this build, by name.
struct implementation {
    const char* name;
    void (*permute)(state&);
};

std::vector<implementation> implementations() {
    std::vector<implementation> all;
    all.push_back({"keccak_f1600", [](state& s) { qkdnq::keccak_f1600(s); }});
    all.push_back({"unrolled<u64>", [](state& s) {
                       qkdnq::detail::keccak_f1600_unrolled<qkdnq::detail::u64_lane_ops>(s);
                   }});
#if QKDNQ_KECCAK_HAVE_AVX512VL
    all.push_back({"unrolled<avx512vl>", [](state& s) {
                       qkdnq::detail::keccak_f1600_unrolled<qkdnq::detail::avx512vl_lane_ops>(s);
                   }});
#endif
    return all;
}

state random_state(std::mt19937_64& rng) {
    state s{};
    for (auto& lane : s) lane = rng();
    return s;
}

// The reference absorb: FIPS 202 Alg. 8 step 6, one block at a time, with the scalar permutation.
template <std::size_t Rate>
void absorb_reference(state& s, const std::uint8_t* data, std::size_t blocks) {
    for (; blocks != 0; --blocks, data += Rate) {
        for (std::size_t i = 0; i < Rate; ++i) s[i / 8] ^= std::uint64_t{data[i]} << (8 * (i % 8));
        qkdnq::detail::keccak_f1600_scalar(s);
    }
}

template <std::size_t Rate>
void check_absorb_blocks(std::mt19937_64& rng) {
    for (std::size_t blocks = 0; blocks <= 4; ++blocks) {
        std::vector<std::uint8_t> data(blocks * Rate);
        for (auto& b : data) b = static_cast<std::uint8_t>(rng());
        const state start = random_state(rng);
        state expected = start;
        absorb_reference<Rate>(expected, data.data(), blocks);
        state got = start;
        qkdnq::detail::keccak_absorb_blocks<Rate>(got, data.data(), blocks);
        INFO("rate " << Rate << ", blocks " << blocks);
        CHECK(got == expected);
        got = start;
        qkdnq::detail::keccak_absorb_blocks_unrolled<qkdnq::detail::u64_lane_ops, Rate>(got, data.data(), blocks);
        CHECK(got == expected);
#if QKDNQ_KECCAK_HAVE_AVX512VL
        got = start;
        qkdnq::detail::keccak_absorb_blocks_unrolled<qkdnq::detail::avx512vl_lane_ops, Rate>(got, data.data(),
                                                                                              blocks);
        CHECK(got == expected);
#endif
    }
}

}  // namespace

TEST_CASE("keccak_f1600_scalar matches the Keccak team's zero-state values", "[hash][kat]") {
    state s{};
    qkdnq::detail::keccak_f1600_scalar(s);
    CHECK(s == zero_once);
    qkdnq::detail::keccak_f1600_scalar(s);
    CHECK(s == zero_twice);
}

TEST_CASE("keccak_f1600_scalar is usable at compile time", "[hash][kat]") {
    constexpr state once = [] {
        state s{};
        qkdnq::detail::keccak_f1600_scalar(s);
        return s;
    }();
    STATIC_REQUIRE(once == zero_once);
}

TEST_CASE("keccak constants: FIPS 202 Alg. 2/5/6 computed == tabulated", "[hash][kat]") {
    CHECK(qkdnq::detail::keccak_round_constants == qkdnq::detail::keccak_rc_spec);
    CHECK(qkdnq::detail::keccak_rho_offsets == qkdnq::detail::keccak_rho_spec);
}

TEST_CASE("keccak_f1600 names its implementation", "[hash][simd]") {
#if defined(QKDNQ_FORCE_SCALAR) && QKDNQ_FORCE_SCALAR
    CHECK(qkdnq::keccak_f1600_implementation == "scalar");
#elif QKDNQ_KECCAK_HAVE_AVX512VL
    CHECK(qkdnq::keccak_f1600_implementation == "avx512vl");
#else
    CHECK(qkdnq::keccak_f1600_implementation == "unrolled");
#endif
}

TEST_CASE("optimised keccak_f1600 == scalar reference on the zero state", "[hash][simd]") {
    for (const auto& impl : implementations()) {
        INFO(impl.name);
        state s{};
        impl.permute(s);
        CHECK(s == zero_once);
        impl.permute(s);
        CHECK(s == zero_twice);
    }
}

TEST_CASE("optimised keccak_f1600 == scalar reference on every single-bit state", "[hash][simd]") {
    for (const auto& impl : implementations()) {
        INFO(impl.name);
        std::size_t mismatches = 0;
        for (std::size_t bit = 0; bit < 1600; ++bit) {
            state expected{};
            expected[bit / 64] = std::uint64_t{1} << (bit % 64);
            state got = expected;
            qkdnq::detail::keccak_f1600_scalar(expected);
            impl.permute(got);
            if (got != expected) ++mismatches;
        }
        CHECK(mismatches == 0);
    }
}

TEST_CASE("optimised keccak_f1600 == scalar reference on random states", "[hash][simd]") {
    const auto seed = GENERATE(take(4, random(std::uint64_t{0}, ~std::uint64_t{0})));
    std::mt19937_64 rng(seed);
    for (const auto& impl : implementations()) {
        INFO(impl.name << ", seed " << seed);
        std::size_t mismatches = 0;
        for (int i = 0; i < 250; ++i) {
            const state start = random_state(rng);
            state expected = start;
            state got = start;
            qkdnq::detail::keccak_f1600_scalar(expected);
            impl.permute(got);
            if (got != expected) ++mismatches;
        }
        CHECK(mismatches == 0);
        // A chain: 1000 permutations feeding each other.
        state expected{};
        state got{};
        for (int i = 0; i < 1000; ++i) {
            qkdnq::detail::keccak_f1600_scalar(expected);
            impl.permute(got);
        }
        CHECK(got == expected);
    }
}

TEST_CASE("multi-block absorb == one block at a time with the scalar permutation", "[hash][simd]") {
    std::mt19937_64 rng(20240601);
    check_absorb_blocks<72>(rng);   // SHA3-512
    check_absorb_blocks<104>(rng);  // SHA3-384
    check_absorb_blocks<136>(rng);  // SHA3-256, SHAKE256
    check_absorb_blocks<144>(rng);  // SHA3-224
    check_absorb_blocks<168>(rng);  // SHAKE128
}

TEST_CASE("keccak_sponge: output independent of absorb and squeeze chunking", "[hash][property]") {
    const auto seed = GENERATE(take(5, random(std::uint64_t{0}, ~std::uint64_t{0})));
    std::mt19937_64 rng(seed);
    std::vector<std::uint8_t> message(std::uniform_int_distribution<std::size_t>(0, 700)(rng));
    for (auto& b : message) b = static_cast<std::uint8_t>(rng());

    qkdnq::detail::keccak_sponge<136> whole;
    whole.absorb(message);
    whole.finish(qkdnq::detail::shake_suffix);
    std::vector<std::uint8_t> expected(500);
    whole.squeeze(expected);

    qkdnq::detail::keccak_sponge<136> parts;
    qkdnq::test::for_random_chunks(qkdnq::bytes_view(message), rng, 0, 300, [&](auto chunk) { parts.absorb(chunk); });
    parts.finish(qkdnq::detail::shake_suffix);
    std::vector<std::uint8_t> got(expected.size());
    qkdnq::test::for_random_chunks(qkdnq::mutable_bytes(got), rng, 0, 200, [&](auto chunk) { parts.squeeze(chunk); });
    INFO("seed " << seed << ", message " << message.size() << " bytes");
    CHECK(got == expected);
}
