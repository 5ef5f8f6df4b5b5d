// pqc/: ML-KEM-768 (FIPS 203) key establishment and ML-DSA-65 (FIPS 204) signatures, with the
// typed objects that check keys made from bytes.
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/pqc/ml_dsa.hpp>
#include <qkdnq/pqc/ml_kem.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

int main() {
    using kem = qkdnq::ml_kem_768;
    using dsa = qkdnq::ml_dsa_65;
    qkdnq::os_random rng;

    // ML-KEM: the device makes a key pair; the sender encapsulates to its public key.
    const auto device = kem::generate_key_pair(rng);
    const auto sent = kem::encapsulate(device.ek, rng);         // ciphertext and 32-byte secret
    const auto received = kem::decapsulate(device.dk, sent.c);  // never fails (implicit rejection)
    if (!qkdnq::ct::equal(sent.key.span(), received.span())) return 1;
    std::printf("ML-KEM-768: ek %zu bytes, ct %zu bytes, both sides hold the same 32-byte secret\n",
                kem::ek_size, kem::ct_size);

    // A key from the network is checked when it is made (FIPS 203 §7.2): a coefficient >= q fails.
    std::array<std::uint8_t, kem::ek_size> bytes{};
    std::copy_n(device.ek.bytes().begin(), kem::ek_size, bytes.begin());
    bytes[0] = 0xff;
    bytes[1] = 0xff;
    const auto peer = kem::encapsulation_key::from_bytes(bytes);
    if (peer) return 1;
    std::printf("altered encapsulation key: %s\n", std::string(qkdnq::to_string(peer.error())).c_str());

    // ML-DSA: hedged signing with a context string; verification returns bool.
    const auto originator = dsa::generate_key_pair(rng);
    const auto message = qkdnq::as_bytes("KSA-key 7 for device D");
    const auto context = qkdnq::as_bytes("my protocol v1");
    const auto sig = dsa::sign(originator.sk, message, context, rng);
    if (!dsa::verify(originator.pk, message, context, sig)) return 1;
    if (dsa::verify(originator.pk, qkdnq::as_bytes("KSA-key 8 for device D"), context, sig)) return 1;
    if (dsa::verify(originator.pk, message, qkdnq::as_bytes("other protocol"), sig)) return 1;
    std::printf("ML-DSA-65: %zu-byte signature verifies, and not for another message or context\n", dsa::sig_size);
    return 0;
}
