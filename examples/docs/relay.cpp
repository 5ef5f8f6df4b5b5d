// relay/: a KSA-key relayed A -> B -> C via the trusted node B (one-time pad and Wegman-Carter
// tag per hop), then served to two SAEs by the KMEs at A and C with ETSI GS QKD 014's calls.
#include <qkdnq/core/ct.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/relay/key_store.hpp>
#include <qkdnq/relay/trusted_node.hpp>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

int main() {
    namespace rl = qkdnq::relay;
    qkdnq::os_random rng;
    rl::trusted_node a("A"), b("B"), c("C");
    for (auto [x, y] : {std::pair{&a, &b}, std::pair{&b, &c}}) {
        qkdnq::secure_bytes auth_key(1024), link_key(4096);  // in operation: pre-shared, then QKD output
        rng.fill(auth_key);
        rng.fill(link_key);
        x->add_link(y->id(), 1, auth_key);
        y->add_link(x->id(), 1, auth_key);
        x->deposit_link_key(y->id(), link_key);
        y->deposit_link_key(x->id(), link_key);
    }
    std::vector<rl::relay_key> keys{{rl::key_id::random(rng), qkdnq::secure_bytes(32)}};
    rng.fill(keys[0].key);
    const auto to_b = a.originate({"A", "B", "C"}, keys);  // result<outgoing>
    if (!to_b) return 1;
    const auto at_b = b.receive("A", to_b->wire);  // B opens, re-pads for the next hop, tags
    if (!at_b || at_b->delivered || at_b->forward.to != "C") return 1;
    const auto at_c = c.receive("B", at_b->forward.wire);
    if (!at_c || !at_c->delivered || !qkdnq::ct::equal(at_c->keys[0].key, keys[0].key)) return 1;
    std::printf("key %s relayed A -> B -> C, %llu bytes of link key per hop\n", keys[0].id.to_string().c_str(),
                static_cast<unsigned long long>(a.counters("B").link_key_consumed));

    // The KMEs at A and C store it; the one whose share holds it (by the ID's last bit) is master.
    rl::key_store kme_a("KME_A"), kme_c("KME_C");
    kme_a.add_peer("KME_C");
    kme_c.add_peer("KME_A");
    for (rl::key_store* s : {&kme_a, &kme_c}) { s->register_sae("SAE_A", "KME_A"); s->register_sae("SAE_C", "KME_C"); }
    if (kme_a.deposit("KME_C", keys[0].id, keys[0].key) != qkdnq::status::ok ||
        kme_c.deposit("KME_A", at_c->keys[0].id, at_c->keys[0].key) != qkdnq::status::ok) return 1;
    rl::key_store *master = &kme_a, *slave = &kme_c;
    std::string master_sae = "SAE_A", slave_sae = "SAE_C";
    if (kme_a.stored_key_count("KME_C") == 0) { std::swap(master, slave); std::swap(master_sae, slave_sae); }
    auto got = master->get_key(master_sae, slave_sae, {});                      // enc_keys: 1 key, 256 bits
    if (!got || slave->apply(got->reservation) != qkdnq::status::ok) return 1;  // KME to KME
    rl::etsi014::key_ids_request ids;
    ids.key_IDs.push_back({got->container.keys[0].key_ID, {}});
    const auto same = slave->get_key_with_key_ids(slave_sae, master_sae, ids);  // dec_keys
    if (!same || !qkdnq::ct::equal(same->keys[0].material, got->container.keys[0].material)) return 1;
    const auto again = slave->get_key_with_key_ids(slave_sae, master_sae, ids);  // handed out once
    if (again) return 1;
    std::printf("%s: Get key; %s: Get key with key IDs; asked again: HTTP %d\n", master_sae.c_str(), slave_sae.c_str(),
                again.error_object().http_status);
    return 0;
}
