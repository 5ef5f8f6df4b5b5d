// Hybrid key combiners: ETSI TS 103 744 CatKDF and CasKDF, and the qkdnq hybrid key that joins a
// QKD key (KSA-key) with an ML-KEM secret and, optionally, an X25519 secret.
//
//   // Both ends of a link, after the ML-KEM (and X25519) exchange:
//   qkdnq::hybrid::hybrid_key_input in;
//   in.binding = {key_id, "sae-alice", "sae-bob"};
//   in.qkd_key = ksa_key;                       // CatKDF's psk
//   in.ml_kem_secret = ss;                      // k1
//   in.ml_kem_public_key = ek; in.ml_kem_ciphertext = ct;
//   auto key = qkdnq::hybrid::combine_hybrid_key<32>(in);
//
// The key is as strong as the strongest of its inputs (TS 103 744 §8 and its Annex B security
// argument): an attacker must know the QKD key and break ML-KEM (and X25519) to learn it. The key
// ID and both identities are bound into the KDF context, so a key combined under another ID or
// for another peer comes out unrelated.
//
// The ETSI functions reproduce the reference implementation's 72 test vectors
// (tests/vectors/hybrid/combiner_etsi103744.vec), including its message formatting, whose length
// prefixes count hex digits (twice the byte length). No plain XOR or unlabelled concatenation is
// offered as a combiner.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/hkdf.hpp>
#include <qkdnq/hash/hmac.hpp>
#include <qkdnq/hash/kmac.hpp>
#include <qkdnq/hash/sha2.hpp>
#include <qkdnq/hash/sha3.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qkdnq::hybrid {

// The KDF inside a combiner (TS 103 744 §8.1): HKDF (RFC 5869), the SP 800-56C one-step KDF with
// HMAC, or the one-step KDF with KMAC.
enum class combiner_kdf : std::uint8_t { hkdf_sha256, hkdf_sha384, hmac_sha256, hmac_sha384, kmac128, kmac256 };

[[nodiscard]] constexpr std::string_view to_string(combiner_kdf kdf) noexcept {
    switch (kdf) {
        case combiner_kdf::hkdf_sha256: return "hkdf_sha256";
        case combiner_kdf::hkdf_sha384: return "hkdf_sha384";
        case combiner_kdf::hmac_sha256: return "hmac_sha256";
        case combiner_kdf::hmac_sha384: return "hmac_sha384";
        case combiner_kdf::kmac128: return "kmac128";
        case combiner_kdf::kmac256: return "kmac256";
    }
    return "unknown";
}

// CasKDF's chain secret length: the hash length, or 32 / 48 bytes for KMAC128 / KMAC256.
[[nodiscard]] constexpr std::size_t chain_secret_size(combiner_kdf kdf) noexcept {
    return (kdf == combiner_kdf::hkdf_sha256 || kdf == combiner_kdf::hmac_sha256 || kdf == combiner_kdf::kmac128) ? 32
                                                                                                                  : 48;
}

// The longest key material one combiner call gives: 255 blocks of SHA-256 (the HKDF bound), the
// same for every KDF.
inline constexpr std::size_t combiner_max_output_size = 255 * 32;

namespace detail {

inline void append_u32(std::vector<std::uint8_t, zeroizing_allocator<std::uint8_t>>& out, std::size_t n,
                       std::string_view where) {
    if (n > 0xffffffffu) throw invalid_argument(std::string(where) + ": a field is longer than 2^32 - 1 bytes");
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(n >> shift));
}

inline void append(secure_bytes& out, bytes_view data) { out.insert(out.end(), data.begin(), data.end()); }

// Annex C.1 message formatting MF(cid, L, P1, ..., Pn) = cid || u32(2 |L|) || L || u32(2 |P1|) ||
// P1 || ... as the reference implementation computes it: each prefix counts hex digits, i.e.
// twice the byte length.
inline secure_bytes format_message(bytes_view cid, bytes_view label, std::span<const bytes_view> publics,
                                   std::string_view where) {
    secure_bytes out;
    append(out, cid);
    auto field = [&](bytes_view f) {
        if (f.size() > 0x7fffffffu) throw invalid_argument(std::string(where) + ": a field is longer than 2^31 - 1 bytes");
        append_u32(out, 2 * f.size(), where);
        append(out, f);
    };
    field(label);
    for (const bytes_view p : publics) field(p);
    return out;
}

// cb_f(a1, ..., an) = u32(|a1|) || a1 || ... (byte lengths; qshkex.c's context formatting).
inline secure_bytes length_prefixed(std::initializer_list<bytes_view> fields, std::string_view where) {
    secure_bytes out;
    for (const bytes_view f : fields) {
        append_u32(out, f.size(), where);
        append(out, f);
    }
    return out;
}

// The SP 800-56C rev2 §4.1 one-step KDF with H(x) = HMAC-Hash(salt = label, x):
// K(i) = HMAC(label, u32(i) || secret || context), output the first L bytes of K(1) || K(2) ...
template <class Hash>
void one_step_hmac(bytes_view secret, bytes_view label, bytes_view context, mutable_bytes out) {
    const hmac<Hash> keyed(label);
    secure_array<Hash::digest_size> block;
    std::size_t done = 0;
    for (std::uint32_t i = 1; done < out.size(); ++i) {
        const std::array<std::uint8_t, 4> counter = {static_cast<std::uint8_t>(i >> 24), static_cast<std::uint8_t>(i >> 16),
                                                     static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)};
        hmac<Hash> mac(keyed);
        mac.update(counter);
        mac.update(secret);
        mac.update(context);
        mac.final(block.span());
        const std::size_t n = std::min(Hash::digest_size, out.size() - done);
        std::copy_n(block.data(), n, out.data() + done);
        done += n;
    }
}

// The one-step KDF with KMAC (SP 800-56C rev2 §4.1 option 3): a single call
// KMAC#(K = label, X = u32(1) || secret || context, L, S = "KDF").
template <class Kmac>
void one_step_kmac(bytes_view secret, bytes_view label, bytes_view context, mutable_bytes out) {
    constexpr std::array<std::uint8_t, 4> counter = {0, 0, 0, 1};
    Kmac mac(label, as_bytes("KDF"));
    mac.update(counter);
    mac.update(secret);
    mac.update(context);
    mac.final(out);
}

// KDF(secret, label, context, L) of TS 103 744 §8.1 (qshkex.c kdf_hkdf / kdf_hmac / kdf_kmac).
inline void combiner_derive(combiner_kdf kdf, bytes_view secret, bytes_view label, bytes_view context, mutable_bytes out) {
    switch (kdf) {
        case combiner_kdf::hkdf_sha256: hkdf<sha256>(secret, label, context, out); return;
        case combiner_kdf::hkdf_sha384: hkdf<sha384>(secret, label, context, out); return;
        case combiner_kdf::hmac_sha256: one_step_hmac<sha256>(secret, label, context, out); return;
        case combiner_kdf::hmac_sha384: one_step_hmac<sha384>(secret, label, context, out); return;
        case combiner_kdf::kmac128: one_step_kmac<kmac128>(secret, label, context, out); return;
        case combiner_kdf::kmac256: one_step_kmac<kmac256>(secret, label, context, out); return;
    }
}

[[nodiscard]] constexpr bool uses_kmac(combiner_kdf kdf) noexcept {
    return kdf == combiner_kdf::kmac128 || kdf == combiner_kdf::kmac256;
}
[[nodiscard]] constexpr bool uses_sha384(combiner_kdf kdf) noexcept {
    return kdf == combiner_kdf::hkdf_sha384 || kdf == combiner_kdf::hmac_sha384;
}

// The KDF's hash over formatted data (cahb_f): SHA-256 or SHA-384 by the KDF.
inline secure_bytes combiner_hash(combiner_kdf kdf, bytes_view data) {
    secure_bytes out;
    if (uses_sha384(kdf)) {
        const auto h = sha384::hash(data);
        out.assign(h.begin(), h.end());
    } else {
        const auto h = sha256::hash(data);
        out.assign(h.begin(), h.end());
    }
    return out;
}

inline void check_kdf(combiner_kdf kdf, std::string_view where) {
    if (static_cast<std::uint8_t>(kdf) > static_cast<std::uint8_t>(combiner_kdf::kmac256)) {
        throw invalid_argument(std::string(where) + ": unknown combiner_kdf value");
    }
}

inline void check_labels(bytes_view a, bytes_view b, std::string_view where) {
    if (a.empty() || a.size() != b.size()) {
        throw invalid_argument(std::string(where) + ": labels must be non-empty and of equal length, got " +
                               std::to_string(a.size()) + " and " + std::to_string(b.size()) + " bytes");
    }
}

inline void check_output(mutable_bytes out, std::string_view where) {
    if (out.empty() || out.size() > combiner_max_output_size) {
        qkdnq::detail::throw_invalid_length(where, "key_material", out.size(),
                                     "1 to " + std::to_string(combiner_max_output_size));
    }
}

// label = LA XOR LB (the reference implementation's labels; equal lengths).
inline secure_bytes xor_labels(bytes_view a, bytes_view b) {
    secure_bytes label(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) label[i] = static_cast<std::uint8_t>(a[i] ^ b[i]);
    return label;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// ETSI TS 103 744 §8.2 CatKDF: one KDF call over psk || k1 || ... || kn, with both parties'
// labels and public values formatted into the context.

struct cat_kdf_input {
    bytes_view context_id;                  // cid, prepended to each party's formatted message
    bytes_view psk;                         // the pre-shared key; may be empty
    bytes_view label_a;                     // LA
    bytes_view label_b;                     // LB (same length)
    std::span<const bytes_view> public_a;   // PA1 .. PAn: A's public values (keys, ciphertexts)
    std::span<const bytes_view> public_b;   // PB1 .. PBn
    std::span<const bytes_view> secrets;    // k1 .. kn
    bytes_view info;                        // application context
};

// Writes key_material (1 to combiner_max_output_size bytes). Throws invalid_argument for labels
// of unequal length, mismatched counts or an output of bad length; nothing is written then.
inline void cat_kdf(combiner_kdf kdf, const cat_kdf_input& in, mutable_bytes key_material) {
    constexpr std::string_view where = "qkdnq::hybrid::cat_kdf";
    detail::check_kdf(kdf, where);
    detail::check_labels(in.label_a, in.label_b, where);
    detail::check_output(key_material, where);
    if (in.public_a.size() != in.public_b.size() || in.secrets.empty() || in.public_a.size() != in.secrets.size()) {
        throw invalid_argument(std::string(where) + ": public_a, public_b and secrets must hold the same number (>= 1) of values");
    }
    // MA = MF(cid, LA, PA1, ..., PAn), MB = MF(cid, LB, PB1, ..., PBn)
    const secure_bytes ma = detail::format_message(in.context_id, in.label_a, in.public_a, where);
    const secure_bytes mb = detail::format_message(in.context_id, in.label_b, in.public_b, where);
    const secure_bytes label = detail::xor_labels(in.label_a, in.label_b);
    // secret = psk || k1 || ... || kn
    secure_bytes secret;
    detail::append(secret, in.psk);
    for (const bytes_view k : in.secrets) detail::append(secret, k);
    // context = H(cb_f(info, MA, MB)) for HKDF and HMAC, cb_f(info, MA, MB) for KMAC.
    secure_bytes context = detail::length_prefixed({in.info, ma, mb}, where);
    if (!detail::uses_kmac(kdf)) context = detail::combiner_hash(kdf, context);
    detail::combiner_derive(kdf, secret, label, context, key_material);
}

// ---------------------------------------------------------------------------------------------
// ETSI TS 103 744 §8.3 CasKDF: a chain of rounds, each folding one exchange's secret into the
// chain secret and giving a key.

struct cas_kdf_round {
    bytes_view context_id;  // cid
    bytes_view label_a;     // LAi
    bytes_view label_b;     // LBi (same length)
    bytes_view public_a;    // PAi
    bytes_view public_b;    // PBi
    bytes_view secret;      // ki
    bytes_view info;        // infoi
};

class cas_kdf {
public:
    // `initial_chain_secret` is cs(0): the pre-shared key (empty for none; the reference
    // implementation uses chain_secret_size zero bytes with KMAC).
    cas_kdf(combiner_kdf kdf, bytes_view initial_chain_secret) : m_kdf(kdf) {
        detail::check_kdf(kdf, "qkdnq::hybrid::cas_kdf");
        m_chain_secret.assign(initial_chain_secret.begin(), initial_chain_secret.end());
    }

    [[nodiscard]] combiner_kdf kdf() const noexcept { return m_kdf; }
    [[nodiscard]] std::size_t rounds() const noexcept { return m_rounds; }

    // One round: writes key_material_i and advances the chain secret. Throws invalid_argument
    // (chain unchanged, nothing written) for labels of unequal length or an output of bad length.
    void next_round(const cas_kdf_round& in, mutable_bytes key_material) {
        constexpr std::string_view where = "qkdnq::hybrid::cas_kdf::next_round";
        detail::check_labels(in.label_a, in.label_b, where);
        detail::check_output(key_material, where);
        const std::size_t chain = chain_secret_size(m_kdf);
        if (key_material.size() > combiner_max_output_size - chain) {
            qkdnq::detail::throw_invalid_length(where, "key_material", key_material.size(),
                                         "1 to " + std::to_string(combiner_max_output_size - chain));
        }
        // MAi = MF(cid, LAi, PAi), MBi = MF(cid, LBi, PBi)
        const secure_bytes ma = detail::format_message(in.context_id, in.label_a, std::span(&in.public_a, 1), where);
        const secure_bytes mb = detail::format_message(in.context_id, in.label_b, std::span(&in.public_b, 1), where);
        const secure_bytes formatted = detail::length_prefixed({in.secret, ma, mb}, where);
        secure_bytes round_secret;
        if (detail::uses_kmac(m_kdf)) {
            // KMAC#(K = cs(i-1), X = cb_f(ki, MAi, MBi), L = 8 * chain, S = "")
            round_secret.resize(chain);
            if (m_kdf == combiner_kdf::kmac128) {
                kmac128::mac(m_chain_secret, formatted, round_secret);
            } else {
                kmac256::mac(m_chain_secret, formatted, round_secret);
            }
        } else if (detail::uses_sha384(m_kdf)) {
            // HMAC-H(key = cs(i-1), H(cb_f(ki, MAi, MBi)))
            const auto mac = hmac<sha384>::mac(m_chain_secret, detail::combiner_hash(m_kdf, formatted));
            round_secret.assign(mac.begin(), mac.end());
        } else {
            const auto mac = hmac<sha256>::mac(m_chain_secret, detail::combiner_hash(m_kdf, formatted));
            round_secret.assign(mac.begin(), mac.end());
        }
        // out_i = KDF(round_secret, LAi XOR LBi, infoi, chain + key length); infoi is not hashed.
        secure_bytes out(chain + key_material.size());
        detail::combiner_derive(m_kdf, round_secret, detail::xor_labels(in.label_a, in.label_b), in.info, out);
        std::copy(out.begin() + static_cast<std::ptrdiff_t>(chain), out.end(), key_material.begin());
        out.resize(chain);
        m_chain_secret.swap(out);  // cs(i) = out_i[0 : chain]; the old one is wiped with `out`
        ++m_rounds;
    }

private:
    combiner_kdf m_kdf;
    secure_bytes m_chain_secret;
    std::size_t m_rounds = 0;
};

// ---------------------------------------------------------------------------------------------
// The qkdnq hybrid key: TS 103 744 with KMAC256, the QKD key in the pre-shared-key slot (CatKDF's
// psk, CasKDF's cs(0)), the ML-KEM secret as k1 and optionally an X25519 secret as k2.

// Who a key belongs to. `initiator` (party A) sends the ML-KEM encapsulation key and its X25519
// public key; `responder` (party B) returns the ciphertext and its X25519 public key. Both sides
// must give the same three strings.
struct key_binding {
    std::string_view key_id;     // the KSA-key's ID (a UUID string, as ETSI GS QKD 014 uses)
    std::string_view initiator;  // for example the source KME or master SAE ID
    std::string_view responder;  // for example the target KME or slave SAE ID
};

struct hybrid_key_input {
    key_binding binding;
    bytes_view qkd_key;            // the KSA-key: at least 16 bytes
    bytes_view ml_kem_secret;      // k1: the ML-KEM shared secret, 32 bytes
    bytes_view ml_kem_public_key;  // PA1: A's encapsulation key
    bytes_view ml_kem_ciphertext;  // PB1: B's ciphertext
    bytes_view x25519_secret;      // k2: 32 bytes, or empty for a QKD + ML-KEM hybrid
    bytes_view x25519_public_a;    // PA2: 32 bytes with k2, else empty
    bytes_view x25519_public_b;    // PB2: likewise
};

enum class combiner_mode : std::uint8_t { cat_kdf, cas_kdf };

namespace detail {

inline constexpr std::array<std::uint8_t, 2> qkdnq_context_id = {0x71, 0x6e};  // cid "qn"
inline constexpr std::string_view hybrid_info_prefix = "qkdnq hybrid key v1";

inline void check_hybrid_input(const hybrid_key_input& in, std::string_view where) {
    if (in.binding.key_id.empty() || in.binding.initiator.empty() || in.binding.responder.empty()) {
        throw invalid_argument(std::string(where) + ": key_id, initiator and responder must not be empty");
    }
    if (in.qkd_key.size() < 16) qkdnq::detail::throw_invalid_length(where, "qkd_key", in.qkd_key.size(), "at least 16");
    qkdnq::detail::require_length(where, "ml_kem_secret", in.ml_kem_secret.size(), 32);
    if (in.ml_kem_public_key.empty() || in.ml_kem_ciphertext.empty()) {
        throw invalid_argument(std::string(where) + ": ml_kem_public_key and ml_kem_ciphertext must be given");
    }
    // With k2, all three X25519 values are 32 bytes; without, the public values are empty too.
    const std::size_t expected = in.x25519_secret.empty() ? 0 : 32;
    qkdnq::detail::require_length(where, "x25519_secret", in.x25519_secret.size(), expected);
    qkdnq::detail::require_length(where, "x25519_public_a", in.x25519_public_a.size(), expected);
    qkdnq::detail::require_length(where, "x25519_public_b", in.x25519_public_b.size(), expected);
}

// info = "qkdnq hybrid key v1" || cb(key_id) || cb(initiator) || cb(responder) || cb(mode)
inline secure_bytes hybrid_info(const key_binding& b, combiner_mode mode, std::string_view where) {
    const std::uint8_t mode_byte = static_cast<std::uint8_t>(mode);
    return length_prefixed({as_bytes(hybrid_info_prefix), as_bytes(b.key_id), as_bytes(b.initiator),
                            as_bytes(b.responder), bytes_view(&mode_byte, 1)},
                           where);
}

// LA = SHA3-256(cb("initiator", A)), LB = SHA3-256(cb("responder", B)): fixed-length labels that
// name each party (TS 103 744 leaves their choice to the application).
inline std::array<std::uint8_t, 32> party_label(std::string_view role, std::string_view identity, std::string_view where) {
    return sha3_256::hash(length_prefixed({as_bytes(role), as_bytes(identity)}, where));
}

}  // namespace detail

// Writes the hybrid key (16 to combiner_max_output_size - 48 bytes; its length is bound into
// KMAC, so keys of different lengths are unrelated). Throws invalid_argument for inputs of the
// wrong length or an empty binding; nothing is written then.
inline void combine_hybrid_key(const hybrid_key_input& in, mutable_bytes out, combiner_mode mode = combiner_mode::cat_kdf) {
    constexpr std::string_view where = "qkdnq::hybrid::combine_hybrid_key";
    detail::check_hybrid_input(in, where);
    if (out.size() < 16 || out.size() > combiner_max_output_size - 48) {
        qkdnq::detail::throw_invalid_length(where, "out", out.size(), "16 to " + std::to_string(combiner_max_output_size - 48));
    }
    const secure_bytes info = detail::hybrid_info(in.binding, mode, where);
    const auto label_a = detail::party_label("initiator", in.binding.initiator, where);
    const auto label_b = detail::party_label("responder", in.binding.responder, where);
    const bool classical = !in.x25519_secret.empty();
    if (mode == combiner_mode::cat_kdf) {
        const std::array<bytes_view, 2> public_a = {in.ml_kem_public_key, in.x25519_public_a};
        const std::array<bytes_view, 2> public_b = {in.ml_kem_ciphertext, in.x25519_public_b};
        const std::array<bytes_view, 2> secrets = {in.ml_kem_secret, in.x25519_secret};
        const std::size_t n = classical ? 2 : 1;
        cat_kdf(combiner_kdf::kmac256,
                {bytes_view(detail::qkdnq_context_id), in.qkd_key, label_a, label_b, std::span(public_a).first(n),
                 std::span(public_b).first(n), std::span(secrets).first(n), info},
                out);
        return;
    }
    // CasKDF: cs(0) = the QKD key; round 1 ML-KEM, round 2 X25519; the last round's key is the output.
    cas_kdf chain(combiner_kdf::kmac256, in.qkd_key);
    secure_bytes first_round(out.size());
    chain.next_round({detail::qkdnq_context_id, label_a, label_b, in.ml_kem_public_key, in.ml_kem_ciphertext,
                      in.ml_kem_secret, info},
                     classical ? mutable_bytes(first_round) : out);
    if (classical) {
        chain.next_round({detail::qkdnq_context_id, label_a, label_b, in.x25519_public_a, in.x25519_public_b,
                          in.x25519_secret, info},
                         out);
    }
}

template <std::size_t N>
[[nodiscard]] secure_array<N> combine_hybrid_key(const hybrid_key_input& in, combiner_mode mode = combiner_mode::cat_kdf) {
    secure_array<N> key;
    combine_hybrid_key(in, key.span(), mode);
    return key;
}

}  // namespace qkdnq::hybrid
