// core/: bit vectors in the project's bit order, typed secrets, constant-time comparison,
// results for normal outcomes and exceptions for programmer errors.
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/core/strong_type.hpp>

#include <array>
#include <cstdio>
#include <string>

using sifted_key = qkdnq::strong<qkdnq::bit_vector, struct sifted_key_tag>;  // not printable, no ==

// A normal outcome is a result: the caller must look at it.
qkdnq::result<std::size_t> count_errors(const sifted_key& a, const sifted_key& b, std::size_t tolerated) {
    const std::size_t errors = hamming_distance(a.get(), b.get());
    if (errors > tolerated) return qkdnq::status::no_secret_key;
    return errors;
}

int main() {
    // Bit i is byte i/8, position i%8: 0x05 = 0b101 gives bits 1, 0, 1.
    const std::array<std::uint8_t, 1> byte{0x05};
    const auto bits = qkdnq::bit_vector::from_bytes(byte, 3);
    if (!bits[0] || bits[1] || !bits[2]) return 1;

    qkdnq::os_random rng;  // for secrets; simulations use the seeded qkdnq::shake_drbg (hash/)
    const sifted_key alice(qkdnq::bit_vector::random(10'000, rng));
    qkdnq::bit_vector noisy = alice.get();
    for (std::size_t i = 0; i < noisy.size(); i += 100) noisy.flip(i);  // 1 % errors
    sifted_key bob(std::move(noisy));

    const auto errors = count_errors(alice, bob, 500);
    if (!errors || *errors != 100) return 1;
    std::printf("Bob's key differs from Alice's in %zu of %zu bits\n", *errors, bob.get().size());
    const auto too_many = count_errors(alice, bob, 50);
    std::printf("with 50 errors tolerated: %s\n", std::string(qkdnq::to_string(too_many.error())).c_str());

    // Secrets as bytes live in zeroizing buffers and are compared in constant time.
    bob.get() ^= alice.get() ^ bob.get();  // what reconciliation achieves, here by cheating
    qkdnq::secure_bytes a(alice.get().byte_size()), b(bob.get().byte_size());
    alice.get().to_bytes(a);
    bob.get().to_bytes(b);
    if (!qkdnq::ct::equal(a, b)) return 1;
    std::printf("after correction the keys are equal (ct::equal)\n");

    // A programmer error throws a qkdnq::error naming the function and the argument.
    try {
        (void)alice.get().get(10'000);
        return 1;
    } catch (const qkdnq::invalid_argument& e) {
        std::printf("caught: %s\n", e.what());
    }
    return 0;
}
