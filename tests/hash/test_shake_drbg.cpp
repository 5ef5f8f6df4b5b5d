#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

// Expected streams computed outside the library with Python's hashlib:
//   hashlib.shake_256(b'qkdnq shake_drbg v1' + (42).to_bytes(8, 'little')).hexdigest(48)
//   hashlib.shake_256(b'qkdnq shake_drbg v1' + b'seed').hexdigest(200)[-32:]   (bytes 184..199)
TEST_CASE("shake_drbg reproduces SHAKE256(domain || seed)", "[hash][drbg][kat]") {
    STATIC_REQUIRE(qkdnq::random_generator<qkdnq::shake_drbg>);
    qkdnq::shake_drbg from_integer(42);
    std::vector<std::uint8_t> out(48);
    from_integer.fill(out);
    CHECK(qkdnq::to_hex(out) ==
          "cc007397e0e039170417b3f2bb198da8d1779ba958bc459c3e4e00877fcc9cc90675da6a0d4d4a394cef99c95bfd6aef");

    qkdnq::shake_drbg from_bytes(qkdnq::as_bytes("seed"));
    std::vector<std::uint8_t> skip(184), tail(16);
    from_bytes.fill(skip);
    from_bytes.fill(tail);  // the stream continues across calls
    CHECK(qkdnq::to_hex(tail) == "2984a63580e2dcf0636bf10ef74275fa");
}

TEST_CASE("shake_drbg: same seed, same stream; different seed, different stream", "[hash][drbg]") {
    qkdnq::shake_drbg a(7), b(7), c(8);
    const auto va = qkdnq::bit_vector::random(10000, a);
    const auto vb = qkdnq::bit_vector::random(10000, b);
    const auto vc = qkdnq::bit_vector::random(10000, c);
    CHECK(va == vb);
    CHECK(hamming_distance(va, vc) > 4500);
    CHECK(hamming_distance(va, vc) < 5500);
}
