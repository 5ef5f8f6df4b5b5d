// A trusted node of a QKD network: relays end-to-end keys hop by hop (ITU-T Y.3803's key relay,
// TR.QKDN-nq §7.1). Sans-I/O: the node turns messages from neighbours into messages for
// neighbours; the caller moves the bytes.
//
//   qkdnq::relay::trusted_node a("A"), b("B");
//   a.add_link("B", session, auth_key);  b.add_link("A", session, auth_key);   // same bytes
//   a.deposit_link_key("B", k);          b.deposit_link_key("A", k);          // QKD output, in step
//   auto msg = a.originate(path, keys);                 // result<outgoing>: {to, wire}
//   auto got = b.receive("A", msg->wire);               // delivered keys, or the next hop's message
//
// Each link has two key streams shared by its ends: link key (the one-time pads of the relayed
// keys, auth::key_pool) and the authenticated channel's pools (the Wegman-Carter pads of the
// messages, auth/channel.hpp). Per hop a key costs its length in link key; a message costs one
// 128-bit tag. A node reads each key in the clear between its two pads, as a trusted node must.
//
// A message that does not verify (tampered, replayed, forged, from the wrong neighbour) is
// rejected by the channel before anything is consumed. A message that verifies but cannot be
// relayed (the node is not the next hop, the link key is out of step or short, the next link has
// too little key) is rejected with its status before any link key is consumed.
#pragma once

#include <qkdnq/auth/channel.hpp>
#include <qkdnq/auth/key_pool.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/relay/key_id.hpp>
#include <qkdnq/relay/relay_message.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qkdnq::relay {

// An end-to-end key with its ID.
struct relay_key {
    key_id id;
    secure_bytes key;
};

// A message for a neighbour.
struct outgoing {
    std::string to;
    std::vector<std::uint8_t> wire;
};

// What a received message came to: keys for this node (it is the destination), or the message
// to pass on.
struct relay_event {
    bool delivered = false;
    std::string source;             // the path's first node
    std::vector<relay_key> keys;    // delivered keys (destination only)
    outgoing forward;               // the next hop's message (intermediate nodes only)
};

// Per link, from this node's side.
struct link_counters {
    std::uint64_t messages_sent = 0;
    std::uint64_t messages_received = 0;
    std::uint64_t keys_sent = 0;
    std::uint64_t keys_received = 0;
    std::uint64_t link_key_consumed = 0;  // bytes, both directions
};

class trusted_node {
public:
    using channel = auth::authenticated_channel<128>;

    explicit trusted_node(std::string id) : m_id(std::move(id)) {
        if (m_id.empty() || m_id.size() > 255) throw invalid_argument("qkdnq::relay::trusted_node: id must have 1 to 255 bytes");
    }

    [[nodiscard]] const std::string& id() const noexcept { return m_id; }

    // A QKD link to `neighbour`. Both ends give the same session ID and pre-shared
    // authentication key (at least channel::min_pre_shared_bytes); the end whose ID sorts first
    // is the channel's alice.
    void add_link(const std::string& neighbour, std::uint64_t session_id, bytes_view pre_shared_auth_key) {
        if (neighbour.empty() || neighbour.size() > 255 || neighbour == m_id || m_links.count(neighbour) != 0) {
            throw invalid_argument("qkdnq::relay::trusted_node::add_link: '" + neighbour + "' is not a new neighbour");
        }
        auth::channel_config config;
        config.session_id = session_id;
        config.side = m_id < neighbour ? auth::role::alice : auth::role::bob;
        m_links.emplace(neighbour, std::make_unique<link>(config, pre_shared_auth_key));
    }

    [[nodiscard]] bool has_link(std::string_view neighbour) const { return m_links.find(neighbour) != m_links.end(); }

    // Link key from the QKD link to `neighbour`: both ends deposit the same bytes in the same order.
    void deposit_link_key(std::string_view neighbour, bytes_view key) { link_to(neighbour, "deposit_link_key").otp.deposit(key); }
    // Fresh authentication key for the link's channel (both ends the same bytes, split between
    // the two directions as auth::authenticated_channel::refill does).
    void refill_authentication(std::string_view neighbour, bytes_view key) {
        link_to(neighbour, "refill_authentication").messages.refill(key);
    }

    [[nodiscard]] std::size_t link_key_available(std::string_view neighbour) const {
        return link_to(neighbour, "link_key_available").otp.available();
    }
    // Bytes of pad left for tags this node sends to `neighbour`.
    [[nodiscard]] std::size_t authentication_available(std::string_view neighbour) const {
        return link_to(neighbour, "authentication_available").messages.outgoing_pool().available();
    }
    [[nodiscard]] const link_counters& counters(std::string_view neighbour) const { return link_to(neighbour, "counters").counters; }

    // Starts relaying `keys` (all of one length) along `path` (this node first). status::not_enough_key
    // if the first link lacks link key or authentication key; nothing is consumed then. Throws
    // invalid_argument for a path that does not start here, has no link to its second node, is
    // longer than relay_message allows, or keys of mixed or bad lengths.
    [[nodiscard]] result<outgoing> originate(const std::vector<std::string>& path, std::span<const relay_key> keys) {
        constexpr const char* where = "qkdnq::relay::trusted_node::originate";
        if (path.size() < relay_message::min_path || path.size() > relay_message::max_path || path.front() != m_id) {
            throw invalid_argument(std::string(where) + ": the path must start at this node and have 2 to 16 nodes");
        }
        if (keys.empty() || keys.size() > relay_message::max_keys) {
            throw invalid_argument(std::string(where) + ": 1 to 4096 keys per message");
        }
        const std::size_t key_bytes = keys.front().key.size();
        for (const auto& k : keys) {
            if (k.key.size() != key_bytes || key_bytes == 0 || key_bytes > relay_message::max_key_bytes) {
                throw invalid_argument(std::string(where) + ": keys must all have the same length, 1 to 1024 bytes");
            }
        }
        link& out = link_to(path[1], "originate");
        if (!can_send(out, keys.size() * key_bytes)) return status::not_enough_key;
        relay_message m;
        m.path = path;
        m.hop = 0;
        m.key_bytes = static_cast<std::uint16_t>(key_bytes);
        m.pad_offset = out.otp.offset();
        m.ids.reserve(keys.size());
        secure_bytes plain(keys.size() * key_bytes);
        for (std::size_t i = 0; i < keys.size(); ++i) {
            m.ids.push_back(keys[i].id);
            std::copy(keys[i].key.begin(), keys[i].key.end(), plain.begin() + static_cast<std::ptrdiff_t>(i * key_bytes));
        }
        m.ciphertext.resize(plain.size());
        pad_into(out, plain, m.ciphertext);
        return send(out, path[1], m);
    }

    // Handles a message from `from`. Statuses: the channel's rejections as to_status gives them
    // (verification_failed for a bad tag, malformed_message for the rest, not_enough_key if this
    // side has no pad to check the tag), malformed_message for a payload that does not decode or
    // a path this node is not next on, not_enough_key when link key is short on either link or
    // the next link's authentication key is. Throws invalid_argument for an unknown neighbour.
    [[nodiscard]] result<relay_event> receive(std::string_view from, bytes_view wire) {
        link& in = link_to(from, "receive");
        // Checks that need no key first: a verified payload must still make sense here.
        auto opened = in.messages.unwrap(wire);
        if (!opened) return auth::to_status(opened.status);
        auto decoded = relay_message::decode(opened.message.payload);
        if (!decoded) return status::malformed_message;
        relay_message& m = decoded.value();
        if (m.path[m.hop] != from || m.path[m.hop + std::size_t{1}] != m_id) return status::malformed_message;
        const std::size_t bytes = m.ciphertext.size();
        if (m.pad_offset != in.otp.offset()) return status::malformed_message;  // link key out of step
        if (in.otp.available() < bytes) return status::not_enough_key;
        ++in.counters.messages_received;
        in.counters.keys_received += m.ids.size();

        relay_event event;
        event.source = m.source();
        const bool last = m.hop + std::size_t{2} == m.path.size();
        link* out = nullptr;
        if (!last) {
            const std::string& next = m.path[m.hop + std::size_t{2}];
            auto it = m_links.find(next);
            if (it == m_links.end()) return status::malformed_message;
            out = it->second.get();
            if (!can_send(*out, bytes)) return status::not_enough_key;
        }
        // The keys in the clear: ciphertext XOR the inbound pads.
        secure_bytes plain(bytes);
        pad_into(in, m.ciphertext, plain);
        if (last) {
            event.delivered = true;
            event.keys.reserve(m.ids.size());
            for (std::size_t i = 0; i < m.ids.size(); ++i) {
                const auto from_byte = plain.begin() + static_cast<std::ptrdiff_t>(i * m.key_bytes);
                event.keys.push_back({m.ids[i], secure_bytes(from_byte, from_byte + m.key_bytes)});
            }
            return event;
        }
        m.hop = static_cast<std::uint8_t>(m.hop + 1);
        m.pad_offset = out->otp.offset();
        pad_into(*out, plain, m.ciphertext);
        auto sent = send(*out, m.path[m.hop + std::size_t{1}], m);
        event.forward = std::move(sent.value());  // can_send checked the authentication key
        return event;
    }

private:
    struct link {
        link(const auth::channel_config& config, bytes_view pre_shared) : messages(config, pre_shared) {}
        channel messages;  // authenticates every relay message
        auth::key_pool otp;
        link_counters counters;
    };

    link& link_to(std::string_view neighbour, const char* function) {
        auto it = m_links.find(neighbour);
        if (it == m_links.end()) {
            throw invalid_argument(std::string("qkdnq::relay::trusted_node::") + function + ": '" + std::string(neighbour) +
                                   "' is not a neighbour of " + m_id);
        }
        return *it->second;
    }
    const link& link_to(std::string_view neighbour, const char* function) const {
        return const_cast<trusted_node*>(this)->link_to(neighbour, function);
    }

    static bool can_send(const link& l, std::size_t pad_bytes) noexcept {
        return l.otp.available() >= pad_bytes && l.messages.outgoing_pool().available() >= channel::tag_bytes;
    }

    // out = in XOR the next in.size() link key bytes of `l`, which are consumed (and wiped).
    static void pad_into(link& l, bytes_view in, std::span<std::uint8_t> out) {
        secure_bytes pad(in.size());
        const status got = l.otp.take(pad);
        if (got != status::ok) throw invalid_state("qkdnq::relay::trusted_node: link key vanished between check and use");
        for (std::size_t i = 0; i < in.size(); ++i) out[i] = static_cast<std::uint8_t>(in[i] ^ pad[i]);
        l.counters.link_key_consumed += in.size();
    }

    result<outgoing> send(link& l, const std::string& to, const relay_message& m) {
        auto wire = l.messages.wrap(m.encode());
        if (!wire) return wire.error();
        ++l.counters.messages_sent;
        l.counters.keys_sent += m.ids.size();
        return outgoing{to, std::move(wire.value())};
    }

    std::string m_id;
    std::map<std::string, std::unique_ptr<link>, std::less<>> m_links;
};

}  // namespace qkdnq::relay
