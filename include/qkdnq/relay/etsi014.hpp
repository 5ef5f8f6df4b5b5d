// The data objects of ETSI GS QKD 014 V1.1.1 (§6: Status, Key request, Key container, Key IDs,
// Error), with their JSON forms under the standard's field names, so that a thin HTTP layer can
// serve a relay::key_store.
//
//   auto req = qkdnq::relay::etsi014::key_request::from_json(body);   // parsed<key_request>
//   if (!req) return respond(req.error().http_status, req.error().to_json());
//
// Parsing never throws on bad input: a body that is not JSON, has a field of the wrong type or
// an out-of-range number gives an `error` object with HTTP status 400, as §6 asks. Key material
// is written as base64 (RFC 4648) into a zeroizing string.
#pragma once

#include <qkdnq/core/base64.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/json.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace qkdnq::relay::etsi014 {

// The messages of §6.2 / §6.4 and the ones this library adds for limits the standard leaves to
// the KME.
namespace messages {
inline constexpr std::string_view bad_request_format = "bad request format";
inline constexpr std::string_view size_not_multiple_of_8 = "size shall be a multiple of 8";
inline constexpr std::string_view keys_not_found = "one or more keys specified are not found on KME";
inline constexpr std::string_view extension_mandatory_unsupported = "not all extension_mandatory parameters are supported";
inline constexpr std::string_view size_out_of_range = "size shall be between min_key_size and max_key_size";
inline constexpr std::string_view number_out_of_range = "number shall be between 1 and max_key_per_request";
inline constexpr std::string_view too_many_slave_sae_ids = "additional_slave_SAE_IDs exceed max_SAE_ID_count";
inline constexpr std::string_view too_many_key_ids = "key_IDs exceed max_key_per_request";
inline constexpr std::string_view unknown_slave_sae = "slave_SAE_ID is not known to this KME";
inline constexpr std::string_view unknown_master_sae = "master_SAE_ID is not known to this KME";
inline constexpr std::string_view unauthorized = "the calling SAE is not authorised for this request";
inline constexpr std::string_view keys_exhausted = "not enough keys stored for this SAE pair";
}  // namespace messages

// §6.4 Error: message and optional details (name/value pairs), with the HTTP status to send.
struct error {
    int http_status = 400;
    std::string message;
    std::vector<json::value> details;  // each an object

    [[nodiscard]] std::string to_json() const {
        json::value v = json::value::object();
        v.add("message", json::value::string(message));
        if (!details.empty()) v.add("details", json::value::array(details));
        return json::to_string(v);
    }
    [[nodiscard]] static error bad_request(std::string_view message, std::vector<json::value> details = {}) {
        return {400, std::string(message), std::move(details)};
    }
};

// A value of T, or the Error object that says why there is none.
template <class T>
class [[nodiscard]] parsed {
public:
    parsed(T v) : m_value(std::move(v)) {}        // NOLINT: implicit on purpose
    parsed(error e) : m_value(std::move(e)) {}    // NOLINT: implicit on purpose
    [[nodiscard]] bool ok() const noexcept { return m_value.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] const error& error_object() const {
        if (ok()) detail::throw_invalid_state("qkdnq::relay::etsi014::parsed::error_object", "the call succeeded");
        return std::get<1>(m_value);
    }
    [[nodiscard]] T& value() {
        if (!ok()) throw_failed();
        return std::get<0>(m_value);
    }
    [[nodiscard]] const T& value() const {
        if (!ok()) throw_failed();
        return std::get<0>(m_value);
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

private:
    [[noreturn]] void throw_failed() const {
        detail::throw_invalid_state("qkdnq::relay::etsi014::parsed::value",
                                    "the call failed (" + std::get<1>(m_value).message + ")");
    }
    std::variant<T, error> m_value;
};

// §6.1 Status (the reply to "Get status").
struct status_object {
    std::string source_KME_ID;
    std::string target_KME_ID;
    std::string master_SAE_ID;
    std::string slave_SAE_ID;
    std::uint64_t key_size = 0;  // bits
    std::uint64_t stored_key_count = 0;
    std::uint64_t max_key_count = 0;
    std::uint64_t max_key_per_request = 0;
    std::uint64_t max_key_size = 0;
    std::uint64_t min_key_size = 0;
    std::uint64_t max_SAE_ID_count = 0;

    [[nodiscard]] std::string to_json() const {
        json::value v = json::value::object();
        v.add("source_KME_ID", json::value::string(source_KME_ID));
        v.add("target_KME_ID", json::value::string(target_KME_ID));
        v.add("master_SAE_ID", json::value::string(master_SAE_ID));
        v.add("slave_SAE_ID", json::value::string(slave_SAE_ID));
        v.add("key_size", json::value::number(key_size));
        v.add("stored_key_count", json::value::number(stored_key_count));
        v.add("max_key_count", json::value::number(max_key_count));
        v.add("max_key_per_request", json::value::number(max_key_per_request));
        v.add("max_key_size", json::value::number(max_key_size));
        v.add("min_key_size", json::value::number(min_key_size));
        v.add("max_SAE_ID_count", json::value::number(max_SAE_ID_count));
        return json::to_string(v);
    }
};

namespace detail {

inline bool read_uint(const json::value& obj, std::string_view name, std::optional<std::uint64_t>& out) {
    const json::value* v = obj.find(name);
    if (v == nullptr) return true;
    out = v->as_uint64();
    return out.has_value();
}

inline bool read_object_array(const json::value& obj, std::string_view name, std::vector<json::value>& out) {
    const json::value* v = obj.find(name);
    if (v == nullptr) return true;
    if (!v->is_array()) return false;
    for (const auto& item : v->as_array()) {
        if (!item.is_object()) return false;
        out.push_back(item);
    }
    return true;
}

}  // namespace detail

// §6.2 Key request (the body of "Get key"). Absent number means 1, absent size the KME's
// default key_size (§6.2 Table 6).
struct key_request {
    std::optional<std::uint64_t> number;
    std::optional<std::uint64_t> size;  // bits
    std::vector<std::string> additional_slave_SAE_IDs;
    std::vector<json::value> extension_mandatory;  // objects
    std::vector<json::value> extension_optional;   // objects

    [[nodiscard]] static parsed<key_request> from_json(std::string_view body) {
        auto doc = json::parse(body);
        if (!doc || !doc->is_object()) return error::bad_request(messages::bad_request_format);
        key_request r;
        const json::value& o = doc.value();
        bool ok = detail::read_uint(o, "number", r.number) && detail::read_uint(o, "size", r.size) &&
                  detail::read_object_array(o, "extension_mandatory", r.extension_mandatory) &&
                  detail::read_object_array(o, "extension_optional", r.extension_optional);
        if (const json::value* ids = o.find("additional_slave_SAE_IDs"); ok && ids != nullptr) {
            ok = ids->is_array();
            for (std::size_t i = 0; ok && i < ids->as_array().size(); ++i) {
                const auto& id = ids->as_array()[i];
                ok = id.is_string();
                if (ok) r.additional_slave_SAE_IDs.push_back(id.text());
            }
        }
        if (!ok) return error::bad_request(messages::bad_request_format);
        return r;
    }

    [[nodiscard]] std::string to_json() const {
        json::value v = json::value::object();
        if (number) v.add("number", json::value::number(*number));
        if (size) v.add("size", json::value::number(*size));
        if (!additional_slave_SAE_IDs.empty()) {
            json::value ids = json::value::array();
            for (const auto& id : additional_slave_SAE_IDs) ids.as_array().push_back(json::value::string(id));
            v.add("additional_slave_SAE_IDs", std::move(ids));
        }
        if (!extension_mandatory.empty()) v.add("extension_mandatory", json::value::array(extension_mandatory));
        if (!extension_optional.empty()) v.add("extension_optional", json::value::array(extension_optional));
        return json::to_string(v);
    }
};

// §6.4 Key IDs (the body of "Get key with key IDs"): key_IDs as objects with key_ID and an
// optional key_ID_extension.
struct key_ids_request {
    struct entry {
        std::string key_ID;
        std::optional<json::value> key_ID_extension;
    };
    std::vector<entry> key_IDs;
    std::optional<json::value> key_IDs_extension;

    [[nodiscard]] static parsed<key_ids_request> from_json(std::string_view body) {
        auto doc = json::parse(body);
        if (!doc || !doc->is_object()) return error::bad_request(messages::bad_request_format);
        const json::value* ids = doc->find("key_IDs");
        if (ids == nullptr || !ids->is_array()) return error::bad_request(messages::bad_request_format);
        key_ids_request r;
        for (const auto& item : ids->as_array()) {
            const json::value* id = item.find("key_ID");
            if (id == nullptr || !id->is_string()) return error::bad_request(messages::bad_request_format);
            entry e{id->text(), std::nullopt};
            if (const json::value* ext = item.find("key_ID_extension")) e.key_ID_extension = *ext;
            r.key_IDs.push_back(std::move(e));
        }
        if (const json::value* ext = doc->find("key_IDs_extension")) r.key_IDs_extension = *ext;
        return r;
    }

    [[nodiscard]] std::string to_json() const {
        json::value list = json::value::array();
        for (const auto& e : key_IDs) {
            json::value item = json::value::object();
            item.add("key_ID", json::value::string(e.key_ID));
            if (e.key_ID_extension) item.add("key_ID_extension", *e.key_ID_extension);
            list.as_array().push_back(std::move(item));
        }
        json::value v = json::value::object();
        v.add("key_IDs", std::move(list));
        if (key_IDs_extension) v.add("key_IDs_extension", *key_IDs_extension);
        return json::to_string(v);
    }
};

// §6.3 Key container: the keys delivered, each with its key_ID.
struct key_container {
    struct key {
        std::string key_ID;
        secure_bytes material;
    };
    std::vector<key> keys;

    // {"keys":[{"key_ID":"...","key":"<base64>"},...]} in a zeroizing string.
    [[nodiscard]] secure_string to_json() const {
        secure_string out = "{\"keys\":[";
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (i > 0) out.push_back(',');
            out += "{\"key_ID\":";
            std::string id;
            json::detail::write_string(id, keys[i].key_ID);
            out += id;
            out += ",\"key\":\"";
            out += base64_encode(keys[i].material);
            out += "\"}";
        }
        out += "]}";
        return out;
    }

    // Parses a container as a client receives it (the keys decoded from base64).
    [[nodiscard]] static parsed<key_container> from_json(std::string_view body) {
        auto doc = json::parse(body);
        const json::value* list = doc ? doc->find("keys") : nullptr;
        if (list == nullptr || !list->is_array()) return error::bad_request(messages::bad_request_format);
        key_container c;
        for (const auto& item : list->as_array()) {
            const json::value* id = item.find("key_ID");
            const json::value* k = item.find("key");
            if (id == nullptr || k == nullptr || !id->is_string() || !k->is_string()) {
                return error::bad_request(messages::bad_request_format);
            }
            auto material = base64_decode(k->text());
            if (!material) return error::bad_request(messages::bad_request_format);
            c.keys.push_back({id->text(), std::move(material.value())});
        }
        return c;
    }
};

}  // namespace qkdnq::relay::etsi014
