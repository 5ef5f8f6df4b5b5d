// Writes the seed corpus of fuzz/fuzz_key_delivery.cpp (a genuine push, a pull request and a
// pull response from the fuzz target's own keys, seed 73). From the project root:
//   g++ -std=c++20 -O1 -Iinclude scripts/fuzz_seeds/key_delivery_seeds.cpp -o /tmp/seeds && /tmp/seeds
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/key_delivery.hpp>
#include <cstdio>
#include <fstream>
using kem = qkdnq::ml_kem_768; using dsa = qkdnq::ml_dsa_65;
int main() {
    qkdnq::shake_drbg rng{std::uint64_t{73}};
    std::array<std::uint8_t, kem::ek_size> ek{}; std::array<std::uint8_t, kem::dk_size> dk{};
    std::array<std::uint8_t, dsa::pk_size> vk{}; std::array<std::uint8_t, dsa::sk_size> sk{};
    kem::keygen(ek, dk, rng); dsa::keygen(vk, sk, rng);
    qkdnq::hybrid::key_delivery_originator<> o("KMS", sk, vk);
    qkdnq::hybrid::key_delivery_device<> d("phone", ek, dk, "KMS", vk);
    std::array<std::uint8_t, 32> key{};
    auto push = o.push({"phone", ek}, qkdnq::relay::key_id{}, key, 1, rng);
    auto req = d.request(rng);
    auto resp = o.respond({"phone", ek}, req, qkdnq::relay::key_id{}, key, 1, rng).value();
    auto write = [](const char* name, unsigned char sel, const std::vector<std::uint8_t>& m) {
        std::ofstream f(std::string("fuzz/corpus/key_delivery/") + name, std::ios::binary);
        f.put(static_cast<char>(sel)); f.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size()));
    };
    write("push", 0, push); write("pull_response", 2, resp); write("pull_request", 1, req);
}
