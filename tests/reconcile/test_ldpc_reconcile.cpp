// LDPC reconciliation (reconcile/ldpc_reconcile.hpp): rate-adapted frames decode and leak what
// the header says, blind rounds reveal punctured values until the decoder succeeds, both sides'
// layouts agree, rejected messages change nothing, programmer errors throw.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/ldpc_reconcile.hpp>
#include <qkdnq/reconcile/verify.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

namespace {

using qkdnq::bit_vector;
namespace rc = qkdnq::reconcile;

double binary_entropy(double p) { return -p * std::log2(p) - (1 - p) * std::log2(1 - p); }

std::shared_ptr<const rc::ldpc_code> shared_code(const rc::ldpc_distribution& d, std::size_t n) {
    return std::make_shared<const rc::ldpc_code>(rc::make_ldpc_code(d, n, 1));
}

struct run_result {
    bool decoded = false;
    bit_vector bob_key;
    rc::ldpc_statistics stats;
    std::size_t alice_leak = 0, alice_revealed = 0, alice_bits_sent = 0, alice_bits_received = 0;
    std::vector<std::vector<std::uint8_t>> transcript;
};

template <class G>
run_result run(const bit_vector& a, const bit_vector& b, const rc::ldpc_frame_parameters& params,
               const std::shared_ptr<const rc::ldpc_code>& code, G& rng, std::shared_ptr<rc::layered_decoder> decoder = nullptr) {
    rc::ldpc_alice alice(a, params, code, rng);
    rc::ldpc_bob bob(b, params, code, std::move(decoder));
    run_result out;
    std::vector<std::uint8_t> m = alice.start();
    for (;;) {
        out.transcript.push_back(m);
        rc::ldpc_output reply = bob.receive(m);
        REQUIRE(reply.status == rc::ldpc_status::ok);
        out.transcript.push_back(reply.message);
        rc::ldpc_output next = alice.receive(reply.message);
        REQUIRE(next.status == rc::ldpc_status::ok);
        if (next.message.empty()) break;
        m = std::move(next.message);
    }
    REQUIRE(alice.finished());
    REQUIRE(bob.finished());
    CHECK(alice.bob_decoded() == bob.decoded());
    out.decoded = bob.decoded();
    out.bob_key = bob.key();
    out.stats = bob.statistics();
    out.alice_leak = alice.leaked_bits();
    out.alice_revealed = alice.revealed_bits();
    out.alice_bits_sent = alice.bits_sent();
    out.alice_bits_received = alice.bits_received();
    return out;
}

}  // namespace

TEST_CASE("ldpc reconcile: both sides lay out the frame alike: disjoint punctured, shortened and key positions", "[reconcile][ldpc][property]") {
    const auto code = shared_code(rc::ldpc_distribution_rate_0_5, 4000);
    const auto params = rc::ldpc_frame_parameters::for_qber(*code, 50, 1, 70'000, 99);
    const auto a = rc::detail::make_ldpc_layout(params), b = rc::detail::make_ldpc_layout(params);
    CHECK(a.punctured == b.punctured);
    CHECK(a.shortened == b.shortened);
    CHECK(a.key == b.key);
    CHECK(a.shortened_values == b.shortened_values);
    CHECK(a.punctured.size() == params.punctured);
    CHECK(a.shortened.size() == params.shortened);
    CHECK(a.key.size() == params.key_bits());
    CHECK(params.punctured + params.shortened == 400);  // δ = 10 % of 4000
    std::vector<std::uint32_t> all = a.punctured;
    all.insert(all.end(), a.shortened.begin(), a.shortened.end());
    all.insert(all.end(), a.key.begin(), a.key.end());
    std::sort(all.begin(), all.end());
    for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i] == i);  // every position exactly once
    CHECK(std::is_sorted(a.key.begin(), a.key.end()));
    auto other = params;
    other.frame_seed = 100;
    CHECK(rc::detail::make_ldpc_layout(other).punctured != a.punctured);
    // [RC10] Eq. 7: a higher QBER shortens more, a lower one punctures more.
    const auto low = rc::ldpc_frame_parameters::for_qber(*code, 50, 1, 60'000, 1), high = rc::ldpc_frame_parameters::for_qber(*code, 50, 1, 90'000, 1);
    CHECK(low.punctured > high.punctured);
    CHECK(low.shortened < high.shortened);
}

TEST_CASE("ldpc reconcile: rate-adapted frames decode to Alice's key, leaking m - p", "[reconcile][ldpc][statistical]") {
    qkdnq::shake_drbg rng(61);
    const auto code = shared_code(rc::ldpc_distribution_rate_0_5, 10'000);
    for (const std::uint32_t ppm : {70'000u, 80'000u, 90'000u}) {  // inside the adaptable range
        const double q = ppm * 1e-6;
        const auto params = rc::ldpc_frame_parameters::for_qber(*code, 50, 1, ppm, ppm, 0.1, 1.25);
        INFO("QBER " << q << ": p = " << params.punctured << ", s = " << params.shortened);
        CHECK(params.punctured > 0);  // both adaptations in use: the aimed-at rate is reachable
        CHECK(params.shortened > 0);
        for (int frame = 0; frame < 3; ++frame) {
            const auto pair = qkdnq::sim::exact_error_key_pair(params.key_bits(), static_cast<std::size_t>(q * static_cast<double>(params.key_bits())), rng);
            const run_result r = run(pair.alice, pair.bob, params, code, rng);
            CHECK(r.decoded);
            CHECK(r.bob_key == pair.alice);
            CHECK(r.stats.attempts == 1);
            CHECK(r.stats.syndrome_bits == code->checks());
            CHECK(r.stats.leaked_bits == code->checks() - params.punctured);
            CHECK(r.alice_leak == r.stats.leaked_bits);
            const double f = static_cast<double>(r.stats.leaked_bits) / (static_cast<double>(params.key_bits()) * binary_entropy(q));
            CHECK(f == Approx(1.25).margin(0.02));  // the rate for_qber aimed at
            std::size_t to_bob = 0, to_alice = 0;
            for (std::size_t i = 0; i < r.transcript.size(); ++i) (i % 2 == 0 ? to_bob : to_alice) += 8 * r.transcript[i].size();
            CHECK(r.stats.bits_alice_to_bob == to_bob);
            CHECK(r.stats.bits_bob_to_alice == to_alice);
            CHECK(r.alice_bits_sent == to_bob);
            CHECK(r.alice_bits_received == to_alice);
            auto tag = rc::make_verification_message(pair.alice, {.epsilon_cor = 1e-12}, rng);
            CHECK(rc::check_verification_message(r.bob_key, tag, {.epsilon_cor = 1e-12}).status == rc::verify_status::match);
        }
    }
}

TEST_CASE("ldpc reconcile: blind rounds reveal punctured values until the decoder succeeds", "[reconcile][ldpc][statistical]") {
    qkdnq::shake_drbg rng(62);
    const auto code = shared_code(rc::ldpc_distribution_rate_0_5, 10'000);
    rc::ldpc_frame_parameters params;
    params.rate_percent = 50;
    params.code_bits = static_cast<std::uint32_t>(code->variables());
    params.code_seed = 1;
    params.punctured = 1000;  // everything adaptable punctured at first: R = 0.444 / 0.9
    params.frame_seed = 5;
    params.blind_rounds = 5;
    params.qber_ppm = 85'000;
    std::size_t retried = 0, decoded = 0;
    for (int frame = 0; frame < 6; ++frame) {
        const auto pair = qkdnq::sim::exact_error_key_pair(params.key_bits(), params.key_bits() * 85 / 1000, rng);
        const run_result r = run(pair.alice, pair.bob, params, code, rng);
        CHECK(r.stats.attempts >= 1);
        CHECK(r.stats.attempts <= 5);
        CHECK(r.stats.revealed_bits == std::min<std::size_t>(1000, 250 * (r.stats.attempts - 1)));
        CHECK(r.alice_revealed == r.stats.revealed_bits);
        CHECK(r.stats.leaked_bits == code->checks() - 1000 + r.stats.revealed_bits);
        CHECK(r.alice_leak == r.stats.leaked_bits);
        CHECK(r.transcript.size() == 2 * r.stats.attempts);
        retried += r.stats.attempts > 1;
        if (r.decoded) {
            ++decoded;
            CHECK(r.bob_key == pair.alice);
        } else {
            CHECK(r.stats.attempts == 5);
            CHECK(r.bob_key == pair.bob);  // a failed frame leaves Bob's key as it was
        }
    }
    CHECK(retried > 0);      // at 8.5 % the fully punctured rate fails first
    CHECK(decoded == 6);     // and revealing makes it decode
}

TEST_CASE("ldpc reconcile: a rejected message has a precise status and changes nothing", "[reconcile][ldpc][property]") {
    qkdnq::shake_drbg rng(63);
    const auto code = shared_code(rc::ldpc_distribution_rate_0_6, 4000);
    auto params = rc::ldpc_frame_parameters::for_qber(*code, 60, 1, 60'000, 7, 0.1, 1.0, 3);  // too little redundancy: blind rounds
    const auto pair = qkdnq::sim::exact_error_key_pair(params.key_bits(), params.key_bits() * 6 / 100, rng);
    qkdnq::shake_drbg alice_rng(1), alice_rng2(1);
    const run_result reference = run(pair.alice, pair.bob, params, code, alice_rng);
    rc::ldpc_alice alice(pair.alice, params, code, alice_rng2);
    rc::ldpc_bob bob(pair.bob, params, code);
    std::vector<std::uint8_t> m = alice.start();
    CHECK_THROWS_AS((void)alice.start(), qkdnq::invalid_state);
    std::vector<std::vector<std::uint8_t>> transcript;
    for (int round = 0;; ++round) {
        transcript.push_back(m);
        CHECK(bob.receive(qkdnq::bytes_view(m).first(5)).status == rc::ldpc_status::truncated);
        CHECK(bob.receive(qkdnq::bytes_view(m).first(m.size() - 1)).status == rc::ldpc_status::truncated);
        auto bad = m;
        bad[0] ^= 1;
        CHECK(bob.receive(bad).status == rc::ldpc_status::malformed);
        for (const std::uint8_t version : {std::uint8_t{1}, std::uint8_t{3}}) {  // 1 named the code by rate in tenths
            bad = m;
            bad[2] = version;
            CHECK(bob.receive(bad).status == rc::ldpc_status::unsupported_version);
        }
        bad = m;
        bad[3] = 2;
        CHECK(bob.receive(bad).status == rc::ldpc_status::unexpected_message);
        bad = m;
        bad[4] ^= 1;
        CHECK(bob.receive(bad).status == rc::ldpc_status::out_of_sequence);
        bad = m;
        bad.push_back(0);
        CHECK(bob.receive(bad).status == rc::ldpc_status::malformed);
        if (round == 0) {
            bad = m;
            bad[8 + 1] ^= 1;  // the code size in the parameters
            CHECK(bob.receive(bad).status == rc::ldpc_status::parameter_mismatch);
            bad = m;
            bad[8 + 49] ^= 1;  // the syndrome's bit count
            CHECK(bob.receive(bad).status == rc::ldpc_status::malformed);
        } else {
            bad = m;
            bad[8] ^= 1;  // the reveal count
            CHECK(bob.receive(bad).status == rc::ldpc_status::malformed);
        }
        const rc::ldpc_output reply = bob.receive(m);
        REQUIRE(reply.status == rc::ldpc_status::ok);
        CHECK(bob.receive(m).status == (bob.finished() ? rc::ldpc_status::unexpected_message : rc::ldpc_status::out_of_sequence));
        transcript.push_back(reply.message);
        bad = reply.message;
        bad[8] = 3;  // neither decoded nor failed
        CHECK(alice.receive(bad).status == rc::ldpc_status::malformed);
        bad = reply.message;
        bad[3] = 1;
        CHECK(alice.receive(bad).status == rc::ldpc_status::unexpected_message);
        CHECK(alice.receive(qkdnq::bytes_view(reply.message).first(8)).status == rc::ldpc_status::truncated);
        const rc::ldpc_output next = alice.receive(reply.message);
        REQUIRE(next.status == rc::ldpc_status::ok);
        if (next.message.empty()) break;
        m = next.message;
    }
    CHECK(transcript == reference.transcript);
    CHECK(bob.key() == reference.bob_key);
    CHECK(reference.stats.attempts >= 2);  // the reveal path was exercised
    CHECK(alice.receive(transcript.back()).status == rc::ldpc_status::unexpected_message);  // after the end
}

TEST_CASE("ldpc reconcile: programmer errors throw", "[reconcile][ldpc]") {
    qkdnq::shake_drbg rng(64);
    const auto code = shared_code(rc::ldpc_distribution_rate_0_7, 2000);
    const auto params = rc::ldpc_frame_parameters::for_qber(*code, 70, 1, 40'000, 3);
    CHECK_THROWS_AS(rc::ldpc_bob(bit_vector(params.key_bits() + 1), params, code), qkdnq::invalid_argument);
    CHECK_THROWS_AS(rc::ldpc_alice(bit_vector(params.key_bits() - 1), params, code, rng), qkdnq::invalid_argument);
    CHECK_THROWS_AS(rc::ldpc_bob(bit_vector(params.key_bits()), params, nullptr), qkdnq::invalid_argument);
    const auto other = shared_code(rc::ldpc_distribution_rate_0_7, 4000);
    CHECK_THROWS_AS(rc::ldpc_bob(bit_vector(params.key_bits()), params, other), qkdnq::invalid_argument);
    const auto same_shape = shared_code(rc::ldpc_distribution_rate_0_7, 2000);  // equal, but not the Bob's code object
    CHECK_THROWS_AS(rc::ldpc_bob(bit_vector(params.key_bits()), params, code, std::make_shared<rc::layered_decoder>(*same_shape)),
                    qkdnq::invalid_argument);
    auto bad = params;
    bad.qber_ppm = 0;
    CHECK_THROWS_AS(bad.validate(), qkdnq::invalid_argument);
    bad = params;
    bad.punctured = params.code_bits;
    CHECK_THROWS_AS(bad.validate(), qkdnq::invalid_argument);
    bad = params;
    bad.blind_rounds = 0;
    CHECK_THROWS_AS(bad.validate(), qkdnq::invalid_argument);
}

TEST_CASE("ldpc reconcile: plan picks the code needing the fewest adaptations, and δ for both aims", "[reconcile][ldpc][property]") {
    const rc::ldpc_aims aims{.f_first = 1.10, .f_last = 1.14, .blind_rounds = 3};
    const auto cost = [](double r0, double r) { return 3 * std::max(0.0, 1 - r0 / r) + std::max(0.0, (r0 - r) / (1 - r)); };
    for (std::uint32_t ppm = 5'000; ppm <= 120'000; ppm += 2'500) {
        const double h = binary_entropy(ppm * 1e-6);
        const auto p = rc::ldpc_frame_parameters::plan(ppm, 100'000, 1, 2, aims);
        INFO("QBER " << ppm << " ppm: R0 " << int{p.rate_percent} << " %, p " << p.punctured << ", s " << p.shortened);
        CHECK_NOTHROW(p.validate());
        CHECK(p.code_bits == 100'000);
        CHECK(p.blind_rounds == 3);
        const double r0 = p.rate_percent / 100.0, n = p.code_bits, k = r0 * n;
        const double r_first = 1 - aims.f_first * h, r_last = 1 - aims.f_last * h;
        for (const auto* d : rc::ldpc_distributions) CHECK(cost(r0, r_first) <= cost(d->rate, r_first));
        // First attempt at R_first (to a position's worth); the last, every punctured value
        // revealed, (R0 - δ)/(1 - δ) = R_last where R_last is below R0, else at R0 or below.
        const double first = (k - p.shortened) / (n - p.punctured - p.shortened);
        const double d = p.punctured + p.shortened, last = (k - d) / (n - d);
        CHECK(std::abs((1 - first) / h - aims.f_first) < 1e-3);
        if (r_last < r0) CHECK(last <= r_last + 1e-4);
        CHECK(last <= r0);
        CHECK(d <= n / 2);
    }
    const auto built = rc::make_ldpc_code(rc::ldpc_frame_parameters::plan(20'000, 10'000, 3, 4));
    CHECK(built.variables() == 10'000);
    CHECK(built.rate() == Approx(0.85));
    CHECK(rc::ldpc_code_bits(99'999) == 100'000);
    CHECK(rc::ldpc_code_bits(100'001) == 100'400);
    CHECK_THROWS_AS((void)rc::ldpc_frame_parameters::plan(0, 10'000, 1, 1), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)rc::ldpc_frame_parameters::plan(500'000, 10'000, 1, 1), qkdnq::invalid_argument);
    CHECK_THROWS_AS((void)rc::ldpc_frame_parameters::plan(20'000, 10'000, 1, 1, {.f_first = 1.2, .f_last = 1.1}), qkdnq::invalid_argument);
    CHECK(rc::ldpc_distribution_for_percent(85) == &rc::ldpc_distribution_rate_0_85);
    CHECK(rc::ldpc_distribution_for_percent(84) == nullptr);
    auto bad = rc::ldpc_frame_parameters::plan(20'000, 10'000, 1, 1);
    bad.rate_percent = 84;
    CHECK_THROWS_AS(bad.validate(), qkdnq::invalid_argument);
}

TEST_CASE("ldpc reconcile: planned frames decode within their attempts", "[reconcile][ldpc][statistical]") {
    qkdnq::shake_drbg rng(65);
    const rc::ldpc_aims aims{.f_first = 1.1, .f_last = 1.4, .blind_rounds = 3};  // n = 2 10^4: shorter codes need more
    for (const std::uint32_t ppm : {15'000u, 30'000u, 50'000u, 100'000u}) {
        auto params = rc::ldpc_frame_parameters::plan(ppm, 20'000, 1, 0, aims);
        const auto code = std::make_shared<const rc::ldpc_code>(rc::make_ldpc_code(params));
        for (std::uint64_t frame = 0; frame < 3; ++frame) {
            params.frame_seed = frame;
            const auto pair = qkdnq::sim::exact_error_key_pair(params.key_bits(), params.key_bits() * ppm / 1'000'000, rng);
            const run_result r = run(pair.alice, pair.bob, params, code, rng);
            INFO("QBER " << ppm << " ppm, frame " << frame << ", attempts " << r.stats.attempts);
            CHECK(r.decoded);
            CHECK(r.bob_key == pair.alice);
            CHECK(r.stats.attempts <= 3);
        }
    }
}

TEST_CASE("ldpc reconcile: a decoder kept across frames gives what a fresh one gives", "[reconcile][ldpc][property]") {
    qkdnq::shake_drbg rng(66);
    auto params = rc::ldpc_frame_parameters::plan(60'000, 10'000, 1, 0, {.f_first = 1.05, .f_last = 1.3, .blind_rounds = 3});
    const auto code = std::make_shared<const rc::ldpc_code>(rc::make_ldpc_code(params));
    const auto kept = std::make_shared<rc::layered_decoder>(*code);
    kept->set_stall_limit(rc::ldpc_bob::default_stall_limit);  // as Bob's own
    std::size_t retried = 0;
    for (std::uint64_t frame = 0; frame < 4; ++frame) {
        params.frame_seed = frame;
        const auto pair = qkdnq::sim::exact_error_key_pair(params.key_bits(), params.key_bits() * 6 / 100, rng);
        qkdnq::shake_drbg a(frame), b(frame);  // the same punctured values in both runs
        const run_result fresh = run(pair.alice, pair.bob, params, code, a);
        const run_result reused = run(pair.alice, pair.bob, params, code, b, kept);
        CHECK(reused.transcript == fresh.transcript);
        CHECK(reused.bob_key == fresh.bob_key);
        CHECK(reused.stats.iterations == fresh.stats.iterations);
        retried += fresh.stats.attempts > 1;
    }
    CHECK(retried > 0);  // failed attempts left the kept decoder's buffers dirty
}

TEST_CASE("ldpc reconcile: key reveals follow the blind rounds, and their bits count as leak", "[reconcile][ldpc][statistical]") {
    qkdnq::shake_drbg rng(67);
    const auto code = shared_code(rc::ldpc_distribution_rate_0_6, 4000);
    // QBER 8 % on a rate-0.6 code with δ = 2 %: even everything revealed (R = 0.59, f = 1.01) is
    // too little redundancy; each key round shortens 150 more positions.
    auto params = rc::ldpc_frame_parameters::for_qber(*code, 60, 1, 80'000, 7, 0.02, 1.0, 2);
    params.key_reveal_rounds = 4;
    params.key_reveal_bits = 150;
    std::size_t rescued = 0;
    for (std::uint64_t frame = 0; frame < 6; ++frame) {
        params.frame_seed = frame;
        const auto layout = rc::detail::make_ldpc_layout(params);
        REQUIRE(layout.key_revealed.size() == 600);
        std::vector<std::uint32_t> sorted_key = layout.key, named = layout.key_revealed;
        std::sort(named.begin(), named.end());
        CHECK(std::adjacent_find(named.begin(), named.end()) == named.end());          // distinct
        CHECK(std::includes(sorted_key.begin(), sorted_key.end(), named.begin(), named.end()));  // key positions
        const auto pair = qkdnq::sim::exact_error_key_pair(params.key_bits(), params.key_bits() * 8 / 100, rng);
        const run_result r = run(pair.alice, pair.bob, params, code, rng);
        INFO("frame " << frame << ": attempts " << r.stats.attempts);
        CHECK(r.stats.attempts <= 2 + 4);
        const std::size_t key_rounds = r.stats.attempts > 2 ? r.stats.attempts - 2 : 0;
        CHECK(r.stats.revealed_bits == (r.stats.attempts >= 2 ? params.punctured : 0));
        CHECK(r.stats.revealed_key_bits == 150 * key_rounds);
        CHECK(r.stats.leaked_bits == code->checks() - params.punctured + r.stats.revealed_bits + r.stats.revealed_key_bits);
        CHECK(r.alice_leak == r.stats.leaked_bits);
        CHECK(r.transcript.size() == 2 * r.stats.attempts);
        if (r.decoded) CHECK(r.bob_key == pair.alice);
        rescued += r.decoded && key_rounds > 0;
    }
    CHECK(rescued > 0);  // the key rounds decoded frames that the blind ones did not
    auto bad = params;
    bad.key_reveal_bits = 0;
    CHECK_THROWS_AS(bad.validate(), qkdnq::invalid_argument);
    bad = params;
    bad.key_reveal_bits = static_cast<std::uint32_t>(params.key_bits());  // more than half the key
    CHECK_THROWS_AS(bad.validate(), qkdnq::invalid_argument);
    const auto planned = rc::ldpc_frame_parameters::plan(20'000, 100'000, 1, 1);
    CHECK(planned.key_reveal_rounds == 2);
    CHECK(planned.key_reveal_bits == 2000);
}
