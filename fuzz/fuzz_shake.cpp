// Differential: SHAKE128/256 and cSHAKE128/256 absorbed and squeezed in chunk sizes chosen by
// the input must equal the one-shot result; the optimised Keccak-f[1600] must equal the scalar
// reference on a state taken from the input.
#include "driver.hpp"

#include <qkdnq/hash/cshake.hpp>
#include <qkdnq/hash/detail/keccak_scalar.hpp>
#include <qkdnq/hash/keccak.hpp>
#include <qkdnq/hash/shake.hpp>

#include <algorithm>
#include <array>
#include <vector>

namespace {

// Absorbs `message` and squeezes `out_size` bytes in chunks whose sizes come from `plan`.
template <class Xof>
std::vector<std::uint8_t> chunked(Xof xof, std::span<const std::uint8_t> message, std::size_t out_size,
                                  std::span<const std::uint8_t> plan) {
    std::size_t step = 0, done = 0;
    // Chunk sizes 1..766 from the plan; an empty absorb or squeeze before each chunk as well.
    auto next = [&] { return plan.empty() ? std::size_t{1} : std::size_t{plan[step++ % plan.size()]} * 3 + 1; };
    while (done < message.size()) {
        const std::size_t n = std::min(next(), message.size() - done);
        xof.absorb({});
        xof.absorb(message.subspan(done, n));
        done += n;
    }
    std::vector<std::uint8_t> out(out_size);
    done = 0;
    while (done < out_size) {
        const std::size_t n = std::min(next(), out_size - done);
        xof.squeeze(std::span<std::uint8_t>(out).subspan(done, 0));
        xof.squeeze(std::span<std::uint8_t>(out).subspan(done, n));
        done += n;
    }
    return out;
}

template <class Xof>
std::vector<std::uint8_t> one_shot(Xof xof, std::span<const std::uint8_t> message, std::size_t out_size) {
    xof.absorb(message);
    std::vector<std::uint8_t> out(out_size);
    xof.squeeze(out);
    return out;
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    fuzz_reader in(input);
    const std::uint8_t which = in.byte() % 4;
    const std::size_t out_size = in.u16() % 1024;
    const auto plan = in.bytes(in.byte() % 16);
    const auto name = in.bytes(in.byte() % 8);
    const auto custom = in.bytes(in.byte() % 40);
    const auto message = in.rest();

    std::vector<std::uint8_t> a, b;
    switch (which) {
        case 0:
            a = chunked(qkdnq::shake128(), message, out_size, plan);
            b = one_shot(qkdnq::shake128(), message, out_size);
            break;
        case 1:
            a = chunked(qkdnq::shake256(), message, out_size, plan);
            b = one_shot(qkdnq::shake256(), message, out_size);
            break;
        case 2:
            a = chunked(qkdnq::cshake128(name, custom), message, out_size, plan);
            b = one_shot(qkdnq::cshake128(name, custom), message, out_size);
            break;
        default:
            a = chunked(qkdnq::cshake256(name, custom), message, out_size, plan);
            b = one_shot(qkdnq::cshake256(name, custom), message, out_size);
            break;
    }
    fuzz_check(a == b, "chunked absorb/squeeze equals one-shot");
    if (which >= 2 && name.empty() && custom.empty()) {  // SP 800-185 §3.3: cSHAKE with N = S = "" is SHAKE
        auto c = which == 2 ? one_shot(qkdnq::shake128(), message, out_size)
                            : one_shot(qkdnq::shake256(), message, out_size);
        fuzz_check(a == c, "cSHAKE(N=\"\", S=\"\") equals SHAKE");
    }

    std::array<std::uint64_t, 25> state{};
    for (std::size_t i = 0; i < message.size() && i < 200; ++i) {
        state[i / 8] |= std::uint64_t{message[i]} << (8 * (i % 8));
    }
    auto reference = state;
    qkdnq::keccak_f1600(state);
    qkdnq::detail::keccak_f1600_scalar(reference);
    fuzz_check(state == reference, "keccak_f1600 equals the scalar reference");
}
