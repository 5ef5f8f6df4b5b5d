// Four SHAKE128 or SHAKE256 instances at once (FIPS 202 §6.2), on the four-way permutation of
// detail/keccak_x4.hpp: ML-KEM's SampleNTT (four SHAKE128 streams from 34-byte seeds, FIPS 203
// Alg. 7) and PRF (four SHAKE256 of 33-byte inputs, FIPS 203 §4.1 Eq. 4.3).
//
//     qkdnq::shake128_x4 x;                  // or qkdnq::shake128_x4::hash(in, out)
//     x.absorb({seed0, seed1, seed2, seed3});    // four inputs of one length, once
//     x.squeeze({out0, out1, out2, out3});       // four outputs of one length, any number of times
//
// Output j is SHAKE(in[j]) exactly as from `qkdnq::shake128`/`shake256`, and, as there, does not
// depend on how the squeezes split it. The contract:
//  * `absorb` takes four inputs of equal length and may be called at most once, before the first
//    `squeeze`; a second call, or one after squeezing, throws `invalid_state` (call `reset()`).
//    Squeezing without absorbing gives SHAKE of four empty messages.
//  * `squeeze` takes four outputs of equal length (any length, zero included) and continues the
//    streams. Lengths that differ throw `invalid_argument` before anything is written or absorbed.
// Positions depend only on lengths, never on data, so secret inputs (ML-KEM's seeds) are safe.
// The state is wiped by `reset()` and in the destructor.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/core/secure_buffer.hpp>
#include <qkdnq/hash/detail/keccak_sponge.hpp>
#include <qkdnq/hash/detail/keccak_x4.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace qkdnq {
namespace detail {

template <std::size_t Security>
class basic_shake_x4 {
    static_assert(Security == 128 || Security == 256);

public:
    static constexpr std::size_t security_bits = Security;
    static constexpr std::size_t rate = 200 - Security / 4;  // r = 1600 - c bits, c = 2 * security
    static constexpr std::size_t ways = keccak_x4_ways;

    using inputs = std::array<bytes_view, keccak_x4_ways>;
    using outputs = std::array<mutable_bytes, keccak_x4_ways>;

    basic_shake_x4() noexcept = default;
    basic_shake_x4(const basic_shake_x4&) noexcept = default;
    basic_shake_x4& operator=(const basic_shake_x4&) noexcept = default;
    ~basic_shake_x4() { wipe(); }

    // Absorbs in[0..3], which must have one length (else `invalid_argument`). At most once, and
    // before the first squeeze (else `invalid_state`). FIPS 202 Alg. 8 steps 5-6 for the whole
    // blocks; the last partial block waits in the state for the padding.
    void absorb(const inputs& in) {
        if (m_phase != phase::fresh) {
            throw_invalid_state(where("absorb"), m_phase == phase::absorbed
                                                     ? "absorb may be called once; call reset() first"
                                                     : "output was already squeezed; call reset() first");
        }
        require_equal_lengths("absorb", "in", in);
        const std::size_t n = in[0].size();
        std::size_t offset = 0;
        for (; n - offset >= rate; offset += rate) {
            xor_lanes(in, offset, rate / 8);
            keccak_f1600_x4(m_state);
        }
        const std::size_t tail = n - offset;
        xor_lanes(in, offset, tail / 8);
        xor_partial_lane(in, offset + tail / 8 * 8, tail / 8, tail % 8);
        m_pos = tail;
        m_phase = phase::absorbed;
    }

    // Writes the next out[j].size() bytes of stream j; the four sizes must be equal (else
    // `invalid_argument`, nothing written). The first call pads M || 1111 || pad10*1.
    void squeeze(const outputs& out) {
        require_equal_lengths("squeeze", "out", out);
        if (m_phase != phase::squeezing) {
            finish();  // FIPS 202 §6.2 and Alg. 8 steps 1-6
            m_phase = phase::squeezing;
        }
        // Alg. 8 steps 8-10: Z = Trunc_r(S), applying f before each further block.
        const std::size_t n = out[0].size();
        for (std::size_t done = 0; done != n;) {
            if (m_pos == rate) {
                keccak_f1600_x4(m_state);
                m_pos = 0;
            }
            const std::size_t take = std::min(n - done, rate - m_pos);
            extract(out, done, take);
            m_pos += take;
            done += take;
        }
    }

    // Back to the all-zero initial state (FIPS 202 Alg. 8 step 5: S = 0^b), ready to absorb.
    void reset() noexcept { wipe(); }

    // out[j] = SHAKE(in[j], 8 * out[j].size()) for j = 0..3, in one call. The in[j] must have one
    // length, and so must the out[j] (else `invalid_argument`, outputs untouched).
    static void hash(const inputs& in, const outputs& out) {
        require_equal_lengths("hash", "out", out);
        basic_shake_x4 x;
        x.absorb(in);
        x.squeeze(out);
    }

private:
    enum class phase : std::uint8_t { fresh, absorbed, squeezing };

    [[nodiscard]] static std::string where(const char* function) {
        return "qkdnq::shake" + std::to_string(Security) + "_x4::" + function;
    }

    // Throws `invalid_argument` unless spans[1..3] have the length of spans[0]. The message is
    // built only on failure: the check costs four comparisons.
    template <class Span>
    static void require_equal_lengths(const char* function, const char* argument,
                                      const std::array<Span, keccak_x4_ways>& spans) {
        for (std::size_t j = 1; j < keccak_x4_ways; ++j) {
            if (spans[j].size() != spans[0].size()) {
                const std::string name = std::string(argument) + "[" + std::to_string(j) + "]";
                require_length(where(function), name, spans[j].size(), spans[0].size());
            }
        }
    }

    // State lane i of every instance j ^= the little-endian word at in[j][offset + 8i], i < count.
    void xor_lanes(const inputs& in, std::size_t offset, std::size_t count) noexcept {
        keccak_x4_xor_lanes(m_state, 0, count,
                            {in[0].data() + offset, in[1].data() + offset, in[2].data() + offset,
                             in[3].data() + offset});
    }

    // State lane `lane` of every instance j ^= the `bytes` (< 8) bytes at in[j][offset], low first.
    void xor_partial_lane(const inputs& in, std::size_t offset, std::size_t lane, std::size_t bytes) noexcept {
        for (std::size_t j = 0; j < keccak_x4_ways; ++j) {
            std::uint64_t word = 0;
            for (std::size_t k = 0; k < bytes; ++k) word |= std::uint64_t{in[j][offset + k]} << (8 * k);
            m_state[keccak_x4_ways * lane + j] ^= word;
        }
    }

    // FIPS 202 Alg. 8 steps 1-2 and 6 for the last block of every instance: P = M || 1111 || pad10*1
    // (§5.1, §6.2, §B.2), then f. Afterwards the first r bits of each state are its first output
    // block (steps 7-8).
    void finish() noexcept {
        const std::uint64_t suffix = std::uint64_t{shake_suffix} << (8 * (m_pos % 8));
        const std::uint64_t last = std::uint64_t{0x80} << (8 * ((rate - 1) % 8));  // the final 1 of pad10*1
        for (std::size_t j = 0; j < keccak_x4_ways; ++j) {
            m_state[keccak_x4_ways * (m_pos / 8) + j] ^= suffix;
            m_state[keccak_x4_ways * ((rate - 1) / 8) + j] ^= last;
        }
        keccak_f1600_x4(m_state);
        m_pos = 0;
    }

    // out[j][at .. at + n) = bytes m_pos .. m_pos + n of state j's rate part (state byte b is byte
    // b % 8 of lane b / 8, FIPS 202 §B.1); m_pos + n <= rate.
    void extract(const outputs& out, std::size_t at, std::size_t n) const noexcept {
        std::size_t offset = m_pos;
        for (; n != 0 && offset % 8 != 0; --n, ++offset, ++at) extract_byte(out, at, offset);
        if (const std::size_t lanes = n / 8; lanes != 0) {
            keccak_x4_extract_lanes(m_state, offset / 8, lanes,
                                    {out[0].data() + at, out[1].data() + at, out[2].data() + at, out[3].data() + at});
            n -= 8 * lanes;
            offset += 8 * lanes;
            at += 8 * lanes;
        }
        for (; n != 0; --n, ++offset, ++at) extract_byte(out, at, offset);
    }

    void extract_byte(const outputs& out, std::size_t at, std::size_t offset) const noexcept {
        for (std::size_t j = 0; j < keccak_x4_ways; ++j) {
            out[j][at] = static_cast<std::uint8_t>(m_state[keccak_x4_ways * (offset / 8) + j] >> (8 * (offset % 8)));
        }
    }

    void wipe() noexcept {
        secure_zero(m_state.data(), sizeof m_state);
        m_pos = 0;
        m_phase = phase::fresh;
    }

    alignas(32) keccak_x4_state m_state{};
    std::size_t m_pos = 0;  // bytes absorbed into, or squeezed from, the current block
    phase m_phase = phase::fresh;
};

}  // namespace detail

class shake128_x4 : public detail::basic_shake_x4<128> {};
class shake256_x4 : public detail::basic_shake_x4<256> {};

}  // namespace qkdnq
