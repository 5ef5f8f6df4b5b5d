// HKDF (RFC 5869): extract-then-expand key derivation over HMAC with any qkdnq::hmac_hash
// (SHA-2 or SHA-3). Also SP 800-56C rev2's two-step KDF in its HKDF form (ACVP "KDA-HKDF").
//
//   qkdnq::secure_array<48> key;
//   qkdnq::hkdf<qkdnq::sha256>(ikm, salt, qkdnq::as_bytes("context"), key.span());
//
// Nothing branches or indexes on IKM, PRK or output bytes; intermediate blocks T(i) and the
// PRK are wiped.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/hmac.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace qkdnq {

// The longest output HKDF-Expand gives: 255 * HashLen bytes (RFC 5869 §2.3).
template <hmac_hash Hash>
inline constexpr std::size_t hkdf_max_output_size = 255 * Hash::digest_size;

// HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM) (RFC 5869 §2.2). An empty salt means HashLen
// zero bytes.
template <hmac_hash Hash>
[[nodiscard]] secure_array<Hash::digest_size> hkdf_extract(bytes_view salt, bytes_view ikm) {
    constexpr std::array<std::uint8_t, Hash::digest_size> zero_salt{};  // §2.2: "if not provided"
    hmac<Hash> mac(salt.empty() ? bytes_view(zero_salt) : salt);
    mac.update(ikm);
    secure_array<Hash::digest_size> prk;
    mac.final(prk.span());
    return prk;
}

// HKDF-Expand(PRK, info, L) with L = out.size() (RFC 5869 §2.3). `prk` must have at least
// HashLen bytes and L at most 255 * HashLen; otherwise it throws qkdnq::invalid_argument and
// leaves `out` untouched.
template <hmac_hash Hash>
void hkdf_expand(bytes_view prk, bytes_view info, mutable_bytes out) {
    constexpr std::size_t hash_len = Hash::digest_size;
    // §2.3: "L  length of output keying material in octets (<= 255*HashLen)".
    detail::require_at_most("qkdnq::hkdf_expand", "out", out.size(), hkdf_max_output_size<Hash>);
    // §2.3: "PRK  a pseudorandom key of at least HashLen octets".
    if (prk.size() < hash_len) {
        detail::throw_invalid_length("qkdnq::hkdf_expand", "prk", prk.size(), "at least " + std::to_string(hash_len));
    }

    const hmac<Hash> keyed(prk);  // the keyed state is copied for each block, not recomputed
    secure_array<hash_len> t;     // T(i)
    std::size_t done = 0;
    // §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i) for i = 1..N, N = ceil(L/HashLen), T(0) empty;
    // OKM = the first L octets of T(1) | T(2) | ... | T(N). N <= 255, so i fits one octet.
    for (std::uint8_t i = 1; done < out.size(); ++i) {
        hmac<Hash> mac(keyed);
        if (i > 1) mac.update(t.span());
        mac.update(info);
        mac.update(bytes_view(&i, 1));
        mac.final(t.span());
        const std::size_t n = std::min(hash_len, out.size() - done);
        std::copy_n(t.data(), n, out.data() + done);
        done += n;
    }
}

// HKDF(IKM, salt, info, L) = HKDF-Expand(HKDF-Extract(salt, IKM), info, L) (RFC 5869 §2), with
// L = out.size(). Throws qkdnq::invalid_argument (out untouched) if L > 255 * HashLen.
template <hmac_hash Hash>
void hkdf(bytes_view ikm, bytes_view salt, bytes_view info, mutable_bytes out) {
    detail::require_at_most("qkdnq::hkdf", "out", out.size(), hkdf_max_output_size<Hash>);
    const secure_array<Hash::digest_size> prk = hkdf_extract<Hash>(salt, ikm);  // §2.2
    hkdf_expand<Hash>(prk.span(), info, out);                                   // §2.3
}

}  // namespace qkdnq
