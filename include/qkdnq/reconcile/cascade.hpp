// Cascade reconciliation as two sans-I/O state machines.
//
//   auto params = cascade_parameters::for_variant(cascade_variant::pow2x4, n, qber_ppm, seed);
//   cascade_alice alice(alice_key, params);          // holds the reference key, answers parities
//   cascade_bob bob(bob_key, params);                // holds the noisy key, asks and corrects
//   std::vector<std::uint8_t> request = bob.start();
//   while (!request.empty()) {                       // each request/reply pair is one round trip
//       cascade_output reply = alice.respond(request);   // check reply.status
//       cascade_output next = bob.receive(reply.message); // check next.status
//       request = std::move(next.message);           // the last one is Bob's "done" message ...
//       if (bob.finished()) { (void)alice.respond(request); break; }  // ... which Alice takes too
//   }
//   bob.key();  bob.statistics();                    // then verify (reconcile/verify.hpp): mandatory
//
// Protocol (Brassard-Salvail, EUROCRYPT '93, §6.2 and §7.1; ../shared/notes/cascade.md). Pass 1
// splits the key into blocks of k_1 bits; pass i >= 2 first applies the public permutation of
// (seed, i) (reconcile/permutation.hpp) and splits the permuted view into blocks of k_i. Bob
// compares his parity of every block with Alice's; on a block whose parities differ (an odd
// number of errors) he runs BINARY: ask the parity of the left half (one bit larger when the
// size is odd), infer the right half's (parent XOR left), recurse into the half whose parities
// differ, flip the last bit. Flipping a bit changes the parity of the block holding it in every
// pass so far; such a block of an earlier pass now differs and is searched too (the cascade
// effect). A pass ends when every block of every pass so far has equal parities.
//
// What this implementation adds, none of it changing which parities are disclosed except to
// disclose fewer:
// - Every question that can be asked in parallel is asked in one message: all BINARY searches of
//   all passes advance together, one level per round trip.
// - The block parities of every normal pass are asked in Bob's first message (every pass discloses
//   them anyway), so starting a pass costs no round trip.
// - Known parities are kept: every asked or inferred block parity stays in a tree per pass, a
//   search starts at the smallest known block whose parities differ, and a block whose parent and
//   sibling are known is never asked.
// - The last block of pass i >= 2 (and a BICONF round's second half) is inferred from the key's
//   total parity, which pass 1 disclosed.
// Searches run at the deepest known block with differing parities; a size-1 block with known
// parity that differs is corrected without a question. Two searches that would find the same
// error (blocks of different passes) both run until one flips it; the other then stops.
//
// Leak. Every parity Alice sends is a bit about her key: `leaked_parities` counts them on both
// sides (Alice counts what she sent; the done message lets her check Bob agrees). Indices, block
// sizes and seeds are independent of the key. Tupkary and Lütkenhaus (arXiv:2307.00576) warn that
// security proofs must account for all two-way communication: the statistics also give every bit
// sent each way.
//
// Wire format, version 2 (integers little-endian, "varint" = unsigned LEB128, minimal; bit
// fields packed LSB first, the last byte's spare bits zero):
//   header (8 bytes): 'Q' 'C' | version 2 | type (1 request, 2 reply, 3 done) | sequence u32
//   request: [sequence 0 only: parameters: key bits u64 | variant u8 | shuffle u8 | qber ppm u32 |
//             seed u64 | passes u8 | block size u32 per pass | BICONF clean rounds u32 |
//             BICONF max rounds u32 | flags u8 (bit 0 cascade, bit 1 complement)]
//            item count varint, then items:
//              1 blocks: pass varint | block size k varint | count c varint
//                        (the parities of view bits [b k, min((b+1) k, n)) for b < c)
//              2 ranges: pass varint | count c varint | c x (begin, length - 2) as W-bit fields,
//                        W = bit_width(n - 1), in ceil(2 c W / 8) bytes: nodes [begin, begin +
//                        length) of the pass's view, length >= 2, their left halves adding up to
//                        at most n bits
//              3 continued: count c varint | c bit pairs in ceil(2c / 8) bytes, one per range
//                        question of the previous request in answer order (c must be their
//                        number): bit 0 set = ask about a half of that node as a new node, bit 1
//                        which half (0 left, 1 right); the half must have two bits or more, at
//                        least one pair must be set, and bit 1 alone is not allowed
//            a node's left half is [begin, mid), mid = begin + ceil(length / 2); a range question
//            asks its parity; each (item kind, pass) and the continued item at most once
//   reply:   parity count varint | ceil(count/8) bytes of parities, LSB first, spare bits zero,
//            in the order the request asked them (item by item); same sequence number as the
//            request
//   done:    parities Alice disclosed, as Bob counts them, u64
// Version 1 sent every range as (begin, length - 1) varints; version 2 asks the same questions in
// a half to a third of the bytes, most of them continuations (a BINARY search's next level).
// Pass p is numbered from 0 on the wire (pass 0 is not permuted). A message that fails any check
// is rejected with a precise cascade_status and changes nothing on the side that got it.
#pragma once

#include <qkdnq/amplify/finite_key.hpp>
#include <qkdnq/core/bit_vector.hpp>
#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/reconcile/cascade_parameters.hpp>
#include <qkdnq/reconcile/detail/cascade_wire.hpp>
#include <qkdnq/reconcile/permutation.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qkdnq::reconcile {

// Why a side rejected a message (or ok).
enum class [[nodiscard]] cascade_status : std::uint8_t {
    ok = 0,
    truncated,            // shorter than its fields declare
    malformed,            // wrong magic, unknown type or item, a field out of range, trailing bytes
    unsupported_version,  // a version byte other than 2
    unexpected_message,   // a message type this side does not take now (or anything after done)
    out_of_sequence,      // a sequence number other than the one expected
    parameter_mismatch,   // the first request's parameters are not this side's
    inconsistent,         // Alice's parities contradict each other (never from an honest Alice):
                          // Bob stops, believing nothing
};

[[nodiscard]] constexpr std::string_view to_string(cascade_status s) noexcept {
    switch (s) {
        case cascade_status::ok: return "ok";
        case cascade_status::truncated: return "truncated";
        case cascade_status::malformed: return "malformed";
        case cascade_status::unsupported_version: return "unsupported version";
        case cascade_status::unexpected_message: return "unexpected message";
        case cascade_status::out_of_sequence: return "out of sequence";
        case cascade_status::parameter_mismatch: return "parameter mismatch";
        case cascade_status::inconsistent: return "inconsistent parities";
    }
    return "unknown";
}

// A side's answer to a message: its status and what to send back (empty: nothing to send).
struct [[nodiscard]] cascade_output {
    cascade_status status = cascade_status::ok;
    std::vector<std::uint8_t> message;
};

struct cascade_statistics {
    std::size_t key_bits = 0;
    std::size_t leaked_parities = 0;    // parities Alice disclosed: the leak before verification
    std::size_t inferred_parities = 0;  // block parities Bob inferred instead of asking
    std::size_t bits_bob_to_alice = 0;  // every message byte, times 8
    std::size_t bits_alice_to_bob = 0;
    std::size_t messages = 0;           // both directions, Bob's done message included
    std::size_t round_trips = 0;        // request/reply pairs
    std::size_t corrected_bits = 0;     // bits Bob flipped
    std::size_t passes = 0;             // normal passes plus BICONF rounds run
    bool believed_correct = false;      // finished, and no known block's parities still differ
};

// The pass permutations of one (n, seed, shuffle): built once, then shared read-only by both
// sides in one process and by every frame that uses the same seed (a session seed), so that a
// frame pays only for applying them. Pass p (wire numbering, p >= 1) is
// pass_permutation(n, seed, p, shuffle). Sharing permutations across frames is sound (they are
// public and independent of the errors), but then the frames of a simulation are not independent
// samples of the permutations.
class cascade_permutations {
public:
    // Builds passes 1 ... passes - 1 (pass 0 is the identity).
    cascade_permutations(std::size_t key_bits, std::uint64_t seed, shuffle_kind kind, std::size_t passes)
        : m_key_bits(key_bits), m_seed(seed), m_kind(kind) {
        for (std::size_t p = 1; p < passes; ++p) {
            m_perms.emplace_back(key_bits, seed, static_cast<std::uint32_t>(p), kind);
        }
    }
    // Every normal pass of a parameter set; for the passes of at most two blocks (k >= n/2, n >=
    // 128) also the key positions of the first block, so that their block parities cost a masked
    // popcount instead of a permuted copy of the key (built only once a search needs it).
    explicit cascade_permutations(const cascade_parameters& params)
        : cascade_permutations(static_cast<std::size_t>(params.key_bits), params.seed, params.shuffle, params.passes()) {
        const std::size_t n = m_key_bits;
        m_masks.resize(m_perms.size());
        m_mask_block.resize(m_perms.size(), 0);
        for (std::size_t p = 1; p < params.passes(); ++p) {
            const std::size_t k = params.block_sizes[p];
            if (n < 128 || 2 * k < n) continue;
            bit_vector mask(n);
            for (std::size_t l = 0; l < n; ++l) {
                if (m_perms[p - 1].position_of(l) < k) mask.set(l);
            }
            m_masks[p - 1] = std::move(mask);
            m_mask_block[p - 1] = k;
        }
    }

    [[nodiscard]] bool serves(const cascade_parameters& params) const noexcept {
        return params.key_bits == m_key_bits && params.seed == m_seed && params.shuffle == m_kind;
    }
    // Pass p's permutation, or nullptr if this set does not hold it.
    [[nodiscard]] const pass_permutation* find(std::size_t pass) const noexcept {
        return pass >= 1 && pass <= m_perms.size() ? &m_perms[pass - 1] : nullptr;
    }
    // The key positions in pass p's first block of k bits, or nullptr if not held.
    [[nodiscard]] const bit_vector* first_block_mask(std::size_t pass, std::size_t k) const noexcept {
        if (pass < 1 || pass > m_masks.size() || m_mask_block[pass - 1] != k) return nullptr;
        return &m_masks[pass - 1];
    }

private:
    std::size_t m_key_bits;
    std::uint64_t m_seed;
    shuffle_kind m_kind;
    std::vector<pass_permutation> m_perms;
    std::vector<bit_vector> m_masks;
    std::vector<std::size_t> m_mask_block;
};

namespace detail {

// The permuted views both sides keep: view 0 is the key itself, view p >= 1 the key under the
// permutation of (seed, p), taken from a shared set where one is given.
class cascade_views {
public:
    cascade_views() = default;
    cascade_views(std::uint64_t seed, shuffle_kind kind, std::shared_ptr<const cascade_permutations> shared)
        : m_seed(seed), m_kind(kind), m_shared(std::move(shared)) {}

    [[nodiscard]] bool has(std::size_t pass) const noexcept { return pass < m_views.size() && m_built[pass]; }
    void build(std::size_t pass, const bit_vector& key) {
        if (pass >= m_views.size()) {
            m_views.resize(pass + 1);
            m_perms.resize(pass + 1, nullptr);
            m_built.resize(pass + 1, false);
        }
        if (pass == 0) {
            m_views[0] = key;
        } else {
            const pass_permutation* perm = m_shared ? m_shared->find(pass) : nullptr;
            if (perm == nullptr) {
                m_own.push_back(std::make_unique<pass_permutation>(key.size(), m_seed, static_cast<std::uint32_t>(pass), m_kind));
                perm = m_own.back().get();
            }
            m_perms[pass] = perm;
            perm->apply(key, m_views[pass]);
        }
        m_built[pass] = true;
    }
    [[nodiscard]] const bit_vector& view(std::size_t pass) const noexcept { return m_views[pass]; }
    [[nodiscard]] std::size_t position(std::size_t pass, std::size_t original) const noexcept {
        return pass == 0 ? original : m_perms[pass]->position_of(original);
    }
    [[nodiscard]] std::size_t source(std::size_t pass, std::size_t position) const {
        return pass == 0 ? position : m_perms[pass]->source(position);
    }
    // Flips view bit j of pass p (the caller maps it from the key position).
    void flip_at(std::size_t pass, std::size_t j) { m_views[pass].flip(j); }
    // The shared set's first-block mask for pass p with blocks of k bits, or nullptr.
    [[nodiscard]] const bit_vector* first_block_mask(std::size_t pass, std::size_t k) const noexcept {
        return m_shared ? m_shared->first_block_mask(pass, k) : nullptr;
    }

private:
    std::uint64_t m_seed = 0;
    shuffle_kind m_kind = shuffle_kind::uniform;
    std::shared_ptr<const cascade_permutations> m_shared;
    std::vector<std::unique_ptr<pass_permutation>> m_own;
    std::vector<bit_vector> m_views;
    std::vector<const pass_permutation*> m_perms;
    std::vector<bool> m_built;
};

// Parity of view bits [begin, end), begin < end <= size (checked by the callers' parsers).
[[nodiscard]] inline bool range_parity(const bit_vector& v, std::size_t begin, std::size_t end) noexcept {
    const std::uint64_t* w = v.words().data();
    const std::size_t first = begin / 64;
    const std::size_t last = (end - 1) / 64;
    const std::uint64_t head = ~std::uint64_t{0} << (begin % 64);
    const std::uint64_t tail = ~std::uint64_t{0} >> (63 - (end - 1) % 64);
    if (first == last) return std::popcount(w[first] & head & tail) & 1;
    std::uint64_t acc = (w[first] & head) ^ (w[last] & tail);
    for (std::size_t i = first + 1; i < last; ++i) acc ^= w[i];
    return std::popcount(acc) & 1;
}

// Where a node [begin, end) splits: its left half is one bit larger when the size is odd.
[[nodiscard]] constexpr std::uint32_t split_point(std::uint32_t begin, std::uint32_t end) noexcept {
    return begin + (end - begin + 1) / 2;
}

// Parities of the key's bits inside and outside a mask (a pass's first and second block).
[[nodiscard]] inline std::pair<bool, bool> masked_parities(const bit_vector& key, const bit_vector& mask) noexcept {
    std::uint64_t in = 0, out = 0;
    const auto k = key.words();
    const auto m = mask.words();
    for (std::size_t i = 0; i < k.size(); ++i) {
        in ^= k[i] & m[i];
        out ^= k[i] & ~m[i];
    }
    return {(std::popcount(in) & 1) != 0, (std::popcount(out) & 1) != 0};
}

inline void write_parameters(wire_writer& w, const cascade_parameters& p) {
    w.u64(p.key_bits);
    w.u8(static_cast<std::uint8_t>(p.variant));
    w.u8(static_cast<std::uint8_t>(p.shuffle));
    w.u32(p.qber_ppm);
    w.u64(p.seed);
    w.u8(static_cast<std::uint8_t>(p.block_sizes.size()));
    for (const std::uint32_t k : p.block_sizes) w.u32(k);
    w.u32(p.biconf_clean_rounds);
    w.u32(p.biconf_max_rounds);
    w.u8(static_cast<std::uint8_t>((p.biconf_cascade ? 1u : 0u) | (p.biconf_complement ? 2u : 0u)));
}

[[nodiscard]] inline cascade_status read_parameters(wire_reader& r, cascade_parameters& p) {
    std::uint8_t variant = 0, shuffle = 0, passes = 0, flags = 0;
    if (!r.u64(p.key_bits) || !r.u8(variant) || !r.u8(shuffle) || !r.u32(p.qber_ppm) || !r.u64(p.seed) ||
        !r.u8(passes)) {
        return cascade_status::truncated;
    }
    p.variant = static_cast<cascade_variant>(variant);
    p.shuffle = static_cast<shuffle_kind>(shuffle);
    p.block_sizes.resize(passes);
    for (auto& k : p.block_sizes) {
        if (!r.u32(k)) return cascade_status::truncated;
    }
    if (!r.u32(p.biconf_clean_rounds) || !r.u32(p.biconf_max_rounds) || !r.u8(flags)) return cascade_status::truncated;
    if (flags > 3) return cascade_status::malformed;
    p.biconf_cascade = (flags & 1u) != 0;
    p.biconf_complement = (flags & 2u) != 0;
    return cascade_status::ok;
}

[[nodiscard]] inline cascade_status read_header(wire_reader& r, cascade_message_type& type, std::uint32_t& sequence) {
    std::uint8_t m0 = 0, m1 = 0, version = 0, t = 0;
    if (!r.u8(m0) || !r.u8(m1) || !r.u8(version) || !r.u8(t) || !r.u32(sequence)) return cascade_status::truncated;
    if (m0 != cascade_magic[0] || m1 != cascade_magic[1]) return cascade_status::malformed;
    if (version != cascade_wire_version) return cascade_status::unsupported_version;
    if (t < 1 || t > 3) return cascade_status::malformed;
    type = static_cast<cascade_message_type>(t);
    return cascade_status::ok;
}

inline void check_key_matches(const char* who, const bit_vector& key, const cascade_parameters& params,
                              const std::shared_ptr<const cascade_permutations>& shared) {
    params.validate();
    if (shared && !shared->serves(params)) {
        throw invalid_argument(std::string("qkdnq::reconcile::") + who +
                               ": the shared permutations are for another key size, seed or shuffle");
    }
    if (key.size() != params.key_bits) {
        throw invalid_argument(std::string("qkdnq::reconcile::") + who + ": key of " + std::to_string(key.size()) +
                               " bits, parameters for " + std::to_string(params.key_bits));
    }
}

}  // namespace detail

// The side holding the reference key: answers Bob's parity questions and counts what it discloses.
class cascade_alice {
public:
    // `permutations`, if given, must be for the parameters' key size, seed and shuffle.
    cascade_alice(bit_vector key, cascade_parameters params, std::shared_ptr<const cascade_permutations> permutations = {})
        : m_key(std::move(key)), m_params(std::move(params)) {
        detail::check_key_matches("cascade_alice", m_key, m_params, permutations);
        m_views = detail::cascade_views(m_params.seed, m_params.shuffle, std::move(permutations));
    }

    // Takes one message from Bob: a request (answered) or the done message (nothing to send).
    cascade_output respond(bytes_view message) {
        using detail::cascade_item_kind;
        using detail::cascade_message_type;
        cascade_output out;
        if (m_finished) return {cascade_status::unexpected_message, {}};
        detail::wire_reader r(message);
        cascade_message_type type{};
        std::uint32_t sequence = 0;
        if (out.status = detail::read_header(r, type, sequence); out.status != cascade_status::ok) return out;
        if (type == cascade_message_type::reply) return {cascade_status::unexpected_message, {}};
        if (sequence != m_next_sequence) return {cascade_status::out_of_sequence, {}};

        if (type == cascade_message_type::done) {
            std::uint64_t bob_count = 0;
            if (!r.u64(bob_count)) return {cascade_status::truncated, {}};
            if (r.remaining() != 0 || bob_count != m_leaked) return {cascade_status::malformed, {}};
            m_finished = true;
            m_bits_in += 8 * message.size();
            return out;
        }
        if (sequence == 0) {
            cascade_parameters theirs;
            if (out.status = detail::read_parameters(r, theirs); out.status != cascade_status::ok) return out;
            if (!(theirs == m_params)) return {cascade_status::parameter_mismatch, {}};
        }

        // Parse every item before answering any (a rejected request changes nothing).
        const std::size_t n = m_key.size();
        const unsigned width = detail::position_bits(n);
        const std::size_t max_pass = m_params.passes() + m_params.biconf_max_rounds;
        const auto fail = [&r] { return cascade_output{r.ran_out() ? cascade_status::truncated : cascade_status::malformed, {}}; };
        std::uint64_t items = 0;
        if (!r.varint(items)) return fail();
        if (items > 2 * max_pass + 1) return {cascade_status::malformed, {}};
        m_parsed.clear();
        m_ranges.clear();
        m_seen.assign(2 * max_pass + 1, false);
        std::uint64_t answers = 0;
        for (std::uint64_t i = 0; i < items; ++i) {
            std::uint8_t kind = 0;
            std::uint64_t pass = 0, count = 0;
            if (!r.u8(kind)) return fail();
            if (kind < 1 || kind > 3) return {cascade_status::malformed, {}};
            if (kind != 3 && !r.varint(pass)) return fail();
            if (pass >= max_pass) return {cascade_status::malformed, {}};
            const std::size_t slot = kind == 3 ? 2 * max_pass : 2 * static_cast<std::size_t>(pass) + (kind - 1u);
            if (m_seen[slot]) return {cascade_status::malformed, {}};
            m_seen[slot] = true;
            parsed_item item{static_cast<cascade_item_kind>(kind), static_cast<std::uint32_t>(pass), 0, 0,
                             m_ranges.size()};
            if (item.kind == cascade_item_kind::blocks) {
                std::uint64_t k = 0;
                if (!r.varint(k) || !r.varint(count)) return fail();
                if (k == 0 || k > n || count > (n + k - 1) / k) return {cascade_status::malformed, {}};
                item.block_size = static_cast<std::uint32_t>(k);
            } else if (item.kind == cascade_item_kind::continued) {
                // One bit pair per range question of the previous request: (continued, right half).
                if (!r.varint(count)) return fail();
                if (count == 0 || count != m_open.size()) return {cascade_status::malformed, {}};
                const bytes_view codes = r.take((2 * count + 7) / 8);
                if (codes.size() != (2 * count + 7) / 8) return {cascade_status::truncated, {}};
                if (count % 4 != 0 && (codes.back() >> (2 * (count % 4))) != 0) return {cascade_status::malformed, {}};
                const std::size_t first = m_ranges.size();
                m_ranges.resize(first + count);
                std::size_t kept = first;
                bool bad = false;
                for (std::size_t j = 0; j < count; ++j) {  // branch-free: every entry is written, kept ones advance
                    const unsigned code = (static_cast<unsigned>(codes[j / 4]) >> (2 * (j % 4))) & 3u;
                    const open_node o = m_open[j];
                    const std::uint32_t mid = detail::split_point(o.begin, o.end);
                    const bool right = (code & 2u) != 0;
                    const open_node half{o.pass, right ? mid : o.begin, right ? o.end : mid};
                    m_ranges[kept] = half;
                    bad |= code == 2u || ((code & 1u) != 0 && half.end - half.begin < 2);
                    kept += code & 1u;
                }
                if (bad || kept == first) return {cascade_status::malformed, {}};  // a half without "continued", of one bit, or none
                m_ranges.resize(kept);
                count = kept - first;
            } else {
                if (!r.varint(count)) return fail();
                if (count > n) return {cascade_status::malformed, {}};
                const std::size_t bits = 2 * static_cast<std::size_t>(count) * width;
                const bytes_view fields = r.take((bits + 7) / 8);
                if (fields.size() != (bits + 7) / 8) return {cascade_status::truncated, {}};
                if (bits % 8 != 0 && (fields.back() >> (bits % 8)) != 0) return {cascade_status::malformed, {}};
                std::uint64_t covered = 0;  // bounds Alice's work: at most n bits per item
                for (std::size_t j = 0; j < count; ++j) {
                    const std::uint64_t begin = detail::bit_field(fields, 2 * j * width, width);
                    const std::uint64_t length = std::uint64_t{detail::bit_field(fields, (2 * j + 1) * width, width)} + 2;
                    if (begin >= n || length > n - begin) return {cascade_status::malformed, {}};
                    covered += (length + 1) / 2;
                    m_ranges.push_back({static_cast<std::uint32_t>(pass), static_cast<std::uint32_t>(begin),
                                        static_cast<std::uint32_t>(begin + length)});
                }
                if (covered > n) return {cascade_status::malformed, {}};
            }
            item.count = static_cast<std::uint32_t>(count);
            answers += count;
            m_parsed.push_back(item);
        }
        if (r.remaining() != 0) return {cascade_status::malformed, {}};

        // Answer: the parities go into whole words, LSB first, then out as bytes.
        m_parities.assign((answers + 63) / 64, 0);
        std::size_t at = 0;
        auto put = [&](bool bit) {
            m_parities[at / 64] |= std::uint64_t{bit} << (at % 64);
            ++at;
        };
        for (const parsed_item& item : m_parsed) {
            if (item.kind == cascade_item_kind::blocks) {
                if (!m_views.has(item.pass) && item.count <= 2) {
                    if (const bit_vector* mask = m_views.first_block_mask(item.pass, item.block_size)) {
                        const auto [first, second] = detail::masked_parities(m_key, *mask);
                        if (item.count >= 1) put(first);
                        if (item.count == 2) put(second);
                        continue;
                    }
                }
                if (!m_views.has(item.pass)) m_views.build(item.pass, m_key);
                const bit_vector& v = m_views.view(item.pass);
                for (std::size_t b = 0; b < item.count; ++b) {
                    const std::size_t begin = b * item.block_size;
                    put(detail::range_parity(v, begin, std::min(n, begin + item.block_size)));
                }
                continue;
            }
            // A continued node's pass was asked about before, so its view exists.
            if (item.kind == cascade_item_kind::ranges && !m_views.has(item.pass)) m_views.build(item.pass, m_key);
            for (std::size_t j = 0; j < item.count; ++j) {
                const open_node& o = m_ranges[item.first_range + j];
                put(detail::range_parity(m_views.view(o.pass), o.begin, detail::split_point(o.begin, o.end)));
            }
        }
        m_open.swap(m_ranges);  // the next request may continue these
        detail::wire_writer w;
        w.header(cascade_message_type::reply, sequence);
        w.varint(answers);
        w.reserve(m_parities.size() * 8);
        for (std::size_t i = 0; i < (answers + 7) / 8; ++i) w.u8(static_cast<std::uint8_t>(m_parities[i / 8] >> (8 * (i % 8))));
        out.message = w.take();
        m_leaked += static_cast<std::size_t>(answers);
        ++m_next_sequence;
        m_bits_in += 8 * message.size();
        m_bits_out += 8 * out.message.size();
        return out;
    }

    [[nodiscard]] bool finished() const noexcept { return m_finished; }
    [[nodiscard]] std::size_t leaked_parities() const noexcept { return m_leaked; }
    [[nodiscard]] std::size_t bits_received() const noexcept { return m_bits_in; }
    [[nodiscard]] std::size_t bits_sent() const noexcept { return m_bits_out; }
    [[nodiscard]] const bit_vector& key() const noexcept { return m_key; }
    [[nodiscard]] const cascade_parameters& parameters() const noexcept { return m_params; }

private:
    struct parsed_item {
        detail::cascade_item_kind kind;
        std::uint32_t pass;
        std::uint32_t block_size;
        std::uint32_t count;
        std::size_t first_range;
    };
    // A node Alice answered about: view range [begin, end) of a pass; she answered its left half.
    struct open_node {
        std::uint32_t pass;
        std::uint32_t begin, end;
    };

    bit_vector m_key;
    cascade_parameters m_params;
    detail::cascade_views m_views;
    std::vector<parsed_item> m_parsed;
    std::vector<open_node> m_ranges;  // this request's range questions, in answer order
    std::vector<open_node> m_open;    // the previous request's
    std::vector<bool> m_seen;
    std::vector<std::uint64_t> m_parities;
    std::uint32_t m_next_sequence = 0;
    std::size_t m_leaked = 0;
    std::size_t m_bits_in = 0;
    std::size_t m_bits_out = 0;
    bool m_finished = false;
};

// The side holding the noisy key: drives the protocol, asks parities, corrects its key.
class cascade_bob {
public:
    // `permutations`, if given, must be for the parameters' key size, seed and shuffle.
    cascade_bob(bit_vector key, cascade_parameters params, std::shared_ptr<const cascade_permutations> permutations = {})
        : m_key(std::move(key)), m_params(std::move(params)) {
        detail::check_key_matches("cascade_bob", m_key, m_params, permutations);
        m_views = detail::cascade_views(m_params.seed, m_params.shuffle, std::move(permutations));
        m_stats.key_bits = m_key.size();
    }

    // Bob's first message: the parameters and the block parities of every normal pass.
    [[nodiscard]] std::vector<std::uint8_t> start() {
        if (m_started) throw invalid_state("qkdnq::reconcile::cascade_bob::start: called twice");
        m_started = true;
        reserve_for_expected_leak();
        m_passes.resize(m_params.passes());
        for (std::size_t p = 0; p < m_params.passes(); ++p) plan_blocks(p, m_params.block_sizes[p], /*blocks_kept=*/0);
        return make_request();
    }

    // Takes Alice's reply; returns the next request, or the done message once Bob has finished.
    cascade_output receive(bytes_view message) {
        using detail::cascade_message_type;
        if (!m_started || m_finished) return {cascade_status::unexpected_message, {}};
        detail::wire_reader r(message);
        cascade_message_type type{};
        std::uint32_t sequence = 0;
        if (auto s = detail::read_header(r, type, sequence); s != cascade_status::ok) return {s, {}};
        if (type != cascade_message_type::reply) return {cascade_status::unexpected_message, {}};
        if (sequence != m_sequence) return {cascade_status::out_of_sequence, {}};
        std::uint64_t count = 0;
        if (!r.varint(count)) return {r.ran_out() ? cascade_status::truncated : cascade_status::malformed, {}};
        if (count != m_expected_answers) return {cascade_status::malformed, {}};
        const bytes_view bits = r.take((count + 7) / 8);
        if (bits.size() != (count + 7) / 8) return {cascade_status::truncated, {}};
        if (r.remaining() != 0) return {cascade_status::malformed, {}};
        if (count % 8 != 0 && (bits.back() >> (count % 8)) != 0) return {cascade_status::malformed, {}};

        m_stats.bits_alice_to_bob += 8 * message.size();
        m_stats.leaked_parities += count;
        ++m_stats.messages;
        ++m_stats.round_trips;
        ++m_sequence;
        apply_answers(bits);
        advance();
        if (m_inconsistent) return {cascade_status::inconsistent, {}};
        return {cascade_status::ok, m_finished ? make_done() : make_request()};
    }

    [[nodiscard]] bool finished() const noexcept { return m_finished; }
    [[nodiscard]] const bit_vector& key() const noexcept { return m_key; }
    [[nodiscard]] const cascade_statistics& statistics() const noexcept { return m_stats; }
    [[nodiscard]] const cascade_parameters& parameters() const noexcept { return m_params; }

private:
    static constexpr std::uint32_t no_node = std::numeric_limits<std::uint32_t>::max();

    // A block of one pass's view whose correct (Alice's) parity is known, asked or inferred, in 8
    // bytes so that the trees stay in cache. Its view range is not stored: every walk starts at a
    // block whose range it knows and halves it on the way down (children [begin, mid) and
    // [mid, end), mid = begin + ceil((end - begin) / 2)).
    struct node {
        std::uint32_t left = no_node;  // children: left, left + 1 (both known once split)
        std::uint16_t pass = 0;
        std::uint8_t flags = 0;        // node_error | node_correct | node_queued
        [[nodiscard]] bool error() const noexcept { return (flags & node_error) != 0; }
        [[nodiscard]] bool correct() const noexcept { return (flags & node_correct) != 0; }
    };
    static constexpr std::uint8_t node_error = 1;    // Bob's current parity XOR Alice's
    static constexpr std::uint8_t node_correct = 2;  // Alice's parity
    static constexpr std::uint8_t node_queued = 4;   // a question about it is in m_questions
    [[nodiscard]] static node make_node(std::uint16_t pass, bool correct, bool error) noexcept {
        return {no_node, pass, static_cast<std::uint8_t>((error ? node_error : 0) | (correct ? node_correct : 0))};
    }
    // A node and its view range [begin, end).
    struct node_range {
        std::uint32_t node;
        std::uint32_t begin, end;
    };
    [[nodiscard]] static std::uint32_t middle(std::uint32_t begin, std::uint32_t end) noexcept {
        return detail::split_point(begin, end);
    }
    // A question for Alice: the parity of the left half of node's range.
    struct question {
        std::uint32_t node;
        std::uint16_t pass;
        std::uint32_t begin, end;
    };
    // Where key bit l sits in a pass whose blocks a correction toggles.
    struct tracked_position {
        std::uint32_t pass;
        std::uint32_t position;
    };
    struct pass_state {
        std::uint32_t block_size = 0;
        std::uint8_t block_shift = 0xFF;  // log2(block_size) where it is a power of two
        std::uint32_t blocks = 0;      // top-level blocks kept as nodes
        std::uint32_t asked = 0;       // of which the first `asked` are asked, the rest inferred
        std::uint32_t first_node = no_node;
        bool known = false;            // Alice's block parities have arrived
        bool searchable = false;       // its blocks are searched (BICONF without cascading stops this)
        const bit_vector* mask = nullptr;  // shared first-block mask: no view until the first search
    };

    // Room for the nodes a typical run creates (two per question, about 1.2 n h(Q) questions,
    // plus the top-level blocks), so that the tree is not copied while it grows.
    void reserve_for_expected_leak() {
        const double q = std::clamp(static_cast<double>(m_params.qber_ppm) * 1e-6, 1e-5, 0.5);
        const auto h = static_cast<double>(qkdnq::detail::finite_key::binary_entropy(q));
        const double n = static_cast<double>(m_key.size());
        std::size_t top = 0;
        for (const std::uint32_t k : m_params.block_sizes) top += (m_key.size() + k - 1) / k;
        m_nodes.reserve(top + static_cast<std::size_t>(2.5 * n * h) + 64);
        m_dirty.reserve(256);
    }

    // Plans pass p's top-level blocks: all of them kept, the last inferred from the total parity
    // for p >= 1; `blocks_kept` != 0 keeps only that many (a BICONF round without the complement).
    void plan_blocks(std::size_t p, std::uint32_t k, std::uint32_t blocks_kept) {
        pass_state& ps = m_passes[p];
        ps.block_size = k;
        ps.block_shift = std::has_single_bit(k) ? static_cast<std::uint8_t>(std::countr_zero(k)) : std::uint8_t{0xFF};
        const std::size_t n = m_key.size();
        const auto all = static_cast<std::uint32_t>((n + k - 1) / k);
        ps.blocks = blocks_kept != 0 ? blocks_kept : all;
        ps.asked = (p == 0 || ps.blocks < all) ? ps.blocks : ps.blocks - 1;  // BS94 §7.1 asks all; see header
        m_pending_blocks.push_back(static_cast<std::uint32_t>(p));
    }

    // Top-level block b of a pass: its node and view range.
    [[nodiscard]] node_range top_block(const pass_state& ps, std::uint32_t b) const noexcept {
        const std::uint64_t begin = std::uint64_t{b} * ps.block_size;
        const std::uint64_t end = std::min<std::uint64_t>(m_key.size(), begin + ps.block_size);
        return {ps.first_node + b, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
    }

    [[nodiscard]] std::vector<std::uint8_t> make_request() {
        detail::wire_writer w;
        w.header(detail::cascade_message_type::request, m_sequence);
        if (m_sequence == 0) detail::write_parameters(w, m_params);
        // Questions grouped by pass (a stable counting sort): the order Bob applies the answers in.
        if (!std::is_sorted(m_questions.begin(), m_questions.end(), [](const question& a, const question& b) { return a.pass < b.pass; })) {
            m_pass_counts.assign(m_passes.size() + 1, 0);
            for (const question& q : m_questions) ++m_pass_counts[q.pass + 1u];
            for (std::size_t p = 1; p < m_pass_counts.size(); ++p) m_pass_counts[p] += m_pass_counts[p - 1];
            m_sorted.resize(m_questions.size());
            for (const question& q : m_questions) m_sorted[m_pass_counts[q.pass]++] = q;
            m_questions.swap(m_sorted);
        }
        place_questions();

        std::size_t groups = 0;  // passes with new questions
        for (std::size_t i = 0; i < m_fresh.size(); ++i) groups += i == 0 || m_questions[m_fresh[i]].pass != m_questions[m_fresh[i - 1]].pass;
        w.varint(m_pending_blocks.size() + (m_continuations != 0 ? 1 : 0) + groups);
        for (const std::uint32_t p : m_pending_blocks) {
            w.u8(static_cast<std::uint8_t>(detail::cascade_item_kind::blocks));
            w.varint(p);
            w.varint(m_passes[p].block_size);
            w.varint(m_passes[p].asked);
        }
        if (m_continuations != 0) {  // one bit pair per range question of the previous request
            const std::size_t count = m_open_position.size();
            w.u8(static_cast<std::uint8_t>(detail::cascade_item_kind::continued));
            w.varint(count);
            w.begin_bits(2 * count);
            for (std::size_t j = 0; j < count; ++j) w.put_bits(m_continued[j], 2);
            w.end_bits();
        }
        const unsigned width = detail::position_bits(m_key.size());
        for (std::size_t i = 0; i < m_fresh.size();) {
            const std::uint32_t pass = m_questions[m_fresh[i]].pass;
            std::size_t j = i;
            while (j < m_fresh.size() && m_questions[m_fresh[j]].pass == pass) ++j;
            w.u8(static_cast<std::uint8_t>(detail::cascade_item_kind::ranges));
            w.varint(pass);
            w.varint(j - i);
            w.begin_bits(2 * (j - i) * width);
            for (std::size_t f = i; f < j; ++f) {
                const question& x = m_questions[m_fresh[f]];
                w.put_bits(x.begin, width);
                w.put_bits(x.end - x.begin - 2, width);
            }
            w.end_bits();
            i = j;
        }
        m_blocks_answers = 0;
        for (const std::uint32_t p : m_pending_blocks) m_blocks_answers += m_passes[p].asked;
        m_expected_answers = m_blocks_answers + m_questions.size();
        m_stats.bits_bob_to_alice += 8 * w.size();
        ++m_stats.messages;
        return w.take();
    }

    // Where each question's answer comes in the reply. A question about a child of a node the
    // previous request asked about continues that search: it is named by one bit pair in the
    // previous request's order (Alice keeps those nodes), and these answers come first, in that
    // order; the other questions are new and follow, by pass. At most one child per node is
    // named so (both children of one node can be asked, rarely: the second is sent as new).
    void place_questions() {
        const std::size_t open = m_open_position.size();
        const std::size_t count = m_questions.size();
        m_continued.assign(open + 1, 0);  // the last entry: a sentinel for questions that are not continuations
        m_answer_position.resize(count);
        m_fresh.resize(count);
        std::size_t fresh = 0;
        for (std::size_t i = 0; i < count; ++i) {  // branch-free: the kinds mix unpredictably
            const std::uint32_t child = m_questions[i].node - m_open_first_child;  // wraps for older nodes
            const bool candidate = child < 2 * open;
            const std::size_t slot = candidate ? m_open_position[child / 2] : open;
            const bool continues = candidate && m_continued[slot] == 0;
            m_continued[slot] = continues ? static_cast<std::uint8_t>(1u | (child & 1u) << 1) : m_continued[slot];
            m_answer_position[i] = continues ? static_cast<std::uint32_t>(slot) : fresh_flag | static_cast<std::uint32_t>(fresh);
            m_fresh[fresh] = static_cast<std::uint32_t>(i);
            fresh += continues ? 0 : 1;
        }
        m_fresh.resize(fresh);
        m_continued[open] = 0;
        // A continuation's answer comes at its node's rank among the continued ones.
        m_continued_rank.resize(open + 1);
        std::uint32_t rank = 0;
        for (std::size_t j = 0; j < open; ++j) {
            m_continued_rank[j] = rank;
            rank += m_continued[j] & 1u;
        }
        m_continued_rank[open] = 0;
        m_continuations = rank;
        m_continued.resize(open);
        for (std::uint32_t& a : m_answer_position) {
            const bool is_fresh = (a & fresh_flag) != 0;
            a = is_fresh ? rank + (a & ~fresh_flag) : m_continued_rank[a];
        }
    }

    [[nodiscard]] std::vector<std::uint8_t> make_done() {
        detail::wire_writer w;
        w.header(detail::cascade_message_type::done, m_sequence);
        w.u64(m_stats.leaked_parities);
        m_stats.bits_bob_to_alice += 8 * w.size();
        ++m_stats.messages;
        return w.take();
    }

    [[nodiscard]] static bool bit_at(bytes_view bits, std::size_t i) noexcept { return (static_cast<unsigned>(bits[i / 8]) >> (i % 8)) & 1u; }

    void apply_answers(bytes_view bits) {
        std::size_t at = 0;
        for (const std::uint32_t pass : m_pending_blocks) {
            pass_state& ps = m_passes[pass];
            ps.first_node = static_cast<std::uint32_t>(m_nodes.size());
            bool sum = false;
            for (std::uint32_t b = 0; b < ps.blocks; ++b) {
                bool correct = false;
                if (b < ps.asked) {
                    correct = bit_at(bits, at++);
                } else {
                    correct = m_total_parity != sum;  // the last block: total parity minus the others
                    ++m_stats.inferred_parities;
                }
                sum = sum != correct;
                m_nodes.push_back(make_node(static_cast<std::uint16_t>(pass), correct, false));
            }
            if (pass == 0) m_total_parity = sum;
            ps.known = true;
            if (pass >= m_params.passes()) activate(pass);  // a BICONF round: searched at once
        }
        m_pending_blocks.clear();
        m_open_first_child = static_cast<std::uint32_t>(m_nodes.size());  // question i's children: 2i, 2i + 1 from here
        for (std::size_t i = 0; i < m_questions.size(); ++i) {
            const question& q = m_questions[i];
            const bool left_correct = bit_at(bits, m_blocks_answers + m_answer_position[i]);
            const std::uint32_t mid = middle(q.begin, q.end);
            if (!m_views.has(q.pass)) m_views.build(q.pass, m_key);  // a masked pass's first search
            const bool left_error = detail::range_parity(m_views.view(q.pass), q.begin, mid) != left_correct;
            node& parent = m_nodes[q.node];
            parent.left = static_cast<std::uint32_t>(m_nodes.size());
            parent.flags = static_cast<std::uint8_t>(parent.flags & ~node_queued);
            const node split = parent;
            m_nodes.push_back(make_node(q.pass, left_correct, left_error));
            m_nodes.push_back(make_node(q.pass, split.correct() != left_correct, split.error() != left_error));
            ++m_stats.inferred_parities;
            m_dirty.push_back({q.node, q.begin, q.end});
        }
        m_open_position.swap(m_answer_position);  // Alice's order of these nodes
        m_questions.clear();
    }

    // Flips original bit l and every known block holding it, in every pass. A toggled block is
    // queued for the scan only where no odd parent leads the scan to it. The search that found
    // the bit gives its position in that pass (`found_pass`, `found_at`): one table lookup fewer.
    void flip(std::size_t l, std::size_t found_pass, std::uint32_t found_at) {
        m_key.flip(l);
        ++m_stats.corrected_bits;
        ++m_corrected_this_round;
        // First where l sits in each pass (independent loads from the permutation tables, issued
        // together), then the walks down each pass's tree.
        m_flip_positions.clear();
        for (const std::uint32_t p : m_tracked) {  // the started passes, in increasing order
            const pass_state& ps = m_passes[p];
            if (!m_views.has(p)) {      // a masked pass nobody searched yet: top-level blocks only
                const std::uint32_t b = (*ps.mask)[l] ? 0 : 1;
                if (b >= ps.blocks) continue;
                node& nx = m_nodes[ps.first_node + b];
                nx.flags ^= node_error;
                if (nx.error()) m_dirty.push_back(top_block(ps, b));
                continue;
            }
            const auto j = p == found_pass ? found_at : static_cast<std::uint32_t>(m_views.position(p, l));
            m_flip_positions.push_back({static_cast<std::uint32_t>(p), j});
        }
        for (const auto [p, j] : m_flip_positions) {
            const pass_state& ps = m_passes[p];
            m_views.flip_at(p, j);
            const std::uint32_t b = ps.block_shift != 0xFF ? j >> ps.block_shift : j / ps.block_size;
            if (b >= ps.blocks) continue;
            auto [x, begin, end] = top_block(ps, b);  // x's range, followed down the tree
            bool parent_odd = false;
            for (;;) {
                node& nx = m_nodes[x];
                nx.flags ^= node_error;
                const bool odd = nx.error();
                if (odd && !parent_odd) m_dirty.push_back({x, begin, end});
                if (nx.left == no_node) break;
                parent_odd = odd;
                const std::uint32_t mid = middle(begin, end);
                const bool right = j >= mid;  // selects, not branches: the side is unpredictable
                x = nx.left + static_cast<std::uint32_t>(right);
                begin = right ? mid : begin;
                end = right ? end : mid;
            }
        }
    }

    // From every block whose parity changed or that was just learnt: descend to the deepest known
    // block whose parities differ; correct it if it is one bit, else ask about its left half.
    void scan() {
        while (!m_dirty.empty()) {
            auto [x, begin, end] = m_dirty.back();
            m_dirty.pop_back();
            if (!m_nodes[x].error() || !m_passes[m_nodes[x].pass].searchable) continue;
            while (m_nodes[x].left != no_node) {
                const std::uint32_t l = m_nodes[x].left;
                const bool right = !m_nodes[l].error();  // selects, not branches
                const std::uint32_t mid = middle(begin, end);
                x = l + static_cast<std::uint32_t>(right);
                begin = right ? mid : begin;
                end = right ? end : mid;
            }
            node& leaf = m_nodes[x];
            if ((leaf.flags & node_queued) != 0) continue;
            if (end - begin == 1) {
                // Honest parities correct an error with every flip, so there are never more flips
                // than bits; contradictory ones could flip a bit back and forth for ever.
                if (m_stats.corrected_bits >= m_key.size()) {
                    m_inconsistent = true;
                    m_dirty.clear();
                    m_questions.clear();
                    return;
                }
                flip(m_views.source(leaf.pass, begin), leaf.pass, begin);
            } else {
                leaf.flags |= node_queued;
                m_questions.push_back({x, leaf.pass, begin, end});
            }
        }
        // Drop the questions whose block a later correction made even.
        std::erase_if(m_questions, [&](const question& q) {
            node& x = m_nodes[q.node];
            if (x.error()) return false;
            x.flags = static_cast<std::uint8_t>(x.flags & ~node_queued);
            return true;
        });
    }

    // Starts pass p: its view of the current key, Bob's parity of each block, and its searches.
    // Until then a pass costs nothing per correction.
    void activate(std::size_t p) {
        pass_state& ps = m_passes[p];
        m_tracked.push_back(static_cast<std::uint32_t>(p));  // passes start in increasing order
        ps.searchable = true;
        ps.mask = ps.blocks <= 2 ? m_views.first_block_mask(p, ps.block_size) : nullptr;
        if (ps.mask != nullptr) {  // no view until a search needs one
            const auto [first, second] = detail::masked_parities(m_key, *ps.mask);
            for (std::uint32_t b = 0; b < ps.blocks; ++b) {
                node& x = m_nodes[ps.first_node + b];
                x.flags = make_node(x.pass, x.correct(), (b == 0 ? first : second) != x.correct()).flags;
                if (x.error()) m_dirty.push_back(top_block(ps, b));
            }
            return;
        }
        m_views.build(p, m_key);
        const bit_vector& v = m_views.view(p);
        for (std::uint32_t b = 0; b < ps.blocks; ++b) {
            const node_range r = top_block(ps, b);
            node& x = m_nodes[r.node];
            x.flags = make_node(x.pass, x.correct(), detail::range_parity(v, r.begin, r.end) != x.correct()).flags;
            if (x.error()) m_dirty.push_back(r);  // an even block can only become odd by a flip, which queues it
        }
    }

    // Runs the searches as far as known parities allow; leaves questions to ask, a BICONF round to
    // request, or finishes.
    void advance() {
        for (;;) {
            scan();
            if (m_inconsistent) break;
            if (!m_questions.empty() || !m_pending_blocks.empty()) return;
            // Nothing left to ask in the active passes.
            if (m_next_normal < m_params.passes()) {
                activate(m_next_normal++);
                ++m_stats.passes;
                continue;
            }
            if (m_params.biconf_max_rounds == 0) break;
            if (m_biconf_rounds > 0) {  // a BICONF round just ended
                if (!m_params.biconf_cascade) m_passes.back().searchable = false;
                m_clean_streak = m_corrected_this_round == 0 ? m_clean_streak + 1 : 0;
                if (m_clean_streak >= m_params.biconf_clean_rounds || m_biconf_rounds >= m_params.biconf_max_rounds) break;
            } else if (!m_params.biconf_cascade) {
                for (pass_state& ps : m_passes) ps.searchable = false;
            }
            start_biconf_round();
            return;
        }
        finish();
    }

    void start_biconf_round() {
        const std::size_t p = m_passes.size();
        m_passes.emplace_back();
        const std::size_t n = m_key.size();
        const auto half = static_cast<std::uint32_t>((n + 1) / 2);
        plan_blocks(p, half, m_params.biconf_complement ? 0 : 1);
        ++m_biconf_rounds;
        ++m_stats.passes;
        m_corrected_this_round = 0;
    }

    void finish() {
        m_finished = true;
        bool clean = !m_inconsistent;
        for (const node& x : m_nodes) clean = clean && !x.error();
        m_stats.believed_correct = clean;
    }

    bit_vector m_key;
    cascade_parameters m_params;
    detail::cascade_views m_views;
    std::vector<pass_state> m_passes;
    std::vector<node> m_nodes;
    std::vector<tracked_position> m_flip_positions;
    std::vector<std::uint32_t> m_tracked;  // the started passes: their views and block parities follow every correction
    std::vector<node_range> m_dirty;
    std::vector<question> m_questions;
    std::vector<question> m_sorted;
    std::vector<std::size_t> m_pass_counts;
    // Placing the questions in the reply (place_questions): for the previous request's range
    // questions (in Bob's order) their positions among its range answers, which is Alice's order;
    // their children start at m_open_first_child.
    static constexpr std::uint32_t fresh_flag = std::uint32_t{1} << 31;
    std::vector<std::uint32_t> m_open_position;
    std::uint32_t m_open_first_child = 0;
    std::vector<std::uint32_t> m_answer_position;  // this request's, for each question in m_questions
    std::vector<std::uint8_t> m_continued;         // per previous range question: 0, or 1 | right << 1
    std::vector<std::uint32_t> m_continued_rank;
    std::vector<std::uint32_t> m_fresh;            // the new questions, indices into m_questions
    std::size_t m_continuations = 0;
    std::size_t m_blocks_answers = 0;
    std::vector<std::uint32_t> m_pending_blocks;  // passes whose block parities the next request asks
    cascade_statistics m_stats;
    std::size_t m_expected_answers = 0;
    std::size_t m_next_normal = 0;
    std::size_t m_biconf_rounds = 0;
    std::size_t m_clean_streak = 0;
    std::size_t m_corrected_this_round = 0;
    std::uint32_t m_sequence = 0;
    bool m_total_parity = false;
    bool m_started = false;
    bool m_finished = false;
    bool m_inconsistent = false;
};

// Runs both sides to the end in one process, for simulations and benchmarks: Bob's messages go to
// Alice and hers back until Bob has finished and Alice has taken his done message. Returns the
// first status other than ok (a genuine exchange never has one).
inline cascade_status run_in_memory(cascade_alice& alice, cascade_bob& bob) {
    std::vector<std::uint8_t> request = bob.start();
    for (;;) {
        cascade_output reply = alice.respond(request);
        if (reply.status != cascade_status::ok) return reply.status;
        if (bob.finished()) return cascade_status::ok;
        cascade_output next = bob.receive(reply.message);
        if (next.status != cascade_status::ok) return next.status;
        request = std::move(next.message);
    }
}

}  // namespace qkdnq::reconcile
