// One QKD link's post-processing session as two sans-I/O endpoints: from sifted key to KSA-keys
// in the key store, every classical message authenticated and every disclosed bit counted.
//
//   qkdnq::pipeline::session_config config{.session_id = 1};
//   qkdnq::pipeline::session_alice alice(config, initial_auth_key, store_a, "KME_B", rng);
//   qkdnq::pipeline::session_bob bob(config, initial_auth_key, store_b, "KME_A");
//   bob.expect_block({bob_key, bob_test});                 // Bob's sifted bits for the next block
//   auto out = alice.begin_block({alice_key, alice_test}); // Alice's: starts the block
//   // ... carry out.messages to Bob and back (bob.receive / alice.receive, one message per call)
//   // until each side's output has a report: report->outcome, and the keys are in the store.
//   // run_block_in_memory(alice, bob, a, b) does that loop in one process.
//
// A block (../shared/ARCHITECTURE.md; [TLGR12] Table I):
//   1. Parameter estimation. Both sides disclose their test bits (the test basis, k bits); the
//      error count gives the QBER estimate λ and, with [TLGR12]'s μ, its upper confidence bound
//      λ + μ (ε_sec-level). λ > Q_tol aborts (qber_too_high). The estimate message also carries
//      a digest of the configuration and the block size: a mismatch aborts.
//   2. Reconciliation of the n key bits, frame by frame, all frames of a block in one message
//      per turn: Cascade (reconcile/cascade.hpp, Bob asks) or LDPC syndromes with blind rate
//      adaptation (reconcile/ldpc_reconcile.hpp, one-way but for the reveals), chosen by the
//      configuration or, `automatic`, Cascade up to cascade_max_qber and LDPC above. LDPC frames
//      that do not decode are dropped (both sides know which), and so are the key bits left over
//      after the last whole LDPC frame.
//   3. Error verification (reconcile/verify.hpp): a tag per reconciled frame, each for
//      ε_cor / (frames), so that by the union bound the kept key is ε_cor-correct; Bob answers
//      with the frames whose tags match, and a frame that does not match (an LDPC decoder's rare
//      wrong word) is dropped alone, not the block.
//   4. Privacy amplification: ℓ from [TLGR12] Eq. (2) (amplify/finite_key.hpp) with the counted
//      leak (parities, syndromes, revealed bits) of the kept frames and their tags' actual
//      length; modified Toeplitz hashing (amplify/toeplitz.hpp) with a seed Alice draws once the
//      kept key is final and sends with her confirmation.
//   5. Alice confirms once every message of Bob's is authenticated; Bob acts on the confirmation
//      once Alice's are. Each side then refills its authentication pools from the first bytes of
//      the ℓ-bit key (up to auth_pool_target_bytes per direction) and deposits the rest, in
//      ksa_key_bits units, as KSA-keys into its key store, all or nothing (key_store::deposit_all).
//      Key IDs are derived from the session ID, the block number and the key's index, so both
//      stores hold the same keys under the same IDs. Left-over bits (below one KSA-key) are dropped.
// Authentication (auth/channel.hpp). `delayed` (the default): data messages carry no tag; Alice
// closes a round after the verify and the confirm messages, Bob after the outcome message, so a
// block costs 3 x 128 pad bits whatever Cascade's round trips. `per_message`: every message is
// tagged. Either way no key leaves a side before everything it received in the block verified.
// A message or round tag that does not verify aborts the block (authentication_failed), and the
// endpoint is then out of step with its peer for good: begin_block/expect_block throw
// invalid_state, and the link needs a new session (and a fresh initial key).
// Every abort is a report with its reason, and leaves the key store untouched; an abort the peer
// cannot infer is sent to it. Messages of a block this side has already ended are dropped. A
// peer that goes silent (a lost message, or no authentication key left to send with) leaves this
// side waiting: the caller's timeout calls abandon_block(). A link whose blocks no longer pay for
// their own authentication is topped up with refill_authentication() on both sides. Alice
// deposits as she sends her confirmation; if it is lost or altered, Bob does not (no protocol
// makes both sides sure of the other's last step), and that block's keys exist at Alice only.
// Programmer errors (empty blocks, a call out of turn) throw.
//
// Sources: [TLGR12] M. Tomamichel, C. C. W. Lim, N. Gisin, R. Renner, Nat. Commun. 3:634 (2012).
#pragma once

#include <qkdnq/amplify/finite_key.hpp>
#include <qkdnq/amplify/toeplitz.hpp>
#include <qkdnq/auth/channel.hpp>
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/sha3.hpp>
#include <qkdnq/hash/shake.hpp>
#include <qkdnq/pipeline/session_wire.hpp>
#include <qkdnq/reconcile/cascade.hpp>
#include <qkdnq/reconcile/ldpc_reconcile.hpp>
#include <qkdnq/reconcile/verify.hpp>
#include <qkdnq/relay/key_id.hpp>
#include <qkdnq/relay/key_store.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qkdnq::pipeline {

// What both endpoints of a link must agree on (the estimate message carries its digest).
struct session_config {
    std::uint64_t session_id = 0;  // the channel's session ID; also salts key IDs and public seeds
    reconciliation_method method = reconciliation_method::automatic;
    double cascade_max_qber = 0.06;  // automatic: Cascade up to this estimated QBER, LDPC above
    // Q_tol of [TLGR12]: a block whose estimated QBER exceeds it aborts, and the finite-key bound
    // assumes it. Fixed before the run (a value chosen from the observed QBER is not covered).
    double qber_tolerance = 0.05;
    double eps_sec = 1e-10;  // secrecy of each block's key
    double eps_cor = 1e-12;  // correctness of each block's key (its verification tag)
    reconcile::cascade_variant cascade = reconcile::cascade_variant::pow2x4;
    std::size_t cascade_frame_bits = 100'000;  // a block is cut into frames of about this size
    std::size_t ldpc_frame_bits = 100'000;     // the LDPC mother code's size
    std::uint32_t min_planning_qber_ppm = 5'000;  // the QBER reconciliation plans for, at least
    auth::authentication auth_mode = auth::authentication::delayed;
    std::size_t auth_pool_target_bytes = 16'384;  // per direction, topped up from each block's key
    std::size_t ksa_key_bits = 256;               // the key store's key_size
};

// One side's sifted bits of a block: the key bits and the test bits it discloses. Both sides
// give the same sizes.
struct block_input {
    bit_vector key;
    bit_vector test;
};

// Seconds this side spent in each stage of a block (its own computation, not waiting).
struct stage_times {
    double estimate = 0;
    double reconcile = 0;
    double verify = 0;
    double amplify = 0;  // privacy amplification, pool refill and deposit
    [[nodiscard]] double total() const noexcept { return estimate + reconcile + verify + amplify; }
};

// One side's account of a block. Counts disclosed on the channel are the same on both sides.
struct block_report {
    std::uint64_t block = 0;
    block_outcome outcome = block_outcome::peer_aborted;
    reconciliation_method method = reconciliation_method::automatic;  // as used (automatic: not reached)
    std::size_t sifted_bits = 0;  // key bits + test bits in
    std::size_t key_bits = 0;     // n, before reconciliation
    std::size_t test_bits = 0;    // k
    std::size_t test_errors = 0;
    double qber_estimate = 0;     // test_errors / test_bits
    double qber_bound = 0;        // λ + μ ([TLGR12] μ for n, k, ε_sec)
    std::size_t frames = 0;
    std::size_t frames_failed = 0;      // LDPC frames that did not decode (dropped)
    std::size_t frames_unverified = 0;  // frames whose verification tags differ (dropped)
    std::size_t reconciled_bits = 0;    // n' kept for privacy amplification
    std::size_t discarded_bits = 0;     // n - n'
    std::size_t corrected_bits = 0;     // errors Bob corrected in the kept frames
    std::size_t leak_ec_bits = 0;       // disclosed by reconciliation (kept frames)
    std::size_t verification_tag_bits = 0;  // the kept frames' tags
    double efficiency = 0;              // f = leak_ec / (n' h(corrected / n'))
    bb84_finite_key_terms finite_key{};  // every term of the bound (length = ℓ)
    std::uint64_t secret_bits = 0;       // ℓ
    double secret_fraction = 0;          // ℓ / sifted_bits
    std::size_t auth_refill_bits = 0;    // of ℓ, into the authentication pools
    std::size_t ksa_keys = 0;            // KSA-keys deposited
    std::size_t ksa_key_bits = 0;        // their bits
    std::size_t unused_bits = 0;         // ℓ left over below one KSA-key
    std::uint64_t auth_bits_consumed = 0;  // pad bits of this block's tags, both directions
    std::size_t messages = 0;            // channel messages, both directions
    std::size_t round_trips = 0;         // exchanges of turns (ceil(turns / 2))
    std::size_t bytes_sent = 0;          // channel bytes this side sent
    std::size_t bytes_received = 0;
    stage_times times;
};

// What one call produced: messages for the peer (in order) and, when this side finished a block,
// its report.
struct [[nodiscard]] endpoint_output {
    std::vector<std::vector<std::uint8_t>> messages;
    std::optional<block_report> report;
};

namespace detail {

// The public 64-bit seeds of a session: H("qkdnq pipeline <purpose>" | session | a | b).
[[nodiscard]] inline std::uint64_t public_seed(std::string_view purpose, std::uint64_t session, std::uint64_t a = 0,
                                               std::uint64_t b = 0) {
    shake128 x;
    x.absorb(as_bytes("qkdnq pipeline "));
    x.absorb(as_bytes(purpose));
    std::array<std::uint8_t, 24> n{};
    store_le64(n.data(), session);
    store_le64(n.data() + 8, a);
    store_le64(n.data() + 16, b);
    x.absorb(n);
    std::array<std::uint8_t, 8> out{};
    x.squeeze(out);
    return load_le64(out.data());
}

// Key IDs of a block's `count` KSA-keys: key i is bytes [16 i, 16 i + 16) of
// SHAKE128("qkdnq pipeline key ids v1" | session | block), as a version 8 UUID (RFC 9562 §5.8).
[[nodiscard]] inline std::vector<relay::key_id> derived_key_ids(std::uint64_t session, std::uint64_t block, std::size_t count) {
    shake128 x;
    x.absorb(as_bytes("qkdnq pipeline key ids v1"));
    std::array<std::uint8_t, 16> n{};
    store_le64(n.data(), session);
    store_le64(n.data() + 8, block);
    x.absorb(n);
    std::vector<std::uint8_t> stream(count * relay::key_id::size);
    x.squeeze(stream);
    std::vector<relay::key_id> ids;
    ids.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        std::array<std::uint8_t, relay::key_id::size> b{};
        std::copy_n(stream.begin() + static_cast<std::ptrdiff_t>(i * b.size()), b.size(), b.begin());
        b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x80);  // version 8
        b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10
        ids.emplace_back(b);
    }
    return ids;
}

[[nodiscard]] inline std::array<std::uint8_t, wire::digest_bytes> config_digest(const session_config& c) {
    sha3_256 h;
    const auto u64 = [&](std::uint64_t v) {
        std::array<std::uint8_t, 8> b{};
        store_le64(b.data(), v);
        h.update(b);
    };
    const auto f64 = [&](double v) { u64(std::bit_cast<std::uint64_t>(v)); };
    h.update(as_bytes("qkdnq pipeline config v1"));
    u64(c.session_id);
    u64(static_cast<std::uint64_t>(c.method));
    f64(c.cascade_max_qber);
    f64(c.qber_tolerance);
    f64(c.eps_sec);
    f64(c.eps_cor);
    u64(static_cast<std::uint64_t>(c.cascade));
    u64(c.cascade_frame_bits);
    u64(c.ldpc_frame_bits);
    u64(c.min_planning_qber_ppm);
    u64(static_cast<std::uint64_t>(c.auth_mode));
    u64(c.auth_pool_target_bytes);
    u64(c.ksa_key_bits);
    return h.final();
}

inline void check_config(const session_config& c, const relay::key_store& store) {
    const auto fail = [](const std::string& what) { throw invalid_argument("qkdnq::pipeline::session_config: " + what); };
    if (!(c.qber_tolerance > 0.0 && c.qber_tolerance < 0.5)) fail("qber_tolerance must be in (0, 0.5)");
    if (!(c.cascade_max_qber >= 0.0 && c.cascade_max_qber < 0.5)) fail("cascade_max_qber must be in [0, 0.5)");
    if (!(c.eps_sec > 0.0 && c.eps_sec < 1.0) || !(c.eps_cor > 0.0 && c.eps_cor < 1.0)) fail("eps_sec and eps_cor must be in (0, 1)");
    if (c.cascade_frame_bits < 64 || c.cascade_frame_bits > (std::size_t{1} << 31)) fail("cascade_frame_bits must be in [64, 2^31]");
    if (c.ldpc_frame_bits < 1'000 || c.ldpc_frame_bits > 10'000'000) fail("ldpc_frame_bits must be in [1000, 10^7]");
    if (c.min_planning_qber_ppm == 0 || c.min_planning_qber_ppm >= 500'000) fail("min_planning_qber_ppm must be in [1, 499999]");
    if (c.ksa_key_bits == 0 || c.ksa_key_bits % 8 != 0) fail("ksa_key_bits must be a positive multiple of 8");
    if (c.ksa_key_bits != store.limits().key_size) {
        std::string m("ksa_key_bits is ");
        m.append(std::to_string(c.ksa_key_bits)).append(" but the key store's key_size is ");
        m.append(std::to_string(store.limits().key_size));
        fail(m);
    }
}

// A random_generator over a caller's generator held by reference.
struct random_ref {
    std::function<void(std::span<std::uint8_t>)>* source;
    void fill(std::span<std::uint8_t> out) { (*source)(out); }
};

// Adds the seconds since construction to a stage's counter.
class stage_timer {
public:
    explicit stage_timer(double& into) : m_into(&into), m_start(std::chrono::steady_clock::now()) {}
    stage_timer(const stage_timer&) = delete;
    stage_timer& operator=(const stage_timer&) = delete;
    ~stage_timer() { *m_into += std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count(); }

private:
    double* m_into;
    std::chrono::steady_clock::time_point m_start;
};

// h(x), the binary entropy (amplify/finite_key.hpp's, in double).
[[nodiscard]] inline double binary_entropy(double x) noexcept {
    return static_cast<double>(qkdnq::detail::finite_key::binary_entropy(static_cast<long double>(x)));
}

// What both endpoints share: the channel, the configuration, the store and the block being run.
class endpoint_base {
public:
    endpoint_base(const endpoint_base&) = delete;
    endpoint_base& operator=(const endpoint_base&) = delete;

    [[nodiscard]] bool busy() const noexcept { return m_phase != phase::idle; }
    [[nodiscard]] bool broken() const noexcept { return m_broken; }
    [[nodiscard]] const session_config& config() const noexcept { return m_config; }
    [[nodiscard]] const auth::authenticated_channel<128>& channel() const noexcept { return m_channel; }
    // Blocks started on this side so far (the next block's number).
    [[nodiscard]] std::uint64_t blocks() const noexcept { return m_next_block; }

    // Ends the running block without the peer (its report, outcome abandoned): for a caller whose
    // peer went silent (a lost message, or a peer that ran out of authentication key). Nothing is
    // deposited. The channel may have lost step with the peer, so the endpoint is broken()
    // afterwards. Throws invalid_state when no block runs.
    [[nodiscard]] block_report abandon_block() {
        if (!busy()) throw invalid_state("qkdnq::pipeline: abandon_block: no block is running");
        m_broken = true;
        return *finish(endpoint_output{}, block_outcome::abandoned).report;
    }

    // Fresh shared key for the authentication pools from outside the link (both endpoints, the
    // same bytes, between blocks): the first half for Alice's direction, the rest for Bob's, as
    // auth::authenticated_channel::refill. For a link whose blocks no longer cover their own
    // authentication. Throws invalid_state while a block runs.
    void refill_authentication(bytes_view key) {
        if (busy()) throw invalid_state("qkdnq::pipeline: refill_authentication: a block is running");
        m_channel.refill(key);
    }

protected:
    enum class phase : std::uint8_t { idle, estimating, reconciling, verifying, confirming, finishing };

    struct frame_span {
        std::size_t offset = 0;
        std::size_t size = 0;
    };

    endpoint_base(const session_config& config, bytes_view initial_auth_key, relay::key_store& store, std::string peer_kme_id,
                  auth::role side)
        : m_config(config),
          m_channel({.session_id = config.session_id, .side = side, .mode = config.auth_mode}, initial_auth_key),
          m_store(&store),
          m_peer(std::move(peer_kme_id)),
          m_digest(config_digest(config)),
          m_cascade_seed(public_seed("cascade permutations", config.session_id)),
          m_ldpc_code_seed(public_seed("ldpc code", config.session_id)) {
        check_config(config, store);
        (void)store.stored_key_count(m_peer);  // throws for a peer the store does not know
    }

    // --- block life cycle -------------------------------------------------------------------

    void start(block_input in, const char* who) {
        if (m_broken) {
            throw invalid_state(std::string("qkdnq::pipeline::") + who +
                                ": the channel lost step with the peer after a rejected message; start a new session");
        }
        if (busy()) throw invalid_state(std::string("qkdnq::pipeline::") + who + ": a block is still running");
        if (in.key.size() < 2 || in.test.empty()) {
            throw invalid_argument(std::string("qkdnq::pipeline::") + who + ": a block needs at least 2 key bits and 1 test bit");
        }
        m_input = std::move(in);
        m_report = block_report{};
        m_report.block = m_next_block++;
        m_report.key_bits = m_input.key.size();
        m_report.test_bits = m_input.test.size();
        m_report.sifted_bits = m_report.key_bits + m_report.test_bits;
        m_counters_at_start = m_channel.counters();
        m_turns = 0;
        m_bytes_sent = m_bytes_received = 0;
        m_last_sent = false;
        m_round_authenticated = true;
        m_phase = phase::estimating;
    }

    // Ends the block: fills the channel counts and returns the report.
    endpoint_output finish(endpoint_output out, block_outcome outcome) {
        m_report.outcome = outcome;
        const auto& c = m_channel.counters();
        m_report.messages = static_cast<std::size_t>(c.messages_sent + c.messages_received - m_counters_at_start.messages_sent -
                                                     m_counters_at_start.messages_received);
        m_report.auth_bits_consumed =
            c.pad_bits_sent + c.pad_bits_received - m_counters_at_start.pad_bits_sent - m_counters_at_start.pad_bits_received;
        m_report.bytes_sent = static_cast<std::size_t>(m_bytes_sent);
        m_report.bytes_received = static_cast<std::size_t>(m_bytes_received);
        m_report.round_trips = (m_turns + 1) / 2;
        out.report = m_report;
        m_phase = phase::idle;
        m_input = {};
        m_kept_key = {};
        m_seed = {};
        m_verified.clear();
        m_frame_leak.clear();
        m_cascade_alice.clear();
        m_cascade_bob.clear();
        m_ldpc_alice.clear();
        m_ldpc_bob.clear();
        m_bytes_sent = m_bytes_received = 0;
        return out;
    }

    // Ends the block and tells the peer why (best effort: in per_message mode nothing goes out
    // when there is no key left to tag it).
    endpoint_output abort_and_tell(endpoint_output out, block_outcome outcome) {
        wire::writer w(wire::message_type::abort, m_report.block);
        w.u8(static_cast<std::uint8_t>(outcome));
        (void)send(out, w.take(), /*close_round=*/false);
        return finish(std::move(out), outcome);
    }

    // Wraps a payload for the peer (and closes the round in delayed mode when asked). False if the
    // pool is dry.
    [[nodiscard]] bool send(endpoint_output& out, std::vector<std::uint8_t> payload, bool close_round) {
        auto wrapped = m_channel.wrap(payload);
        if (!wrapped) return false;
        m_bytes_sent += wrapped->size();
        out.messages.push_back(std::move(*wrapped));
        if (close_round && m_config.auth_mode == auth::authentication::delayed) {
            auto tag = m_channel.close_round();
            if (!tag) return false;
            m_bytes_sent += tag->size();
            out.messages.push_back(std::move(*tag));
        }
        if (!m_last_sent) {
            ++m_turns;
            m_last_sent = true;
        }
        return true;
    }

    using frame_messages = std::vector<std::pair<std::uint32_t, std::vector<std::uint8_t>>>;

    // One reconcile message carrying each frame's Cascade or LDPC message; ends the block when
    // the pool is dry.
    endpoint_output send_reconcile(endpoint_output out, const frame_messages& entries) {
        wire::writer w(wire::message_type::reconcile, m_report.block);
        w.u8(static_cast<std::uint8_t>(m_report.method));
        w.u32(static_cast<std::uint32_t>(entries.size()));
        for (const auto& [frame, bytes] : entries) {
            w.u32(frame);
            w.u32(static_cast<std::uint32_t>(bytes.size()));
            w.bytes(bytes);
        }
        if (!send(out, w.take(), false)) return finish(std::move(out), block_outcome::auth_key_exhausted);
        return out;
    }

    // The channel layer of receive(): unwraps, tracks authentication and turns. Returns the
    // parsed session message, or nothing (with `out` holding the finished report on a failure,
    // or nothing at all for a round tag or a message while idle).
    std::optional<wire::message> open(bytes_view wire_bytes, endpoint_output& out) {
        auto got = m_channel.unwrap(wire_bytes);
        if (!got) {
            // Rejected: nothing changed. While idle that is all (a forgery changes nothing); in a
            // block the peer's sequence or pool may have moved on without us.
            if (busy()) {
                m_broken = true;
                out = abort_and_tell(std::move(out), got.status == auth::channel_status::not_enough_key ? block_outcome::auth_key_exhausted
                                                     : got.status == auth::channel_status::tag_mismatch ? block_outcome::authentication_failed
                                                                                                        : block_outcome::malformed_message);
            }
            return std::nullopt;
        }
        m_bytes_received += wire_bytes.size();
        if (m_last_sent || m_turns == 0) {
            ++m_turns;
            m_last_sent = false;
        }
        if (got.message.kind == auth::message_kind::round_tag) {
            m_round_authenticated = true;
            return std::nullopt;
        }
        if (!got.message.authenticated) m_round_authenticated = false;
        if (!busy()) return std::nullopt;  // a late message of a block already ended here
        auto parsed = wire::parse(got.message.payload, m_report.test_bits);
        if (parsed && parsed->block < m_report.block) return std::nullopt;  // late, of a block ended here
        if (!parsed || parsed->block != m_report.block) {
            out = abort_and_tell(std::move(out), block_outcome::malformed_message);
            return std::nullopt;
        }
        if (parsed->type == wire::message_type::abort) {
            out = finish(std::move(out), parsed->reason);
            return std::nullopt;
        }
        return parsed;
    }

    // --- parameter estimation ------------------------------------------------------------------

    // Counts the test errors, fills the estimate, picks the method. False if the QBER is too high.
    [[nodiscard]] bool estimate(const bit_vector& peer_test) {
        m_report.test_errors = hamming_distance(m_input.test, peer_test);
        const auto k = static_cast<double>(m_report.test_bits);
        m_report.qber_estimate = static_cast<double>(m_report.test_errors) / k;
        const bb84_finite_key_terms mu = bb84_finite_key_bound(finite_key_input(m_report.key_bits, 0, 0));
        m_report.qber_bound = m_report.qber_estimate + static_cast<double>(mu.mu);
        if (m_report.qber_estimate > m_config.qber_tolerance) return false;
        m_report.method = m_config.method;
        if (m_report.method == reconciliation_method::automatic) {
            m_report.method = m_report.qber_estimate <= m_config.cascade_max_qber ? reconciliation_method::cascade
                                                                                  : reconciliation_method::ldpc;
        }
        const double planned = std::max(m_report.qber_estimate * 1e6, static_cast<double>(m_config.min_planning_qber_ppm));
        m_planning_qber_ppm = static_cast<std::uint32_t>(std::min(planned, 499'999.0));
        plan_frames();
        return true;
    }

    [[nodiscard]] bb84_finite_key_input finite_key_input(std::size_t n, std::size_t leak, std::size_t tag_bits) const {
        return {.n = static_cast<std::int64_t>(n),
                .k = static_cast<std::int64_t>(m_report.test_bits),
                .q_tol = m_config.qber_tolerance,
                .leak_ec_bits = static_cast<std::int64_t>(leak),
                .verification_tag_bits = static_cast<std::int64_t>(tag_bits),
                .eps_sec = m_config.eps_sec,
                .eps_cor = m_config.eps_cor};
    }

    // Cascade: ceil(n / frame) frames of sizes differing by at most 1. LDPC: floor(n / k) frames
    // of the planned code's k key bits.
    void plan_frames() {
        m_frames.clear();
        const std::size_t n = m_report.key_bits;
        if (m_report.method == reconciliation_method::cascade) {
            const std::size_t count = (n + m_config.cascade_frame_bits - 1) / m_config.cascade_frame_bits;
            const std::size_t base = n / count, longer = n % count;
            std::size_t at = 0;
            for (std::size_t f = 0; f < count; ++f) {
                const std::size_t size = base + (f < longer ? 1 : 0);
                m_frames.push_back({at, size});
                at += size;
            }
        } else {
            m_ldpc_params.clear();
            const auto first = ldpc_parameters(0);
            const std::size_t k = first.key_bits();
            for (std::size_t f = 0; f < n / k; ++f) {
                m_frames.push_back({f * k, k});
                m_ldpc_params.push_back(f == 0 ? first : ldpc_parameters(f));
            }
        }
        m_report.frames = m_frames.size();
    }

    [[nodiscard]] reconcile::ldpc_frame_parameters ldpc_parameters(std::size_t frame) const {
        return reconcile::ldpc_frame_parameters::plan(m_planning_qber_ppm, m_config.ldpc_frame_bits, m_ldpc_code_seed,
                                                      public_seed("ldpc frame", m_config.session_id, m_report.block, frame));
    }

    [[nodiscard]] reconcile::cascade_parameters cascade_parameters(std::size_t frame) const {
        return reconcile::cascade_parameters::for_variant(m_config.cascade, m_frames[frame].size, m_planning_qber_ppm, m_cascade_seed);
    }

    // The pass permutations for a frame's parameters, built once per (size, schedule).
    [[nodiscard]] std::shared_ptr<const reconcile::cascade_permutations> permutations(const reconcile::cascade_parameters& p) {
        auto key = std::make_pair(static_cast<std::size_t>(p.key_bits), p.block_sizes);
        auto it = m_permutations.find(key);
        if (it == m_permutations.end()) {
            if (m_permutations.size() >= 8) m_permutations.clear();
            it = m_permutations.emplace(std::move(key), std::make_shared<const reconcile::cascade_permutations>(p)).first;
        }
        return it->second;
    }

    [[nodiscard]] std::shared_ptr<const reconcile::ldpc_code> code(const reconcile::ldpc_frame_parameters& p) {
        const auto key = std::make_pair(p.rate_percent, p.code_bits);
        auto it = m_codes.find(key);
        if (it == m_codes.end()) {
            it = m_codes.emplace(key, std::make_shared<const reconcile::ldpc_code>(reconcile::make_ldpc_code(p))).first;
        }
        return it->second;
    }

    [[nodiscard]] bit_vector frame_key(std::size_t f) const { return m_input.key.slice(m_frames[f].offset, m_frames[f].size); }

    // --- privacy amplification, refill, deposit --------------------------------------------------

    // The final key from the kept key and the seed; refills the pools; deposits the KSA-keys.
    [[nodiscard]] block_outcome amplify_and_deposit() {
        stage_timer timer(m_report.times.amplify);
        const std::size_t ell = static_cast<std::size_t>(m_report.secret_bits);
        bit_vector final_key = modified_toeplitz_hash(m_kept_key, m_seed, ell);
        secure_bytes bytes(ell / 8);
        final_key.resize(8 * bytes.size());
        final_key.to_bytes(bytes);
        // Both pools as the peer sees them now: every tag of the block is sent and verified.
        const bool alice = m_channel.config().side == auth::role::alice;
        const std::size_t a_to_b = alice ? m_channel.outgoing_pool().available() : m_channel.incoming_pool().available();
        const std::size_t b_to_a = alice ? m_channel.incoming_pool().available() : m_channel.outgoing_pool().available();
        const std::size_t target = m_config.auth_pool_target_bytes;
        std::size_t need_a = target > a_to_b ? target - a_to_b : 0;
        need_a = std::min(need_a, bytes.size());
        std::size_t need_b = target > b_to_a ? target - b_to_a : 0;
        need_b = std::min(need_b, bytes.size() - need_a);
        const bytes_view all(bytes);
        m_channel.refill(auth::role::alice, all.first(need_a));
        m_channel.refill(auth::role::bob, all.subspan(need_a, need_b));
        m_report.auth_refill_bits = 8 * (need_a + need_b);
        const std::size_t unit = m_config.ksa_key_bits / 8;
        const std::size_t count = (bytes.size() - need_a - need_b) / unit;
        const std::vector<relay::key_id> ids = derived_key_ids(m_config.session_id, m_report.block, count);
        m_report.unused_bits = ell - m_report.auth_refill_bits - 8 * count * unit;
        if (m_store->deposit_all(m_peer, ids, all.subspan(need_a + need_b, count * unit)) != status::ok) {
            return block_outcome::key_store_rejected;
        }
        m_report.ksa_keys = count;
        m_report.ksa_key_bits = 8 * count * unit;
        return block_outcome::keys_delivered;
    }

    // ε_cor of each frame's verification tag: the block's ε_cor shared by its verified frames
    // (the union bound adds them up again).
    [[nodiscard]] double frame_eps_cor() const noexcept { return m_config.eps_cor / static_cast<double>(m_verified.size()); }

    // Keeps the verified frames whose bit in `matches` is set: the kept key (from `bits_of`,
    // this side's bits of a frame), its leak and its tags. Returns the number kept.
    template <class FrameBits>
    std::size_t keep_frames(const bit_vector& matches, FrameBits&& bits_of) {
        m_kept_key = bit_vector{};
        std::size_t leak = 0, tags = 0, kept = 0;
        for (std::size_t i = 0; i < m_verified.size(); ++i) {
            if (!matches[i]) continue;
            const std::size_t f = m_verified[i];
            m_kept_key.append(bits_of(f));
            leak += m_frame_leak[f];
            tags += reconcile::verification_tag_bits(m_frames[f].size, frame_eps_cor());
            ++kept;
        }
        m_report.frames_unverified = m_verified.size() - kept;
        account_reconciled(m_kept_key.size(), leak);
        m_report.verification_tag_bits = tags;
        return kept;
    }

    // ℓ for the kept key, its leak and its tags (0: none). Fills the report's finite-key terms.
    [[nodiscard]] std::uint64_t secret_length() {
        m_report.finite_key = bb84_finite_key_bound(
            finite_key_input(m_report.reconciled_bits, m_report.leak_ec_bits, m_report.verification_tag_bits));
        // The modified Toeplitz hash takes ℓ <= n'; the bound is below n' anyway (H_min <= n').
        m_report.secret_bits = std::min<std::uint64_t>(m_report.finite_key.length, m_report.reconciled_bits - 1);
        m_report.secret_fraction = static_cast<double>(m_report.secret_bits) / static_cast<double>(m_report.sifted_bits);
        return m_report.secret_bits;
    }

    void account_reconciled(std::size_t kept_bits, std::size_t leak) {
        m_report.reconciled_bits = kept_bits;
        m_report.discarded_bits = m_report.key_bits - kept_bits;
        m_report.leak_ec_bits = leak;
    }

    void account_corrected(std::size_t corrected) {
        m_report.corrected_bits = corrected;
        const double e = static_cast<double>(corrected) / static_cast<double>(m_report.reconciled_bits);
        const double h = binary_entropy(e);
        m_report.efficiency = h > 0 ? static_cast<double>(m_report.leak_ec_bits) / (static_cast<double>(m_report.reconciled_bits) * h) : 0;
    }

    session_config m_config;
    auth::authenticated_channel<128> m_channel;
    relay::key_store* m_store;
    std::string m_peer;
    std::array<std::uint8_t, wire::digest_bytes> m_digest;
    std::uint64_t m_cascade_seed;
    std::uint64_t m_ldpc_code_seed;

    phase m_phase = phase::idle;
    bool m_broken = false;
    std::uint64_t m_next_block = 0;
    block_input m_input;
    block_report m_report;
    auth::channel_counters m_counters_at_start;
    std::uint64_t m_bytes_sent = 0, m_bytes_received = 0;
    std::size_t m_turns = 0;
    bool m_last_sent = false;
    bool m_round_authenticated = true;  // nothing received since the last verified tag is unverified
    std::uint32_t m_planning_qber_ppm = 0;
    std::vector<frame_span> m_frames;
    std::vector<reconcile::ldpc_frame_parameters> m_ldpc_params;
    std::vector<reconcile::cascade_alice> m_cascade_alice;
    std::vector<reconcile::cascade_bob> m_cascade_bob;
    std::vector<reconcile::ldpc_alice> m_ldpc_alice;
    std::vector<reconcile::ldpc_bob> m_ldpc_bob;
    std::vector<std::size_t> m_verified;    // the frames sent to verification, in order
    std::vector<std::size_t> m_frame_leak;  // bits each frame's reconciliation disclosed
    bit_vector m_kept_key;
    bit_vector m_seed;
    std::map<std::pair<std::size_t, std::vector<std::uint32_t>>, std::shared_ptr<const reconcile::cascade_permutations>> m_permutations;
    std::map<std::pair<std::uint8_t, std::uint32_t>, std::shared_ptr<const reconcile::ldpc_code>> m_codes;
};

}  // namespace detail

// Alice's endpoint: holds the reference key, starts every block, answers Cascade's questions or
// sends LDPC syndromes, draws the verification hash key and the privacy-amplification seed.
class session_alice : public detail::endpoint_base {
public:
    // `rng` (a cryptographic generator in production: os_random) must outlive the endpoint.
    // `initial_auth_key`: the pre-shared key of the authenticated channel (auth/channel.hpp), at
    // least 32 bytes; `store` receives the KSA-keys, shared with `peer_kme_id`.
    template <random_generator G>
    session_alice(const session_config& config, bytes_view initial_auth_key, relay::key_store& store, std::string peer_kme_id,
                  G& rng)
        : endpoint_base(config, initial_auth_key, store, std::move(peer_kme_id), auth::role::alice),
          m_random([g = &rng](std::span<std::uint8_t> out) { g->fill(out); }) {}

    // Starts a block with Alice's sifted bits. Throws invalid_argument for fewer than 2 key bits
    // or no test bit, invalid_state while a block runs or after the channel lost step.
    endpoint_output begin_block(block_input in) {
        start(std::move(in), "session_alice::begin_block");
        detail::stage_timer timer(m_report.times.estimate);
        endpoint_output out;
        wire::writer w(wire::message_type::estimate_alice, m_report.block);
        w.bytes(m_digest);
        w.u64(m_report.key_bits);
        w.u64(m_report.test_bits);
        w.bits(m_input.test);
        if (!send(out, w.take(), false)) return finish(std::move(out), block_outcome::auth_key_exhausted);
        return out;
    }

    // Takes one message from Bob.
    endpoint_output receive(bytes_view message) {
        endpoint_output out;
        auto m = open(message, out);
        if (!m) return after_round_tag(std::move(out));
        switch (m_phase) {
            case phase::estimating:
                if (m->type == wire::message_type::estimate_bob) return on_estimate(std::move(out), *m);
                break;
            case phase::reconciling:
                if (m->type == wire::message_type::reconcile && m->method == m_report.method) return on_reconcile(std::move(out), *m);
                break;
            case phase::verifying:
                if (m->type == wire::message_type::outcome) return on_outcome(std::move(out), *m);
                break;
            default: break;
        }
        return abort_and_tell(std::move(out), block_outcome::malformed_message);
    }

private:
    endpoint_output on_estimate(endpoint_output out, const wire::message& m) {
        detail::stage_timer timer(m_report.times.estimate);
        if (!estimate(m.test)) return finish(std::move(out), block_outcome::qber_too_high);
        if (m_frames.empty()) return finish(std::move(out), block_outcome::reconciliation_failed);  // Bob knows too
        m_phase = phase::reconciling;
        if (m_report.method == reconciliation_method::cascade) {
            for (std::size_t f = 0; f < m_frames.size(); ++f) {
                auto p = cascade_parameters(f);
                auto perms = permutations(p);
                m_cascade_alice.emplace_back(frame_key(f), std::move(p), std::move(perms));
            }
            return out;  // Bob asks first
        }
        detail::random_ref rng{&m_random};
        frame_messages syndromes;
        for (std::size_t f = 0; f < m_frames.size(); ++f) {
            m_ldpc_alice.emplace_back(frame_key(f), m_ldpc_params[f], code(m_ldpc_params[f]), rng);
            syndromes.emplace_back(static_cast<std::uint32_t>(f), m_ldpc_alice.back().start());
        }
        return send_reconcile(std::move(out), syndromes);
    }

    endpoint_output on_reconcile(endpoint_output out, const wire::message& m) {
        detail::stage_timer timer(m_report.times.reconcile);
        const bool cascade = m_report.method == reconciliation_method::cascade;
        frame_messages replies;
        for (const auto& e : m.frames) {
            if (e.frame >= m_frames.size()) return abort_and_tell(std::move(out), block_outcome::malformed_message);
            std::vector<std::uint8_t> reply;
            if (cascade) {
                auto& a = m_cascade_alice[e.frame];
                auto r = a.respond(e.bytes);
                if (r.status != reconcile::cascade_status::ok) return abort_and_tell(std::move(out), block_outcome::malformed_message);
                reply = std::move(r.message);
            } else {
                auto& a = m_ldpc_alice[e.frame];
                auto r = a.receive(e.bytes);
                if (r.status != reconcile::ldpc_status::ok) return abort_and_tell(std::move(out), block_outcome::malformed_message);
                reply = std::move(r.message);
            }
            if (!reply.empty()) replies.emplace_back(e.frame, std::move(reply));
        }
        if (all_finished()) return verify(std::move(out));
        if (replies.empty()) return abort_and_tell(std::move(out), block_outcome::malformed_message);
        return send_reconcile(std::move(out), replies);
    }

    [[nodiscard]] bool all_finished() const {
        if (m_report.method == reconciliation_method::cascade) {
            return std::all_of(m_cascade_alice.begin(), m_cascade_alice.end(), [](const auto& a) { return a.finished(); });
        }
        return std::all_of(m_ldpc_alice.begin(), m_ldpc_alice.end(), [](const auto& a) { return a.finished(); });
    }

    // Reconciliation is over: a verification tag per reconciled frame (each with ε_cor / frames),
    // after checking that the block can give a key at all.
    endpoint_output verify(endpoint_output out) {
        detail::stage_timer timer(m_report.times.verify);
        m_frame_leak.assign(m_frames.size(), 0);
        for (std::size_t f = 0; f < m_frames.size(); ++f) {
            if (m_report.method == reconciliation_method::cascade) {
                m_frame_leak[f] = m_cascade_alice[f].leaked_parities();
            } else {
                if (!m_ldpc_alice[f].bob_decoded()) {
                    ++m_report.frames_failed;
                    continue;
                }
                m_frame_leak[f] = m_ldpc_alice[f].leaked_bits();
            }
            m_verified.push_back(f);
        }
        if (m_verified.empty()) return abort_and_tell(std::move(out), block_outcome::reconciliation_failed);
        bit_vector all(m_verified.size());
        for (std::size_t i = 0; i < all.size(); ++i) all.set(i);
        (void)keep_frames(all, [&](std::size_t f) { return frame_key(f); });
        if (m_kept_key.size() < 2 || secret_length() == 0) return abort_and_tell(std::move(out), block_outcome::no_secret_key);
        detail::random_ref rng{&m_random};
        wire::writer w(wire::message_type::verify, m_report.block);
        w.u32(static_cast<std::uint32_t>(m_verified.size()));
        for (const std::size_t f : m_verified) {
            const auto tag = reconcile::make_verification_message(frame_key(f), {.epsilon_cor = frame_eps_cor()}, rng);
            w.u32(static_cast<std::uint32_t>(tag.size()));
            w.bytes(tag);
        }
        if (!send(out, w.take(), true)) return finish(std::move(out), block_outcome::auth_key_exhausted);
        m_phase = phase::verifying;
        return out;
    }

    // Bob's matches: the frames kept, ℓ for them.
    endpoint_output on_outcome(endpoint_output out, const wire::message& m) {
        if (m.matches.size() != m_verified.size()) return abort_and_tell(std::move(out), block_outcome::malformed_message);
        if (keep_frames(m.matches, [&](std::size_t f) { return frame_key(f); }) == 0) {
            return finish(std::move(out), block_outcome::verification_failed);  // Bob knows
        }
        if (m.corrected_bits > m_report.reconciled_bits) return abort_and_tell(std::move(out), block_outcome::malformed_message);
        account_corrected(static_cast<std::size_t>(m.corrected_bits));
        if (m_kept_key.size() < 2 || secret_length() == 0) return finish(std::move(out), block_outcome::no_secret_key);  // Bob knows
        m_phase = phase::confirming;
        return after_round_tag(std::move(out));
    }

    // Once everything Bob sent has verified: the privacy-amplification seed, drawn now that the
    // kept key is final, goes out with the confirmation; then Alice's key is made and deposited.
    endpoint_output after_round_tag(endpoint_output out) {
        if (out.report || m_phase != phase::confirming || !m_round_authenticated) return out;
        detail::random_ref rng{&m_random};
        m_seed = bit_vector::random(modified_toeplitz_seed_bits(m_kept_key.size(), m_report.secret_bits), rng);
        wire::writer w(wire::message_type::confirm, m_report.block);
        w.u64(m_seed.size());
        w.bits(m_seed);
        if (!send(out, w.take(), true)) return abort_and_tell(std::move(out), block_outcome::auth_key_exhausted);
        return finish(std::move(out), amplify_and_deposit());
    }

    std::function<void(std::span<std::uint8_t>)> m_random;
};

// Bob's endpoint: holds the noisy key, asks Cascade's questions or decodes LDPC syndromes, checks
// the verification tag.
class session_bob : public detail::endpoint_base {
public:
    session_bob(const session_config& config, bytes_view initial_auth_key, relay::key_store& store, std::string peer_kme_id)
        : endpoint_base(config, initial_auth_key, store, std::move(peer_kme_id), auth::role::bob) {}

    // Bob's sifted bits for the next block Alice starts. Throws as session_alice::begin_block.
    void expect_block(block_input in) {
        start(std::move(in), "session_bob::expect_block");
        m_pending_verify.reset();
    }

    // Takes one message from Alice.
    endpoint_output receive(bytes_view message) {
        endpoint_output out;
        auto m = open(message, out);
        if (!m) return after_round_tag(std::move(out));
        switch (m_phase) {
            case phase::estimating:
                if (m->type == wire::message_type::estimate_alice) return on_estimate(std::move(out), *m);
                break;
            case phase::reconciling:
                if (m->type == wire::message_type::reconcile && m->method == m_report.method) return on_reconcile(std::move(out), *m);
                break;
            case phase::verifying:
                if (m->type == wire::message_type::verify && !m_pending_verify) {
                    // Answered only once Alice's round tag has verified it: Alice acts on the answer.
                    m_pending_verify = std::move(*m);
                    return after_round_tag(std::move(out));
                }
                break;
            case phase::confirming:
                if (m->type == wire::message_type::confirm) {
                    if (m->seed.size() != modified_toeplitz_seed_bits(m_kept_key.size(), m_report.secret_bits)) break;
                    m_seed = std::move(m->seed);
                    m_phase = phase::finishing;
                    return after_round_tag(std::move(out));
                }
                break;
            default: break;
        }
        return abort_and_tell(std::move(out), block_outcome::malformed_message);
    }

private:
    endpoint_output on_estimate(endpoint_output out, const wire::message& m) {
        detail::stage_timer timer(m_report.times.estimate);
        if (m.digest != m_digest || m.key_bits != m_report.key_bits || m.test.size() != m_report.test_bits) {
            return abort_and_tell(std::move(out), block_outcome::parameter_mismatch);
        }
        wire::writer w(wire::message_type::estimate_bob, m_report.block);
        w.bits(m_input.test);
        if (!send(out, w.take(), false)) return finish(std::move(out), block_outcome::auth_key_exhausted);
        if (!estimate(m.test)) return finish(std::move(out), block_outcome::qber_too_high);
        if (m_frames.empty()) return finish(std::move(out), block_outcome::reconciliation_failed);  // Alice knows too
        m_phase = phase::reconciling;
        if (m_report.method == reconciliation_method::ldpc) {
            for (std::size_t f = 0; f < m_frames.size(); ++f) {
                const auto& p = m_ldpc_params[f];
                auto c = code(p);
                m_ldpc_bob.emplace_back(frame_key(f), p, c, decoder(c));
            }
            return out;  // Alice sends the syndromes
        }
        frame_messages requests;
        for (std::size_t f = 0; f < m_frames.size(); ++f) {
            auto p = cascade_parameters(f);
            auto perms = permutations(p);
            m_cascade_bob.emplace_back(frame_key(f), std::move(p), std::move(perms));
            requests.emplace_back(static_cast<std::uint32_t>(f), m_cascade_bob.back().start());
        }
        return send_reconcile(std::move(out), requests);
    }

    endpoint_output on_reconcile(endpoint_output out, const wire::message& m) {
        detail::stage_timer timer(m_report.times.reconcile);
        const bool cascade = m_report.method == reconciliation_method::cascade;
        frame_messages next;
        for (const auto& e : m.frames) {
            if (e.frame >= m_frames.size()) return abort_and_tell(std::move(out), block_outcome::malformed_message);
            if (cascade) {
                auto& b = m_cascade_bob[e.frame];
                if (b.finished()) return abort_and_tell(std::move(out), block_outcome::malformed_message);
                auto r = b.receive(e.bytes);
                if (r.status != reconcile::cascade_status::ok) {
                    return abort_and_tell(std::move(out), r.status == reconcile::cascade_status::inconsistent
                                                              ? block_outcome::reconciliation_failed
                                                              : block_outcome::malformed_message);
                }
                next.emplace_back(e.frame, std::move(r.message));
            } else {
                auto& b = m_ldpc_bob[e.frame];
                auto r = b.receive(e.bytes);
                if (r.status != reconcile::ldpc_status::ok) return abort_and_tell(std::move(out), block_outcome::malformed_message);
                next.emplace_back(e.frame, std::move(r.message));
            }
        }
        out = send_reconcile(std::move(out), next);
        if (out.report) return out;
        const bool done = cascade ? std::all_of(m_cascade_bob.begin(), m_cascade_bob.end(), [](const auto& b) { return b.finished(); })
                                  : std::all_of(m_ldpc_bob.begin(), m_ldpc_bob.end(), [](const auto& b) { return b.finished(); });
        if (done) m_phase = phase::verifying;
        return out;
    }

    // Checks each reconciled frame's tag; answers with the matches; keeps the matching frames.
    endpoint_output on_verify(endpoint_output out, const wire::message& m) {
        detail::stage_timer timer(m_report.times.verify);
        m_frame_leak.assign(m_frames.size(), 0);
        for (std::size_t f = 0; f < m_frames.size(); ++f) {
            if (m_report.method == reconciliation_method::cascade) {
                m_frame_leak[f] = m_cascade_bob[f].statistics().leaked_parities;
            } else {
                if (!m_ldpc_bob[f].decoded()) {
                    ++m_report.frames_failed;
                    continue;
                }
                m_frame_leak[f] = m_ldpc_bob[f].statistics().leaked_bits;
            }
            m_verified.push_back(f);
        }
        if (m_verified.empty() || m.verifications.size() != m_verified.size()) {
            return abort_and_tell(std::move(out), block_outcome::malformed_message);
        }
        bit_vector matches(m_verified.size());
        std::size_t corrected = 0;
        for (std::size_t i = 0; i < m_verified.size(); ++i) {
            const std::size_t f = m_verified[i];
            const auto checked = reconcile::check_verification_message(bob_frame(f), m.verifications[i], {.epsilon_cor = frame_eps_cor()});
            if (checked.status != reconcile::verify_status::match && checked.status != reconcile::verify_status::mismatch) {
                return abort_and_tell(std::move(out), block_outcome::malformed_message);
            }
            if (checked.status == reconcile::verify_status::match) {
                matches.set(i);
                corrected += corrected_in(f);
            }
        }
        const std::size_t kept = keep_frames(matches, [&](std::size_t f) { return bob_frame(f); });
        if (kept != 0) account_corrected(corrected);
        wire::writer w(wire::message_type::outcome, m_report.block);
        w.u32(static_cast<std::uint32_t>(matches.size()));
        w.bits(matches);
        w.u64(corrected);
        if (!send(out, w.take(), true)) return finish(std::move(out), block_outcome::auth_key_exhausted);
        if (kept == 0) return finish(std::move(out), block_outcome::verification_failed);
        if (m_kept_key.size() < 2 || secret_length() == 0) return finish(std::move(out), block_outcome::no_secret_key);  // Alice knows
        m_phase = phase::confirming;
        return out;
    }

    // Bob's bits of a frame after reconciliation, and the errors he corrected in it.
    [[nodiscard]] const bit_vector& bob_frame(std::size_t f) const {
        return m_report.method == reconciliation_method::cascade ? m_cascade_bob[f].key() : m_ldpc_bob[f].key();
    }
    [[nodiscard]] std::size_t corrected_in(std::size_t f) const {
        return m_report.method == reconciliation_method::cascade ? m_cascade_bob[f].statistics().corrected_bits
                                                                 : hamming_distance(m_ldpc_bob[f].key(), frame_key(f));
    }

    // Answers the verify message, or finishes after Alice's confirmation, once it and everything
    // before it has verified.
    endpoint_output after_round_tag(endpoint_output out) {
        if (out.report || !m_round_authenticated) return out;
        if (m_phase == phase::verifying && m_pending_verify) {
            const wire::message m = std::move(*m_pending_verify);
            m_pending_verify.reset();
            return on_verify(std::move(out), m);
        }
        if (m_phase != phase::finishing) return out;
        return finish(std::move(out), amplify_and_deposit());
    }

    [[nodiscard]] std::shared_ptr<reconcile::layered_decoder> decoder(const std::shared_ptr<const reconcile::ldpc_code>& c) {
        auto it = m_decoders.find(c.get());
        if (it == m_decoders.end()) {
            auto d = std::make_shared<reconcile::layered_decoder>(*c);
            d->set_stall_limit(reconcile::ldpc_bob::default_stall_limit);
            it = m_decoders.emplace(c.get(), std::move(d)).first;
        }
        return it->second;
    }

    std::map<const reconcile::ldpc_code*, std::shared_ptr<reconcile::layered_decoder>> m_decoders;
    std::optional<wire::message> m_pending_verify;
};

// Both reports of one block run to the end in one process (tests, benchmarks, the demo).
struct block_pair_report {
    block_report alice;
    block_report bob;
};

// Runs a block with both endpoints in memory: Bob expects `bob_in`, Alice begins with `alice_in`,
// and each side's messages go to the other, in order, until both have finished.
// `tamper(direction, index, message)`, when given, may alter each message in flight (direction 0
// is Alice to Bob; index counts that direction's messages of the block).
inline block_pair_report run_block_in_memory(
    session_alice& alice, session_bob& bob, block_input alice_in, block_input bob_in,
    const std::function<void(int, std::size_t, std::vector<std::uint8_t>&)>& tamper = {}) {
    bob.expect_block(std::move(bob_in));
    std::optional<block_report> a_report, b_report;
    std::array<std::size_t, 2> index{};
    endpoint_output a = alice.begin_block(std::move(alice_in));
    if (a.report) a_report = std::move(a.report);
    std::vector<std::vector<std::uint8_t>> to_bob = std::move(a.messages), to_alice;
    while (!to_bob.empty() || !to_alice.empty()) {
        for (auto& m : to_bob) {
            if (tamper) tamper(0, index[0], m);
            ++index[0];
            endpoint_output b = bob.receive(m);
            if (b.report && !b_report) b_report = std::move(b.report);
            for (auto& x : b.messages) to_alice.push_back(std::move(x));
        }
        to_bob.clear();
        for (auto& m : to_alice) {
            if (tamper) tamper(1, index[1], m);
            ++index[1];
            endpoint_output r = alice.receive(m);
            if (r.report && !a_report) a_report = std::move(r.report);
            for (auto& x : r.messages) to_bob.push_back(std::move(x));
        }
        to_alice.clear();
    }
    // A side left waiting (its peer stopped without telling it) is ended here.
    if (!a_report || !b_report) {
        throw invalid_state("qkdnq::pipeline::run_block_in_memory: a side is still waiting for its peer");
    }
    return {std::move(*a_report), std::move(*b_report)};
}

}  // namespace qkdnq::pipeline
