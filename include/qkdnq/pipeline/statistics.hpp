// Statistics of post-processing and key supply: per-block reports (pipeline/session.hpp) added up
// per link, and the quality-of-service parameters of key supply that ITU-T Y.3807 names, measured
// per segment (QKD link, relay, user network) as TR.QKDN-nq §8.1.4 asks; each printable as a
// table and as JSON (core/json.hpp).
//
//   qkdnq::pipeline::link_totals link;
//   link.add(report);                                   // every block_report of one side
//   std::puts(qkdnq::pipeline::format_table(link).c_str());
//   qkdnq::pipeline::qos_meter relay("relay A-C");
//   relay.record_delivery(delay_seconds, keys, bits);   // or record_error / record_loss
//   relay.set_elapsed(seconds);                         // the observation window
//   auto q = relay.report();                            // throughput, delay median / p99 / variation ...
//
// QoS parameters (Y.3807 §7 names them for key supply; the computations are this library's):
//   KSA-key throughput       key bits delivered per second of the observation window
//   KSA-key response delay   seconds from a request to its keys (median, 99th percentile, mean)
//   delay variation          the 99th percentile less the minimum (the form of ITU-T Y.1540's
//                            delay variation, a quantile against the minimum), and the standard deviation
//   key delivery error ratio keys delivered that differ between the two ends, over keys delivered
//   key loss ratio           keys requested or produced but never delivered, over all keys asked for
//   availability             requests served over requests made
#pragma once

#include <qkdnq/core/json.hpp>
#include <qkdnq/pipeline/session.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace qkdnq::pipeline {

// A JSON number for a double (shortest round-trip form); null for NaN or infinity.
[[nodiscard]] inline json::value json_number(double v) {
    if (!std::isfinite(v)) return json::value{};
    std::array<char, 32> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
    if (ec != std::errc{}) return json::value{};
    return json::value::number_text(std::string(buffer.data(), end));
}

// Sums of one side's block reports on a link.
struct link_totals {
    std::size_t blocks = 0;
    std::array<std::size_t, block_outcome_count> outcomes{};  // blocks per outcome
    std::uint64_t sifted_bits = 0;
    std::uint64_t test_bits = 0;
    std::uint64_t test_errors = 0;
    std::uint64_t reconciled_bits = 0;
    std::uint64_t corrected_bits = 0;
    std::uint64_t leak_ec_bits = 0;
    std::uint64_t leak_ideal_bits = 0;  // Σ n' h(corrected / n'), for the mean efficiency
    std::uint64_t secret_bits = 0;
    std::uint64_t auth_refill_bits = 0;
    std::uint64_t ksa_keys = 0;
    std::uint64_t ksa_key_bits = 0;
    std::uint64_t auth_bits_consumed = 0;
    std::uint64_t messages = 0;
    std::uint64_t round_trips = 0;
    stage_times times;
    double elapsed_seconds = 0;  // wall-clock time of the run, set by the caller (0: not known)

    void add(const block_report& r) {
        ++blocks;
        ++outcomes[static_cast<std::size_t>(r.outcome)];
        sifted_bits += r.sifted_bits;
        test_bits += r.test_bits;
        test_errors += r.test_errors;
        messages += r.messages;
        round_trips += r.round_trips;
        auth_bits_consumed += r.auth_bits_consumed;
        times.estimate += r.times.estimate;
        times.reconcile += r.times.reconcile;
        times.verify += r.times.verify;
        times.amplify += r.times.amplify;
        if (r.outcome != block_outcome::keys_delivered) return;
        reconciled_bits += r.reconciled_bits;
        corrected_bits += r.corrected_bits;
        leak_ec_bits += r.leak_ec_bits;
        const double e = r.reconciled_bits == 0 ? 0 : static_cast<double>(r.corrected_bits) / static_cast<double>(r.reconciled_bits);
        leak_ideal_bits += static_cast<std::uint64_t>(std::llround(static_cast<double>(r.reconciled_bits) * detail::binary_entropy(e)));
        secret_bits += r.secret_bits;
        auth_refill_bits += r.auth_refill_bits;
        ksa_keys += r.ksa_keys;
        ksa_key_bits += r.ksa_key_bits;
    }

    [[nodiscard]] std::size_t delivered() const noexcept { return outcomes[0]; }
    [[nodiscard]] double qber() const noexcept { return ratio(test_errors, test_bits); }
    // f over the delivered blocks: total leak over total n' h(e).
    [[nodiscard]] double efficiency() const noexcept { return ratio(leak_ec_bits, leak_ideal_bits); }
    [[nodiscard]] double secret_fraction() const noexcept { return ratio(secret_bits, sifted_bits); }
    // Bits per second of the run (0 when elapsed_seconds is not set).
    [[nodiscard]] double sifted_rate() const noexcept { return per_second(sifted_bits); }
    [[nodiscard]] double secret_rate() const noexcept { return per_second(secret_bits); }
    [[nodiscard]] double ksa_key_rate() const noexcept { return per_second(ksa_key_bits); }

private:
    [[nodiscard]] static double ratio(std::uint64_t a, std::uint64_t b) noexcept {
        return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
    }
    [[nodiscard]] double per_second(std::uint64_t bits) const noexcept {
        return elapsed_seconds > 0 ? static_cast<double>(bits) / elapsed_seconds : 0.0;
    }
};

[[nodiscard]] inline json::value to_json(const stage_times& t) {
    return json::value::object()
        .add("estimate_s", json_number(t.estimate))
        .add("reconcile_s", json_number(t.reconcile))
        .add("verify_s", json_number(t.verify))
        .add("amplify_s", json_number(t.amplify));
}

[[nodiscard]] inline json::value to_json(const block_report& r) {
    json::value v = json::value::object();
    v.add("block", json::value::number(r.block))
        .add("outcome", json::value::string(std::string(to_string(r.outcome))))
        .add("method", json::value::string(std::string(to_string(r.method))))
        .add("sifted_bits", json::value::number(r.sifted_bits))
        .add("key_bits", json::value::number(r.key_bits))
        .add("test_bits", json::value::number(r.test_bits))
        .add("test_errors", json::value::number(r.test_errors))
        .add("qber_estimate", json_number(r.qber_estimate))
        .add("qber_bound", json_number(r.qber_bound))
        .add("frames", json::value::number(r.frames))
        .add("frames_failed", json::value::number(r.frames_failed))
        .add("frames_unverified", json::value::number(r.frames_unverified))
        .add("reconciled_bits", json::value::number(r.reconciled_bits))
        .add("discarded_bits", json::value::number(r.discarded_bits))
        .add("corrected_bits", json::value::number(r.corrected_bits))
        .add("leak_ec_bits", json::value::number(r.leak_ec_bits))
        .add("verification_tag_bits", json::value::number(r.verification_tag_bits))
        .add("efficiency", json_number(r.efficiency))
        .add("secret_bits", json::value::number(r.secret_bits))
        .add("secret_fraction", json_number(r.secret_fraction))
        .add("auth_refill_bits", json::value::number(r.auth_refill_bits))
        .add("ksa_keys", json::value::number(r.ksa_keys))
        .add("ksa_key_bits", json::value::number(r.ksa_key_bits))
        .add("unused_bits", json::value::number(r.unused_bits))
        .add("auth_bits_consumed", json::value::number(r.auth_bits_consumed))
        .add("messages", json::value::number(r.messages))
        .add("round_trips", json::value::number(r.round_trips))
        .add("bytes_sent", json::value::number(r.bytes_sent))
        .add("bytes_received", json::value::number(r.bytes_received))
        .add("times", to_json(r.times));
    const auto& f = r.finite_key;
    v.add("finite_key", json::value::object()
                            .add("mu", json_number(static_cast<double>(f.mu)))
                            .add("phase_error_bound", json_number(static_cast<double>(f.phase_error_bound)))
                            .add("min_entropy", json_number(static_cast<double>(f.min_entropy)))
                            .add("leak_ec", json_number(static_cast<double>(f.leak_ec)))
                            .add("verification", json_number(static_cast<double>(f.verification)))
                            .add("privacy_amplification", json_number(static_cast<double>(f.privacy_amplification)))
                            .add("length", json::value::number(f.length)));
    return v;
}

[[nodiscard]] inline json::value to_json(const link_totals& t) {
    json::value outcomes = json::value::object();
    for (std::size_t i = 0; i < block_outcome_count; ++i) {
        if (t.outcomes[i] != 0) outcomes.add(std::string(to_string(static_cast<block_outcome>(i))), json::value::number(t.outcomes[i]));
    }
    return json::value::object()
        .add("blocks", json::value::number(t.blocks))
        .add("outcomes", std::move(outcomes))
        .add("sifted_bits", json::value::number(t.sifted_bits))
        .add("qber", json_number(t.qber()))
        .add("reconciled_bits", json::value::number(t.reconciled_bits))
        .add("leak_ec_bits", json::value::number(t.leak_ec_bits))
        .add("efficiency", json_number(t.efficiency()))
        .add("secret_bits", json::value::number(t.secret_bits))
        .add("secret_fraction", json_number(t.secret_fraction()))
        .add("auth_refill_bits", json::value::number(t.auth_refill_bits))
        .add("auth_bits_consumed", json::value::number(t.auth_bits_consumed))
        .add("ksa_keys", json::value::number(t.ksa_keys))
        .add("ksa_key_bits", json::value::number(t.ksa_key_bits))
        .add("messages", json::value::number(t.messages))
        .add("round_trips", json::value::number(t.round_trips))
        .add("times", to_json(t.times))
        .add("elapsed_s", json_number(t.elapsed_seconds))
        .add("sifted_bits_per_s", json_number(t.sifted_rate()))
        .add("secret_bits_per_s", json_number(t.secret_rate()));
}

namespace detail {

// printf into a std::string (the formats are the library's own, never the caller's).
template <class... Args>
void append_format(std::string& out, const char* format, Args... args) {
    std::array<char, 256> line{};
    const int n = std::snprintf(line.data(), line.size(), format, args...);
    if (n > 0) out.append(line.data(), std::min(static_cast<std::size_t>(n), line.size() - 1));
}

}  // namespace detail

// A block's report as "name value" lines.
[[nodiscard]] inline std::string format_table(const block_report& r) {
    std::string s;
    detail::append_format(s, "  block %llu: %s (%s)\n", static_cast<unsigned long long>(r.block), std::string(to_string(r.outcome)).c_str(),
                          std::string(to_string(r.method)).c_str());
    detail::append_format(s, "    sifted bits          %12zu  (key %zu, test %zu)\n", r.sifted_bits, r.key_bits, r.test_bits);
    detail::append_format(s, "    QBER estimate        %12.4f %%  (bound %.4f %%, %zu errors)\n", 100 * r.qber_estimate, 100 * r.qber_bound,
                          r.test_errors);
    detail::append_format(s, "    reconciled           %12zu  (%zu frames, %zu not decoded, %zu not verified; %zu bits discarded)\n",
                          r.reconciled_bits, r.frames, r.frames_failed, r.frames_unverified, r.discarded_bits);
    detail::append_format(s, "    leak (EC + tag)      %12zu + %zu  (f = %.3f, %zu corrected)\n", r.leak_ec_bits, r.verification_tag_bits,
                          r.efficiency, r.corrected_bits);
    detail::append_format(s, "    secret bits          %12llu  (%.4f of sifted)\n", static_cast<unsigned long long>(r.secret_bits),
                          r.secret_fraction);
    detail::append_format(s, "    to auth pools        %12zu  (consumed %llu)\n", r.auth_refill_bits,
                          static_cast<unsigned long long>(r.auth_bits_consumed));
    detail::append_format(s, "    KSA-keys             %12zu  (%zu bits)\n", r.ksa_keys, r.ksa_key_bits);
    detail::append_format(s, "    messages             %12zu  (%zu round trips)\n", r.messages, r.round_trips);
    detail::append_format(s, "    time (ms)            estimate %.2f, reconcile %.2f, verify %.2f, amplify %.2f\n", 1e3 * r.times.estimate,
                          1e3 * r.times.reconcile, 1e3 * r.times.verify, 1e3 * r.times.amplify);
    return s;
}

// A link's totals as "name value" lines.
[[nodiscard]] inline std::string format_table(const link_totals& t) {
    std::string s;
    detail::append_format(s, "    blocks               %12zu  (%zu delivered)\n", t.blocks, t.delivered());
    for (std::size_t i = 1; i < block_outcome_count; ++i) {
        if (t.outcomes[i] != 0) {
            detail::append_format(s, "      aborted: %-22s %zu\n", std::string(to_string(static_cast<block_outcome>(i))).c_str(), t.outcomes[i]);
        }
    }
    detail::append_format(s, "    sifted bits          %12llu\n", static_cast<unsigned long long>(t.sifted_bits));
    detail::append_format(s, "    QBER (test bits)     %12.4f %%\n", 100 * t.qber());
    detail::append_format(s, "    efficiency f         %12.4f\n", t.efficiency());
    detail::append_format(s, "    secret bits          %12llu  (%.4f of sifted)\n", static_cast<unsigned long long>(t.secret_bits),
                          t.secret_fraction());
    detail::append_format(s, "    KSA-keys             %12llu  (%llu bits; %llu bits to the auth pools, %llu consumed)\n",
                          static_cast<unsigned long long>(t.ksa_keys), static_cast<unsigned long long>(t.ksa_key_bits),
                          static_cast<unsigned long long>(t.auth_refill_bits), static_cast<unsigned long long>(t.auth_bits_consumed));
    detail::append_format(s, "    messages             %12llu  (%llu round trips)\n", static_cast<unsigned long long>(t.messages),
                          static_cast<unsigned long long>(t.round_trips));
    detail::append_format(s, "    time (s)             estimate %.3f, reconcile %.3f, verify %.3f, amplify %.3f\n", t.times.estimate,
                          t.times.reconcile, t.times.verify, t.times.amplify);
    if (t.elapsed_seconds > 0) {
        detail::append_format(s, "    throughput           %12.2f Mbit/s sifted in, %.2f Mbit/s secret out\n", t.sifted_rate() / 1e6,
                              t.secret_rate() / 1e6);
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
// Quality of service of key supply (ITU-T Y.3807), per segment.
// ---------------------------------------------------------------------------------------------

struct qos_report {
    std::string segment;
    std::size_t requests = 0;         // made
    std::size_t served = 0;           // answered with keys
    std::uint64_t keys_delivered = 0;
    std::uint64_t key_bits_delivered = 0;
    std::uint64_t keys_in_error = 0;  // delivered, but not the same at both ends
    std::uint64_t keys_lost = 0;      // asked for or produced, never delivered
    double elapsed_seconds = 0;
    double throughput_bits_per_s = 0;  // KSA-key throughput
    double delay_median_s = 0;         // KSA-key response delay
    double delay_p99_s = 0;
    double delay_mean_s = 0;
    double delay_min_s = 0;
    double delay_variation_s = 0;      // p99 - min
    double delay_stddev_s = 0;
    double error_ratio = 0;            // keys_in_error / keys_delivered
    double loss_ratio = 0;             // keys_lost / (keys_delivered + keys_lost)
    double availability = 0;           // served / requests
};

class qos_meter {
public:
    explicit qos_meter(std::string segment) : m_segment(std::move(segment)) {}

    // A request answered with `keys` keys of `bits` bits in all, after `delay_seconds`.
    void record_delivery(double delay_seconds, std::uint64_t keys, std::uint64_t bits) {
        ++m_requests;
        ++m_served;
        m_keys += keys;
        m_bits += bits;
        m_delays.push_back(delay_seconds);
    }
    // `keys` of the delivered keys differ between the two ends (found by a check after delivery).
    void record_error(std::uint64_t keys) { m_errors += keys; }
    // A request that got no keys (refused, timed out, aborted): its `keys` are lost.
    void record_loss(std::uint64_t keys) {
        ++m_requests;
        m_lost += keys;
    }
    // The observation window, for the throughput.
    void set_elapsed(double seconds) noexcept { m_elapsed = seconds; }

    [[nodiscard]] qos_report report() const {
        qos_report q;
        q.segment = m_segment;
        q.requests = m_requests;
        q.served = m_served;
        q.keys_delivered = m_keys;
        q.key_bits_delivered = m_bits;
        q.keys_in_error = m_errors;
        q.keys_lost = m_lost;
        q.elapsed_seconds = m_elapsed;
        q.throughput_bits_per_s = m_elapsed > 0 ? static_cast<double>(m_bits) / m_elapsed : 0;
        if (!m_delays.empty()) {
            std::vector<double> d = m_delays;
            std::sort(d.begin(), d.end());
            q.delay_min_s = d.front();
            q.delay_median_s = quantile(d, 0.5);
            q.delay_p99_s = quantile(d, 0.99);
            double sum = 0;
            for (const double x : d) sum += x;
            q.delay_mean_s = sum / static_cast<double>(d.size());
            double var = 0;
            for (const double x : d) var += (x - q.delay_mean_s) * (x - q.delay_mean_s);
            q.delay_stddev_s = d.size() > 1 ? std::sqrt(var / static_cast<double>(d.size() - 1)) : 0;
            q.delay_variation_s = q.delay_p99_s - q.delay_min_s;
        }
        q.error_ratio = m_keys == 0 ? 0 : static_cast<double>(m_errors) / static_cast<double>(m_keys);
        q.loss_ratio = m_keys + m_lost == 0 ? 0 : static_cast<double>(m_lost) / static_cast<double>(m_keys + m_lost);
        q.availability = m_requests == 0 ? 0 : static_cast<double>(m_served) / static_cast<double>(m_requests);
        return q;
    }

private:
    // The q-quantile of sorted values, linear between order statistics (type 7).
    [[nodiscard]] static double quantile(const std::vector<double>& sorted, double q) {
        const double at = q * static_cast<double>(sorted.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(at));
        const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
        return sorted[lo] + (at - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
    }

    std::string m_segment;
    std::size_t m_requests = 0;
    std::size_t m_served = 0;
    std::uint64_t m_keys = 0;
    std::uint64_t m_bits = 0;
    std::uint64_t m_errors = 0;
    std::uint64_t m_lost = 0;
    double m_elapsed = 0;
    std::vector<double> m_delays;
};

[[nodiscard]] inline json::value to_json(const qos_report& q) {
    return json::value::object()
        .add("segment", json::value::string(q.segment))
        .add("requests", json::value::number(q.requests))
        .add("served", json::value::number(q.served))
        .add("keys_delivered", json::value::number(q.keys_delivered))
        .add("key_bits_delivered", json::value::number(q.key_bits_delivered))
        .add("keys_in_error", json::value::number(q.keys_in_error))
        .add("keys_lost", json::value::number(q.keys_lost))
        .add("elapsed_s", json_number(q.elapsed_seconds))
        .add("ksa_key_throughput_bits_per_s", json_number(q.throughput_bits_per_s))
        .add("response_delay_median_s", json_number(q.delay_median_s))
        .add("response_delay_p99_s", json_number(q.delay_p99_s))
        .add("response_delay_mean_s", json_number(q.delay_mean_s))
        .add("response_delay_variation_s", json_number(q.delay_variation_s))
        .add("response_delay_stddev_s", json_number(q.delay_stddev_s))
        .add("key_delivery_error_ratio", json_number(q.error_ratio))
        .add("key_loss_ratio", json_number(q.loss_ratio))
        .add("availability", json_number(q.availability));
}

// QoS reports as one table, a row per segment.
[[nodiscard]] inline std::string format_table(const std::vector<qos_report>& rows) {
    std::string s;
    detail::append_format(s, "  %-26s %12s %10s %10s %10s %9s %9s %9s\n", "segment", "kbit/s", "delay p50", "delay p99", "variation",
                          "errors", "losses", "avail.");
    for (const auto& q : rows) {
        detail::append_format(s, "  %-26s %12.1f %8.3f ms %8.3f ms %8.3f ms %9.2e %9.2e %9.4f\n", q.segment.c_str(),
                              q.throughput_bits_per_s / 1e3, 1e3 * q.delay_median_s, 1e3 * q.delay_p99_s, 1e3 * q.delay_variation_s,
                              q.error_ratio, q.loss_ratio, q.availability);
    }
    return s;
}

}  // namespace qkdnq::pipeline
