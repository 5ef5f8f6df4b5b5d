// ML-KEM-512/768/1024 encapsulation keys from the input. The dynamic-span
// check_encapsulation_key and encaps_internal throw invalid_argument exactly when a length (ek,
// m or c) is wrong. On the right length the check agrees with an oracle here (every 12-bit
// little-endian coefficient of ek[0:384k] is below q = 3329) and with the fixed-extent overload.
// Every right-length key, passing or not, is then encapsulated to: encaps_internal is
// deterministic (dynamic and fixed-extent overloads give the same c and K), K is
// G(m || H(ek))[0:32], and c is K-PKE.Encrypt of the key with its coefficients reduced mod q
// (ByteDecode12 reduces, FIPS 203 §4.2.1) under r = G(m || H(ek))[32:64].
//
// Input: byte 0 selects the parameter set (mod 3); byte 1 is a mode:
//   bit 0  fit the key to ek_size (truncate or zero-pad) instead of taking it verbatim
//   bit 1  reduce every coefficient mod q before use (a right-length key then passes)
//   bit 2  then set one coefficient (index mod 256k) to a 12-bit value
//   bit 3  use a fixed m instead of reading it
// then, with bit 2, the index and value (u16 each); m (32 bytes, zero-padded) unless bit 3; and
// the key (the rest of the input).
#include "driver.hpp"

#include <qkdnq/core/error.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/pqc/ml_kem.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace {

constexpr std::uint16_t q = 3329;

// Coefficient i of a ByteEncode12 string: 12 bits little-endian, two per three bytes.
std::uint16_t coefficient(const std::vector<std::uint8_t>& ek, std::size_t i) {
    const std::size_t b = 3 * (i / 2);
    const unsigned lo = ek[b], mid = ek[b + 1], hi = ek[b + 2];
    return static_cast<std::uint16_t>(i % 2 == 0 ? (lo | ((mid & 0x0Fu) << 8)) : ((mid >> 4) | (hi << 4)));
}

void set_coefficient(std::vector<std::uint8_t>& ek, std::size_t i, std::uint16_t v) {
    const std::size_t b = 3 * (i / 2);
    if (i % 2 == 0) {
        ek[b] = static_cast<std::uint8_t>(v & 0xFFu);
        ek[b + 1] = static_cast<std::uint8_t>((ek[b + 1] & 0xF0u) | ((v >> 8) & 0x0Fu));
    } else {
        ek[b + 1] = static_cast<std::uint8_t>((ek[b + 1] & 0x0Fu) | ((v & 0x0Fu) << 4));
        ek[b + 2] = static_cast<std::uint8_t>(v >> 4);
    }
}

template <class P, std::size_t ExpectedEk, std::size_t ExpectedCt>
void check(fuzz_reader& in, std::uint8_t mode) {
    static_assert(P::ek_size == ExpectedEk && P::ct_size == ExpectedCt, "FIPS 203 Table 3 sizes");
    constexpr std::size_t coefficients = 256 * P::k;

    std::uint16_t poke_index = 0, poke_value = 0;
    if (mode & 4u) {
        poke_index = in.u16();
        poke_value = in.u16();
    }
    std::array<std::uint8_t, 32> m{};
    if (mode & 8u) {
        m.fill(0xA5);
    } else {
        const auto mb = in.bytes(32);
        std::copy(mb.begin(), mb.end(), m.begin());
    }
    const auto raw = in.rest();
    std::vector<std::uint8_t> ek(raw.begin(), raw.end());
    if (mode & 1u) ek.resize(P::ek_size, 0);
    const bool right_length = ek.size() == P::ek_size;
    if (right_length && (mode & 2u)) {
        for (std::size_t i = 0; i < coefficients; ++i) {
            set_coefficient(ek, i, static_cast<std::uint16_t>(coefficient(ek, i) % q));
        }
    }
    if (right_length && (mode & 4u)) {
        set_coefficient(ek, poke_index % coefficients, static_cast<std::uint16_t>(poke_value & 0x0FFFu));
    }

    // Length checks of the dynamic-span overloads.
    bool checked = false;
    const bool threw = fuzz_throws<qkdnq::invalid_argument>([&] { checked = P::check_encapsulation_key(qkdnq::bytes_view(ek)); });
    fuzz_check(threw == !right_length, "check_encapsulation_key throws exactly on a wrong length");
    {
        std::vector<std::uint8_t> c(P::ct_size);
        fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { (void)P::encaps_internal(qkdnq::bytes_view(ek), m, c); }) == !right_length,
                   "encaps_internal throws exactly on a wrong ek length");
        std::vector<std::uint8_t> long_c(P::ct_size + 1);
        fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { (void)P::encaps_internal(qkdnq::bytes_view(ek), m, long_c); }),
                   "encaps_internal throws on a wrong c length");
        fuzz_check(fuzz_throws<qkdnq::invalid_argument>(
                       [&] { (void)P::encaps_internal(qkdnq::bytes_view(ek), qkdnq::bytes_view(m).first(31), c); }),
                   "encaps_internal throws on a wrong m length");
    }
    if (!right_length) return;

    // Modulus check against the oracle, and the fixed-extent overload.
    bool oracle = true;
    for (std::size_t i = 0; i < coefficients; ++i) oracle = oracle && coefficient(ek, i) < q;
    fuzz_check(checked == oracle, "check_encapsulation_key equals the coefficient < q oracle");
    const typename P::ek_view ek_fixed(ek.data(), P::ek_size);
    fuzz_check(P::check_encapsulation_key(ek_fixed) == checked, "fixed-extent check_encapsulation_key agrees");
    if (mode & 2u) fuzz_check(checked == ((mode & 4u) == 0 || (poke_value & 0x0FFFu) < q), "a reduced key passes");
    const auto typed = P::encapsulation_key::from_bytes(ek_fixed);  // the typed parser
    fuzz_check(typed.ok() == checked, "encapsulation_key::from_bytes accepts exactly the keys that pass");
    if (typed.ok()) fuzz_check(std::equal(ek.begin(), ek.end(), typed->bytes().begin()), "from_bytes keeps the bytes");
    if (!typed.ok()) fuzz_check(typed.error() == qkdnq::status::malformed_message, "a failing ek is malformed_message");

    // Encapsulation, to keys that pass the check and to keys that do not: deterministic, and the
    // composition G then K-PKE.Encrypt on the key reduced mod q.
    std::vector<std::uint8_t> c1(P::ct_size), c2(P::ct_size);
    const bool encaps_threw = fuzz_throws<qkdnq::invalid_argument>([&] {
        const auto k1 = P::encaps_internal(qkdnq::bytes_view(ek), m, c1);
        std::array<std::uint8_t, P::ct_size> c_fixed{};
        const auto k2 = P::encaps_internal(ek_fixed, m, c_fixed);
        std::copy(c_fixed.begin(), c_fixed.end(), c2.begin());
        fuzz_check(std::memcmp(k1.data(), k2.data(), 32) == 0, "encaps_internal is deterministic (K)");
        fuzz_check(c1 == c2, "encaps_internal is deterministic (c)");

        std::array<std::uint8_t, 64> g_in{};
        std::copy(m.begin(), m.end(), g_in.begin());
        const auto h = qkdnq::sha3_256::hash(ek);
        std::copy(h.begin(), h.end(), g_in.begin() + 32);
        const auto kr = qkdnq::sha3_512::hash(g_in);
        fuzz_check(std::memcmp(k1.data(), kr.data(), 32) == 0, "K = G(m || H(ek))[0:32]");

        std::vector<std::uint8_t> reduced = ek;
        for (std::size_t i = 0; i < coefficients; ++i) {
            set_coefficient(reduced, i, static_cast<std::uint16_t>(coefficient(reduced, i) % q));
        }
        std::array<std::uint8_t, P::ct_size> c_pke{};
        P::pke_encrypt(typename P::ek_view(reduced.data(), P::ek_size), m,
                       std::span<const std::uint8_t, 32>(kr.data() + 32, 32), c_pke);
        fuzz_check(std::equal(c_pke.begin(), c_pke.end(), c1.begin()),
                   "c = K-PKE.Encrypt(ek mod q, m, G(m || H(ek))[32:64])");
    });
    fuzz_check(!encaps_threw, "encaps_internal does not throw on right lengths");
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    fuzz_reader in(input);
    const std::uint8_t set = in.byte() % 3;
    const std::uint8_t mode = in.byte();
    switch (set) {
        case 0: check<qkdnq::ml_kem_512, 800, 768>(in, mode); break;
        case 1: check<qkdnq::ml_kem_768, 1184, 1088>(in, mode); break;
        default: check<qkdnq::ml_kem_1024, 1568, 1568>(in, mode); break;
    }
}
