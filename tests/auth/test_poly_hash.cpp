// Polynomial hashes over GF(2^128) and GF(2^64) (auth/poly_hash.hpp): field known answers (GCM's
// GHASH after the bit reflection, against NIST's GCM test case 2 and, where libcrypto is linked,
// against OpenSSL's AES-GCM on random inputs), irreducibility of both moduli, the hash against a
// block-by-block reference, streaming, and the length block. The vector kernels are held to the
// references in test_poly_hash_simd.cpp.
#include <qkdnq/auth/poly_hash.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include "support/chunking.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <vector>

#if defined(QKDNQ_TEST_HAVE_OPENSSL)
#include <openssl/evp.h>
#endif

namespace {

using qkdnq::auth::detail::gf128;
namespace ad = qkdnq::auth::detail;

std::vector<std::uint8_t> random_bytes(qkdnq::shake_drbg& rng, std::size_t n) {
    std::vector<std::uint8_t> out(n);
    rng.fill(out);
    return out;
}

// The bit reflection between GHASH's order (leftmost bit = x^0) and this library's (byte j bit i = x^(8j+i)).
std::uint8_t reflect(std::uint8_t b) {
    std::uint8_t r = 0;
    for (unsigned i = 0; i < 8; ++i) r = static_cast<std::uint8_t>(r | (((static_cast<unsigned>(b) >> i) & 1u) << (7u - i)));
    return r;
}
std::vector<std::uint8_t> reflect_bytes(std::span<const std::uint8_t> in) {
    std::vector<std::uint8_t> out(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = reflect(in[i]);
    return out;
}

// GHASH_H(X) for whole 16-byte blocks X, through the natural-basis polynomial evaluation.
std::vector<std::uint8_t> ghash_via_poly(std::span<const std::uint8_t> h, std::span<const std::uint8_t> x) {
    const auto k = reflect_bytes(h);
    const auto blocks = reflect_bytes(x);
    gf128 acc{};
    ad::gf128_blocks_reference(acc, ad::load_gf128(k.data()), blocks.data(), blocks.size() / 16);
    std::array<std::uint8_t, 16> out{};
    ad::store_gf128(out.data(), acc);
    return reflect_bytes(out);
}

// h_k(m) by its definition, a block at a time on the portable multiplication.
template <std::size_t Bits>
std::vector<std::uint8_t> poly_hash_by_definition(std::span<const std::uint8_t> key, std::span<const std::uint8_t> m) {
    constexpr std::size_t B = Bits / 8;
    std::vector<std::uint8_t> padded(m.begin(), m.end());
    padded.resize((m.size() + B - 1) / B * B, 0);
    std::vector<std::uint8_t> length(B, 0);
    qkdnq::store_le64(length.data(), static_cast<std::uint64_t>(m.size()) * 8);
    padded.insert(padded.end(), length.begin(), length.end());
    std::vector<std::uint8_t> out(B);
    if constexpr (Bits == 128) {
        gf128 acc{};
        ad::gf128_blocks_reference(acc, ad::load_gf128(key.data()), padded.data(), padded.size() / B);
        ad::store_gf128(out.data(), acc);
    } else {
        std::uint64_t acc = 0;
        ad::gf64_blocks_reference(acc, qkdnq::load_le64(key.data()), padded.data(), padded.size() / B);
        qkdnq::store_le64(out.data(), acc);
    }
    return out;
}

template <std::size_t N>
std::vector<std::uint8_t> to_vector(const qkdnq::secure_array<N>& a) {
    return {a.data(), a.data() + N};
}

// ---------------------------------------------------------------- polynomials over GF(2), for Rabin's test
using poly = std::vector<std::uint64_t>;  // bit i of word i/64 = coefficient of x^i

int degree(const poly& p) {
    for (std::size_t w = p.size(); w-- > 0;) {
        if (p[w] != 0) return static_cast<int>(64 * w) + 63 - __builtin_clzll(p[w]);
    }
    return -1;
}
bool bit(const poly& p, int i) { return (p[static_cast<std::size_t>(i) / 64] >> (i % 64)) & 1u; }
void add_shifted(poly& a, const poly& b, int shift) {  // a += b x^shift
    for (int i = 0; i <= degree(b); ++i) {
        if (!bit(b, i)) continue;
        const auto j = static_cast<std::size_t>(i + shift);
        if (a.size() <= j / 64) a.resize(j / 64 + 1, 0);
        a[j / 64] ^= std::uint64_t{1} << (j % 64);
    }
}
poly remainder(poly a, const poly& b) {
    const int db = degree(b);
    for (int da = degree(a); da >= db; da = degree(a)) add_shifted(a, b, da - db);
    return a;
}
poly gcd(poly a, poly b) {
    while (degree(b) >= 0) {
        poly r = remainder(a, b);
        a = b;
        b = r;
    }
    return a;
}

}  // namespace

TEST_CASE("GF(2^128) multiplication: hand-computed products", "[auth][kat]") {
    const gf128 one{1, 0}, x{2, 0}, x63{std::uint64_t{1} << 63, 0}, x127{0, std::uint64_t{1} << 63};
    CHECK(ad::mul(x, one) == x);
    CHECK(ad::mul(x63, x) == gf128{0, 1});     // x^64
    CHECK(ad::mul(x127, x) == gf128{0x87, 0});  // x^128 = x^7 + x^2 + x + 1
    CHECK(ad::mul(x127, x127) == ad::mul<true>(x127, x127));
    // x^254 = x^126 x^128 = x^126 (x^7 + x^2 + x + 1) = x^133 + x^128 + x^127 + x^126
    //       = x^5 (x^7 + x^2 + x + 1) + (x^7 + x^2 + x + 1) + x^127 + x^126
    const gf128 expected{(0x87ull << 5) ^ 0x87ull, 0xc000000000000000ull};
    CHECK(ad::mul(x127, x127) == expected);
    CHECK(ad::mul64(std::uint64_t{1} << 63, 2) == 0x1bu);  // x^64 = x^4 + x^3 + x + 1
    CHECK(ad::mul64(std::uint64_t{1} << 63, std::uint64_t{1} << 63) == ad::mul64<true>(std::uint64_t{1} << 63, std::uint64_t{1} << 63));
}

TEST_CASE("GF(2^128) and GF(2^64): the moduli pass Rabin's irreducibility test", "[auth][kat]") {
    // p of degree d = 2^j is irreducible iff x^(2^d) = x mod p and gcd(x^(2^(d/2)) - x, p) = 1.
    SECTION("x^128 + x^7 + x^2 + x + 1") {
        gf128 t{2, 0};
        for (int i = 0; i < 64; ++i) t = ad::mul(t, t);  // x^(2^64)
        const poly p{0x87, 0, 1};
        const poly g = gcd(p, poly{t.lo ^ 2, t.hi});
        CHECK(degree(g) == 0);
        for (int i = 0; i < 64; ++i) t = ad::mul(t, t);
        CHECK(t == gf128{2, 0});
    }
    SECTION("x^64 + x^4 + x^3 + x + 1") {
        std::uint64_t t = 2;
        for (int i = 0; i < 32; ++i) t = ad::mul64(t, t);
        const poly p{0x1b, 1};
        CHECK(degree(gcd(p, poly{t ^ 2})) == 0);
        for (int i = 0; i < 32; ++i) t = ad::mul64(t, t);
        CHECK(t == 2u);
    }
}

TEST_CASE("GF(2^128) evaluation equals GHASH after the bit reflection: NIST GCM test case 2", "[auth][kat]") {
    // SP 800-38D / McGrew-Viega GCM test case 2 (K = 0^128, IV = 0^96, P = 0^128):
    // H = AES_K(0^128), C the ciphertext, the length block len(A) || len(C) = 0 || 128.
    const auto h = qkdnq::from_hex("66e94bd4ef8a2c3b884cfa59ca342b2e");
    auto x = qkdnq::from_hex("0388dace60b6a392f328c2b971b2fe78");
    const auto len = qkdnq::from_hex("00000000000000000000000000000080");
    x.insert(x.end(), len.begin(), len.end());
    CHECK(qkdnq::to_hex(ghash_via_poly(h, x)) == "f38cbb1ad69223dcc3457ae5b6b0f885");
    // The same in the natural basis (../shared/notes/authentication.md §3).
    const gf128 k{0xdc3451f72bd29766ull, 0x74d42c539a5f3211ull};
    const gf128 m1{0x49c56d06735b11c0ull, 0x1e7f4d8e9d4314cfull}, m2{0, 0x0100000000000000ull};
    CHECK(ad::mul(ad::mul(m1, k) ^ m2, k) == gf128{0x3bc4496b58dd31cfull, 0xa11f0d6da75ea2c3ull});
}

#if defined(QKDNQ_TEST_HAVE_OPENSSL)
TEST_CASE("GF(2^128) evaluation equals OpenSSL's GHASH (AES-128-GCM over AAD only) on random inputs", "[auth][kat]") {
    qkdnq::shake_drbg rng(std::uint64_t{128});
    for (const std::size_t aad_bytes : std::initializer_list<std::size_t>{0, 1, 15, 16, 17, 64, 255, 512, 1000, 4096}) {
        const auto key = random_bytes(rng, 16), iv = random_bytes(rng, 12), aad = random_bytes(rng, aad_bytes);
        // OpenSSL's tag: GHASH_H(A || pad || len64(A) || len64(C) = 0) XOR AES_K(J0), J0 = IV || 0^31 || 1.
        std::array<std::uint8_t, 16> tag{};
        {
            EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
            int out_len = 0;
            REQUIRE(EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), nullptr, key.data(), iv.data()) == 1);
            if (!aad.empty()) REQUIRE(EVP_EncryptUpdate(ctx, nullptr, &out_len, aad.data(), static_cast<int>(aad.size())) == 1);
            REQUIRE(EVP_EncryptFinal_ex(ctx, nullptr, &out_len) == 1);
            REQUIRE(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag.data()) == 1);
            EVP_CIPHER_CTX_free(ctx);
        }
        // H = AES_K(0^128) and AES_K(J0) from AES-128-ECB.
        std::array<std::uint8_t, 32> in{}, ecb{};
        std::copy(iv.begin(), iv.end(), in.begin() + 16);
        in[31] = 1;
        {
            EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
            int out_len = 0;
            REQUIRE(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), nullptr, key.data(), nullptr) == 1);
            EVP_CIPHER_CTX_set_padding(ctx, 0);
            REQUIRE(EVP_EncryptUpdate(ctx, ecb.data(), &out_len, in.data(), 32) == 1);
            EVP_CIPHER_CTX_free(ctx);
        }
        std::vector<std::uint8_t> x(aad);
        x.resize((aad.size() + 15) / 16 * 16, 0);
        std::array<std::uint8_t, 16> len{};
        for (int i = 0; i < 8; ++i) len[static_cast<std::size_t>(7 - i)] = static_cast<std::uint8_t>((aad.size() * 8) >> (8 * i));
        x.insert(x.end(), len.begin(), len.end());
        auto ghash = ghash_via_poly(std::span(ecb).first(16), x);
        for (std::size_t i = 0; i < 16; ++i) ghash[i] ^= ecb[16 + i];
        CAPTURE(aad_bytes);
        CHECK(qkdnq::to_hex(ghash) == qkdnq::to_hex(tag));
    }
}
#endif

TEMPLATE_TEST_CASE_SIG("poly_hash equals its block-by-block definition for every length up to 300 bytes", "[auth][property]",
                       ((std::size_t Bits), Bits), 128, 64) {
    qkdnq::shake_drbg rng(std::uint64_t{Bits});
    for (std::size_t len = 0; len <= 300; ++len) {
        const auto key = random_bytes(rng, Bits / 8), m = random_bytes(rng, len);
        const qkdnq::auth::poly_hash_key<Bits> k{std::span<const std::uint8_t>(key)};
        CAPTURE(len);
        REQUIRE(to_vector(qkdnq::auth::poly_hash(k, m)) == poly_hash_by_definition<Bits>(key, m));
    }
}

TEMPLATE_TEST_CASE_SIG("poly_hasher: streaming in any chunks equals one shot; finalize leaves the state", "[auth][property]",
                       ((std::size_t Bits), Bits), 128, 64) {
    qkdnq::shake_drbg rng(std::uint64_t{7});
    std::mt19937_64 chunk_rng(Bits);
    const auto key = random_bytes(rng, Bits / 8);
    const qkdnq::auth::poly_hash_key<Bits> k{std::span<const std::uint8_t>(key)};
    for (const std::size_t len : std::initializer_list<std::size_t>{0, 1, 7, 8, 9, 15, 16, 17, 511, 512, 513, 5000}) {
        const auto m = random_bytes(rng, len);
        qkdnq::auth::poly_hasher<Bits> h(k);
        qkdnq::test::for_random_chunks(std::span<const std::uint8_t>(m), chunk_rng, 0, 70, [&](auto chunk) {
            h.update(chunk);
            (void)h.finalize();  // const: no effect on what follows
        });
        CHECK(h.length() == len);
        CHECK(to_vector(h.finalize()) == to_vector(qkdnq::auth::poly_hash(k, m)));
        h.reset();
        CHECK(to_vector(h.finalize()) == to_vector(qkdnq::auth::poly_hash(k, {})));
    }
}

TEMPLATE_TEST_CASE_SIG("poly_hash: the length block separates messages that differ by trailing zero bytes", "[auth][property]",
                       ((std::size_t Bits), Bits), 128, 64) {
    qkdnq::shake_drbg rng(std::uint64_t{11});
    const auto key = random_bytes(rng, Bits / 8);
    const qkdnq::auth::poly_hash_key<Bits> k{std::span<const std::uint8_t>(key)};
    std::vector<std::uint8_t> m = random_bytes(rng, 5);
    const auto first = to_vector(qkdnq::auth::poly_hash(k, m));
    m.push_back(0);
    CHECK(to_vector(qkdnq::auth::poly_hash(k, m)) != first);
}

TEMPLATE_TEST_CASE_SIG("poly_hash is linear in the message for a fixed length", "[auth][property]", ((std::size_t Bits), Bits), 128,
                       64) {
    // h(a) + h(b) = h(a + b) + h(0^len): the length block enters once on each side.
    qkdnq::shake_drbg rng(std::uint64_t{13});
    const auto key = random_bytes(rng, Bits / 8);
    const qkdnq::auth::poly_hash_key<Bits> k{std::span<const std::uint8_t>(key)};
    for (const std::size_t len : std::initializer_list<std::size_t>{1, 33, 1000}) {
        const auto a = random_bytes(rng, len), b = random_bytes(rng, len);
        std::vector<std::uint8_t> sum(len), zero(len, 0);
        for (std::size_t i = 0; i < len; ++i) sum[i] = static_cast<std::uint8_t>(a[i] ^ b[i]);
        auto left = to_vector(qkdnq::auth::poly_hash(k, a));
        const auto hb = to_vector(qkdnq::auth::poly_hash(k, b));
        auto right = to_vector(qkdnq::auth::poly_hash(k, sum));
        const auto hz = to_vector(qkdnq::auth::poly_hash(k, zero));
        for (std::size_t i = 0; i < left.size(); ++i) {
            left[i] ^= hb[i];
            right[i] ^= hz[i];
        }
        CHECK(left == right);
    }
}

TEST_CASE("poly_hash: bounds, block counts and key checks", "[auth]") {
    using qkdnq::auth::poly_hash_blocks;
    CHECK(poly_hash_blocks<128>(0) == 1);
    CHECK(poly_hash_blocks<128>(16) == 2);
    CHECK(poly_hash_blocks<128>(17) == 3);
    CHECK(poly_hash_blocks<64>(17) == 4);
    CHECK(qkdnq::auth::poly_hash_bound<128>(16) == Approx(2.0 / 3.402823669209385e38));
    CHECK(qkdnq::auth::poly_hash_bound<64>(0) == Approx(1.0 / 18446744073709551616.0));
    const std::vector<std::uint8_t> short_key(15);
    CHECK_THROWS_AS(qkdnq::auth::poly_hash_key<128>{std::span<const std::uint8_t>(short_key)}, qkdnq::invalid_argument);
}
