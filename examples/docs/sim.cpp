// sim/: a seeded decoy-state BB84 link at 25 km: the analytic gains, QBERs and key rates, a
// sampled block of 10^6 sifted key bits, and its counts fed to the finite-key length.
#include <qkdnq/amplify/finite_key.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/sim/bb84_link.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>

int main() {
    namespace sim = qkdnq::sim;
    sim::bb84_link_parameters link;  // 0.2 dB/km, eta_det 0.1, Y0 1e-6, e_d 1 %, mu 0.5 / 0.1 / 0
    link.distance_km = 25;
    link.p_x = 0.7;
    link.probabilities = {0.6, 0.3, 0.1};

    qkdnq::shake_drbg rng(42);  // seeded: the same block on every run
    const sim::bb84_block block = sim::generate_block(link, 1'000'000, rng);

    for (std::size_t k = 0; k < 3; ++k) {
        const double gain = static_cast<double>(block.detections[k]) / static_cast<double>(block.pulses[k]);
        const double qber = static_cast<double>(block.m_z[k]) / static_cast<double>(block.n_z[k]);
        std::printf("mu = %.2f: gain %.3e (model %.3e), QBER %.4f of %lld test bits (model %.4f)\n",
                    link.intensities[k], gain, sim::gain(link, k), qber, static_cast<long long>(block.n_z[k]),
                    sim::qber(link, k));
    }
    std::printf("%lld pulses, %zu key bits, %zu test bits\n", static_cast<long long>(block.pulses_sent),
                block.alice_key.size(), block.alice_test.size());
    std::printf("asymptotic key rate per pulse: %.3e (ideal decoys), %.3e (these decoys)\n",
                sim::asymptotic_key_rate_per_pulse(link), sim::decoy_key_rate_per_pulse(link));

    // The counts are laid out as decoy_bb84_finite_key_input wants them. The reconciliation
    // leak is a stand-in here (1.16 n h(E)); a real run counts what error correction sent.
    const double n = static_cast<double>(block.alice_key.size());
    const double e = static_cast<double>(block.m_z[0] + block.m_z[1] + block.m_z[2]) /
                     static_cast<double>(block.alice_test.size());
    const double h = -e * std::log2(e) - (1 - e) * std::log2(1 - e);
    qkdnq::decoy_bb84_finite_key_input in{.intensities = link.intensities, .probabilities = link.probabilities,
                                          .n_x = block.n_x, .n_z = block.n_z, .m_z = block.m_z,
                                          .leak_ec_bits = static_cast<std::int64_t>(std::ceil(1.16 * n * h)),
                                          .verification_tag_bits = 64, .eps_sec = 1e-10, .eps_cor = 1e-10};
    const auto ell = qkdnq::decoy_bb84_finite_key_length(in);
    if (ell) {
        std::printf("finite-key length: %llu of %zu bits\n", static_cast<unsigned long long>(ell->length),
                    block.alice_key.size());
    } else {
        std::printf("finite-key length: no secret key from a block this small\n");
    }
    return 0;
}
