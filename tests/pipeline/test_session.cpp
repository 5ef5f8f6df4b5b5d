// The post-processing session end to end: both endpoints in one process over a simulated link.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pipeline/session.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace qkdnq;
using pipeline::block_outcome;
using pipeline::reconciliation_method;

struct test_link {
    relay::key_store store_a{"KME_A"}, store_b{"KME_B"};
    shake_drbg alice_rng{1};
    std::vector<std::uint8_t> auth_key;
    std::unique_ptr<pipeline::session_alice> alice;
    std::unique_ptr<pipeline::session_bob> bob;

    explicit test_link(const pipeline::session_config& config, std::size_t auth_key_bytes = 2 * 16 + 2 * 16'384) : auth_key(auth_key_bytes) {
        store_a.add_peer("KME_B");
        store_b.add_peer("KME_A");
        for (auto* s : {&store_a, &store_b}) {
            s->register_sae("SAE_A", "KME_A");
            s->register_sae("SAE_B", "KME_B");
        }
        shake_drbg key_rng(99);
        key_rng.fill(auth_key);
        alice = std::make_unique<pipeline::session_alice>(config, auth_key, store_a, "KME_B", alice_rng);
        bob = std::make_unique<pipeline::session_bob>(config, auth_key, store_b, "KME_A");
    }

    pipeline::block_pair_report run(std::size_t n, std::size_t k, double qber, std::uint64_t seed,
                                    const std::function<void(int, std::size_t, std::vector<std::uint8_t>&)>& tamper = {}) {
        shake_drbg rng(seed);
        auto key = sim::bsc_key_pair(n, qber, rng);
        auto test = sim::bsc_key_pair(k, qber, rng);
        return pipeline::run_block_in_memory(*alice, *bob, {std::move(key.alice), std::move(test.alice)},
                                             {std::move(key.bob), std::move(test.bob)}, tamper);
    }
};

// Every key of both shares, fetched through the ETSI 014 calls from both KMEs: true if each key
// the master SAE gets is the key the slave SAE gets. `count` is the number of keys compared.
bool stores_agree(relay::key_store& a, relay::key_store& b, std::size_t& count) {
    count = 0;
    const auto drain = [&](relay::key_store& master, const char* master_sae, relay::key_store& slave, const char* slave_sae) {
        for (;;) {
            relay::etsi014::key_request request;
            const std::size_t left = master.stored_key_count(&master == &a ? "KME_B" : "KME_A");
            if (left == 0) return true;
            request.number = std::min<std::size_t>(left, 128);
            auto got = master.get_key(master_sae, slave_sae, request);
            if (!got) return false;
            if (slave.apply(got->reservation) != status::ok) return false;
            relay::etsi014::key_ids_request ids;
            for (const auto& key : got->container.keys) ids.key_IDs.push_back({key.key_ID, std::nullopt});
            auto same = slave.get_key_with_key_ids(slave_sae, master_sae, ids);
            if (!same || same->keys.size() != got->container.keys.size()) return false;
            for (std::size_t i = 0; i < same->keys.size(); ++i) {
                if (same->keys[i].key_ID != got->container.keys[i].key_ID) return false;
                if (!std::equal(same->keys[i].material.begin(), same->keys[i].material.end(),
                                got->container.keys[i].material.begin(), got->container.keys[i].material.end())) {
                    return false;
                }
            }
            count += same->keys.size();
        }
    };
    return drain(a, "SAE_A", b, "SAE_B") && drain(b, "SAE_B", a, "SAE_A") && a.pool_size("KME_B") == 0 && b.pool_size("KME_A") == 0;
}

void check_both_delivered(const pipeline::block_pair_report& r) {
    INFO("alice: " << to_string(r.alice.outcome) << ", bob: " << to_string(r.bob.outcome));
    REQUIRE(r.alice.outcome == block_outcome::keys_delivered);
    REQUIRE(r.bob.outcome == block_outcome::keys_delivered);
    CHECK(r.alice.secret_bits == r.bob.secret_bits);
    CHECK(r.alice.ksa_keys == r.bob.ksa_keys);
    CHECK(r.alice.leak_ec_bits == r.bob.leak_ec_bits);
    CHECK(r.alice.corrected_bits == r.bob.corrected_bits);
    CHECK(r.alice.reconciled_bits == r.bob.reconciled_bits);
    CHECK(r.alice.auth_refill_bits == r.bob.auth_refill_bits);
    CHECK(r.alice.test_errors == r.bob.test_errors);
}

}  // namespace

TEST_CASE("session: both methods at several QBERs give the same keys on both sides, of the finite-key length",
          "[pipeline][session]") {
    const auto [method, qber] = GENERATE(table<reconciliation_method, double>({
        {reconciliation_method::cascade, 0.01},
        {reconciliation_method::cascade, 0.03},
        {reconciliation_method::cascade, 0.06},
        {reconciliation_method::ldpc, 0.01},
        {reconciliation_method::ldpc, 0.03},
        {reconciliation_method::ldpc, 0.06},
    }));
    CAPTURE(to_string(method), qber);
    pipeline::session_config config{.session_id = 42, .method = method, .qber_tolerance = 0.09, .cascade_frame_bits = 50'000,
                                    .ldpc_frame_bits = 20'000};
    test_link l(config);
    const std::size_t n = 200'000, k = 20'000;
    const auto r = l.run(n, k, qber, 7);
    check_both_delivered(r);
    CHECK(r.alice.method == method);
    // ℓ is the [TLGR12] bound for what was counted, recomputed here from the reported counts.
    const auto expected = bb84_finite_key_length({.n = static_cast<std::int64_t>(r.alice.reconciled_bits),
                                                  .k = static_cast<std::int64_t>(k),
                                                  .q_tol = config.qber_tolerance,
                                                  .leak_ec_bits = static_cast<std::int64_t>(r.alice.leak_ec_bits),
                                                  .verification_tag_bits = static_cast<std::int64_t>(r.alice.verification_tag_bits),
                                                  .eps_sec = config.eps_sec,
                                                  .eps_cor = config.eps_cor});
    REQUIRE(expected);
    CHECK(r.alice.secret_bits == expected->length);
    // One tag per frame, each for eps_cor / frames (all frames verified here).
    const std::size_t verified = r.alice.frames - r.alice.frames_failed;
    CHECK(r.alice.frames_unverified == 0);
    CHECK(r.alice.verification_tag_bits >= verified * reconcile::verification_tag_bits(n / r.alice.frames - 1, config.eps_cor / static_cast<double>(verified)));
    CHECK(r.alice.verification_tag_bits <= verified * reconcile::verification_tag_bits(n / r.alice.frames + 1, config.eps_cor / static_cast<double>(verified)));
    // The split of ℓ: refill, whole KSA-keys, fewer than one key left over.
    CHECK(r.alice.auth_refill_bits + r.alice.ksa_key_bits + r.alice.unused_bits == r.alice.secret_bits);
    CHECK(r.alice.unused_bits < config.ksa_key_bits);
    CHECK(r.alice.ksa_keys > 0);
    // The leak is what reconciliation disclosed: f within the methods' measured range.
    CHECK(r.alice.efficiency > 1.0);
    CHECK(r.alice.efficiency < 1.35);
    CHECK(r.alice.qber_estimate == Approx(qber).margin(0.006));
    CHECK(r.alice.qber_bound > r.alice.qber_estimate);
    if (method == reconciliation_method::cascade) CHECK(r.alice.reconciled_bits == n);
    if (method == reconciliation_method::ldpc) CHECK(r.alice.reconciled_bits + r.alice.discarded_bits == n);
    std::size_t keys = 0;
    CHECK(stores_agree(l.store_a, l.store_b, keys));
    CHECK(keys == r.alice.ksa_keys);
}

TEST_CASE("session: both authentication modes, several blocks in a row; the pools are refilled from the key",
          "[pipeline][session]") {
    const auto mode = GENERATE(auth::authentication::delayed, auth::authentication::per_message);
    CAPTURE(static_cast<int>(mode));
    pipeline::session_config config{.session_id = 5, .auth_mode = mode, .auth_pool_target_bytes = 4096};
    // Just enough initial pool for one block in either mode.
    test_link l(config, 32 + 2 * 4096);
    std::size_t total_keys = 0;
    for (std::uint64_t b = 0; b < 4; ++b) {
        const auto r = l.run(100'000, 10'000, 0.02, 100 + b);
        check_both_delivered(r);
        CHECK(r.alice.block == b);
        CHECK(r.alice.auth_bits_consumed == r.bob.auth_bits_consumed);
        CHECK(r.alice.auth_bits_consumed > 0);
        if (mode == auth::authentication::delayed) CHECK(r.alice.auth_bits_consumed == 3 * 128);
        // The refill puts back what the block consumed.
        CHECK(r.alice.auth_refill_bits == r.alice.auth_bits_consumed);
        CHECK(l.alice->channel().outgoing_pool().available() == 4096);
        CHECK(l.bob->channel().outgoing_pool().available() == 4096);
        total_keys += r.alice.ksa_keys;
    }
    std::size_t keys = 0;
    CHECK(stores_agree(l.store_a, l.store_b, keys));
    CHECK(keys == total_keys);
}

TEST_CASE("session: automatic method choice follows the estimated QBER", "[pipeline][session]") {
    pipeline::session_config config{.session_id = 9, .cascade_max_qber = 0.04, .qber_tolerance = 0.09, .ldpc_frame_bits = 20'000};
    test_link l(config);
    CHECK(l.run(100'000, 10'000, 0.02, 1).alice.method == reconciliation_method::cascade);
    CHECK(l.run(100'000, 10'000, 0.07, 2).alice.method == reconciliation_method::ldpc);
}

TEST_CASE("session: a QBER above the tolerance aborts on both sides and leaves the stores untouched", "[pipeline][session]") {
    pipeline::session_config config{.session_id = 3, .qber_tolerance = 0.05};
    test_link l(config);
    const auto r = l.run(100'000, 10'000, 0.08, 11);
    CHECK(r.alice.outcome == block_outcome::qber_too_high);
    CHECK(r.bob.outcome == block_outcome::qber_too_high);
    CHECK(l.store_a.pool_size("KME_B") == 0);
    CHECK(l.store_b.pool_size("KME_A") == 0);
    // The link stays in step: the next block at a good QBER delivers.
    check_both_delivered(l.run(100'000, 10'000, 0.02, 12));
}

TEST_CASE("session: a block with no positive key length aborts", "[pipeline][session]") {
    // 2,000 key bits and 200 test bits: μ alone eats the key at eps_sec = 1e-10.
    pipeline::session_config config{.session_id = 3, .qber_tolerance = 0.05, .cascade_frame_bits = 1'000};
    test_link l(config);
    const auto r = l.run(2'000, 200, 0.01, 13);
    CHECK(r.alice.outcome == block_outcome::no_secret_key);
    CHECK(r.bob.outcome == block_outcome::no_secret_key);
    CHECK(l.store_a.pool_size("KME_B") == 0);
    CHECK(l.store_b.pool_size("KME_A") == 0);
}

TEST_CASE("session: a tampered message at any stage aborts the block, with no key released by the side that saw it",
          "[pipeline][session]") {
    const auto [method, mode] = GENERATE(table<reconciliation_method, auth::authentication>({
        {reconciliation_method::cascade, auth::authentication::delayed},
        {reconciliation_method::cascade, auth::authentication::per_message},
        {reconciliation_method::ldpc, auth::authentication::delayed},
        {reconciliation_method::ldpc, auth::authentication::per_message},
    }));
    CAPTURE(to_string(method), static_cast<int>(mode));
    pipeline::session_config config{.session_id = 77, .method = method, .cascade_frame_bits = 10'000, .ldpc_frame_bits = 4'000,
                                    .auth_mode = mode};
    // How many messages each direction sends in an untampered block.
    std::array<std::size_t, 2> sent{};
    {
        test_link l(config);
        check_both_delivered(l.run(40'000, 4'000, 0.02, 21, [&](int d, std::size_t, std::vector<std::uint8_t>&) { ++sent[static_cast<std::size_t>(d)]; }));
    }
    REQUIRE(sent[0] >= 3);
    REQUIRE(sent[1] >= 2);
    for (int direction = 0; direction < 2; ++direction) {
        // The first messages (estimation, reconciliation start), a middle one, the last three.
        const std::size_t count = sent[static_cast<std::size_t>(direction)];
        std::vector<std::size_t> indices{0, 1, 2, count / 2, count - 3, count - 2, count - 1};
        indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
        for (const std::size_t index : indices) {
            CAPTURE(direction, index);
            test_link l(config);
            const auto r = l.run(40'000, 4'000, 0.02, 21, [&](int d, std::size_t i, std::vector<std::uint8_t>& m) {
                if (d == direction && i == index) m[m.size() / 2 + 3] ^= 0x10;  // a payload or tag bit
            });
            // Alice delivers as she sends her confirmation (with its round tag in delayed mode):
            // no protocol can make both sides sure of the other's last step. Bob refuses a
            // tampered confirmation.
            const std::size_t final_messages = mode == auth::authentication::delayed ? 2 : 1;
            const bool alice_done = direction == 0 && index + final_messages >= sent[0];
            INFO("alice " << to_string(r.alice.outcome) << ", bob " << to_string(r.bob.outcome));
            CHECK(r.bob.outcome != block_outcome::keys_delivered);
            CHECK(l.store_b.pool_size("KME_A") == 0);
            if (alice_done) {
                CHECK(r.alice.outcome == block_outcome::keys_delivered);
            } else {
                CHECK(r.alice.outcome != block_outcome::keys_delivered);
                CHECK(l.store_a.pool_size("KME_B") == 0);
            }
            // The tampering never goes unnoticed: the channel saw it, or (delayed mode, where a
            // block can end on the altered content first) the next round tag does.
            if (!l.alice->broken() && !l.bob->broken()) {
                CHECK(mode == auth::authentication::delayed);
                const auto next = l.run(40'000, 4'000, 0.02, 22);
                const auto& receiver = direction == 0 ? next.bob : next.alice;
                CHECK(receiver.outcome == block_outcome::authentication_failed);
                CHECK(next.alice.outcome != block_outcome::keys_delivered);
                CHECK(next.bob.outcome != block_outcome::keys_delivered);
                CHECK((direction == 0 ? l.bob->broken() : l.alice->broken()));
            }
        }
    }
}

TEST_CASE("session: deterministic from the seeds", "[pipeline][session]") {
    pipeline::session_config config{.session_id = 8};
    const auto run = [&] {
        test_link l(config);
        auto r = l.run(120'000, 12'000, 0.025, 31);
        std::vector<std::vector<std::uint8_t>> keys;
        relay::etsi014::key_request request;
        request.number = l.store_a.stored_key_count("KME_B");
        auto got = l.store_a.get_key("SAE_A", "SAE_B", request);
        REQUIRE(got);
        for (const auto& k : got->container.keys) keys.emplace_back(k.material.begin(), k.material.end());
        return std::make_pair(r.alice.secret_bits, keys);
    };
    const auto first = run(), second = run();
    CHECK(first.first == second.first);
    CHECK(first.second == second.second);
    CHECK(!first.second.empty());
}

TEST_CASE("session: mismatched configurations or block sizes abort before anything is disclosed", "[pipeline][session]") {
    pipeline::session_config a{.session_id = 4}, b{.session_id = 4, .qber_tolerance = 0.06};
    relay::key_store store_a("KME_A"), store_b("KME_B");
    store_a.add_peer("KME_B");
    store_b.add_peer("KME_A");
    std::vector<std::uint8_t> auth_key(4096, 7);
    shake_drbg rng(1);
    pipeline::session_alice alice(a, auth_key, store_a, "KME_B", rng);
    pipeline::session_bob bob(b, auth_key, store_b, "KME_A");
    auto pair = sim::bsc_key_pair(10'000, 0.01, rng);
    auto test = sim::bsc_key_pair(1'000, 0.01, rng);
    const auto r = pipeline::run_block_in_memory(alice, bob, {pair.alice, test.alice}, {pair.bob, test.bob});
    CHECK(r.bob.outcome == block_outcome::parameter_mismatch);
    CHECK(r.alice.outcome == block_outcome::parameter_mismatch);
    CHECK(r.bob.bytes_sent > 0);  // only the abort
}

TEST_CASE("session: programmer errors throw", "[pipeline][session]") {
    relay::key_store store("KME_A");
    store.add_peer("KME_B");
    std::vector<std::uint8_t> auth_key(64, 1);
    shake_drbg rng(1);
    CHECK_THROWS_AS(pipeline::session_alice({}, auth_key, store, "KME_X", rng), invalid_argument);  // unknown peer
    CHECK_THROWS_AS(pipeline::session_alice({.qber_tolerance = 0.6}, auth_key, store, "KME_B", rng), invalid_argument);
    CHECK_THROWS_AS(pipeline::session_alice({.ksa_key_bits = 128}, auth_key, store, "KME_B", rng), invalid_argument);
    CHECK_THROWS_AS(pipeline::session_alice({}, std::vector<std::uint8_t>(16), store, "KME_B", rng), invalid_argument);
    pipeline::session_alice alice({}, auth_key, store, "KME_B", rng);
    CHECK_THROWS_AS(alice.begin_block({bit_vector(100), bit_vector(0)}), invalid_argument);
    (void)alice.begin_block({bit_vector(100), bit_vector(10)});
    CHECK_THROWS_AS(alice.begin_block({bit_vector(100), bit_vector(10)}), invalid_state);
}

TEST_CASE("session: a block shorter than one LDPC frame ends on both sides without a message, and the next block runs",
          "[pipeline][session]") {
    // Over a network Bob starts the next block before Alice has seen his estimate: nothing Alice
    // sends about the short block may reach Bob's next one.
    relay::key_store sa("KME_A"), sb("KME_B");
    sa.add_peer("KME_B");
    sb.add_peer("KME_A");
    std::vector<std::uint8_t> psk(32 + 2 * 16'384, 7);
    shake_drbg rng(1);
    const pipeline::session_config c{.session_id = 1, .method = reconciliation_method::ldpc, .ldpc_frame_bits = 10'000};
    pipeline::session_alice alice(c, psk, sa, "KME_B", rng);
    pipeline::session_bob bob(c, psk, sb, "KME_A");
    auto small = sim::bsc_key_pair(5'000, 0.02, rng), small_t = sim::bsc_key_pair(1'000, 0.02, rng);
    auto big = sim::bsc_key_pair(40'000, 0.02, rng), big_t = sim::bsc_key_pair(4'000, 0.02, rng);
    bob.expect_block({small.bob, small_t.bob});
    auto a0 = alice.begin_block({small.alice, small_t.alice});
    REQUIRE(a0.messages.size() == 1);
    auto b0 = bob.receive(a0.messages[0]);
    REQUIRE(b0.report);
    CHECK(b0.report->outcome == block_outcome::reconciliation_failed);
    bob.expect_block({big.bob, big_t.bob});  // Bob moves on at once
    REQUIRE(b0.messages.size() == 1);
    auto a1 = alice.receive(b0.messages[0]);
    REQUIRE(a1.report);
    CHECK(a1.report->outcome == block_outcome::reconciliation_failed);
    CHECK(a1.messages.empty());
    // The next block, delivered in order, delivers keys.
    std::vector<std::vector<std::uint8_t>> to_bob = alice.begin_block({big.alice, big_t.alice}).messages, to_alice;
    std::optional<pipeline::block_report> ra, rb;
    while (!to_bob.empty() || !to_alice.empty()) {
        for (auto& m : to_bob) {
            auto o = bob.receive(m);
            if (o.report) rb = o.report;
            for (auto& x : o.messages) to_alice.push_back(std::move(x));
        }
        to_bob.clear();
        for (auto& m : to_alice) {
            auto o = alice.receive(m);
            if (o.report) ra = o.report;
            for (auto& x : o.messages) to_bob.push_back(std::move(x));
        }
        to_alice.clear();
    }
    REQUIRE(ra);
    REQUIRE(rb);
    CHECK(ra->outcome == block_outcome::keys_delivered);
    CHECK(rb->outcome == block_outcome::keys_delivered);
    CHECK(ra->block == 1);
}

TEST_CASE("session: a pool that runs dry aborts; a silent peer's block is abandoned; fresh key restarts nothing broken",
          "[pipeline][session]") {
    // Delayed mode with 16 bytes of pool per direction: Alice's verify round takes them, her
    // confirmation has no pad left.
    pipeline::session_config config{.session_id = 12, .auth_pool_target_bytes = 16};
    test_link l(config, 32 + 2 * 16);
    shake_drbg rng(5);
    auto key = sim::bsc_key_pair(100'000, 0.02, rng);
    auto test = sim::bsc_key_pair(10'000, 0.02, rng);
    const auto r = pipeline::run_block_in_memory(*l.alice, *l.bob, {key.alice, test.alice}, {key.bob, test.bob});
    CHECK(r.alice.outcome == block_outcome::auth_key_exhausted);
    CHECK(r.bob.outcome == block_outcome::auth_key_exhausted);  // told by Alice's (untagged) abort
    CHECK(l.store_a.pool_size("KME_B") == 0);
    CHECK(l.store_b.pool_size("KME_A") == 0);
    CHECK_FALSE(l.bob->busy());
    // A block whose peer never answers: Bob gives up on it.
    l.bob->expect_block({key.bob, test.bob});
    const auto abandoned = l.bob->abandon_block();
    CHECK(abandoned.outcome == block_outcome::abandoned);
    CHECK(l.bob->broken());
    CHECK_THROWS_AS(l.bob->expect_block({key.bob, test.bob}), invalid_state);
    CHECK_THROWS_AS((void)l.alice->abandon_block(), invalid_state);  // Alice runs no block
}

TEST_CASE("session: refill_authentication tops up both sides between blocks", "[pipeline][session]") {
    pipeline::session_config config{.session_id = 13, .auth_pool_target_bytes = 16};
    test_link l(config, 32 + 2 * 16);
    std::vector<std::uint8_t> fresh(2 * 64, 9);
    l.alice->refill_authentication(fresh);
    l.bob->refill_authentication(fresh);
    CHECK(l.alice->channel().outgoing_pool().available() == 16 + 64);
    CHECK(l.bob->channel().incoming_pool().available() == 16 + 64);
    check_both_delivered(l.run(100'000, 10'000, 0.02, 6));
}

TEST_CASE("session: a frame whose verification tag differs is dropped alone, and the rest of the block delivers",
          "[pipeline][session]") {
    // Short LDPC codes (about 1,200 bits) decode to a wrong word now and then: verification finds
    // it, and only that frame leaves the key. Block 0 of this link with data seed 13 has one
    // (found by running seeds 1, 2, ... on a fresh link; 14, 29, 44 and 53 have one too).
    pipeline::session_config config{.session_id = 21, .method = reconciliation_method::ldpc, .qber_tolerance = 0.08,
                                    .ldpc_frame_bits = 1'000};
    test_link l(config);
    const auto r = l.run(30'000, 3'000, 0.035, 13);
    check_both_delivered(r);
    CHECK(r.alice.frames_unverified == 1);
    CHECK(r.bob.frames_unverified == 1);
    CHECK(r.alice.verification_tag_bits == r.bob.verification_tag_bits);
    CHECK(r.alice.discarded_bits > 0);
    CHECK(r.alice.reconciled_bits + r.alice.discarded_bits == 30'000);
    const std::size_t keys = r.alice.ksa_keys;
    CHECK(r.alice.secret_bits > 0);
    std::size_t agreed = 0;
    CHECK(stores_agree(l.store_a, l.store_b, agreed));
    CHECK(agreed == keys);
}
