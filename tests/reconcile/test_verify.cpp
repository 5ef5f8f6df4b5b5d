// Error verification after reconciliation (reconcile/verify.hpp): equal keys match; any single
// flipped key bit or message bit is a mismatch or a parse error; tag lengths worked by hand;
// truncated, extended and altered messages get their precise status; known answers from an
// independent Python model of the format (hashlib.shake_256 for the generator, a bitwise
// GF(2^128) product for the hash); and the collision rate of a deliberately short tag.
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/verify.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <vector>

namespace {

using qkdnq::bit_vector;
using qkdnq::shake_drbg;
using sizes = std::initializer_list<std::size_t>;
using qkdnq::reconcile::verification_outcome;
using qkdnq::reconcile::verification_parameters;
using qkdnq::reconcile::verify_status;
namespace rd = qkdnq::reconcile::detail;

bit_vector random_key(std::uint64_t seed, std::size_t n) {
    shake_drbg rng(seed);
    return bit_vector::random(n, rng);
}

verify_status check(const bit_vector& key, qkdnq::bytes_view message, double epsilon = 1e-12) {
    return qkdnq::reconcile::check_verification_message(key, message, {.epsilon_cor = epsilon}).status;
}

}  // namespace

TEST_CASE("verify: tag lengths worked by hand", "[reconcile]") {
    using qkdnq::reconcile::verification_hash_blocks;
    using qkdnq::reconcile::verification_tag_bits;
    // The hashed input is the key's bytes, the 11-byte header and the 16-byte hash key: M = ceil(n/8)
    // + 27 bytes, L = ceil(M / 16) + 1 blocks (length block included), t = ceil(log2(L / ε)).
    // n = 10^6: M = 125027, L = 7815 + 1 = 7816; 7816 / 2^52 = 1.7e-12 > 1e-12 >= 7816 / 2^53 = 8.7e-13.
    CHECK(verification_hash_blocks(1'000'000) == 7816);
    CHECK(verification_tag_bits(1'000'000, 1e-12) == 53);
    CHECK(verification_tag_bits(1'000'000, 1e-12) == static_cast<std::size_t>(std::ceil(std::log2(7816 / 1e-12))));
    // n = 10^8, ε = 1e-10: M = 12500027, L = 781252 + 1 = 781253, log2(L / ε) = 52.8: t = 53.
    CHECK(verification_hash_blocks(100'000'000) == 781253);
    CHECK(verification_tag_bits(100'000'000, 1e-10) == 53);
    // n = 1000, ε = 1e-9: M = 152, L = 10 + 1 = 11, log2(1.1e10) = 33.4: t = 34.
    CHECK(verification_hash_blocks(1000) == 11);
    CHECK(verification_tag_bits(1000, 1e-9) == 34);
    // n = 13: M = 29, L = 3; 3 / 2^41 = 1.4e-12 > 1e-12 >= 3 / 2^42: t = 42.
    CHECK(verification_hash_blocks(13) == 3);
    CHECK(verification_tag_bits(13, 1e-12) == 42);
    // Exact boundaries (L = 3 for n <= 40): ε = 3/8 gives t = 3, a hair less gives 4; ε = 2^-10
    // needs 3 / 2^t <= 2^-10, t = 12.
    CHECK(verification_hash_blocks(0) == 3);
    CHECK(verification_hash_blocks(40) == 3);
    CHECK(verification_hash_blocks(41) == 4);
    CHECK(verification_tag_bits(0, 0.375) == 3);
    CHECK(verification_tag_bits(0, std::nextafter(0.375, 0.0)) == 4);
    CHECK(verification_tag_bits(0, 0.5) == 3);
    CHECK(verification_tag_bits(8, 0x1p-10) == 12);
    // ε = 1e-30 at n = 10^6: log2(7816e30) = 112.6: t = 113; 1e-40 would need 146 bits.
    CHECK(verification_tag_bits(1'000'000, 1e-30) == 113);
    // L = 3 reaches ε = 3 / 2^128 with all 128 bits, and nothing below it.
    CHECK(verification_tag_bits(0, 0x3p-128) == 128);
    CHECK_THROWS_AS(verification_tag_bits(0, std::nextafter(0x3p-128, 0.0)), qkdnq::invalid_argument);
    CHECK_THROWS_AS(verification_tag_bits(1'000'000, 1e-40), qkdnq::invalid_argument);
    // A key too long for the hash's length block is a programmer error, not an overflow.
    CHECK_THROWS_AS(verification_hash_blocks(std::numeric_limits<std::size_t>::max()), qkdnq::invalid_argument);
    for (const double bad : {0.0, 1.0, -1e-12, 2.0, std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity()}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(verification_tag_bits(1000, bad), qkdnq::invalid_argument);
    }
    // The bound at the chosen t is met, one bit less is not.
    for (const std::size_t n : sizes{1, 100, 4096, 1'000'003}) {
        for (const double eps : {1e-3, 1e-9, 1e-12, 1e-20}) {
            const std::size_t t = verification_tag_bits(n, eps);
            CAPTURE(n, eps, t);
            CHECK(qkdnq::reconcile::verification_collision_bound(n, t) <= eps);
            CHECK(qkdnq::reconcile::verification_collision_bound(n, t - 1) > eps);
        }
    }
}

TEST_CASE("verify: equal keys match, with the tag length and leak reported", "[reconcile]") {
    shake_drbg rng(1);
    for (const std::size_t n : sizes{0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 1000, 4095 * 8 + 3, 4096 * 8, 4097 * 8 + 5, 100'003}) {
        for (const double eps : {0.25, 1e-6, 1e-12, 1e-25}) {
            CAPTURE(n, eps);
            const bit_vector key = random_key(n, n);
            const auto message = qkdnq::reconcile::make_verification_message(key, {.epsilon_cor = eps}, rng);
            const std::size_t t = qkdnq::reconcile::verification_tag_bits(n, eps);
            REQUIRE(message.size() == qkdnq::reconcile::verification_message_bytes(t));
            CHECK(message[0] == 1);
            CHECK(message[1] == 1);
            CHECK(std::size_t{message[2]} == t);
            CHECK(qkdnq::load_le64(message.data() + 3) == n);
            if (t % 8 != 0) CHECK((message.back() >> (t % 8)) == 0);  // canonical padding
            const bit_vector copy = key;
            const verification_outcome got = qkdnq::reconcile::check_verification_message(copy, message, {.epsilon_cor = eps});
            CHECK(got.status == verify_status::match);
            CHECK(got.ok());
            CHECK(got.tag_bits == t);
            CHECK(got.leak_bits() == t);
        }
    }
}

TEST_CASE("verify: known answers from an independent model of the format", "[reconcile][kat]") {
    // From a Python model of the documented format, written apart from this code (hashlib.shake_256 for
    // shake_drbg, a bitwise GF(2^128) product for h_k): key = the first n bits of shake_drbg(seed),
    // hash key = the first 16 bytes of shake_drbg(seed'), message = header || k || tag, tag = the
    // first t bits of h_k(key bytes || header || k).
    {
        const bit_vector key = random_key(9, 13);
        CHECK(qkdnq::to_hex(key.to_bytes()) == "0b12");
        shake_drbg hash_key_rng(10);
        const auto message = qkdnq::reconcile::make_verification_message(key, {.epsilon_cor = 1e-12}, hash_key_rng);
        CHECK(qkdnq::to_hex(message) == "01012a0d000000000000004664565933e2368e7410fdbf88ab3ced0e5490665103");
    }
    {
        const bit_vector key = random_key(11, 1000);
        shake_drbg hash_key_rng(12);
        const auto message = qkdnq::reconcile::make_verification_message(key, {.epsilon_cor = 1e-9}, hash_key_rng);
        CHECK(qkdnq::to_hex(message) == "010122e80300000000000032bb1318814d09f93219ecb9a662e7e4a2945a5701");
    }
}

TEST_CASE("verify: any single flipped key bit is a mismatch", "[reconcile][property]") {
    shake_drbg rng(2);
    for (const std::size_t n : sizes{1, 5, 13, 64, 1001, 8 * 4096 + 3, 200'003}) {
        const bit_vector key = random_key(100 + n, n);
        const auto message = qkdnq::reconcile::make_verification_message(key, {}, rng);
        std::vector<std::size_t> positions{0, n - 1, n / 2};
        if (n <= 64) {
            for (std::size_t i = 0; i < n; ++i) positions.push_back(i);
        } else {
            for (int i = 0; i < 40; ++i) positions.push_back(static_cast<std::size_t>(qkdnq::random_below(rng, n)));
        }
        for (const std::size_t i : positions) {
            bit_vector bad = key;
            bad.flip(i);
            CAPTURE(n, i);
            CHECK(check(bad, message) == verify_status::mismatch);
        }
        CHECK(check(key, message) == verify_status::match);
    }
}

TEST_CASE("verify: any single flipped message bit is a mismatch or a parse error, with the precise status",
          "[reconcile][property]") {
    shake_drbg rng(3);
    const std::size_t n = 21;  // not a multiple of 8
    const bit_vector key = random_key(4, n);
    const auto message = qkdnq::reconcile::make_verification_message(key, {}, rng);
    const std::size_t t = message[2];
    REQUIRE(t == qkdnq::reconcile::verification_tag_bits(n, 1e-12));
    REQUIRE(t % 8 != 0);  // so the padding bits are exercised
    for (std::size_t bit = 0; bit < 8 * message.size(); ++bit) {
        auto bad = message;
        bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        const std::size_t byte = bit / 8;
        const verify_status got = check(key, bad);
        CAPTURE(bit, qkdnq::reconcile::to_string(got));
        REQUIRE(got != verify_status::match);
        if (byte == 0) {
            CHECK(got == verify_status::unsupported_version);
        } else if (byte == 1) {
            CHECK(got == verify_status::unknown_kind);
        } else if (byte == 2) {
            const std::size_t t2 = bad[2];
            const verify_status expected = t2 == 0 || t2 > 128 ? verify_status::malformed
                                           : t2 < t            ? verify_status::tag_too_short
                                           : (t2 + 7) / 8 > (t + 7) / 8 ? verify_status::truncated
                                                                        : verify_status::mismatch;  // t bound into the hash
            CHECK(got == expected);
        } else if (byte < 11) {
            CHECK(got == verify_status::wrong_length);
        } else if (bit >= 8 * 27 + t) {
            CHECK(got == verify_status::malformed);  // a padding bit of the tag
        } else {
            CHECK(got == verify_status::mismatch);  // hash key or tag
        }
    }
}

TEST_CASE("verify: truncated, extended and mis-sized messages get their precise status", "[reconcile]") {
    shake_drbg rng(5);
    const bit_vector key = random_key(6, 1000);
    const auto message = qkdnq::reconcile::make_verification_message(key, {}, rng);
    REQUIRE(check(key, message) == verify_status::match);
    for (std::size_t len = 0; len < message.size(); ++len) {
        CAPTURE(len);
        CHECK(check(key, qkdnq::bytes_view(message).first(len)) == verify_status::truncated);
        const auto got = qkdnq::reconcile::check_verification_message(key, qkdnq::bytes_view(message).first(len), {});
        CHECK(got.tag_bits == (len < 11 ? std::size_t{0} : std::size_t{message[2]}));  // declared t, once the header is read
    }
    for (const std::uint8_t extra : {std::uint8_t{0}, std::uint8_t{0xff}}) {
        auto longer = message;
        longer.push_back(extra);
        CHECK(check(key, longer) == verify_status::malformed);
    }
    // A key of another length.
    CHECK(check(random_key(6, 999), message) == verify_status::wrong_length);
    CHECK(check(random_key(6, 1001), message) == verify_status::wrong_length);
    CHECK(check(bit_vector(0), message) == verify_status::wrong_length);
    // Empty key, empty message.
    CHECK(check(bit_vector(0), {}) == verify_status::truncated);
}

TEST_CASE("verify: Bob rejects a tag shorter than his epsilon_cor requires and accepts a longer one", "[reconcile]") {
    shake_drbg rng(7);
    const bit_vector key = random_key(8, 5000);
    const auto weak = qkdnq::reconcile::make_verification_message(key, {.epsilon_cor = 1e-3}, rng);
    const auto strong = qkdnq::reconcile::make_verification_message(key, {.epsilon_cor = 1e-30}, rng);
    const auto weak_got = qkdnq::reconcile::check_verification_message(key, weak, {.epsilon_cor = 1e-12});
    CHECK(weak_got.status == verify_status::tag_too_short);
    CHECK(weak_got.tag_bits == qkdnq::reconcile::verification_tag_bits(5000, 1e-3));
    const auto strong_got = qkdnq::reconcile::check_verification_message(key, strong, {.epsilon_cor = 1e-12});
    CHECK(strong_got.status == verify_status::match);
    CHECK(strong_got.leak_bits() == qkdnq::reconcile::verification_tag_bits(5000, 1e-30));
    CHECK(check(key, weak, 1e-3) == verify_status::match);
    // Programmer errors throw on both sides; a message never makes the check throw.
    CHECK_THROWS_AS(qkdnq::reconcile::make_verification_message(key, {.epsilon_cor = 0.0}, rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS(qkdnq::reconcile::make_verification_message(key, {.epsilon_cor = 1e-45}, rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS(check(key, weak, 1.5), qkdnq::invalid_argument);
    CHECK_THROWS_AS(rd::make_verification_message_with_tag_bits(key, 0, rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS(rd::make_verification_message_with_tag_bits(key, 129, rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS(rd::check_verification_message_with_tag_bits(key, weak, 0), qkdnq::invalid_argument);
}

TEST_CASE("verify: every tag length 1 ... 128 round-trips and rejects a flipped key bit", "[reconcile]") {
    shake_drbg rng(9);
    const bit_vector key = random_key(10, 333);
    bit_vector other = key;
    other.flip(100);
    std::size_t collisions = 0;
    for (std::size_t t = 1; t <= 128; ++t) {
        CAPTURE(t);
        const auto message = rd::make_verification_message_with_tag_bits(key, t, rng);
        REQUIRE(message.size() == 27 + (t + 7) / 8);
        CHECK(rd::check_verification_message_with_tag_bits(key, message, t).status == verify_status::match);
        CHECK(rd::check_verification_message_with_tag_bits(key, message, 1).status == verify_status::match);
        if (t < 128) {
            CHECK(rd::check_verification_message_with_tag_bits(key, message, t + 1).status == verify_status::tag_too_short);
        }
        const auto got = rd::check_verification_message_with_tag_bits(other, message, t).status;
        CHECK((got == verify_status::match || got == verify_status::mismatch));
        if (t >= 24) CHECK(got == verify_status::mismatch);
        collisions += got == verify_status::match ? 1u : 0u;
    }
    CHECK(collisions <= 3);  // expected sum_t 2^-t ~ 1
}

TEST_CASE("verify: with an 8-bit tag, keys a few bits apart collide at rate 2^-8", "[reconcile][property]") {
    // Fresh hash key per trial; keys of 1000 bits differing in 1 to 4 random positions. The rate
    // should be close to 2^-8 (the bound L / 2^8 = 11 / 256 is loose): 40,000 trials, mean 156.25,
    // standard deviation 12.5; accept +-5 sigma, and never above the bound's expectation (L = 11).
    shake_drbg rng(11);
    constexpr std::size_t trials = 40'000;
    constexpr std::size_t n = 1000;
    std::size_t collisions = 0;
    bit_vector key(n);
    for (std::size_t i = 0; i < trials; ++i) {
        key.fill_random(rng);
        bit_vector other = key;
        const std::uint64_t flips = 1 + qkdnq::random_below(rng, 4);
        for (std::uint64_t f = 0; f < flips; ++f) other.flip(static_cast<std::size_t>(qkdnq::random_below(rng, n)));
        if (other == key) other.flip(0);  // two flips cancelled
        const auto message = rd::make_verification_message_with_tag_bits(key, 8, rng);
        const auto got = rd::check_verification_message_with_tag_bits(other, message, 8).status;
        REQUIRE((got == verify_status::match || got == verify_status::mismatch));
        collisions += got == verify_status::match ? 1u : 0u;
    }
    const double trials_d = static_cast<double>(trials);
    const double mean = trials_d / 256.0;
    const double sigma = std::sqrt(trials_d * (1.0 / 256) * (255.0 / 256));
    CAPTURE(collisions, mean, sigma);
    CHECK(std::abs(static_cast<double>(collisions) - mean) <= 5 * sigma);
    CHECK(static_cast<double>(collisions) <= trials_d * qkdnq::reconcile::verification_collision_bound(n, 8));
}

TEST_CASE("verify: statuses map to the library-wide ones and have names", "[reconcile]") {
    using qkdnq::reconcile::to_status;
    CHECK(to_status(verify_status::match) == qkdnq::status::ok);
    CHECK(to_status(verify_status::mismatch) == qkdnq::status::verification_failed);
    for (const auto s : {verify_status::truncated, verify_status::malformed, verify_status::unsupported_version,
                         verify_status::unknown_kind, verify_status::wrong_length, verify_status::tag_too_short}) {
        CHECK(to_status(s) == qkdnq::status::malformed_message);
        CHECK(qkdnq::reconcile::to_string(s) != "unknown verify status");
    }
}
