// amplify/: the finite-key secret length from counted leaks, then Toeplitz hashing of the
// reconciled, verified key down to that length.
#include <qkdnq/amplify/finite_key.hpp>
#include <qkdnq/amplify/toeplitz.hpp>
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/random.hpp>

#include <cstdio>
#include <string>

int main() {
    // [TLGR12] Eq. (2): n key bits, k bits sacrificed for parameter estimation, the abort
    // threshold Q_tol fixed before the run, the leak reconciliation counted, the tag sent.
    qkdnq::bb84_finite_key_input in{.n = 100'000, .k = 10'000, .q_tol = 0.02, .leak_ec_bits = 15'500,
                                    .verification_tag_bits = 50, .eps_sec = 1e-10, .eps_cor = 1e-12};
    const auto ell = qkdnq::bb84_finite_key_length(in);
    if (!ell) return 1;
    std::printf("n = %lld: mu = %.4f, H_min >= %.0f, leak %.0f + %.0f, PA %.1f -> %llu secret bits\n",
                static_cast<long long>(in.n), static_cast<double>(ell->mu), static_cast<double>(ell->min_entropy),
                static_cast<double>(ell->leak_ec), static_cast<double>(ell->verification),
                static_cast<double>(ell->privacy_amplification), static_cast<unsigned long long>(ell->length));

    // At 11 % (and the leak such a QBER costs) nothing is left: a result, not an exception.
    in.q_tol = 0.11;
    in.leak_ec_bits = 55'000;
    const auto none = qkdnq::bb84_finite_key_length(in);
    if (none || none.error() != qkdnq::status::no_secret_key) return 1;
    std::printf("with Q_tol = 11 %%: %s (bound %.0f)\n", std::string(qkdnq::to_string(none.error())).c_str(),
                static_cast<double>(qkdnq::bb84_finite_key_bound(in).bound));

    // Toeplitz hashing: the same n + m - 1 seed bits at both ends (drawn by one side after the key
    // is fixed, and sent), the same verified key in, the same m secret bits out.
    qkdnq::os_random rng;
    const std::size_t n = static_cast<std::size_t>(in.n), m = ell->length;
    const auto reconciled = qkdnq::bit_vector::random(n, rng);
    const auto seed = qkdnq::bit_vector::random(qkdnq::toeplitz_seed_bits(n, m), rng);
    const qkdnq::bit_vector secret = qkdnq::toeplitz_hash(reconciled, seed, m);
    if (secret.size() != m) return 1;

    // The fast middle product agrees with the naive matrix product kept for tests.
    const auto small = reconciled.slice(0, 1'000);
    const auto small_seed = seed.slice(0, qkdnq::toeplitz_seed_bits(1'000, 300));
    if (!(qkdnq::toeplitz_hash(small, small_seed, 300) == qkdnq::toeplitz_hash_reference(small, small_seed, 300))) return 1;
    std::printf("Toeplitz: %zu -> %zu bits; fast and reference products agree\n", n, m);

    // A seed of the wrong length is a programmer error.
    try {
        (void)qkdnq::toeplitz_hash(reconciled, small_seed, m);
        return 1;
    } catch (const qkdnq::invalid_argument&) {
        std::printf("a seed of the wrong length throws invalid_argument\n");
    }
    return 0;
}
