// The authenticated channel (auth/channel.hpp): round trips, every single flipped bit rejected,
// replay, reorder, truncation, wrong direction/session/version/mode, dry pools, delayed mode; a
// rejected message changes no state and the genuine one is still accepted afterwards.
#include <qkdnq/auth/channel.hpp>
#include <qkdnq/hash/shake_drbg.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

namespace {

using qkdnq::auth::authentication;
using qkdnq::auth::channel_status;
using qkdnq::auth::role;
template <std::size_t Bits>
using channel = qkdnq::auth::authenticated_channel<Bits>;

std::vector<std::uint8_t> random_bytes(std::uint64_t seed, std::size_t n) {
    qkdnq::shake_drbg rng(seed);
    std::vector<std::uint8_t> out(n);
    rng.fill(out);
    return out;
}

template <std::size_t Bits>
struct pair {
    explicit pair(authentication mode, std::size_t pool_bytes = 4096, std::uint64_t session = 42)
        : psk(random_bytes(session, channel<Bits>::min_pre_shared_bytes + pool_bytes)),
          alice({.session_id = session, .side = role::alice, .mode = mode}, psk),
          bob({.session_id = session, .side = role::bob, .mode = mode}, psk) {}
    std::vector<std::uint8_t> psk;
    channel<Bits> alice;
    channel<Bits> bob;
};

}  // namespace

TEMPLATE_TEST_CASE_SIG("channel: messages both ways arrive authenticated, with the key they cost counted", "[auth]",
                       ((std::size_t Bits), Bits), 128, 64) {
    pair<Bits> p(authentication::per_message);
    constexpr std::size_t tag = Bits / 8;
    for (std::size_t i = 0; i < 10; ++i) {
        const auto payload = random_bytes(i, 3 * i);
        auto wire = (i % 2 == 0 ? p.alice : p.bob).wrap(payload);
        REQUIRE(wire.ok());
        CHECK(wire->size() == channel<Bits>::header_bytes + payload.size() + tag);
        auto got = (i % 2 == 0 ? p.bob : p.alice).unwrap(*wire);
        REQUIRE(got.status == channel_status::ok);
        CHECK(got.message.payload == payload);
        CHECK(got.message.authenticated);
        CHECK(got.message.sequence == i / 2);
    }
    CHECK(p.alice.counters().messages_sent == 5);
    CHECK(p.alice.counters().pad_bits_sent == 5 * 8 * tag);
    CHECK(p.bob.counters().pad_bits_received == 5 * 8 * tag);
    CHECK(p.alice.outgoing_pool().offset() == p.bob.incoming_pool().offset());
    CHECK(p.alice.incoming_pool().offset() == p.bob.outgoing_pool().offset());
    CHECK(p.alice.outgoing_pool().available() == 2048 - 5 * tag);
}

TEMPLATE_TEST_CASE_SIG("channel: any single flipped bit of header, payload or tag is rejected and changes nothing",
                       "[auth][property]", ((std::size_t Bits), Bits), 128, 64) {
    for (const auto mode : {authentication::per_message, authentication::delayed}) {
        pair<Bits> p(mode);
        std::vector<std::uint8_t> wire;
        if (mode == authentication::per_message) {
            wire = *p.alice.wrap(random_bytes(1, 40));
        } else {  // the round tag carries the authentication
            REQUIRE(p.bob.unwrap(*p.alice.wrap(random_bytes(1, 40))).ok());
            wire = *p.alice.close_round();
        }
        const auto before = p.bob.state();
        for (std::size_t bit = 0; bit < 8 * wire.size(); ++bit) {
            auto bad = wire;
            bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            const auto got = p.bob.unwrap(bad);
            CAPTURE(bit);
            REQUIRE(got.status != channel_status::ok);
            REQUIRE(p.bob.state() == before);
        }
        CHECK(p.bob.unwrap(wire).ok());
    }
}

TEST_CASE("channel: precise statuses for each kind of bad message", "[auth]") {
    pair<128> p(authentication::per_message);
    const auto m0 = *p.alice.wrap(random_bytes(2, 10));
    const auto m1 = *p.alice.wrap(random_bytes(3, 10));
    auto flip = [](std::vector<std::uint8_t> w, std::size_t byte, std::uint8_t mask) {
        w[byte] ^= mask;
        return w;
    };
    const auto before = p.bob.state();
    CHECK(p.bob.unwrap(m1).status == channel_status::out_of_order);  // m0 not yet seen
    CHECK(p.alice.unwrap(m0).status == channel_status::wrong_direction);  // reflected back
    CHECK(p.bob.unwrap(flip(m0, 0, 0x02)).status == channel_status::unsupported_version);
    CHECK(p.bob.unwrap(flip(m0, 1, 0x08)).status == channel_status::malformed);  // kind 8
    CHECK(p.bob.unwrap(flip(m0, 1, 0x01)).status == channel_status::wrong_mode);  // deferred kind on a per-message channel
    CHECK(p.bob.unwrap(flip(m0, 3, 0x01)).status == channel_status::malformed);  // tag length
    CHECK(p.bob.unwrap(flip(m0, 4, 0x01)).status == channel_status::wrong_session);
    CHECK(p.bob.unwrap(flip(m0, 20, 0x01)).status == channel_status::pool_out_of_step);
    CHECK(p.bob.unwrap(flip(m0, 28, 0x01)).status == channel_status::truncated);  // length 11 > 10
    CHECK(p.bob.unwrap(flip(m0, 31, 0x80)).status == channel_status::malformed);  // over max_payload
    CHECK(p.bob.unwrap(flip(m0, 40, 0x01)).status == channel_status::tag_mismatch);
    for (std::size_t len = 0; len < m0.size(); ++len) {
        CHECK(p.bob.unwrap(std::span(m0).first(len)).status == channel_status::truncated);
    }
    auto longer = m0;
    longer.push_back(0);
    CHECK(p.bob.unwrap(longer).status == channel_status::malformed);
    CHECK(p.bob.state() == before);
    REQUIRE(p.bob.unwrap(m0).ok());
    CHECK(p.bob.unwrap(m0).status == channel_status::replayed);
    REQUIRE(p.bob.unwrap(m1).ok());
    CHECK(p.bob.unwrap(m0).status == channel_status::replayed);

    pair<128> other(authentication::per_message, 4096, 43);
    CHECK(other.bob.unwrap(*other.alice.wrap({})).ok());
    CHECK(p.bob.unwrap(*other.alice.wrap({})).status == channel_status::wrong_session);
    CHECK(qkdnq::auth::to_status(channel_status::tag_mismatch) == qkdnq::status::verification_failed);
    CHECK(qkdnq::auth::to_string(channel_status::pool_out_of_step) == "pool out of step");
}

TEST_CASE("channel: a dry pool is a result on both sides; refilling both sides alike resumes", "[auth]") {
    pair<128> p(authentication::per_message, 2 * 16 * 2);  // two pads per direction
    auto a = p.alice.wrap({});
    auto b = p.alice.wrap({});
    REQUIRE((a.ok() && b.ok()));
    const auto before = p.alice.state();
    CHECK(p.alice.wrap({}).error() == qkdnq::status::not_enough_key);
    CHECK(p.alice.state() == before);
    REQUIRE(p.bob.unwrap(*a).ok());
    REQUIRE(p.bob.unwrap(*b).ok());
    const auto fresh = random_bytes(9, 64);
    p.alice.refill(fresh);
    auto c = p.alice.wrap(random_bytes(4, 5));
    REQUIRE(c.ok());
    CHECK(p.bob.unwrap(*c).status == channel_status::not_enough_key);  // bob has not refilled yet
    p.bob.refill(fresh);
    CHECK(p.bob.unwrap(*c).ok());
    CHECK(p.alice.outgoing_pool().available() == 16);
}

TEST_CASE("channel: delayed authentication tags a whole round with one pad", "[auth]") {
    pair<128> p(authentication::delayed);
    std::vector<std::vector<std::uint8_t>> sent;
    for (std::size_t round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < 4; ++i) {
            sent.push_back(random_bytes(10 * round + i, 20 + i));
            auto w = p.alice.wrap(sent.back());
            REQUIRE(w.ok());
            CHECK(w->size() == channel<128>::header_bytes + sent.back().size());  // no tag
            auto got = p.bob.unwrap(*w);
            REQUIRE(got.ok());
            CHECK(!got.message.authenticated);
            CHECK(got.message.payload == sent.back());
        }
        auto tag = p.alice.close_round();
        REQUIRE(tag.ok());
        auto got = p.bob.unwrap(*tag);
        REQUIRE(got.ok());
        CHECK(got.message.kind == qkdnq::auth::message_kind::round_tag);
        CHECK(got.message.authenticated);
        CHECK(got.message.round_messages == 4);
    }
    CHECK(p.alice.counters().pad_bits_sent == 3 * 128);
    CHECK(p.bob.counters().messages_received == 15);
    CHECK_THROWS_AS((void)pair<128>(authentication::per_message).alice.close_round(), qkdnq::invalid_state);
}

TEST_CASE("channel: delayed mode: a tampered message in the round makes its round tag fail", "[auth]") {
    pair<128> p(authentication::delayed);
    auto w0 = *p.alice.wrap(random_bytes(1, 30));
    auto w1 = *p.alice.wrap(random_bytes(2, 30));
    w1[40] ^= 1;  // the payload, which deferred messages do not tag themselves
    REQUIRE(p.bob.unwrap(w0).ok());
    REQUIRE(p.bob.unwrap(w1).ok());  // accepted, but not authenticated
    const auto tag = *p.alice.close_round();
    const auto before = p.bob.state();
    CHECK(p.bob.unwrap(tag).status == channel_status::tag_mismatch);
    CHECK(p.bob.state() == before);
}

TEST_CASE("channel: a moved channel keeps working; bad configurations throw", "[auth]") {
    pair<128> p(authentication::delayed);
    REQUIRE(p.bob.unwrap(*p.alice.wrap(random_bytes(5, 5))).ok());
    channel<128> moved(std::move(p.bob));
    CHECK(moved.unwrap(*p.alice.close_round()).ok());
    const std::vector<std::uint8_t> short_psk(31);
    CHECK_THROWS_AS(channel<128>({}, short_psk), qkdnq::invalid_argument);
    pair<128> q(authentication::per_message);
    CHECK_THROWS_AS((void)q.alice.wrap(std::vector<std::uint8_t>((std::size_t{1} << 24) + 1)), qkdnq::invalid_argument);
}
