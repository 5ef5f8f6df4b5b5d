// Four-way Keccak-f[1600] and SHAKE128/SHAKE256: every compiled permutation (the selected one,
// each SIMD architecture of this build, the scalar reference) against four single-state
// reference permutations on zeros, single bits and random states; shake128_x4/shake256_x4 against
// four single-lane shake128/shake256 for every input length up to 600 bytes, several output
// lengths and random squeeze splits; ML-KEM's shapes (SampleNTT, PRF); the misuse errors.
#include <qkdnq/hash/detail/keccak_x4.hpp>
#include <qkdnq/hash/keccak.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/hash/shake_x4.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

namespace {

using x4_state = qkdnq::detail::keccak_x4_state;
using one_state = std::array<std::uint64_t, 25>;
constexpr std::size_t ways = qkdnq::detail::keccak_x4_ways;

// ---------------------------------------------------------------- the permutation

struct implementation {
    const char* name;
    void (*permute)(x4_state&);
};

// Every four-way permutation compiled into this build, by name.
std::vector<implementation> implementations() {
    std::vector<implementation> all;
    all.push_back({"keccak_f1600_x4", [](x4_state& s) { qkdnq::keccak_f1600_x4(s); }});
    all.push_back({"keccak_f1600_x4_scalar", [](x4_state& s) { qkdnq::detail::keccak_f1600_x4_scalar(s); }});
#if defined(__AVX2__)
    all.push_back({"keccak_f1600_x4_simd<avx2>",
                   [](x4_state& s) { qkdnq::detail::keccak_f1600_x4_simd<xsimd::avx2>(s); }});
#endif
#if defined(__SSE2__)
    all.push_back({"keccak_f1600_x4_simd<sse2>",
                   [](x4_state& s) { qkdnq::detail::keccak_f1600_x4_simd<xsimd::sse2>(s); }});
#endif
    return all;
}

// The reference: FIPS 202's plain permutation on each instance, de-interleaved by hand.
x4_state reference_x4(const x4_state& in) {
    x4_state out{};
    for (std::size_t j = 0; j < ways; ++j) {
        one_state s{};
        for (std::size_t i = 0; i < 25; ++i) s[i] = in[ways * i + j];
        qkdnq::detail::keccak_f1600_scalar(s);
        for (std::size_t i = 0; i < 25; ++i) out[ways * i + j] = s[i];
    }
    return out;
}

// Four single-state `qkdnq::keccak_f1600` (the optimised one of this build).
x4_state single_x4(const x4_state& in) {
    x4_state out{};
    for (std::size_t j = 0; j < ways; ++j) {
        one_state s{};
        for (std::size_t i = 0; i < 25; ++i) s[i] = in[ways * i + j];
        qkdnq::keccak_f1600(s);
        for (std::size_t i = 0; i < 25; ++i) out[ways * i + j] = s[i];
    }
    return out;
}

x4_state random_x4(std::mt19937_64& rng) {
    x4_state s{};
    for (auto& w : s) w = rng();
    return s;
}

void check_all_implementations(const x4_state& start) {
    const x4_state expected = reference_x4(start);
    CHECK(single_x4(start) == expected);
    for (const auto& impl : implementations()) {
        INFO(impl.name);
        x4_state s = start;
        impl.permute(s);
        CHECK(s == expected);
    }
}

// The lane transfers (absorb and squeeze of whole lanes) of every compiled path.
struct transfer {
    const char* name;
    void (*xor_lanes)(x4_state&, std::size_t, std::size_t, const qkdnq::detail::keccak_x4_inputs&);
    void (*extract_lanes)(const x4_state&, std::size_t, std::size_t, const qkdnq::detail::keccak_x4_outputs&);
};

std::vector<transfer> transfers() {
    namespace d = qkdnq::detail;
    std::vector<transfer> all;
    all.push_back({"selected", d::keccak_x4_xor_lanes, d::keccak_x4_extract_lanes});
    all.push_back({"scalar", d::keccak_x4_xor_lanes_scalar, d::keccak_x4_extract_lanes_scalar});
#if defined(__AVX2__)
    all.push_back({"avx2", d::keccak_x4_xor_lanes_with<xsimd::avx2>, d::keccak_x4_extract_lanes_with<xsimd::avx2>});
#endif
#if defined(__SSE2__)
    all.push_back({"sse2", d::keccak_x4_xor_lanes_with<xsimd::sse2>, d::keccak_x4_extract_lanes_with<xsimd::sse2>});
#endif
    return all;
}

// ---------------------------------------------------------------- SHAKE

std::vector<std::uint8_t> random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    return v;
}

using messages = std::array<std::vector<std::uint8_t>, ways>;

messages random_messages(std::mt19937_64& rng, std::size_t n) {
    messages m;
    for (auto& v : m) v = random_bytes(rng, n);
    return m;
}

template <class Vectors>
std::array<qkdnq::bytes_view, ways> views(const Vectors& v) {
    return {qkdnq::bytes_view(v[0]), qkdnq::bytes_view(v[1]), qkdnq::bytes_view(v[2]), qkdnq::bytes_view(v[3])};
}

template <class Vectors>
std::array<qkdnq::mutable_bytes, ways> spans(Vectors& v, std::size_t at = 0, std::size_t n = SIZE_MAX) {
    std::array<qkdnq::mutable_bytes, ways> out;
    for (std::size_t j = 0; j < ways; ++j) out[j] = qkdnq::mutable_bytes(v[j]).subspan(at, std::min(n, v[j].size() - at));
    return out;
}

messages outputs_of(std::size_t n) {
    messages out;
    for (auto& v : out) v.assign(n, 0xA5);
    return out;
}

// Four single-lane SHAKE outputs: the expected values.
template <class Single>
messages single_outputs(const messages& in, std::size_t n) {
    messages out = outputs_of(n);
    for (std::size_t j = 0; j < ways; ++j) Single::hash(in[j], out[j]);
    return out;
}

// The four-way class and its single-lane reference.
template <class X4, class Single, std::size_t Rate>
struct pairing {
    using x4 = X4;
    using single = Single;
    static constexpr std::size_t rate = Rate;
};
using shake128_pair = pairing<qkdnq::shake128_x4, qkdnq::shake128, 168>;
using shake256_pair = pairing<qkdnq::shake256_x4, qkdnq::shake256, 136>;

}  // namespace

TEST_CASE("keccak_f1600_x4 names its implementation", "[hash][simd]") {
#if defined(QKDNQ_FORCE_SCALAR) && QKDNQ_FORCE_SCALAR
    CHECK(qkdnq::keccak_f1600_x4_implementation == "scalar");
#elif defined(__AVX2__)
    CHECK(qkdnq::keccak_f1600_x4_implementation == "avx2");
#elif defined(__SSE2__)
    CHECK(qkdnq::keccak_f1600_x4_implementation == "sse2");
#endif
    CHECK(!qkdnq::keccak_f1600_x4_implementation.empty());
}

TEST_CASE("keccak_f1600_x4: every implementation == 4x the scalar reference on the zero state", "[hash][simd]") {
    x4_state s{};
    check_all_implementations(s);
    // Twice over, through the selected path: still four copies of the single-state result.
    one_state one{};
    qkdnq::detail::keccak_f1600_scalar(one);
    qkdnq::detail::keccak_f1600_scalar(one);
    qkdnq::keccak_f1600_x4(s);
    qkdnq::keccak_f1600_x4(s);
    for (std::size_t i = 0; i < 25; ++i) {
        for (std::size_t j = 0; j < ways; ++j) CHECK(s[ways * i + j] == one[i]);
    }
}

TEST_CASE("keccak_f1600_x4: every implementation == reference on single-bit states", "[hash][simd]") {
    // Bit b of the 1600 set in instance b % 4, and bit 1599 - b in the instance after it: every bit
    // position in every instance over the loop.
    for (std::size_t b = 0; b < 1600; ++b) {
        x4_state s{};
        const std::size_t j = b % ways;
        s[ways * (b / 64) + j] ^= std::uint64_t{1} << (b % 64);
        const std::size_t c = 1599 - b;
        s[ways * (c / 64) + (j + 1) % ways] ^= std::uint64_t{1} << (c % 64);
        INFO("bit " << b);
        check_all_implementations(s);
    }
}

TEST_CASE("keccak_f1600_x4: every implementation == reference on random states", "[hash][simd][property]") {
    std::mt19937_64 rng(0x6b656363616b7834u);
    for (int k = 0; k < 300; ++k) check_all_implementations(random_x4(rng));
    // The same state in every instance, and three equal with one different.
    x4_state s = random_x4(rng);
    for (std::size_t i = 0; i < 25; ++i) {
        for (std::size_t j = 1; j < ways; ++j) s[ways * i + j] = s[ways * i];
    }
    check_all_implementations(s);
    s[ways * 24 + 2] ^= 1;
    check_all_implementations(s);
}

TEST_CASE("keccak_x4 lane transfers: every path == byte-by-byte reference for every lane range", "[hash][simd]") {
    std::mt19937_64 rng(0x7472616e73u);
    for (std::size_t first = 0; first < 25; ++first) {
        for (std::size_t count = 0; first + count <= 25; ++count) {
            const x4_state start = random_x4(rng);
            std::array<std::vector<std::uint8_t>, ways> bytes;
            for (auto& v : bytes) v = random_bytes(rng, 8 * count + 3);  // 3 bytes past the end, unread
            // Expected, byte by byte: state byte 8 * lane + k of instance j (FIPS 202 §B.1).
            x4_state xored = start;
            std::array<std::vector<std::uint8_t>, ways> extracted;
            for (std::size_t j = 0; j < ways; ++j) {
                extracted[j] = bytes[j];
                for (std::size_t b = 0; b < 8 * count; ++b) {
                    const std::size_t lane = ways * (first + b / 8) + j;
                    xored[lane] ^= std::uint64_t{bytes[j][b]} << (8 * (b % 8));
                    extracted[j][b] = static_cast<std::uint8_t>(start[lane] >> (8 * (b % 8)));
                }
            }
            for (const auto& t : transfers()) {
                INFO(t.name << ": lanes " << first << " + " << count);
                x4_state s = start;
                t.xor_lanes(s, first, count, {bytes[0].data(), bytes[1].data(), bytes[2].data(), bytes[3].data()});
                CHECK(s == xored);
                auto out = bytes;
                t.extract_lanes(start, first, count, {out[0].data(), out[1].data(), out[2].data(), out[3].data()});
                CHECK(out == extracted);
            }
        }
    }
}

TEMPLATE_TEST_CASE("shake_x4 == 4x single-lane SHAKE for every input length 0..600", "[hash][property]",
                   shake128_pair, shake256_pair) {
    using X4 = typename TestType::x4;
    using Single = typename TestType::single;
    STATIC_REQUIRE(X4::rate == TestType::rate);
    STATIC_REQUIRE(Single::rate == TestType::rate);
    constexpr std::size_t r = TestType::rate;
    const std::array<std::size_t, 14> out_sizes = {0, 1, 7, 8, 32, r - 1, r, r + 1, 2 * r, 2 * r + 5, 3 * r, 504, 600, 1000};
    std::mt19937_64 rng(1000 + X4::security_bits);
    for (std::size_t n = 0; n <= 600; ++n) {
        const messages in = random_messages(rng, n);
        const std::size_t out_size = out_sizes[n % out_sizes.size()];
        messages got = outputs_of(out_size);
        X4::hash(views(in), spans(got));
        INFO("input " << n << " bytes, output " << out_size);
        CHECK(got == single_outputs<Single>(in, out_size));
    }
}

TEMPLATE_TEST_CASE("shake_x4: inputs at the rate boundaries, long outputs", "[hash][property]", shake128_pair,
                   shake256_pair) {
    using X4 = typename TestType::x4;
    using Single = typename TestType::single;
    std::mt19937_64 rng(2000 + X4::security_bits);
    for (std::size_t n : std::initializer_list<std::size_t>{0, 1, 7, 8, 9, 33, 34, 135, 136, 137, 167, 168, 169, 271, 272, 273, 335, 336, 337, 600}) {
        const messages in = random_messages(rng, n);
        for (std::size_t out_size : std::initializer_list<std::size_t>{1, 135, 136, 137, 167, 168, 169, 504, 840, 2049}) {
            messages got = outputs_of(out_size);
            X4::hash(views(in), spans(got));
            INFO("input " << n << " bytes, output " << out_size);
            CHECK(got == single_outputs<Single>(in, out_size));
        }
    }
}

TEMPLATE_TEST_CASE("shake_x4: the output does not depend on how squeezes split it", "[hash][property]",
                   shake128_pair, shake256_pair) {
    using X4 = typename TestType::x4;
    using Single = typename TestType::single;
    std::mt19937_64 rng(3000 + X4::security_bits);
    const auto n = GENERATE(std::size_t{0}, std::size_t{34}, std::size_t{136}, std::size_t{168}, std::size_t{500});
    const std::size_t total = 1500;
    const messages in = random_messages(rng, n);
    const messages expected = single_outputs<Single>(in, total);
    for (int trial = 0; trial < 40; ++trial) {
        X4 x;
        x.absorb(views(in));
        messages got = outputs_of(total);
        // Chunks of 0..2 * rate bytes (zero-length squeezes included), whole blocks on some trials.
        std::uniform_int_distribution<std::size_t> size_of(0, 2 * X4::rate);
        for (std::size_t at = 0; at < total;) {
            std::size_t take = trial % 4 == 0 ? X4::rate : size_of(rng);
            take = std::min(take, total - at);
            x.squeeze(spans(got, at, take));
            at += take;
        }
        INFO("input " << n << " bytes, trial " << trial);
        CHECK(got == expected);
    }
}

TEST_CASE("shake128_x4: ML-KEM SampleNTT shape, 34-byte seeds squeezed 3 blocks then block by block",
          "[hash][property]") {
    // FIPS 203 Alg. 7: B = XOF(rho || j || i), squeezed 3 * 168 bytes, then 168 at a time.
    std::mt19937_64 rng(34);
    for (int trial = 0; trial < 20; ++trial) {
        const auto rho = random_bytes(rng, 32);
        messages seeds;
        for (std::size_t k = 0; k < ways; ++k) {
            seeds[k] = rho;
            seeds[k].push_back(static_cast<std::uint8_t>(k % 3));
            seeds[k].push_back(static_cast<std::uint8_t>(trial % 4));
        }
        const messages expected = single_outputs<qkdnq::shake128>(seeds, 5 * 168);
        qkdnq::shake128_x4 x;
        x.absorb(views(seeds));
        messages got = outputs_of(5 * 168);
        x.squeeze(spans(got, 0, 3 * 168));
        x.squeeze(spans(got, 3 * 168, 168));
        x.squeeze(spans(got, 4 * 168, 168));
        CHECK(got == expected);
    }
}

TEST_CASE("shake256_x4: ML-KEM PRF shape, 33-byte inputs to 128 and 192 bytes", "[hash][property]") {
    // FIPS 203 §4.1 Eq. 4.3: PRF_eta(s, b) = SHAKE256(s || b, 8 * 64 * eta), eta = 2 or 3.
    std::mt19937_64 rng(33);
    for (std::size_t eta : std::initializer_list<std::size_t>{2, 3}) {
        for (int trial = 0; trial < 20; ++trial) {
            const auto sigma = random_bytes(rng, 32);
            messages inputs;
            for (std::size_t k = 0; k < ways; ++k) {
                inputs[k] = sigma;
                inputs[k].push_back(static_cast<std::uint8_t>(4 * trial + static_cast<int>(k)));
            }
            messages got = outputs_of(64 * eta);
            qkdnq::shake256_x4::hash(views(inputs), spans(got));
            CHECK(got == single_outputs<qkdnq::shake256>(inputs, 64 * eta));
        }
    }
}

TEMPLATE_TEST_CASE("shake_x4: squeezing without absorbing hashes four empty messages", "[hash]", shake128_pair,
                   shake256_pair) {
    using X4 = typename TestType::x4;
    using Single = typename TestType::single;
    X4 x;
    messages got = outputs_of(300);
    x.squeeze(spans(got));
    CHECK(got == single_outputs<Single>(messages{}, 300));
}

TEMPLATE_TEST_CASE("shake_x4: a copy continues the streams, reset() starts over", "[hash]", shake128_pair,
                   shake256_pair) {
    using X4 = typename TestType::x4;
    using Single = typename TestType::single;
    std::mt19937_64 rng(4000 + X4::security_bits);
    const messages in = random_messages(rng, 50);
    const messages expected = single_outputs<Single>(in, 400);
    X4 x;
    x.absorb(views(in));
    messages got = outputs_of(400);
    x.squeeze(spans(got, 0, 100));
    X4 copy = x;
    copy.squeeze(spans(got, 100, 300));
    CHECK(got == expected);
    x.reset();
    const messages other = random_messages(rng, 7);
    x.absorb(views(other));
    messages again = outputs_of(200);
    x.squeeze(spans(again));
    CHECK(again == single_outputs<Single>(other, 200));
}

TEMPLATE_TEST_CASE("shake_x4: misuse throws", "[hash]", shake128_pair, shake256_pair) {
    using X4 = typename TestType::x4;
    std::mt19937_64 rng(5000 + X4::security_bits);
    const messages in = random_messages(rng, 34);

    SECTION("inputs of different lengths") {
        for (std::size_t j = 0; j < ways; ++j) {
            messages bad = in;
            bad[j].push_back(0);
            X4 x;
            CHECK_THROWS_AS(x.absorb(views(bad)), qkdnq::invalid_argument);
            messages out = outputs_of(32);
            CHECK_THROWS_AS(X4::hash(views(bad), spans(out)), qkdnq::invalid_argument);
            CHECK(out == outputs_of(32));
        }
    }
    SECTION("outputs of different lengths: nothing written") {
        for (std::size_t j = 0; j < ways; ++j) {
            messages out = outputs_of(32);
            out[j].resize(31, 0xA5);
            X4 x;
            x.absorb(views(in));
            CHECK_THROWS_AS(x.squeeze(spans(out)), qkdnq::invalid_argument);
            CHECK_THROWS_AS(X4::hash(views(in), spans(out)), qkdnq::invalid_argument);
            for (const auto& v : out) CHECK(std::all_of(v.begin(), v.end(), [](std::uint8_t b) { return b == 0xA5; }));
            // The failed squeeze did not disturb the stream.
            messages good = outputs_of(32);
            x.squeeze(spans(good));
            CHECK(good == single_outputs<typename TestType::single>(in, 32));
        }
    }
    SECTION("absorb twice, or after squeezing") {
        X4 x;
        x.absorb(views(in));
        CHECK_THROWS_AS(x.absorb(views(in)), qkdnq::invalid_state);
        messages out = outputs_of(32);
        x.squeeze(spans(out));
        CHECK_THROWS_AS(x.absorb(views(in)), qkdnq::invalid_state);
        X4 y;
        y.squeeze(spans(out));
        CHECK_THROWS_AS(y.absorb(views(in)), qkdnq::invalid_state);
        y.reset();
        CHECK_NOTHROW(y.absorb(views(in)));
    }
    SECTION("the message names the function and the argument") {
        messages bad = in;
        bad[2].pop_back();
        X4 x;
        try {
            x.absorb(views(bad));
            FAIL("no exception");
        } catch (const qkdnq::invalid_argument& e) {
            const std::string what = e.what();
            CHECK(what.find("_x4::absorb") != std::string::npos);
            CHECK(what.find("in[2]") != std::string::npos);
        }
    }
}
