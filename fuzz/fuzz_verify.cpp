// Bob's check of a verification message on arbitrary bytes (reconcile/verify.hpp).
//
// Input: byte 0 picks the mode (bit 0); a u16 gives the key length n = u16 % 2049 bits, then
// ceil(n/8) key bytes (zeros past the end of the input), then a byte picking Bob's ε_cor.
//   raw (0):    the rest of the input is the message.
//   mutate (1): a byte picks Alice's ε_cor and 8 bytes seed the hash-key generator; Alice's genuine
//               message for the key must be accepted (or be tag_too_short where Bob asks for more
//               bits); then up to 16 edits, each an op byte: 0 XOR a byte at a u16 position,
//               1 cut at a u16 position, 2 append a byte, 3 flip a bit of Bob's key at a u16 position.
// Properties: the check never crashes or throws; its status is the one a plain reference parser
// (below: the documented order of checks, the tag recomputed with the one-shot poly_hash) gives;
// a rejected message never reports match, and an edited message or key never matches. The ε_cor
// choices keep t >= 42, so a chance collision is below 2^-42 per input.
#include "driver.hpp"

#include <qkdnq/auth/poly_hash.hpp>
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/verify.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

namespace rc = qkdnq::reconcile;
using rc::verify_status;

constexpr std::array<double, 4> epsilons{1e-12, 1e-15, 1e-20, 1e-30};

// The documented checks, written out once more without the library's parser.
verify_status reference_status(const qkdnq::bit_vector& key, std::span<const std::uint8_t> m, std::size_t min_tag_bits) {
    if (m.size() < 11) return verify_status::truncated;
    if (m[0] != 1) return verify_status::unsupported_version;
    if (m[1] != 1) return verify_status::unknown_kind;
    const std::size_t t = m[2];
    if (t == 0 || t > 128) return verify_status::malformed;
    if (qkdnq::load_le64(&m[3]) != key.size()) return verify_status::wrong_length;
    if (t < min_tag_bits) return verify_status::tag_too_short;
    const std::size_t tag_bytes = (t + 7) / 8;
    if (m.size() < 27 + tag_bytes) return verify_status::truncated;
    if (m.size() > 27 + tag_bytes) return verify_status::malformed;
    if (t % 8 != 0 && (m[26 + tag_bytes] >> (t % 8)) != 0) return verify_status::malformed;
    std::vector<std::uint8_t> hashed = key.to_bytes();
    hashed.insert(hashed.end(), m.begin(), m.begin() + 27);
    const qkdnq::auth::poly_hash_key<128> k(m.subspan(11, 16));
    const auto digest = qkdnq::auth::poly_hash(k, hashed);
    for (std::size_t bit = 0; bit < t; ++bit) {
        const unsigned differ = static_cast<unsigned>(digest[bit / 8] ^ m[27 + bit / 8]);
        if (((differ >> (bit % 8)) & 1u) != 0) return verify_status::mismatch;
    }
    return verify_status::match;
}

verify_status checked(const qkdnq::bit_vector& key, std::span<const std::uint8_t> message, double epsilon) {
    const rc::verification_outcome got = rc::check_verification_message(key, message, {.epsilon_cor = epsilon});
    const verify_status expected = reference_status(key, message, rc::verification_tag_bits(key.size(), epsilon));
    fuzz_check(got.status == expected, "the check disagrees with the reference parser");
    fuzz_check(got.ok() == (got.status == verify_status::match), "ok() disagrees with the status");
    if (got.status == verify_status::match || got.status == verify_status::mismatch) {
        fuzz_check(got.leak_bits() == std::size_t{message[2]}, "leak_bits is not the message's tag length");
    }
    return got.status;
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    if (input.size() > QKDNQ_FUZZ_MAX_INPUT) return;
    fuzz_reader in(input);
    const bool mutate = (in.byte() & 1u) != 0;
    const std::size_t n = in.u16() % 2049u;
    std::vector<std::uint8_t> key_bytes((n + 7) / 8, 0);
    const auto given = in.bytes(key_bytes.size());
    std::copy(given.begin(), given.end(), key_bytes.begin());
    qkdnq::bit_vector key = qkdnq::bit_vector::from_bytes(key_bytes, n);
    const double bob_epsilon = epsilons[in.byte() % epsilons.size()];

    if (!mutate) {
        (void)checked(key, in.rest(), bob_epsilon);
        return;
    }

    const double alice_epsilon = epsilons[in.byte() % epsilons.size()];
    std::array<std::uint8_t, 8> seed{};
    const auto seed_bytes = in.bytes(seed.size());
    std::copy(seed_bytes.begin(), seed_bytes.end(), seed.begin());
    qkdnq::shake_drbg rng(seed);
    const std::vector<std::uint8_t> genuine = rc::make_verification_message(key, {.epsilon_cor = alice_epsilon}, rng);
    const bool strong_enough = rc::verification_tag_bits(n, alice_epsilon) >= rc::verification_tag_bits(n, bob_epsilon);
    const verify_status honest = checked(key, genuine, bob_epsilon);
    fuzz_check(honest == (strong_enough ? verify_status::match : verify_status::tag_too_short),
               "a genuine message was not accepted");

    std::vector<std::uint8_t> message = genuine;
    qkdnq::bit_vector bob = key;
    for (int edit = 0; edit < 16 && in.remaining() != 0; ++edit) {
        switch (in.byte() % 4) {
            case 0: {
                const std::size_t at = std::size_t{in.u16()};
                const std::uint8_t value = in.byte();
                if (!message.empty()) {
                    std::uint8_t& target = message[at % message.size()];
                    target = static_cast<std::uint8_t>(target ^ value);
                }
                break;
            }
            case 1: message.resize(std::size_t{in.u16()} % (message.size() + 1)); break;
            case 2: message.push_back(in.byte()); break;
            case 3: {
                const std::size_t at = std::size_t{in.u16()};
                if (n != 0) bob.flip(at % n);
                break;
            }
        }
    }
    const verify_status got = checked(bob, message, bob_epsilon);
    if (message != genuine || bob != key) fuzz_check(got != verify_status::match, "an edited message or key matched");
}
