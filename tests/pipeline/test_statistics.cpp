// Link totals, QoS parameters and their table / JSON forms; the throughput runner.
#include <qkdnq/core/json.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pipeline/statistics.hpp>
#include <qkdnq/pipeline/throughput.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

using namespace qkdnq;
using pipeline::block_outcome;

TEST_CASE("statistics: QoS quantiles, ratios and availability from recorded deliveries", "[pipeline][statistics]") {
    pipeline::qos_meter meter("relay A-C");
    // Delays 1 ... 100 ms: median 50.5 ms, p99 (type 7) 99.01 ms, min 1 ms.
    for (int i = 1; i <= 100; ++i) meter.record_delivery(i * 1e-3, 2, 512);
    meter.record_loss(4);
    meter.record_loss(4);
    meter.record_error(1);
    meter.set_elapsed(2.0);
    const auto q = meter.report();
    CHECK(q.requests == 102);
    CHECK(q.served == 100);
    CHECK(q.keys_delivered == 200);
    CHECK(q.key_bits_delivered == 51'200);
    CHECK(q.throughput_bits_per_s == Approx(25'600));
    CHECK(q.delay_median_s == Approx(0.0505));
    CHECK(q.delay_p99_s == Approx(0.09901));
    CHECK(q.delay_min_s == Approx(0.001));
    CHECK(q.delay_variation_s == Approx(0.09801));
    CHECK(q.delay_mean_s == Approx(0.0505));
    CHECK(q.delay_stddev_s == Approx(0.0290115).epsilon(1e-5));  // sample sd of 1..100, in ms / 1000
    CHECK(q.error_ratio == Approx(1.0 / 200));
    CHECK(q.loss_ratio == Approx(8.0 / 208));
    CHECK(q.availability == Approx(100.0 / 102));
    const std::string text = json::to_string(pipeline::to_json(q));
    const auto parsed = json::parse(text);
    REQUIRE(parsed);
    REQUIRE(parsed->find("availability") != nullptr);
    CHECK(parsed->find("segment")->text() == "relay A-C");
    CHECK(pipeline::format_table(std::vector<pipeline::qos_report>{q}).find("relay A-C") != std::string::npos);
    // Nothing recorded: zeros, not NaN.
    const auto empty = pipeline::qos_meter("idle").report();
    CHECK(empty.availability == 0);
    CHECK(empty.delay_median_s == 0);
    CHECK(json::parse(json::to_string(pipeline::to_json(empty))));
}

TEST_CASE("statistics: link totals add delivered blocks and count aborts by reason", "[pipeline][statistics]") {
    pipeline::block_report a;
    a.outcome = block_outcome::keys_delivered;
    a.sifted_bits = 1100;
    a.test_bits = 100;
    a.test_errors = 2;
    a.reconciled_bits = 1000;
    a.corrected_bits = 20;
    a.leak_ec_bits = 160;
    a.secret_bits = 600;
    a.ksa_keys = 2;
    a.ksa_key_bits = 512;
    pipeline::block_report b;
    b.outcome = block_outcome::qber_too_high;
    b.sifted_bits = 1100;
    b.test_bits = 100;
    b.test_errors = 9;
    pipeline::link_totals t;
    t.add(a);
    t.add(b);
    t.elapsed_seconds = 0.5;
    CHECK(t.blocks == 2);
    CHECK(t.delivered() == 1);
    CHECK(t.outcomes[static_cast<std::size_t>(block_outcome::qber_too_high)] == 1);
    CHECK(t.qber() == Approx(11.0 / 200));
    CHECK(t.secret_bits == 600);
    CHECK(t.reconciled_bits == 1000);  // the aborted block adds nothing past estimation
    // f = 160 / (1000 h(0.02)) = 160 / 141.44
    CHECK(t.efficiency() == Approx(160.0 / 141.0).epsilon(0.005));
    CHECK(t.sifted_rate() == Approx(4400));
    CHECK(t.secret_rate() == Approx(1200));
    const auto doc = json::parse(json::to_string(pipeline::to_json(t)));
    REQUIRE(doc);
    CHECK(doc->find("outcomes")->find("QBER too high")->as_uint64() == 1u);
    CHECK(pipeline::format_table(t).find("aborted: QBER too high") != std::string::npos);
    CHECK(json::parse(json::to_string(pipeline::to_json(a))));
    CHECK(pipeline::format_table(a).find("keys delivered") != std::string::npos);
}

TEST_CASE("throughput: blocks over two lanes deliver the same keys in both stores", "[pipeline][throughput]") {
    relay::key_store a("KME_A"), b("KME_B");
    a.add_peer("KME_B");
    b.add_peer("KME_A");
    for (auto* s : {&a, &b}) {
        s->register_sae("SAE_A", "KME_A");
        s->register_sae("SAE_B", "KME_B");
    }
    shake_drbg rng(3);
    std::vector<std::pair<pipeline::block_input, pipeline::block_input>> blocks;
    for (int i = 0; i < 6; ++i) {
        auto key = sim::bsc_key_pair(120'000, 0.02, rng);
        auto test = sim::bsc_key_pair(12'000, 0.02, rng);
        blocks.push_back({{std::move(key.alice), std::move(test.alice)}, {std::move(key.bob), std::move(test.bob)}});
    }
    std::vector<std::uint8_t> auth_key(2 * (32 + 2 * 16'384));
    rng.fill(auth_key);
    pipeline::throughput_config config;
    config.session.session_id = 1000;
    config.lanes = 2;
    config.blocks = 6;
    pipeline::throughput_runner runner(config, auth_key, a, "KME_B", b, "KME_A", 1);
    const auto r = runner.run([&](std::size_t, std::uint64_t block) { return blocks[block]; });
    CHECK(r.alice.blocks == 6);
    CHECK(r.alice.delivered() == 6);
    CHECK(r.bob.delivered() == 6);
    CHECK(r.alice.ksa_keys == r.bob.ksa_keys);
    CHECK(r.alice.elapsed_seconds > 0);
    CHECK(r.alice.sifted_rate() > 0);
    CHECK(a.pool_size("KME_B") == r.alice.ksa_keys);
    CHECK(b.pool_size("KME_A") == r.alice.ksa_keys);
    // The master share of A, fetched and matched on B.
    relay::etsi014::key_request request;
    request.number = std::min<std::size_t>(a.stored_key_count("KME_B"), 128);
    auto got = a.get_key("SAE_A", "SAE_B", request);
    REQUIRE(got);
    REQUIRE(b.apply(got->reservation) == status::ok);
    relay::etsi014::key_ids_request ids;
    for (const auto& k : got->container.keys) ids.key_IDs.push_back({k.key_ID, std::nullopt});
    auto same = b.get_key_with_key_ids("SAE_B", "SAE_A", ids);
    REQUIRE(same);
    for (std::size_t i = 0; i < same->keys.size(); ++i) CHECK(same->keys[i].material == got->container.keys[i].material);
    // A second run continues each lane's block numbers.
    const auto again = runner.run([&](std::size_t, std::uint64_t block) { return blocks[block]; });
    CHECK(again.alice.delivered() == 6);
    CHECK(again.blocks[0].block == 3);  // lane 0 ran blocks 0, 2, 4 (its 0, 1, 2); now its 3rd
    pipeline::throughput_config none = config;
    none.lanes = 0;
    CHECK_THROWS_AS(pipeline::throughput_runner(none, auth_key, a, "KME_B", b, "KME_A"), invalid_argument);
    CHECK_THROWS_AS(pipeline::throughput_runner(config, std::vector<std::uint8_t>(40), a, "KME_B", b, "KME_A"), invalid_argument);
}
