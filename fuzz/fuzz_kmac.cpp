// KMAC128/256 and KMACXOF128/256 with key, customisation, message and output lengths chosen by
// the input: incremental equals one-shot, verify accepts the tag and rejects a flipped bit,
// KMACXOF squeezed in two pieces equals one piece.
#include "driver.hpp"

#include <qkdnq/hash/kmac.hpp>

#include <vector>

namespace {

template <class Kmac, class KmacXof>
void check(fuzz_reader& in) {
    const auto key = in.bytes(in.u16() % 300);
    const auto custom = in.bytes(in.byte());
    const std::size_t out_size = in.u16() % 600;
    const std::size_t split = in.u16();
    const auto message = in.rest();
    const std::size_t cut = message.empty() ? 0 : split % (message.size() + 1);

    std::vector<std::uint8_t> one(out_size), two(out_size);
    Kmac::mac(key, message, one, custom);
    Kmac incremental(key, custom);
    incremental.update(message.subspan(0, cut));
    incremental.update(message.subspan(cut));
    incremental.final(two);
    fuzz_check(one == two, "KMAC incremental equals one-shot");

    Kmac verifier(key, custom);
    verifier.update(message);
    fuzz_check(verifier.verify(one) == (out_size >= 4), "KMAC verify accepts its own tag of 4 bytes or more");
    if (!one.empty()) {
        auto bad = one;
        bad[split % bad.size()] ^= static_cast<std::uint8_t>(1u << (split % 8));
        Kmac rejecter(key, custom);
        rejecter.update(message);
        fuzz_check(!rejecter.verify(bad), "KMAC verify rejects a flipped bit");
    }

    KmacXof xof_a(key, custom), xof_b(key, custom);
    xof_a.update(message);
    xof_b.update(message);
    std::vector<std::uint8_t> whole(out_size), pieces(out_size);
    xof_a.squeeze(whole);
    const std::size_t piece = out_size == 0 ? 0 : split % (out_size + 1);
    xof_b.squeeze(std::span<std::uint8_t>(pieces).subspan(0, piece));
    xof_b.squeeze(std::span<std::uint8_t>(pieces).subspan(piece));
    fuzz_check(whole == pieces, "KMACXOF squeezed in pieces equals one squeeze");
    if (out_size >= 16) fuzz_check(whole != one, "KMACXOF differs from KMAC (right_encode(0) vs L)");
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    fuzz_reader in(input);
    if (in.byte() % 2 == 0) {
        check<qkdnq::kmac128, qkdnq::kmac_xof128>(in);
    } else {
        check<qkdnq::kmac256, qkdnq::kmac_xof256>(in);
    }
}
