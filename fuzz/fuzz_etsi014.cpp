// ETSI GS QKD 014 request objects (relay/etsi014.hpp) and the JSON reader under them
// (core/json.hpp), fed to a key store (relay/key_store.hpp). The first byte picks the object:
// 0 key request, 1 key IDs, 2 key container, else plain JSON; the rest is the body.
// Properties: nothing crashes or throws; a parsed object written back parses to the same text;
// JSON that parses writes and re-parses to an equal value; a Get key either delivers exactly
// `number` keys of `size` bits and takes them from the store, or fails with a 400/401/503 Error
// and leaves the store as it was; Get key with key IDs on unknown IDs changes nothing.
#include "driver.hpp"

#include <qkdnq/core/json.hpp>
#include <qkdnq/relay/etsi014.hpp>
#include <qkdnq/relay/key_store.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace relay = qkdnq::relay;
namespace etsi = qkdnq::relay::etsi014;

relay::key_store_limits fuzz_limits() {
    relay::key_store_limits limits;
    limits.max_key_size = 1024;
    return limits;
}

relay::key_store& store() {
    static relay::key_store s("KME_A", fuzz_limits());
    static const bool ready = [] {
        s.add_peer("KME_B");
        s.register_sae("SAE_1", "KME_A");
        s.register_sae("SAE_2", "KME_B");
        return true;
    }();
    (void)ready;
    return s;
}

void refill(relay::key_store& s) {
    static std::uint64_t counter = 0;
    const std::array<std::uint8_t, 32> key{};
    while (s.stored_key_count("KME_B") < 64) {
        std::array<std::uint8_t, 16> id{};
        ++counter;
        for (int i = 0; i < 8; ++i) id[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter >> (8 * i));
        id[15] = 0;  // even: KME_A's share
        fuzz_check(s.deposit("KME_B", relay::key_id(id), key) == qkdnq::status::ok, "deposit failed");
    }
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    if (input.empty()) return;
    const std::string_view body(reinterpret_cast<const char*>(input.data() + 1), input.size() - 1);
    switch (input[0]) {
        case 0: {
            const auto r = etsi::key_request::from_json(body);
            if (!r.ok()) {
                fuzz_check(r.error_object().http_status == 400, "a bad key request is not a 400");
                return;
            }
            const std::string text = r->to_json();
            fuzz_check(etsi::key_request::from_json(text)->to_json() == text, "key request does not round-trip");
            relay::key_store& s = store();
            refill(s);
            const std::size_t before = s.stored_key_count("KME_B");
            const auto got = s.get_key("SAE_1", "SAE_2", r.value());
            if (got.ok()) {
                const std::uint64_t number = r->number.value_or(1), size = r->size.value_or(256);
                fuzz_check(got->container.keys.size() == number, "wrong number of keys");
                for (const auto& k : got->container.keys) fuzz_check(k.material.size() * 8 == size, "wrong key size");
                fuzz_check(s.stored_key_count("KME_B") == before - number * ((size + 255) / 256), "wrong keys taken");
            } else {
                const int http = got.error_object().http_status;
                fuzz_check(http == 400 || http == 401 || http == 503, "unexpected HTTP status");
                fuzz_check(s.stored_key_count("KME_B") == before, "a failed Get key changed the store");
                (void)got.error_object().to_json();
            }
            return;
        }
        case 1: {
            const auto r = etsi::key_ids_request::from_json(body);
            if (!r.ok()) return;
            const std::string text = r->to_json();
            fuzz_check(etsi::key_ids_request::from_json(text)->to_json() == text, "key IDs do not round-trip");
            relay::key_store& s = store();
            const std::size_t reserved = s.reserved_key_count();
            const auto got = s.get_key_with_key_ids("SAE_1", "SAE_2", r.value());  // nothing is reserved for SAE_1
            fuzz_check(!got.ok() && s.reserved_key_count() == reserved, "unknown key IDs were served");
            return;
        }
        case 2: {
            const auto c = etsi::key_container::from_json(body);
            if (!c.ok()) return;
            const auto text = c->to_json();
            const auto again = etsi::key_container::from_json(std::string_view(text.data(), text.size()));
            fuzz_check(again.ok() && again->keys.size() == c->keys.size(), "key container does not round-trip");
            for (std::size_t i = 0; i < c->keys.size(); ++i) {
                fuzz_check(again->keys[i].material == c->keys[i].material, "key material changed");
            }
            return;
        }
        default: {
            const auto v = qkdnq::json::parse(body);
            if (!v.ok()) return;
            const std::string text = qkdnq::json::to_string(v.value());
            const auto again = qkdnq::json::parse(text);
            fuzz_check(again.ok() && again.value() == v.value(), "JSON does not round-trip");
            return;
        }
    }
}
