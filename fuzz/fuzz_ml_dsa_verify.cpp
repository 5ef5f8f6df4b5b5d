// ML-DSA-44/65/87 verification and decoding on arbitrary bytes (FIPS 204 Alg. 3, 8, 21-25):
// public keys, signatures and private keys.
//
// Input: byte 0 selects the parameter set (mod 3); byte 1 is a mode.
//   mode bit 0 clear: arbitrary material. pk, then sig (each its fixed size, zero-padded when
//     the input is short), a context length byte and the context, then the message (the rest).
//     Checked: verify never throws on right lengths and answers the same through the span API,
//     the typed API and the typed API taking signature bytes; signature::from_bytes fails exactly
//     when the hint encoding is malformed (then verify is false); public_key::from_bytes keeps
//     the bytes; a pk or sig one byte short throws invalid_argument in the span API, and the
//     typed verify answers false for signature bytes of a wrong length.
//   mode bit 1 set (and bit 0 clear): private-key decoding. sk (its fixed size, zero-padded), then
//     the message. Checked: private_key::from_bytes succeeds exactly when check_private_key does,
//     keeps the bytes, and else says malformed_message; a key it accepts signs without crashing
//     and its signature is well-formed (signature::from_bytes accepts it); one byte short throws.
//   mode bit 0 set: an honest key from a 32-byte seed taken from the input signs the message
//     (deterministically, context from the input); the signature verifies, and after flipping
//     one input-chosen bit of the signature, message or context it does not.
#include "driver.hpp"

#include <qkdnq/core/error.hpp>
#include <qkdnq/pqc/ml_dsa.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace {

std::vector<std::uint8_t> fixed(fuzz_reader& in, std::size_t size) {
    const auto bytes = in.bytes(size);
    std::vector<std::uint8_t> out(bytes.begin(), bytes.end());
    out.resize(size, 0);
    return out;
}

template <class P>
void arbitrary(fuzz_reader& in) {
    const auto pk = fixed(in, P::pk_size);
    const auto sig = fixed(in, P::sig_size);
    const auto context = in.bytes(in.byte());
    const auto message = in.rest();

    const bool plain = P::verify(typename P::pk_view(pk.data(), P::pk_size), message, context,
                                 typename P::sig_view(sig.data(), P::sig_size));
    const auto typed_pk = P::public_key::from_bytes(pk);
    fuzz_check(typed_pk.ok(), "every pk_size string is a public key");
    fuzz_check(std::equal(pk.begin(), pk.end(), typed_pk->bytes().begin()), "public_key::from_bytes keeps the bytes");
    fuzz_check(P::verify(*typed_pk, message, context, qkdnq::bytes_view(sig)) == plain,
               "typed verify on signature bytes agrees with the span API");
    const auto typed_sig = P::signature::from_bytes(sig);
    if (typed_sig.ok()) {
        fuzz_check(P::verify(*typed_pk, message, context, *typed_sig) == plain, "typed verify agrees");
    } else {
        fuzz_check(typed_sig.error() == qkdnq::status::malformed_message, "a bad hint encoding is malformed_message");
        fuzz_check(!plain, "a signature with a malformed hint encoding does not verify");
    }
    fuzz_check(P::verify(typename P::pk_view(pk.data(), P::pk_size), message, context,
                         typename P::sig_view(sig.data(), P::sig_size)) == plain,
               "verify is deterministic");

    // Wrong lengths: programmer errors in the span API, a plain false in the typed one.
    const qkdnq::bytes_view short_pk(pk.data(), P::pk_size - 1), short_sig(sig.data(), P::sig_size - 1);
    fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { (void)P::verify(short_pk, message, context, qkdnq::bytes_view(sig)); }),
               "a short pk throws");
    fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { (void)P::verify(qkdnq::bytes_view(pk), message, context, short_sig); }),
               "a short signature throws");
    fuzz_check(!P::verify(*typed_pk, message, context, short_sig), "typed verify: a short signature is false");
}

template <class P>
void private_key_decoding(fuzz_reader& in) {
    const auto sk = fixed(in, P::sk_size);
    const auto message = in.rest();
    const bool in_range = P::check_private_key(typename P::sk_view(sk.data(), P::sk_size));
    const auto typed = P::private_key::from_bytes(sk);
    fuzz_check(typed.ok() == in_range, "private_key::from_bytes accepts exactly the keys check_private_key accepts");
    fuzz_check(fuzz_throws<qkdnq::invalid_argument>([&] { (void)P::private_key::from_bytes(qkdnq::bytes_view(sk.data(), P::sk_size - 1)); }),
               "a short private key throws");
    if (!typed.ok()) {
        fuzz_check(typed.error() == qkdnq::status::malformed_message, "an out-of-range s1/s2 is malformed_message");
        return;
    }
    fuzz_check(std::equal(sk.begin(), sk.end(), typed->bytes().begin()), "private_key::from_bytes keeps the bytes");
    // Any in-range key signs (t0 and K arbitrary): the signing loop ends with a well-formed
    // signature, or, for keys no keygen makes, with qkdnq::error after 65535 / l attempts.
    try {
        const auto sig = P::sign_deterministic(*typed, message, {});
        fuzz_check(P::signature::from_bytes(sig.bytes()).ok(), "a signature from an accepted key is well-formed");
    } catch (const qkdnq::invalid_argument&) {
        fuzz_check(false, "signing with an accepted key is not a programmer error");
    } catch (const qkdnq::error&) {
    }
}

template <class P>
void honest(fuzz_reader& in) {
    std::array<std::uint8_t, 32> xi{};
    const auto seed = in.bytes(32);
    std::copy(seed.begin(), seed.end(), xi.begin());
    const std::uint16_t flip = in.u16();
    const std::uint8_t target = in.byte();
    auto context_bytes = in.bytes(in.byte());
    std::vector<std::uint8_t> context(context_bytes.begin(), context_bytes.end());
    auto message_bytes = in.rest();
    std::vector<std::uint8_t> message(message_bytes.begin(), message_bytes.end());

    const auto pair = P::key_pair_from_seed(xi);
    const auto sig = P::sign_deterministic(pair.sk, message, context);
    fuzz_check(P::verify(pair.pk, message, context, sig), "an honest signature verifies");

    std::vector<std::uint8_t> sig_bytes(sig.bytes().begin(), sig.bytes().end());
    switch (target % 3) {
        case 0:
            sig_bytes[(flip / 8) % sig_bytes.size()] ^= static_cast<std::uint8_t>(1u << (flip % 8));
            break;
        case 1:
            if (message.empty()) message.push_back(0);
            else message[(flip / 8) % message.size()] ^= static_cast<std::uint8_t>(1u << (flip % 8));
            break;
        default:
            if (context.empty()) context.push_back(0);
            else context[(flip / 8) % context.size()] ^= static_cast<std::uint8_t>(1u << (flip % 8));
            break;
    }
    fuzz_check(!P::verify(pair.pk, message, context, qkdnq::bytes_view(sig_bytes)),
               "a one-bit change of signature, message or context fails verification");
}

template <class P>
void run(fuzz_reader& in, std::uint8_t mode) {
    if (mode & 1u) {
        honest<P>(in);
    } else if (mode & 2u) {
        private_key_decoding<P>(in);
    } else {
        arbitrary<P>(in);
    }
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    fuzz_reader in(input);
    const std::uint8_t set = in.byte() % 3;
    const std::uint8_t mode = in.byte();
    if (set == 0) run<qkdnq::ml_dsa_44>(in, mode);
    if (set == 1) run<qkdnq::ml_dsa_65>(in, mode);
    if (set == 2) run<qkdnq::ml_dsa_87>(in, mode);
}
