// Cascade's public pass permutations (reconcile/permutation.hpp): the pinned seed-to-permutation
// mapping, bijection and apply() against source() for both kinds, word_transpose against its
// literal definition, the PEXT and transpose kernels against bit-by-bit references, and the
// co-location statistics of the two kinds.
//
// The known answers come from an independent Python implementation of the header comment (below;
// hashlib's SHAKE128 and SHA3-256, Python integers), not from this code. The xoshiro256** outputs
// for the state {1, 2, 3, 4} are the reference implementation's (prng.di.unimi.it), as pinned in
// rust-random/rngs rand_xoshiro's `xoshiro256starstar.rs` test.
//
//   import hashlib, struct
//   M = (1 << 64) - 1
//   def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
//   class Rng:
//       def __init__(self, seed, pas, kind):
//           xof = hashlib.shake_128(b"qkdnq cascade permutation" + struct.pack("<QIB", seed, pas, kind))
//           i = 0
//           while True:
//               self.s = list(struct.unpack("<4Q", xof.digest(32 * (i + 1))[32 * i:])); i += 1
//               if any(self.s): break
//       def next(self):
//           s = self.s
//           r = (rotl((s[1] * 5) & M, 7) * 9) & M
//           t = (s[1] << 17) & M
//           s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45)
//           return r
//       def bounded(self, b):
//           m = self.next() * b; l = m & M
//           if l < b:
//               t = ((1 << 64) - b) % b
//               while l < t: m = self.next() * b; l = m & M
//           return m >> 64
//   def fy(m, rng):
//       a = list(range(m))
//       for i in range(m - 1, 0, -1):
//           j = rng.bounded(i + 1); a[i], a[j] = a[j], a[i]
//       return a
//   def source(n, seed, pas, kind):
//       rng = Rng(seed, pas, kind)
//       if kind == 1: return fy(n, rng)
//       W = 64 * ((n + 4095) // 4096)
//       rho0 = [rng.bounded(64) for _ in range(W)]
//       s1 = fy(W, rng); s2 = fy(W, rng); rho = [rng.bounded(64) for _ in range(W)]
//       def p(q):
//           w, b = divmod(q, 64); c = (b + rho0[w]) % 64; g, r = divmod(s1[w], 64); u = s2[64 * g + c]
//           return 64 * u + (r + rho[u]) % 64
//       return sorted(range(n), key=p)
//   def digest(src): return hashlib.sha3_256(b"".join(struct.pack("<I", x) for x in src)).hexdigest()
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/reconcile/permutation.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace {

using qkdnq::bit_vector;
using qkdnq::reconcile::pass_permutation;
using qkdnq::reconcile::shuffle_kind;
namespace detail = qkdnq::reconcile::detail;

constexpr std::uint64_t kat_seed = 0x0123'4567'89ab'cdefu;

// A deterministic generator for the tests (std::mt19937_64 under the generator concept).
struct test_rng {
    std::mt19937_64 engine;
    explicit test_rng(std::uint64_t seed) : engine(seed) {}
    void fill(std::span<std::uint8_t> out) {
        for (auto& b : out) b = static_cast<std::uint8_t>(engine());
    }
};

const char* kind_name(shuffle_kind kind) { return kind == shuffle_kind::uniform ? "uniform" : "word_transpose"; }

std::vector<std::size_t> all_sources(const pass_permutation& p) {
    std::vector<std::size_t> src(p.size());
    for (std::size_t j = 0; j < p.size(); ++j) src[j] = p.source(j);
    return src;
}

// SHA3-256 over le32(source(0)) || le32(source(1)) || ..., as hex.
std::string source_digest(const pass_permutation& p) {
    qkdnq::sha3_256 h;
    for (std::size_t j = 0; j < p.size(); ++j) {
        std::array<std::uint8_t, 4> le{};
        qkdnq::store_le32(le.data(), static_cast<std::uint32_t>(p.source(j)));
        h.update(le);
    }
    return qkdnq::to_hex(h.final());
}

// PEXT bit by bit.
std::uint64_t pext_reference(std::uint64_t x, std::uint64_t mask) {
    std::uint64_t out = 0;
    unsigned k = 0;
    for (unsigned i = 0; i < 64; ++i) {
        if ((mask >> i) & 1u) out |= ((x >> i) & 1u) << k++;
    }
    return out;
}

// The view positions of word_transpose, step by step from the header comment's definition: the
// padded position p(q) of every key position q < n, then its rank among them.
std::vector<std::size_t> word_transpose_positions_reference(std::size_t n, std::uint64_t seed, std::uint32_t pass) {
    detail::permutation_rng rng(seed, pass, shuffle_kind::word_transpose);
    const std::size_t words = 64 * ((n + 4095) / 4096);
    std::vector<std::uint64_t> rho0(words);
    for (auto& r : rho0) r = rng.below(64);
    const auto sigma1 = detail::fisher_yates(words, rng);
    const auto sigma2 = detail::fisher_yates(words, rng);
    std::vector<std::uint64_t> rho(words);
    for (auto& r : rho) r = rng.below(64);
    std::vector<std::uint64_t> padded(n);
    for (std::size_t q = 0; q < n; ++q) {
        const std::size_t w = q / 64, b = q % 64;
        const std::size_t c = (b + rho0[w]) % 64;  // key word w rotated left by ρ0[w]
        const std::size_t w1 = sigma1[w];
        const std::size_t g = w1 / 64, r = w1 % 64;
        const std::size_t u = sigma2[64 * g + c];
        padded[q] = 64 * u + (r + rho[u]) % 64;
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return padded[a] < padded[b]; });
    std::vector<std::size_t> position(n);
    for (std::size_t j = 0; j < n; ++j) position[order[j]] = j;
    return position;
}

// Over `trials` seeds, how often the key positions pick(rng) = (a, b) share an aligned block of k
// view positions. One pair per permutation, so the trials are independent (binomial).
template <class Pick>
std::size_t colocation_hits(shuffle_kind kind, std::size_t n, std::size_t k, std::size_t trials, Pick pick) {
    std::mt19937_64 rng(0xc01'0ca7e + n + k);
    std::size_t hits = 0;
    for (std::size_t t = 0; t < trials; ++t) {
        const pass_permutation p(n, 0x5eed'0000u + t, 3, kind);
        const auto [a, b] = pick(rng);
        if (p.position_of(a) / k == p.position_of(b) / k) ++hits;
    }
    return hits;
}

// |hits - T p| within 4 binomial standard deviations.
void check_binomial(std::size_t hits, std::size_t trials, double p) {
    const double mean = static_cast<double>(trials) * p;
    const double sd = std::sqrt(mean * (1 - p));
    INFO("hits " << hits << " of " << trials << ", expected " << mean << " +- " << 4 * sd << " (4 sd)");
    CHECK(std::abs(static_cast<double>(hits) - mean) <= 4 * sd);
}

}  // namespace

TEST_CASE("permutation: xoshiro256** matches the reference outputs for state {1, 2, 3, 4}", "[reconcile][kat]") {
    auto rng = detail::permutation_rng::from_state({1, 2, 3, 4});
    const std::array<std::uint64_t, 10> expected{11520u,
                                                 0u,
                                                 1509978240u,
                                                 1215971899390074240u,
                                                 1216172134540287360u,
                                                 607988272756665600u,
                                                 16172922978634559625u,
                                                 8476171486693032832u,
                                                 10595114339597558777u,
                                                 2904607092377533576u};
    for (const auto e : expected) CHECK(rng.next() == e);
}

TEST_CASE("permutation: the SHAKE128 seeding and the bounded draws are pinned", "[reconcile][kat]") {
    SECTION("generator outputs") {
        detail::permutation_rng a(0, 0, shuffle_kind::uniform);
        CHECK(a.next() == 0x295b949b9fc0d971u);
        CHECK(a.next() == 0xc58e6c1b19fbd2edu);
        CHECK(a.next() == 0x58752f525fb6c3ecu);
        CHECK(a.next() == 0xef34c6cb6605def7u);
        detail::permutation_rng b(kat_seed, 7, shuffle_kind::word_transpose);
        CHECK(b.next() == 0x58ad7fc78f4cce6fu);
        CHECK(b.next() == 0x3e7161a263fb8bbau);
        CHECK(b.next() == 0x392a243e2d4d78bau);
        CHECK(b.next() == 0x41f87ea600ca7527u);
    }
    SECTION("Lemire draws, including bounds that reject half the outputs") {
        detail::permutation_rng rng(kat_seed, 7, shuffle_kind::word_transpose);
        const std::array<std::uint64_t, 8> bounds{1, 2, 3, 10, 64, 1000, (std::uint64_t{1} << 63) + 1, ~std::uint64_t{0}};
        const std::array<std::uint64_t, 8> expected{0, 0, 0, 2, 27, 222, 9062657207742965936u, 1761071175464612831u};
        for (std::size_t i = 0; i < bounds.size(); ++i) CHECK(rng.below(bounds[i]) == expected[i]);
    }
}

TEST_CASE("permutation: known answers for both kinds", "[reconcile][kat]") {
    struct kat {
        shuffle_kind kind;
        std::size_t n;
        std::array<std::size_t, 8> first;
        const char* digest;
    };
    const std::array<kat, 4> kats{{
        {shuffle_kind::uniform, 10000, {3765, 4414, 7744, 886, 1297, 6597, 692, 1347},
         "0faf660452a24aa96e8676fc3c479ca99b5d3e7ba4ff0e49b40262fe9600c545"},
        {shuffle_kind::uniform, 100000, {10004, 13372, 25513, 38638, 8181, 36245, 63483, 92129},
         "0058074949623b3547b277915888b5936856883251c4137474002c46a799cf9c"},
        {shuffle_kind::word_transpose, 10000, {1494, 7967, 9890, 5296, 7, 4298, 1945, 2944},
         "2851d5824c09412b0ab5e0f640ea86fe2393f1cdb76c52cc5b0bbc99a3bae683"},
        {shuffle_kind::word_transpose, 100000, {83780, 79974, 48264, 65208, 15784, 57940, 14147, 92152},
         "765226c3b7915418a6f5a2b4c1f96fc9a595b610169fb1bfe2f92465b8457b08"},
    }};
    for (const auto& k : kats) {
        INFO(kind_name(k.kind) << ", n = " << k.n << ", seed 0x0123456789abcdef, pass 2");
        const pass_permutation p(k.n, kat_seed, 2, k.kind);
        for (std::size_t j = 0; j < k.first.size(); ++j) CHECK(p.source(j) == k.first[j]);
        CHECK(source_digest(p) == k.digest);
    }
    // n = 1: the only permutation (its digest is SHA3-256 of four zero bytes).
    for (const auto kind : {shuffle_kind::uniform, shuffle_kind::word_transpose}) {
        const pass_permutation p(1, kat_seed, 2, kind);
        CHECK(p.source(0) == 0);
        CHECK(p.position_of(0) == 0);
        CHECK(source_digest(p) == "8b0a2385d83c8bf7be27e59996f7d881d3bf1fc6606f81ce600b753ad94192a2");
    }
}

TEST_CASE("permutation: a bijection whose position_of inverts source", "[reconcile][property]") {
    const auto kind = GENERATE(shuffle_kind::uniform, shuffle_kind::word_transpose);
    const std::size_t n = GENERATE(as<std::size_t>{}, 1, 2, 63, 64, 65, 4095, 4096, 4097, 10000, 100000);
    const std::uint64_t seed = GENERATE(as<std::uint64_t>{}, 0, 0xfeed'beefu);
    INFO(kind_name(kind) << ", n = " << n << ", seed " << seed);
    const pass_permutation p(n, seed, 5, kind);
    REQUIRE(p.size() == n);
    REQUIRE(p.kind() == kind);
    std::vector<char> seen(n, 0);
    std::size_t bad_range = 0, repeated = 0, not_inverse = 0;
    for (std::size_t j = 0; j < n; ++j) {
        const std::size_t s = p.source(j);
        if (s >= n) {
            ++bad_range;
            continue;
        }
        if (seen[s]++ != 0) ++repeated;
        if (p.position_of(s) != j) ++not_inverse;
    }
    CHECK(bad_range == 0);
    CHECK(repeated == 0);
    CHECK(not_inverse == 0);
    CHECK(std::count(seen.begin(), seen.end(), char{1}) == static_cast<std::ptrdiff_t>(n));  // every position once
}

TEST_CASE("permutation: apply agrees with source bit by bit", "[reconcile][property]") {
    const auto kind = GENERATE(shuffle_kind::uniform, shuffle_kind::word_transpose);
    const std::size_t n = GENERATE(as<std::size_t>{}, 1, 2, 63, 64, 65, 127, 4095, 4096, 4097, 10000, 100000);
    INFO(kind_name(kind) << ", n = " << n);
    test_rng rng(0xa991'0000u + n);
    const pass_permutation p(n, 0x1234u + n, 9, kind);
    const auto key = bit_vector::random(n, rng);
    bit_vector view = bit_vector::random(n + 100, rng);  // wrong size and junk: apply resizes and overwrites
    p.apply(key, view);
    REQUIRE(view.size() == n);
    std::size_t mismatches = 0;
    for (std::size_t j = 0; j < n; ++j) mismatches += view[j] != key[p.source(j)];
    CHECK(mismatches == 0);
    // The unused high bits of the last word stay zero (bit_vector's invariant).
    if (n % 64 != 0) CHECK((view.words().back() >> (n % 64)) == 0);
    // Single bits move where position_of says.
    for (const std::size_t i : {std::size_t{0}, n / 3, n - 1}) {
        bit_vector one(n);
        one.set(i);
        p.apply(one, view);
        CHECK(view.popcount() == 1);
        CHECK(view[p.position_of(i)]);
    }
    // In place: key and view the same object.
    bit_vector in_place = key;
    p.apply(in_place, in_place);
    p.apply(key, view);
    CHECK(in_place == view);
}

TEST_CASE("permutation: word_transpose follows its definition step by step", "[reconcile][property]") {
    const std::size_t n = GENERATE(as<std::size_t>{}, 1, 63, 64, 4097, 10000, 12288, 70001);
    const std::uint32_t pass = GENERATE(as<std::uint32_t>{}, 1, 4);
    INFO("n = " << n << ", pass " << pass);
    const pass_permutation p(n, 77, pass, shuffle_kind::word_transpose);
    const auto expected = word_transpose_positions_reference(n, 77, pass);
    std::size_t mismatches = 0;
    for (std::size_t q = 0; q < n; ++q) mismatches += p.position_of(q) != expected[q];
    CHECK(mismatches == 0);
}

TEST_CASE("permutation: seeds, passes and kinds give different permutations", "[reconcile][property]") {
    const std::size_t n = GENERATE(as<std::size_t>{}, 1000, 10000);
    INFO("n = " << n);
    for (const auto kind : {shuffle_kind::uniform, shuffle_kind::word_transpose}) {
        INFO(kind_name(kind));
        const auto base = all_sources(pass_permutation(n, 42, 2, kind));
        const auto same = all_sources(pass_permutation(n, 42, 2, kind));
        CHECK(base == same);  // deterministic
        std::vector<std::size_t> identity(n);
        std::iota(identity.begin(), identity.end(), std::size_t{0});
        for (const auto& other : {all_sources(pass_permutation(n, 43, 2, kind)), all_sources(pass_permutation(n, 42, 3, kind)),
                                  all_sources(pass_permutation(n, 42 + (std::uint64_t{1} << 63), 2, kind)),
                                  all_sources(pass_permutation(n, 42, 2 + (1u << 31), kind)), identity}) {
            std::size_t agree = 0;
            for (std::size_t j = 0; j < n; ++j) agree += base[j] == other[j];
            CHECK(agree < n / 50);  // about 1 expected for independent uniform permutations
        }
    }
    const auto u = all_sources(pass_permutation(n, 42, 2, shuffle_kind::uniform));
    const auto w = all_sources(pass_permutation(n, 42, 2, shuffle_kind::word_transpose));
    CHECK(u != w);
}

TEST_CASE("permutation: word_transpose spreads the bits of one key word over 64 view words", "[reconcile][property]") {
    // With n a multiple of 4096 there is no padding and view word = padded word u; the 64 bits of a
    // key word sit in 64 different columns c = (b + ρ0[w]) mod 64, so in 64 different transposed
    // words v, so in 64 different words u = σ2[v].
    const std::size_t n = GENERATE(as<std::size_t>{}, 4096, 8192, 65536);
    std::size_t shared = 0;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        const pass_permutation p(n, seed, 2, shuffle_kind::word_transpose);
        for (std::size_t w = 0; w < n / 64; ++w) {
            std::array<std::size_t, 64> view_words{};
            for (std::size_t b = 0; b < 64; ++b) view_words[b] = p.position_of(64 * w + b) / 64;
            std::sort(view_words.begin(), view_words.end());
            shared += static_cast<std::size_t>(std::adjacent_find(view_words.begin(), view_words.end()) != view_words.end());
        }
    }
    INFO("n = " << n);
    CHECK(shared == 0);
    // The uniform kind does not have the property: some key word has two bits in one view word.
    const pass_permutation p(4096, 0, 2, shuffle_kind::uniform);
    std::size_t uniform_shared = 0;
    for (std::size_t w = 0; w < 64; ++w) {
        std::array<std::size_t, 64> view_words{};
        for (std::size_t b = 0; b < 64; ++b) view_words[b] = p.position_of(64 * w + b) / 64;
        std::sort(view_words.begin(), view_words.end());
        const bool repeats = std::adjacent_find(view_words.begin(), view_words.end()) != view_words.end();
        uniform_shared += static_cast<std::size_t>(repeats);
    }
    CHECK(uniform_shared > 0);
}

TEST_CASE("permutation: co-location of two bits in one aligned view block", "[reconcile][property][statistics]") {
    // Over T independent seeds, count how often two key bits share a block [ik, (i+1)k) of the view
    // and compare with the exact probability, within 4 binomial standard deviations. 10^5 trials
    // tell word_transpose's distance-1 rate from the uniform one by about 8 sd.
    constexpr std::size_t trials = 100000;
    const auto random_pair = [](std::size_t n) {
        return [n](std::mt19937_64& rng) {
            const std::size_t a = rng() % n;
            std::size_t b = rng() % (n - 1);
            if (b >= a) ++b;
            return std::pair<std::size_t, std::size_t>{a, b};
        };
    };
    const auto pair_at_distance = [](std::size_t n, std::size_t d) {
        return [n, d](std::mt19937_64& rng) {
            const std::size_t a = rng() % (n - d);
            return std::pair<std::size_t, std::size_t>{a, a + d};
        };
    };
    SECTION("uniform, n = 4096, k = 64, distance 1: (k-1)/(n-1)") {
        const std::size_t n = 4096, k = 64, uniform_trials = 20000;
        check_binomial(colocation_hits(shuffle_kind::uniform, n, k, uniform_trials, pair_at_distance(n, 1)), uniform_trials,
                       63.0 / 4095.0);
    }
    // word_transpose, n = 32768 (W = 512 words, 8 groups), blocks of k = 256 (4 words).
    const std::size_t n = 32768, k = 256;
    const double words = 512, c = 4;
    SECTION("word_transpose, random pairs: (k-1)/(n-1), as uniform") {
        check_binomial(colocation_hits(shuffle_kind::word_transpose, n, k, trials, random_pair(n)), trials, 255.0 / 32767.0);
    }
    // Two bits of different key words share a transposed word v (same group: 63/(W-1); same column
    // (b + ρ0[w]) mod 64: 1/64) with chance 63/(n-64), and otherwise land in a uniformly random pair
    // of distinct words u.
    const double same_v = 63.0 / (static_cast<double>(n) - 64);
    const double diff_words = same_v + (1 - same_v) * (c - 1) / (words - 1);
    SECTION("word_transpose, distance 1: mostly one key word, (k/64-1)/(W-1), below uniform") {
        // a is uniform on [0, n-1); the pair spans two key words exactly when a % 64 == 63, and
        // otherwise its bits lie in different columns of one word, so in different words v and then
        // in a uniformly random pair of distinct words u.
        double across = 0;
        for (std::size_t a = 0; a < n - 1; ++a) across += static_cast<double>(a % 64 == 63);
        across /= static_cast<double>(n - 1);
        check_binomial(colocation_hits(shuffle_kind::word_transpose, n, k, trials, pair_at_distance(n, 1)), trials,
                       (1 - across) * (c - 1) / (words - 1) + across * diff_words);
    }
    SECTION("word_transpose, distance 64 (same column b): as two different words, near uniform") {
        // (k-1 - 63 (k/64-1)/(W-1)) / (n-64) = 0.0077858, against the uniform kind's (k-1)/(n-1) =
        // 0.0077822. Without ρ0 it was 63/(W-1) + ... = 0.128.
        check_binomial(colocation_hits(shuffle_kind::word_transpose, n, k, trials, pair_at_distance(n, 64)), trials,
                       diff_words);
    }
    SECTION("word_transpose, distance 64 and 64 * 37, k = 64 (one view word): 63/(n-64), as uniform") {
        // The uniform kind's 63/(n-1) but for the denominator; without ρ0, 63/(W-1), 64 times more.
        for (const std::size_t d : {std::size_t{64}, std::size_t{64 * 37}}) {
            INFO("distance " << d);
            check_binomial(colocation_hits(shuffle_kind::word_transpose, n, 64, trials, pair_at_distance(n, d)), trials,
                           same_v);
        }
    }
    SECTION("word_transpose with padding, n = 10000, k = 64, random pairs: near the uniform kind's") {
        // No closed form with padding; the uniform kind's probability, sum over blocks of
        // s(s-1) / (n(n-1)), 156 blocks of 64 and one of 16.
        const double m = 10000;
        const double p_uniform = (156.0 * 64 * 63 + 16.0 * 15) / (m * (m - 1));
        check_binomial(colocation_hits(shuffle_kind::word_transpose, 10000, 64, trials, random_pair(10000)), trials,
                       p_uniform);
    }
}

TEST_CASE("permutation: PEXT and bit select, BMI2 and portable, against a bit loop", "[reconcile][simd]") {
    INFO("compaction path: " << (qkdnq::reconcile::has_bmi2 ? "BMI2 PEXT" : "portable"));
    std::mt19937_64 rng(0x9e37'79b9u);
    std::vector<std::uint64_t> masks{0, ~std::uint64_t{0}};
    for (unsigned i = 0; i < 64; ++i) {
        masks.push_back(std::uint64_t{1} << i);
        masks.push_back(~(std::uint64_t{1} << i));
        masks.push_back((std::uint64_t{1} << i) - 1);    // low bits
        masks.push_back(~((std::uint64_t{1} << i) - 1));  // high bits
        masks.push_back(~((std::uint64_t{1} << i) | (std::uint64_t{1} << ((i * 37 + 5) % 64))));  // two holes
    }
    for (int i = 0; i < 2000; ++i) {
        const std::uint64_t a = rng(), b = rng(), c = rng();
        masks.push_back(a);                // half the bits
        masks.push_back(a & b & c);        // sparse
        masks.push_back(a | b | c);        // dense
        masks.push_back(~(a & b & c & rng()));  // very dense, around 60 bits
    }
    std::size_t bad_native = 0, bad_portable = 0, bad_select = 0, bad_select_portable = 0;
    for (const auto mask : masks) {
        for (const std::uint64_t x : {std::uint64_t{0}, ~std::uint64_t{0}, rng(), rng()}) {
            const auto expected = pext_reference(x, mask);
            bad_native += detail::pext_u64(x, mask) != expected;
            bad_portable += detail::pext_u64_portable(x, mask) != expected;
        }
        // select_bit (PDEP or a loop): the t-th set bit, counting from 0.
        unsigned t = 0;
        for (unsigned i = 0; i < 64; ++i) {
            if (((mask >> i) & 1u) == 0) continue;
            bad_select += detail::select_bit(mask, t) != i;
            bad_select_portable += detail::select_bit_portable(mask, t) != i;
            ++t;
        }
    }
    CHECK(bad_native == 0);
    CHECK(bad_portable == 0);
    CHECK(bad_select == 0);
    CHECK(bad_select_portable == 0);
    STATIC_REQUIRE(detail::pext_u64_portable(0xF0F0, 0xFF00) == 0xF0);
    STATIC_REQUIRE(detail::select_bit_portable(0xF0F0, 4) == 12);
}

TEST_CASE("permutation: the 64x64 transpose against a bit loop", "[reconcile][simd]") {
    std::mt19937_64 rng(0x7a5e);
    for (int trial = 0; trial < 64 * 64 + 20; ++trial) {
        std::array<std::uint64_t, 64> a{};
        if (trial < 64 * 64) {
            a[static_cast<std::size_t>(trial / 64)] = std::uint64_t{1} << (trial % 64);  // each single bit
        } else {
            for (auto& w : a) w = rng();
        }
        std::array<std::uint64_t, 64> expected{};
        for (std::size_t r = 0; r < 64; ++r) {
            for (std::size_t c = 0; c < 64; ++c) expected[c] |= ((a[r] >> c) & 1u) << r;
        }
        detail::transpose_64x64(a.data());
        REQUIRE(a == expected);
    }
}

TEST_CASE("permutation: argument checks and the empty permutation", "[reconcile]") {
    CHECK_THROWS_AS(pass_permutation(0, 1, 1, shuffle_kind::uniform), qkdnq::invalid_argument);
    CHECK_THROWS_AS(pass_permutation(0, 1, 1, shuffle_kind::word_transpose), qkdnq::invalid_argument);
    const auto too_big = static_cast<std::size_t>(pass_permutation::max_size + 1);
    CHECK_THROWS_WITH(pass_permutation(too_big, 1, 1, shuffle_kind::uniform), Catch::Contains("'n'"));
    CHECK_THROWS_AS(pass_permutation(too_big, 1, 1, shuffle_kind::word_transpose), qkdnq::invalid_argument);
    CHECK_THROWS_AS(pass_permutation(10, 1, 1, static_cast<shuffle_kind>(0)), qkdnq::invalid_argument);
    CHECK_THROWS_WITH(pass_permutation(10, 1, 1, static_cast<shuffle_kind>(3)), Catch::Contains("'kind'"));

    for (const auto kind : {shuffle_kind::uniform, shuffle_kind::word_transpose}) {
        const pass_permutation p(100, 1, 1, kind);
        bit_vector view(7);
        view.set(3);
        const bit_vector before = view;
        CHECK_THROWS_WITH(p.apply(bit_vector(99), view), Catch::Contains("99 bits") && Catch::Contains("expected 100"));
        CHECK(view == before);  // unchanged on error
        CHECK_THROWS_AS(p.source(100), qkdnq::invalid_argument);
    }

    const pass_permutation empty;
    CHECK(empty.size() == 0);
    bit_vector view(5);
    empty.apply(bit_vector(), view);
    CHECK(view.size() == 0);
    CHECK_THROWS_AS(empty.apply(bit_vector(1), view), qkdnq::invalid_argument);
    CHECK_THROWS_AS(empty.source(0), qkdnq::invalid_argument);
}
