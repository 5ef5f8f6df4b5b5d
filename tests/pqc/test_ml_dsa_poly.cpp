// ML-DSA polynomial arithmetic (FIPS 204 §7): the reductions, the NTT, the rounding functions
// against their definitions (exhaustively over [0, q) where the spec defines them on Z_q), bit
// packing, hint encoding with every malformed-hint rejection of Alg. 21, and the samplers.
#include <qkdnq/core/random.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pqc/crystals/ml_dsa_backend.hpp>
#include <qkdnq/pqc/crystals/ml_dsa_poly.hpp>
#include <qkdnq/pqc/crystals/ml_dsa_sampling.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace {

namespace md = qkdnq::detail::ml_dsa;
constexpr std::int64_t Q = md::q;

// r mod q in [0, q) and r mod± m in (-m/2, m/2] (FIPS 204 §2.3), by plain division: the reference.
std::int64_t mod_q(std::int64_t r) { return ((r % Q) + Q) % Q; }
std::int64_t mod_pm(std::int64_t r, std::int64_t m) {
    std::int64_t x = ((r % m) + m) % m;
    if (x > m / 2) x -= m;
    return x;
}

// FIPS 204, Alg. 36 (Decompose) written as the spec states it.
std::pair<std::int64_t, std::int64_t> decompose_spec(std::int64_t r, std::int64_t gamma2) {
    const std::int64_t rp = mod_q(r);        // L1
    std::int64_t r0 = mod_pm(rp, 2 * gamma2);  // L2
    std::int64_t r1 = 0;
    if (rp - r0 == Q - 1) {  // L3-5
        r1 = 0;
        r0 = r0 - 1;
    } else {
        r1 = (rp - r0) / (2 * gamma2);  // L6
    }
    return {r1, r0};
}

// FIPS 204, Alg. 40 (UseHint) as the spec states it.
std::int64_t use_hint_spec(std::int64_t h, std::int64_t r, std::int64_t gamma2) {
    const std::int64_t m = (Q - 1) / (2 * gamma2);
    const auto [r1, r0] = decompose_spec(r, gamma2);
    if (h == 1 && r0 > 0) return (r1 + 1) % m;
    if (h == 1 && r0 <= 0) return ((r1 - 1) % m + m) % m;
    return r1;
}

md::poly random_poly(qkdnq::shake_drbg& rng, std::int64_t lo, std::int64_t hi) {
    md::poly p;
    for (auto& x : p.c) x = static_cast<std::int32_t>(lo + static_cast<std::int64_t>(qkdnq::random_below(rng, static_cast<std::uint64_t>(hi - lo + 1))));
    return p;
}

template <std::int32_t Gamma2>
void check_decompose_exhaustive() {
    INFO("gamma2 = " << Gamma2);
    for (std::int32_t r = 0; r < md::q; ++r) {
        std::int32_t r0 = 0;
        const std::int32_t r1 = md::decompose<Gamma2>(r, r0);
        const auto [e1, e0] = decompose_spec(r, Gamma2);
        if (r1 != e1 || r0 != e0) FAIL("Decompose differs at r = " << r << ": (" << r1 << ", " << r0 << ") vs (" << e1 << ", " << e0 << ")");
        if (md::high_bits<Gamma2>(r) != e1 || md::low_bits<Gamma2>(r) != e0) FAIL("HighBits/LowBits differ at r = " << r);
        for (std::int32_t h = 0; h <= 1; ++h) {
            if (md::use_hint<Gamma2>(h, r) != use_hint_spec(h, r, Gamma2)) FAIL("UseHint differs at h = " << h << ", r = " << r);
        }
    }
}

// make_hint_low(LowBits(v) + t, HighBits(v)) == MakeHint(-t, v + t) (Alg. 39) whenever
// |LowBits(v)| < gamma2 - beta and |t| < gamma2: the signer's shortcut of Alg. 7 L26.
template <std::int32_t Gamma2>
void check_make_hint(std::int32_t beta, qkdnq::shake_drbg& rng) {
    INFO("gamma2 = " << Gamma2);
    std::size_t checked = 0;
    std::vector<std::int32_t> vs;
    for (std::int32_t v = 0; v < md::q; v += 7) vs.push_back(v);
    for (std::int32_t k = 0; k * 2 * Gamma2 <= md::q - 1; ++k) {  // every v near a multiple of 2 gamma2
        for (std::int32_t delta = -300; delta <= 300; ++delta) vs.push_back(md::freeze(k * 2 * Gamma2 + delta));
    }
    for (const std::int32_t v : vs) {
        std::int32_t r0 = 0;
        const std::int32_t r1 = md::decompose<Gamma2>(v, r0);
        if (r0 <= -(Gamma2 - beta) || r0 >= Gamma2 - beta) continue;
        // t at the edges of the hint condition (a0 = ±gamma2 ± 1), at its range ends, and random.
        std::vector<std::int32_t> ts = {0, Gamma2 - 1, -(Gamma2 - 1)};
        for (std::int32_t e : {-Gamma2 - 1, -Gamma2, -Gamma2 + 1, Gamma2 - 1, Gamma2, Gamma2 + 1}) ts.push_back(e - r0);
        ts.push_back(static_cast<std::int32_t>(qkdnq::random_below(rng, 2 * Gamma2 - 1)) - (Gamma2 - 1));
        for (const std::int32_t t : ts) {
            if (t <= -Gamma2 || t >= Gamma2) continue;
            const std::int32_t spec = md::make_hint<Gamma2>(-t, md::freeze(v + t));
            const std::int32_t fast = md::make_hint_low<Gamma2>(r0 + t, r1);
            if (spec != fast) FAIL("MakeHint differs at v = " << v << ", t = " << t);
            ++checked;
        }
    }
    CHECK(checked > 1000000);
}

// Bit-by-bit BitUnpack reference: field i is bits [Bits i, Bits (i+1)) little-endian.
template <unsigned Bits>
std::uint32_t field(const std::vector<std::uint8_t>& bytes, std::size_t i) {
    std::uint32_t v = 0;
    for (unsigned b = 0; b < Bits; ++b) v |= ((static_cast<std::uint32_t>(bytes[(Bits * i + b) / 8]) >> ((Bits * i + b) % 8)) & 1u) << b;
    return v;
}

template <std::uint32_t A, std::uint32_t B>
void check_bit_pack(qkdnq::shake_drbg& rng) {
    constexpr unsigned bits = md::bit_length(A + B);
    INFO("BitPack a = " << A << ", b = " << B);
    for (int round = 0; round < 50; ++round) {
        md::poly w = random_poly(rng, -static_cast<std::int64_t>(A), B);
        if (round == 0) w.c.fill(-static_cast<std::int32_t>(A));
        if (round == 1) w.c.fill(static_cast<std::int32_t>(B));
        std::vector<std::uint8_t> bytes(32 * bits);
        md::bit_pack<A, B>(w.c, std::span<std::uint8_t, 32 * bits>(bytes.data(), bytes.size()));
        for (std::size_t i = 0; i < md::n; ++i) REQUIRE(field<bits>(bytes, i) == static_cast<std::uint32_t>(static_cast<std::int64_t>(B) - w.c[i]));
        md::poly back;
        md::bit_unpack<A, B>(std::span<const std::uint8_t, 32 * bits>(bytes.data(), bytes.size()), back.c);
        REQUIRE(back.c == w.c);
    }
}

template <std::uint32_t B>
void check_simple_bit_pack(qkdnq::shake_drbg& rng) {
    constexpr unsigned bits = md::bit_length(B);
    INFO("SimpleBitPack b = " << B);
    for (int round = 0; round < 50; ++round) {
        md::poly w = random_poly(rng, 0, B);
        std::vector<std::uint8_t> bytes(32 * bits);
        md::simple_bit_pack<B>(w.c, std::span<std::uint8_t, 32 * bits>(bytes.data(), bytes.size()));
        for (std::size_t i = 0; i < md::n; ++i) REQUIRE(field<bits>(bytes, i) == static_cast<std::uint32_t>(w.c[i]));
        md::poly back;
        md::simple_bit_unpack<B>(std::span<const std::uint8_t, 32 * bits>(bytes.data(), bytes.size()), back.c);
        REQUIRE(back.c == w.c);
    }
}

}  // namespace

TEST_CASE("ML-DSA reductions match plain arithmetic", "[pqc][ml_dsa][property]") {
    for (std::int64_t a = -(std::int64_t{1} << 31) * Q; a < (std::int64_t{1} << 31) * Q; a += 1234567890123) {
        const std::int32_t r = md::montgomery_reduce(a);
        REQUIRE(r > -md::q);
        REQUIRE(r < md::q);
        REQUIRE(mod_q(std::int64_t{r} * (std::int64_t{1} << 32)) == mod_q(a));
    }
    for (std::int64_t a = -(std::int64_t{1} << 31); a <= (std::int64_t{1} << 31) - (1 << 22) - 1; a += 997) {
        const auto x = static_cast<std::int32_t>(a);
        const std::int32_t r = md::reduce32(x);
        if (r < -6283008 || r > 6283008 || mod_q(r) != mod_q(a)) FAIL("reduce32 wrong at " << a);
        if (md::freeze(x) != mod_q(a)) FAIL("freeze wrong at " << a);
        if (md::centre(x) != mod_pm(a, Q)) FAIL("centre wrong at " << a);
    }
    CHECK(md::caddq(-1) == md::q - 1);
    CHECK(md::caddq(0) == 0);
    CHECK(md::centre((md::q - 1) / 2) == (md::q - 1) / 2);
    CHECK(md::centre((md::q + 1) / 2) == -(md::q - 1) / 2);
}

TEST_CASE("ML-DSA zetas are 1753^BitRev8(k) (FIPS 204 Appendix B) in Montgomery form", "[pqc][ml_dsa][property]") {
    std::int64_t power = 1;
    std::array<std::int64_t, 256> powers{};
    for (auto& p : powers) {
        p = power;
        power = power * 1753 % Q;
    }
    CHECK(power == Q - 1);  // 1753^256 = -1: a primitive 512th root of unity
    for (std::size_t k = 1; k < 256; ++k) {
        REQUIRE(mod_q(md::zetas[k]) == mod_q(powers[md::bit_rev8(k)] * (std::int64_t{1} << 32)));
    }
}

TEST_CASE("ML-DSA NTT then inverse NTT is the identity", "[pqc][ml_dsa][property]") {
    qkdnq::shake_drbg rng(std::uint64_t{204});
    for (int round = 0; round < 100; ++round) {
        const md::poly f = random_poly(rng, -(Q - 1), Q - 1);
        const md::poly g = md::ntt_inverse(md::ntt(f));
        for (std::size_t i = 0; i < md::n; ++i) REQUIRE(mod_q(g.c[i]) == mod_q(f.c[i]));
        const md::poly h = md::ntt_inverse_montgomery(md::ntt(f));  // times 2^32
        for (std::size_t i = 0; i < md::n; ++i) REQUIRE(mod_q(h.c[i]) == mod_q(std::int64_t{f.c[i]} * (std::int64_t{1} << 32)));
    }
}

TEST_CASE("ML-DSA NTT multiplication is negacyclic convolution", "[pqc][ml_dsa][property]") {
    qkdnq::shake_drbg rng(std::uint64_t{7});
    using backend = md::scalar_backend;
    for (int round = 0; round < 10; ++round) {
        // Full-range operands, and the shapes of the scheme: small times uniform.
        const md::poly a = round % 2 == 0 ? random_poly(rng, -(Q - 1), Q - 1) : random_poly(rng, -4, 4);
        const md::poly b = random_poly(rng, -(Q - 1), Q - 1);
        std::array<std::int64_t, md::n> ref{};
        for (std::size_t i = 0; i < md::n; ++i) {
            for (std::size_t j = 0; j < md::n; ++j) {
                const std::int64_t p = mod_q(std::int64_t{a.c[i]} * b.c[j]);
                if (i + j < md::n) ref[i + j] += p; else ref[i + j - md::n] -= p;
            }
        }
        const md::poly c = backend::ntt_inverse_montgomery(backend::multiply_ntts(backend::ntt(a), backend::ntt(b)));
        for (std::size_t i = 0; i < md::n; ++i) {
            REQUIRE(c.c[i] > -md::q);
            REQUIRE(c.c[i] < md::q);
            REQUIRE(mod_q(c.c[i]) == mod_q(ref[i]));
        }
        // The accumulating form, over seven products (ML-DSA-87's l), then reduce32 as the scheme does.
        md::poly_ntt acc;
        std::array<std::int64_t, md::n> sum{};
        for (int term = 0; term < 7; ++term) {
            backend::multiply_accumulate(acc, backend::ntt(a), backend::ntt(b));
            for (std::size_t i = 0; i < md::n; ++i) sum[i] += ref[i];
        }
        backend::reduce(acc);
        const md::poly s = backend::ntt_inverse_montgomery(acc);
        for (std::size_t i = 0; i < md::n; ++i) REQUIRE(mod_q(s.c[i]) == mod_q(sum[i]));
    }
}

TEST_CASE("ML-DSA Power2Round matches FIPS 204 Alg. 35 on all of [0, q)", "[pqc][ml_dsa][property]") {
    for (std::int32_t r = 0; r < md::q; ++r) {
        std::int32_t r0 = 0;
        const std::int32_t r1 = md::power2round(r, r0);
        const std::int64_t e0 = mod_pm(r, 1 << md::d);  // L2: r0 = r+ mod± 2^d
        if (r0 != e0 || r1 != (r - e0) >> md::d) FAIL("Power2Round differs at r = " << r);
    }
}

TEST_CASE("ML-DSA Decompose, HighBits, LowBits, UseHint match FIPS 204 Alg. 36-40 on all of [0, q)", "[pqc][ml_dsa][property]") {
    check_decompose_exhaustive<md::gamma2_low>();
    check_decompose_exhaustive<md::gamma2_high>();
}

TEST_CASE("ML-DSA MakeHint: the signer's form equals Alg. 39 where the signer uses it", "[pqc][ml_dsa][property]") {
    qkdnq::shake_drbg rng(std::uint64_t{39});
    // Alg. 39 itself against the definition with plain division.
    for (int i = 0; i < 200000; ++i) {
        const auto r = static_cast<std::int32_t>(qkdnq::random_below(rng, md::q));
        const auto z = static_cast<std::int32_t>(qkdnq::random_below(rng, 2 * 300000)) - 300000;
        const bool differ = decompose_spec(r, md::gamma2_low).first != decompose_spec(mod_q(r + z), md::gamma2_low).first;
        REQUIRE(md::make_hint<md::gamma2_low>(z, r) == (differ ? 1 : 0));
    }
    check_make_hint<md::gamma2_low>(78, rng);    // beta of ML-DSA-44
    check_make_hint<md::gamma2_high>(120, rng);  // the smaller beta of ML-DSA-65 (196) and -87 (120)
}

TEST_CASE("ML-DSA norm check", "[pqc][ml_dsa][property]") {
    md::poly f;
    CHECK(md::norm_exceeds(f, 1) == 0);
    f.c[17] = 99;
    CHECK(md::norm_exceeds(f, 100) == 0);
    CHECK(md::norm_exceeds(f, 99) == 0xffffffffu);
    f.c[17] = -99;
    CHECK(md::norm_exceeds(f, 100) == 0);
    CHECK(md::norm_exceeds(f, 99) == 0xffffffffu);
    f.c[17] = md::q - 99;  // any representative: -99 mod q
    CHECK(md::norm_exceeds(f, 100) == 0);
    CHECK(md::norm_exceeds(f, 99) == 0xffffffffu);
    f.c[17] = -md::q + 5;
    CHECK(md::norm_exceeds(f, 6) == 0);
    CHECK(md::norm_exceeds(f, 5) == 0xffffffffu);
}

TEST_CASE("ML-DSA bit packing (FIPS 204 Alg. 16-19)", "[pqc][ml_dsa][property]") {
    qkdnq::shake_drbg rng(std::uint64_t{16});
    check_simple_bit_pack<1023>(rng);  // t1
    check_simple_bit_pack<43>(rng);    // w1, ML-DSA-44
    check_simple_bit_pack<15>(rng);    // w1, ML-DSA-65/87
    check_bit_pack<2, 2>(rng);         // s1, s2 (eta = 2)
    check_bit_pack<4, 4>(rng);         // eta = 4
    check_bit_pack<4095, 4096>(rng);   // t0
    check_bit_pack<(1u << 17) - 1, 1u << 17>(rng);  // z, ML-DSA-44
    check_bit_pack<(1u << 19) - 1, 1u << 19>(rng);  // z, ML-DSA-65/87
}

TEST_CASE("ML-DSA HintBitPack / HintBitUnpack and every malformed hint of Alg. 21", "[pqc][ml_dsa][property]") {
    constexpr std::size_t K = 4, omega = 80;
    using bytes = std::array<std::uint8_t, omega + K>;
    auto unpack = [](const bytes& y) {
        std::array<md::poly, K> h;
        return md::hint_bit_unpack<K, omega>(y, h);
    };
    qkdnq::shake_drbg rng(std::uint64_t{21});
    for (int round = 0; round < 200; ++round) {
        std::array<md::poly, K> h;
        const auto ones = qkdnq::random_below(rng, omega + 1);
        for (std::uint64_t o = 0; o < ones; ++o) h[qkdnq::random_below(rng, K)].c[qkdnq::random_below(rng, md::n)] = 1;
        bytes y{};
        md::hint_bit_pack<K, omega>(h, y);
        std::array<md::poly, K> back;
        REQUIRE(md::hint_bit_unpack<K, omega>(y, back));
        for (std::size_t i = 0; i < K; ++i) REQUIRE(back[i].c == h[i].c);
    }
    // A valid encoding: positions 3, 9 in h[0], 1 in h[2]; counts 2, 2, 3, 3.
    bytes good{};
    good[0] = 3;
    good[1] = 9;
    good[2] = 1;
    good[omega + 0] = 2;
    good[omega + 1] = 2;
    good[omega + 2] = 3;
    good[omega + 3] = 3;
    CHECK(unpack(good));
    bytes bad = good;
    bad[omega + 1] = 1;  // L4: a count below the previous one
    CHECK_FALSE(unpack(bad));
    bad = good;
    bad[omega + 3] = omega + 1;  // L4: a count above omega
    CHECK_FALSE(unpack(bad));
    bad = good;
    bad[1] = 3;  // L8: equal positions within h[0]
    CHECK_FALSE(unpack(bad));
    bad = good;
    bad[1] = 2;  // L8: decreasing positions within h[0]
    CHECK_FALSE(unpack(bad));
    bad = good;
    bad[5] = 1;  // L14-16: nonzero padding after the last position
    CHECK_FALSE(unpack(bad));
    bad = good;
    bad[omega - 1] = 7;  // ... also in the last padding byte
    CHECK_FALSE(unpack(bad));
    bad = good;
    bad[2] = 0;  // a decreasing position across polynomials is fine: h[2] starts afresh
    CHECK(unpack(bad));
    bytes full{};  // omega ones in h[3]: the largest valid hint
    for (std::size_t i = 0; i < omega; ++i) full[i] = static_cast<std::uint8_t>(i + 1);
    full[omega + 3] = omega;
    CHECK(unpack(full));
    // Random bytes never crash, and whatever decodes re-encodes to the same bytes (the encoding
    // is canonical: a signature cannot be altered without changing the hint).
    std::size_t decoded = 0;
    for (int round = 0; round < 20000; ++round) {
        bytes y{};
        rng.fill(y);
        if (round % 2 == 0) {  // mostly well-formed counts, to reach the position checks
            std::uint8_t count = 0;
            for (std::size_t i = 0; i < K; ++i) {
                count = static_cast<std::uint8_t>(count + qkdnq::random_below(rng, 3));
                y[omega + i] = count;
            }
            for (std::size_t i = count; i < omega; ++i) y[i] = round % 4 == 0 ? 0 : y[i];
        }
        std::array<md::poly, K> h;
        if (md::hint_bit_unpack<K, omega>(y, h)) {
            ++decoded;
            bytes again{};
            md::hint_bit_pack<K, omega>(h, again);
            REQUIRE(again == y);
        }
    }
    CHECK(decoded > 100);
}

TEST_CASE("ML-DSA CoeffFromHalfByte (FIPS 204 Alg. 15)", "[pqc][ml_dsa][property]") {
    for (std::uint32_t b = 0; b < 15; ++b) CHECK(md::coeff_from_half_byte<2>(b) == 2 - static_cast<std::int32_t>(b % 5));
    for (std::uint32_t b = 0; b < 9; ++b) CHECK(md::coeff_from_half_byte<4>(b) == 4 - static_cast<std::int32_t>(b));
}

TEST_CASE("ML-DSA samplers produce their distributions' supports", "[pqc][ml_dsa][property]") {
    qkdnq::shake_drbg rng(std::uint64_t{29});
    for (int round = 0; round < 20; ++round) {
        std::array<std::uint8_t, 66> seed{};
        rng.fill(seed);
        const md::poly s2 = md::rej_bounded_poly<2>(seed);
        const md::poly s4 = md::rej_bounded_poly<4>(seed);
        for (std::size_t i = 0; i < md::n; ++i) {
            REQUIRE(s2.c[i] >= -2);
            REQUIRE(s2.c[i] <= 2);
            REQUIRE(s4.c[i] >= -4);
            REQUIRE(s4.c[i] <= 4);
        }
        // Alg. 31 against a direct transcription: half-bytes of SHAKE256(seed) in order, low first.
        std::array<std::uint8_t, 4 * 136> stream{};
        qkdnq::shake256::hash(seed, stream);
        std::vector<std::int32_t> direct;
        for (std::size_t p = 0; p < stream.size() && direct.size() < md::n; ++p) {
            for (std::uint32_t z : {stream[p] & 15u, static_cast<std::uint32_t>(stream[p] >> 4)}) {
                if (z < 9 && direct.size() < md::n) direct.push_back(4 - static_cast<std::int32_t>(z));
            }
        }
        REQUIRE(direct.size() == md::n);
        REQUIRE(std::vector<std::int32_t>(s4.c.begin(), s4.c.end()) == direct);

        std::array<std::uint8_t, 34> rho{};
        rng.fill(rho);
        const md::poly_ntt a = md::rej_ntt_poly(rho);
        for (const auto x : a.c) REQUIRE((x >= 0 && x < md::q));

        std::array<std::uint8_t, 64> rho2{};
        rng.fill(rho2);
        const md::poly y17 = md::expand_mask_poly<17>(rho2, 3);
        const md::poly y19 = md::expand_mask_poly<19>(rho2, 3);
        for (std::size_t i = 0; i < md::n; ++i) {
            REQUIRE(y17.c[i] > -(1 << 17));
            REQUIRE(y17.c[i] <= (1 << 17));
            REQUIRE(y19.c[i] > -(1 << 19));
            REQUIRE(y19.c[i] <= (1 << 19));
        }

        std::array<std::uint8_t, 48> ctilde{};
        rng.fill(ctilde);
        for (const unsigned tau : {39u, 49u, 60u}) {
            const md::poly c = tau == 39 ? md::sample_in_ball<39>(ctilde) : tau == 49 ? md::sample_in_ball<49>(ctilde) : md::sample_in_ball<60>(ctilde);
            unsigned weight = 0;
            for (const auto x : c.c) {
                REQUIRE((x == 0 || x == 1 || x == -1));
                weight += x != 0 ? 1u : 0u;
            }
            REQUIRE(weight == tau);
        }
    }
}

TEST_CASE("ML-DSA four-way samplers equal the one-at-a-time ones", "[pqc][ml_dsa][property]") {
    qkdnq::shake_drbg rng(std::uint64_t{34});
    for (int round = 0; round < 20; ++round) {
        std::array<std::array<std::uint8_t, 34>, 4> rho{};
        std::array<std::array<std::uint8_t, 66>, 4> rho_prime{};
        for (auto& s : rho) rng.fill(s);
        for (auto& s : rho_prime) rng.fill(s);
        if (round == 1) rho[3] = rho[0];  // equal lanes, as spare lanes are
        std::array<md::poly_ntt, 4> a;
        md::rej_ntt_poly_x4(rho, {&a[0], &a[1], &a[2], &a[3]});
        std::array<md::poly, 4> s2, s4, y17, y19;
        md::rej_bounded_poly_x4<2>(rho_prime, {&s2[0], &s2[1], &s2[2], &s2[3]});
        md::rej_bounded_poly_x4<4>(rho_prime, {&s4[0], &s4[1], &s4[2], &s4[3]});
        std::array<std::uint8_t, 64> rho2{};
        rng.fill(rho2);
        const std::array<std::uint16_t, 4> nonces = {static_cast<std::uint16_t>(round), 7, 0xffff, 256};
        md::expand_mask_x4<17>(rho2, nonces, {&y17[0], &y17[1], &y17[2], &y17[3]});
        md::expand_mask_x4<19>(rho2, nonces, {&y19[0], &y19[1], &y19[2], &y19[3]});
        for (std::size_t l = 0; l < 4; ++l) {
            REQUIRE(a[l].c == md::rej_ntt_poly(rho[l]).c);
            REQUIRE(s2[l].c == md::rej_bounded_poly<2>(rho_prime[l]).c);
            REQUIRE(s4[l].c == md::rej_bounded_poly<4>(rho_prime[l]).c);
            REQUIRE(y17[l].c == md::expand_mask_poly<17>(rho2, nonces[l]).c);
            REQUIRE(y19[l].c == md::expand_mask_poly<19>(rho2, nonces[l]).c);
        }
    }
}
