// Use case 7.1 of ITU-T TR.QKDN-nq: a QKD key secures a TLS 1.3 connection as an external PSK.
//
// Two KMEs share KSA-keys from a (simulated) QKD link. SAE_A, the master, gets a key from KME_A
// (ETSI GS QKD 014 Get key); KME_A tells KME_B which key it handed out; SAE_B, the slave, gets
// the same key from KME_B by its ID (Get key with key IDs). Each SAE imports the key as a TLS 1.3
// external PSK (RFC 9258, hybrid/tls_psk.hpp), and the two run a real TLS 1.3 handshake with
// OpenSSL's libssl (psk_dhe_ke: the PSK and an ephemeral ECDHE share, so the session is as strong
// as the stronger of the two), in memory, then exchange a message each way. Finally a client
// with a wrong key must fail the handshake. This program, not the library, links OpenSSL.
//
//   qkdnq_tls_psk_example        (exit status 0 when every step worked; run by ctest)
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/tls_psk.hpp>
#include <qkdnq/relay/key_store.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

// The PSK an SSL object offers or accepts (set as its ex_data by the caller).
struct psk_config {
    qkdnq::hybrid::tls13_external_psk psk;
};
int psk_index = -1;

const unsigned char tls_aes_128_gcm_sha256[] = {0x13, 0x01};

SSL_SESSION* session_for(SSL* ssl, const psk_config& c) {
    const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, tls_aes_128_gcm_sha256);
    SSL_SESSION* s = SSL_SESSION_new();
    if (cipher == nullptr || s == nullptr || SSL_SESSION_set1_master_key(s, c.psk.key.data(), c.psk.key.size()) != 1 ||
        SSL_SESSION_set_cipher(s, cipher) != 1 || SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION) != 1) {
        SSL_SESSION_free(s);
        return nullptr;
    }
    return s;
}

// Client: offer the imported identity and key (RFC 8446 §4.2.11).
int use_session(SSL* ssl, const EVP_MD* md, const unsigned char** id, size_t* id_len, SSL_SESSION** sess) {
    const auto* c = static_cast<const psk_config*>(SSL_get_ex_data(ssl, psk_index));
    const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, tls_aes_128_gcm_sha256);
    if (md != nullptr && md != SSL_CIPHER_get_handshake_digest(cipher)) {  // a HelloRetryRequest for another hash
        *sess = nullptr;
        return 1;
    }
    *sess = session_for(ssl, *c);
    *id = c->psk.identity.data();
    *id_len = c->psk.identity.size();
    return *sess != nullptr ? 1 : 0;
}

// Server: accept exactly the identity it imported itself.
int find_session(SSL* ssl, const unsigned char* id, size_t id_len, SSL_SESSION** sess) {
    const auto* c = static_cast<const psk_config*>(SSL_get_ex_data(ssl, psk_index));
    *sess = nullptr;
    if (id_len == c->psk.identity.size() && std::memcmp(id, c->psk.identity.data(), id_len) == 0) *sess = session_for(ssl, *c);
    return 1;
}

// Runs both handshakes over a BIO pair; true if both complete with the PSK.
bool handshake(const psk_config& client_psk, const psk_config& server_psk, bool exchange, bool print_errors = true) {
    SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX* sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION);
    SSL_CTX_set_min_proto_version(sctx, TLS1_3_VERSION);
    // The imported PSK is for HKDF-SHA256 (RFC 9258 target_kdf): offer and accept only SHA-256
    // suites, or a server preferring TLS_AES_256_GCM_SHA384 would skip the PSK.
    for (SSL_CTX* ctx : {cctx, sctx}) SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256");
    SSL_CTX_set_psk_use_session_callback(cctx, use_session);
    SSL_CTX_set_psk_find_session_callback(sctx, find_session);
    SSL* client = SSL_new(cctx);
    SSL* server = SSL_new(sctx);
    SSL_set_ex_data(client, psk_index, const_cast<psk_config*>(&client_psk));
    SSL_set_ex_data(server, psk_index, const_cast<psk_config*>(&server_psk));
    BIO *client_bio = nullptr, *server_bio = nullptr;
    BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
    SSL_set_bio(client, client_bio, client_bio);
    SSL_set_bio(server, server_bio, server_bio);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);

    bool client_done = false, server_done = false, failed = false;
    for (int round = 0; round < 32 && !(client_done && server_done) && !failed; ++round) {
        for (auto [ssl, done] : {std::pair{client, &client_done}, std::pair{server, &server_done}}) {
            if (*done) continue;
            const int r = SSL_do_handshake(ssl);
            if (r == 1) {
                *done = true;
            } else {
                const int e = SSL_get_error(ssl, r);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) failed = true;
            }
        }
    }
    if (print_errors && !(client_done && server_done && !failed)) ERR_print_errors_fp(stderr);
    bool ok = client_done && server_done && !failed && SSL_session_reused(client) == 1 && SSL_session_reused(server) == 1;
    if (ok) {
        std::printf("  handshake: %s, %s, PSK accepted by both sides\n", SSL_get_version(client), SSL_get_cipher_name(client));
    }
    if (ok && exchange) {
        const std::string hello = "hello from SAE_A over a QKD-keyed TLS 1.3 session";
        const std::string reply = "and back from SAE_B";
        char buffer[128] = {};
        ok = SSL_write(client, hello.data(), static_cast<int>(hello.size())) == static_cast<int>(hello.size()) &&
             SSL_read(server, buffer, sizeof buffer) == static_cast<int>(hello.size()) && hello == std::string(buffer, hello.size());
        if (ok) std::printf("  SAE_B read: \"%s\"\n", std::string(buffer, hello.size()).c_str());
        std::memset(buffer, 0, sizeof buffer);
        ok = ok && SSL_write(server, reply.data(), static_cast<int>(reply.size())) == static_cast<int>(reply.size()) &&
             SSL_read(client, buffer, sizeof buffer) == static_cast<int>(reply.size()) && reply == std::string(buffer, reply.size());
        if (ok) std::printf("  SAE_A read: \"%s\"\n", std::string(buffer, reply.size()).c_str());
    }
    SSL_free(client);
    SSL_free(server);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    ERR_clear_error();
    return ok;
}

}  // namespace

int main() {
    namespace relay = qkdnq::relay;
    psk_index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);

    // Two KMEs on one QKD link (simulated: both ends get the same keys).
    relay::key_store kme_a("KME_A"), kme_b("KME_B");
    kme_a.add_peer("KME_B");
    kme_b.add_peer("KME_A");
    for (auto* k : {&kme_a, &kme_b}) {
        k->register_sae("SAE_A", "KME_A");
        k->register_sae("SAE_B", "KME_B");
    }
    qkdnq::shake_drbg link(std::uint64_t{7});
    for (int i = 0; i < 64; ++i) {
        qkdnq::secure_bytes key(32);
        link.fill(key);
        const auto id = relay::key_id::random(link);
        if (kme_a.deposit("KME_B", id, key) != qkdnq::status::ok || kme_b.deposit("KME_A", id, key) != qkdnq::status::ok) return 1;
    }
    std::printf("KME_A and KME_B share %zu KSA-keys\n", kme_a.pool_size("KME_B"));

    // ETSI GS QKD 014: the master gets a key, the slave the same one by ID.
    auto got = kme_a.get_key("SAE_A", "SAE_B", {});
    if (!got) return 1;
    if (kme_b.apply(got->reservation) != qkdnq::status::ok) return 1;
    relay::etsi014::key_ids_request ids;
    ids.key_IDs.push_back({got->container.keys[0].key_ID, std::nullopt});
    auto same = kme_b.get_key_with_key_ids("SAE_B", "SAE_A", ids);
    if (!same) return 1;
    std::printf("SAE_A and SAE_B hold KSA-key %s (%zu bits)\n", got->container.keys[0].key_ID.c_str(),
                8 * got->container.keys[0].material.size());

    // Each SAE imports it as a TLS 1.3 external PSK.
    const auto id = relay::key_id::parse(got->container.keys[0].key_ID).value();
    const auto context = qkdnq::as_bytes("SAE_A|SAE_B");
    const psk_config client{qkdnq::hybrid::import_tls13_psk(id, got->container.keys[0].material, context)};
    const psk_config server{qkdnq::hybrid::import_tls13_psk(id, same->keys[0].material, context)};
    std::printf("PSK identity: %zu bytes (RFC 9258 ImportedIdentity)\n", client.psk.identity.size());

    std::printf("TLS 1.3 with the imported PSK:\n");
    if (!handshake(client, server, true)) {
        std::printf("FAILED: the handshake with the shared PSK did not complete\n");
        return 1;
    }
    // A client holding another key (same identity) must be refused.
    qkdnq::secure_bytes wrong(32, 0x42);
    const psk_config impostor{qkdnq::hybrid::import_tls13_psk(id, wrong, context)};
    std::printf("TLS 1.3 with a wrong key under the same identity:\n");
    if (handshake(impostor, server, false, false)) {
        std::printf("FAILED: a wrong PSK was accepted\n");
        return 1;
    }
    std::printf("  refused, as it must be\n");
    std::printf("ok\n");
    return 0;
}
