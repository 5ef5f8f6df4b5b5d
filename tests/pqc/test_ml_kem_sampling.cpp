// Four-at-a-time sampling (pqc/crystals/ml_kem_sampling.hpp) against the one-at-a-time FIPS 203
// Alg. 7 and Alg. 8 of ml_kem_poly.hpp, on the same seeds.
#include <qkdnq/core/random.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pqc/crystals/ml_kem_sampling.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace mk = qkdnq::detail::ml_kem;

TEST_CASE("SampleNTT four at a time equals SampleNTT one at a time", "[pqc][sampling]") {
    qkdnq::shake_drbg rng(std::uint64_t{7});
    for (int round = 0; round < 300; ++round) {  // some streams need a fourth or fifth block
        std::array<std::array<std::uint8_t, 34>, 4> seeds{};
        for (auto& s : seeds) rng.fill(s);
        if (round == 1) seeds[2] = seeds[0];  // equal seeds in two lanes
        std::array<mk::poly_ntt, 4> out;
        mk::sample_ntt_x4(seeds, {&out[0], &out[1], &out[2], &out[3]});
        for (std::size_t l = 0; l < 4; ++l) {
            INFO("round " << round << " lane " << l);
            REQUIRE(out[l].c == mk::sample_ntt(seeds[l]).c);
        }
    }
}

TEST_CASE("SampleNTT accepts exactly the values below q", "[pqc][sampling]") {
    // All-0xff blocks give candidates 4095 (rejected); a block of 0x00 gives 0 (accepted).
    std::vector<std::uint8_t> block(168, 0xff);
    mk::sample_ntt_buffer a;
    CHECK(mk::sample_ntt_block(block, a, 0) == 0);
    block[0] = 0x00;  // d1 = 0xf00 = 3840 >= q: rejected; d2 = 0xfff: rejected
    CHECK(mk::sample_ntt_block(block, a, 0) == 0);
    block[1] = 0x0d;  // d1 = 0xd00 = 3328 = q - 1: accepted
    block[0] = 0x00;
    CHECK(mk::sample_ntt_block(block, a, 0) == 1);
    CHECK(a.c[0] == 3328);
    block[0] = 0x01;  // d1 = 0xd01 = q: rejected
    CHECK(mk::sample_ntt_block(block, a, 0) == 0);
    std::vector<std::uint8_t> zeros(168, 0);
    CHECK(mk::sample_ntt_block(zeros, a, 250) == mk::n);  // stops at n, never writes past n + 1
}

TEST_CASE("SamplePolyCBD over PRF, batched, equals one at a time", "[pqc][sampling]") {
    qkdnq::shake_drbg rng(std::uint64_t{9});
    std::array<std::uint8_t, 32> s{};
    for (std::size_t count = 1; count <= 9; ++count) {
        rng.fill(s);
        std::vector<mk::poly> out(count);
        std::vector<mk::cbd_job> jobs;
        for (std::size_t i = 0; i < count; ++i) {
            // Mixed eta in one batch, as ML-KEM-512 encryption has (eta1 = 3, eta2 = 2).
            jobs.push_back({&out[i], static_cast<std::uint8_t>(i * 37), i % 3 == 0 ? 3u : 2u});
        }
        mk::sample_cbd_prf_jobs(s, jobs);
        for (std::size_t i = 0; i < count; ++i) {
            INFO("count " << count << " job " << i);
            const auto expected = jobs[i].eta == 2 ? mk::sample_cbd_prf<2>(s, jobs[i].nonce) : mk::sample_cbd_prf<3>(s, jobs[i].nonce);
            REQUIRE(out[i].c == expected.c);
        }
    }
}

#if QKDNQ_ML_KEM_HAVE_SIMD && defined(__AVX2__)
TEST_CASE("AVX2 SampleNTT block parser equals the scalar parser", "[pqc][sampling][simd]") {
    qkdnq::shake_drbg rng(std::uint64_t{11});
    for (int round = 0; round < 2000; ++round) {
        const std::size_t size = round % 3 == 0 ? 504 : round % 3 == 1 ? 168 : 3 * (1 + qkdnq::random_below(rng, 60));
        std::vector<std::uint8_t> block(size);
        rng.fill(block);
        if (round % 7 == 0) {  // mostly values near q: 0xd00 (q - 1) and 0xd01 (q) patterns
            for (std::size_t p = 0; p + 3 <= size; p += 3) {
                block[p] = static_cast<std::uint8_t>(qkdnq::random_below(rng, 2));
                block[p + 1] = 0x0d | static_cast<std::uint8_t>(qkdnq::random_below(rng, 2) ? 0x00 : 0xf0);
                block[p + 2] = 0xd0;
            }
        }
        const std::size_t start = static_cast<std::size_t>(qkdnq::random_below(rng, mk::n));
        mk::sample_ntt_buffer a, b;
        const std::size_t ja = mk::simd_kernels::sample_ntt_block(block, a, start);
        const std::size_t jb = mk::sample_ntt_block(block, b, start);
        INFO("round " << round << " size " << size << " start " << start);
        REQUIRE(ja == jb);
        REQUIRE(std::equal(a.c.begin() + static_cast<std::ptrdiff_t>(start), a.c.begin() + static_cast<std::ptrdiff_t>(ja),
                           b.c.begin() + static_cast<std::ptrdiff_t>(start)));
    }
}
#endif
