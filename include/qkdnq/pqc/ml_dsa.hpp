// ML-DSA (FIPS 204): key generation, signing and verification for ML-DSA-44/65/87, the pure
// interface with a context string, HashML-DSA with the twelve pre-hashes of the ACVP vectors, and
// signing/verifying from an externally computed mu.
//
//   auto [pk, sk] = qkdnq::ml_dsa_65::generate_key_pair(rng);                  // Alg. 1
//   auto sig = qkdnq::ml_dsa_65::sign(sk, message, context, rng);              // Alg. 2, hedged
//   bool ok = qkdnq::ml_dsa_65::verify(pk, message, context, sig);             // Alg. 3
//   auto peer = qkdnq::ml_dsa_65::public_key::from_bytes(bytes);               // result<public_key>
//
// The typed objects (public_key, private_key, signature) hold fixed-size encodings; the private key
// wipes itself. Underneath, every algorithm is also available on byte spans, with fixed extents
// (std::array, fixed spans) or dynamic ones (any contiguous byte container; a wrong length throws
// `qkdnq::invalid_argument`): keygen/keygen_internal, sign/sign_deterministic/sign_internal/
// sign_mu, hash_sign..., verify/verify_internal/verify_mu/hash_verify.
//
// Verification never throws on a bad signature of the right length: a malformed hint encoding
// (Alg. 21), z out of range or a wrong c~ all give false, and the typed `verify` taking signature
// bytes also answers false for a wrong length. A context string longer than 255 bytes is a
// programmer error and throws `invalid_argument` (FIPS 204 Alg. 2 L1-3, Alg. 3 L1-3).
//
// Constant time (docs/security.md): no branch, index or division depends on a secret, with these
// declassifications, each marked where it happens: rho and tr (public, they are in or derived
// from the public key); the accept bit of each RejBoundedPoly candidate; c~ (part of the signature,
// and for rejected attempts a random-oracle output that carries no information about the key);
// the outcome of each rejection test of Alg. 7 L23 and L28 (the Dilithium round-3 specification,
// §5.5, shows that which test rejects, and when, reveals nothing); and z and h once they are
// accepted, since they are then the signature. mldsa-native makes the same declassifications.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/sha2.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/pqc/crystals/ml_dsa_backend.hpp>
#include <qkdnq/pqc/crystals/ml_dsa_poly.hpp>
#include <qkdnq/pqc/crystals/ml_dsa_sampling.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <type_traits>

namespace qkdnq {

// The pre-hash function PH of HashML-DSA (FIPS 204 §5.4, Table 2 lists the approved ones; these
// are the twelve the NIST ACVP vectors use).
enum class ml_dsa_pre_hash : std::uint8_t {
    sha2_224,
    sha2_256,
    sha2_384,
    sha2_512,
    sha2_512_224,
    sha2_512_256,
    sha3_224,
    sha3_256,
    sha3_384,
    sha3_512,
    shake128,  // 256 output bits
    shake256,  // 512 output bits
};

namespace detail::ml_dsa {

// PH(M) with the DER-encoded OID of PH in front: OID || PH(M) (FIPS 204 Alg. 4 L10-22). OIDs
// are 2.16.840.1.101.3.4.2.x (NIST hash algorithms, 06 09 60 86 48 01 65 03 04 02 xx).
struct pre_hashed {
    std::array<std::uint8_t, 11 + 64> bytes{};
    std::size_t size = 0;

    [[nodiscard]] bytes_view view() const noexcept { return bytes_view(bytes.data(), size); }
};

[[nodiscard]] inline std::uint8_t pre_hash_oid_arc(ml_dsa_pre_hash ph) noexcept {
    switch (ph) {
        case ml_dsa_pre_hash::sha2_256: return 0x01;
        case ml_dsa_pre_hash::sha2_384: return 0x02;
        case ml_dsa_pre_hash::sha2_512: return 0x03;
        case ml_dsa_pre_hash::sha2_224: return 0x04;
        case ml_dsa_pre_hash::sha2_512_224: return 0x05;
        case ml_dsa_pre_hash::sha2_512_256: return 0x06;
        case ml_dsa_pre_hash::sha3_224: return 0x07;
        case ml_dsa_pre_hash::sha3_256: return 0x08;
        case ml_dsa_pre_hash::sha3_384: return 0x09;
        case ml_dsa_pre_hash::sha3_512: return 0x0a;
        case ml_dsa_pre_hash::shake128: return 0x0b;
        case ml_dsa_pre_hash::shake256: return 0x0c;
    }
    return 0;
}

inline pre_hashed pre_hash(ml_dsa_pre_hash ph, bytes_view message) {
    pre_hashed out;
    constexpr std::array<std::uint8_t, 10> oid_prefix = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02};
    std::copy(oid_prefix.begin(), oid_prefix.end(), out.bytes.begin());
    out.bytes[10] = pre_hash_oid_arc(ph);
    std::uint8_t* digest = out.bytes.data() + 11;
    auto put = [&](const auto& value) {
        std::copy(value.begin(), value.end(), digest);
        out.size = 11 + value.size();
    };
    switch (ph) {
        case ml_dsa_pre_hash::sha2_224: put(sha224::hash(message)); break;
        case ml_dsa_pre_hash::sha2_256: put(sha256::hash(message)); break;
        case ml_dsa_pre_hash::sha2_384: put(sha384::hash(message)); break;
        case ml_dsa_pre_hash::sha2_512: put(sha512::hash(message)); break;
        case ml_dsa_pre_hash::sha2_512_224: put(sha512_224::hash(message)); break;
        case ml_dsa_pre_hash::sha2_512_256: put(sha512_256::hash(message)); break;
        case ml_dsa_pre_hash::sha3_224: put(sha3_224::hash(message)); break;
        case ml_dsa_pre_hash::sha3_256: put(sha3_256::hash(message)); break;
        case ml_dsa_pre_hash::sha3_384: put(sha3_384::hash(message)); break;
        case ml_dsa_pre_hash::sha3_512: put(sha3_512::hash(message)); break;
        case ml_dsa_pre_hash::shake128: {
            std::array<std::uint8_t, 32> value{};
            shake128::hash(message, value);
            put(value);
            break;
        }
        case ml_dsa_pre_hash::shake256: {
            std::array<std::uint8_t, 64> value{};
            shake256::hash(message, value);
            put(value);
            break;
        }
        default: throw invalid_argument("qkdnq::ml_dsa: argument 'pre_hash' is not a known pre-hash function");
    }
    return out;
}

}  // namespace detail::ml_dsa

// ML-DSA with matrix dimensions K x L (FIPS 204 §4, Table 1). All operations are static members.
// `Backend` picks the polynomial kernels (pqc/crystals/ml_dsa_backend.hpp); every backend gives the
// same results.
template <int K, int L, class Backend = detail::ml_dsa::default_backend>
struct ml_dsa_params {
    static_assert((K == 4 && L == 4) || (K == 6 && L == 5) || (K == 8 && L == 7),
                  "ML-DSA is defined for (k, l) = (4, 4), (6, 5), (8, 7)");

    using poly = detail::ml_dsa::poly;
    using poly_ntt = detail::ml_dsa::poly_ntt;
    static constexpr std::int32_t q = detail::ml_dsa::q;
    static constexpr std::size_t n = detail::ml_dsa::n;
    static constexpr unsigned d = detail::ml_dsa::d;

    // FIPS 204 Table 1
    static constexpr std::size_t k = K;
    static constexpr std::size_t l = L;
    static constexpr unsigned tau = K == 4 ? 39 : K == 6 ? 49 : 60;
    static constexpr unsigned lambda = K == 4 ? 128 : K == 6 ? 192 : 256;
    static constexpr unsigned gamma1_bits = K == 4 ? 17 : 19;
    static constexpr std::int32_t gamma1 = std::int32_t{1} << gamma1_bits;
    static constexpr std::int32_t gamma2 = K == 4 ? detail::ml_dsa::gamma2_low : detail::ml_dsa::gamma2_high;
    static constexpr unsigned eta = K == 6 ? 4 : 2;
    static constexpr std::int32_t beta = static_cast<std::int32_t>(tau * eta);
    static constexpr std::size_t omega = K == 4 ? 80 : K == 6 ? 55 : 75;

    // Encoded sizes in bytes (FIPS 204 Table 2 and §7.2)
    static constexpr unsigned eta_bits = detail::ml_dsa::bit_length(2 * eta);
    static constexpr unsigned t1_bits = detail::ml_dsa::bit_length(q - 1) - d;  // 10
    static constexpr unsigned z_bits = 1 + gamma1_bits;
    static constexpr std::uint32_t w1_max = static_cast<std::uint32_t>((q - 1) / (2 * gamma2) - 1);
    static constexpr unsigned w1_bits = detail::ml_dsa::bit_length(w1_max);
    static constexpr std::size_t seed_size = 32;  // xi
    static constexpr std::size_t rnd_size = 32;
    static constexpr std::size_t mu_size = 64;
    static constexpr std::size_t tr_size = 64;
    static constexpr std::size_t ctilde_size = lambda / 4;
    static constexpr std::size_t max_context_size = 255;
    static constexpr std::size_t eta_poly_size = 32 * eta_bits;
    static constexpr std::size_t t0_poly_size = 32 * d;
    static constexpr std::size_t t1_poly_size = 32 * t1_bits;
    static constexpr std::size_t z_poly_size = 32 * z_bits;
    static constexpr std::size_t w1_poly_size = 32 * w1_bits;
    static constexpr std::size_t pk_size = 32 + k * t1_poly_size;
    static constexpr std::size_t sk_size = 32 + 32 + tr_size + (k + l) * eta_poly_size + k * t0_poly_size;
    static constexpr std::size_t sig_size = ctilde_size + l * z_poly_size + omega + k;
    static_assert(pk_size == (K == 4 ? 1312 : K == 6 ? 1952 : 2592), "FIPS 204 Table 2");
    static_assert(sk_size == (K == 4 ? 2560 : K == 6 ? 4032 : 4896), "FIPS 204 Table 2");
    static_assert(sig_size == (K == 4 ? 2420 : K == 6 ? 3309 : 4627), "FIPS 204 Table 2");

    using seed_view = std::span<const std::uint8_t, seed_size>;
    using rnd_view = std::span<const std::uint8_t, rnd_size>;
    using mu_view = std::span<const std::uint8_t, mu_size>;
    using pk_view = std::span<const std::uint8_t, pk_size>;
    using sk_view = std::span<const std::uint8_t, sk_size>;
    using sig_view = std::span<const std::uint8_t, sig_size>;
    using pk_out = std::span<std::uint8_t, pk_size>;
    using sk_out = std::span<std::uint8_t, sk_size>;
    using sig_out = std::span<std::uint8_t, sig_size>;
    using mu_type = std::array<std::uint8_t, mu_size>;

    // ---------------------------------------------------------------------------------------
    // ML-DSA internal functions (FIPS 204 §6)

    // FIPS 204, Alg. 6 (ML-DSA.KeyGen_internal) from the seed xi.
    static void keygen_internal(seed_view xi, pk_out pk, sk_out sk) {
        std::array<std::uint8_t, 34> h_in{};  // L1: H(xi || IntegerToBytes(k, 1) || IntegerToBytes(l, 1), 128)
        std::copy(xi.begin(), xi.end(), h_in.begin());
        h_in[32] = static_cast<std::uint8_t>(k);
        h_in[33] = static_cast<std::uint8_t>(l);
        secure_array<128> expanded;
        shake256::hash(h_in, expanded.span());
        std::array<std::uint8_t, 32> rho{};
        std::copy_n(expanded.data(), 32, rho.begin());
        ct::unpoison(std::span<std::uint8_t>(rho));  // rho is public (it is in pk)
        const auto rho_prime = std::span<const std::uint8_t, 64>(expanded.data() + 32, 64);
        const auto key = std::span<const std::uint8_t, 32>(expanded.data() + 96, 32);

        matrix a;
        expand_a(rho, a);  // L3
        vec_l s1;
        vec_k s2;
        expand_s(rho_prime, s1, s2);  // L4
        vec_l_ntt s1_hat;
        for (std::size_t j = 0; j < l; ++j) s1_hat[j] = Backend::ntt(s1[j]);
        vec_k t1, t0;
        for (std::size_t i = 0; i < k; ++i) {  // L5: t = NTT^-1(A_hat o NTT(s1)) + s2
            poly_ntt acc;
            for (std::size_t j = 0; j < l; ++j) Backend::multiply_accumulate(acc, a[l * i + j], s1_hat[j]);
            Backend::reduce(acc);
            poly t = Backend::ntt_inverse_montgomery(acc);
            Backend::add_to(t, s2[i]);
            Backend::reduce(t);
            Backend::caddq(t);
            Backend::power2round(t1[i], t0[i], t);  // L6
            secure_zero(&t, sizeof t);
            secure_zero(&acc, sizeof acc);
        }
        pk_encode(rho, t1, pk);  // L8
        std::array<std::uint8_t, tr_size> tr{};
        shake256::hash(bytes_view(pk.data(), pk_size), tr);  // L9
        sk_encode(rho, key, tr, s1, s2, t0, sk);              // L10

        secure_zero(&s1, sizeof s1);
        secure_zero(&s2, sizeof s2);
        secure_zero(&s1_hat, sizeof s1_hat);
        secure_zero(&t0, sizeof t0);
        secure_zero(std::span<std::uint8_t>(h_in));
    }

    // FIPS 204, Alg. 1 (ML-DSA.KeyGen): xi random from `rng`.
    template <random_generator G>
    static void keygen(pk_out pk, sk_out sk, G& rng) {
        secure_array<seed_size> xi;
        rng.fill(xi.span());                    // L1
        keygen_internal(xi.span(), pk, sk);      // L5
    }

    // FIPS 204, Alg. 7 (ML-DSA.Sign_internal) on the formatted message M'.
    static void sign_internal(sk_view sk, bytes_view message_prime, rnd_view rnd, sig_out sig) {
        const auto tr = std::span<const std::uint8_t, tr_size>(sk.data() + 64, tr_size);
        const mu_type mu = mu_from_parts(tr, {message_prime});  // L6
        sign_mu(sk, mu, rnd, sig);
    }

    // FIPS 204, Alg. 7 with mu given (the "external mu" form: L6 done by the caller, for example
    // as compute_mu(pk, message, context) for the pure interface).
    static void sign_mu(sk_view sk, mu_view mu, rnd_view rnd, sig_out sig) {
        signing_key key;
        sk_decode(sk, key);  // L1-4
        ct::unpoison(std::span<std::uint8_t>(key.rho));  // rho is public (it is in pk)
        matrix a;
        expand_a(key.rho, a);  // L5

        std::array<std::uint8_t, 64> rho2{};  // L7: rho'' = H(K || rnd || mu, 64)
        {
            shake256 h;
            h.absorb(key.key);
            h.absorb(rnd);
            h.absorb(mu);
            h.squeeze(rho2);
        }

        // The loop of L9-31. kappa counts in steps of l and enters ExpandMask as a 16-bit
        // integer; the 65535 / l attempts this allows are far above FIPS 204 Appendix C's 814.
        attempt_state s;
        bool accepted = false;
        for (std::uint32_t kappa = 0; kappa + l <= 0xffff && !accepted; kappa += static_cast<std::uint32_t>(l)) {
            accepted = attempt(key, a, mu, rho2, static_cast<std::uint16_t>(kappa), s);
        }
        secure_zero(std::span<std::uint8_t>(rho2));
        if (!accepted) {
            s.wipe();
            throw error("qkdnq::ml_dsa::sign: no signature within 65535 / l attempts (a malformed private key?)");
        }
        sig_encode(s.ctilde, s.z, s.h, sig);  // L33 (z and h were declassified on acceptance)
        s.wipe();
    }

    // FIPS 204, Alg. 8 (ML-DSA.Verify_internal) on the formatted message M'.
    [[nodiscard]] static bool verify_internal(pk_view pk, bytes_view message_prime, sig_view sig) {
        std::array<std::uint8_t, tr_size> tr{};
        shake256::hash(bytes_view(pk.data(), pk_size), tr);   // L6
        return verify_mu(pk, mu_from_parts(tr, {message_prime}), sig);  // L7
    }

    // FIPS 204, Alg. 8 with mu given (external mu).
    [[nodiscard]] static bool verify_mu(pk_view pk, mu_view mu, sig_view sig) {
        std::array<std::uint8_t, 32> rho{};
        vec_k t1;
        pk_decode(pk, rho, t1);  // L1
        std::array<std::uint8_t, ctilde_size> ctilde{};
        vec_l z;
        vec_k h;
        if (!sig_decode(sig, ctilde, z, h)) return false;  // L2-4: h = ⊥
        std::uint32_t z_over = 0;  // L13 (checked first: cheap, and z feeds the NTT below)
        for (const auto& zi : z) z_over |= Backend::norm_exceeds(zi, gamma1 - beta);
        if (z_over != 0) return false;

        matrix a;
        expand_a(rho, a);  // L5
        const poly c = detail::ml_dsa::sample_in_ball<tau>(ctilde);  // L8
        const poly_ntt c_hat = Backend::ntt(c);
        vec_l_ntt z_hat;
        for (std::size_t j = 0; j < l; ++j) z_hat[j] = Backend::ntt(z[j]);
        std::array<std::uint8_t, k * w1_poly_size> w1_bytes{};
        for (std::size_t i = 0; i < k; ++i) {  // L9: w'_approx = NTT^-1(A_hat o NTT(z) - NTT(c) o NTT(t1 2^d))
            poly_ntt acc;
            for (std::size_t j = 0; j < l; ++j) Backend::multiply_accumulate(acc, a[l * i + j], z_hat[j]);
            poly t = t1[i];
            detail::ml_dsa::shift_left_d(t);
            Backend::sub_from(acc, Backend::multiply_ntts(c_hat, Backend::ntt(t)));
            Backend::reduce(acc);
            poly w = Backend::ntt_inverse_montgomery(acc);
            Backend::caddq(w);
            poly w1;
            Backend::template use_hint<gamma2>(w1, h[i], w);  // L10
            w1_encode(w1, std::span<std::uint8_t, w1_poly_size>(w1_bytes.data() + w1_poly_size * i, w1_poly_size));
        }
        std::array<std::uint8_t, ctilde_size> ctilde2{};  // L12: c~' = H(mu || w1Encode(w1'), lambda / 4)
        shake256 hh;
        hh.absorb(mu);
        hh.absorb(w1_bytes);
        hh.squeeze(ctilde2);
        return ct::equal(ctilde, ctilde2);  // L13
    }

    // ---------------------------------------------------------------------------------------
    // ML-DSA external functions (FIPS 204 §5)

    // mu = H(H(pk, 64) || M', 64) with M' = 0 || |ctx| || ctx || M (Alg. 2 L10, Alg. 7 L6): the
    // input of sign_mu / verify_mu for the pure interface. Throws if |ctx| > 255.
    [[nodiscard]] static mu_type compute_mu(pk_view pk, bytes_view message, bytes_view context) {
        check_context("qkdnq::ml_dsa::compute_mu", context);
        std::array<std::uint8_t, tr_size> tr{};
        shake256::hash(bytes_view(pk.data(), pk_size), tr);
        const std::array<std::uint8_t, 2> header = {0, static_cast<std::uint8_t>(context.size())};
        return mu_from_parts(tr, {header, context, message});
    }

    // FIPS 204, Alg. 2 (ML-DSA.Sign) with rnd given (32 random bytes for the hedged variant, or
    // 32 zero bytes for the deterministic one). Throws if |ctx| > 255.
    static void sign(sk_view sk, bytes_view message, bytes_view context, rnd_view rnd, sig_out sig) {
        check_context("qkdnq::ml_dsa::sign", context);  // L1-3
        const std::array<std::uint8_t, 2> header = {0, static_cast<std::uint8_t>(context.size())};  // L10
        const auto tr = std::span<const std::uint8_t, tr_size>(sk.data() + 64, tr_size);
        sign_mu(sk, mu_from_parts(tr, {header, context, message}), rnd, sig);  // L11
    }

    // FIPS 204, Alg. 2, hedged: rnd from `rng` (L5).
    template <random_generator G>
    static void sign(sk_view sk, bytes_view message, bytes_view context, sig_out sig, G& rng) {
        check_context("qkdnq::ml_dsa::sign", context);
        secure_array<rnd_size> rnd;
        rng.fill(rnd.span());
        sign(sk, message, context, rnd.span(), sig);
    }

    // FIPS 204, Alg. 2, deterministic variant: rnd = {0}^32 (L5 note).
    static void sign_deterministic(sk_view sk, bytes_view message, bytes_view context, sig_out sig) {
        const std::array<std::uint8_t, rnd_size> zero{};
        sign(sk, message, context, zero, sig);
    }

    // FIPS 204, Alg. 3 (ML-DSA.Verify). Throws if |ctx| > 255; false for any bad signature.
    [[nodiscard]] static bool verify(pk_view pk, bytes_view message, bytes_view context, sig_view sig) {
        return verify_mu(pk, compute_mu(pk, message, context), sig);  // L1-5
    }

    // FIPS 204, Alg. 4 (HashML-DSA.Sign) with rnd given: M' = 1 || |ctx| || ctx || OID || PH(M).
    static void hash_sign(sk_view sk, bytes_view message, bytes_view context, ml_dsa_pre_hash ph, rnd_view rnd,
                          sig_out sig) {
        check_context("qkdnq::ml_dsa::hash_sign", context);  // L1-3
        const auto ph_m = detail::ml_dsa::pre_hash(ph, message);  // L10-22
        const std::array<std::uint8_t, 2> header = {1, static_cast<std::uint8_t>(context.size())};  // L23
        const auto tr = std::span<const std::uint8_t, tr_size>(sk.data() + 64, tr_size);
        sign_mu(sk, mu_from_parts(tr, {header, context, ph_m.view()}), rnd, sig);  // L24
    }

    // FIPS 204, Alg. 4, hedged (rnd from `rng`).
    template <random_generator G>
    static void hash_sign(sk_view sk, bytes_view message, bytes_view context, ml_dsa_pre_hash ph, sig_out sig, G& rng) {
        check_context("qkdnq::ml_dsa::hash_sign", context);
        secure_array<rnd_size> rnd;
        rng.fill(rnd.span());
        hash_sign(sk, message, context, ph, rnd.span(), sig);
    }

    // FIPS 204, Alg. 4, deterministic (rnd = {0}^32).
    static void hash_sign_deterministic(sk_view sk, bytes_view message, bytes_view context, ml_dsa_pre_hash ph,
                                        sig_out sig) {
        const std::array<std::uint8_t, rnd_size> zero{};
        hash_sign(sk, message, context, ph, zero, sig);
    }

    // FIPS 204, Alg. 5 (HashML-DSA.Verify).
    [[nodiscard]] static bool hash_verify(pk_view pk, bytes_view message, bytes_view context, ml_dsa_pre_hash ph,
                                          sig_view sig) {
        check_context("qkdnq::ml_dsa::hash_verify", context);  // L1-3
        const auto ph_m = detail::ml_dsa::pre_hash(ph, message);  // L5-17
        const std::array<std::uint8_t, 2> header = {1, static_cast<std::uint8_t>(context.size())};  // L18
        std::array<std::uint8_t, tr_size> tr{};
        shake256::hash(bytes_view(pk.data(), pk_size), tr);
        return verify_mu(pk, mu_from_parts(tr, {header, context, ph_m.view()}), sig);  // L19
    }

    // Whether the s1 and s2 of a private-key encoding lie in [-eta, eta] (for eta = 2 the 3-bit
    // fields can also hold 5, 6, 7, which skDecode maps outside the range). FIPS 204 does not
    // define a check of sk; keys from keygen always pass. Constant time; the outcome is
    // declassified. Typed private keys are checked when made from bytes.
    [[nodiscard]] static bool check_private_key(sk_view sk) noexcept {
        std::uint32_t bad = 0;
        const std::uint8_t* p = sk.data() + 128;
        for (std::size_t i = 0; i < k + l; ++i, p += eta_poly_size) {
            poly s;
            detail::ml_dsa::bit_unpack<eta, eta>(std::span<const std::uint8_t, eta_poly_size>(p, eta_poly_size), s.c);
            for (const std::int32_t x : s.c) bad |= static_cast<std::uint32_t>(x + static_cast<std::int32_t>(eta)) >> 31;  // x < -eta
            secure_zero(&s, sizeof s);
        }
        return detail::ml_dsa::declassify(bad) == 0;
    }

    // ---------------------------------------------------------------------------------------
    // Typed objects. Each holds its fixed-size encoding and exposes it as a fixed-extent span.

    class public_key {
    public:
        static constexpr std::size_t size = pk_size;

        // Every pk_size-byte string decodes (t1 has 10-bit fields, all valid), so this succeeds;
        // it returns a result for uniformity with the other key types.
        [[nodiscard]] static result<public_key> from_bytes(pk_view bytes) { return public_key(bytes); }
        // Throws invalid_argument if bytes.size() != size.
        template <class = void>
        [[nodiscard]] static result<public_key> from_bytes(bytes_view bytes) {
            detail::require_length("qkdnq::ml_dsa::public_key::from_bytes", "bytes", bytes.size(), size);
            return from_bytes(pk_view(bytes.data(), size));
        }
        [[nodiscard]] pk_view bytes() const noexcept { return m_bytes; }
        // tr = H(pk, 64) (FIPS 204 Alg. 8 L6), computed once.
        [[nodiscard]] std::span<const std::uint8_t, tr_size> tr() const noexcept { return m_tr; }

    private:
        friend struct ml_dsa_params;
        public_key() noexcept = default;
        explicit public_key(pk_view bytes) {
            std::copy(bytes.begin(), bytes.end(), m_bytes.begin());
            shake256::hash(bytes_view(m_bytes), m_tr);
        }
        std::array<std::uint8_t, pk_size> m_bytes{};
        std::array<std::uint8_t, tr_size> m_tr{};
    };

    class private_key {
    public:
        static constexpr std::size_t size = sk_size;

        // status::malformed_message if s1 or s2 has a coefficient outside [-eta, eta]
        // (check_private_key).
        [[nodiscard]] static result<private_key> from_bytes(sk_view bytes) {
            if (!check_private_key(bytes)) return status::malformed_message;
            return private_key(bytes);
        }
        // Throws invalid_argument if bytes.size() != size.
        template <class = void>
        [[nodiscard]] static result<private_key> from_bytes(bytes_view bytes) {
            detail::require_length("qkdnq::ml_dsa::private_key::from_bytes", "bytes", bytes.size(), size);
            return from_bytes(sk_view(bytes.data(), size));
        }
        // The secret encoding rho || K || tr || s1 || s2 || t0. Store it as a secret.
        [[nodiscard]] sk_view bytes() const noexcept { return m_bytes.span(); }

    private:
        friend struct ml_dsa_params;
        private_key() noexcept = default;
        explicit private_key(sk_view bytes) noexcept { std::copy(bytes.begin(), bytes.end(), m_bytes.data()); }
        secure_array<sk_size> m_bytes;
    };

    class signature {
    public:
        static constexpr std::size_t size = sig_size;

        // status::malformed_message if the hint encoding is malformed (FIPS 204 Alg. 21 returns
        // ⊥), which no signer produces. Other bad signatures are found by verify.
        [[nodiscard]] static result<signature> from_bytes(sig_view bytes) {
            std::array<poly, k> h;
            if (!detail::ml_dsa::hint_bit_unpack<k, omega>(hint_part(bytes), h)) return status::malformed_message;
            return signature(bytes);
        }
        // Throws invalid_argument if bytes.size() != size.
        template <class = void>
        [[nodiscard]] static result<signature> from_bytes(bytes_view bytes) {
            detail::require_length("qkdnq::ml_dsa::signature::from_bytes", "bytes", bytes.size(), size);
            return from_bytes(sig_view(bytes.data(), size));
        }
        [[nodiscard]] sig_view bytes() const noexcept { return m_bytes; }

    private:
        friend struct ml_dsa_params;
        signature() noexcept = default;
        explicit signature(sig_view bytes) noexcept { std::copy(bytes.begin(), bytes.end(), m_bytes.begin()); }
        std::array<std::uint8_t, sig_size> m_bytes{};
    };

    struct key_pair {
        public_key pk;
        private_key sk;
    };

    // FIPS 204, Alg. 1 (ML-DSA.KeyGen).
    template <random_generator G>
    [[nodiscard]] static key_pair generate_key_pair(G& rng) {
        secure_array<seed_size> xi;
        rng.fill(xi.span());
        return key_pair_from_seed(xi.span());
    }

    // Alg. 6 from the 32-byte seed xi (the seed format of ACVP and Wycheproof keys).
    [[nodiscard]] static key_pair key_pair_from_seed(seed_view xi) {
        key_pair pair{public_key(), private_key()};
        keygen_internal(xi, pair.pk.m_bytes, pair.sk.m_bytes.span());
        shake256::hash(bytes_view(pair.pk.m_bytes), pair.pk.m_tr);
        return pair;
    }

    // FIPS 204, Alg. 2 (ML-DSA.Sign), hedged.
    template <random_generator G>
    [[nodiscard]] static signature sign(const private_key& sk, bytes_view message, bytes_view context, G& rng) {
        signature sig;
        sign(sk.bytes(), message, context, sig.m_bytes, rng);
        return sig;
    }
    // FIPS 204, Alg. 2, deterministic (rnd = {0}^32).
    [[nodiscard]] static signature sign_deterministic(const private_key& sk, bytes_view message, bytes_view context) {
        signature sig;
        sign_deterministic(sk.bytes(), message, context, sig.m_bytes);
        return sig;
    }
    // FIPS 204, Alg. 4 (HashML-DSA.Sign), hedged.
    template <random_generator G>
    [[nodiscard]] static signature hash_sign(const private_key& sk, bytes_view message, bytes_view context,
                                             ml_dsa_pre_hash ph, G& rng) {
        signature sig;
        hash_sign(sk.bytes(), message, context, ph, sig.m_bytes, rng);
        return sig;
    }
    // FIPS 204, Alg. 4, deterministic.
    [[nodiscard]] static signature hash_sign_deterministic(const private_key& sk, bytes_view message,
                                                           bytes_view context, ml_dsa_pre_hash ph) {
        signature sig;
        hash_sign_deterministic(sk.bytes(), message, context, ph, sig.m_bytes);
        return sig;
    }

    // FIPS 204, Alg. 3 (ML-DSA.Verify) with the key's cached tr.
    [[nodiscard]] static bool verify(const public_key& pk, bytes_view message, bytes_view context, const signature& sig) {
        check_context("qkdnq::ml_dsa::verify", context);
        const std::array<std::uint8_t, 2> header = {0, static_cast<std::uint8_t>(context.size())};
        return verify_mu(pk.bytes(), mu_from_parts(pk.tr(), {header, context, message}), sig.bytes());
    }
    // The same on signature bytes as received: false if they do not have sig_size bytes.
    [[nodiscard]] static bool verify(const public_key& pk, bytes_view message, bytes_view context, bytes_view sig) {
        check_context("qkdnq::ml_dsa::verify", context);
        if (sig.size() != sig_size) return false;
        const std::array<std::uint8_t, 2> header = {0, static_cast<std::uint8_t>(context.size())};
        return verify_mu(pk.bytes(), mu_from_parts(pk.tr(), {header, context, message}), sig_view(sig.data(), sig_size));
    }
    // FIPS 204, Alg. 5 (HashML-DSA.Verify).
    [[nodiscard]] static bool hash_verify(const public_key& pk, bytes_view message, bytes_view context,
                                          ml_dsa_pre_hash ph, const signature& sig) {
        return hash_verify(pk, message, context, ph, bytes_view(sig.bytes()));
    }
    [[nodiscard]] static bool hash_verify(const public_key& pk, bytes_view message, bytes_view context,
                                          ml_dsa_pre_hash ph, bytes_view sig) {
        check_context("qkdnq::ml_dsa::hash_verify", context);
        if (sig.size() != sig_size) return false;
        const auto ph_m = detail::ml_dsa::pre_hash(ph, message);
        const std::array<std::uint8_t, 2> header = {1, static_cast<std::uint8_t>(context.size())};
        return verify_mu(pk.bytes(), mu_from_parts(pk.tr(), {header, context, ph_m.view()}), sig_view(sig.data(), sig_size));
    }

    // ---------------------------------------------------------------------------------------
    // Length-checked overloads for dynamic spans. They are templates so that a call with
    // arguments of the right fixed extent (std::array, fixed spans) picks the overloads above.

    template <class = void>
    static void keygen_internal(bytes_view xi, mutable_bytes pk, mutable_bytes sk) {
        constexpr const char* where = "qkdnq::ml_dsa::keygen_internal";
        detail::require_length(where, "xi", xi.size(), seed_size);
        detail::require_length(where, "pk", pk.size(), pk_size);
        detail::require_length(where, "sk", sk.size(), sk_size);
        keygen_internal(seed_view(xi.data(), seed_size), pk_out(pk.data(), pk_size), sk_out(sk.data(), sk_size));
    }
    template <class Pk, class Sk, random_generator G>
        requires(!(std::is_convertible_v<Pk&&, pk_out> && std::is_convertible_v<Sk&&, sk_out>))
    static void keygen(Pk&& pk_bytes, Sk&& sk_bytes, G& rng) {
        constexpr const char* where = "qkdnq::ml_dsa::keygen";
        const mutable_bytes pk(pk_bytes), sk(sk_bytes);
        detail::require_length(where, "pk", pk.size(), pk_size);
        detail::require_length(where, "sk", sk.size(), sk_size);
        keygen(pk_out(pk.data(), pk_size), sk_out(sk.data(), sk_size), rng);
    }
    template <class = void>
    static void sign_internal(bytes_view sk, bytes_view message_prime, bytes_view rnd, mutable_bytes sig) {
        constexpr const char* where = "qkdnq::ml_dsa::sign_internal";
        require_sign_lengths(where, sk, sig);
        detail::require_length(where, "rnd", rnd.size(), rnd_size);
        sign_internal(sk_view(sk.data(), sk_size), message_prime, rnd_view(rnd.data(), rnd_size), sig_out(sig.data(), sig_size));
    }
    template <class = void>
    static void sign_mu(bytes_view sk, bytes_view mu, bytes_view rnd, mutable_bytes sig) {
        constexpr const char* where = "qkdnq::ml_dsa::sign_mu";
        require_sign_lengths(where, sk, sig);
        detail::require_length(where, "mu", mu.size(), mu_size);
        detail::require_length(where, "rnd", rnd.size(), rnd_size);
        sign_mu(sk_view(sk.data(), sk_size), mu_view(mu.data(), mu_size), rnd_view(rnd.data(), rnd_size), sig_out(sig.data(), sig_size));
    }
    template <class = void>
    static void sign(bytes_view sk, bytes_view message, bytes_view context, bytes_view rnd, mutable_bytes sig) {
        constexpr const char* where = "qkdnq::ml_dsa::sign";
        require_sign_lengths(where, sk, sig);
        detail::require_length(where, "rnd", rnd.size(), rnd_size);
        sign(sk_view(sk.data(), sk_size), message, context, rnd_view(rnd.data(), rnd_size), sig_out(sig.data(), sig_size));
    }
    template <class Sk, class Sig, random_generator G>
        requires(!(std::is_convertible_v<Sk&&, sk_view> && std::is_convertible_v<Sig&&, sig_out>))
    static void sign(Sk&& sk_bytes, bytes_view message, bytes_view context, Sig&& sig_bytes, G& rng) {
        const bytes_view sk(sk_bytes);
        const mutable_bytes sig(sig_bytes);
        require_sign_lengths("qkdnq::ml_dsa::sign", sk, sig);
        sign(sk_view(sk.data(), sk_size), message, context, sig_out(sig.data(), sig_size), rng);
    }
    template <class = void>
    static void sign_deterministic(bytes_view sk, bytes_view message, bytes_view context, mutable_bytes sig) {
        require_sign_lengths("qkdnq::ml_dsa::sign_deterministic", sk, sig);
        sign_deterministic(sk_view(sk.data(), sk_size), message, context, sig_out(sig.data(), sig_size));
    }
    template <class = void>
    static void hash_sign(bytes_view sk, bytes_view message, bytes_view context, ml_dsa_pre_hash ph, bytes_view rnd,
                          mutable_bytes sig) {
        constexpr const char* where = "qkdnq::ml_dsa::hash_sign";
        require_sign_lengths(where, sk, sig);
        detail::require_length(where, "rnd", rnd.size(), rnd_size);
        hash_sign(sk_view(sk.data(), sk_size), message, context, ph, rnd_view(rnd.data(), rnd_size), sig_out(sig.data(), sig_size));
    }
    template <class Sk, class Sig, random_generator G>
        requires(!(std::is_convertible_v<Sk&&, sk_view> && std::is_convertible_v<Sig&&, sig_out>))
    static void hash_sign(Sk&& sk_bytes, bytes_view message, bytes_view context, ml_dsa_pre_hash ph, Sig&& sig_bytes,
                          G& rng) {
        const bytes_view sk(sk_bytes);
        const mutable_bytes sig(sig_bytes);
        require_sign_lengths("qkdnq::ml_dsa::hash_sign", sk, sig);
        hash_sign(sk_view(sk.data(), sk_size), message, context, ph, sig_out(sig.data(), sig_size), rng);
    }
    template <class = void>
    static void hash_sign_deterministic(bytes_view sk, bytes_view message, bytes_view context, ml_dsa_pre_hash ph,
                                        mutable_bytes sig) {
        require_sign_lengths("qkdnq::ml_dsa::hash_sign_deterministic", sk, sig);
        hash_sign_deterministic(sk_view(sk.data(), sk_size), message, context, ph, sig_out(sig.data(), sig_size));
    }
    template <class = void>
    [[nodiscard]] static bool verify_internal(bytes_view pk, bytes_view message_prime, bytes_view sig) {
        require_verify_lengths("qkdnq::ml_dsa::verify_internal", pk, sig);
        return verify_internal(pk_view(pk.data(), pk_size), message_prime, sig_view(sig.data(), sig_size));
    }
    template <class = void>
    [[nodiscard]] static bool verify_mu(bytes_view pk, bytes_view mu, bytes_view sig) {
        constexpr const char* where = "qkdnq::ml_dsa::verify_mu";
        require_verify_lengths(where, pk, sig);
        detail::require_length(where, "mu", mu.size(), mu_size);
        return verify_mu(pk_view(pk.data(), pk_size), mu_view(mu.data(), mu_size), sig_view(sig.data(), sig_size));
    }
    template <class = void>
    [[nodiscard]] static bool verify(bytes_view pk, bytes_view message, bytes_view context, bytes_view sig) {
        require_verify_lengths("qkdnq::ml_dsa::verify", pk, sig);
        return verify(pk_view(pk.data(), pk_size), message, context, sig_view(sig.data(), sig_size));
    }
    template <class = void>
    [[nodiscard]] static bool hash_verify(bytes_view pk, bytes_view message, bytes_view context, ml_dsa_pre_hash ph,
                                          bytes_view sig) {
        require_verify_lengths("qkdnq::ml_dsa::hash_verify", pk, sig);
        return hash_verify(pk_view(pk.data(), pk_size), message, context, ph, sig_view(sig.data(), sig_size));
    }
    template <class = void>
    [[nodiscard]] static mu_type compute_mu(bytes_view pk, bytes_view message, bytes_view context) {
        detail::require_length("qkdnq::ml_dsa::compute_mu", "pk", pk.size(), pk_size);
        return compute_mu(pk_view(pk.data(), pk_size), message, context);
    }
    template <class = void>
    [[nodiscard]] static bool check_private_key(bytes_view sk) {
        detail::require_length("qkdnq::ml_dsa::check_private_key", "sk", sk.size(), sk_size);
        return check_private_key(sk_view(sk.data(), sk_size));
    }

    // ---------------------------------------------------------------------------------------
    // Building blocks (FIPS 204 §7). Internal, public for testing.

    using vec_k = std::array<poly, k>;
    using vec_l = std::array<poly, l>;
    using vec_k_ntt = std::array<poly_ntt, k>;
    using vec_l_ntt = std::array<poly_ntt, l>;
    using matrix = std::array<poly_ntt, k * l>;  // A_hat[i][j] at index l i + j

    // Calls job(first, count) over 0..total in groups of four (count = 4, or less for the last
    // group); the samplers below run each group on the four-way SHAKE.
    template <class Job>
    static void in_fours(std::size_t total, Job&& job) {
        for (std::size_t first = 0; first < total; first += 4) job(first, std::min<std::size_t>(4, total - first));
    }

    // FIPS 204, Alg. 32 (ExpandA): A_hat[r][s] = RejNTTPoly(rho || IntegerToBytes(s, 1) ||
    // IntegerToBytes(r, 1)), four entries at a time. rho is public.
    static void expand_a(std::span<const std::uint8_t, 32> rho, matrix& a) {
        std::array<std::array<std::uint8_t, 34>, 4> seeds{};
        std::array<poly_ntt, 4> spare;
        in_fours(k * l, [&](std::size_t first, std::size_t count) {
            std::array<poly_ntt*, 4> out{};
            for (std::size_t lane = 0; lane < 4; ++lane) {
                const std::size_t entry = first + std::min(lane, count - 1);  // spare lanes repeat the last entry
                std::copy(rho.begin(), rho.end(), seeds[lane].begin());
                seeds[lane][32] = static_cast<std::uint8_t>(entry % l);  // s
                seeds[lane][33] = static_cast<std::uint8_t>(entry / l);  // r
                out[lane] = lane < count ? &a[entry] : &spare[lane];
            }
            if (count == 1) {
                a[first] = detail::ml_dsa::rej_ntt_poly(seeds[0]);
            } else {
                detail::ml_dsa::rej_ntt_poly_x4(seeds, out);
            }
        });
    }

    // FIPS 204, Alg. 33 (ExpandS): s1[r] = RejBoundedPoly(rho' || IntegerToBytes(r, 2)),
    // s2[r] = RejBoundedPoly(rho' || IntegerToBytes(r + l, 2)), four at a time.
    static void expand_s(std::span<const std::uint8_t, 64> rho_prime, vec_l& s1, vec_k& s2) {
        std::array<std::array<std::uint8_t, 66>, 4> seeds{};
        std::array<poly, 4> spare;
        auto target = [&](std::size_t r) -> poly& { return r < l ? s1[r] : s2[r - l]; };
        in_fours(l + k, [&](std::size_t first, std::size_t count) {
            std::array<poly*, 4> out{};
            for (std::size_t lane = 0; lane < 4; ++lane) {
                const std::size_t r = first + std::min(lane, count - 1);
                std::copy(rho_prime.begin(), rho_prime.end(), seeds[lane].begin());
                seeds[lane][64] = static_cast<std::uint8_t>(r);
                seeds[lane][65] = 0;
                out[lane] = lane < count ? &target(r) : &spare[lane];
            }
            if (count == 1) {
                target(first) = detail::ml_dsa::rej_bounded_poly<eta>(seeds[0]);
            } else {
                detail::ml_dsa::rej_bounded_poly_x4<eta>(seeds, out);
            }
        });
        secure_zero(&seeds, sizeof seeds);
        secure_zero(&spare, sizeof spare);
    }

    // FIPS 204, Alg. 34 (ExpandMask): y[r] = BitUnpack(H(rho'' || IntegerToBytes(kappa + r, 2),
    // 32 c), gamma1 - 1, gamma1), four at a time.
    static void expand_mask(std::span<const std::uint8_t, 64> rho2, std::uint16_t kappa, vec_l& y) {
        std::array<poly, 4> spare;
        in_fours(l, [&](std::size_t first, std::size_t count) {
            if (count == 1) {
                y[first] = detail::ml_dsa::expand_mask_poly<gamma1_bits>(rho2, static_cast<std::uint16_t>(kappa + first));
                return;
            }
            std::array<std::uint16_t, 4> nonces{};
            std::array<poly*, 4> out{};
            for (std::size_t lane = 0; lane < 4; ++lane) {
                const std::size_t r = first + std::min(lane, count - 1);
                nonces[lane] = static_cast<std::uint16_t>(kappa + r);
                out[lane] = lane < count ? &y[r] : &spare[lane];
            }
            detail::ml_dsa::expand_mask_x4<gamma1_bits>(rho2, nonces, out);
        });
        secure_zero(&spare, sizeof spare);
    }

    // FIPS 204, Alg. 22 (pkEncode) and Alg. 23 (pkDecode).
    static void pk_encode(std::span<const std::uint8_t, 32> rho, const vec_k& t1, pk_out pk) noexcept {
        std::copy(rho.begin(), rho.end(), pk.begin());
        for (std::size_t i = 0; i < k; ++i) {
            detail::ml_dsa::simple_bit_pack<(1u << t1_bits) - 1>(t1[i].c, std::span<std::uint8_t, t1_poly_size>(pk.data() + 32 + t1_poly_size * i, t1_poly_size));
        }
    }
    static void pk_decode(pk_view pk, std::span<std::uint8_t, 32> rho, vec_k& t1) noexcept {
        std::copy_n(pk.begin(), 32, rho.begin());
        for (std::size_t i = 0; i < k; ++i) {
            detail::ml_dsa::simple_bit_unpack<(1u << t1_bits) - 1>(std::span<const std::uint8_t, t1_poly_size>(pk.data() + 32 + t1_poly_size * i, t1_poly_size), t1[i].c);
        }
    }

    // FIPS 204, Alg. 24 (skEncode): rho || K || tr || BitPack(s1, eta, eta) || BitPack(s2, eta, eta)
    // || BitPack(t0, 2^(d-1) - 1, 2^(d-1)).
    static void sk_encode(std::span<const std::uint8_t, 32> rho, std::span<const std::uint8_t, 32> key,
                          std::span<const std::uint8_t, tr_size> tr, const vec_l& s1, const vec_k& s2, const vec_k& t0,
                          sk_out sk) noexcept {
        std::uint8_t* p = sk.data();
        p = std::copy(rho.begin(), rho.end(), p);
        p = std::copy(key.begin(), key.end(), p);
        p = std::copy(tr.begin(), tr.end(), p);
        for (const auto& s : s1) {
            detail::ml_dsa::bit_pack<eta, eta>(s.c, std::span<std::uint8_t, eta_poly_size>(p, eta_poly_size));
            p += eta_poly_size;
        }
        for (const auto& s : s2) {
            detail::ml_dsa::bit_pack<eta, eta>(s.c, std::span<std::uint8_t, eta_poly_size>(p, eta_poly_size));
            p += eta_poly_size;
        }
        for (const auto& t : t0) {
            detail::ml_dsa::bit_pack<(1u << (d - 1)) - 1, 1u << (d - 1)>(t.c, std::span<std::uint8_t, t0_poly_size>(p, t0_poly_size));
            p += t0_poly_size;
        }
    }

    // The decoded private key in the form the signer uses: s1, s2, t0 already in the NTT domain.
    // Wipes itself.
    struct signing_key {
        std::array<std::uint8_t, 32> rho{};
        std::array<std::uint8_t, 32> key{};
        vec_l_ntt s1_hat;
        vec_k_ntt s2_hat;
        vec_k_ntt t0_hat;
        signing_key() noexcept = default;
        signing_key(const signing_key&) = delete;
        signing_key& operator=(const signing_key&) = delete;
        ~signing_key() { secure_zero(this, sizeof *this); }
    };

    // FIPS 204, Alg. 25 (skDecode), then Alg. 7 L2-4 (NTT of s1, s2, t0). tr stays in sk.
    static void sk_decode(sk_view sk, signing_key& out) noexcept {
        const std::uint8_t* p = sk.data();
        std::copy_n(p, 32, out.rho.begin());
        std::copy_n(p + 32, 32, out.key.begin());
        p += 128;
        poly s;
        for (std::size_t j = 0; j < l; ++j, p += eta_poly_size) {
            detail::ml_dsa::bit_unpack<eta, eta>(std::span<const std::uint8_t, eta_poly_size>(p, eta_poly_size), s.c);
            out.s1_hat[j] = Backend::ntt(s);
        }
        for (std::size_t i = 0; i < k; ++i, p += eta_poly_size) {
            detail::ml_dsa::bit_unpack<eta, eta>(std::span<const std::uint8_t, eta_poly_size>(p, eta_poly_size), s.c);
            out.s2_hat[i] = Backend::ntt(s);
        }
        for (std::size_t i = 0; i < k; ++i, p += t0_poly_size) {
            detail::ml_dsa::bit_unpack<(1u << (d - 1)) - 1, 1u << (d - 1)>(std::span<const std::uint8_t, t0_poly_size>(p, t0_poly_size), s.c);
            out.t0_hat[i] = Backend::ntt(s);
        }
        secure_zero(&s, sizeof s);
    }

    // FIPS 204, Alg. 26 (sigEncode): c~ || BitPack(z, gamma1 - 1, gamma1) || HintBitPack(h).
    // z holds the representatives mod± q; h is public (an accepted hint).
    static void sig_encode(std::span<const std::uint8_t, ctilde_size> ctilde, const vec_l& z, const vec_k& h,
                           sig_out sig) noexcept {
        std::copy(ctilde.begin(), ctilde.end(), sig.begin());
        for (std::size_t j = 0; j < l; ++j) {
            detail::ml_dsa::bit_pack<gamma1 - 1, gamma1>(z[j].c, std::span<std::uint8_t, z_poly_size>(sig.data() + ctilde_size + z_poly_size * j, z_poly_size));
        }
        detail::ml_dsa::hint_bit_pack<k, omega>(h, hint_part(sig));
    }

    // FIPS 204, Alg. 27 (sigDecode); false where HintBitUnpack returns ⊥.
    [[nodiscard]] static bool sig_decode(sig_view sig, std::span<std::uint8_t, ctilde_size> ctilde, vec_l& z, vec_k& h) noexcept {
        std::copy_n(sig.begin(), ctilde_size, ctilde.begin());
        for (std::size_t j = 0; j < l; ++j) {
            detail::ml_dsa::bit_unpack<gamma1 - 1, gamma1>(std::span<const std::uint8_t, z_poly_size>(sig.data() + ctilde_size + z_poly_size * j, z_poly_size), z[j].c);
        }
        return detail::ml_dsa::hint_bit_unpack<k, omega>(hint_part(sig), h);
    }

    // FIPS 204, Alg. 28 (w1Encode), one polynomial.
    static void w1_encode(const poly& w1, std::span<std::uint8_t, w1_poly_size> out) noexcept {
        detail::ml_dsa::simple_bit_pack<w1_max>(w1.c, out);
    }

private:
    static void check_context(const char* where, bytes_view context) {
        detail::require_at_most(where, "context", context.size(), max_context_size);
    }
    static void require_sign_lengths(const char* where, bytes_view sk, mutable_bytes sig) {
        detail::require_length(where, "sk", sk.size(), sk_size);
        detail::require_length(where, "sig", sig.size(), sig_size);
    }
    static void require_verify_lengths(const char* where, bytes_view pk, bytes_view sig) {
        detail::require_length(where, "pk", pk.size(), pk_size);
        detail::require_length(where, "sig", sig.size(), sig_size);
    }

    template <class Span>
    static auto hint_part(Span sig) noexcept {
        return sig.template subspan<sig_size - omega - k, omega + k>();
    }

    // H(tr || parts..., 64): mu of Alg. 7 L6 with M' given in pieces.
    static mu_type mu_from_parts(std::span<const std::uint8_t, tr_size> tr, std::initializer_list<bytes_view> parts) {
        shake256 h;
        h.absorb(tr);
        for (const auto part : parts) h.absorb(part);
        mu_type mu{};
        h.squeeze(mu);
        return mu;
    }

    // The state of one signing attempt; wiped after the last one.
    struct attempt_state {
        std::array<std::uint8_t, ctilde_size> ctilde{};
        vec_l y, z;
        vec_k w0, w1, h;
        void wipe() noexcept { secure_zero(this, sizeof *this); }
    };

    // One pass of FIPS 204 Alg. 7 L11-31 with kappa = `kappa`. True when (z, h) is accepted; then
    // s.ctilde, s.z (mod± q) and s.h hold the signature's parts, declassified.
    static bool attempt(const signing_key& key, const matrix& a, mu_view mu, std::span<const std::uint8_t, 64> rho2,
                        std::uint16_t kappa, attempt_state& s) {
        expand_mask(rho2, kappa, s.y);  // L11: y = ExpandMask(rho'', kappa)
        vec_l_ntt y_hat;
        for (std::size_t j = 0; j < l; ++j) y_hat[j] = Backend::ntt(s.y[j]);
        std::array<std::uint8_t, k * w1_poly_size> w1_bytes{};
        for (std::size_t i = 0; i < k; ++i) {  // L12: w = NTT^-1(A_hat o NTT(y))
            poly_ntt acc;
            for (std::size_t j = 0; j < l; ++j) Backend::multiply_accumulate(acc, a[l * i + j], y_hat[j]);
            Backend::reduce(acc);
            poly w = Backend::ntt_inverse_montgomery(acc);
            Backend::caddq(w);
            Backend::template decompose<gamma2>(s.w1[i], s.w0[i], w);  // L13: w1 = HighBits(w)
            w1_encode(s.w1[i], std::span<std::uint8_t, w1_poly_size>(w1_bytes.data() + w1_poly_size * i, w1_poly_size));
            secure_zero(&w, sizeof w);
            secure_zero(&acc, sizeof acc);
        }
        secure_zero(&y_hat, sizeof y_hat);
        {  // L15: c~ = H(mu || w1Encode(w1), lambda / 4)
            shake256 h;
            h.absorb(mu);
            h.absorb(w1_bytes);
            h.squeeze(s.ctilde);
        }
        secure_zero(std::span<std::uint8_t>(w1_bytes));
        // c~ is the signature's first part, and for a rejected attempt a random-oracle output
        // that says nothing about the key (Dilithium round-3 spec §5.5): declassified.
        ct::unpoison(std::span<std::uint8_t>(s.ctilde));
        const poly c = detail::ml_dsa::sample_in_ball<tau>(s.ctilde);  // L16
        const poly_ntt c_hat = Backend::ntt(c);                        // L17

        std::uint32_t reject = 0;
        for (std::size_t j = 0; j < l; ++j) {  // L18, L20: z = y + <<c s1>>
            s.z[j] = Backend::ntt_inverse_montgomery(Backend::multiply_ntts(c_hat, key.s1_hat[j]));
            Backend::add_to(s.z[j], s.y[j]);
            Backend::centre(s.z[j]);
            reject |= Backend::norm_exceeds(s.z[j], gamma1 - beta);  // L23
        }
        // The outcome of each test of L23 is public (see the header comment).
        if (detail::ml_dsa::declassify(reject) != 0) return false;

        std::uint32_t ones = 0;
        for (std::size_t i = 0; i < k; ++i) {
            // L19, L21: r0 = LowBits(w - <<c s2>>) = w0 - <<c s2>> when it passes the check below.
            poly cs2 = Backend::ntt_inverse_montgomery(Backend::multiply_ntts(c_hat, key.s2_hat[i]));
            poly r0 = s.w0[i];
            Backend::sub_from(r0, cs2);
            Backend::centre(r0);
            const std::uint32_t r0_over = Backend::norm_exceeds(r0, gamma2 - beta);  // L23
            // L25: <<c t0>> = NTT^-1(c_hat o t0_hat)
            poly ct0 = Backend::ntt_inverse_montgomery(Backend::multiply_ntts(c_hat, key.t0_hat[i]));
            Backend::centre(ct0);
            const std::uint32_t ct0_over = Backend::norm_exceeds(ct0, gamma2);  // L28
            // L26: h = MakeHint(-<<c t0>>, w - <<c s2>> + <<c t0>>), as make_hint_low(r0 + ct0, w1).
            Backend::add_to(r0, ct0);
            ones += Backend::template make_hint<gamma2>(s.h[i], r0, s.w1[i]);
            secure_zero(&r0, sizeof r0);
            secure_zero(&cs2, sizeof cs2);
            secure_zero(&ct0, sizeof ct0);
            if (detail::ml_dsa::declassify(r0_over | ct0_over) != 0) return false;
        }
        // L28: more than omega ones in h.
        if (detail::ml_dsa::declassify(ct::is_less(static_cast<std::uint32_t>(omega), ones)) != 0) return false;
        // Accepted: z and h are now the signature, public.
        ct::unpoison(&s.z, sizeof s.z);
        ct::unpoison(&s.h, sizeof s.h);
        return true;
    }
};

using ml_dsa_44 = ml_dsa_params<4, 4>;
using ml_dsa_65 = ml_dsa_params<6, 5>;
using ml_dsa_87 = ml_dsa_params<8, 7>;

}  // namespace qkdnq
