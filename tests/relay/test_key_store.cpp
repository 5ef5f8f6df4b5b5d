// Key store (relay/key_store.hpp) and the ETSI GS QKD 014 objects (relay/etsi014.hpp): the
// master/slave flow between two KMEs in both directions, keys of other sizes, every error path
// of the standard and of the store's limits (each leaves the store unchanged), the KME-to-KME
// reservation's checks, the JSON forms with the standard's field names, and concurrent callers.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/relay/key_store.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace relay = qkdnq::relay;
namespace etsi = qkdnq::relay::etsi014;
using bytes = std::vector<std::uint8_t>;

struct kme_pair {
    relay::key_store a, b;
    std::vector<std::pair<relay::key_id, bytes>> deposited;

    explicit kme_pair(std::size_t keys, relay::key_store_limits limits = {}, std::uint64_t seed = 1)
        : a("KME_A", limits), b("KME_B", limits) {
        a.add_peer("KME_B");
        b.add_peer("KME_A");
        for (auto* s : {&a, &b}) {
            s->register_sae("SAE_1", "KME_A");
            s->register_sae("SAE_2", "KME_B");
            s->register_sae("SAE_3", "KME_B");
        }
        qkdnq::shake_drbg rng(seed);
        for (std::size_t i = 0; i < keys; ++i) {
            bytes k(limits.key_size / 8);
            rng.fill(k);
            const auto id = relay::key_id::random(rng);
            REQUIRE(a.deposit("KME_B", id, k) == qkdnq::status::ok);
            REQUIRE(b.deposit("KME_A", id, k) == qkdnq::status::ok);
            deposited.emplace_back(id, k);
        }
    }
};

etsi::key_request request(std::uint64_t number, std::optional<std::uint64_t> size = std::nullopt) {
    etsi::key_request r;
    r.number = number;
    r.size = size;
    return r;
}

etsi::key_ids_request ids_of(const etsi::key_container& c) {
    etsi::key_ids_request r;
    for (const auto& k : c.keys) r.key_IDs.push_back({k.key_ID, std::nullopt});
    return r;
}

bytes material(const etsi::key_container::key& k) { return bytes(k.material.begin(), k.material.end()); }

}  // namespace

TEST_CASE("key_store: a key the master SAE gets is the key the slave SAE gets, once", "[relay][key_store]") {
    kme_pair kmes(64);
    const std::size_t share_a = kmes.a.stored_key_count("KME_B"), share_b = kmes.b.stored_key_count("KME_A");
    CHECK(share_a + share_b == 64);
    CHECK(share_a > 16);  // random IDs split about evenly
    CHECK(share_b > 16);

    auto got = kmes.a.get_key("SAE_1", "SAE_2", request(3));
    REQUIRE(got.ok());
    REQUIRE(got->container.keys.size() == 3);
    CHECK(kmes.a.stored_key_count("KME_B") == share_a - 3);
    CHECK(kmes.a.pool_size("KME_B") == 61);
    REQUIRE(kmes.b.apply(got->reservation) == qkdnq::status::ok);
    CHECK(kmes.b.pool_size("KME_A") == 61);
    CHECK(kmes.b.reserved_key_count() == 3);

    auto same = kmes.b.get_key_with_key_ids("SAE_2", "SAE_1", ids_of(got->container));
    REQUIRE(same.ok());
    REQUIRE(same->keys.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(same->keys[i].key_ID == got->container.keys[i].key_ID);
        CHECK(material(same->keys[i]) == material(got->container.keys[i]));
        CHECK(material(same->keys[i]).size() == 32);
        // and it is a deposited key, under its own ID
        const auto id = relay::key_id::parse(same->keys[i].key_ID).value();
        const auto it = std::find_if(kmes.deposited.begin(), kmes.deposited.end(), [&](const auto& d) { return d.first == id; });
        REQUIRE(it != kmes.deposited.end());
        CHECK(it->second == material(same->keys[i]));
    }
    CHECK(kmes.b.reserved_key_count() == 0);
    const auto again = kmes.b.get_key_with_key_ids("SAE_2", "SAE_1", ids_of(got->container));
    REQUIRE_FALSE(again.ok());
    CHECK(again.error_object().http_status == 400);
    CHECK(again.error_object().message == "one or more keys specified are not found on KME");
}

TEST_CASE("key_store: both directions drain both shares without a conflict", "[relay][key_store]") {
    kme_pair kmes(200);
    std::set<std::string> seen;
    std::size_t delivered = 0;
    for (bool progress = true; progress;) {
        progress = false;
        for (int dir = 0; dir < 2; ++dir) {
            relay::key_store& master = dir == 0 ? kmes.a : kmes.b;
            relay::key_store& slave = dir == 0 ? kmes.b : kmes.a;
            const char* m = dir == 0 ? "SAE_1" : "SAE_2";
            const char* s = dir == 0 ? "SAE_2" : "SAE_1";
            if (master.stored_key_count(dir == 0 ? "KME_B" : "KME_A") == 0) continue;
            auto got = master.get_key(m, s, request(1));
            REQUIRE(got.ok());
            REQUIRE(slave.apply(got->reservation) == qkdnq::status::ok);
            auto same = slave.get_key_with_key_ids(s, m, ids_of(got->container));
            REQUIRE(same.ok());
            CHECK(material(same->keys[0]) == material(got->container.keys[0]));
            CHECK(seen.insert(same->keys[0].key_ID).second);
            ++delivered;
            progress = true;
        }
    }
    CHECK(delivered == 200);
    CHECK(kmes.a.pool_size("KME_B") == 0);
    CHECK(kmes.b.pool_size("KME_A") == 0);
    const auto dry = kmes.a.get_key("SAE_1", "SAE_2", request(1));
    REQUIRE_FALSE(dry.ok());
    CHECK(dry.error_object().http_status == 503);
}

TEST_CASE("key_store: keys of other sizes are made of stored keys, the same on both sides", "[relay][key_store]") {
    kme_pair kmes(64);
    for (std::uint64_t size : {512u, 72u, 264u, 8192u}) {
        INFO("size " << size);
        const std::size_t before = kmes.a.stored_key_count("KME_B");
        const std::size_t parts = (size + 255) / 256;
        if (before < 2 * parts) break;
        auto got = kmes.a.get_key("SAE_1", "SAE_2", request(2, size));
        if (size == 8192) {  // 32 parts each: more than one share holds
            REQUIRE_FALSE(got.ok());
            CHECK(got.error_object().http_status == 503);
            continue;
        }
        REQUIRE(got.ok());
        CHECK(kmes.a.stored_key_count("KME_B") == before - 2 * parts);
        REQUIRE(kmes.b.apply(got->reservation) == qkdnq::status::ok);
        auto same = kmes.b.get_key_with_key_ids("SAE_2", "SAE_1", ids_of(got->container));
        REQUIRE(same.ok());
        for (std::size_t i = 0; i < 2; ++i) {
            CHECK(material(same->keys[i]).size() == size / 8);
            CHECK(material(same->keys[i]) == material(got->container.keys[i]));
        }
        // The first 32 bytes are the stored key whose ID the delivered key carries.
        const auto id = relay::key_id::parse(got->container.keys[0].key_ID).value();
        const auto it = std::find_if(kmes.deposited.begin(), kmes.deposited.end(), [&](const auto& d) { return d.first == id; });
        REQUIRE(it != kmes.deposited.end());
        const bytes head(it->second.begin(), it->second.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(32, size / 8)));
        CHECK(bytes(got->container.keys[0].material.begin(), got->container.keys[0].material.begin() + static_cast<std::ptrdiff_t>(head.size())) == head);
    }
}

TEST_CASE("key_store: every Get key error is the standard's and changes nothing", "[relay][key_store]") {
    relay::key_store_limits limits;
    limits.max_key_per_request = 8;
    limits.min_key_size = 128;
    limits.max_key_size = 1024;
    kme_pair kmes(20, limits);
    const std::size_t share = kmes.a.stored_key_count("KME_B");
    auto expect = [&](const etsi::key_request& r, const char* master, const char* slave, int http, const std::string& message) {
        const auto got = kmes.a.get_key(master, slave, r);
        REQUIRE_FALSE(got.ok());
        CHECK(got.error_object().http_status == http);
        CHECK(got.error_object().message == message);
        CHECK(kmes.a.stored_key_count("KME_B") == share);
        CHECK(kmes.a.pool_size("KME_B") == 20);
    };
    expect(request(1, 255), "SAE_1", "SAE_2", 400, "size shall be a multiple of 8");
    expect(request(1, 120), "SAE_1", "SAE_2", 400, "size shall be between min_key_size and max_key_size");
    expect(request(1, 1032), "SAE_1", "SAE_2", 400, "size shall be between min_key_size and max_key_size");
    expect(request(0), "SAE_1", "SAE_2", 400, "number shall be between 1 and max_key_per_request");
    expect(request(9), "SAE_1", "SAE_2", 400, "number shall be between 1 and max_key_per_request");
    expect(request(8, 1024), "SAE_1", "SAE_2", 503, "not enough keys stored for this SAE pair");
    expect(request(1), "SAE_1", "SAE_9", 400, "slave_SAE_ID is not known to this KME");
    expect(request(1), "SAE_1", "SAE_1", 400, "slave_SAE_ID is not known to this KME");
    expect(request(1), "SAE_2", "SAE_3", 401, "the calling SAE is not authorised for this request");
    etsi::key_request multicast = request(1);
    multicast.additional_slave_SAE_IDs = {"SAE_3"};
    expect(multicast, "SAE_1", "SAE_2", 400, "additional_slave_SAE_IDs exceed max_SAE_ID_count");
    etsi::key_request ext = request(1);
    ext.extension_mandatory.push_back(qkdnq::json::parse(R"({"abc_route_type": "direct"})").value());
    expect(ext, "SAE_1", "SAE_2", 400, "not all extension_mandatory parameters are supported");
    const auto got = kmes.a.get_key("SAE_1", "SAE_2", ext);
    CHECK(got.error_object().to_json() ==
          R"({"message":"not all extension_mandatory parameters are supported","details":[{"extension_mandatory_unsupported":["abc_route_type"]}]})");
    // Optional extensions are ignored (§6.2), as are absent fields: number 1, size key_size.
    etsi::key_request optional_ext;
    optional_ext.extension_optional.push_back(qkdnq::json::parse(R"({"abc_key_type": "x"})").value());
    const auto fine = kmes.a.get_key("SAE_1", "SAE_2", optional_ext);
    REQUIRE(fine.ok());
    CHECK(fine->container.keys.size() == 1);
    CHECK(fine->container.keys[0].material.size() == 32);
}

TEST_CASE("key_store: Get key with key IDs errors (400, 401) leave the keys in place", "[relay][key_store]") {
    kme_pair kmes(40);
    auto got = kmes.a.get_key("SAE_1", "SAE_2", request(2));
    REQUIRE(got.ok());
    REQUIRE(kmes.b.apply(got->reservation) == qkdnq::status::ok);
    const auto ids = ids_of(got->container);
    auto expect = [&](const char* slave, const char* master, const etsi::key_ids_request& r, int http, const std::string& message) {
        const auto out = kmes.b.get_key_with_key_ids(slave, master, r);
        REQUIRE_FALSE(out.ok());
        CHECK(out.error_object().http_status == http);
        CHECK(out.error_object().message == message);
        CHECK(kmes.b.reserved_key_count() == 2);
    };
    expect("SAE_3", "SAE_1", ids, 401, "the calling SAE is not authorised for this request");  // another slave SAE
    expect("SAE_1", "SAE_1", ids, 401, "the calling SAE is not authorised for this request");  // not served by KME_B
    expect("SAE_2", "SAE_9", ids, 401, "the calling SAE is not authorised for this request");  // wrong master
    etsi::key_ids_request partial = ids;
    partial.key_IDs.push_back({"bc490419-7d60-487f-adc1-4ddcc177c139", std::nullopt});
    expect("SAE_2", "SAE_1", partial, 400, "one or more keys specified are not found on KME");
    const auto body = kmes.b.get_key_with_key_ids("SAE_2", "SAE_1", partial).error_object().to_json();
    CHECK(body.find(R"("key_IDs_not_found":["bc490419-7d60-487f-adc1-4ddcc177c139"])") != std::string::npos);
    etsi::key_ids_request not_uuid;
    not_uuid.key_IDs.push_back({"not-a-uuid", std::nullopt});
    expect("SAE_2", "SAE_1", not_uuid, 400, "one or more keys specified are not found on KME");
    etsi::key_ids_request twice = ids;
    twice.key_IDs.push_back(ids.key_IDs[0]);
    expect("SAE_2", "SAE_1", twice, 400, "bad request format");
    expect("SAE_2", "SAE_1", etsi::key_ids_request{}, 400, "bad request format");
    etsi::key_ids_request too_many;
    for (int i = 0; i < 129; ++i) too_many.key_IDs.push_back(ids.key_IDs[0]);
    expect("SAE_2", "SAE_1", too_many, 400, "key_IDs exceed max_key_per_request");
    // Upper-case IDs name the same keys (RFC 9562 §4).
    etsi::key_ids_request upper = ids;
    for (auto& e : upper.key_IDs) std::transform(e.key_ID.begin(), e.key_ID.end(), e.key_ID.begin(), ::toupper);
    CHECK(kmes.b.get_key_with_key_ids("SAE_2", "SAE_1", upper).ok());
}

TEST_CASE("key_store: a reservation is checked whole before it changes anything", "[relay][key_store]") {
    kme_pair kmes(40);
    auto got = kmes.a.get_key("SAE_1", "SAE_2", request(2));
    REQUIRE(got.ok());
    const relay::key_reservation good = got->reservation;
    auto refused = [&](const relay::key_reservation& r, qkdnq::status expected) {
        CHECK(kmes.b.apply(r) == expected);
        CHECK(kmes.b.pool_size("KME_A") == 40);
        CHECK(kmes.b.reserved_key_count() == 0);
    };
    relay::key_reservation r = good;
    r.source_KME_ID = "KME_X";
    refused(r, qkdnq::status::malformed_message);
    r = good;
    r.slave_SAE_ID = "SAE_1";  // not served by KME_B
    refused(r, qkdnq::status::malformed_message);
    r = good;
    r.master_SAE_ID = "SAE_2";  // not served by KME_A
    refused(r, qkdnq::status::malformed_message);
    r = good;
    r.keys[1].parts[0] = relay::key_id{};  // not stored
    r.keys[1].id = r.keys[1].parts[0];
    refused(r, qkdnq::status::unknown_key_id);
    r = good;
    r.keys[1].size = 512;  // needs two parts
    refused(r, qkdnq::status::malformed_message);
    r = good;
    r.keys[1].size = 100;  // not whole bytes
    refused(r, qkdnq::status::malformed_message);
    r = good;
    r.keys[1] = r.keys[0];  // the same part twice
    refused(r, qkdnq::status::malformed_message);
    // KME_A cannot reserve a key of KME_B's own share.
    const auto own = std::find_if(kmes.deposited.begin(), kmes.deposited.end(), [&](const auto& d) {
        return (d.first.bytes()[15] & 1) == 1;  // KME_B (sorting second) hands out odd IDs
    });
    REQUIRE(own != kmes.deposited.end());
    r = good;
    r.keys[0].id = r.keys[0].parts[0] = own->first;
    refused(r, qkdnq::status::unknown_key_id);
    CHECK(kmes.b.apply(good) == qkdnq::status::ok);
    CHECK(kmes.b.apply(good) == qkdnq::status::duplicate_key_id);
    CHECK(kmes.b.reserved_key_count() == 2);
    CHECK(kmes.b.pool_size("KME_A") == 38);
}

TEST_CASE("key_store: deposits beyond the limits are results; programmer errors throw", "[relay][key_store]") {
    relay::key_store_limits limits;
    limits.max_key_count = 4;
    relay::key_store s("KME_A", limits);
    s.add_peer("KME_B");
    qkdnq::shake_drbg rng(std::uint64_t{5});
    const bytes key(32, 7);
    std::vector<relay::key_id> ids;
    for (int i = 0; i < 4; ++i) {
        ids.push_back(relay::key_id::random(rng));
        REQUIRE(s.deposit("KME_B", ids.back(), key) == qkdnq::status::ok);
    }
    CHECK(s.deposit("KME_B", relay::key_id::random(rng), key) == qkdnq::status::capacity_exceeded);
    CHECK(s.pool_size("KME_B") == 4);
    relay::key_store t("KME_A");
    t.add_peer("KME_B");
    REQUIRE(t.deposit("KME_B", ids[0], key) == qkdnq::status::ok);
    CHECK(t.deposit("KME_B", ids[0], key) == qkdnq::status::duplicate_key_id);
    CHECK_THROWS_AS((void)t.deposit("KME_B", ids[1], bytes(31)), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)t.deposit("KME_C", ids[1], key), qkdnq::invalid_argument);
    CHECK_THROWS_AS(t.add_peer("KME_A"), qkdnq::invalid_argument);
    CHECK_THROWS_AS(t.add_peer("KME_B"), qkdnq::invalid_argument);
    CHECK_THROWS_AS(t.register_sae("SAE_1", "KME_C"), qkdnq::invalid_argument);
    relay::key_store_limits bad;
    bad.key_size = 250;
    CHECK_THROWS_AS(relay::key_store("KME_A", bad), qkdnq::invalid_argument);
}

TEST_CASE("key_store: Get status reports the standard's fields", "[relay][key_store]") {
    kme_pair kmes(10);
    const auto s = kmes.a.get_status("SAE_1", "SAE_2");
    REQUIRE(s.ok());
    CHECK(s->to_json() == "{\"source_KME_ID\":\"KME_A\",\"target_KME_ID\":\"KME_B\",\"master_SAE_ID\":\"SAE_1\","
                          "\"slave_SAE_ID\":\"SAE_2\",\"key_size\":256,\"stored_key_count\":" +
                              std::to_string(kmes.a.stored_key_count("KME_B")) +
                              ",\"max_key_count\":1000000,\"max_key_per_request\":128,\"max_key_size\":8192,"
                              "\"min_key_size\":64,\"max_SAE_ID_count\":0}");
    CHECK(kmes.a.get_status("SAE_2", "SAE_1").error_object().http_status == 401);
    CHECK(kmes.a.get_status("SAE_1", "SAE_7").error_object().http_status == 400);
}

TEST_CASE("etsi014: request bodies parse as the standard names them; bad ones are 400", "[relay][etsi014]") {
    const auto r = etsi::key_request::from_json(
        R"({"number":3,"size":512,"additional_slave_SAE_IDs":["SAE_3"],"extension_mandatory":[{"a":1}],"extension_optional":[{"b":2}]})");
    REQUIRE(r.ok());
    CHECK(r->number == 3u);
    CHECK(r->size == 512u);
    CHECK(r->additional_slave_SAE_IDs == std::vector<std::string>{"SAE_3"});
    CHECK(r->extension_mandatory.size() == 1);
    CHECK(etsi::key_request::from_json(r->to_json())->to_json() == r->to_json());
    const auto empty = etsi::key_request::from_json("{}");
    REQUIRE(empty.ok());
    CHECK_FALSE(empty->number.has_value());
    for (const char* bad : {"", "[]", R"({"number":-1})", R"({"number":1.5})", R"({"size":"256"})",
                            R"({"additional_slave_SAE_IDs":[1]})", R"({"extension_mandatory":{"a":1}})",
                            R"({"extension_optional":[1]})", R"({"number":1,"number":2})"}) {
        INFO(bad);
        const auto p = etsi::key_request::from_json(bad);
        REQUIRE_FALSE(p.ok());
        CHECK(p.error_object().http_status == 400);
        CHECK(p.error_object().to_json() == R"({"message":"bad request format"})");
    }
    const auto ids = etsi::key_ids_request::from_json(
        R"({"key_IDs":[{"key_ID":"bc490419-7d60-487f-adc1-4ddcc177c139","key_ID_extension":{"x":1}},{"key_ID":"a"}]})");
    REQUIRE(ids.ok());
    REQUIRE(ids->key_IDs.size() == 2);
    CHECK(ids->key_IDs[0].key_ID_extension.has_value());
    CHECK(etsi::key_ids_request::from_json(ids->to_json())->to_json() == ids->to_json());
    for (const char* bad : {"{}", R"({"key_IDs":{}})", R"({"key_IDs":[{}]})", R"({"key_IDs":[{"key_ID":5}]})", R"({"key_IDs":["x"]})"}) {
        INFO(bad);
        CHECK_FALSE(etsi::key_ids_request::from_json(bad).ok());
    }
}

TEST_CASE("etsi014: a key container round-trips through its JSON form with base64 keys", "[relay][etsi014]") {
    etsi::key_container c;
    c.keys.push_back({"bc490419-7d60-487f-adc1-4ddcc177c139", qkdnq::secure_bytes{'f', 'o', 'o', 'b', 'a', 'r'}});
    c.keys.push_back({"550e8400-e29b-41d4-a716-446655440000", qkdnq::secure_bytes(32, 0xab)});
    const auto text = c.to_json();
    CHECK(std::string(text.begin(), text.end()).substr(0, 75) ==
          R"({"keys":[{"key_ID":"bc490419-7d60-487f-adc1-4ddcc177c139","key":"Zm9vYmFy"})");
    const auto back = etsi::key_container::from_json(std::string_view(text.data(), text.size()));
    REQUIRE(back.ok());
    REQUIRE(back->keys.size() == 2);
    CHECK(back->keys[1].material == c.keys[1].material);
    CHECK_FALSE(etsi::key_container::from_json(R"({"keys":[{"key_ID":"a","key":"Zm9"}]})").ok());
}

TEST_CASE("key_id: UUID text form, parsing and random version-4 IDs", "[relay][key_id]") {
    const auto id = relay::key_id::parse("BC490419-7d60-487f-ADC1-4ddcc177c139");
    REQUIRE(id.ok());
    CHECK(id->to_string() == "bc490419-7d60-487f-adc1-4ddcc177c139");
    for (const char* bad : {"", "bc490419-7d60-487f-adc1-4ddcc177c13", "bc490419-7d60-487f-adc1-4ddcc177c1390",
                            "bc4904197d60-487f-adc1-4ddcc177c1390", "bc490419-7d60-487f-adc1-4ddcc177c13g",
                            "bc490419+7d60-487f-adc1-4ddcc177c139"}) {
        CHECK_FALSE(relay::key_id::parse(bad).ok());
    }
    qkdnq::shake_drbg rng(std::uint64_t{9});
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const auto r = relay::key_id::random(rng);
        const std::string s = r.to_string();
        CHECK(s[14] == '4');
        CHECK((s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b'));
        CHECK(relay::key_id::parse(s).value() == r);
        seen.insert(s);
    }
    CHECK(seen.size() == 1000);
}

TEST_CASE("key_store: concurrent masters on one store never hand out a key twice", "[relay][key_store]") {
    kme_pair kmes(2000);
    const std::size_t share = kmes.a.stored_key_count("KME_B");
    std::vector<std::vector<relay::key_reservation>> per_thread(2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            for (;;) {
                auto got = kmes.a.get_key("SAE_1", "SAE_2", request(3));
                if (!got.ok()) break;
                per_thread[static_cast<std::size_t>(t)].push_back(got->reservation);
            }
        });
    }
    for (auto& th : threads) th.join();
    std::set<relay::key_id> ids;
    std::size_t n = 0;
    for (const auto& list : per_thread) {
        for (const auto& r : list) {
            REQUIRE(kmes.b.apply(r) == qkdnq::status::ok);
            for (const auto& k : r.keys) ids.insert(k.id);
            n += r.keys.size();
        }
    }
    CHECK(n == share - share % 3);
    CHECK(ids.size() == n);
    CHECK(kmes.b.reserved_key_count() == n);
}

TEST_CASE("key_store: deposit_all stores a batch all or nothing", "[relay][key_store]") {
    relay::key_store_limits limits;
    limits.max_key_count = 10;
    kme_pair kmes(4, limits);
    qkdnq::shake_drbg rng(5);
    std::vector<relay::key_id> ids;
    for (int i = 0; i < 6; ++i) ids.push_back(relay::key_id::random(rng));
    bytes keys(6 * 32);
    rng.fill(keys);
    // 4 stored + 7 > 10: refused, nothing stored.
    std::vector<relay::key_id> seven = ids;
    seven.push_back(relay::key_id::random(rng));
    bytes seven_keys(7 * 32);
    CHECK(kmes.a.deposit_all("KME_B", seven, seven_keys) == qkdnq::status::capacity_exceeded);
    CHECK(kmes.a.pool_size("KME_B") == 4);
    // A repeated ID in the batch, or one already stored: refused, nothing stored.
    std::vector<relay::key_id> repeated = ids;
    repeated[5] = repeated[0];
    CHECK(kmes.a.deposit_all("KME_B", repeated, keys) == qkdnq::status::duplicate_key_id);
    std::vector<relay::key_id> stored = ids;
    stored[3] = kmes.deposited[0].first;
    CHECK(kmes.a.deposit_all("KME_B", stored, keys) == qkdnq::status::duplicate_key_id);
    CHECK(kmes.a.pool_size("KME_B") == 4);
    CHECK_THROWS_AS(kmes.a.deposit_all("KME_B", ids, bytes(5 * 32)), qkdnq::invalid_argument);
    CHECK_THROWS_AS(kmes.a.deposit_all("KME_X", ids, keys), qkdnq::invalid_argument);
    // The batch: on both KMEs, each key served once, the same on both sides.
    REQUIRE(kmes.a.deposit_all("KME_B", ids, keys) == qkdnq::status::ok);
    REQUIRE(kmes.b.deposit_all("KME_A", ids, keys) == qkdnq::status::ok);
    CHECK(kmes.a.pool_size("KME_B") == 10);
    CHECK(kmes.a.stored_key_count("KME_B") + kmes.b.stored_key_count("KME_A") == 10);
    auto got = kmes.a.get_key("SAE_1", "SAE_2", request(kmes.a.stored_key_count("KME_B")));
    REQUIRE(got);
    REQUIRE(kmes.b.apply(got->reservation) == qkdnq::status::ok);
    auto same = kmes.b.get_key_with_key_ids("SAE_2", "SAE_1", ids_of(got->container));
    REQUIRE(same);
    for (std::size_t i = 0; i < same->keys.size(); ++i) CHECK(material(same->keys[i]) == material(got->container.keys[i]));
}
