// auth/: the Wegman-Carter authenticated channel that carries every post-processing message:
// tags from a pre-shared key, rejection of forged and replayed messages, key accounting, refill.
#include <qkdnq/auth/channel.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/secure_buffer.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main() {
    namespace au = qkdnq::auth;
    using channel = au::authenticated_channel<128>;
    qkdnq::os_random rng;

    // The initial key, shared out of band: two 16-byte hash keys, then one-time pads for
    // two tagged messages per direction (16 bytes each).
    qkdnq::secure_bytes pre_shared(channel::min_pre_shared_bytes + 2 * 2 * channel::tag_bytes);
    rng.fill(pre_shared);
    channel alice({.session_id = 7, .side = au::role::alice}, pre_shared);
    channel bob({.session_id = 7, .side = au::role::bob}, pre_shared);

    const auto wire = alice.wrap(qkdnq::as_bytes("cascade request 0"));  // result: not_enough_key when dry
    if (!wire) return 1;
    const auto got = bob.unwrap(*wire);
    if (!got || !got.message.authenticated) return 1;
    std::printf("bob accepted %zu payload bytes; the tag used %llu pad bits\n", got.message.payload.size(),
                static_cast<unsigned long long>(alice.counters().pad_bits_sent));

    // Rejections are statuses and change nothing: a replay, then an altered message.
    if (bob.unwrap(*wire).status != au::channel_status::replayed) return 1;
    auto next = alice.wrap(qkdnq::as_bytes("cascade request 1"));
    if (!next) return 1;
    std::vector<std::uint8_t> forged = *next;
    forged[channel::header_bytes] ^= 1;  // flip a payload bit
    const auto rejected = bob.unwrap(forged);
    if (rejected.status != au::channel_status::tag_mismatch) return 1;
    if (!bob.unwrap(*next)) return 1;  // the genuine one still goes through
    std::printf("replay: %s; altered: %s; genuine: accepted (forgery bound %.1e)\n",
                std::string(au::to_string(au::channel_status::replayed)).c_str(),
                std::string(au::to_string(rejected.status)).c_str(), channel::forgery_bound(wire->size()));

    // The pool alice -> bob is now dry; both sides refill it with the same fresh (QKD) key.
    if (alice.wrap(qkdnq::as_bytes("request 2")).error() != qkdnq::status::not_enough_key) return 1;
    qkdnq::secure_bytes fresh(2 * 16 * channel::tag_bytes);  // 16 more tags per direction
    rng.fill(fresh);
    alice.refill(fresh);
    bob.refill(fresh);
    const auto after = alice.wrap(qkdnq::as_bytes("request 2"));
    if (!after || !bob.unwrap(*after)) return 1;
    std::printf("after a refill: %zu pad bytes left for alice's tags\n", alice.outgoing_pool().available());
    return 0;
}
