// TLS 1.3 external PSK import (hybrid/tls_psk.hpp, RFC 9258 §5.1): the ImportedIdentity's
// layout byte by byte, the key recomputed from RFC 5869 / RFC 8446 §7.1 written out with HMAC
// directly, and its dependence on the ID, the context and the KSA-key.
#include <qkdnq/hash/hmac.hpp>
#include <qkdnq/hash/sha2.hpp>
#include <qkdnq/hybrid/tls_psk.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

namespace hy = qkdnq::hybrid;
using bytes = std::vector<std::uint8_t>;

const qkdnq::relay::key_id id = qkdnq::relay::key_id::parse("bc490419-7d60-487f-adc1-4ddcc177c139").value();

std::string key_hex(const hy::tls13_external_psk& p) { return qkdnq::to_hex(p.key.span()); }

}  // namespace

TEST_CASE("tls_psk: the ImportedIdentity has RFC 9258's layout", "[hybrid][tls_psk]") {
    const bytes ksa(32, 0x11);
    const auto psk = hy::import_tls13_psk(id, ksa, qkdnq::as_bytes("SAE_A|SAE_B"));
    bytes expected = {0x00, 36};
    const std::string text = id.to_string();
    expected.insert(expected.end(), text.begin(), text.end());
    expected.push_back(0x00);
    expected.push_back(11);
    const std::string context = "SAE_A|SAE_B";
    expected.insert(expected.end(), context.begin(), context.end());
    expected.insert(expected.end(), {0x03, 0x04, 0x00, 0x01});
    CHECK(psk.identity == expected);
}

TEST_CASE("tls_psk: the key is HKDF-Expand-Label(HKDF-Extract(0, epsk), \"derived psk\", Hash(identity), 32)",
          "[hybrid][tls_psk]") {
    bytes ksa(48);
    for (std::size_t i = 0; i < ksa.size(); ++i) ksa[i] = static_cast<std::uint8_t>(i);
    const auto psk = hy::import_tls13_psk(id, ksa);
    // By hand: PRK = HMAC(0^32, epsk); T(1) = HMAC(PRK, HkdfLabel || 0x01) (one block: L = 32).
    const bytes zeros(32, 0);
    const auto prk = qkdnq::hmac<qkdnq::sha256>::mac(zeros, ksa);
    const auto identity_hash = qkdnq::sha256::hash(psk.identity);
    bytes label = {0x00, 0x20, static_cast<std::uint8_t>(std::string("tls13 derived psk").size())};
    for (char c : std::string("tls13 derived psk")) label.push_back(static_cast<std::uint8_t>(c));
    label.push_back(32);
    label.insert(label.end(), identity_hash.begin(), identity_hash.end());
    label.push_back(0x01);
    const auto t1 = qkdnq::hmac<qkdnq::sha256>::mac(prk, label);
    CHECK(key_hex(psk) == qkdnq::to_hex(t1));
}

TEST_CASE("tls_psk: another ID, context or KSA-key gives another key; bad input throws", "[hybrid][tls_psk]") {
    const bytes ksa(32, 0x22);
    const std::string reference = key_hex(hy::import_tls13_psk(id, ksa));
    CHECK(key_hex(hy::import_tls13_psk(id, ksa)) == reference);
    CHECK(key_hex(hy::import_tls13_psk(qkdnq::relay::key_id{}, ksa)) != reference);
    CHECK(key_hex(hy::import_tls13_psk(id, ksa, qkdnq::as_bytes("x"))) != reference);
    bytes other = ksa;
    other[0] ^= 1;
    CHECK(key_hex(hy::import_tls13_psk(id, other)) != reference);
    CHECK_THROWS_AS(hy::import_tls13_psk(id, bytes(15)), qkdnq::invalid_argument);
    CHECK_THROWS_AS(hy::import_tls13_psk(id, ksa, bytes(65536)), qkdnq::invalid_argument);
}
