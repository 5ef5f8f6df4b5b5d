// LDPC reconciliation's efficiency table: per QBER and mother-code length, the efficiency
// f = leak / (n_key h(QBER actual)), the frame error rate after verification, decoder attempts
// (blind rounds) and iterations, and throughput, printed as a table and (with --csv) as CSV.
//
//   qkdnq_ldpc_efficiency [--n 100000] [--frames 50] [--qber 0.01,0.02,0.05,0.08,0.1]
//                         [--f-first 1.08] [--f-last 1.16] [--blind 3]
//                         [--key-rounds 2] [--key-share 0.02] [--rate R0 --delta D]
//                         [--iterations 60] [--stall 15] [--seed 1] [--csv]
//
// For each QBER the tool takes the family's operating point (ldpc_frame_parameters::plan with
// the aims given: the mother code, δ, puncturing and shortening), or with --rate and --delta
// that mother code and δ with puncturing and shortening for --f-first (for_qber), and runs both
// sides in this process on one thread (syndrome, decoding, blind reveals), then verification with
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

}  // namespace

int main(int argc, char** argv) {
    std::size_t n = 100'000, frames = 50;
    std::vector<double> qbers = {0.01, 0.02, 0.05, 0.08, 0.10};
    ldpc_aims aims;
    double rate = 0, delta = 0.1;
    std::uint32_t iterations_cap = 60;
    unsigned stall = ldpc_bob::default_stall_limit;
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
        else if (a == "--f-first") aims.f_first = std::stod(std::string(value()));
        else if (a == "--f-last") aims.f_last = std::stod(std::string(value()));
        else if (a == "--blind") aims.blind_rounds = static_cast<std::uint32_t>(std::stoul(std::string(value())));
        else if (a == "--key-rounds") aims.key_reveal_rounds = static_cast<std::uint32_t>(std::stoul(std::string(value())));
        else if (a == "--key-share") aims.key_reveal_share = std::stod(std::string(value()));
        else if (a == "--rate") rate = std::stod(std::string(value()));
        else if (a == "--delta") delta = std::stod(std::string(value()));
        else if (a == "--iterations") iterations_cap = static_cast<std::uint32_t>(std::stoul(std::string(value())));
        else if (a == "--stall") stall = static_cast<unsigned>(std::stoul(std::string(value())));
        else if (a == "--seed") seed = std::stoull(std::string(value()));
        else if (a == "--csv") csv = true;
        else {
            std::fprintf(stderr, "usage: %s [--n N] [--frames F] [--qber a,b] [--f-first F] [--f-last F] [--blind T] [--key-rounds K] [--key-share S] [--rate R0 --delta D] [--iterations I] [--stall L] [--seed S] [--csv]\n", argv[0]);
            return 2;
        }
    }
    if (rate != 0 && ldpc_distribution_for_percent(static_cast<unsigned>(std::lround(rate * 100))) == nullptr) {
        std::fprintf(stderr, "--rate %g is not one of the family's (0.5, 0.55, ..., 0.9)\n", rate);
        return 2;
    }
    std::printf("LDPC, mother codes of about %zu bits, %zu frames per row, f aimed at %.3f first, %.3f last, %u attempts at most\n", n,
                frames, aims.f_first, aims.f_last, aims.blind_rounds);
    std::printf("%6s %5s %8s %7s %7s %8s %8s %10s %6s %9s %9s %10s\n", "QBER", "R0", "n_key", "p", "s", "f", "f+tag", "FER", "wrong",
                "attempts", "iters", "Mbit/s");
    std::string csv_rows =
        "qber,code_rate,code_bits,key_bits,punctured,shortened,frames,efficiency,efficiency_with_tag,fer,wrong_words,attempts_mean,iterations_mean,mbit_per_s\n";
    qkdnq::shake_drbg rng(seed);
    for (const double q : qbers) {
        const auto ppm = static_cast<std::uint32_t>(std::lround(q * 1e6));
        ldpc_frame_parameters params;
        std::shared_ptr<const ldpc_code> code;
        if (rate == 0) {
            params = ldpc_frame_parameters::plan(ppm, n, seed, 0, aims);
            code = std::make_shared<const ldpc_code>(make_ldpc_code(params));
        } else {
            const auto percent = static_cast<std::uint8_t>(std::lround(rate * 100));
            code = std::make_shared<const ldpc_code>(make_ldpc_code(*ldpc_distribution_for_percent(percent), n, seed));
            params = ldpc_frame_parameters::for_qber(*code, percent, seed, ppm, 0, delta, aims.f_first, aims.blind_rounds);
        }
        params.max_iterations = iterations_cap;
        const auto decoder = std::make_shared<layered_decoder>(*code);  // Bob's, kept across frames
        decoder->set_stall_limit(stall);
        double leak = 0, tags = 0, ideal = 0, attempts = 0, iterations = 0, seconds = 0;
        std::size_t failed = 0, wrong = 0;  // wrong: the syndrome met by another word, caught by verification
        for (std::size_t frame = 0; frame < frames; ++frame) {
            params.frame_seed = seed * 1'000'003 + frame;
            const std::size_t k = params.key_bits();
            const auto errors = static_cast<std::size_t>(std::llround(q * static_cast<double>(k)));
            const auto pair = qkdnq::sim::exact_error_key_pair(k, errors, rng);
            const auto start = std::chrono::steady_clock::now();
            ldpc_alice alice(pair.alice, params, code, rng);
            ldpc_bob bob(pair.bob, params, code, decoder);
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
            failed += ok ? 0U : 1U;
            wrong += bob.decoded() && !ok ? 1U : 0U;
            leak += static_cast<double>(bob.statistics().leaked_bits);
            tags += static_cast<double>(check.leak_bits());
            ideal += static_cast<double>(k) * binary_entropy(static_cast<double>(errors) / static_cast<double>(k));
            attempts += static_cast<double>(bob.statistics().attempts);
            iterations += static_cast<double>(bob.statistics().iterations);
        }
        const double count = static_cast<double>(frames);
        const double f = leak / ideal, f_tag = (leak + tags) / ideal, fer = static_cast<double>(failed) / count;
        const double mbit = count * static_cast<double>(params.key_bits()) / seconds / 1e6;
        std::printf("%6.3f %5.2f %8zu %7u %7u %8.4f %8.4f %10.2e %6zu %9.2f %9.1f %10.2f\n", q, params.rate_percent / 100.0, params.key_bits(),
                    params.punctured, params.shortened, f, f_tag, fer, wrong, attempts / count, iterations / count, mbit);
        char line[256];
        std::snprintf(line, sizeof line, "%g,%.2f,%zu,%zu,%u,%u,%zu,%.5f,%.5f,%.3e,%zu,%.3f,%.2f,%.3f\n", q, params.rate_percent / 100.0,
                      code->variables(), params.key_bits(), params.punctured, params.shortened, frames, f, f_tag, fer, wrong,
                      attempts / count, iterations / count, mbit);
        csv_rows += line;
    }
    if (csv) std::printf("\n%s", csv_rows.c_str());
    return 0;
}
