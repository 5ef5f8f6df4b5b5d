// The qkdnq demo: the TR.QKDN-nq story end to end on a simulated network.
//
//   node A ==QKD 20 km== node B ==QKD 30 km== node C  - - PQC - -  mobile device D
//
//   1. Both QKD links (BB84, single-photon source, sim/bb84_link.hpp) produce sifted key, and
//      each link's post-processing session (pipeline/session.hpp: estimation, Cascade or LDPC,
//      verification, privacy amplification, authenticated channel) turns it into KSA-keys in
//      the key stores of its two nodes.
//   2. A relays end-to-end keys to C through the trusted node B (one-time pad per hop,
//      relay/trusted_node.hpp); the hops' link key is taken from the key stores through ETSI GS
//      QKD 014 calls (Get key / Get key with key IDs).
//   3. C delivers each end-to-end key to D over the classical user network with ML-KEM-768 and
//      ML-DSA-65 (hybrid/key_delivery.hpp, use case 7.3); A and D then bind it to an X-Wing
//      exchange with the hybrid combiner (hybrid/combiner.hpp).
//   4. The report: each link's statistics, and the key-supply QoS of Y.3807 per segment (QKD
//      links, relay, user network), as tables and, with --json, a JSON document.
//
//   qkdnq_demo [--block-bits N] [--blocks B] [--qber Q] [--method automatic|cascade|ldpc]
//              [--seed S] [--relay-keys K] [--json FILE] [--help]
//
// Everything is seeded (--seed): the same options give the same keys. No key is ever printed.
// Exit status 0 when every step succeeded and A and D hold the same keys.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/hybrid/combiner.hpp>
#include <qkdnq/hybrid/key_delivery.hpp>
#include <qkdnq/hybrid/xwing.hpp>
#include <qkdnq/pipeline/session.hpp>
#include <qkdnq/pipeline/statistics.hpp>
#include <qkdnq/relay/key_store.hpp>
#include <qkdnq/relay/trusted_node.hpp>
#include <qkdnq/sim/bb84_link.hpp>
#include <qkdnq/simd/arch.hpp>
#include <qkdnq/version.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace qkdnq;
using clock_type = std::chrono::steady_clock;

struct options {
    std::size_t block_bits = 1'000'000;
    std::size_t blocks = 3;
    double qber = 0.02;
    pipeline::reconciliation_method method = pipeline::reconciliation_method::automatic;
    std::uint64_t seed = 1;
    std::size_t relay_keys = 64;
    std::string json_path;
};

void usage() {
    std::puts("usage: qkdnq_demo [--block-bits N] [--blocks B] [--qber Q] [--method automatic|cascade|ldpc]\n"
              "                  [--seed S] [--relay-keys K] [--json FILE]\n"
              "  --block-bits  sifted key bits per post-processing block (default 1000000, at least 20000)\n"
              "  --blocks      blocks per QKD link (default 3)\n"
              "  --qber        the links' misalignment error, about their QBER (default 0.02, at most 0.1)\n"
              "  --method      reconciliation: Cascade, LDPC, or chosen from the estimated QBER (default)\n"
              "  --seed        seed of every simulated and random choice (default 1)\n"
              "  --relay-keys  end-to-end 256-bit keys relayed A -> C and delivered to D (default 64)\n"
              "  --json FILE   also write the full report as JSON");
}

bool parse_options(int argc, char** argv, options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const auto value = [&](const char* name) -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "qkdnq_demo: %s needs a value\n", name);
                return nullptr;
            }
            return argv[++i];
        };
        const auto number = [&](const char* name, auto& out, double lo, double hi) {
            const char* v = value(name);
            if (v == nullptr) return false;
            char* end = nullptr;
            const double x = std::strtod(v, &end);
            if (end == v || *end != '\0' || !(x >= lo && x <= hi)) {
                std::fprintf(stderr, "qkdnq_demo: %s %s: expected a number in [%g, %g]\n", name, v, lo, hi);
                return false;
            }
            out = static_cast<std::remove_reference_t<decltype(out)>>(x);
            return true;
        };
        if (a == "--help" || a == "-h") {
            usage();
            std::exit(0);
        } else if (a == "--block-bits") {
            if (!number("--block-bits", o.block_bits, 20'000, 1e8)) return false;
        } else if (a == "--blocks") {
            if (!number("--blocks", o.blocks, 1, 1000)) return false;
        } else if (a == "--qber") {
            if (!number("--qber", o.qber, 0.001, 0.1)) return false;
        } else if (a == "--seed") {
            if (!number("--seed", o.seed, 0, 9e15)) return false;
        } else if (a == "--relay-keys") {
            if (!number("--relay-keys", o.relay_keys, 1, 100'000)) return false;
        } else if (a == "--method") {
            const char* v = value("--method");
            if (v == nullptr) return false;
            const std::string_view m = v;
            if (m == "automatic") o.method = pipeline::reconciliation_method::automatic;
            else if (m == "cascade") o.method = pipeline::reconciliation_method::cascade;
            else if (m == "ldpc") o.method = pipeline::reconciliation_method::ldpc;
            else {
                std::fprintf(stderr, "qkdnq_demo: --method %s: expected automatic, cascade or ldpc\n", v);
                return false;
            }
        } else if (a == "--json") {
            const char* v = value("--json");
            if (v == nullptr) return false;
            o.json_path = v;
        } else {
            std::fprintf(stderr, "qkdnq_demo: unknown option %s (--help lists them)\n", argv[i]);
            return false;
        }
    }
    return true;
}

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

// A trusted node's KME: its key store, holding a pool per neighbouring KME.
struct node {
    std::string name;
    std::unique_ptr<relay::key_store> store;
    std::unique_ptr<relay::trusted_node> relay;
};

// One QKD link and its post-processing session.
struct qkd_link {
    std::string name;
    node* a;
    node* b;
    sim::bb84_link_parameters model;
    std::unique_ptr<pipeline::session_alice> alice;
    std::unique_ptr<pipeline::session_bob> bob;
    pipeline::link_totals totals;
    std::vector<pipeline::block_report> reports;
    pipeline::qos_meter qos;
    double link_seconds = 0;  // simulated time the quantum channel ran (pulses / pulse rate)
    explicit qkd_link(std::string n) : name(n), a(nullptr), b(nullptr), qos("QKD link " + n) {}
};

std::string kme(const std::string& node_name) { return "KME_" + node_name; }
std::string relay_sae(const std::string& node_name) { return node_name + "-relay"; }

// Moves `bytes` of KSA-keys from the link's two stores into the link key of the two trusted
// nodes: the master side's relay agent takes keys with Get key, the slave side's with Get key
// with key IDs (ETSI GS QKD 014), and both deposit them in the same order.
bool feed_link_key(node& master, node& slave, std::size_t bytes) {
    while (bytes > 0) {
        relay::etsi014::key_request request;
        const std::size_t available = master.store->stored_key_count(kme(slave.name));
        const std::size_t want = std::min<std::size_t>((bytes + 31) / 32, 128);
        if (available < want) return false;
        request.number = want;
        auto got = master.store->get_key(relay_sae(master.name), relay_sae(slave.name), request);
        if (!got || slave.store->apply(got->reservation) != status::ok) return false;
        relay::etsi014::key_ids_request ids;
        for (const auto& k : got->container.keys) ids.key_IDs.push_back({k.key_ID, std::nullopt});
        auto same = slave.store->get_key_with_key_ids(relay_sae(slave.name), relay_sae(master.name), ids);
        if (!same) return false;
        for (std::size_t i = 0; i < got->container.keys.size(); ++i) {
            master.relay->deposit_link_key(slave.name, got->container.keys[i].material);
            slave.relay->deposit_link_key(master.name, same->keys[i].material);
        }
        bytes -= std::min(bytes, 32 * got->container.keys.size());
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    options opt;
    if (!parse_options(argc, argv, opt)) return 2;
    const auto start = clock_type::now();
    std::printf("qkdnq %s demo (kernels: %s), seed %llu\n", version_string, simd::arch_name(),
                static_cast<unsigned long long>(opt.seed));
    std::printf("network: A ==QKD 20 km== B ==QKD 30 km== C - - PQC - - mobile device D (TR.QKDN-nq 7.2, 7.3)\n\n");
    shake_drbg rng(opt.seed);

    // --- the nodes and their key stores -----------------------------------------------------------
    std::map<std::string, node> nodes;
    for (const char* n : {"A", "B", "C"}) nodes[n] = node{n, std::make_unique<relay::key_store>(kme(n)), std::make_unique<relay::trusted_node>(n)};
    const auto connect = [&](node& x, node& y) {
        x.store->add_peer(kme(y.name));
        y.store->add_peer(kme(x.name));
        for (node* s : {&x, &y}) {
            s->store->register_sae(relay_sae(x.name), kme(x.name));
            s->store->register_sae(relay_sae(y.name), kme(y.name));
        }
    };
    connect(nodes["A"], nodes["B"]);
    connect(nodes["B"], nodes["C"]);

    // --- 1. the QKD links and their post-processing -----------------------------------------------
    std::vector<std::unique_ptr<qkd_link>> links;
    const std::array<std::pair<const char*, const char*>, 2> ends{{{"A", "B"}, {"B", "C"}}};
    const std::array<double, 2> distances{20, 30};
    for (std::size_t i = 0; i < 2; ++i) {
        auto l = std::make_unique<qkd_link>(std::string(ends[i].first) + "-" + ends[i].second);
        l->a = &nodes[ends[i].first];
        l->b = &nodes[ends[i].second];
        l->model.distance_km = distances[i];
        l->model.source = sim::bb84_source::single_photon;  // the [TLGR12] bound the session uses holds for it
        l->model.p_x = 0.8;
        l->model.misalignment_error = opt.qber;
        pipeline::session_config config;
        config.session_id = 100 + i;
        config.method = opt.method;
        config.qber_tolerance = std::min(0.11, opt.qber + 0.02);
        std::vector<std::uint8_t> initial_auth_key(32 + 2 * 16'384);  // shared out of band before the first block
        rng.fill(initial_auth_key);
        l->alice = std::make_unique<pipeline::session_alice>(config, initial_auth_key, *l->a->store, kme(l->b->name), rng);
        l->bob = std::make_unique<pipeline::session_bob>(config, initial_auth_key, *l->b->store, kme(l->a->name));
        std::printf("QKD link %s: %.0f km, transmittance %.4f, model QBER %.2f %%, asymptotic key rate %.3e per pulse (%.2f Mbit/s at %.0f GHz)\n",
                    l->name.c_str(), l->model.distance_km, sim::transmittance(l->model), 100 * sim::qber(l->model, 0),
                    sim::asymptotic_key_rate_per_pulse(l->model), sim::asymptotic_key_rate_per_second(l->model) / 1e6,
                    l->model.pulse_rate_hz / 1e9);
        links.push_back(std::move(l));
    }
    std::printf("\n1. post-processing, %zu blocks of %zu sifted key bits per link\n", opt.blocks, opt.block_bits);
    for (auto& l : links) {
        for (std::size_t b = 0; b < opt.blocks; ++b) {
            sim::bb84_block block = sim::generate_block(l->model, opt.block_bits, rng);
            l->link_seconds += static_cast<double>(block.pulses_sent) / l->model.pulse_rate_hz;
            const auto t = clock_type::now();
            const auto r = pipeline::run_block_in_memory(*l->alice, *l->bob, {std::move(block.alice_key), std::move(block.alice_test)},
                                                         {std::move(block.bob_key), std::move(block.bob_test)});
            const double delay = seconds_since(t);
            l->totals.add(r.alice);
            l->reports.push_back(r.alice);
            if (r.alice.outcome == pipeline::block_outcome::keys_delivered && r.bob.outcome == r.alice.outcome &&
                r.alice.ksa_keys == r.bob.ksa_keys) {
                l->qos.record_delivery(delay, r.alice.ksa_keys, r.alice.ksa_key_bits);
            } else {
                l->qos.record_loss(0);
            }
            std::printf("  [%s] block %zu/%zu: %s, QBER %.2f %% (bound %.2f %%), %s f = %.3f, %zu round trips, "
                        "secret %llu bits -> %zu KSA-keys (%.1f ms)\n",
                        l->name.c_str(), b + 1, opt.blocks, std::string(pipeline::to_string(r.alice.outcome)).c_str(),
                        100 * r.alice.qber_estimate, 100 * r.alice.qber_bound, std::string(pipeline::to_string(r.alice.method)).c_str(),
                        r.alice.efficiency, r.alice.round_trips, static_cast<unsigned long long>(r.alice.secret_bits), r.alice.ksa_keys,
                        1e3 * delay);
            std::fflush(stdout);
        }
        l->qos.set_elapsed(l->link_seconds);
    }

    // --- 2. key relay A -> C through B ---------------------------------------------------------------
    const std::size_t key_bytes = 32;
    std::printf("\n2. relay of %zu end-to-end keys A -> B -> C (one-time pad and Wegman-Carter per hop)\n", opt.relay_keys);
    std::vector<std::uint8_t> relay_auth(32 + 2 * 4096);
    for (std::size_t i = 0; i < 2; ++i) {
        rng.fill(relay_auth);  // the relay channel's initial key, shared out of band like the links'
        links[i]->a->relay->add_link(links[i]->b->name, 200 + i, relay_auth);
        links[i]->b->relay->add_link(links[i]->a->name, 200 + i, relay_auth);
    }
    const std::size_t batch = 16;
    const std::size_t batches = (opt.relay_keys + batch - 1) / batch;
    for (auto& l : links) {
        if (!feed_link_key(*l->a, *l->b, opt.relay_keys * key_bytes)) {
            std::printf("FAILED: link %s holds too few KSA-keys for %zu relayed keys (use more or larger blocks)\n", l->name.c_str(),
                        opt.relay_keys);
            return 1;
        }
    }
    pipeline::qos_meter relay_qos("relay A-B-C");
    std::vector<relay::relay_key> at_a, at_c;
    double relay_seconds = 0;
    for (std::size_t b = 0; b < batches; ++b) {
        std::vector<relay::relay_key> keys(std::min(batch, opt.relay_keys - b * batch));
        for (auto& k : keys) {
            k.id = relay::key_id::random(rng);
            k.key = secure_bytes(key_bytes);
            rng.fill(k.key);
        }
        const auto t = clock_type::now();
        auto first = nodes["A"].relay->originate({"A", "B", "C"}, keys);
        if (!first) {
            relay_qos.record_loss(keys.size());
            continue;
        }
        auto hop = nodes["B"].relay->receive("A", first->wire);
        if (!hop || hop->delivered) {
            relay_qos.record_loss(keys.size());
            continue;
        }
        auto end = nodes["C"].relay->receive("B", hop->forward.wire);
        const double delay = seconds_since(t);
        relay_seconds += delay;
        if (!end || !end->delivered || end->keys.size() != keys.size()) {
            relay_qos.record_loss(keys.size());
            continue;
        }
        relay_qos.record_delivery(delay, keys.size(), 8 * key_bytes * keys.size());
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (end->keys[i].id != keys[i].id || !ct::equal(bytes_view(end->keys[i].key), bytes_view(keys[i].key))) ++wrong;
        }
        relay_qos.record_error(wrong);
        for (auto& k : keys) at_a.push_back(std::move(k));
        for (auto& k : end->keys) at_c.push_back(std::move(k));
    }
    relay_qos.set_elapsed(relay_seconds);
    std::printf("  %zu of %zu keys delivered at C in %zu messages per hop; link key used: A-B %llu bytes, B-C %llu bytes\n",
                at_c.size(), opt.relay_keys, batches,
                static_cast<unsigned long long>(nodes["A"].relay->counters("B").link_key_consumed),
                static_cast<unsigned long long>(nodes["C"].relay->counters("B").link_key_consumed));

    // --- 3. PQC delivery C -> D (7.3) and the hybrid key A <-> D --------------------------------------
    using kem = ml_kem_768;
    using dsa = ml_dsa_65;
    std::printf("\n3. delivery of the keys from C to the mobile device D with ML-KEM-768 + ML-DSA-65 (use case 7.3)\n");
    std::array<std::uint8_t, kem::ek_size> device_ek{};
    std::array<std::uint8_t, kem::dk_size> device_dk{};
    std::array<std::uint8_t, dsa::pk_size> c_vk{};
    std::array<std::uint8_t, dsa::sk_size> c_sk{};
    kem::keygen(device_ek, device_dk, rng);
    dsa::keygen(c_vk, c_sk, rng);
    const hybrid::key_delivery_originator<> originator("C", c_sk, c_vk);
    hybrid::key_delivery_device<> device("D", device_ek, device_dk, "C", c_vk);
    pipeline::qos_meter user_qos("user network C-D");
    std::vector<hybrid::delivered_key> at_d;
    double delivery_seconds = 0;
    const std::uint64_t now = 1'700'000'000;
    std::size_t message_bytes = 0;
    for (const auto& k : at_c) {
        const auto t = clock_type::now();
        const auto message = originator.push({"D", device_ek}, k.id, k.key, now + 3600, rng);
        auto got = device.receive(message, now);
        const double delay = seconds_since(t);
        delivery_seconds += delay;
        message_bytes = message.size();
        if (!got) {
            user_qos.record_loss(1);
            continue;
        }
        user_qos.record_delivery(delay, 1, 8 * got->key.size());
        at_d.push_back(std::move(*got));
    }
    user_qos.set_elapsed(delivery_seconds);
    // End to end: D's keys are A's (IDs and bytes, compared in constant time, never printed).
    std::size_t same = 0;
    for (std::size_t i = 0; i < at_d.size() && i < at_a.size(); ++i) {
        if (at_d[i].id == at_a[i].id && ct::equal(bytes_view(at_d[i].key), bytes_view(at_a[i].key))) ++same;
    }
    user_qos.record_error(at_d.size() - same);
    std::printf("  %zu keys delivered to D (%zu-byte messages); %zu of them equal A's\n", at_d.size(), message_bytes, same);

    // A and D bind the first end-to-end key to an X-Wing exchange with the hybrid combiner.
    bool hybrid_ok = false;
    if (!at_d.empty()) {
        const auto d_xwing = hybrid::xwing::generate_key_pair(rng);
        const auto enc = hybrid::xwing::encapsulate(d_xwing.pk, rng);  // by A
        if (enc) {
            const auto ss_d = hybrid::xwing::decapsulate(d_xwing.sk, enc->ct);
            const std::string id = at_a.front().id.to_string();
            const auto final_key = [&](const secure_bytes& qkd_key, const hybrid::xwing::shared_secret& ss) {
                hybrid::hybrid_key_input in;
                in.binding = {id, "A", "D"};
                in.qkd_key = qkd_key;
                in.ml_kem_secret = ss.span();
                in.ml_kem_public_key = d_xwing.pk;
                in.ml_kem_ciphertext = enc->ct;
                return hybrid::combine_hybrid_key<32>(in);
            };
            hybrid_ok = ct::equal(final_key(at_a.front().key, enc->ss).span(), final_key(at_d.front().key, ss_d).span());
        }
    }
    std::printf("  hybrid key of A and D (CatKDF over the relayed QKD key and an X-Wing secret): %s\n",
                hybrid_ok ? "equal at both ends" : "FAILED");

    // --- 4. the report ---------------------------------------------------------------------------------
    std::printf("\n4. report\n");
    std::vector<pipeline::qos_report> qos;
    for (auto& l : links) {
        l->totals.elapsed_seconds = l->totals.times.total();  // Alice's processing time
        std::printf("  QKD link %s (Alice's side; throughput over her processing time)\n%s", l->name.c_str(),
                    pipeline::format_table(l->totals).c_str());
        qos.push_back(l->qos.report());
    }
    qos.push_back(relay_qos.report());
    qos.push_back(user_qos.report());
    std::printf("\n  key supply QoS (ITU-T Y.3807 parameters; QKD links over simulated link time, relay and user\n"
                "  network over this process's processing time, no network latency simulated)\n%s",
                pipeline::format_table(qos).c_str());

    const bool links_ok = links[0]->totals.delivered() > 0 && links[1]->totals.delivered() > 0;
    const bool ok = links_ok && at_c.size() == opt.relay_keys && at_d.size() == opt.relay_keys && same == opt.relay_keys && hybrid_ok;
    const double total_seconds = seconds_since(start);
    if (!opt.json_path.empty()) {
        json::value doc = json::value::object();
        doc.add("version", json::value::string(version_string))
            .add("seed", json::value::number(opt.seed))
            .add("block_bits", json::value::number(opt.block_bits))
            .add("blocks", json::value::number(opt.blocks))
            .add("qber", pipeline::json_number(opt.qber))
            .add("method", json::value::string(std::string(pipeline::to_string(opt.method))));
        json::value link_array = json::value::array();
        for (auto& l : links) {
            json::value blocks = json::value::array();
            for (const auto& r : l->reports) blocks.as_array().push_back(pipeline::to_json(r));
            link_array.as_array().push_back(json::value::object()
                                                .add("name", json::value::string(l->name))
                                                .add("distance_km", pipeline::json_number(l->model.distance_km))
                                                .add("totals", pipeline::to_json(l->totals))
                                                .add("blocks", std::move(blocks)));
        }
        doc.add("links", std::move(link_array));
        json::value qos_array = json::value::array();
        for (const auto& q : qos) qos_array.as_array().push_back(pipeline::to_json(q));
        doc.add("qos", std::move(qos_array));
        doc.add("relayed_keys", json::value::number(at_c.size()))
            .add("delivered_keys", json::value::number(at_d.size()))
            .add("matching_keys", json::value::number(same))
            .add("hybrid_key_equal", json::value::boolean(hybrid_ok))
            .add("ok", json::value::boolean(ok))
            .add("seconds", pipeline::json_number(total_seconds));
        std::ofstream out(opt.json_path);
        out << json::to_string(doc) << '\n';
        if (!out) {
            std::fprintf(stderr, "qkdnq_demo: cannot write %s\n", opt.json_path.c_str());
            return 1;
        }
        std::printf("\n  JSON report written to %s\n", opt.json_path.c_str());
    }
    std::printf("\n%s: A and D share %zu end-to-end keys (never printed), in %.1f s\n", ok ? "ok" : "FAILED", same, total_seconds);
    return ok ? 0 : 1;
}
