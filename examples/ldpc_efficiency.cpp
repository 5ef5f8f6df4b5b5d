// LDPC reconciliation's efficiency table: per QBER and mother-code length, the efficiency
// f = leak / (n_key h(QBER actual)), the frame error rate after verification, decoder attempts
// (blind rounds) and iterations, and throughput, printed as a table and (with --csv) as CSV.
//
//   qkdnq_ldpc_efficiency [--n 100000] [--frames 50] [--qber 0.02,0.05,0.08,0.1] [--delta 0.1]
//                         [--f 1.1] [--blind 3] [--seed 1] [--csv]
//
// For each QBER the tool takes the highest of the family's mother codes whose adaptable rates
// [(R0 - δ)/(1 - δ), R0/(1 - δ)] hold the target R = 1 - f h(QBER) (else the nearest), sets
// puncturing and shortening by ldpc_frame_parameters::for_qber, and runs both sides in this
// process on one thread (syndrome, decoding, blind reveals), then verification with
// ε_cor = 1e-12. f counts m - p + revealed bits, f+tag adds the tag; the key pairs carry exactly
// round(QBER n_key) errors. Throughput is key bits per second of both sides' work (the codes are
// built once per row, outside the timing).
#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/ldpc_reconcile.hpp>
#include <qkdnq/reconcile/verify.hpp>
#include <qkdnq/sim/binary_symmetric_channel.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace qkdnq::reconcile;

double binary_entropy(double p) { return p <= 0 || p >= 1 ? 0.0 : -p * std::log2(p) - (1 - p) * std::log2(1 - p); }

std::vector<double> parse_list(std::string_view s) {
    std::vector<double> out;
    std::size_t at = 0;
    while (at <= s.size()) {
        const std::size_t comma = s.find(',', at);
        out.push_back(std::stod(std::string(s.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at))));
        if (comma == std::string_view::npos) break;
        at = comma + 1;
    }
    return out;
}

// The family member whose adaptable range holds `target`, the highest such (the least
// puncturing: punctured bits cost more decoding margin than shortened ones), else the nearest.
const ldpc_distribution& choose(double target, double delta) {
    const ldpc_distribution* best = ldpc_distributions[0];
    double best_distance = 1e9;
    for (const ldpc_distribution* d : ldpc_distributions) {
        const double lo = (d->rate - delta) / (1 - delta), hi = d->rate / (1 - delta);
        const double distance = target < lo ? lo - target : (target > hi ? target - hi : 0.0);
        if (distance <= best_distance) {
            best_distance = distance;
            best = d;
        }
    }
    return *best;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t n = 100'000, frames = 50;
    std::vector<double> qbers = {0.02, 0.05, 0.08, 0.10};
    double delta = 0.1, f_target = 1.1;
    std::uint32_t blind = 3;
    std::uint64_t seed = 1;
    bool csv = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--n") n = std::stoul(std::string(value()));
        else if (a == "--frames") frames = std::stoul(std::string(value()));
        else if (a == "--qber") qbers = parse_list(value());
        else if (a == "--delta") delta = std::stod(std::string(value()));
        else if (a == "--f") f_target = std::stod(std::string(value()));
        else if (a == "--blind") blind = static_cast<std::uint32_t>(std::stoul(std::string(value())));
        else if (a == "--seed") seed = std::stoull(std::string(value()));
        else if (a == "--csv") csv = true;
        else {
            std::fprintf(stderr, "usage: %s [--n N] [--frames F] [--qber a,b] [--delta D] [--f F] [--blind T] [--seed S] [--csv]\n", argv[0]);
            return 2;
        }
    }
    std::printf("LDPC, mother codes of about %zu bits, %zu frames per row, delta %.3f, f aimed at %.3f, %u blind attempts\n", n,
                frames, delta, f_target, blind);
    std::printf("%6s %5s %8s %7s %7s %8s %8s %10s %9s %9s %10s\n", "QBER", "R0", "n_key", "p", "s", "f", "f+tag", "FER", "attempts",
                "iters", "Mbit/s");
    std::string csv_rows = "qber,code_rate,code_bits,key_bits,punctured,shortened,frames,efficiency,efficiency_with_tag,fer,attempts_mean,iterations_mean,mbit_per_s\n";
    qkdnq::shake_drbg rng(seed);
    for (const double q : qbers) {
        const double target = 1 - f_target * binary_entropy(q);
        const ldpc_distribution& dist = choose(target, delta);
        const auto rate_tenths = static_cast<std::uint8_t>(std::lround(dist.rate * 10));
        const auto code = std::make_shared<const ldpc_code>(make_ldpc_code(dist, n, seed));
        const auto ppm = static_cast<std::uint32_t>(std::lround(q * 1e6));
        double leak = 0, tags = 0, ideal = 0, attempts = 0, iterations = 0, seconds = 0;
        std::size_t failed = 0;
        ldpc_frame_parameters params;
        for (std::size_t frame = 0; frame < frames; ++frame) {
            params = ldpc_frame_parameters::for_qber(*code, rate_tenths, seed, ppm, seed * 1'000'003 + frame, delta, f_target, blind);
            const std::size_t k = params.key_bits();
            const auto errors = static_cast<std::size_t>(std::llround(q * static_cast<double>(k)));
            const auto pair = qkdnq::sim::exact_error_key_pair(k, errors, rng);
            const auto start = std::chrono::steady_clock::now();
            ldpc_alice alice(pair.alice, params, code, rng);
            ldpc_bob bob(pair.bob, params, code);
            std::vector<std::uint8_t> m = alice.start();
            for (;;) {
                const ldpc_output b = bob.receive(m);
                const ldpc_output a = alice.receive(b.message);
                if (b.status != ldpc_status::ok || a.status != ldpc_status::ok) {
                    std::fprintf(stderr, "protocol error\n");
                    return 1;
                }
                if (a.message.empty()) break;
                m = a.message;
            }
            seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const auto tag = make_verification_message(pair.alice, {.epsilon_cor = 1e-12}, rng);
            const auto check = check_verification_message(bob.key(), tag, {.epsilon_cor = 1e-12});
            const bool ok = bob.decoded() && check.status == verify_status::match;
            failed += ok ? 0 : 1;
            leak += static_cast<double>(bob.statistics().leaked_bits);
            tags += static_cast<double>(check.leak_bits());
            ideal += static_cast<double>(k) * binary_entropy(static_cast<double>(errors) / static_cast<double>(k));
            attempts += static_cast<double>(bob.statistics().attempts);
            iterations += static_cast<double>(bob.statistics().iterations);
        }
        const double count = static_cast<double>(frames);
        const double f = leak / ideal, f_tag = (leak + tags) / ideal, fer = static_cast<double>(failed) / count;
        const double mbit = count * static_cast<double>(params.key_bits()) / seconds / 1e6;
        std::printf("%6.3f %5.1f %8zu %7u %7u %8.4f %8.4f %10.2e %9.2f %9.1f %10.2f\n", q, dist.rate, params.key_bits(),
                    params.punctured, params.shortened, f, f_tag, fer, attempts / count, iterations / count, mbit);
        char line[256];
        std::snprintf(line, sizeof line, "%g,%.1f,%zu,%zu,%u,%u,%zu,%.5f,%.5f,%.3e,%.3f,%.2f,%.3f\n", q, dist.rate, code->variables(),
                      params.key_bits(), params.punctured, params.shortened, frames, f, f_tag, fer, attempts / count,
                      iterations / count, mbit);
        csv_rows += line;
    }
    if (csv) std::printf("\n%s", csv_rows.c_str());
    return 0;
}
