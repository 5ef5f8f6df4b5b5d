// PQC-protected delivery of a KSA-key to an end device (ITU-T TR.QKDN-nq use case 7.3): the
// originator in the key management layer sends one message over the user network; the device,
// which has no QKD link, recovers the key. Construction and security argument: docs/key_delivery.md.
//
//   qkdnq::hybrid::key_delivery_originator<> kms("KMS_1", signing_key, verification_key);
//   auto msg = kms.push({"phone-17", device_ek}, id, ksa_key, expiry, rng);
//
//   qkdnq::hybrid::key_delivery_device<> phone("phone-17", ek, dk, "KMS_1", verification_key);
//   auto key = phone.receive(msg, now);   // result<delivered_key>
//
// The device holds an ML-KEM key pair, the originator an ML-DSA key pair; each knows the other's
// public key. One message carries the ML-KEM ciphertext, the KSA-key under a pad derived from
// the ML-KEM secret, a KMAC tag, and an ML-DSA signature over the whole transcript (context
// string, key ID, both identities, expiry, hashes of both public keys). The device checks, in
// this order: format and identities, the hashes of both public keys, the signature, the expiry,
// replay (a key ID already delivered and not yet expired), then decapsulates and checks the tag in
// constant time. Any failure is a status and changes nothing.
//
// Pull variant (forward secrecy): the device first sends a request with a fresh ML-KEM key and a
// nonce; the originator encapsulates to both the long-term and the fresh key and derives the pad
// from both secrets, so a later compromise of the device's long-term key does not reveal the
// KSA-key once the fresh key is erased, and nobody but the device can have asked (only it can
// decapsulate the long-term ciphertext).
//
// Message, version 1 (little-endian integers):
//   1 version (1) | 1 kind (1 push, 2 pull response) | 16 key ID | 1+n originator ID |
//   1+n device ID | 8 expiry | 32 SHA3-256(device ek) | 32 SHA3-256(originator vk) |
//   [pull: 32 nonce | 32 SHA3-256(fresh ek)] | ct | [pull: fresh ct] | 2 key length L |
//   L encrypted key | 32 tag | signature
// Pull request, version 1: 1 version | 1 kind (3) | 1+n device ID | 1+n originator ID |
//   32 nonce | fresh ek
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/kmac.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/pqc/ml_dsa.hpp>
#include <qkdnq/pqc/ml_kem.hpp>
#include <qkdnq/relay/key_id.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qkdnq::hybrid {

enum class delivery_kind : std::uint8_t { push = 1, pull_response = 2, pull_request = 3 };

struct delivered_key {
    relay::key_id id;
    secure_bytes key;
    std::uint64_t expiry = 0;
};

// An end device as the originator knows it.
struct device_info {
    std::string id;
    bytes_view ml_kem_public_key;  // the device's long-term encapsulation key
};

namespace detail::key_delivery {

inline constexpr std::string_view signature_context = "qkdnq key delivery v1";  // ML-DSA ctx
inline constexpr std::string_view pad_label = "qkdnq key delivery v1 pad";
inline constexpr std::string_view tag_label = "qkdnq key delivery v1 tag";
inline constexpr std::uint8_t version = 1;
inline constexpr std::size_t nonce_size = 32, hash_size = 32, tag_size = 32, max_key_bytes = 1024;

using digest = std::array<std::uint8_t, hash_size>;

inline void put_id(std::vector<std::uint8_t>& out, std::string_view id) {
    out.push_back(static_cast<std::uint8_t>(id.size()));
    out.insert(out.end(), id.begin(), id.end());
}

inline void check_id(std::string_view id, const char* where) {
    if (id.empty() || id.size() > 255) throw invalid_argument(std::string(where) + ": identities have 1 to 255 bytes");
}

// A bounds-checked reader over a message.
class reader {
public:
    explicit reader(bytes_view in) : m_in(in) {}
    [[nodiscard]] bool take(std::size_t n, bytes_view& out) {
        if (m_in.size() - m_at < n) return false;
        out = m_in.subspan(m_at, n);
        m_at += n;
        return true;
    }
    [[nodiscard]] bool byte(std::uint8_t& b) {
        bytes_view v;
        if (!take(1, v)) return false;
        b = v[0];
        return true;
    }
    [[nodiscard]] bool id(std::string_view& out) {
        std::uint8_t n;
        bytes_view v;
        if (!byte(n) || n == 0 || !take(n, v)) return false;
        out = std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
        return true;
    }
    [[nodiscard]] std::size_t position() const noexcept { return m_at; }
    [[nodiscard]] std::size_t remaining() const noexcept { return m_in.size() - m_at; }

private:
    bytes_view m_in;
    std::size_t m_at = 0;
};

// pad || mac_key = KMAC256(K = secret, X = transcript, L = 8 (L + 32), S = pad_label).
inline secure_bytes derive_pad_and_mac_key(bytes_view secret, bytes_view transcript, std::size_t key_bytes) {
    secure_bytes okm(key_bytes + tag_size);
    kmac256 mac(secret, as_bytes(pad_label));
    mac.update(transcript);
    mac.final(okm);
    return okm;
}

// tag = KMAC256(K = mac_key, X = transcript || encrypted key, L = 256, S = tag_label).
inline std::array<std::uint8_t, tag_size> compute_tag(bytes_view mac_key, bytes_view transcript_and_ciphertext) {
    std::array<std::uint8_t, tag_size> tag{};
    kmac256 mac(mac_key, as_bytes(tag_label));
    mac.update(transcript_and_ciphertext);
    mac.final(tag);
    return tag;
}

}  // namespace detail::key_delivery

// The originator's side: signs and encrypts deliveries.
template <class Kem = ml_kem_768, class Dsa = ml_dsa_65>
class key_delivery_originator {
public:
    key_delivery_originator(std::string id, bytes_view signing_key, bytes_view verification_key) : m_id(std::move(id)) {
        detail::key_delivery::check_id(m_id, "qkdnq::hybrid::key_delivery_originator");
        qkdnq::detail::require_length("qkdnq::hybrid::key_delivery_originator", "signing_key", signing_key.size(), Dsa::sk_size);
        qkdnq::detail::require_length("qkdnq::hybrid::key_delivery_originator", "verification_key", verification_key.size(),
                                      Dsa::pk_size);
        std::copy(signing_key.begin(), signing_key.end(), m_sk.data());
        m_vk_hash = sha3_256::hash(verification_key);
    }

    [[nodiscard]] const std::string& id() const noexcept { return m_id; }

    // A push delivery of `key` (1 to 1024 bytes) under `id`, valid until `expiry` (the caller's
    // clock, for example seconds since the epoch). Throws invalid_argument for bad lengths.
    template <random_generator G>
    [[nodiscard]] std::vector<std::uint8_t> push(const device_info& device, const relay::key_id& id, bytes_view key,
                                                 std::uint64_t expiry, G& rng) const {
        return seal(delivery_kind::push, device, id, key, expiry, nullptr, {}, rng);
    }

    // The answer to a device's pull request: status::malformed_message if the request does not
    // parse, names another originator or device, or carries an encapsulation key that fails
    // FIPS 203's check.
    template <random_generator G>
    [[nodiscard]] result<std::vector<std::uint8_t>> respond(const device_info& device, bytes_view request,
                                                            const relay::key_id& id, bytes_view key, std::uint64_t expiry,
                                                            G& rng) const {
        detail::key_delivery::reader r(request);
        std::uint8_t version, kind;
        std::string_view device_id, originator_id;
        bytes_view nonce, fresh_ek;
        if (!r.byte(version) || !r.byte(kind) || version != detail::key_delivery::version ||
            kind != static_cast<std::uint8_t>(delivery_kind::pull_request) || !r.id(device_id) || !r.id(originator_id) ||
            !r.take(detail::key_delivery::nonce_size, nonce) || !r.take(Kem::ek_size, fresh_ek) || r.remaining() != 0) {
            return status::malformed_message;
        }
        if (device_id != device.id || originator_id != m_id) return status::malformed_message;
        if (!Kem::check_encapsulation_key(typename Kem::ek_view(fresh_ek.data(), Kem::ek_size))) return status::malformed_message;
        return seal(delivery_kind::pull_response, device, id, key, expiry, &nonce, fresh_ek, rng);
    }

private:
    template <random_generator G>
    std::vector<std::uint8_t> seal(delivery_kind kind, const device_info& device, const relay::key_id& id, bytes_view key,
                                   std::uint64_t expiry, const bytes_view* nonce, bytes_view fresh_ek, G& rng) const {
        namespace kd = detail::key_delivery;
        constexpr const char* where = "qkdnq::hybrid::key_delivery_originator";
        kd::check_id(device.id, where);
        qkdnq::detail::require_length(where, "device.ml_kem_public_key", device.ml_kem_public_key.size(), Kem::ek_size);
        if (key.empty() || key.size() > kd::max_key_bytes) qkdnq::detail::throw_invalid_length(where, "key", key.size(), "1 to 1024");
        const typename Kem::ek_view ek(device.ml_kem_public_key.data(), Kem::ek_size);
        std::vector<std::uint8_t> m;
        m.reserve(256 + 2 * Kem::ct_size + key.size() + Dsa::sig_size);
        m.push_back(kd::version);
        m.push_back(static_cast<std::uint8_t>(kind));
        m.insert(m.end(), id.bytes().begin(), id.bytes().end());
        kd::put_id(m, m_id);
        kd::put_id(m, device.id);
        for (int i = 0; i < 8; ++i) m.push_back(static_cast<std::uint8_t>(expiry >> (8 * i)));
        const auto ek_hash = sha3_256::hash(device.ml_kem_public_key);
        m.insert(m.end(), ek_hash.begin(), ek_hash.end());
        m.insert(m.end(), m_vk_hash.begin(), m_vk_hash.end());
        if (nonce != nullptr) {
            m.insert(m.end(), nonce->begin(), nonce->end());
            const auto fresh_hash = sha3_256::hash(fresh_ek);
            m.insert(m.end(), fresh_hash.begin(), fresh_hash.end());
        }
        // The ML-KEM secret(s): long-term, then fresh (pull).
        secure_bytes secret;
        std::array<std::uint8_t, Kem::ct_size> ct{};
        auto ss = Kem::encaps(ek, ct, rng);
        secret.insert(secret.end(), ss.data(), ss.data() + ss.size());
        m.insert(m.end(), ct.begin(), ct.end());
        if (nonce != nullptr) {
            auto fresh_ss = Kem::encaps(typename Kem::ek_view(fresh_ek.data(), Kem::ek_size), ct, rng);
            secret.insert(secret.end(), fresh_ss.data(), fresh_ss.data() + fresh_ss.size());
            m.insert(m.end(), ct.begin(), ct.end());
        }
        m.push_back(static_cast<std::uint8_t>(key.size()));
        m.push_back(static_cast<std::uint8_t>(key.size() >> 8));
        const secure_bytes okm = kd::derive_pad_and_mac_key(secret, m, key.size());
        for (std::size_t i = 0; i < key.size(); ++i) m.push_back(static_cast<std::uint8_t>(key[i] ^ okm[i]));
        const auto tag = kd::compute_tag(bytes_view(okm).subspan(key.size()), m);
        m.insert(m.end(), tag.begin(), tag.end());
        std::array<std::uint8_t, Dsa::sig_size> sig{};
        Dsa::sign(m_sk.span(), m, as_bytes(kd::signature_context), sig, rng);
        m.insert(m.end(), sig.begin(), sig.end());
        return m;
    }

    std::string m_id;
    secure_array<Dsa::sk_size> m_sk;
    detail::key_delivery::digest m_vk_hash{};
};

// The device's side: verifies, decrypts and remembers delivered key IDs.
template <class Kem = ml_kem_768, class Dsa = ml_dsa_65>
class key_delivery_device {
public:
    key_delivery_device(std::string id, bytes_view ml_kem_public_key, bytes_view ml_kem_private_key, std::string originator_id,
                        bytes_view originator_verification_key)
        : m_id(std::move(id)), m_originator(std::move(originator_id)) {
        constexpr const char* where = "qkdnq::hybrid::key_delivery_device";
        detail::key_delivery::check_id(m_id, where);
        detail::key_delivery::check_id(m_originator, where);
        qkdnq::detail::require_length(where, "ml_kem_public_key", ml_kem_public_key.size(), Kem::ek_size);
        qkdnq::detail::require_length(where, "ml_kem_private_key", ml_kem_private_key.size(), Kem::dk_size);
        qkdnq::detail::require_length(where, "originator_verification_key", originator_verification_key.size(), Dsa::pk_size);
        std::copy(ml_kem_private_key.begin(), ml_kem_private_key.end(), m_dk.data());
        std::copy(originator_verification_key.begin(), originator_verification_key.end(), m_vk.begin());
        m_ek_hash = sha3_256::hash(ml_kem_public_key);
        m_vk_hash = sha3_256::hash(originator_verification_key);
    }

    [[nodiscard]] const std::string& id() const noexcept { return m_id; }

    // Pull variant, step 1: a request with a fresh ML-KEM key (kept until the response arrives;
    // a new request replaces it).
    template <random_generator G>
    [[nodiscard]] std::vector<std::uint8_t> request(G& rng) {
        namespace kd = detail::key_delivery;
        pending p;
        std::array<std::uint8_t, Kem::ek_size> fresh_ek{};
        Kem::keygen(fresh_ek, p.dk.span(), rng);
        rng.fill(p.nonce);
        p.ek_hash = sha3_256::hash(fresh_ek);
        std::vector<std::uint8_t> m;
        m.push_back(kd::version);
        m.push_back(static_cast<std::uint8_t>(delivery_kind::pull_request));
        kd::put_id(m, m_id);
        kd::put_id(m, m_originator);
        m.insert(m.end(), p.nonce.begin(), p.nonce.end());
        m.insert(m.end(), fresh_ek.begin(), fresh_ek.end());
        m_pending = std::move(p);
        return m;
    }

    // Opens a delivery at time `now` (the originator's clock units). Statuses:
    // malformed_message (format, identities, public-key hashes, a pull response without the
    // matching request), verification_failed (signature or tag), expired (expiry < now),
    // duplicate_key_id (the key ID was delivered before and has not expired). Nothing changes on
    // failure; on success the key ID is remembered until it expires, and a pull request's fresh
    // key is erased.
    [[nodiscard]] result<delivered_key> receive(bytes_view message, std::uint64_t now) {
        namespace kd = detail::key_delivery;
        kd::reader r(message);
        std::uint8_t version, kind_byte;
        bytes_view id_bytes, expiry_bytes, ek_hash, vk_hash, nonce, fresh_hash, ct, fresh_ct, length, enc, tag, sig;
        std::string_view originator_id, device_id;
        if (!r.byte(version) || !r.byte(kind_byte) || version != kd::version) return status::malformed_message;
        const bool pull = kind_byte == static_cast<std::uint8_t>(delivery_kind::pull_response);
        if (!pull && kind_byte != static_cast<std::uint8_t>(delivery_kind::push)) return status::malformed_message;
        if (!r.take(relay::key_id::size, id_bytes) || !r.id(originator_id) || !r.id(device_id) || !r.take(8, expiry_bytes) ||
            !r.take(kd::hash_size, ek_hash) || !r.take(kd::hash_size, vk_hash)) {
            return status::malformed_message;
        }
        if (pull && (!r.take(kd::nonce_size, nonce) || !r.take(kd::hash_size, fresh_hash))) return status::malformed_message;
        if (!r.take(Kem::ct_size, ct) || (pull && !r.take(Kem::ct_size, fresh_ct)) || !r.take(2, length)) {
            return status::malformed_message;
        }
        const std::size_t transcript = r.position();
        const std::size_t key_bytes = static_cast<std::size_t>(length[0] | (length[1] << 8));
        if (key_bytes == 0 || key_bytes > kd::max_key_bytes || !r.take(key_bytes, enc) || !r.take(kd::tag_size, tag) ||
            !r.take(Dsa::sig_size, sig) || r.remaining() != 0) {
            return status::malformed_message;
        }
        // Identities and public-key hashes (public data).
        if (originator_id != m_originator || device_id != m_id || !std::equal(ek_hash.begin(), ek_hash.end(), m_ek_hash.begin()) ||
            !std::equal(vk_hash.begin(), vk_hash.end(), m_vk_hash.begin())) {
            return status::malformed_message;
        }
        if (pull && (!m_pending || !std::equal(nonce.begin(), nonce.end(), m_pending->nonce.begin()) ||
                     !std::equal(fresh_hash.begin(), fresh_hash.end(), m_pending->ek_hash.begin()))) {
            return status::malformed_message;
        }
        // The signature over everything before it.
        const bytes_view signed_part = message.first(message.size() - Dsa::sig_size);
        if (!Dsa::verify(m_vk, signed_part, as_bytes(kd::signature_context), typename Dsa::sig_view(sig.data(), Dsa::sig_size))) {
            return status::verification_failed;
        }
        std::uint64_t expiry = 0;
        for (int i = 0; i < 8; ++i) expiry |= std::uint64_t{expiry_bytes[static_cast<std::size_t>(i)]} << (8 * i);
        if (expiry < now) return status::expired;
        std::array<std::uint8_t, relay::key_id::size> idb{};
        std::copy(id_bytes.begin(), id_bytes.end(), idb.begin());
        const relay::key_id id(idb);
        forget_expired(now);
        if (m_seen.count(id) != 0) return status::duplicate_key_id;
        // Decapsulate, derive, check the tag in constant time, decrypt.
        secure_bytes secret;
        const auto ss = Kem::decaps(m_dk.span(), typename Kem::ct_view(ct.data(), Kem::ct_size));
        secret.insert(secret.end(), ss.data(), ss.data() + ss.size());
        if (pull) {
            const auto fresh_ss = Kem::decaps(m_pending->dk.span(), typename Kem::ct_view(fresh_ct.data(), Kem::ct_size));
            secret.insert(secret.end(), fresh_ss.data(), fresh_ss.data() + fresh_ss.size());
        }
        const secure_bytes okm = kd::derive_pad_and_mac_key(secret, message.first(transcript), key_bytes);
        const auto expected = kd::compute_tag(bytes_view(okm).subspan(key_bytes), message.first(transcript + key_bytes));
        if (!ct::equal(expected, tag)) return status::verification_failed;
        delivered_key out{id, secure_bytes(key_bytes), expiry};
        for (std::size_t i = 0; i < key_bytes; ++i) out.key[i] = static_cast<std::uint8_t>(enc[i] ^ okm[i]);
        m_seen.insert(id);
        m_by_expiry.emplace(expiry, id);
        if (pull) m_pending.reset();  // the fresh key is wiped: forward secrecy
        return out;
    }

    // Key IDs remembered against replay.
    [[nodiscard]] std::size_t remembered() const noexcept { return m_seen.size(); }
    [[nodiscard]] bool has_pending_request() const noexcept { return m_pending.has_value(); }

private:
    struct pending {
        secure_array<Kem::dk_size> dk;
        std::array<std::uint8_t, detail::key_delivery::nonce_size> nonce{};
        detail::key_delivery::digest ek_hash{};
    };

    // A message that has expired is refused on its expiry alone, so its ID need not be kept.
    void forget_expired(std::uint64_t now) {
        while (!m_by_expiry.empty() && m_by_expiry.begin()->first < now) {
            m_seen.erase(m_by_expiry.begin()->second);
            m_by_expiry.erase(m_by_expiry.begin());
        }
    }

    std::string m_id;
    std::string m_originator;
    secure_array<Kem::dk_size> m_dk;
    std::array<std::uint8_t, Dsa::pk_size> m_vk{};
    detail::key_delivery::digest m_ek_hash{};
    detail::key_delivery::digest m_vk_hash{};
    std::optional<pending> m_pending;
    std::set<relay::key_id> m_seen;                         // delivered, not yet expired
    std::multimap<std::uint64_t, relay::key_id> m_by_expiry;  // the same IDs by expiry
};

}  // namespace qkdnq::hybrid
