// The constant-time check, run under valgrind memcheck (tests/ct/CMakeLists.txt).
//
// Each check marks its secret inputs undefined with ct::poison, runs the operation, and marks
// the outputs defined again. Memcheck reports "Conditional jump or move depends on uninitialised
// value(s)" or "Use of uninitialised value" for every branch, memory index or division that
// depends on a poisoned byte (the technique of ctgrind, botan's CT::poison and mlkem-native's
// MLK_CT_TESTING_SECRET). The program exits 99 through --error-exitcode on any report.
//
// `qkdnq_ct_check --leaky` runs a deliberately leaky comparison instead; ctest expects that run to
// fail, which shows the check can catch a leak in this build.
#include <qkdnq/amplify/detail/gf2x.hpp>
#include <qkdnq/amplify/detail/gf2x_fft.hpp>
#include <qkdnq/amplify/toeplitz.hpp>
#include <qkdnq/auth/channel.hpp>
#include <qkdnq/auth/poly_hash.hpp>
#include <qkdnq/auth/wegman_carter.hpp>
#include <qkdnq/core/base64.hpp>
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/hkdf.hpp>
#include <qkdnq/hash/hmac.hpp>
#include <qkdnq/hash/kmac.hpp>
#include <qkdnq/hash/sha2.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hash/shake_x4.hpp>
#include <qkdnq/hybrid/combiner.hpp>
#include <qkdnq/hybrid/key_delivery.hpp>
#include <qkdnq/hybrid/x25519.hpp>
#include <qkdnq/hybrid/xwing.hpp>
#include <qkdnq/pqc/ml_dsa.hpp>
#include <qkdnq/pqc/ml_kem.hpp>
#include <qkdnq/reconcile/permutation.hpp>
#include <qkdnq/reconcile/verify.hpp>
#include <qkdnq/simd/clmul.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using qkdnq::ct::poison;
using qkdnq::ct::unpoison;

template <class Container>
void poison_all(const Container& c) {
    poison(c.data(), c.size() * sizeof(c[0]));
}
template <class Container>
void unpoison_all(const Container& c) {
    unpoison(c.data(), c.size() * sizeof(c[0]));
}

std::vector<std::uint8_t> random_bytes(std::size_t n) {
    std::vector<std::uint8_t> out(n);
    qkdnq::os_random().fill(out);
    return out;
}

int g_sink = 0;  // keeps results alive

void check_ct_equal() {
    auto a = random_bytes(64);
    auto b = a;
    auto c = a;
    c[17] ^= 1;
    poison_all(a);
    poison_all(b);
    poison_all(c);
    g_sink += qkdnq::ct::equal(a, b) ? 1 : 0;  // ct::equal declassifies only its outcome
    g_sink += qkdnq::ct::equal(a, c) ? 1 : 0;
    std::uint32_t x = 0x12345678, y = 0x12345679;
    poison(&x, sizeof x);
    poison(&y, sizeof y);
    std::uint32_t picked = qkdnq::ct::select(qkdnq::ct::is_less(x, y), x, y);
    picked ^= qkdnq::ct::is_equal(x, y);
    unpoison(&picked, sizeof picked);
    g_sink += static_cast<int>(picked & 1);
}

void check_bit_vector() {
    qkdnq::os_random rng;
    auto key = qkdnq::bit_vector::random(4096, rng);
    auto pad = qkdnq::bit_vector::random(4096, rng);
    poison(key.words().data(), key.words().size_bytes());
    poison(pad.words().data(), pad.words().size_bytes());
    key ^= pad;          // relay-style one-time pad
    key &= pad;
    bool bit = pad[5];   // reading a secret bit is fine; branching on it is not
    key.set(7, bit);
    auto part = key.slice(13, 1000);
    part.append(key.slice(0, 77));
    unpoison(part.words().data(), part.words().size_bytes());
    unpoison(key.words().data(), key.words().size_bytes());
    g_sink += static_cast<int>(part.words()[0] & 1) + static_cast<int>(key.words()[0] & 1);
}

// Carry-less products of secret words, the scalar reference and the one clmul64 uses here.
void check_clmul() {
    qkdnq::os_random rng;
    for (int round = 0; round < 8; ++round) {
        std::uint64_t a = qkdnq::random_u64(rng), b = qkdnq::random_u64(rng);
        poison(&a, sizeof a);
        poison(&b, sizeof b);
        auto p = qkdnq::simd::clmul64_scalar(a, b);
        auto q = qkdnq::simd::clmul64(a, b);
        unpoison(&p, sizeof p);
        unpoison(&q, sizeof q);
        g_sink += static_cast<int>((p.lo ^ q.hi) & 1);
    }
}

// Toeplitz hashing of a secret key with a secret seed (the seed may also be drawn from shared
// key), at sizes that take each product algorithm of amplify/detail/gf2x.hpp.
void check_toeplitz() {
    qkdnq::os_random rng;
    for (const std::size_t n : {std::size_t{100}, std::size_t{5000}, std::size_t{70000}}) {
        const std::size_t m = n / 2 + 1;
        auto key = qkdnq::bit_vector::random(n, rng);
        auto seed = qkdnq::bit_vector::random(qkdnq::toeplitz_seed_bits(n, m), rng);
        auto seed2 = qkdnq::bit_vector::random(qkdnq::modified_toeplitz_seed_bits(n, m), rng);
        poison(key.words().data(), key.words().size_bytes());
        poison(seed.words().data(), seed.words().size_bytes());
        poison(seed2.words().data(), seed2.words().size_bytes());
        auto out = qkdnq::toeplitz_hash(key, seed, m);
        auto out2 = qkdnq::modified_toeplitz_hash(key, seed2, m);
        unpoison(out.words().data(), out.words().size_bytes());
        unpoison(out2.words().data(), out2.words().size_bytes());
        g_sink += static_cast<int>((out.words()[0] ^ out2.words()[0]) & 1);
    }
}

// HMAC with a secret key over a secret message; the tag is secret until unpoisoned, and
// verify() declassifies only its outcome. Key lengths below, at and above the block size take
// the three key-preparation paths (pad, copy, hash first).
template <class Hash>
void check_hmac() {
    for (std::size_t key_size : {std::size_t{16}, Hash::block_size, Hash::block_size + 9}) {
        auto key = random_bytes(key_size);
        auto message = random_bytes(300);
        poison_all(key);
        poison_all(message);
        auto tag = qkdnq::hmac<Hash>::mac(key, message);
        qkdnq::hmac<Hash> verifier(key);
        verifier.update(message);
        g_sink += verifier.verify(tag) ? 1 : 0;
        unpoison_all(tag);
        g_sink += tag[0] & 1;
    }
}

void check_hkdf() {
    auto ikm = random_bytes(48);
    auto salt = random_bytes(16);
    poison_all(ikm);
    std::array<std::uint8_t, 200> okm{};
    qkdnq::hkdf<qkdnq::sha256>(ikm, salt, qkdnq::as_bytes("ct check"), okm);
    unpoison_all(okm);
    g_sink += okm[0] & 1;
}

template <class Kmac, class KmacXof>
void check_kmac() {
    for (std::size_t key_size : {std::size_t{16}, std::size_t{32}, std::size_t{200}}) {
        auto key = random_bytes(key_size);
        auto message = random_bytes(500);
        poison_all(key);
        poison_all(message);
        std::array<std::uint8_t, 32> tag{};
        Kmac::mac(key, message, tag, qkdnq::as_bytes("ct"));
        Kmac verifier(key, qkdnq::as_bytes("ct"));
        verifier.update(message);
        g_sink += verifier.verify(tag) ? 1 : 0;
        KmacXof xof(key, qkdnq::as_bytes("ct"));
        xof.update(message);
        std::array<std::uint8_t, 300> stream{};
        xof.squeeze(stream);
        unpoison_all(tag);
        unpoison_all(stream);
        g_sink += (tag[0] ^ stream[0]) & 1;
    }
}

// Four-way SHAKE on poisoned inputs in ML-KEM's shapes (PRF: 33 bytes to 192; SampleNTT: 34 bytes
// to three blocks, then one more), plus an input over two blocks and split squeezes. The outputs
// are declassified and compared with the single-lane SHAKE of the same inputs.
template <class X4, class Single>
void check_shake_x4(std::size_t in_size, std::size_t first_squeeze, std::size_t second_squeeze) {
    std::array<std::vector<std::uint8_t>, 4> in;
    for (auto& v : in) {
        v = random_bytes(in_size);
        poison_all(v);
    }
    std::array<std::vector<std::uint8_t>, 4> out;
    for (auto& v : out) v.resize(first_squeeze + second_squeeze);
    X4 x;
    x.absorb({in[0], in[1], in[2], in[3]});
    x.squeeze({qkdnq::mutable_bytes(out[0]).first(first_squeeze), qkdnq::mutable_bytes(out[1]).first(first_squeeze),
               qkdnq::mutable_bytes(out[2]).first(first_squeeze), qkdnq::mutable_bytes(out[3]).first(first_squeeze)});
    x.squeeze({qkdnq::mutable_bytes(out[0]).subspan(first_squeeze), qkdnq::mutable_bytes(out[1]).subspan(first_squeeze),
               qkdnq::mutable_bytes(out[2]).subspan(first_squeeze), qkdnq::mutable_bytes(out[3]).subspan(first_squeeze)});
    for (std::size_t j = 0; j < 4; ++j) {
        std::vector<std::uint8_t> expected(out[j].size());
        Single::hash(in[j], expected);
        unpoison_all(out[j]);
        unpoison_all(expected);
        if (out[j] != expected) {
            std::puts("shake_x4 differs from single-lane SHAKE");
            std::exit(1);
        }
    }
}

// ML-KEM with the seeds d, z, m and the secret half of dk poisoned: key generation, encapsulation,
// decapsulation of a valid and of a modified ciphertext (implicit rejection), and both key
// checks. The public outputs (ek, c) are declassified, as a real protocol sends them.
template <class Kem>
void check_ml_kem() {
    std::array<std::uint8_t, 32> d{}, z{}, m{};
    qkdnq::os_random rng;
    rng.fill(d);
    rng.fill(z);
    rng.fill(m);
    std::array<std::uint8_t, Kem::ek_size> ek{};
    std::array<std::uint8_t, Kem::dk_size> dk{};
    std::array<std::uint8_t, Kem::ct_size> c{};
    poison_all(d);
    poison_all(z);
    poison_all(m);
    Kem::keygen_internal(d, z, ek, dk);
    unpoison_all(ek);  // ek is public, and so is its copy and hash inside dk (FIPS 203 Alg. 16)
    unpoison(dk.data() + Kem::dk_pke_size, Kem::ek_size + 32);
    g_sink += Kem::check_encapsulation_key(ek) ? 1 : 0;
    g_sink += Kem::check_decapsulation_key(dk) ? 1 : 0;
    auto sender_key = Kem::encaps_internal(ek, m, c);
    unpoison_all(c);  // the ciphertext is public
    auto receiver_key = Kem::decaps_internal(dk, c);
    c[7] ^= 1;
    auto rejection_key = Kem::decaps_internal(dk, c);
    g_sink += qkdnq::ct::equal(sender_key.span(), receiver_key.span()) ? 1 : 0;
    g_sink += qkdnq::ct::equal(sender_key.span(), rejection_key.span()) ? 1 : 0;
}

// ML-DSA with xi, the private key and rnd poisoned: key generation, deterministic and hedged
// signing (pure, HashML-DSA, external mu), the private-key range check, and verification of the
// result. Only what FIPS 204 makes public is declassified: pk and the signatures here, and inside
// the library rho, tr, c~, each rejection test's outcome, RejBoundedPoly's accept bits, and z, h
// once accepted (see the header comment of pqc/ml_dsa.hpp).
template <class Dsa>
void check_ml_dsa() {
    std::array<std::uint8_t, 32> xi{}, rnd{};
    qkdnq::os_random rng;
    rng.fill(xi);
    rng.fill(rnd);
    const auto message = random_bytes(100);
    const auto context = random_bytes(20);
    std::array<std::uint8_t, Dsa::pk_size> pk{};
    std::array<std::uint8_t, Dsa::sk_size> sk{};
    std::array<std::uint8_t, Dsa::sig_size> sig{};
    poison_all(xi);
    Dsa::keygen_internal(xi, pk, sk);
    unpoison_all(pk);  // the public key is public
    poison_all(sk);    // all of sk secret, even its public rho and tr
    poison_all(rnd);
    g_sink += Dsa::check_private_key(sk) ? 1 : 0;

    Dsa::sign_deterministic(sk, message, context, sig);  // Alg. 2 with rnd = 0^32
    unpoison_all(sig);
    g_sink += Dsa::verify(pk, message, context, sig) ? 1 : 0;

    Dsa::sign(sk, message, context, rnd, sig);  // hedged, secret rnd
    unpoison_all(sig);
    g_sink += Dsa::verify(pk, message, context, sig) ? 1 : 0;

    Dsa::hash_sign(sk, message, context, qkdnq::ml_dsa_pre_hash::sha2_512, rnd, sig);  // Alg. 4
    unpoison_all(sig);
    g_sink += Dsa::hash_verify(pk, message, context, qkdnq::ml_dsa_pre_hash::sha2_512, sig) ? 1 : 0;

    const auto mu = Dsa::compute_mu(pk, message, context);  // external mu
    Dsa::sign_mu(sk, mu, rnd, sig);
    unpoison_all(sig);
    g_sink += Dsa::verify_mu(pk, mu, sig) ? 1 : 0;
}

// The additive-FFT product and middle product of GF(2)[x] (Toeplitz hashing of huge keys) on
// secret operands: rows of 2^8 elements, and (`large`) rows of 2^16 elements on two threads.
template <class Kernel>
void check_gf2x_fft(bool large) {
    for (const auto& [na, nb, threads] : {std::tuple<std::size_t, std::size_t, unsigned>{3000, 2000, 1},
                                          {131072, 500, 2}}) {
        if (na > 3000 && !large) continue;
        std::vector<std::uint64_t> a(na), b(nb), c(na + nb), m(na - nb);
        const auto bytes = random_bytes(8 * (na + nb));
        std::memcpy(a.data(), bytes.data(), 8 * na);
        std::memcpy(b.data(), bytes.data() + 8 * na, 8 * nb);
        poison_all(a);
        poison_all(b);
        qkdnq::detail::gf2x::fft_middle_product<Kernel>(a, b, m, threads);
        if (na < 10000) qkdnq::detail::gf2x::fft_multiply<Kernel>(a, b, c, threads);
        unpoison_all(m);
        unpoison_all(c);
        g_sink += static_cast<int>((m[0] ^ c[nb]) & 1);
    }
}

// A deliberately leaky comparison (early exit on the first difference).
bool leaky_equal(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i]) return false;
    }
    return true;
}

}  // namespace

// GF(2)[x] products and middle products of secret word arrays (Toeplitz seeds and keys), at
// sizes that reach the base case, Karatsuba, Toom-3 and both middle-product recursions of the
// compiled kernel (thresholds in amplify/detail/gf2x_karatsuba.hpp).
void check_gf2x() {
    namespace gf2x = qkdnq::detail::gf2x;
    const auto words = [](std::size_t n) {
        std::vector<std::uint64_t> v(n);
        qkdnq::os_random().fill(std::span(reinterpret_cast<std::uint8_t*>(v.data()), 8 * n));
        return v;
    };
    const std::size_t big = 3 * gf2x::toom3_threshold + 5, mbig = 3 * gf2x::mp_toom3_threshold + 7;
    for (const auto& [na, nb] : {std::pair<std::size_t, std::size_t>{3, 5}, {40, 33}, {big, big - 2}, {big, 19}}) {
        auto a = words(na), b = words(nb);
        std::vector<std::uint64_t> c(na + nb);
        poison_all(a);
        poison_all(b);
        std::vector<std::uint64_t> ws(gf2x::mul_scratch_words(na, nb));
        gf2x::mul(a, b, c, ws);  // the Karatsuba/Toom engine itself, whatever the front's FFT crossover
        unpoison_all(c);
        g_sink += static_cast<int>(c[0] & 1);
    }
    for (const auto& [na, nb] : {std::pair<std::size_t, std::size_t>{7, 4}, {2 * mbig, mbig}, {mbig + mbig / 2, mbig}}) {
        auto a = words(na), b = words(nb);
        std::vector<std::uint64_t> out(na - nb);
        poison_all(a);
        poison_all(b);
        std::vector<std::uint64_t> ws(gf2x::middle_scratch_words(na, nb));
        gf2x::middle(a, b, out, ws);
        unpoison_all(out);
        g_sink += static_cast<int>(out[0] & 1);
    }
}

// Polynomial hashes with a secret key over secret data (a relayed key can be the message), on
// every kernel compiled in this build, at lengths that take the tails and whole 32-block chunks;
// Wegman-Carter tags with a secret pad, verify declassifying only its outcome; the channel with
// a secret pre-shared key, per-message and delayed.
// Error verification hashes the (secret) reconciled key; the pass permutations move its bits.
void check_reconcile() {
    for (const std::size_t n : {std::size_t{1}, std::size_t{1000}, std::size_t{4097}}) {
        qkdnq::shake_drbg rng(n);
        qkdnq::bit_vector key = qkdnq::bit_vector::random(n, rng);
        poison(key.words().data(), key.words().size_bytes());
        auto message = qkdnq::reconcile::make_verification_message(key, {}, rng);
        unpoison_all(message);  // public: sent in the clear
        const auto outcome = qkdnq::reconcile::check_verification_message(key, message, {});
        unpoison(&outcome, sizeof outcome);
        g_sink += outcome.status == qkdnq::reconcile::verify_status::match ? 1 : 0;
        for (const auto kind : {qkdnq::reconcile::shuffle_kind::uniform, qkdnq::reconcile::shuffle_kind::word_transpose}) {
            const qkdnq::reconcile::pass_permutation perm(n, 7, 1, kind);
            qkdnq::bit_vector view;
            perm.apply(key, view);
            unpoison(view.words().data(), view.words().size_bytes());
            g_sink += static_cast<int>(view.words()[0] & 1);
        }
        unpoison(key.words().data(), key.words().size_bytes());
    }
}

template <std::size_t Bits>
void check_poly_hash() {
    namespace ad = qkdnq::auth::detail;
    for (const std::size_t len : {std::size_t{0}, std::size_t{5}, std::size_t{16}, std::size_t{700}, std::size_t{2048 + 24}}) {
        auto key = random_bytes(Bits / 8), message = random_bytes(len), pad = random_bytes(Bits / 8);
        poison_all(key);
        poison_all(message);
        poison_all(pad);
        const qkdnq::auth::poly_hash_key<Bits> k{std::span<const std::uint8_t>(key)};
        auto digest = qkdnq::auth::poly_hash(k, message);
        unpoison(digest.data(), digest.size());
        constexpr auto kernels = Bits == 128 ? std::span<const ad::poly_kernel>(ad::gf128_kernels) : std::span<const ad::poly_kernel>(ad::gf64_kernels);
        for (const ad::poly_kernel kernel : kernels) {
            if constexpr (Bits == 128) {
                ad::gf128 acc{};
                ad::gf128_blocks(kernel, acc, k.powers(), message.data(), len / 16);
                unpoison(&acc, sizeof acc);
                g_sink += static_cast<int>(acc.lo & 1);
            } else {
                std::uint64_t acc = 0;
                ad::gf64_blocks(kernel, acc, k.powers(), message.data(), len / 8);
                unpoison(&acc, sizeof acc);
                g_sink += static_cast<int>(acc & 1);
            }
        }
        const qkdnq::auth::wegman_carter<Bits> wc{std::span<const std::uint8_t>(key)};
        auto tag = wc.tag(message, pad);
        unpoison_all(tag);  // public once padded
        auto ok = wc.verify(message, pad, tag);
        unpoison(&ok, sizeof ok);
        g_sink += ok == qkdnq::status::ok ? 1 : 0;
    }
    for (const auto mode : {qkdnq::auth::authentication::per_message, qkdnq::auth::authentication::delayed}) {
        auto psk = random_bytes(qkdnq::auth::authenticated_channel<Bits>::min_pre_shared_bytes + 256);
        poison_all(psk);
        qkdnq::auth::authenticated_channel<Bits> alice({.session_id = 1, .side = qkdnq::auth::role::alice, .mode = mode}, psk);
        qkdnq::auth::authenticated_channel<Bits> bob({.session_id = 1, .side = qkdnq::auth::role::bob, .mode = mode}, psk);
        for (int i = 0; i < 3; ++i) {
            auto payload = random_bytes(40);
            poison_all(payload);
            auto wire = alice.wrap(payload);
            unpoison_all(*wire);  // the wire bytes are sent in the clear
            auto got = bob.unwrap(*wire);
            g_sink += got.ok() ? 1 : 0;
        }
        if (mode == qkdnq::auth::authentication::delayed) {
            auto tag = alice.close_round();
            unpoison_all(*tag);
            g_sink += bob.unwrap(*tag).ok() ? 1 : 0;
        }
    }
}

// X25519: the private key poisoned; the peer's public key is public. The zero test of the shared
// secret declassifies only its outcome.
void check_x25519() {
    qkdnq::shake_drbg rng(25519);
    auto a = qkdnq::hybrid::x25519_generate(rng);
    const auto b = qkdnq::hybrid::x25519_generate(rng);
    const auto peer = qkdnq::hybrid::x25519_public_key(b);
    poison(a.data(), a.size());
    auto own = qkdnq::hybrid::x25519_public_key(a);
    auto shared = qkdnq::hybrid::x25519_shared_secret(a, peer);
    unpoison_all(own);
    g_sink += own[0] & 1;
    if (shared.ok()) {
        unpoison(shared->data(), shared->size());
        g_sink += (*shared)[0] & 1;
    }
}

void check_base64() {
    // Keys travel as base64 in ETSI GS QKD 014 containers: encoding and decoding on poisoned bytes.
    for (std::size_t n : {std::size_t{31}, std::size_t{32}, std::size_t{33}}) {
        auto key = random_bytes(n);
        poison_all(key);
        auto text = qkdnq::base64_encode(key);
        poison(text.data(), text.size());
        unpoison(text.data() + text.size() - 2, 2);  // where the padding is: public, as the key length is
        auto back = qkdnq::base64_decode(std::string_view(text.data(), text.size()));
        unpoison(text.data(), text.size());
        // ok() depends on every character (valid or not): it is the one public outcome.
        if (back.ok()) {
            unpoison(back->data(), back->size());
            g_sink += (*back)[0] & 1;
        }
    }
}

void check_key_delivery() {
    // The device's side: its ML-KEM private key poisoned (and what derives from it: the pad, the
    // tag key, the KSA-key). The signature check runs on public bytes.
    using kem = qkdnq::ml_kem_768;
    using dsa = qkdnq::ml_dsa_65;
    qkdnq::shake_drbg rng(7373);
    std::array<std::uint8_t, kem::ek_size> ek{};
    std::array<std::uint8_t, kem::dk_size> dk{};
    std::array<std::uint8_t, dsa::pk_size> vk{};
    std::array<std::uint8_t, dsa::sk_size> sk{};
    kem::keygen(ek, dk, rng);
    dsa::keygen(vk, sk, rng);
    const std::array<std::uint8_t, 32> ksa{};
    const qkdnq::hybrid::key_delivery_originator<> originator("KMS", sk, vk);
    const auto message = originator.push({"phone", ek}, qkdnq::relay::key_id{}, ksa, 10, rng);
    poison(dk.data(), kem::dk_pke_size);  // dk = dk_PKE || ek || H(ek) || z: the secret parts only
    poison(dk.data() + kem::dk_size - 32, 32);
    qkdnq::hybrid::key_delivery_device<> device("phone", ek, dk, "KMS", vk);
    auto got = device.receive(message, 0);
    if (got.ok()) {
        unpoison(got->key.data(), got->key.size());
        g_sink += got->key[0] & 1;
    }
}

void check_combiner() {
    // Every ETSI KDF in CatKDF and CasKDF, then the qkdnq hybrid key, with all secrets poisoned.
    auto qkd = random_bytes(32), k1 = random_bytes(32), k2 = random_bytes(32);
    const auto label = random_bytes(32), pa = random_bytes(40), pb = random_bytes(40), cid = random_bytes(2);
    poison_all(qkd);
    poison_all(k1);
    poison_all(k2);
    using qkdnq::hybrid::combiner_kdf;
    for (auto kdf : {combiner_kdf::hkdf_sha256, combiner_kdf::hkdf_sha384, combiner_kdf::hmac_sha256,
                     combiner_kdf::hmac_sha384, combiner_kdf::kmac128, combiner_kdf::kmac256}) {
        const std::array<qkdnq::bytes_view, 2> pas = {pa, pa}, pbs = {pb, pb}, ks = {k1, k2};
        std::array<std::uint8_t, 24> out{};
        qkdnq::hybrid::cat_kdf(kdf, {cid, qkd, label, label, pas, pbs, ks, {}}, out);
        qkdnq::hybrid::cas_kdf chain(kdf, qkd);
        chain.next_round({cid, label, label, pa, pb, k1, {}}, out);
        chain.next_round({cid, label, label, pa, pb, k2, {}}, out);
        unpoison_all(out);
        g_sink += out[0] & 1;
    }
    qkdnq::hybrid::hybrid_key_input in;
    in.binding = {"id", "A", "B"};
    in.qkd_key = qkd;
    in.ml_kem_secret = k1;
    in.ml_kem_public_key = pa;
    in.ml_kem_ciphertext = pb;
    in.x25519_secret = k2;
    in.x25519_public_a = label;
    in.x25519_public_b = label;
    auto key = qkdnq::hybrid::combine_hybrid_key<32>(in);
    unpoison(key.data(), key.size());
    g_sink += key[0] & 1;
}

void check_xwing() {
    qkdnq::shake_drbg rng(4242);
    auto pair = qkdnq::hybrid::xwing::generate_key_pair(rng);
    const auto enc = qkdnq::hybrid::xwing::encapsulate(pair.pk, rng);
    poison(pair.sk.data(), pair.sk.size());
    auto ss = qkdnq::hybrid::xwing::decapsulate(pair.sk, enc->ct);
    unpoison(ss.data(), ss.size());
    g_sink += ss[0] & 1;
}

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--leaky") == 0) {
        auto a = random_bytes(32);
        auto b = a;
        poison_all(a);
        poison_all(b);
        g_sink += leaky_equal(a, b) ? 1 : 0;
        std::puts("ran the leaky comparison: memcheck must have reported it");
        return 0;
    }
    check_ct_equal();
    check_x25519();
    check_combiner();
    check_key_delivery();
    check_base64();
    check_xwing();
    check_bit_vector();
    check_clmul();
    check_gf2x();
    check_toeplitz();
    check_reconcile();
    check_poly_hash<128>();
    check_poly_hash<64>();
    check_hmac<qkdnq::sha256>();
    check_hmac<qkdnq::sha512>();
    check_hmac<qkdnq::sha3_256>();
    check_hkdf();
    check_kmac<qkdnq::kmac128, qkdnq::kmac_xof128>();
    check_kmac<qkdnq::kmac256, qkdnq::kmac_xof256>();
    check_shake_x4<qkdnq::shake256_x4, qkdnq::shake256>(33, 192, 0);
    check_shake_x4<qkdnq::shake128_x4, qkdnq::shake128>(34, 3 * 168, 168);
    check_shake_x4<qkdnq::shake256_x4, qkdnq::shake256>(300, 77, 200);
    check_ml_kem<qkdnq::ml_kem_512>();  // default kernels: SIMD unless QKDNQ_FORCE_SCALAR
    check_ml_kem<qkdnq::ml_kem_768>();
    check_ml_kem<qkdnq::ml_kem_1024>();
    using scalar_kernels = qkdnq::detail::ml_kem::scalar_backend;  // and the scalar references
    check_ml_kem<qkdnq::ml_kem_params<2, scalar_kernels>>();
    check_ml_kem<qkdnq::ml_kem_params<3, scalar_kernels>>();
    check_ml_kem<qkdnq::ml_kem_params<4, scalar_kernels>>();
    check_ml_dsa<qkdnq::ml_dsa_44>();  // default kernels: SIMD (AVX2) unless QKDNQ_FORCE_SCALAR
    check_ml_dsa<qkdnq::ml_dsa_65>();
    check_ml_dsa<qkdnq::ml_dsa_87>();
    using dsa_scalar_kernels = qkdnq::detail::ml_dsa::scalar_backend;  // and the scalar references
    check_ml_dsa<qkdnq::ml_dsa_params<4, 4, dsa_scalar_kernels>>();
    check_ml_dsa<qkdnq::ml_dsa_params<6, 5, dsa_scalar_kernels>>();
    check_ml_dsa<qkdnq::ml_dsa_params<8, 7, dsa_scalar_kernels>>();
    check_gf2x_fft<qkdnq::detail::gf2x::fft::kernel_native>(true);
    check_gf2x_fft<qkdnq::detail::gf2x::fft::kernel_scalar>(false);
    std::printf("constant-time checks ran, ML-KEM kernels %s and scalar, ML-DSA kernels %s and scalar (sink %d)\n",
                qkdnq::detail::ml_kem::default_backend::name, qkdnq::detail::ml_dsa::default_backend::name, g_sink & 1);
    return 0;
}
