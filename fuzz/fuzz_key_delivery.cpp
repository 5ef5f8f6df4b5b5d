// PQC key delivery (hybrid/key_delivery.hpp) on arbitrary bytes. The first byte picks the
// receiver: even, a device opening a delivery; odd, the originator answering a pull request.
// Properties: nothing crashes or throws; a refused message changes nothing on the device; an
// accepted one (only a genuine message of the originator can be: the seed corpus holds one) is
// remembered and refused as a replay the second time; the originator's answer to a request that
// parses is a delivery the device refuses (it asked for nothing), and a request that does not
// parse is malformed_message. Seeds: scripts/fuzz_seeds/key_delivery_seeds.cpp.
#include "driver.hpp"

#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/key_delivery.hpp>

#include <array>
#include <cstdint>

namespace {

namespace hy = qkdnq::hybrid;
using kem = qkdnq::ml_kem_768;
using dsa = qkdnq::ml_dsa_65;

struct world {
    qkdnq::shake_drbg rng{std::uint64_t{73}};
    std::array<std::uint8_t, kem::ek_size> ek{};
    std::array<std::uint8_t, kem::dk_size> dk{};
    std::array<std::uint8_t, dsa::pk_size> vk{};
    std::array<std::uint8_t, dsa::sk_size> sk{};
    world() {
        kem::keygen(ek, dk, rng);
        dsa::keygen(vk, sk, rng);
    }
};

world& w() {
    static world instance;
    return instance;
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    if (input.empty()) return;
    const auto body = input.subspan(1);
    static hy::key_delivery_device<> device("phone", w().ek, w().dk, "KMS", w().vk);
    static const hy::key_delivery_originator<> originator("KMS", w().sk, w().vk);
    if (input[0] % 2 == 0) {
        const std::size_t remembered = device.remembered();
        const auto got = device.receive(body, 0);
        if (got.ok()) {
            fuzz_check(device.remembered() == remembered + 1, "an accepted delivery was not remembered");
            fuzz_check(device.receive(body, 0).error() == qkdnq::status::duplicate_key_id, "a replay was accepted");
        } else {
            fuzz_check(device.remembered() == remembered, "a refused delivery changed the device");
        }
        return;
    }
    const std::array<std::uint8_t, 32> key{};
    const auto answer = originator.respond({"phone", w().ek}, body, qkdnq::relay::key_id{}, key, 1, w().rng);
    if (answer.ok()) {
        fuzz_check(!device.receive(answer.value(), 0).ok(), "an unrequested pull response was accepted");
    } else {
        fuzz_check(answer.error() == qkdnq::status::malformed_message, "unexpected status for a bad request");
    }
}
