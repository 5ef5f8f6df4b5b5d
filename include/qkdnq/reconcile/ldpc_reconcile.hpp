// LDPC syndrome reconciliation as two sans-I/O state machines, with rate adaptation by puncturing
// and shortening and the blind protocol.
//
//   auto params = ldpc_frame_parameters::plan(qber_ppm, 100'000, code_seed, frame_seed);  // code, δ, p, s
//   auto code = std::make_shared<const ldpc_code>(make_ldpc_code(params));  // build once, share
//   ldpc_alice alice(alice_key, params, code, rng);   // alice_key: params.key_bits() bits
//   ldpc_bob bob(bob_key, params, code);
//   auto m = alice.start();                           // the syndrome
//   for (;;) {
//       ldpc_output b = bob.receive(m);               // "decoded" or "failed"
//       ldpc_output a = alice.receive(b.message);     // a reveal, or nothing when done
//       if (a.message.empty()) break;
//       m = std::move(a.message);
//   }
//   bob.decoded(); bob.key(); bob.statistics();      // then verify (reconcile/verify.hpp): mandatory
//
// Frame ([RC10] Elkouss, Martinez-Mateo, Lancho, Martin, ITW 2010, §III; ../shared/notes/ldpc.md
// §2). The mother code has n bits; d = p + s of them are not key: d distinct positions in
// uniformly random order (Fisher-Yates run forward for d steps), drawn from the frame seed, the
// first p punctured (Alice fills them with fresh private random bits), the next s shortened
// (values drawn from the frame seed, known to both); the remaining n - d, in increasing position
// order, carry the key bits in order.
// Alice sends the syndrome of that word. Bob decodes with LLR 0 on punctured positions and a
// saturated LLR of the known value on shortened ones; the rate is R = (k - s)/(n - p - s), so
// one mother code serves a range of QBERs (`for_qber`: [RC10] Eq. 7), and the family serves
// 1-11 % (`plan`: a code, δ, p and s per QBER).
//
// Blind ([BL12] Martinez-Mateo, Elkouss, Martin, QIC 12:791, 2012, §4). If Bob's decoder does not
// meet the syndrome, he says so and Alice reveals the values of the next Δ = ceil(p / (t - 1))
// punctured positions (they become shortened); after t - 1 reveals nothing is punctured. Then,
// with key_reveal_rounds = k > 0, a failure makes Alice reveal key_reveal_bits more bits of the
// key itself, at positions public from the frame seed (the layout's next Fisher-Yates steps), for
// up to k more attempts (this project's extension, for the rare frames that the last blind
// attempt fails); a failure after that ends the frame as failed. t = 1 and k = 0 is plain
// rate-adaptive reconciliation.
//
// Leak. `leaked_bits` = m - p + (revealed values) + (revealed key bits): the syndrome's m bits
// less the p punctured random bits they also cover, plus every revealed value, the figure
// f = leak / (n_key h(Q)) measures ([RC10], [BL12]); `syndrome_bits`, `revealed_bits` and
// `revealed_key_bits` give the parts, for a conservative count (m + revealed + revealed key bits)
// where the punctured columns' independence is not assumed. Add the verification tag's bits in
// either case.
//
// Wire format, version 2 (little-endian; bits LSB first, spare bits zero):
//   header (8 bytes): 'Q' 'L' | version 2 | type | sequence u32
//   1 syndrome (Alice, sequence 0): parameters (rate percent u8 | code bits u32 | code seed u64 |
//     punctured u32 | shortened u32 | frame seed u64 | blind rounds u32 | QBER ppm u32 |
//     max iterations u32 | key reveal rounds u32 | key reveal bits u32) | syndrome bit count u32
//     (= m) | ceil(m / 8) bytes
//   2 outcome (Bob, the sequence of the message he answers): 1 decoded, 2 failed (u8)
//   3 reveal (Alice, sequence i >= 1 for the i-th): count u32 (the next Δ, fewer at the end; in
//     the key rounds, key reveal bits) | ceil(count / 8) bytes: the values of those positions
// A message that fails a check is rejected with an `ldpc_status` and changes nothing.
#pragma once

#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/random.hpp>
#include <qkdnq/reconcile/detail/cascade_wire.hpp>
#include <qkdnq/reconcile/ldpc_code.hpp>
#include <qkdnq/reconcile/ldpc_decoder.hpp>
#include <qkdnq/reconcile/permutation.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace qkdnq::reconcile {

enum class [[nodiscard]] ldpc_status : std::uint8_t {
    ok = 0,
    truncated,            // shorter than its fields declare
    malformed,            // wrong magic, type or field, trailing bytes, set spare bits
    unsupported_version,  // a version byte other than 2
    unexpected_message,   // a message this side does not take now (or anything after the end)
    out_of_sequence,      // a sequence number other than the one expected
    parameter_mismatch,   // the syndrome's parameters are not this side's
};

[[nodiscard]] constexpr std::string_view to_string(ldpc_status s) noexcept {
    switch (s) {
        case ldpc_status::ok: return "ok";
        case ldpc_status::truncated: return "truncated";
        case ldpc_status::malformed: return "malformed";
        case ldpc_status::unsupported_version: return "unsupported version";
        case ldpc_status::unexpected_message: return "unexpected message";
        case ldpc_status::out_of_sequence: return "out of sequence";
        case ldpc_status::parameter_mismatch: return "parameter mismatch";
    }
    return "unknown";
}

struct [[nodiscard]] ldpc_output {
    ldpc_status status = ldpc_status::ok;
    std::vector<std::uint8_t> message;
};

// What `ldpc_frame_parameters::plan` aims at: the efficiency f = (1 - R)/h(Q) of the first
// decoding attempt and of the last (every punctured value revealed), and the number of attempts.
// The defaults were chosen on this family at n = 10^5 (docs/performance.md, LDPC: aiming lower
// first made more first attempts fail, for no better mean f; a later last aim, a larger δ, made
// the first attempts puncture more and fail more).
struct ldpc_aims {
    double f_first = 1.10;
    double f_last = 1.14;
    std::uint32_t blind_rounds = 3;
    // Then up to this many attempts, each after revealing key bits (a share of n): rare, so they
    // cost little f (n = 10^5, 2000 frames: +0.002 at 1 %, +0.001 at 2 %), and they decode most
    // frames that the last blind attempt fails (frame errors at 1 % 5.5 -> 1.5 10^-3; not the
    // decoder's rare wrong words, which only verification catches).
    std::uint32_t key_reveal_rounds = 2;
    double key_reveal_share = 0.02;
};

// What both sides must agree on for one frame.
struct ldpc_frame_parameters {
    std::uint8_t rate_percent = 50;   // the family's distribution: 50, 55, ..., 90 for rates 0.5 ... 0.9
    std::uint32_t code_bits = 0;      // the mother code's n
    std::uint64_t code_seed = 0;      // make_ldpc_code's seed
    std::uint32_t punctured = 0;      // p
    std::uint32_t shortened = 0;      // s
    std::uint64_t frame_seed = 0;     // the positions' permutation and the shortened values
    std::uint32_t blind_rounds = 1;   // t >= 1 decoding attempts
    std::uint32_t qber_ppm = 10'000;  // Bob's channel model for the LLRs, 1 ... 499,999
    std::uint32_t max_iterations = 60;
    std::uint32_t key_reveal_rounds = 0;  // attempts after the punctured values are out, each after
    std::uint32_t key_reveal_bits = 0;    //   Alice reveals this many more key bits (public positions)

    [[nodiscard]] std::size_t key_bits() const noexcept { return std::size_t{code_bits} - punctured - shortened; }
    friend bool operator==(const ldpc_frame_parameters&, const ldpc_frame_parameters&) = default;

    // [RC10] Eq. 7 for a code and a QBER: d = round(δ n) positions adapted, the target rate
    // R = 1 - f h(Q), s = ceil((R0 - R (1 - δ)) n) clamped to [0, d], p = d - s.
    [[nodiscard]] static ldpc_frame_parameters for_qber(const ldpc_code& code, std::uint8_t rate_percent, std::uint64_t code_seed,
                                                        std::uint32_t qber_ppm, std::uint64_t frame_seed, double delta = 0.1,
                                                        double f = 1.1, std::uint32_t blind_rounds = 1) {
        return adapted(code.variables(), code.rate(), rate_percent, code_seed, qber_ppm, frame_seed, delta, f, blind_rounds);
    }

    // The family's operating point for a QBER (`ldpc_aims`): frames of the mother code of about
    // n bits (make_ldpc_code(params) builds it). The first attempt is to have rate
    // R_first = 1 - f_first h(Q), the last (everything revealed) R_last = 1 - f_last h(Q). The
    // code is the family member that needs the fewest adapted positions for R_first, punctured
    // ones weighted three times (π = 1 - R0/R_first above R0, σ = (R0 - R_first)/(1 - R_first)
    // below); δ = max((R0 - R_last)/(1 - R_last), 1 - R0/R_first), within [0, 1/2], so that both
    // rates are in the code's range where they can be. Then p and s as for_qber for f_first.
    // Throws `invalid_argument` for a QBER outside (0, 1/2) ppm or aims with f_last < f_first.
    [[nodiscard]] static ldpc_frame_parameters plan(std::uint32_t qber_ppm, std::size_t n, std::uint64_t code_seed,
                                                    std::uint64_t frame_seed, const ldpc_aims& aims = {});

private:
    [[nodiscard]] static double entropy(std::uint32_t qber_ppm) noexcept {
        const double q = static_cast<double>(qber_ppm) * 1e-6;
        return -q * std::log2(q) - (1 - q) * std::log2(1 - q);
    }
    [[nodiscard]] static ldpc_frame_parameters adapted(std::size_t code_bits, double code_rate, std::uint8_t rate_percent,
                                                       std::uint64_t code_seed, std::uint32_t qber_ppm, std::uint64_t frame_seed,
                                                       double delta, double f, std::uint32_t blind_rounds) {
        ldpc_frame_parameters p;
        p.rate_percent = rate_percent;
        p.code_bits = static_cast<std::uint32_t>(code_bits);
        p.code_seed = code_seed;
        p.frame_seed = frame_seed;
        p.qber_ppm = qber_ppm;
        p.blind_rounds = blind_rounds;
        if (qber_ppm == 0 || qber_ppm >= 500'000) p.validate();  // throws: no entropy to aim at
        const double n = static_cast<double>(code_bits);
        const double d = std::round(delta * n);
        const double target = 1 - f * entropy(qber_ppm);
        const double s = std::clamp(std::ceil((code_rate - target * (1 - delta)) * n), 0.0, d);
        p.shortened = static_cast<std::uint32_t>(s);
        p.punctured = static_cast<std::uint32_t>(d - s);
        p.validate();
        return p;
    }

public:
    // Throws `invalid_argument` for values no frame can have.
    void validate() const {
        if (ldpc_distribution_for_percent(rate_percent) == nullptr || code_bits == 0 || std::size_t{punctured} + shortened >= code_bits ||
            blind_rounds == 0 || blind_rounds > 64 || qber_ppm == 0 || qber_ppm >= 500'000 || max_iterations == 0 ||
            max_iterations > 10'000 || key_reveal_rounds > 64 || (key_reveal_rounds == 0) != (key_reveal_bits == 0) ||
            std::size_t{key_reveal_rounds} * key_reveal_bits > (std::size_t{code_bits} - punctured - shortened) / 2) {
            throw invalid_argument("qkdnq::reconcile::ldpc_frame_parameters: out of range (rate % " + std::to_string(rate_percent) +
                                   ", n " + std::to_string(code_bits) + ", p " + std::to_string(punctured) + ", s " +
                                   std::to_string(shortened) + ", t " + std::to_string(blind_rounds) + ", QBER ppm " +
                                   std::to_string(qber_ppm) + ", iterations " + std::to_string(max_iterations) + ", key reveals " +
                                   std::to_string(key_reveal_rounds) + " x " + std::to_string(key_reveal_bits) + ")");
        }
    }
    // Values revealed per blind round.
    [[nodiscard]] std::uint32_t reveal_step() const noexcept {
        return blind_rounds <= 1 ? 0 : (punctured + blind_rounds - 2) / (blind_rounds - 1);
    }
};

inline ldpc_frame_parameters ldpc_frame_parameters::plan(std::uint32_t qber_ppm, std::size_t n, std::uint64_t code_seed,
                                                         std::uint64_t frame_seed, const ldpc_aims& aims) {
    if (qber_ppm == 0 || qber_ppm >= 500'000 || !(aims.f_first >= 1.0) || !(aims.f_last >= aims.f_first)) {
        throw invalid_argument("qkdnq::reconcile::ldpc_frame_parameters::plan: QBER " + std::to_string(qber_ppm) + " ppm, f from " +
                               std::to_string(aims.f_first) + " to " + std::to_string(aims.f_last));
    }
    const double h = entropy(qber_ppm);
    const double r_first = 1 - aims.f_first * h, r_last = 1 - aims.f_last * h;
    // The mother code: the fewest adapted positions for the first attempt, a punctured one
    // counted as three shortened ones (it enters the decoder knowing nothing).
    const ldpc_distribution* code = ldpc_distributions.front();
    double best = std::numeric_limits<double>::infinity();
    for (const ldpc_distribution* d : ldpc_distributions) {
        const double punctured = std::max(0.0, 1 - d->rate / r_first), shortened = std::max(0.0, (d->rate - r_first) / (1 - r_first));
        if (3 * punctured + shortened < best) {
            best = 3 * punctured + shortened;
            code = d;
        }
    }
    const double r0 = code->rate;
    // δ: room to reach R_first, and (when R_last < R0) for the last attempt to reach R_last.
    const double delta = std::clamp(std::max((r0 - r_last) / (1 - r_last), 1 - r0 / r_first), 0.0, 0.5);
    const std::size_t code_bits = ldpc_code_bits(n);
    ldpc_frame_parameters p = adapted(code_bits, r0, static_cast<std::uint8_t>(std::lround(r0 * 100)), code_seed, qber_ppm,
                                      frame_seed, delta, aims.f_first, aims.blind_rounds);
    if (aims.key_reveal_rounds > 0 && aims.key_reveal_share > 0) {
        p.key_reveal_rounds = aims.key_reveal_rounds;
        p.key_reveal_bits = static_cast<std::uint32_t>(std::ceil(aims.key_reveal_share * static_cast<double>(code_bits)));
    }
    p.validate();
    return p;
}

// The mother code a frame's parameters name (the family's, built as both sides build it).
[[nodiscard]] inline ldpc_code make_ldpc_code(const ldpc_frame_parameters& params) {
    params.validate();
    return make_ldpc_code(*ldpc_distribution_for_percent(params.rate_percent), params.code_bits, params.code_seed);
}

struct ldpc_statistics {
    std::size_t key_bits = 0;
    std::size_t syndrome_bits = 0;  // m
    std::size_t revealed_bits = 0;      // punctured values revealed by blind rounds
    std::size_t revealed_key_bits = 0;  // key bits revealed after them
    std::size_t leaked_bits = 0;    // m - p + revealed + revealed key bits (see the header)
    std::size_t attempts = 0;       // decoder runs
    std::size_t iterations = 0;     // decoder iterations, all attempts
    std::size_t messages = 0;       // both directions
    std::size_t bits_alice_to_bob = 0;
    std::size_t bits_bob_to_alice = 0;
    bool decoded = false;           // the syndrome was met (verify before trusting the key)
};

namespace detail {

inline constexpr std::uint8_t ldpc_magic[2] = {'Q', 'L'};
inline constexpr std::uint8_t ldpc_wire_version = 2;  // 1 named the code by rate in tenths
enum class ldpc_message_type : std::uint8_t { syndrome = 1, outcome = 2, reveal = 3 };
inline constexpr std::uint8_t ldpc_decoded = 1, ldpc_failed = 2;

// The frame's layout: position order[i] of the mother word; the first p punctured, the next s
// shortened, the rest (sorted) the key's; and the shortened values.
struct ldpc_layout {
    std::vector<std::uint32_t> punctured, shortened, key;
    std::vector<std::uint32_t> key_revealed;  // the key positions key reveals name, in order
    bit_vector shortened_values;
};

// What follows a failed attempt, given the attempts so far, the punctured values and the key
// rounds already revealed: punctured values while any remain within the t blind attempts, then
// key bits while key rounds remain, then nothing (the frame has failed).
struct ldpc_reveal {
    enum class kind : std::uint8_t { none, punctured, key };
    kind what = kind::none;
    std::size_t count = 0;
};
[[nodiscard]] inline ldpc_reveal next_ldpc_reveal(const ldpc_frame_parameters& p, std::size_t attempts, std::size_t punctured_revealed,
                                                  std::size_t key_rounds) noexcept {
    if (punctured_revealed < p.punctured && attempts < p.blind_rounds) {
        return {ldpc_reveal::kind::punctured, std::min<std::size_t>(p.reveal_step(), p.punctured - punctured_revealed)};
    }
    if (key_rounds < p.key_reveal_rounds) return {ldpc_reveal::kind::key, p.key_reveal_bits};
    return {};
}

[[nodiscard]] inline ldpc_layout make_ldpc_layout(const ldpc_frame_parameters& p) {
    std::array<std::uint8_t, 16> tail{};
    store_le64(tail.data(), p.frame_seed);
    store_le32(tail.data() + 8, p.code_bits);
    store_le32(tail.data() + 12, p.punctured + p.shortened);
    permutation_rng rng("qkdnq ldpc frame", tail);
    // The first d (and the key reveals' positions after them) of a uniformly random order:
    // Fisher-Yates run forward for that many steps.
    const std::size_t d = std::size_t{p.punctured} + p.shortened, revealable = std::size_t{p.key_reveal_rounds} * p.key_reveal_bits;
    std::vector<std::uint32_t> order(p.code_bits);
    for (std::uint32_t v = 0; v < p.code_bits; ++v) order[v] = v;
    for (std::size_t i = 0; i < d + revealable; ++i) std::swap(order[i], order[i + static_cast<std::size_t>(rng.below(p.code_bits - i))]);
    ldpc_layout layout;
    layout.punctured.assign(order.begin(), order.begin() + p.punctured);
    layout.shortened.assign(order.begin() + p.punctured, order.begin() + p.punctured + p.shortened);
    std::vector<std::uint8_t> adapted(p.code_bits, 0);  // the key's positions in increasing order, without a sort
    for (std::size_t i = 0; i < d; ++i) adapted[order[i]] = 1;
    layout.key.reserve(p.key_bits());
    for (std::uint32_t v = 0; v < p.code_bits; ++v) {
        if (adapted[v] == 0) layout.key.push_back(v);
    }
    layout.key_revealed.assign(order.begin() + static_cast<std::ptrdiff_t>(d), order.begin() + static_cast<std::ptrdiff_t>(d + revealable));
    layout.shortened_values = bit_vector(p.shortened);
    for (std::size_t i = 0; i < p.shortened; ++i) layout.shortened_values.set(i, (rng.next() >> 63) != 0);
    return layout;
}

inline void write_ldpc_header(wire_writer& w, ldpc_message_type type, std::uint32_t sequence) {
    w.u8(ldpc_magic[0]);
    w.u8(ldpc_magic[1]);
    w.u8(ldpc_wire_version);
    w.u8(static_cast<std::uint8_t>(type));
    w.u32(sequence);
}

[[nodiscard]] inline ldpc_status read_ldpc_header(wire_reader& r, ldpc_message_type& type, std::uint32_t& sequence) {
    std::uint8_t m0 = 0, m1 = 0, version = 0, t = 0;
    if (!r.u8(m0) || !r.u8(m1) || !r.u8(version) || !r.u8(t) || !r.u32(sequence)) return ldpc_status::truncated;
    if (m0 != ldpc_magic[0] || m1 != ldpc_magic[1]) return ldpc_status::malformed;
    if (version != ldpc_wire_version) return ldpc_status::unsupported_version;
    if (t < 1 || t > 3) return ldpc_status::malformed;
    type = static_cast<ldpc_message_type>(t);
    return ldpc_status::ok;
}

inline void write_bits(wire_writer& w, const bit_vector& bits) {
    w.u32(static_cast<std::uint32_t>(bits.size()));
    for (const std::uint8_t b : bits.to_bytes()) w.u8(b);
}

// `count` bits as written by write_bits after its count; nullopt-like failure via status.
[[nodiscard]] inline ldpc_status read_bits(wire_reader& r, std::size_t count, bit_vector& out) {
    const bytes_view bytes = r.take((count + 7) / 8);
    if (bytes.size() != (count + 7) / 8) return ldpc_status::truncated;
    if (count % 8 != 0 && (bytes.back() >> (count % 8)) != 0) return ldpc_status::malformed;
    out = bit_vector::from_bytes(bytes, count);
    return ldpc_status::ok;
}

inline void check_ldpc_setup(const char* who, std::size_t key_size, const ldpc_frame_parameters& params, const ldpc_code& code) {
    params.validate();
    if (code.variables() != params.code_bits || code.quasi_cyclic().lift == 0) {
        throw invalid_argument(std::string("qkdnq::reconcile::") + who + ": the code has " + std::to_string(code.variables()) +
                               " bits (quasi-cyclic needed), the parameters " + std::to_string(params.code_bits));
    }
    if (key_size != params.key_bits()) {
        throw invalid_argument(std::string("qkdnq::reconcile::") + who + ": key of " + std::to_string(key_size) +
                               " bits, parameters for " + std::to_string(params.key_bits()));
    }
}

}  // namespace detail

// The side holding the reference key: sends the syndrome, and reveals punctured values on request.
class ldpc_alice {
public:
    // `rng` fills the punctured positions (private random bits, never sent except when revealed).
    template <random_generator G>
    ldpc_alice(const bit_vector& key, ldpc_frame_parameters params, std::shared_ptr<const ldpc_code> code, G& rng)
        : m_params(params), m_code(std::move(code)) {
        if (!m_code) throw invalid_argument("qkdnq::reconcile::ldpc_alice: no code");
        detail::check_ldpc_setup("ldpc_alice", key.size(), m_params, *m_code);
        m_layout = detail::make_ldpc_layout(m_params);
        m_punctured_values = bit_vector::random(m_params.punctured, rng);
        bit_vector word(m_params.code_bits);
        for (std::size_t i = 0; i < m_layout.key.size(); ++i) word.set(m_layout.key[i], key[i]);
        for (std::size_t i = 0; i < m_layout.punctured.size(); ++i) word.set(m_layout.punctured[i], m_punctured_values[i]);
        for (std::size_t i = 0; i < m_layout.shortened.size(); ++i) word.set(m_layout.shortened[i], m_layout.shortened_values[i]);
        m_syndrome = m_code->syndrome(word);
        if (m_params.key_reveal_rounds > 0) m_word = std::move(word);
    }

    [[nodiscard]] std::vector<std::uint8_t> start() {
        if (m_started) throw invalid_state("qkdnq::reconcile::ldpc_alice::start: called twice");
        m_started = true;
        detail::wire_writer w;
        detail::write_ldpc_header(w, detail::ldpc_message_type::syndrome, 0);
        w.u8(m_params.rate_percent);
        w.u32(m_params.code_bits);
        w.u64(m_params.code_seed);
        w.u32(m_params.punctured);
        w.u32(m_params.shortened);
        w.u64(m_params.frame_seed);
        w.u32(m_params.blind_rounds);
        w.u32(m_params.qber_ppm);
        w.u32(m_params.max_iterations);
        w.u32(m_params.key_reveal_rounds);
        w.u32(m_params.key_reveal_bits);
        detail::write_bits(w, m_syndrome);
        m_bits_out += 8 * w.size();
        return w.take();
    }

    // Takes Bob's outcome: returns a reveal after a failure while punctured values remain, else
    // nothing (the frame is over: `finished()`).
    ldpc_output receive(bytes_view message) {
        if (!m_started || m_finished) return {ldpc_status::unexpected_message, {}};
        detail::wire_reader r(message);
        detail::ldpc_message_type type{};
        std::uint32_t sequence = 0;
        if (auto s = detail::read_ldpc_header(r, type, sequence); s != ldpc_status::ok) return {s, {}};
        if (type != detail::ldpc_message_type::outcome) return {ldpc_status::unexpected_message, {}};
        if (sequence != m_sequence) return {ldpc_status::out_of_sequence, {}};
        std::uint8_t outcome = 0;
        if (!r.u8(outcome)) return {ldpc_status::truncated, {}};
        if (r.remaining() != 0 || (outcome != detail::ldpc_decoded && outcome != detail::ldpc_failed)) return {ldpc_status::malformed, {}};
        m_bits_in += 8 * message.size();
        ++m_sequence;
        const detail::ldpc_reveal next = detail::next_ldpc_reveal(m_params, m_sequence, m_revealed, m_key_rounds);
        if (outcome == detail::ldpc_decoded || next.what == detail::ldpc_reveal::kind::none) {
            m_finished = true;
            m_decoded = outcome == detail::ldpc_decoded;
            return {};
        }
        bit_vector values(next.count);
        if (next.what == detail::ldpc_reveal::kind::punctured) {
            for (std::size_t i = 0; i < next.count; ++i) values.set(i, m_punctured_values[m_revealed + i]);
            m_revealed += next.count;
        } else {
            const std::size_t first = m_key_rounds * m_params.key_reveal_bits;
            for (std::size_t i = 0; i < next.count; ++i) values.set(i, m_word[m_layout.key_revealed[first + i]]);
            ++m_key_rounds;
            m_revealed_key += next.count;
        }
        detail::wire_writer w;
        detail::write_ldpc_header(w, detail::ldpc_message_type::reveal, m_sequence);
        detail::write_bits(w, values);
        m_bits_out += 8 * w.size();
        return {ldpc_status::ok, w.take()};
    }

    [[nodiscard]] bool finished() const noexcept { return m_finished; }
    [[nodiscard]] bool bob_decoded() const noexcept { return m_decoded; }
    [[nodiscard]] std::size_t revealed_bits() const noexcept { return m_revealed; }
    [[nodiscard]] std::size_t revealed_key_bits() const noexcept { return m_revealed_key; }
    [[nodiscard]] std::size_t leaked_bits() const noexcept { return m_syndrome.size() - m_params.punctured + m_revealed + m_revealed_key; }
    [[nodiscard]] std::size_t bits_sent() const noexcept { return m_bits_out; }
    [[nodiscard]] std::size_t bits_received() const noexcept { return m_bits_in; }

private:
    ldpc_frame_parameters m_params;
    std::shared_ptr<const ldpc_code> m_code;
    detail::ldpc_layout m_layout;
    bit_vector m_punctured_values;
    bit_vector m_syndrome;
    bit_vector m_word;  // the mother word, kept when key bits may be revealed
    std::uint32_t m_sequence = 0;
    std::size_t m_revealed = 0;
    std::size_t m_revealed_key = 0;
    std::size_t m_key_rounds = 0;
    std::size_t m_bits_out = 0;
    std::size_t m_bits_in = 0;
    bool m_started = false;
    bool m_finished = false;
    bool m_decoded = false;
};

// The side holding the noisy key: decodes, reports, and decodes again after each reveal.
class ldpc_bob {
public:
    // `decoder`, when given, decodes instead of a decoder of Bob's own: one per thread, kept
    // across frames, saves allocating (and on first touch faulting in) about 2 bytes per edge of
    // message buffers every frame. It must be built for `code`; throws `invalid_argument` if not.
    // Bob's own decoder gives up an attempt after `default_stall_limit` iterations without fewer
    // unsatisfied checks (layered_decoder::set_stall_limit); a given one keeps its setting.
    ldpc_bob(bit_vector key, ldpc_frame_parameters params, std::shared_ptr<const ldpc_code> code,
             std::shared_ptr<layered_decoder> decoder = nullptr)
        : m_key(std::move(key)), m_params(params), m_code(std::move(code)), m_decoder(std::move(decoder)) {
        if (!m_code) throw invalid_argument("qkdnq::reconcile::ldpc_bob: no code");
        detail::check_ldpc_setup("ldpc_bob", m_key.size(), m_params, *m_code);
        if (m_decoder && &m_decoder->code() != m_code.get()) {
            throw invalid_argument("qkdnq::reconcile::ldpc_bob: the decoder was built for another code");
        }
        m_layout = detail::make_ldpc_layout(m_params);
        m_stats.key_bits = m_key.size();
        // Channel LLRs on key positions, 0 on punctured ones, saturated on shortened ones.
        const double q = static_cast<double>(m_params.qber_ppm) * 1e-6;
        const double channel = std::log((1 - q) / q);
        m_llr.assign(m_params.code_bits, 0.0);
        for (std::size_t i = 0; i < m_layout.key.size(); ++i) m_llr[m_layout.key[i]] = m_key[i] ? -channel : channel;
        for (std::size_t i = 0; i < m_layout.shortened.size(); ++i) m_llr[m_layout.shortened[i]] = known(m_layout.shortened_values[i]);
    }

    // Takes Alice's syndrome or a reveal; decodes; returns the outcome to send.
    ldpc_output receive(bytes_view message) {
        if (m_finished) return {ldpc_status::unexpected_message, {}};
        detail::wire_reader r(message);
        detail::ldpc_message_type type{};
        std::uint32_t sequence = 0;
        if (auto s = detail::read_ldpc_header(r, type, sequence); s != ldpc_status::ok) return {s, {}};
        if (sequence != m_sequence) return {ldpc_status::out_of_sequence, {}};
        if (type != (m_sequence == 0 ? detail::ldpc_message_type::syndrome : detail::ldpc_message_type::reveal)) {
            return {ldpc_status::unexpected_message, {}};
        }
        bit_vector bits;
        detail::ldpc_reveal reveal;
        if (m_sequence == 0) {
            ldpc_frame_parameters theirs;
            std::uint32_t count = 0;
            if (!r.u8(theirs.rate_percent) || !r.u32(theirs.code_bits) || !r.u64(theirs.code_seed) || !r.u32(theirs.punctured) ||
                !r.u32(theirs.shortened) || !r.u64(theirs.frame_seed) || !r.u32(theirs.blind_rounds) || !r.u32(theirs.qber_ppm) ||
                !r.u32(theirs.max_iterations) || !r.u32(theirs.key_reveal_rounds) || !r.u32(theirs.key_reveal_bits) || !r.u32(count)) {
                return {ldpc_status::truncated, {}};
            }
            if (!(theirs == m_params)) return {ldpc_status::parameter_mismatch, {}};
            if (count != m_code->checks()) return {ldpc_status::malformed, {}};
            if (auto s = detail::read_bits(r, count, bits); s != ldpc_status::ok) return {s, {}};
        } else {
            std::uint32_t count = 0;
            if (!r.u32(count)) return {ldpc_status::truncated, {}};
            reveal = detail::next_ldpc_reveal(m_params, m_sequence, m_stats.revealed_bits, m_key_rounds);
            if (count != reveal.count) return {ldpc_status::malformed, {}};
            if (auto s = detail::read_bits(r, count, bits); s != ldpc_status::ok) return {s, {}};
        }
        if (r.remaining() != 0) return {ldpc_status::malformed, {}};

        m_stats.bits_alice_to_bob += 8 * message.size();
        ++m_stats.messages;
        if (m_sequence == 0) {
            m_syndrome = std::move(bits);
            m_stats.syndrome_bits = m_syndrome.size();
        } else if (reveal.what == detail::ldpc_reveal::kind::punctured) {
            for (std::size_t i = 0; i < bits.size(); ++i) m_llr[m_layout.punctured[m_stats.revealed_bits + i]] = known(bits[i]);
            m_stats.revealed_bits += bits.size();
        } else {
            const std::size_t first = m_key_rounds * m_params.key_reveal_bits;
            for (std::size_t i = 0; i < bits.size(); ++i) m_llr[m_layout.key_revealed[first + i]] = known(bits[i]);
            m_stats.revealed_key_bits += bits.size();
            ++m_key_rounds;
        }
        m_stats.leaked_bits = m_stats.syndrome_bits - m_params.punctured + m_stats.revealed_bits + m_stats.revealed_key_bits;
        if (!m_decoder) {
            m_decoder = std::make_shared<layered_decoder>(*m_code);
            m_decoder->set_stall_limit(default_stall_limit);
        }
        const ldpc_decode_result out = m_decoder->decode(m_llr, m_syndrome, m_params.max_iterations);
        ++m_stats.attempts;
        m_stats.iterations += out.iterations;
        if (out.syndrome_matched) {
            for (std::size_t i = 0; i < m_layout.key.size(); ++i) m_key.set(i, out.word[m_layout.key[i]]);
        }
        const bool last = out.syndrome_matched || detail::next_ldpc_reveal(m_params, m_sequence + std::size_t{1}, m_stats.revealed_bits, m_key_rounds).what ==
                                                      detail::ldpc_reveal::kind::none;
        m_stats.decoded = out.syndrome_matched;
        detail::wire_writer w;
        detail::write_ldpc_header(w, detail::ldpc_message_type::outcome, m_sequence);
        w.u8(out.syndrome_matched ? detail::ldpc_decoded : detail::ldpc_failed);
        ++m_sequence;
        m_finished = last;
        m_stats.bits_bob_to_alice += 8 * w.size();
        ++m_stats.messages;
        return {ldpc_status::ok, w.take()};
    }

    // Measured at n = 10^5 (docs/performance.md, LDPC): 15 leaves f and the frame error rate as
    // without it and saves a quarter of the iterations where attempts fail.
    static constexpr unsigned default_stall_limit = 15;

    [[nodiscard]] bool finished() const noexcept { return m_finished; }
    [[nodiscard]] bool decoded() const noexcept { return m_stats.decoded; }
    // Bob's key: the decoded one once decoded() (verify it), else his own.
    [[nodiscard]] const bit_vector& key() const noexcept { return m_key; }
    [[nodiscard]] const ldpc_statistics& statistics() const noexcept { return m_stats; }

private:
    // A known bit (shortened, or revealed): the largest LLR the fast decoder holds.
    [[nodiscard]] static double known(bool value) noexcept { return value ? -known_llr : known_llr; }
    static constexpr double known_llr = static_cast<double>(layered_decoder::channel_limit) / layered_decoder::llr_scale;

    bit_vector m_key;
    ldpc_frame_parameters m_params;
    std::shared_ptr<const ldpc_code> m_code;
    detail::ldpc_layout m_layout;
    std::vector<double> m_llr;
    bit_vector m_syndrome;
    std::shared_ptr<layered_decoder> m_decoder;
    ldpc_statistics m_stats;
    std::uint32_t m_sequence = 0;
    std::size_t m_key_rounds = 0;
    bool m_finished = false;
};

}  // namespace qkdnq::reconcile
