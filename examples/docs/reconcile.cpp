// reconcile/: Cascade between Alice's sifted key and Bob's noisy copy, then error verification,
// and the counted leak that the finite-key length subtracts.
#include <qkdnq/core/random.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/cascade.hpp>
#include <qkdnq/reconcile/verify.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <cmath>
#include <cstdio>
#include <string>

int main() {
    namespace rc = qkdnq::reconcile;
    constexpr std::size_t n = 100'000;
    qkdnq::shake_drbg link(std::uint64_t{2024});                // a simulated link: public seed
    const auto keys = qkdnq::sim::bsc_key_pair(n, 0.03, link);  // 3 % bit errors

    // Both sides agree on the variant, n, the estimated QBER (ppm) and a public seed.
    const auto params = rc::cascade_parameters::for_variant(rc::cascade_variant::pow2x4, n, 30'000, 7);
    rc::cascade_alice alice(keys.alice, params);
    rc::cascade_bob bob(keys.bob, params);
    // Sans-I/O: over a network, carry bob.start() / alice.respond() / bob.receive() messages
    // through auth::authenticated_channel; in one process run_in_memory does it.
    if (rc::run_in_memory(alice, bob) != rc::cascade_status::ok) return 1;
    const rc::cascade_statistics& stats = bob.statistics();
    std::printf("Cascade: %zu errors, %zu corrected in %zu round trips, %zu parities disclosed\n", keys.errors,
                stats.corrected_bits, stats.round_trips, stats.leaked_parities);

    // Verification is mandatory: Alice draws a fresh public hash key only now, after the transcript.
    qkdnq::os_random rng;
    const rc::verification_parameters eps{.epsilon_cor = 1e-12};
    const auto message = rc::make_verification_message(alice.key(), eps, rng);
    const auto outcome = rc::check_verification_message(bob.key(), message, eps);
    if (!outcome) {
        std::printf("verification: %s, discard the block\n", std::string(rc::to_string(outcome.status)).c_str());
        return 1;
    }
    const std::size_t leak_ec = stats.leaked_parities + outcome.leak_bits();
    const double q = static_cast<double>(keys.errors) / n;
    const double h = -q * std::log2(q) - (1 - q) * std::log2(1 - q);
    std::printf("verification: match with a %zu-bit tag; leak_EC = %zu bits, f = %.3f\n", outcome.tag_bits, leak_ec,
                static_cast<double>(leak_ec) / (n * h));

    // A key that still differs in one bit does not pass.
    qkdnq::bit_vector wrong = bob.key();
    wrong.flip(12'345);
    if (rc::check_verification_message(wrong, message, eps).status != rc::verify_status::mismatch) return 1;
    std::printf("a key that differs in one bit: mismatch\n");
    return 0;
}
