// Trusted-node relay (relay/trusted_node.hpp, relay_message.hpp, network.hpp): paths of 1 to 8
// hops deliver the source's keys at the destination and consume exactly the expected link key on
// every link; tampered, replayed, misrouted and mis-sent messages are rejected without consuming
// key; link key shortages are results; path choice follows the available key; the message format
// round-trips and refuses every malformed form.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/relay/network.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

namespace relay = qkdnq::relay;

std::string name(std::size_t i) {
    std::string s = "N";  // (not "N" + to_string: GCC 12 -Wrestrict false positive at -O3)
    s += std::to_string(i);
    return s;
}

// A chain N0 - N1 - ... - Nhops, every link with `bytes` of link key.
relay::network chain(std::size_t hops, std::size_t bytes, std::uint64_t seed = 1) {
    relay::network net(seed);
    for (std::size_t i = 0; i < hops; ++i) net.add_link(name(i), name(i + 1), 0);
    for (std::size_t i = 0; i < hops; ++i) net.deposit(name(i), name(i + 1), bytes);
    return net;
}

bool same_keys(const std::vector<relay::relay_key>& a, const std::vector<relay::relay_key>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].id != b[i].id || a[i].key != b[i].key) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("relay: 1 to 8 hops deliver the same keys and consume exactly the expected link key", "[relay][trusted_node]") {
    for (std::size_t hops = 1; hops <= 8; ++hops) {
        INFO(hops << " hops");
        const std::size_t initial = 200'000;
        auto net = chain(hops, initial, hops);
        std::vector<std::size_t> before;
        for (std::size_t i = 0; i < hops; ++i) before.push_back(net.node(name(i)).link_key_available(name(i + 1)));
        const std::size_t count = 1500, key_bytes = 32;  // two messages per hop (1024 + 476 keys)
        const auto r = net.relay(name(0), name(hops), count, key_bytes);
        REQUIRE(r.outcome == qkdnq::status::ok);
        CHECK(r.path.size() == hops + 1);
        CHECK(r.keys_delivered == count);
        CHECK(same_keys(r.source_keys, r.destination_keys));
        CHECK(r.messages == 2 * hops);
        CHECK(r.delay_in_messages == hops);
        CHECK(r.link_key_consumed == hops * count * key_bytes);
        for (std::size_t i = 0; i < hops; ++i) {
            CHECK(net.node(name(i)).link_key_available(name(i + 1)) == before[i] - count * key_bytes);
            CHECK(net.node(name(i + 1)).link_key_available(name(i)) == before[i] - count * key_bytes);
            CHECK(net.node(name(i)).counters(name(i + 1)).link_key_consumed == count * key_bytes);
        }
        const auto& stats = net.statistics().at(relay::network::join(r.path));
        CHECK(stats.keys_delivered == count);
        CHECK(stats.messages == 2 * hops);
    }
}

TEST_CASE("relay: a tampered, replayed or misdirected message is rejected and consumes nothing", "[relay][trusted_node]") {
    auto net = chain(2, 10'000);
    qkdnq::shake_drbg rng(std::uint64_t{3});
    std::vector<relay::relay_key> keys;
    for (int i = 0; i < 4; ++i) {
        relay::relay_key k{relay::key_id::random(rng), qkdnq::secure_bytes(32)};
        rng.fill(k.key);
        keys.push_back(std::move(k));
    }
    const std::vector<std::string> path = {"N0", "N1", "N2"};
    auto first = net.node("N0").originate(path, keys);
    REQUIRE(first.ok());
    CHECK(first->to == "N1");
    relay::trusted_node& n1 = net.node("N1");
    const std::size_t in_before = n1.link_key_available("N0"), out_before = n1.link_key_available("N2");
    const std::size_t auth_before = n1.authentication_available("N2");
    auto unchanged = [&] {
        CHECK(n1.link_key_available("N0") == in_before);
        CHECK(n1.link_key_available("N2") == out_before);
        CHECK(n1.authentication_available("N2") == auth_before);
    };
    // Every single flipped bit, in header, payload or tag, is refused.
    for (std::size_t at = 0; at < first->wire.size(); at += 7) {
        auto bad = first->wire;
        bad[at] ^= static_cast<std::uint8_t>(1u << (at % 8));
        const auto got = n1.receive("N0", bad);
        REQUIRE_FALSE(got.ok());
        CHECK((got.error() == qkdnq::status::verification_failed || got.error() == qkdnq::status::malformed_message));
        unchanged();
    }
    auto truncated = first->wire;
    truncated.pop_back();
    CHECK_FALSE(n1.receive("N0", truncated).ok());
    unchanged();
    // From the wrong neighbour: N2's channel keys do not verify it.
    CHECK_FALSE(net.node("N2").receive("N1", first->wire).ok());
    // The genuine message still goes through, once.
    auto second = n1.receive("N0", first->wire);
    REQUIRE(second.ok());
    CHECK_FALSE(second->delivered);
    CHECK(second->forward.to == "N2");
    CHECK(n1.link_key_available("N0") == in_before - 128);
    CHECK(n1.link_key_available("N2") == out_before - 128);
    const auto replay = n1.receive("N0", first->wire);
    REQUIRE_FALSE(replay.ok());
    CHECK(replay.error() == qkdnq::status::malformed_message);
    CHECK(n1.link_key_available("N0") == in_before - 128);
    auto done = net.node("N2").receive("N1", second->forward.wire);
    REQUIRE(done.ok());
    CHECK(done->delivered);
    CHECK(done->source == "N0");
    CHECK(same_keys(done->keys, keys));
}

TEST_CASE("relay: too little link key is a result, and nothing is consumed", "[relay][trusted_node]") {
    auto net = chain(2, 1000);
    net.deposit("N1", "N2", 0);
    const std::size_t n0 = net.node("N0").link_key_available("N1");
    const auto r = net.relay("N0", "N2", 100, 32);  // 3200 bytes per link: more than any holds
    CHECK(r.outcome == qkdnq::status::not_enough_key);
    CHECK(r.keys_delivered == 0);
    CHECK(net.node("N0").link_key_available("N1") == n0);
    // An intermediate node whose next link is short refuses before using the inbound pads.
    auto lopsided = chain(2, 1000);
    lopsided.deposit("N0", "N1", 10'000);
    qkdnq::shake_drbg rng(std::uint64_t{4});
    std::vector<relay::relay_key> keys(40);
    for (auto& k : keys) {
        k.id = relay::key_id::random(rng);
        k.key.resize(32);
    }
    auto msg = lopsided.node("N0").originate({"N0", "N1", "N2"}, keys);
    REQUIRE(msg.ok());
    const std::size_t in = lopsided.node("N1").link_key_available("N0");
    const auto got = lopsided.node("N1").receive("N0", msg->wire);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error() == qkdnq::status::not_enough_key);
    CHECK(lopsided.node("N1").link_key_available("N0") == in);
    CHECK(lopsided.node("N0").originate({"N0", "N1", "N2"}, std::vector<relay::relay_key>(1000, keys[0])).error() ==
          qkdnq::status::not_enough_key);
    CHECK_THROWS_AS((void)lopsided.node("N0").originate({"N1", "N2"}, keys), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)lopsided.node("N0").originate({"N0", "N2"}, keys), qkdnq::invalid_argument);
}

TEST_CASE("relay: the path with the most link key at its scarcest link is chosen", "[relay][network]") {
    relay::network net(7);
    net.add_link("A", "B", 0);
    net.add_link("B", "D", 0);
    net.add_link("A", "C", 0);
    net.add_link("C", "D", 0);
    net.add_link("C", "E", 0);
    net.add_link("E", "D", 0);
    net.deposit("A", "B", 5000);
    net.deposit("B", "D", 3000);
    net.deposit("A", "C", 9000);
    net.deposit("C", "D", 2000);
    net.deposit("C", "E", 8000);
    net.deposit("E", "D", 8000);
    auto p = net.choose_path("A", "D", 100);
    REQUIRE(p);
    CHECK(relay::network::join(*p) == "A-C-E-D");  // bottleneck ~7500 beats A-B-D (~2800) and A-C-D (~1900)
    const auto r = net.relay("A", "D", 200, 32);  // 6400 bytes on each link of A-C-E-D
    REQUIRE(r.outcome == qkdnq::status::ok);
    p = net.choose_path("A", "D", 100);
    REQUIRE(p);
    CHECK(relay::network::join(*p) == "A-B-D");
    CHECK_FALSE(net.choose_path("A", "D", 100'000).has_value());
    CHECK(net.statistics().size() == 1);
    // Rates fill the stores over time.
    relay::network timed(8);
    timed.add_link("X", "Y", 80'000);  // 10,000 bytes per second
    timed.advance(0.5);
    CHECK(timed.node("X").link_key_available("Y") == 5000 - 5000 / 16);
}

TEST_CASE("relay_message: encoding round-trips; malformed messages do not decode", "[relay][relay_message]") {
    relay::relay_message m;
    m.path = {"alpha", "b", "gamma"};
    m.hop = 1;
    m.pad_offset = 0x0102030405060708ull;
    m.key_bytes = 3;
    m.ids = {relay::key_id::parse("bc490419-7d60-487f-adc1-4ddcc177c139").value(), relay::key_id{}};
    m.ciphertext = {1, 2, 3, 4, 5, 6};
    const auto wire = m.encode();
    const auto back = relay::relay_message::decode(wire);
    REQUIRE(back.ok());
    CHECK(back->path == m.path);
    CHECK(back->hop == 1);
    CHECK(back->pad_offset == m.pad_offset);
    CHECK(back->ids == m.ids);
    CHECK(back->ciphertext == m.ciphertext);
    CHECK(back->encode() == wire);
    for (std::size_t cut = 0; cut < wire.size(); ++cut) {
        CHECK_FALSE(relay::relay_message::decode(qkdnq::bytes_view(wire).first(cut)).ok());
    }
    auto longer = wire;
    longer.push_back(0);
    CHECK_FALSE(relay::relay_message::decode(longer).ok());
    auto bad_version = wire;
    bad_version[0] = 2;
    CHECK_FALSE(relay::relay_message::decode(bad_version).ok());
    relay::relay_message bad = m;
    bad.hop = 2;  // the destination never sends
    CHECK_THROWS_AS((void)bad.encode(), qkdnq::invalid_argument);
    bad = m;
    bad.path = {"only"};
    CHECK_THROWS_AS((void)bad.encode(), qkdnq::invalid_argument);
    bad = m;
    bad.ciphertext.pop_back();
    CHECK_THROWS_AS((void)bad.encode(), qkdnq::invalid_argument);
}
