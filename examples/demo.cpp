// qkdnq demo. It grows, issue by issue, into the end-to-end QKD demo on a simulated link; for
// now it shows the hash layer the rest is built on: SHA3-256, SHAKE256 and KMAC256 of a message.
//
//   qkdnq_demo [message]
#include <qkdnq/qkdnq.hpp>

#include <array>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    const std::string message = argc > 1 ? argv[1] : "QKD keys, carried further with post-quantum cryptography";
    const auto input = qkdnq::as_bytes(message);

    std::printf("qkdnq %s demo (kernels: %s)\n", qkdnq::version_string, qkdnq::simd::arch_name());
    std::printf("message            \"%s\" (%zu bytes)\n", message.c_str(), message.size());

    const auto sha3 = qkdnq::sha3_256::hash(input);
    std::printf("SHA3-256           %s\n", qkdnq::to_hex(sha3).c_str());

    std::array<std::uint8_t, 64> shake{};
    qkdnq::shake256::hash(input, shake);
    std::printf("SHAKE256 (512 bit) %s\n", qkdnq::to_hex(shake).c_str());

    // A KMAC under a throw-away demo key drawn from the OS; the key itself is never printed.
    qkdnq::secure_bytes key(32);
    qkdnq::os_random().fill(key);
    std::array<std::uint8_t, 32> tag{};
    qkdnq::kmac256::mac(key, input, tag, qkdnq::as_bytes("qkdnq demo"));
    std::printf("KMAC256 (fresh key, S=\"qkdnq demo\") %s\n", qkdnq::to_hex(tag).c_str());
    qkdnq::kmac256 verifier(key, qkdnq::as_bytes("qkdnq demo"));
    verifier.update(input);
    std::printf("KMAC256 tag verifies: %s\n", verifier.verify(tag) ? "yes" : "NO");
    return 0;
}
