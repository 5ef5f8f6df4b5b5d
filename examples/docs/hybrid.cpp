// hybrid/: a KSA-key delivered to an end device with ML-KEM-768 + ML-DSA-65 (use case 7.3),
// joined with a fresh ML-KEM secret by the hybrid combiner, and imported as a TLS 1.3 PSK (7.1).
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/hybrid/combiner.hpp>
#include <qkdnq/hybrid/key_delivery.hpp>
#include <qkdnq/hybrid/tls_psk.hpp>

#include <cstdio>
#include <string>

int main() {
    namespace hy = qkdnq::hybrid;
    using kem = qkdnq::ml_kem_768;
    using dsa = qkdnq::ml_dsa_65;
    qkdnq::os_random rng;

    // Provisioning: each side knows the other's authentic public key.
    const auto device = kem::generate_key_pair(rng);  // the phone's ML-KEM key pair
    const auto signer = dsa::generate_key_pair(rng);  // the KMS's ML-DSA key pair
    const hy::key_delivery_originator<> kms("KMS_1", signer.sk.bytes(), signer.pk.bytes());
    hy::key_delivery_device<> phone("phone-17", device.ek.bytes(), device.dk.bytes(), "KMS_1", signer.pk.bytes());

    // 7.3: the KMS pushes a KSA-key (from its key store) valid until t = 1060.
    const auto id = qkdnq::relay::key_id::random(rng);
    qkdnq::secure_bytes ksa_key(32);
    rng.fill(ksa_key);
    const auto message = kms.push({"phone-17", device.ek.bytes()}, id, ksa_key, 1'060, rng);
    const auto got = phone.receive(message, 1'000);  // result<delivered_key>
    if (!got || !qkdnq::ct::equal(got->key, ksa_key)) return 1;
    const auto replay = phone.receive(message, 1'001);
    const auto late = phone.receive(message, 2'000);
    if (replay || late) return 1;
    std::printf("delivered in a %zu-byte message; replay: %s; after expiry: %s\n", message.size(),
                std::string(qkdnq::to_string(replay.error())).c_str(), std::string(qkdnq::to_string(late.error())).c_str());

    // Hybrid key: secret while the KSA-key or ML-KEM is (CatKDF with KMAC256, ETSI TS 103 744).
    const auto enc = kem::encapsulate(device.ek, rng);
    const auto ss_device = kem::decapsulate(device.dk, enc.c);
    const std::string id_text = id.to_string();
    auto combine = [&](qkdnq::bytes_view qkd_key, qkdnq::bytes_view ss) {
        hy::hybrid_key_input in;
        in.binding = {id_text, "KMS_1", "phone-17"};
        in.qkd_key = qkd_key;
        in.ml_kem_secret = ss;
        in.ml_kem_public_key = device.ek.bytes();
        in.ml_kem_ciphertext = enc.c.bytes();
        return hy::combine_hybrid_key<32>(in);
    };
    if (!qkdnq::ct::equal(combine(ksa_key, enc.key.span()).span(), combine(got->key, ss_device.span()).span())) return 1;

    // 7.1: two ends holding the same KSA-key and ID import it as an RFC 9258 TLS 1.3 external PSK.
    const auto psk_a = hy::import_tls13_psk(id, ksa_key, qkdnq::as_bytes("SAE_A|SAE_B"));
    const auto psk_b = hy::import_tls13_psk(got->id, got->key, qkdnq::as_bytes("SAE_A|SAE_B"));
    if (psk_a.identity != psk_b.identity || !qkdnq::ct::equal(psk_a.key.span(), psk_b.key.span())) return 1;
    std::printf("hybrid key and TLS PSK agree (%zu-byte PSK identity)\n", psk_a.identity.size());
    return 0;
}
