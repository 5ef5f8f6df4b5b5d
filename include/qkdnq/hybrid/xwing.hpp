// X-Wing: the ML-KEM-768 + X25519 hybrid KEM of draft-connolly-cfrg-xwing-kem (§5), with its
// SHA3-256 combiner.
//
//   auto pair = qkdnq::hybrid::xwing::generate_key_pair(rng);
//   auto enc = qkdnq::hybrid::xwing::encapsulate(pair.pk, rng);   // result: pk may be malformed
//   if (!enc) ...
//   auto ss = qkdnq::hybrid::xwing::decapsulate(pair.sk, enc->ct);  // == enc->ss
//
// The secret key is the 32-byte seed; the ML-KEM and X25519 keys are expanded from it with
// SHAKE256 on every use, as the draft specifies. Constant time as its parts are.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/hybrid/x25519.hpp>
#include <qkdnq/pqc/ml_kem.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace qkdnq::hybrid {

struct xwing {
    using ml_kem = ml_kem_768;
    static constexpr std::size_t seed_size = 32;
    static constexpr std::size_t public_key_size = ml_kem::ek_size + x25519_bytes;  // 1216
    static constexpr std::size_t ciphertext_size = ml_kem::ct_size + x25519_bytes;  // 1120
    static constexpr std::size_t shared_secret_size = 32;
    static constexpr std::size_t encapsulation_seed_size = 64;

    using secret_key = secure_array<seed_size>;
    using public_key = std::array<std::uint8_t, public_key_size>;
    using ciphertext = std::array<std::uint8_t, ciphertext_size>;
    using shared_secret = secure_array<shared_secret_size>;

    struct key_pair {
        secret_key sk;
        public_key pk;
    };
    struct encapsulation {
        ciphertext ct;
        shared_secret ss;
    };

    // §5.2 DeriveKeyPair(sk): (dk_M, ek_M, sk_X, pk_X) from SHAKE256(sk, 96).
    [[nodiscard]] static key_pair derive_key_pair(std::span<const std::uint8_t, seed_size> seed) {
        key_pair pair;
        std::copy(seed.begin(), seed.end(), pair.sk.data());
        expanded_key keys(seed);
        std::copy(keys.ek_m.begin(), keys.ek_m.end(), pair.pk.begin());
        std::copy(keys.pk_x.begin(), keys.pk_x.end(), pair.pk.begin() + ml_kem::ek_size);
        return pair;
    }

    // §5.2 GenerateKeyPair: a random 32-byte seed.
    template <random_generator G>
    [[nodiscard]] static key_pair generate_key_pair(G& rng) {
        secret_key seed;
        rng.fill(seed.span());
        return derive_key_pair(seed.span());
    }

    // §5.4 EncapsulateDerand(pk, eseed): status::malformed_message if the ML-KEM part of pk fails
    // FIPS 203 §7.2's modulus check.
    [[nodiscard]] static result<encapsulation> encapsulate_derand(const public_key& pk,
                                                                  std::span<const std::uint8_t, encapsulation_seed_size> eseed) {
        const std::span<const std::uint8_t, ml_kem::ek_size> ek_m(pk.data(), ml_kem::ek_size);
        const std::span<const std::uint8_t, x25519_bytes> pk_x(pk.data() + ml_kem::ek_size, x25519_bytes);
        if (!ml_kem::check_encapsulation_key(ek_m)) return status::malformed_message;
        encapsulation out;
        // §5.4 lines 1-4: ek_X = eseed[32:64], ct_X = X25519(ek_X, 9), ss_X = X25519(ek_X, pk_X).
        const auto ek_x = eseed.template subspan<32, 32>();
        constexpr std::array<std::uint8_t, 32> base_point = {9};
        const x25519_secret ct_x = x25519(ek_x, base_point);
        const x25519_secret ss_x = x25519(ek_x, pk_x);
        // Line 5: (ss_M, ct_M) = ML-KEM-768.EncapsDerand(pk_M, eseed[0:32]).
        const std::span<std::uint8_t, ml_kem::ct_size> ct_m(out.ct.data(), ml_kem::ct_size);
        const ml_kem::shared_secret ss_m = ml_kem::encaps_internal(ek_m, eseed.template first<32>(), ct_m);
        std::copy_n(ct_x.data(), x25519_bytes, out.ct.data() + ml_kem::ct_size);
        // Lines 6-7.
        out.ss = combine(ss_m.span(), ss_x.span(), ct_x.span(), pk_x);
        return out;
    }

    // §5.3 Encapsulate(pk): 64 random bytes, then EncapsulateDerand.
    template <random_generator G>
    [[nodiscard]] static result<encapsulation> encapsulate(const public_key& pk, G& rng) {
        secure_array<encapsulation_seed_size> eseed;
        rng.fill(eseed.span());
        return encapsulate_derand(pk, eseed.span());
    }

    // §5.5 Decapsulate(sk, ct). Never fails (ML-KEM's implicit rejection).
    [[nodiscard]] static shared_secret decapsulate(const secret_key& sk, const ciphertext& ct) {
        expanded_key keys(sk.span());
        const std::span<const std::uint8_t, ml_kem::ct_size> ct_m(ct.data(), ml_kem::ct_size);
        const std::span<const std::uint8_t, x25519_bytes> ct_x(ct.data() + ml_kem::ct_size, x25519_bytes);
        const ml_kem::shared_secret ss_m = ml_kem::decaps_internal(keys.dk_m.span(), ct_m);  // line 3
        const x25519_secret ss_x = x25519(keys.sk_x.span(), ct_x);                            // line 4
        return combine(ss_m.span(), ss_x.span(), ct_x, keys.pk_x);                           // line 5
    }

    // Length-checked forms for dynamic spans (invalid_argument on a wrong length).
    template <class = void>
    [[nodiscard]] static key_pair derive_key_pair(bytes_view seed) {
        if (seed.size() != seed_size) qkdnq::detail::throw_invalid_length("qkdnq::hybrid::xwing::derive_key_pair", "seed", seed.size(), "32");
        return derive_key_pair(std::span<const std::uint8_t, seed_size>(seed.data(), seed_size));
    }
    template <class = void>
    [[nodiscard]] static public_key public_key_from_bytes(bytes_view bytes) {
        if (bytes.size() != public_key_size) {
            qkdnq::detail::throw_invalid_length("qkdnq::hybrid::xwing::public_key_from_bytes", "bytes", bytes.size(), "1216");
        }
        public_key pk;
        std::copy_n(bytes.data(), public_key_size, pk.begin());
        return pk;
    }
    template <class = void>
    [[nodiscard]] static ciphertext ciphertext_from_bytes(bytes_view bytes) {
        if (bytes.size() != ciphertext_size) {
            qkdnq::detail::throw_invalid_length("qkdnq::hybrid::xwing::ciphertext_from_bytes", "bytes", bytes.size(), "1120");
        }
        ciphertext ct;
        std::copy_n(bytes.data(), ciphertext_size, ct.begin());
        return ct;
    }

private:
    // §5.2 expandDecapsulationKey(sk).
    struct expanded_key {
        secure_array<ml_kem::dk_size> dk_m;
        std::array<std::uint8_t, ml_kem::ek_size> ek_m{};
        secure_array<x25519_bytes> sk_x;
        std::array<std::uint8_t, x25519_bytes> pk_x{};

        explicit expanded_key(std::span<const std::uint8_t, seed_size> seed) {
            secure_array<96> expanded;
            shake256::hash(seed, expanded.span());
            ml_kem::keygen_internal(expanded.span().first<32>(), expanded.span().subspan<32, 32>(), ek_m, dk_m.span());
            std::copy_n(expanded.data() + 64, x25519_bytes, sk_x.data());
            constexpr std::array<std::uint8_t, 32> base_point = {9};
            const x25519_secret pk = x25519(sk_x.span(), base_point);
            std::copy_n(pk.data(), x25519_bytes, pk_x.begin());
        }
    };

    // §5.1 Combiner: SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel), XWingLabel = "\.//^\".
    static shared_secret combine(std::span<const std::uint8_t, 32> ss_m, std::span<const std::uint8_t, 32> ss_x,
                                 std::span<const std::uint8_t, 32> ct_x, std::span<const std::uint8_t, 32> pk_x) {
        constexpr std::array<std::uint8_t, 6> label = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};
        sha3_256 h;
        h.update(ss_m);
        h.update(ss_x);
        h.update(ct_x);
        h.update(pk_x);
        h.update(label);
        shared_secret ss;
        h.final(ss.span());
        return ss;
    }
};

}  // namespace qkdnq::hybrid
