// One KME's store of KSA-keys, served through calls shaped like ETSI GS QKD 014 V1.1.1 §5
// (Get status, Get key, Get key with key IDs).
//
//   qkdnq::relay::key_store alice("KME_A"), bob("KME_B");
//   alice.add_peer("KME_B");  bob.add_peer("KME_A");
//   alice.register_sae("SAE_1", "KME_A");  alice.register_sae("SAE_2", "KME_B");   // and on bob
//   alice.deposit("KME_B", id, key);   bob.deposit("KME_A", id, key);  // same IDs, same keys, same order
//
//   auto got = alice.get_key("SAE_1", "SAE_2", request);          // master side (enc_keys)
//   if (!got) return http(got.error_object().http_status, got.error_object().to_json());
//   bob.apply(got->reservation);                                  // KME-to-KME, out of 014's scope
//   auto same = bob.get_key_with_key_ids("SAE_2", "SAE_1", ids);   // slave side (dec_keys)
//
// Both KMEs of a pair hold the same KSA-keys (deposited in the same order, with the same IDs,
// for example by the post-processing pipeline or a relay). To keep the two pools in step
// without a lock between them, the keys are split in two shares by the last bit of their IDs:
// the KME whose ID sorts first hands out the keys with an even ID as master, the other those with
// an odd one (random IDs split about evenly). A Get key takes
// keys from the master's share, removes them from its store, and returns a `key_reservation`
// that the caller carries to the peer KME; `apply` there moves the same keys to the slave SAE's
// reservation, and Get key with key IDs hands them out once, to that slave SAE only. A key of a
// size other than key_size is made of ceil(size / key_size) stored keys, truncated, and takes the
// ID of the first.
//
// Errors of the standard (bad sizes, unknown or foreign key IDs, exhausted keys) are results
// carrying the §6.4 Error object and its HTTP status (400, 401, 503), and change nothing.
// Programmer errors (an unknown peer, a key of the wrong length) throw. Every call takes one
// mutex: the store is safe to share between threads.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/relay/etsi014.hpp>
#include <qkdnq/relay/key_id.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace qkdnq::relay {

// The store's limits, reported by Get status (§6.1). Sizes in bits.
struct key_store_limits {
    std::uint64_t key_size = 256;             // each stored KSA-key; also the default request size
    std::uint64_t max_key_count = 1'000'000;  // stored keys per peer KME
    std::uint64_t max_key_per_request = 128;
    std::uint64_t max_key_size = 8192;
    std::uint64_t min_key_size = 64;
    std::uint64_t max_SAE_ID_count = 0;  // additional slave SAEs (multicast): not offered
};

// What a master's KME tells the slave's KME after a Get key: which stored keys make up each
// delivered key, for which SAE pair.
struct key_reservation {
    struct key {
        key_id id;                  // the delivered key's ID (its first stored key's)
        std::vector<key_id> parts;  // the stored keys it is made of, in order
        std::uint64_t size = 0;     // bits
    };
    std::string source_KME_ID;
    std::string master_SAE_ID;
    std::string slave_SAE_ID;
    std::vector<key> keys;
};

// The answer to Get key: the container for the master SAE and the reservation for the peer KME.
struct key_delivery {
    etsi014::key_container container;
    key_reservation reservation;
};

class key_store {
public:
    explicit key_store(std::string kme_id, key_store_limits limits = {}) : m_kme_id(std::move(kme_id)), m_limits(limits) {
        if (m_kme_id.empty()) throw invalid_argument("qkdnq::relay::key_store: kme_id must not be empty");
        if (m_limits.key_size == 0 || m_limits.key_size % 8 != 0 || m_limits.min_key_size == 0 ||
            m_limits.min_key_size > m_limits.max_key_size || m_limits.max_key_per_request == 0) {
            throw invalid_argument("qkdnq::relay::key_store: key_size must be a positive multiple of 8, "
                                   "0 < min_key_size <= max_key_size, max_key_per_request > 0");
        }
    }

    key_store(const key_store&) = delete;
    key_store& operator=(const key_store&) = delete;

    [[nodiscard]] const std::string& kme_id() const noexcept { return m_kme_id; }
    [[nodiscard]] const key_store_limits& limits() const noexcept { return m_limits; }

    // A KME this one shares KSA-keys with (the other end of a QKD link or a relay path).
    void add_peer(std::string_view peer_kme_id) {
        std::lock_guard lock(m_mutex);
        if (peer_kme_id.empty() || peer_kme_id == m_kme_id || m_pools.count(std::string(peer_kme_id)) != 0) {
            throw invalid_argument("qkdnq::relay::key_store::add_peer: '" + std::string(peer_kme_id) +
                                   "' is empty, this KME, or already a peer");
        }
        pool& p = m_pools[std::string(peer_kme_id)];
        p.take_even = m_kme_id < peer_kme_id;
        p.unit_bytes = m_limits.key_size / 8;
    }

    // Which KME serves an SAE: this one, or a peer.
    void register_sae(std::string_view sae_id, std::string_view kme_id) {
        std::lock_guard lock(m_mutex);
        if (sae_id.empty() || (kme_id != m_kme_id && m_pools.count(std::string(kme_id)) == 0)) {
            throw invalid_argument("qkdnq::relay::key_store::register_sae: empty SAE ID, or '" + std::string(kme_id) +
                                   "' is neither this KME nor a peer");
        }
        m_sae_kme[std::string(sae_id)] = std::string(kme_id);
    }

    // Adds a KSA-key shared with `peer_kme_id` (key_size bits). status::capacity_exceeded when the
    // peer's pool holds max_key_count keys, status::duplicate_key_id for an ID already stored or
    // reserved; the store is unchanged then. Throws invalid_argument for an unknown peer or a key
    // of the wrong length.
    [[nodiscard]] status deposit(std::string_view peer_kme_id, const key_id& id, bytes_view key) {
        std::lock_guard lock(m_mutex);
        pool& p = pool_for(peer_kme_id, "deposit");
        qkdnq::detail::require_length("qkdnq::relay::key_store::deposit", "key", key.size(), m_limits.key_size / 8);
        if (p.units.size() >= m_limits.max_key_count) return status::capacity_exceeded;
        if (p.units.count(id) != 0 || m_reserved.count(id) != 0) return status::duplicate_key_id;
        insert(p, id, key);
        return status::ok;
    }

    // Adds ids.size() KSA-keys at once: key i is bytes [i key_size/8, (i+1) key_size/8) of `keys`.
    // All or nothing: status::capacity_exceeded when they do not all fit, status::duplicate_key_id
    // when an ID is stored, reserved or repeated in `ids`; the store is unchanged then. Throws
    // invalid_argument for an unknown peer or a `keys` of any other length.
    [[nodiscard]] status deposit_all(std::string_view peer_kme_id, std::span<const key_id> ids, bytes_view keys) {
        std::lock_guard lock(m_mutex);
        pool& p = pool_for(peer_kme_id, "deposit_all");
        const std::size_t unit_bytes = m_limits.key_size / 8;
        qkdnq::detail::require_length("qkdnq::relay::key_store::deposit_all", "keys", keys.size(), ids.size() * unit_bytes);
        if (ids.size() > m_limits.max_key_count - std::min<std::size_t>(p.units.size(), m_limits.max_key_count)) {
            return status::capacity_exceeded;
        }
        std::vector<key_id> sorted(ids.begin(), ids.end());
        std::sort(sorted.begin(), sorted.end(), [](const key_id& x, const key_id& y) { return x.bytes() < y.bytes(); });
        if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return status::duplicate_key_id;
        for (const key_id& id : ids) {
            if (p.units.count(id) != 0 || m_reserved.count(id) != 0) return status::duplicate_key_id;
        }
        for (std::size_t i = 0; i < ids.size(); ++i) {
            insert(p, ids[i], keys.subspan(i * unit_bytes, unit_bytes));
        }
        return status::ok;
    }

    // Keys this KME can hand out as master towards `peer_kme_id` (its share of the pool).
    [[nodiscard]] std::size_t stored_key_count(std::string_view peer_kme_id) const {
        std::lock_guard lock(m_mutex);
        return pool_for(peer_kme_id, "stored_key_count").ours_live;
    }
    // Keys of the pool with `peer_kme_id`, both shares.
    [[nodiscard]] std::size_t pool_size(std::string_view peer_kme_id) const {
        std::lock_guard lock(m_mutex);
        return pool_for(peer_kme_id, "pool_size").units.size();
    }
    // Keys waiting for their slave SAE.
    [[nodiscard]] std::size_t reserved_key_count() const {
        std::lock_guard lock(m_mutex);
        return m_reserved.size();
    }

    // §5.1 Get status, called by `master_sae` about `slave_sae`.
    [[nodiscard]] etsi014::parsed<etsi014::status_object> get_status(std::string_view master_sae,
                                                                     std::string_view slave_sae) const {
        std::lock_guard lock(m_mutex);
        std::string target;
        if (auto e = check_pair(master_sae, slave_sae, target)) return *e;
        const pool* p = &m_pools.find(target)->second;
        etsi014::status_object s;
        s.source_KME_ID = m_kme_id;
        s.target_KME_ID = target;
        s.master_SAE_ID = std::string(master_sae);
        s.slave_SAE_ID = std::string(slave_sae);
        s.key_size = m_limits.key_size;
        s.stored_key_count = p->ours_live;
        s.max_key_count = m_limits.max_key_count;
        s.max_key_per_request = m_limits.max_key_per_request;
        s.max_key_size = m_limits.max_key_size;
        s.min_key_size = m_limits.min_key_size;
        s.max_SAE_ID_count = m_limits.max_SAE_ID_count;
        return s;
    }

    // §5.2 Get key, called by `master_sae` for keys shared with `slave_sae`.
    [[nodiscard]] etsi014::parsed<key_delivery> get_key(std::string_view master_sae, std::string_view slave_sae,
                                                        const etsi014::key_request& request) {
        namespace msg = etsi014::messages;
        std::lock_guard lock(m_mutex);
        std::string target;
        if (auto e = check_pair(master_sae, slave_sae, target)) return *e;
        pool* p = &m_pools.find(target)->second;
        if (!request.extension_mandatory.empty()) {
            json::value names = json::value::array();
            for (const auto& ext : request.extension_mandatory) {
                for (const auto& member : ext.as_object()) names.as_array().push_back(json::value::string(member.first));
            }
            json::value detail = json::value::object();
            detail.add("extension_mandatory_unsupported", std::move(names));
            return etsi014::error::bad_request(msg::extension_mandatory_unsupported, {std::move(detail)});
        }
        if (request.additional_slave_SAE_IDs.size() > m_limits.max_SAE_ID_count) {
            return etsi014::error::bad_request(msg::too_many_slave_sae_ids);
        }
        const std::uint64_t number = request.number.value_or(1);
        if (number == 0 || number > m_limits.max_key_per_request) return etsi014::error::bad_request(msg::number_out_of_range);
        const std::uint64_t size = request.size.value_or(m_limits.key_size);
        if (size % 8 != 0) return etsi014::error::bad_request(msg::size_not_multiple_of_8);
        if (size < m_limits.min_key_size || size > m_limits.max_key_size) return etsi014::error::bad_request(msg::size_out_of_range);
        const std::uint64_t parts = (size + m_limits.key_size - 1) / m_limits.key_size;
        if (number * parts > p->ours_live) return etsi014::error{503, std::string(msg::keys_exhausted), {}};

        key_delivery out;
        out.reservation = {m_kme_id, std::string(master_sae), std::string(slave_sae), {}};
        out.container.keys.reserve(number);
        out.reservation.keys.reserve(number);
        const std::size_t unit_bytes = m_limits.key_size / 8, key_bytes = size / 8;
        for (std::uint64_t k = 0; k < number; ++k) {
            etsi014::key_container::key delivered;
            delivered.material.resize(key_bytes);
            key_reservation::key reserved;
            reserved.size = size;
            reserved.parts.reserve(parts);
            for (std::uint64_t j = 0; j < parts; ++j) {
                const auto it = pop_ours(*p);
                const key_id id = it->first;
                const std::size_t at = j * unit_bytes, n = std::min(unit_bytes, key_bytes - at);
                p->release(it->second.slot, delivered.material.data() + at, n);
                p->units.erase(it);
                reserved.parts.push_back(id);
            }
            reserved.id = reserved.parts.front();
            delivered.key_ID = reserved.id.to_string();
            out.container.keys.push_back(std::move(delivered));
            out.reservation.keys.push_back(std::move(reserved));
        }
        return out;
    }

    // The peer's reservation after its Get key: moves the same stored keys to the slave SAE's
    // reservation. status::malformed_message for a reservation that names an unknown KME or SAE,
    // a bad size or the wrong number of parts; status::unknown_key_id if a part is not stored
    // here or belongs to this KME's share; status::duplicate_key_id if a key ID is reserved
    // already. Nothing changes unless it returns ok.
    [[nodiscard]] status apply(const key_reservation& r) {
        std::lock_guard lock(m_mutex);
        auto pit = m_pools.find(r.source_KME_ID);
        if (pit == m_pools.end()) return status::malformed_message;
        pool& p = pit->second;
        const auto slave = m_sae_kme.find(r.slave_SAE_ID), master = m_sae_kme.find(r.master_SAE_ID);
        if (slave == m_sae_kme.end() || slave->second != m_kme_id || master == m_sae_kme.end() ||
            master->second != r.source_KME_ID) {
            return status::malformed_message;
        }
        std::unordered_set<key_id> seen;
        for (const auto& k : r.keys) {
            const std::uint64_t parts = (k.size + m_limits.key_size - 1) / m_limits.key_size;
            if (k.size == 0 || k.size % 8 != 0 || k.size > m_limits.max_key_size || k.parts.size() != parts ||
                k.id != k.parts.front()) {
                return status::malformed_message;
            }
            if (m_reserved.count(k.id) != 0) return status::duplicate_key_id;
            for (const key_id& id : k.parts) {
                auto u = p.units.find(id);
                if (u == p.units.end() || u->second.ours) return status::unknown_key_id;
                if (!seen.insert(id).second) return status::malformed_message;
            }
        }
        const std::size_t unit_bytes = m_limits.key_size / 8;
        for (const auto& k : r.keys) {
            reserved_key& out = m_reserved[k.id];
            out.master_sae = r.master_SAE_ID;
            out.slave_sae = r.slave_SAE_ID;
            out.material.resize(k.size / 8);
            for (std::size_t j = 0; j < k.parts.size(); ++j) {
                auto u = p.units.find(k.parts[j]);
                const std::size_t at = j * unit_bytes, n = std::min(unit_bytes, out.material.size() - at);
                p.release(u->second.slot, out.material.data() + at, n);
                p.units.erase(u);
            }
        }
        return status::ok;
    }

    // §5.3 Get key with key IDs, called by `slave_sae` for keys that `master_sae` got. Each key
    // is handed out once and leaves the store. 400 for an empty, oversized or repeated list or an
    // ID that is not reserved here; 401 if a key is reserved for another SAE pair.
    [[nodiscard]] etsi014::parsed<etsi014::key_container> get_key_with_key_ids(std::string_view slave_sae,
                                                                               std::string_view master_sae,
                                                                               const etsi014::key_ids_request& request) {
        namespace msg = etsi014::messages;
        std::lock_guard lock(m_mutex);
        const auto caller = m_sae_kme.find(std::string(slave_sae));
        if (caller == m_sae_kme.end() || caller->second != m_kme_id) return etsi014::error{401, std::string(msg::unauthorized), {}};
        if (request.key_IDs.empty()) return etsi014::error::bad_request(msg::bad_request_format);
        if (request.key_IDs.size() > m_limits.max_key_per_request) return etsi014::error::bad_request(msg::too_many_key_ids);
        std::vector<std::unordered_map<key_id, reserved_key>::iterator> found;
        found.reserve(request.key_IDs.size());
        json::value missing = json::value::array();
        bool foreign = false;
        for (const auto& entry : request.key_IDs) {
            const auto id = key_id::parse(entry.key_ID);
            auto it = id ? m_reserved.find(id.value()) : m_reserved.end();
            if (it == m_reserved.end()) {
                missing.as_array().push_back(json::value::string(entry.key_ID));
                continue;
            }
            if (std::find(found.begin(), found.end(), it) != found.end()) return etsi014::error::bad_request(msg::bad_request_format);
            foreign = foreign || it->second.slave_sae != slave_sae || it->second.master_sae != master_sae;
            found.push_back(it);
        }
        if (!missing.as_array().empty()) {
            json::value detail = json::value::object();
            detail.add("key_IDs_not_found", std::move(missing));
            return etsi014::error::bad_request(msg::keys_not_found, {std::move(detail)});
        }
        if (foreign) return etsi014::error{401, std::string(msg::unauthorized), {}};
        etsi014::key_container out;
        out.keys.reserve(found.size());
        for (std::size_t i = 0; i < found.size(); ++i) {
            out.keys.push_back({request.key_IDs[i].key_ID, std::move(found[i]->second.material)});
            m_reserved.erase(found[i]);
        }
        return out;
    }

private:
    struct unit {
        std::size_t slot = 0;  // where its bytes are in the pool's slab
        bool ours = false;     // in this KME's master share
    };
    // A peer's keys: IDs in a hash map, bytes in one zeroizing slab of fixed-size slots (no
    // allocation per key); a freed slot is wiped at once and reused.
    struct pool {
        std::size_t unit_bytes = 0;
        secure_bytes slab;
        std::vector<std::size_t> free_slots;
        std::unordered_map<key_id, unit> units;
        std::deque<key_id> ours;  // this KME's share in deposit order (may hold IDs taken since)
        std::size_t ours_live = 0;
        bool take_even = false;

        std::size_t store(bytes_view key) {
            std::size_t slot;
            if (!free_slots.empty()) {
                slot = free_slots.back();
                free_slots.pop_back();
            } else {
                slot = slab.size() / unit_bytes;
                slab.resize(slab.size() + unit_bytes);  // the old buffer is wiped as it is freed
            }
            std::copy(key.begin(), key.end(), slab.begin() + static_cast<std::ptrdiff_t>(slot * unit_bytes));
            return slot;
        }
        // Copies the first n bytes of a slot out, wipes the slot and frees it.
        void release(std::size_t slot, std::uint8_t* out, std::size_t n) {
            std::uint8_t* bytes = slab.data() + slot * unit_bytes;
            std::copy_n(bytes, n, out);
            secure_zero(bytes, unit_bytes);
            free_slots.push_back(slot);
        }
    };
    struct reserved_key {
        std::string master_sae;
        std::string slave_sae;
        secure_bytes material;
    };

    pool& pool_for(std::string_view peer, const char* function) {
        auto it = m_pools.find(std::string(peer));
        if (it == m_pools.end()) {
            throw invalid_argument(std::string("qkdnq::relay::key_store::") + function + ": '" + std::string(peer) +
                                   "' is not a peer of " + m_kme_id);
        }
        return it->second;
    }
    const pool& pool_for(std::string_view peer, const char* function) const {
        return const_cast<key_store*>(this)->pool_for(peer, function);
    }

    // The master must be served here, the slave by a peer (`target`).
    std::optional<etsi014::error> check_pair(std::string_view master_sae, std::string_view slave_sae,
                                             std::string& target) const {
        namespace msg = etsi014::messages;
        const auto master = m_sae_kme.find(std::string(master_sae));
        if (master == m_sae_kme.end() || master->second != m_kme_id) return etsi014::error{401, std::string(msg::unauthorized), {}};
        const auto slave = m_sae_kme.find(std::string(slave_sae));
        if (slave == m_sae_kme.end() || slave->second == m_kme_id) return etsi014::error::bad_request(msg::unknown_slave_sae);
        target = slave->second;
        return std::nullopt;
    }

    // Stores a key the caller has checked (size, capacity, ID not yet present).
    static void insert(pool& p, const key_id& id, bytes_view key) {
        unit& u = p.units[id];
        u.slot = p.store(key);
        u.ours = is_ours(p, id);
        if (u.ours) {
            p.ours.push_back(id);
            ++p.ours_live;
        }
    }

    // The share a key belongs to follows from its ID alone (its last bit), so both KMEs agree on
    // it whatever the order or success of their deposits.
    static bool is_ours(const pool& p, const key_id& id) noexcept { return ((id.bytes()[15] & 1) == 0) == p.take_even; }

    // The oldest key of this KME's share (ours_live > 0).
    static std::unordered_map<key_id, unit>::iterator pop_ours(pool& p) {
        for (;;) {
            const auto it = p.units.find(p.ours.front());
            p.ours.pop_front();
            if (it != p.units.end()) {
                --p.ours_live;
                return it;
            }
        }
    }

    std::string m_kme_id;
    key_store_limits m_limits;
    mutable std::mutex m_mutex;
    std::map<std::string, pool, std::less<>> m_pools;
    std::map<std::string, std::string, std::less<>> m_sae_kme;
    std::unordered_map<key_id, reserved_key> m_reserved;
};

}  // namespace qkdnq::relay
