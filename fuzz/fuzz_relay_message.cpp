// The trusted-node relay message (relay/relay_message.hpp) and a node's receive path
// (relay/trusted_node.hpp) on arbitrary bytes. Properties: nothing crashes; a message that
// decodes re-encodes to exactly its input (one encoding per message) and is well formed; handed
// to a node as a wire message from a neighbour, arbitrary bytes are refused (a forgery would need
// the link's Wegman-Carter key) and consume neither link key nor authentication key.
#include "driver.hpp"

#include <qkdnq/relay/relay_message.hpp>
#include <qkdnq/relay/trusted_node.hpp>

#include <array>
#include <cstdint>

void fuzz(std::span<const std::uint8_t> input) {
    const auto m = qkdnq::relay::relay_message::decode(input);
    if (m.ok()) {
        fuzz_check(m->well_formed(), "decoded message not well formed");
        const auto again = m->encode();
        fuzz_check(again.size() == input.size() && std::equal(again.begin(), again.end(), input.begin()),
                   "decode then encode changed the bytes");
    }
    static qkdnq::relay::trusted_node node = [] {
        qkdnq::relay::trusted_node n("B");
        std::array<std::uint8_t, 64> pre_shared{};
        for (std::size_t i = 0; i < pre_shared.size(); ++i) pre_shared[i] = static_cast<std::uint8_t>(i * 37 + 1);
        n.add_link("A", 1, pre_shared);
        n.add_link("C", 2, pre_shared);
        std::array<std::uint8_t, 4096> key{};
        n.deposit_link_key("A", key);
        n.deposit_link_key("C", key);
        return n;
    }();
    const std::size_t link_key = node.link_key_available("A"), auth = node.authentication_available("C");
    const auto got = node.receive("A", input);
    fuzz_check(!got.ok(), "a forged relay message was accepted");
    fuzz_check(node.link_key_available("A") == link_key && node.authentication_available("C") == auth,
               "a refused message consumed key");
}
