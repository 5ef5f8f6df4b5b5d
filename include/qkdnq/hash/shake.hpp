// SHAKE128 and SHAKE256 (FIPS 202 §6.2): SHAKE-c/2(M, d) = KECCAK[c](M || 1111, d).
//
//     qkdnq::shake128 x;                 // or qkdnq::shake128::hash(in, out)
//     x.absorb(seed);
//     x.squeeze(first_32_bytes);         // the first squeeze pads the input
//     x.squeeze(next_100_bytes);         // the output does not depend on how it is chunked
//
// `absorb` after the first `squeeze` throws `qkdnq::invalid_state`; `reset()` starts over. The
// state is wiped by `reset()` and in the destructor.
#pragma once

#include <qkdnq/core/bytes.hpp>
#include <qkdnq/core/error.hpp>
#include <qkdnq/hash/detail/keccak_sponge.hpp>

#include <cstddef>
#include <string>

namespace qkdnq {
namespace detail {

template <std::size_t Security>
class basic_shake {
    static_assert(Security == 128 || Security == 256);

public:
    static constexpr std::size_t security_bits = Security;
    static constexpr std::size_t rate = 200 - Security / 4;  // r = 1600 - c bits, c = 2 * security

    basic_shake() noexcept = default;

    // Absorbs `data`; throws `invalid_state` once squeezing has begun.
    void absorb(bytes_view data) {
        if (m_squeezing) {
            throw_invalid_state("qkdnq::shake" + std::to_string(Security) + "::absorb",
                                "output was already squeezed; call reset() first");
        }
        m_sponge.absorb(data);
    }

    // Writes the next out.size() output bytes. The first call pads M || 1111 || pad10*1.
    void squeeze(mutable_bytes out) noexcept {
        if (!m_squeezing) {
            m_sponge.finish(shake_suffix);  // FIPS 202 §6.2 and Alg. 8 steps 1-6
            m_squeezing = true;
        }
        m_sponge.squeeze(out);  // Alg. 8 steps 8-10
    }

    void reset() noexcept {
        m_sponge.wipe();
        m_squeezing = false;
    }

    // SHAKE(in, 8 * out.size()) in one call.
    static void hash(bytes_view in, mutable_bytes out) {
        basic_shake x;
        x.absorb(in);
        x.squeeze(out);
    }

private:
    keccak_sponge<rate> m_sponge;
    bool m_squeezing = false;
};

}  // namespace detail

class shake128 : public detail::basic_shake<128> {};
class shake256 : public detail::basic_shake<256> {};

}  // namespace qkdnq
