// The trusted-node relay message: a batch of end-to-end keys, one-time-padded with link key, on
// its way along a path of trusted nodes (relay/trusted_node.hpp). It travels as the payload of an
// authenticated_channel data message, so every field below is covered by the link's
// Wegman-Carter tag.
//
// Wire format, version 1 (little-endian integers):
//   size        field
//      1        version (1)
//      1        path length P (2 to 16 nodes: source first, destination last)
//   P x (1 + n) node IDs, each a length byte (1 to 255) and its bytes
//      1        hop: the sender's index in the path (0 to P - 2); the receiver is path[hop + 1]
//      8        pad offset: the link key stream position where this message's pads start
//      2        key length L in bytes (1 to 1024)
//      2        key count N (1 to 4096)
//   N x 16      end-to-end key IDs
//   N x L       the keys XOR the link key pads, in ID order
// A message of any other length or with a field out of range does not decode.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/result.hpp>
#include <qkdnq/relay/key_id.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qkdnq::relay {

struct relay_message {
    static constexpr std::uint8_t version = 1;
    static constexpr std::size_t min_path = 2, max_path = 16;
    static constexpr std::size_t max_key_bytes = 1024, max_keys = 4096;

    std::vector<std::string> path;  // node IDs, source first
    std::uint8_t hop = 0;           // index of the sending node in path
    std::uint64_t pad_offset = 0;   // link key stream position of the first pad byte
    std::uint16_t key_bytes = 0;    // length of each key
    std::vector<key_id> ids;        // end-to-end key IDs
    std::vector<std::uint8_t> ciphertext;  // ids.size() * key_bytes

    [[nodiscard]] const std::string& source() const { return path.front(); }
    [[nodiscard]] const std::string& destination() const { return path.back(); }

    // Throws invalid_argument if a field is out of the ranges above.
    [[nodiscard]] std::vector<std::uint8_t> encode() const {
        if (!well_formed()) throw invalid_argument("qkdnq::relay::relay_message::encode: a field is out of range");
        std::vector<std::uint8_t> out;
        out.reserve(32 + 16 * path.size() + ids.size() * (16 + key_bytes));
        out.push_back(version);
        out.push_back(static_cast<std::uint8_t>(path.size()));
        for (const auto& node : path) {
            out.push_back(static_cast<std::uint8_t>(node.size()));
            out.insert(out.end(), node.begin(), node.end());
        }
        out.push_back(hop);
        for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(pad_offset >> (8 * i)));
        out.push_back(static_cast<std::uint8_t>(key_bytes));
        out.push_back(static_cast<std::uint8_t>(key_bytes >> 8));
        out.push_back(static_cast<std::uint8_t>(ids.size()));
        out.push_back(static_cast<std::uint8_t>(ids.size() >> 8));
        for (const auto& id : ids) out.insert(out.end(), id.bytes().begin(), id.bytes().end());
        out.insert(out.end(), ciphertext.begin(), ciphertext.end());
        return out;
    }

    // status::malformed_message for anything but a well-formed version-1 message.
    [[nodiscard]] static result<relay_message> decode(bytes_view wire) {
        std::size_t at = 0;
        auto need = [&](std::size_t n) { return wire.size() - at >= n; };
        relay_message m;
        if (!need(2) || wire[0] != version) return status::malformed_message;
        const std::size_t path_length = wire[1];
        at = 2;
        if (path_length < min_path || path_length > max_path) return status::malformed_message;
        for (std::size_t i = 0; i < path_length; ++i) {
            if (!need(1)) return status::malformed_message;
            const std::size_t n = wire[at++];
            if (n == 0 || !need(n)) return status::malformed_message;
            m.path.emplace_back(reinterpret_cast<const char*>(wire.data() + at), n);
            at += n;
        }
        if (!need(13)) return status::malformed_message;
        m.hop = wire[at++];
        for (int i = 0; i < 8; ++i) m.pad_offset |= std::uint64_t{wire[at++]} << (8 * i);
        m.key_bytes = static_cast<std::uint16_t>(wire[at] | (wire[at + 1] << 8));
        const std::size_t count = static_cast<std::size_t>(wire[at + 2] | (wire[at + 3] << 8));
        at += 4;
        if (m.key_bytes == 0 || m.key_bytes > max_key_bytes || count == 0 || count > max_keys ||
            m.hop + std::size_t{1} >= path_length) {
            return status::malformed_message;
        }
        if (wire.size() - at != count * (16 + std::size_t{m.key_bytes})) return status::malformed_message;
        m.ids.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            std::array<std::uint8_t, 16> b{};
            std::copy_n(wire.data() + at, 16, b.begin());
            m.ids.emplace_back(b);
            at += 16;
        }
        m.ciphertext.assign(wire.begin() + static_cast<std::ptrdiff_t>(at), wire.end());
        return m;
    }

    [[nodiscard]] bool well_formed() const noexcept {
        if (path.size() < min_path || path.size() > max_path || hop + std::size_t{1} >= path.size()) return false;
        for (const auto& node : path) {
            if (node.empty() || node.size() > 255) return false;
        }
        return key_bytes > 0 && key_bytes <= max_key_bytes && !ids.empty() && ids.size() <= max_keys &&
               ciphertext.size() == ids.size() * key_bytes;
    }
};

}  // namespace qkdnq::relay
