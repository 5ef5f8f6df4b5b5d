// PQC key delivery to an end device (hybrid/key_delivery.hpp, use case 7.3): push and pull
// deliveries recover the KSA-key; every tampered byte, a replay, an expired key, another device's
// or originator's message and a pull response to another request are refused and change nothing;
// the originator refuses malformed pull requests.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/key_delivery.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace {

namespace hy = qkdnq::hybrid;
using kem = qkdnq::ml_kem_768;
using dsa = qkdnq::ml_dsa_65;

struct parties {
    qkdnq::shake_drbg rng;
    std::array<std::uint8_t, kem::ek_size> ek{};
    std::array<std::uint8_t, kem::dk_size> dk{};
    std::array<std::uint8_t, dsa::pk_size> vk{};
    std::array<std::uint8_t, dsa::sk_size> sk{};
    std::vector<std::uint8_t> ksa_key = std::vector<std::uint8_t>(32);
    qkdnq::relay::key_id id;

    explicit parties(std::uint64_t seed) : rng(seed) {
        kem::keygen(ek, dk, rng);
        dsa::keygen(vk, sk, rng);
        rng.fill(ksa_key);
        id = qkdnq::relay::key_id::random(rng);
    }
    hy::key_delivery_originator<> originator() const { return {"KMS_1", sk, vk}; }
    hy::key_delivery_device<> device() const { return {"phone-17", ek, dk, "KMS_1", vk}; }
    hy::device_info info() const { return {"phone-17", ek}; }
};

std::vector<std::uint8_t> bytes_of(const qkdnq::secure_bytes& b) { return {b.begin(), b.end()}; }

}  // namespace

TEST_CASE("key_delivery: a pushed KSA-key arrives once, under its ID, until it expires", "[hybrid][key_delivery]") {
    parties p(1);
    const auto kms = p.originator();
    auto phone = p.device();
    const auto msg = kms.push(p.info(), p.id, p.ksa_key, 1000, p.rng);
    auto got = phone.receive(msg, 900);
    REQUIRE(got.ok());
    CHECK(got->id == p.id);
    CHECK(bytes_of(got->key) == p.ksa_key);
    CHECK(got->expiry == 1000);
    CHECK(phone.remembered() == 1);
    CHECK(phone.receive(msg, 950).error() == qkdnq::status::duplicate_key_id);
    CHECK(phone.receive(msg, 1001).error() == qkdnq::status::expired);
    // Once expired, the ID is forgotten on the next delivery.
    qkdnq::relay::key_id other = qkdnq::relay::key_id::random(p.rng);
    REQUIRE(phone.receive(kms.push(p.info(), other, p.ksa_key, 5000, p.rng), 1001).ok());
    CHECK(phone.remembered() == 1);
    // Other key lengths.
    for (std::size_t n : {std::size_t{1}, std::size_t{16}, std::size_t{1024}}) {
        std::vector<std::uint8_t> key(n, 0x5a);
        const auto id = qkdnq::relay::key_id::random(p.rng);
        auto k = phone.receive(kms.push(p.info(), id, key, 5000, p.rng), 1001);
        REQUIRE(k.ok());
        CHECK(bytes_of(k->key) == key);
    }
    CHECK_THROWS_AS((void)kms.push(p.info(), p.id, std::vector<std::uint8_t>(1025), 5000, p.rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)kms.push(p.info(), p.id, std::vector<std::uint8_t>{}, 5000, p.rng), qkdnq::invalid_argument);
}

TEST_CASE("key_delivery: every tampered byte is refused and changes nothing", "[hybrid][key_delivery]") {
    parties p(2);
    const auto kms = p.originator();
    auto phone = p.device();
    const auto msg = kms.push(p.info(), p.id, p.ksa_key, 1000, p.rng);
    for (std::size_t at = 0; at < msg.size(); at += 13) {
        auto bad = msg;
        bad[at] ^= 0x10;
        const auto got = phone.receive(bad, 0);
        REQUIRE_FALSE(got.ok());
        CHECK((got.error() == qkdnq::status::malformed_message || got.error() == qkdnq::status::verification_failed));
        CHECK(phone.remembered() == 0);
    }
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, msg.size() / 2, msg.size() - 1}) {
        CHECK(phone.receive(qkdnq::bytes_view(msg).first(cut), 0).error() == qkdnq::status::malformed_message);
    }
    auto longer = msg;
    longer.push_back(0);
    CHECK(phone.receive(longer, 0).error() == qkdnq::status::malformed_message);
    CHECK(phone.receive(msg, 0).ok());
}

TEST_CASE("key_delivery: messages for another device, from another originator or keys, are refused",
          "[hybrid][key_delivery]") {
    parties p(3), q(4);
    const auto kms = p.originator();
    auto phone = p.device();
    // Addressed to another device ID.
    CHECK(phone.receive(kms.push({"phone-18", p.ek}, p.id, p.ksa_key, 10, p.rng), 0).error() == qkdnq::status::malformed_message);
    // Encrypted to another device's key.
    CHECK(phone.receive(kms.push({"phone-17", q.ek}, p.id, p.ksa_key, 10, p.rng), 0).error() == qkdnq::status::malformed_message);
    // Signed by another originator with the same name.
    const hy::key_delivery_originator<> impostor("KMS_1", q.sk, q.vk);
    CHECK(phone.receive(impostor.push(p.info(), p.id, p.ksa_key, 10, p.rng), 0).error() == qkdnq::status::malformed_message);
    // A device whose private key does not match its public key: the tag fails (implicit rejection).
    hy::key_delivery_device<> broken("phone-17", p.ek, q.dk, "KMS_1", p.vk);
    CHECK(broken.receive(kms.push(p.info(), p.id, p.ksa_key, 10, p.rng), 0).error() == qkdnq::status::verification_failed);
    CHECK(broken.remembered() == 0);
}

TEST_CASE("key_delivery: pull with a fresh ML-KEM key, answered once", "[hybrid][key_delivery]") {
    parties p(5);
    const auto kms = p.originator();
    auto phone = p.device();
    const auto request = phone.request(p.rng);
    CHECK(phone.has_pending_request());
    auto response = kms.respond(p.info(), request, p.id, p.ksa_key, 100, p.rng);
    REQUIRE(response.ok());
    // A push-style tamper: the kind byte turned to push is refused by the signature.
    auto as_push = response.value();
    as_push[1] = 1;
    CHECK_FALSE(phone.receive(as_push, 0).ok());
    CHECK(phone.has_pending_request());
    auto got = phone.receive(response.value(), 0);
    REQUIRE(got.ok());
    CHECK(bytes_of(got->key) == p.ksa_key);
    CHECK_FALSE(phone.has_pending_request());  // the fresh key is gone
    CHECK(phone.receive(response.value(), 0).error() == qkdnq::status::malformed_message);
    // A response to an older request is refused.
    const auto first = phone.request(p.rng);
    const auto second = phone.request(p.rng);
    auto stale = kms.respond(p.info(), first, qkdnq::relay::key_id::random(p.rng), p.ksa_key, 100, p.rng);
    REQUIRE(stale.ok());
    CHECK(phone.receive(stale.value(), 0).error() == qkdnq::status::malformed_message);
    auto fresh = kms.respond(p.info(), second, qkdnq::relay::key_id::random(p.rng), p.ksa_key, 100, p.rng);
    REQUIRE(fresh.ok());
    CHECK(phone.receive(fresh.value(), 0).ok());
}

TEST_CASE("key_delivery: the originator refuses malformed pull requests", "[hybrid][key_delivery]") {
    parties p(6);
    const auto kms = p.originator();
    auto phone = p.device();
    const auto request = phone.request(p.rng);
    CHECK(kms.respond({"phone-99", p.ek}, request, p.id, p.ksa_key, 1, p.rng).error() == qkdnq::status::malformed_message);
    const hy::key_delivery_originator<> other("KMS_2", p.sk, p.vk);
    CHECK(other.respond(p.info(), request, p.id, p.ksa_key, 1, p.rng).error() == qkdnq::status::malformed_message);
    auto bad_ek = request;
    const std::size_t ek_at = request.size() - kem::ek_size;
    bad_ek[ek_at] = 0xff;  // first coefficient >= q
    bad_ek[ek_at + 1] |= 0x0f;
    CHECK(kms.respond(p.info(), bad_ek, p.id, p.ksa_key, 1, p.rng).error() == qkdnq::status::malformed_message);
    for (std::size_t cut : {std::size_t{0}, std::size_t{2}, request.size() - 1}) {
        CHECK(kms.respond(p.info(), qkdnq::bytes_view(request).first(cut), p.id, p.ksa_key, 1, p.rng).error() ==
              qkdnq::status::malformed_message);
    }
}
