// Throughput mode: a stream of blocks through the post-processing pipeline with the work spread
// over the cores, reporting sustained sifted-key and secret-key throughput.
//
//   qkdnq::pipeline::throughput_config config{.session = {.session_id = 1}, .lanes = 2, .blocks = 16};
//   qkdnq::pipeline::throughput_runner runner(config, initial_auth_key, store_a, "KME_B", store_b, "KME_A");
//   auto result = runner.run([&](std::size_t lane, std::uint64_t block) { return next_block_pair(lane, block); });
//   result.alice.sifted_rate();   // bits/s in;   result.alice.secret_rate(): bits/s out
//
// The link's blocks are dealt to `lanes` lanes, one thread each. A lane is an independent
// session on its own authenticated channel (session ID session_id + lane, its own share of the
// initial authentication key) with both endpoints in the lane's thread, so the stages of
// different blocks (one lane reconciling while another amplifies) run at the same time on
// different cores, and nothing is shared but the two key stores (thread-safe; the key IDs of a
// lane are derived from its session ID, so lanes never collide). The block source is called on
// the lane's thread and must be safe to call from several threads at once.
#pragma once

#include <qkdnq/core/error.hpp>
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/pipeline/session.hpp>
#include <qkdnq/pipeline/statistics.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace qkdnq::pipeline {

struct throughput_config {
    session_config session;  // lane l runs session_id + l
    unsigned lanes = 1;      // threads
    std::size_t blocks = 1;  // in all; lane l takes blocks l, l + lanes, ...
};

struct throughput_result {
    link_totals alice;  // every block, from Alice's reports; elapsed_seconds is the wall time
    link_totals bob;
    std::vector<block_report> blocks;  // Alice's reports, by block
};

// The pair of sifted inputs (Alice's, Bob's) for a lane's block.
using block_source = std::function<std::pair<block_input, block_input>(std::size_t lane, std::uint64_t block)>;

// The lanes of a link: `lanes` session pairs that live across runs (their caches of Cascade
// permutations and LDPC codes, and their channels, carry over from one run to the next).
// `initial_auth_key` is split into `lanes` equal parts, one per lane's channel (each at least 32
// bytes). Each lane's Alice draws from a shake_drbg seeded by `seed` and the lane: this mode is
// for simulations and benchmarks (a production endpoint takes os_random). Throws
// invalid_argument for no lane or too short a key.
class throughput_runner {
public:
    throughput_runner(const throughput_config& config, bytes_view initial_auth_key, relay::key_store& alice_store,
                      const std::string& alice_peer, relay::key_store& bob_store, const std::string& bob_peer, std::uint64_t seed = 0)
        : m_config(config) {
        if (config.lanes == 0) throw invalid_argument("qkdnq::pipeline::throughput_runner: argument 'lanes' is 0");
        const std::size_t share = initial_auth_key.size() / config.lanes;
        if (share < auth::authenticated_channel<128>::min_pre_shared_bytes) {
            qkdnq::detail::throw_invalid_length("qkdnq::pipeline::throughput_runner", "initial_auth_key", initial_auth_key.size(),
                                                "at least 32 bytes per lane");
        }
        for (std::size_t l = 0; l < config.lanes; ++l) {
            session_config c = config.session;
            c.session_id += l;
            auto lane = std::make_unique<lane_state>(detail::public_seed("throughput lane", seed, l));
            const bytes_view key = initial_auth_key.subspan(l * share, share);
            lane->alice = std::make_unique<session_alice>(c, key, alice_store, alice_peer, lane->rng);
            lane->bob = std::make_unique<session_bob>(c, key, bob_store, bob_peer);
            m_lanes.push_back(std::move(lane));
        }
    }

    // Runs config.blocks blocks (the next ones of each lane) and reports them. An exception in a
    // lane is rethrown after every lane has stopped.
    [[nodiscard]] throughput_result run(const block_source& source) {
        const std::size_t lanes = m_lanes.size();
        throughput_result result;
        result.blocks.resize(m_config.blocks);
        std::vector<std::vector<block_report>> bob_reports(lanes);
        std::mutex failure_mutex;
        std::exception_ptr failure;
        const auto lane_main = [&](std::size_t l) {
            try {
                lane_state& lane = *m_lanes[l];
                for (std::size_t b = l; b < m_config.blocks; b += lanes) {
                    auto [a_in, b_in] = source(l, b);
                    auto r = run_block_in_memory(*lane.alice, *lane.bob, std::move(a_in), std::move(b_in));
                    result.blocks[b] = std::move(r.alice);
                    bob_reports[l].push_back(std::move(r.bob));
                }
            } catch (...) {
                std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
            }
        };
        const auto start = std::chrono::steady_clock::now();
        if (lanes == 1) {
            lane_main(0);
        } else {
            std::vector<std::thread> threads;
            threads.reserve(lanes);
            for (std::size_t l = 0; l < lanes; ++l) threads.emplace_back(lane_main, l);
            for (auto& t : threads) t.join();
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (failure) std::rethrow_exception(failure);
        for (const auto& r : result.blocks) result.alice.add(r);
        for (const auto& lane : bob_reports) {
            for (const auto& r : lane) result.bob.add(r);
        }
        result.alice.elapsed_seconds = result.bob.elapsed_seconds = seconds;
        return result;
    }

    [[nodiscard]] const throughput_config& config() const noexcept { return m_config; }

private:
    struct lane_state {
        explicit lane_state(std::uint64_t seed) : rng(seed) {}
        shake_drbg rng;
        std::unique_ptr<session_alice> alice;
        std::unique_ptr<session_bob> bob;
    };

    throughput_config m_config;
    std::vector<std::unique_ptr<lane_state>> m_lanes;
};

}  // namespace qkdnq::pipeline
