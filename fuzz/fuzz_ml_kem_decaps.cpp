// ML-KEM-512/768/1024 decapsulation, in two parts.
//
// Honest key: keygen_internal(d, z) with d, z from the input; both key checks pass, dk is
// dk_PKE || ek || H(ek) || z, decaps of the honest ciphertext (m from the input) returns the
// encaps key, and decaps of that ciphertext with input-chosen bytes flipped returns the
// implicit-rejection key SHAKE256(z || c, 32) computed here (the encaps key again when the flips
// cancel out).
//
// Arbitrary dk and c of input-chosen lengths: the dynamic-span decaps_internal, decaps and
// check_decapsulation_key throw invalid_argument exactly when a length is wrong. On the right
// lengths they never throw; check_decapsulation_key equals SHA3-256(dk[384k : 768k+32]) ==
// dk[768k+32 : 768k+64] computed here, and decaps is deterministic (dynamic and fixed-extent
// overloads, decaps and decaps_internal) and equals FIPS 203 Alg. 18 put together here from
// K-PKE.Decrypt and K-PKE.Encrypt: K' from G(m' || h) when the re-encryption matches c, else
// SHAKE256(z || c, 32).
//
// Input: byte 0 selects the parameter set (mod 3); byte 1 is a mode (bit 0: dk has length
// dk_size, bit 1: c has length ct_size; otherwise each length is a u16 read after the flips).
// Then d, z, m (32 bytes each), the number of flips (a byte, mod 5) and each flip (u16 position
// mod ct_size, xor byte); then the lengths as the mode says; then dk and c (zero-padded).
#include "driver.hpp"

#include <qkdnq/core/error.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/pqc/ml_kem.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace {

template <std::size_t N>
std::array<std::uint8_t, N> take(fuzz_reader& in) {
    std::array<std::uint8_t, N> out{};
    const auto b = in.bytes(N);
    std::copy(b.begin(), b.end(), out.begin());
    return out;
}

std::vector<std::uint8_t> take(fuzz_reader& in, std::size_t n) {
    const auto b = in.bytes(n);
    std::vector<std::uint8_t> out(b.begin(), b.end());
    out.resize(n, 0);
    return out;
}

bool same(const auto& a, const auto& b) { return std::memcmp(a.data(), b.data(), 32) == 0; }

// J(z || c) = SHAKE256(z || c, 32).
std::array<std::uint8_t, 32> reject_key(std::span<const std::uint8_t> z, std::span<const std::uint8_t> c) {
    std::vector<std::uint8_t> zc(z.begin(), z.end());
    zc.insert(zc.end(), c.begin(), c.end());
    std::array<std::uint8_t, 32> j{};
    qkdnq::shake256::hash(zc, j);
    return j;
}

template <class P>
void honest(fuzz_reader& in) {
    constexpr std::size_t k = P::k;
    const auto d = take<32>(in);
    const auto z = take<32>(in);
    const auto m = take<32>(in);

    std::array<std::uint8_t, P::ek_size> ek{};
    std::array<std::uint8_t, P::dk_size> dk{};
    P::keygen_internal(d, z, ek, dk);
    {
        std::vector<std::uint8_t> ek2(P::ek_size), dk2(P::dk_size);
        P::keygen_internal(qkdnq::bytes_view(d), qkdnq::bytes_view(z), ek2, dk2);
        fuzz_check(std::equal(ek.begin(), ek.end(), ek2.begin()) && std::equal(dk.begin(), dk.end(), dk2.begin()),
                   "keygen_internal: dynamic and fixed-extent overloads agree");
    }
    fuzz_check(P::check_encapsulation_key(ek), "a generated ek passes check_encapsulation_key");
    fuzz_check(P::check_decapsulation_key(dk), "a generated dk passes check_decapsulation_key");
    const auto h = qkdnq::sha3_256::hash(ek);
    fuzz_check(std::equal(ek.begin(), ek.end(), dk.begin() + 384 * k) &&
                   std::equal(h.begin(), h.end(), dk.begin() + 768 * k + 32) &&
                   std::equal(z.begin(), z.end(), dk.begin() + 768 * k + 64),
               "dk = dk_PKE || ek || H(ek) || z");

    std::array<std::uint8_t, P::ct_size> c{};
    const auto key = P::encaps_internal(ek, m, c);
    fuzz_check(same(P::decaps_internal(dk, c), key), "decaps of the honest ciphertext is the encaps key");

    auto bad = c;
    const unsigned flips = in.byte() % 5u;
    for (unsigned i = 0; i < flips; ++i) {
        const std::size_t at = in.u16() % P::ct_size;
        bad[at] = static_cast<std::uint8_t>(bad[at] ^ in.byte());
    }
    const auto got = P::decaps_internal(dk, bad);
    if (bad == c) {
        fuzz_check(same(got, key), "decaps of an unchanged ciphertext is the encaps key");
    } else {
        fuzz_check(same(got, reject_key(z, bad)), "decaps of a changed ciphertext is SHAKE256(z || c, 32)");
    }
}

template <class P>
void arbitrary(fuzz_reader& in, std::uint8_t mode) {
    constexpr std::size_t k = P::k;
    const std::size_t dk_len = (mode & 1u) ? P::dk_size : in.u16();
    const std::size_t c_len = (mode & 2u) ? P::ct_size : in.u16();
    const auto dk = take(in, dk_len);
    const auto c = take(in, c_len);
    const bool dk_right = dk.size() == P::dk_size, c_right = c.size() == P::ct_size;

    bool checked = false;
    fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { checked = P::check_decapsulation_key(qkdnq::bytes_view(dk)); }) == !dk_right,
               "check_decapsulation_key throws exactly on a wrong dk length");
    typename P::shared_secret k1, k2;
    fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { k1 = P::decaps_internal(qkdnq::bytes_view(dk), qkdnq::bytes_view(c)); }) ==
                   !(dk_right && c_right),
               "decaps_internal throws exactly on a wrong dk or c length");
    fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { k2 = P::decaps(qkdnq::bytes_view(dk), qkdnq::bytes_view(c)); }) ==
                   !(dk_right && c_right),
               "decaps throws exactly on a wrong dk or c length");
    if (dk_right) {
        const auto h = qkdnq::sha3_256::hash(qkdnq::bytes_view(dk).subspan(384 * k, 384 * k + 32));
        const bool oracle = std::equal(h.begin(), h.end(), dk.begin() + 768 * k + 32);
        fuzz_check(checked == oracle, "check_decapsulation_key equals the H(ek) == h oracle");
        fuzz_check(P::check_decapsulation_key(typename P::dk_view(dk.data(), P::dk_size)) == checked,
                   "fixed-extent check_decapsulation_key agrees");
        const auto typed = P::decapsulation_key::from_bytes(qkdnq::bytes_view(dk));  // the typed parser
        fuzz_check(typed.ok() == checked, "decapsulation_key::from_bytes accepts exactly the keys that pass");
        if (!typed.ok()) fuzz_check(typed.error() == qkdnq::status::verification_failed, "a failing dk is verification_failed");
    }
    if (!(dk_right && c_right)) return;

    const typename P::dk_view dk_fixed(dk.data(), P::dk_size);
    const typename P::ct_view c_fixed(c.data(), P::ct_size);
    const auto k3 = P::decaps_internal(dk_fixed, c_fixed);
    const auto k4 = P::decaps(dk_fixed, c_fixed);
    fuzz_check(same(k1, k2) && same(k1, k3) && same(k1, k4), "decaps is deterministic");

    // FIPS 203 Alg. 18 from its parts.
    std::array<std::uint8_t, 64> g_in{};
    P::pke_decrypt(dk_fixed.template first<P::dk_pke_size>(), c_fixed, std::span<std::uint8_t, 32>(g_in.data(), 32));
    std::copy(dk.begin() + 768 * k + 32, dk.begin() + 768 * k + 64, g_in.begin() + 32);
    const auto kr = qkdnq::sha3_512::hash(g_in);
    std::array<std::uint8_t, P::ct_size> c_again{};
    P::pke_encrypt(typename P::ek_view(dk.data() + 384 * k, P::ek_size), std::span<const std::uint8_t, 32>(g_in.data(), 32),
                   std::span<const std::uint8_t, 32>(kr.data() + 32, 32), c_again);
    if (std::equal(c_again.begin(), c_again.end(), c.begin())) {
        fuzz_check(same(k1, kr), "decaps of a re-encrypting ciphertext is G(m' || h)[0:32]");
    } else {
        fuzz_check(same(k1, reject_key(qkdnq::bytes_view(dk).subspan(768 * k + 64, 32), c)),
                   "decaps of a ciphertext that does not re-encrypt is SHAKE256(z || c, 32)");
    }
}

template <class P>
void check(fuzz_reader& in, std::uint8_t mode) {
    honest<P>(in);
    arbitrary<P>(in, mode);
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    fuzz_reader in(input);
    const std::uint8_t set = in.byte() % 3;
    const std::uint8_t mode = in.byte();
    switch (set) {
        case 0: check<qkdnq::ml_kem_512>(in, mode); break;
        case 1: check<qkdnq::ml_kem_768>(in, mode); break;
        default: check<qkdnq::ml_kem_1024>(in, mode); break;
    }
}
