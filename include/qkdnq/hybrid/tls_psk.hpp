// A TLS 1.3 external pre-shared key from a KSA-key (ITU-T TR.QKDN-nq use case 7.1: QKD keys
// fed to TLS endpoints in the trusted node), imported as RFC 9258 describes, with HKDF-SHA256.
//
//   auto psk = qkdnq::hybrid::import_tls13_psk(key_id, ksa_key, qkdnq::as_bytes("SAE_A|SAE_B"));
//   // psk.identity: the ImportedIdentity to offer as the PSK identity (RFC 8446 §4.2.11)
//   // psk.key:      the imported PSK (ipskx), 32 bytes, for TLS_AES_128_GCM_SHA256 / TLS_CHACHA20_POLY1305_SHA256
//
// RFC 9258 §5.1: epskx = HKDF-Extract(0, epsk); ipskx = HKDF-Expand-Label(epskx, "derived psk",
// Hash(ImportedIdentity), L), with ImportedIdentity = external_identity (the key ID's 36-byte
// UUID text) || context || target_protocol (0x0304, TLS 1.3) || target_kdf (0x0001,
// HKDF_SHA256), each opaque field with its 16-bit length. Both ends that hold the KSA-key and its
// ID derive the same identity and key; a key imported under another ID or context is unrelated.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/hkdf.hpp>
#include <qkdnq/hash/sha2.hpp>
#include <qkdnq/relay/key_id.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qkdnq::hybrid {

struct tls13_external_psk {
    std::vector<std::uint8_t> identity;  // the serialised ImportedIdentity
    secure_array<32> key;                // ipskx for an HKDF-SHA256 cipher suite
};

namespace detail {

inline void append_opaque16(std::vector<std::uint8_t>& out, bytes_view data, std::string_view where) {
    if (data.size() > 0xffff) throw invalid_argument(std::string(where) + ": a field exceeds 2^16 - 1 bytes");
    out.push_back(static_cast<std::uint8_t>(data.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(data.size()));
    out.insert(out.end(), data.begin(), data.end());
}

// RFC 8446 §7.1 HKDF-Expand-Label(secret, label, context, L) with SHA-256.
inline void hkdf_expand_label_sha256(bytes_view secret, std::string_view label, bytes_view context, mutable_bytes out) {
    constexpr std::string_view prefix = "tls13 ";
    if (prefix.size() + label.size() > 255 || context.size() > 255 || out.size() > 0xffff) {
        throw invalid_argument("qkdnq::hybrid::hkdf_expand_label_sha256: label, context or length out of range");
    }
    std::array<std::uint8_t, 2 + 1 + 255 + 1 + 255> info{};
    std::size_t n = 0;
    info[n++] = static_cast<std::uint8_t>(out.size() >> 8);  // uint16 length
    info[n++] = static_cast<std::uint8_t>(out.size());
    info[n++] = static_cast<std::uint8_t>(prefix.size() + label.size());  // opaque label<7..255>
    for (const char c : prefix) info[n++] = static_cast<std::uint8_t>(c);
    for (const char c : label) info[n++] = static_cast<std::uint8_t>(c);
    info[n++] = static_cast<std::uint8_t>(context.size());  // opaque context<0..255>
    for (const std::uint8_t b : context) info[n++] = b;
    hkdf_expand<sha256>(secret, bytes_view(info.data(), n), out);
}

}  // namespace detail

inline constexpr std::uint16_t tls13_protocol = 0x0304;
inline constexpr std::uint16_t tls13_kdf_hkdf_sha256 = 0x0001;

// The imported PSK for `ksa_key` (at least 16 bytes) with ID `id`, under `context` (for example
// both SAE IDs; at most 65535 bytes). Throws invalid_argument otherwise.
[[nodiscard]] inline tls13_external_psk import_tls13_psk(const relay::key_id& id, bytes_view ksa_key, bytes_view context = {}) {
    constexpr std::string_view where = "qkdnq::hybrid::import_tls13_psk";
    if (ksa_key.size() < 16) qkdnq::detail::throw_invalid_length(where, "ksa_key", ksa_key.size(), "at least 16");
    tls13_external_psk out;
    const std::string external_identity = id.to_string();
    detail::append_opaque16(out.identity, as_bytes(external_identity), where);  // §5.1 external_identity
    detail::append_opaque16(out.identity, context, where);                     // context
    out.identity.push_back(static_cast<std::uint8_t>(tls13_protocol >> 8));    // target_protocol
    out.identity.push_back(static_cast<std::uint8_t>(tls13_protocol & 0xff));
    out.identity.push_back(static_cast<std::uint8_t>(tls13_kdf_hkdf_sha256 >> 8));  // target_kdf
    out.identity.push_back(static_cast<std::uint8_t>(tls13_kdf_hkdf_sha256 & 0xff));
    const auto epskx = hkdf_extract<sha256>({}, ksa_key);                      // HKDF-Extract(0, epsk)
    const auto identity_hash = sha256::hash(out.identity);                     // Hash(ImportedIdentity)
    detail::hkdf_expand_label_sha256(epskx.span(), "derived psk", identity_hash, out.key.span());
    return out;
}

}  // namespace qkdnq::hybrid
