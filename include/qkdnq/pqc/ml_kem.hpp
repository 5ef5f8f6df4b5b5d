// ML-KEM (FIPS 203): key generation, encapsulation and decapsulation for ML-KEM-512/768/1024.
//
// Constant time by construction. The polynomial arithmetic runs on xsimd kernels
// (pqc/crystals/ml_kem_simd.hpp) or on the scalar references (pqc/crystals/ml_kem_poly.hpp) with
// QKDNQ_FORCE_SCALAR; both give identical results.
//
//   auto [ek, dk] = qkdnq::ml_kem_768::generate_key_pair(rng);          // FIPS 203 Alg. 19
//   auto [c, k1] = qkdnq::ml_kem_768::encapsulate(ek, rng);             // Alg. 20
//   auto k2 = qkdnq::ml_kem_768::decapsulate(dk, c);                    // Alg. 21, k1 == k2
//   auto peer = qkdnq::ml_kem_768::encapsulation_key::from_bytes(bytes); // §7.2 check
//   if (!peer) { /* peer.error() == qkdnq::status::malformed_message */ }
//
// The typed objects (encapsulation_key, decapsulation_key, ciphertext, shared_secret) hold
// fixed-size encodings; keys are checked (§7.2, §7.3) when made from bytes. Underneath, every
// algorithm is also available on byte spans, with fixed extents (std::array) or dynamic ones
// (any contiguous byte container; a wrong length throws `qkdnq::invalid_argument`):
// keygen/keygen_internal, encaps/encaps_internal, decaps/decaps_internal.
//
// Input checks on the span API (FIPS 203 §7): `encaps` does not check its key; call
// `check_encapsulation_key` (§7.2) on an encapsulation key from an untrusted source first, and
// `check_decapsulation_key` (§7.3) on a decapsulation key that was not made by `keygen`.
// `decaps` never signals failure: an invalid ciphertext yields the implicit-rejection key
// J(z || c), selected in constant time (Alg. 18, L9-11).
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/pqc/crystals/ml_kem_backend.hpp>
#include <qkdnq/pqc/crystals/ml_kem_poly.hpp>
#include <qkdnq/pqc/crystals/ml_kem_sampling.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

namespace qkdnq {

// ML-KEM with module rank K (FIPS 203 §8, Table 2). All operations are static members.
// `Backend` picks the polynomial kernels (pqc/crystals/ml_kem_backend.hpp); every backend gives
// the same results, so it matters for speed and for differential tests only.
template <int K, class Backend = detail::ml_kem::default_backend>
struct ml_kem_params {
    static_assert(K == 2 || K == 3 || K == 4, "ML-KEM is defined for k = 2, 3, 4");

    static constexpr std::size_t k = K;
    static constexpr unsigned eta1 = K == 2 ? 3 : 2;
    static constexpr unsigned eta2 = 2;
    static constexpr unsigned du = K == 4 ? 11 : 10;
    static constexpr unsigned dv = K == 4 ? 5 : 4;

    static constexpr std::size_t seed_size = 32;           // d, z, m
    static constexpr std::size_t shared_secret_size = 32;  // K
    static constexpr std::size_t ek_size = 384 * k + 32;
    static constexpr std::size_t dk_size = 768 * k + 96;
    static constexpr std::size_t ct_size = 32 * (du * k + dv);
    static constexpr std::size_t dk_pke_size = 384 * k;
    static constexpr std::size_t ek_pke_size = ek_size;
    static constexpr std::size_t ct_u_size = 32 * du * k;

    using shared_secret = secure_array<shared_secret_size>;
    using seed_view = std::span<const std::uint8_t, seed_size>;
    using ek_view = std::span<const std::uint8_t, ek_size>;
    using dk_view = std::span<const std::uint8_t, dk_size>;
    using ct_view = std::span<const std::uint8_t, ct_size>;
    using ek_out = std::span<std::uint8_t, ek_size>;
    using dk_out = std::span<std::uint8_t, dk_size>;
    using ct_out = std::span<std::uint8_t, ct_size>;

    // ---------------------------------------------------------------------------------------
    // ML-KEM (FIPS 203 §6, §7)

    // FIPS 203, Alg. 16 (ML-KEM.KeyGen_internal): ek = ek_PKE, dk = dk_PKE || ek || H(ek) || z.
    static void keygen_internal(seed_view d, seed_view z, ek_out ek, dk_out dk) {
        pke_keygen(d, ek, dk.template first<dk_pke_size>());  // L1
        auto rest = dk.template subspan<dk_pke_size>();
        for (std::size_t i = 0; i < ek_size; ++i) rest[i] = ek[i];  // L3
        const auto h = sha3_256::hash(bytes_view(ek.data(), ek_size));
        for (std::size_t i = 0; i < 32; ++i) rest[ek_size + i] = h[i];
        for (std::size_t i = 0; i < 32; ++i) rest[ek_size + 32 + i] = z[i];
    }

    // FIPS 203, Alg. 19 (ML-KEM.KeyGen): d, z random from `rng`.
    template <random_generator G>
    static void keygen(ek_out ek, dk_out dk, G& rng) {
        secure_array<32> d, z;
        rng.fill(d.span());  // L1
        rng.fill(z.span());  // L2
        keygen_internal(d.span(), z.span(), ek, dk);  // L6
    }

    // FIPS 203, Alg. 17 (ML-KEM.Encaps_internal): returns K, writes c.
    static shared_secret encaps_internal(ek_view ek, seed_view m, ct_out c) {
        std::array<std::uint8_t, 64> g_in{};
        for (std::size_t i = 0; i < 32; ++i) g_in[i] = m[i];
        const auto h = sha3_256::hash(bytes_view(ek.data(), ek_size));
        for (std::size_t i = 0; i < 32; ++i) g_in[32 + i] = h[i];
        auto kr = sha3_512::hash(g_in);  // L1: (K, r) = G(m || H(ek))
        shared_secret key;
        for (std::size_t i = 0; i < 32; ++i) key[i] = kr[i];
        pke_encrypt(ek, m, std::span<const std::uint8_t, 32>(kr.data() + 32, 32), c);  // L2
        secure_zero(std::span<std::uint8_t>(g_in));
        secure_zero(std::span<std::uint8_t>(kr));
        return key;  // L3
    }

    // FIPS 203, Alg. 20 (ML-KEM.Encaps): m random from `rng`. `ek` must have passed
    // check_encapsulation_key if it comes from an untrusted source (§7.2).
    template <random_generator G>
    static shared_secret encaps(ek_view ek, ct_out c, G& rng) {
        secure_array<32> m;
        rng.fill(m.span());                     // L1
        return encaps_internal(ek, m.span(), c);  // L5
    }

    // FIPS 203, Alg. 18 (ML-KEM.Decaps_internal). Never fails: a ciphertext that does not
    // re-encrypt to itself yields J(z || c), chosen in constant time.
    static shared_secret decaps_internal(dk_view dk, ct_view c) {
        const auto dk_pke = dk.template first<dk_pke_size>();                 // L1
        const auto ek_pke = dk.template subspan<dk_pke_size, ek_size>();      // L2
        const auto h = dk.template subspan<dk_pke_size + ek_size, 32>();      // L3
        const auto z = dk.template subspan<dk_pke_size + ek_size + 32, 32>();  // L4

        std::array<std::uint8_t, 64> g_in{};
        pke_decrypt(dk_pke, c, std::span<std::uint8_t, 32>(g_in.data(), 32));  // L5: m'
        for (std::size_t i = 0; i < 32; ++i) g_in[32 + i] = h[i];
        auto kr = sha3_512::hash(g_in);  // L6: (K', r') = G(m' || h)

        shared_secret key;
        {  // L7: K_bar = J(z || c) = SHAKE256(z || c, 32)
            shake256 j;
            j.absorb(z);
            j.absorb(c);
            j.squeeze(key.span());
        }
        std::array<std::uint8_t, ct_size> c_prime{};
        pke_encrypt(ek_pke, std::span<const std::uint8_t, 32>(g_in.data(), 32),
                    std::span<const std::uint8_t, 32>(kr.data() + 32, 32), c_prime);  // L8
        // L9-11: if c != c' then K' = K_bar; constant-time compare and select.
        const std::uint8_t equal = ct::equal_mask(c, c_prime);
        ct::conditional_copy(equal, key.span(), std::span<const std::uint8_t>(kr.data(), 32));

        secure_zero(std::span<std::uint8_t>(g_in));
        secure_zero(std::span<std::uint8_t>(kr));
        secure_zero(std::span<std::uint8_t>(c_prime));
        return key;  // L12
    }

    // FIPS 203, Alg. 21 (ML-KEM.Decaps). The length checks of §7.3 are the span extents.
    static shared_secret decaps(dk_view dk, ct_view c) { return decaps_internal(dk, c); }

    // FIPS 203 §7.2 modulus check: ByteEncode12(ByteDecode12(ek[0:384k])) == ek[0:384k]
    // (every 12-bit coefficient is below q). The length check is the span extent.
    [[nodiscard]] static bool check_encapsulation_key(ek_view ek) noexcept {
        std::array<std::uint8_t, 384> again{};
        for (std::size_t i = 0; i < k; ++i) {
            const auto chunk = std::span<const std::uint8_t, 384>(ek.data() + 384 * i, 384);
            detail::ml_kem::poly f;
            detail::ml_kem::byte_decode<12>(chunk, f.c);
            detail::ml_kem::byte_encode<12>(f.c, again);
            if (!ct::equal(chunk, again)) return false;  // ek is public
        }
        return true;
    }

    // FIPS 203 §7.3 hash check: H(dk[384k : 768k+32]) == dk[768k+32 : 768k+64]. The
    // ciphertext and length checks are the span extents.
    [[nodiscard]] static bool check_decapsulation_key(dk_view dk) noexcept {
        const auto h = sha3_256::hash(bytes_view(dk.data() + dk_pke_size, ek_size));
        return ct::equal(h, bytes_view(dk.data() + dk_pke_size + ek_size, 32));
    }

    // ---------------------------------------------------------------------------------------
    // Typed objects (FIPS 203 §7). Each holds its fixed-size encoding and exposes it as a
    // fixed-extent span. An encapsulation key or decapsulation key can only be made by key
    // generation or from bytes that pass the §7.2 / §7.3 check, so the operations below need no
    // further check. The decapsulation key and the shared secret wipe themselves.

    class encapsulation_key {
    public:
        static constexpr std::size_t size = ek_size;

        // §7.2: status::malformed_message if a coefficient of t_hat is not below q.
        [[nodiscard]] static result<encapsulation_key> from_bytes(ek_view bytes) {
            if (!check_encapsulation_key(bytes)) return status::malformed_message;
            return encapsulation_key(bytes);
        }
        // Throws invalid_argument if bytes.size() != size.
        template <class = void>
        [[nodiscard]] static result<encapsulation_key> from_bytes(bytes_view bytes) {
            detail::require_length("qkdnq::ml_kem::encapsulation_key::from_bytes", "bytes", bytes.size(), size);
            return from_bytes(ek_view(bytes.data(), size));
        }
        [[nodiscard]] ek_view bytes() const noexcept { return m_bytes; }

    private:
        friend struct ml_kem_params;
        encapsulation_key() noexcept = default;
        explicit encapsulation_key(ek_view bytes) noexcept { std::copy(bytes.begin(), bytes.end(), m_bytes.begin()); }
        std::array<std::uint8_t, ek_size> m_bytes{};
    };

    class decapsulation_key {
    public:
        static constexpr std::size_t size = dk_size;

        // §7.3: status::verification_failed if the embedded H(ek) does not match ek.
        [[nodiscard]] static result<decapsulation_key> from_bytes(dk_view bytes) {
            if (!check_decapsulation_key(bytes)) return status::verification_failed;
            return decapsulation_key(bytes);
        }
        // Throws invalid_argument if bytes.size() != size.
        template <class = void>
        [[nodiscard]] static result<decapsulation_key> from_bytes(bytes_view bytes) {
            detail::require_length("qkdnq::ml_kem::decapsulation_key::from_bytes", "bytes", bytes.size(), size);
            return from_bytes(dk_view(bytes.data(), size));
        }
        // The secret encoding dk_PKE || ek || H(ek) || z. Store it as a secret.
        [[nodiscard]] dk_view bytes() const noexcept { return m_bytes.span(); }

    private:
        friend struct ml_kem_params;
        decapsulation_key() noexcept = default;
        explicit decapsulation_key(dk_view bytes) noexcept { std::copy(bytes.begin(), bytes.end(), m_bytes.data()); }
        secure_array<dk_size> m_bytes;
    };

    class ciphertext {
    public:
        static constexpr std::size_t size = ct_size;

        // Any bytes of the right length are a ciphertext (a bad one decapsulates to the
        // implicit-rejection key).
        [[nodiscard]] static ciphertext from_bytes(ct_view bytes) noexcept { return ciphertext(bytes); }
        // Throws invalid_argument if bytes.size() != size.
        template <class = void>
        [[nodiscard]] static ciphertext from_bytes(bytes_view bytes) {
            detail::require_length("qkdnq::ml_kem::ciphertext::from_bytes", "bytes", bytes.size(), size);
            return ciphertext(ct_view(bytes.data(), size));
        }
        [[nodiscard]] ct_view bytes() const noexcept { return m_bytes; }

    private:
        friend struct ml_kem_params;
        ciphertext() noexcept = default;
        explicit ciphertext(ct_view bytes) noexcept { std::copy(bytes.begin(), bytes.end(), m_bytes.begin()); }
        std::array<std::uint8_t, ct_size> m_bytes{};
    };

    struct key_pair {
        encapsulation_key ek;
        decapsulation_key dk;
    };

    struct encapsulation {
        ciphertext c;
        shared_secret key;
    };

    // FIPS 203, Alg. 19 (ML-KEM.KeyGen).
    template <random_generator G>
    [[nodiscard]] static key_pair generate_key_pair(G& rng) {
        secure_array<64> seed;
        rng.fill(seed.span());
        return key_pair_from_seed(seed.span());
    }

    // Alg. 16 from a seed-format key d || z (64 bytes), as ACVP and Wycheproof store keys.
    [[nodiscard]] static key_pair key_pair_from_seed(std::span<const std::uint8_t, 64> seed) {
        key_pair pair{encapsulation_key(), decapsulation_key()};
        keygen_internal(seed.template first<32>(), seed.template last<32>(), pair.ek.m_bytes, pair.dk.m_bytes.span());
        return pair;
    }

    // FIPS 203, Alg. 20 (ML-KEM.Encaps); the key was checked when it was made.
    template <random_generator G>
    [[nodiscard]] static encapsulation encapsulate(const encapsulation_key& ek, G& rng) {
        ciphertext c;
        shared_secret key = encaps(ek.bytes(), c.m_bytes, rng);
        return {c, key};
    }

    // FIPS 203, Alg. 21 (ML-KEM.Decaps). Never fails (implicit rejection).
    [[nodiscard]] static shared_secret decapsulate(const decapsulation_key& dk, const ciphertext& c) {
        return decaps_internal(dk.bytes(), c.bytes());
    }

    // ---------------------------------------------------------------------------------------
    // Length-checked overloads for dynamic spans. They are templates so that a call with
    // arguments of the right fixed extent (std::array, fixed spans) picks the overloads above.

    template <class = void>
    static void keygen_internal(bytes_view d, bytes_view z, mutable_bytes ek, mutable_bytes dk) {
        constexpr const char* where = "qkdnq::ml_kem::keygen_internal";
        detail::require_length(where, "d", d.size(), seed_size);
        detail::require_length(where, "z", z.size(), seed_size);
        detail::require_length(where, "ek", ek.size(), ek_size);
        detail::require_length(where, "dk", dk.size(), dk_size);
        keygen_internal(seed_view(d.data(), seed_size), seed_view(z.data(), seed_size),
                        ek_out(ek.data(), ek_size), dk_out(dk.data(), dk_size));
    }
    // (keygen and encaps with a generator are templates already; these are constrained away
    // whenever the fixed-extent overload applies.)
    template <class Ek, class Dk, random_generator G>
        requires(!(std::is_convertible_v<Ek&&, ek_out> && std::is_convertible_v<Dk&&, dk_out>))
    static void keygen(Ek&& ek_bytes, Dk&& dk_bytes, G& rng) {
        constexpr const char* where = "qkdnq::ml_kem::keygen";
        const mutable_bytes ek(ek_bytes), dk(dk_bytes);
        detail::require_length(where, "ek", ek.size(), ek_size);
        detail::require_length(where, "dk", dk.size(), dk_size);
        keygen(ek_out(ek.data(), ek_size), dk_out(dk.data(), dk_size), rng);
    }
    template <class = void>
    static shared_secret encaps_internal(bytes_view ek, bytes_view m, mutable_bytes c) {
        constexpr const char* where = "qkdnq::ml_kem::encaps_internal";
        detail::require_length(where, "ek", ek.size(), ek_size);
        detail::require_length(where, "m", m.size(), seed_size);
        detail::require_length(where, "c", c.size(), ct_size);
        return encaps_internal(ek_view(ek.data(), ek_size), seed_view(m.data(), seed_size),
                               ct_out(c.data(), ct_size));
    }
    template <class Ek, class C, random_generator G>
        requires(!(std::is_convertible_v<Ek&&, ek_view> && std::is_convertible_v<C&&, ct_out>))
    static shared_secret encaps(Ek&& ek_bytes, C&& c_bytes, G& rng) {
        constexpr const char* where = "qkdnq::ml_kem::encaps";
        const bytes_view ek(ek_bytes);
        const mutable_bytes c(c_bytes);
        detail::require_length(where, "ek", ek.size(), ek_size);
        detail::require_length(where, "c", c.size(), ct_size);
        return encaps(ek_view(ek.data(), ek_size), ct_out(c.data(), ct_size), rng);
    }
    template <class = void>
    static shared_secret decaps_internal(bytes_view dk, bytes_view c) {
        constexpr const char* where = "qkdnq::ml_kem::decaps_internal";
        detail::require_length(where, "dk", dk.size(), dk_size);
        detail::require_length(where, "c", c.size(), ct_size);
        return decaps_internal(dk_view(dk.data(), dk_size), ct_view(c.data(), ct_size));
    }
    template <class = void>
    static shared_secret decaps(bytes_view dk, bytes_view c) {
        constexpr const char* where = "qkdnq::ml_kem::decaps";
        detail::require_length(where, "dk", dk.size(), dk_size);
        detail::require_length(where, "c", c.size(), ct_size);
        return decaps(dk_view(dk.data(), dk_size), ct_view(c.data(), ct_size));
    }
    template <class = void>
    [[nodiscard]] static bool check_encapsulation_key(bytes_view ek) {
        detail::require_length("qkdnq::ml_kem::check_encapsulation_key", "ek", ek.size(), ek_size);
        return check_encapsulation_key(ek_view(ek.data(), ek_size));
    }
    template <class = void>
    [[nodiscard]] static bool check_decapsulation_key(bytes_view dk) {
        detail::require_length("qkdnq::ml_kem::check_decapsulation_key", "dk", dk.size(), dk_size);
        return check_decapsulation_key(dk_view(dk.data(), dk_size));
    }

    // ---------------------------------------------------------------------------------------
    // K-PKE (FIPS 203 §5). Internal building blocks, public for testing.

    using poly = detail::ml_kem::poly;
    using poly_ntt = detail::ml_kem::poly_ntt;
    using poly_vec = std::array<poly, k>;
    using poly_ntt_vec = std::array<poly_ntt, k>;

    using matrix = std::array<poly_ntt, k * k>;

    // A_hat[i][j] = SampleNTT(rho || j || i) (FIPS 203, Alg. 13 L3-7), or with `transpose` the
    // entries of A_hat^T (Alg. 14 L4-8: rho || i || j); entry (i, j) at index k i + j. Four entries
    // at a time.
    static void sample_matrix(std::span<const std::uint8_t, 32> rho, bool transpose, matrix& a) {
        std::array<std::array<std::uint8_t, 34>, 4> seeds{};
        auto seed_of = [&](std::size_t entry, std::array<std::uint8_t, 34>& b) {
            const auto i = static_cast<std::uint8_t>(entry / k), j = static_cast<std::uint8_t>(entry % k);
            std::copy(rho.begin(), rho.end(), b.begin());
            b[32] = transpose ? i : j;
            b[33] = transpose ? j : i;
        };
        std::size_t e = 0;
        for (; e + 4 <= k * k; e += 4) {
            for (std::size_t l = 0; l < 4; ++l) seed_of(e + l, seeds[l]);
            detail::ml_kem::sample_ntt_x4(seeds, {&a[e], &a[e + 1], &a[e + 2], &a[e + 3]});
        }
        for (; e < k * k; ++e) {
            seed_of(e, seeds[0]);
            a[e] = detail::ml_kem::sample_ntt<detail::ml_kem::sample_ntt_block_fast>(seeds[0]);
        }
    }

    // FIPS 203, Alg. 13 (K-PKE.KeyGen).
    static void pke_keygen(seed_view d, ek_out ek, std::span<std::uint8_t, dk_pke_size> dk_pke) {
        std::array<std::uint8_t, 33> g_in{};
        for (std::size_t i = 0; i < 32; ++i) g_in[i] = d[i];
        g_in[32] = static_cast<std::uint8_t>(k);
        auto rho_sigma = sha3_512::hash(g_in);  // L1: (rho, sigma) = G(d || k)
        const auto rho = std::span<const std::uint8_t, 32>(rho_sigma.data(), 32);
        const auto sigma = std::span<const std::uint8_t, 32>(rho_sigma.data() + 32, 32);
        ct::unpoison(rho);  // rho is public (it is part of ek): declassify it for the valgrind check

        poly_vec s, e;  // L8-15 (nonces 0 .. 2k-1)
        std::array<detail::ml_kem::cbd_job, 2 * k> jobs;
        for (std::size_t i = 0; i < k; ++i) {
            jobs[i] = {&s[i], static_cast<std::uint8_t>(i), eta1};
            jobs[k + i] = {&e[i], static_cast<std::uint8_t>(k + i), eta1};
        }
        detail::ml_kem::sample_cbd_prf_jobs(sigma, jobs);
        poly_ntt_vec s_hat, e_hat;
        for (std::size_t i = 0; i < k; ++i) {
            s_hat[i] = Backend::ntt(s[i]);  // L16
            e_hat[i] = Backend::ntt(e[i]);  // L17
        }
        secure_zero(&s, sizeof s);
        secure_zero(&e, sizeof e);

        matrix a;  // L3-7
        sample_matrix(rho, false, a);
        for (std::size_t i = 0; i < k; ++i) {  // L18: t_hat = A_hat o s_hat + e_hat
            poly_ntt t = e_hat[i];
            for (std::size_t j = 0; j < k; ++j) Backend::add_to(t, Backend::multiply_ntts(a[k * i + j], s_hat[j]));
            // L19: ek_PKE = ByteEncode12(t_hat) || rho
            detail::ml_kem::byte_encode<12>(t.c, std::span<std::uint8_t, 384>(ek.data() + 384 * i, 384));
            // L20: dk_PKE = ByteEncode12(s_hat)
            detail::ml_kem::byte_encode<12>(s_hat[i].c, std::span<std::uint8_t, 384>(dk_pke.data() + 384 * i, 384));
        }
        for (std::size_t i = 0; i < 32; ++i) ek[384 * k + i] = rho[i];
        secure_zero(&s_hat, sizeof s_hat);
        secure_zero(&e_hat, sizeof e_hat);
        secure_zero(std::span<std::uint8_t>(g_in));
        secure_zero(std::span<std::uint8_t>(rho_sigma));
    }

    // FIPS 203, Alg. 14 (K-PKE.Encrypt).
    static void pke_encrypt(ek_view ek, std::span<const std::uint8_t, 32> m, std::span<const std::uint8_t, 32> r,
                            ct_out c) {
        poly_ntt_vec t_hat;
        for (std::size_t i = 0; i < k; ++i) {  // L2
            detail::ml_kem::byte_decode<12>(std::span<const std::uint8_t, 384>(ek.data() + 384 * i, 384), t_hat[i].c);
        }
        const auto rho = std::span<const std::uint8_t, 32>(ek.data() + 384 * k, 32);  // L3

        poly_vec y, e1;  // L9-17 (nonces 0 .. 2k)
        poly e2;
        std::array<detail::ml_kem::cbd_job, 2 * k + 1> jobs;
        for (std::size_t i = 0; i < k; ++i) {
            jobs[i] = {&y[i], static_cast<std::uint8_t>(i), eta1};
            jobs[k + i] = {&e1[i], static_cast<std::uint8_t>(k + i), eta2};
        }
        jobs[2 * k] = {&e2, static_cast<std::uint8_t>(2 * k), eta2};
        detail::ml_kem::sample_cbd_prf_jobs(r, jobs);
        poly_ntt_vec y_hat;
        for (std::size_t i = 0; i < k; ++i) y_hat[i] = Backend::ntt(y[i]);  // L18
        secure_zero(&y, sizeof y);

        matrix a_transposed;  // L4-8
        sample_matrix(rho, true, a_transposed);
        for (std::size_t i = 0; i < k; ++i) {  // L19: u = NTT^-1(A_hat^T o y_hat) + e1
            poly_ntt acc;
            for (std::size_t j = 0; j < k; ++j) Backend::add_to(acc, Backend::multiply_ntts(a_transposed[k * i + j], y_hat[j]));
            poly u = Backend::ntt_inverse(acc);
            Backend::add_to(u, e1[i]);
            Backend::template compress<du>(u);  // L22: c1 = ByteEncode_du(Compress_du(u))
            detail::ml_kem::byte_encode<du>(u.c, std::span<std::uint8_t, 32 * du>(c.data() + 32 * du * i, 32 * du));
            secure_zero(&u, sizeof u);
            secure_zero(&acc, sizeof acc);
        }

        poly mu;  // L20: mu = Decompress1(ByteDecode1(m))
        detail::ml_kem::byte_decode<1>(m, mu.c);
        Backend::template decompress<1>(mu);

        poly_ntt acc;  // L21: v = NTT^-1(t_hat^T o y_hat) + e2 + mu
        for (std::size_t j = 0; j < k; ++j) Backend::add_to(acc, Backend::multiply_ntts(t_hat[j], y_hat[j]));
        poly v = Backend::ntt_inverse(acc);
        Backend::add_to(v, e2);
        Backend::add_to(v, mu);
        Backend::template compress<dv>(v);  // L23: c2 = ByteEncode_dv(Compress_dv(v))
        detail::ml_kem::byte_encode<dv>(v.c, std::span<std::uint8_t, 32 * dv>(c.data() + ct_u_size, 32 * dv));

        secure_zero(&y_hat, sizeof y_hat);
        secure_zero(&e1, sizeof e1);
        secure_zero(&e2, sizeof e2);
        secure_zero(&mu, sizeof mu);
        secure_zero(&acc, sizeof acc);
        secure_zero(&v, sizeof v);
    }

    // FIPS 203, Alg. 15 (K-PKE.Decrypt).
    static void pke_decrypt(std::span<const std::uint8_t, dk_pke_size> dk_pke, ct_view c,
                            std::span<std::uint8_t, 32> m) {
        poly_ntt acc;
        for (std::size_t i = 0; i < k; ++i) {
            poly u;  // L3: u' = Decompress_du(ByteDecode_du(c1))
            detail::ml_kem::byte_decode<du>(std::span<const std::uint8_t, 32 * du>(c.data() + 32 * du * i, 32 * du), u.c);
            Backend::template decompress<du>(u);
            poly_ntt s_hat;  // L5: s_hat = ByteDecode12(dk_PKE)
            detail::ml_kem::byte_decode<12>(std::span<const std::uint8_t, 384>(dk_pke.data() + 384 * i, 384), s_hat.c);
            Backend::add_to(acc, Backend::multiply_ntts(s_hat, Backend::ntt(u)));
            secure_zero(&s_hat, sizeof s_hat);
        }
        poly w;  // L4: v' = Decompress_dv(ByteDecode_dv(c2))
        detail::ml_kem::byte_decode<dv>(std::span<const std::uint8_t, 32 * dv>(c.data() + ct_u_size, 32 * dv), w.c);
        Backend::template decompress<dv>(w);
        poly su = Backend::ntt_inverse(acc);
        Backend::sub_from(w, su);  // L6: w = v' - NTT^-1(s_hat^T o NTT(u'))
        Backend::template compress<1>(w);  // L7: m = ByteEncode1(Compress1(w))
        detail::ml_kem::byte_encode<1>(w.c, m);
        secure_zero(&acc, sizeof acc);
        secure_zero(&su, sizeof su);
        secure_zero(&w, sizeof w);
    }
};

using ml_kem_512 = ml_kem_params<2>;
using ml_kem_768 = ml_kem_params<3>;
using ml_kem_1024 = ml_kem_params<4>;

}  // namespace qkdnq
