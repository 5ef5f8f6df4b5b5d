// Use case 7.2 of ITU-T TR.QKDN-nq: a key carried over a concatenated path, a QKD-protected
// segment followed by a PQC-protected one.
//
//   node A ==QKD== node B ==QKD== node C  - - PQC - -  device D (no quantum channel)
//
// Segment 1: A relays an end-to-end key to C through the trusted node B (one-time pad with link
// key and a Wegman-Carter tag per hop, relay/trusted_node.hpp). Segment 2: C delivers the same
// key to D with ML-KEM-768 + ML-DSA-65 (hybrid/key_delivery.hpp). Then A and D hold the same key;
// as a last step they bind it to an X-Wing exchange (ML-KEM-768 + X25519) with the hybrid
// combiner, so the final key needs the relayed key and a break of both X-Wing parts to be lost.
//
//   qkdnq_concatenated_path      (exit status 0 when A and D end with the same key; run by ctest)
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/combiner.hpp>
#include <qkdnq/hybrid/key_delivery.hpp>
#include <qkdnq/hybrid/xwing.hpp>
#include <qkdnq/relay/network.hpp>

#include <array>
#include <cstdio>
#include <string>

int main() {
    namespace hy = qkdnq::hybrid;
    using kem = qkdnq::ml_kem_768;
    using dsa = qkdnq::ml_dsa_65;
    qkdnq::shake_drbg rng(std::uint64_t{72});

    // Segment 1: QKD links A-B and B-C, one second of key at 1 and 2 Mbit/s.
    qkdnq::relay::network net(1);
    net.add_link("A", "B", 1e6);
    net.add_link("B", "C", 2e6);
    net.advance(1.0);
    const auto relayed = net.relay("A", "C", 1, 32);
    if (relayed.outcome != qkdnq::status::ok || relayed.keys_delivered != 1) {
        std::printf("FAILED: relay A -> C: %s\n", std::string(qkdnq::to_string(relayed.outcome)).c_str());
        return 1;
    }
    std::printf("segment 1 (QKD): key %s relayed along %s, %llu messages, %llu bytes of link key\n",
                relayed.source_keys[0].id.to_string().c_str(), qkdnq::relay::network::join(relayed.path).c_str(),
                static_cast<unsigned long long>(relayed.messages), static_cast<unsigned long long>(relayed.link_key_consumed));
    const qkdnq::relay::relay_key& at_a = relayed.source_keys[0];
    const qkdnq::relay::relay_key& at_c = relayed.destination_keys[0];

    // Segment 2: C (originator, ML-DSA) to device D (ML-KEM), over the user network.
    std::array<std::uint8_t, kem::ek_size> device_ek{};
    std::array<std::uint8_t, kem::dk_size> device_dk{};
    std::array<std::uint8_t, dsa::pk_size> c_vk{};
    std::array<std::uint8_t, dsa::sk_size> c_sk{};
    kem::keygen(device_ek, device_dk, rng);
    dsa::keygen(c_vk, c_sk, rng);
    const hy::key_delivery_originator<> node_c("C", c_sk, c_vk);
    hy::key_delivery_device<> device("D", device_ek, device_dk, "C", c_vk);
    const std::uint64_t now = 1'000, expiry = now + 60;
    const auto message = node_c.push({"D", device_ek}, at_c.id, at_c.key, expiry, rng);
    auto at_d = device.receive(message, now);
    if (!at_d) {
        std::printf("FAILED: delivery C -> D: %s\n", std::string(qkdnq::to_string(at_d.error())).c_str());
        return 1;
    }
    std::printf("segment 2 (PQC): %zu-byte message, ML-KEM-768 + ML-DSA-65, key ID %s\n", message.size(),
                at_d->id.to_string().c_str());
    if (at_d->id != at_a.id || at_d->key != at_a.key) {
        std::printf("FAILED: A and D hold different keys\n");
        return 1;
    }
    std::printf("A and D share the end-to-end key (never printed)\n");

    // Last step: A and D bind it to an X-Wing exchange (PQC + classical) with the hybrid combiner.
    const auto d_xwing = hy::xwing::generate_key_pair(rng);
    const auto enc = hy::xwing::encapsulate(d_xwing.pk, rng);  // by A
    if (!enc) return 1;
    const auto ss_d = hy::xwing::decapsulate(d_xwing.sk, enc->ct);
    auto final_key = [&](const qkdnq::secure_bytes& relayed_key, const hy::xwing::shared_secret& ss) {
        hy::hybrid_key_input in;
        const std::string id = at_a.id.to_string();
        in.binding = {id, "A", "D"};
        in.qkd_key = relayed_key;
        in.ml_kem_secret = ss.span();
        in.ml_kem_public_key = d_xwing.pk;
        in.ml_kem_ciphertext = enc->ct;
        return hy::combine_hybrid_key<32>(in);
    };
    const auto key_a = final_key(at_a.key, enc->ss);
    const auto key_d = final_key(at_d->key, ss_d);
    if (!qkdnq::ct::equal(key_a.span(), key_d.span())) {
        std::printf("FAILED: the final keys differ\n");
        return 1;
    }
    std::printf("final key: CatKDF(KMAC256) of the relayed key and an X-Wing secret, equal at A and D\n");
    std::printf("ok\n");
    return 0;
}
