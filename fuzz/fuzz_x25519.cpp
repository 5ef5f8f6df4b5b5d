// X25519 (hybrid/x25519.hpp) on arbitrary inputs: the first 32 bytes are a private key a, the
// next 32 a peer public key u (both zero-padded), then any length as a second peer key.
// Properties: nothing crashes; X25519(a, u) is canonical (below p); the checked shared secret
// is the raw one exactly when that is not all zero; u and u + 2^255 agree; Diffie-Hellman with
// the key b = u (as a private key) agrees both ways; a second peer key of a length other than
// 32 throws invalid_argument.
#include "driver.hpp"

#include <qkdnq/core/error.hpp>
#include <qkdnq/hybrid/x25519.hpp>

#include <algorithm>
#include <array>
#include <cstdint>

namespace {

namespace hy = qkdnq::hybrid;

// Whether a little-endian 255-bit value is below p = 2^255 - 19.
bool canonical(const std::uint8_t* s) {
    if ((s[31] & 0x80) != 0) return false;
    if (s[31] != 0x7f) return true;
    for (int i = 30; i >= 1; --i) {
        if (s[i] != 0xff) return true;
    }
    return s[0] < 0xed;
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    hy::x25519_private_key a;
    std::array<std::uint8_t, 32> u{};
    std::copy_n(input.begin(), std::min<std::size_t>(32, input.size()), a.data());
    if (input.size() > 32) std::copy_n(input.begin() + 32, std::min<std::size_t>(32, input.size() - 32), u.begin());
    const auto raw = hy::x25519(a.span(), u);
    fuzz_check(canonical(raw.data()), "X25519 output not canonical");
    bool all_zero = true;
    for (std::size_t i = 0; i < 32; ++i) all_zero = all_zero && raw[i] == 0;
    const auto checked = hy::x25519_shared_secret(a, u);
    fuzz_check(checked.ok() == !all_zero, "zero check disagrees with the raw output");
    if (checked.ok()) fuzz_check(std::equal(raw.data(), raw.data() + 32, checked->data()), "checked and raw differ");
    auto u_top = u;
    u_top[31] = static_cast<std::uint8_t>(u_top[31] ^ 0x80);
    fuzz_check(std::equal(raw.data(), raw.data() + 32, hy::x25519(a.span(), u_top).data()), "u's top bit was not masked");
    hy::x25519_private_key b;
    std::copy(u.begin(), u.end(), b.data());
    const auto ab = hy::x25519_shared_secret(a, hy::x25519_public_key(b));
    const auto ba = hy::x25519_shared_secret(b, hy::x25519_public_key(a));
    fuzz_check(ab.ok() && ba.ok() && std::equal(ab->data(), ab->data() + 32, ba->data()), "Diffie-Hellman disagrees");
    if (input.size() > 64) {
        const auto rest = input.subspan(64);
        if (rest.size() != 32) {
            fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { (void)hy::x25519_shared_secret(a, rest); }), "wrong length accepted");
        } else {
            (void)hy::x25519_shared_secret(a, rest);
        }
    }
}
