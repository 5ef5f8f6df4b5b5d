// hash/: SHA-3 and SHA-2 against FIPS known answers, HMAC and KMAC tags with constant-time
// verification, HKDF, and the seeded shake_drbg that makes simulations reproducible.
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/hkdf.hpp>
#include <qkdnq/hash/hmac.hpp>
#include <qkdnq/hash/kmac.hpp>
#include <qkdnq/hash/sha2.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include <array>
#include <cstdio>
#include <span>

int main() {
    // Public data may be printed: the FIPS 202 and FIPS 180-4 examples for "abc".
    const auto sha3 = qkdnq::to_hex(qkdnq::sha3_256::hash(qkdnq::as_bytes("abc")));
    const auto sha2 = qkdnq::to_hex(qkdnq::sha256::hash(qkdnq::as_bytes("abc")));
    std::printf("SHA3-256(abc) = %s\nSHA-256(abc)  = %s\n", sha3.c_str(), sha2.c_str());
    if (sha3 != "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532") return 1;
    if (sha2 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") return 1;

    qkdnq::os_random rng;
    qkdnq::secure_array<32> key;  // wipes itself
    rng.fill(key.span());
    const auto message = qkdnq::as_bytes("syndrome of frame 7");

    // HMAC-SHA-256; verify() compares in constant time and accepts tags truncated to >= 10 bytes.
    const auto tag = qkdnq::hmac<qkdnq::sha256>::mac(key.span(), message);
    qkdnq::hmac<qkdnq::sha256> check(key.span());
    check.update(message);
    if (!check.verify(std::span(tag).first(16))) return 1;

    // KMAC256 with a customization string; the tag length is bound into the output.
    std::array<std::uint8_t, 32> kmac_tag{};
    qkdnq::kmac256 mac(key.span(), qkdnq::as_bytes("my protocol"));
    mac.update(message);
    mac.final(kmac_tag);
    qkdnq::kmac256 forged(key.span(), qkdnq::as_bytes("my protocol"));
    forged.update(qkdnq::as_bytes("syndrome of frame 8"));
    if (forged.verify(kmac_tag)) return 1;
    std::printf("HMAC tag verifies truncated to 16 bytes; KMAC rejects another message\n");

    // HKDF-SHA-256 (RFC 5869): a 48-byte key from input keying material, salt and context.
    qkdnq::secure_array<48> derived;
    qkdnq::hkdf<qkdnq::sha256>(key.span(), qkdnq::as_bytes("salt"), qkdnq::as_bytes("context"), derived.span());

    // shake_drbg: SHAKE256 of a public seed. Reproducible, hence never for keys.
    qkdnq::shake_drbg a(std::uint64_t{42}), b(std::uint64_t{42});
    std::array<std::uint8_t, 16> x{}, y{};
    a.fill(x);
    b.fill(y);
    if (x != y) return 1;
    std::printf("shake_drbg(42) gives the same stream twice: %s...\n", qkdnq::to_hex(std::span(x).first(4)).c_str());
    return 0;
}
