// pipeline/: one block of a QKD link's post-processing, both endpoints in one process: parameter
// estimation, reconciliation, verification, privacy amplification, KSA-keys into both key stores.
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pipeline/session.hpp>
#include <qkdnq/relay/key_store.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <cstdio>
#include <string>
#include <utility>

int main() {
    namespace pl = qkdnq::pipeline;
    // Each end's KME store; both receive the same KSA-keys under the same key IDs.
    qkdnq::relay::key_store store_a("KME_A"), store_b("KME_B");
    store_a.add_peer("KME_B");
    store_b.add_peer("KME_A");
    // The pre-shared authentication key: two 16-byte hash keys, then both directions' pad pools.
    qkdnq::os_random rng;  // Alice's generator: verification hash keys, Toeplitz seeds
    qkdnq::secure_bytes auth_key(32 + 2 * 16'384);
    rng.fill(auth_key);

    // Both ends run the same configuration; the session ID is never reused on this link.
    const pl::session_config config{.session_id = 1, .qber_tolerance = 0.05, .eps_sec = 1e-10, .eps_cor = 1e-12};
    pl::session_alice alice(config, auth_key, store_a, "KME_B", rng);
    pl::session_bob bob(config, auth_key, store_b, "KME_A");

    // A simulated block: 10^6 sifted key bits and 10^5 test bits through a BSC(2 %).
    qkdnq::shake_drbg link(std::uint64_t{2024});
    auto key = qkdnq::sim::bsc_key_pair(1'000'000, 0.02, link);
    auto test = qkdnq::sim::bsc_key_pair(100'000, 0.02, link);
    // Over a network: carry each endpoint_output's messages to the peer's receive() instead.
    const pl::block_pair_report r = pl::run_block_in_memory(alice, bob, {std::move(key.alice), std::move(test.alice)},
                                                            {std::move(key.bob), std::move(test.bob)});
    const pl::block_report& a = r.alice;
    std::printf("block %llu: Alice %s, Bob %s (%s)\n", static_cast<unsigned long long>(a.block), std::string(to_string(a.outcome)).c_str(),
                std::string(to_string(r.bob.outcome)).c_str(), std::string(to_string(a.method)).c_str());
    std::printf("QBER %.4f (bound %.4f), f = %.3f, %zu of %zu bits disclosed\n", a.qber_estimate, a.qber_bound, a.efficiency,
                a.leak_ec_bits + a.verification_tag_bits, a.reconciled_bits);
    std::printf("key length l = %llu bits: %zu to the authentication pools, %zu KSA-keys of %zu bits\n",
                static_cast<unsigned long long>(a.secret_bits), a.auth_refill_bits, a.ksa_keys, config.ksa_key_bits);
    std::printf("%zu messages, %zu round trips, %llu pad bits\n", a.messages, a.round_trips,
                static_cast<unsigned long long>(a.auth_bits_consumed));
    if (a.outcome != pl::block_outcome::keys_delivered || r.bob.outcome != pl::block_outcome::keys_delivered) return 1;
    if (a.ksa_keys == 0 || store_a.pool_size("KME_B") != a.ksa_keys || store_b.pool_size("KME_A") != a.ksa_keys) return 1;
    return 0;
}
