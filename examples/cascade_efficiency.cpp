// Cascade's efficiency table: per variant, QBER and key size, the efficiency
// f = leak / (n h(QBER actual)), the frame error rate after verification, round trips and
// throughput, printed as a table and (with --csv) as CSV.
//
//   qkdnq_cascade_efficiency [--n 100000] [--frames 200] [--qber 0.01,0.02,0.05,0.08]
//                            [--variants original,biconf,yanetal,option3,option7,option8,pow2x4,pow2x8]
//                            (or a custom schedule "k1,k2,...:passes", padded with n/2; separate
//                            several with ';')
//                            [--threads 2] [--seed 1] [--shuffle uniform|word] [--session-seed] [--csv]
//
// Both sides run in this process (frames in parallel on --threads threads); throughput is sifted
// key bits per wall-clock second, both sides' work included. f counts the parities Alice
// disclosed (what cascade-cpp and the literature count), f+tag adds the verification tag; the key pairs carry exactly round(QBER n) errors (as cascade-cpp's
// simulator does) so that h(QBER actual) is exact; --bernoulli draws independent errors instead.
// Each frame has its own permutation seed unless --session-seed: then one seed per row, its
// permutations built once (outside the timing) and shared by both sides and all frames.
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/cascade.hpp>
#include <qkdnq/reconcile/verify.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace qkdnq::reconcile;

double binary_entropy(double p) { return p <= 0 || p >= 1 ? 0.0 : -p * std::log2(p) - (1 - p) * std::log2(1 - p); }

std::vector<std::string> split(std::string_view s, char separator = ',') {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= s.size()) {
        const std::size_t comma = s.find(separator, at);
        out.emplace_back(s.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
        if (comma == std::string_view::npos) break;
        at = comma + 1;
    }
    return out;
}

cascade_variant parse_variant(const std::string& name) {
    for (const auto v : {cascade_variant::original, cascade_variant::biconf, cascade_variant::yanetal,
                         cascade_variant::option3, cascade_variant::option4, cascade_variant::option7,
                         cascade_variant::option8, cascade_variant::pow2x4, cascade_variant::pow2x8}) {
        if (name == to_string(v)) return v;
    }
    std::fprintf(stderr, "unknown variant '%s'\n", name.c_str());
    std::exit(2);
}

// A variant by name, or "k1,k2,...:passes": a custom schedule padded with n/2 to that many passes.
cascade_parameters make_parameters(const std::string& name, std::size_t n, double q, std::uint64_t seed) {
    const std::size_t colon = name.find(':');
    if (colon == std::string::npos) {
        return cascade_parameters::for_variant(parse_variant(name), n, static_cast<std::uint32_t>(std::lround(q * 1e6)), seed);
    }
    std::vector<std::uint32_t> sizes;
    for (const auto& k : split(std::string_view(name).substr(0, colon))) sizes.push_back(static_cast<std::uint32_t>(std::stoul(k)));
    sizes.resize(std::stoul(name.substr(colon + 1)), static_cast<std::uint32_t>(std::max<std::size_t>(1, n / 2)));
    return cascade_parameters::custom_schedule(n, sizes, seed);
}

struct frame_result {
    double leak = 0;      // parities Alice disclosed
    double tag = 0;       // verification tag bits
    double ideal = 0;     // n h(actual QBER)
    bool failed = false;  // verification failed (or, never seen, passed on unequal keys)
    bool undetected = false;
    std::size_t round_trips = 0;
    std::size_t messages = 0;
    double bits_sent = 0;
};

frame_result run_frame(std::size_t n, double q, const std::string& variant, shuffle_kind shuffle, bool bernoulli,
                       std::uint64_t seed, const std::shared_ptr<const cascade_permutations>& perms) {
    qkdnq::shake_drbg rng(seed);
    const auto pair = bernoulli ? qkdnq::sim::bsc_key_pair(n, q, rng)
                                : qkdnq::sim::exact_error_key_pair(n, static_cast<std::size_t>(std::llround(q * static_cast<double>(n))), rng);
    auto params = make_parameters(variant, n, q, perms ? 0 : seed);
    params.shuffle = shuffle;
    cascade_alice alice(pair.alice, params, perms);
    cascade_bob bob(pair.bob, params, perms);
    if (run_in_memory(alice, bob) != cascade_status::ok) std::abort();
    const auto message = make_verification_message(pair.alice, {}, rng);
    const auto outcome = check_verification_message(bob.key(), message, {});
    const auto& s = bob.statistics();
    frame_result r;
    r.leak = static_cast<double>(s.leaked_parities);
    r.tag = static_cast<double>(outcome.tag_bits);
    r.ideal = static_cast<double>(n) * binary_entropy(static_cast<double>(pair.errors) / static_cast<double>(n));
    r.failed = outcome.status != verify_status::match;
    r.undetected = !r.failed && bob.key() != pair.alice;
    r.round_trips = s.round_trips;
    r.messages = s.messages;
    r.bits_sent = static_cast<double>(s.bits_alice_to_bob + s.bits_bob_to_alice + 8 * message.size());
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t n = 100'000, frames = 200, threads = 2;
    std::uint64_t seed = 1;
    std::vector<std::string> qbers = {"0.01", "0.02", "0.05", "0.08"};
    std::vector<std::string> variants = {"original", "biconf", "yanetal", "option3", "option7", "option8", "pow2x4", "pow2x8"};
    shuffle_kind shuffle = shuffle_kind::uniform;
    bool csv = false, bernoulli = false, session = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--n") n = std::stoull(value());
        else if (a == "--frames") frames = std::stoull(value());
        else if (a == "--threads") threads = std::max<std::size_t>(1, std::stoull(value()));
        else if (a == "--seed") seed = std::stoull(value());
        else if (a == "--qber") qbers = split(value());
        else if (a == "--variants") {
            const std::string v = value();
            variants = split(v, v.find(':') != std::string::npos ? ';' : ',');
        }
        else if (a == "--shuffle") shuffle = value() == "word" ? shuffle_kind::word_transpose : shuffle_kind::uniform;
        else if (a == "--csv") csv = true;
        else if (a == "--bernoulli") bernoulli = true;
        else if (a == "--session-seed") session = true;
        else {
            std::fprintf(stderr, "usage: %s [--n N] [--frames F] [--qber a,b] [--variants x,y] [--threads T] [--seed S] "
                         "[--shuffle uniform|word] [--session-seed] [--bernoulli] [--csv]\n", argv[0]);
            return a == "--help" ? 0 : 2;
        }
    }

    std::printf("Cascade, n = %zu, %zu frames per row, %zu threads, %s shuffle, %s errors\n", n, frames, threads,
                shuffle == shuffle_kind::uniform ? "uniform" : "word-transpose", bernoulli ? "Bernoulli" : "exact-count");
    std::printf("%-12s %6s %8s %8s %10s %9s %9s %11s %12s\n", "variant", "QBER", "f", "f+tag", "FER", "RT mean",
                "RT max", "msg bits/n", "Mbit/s");
    std::string csv_rows = "variant,n,qber,frames,efficiency,efficiency_with_tag,fer,undetected,round_trips_mean,round_trips_max,message_bits_per_key_bit,mbit_per_s\n";
    for (const auto& vname : variants) {
        for (const auto& qs : qbers) {
            const double q = std::stod(qs);
            std::vector<frame_result> results(frames);
            std::shared_ptr<const cascade_permutations> perms;
            if (session) {
                auto p = make_parameters(vname, n, q, 0);
                p.shuffle = shuffle;
                perms = std::make_shared<const cascade_permutations>(p);
            }
            std::atomic<std::size_t> next{0};
            const auto t0 = std::chrono::steady_clock::now();
            std::vector<std::thread> pool;
            for (std::size_t t = 0; t < threads; ++t) {
                pool.emplace_back([&] {
                    for (std::size_t f; (f = next++) < frames;) {
                        results[f] = run_frame(n, q, vname, shuffle, bernoulli, seed * 1'000'003u + f, perms);
                    }
                });
            }
            for (auto& th : pool) th.join();
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            double leak = 0, tag = 0, ideal = 0, rt = 0, bits = 0;
            std::size_t failed = 0, undetected = 0, rt_max = 0;
            for (const auto& r : results) {
                leak += r.leak;
                tag += r.tag;
                ideal += r.ideal;
                rt += static_cast<double>(r.round_trips);
                bits += r.bits_sent;
                rt_max = std::max(rt_max, r.round_trips);
                failed += r.failed;
                undetected += r.undetected;
            }
            const double f = leak / ideal;
            const double f_tag = (leak + tag) / ideal;
            const double fer = static_cast<double>(failed) / static_cast<double>(frames);
            const double mbps = static_cast<double>(n * frames) / seconds / 1e6;
            const double per_bit = bits / static_cast<double>(n * frames);
            std::printf("%-12s %6.3f %8.4f %8.4f %10.2e %9.1f %9zu %11.2f %12.1f%s\n", vname.c_str(), q, f, f_tag, fer,
                        rt / static_cast<double>(frames), rt_max, per_bit, mbps, undetected ? "  UNDETECTED ERRORS" : "");
            std::fflush(stdout);
            char line[256];
            std::snprintf(line, sizeof line, "%s,%zu,%g,%zu,%.5f,%.5f,%.3e,%zu,%.2f,%zu,%.3f,%.2f\n", vname.c_str(), n,
                          q, frames, f, f_tag, fer, undetected, rt / static_cast<double>(frames), rt_max, per_bit, mbps);
            csv_rows += line;
        }
    }
    if (csv) std::printf("\n%s", csv_rows.c_str());
    return 0;
}
