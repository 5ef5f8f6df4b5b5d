// A small model of a QKD network for tests, benchmarks and the demo: trusted nodes joined by QKD
// links whose key stores fill at given rates, path choice by available link key, and relay of
// end-to-end keys with statistics per path.
//
//   qkdnq::relay::network net(seed);
//   net.add_link("A", "B", 1e6);   net.add_link("B", "C", 2e6);   // key rates, bits/s
//   net.advance(1.0);                                              // one second of QKD output
//   auto r = net.relay("A", "C", 100, 32);   // r.path, r.keys_delivered, r.source_keys == r.destination_keys
//
// Link key is simulated (a seeded generator gives both ends of a link the same bytes); 1/16 of
// each link's new key refills the link's authentication pools, the rest is link key for one-time
// pads. Path choice (a QoS input, Y.3804's key relay routing) takes the path whose scarcest link
// holds the most link key, then the one with fewer hops; paths have at most max_hops links.
#pragma once

#include <qkdnq/core/error.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/relay/trusted_node.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qkdnq::relay {

// Totals for one path (keyed by its nodes joined with "-").
struct path_statistics {
    std::uint64_t relays = 0;              // calls of network::relay on this path
    std::uint64_t keys_delivered = 0;
    std::uint64_t link_key_consumed = 0;   // bytes, over all links of the path
    std::uint64_t messages = 0;            // relay messages sent, all hops
    std::uint64_t delay_in_messages = 0;   // per relay: messages from the source to the destination, summed
};

struct relay_report {
    status outcome = status::ok;
    std::vector<std::string> path;
    std::size_t keys_delivered = 0;
    std::uint64_t link_key_consumed = 0;  // bytes
    std::uint64_t messages = 0;
    std::uint64_t delay_in_messages = 0;  // hops of the path: messages in sequence before delivery
    std::vector<relay_key> source_keys;       // what the source sent
    std::vector<relay_key> destination_keys;  // what the destination received
};

class network {
public:
    static constexpr std::size_t max_hops = 8;
    static constexpr std::size_t batch_keys = 1024;  // keys per relay message

    explicit network(std::uint64_t seed) : m_rng(seed) {}

    void add_node(const std::string& id) {
        if (m_nodes.count(id) == 0) m_nodes.emplace(id, std::make_unique<trusted_node>(id));
    }

    // A QKD link between `a` and `b` producing `key_bits_per_second` of shared key (both nodes
    // are added if new). Both ends get the same fresh pre-shared authentication key.
    void add_link(const std::string& a, const std::string& b, double key_bits_per_second) {
        if (a == b || key_bits_per_second < 0) throw invalid_argument("qkdnq::relay::network::add_link: a link joins two nodes at a rate >= 0");
        add_node(a);
        add_node(b);
        secure_bytes pre_shared(trusted_node::channel::min_pre_shared_bytes + 512);
        m_rng.fill(pre_shared);
        const std::uint64_t session = m_links.size() + 1;
        node(a).add_link(b, session, pre_shared);
        node(b).add_link(a, session, pre_shared);
        m_links.push_back({a, b, key_bits_per_second, 0.0});
    }

    // Runs every link for `seconds`: deposits its new key at both ends.
    void advance(double seconds) {
        for (auto& l : m_links) {
            l.carry_bits += l.rate * seconds;
            const auto bytes = static_cast<std::size_t>(l.carry_bits / 8);
            l.carry_bits -= 8.0 * static_cast<double>(bytes);
            deposit(l, bytes);
        }
    }

    // Adds `bytes` of key to the link between a and b at once (an initial key store).
    void deposit(const std::string& a, const std::string& b, std::size_t bytes) {
        for (auto& l : m_links) {
            if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) {
                deposit(l, bytes);
                return;
            }
        }
        throw invalid_argument("qkdnq::relay::network::deposit: no link " + a + " - " + b);
    }

    [[nodiscard]] trusted_node& node(const std::string& id) {
        auto it = m_nodes.find(id);
        if (it == m_nodes.end()) throw invalid_argument("qkdnq::relay::network: no node '" + id + "'");
        return *it->second;
    }

    // The best path from `source` to `destination` along which every link holds at least
    // `bytes` of link key: the largest bottleneck, then the fewest hops, then the
    // lexicographically first. Nothing if there is none within max_hops.
    [[nodiscard]] std::optional<std::vector<std::string>> choose_path(const std::string& source, const std::string& destination,
                                                                      std::size_t bytes) {
        std::optional<std::vector<std::string>> best;
        std::size_t best_bottleneck = 0;
        std::vector<std::string> path{source};
        auto better = [&](std::size_t bottleneck) {
            if (!best) return true;
            if (bottleneck != best_bottleneck) return bottleneck > best_bottleneck;
            if (path.size() != best->size()) return path.size() < best->size();
            return path < *best;
        };
        auto search = [&](auto&& self, std::size_t bottleneck) -> void {
            const std::string here = path.back();  // a copy: path grows below
            if (here == destination) {
                if (better(bottleneck)) {
                    best = path;
                    best_bottleneck = bottleneck;
                }
                return;
            }
            if (path.size() > max_hops) return;
            for (const auto& l : m_links) {
                const std::string* next = l.a == here ? &l.b : (l.b == here ? &l.a : nullptr);
                if (next == nullptr || std::find(path.begin(), path.end(), *next) != path.end()) continue;
                const std::size_t available = node(here).link_key_available(*next);
                if (available < bytes) continue;
                path.push_back(*next);
                self(self, std::min(bottleneck, available));
                path.pop_back();
            }
        };
        if (m_nodes.count(source) != 0 && m_nodes.count(destination) != 0 && source != destination) {
            search(search, SIZE_MAX);
        }
        return best;
    }

    // Relays `count` fresh end-to-end keys of `key_bytes` from `source` to `destination` over the
    // chosen path, in messages of up to batch_keys keys. outcome not_enough_key (and nothing
    // consumed) if no path has enough link key.
    [[nodiscard]] relay_report relay(const std::string& source, const std::string& destination, std::size_t count,
                                     std::size_t key_bytes) {
        relay_report report;
        const auto path = choose_path(source, destination, count * key_bytes);
        if (!path) {
            report.outcome = status::not_enough_key;
            return report;
        }
        report.path = *path;
        report.source_keys.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            relay_key k{key_id::random(m_rng), secure_bytes(key_bytes)};
            m_rng.fill(k.key);
            report.source_keys.push_back(std::move(k));
        }
        for (std::size_t first = 0; first < count && report.outcome == status::ok; first += batch_keys) {
            const std::size_t n = std::min(batch_keys, count - first);
            auto msg = node(source).originate(*path, std::span(report.source_keys).subspan(first, n));
            if (!msg) {
                report.outcome = msg.error();
                break;
            }
            report.link_key_consumed += n * key_bytes;
            outgoing hop = std::move(msg.value());
            std::string from = source;
            ++report.messages;
            for (;;) {
                auto event = node(hop.to).receive(from, hop.wire);
                if (!event) {
                    report.outcome = event.error();
                    break;
                }
                if (event->delivered) {
                    for (auto& k : event->keys) report.destination_keys.push_back(std::move(k));
                    break;
                }
                from = hop.to;
                hop = std::move(event->forward);
                ++report.messages;
                report.link_key_consumed += n * key_bytes;
            }
        }
        report.keys_delivered = report.destination_keys.size();
        report.delay_in_messages = path->size() - 1;
        path_statistics& s = m_statistics[join(*path)];
        ++s.relays;
        s.keys_delivered += report.keys_delivered;
        s.link_key_consumed += report.link_key_consumed;
        s.messages += report.messages;
        s.delay_in_messages += report.delay_in_messages;
        return report;
    }

    [[nodiscard]] const std::map<std::string, path_statistics>& statistics() const noexcept { return m_statistics; }

    [[nodiscard]] static std::string join(const std::vector<std::string>& path) {
        std::string s;
        for (const auto& n : path) {
            if (!s.empty()) s.push_back('-');
            s += n;
        }
        return s;
    }

private:
    struct link_model {
        std::string a, b;
        double rate;        // bits per second
        double carry_bits;  // fraction of a byte not yet deposited
    };

    void deposit(link_model& l, std::size_t bytes) {
        const std::size_t auth_bytes = bytes / 16, otp_bytes = bytes - auth_bytes;
        secure_bytes key(otp_bytes);
        m_rng.fill(key);
        node(l.a).deposit_link_key(l.b, key);
        node(l.b).deposit_link_key(l.a, key);
        if (auth_bytes > 0) {
            secure_bytes auth(auth_bytes);
            m_rng.fill(auth);
            node(l.a).refill_authentication(l.b, auth);
            node(l.b).refill_authentication(l.a, auth);
        }
    }

    shake_drbg m_rng;
    std::map<std::string, std::unique_ptr<trusted_node>> m_nodes;
    std::vector<link_model> m_links;
    std::map<std::string, path_statistics> m_statistics;
};

}  // namespace qkdnq::relay
