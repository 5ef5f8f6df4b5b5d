// LDPC reconciliation's message parsers and both sides on arbitrary and altered messages
// (reconcile/ldpc_reconcile.hpp).
//
// A fixed 2000-bit rate-0.6 code and frame (blind, three attempts, a QBER that needs them, then two
// key reveal rounds); byte 0
// picks the mode:
//   0  Bob takes messages of the next u16 lengths as they are
//   1  Alice, after her syndrome, takes messages of the next u16 lengths as they are
//   2  a genuine run in which, before each genuine message, the receiving side gets a copy XORed
//      with fuzz bytes at a fuzz position (and maybe cut)
// Properties: nothing crashes or hangs; a rejected message changes nothing (in mode 2 the run
// ends exactly as the undisturbed run when every altered copy was rejected); Bob never reveals
// more than was punctured.
#include "driver.hpp"

#include <qkdnq/hash/shake_drbg.hpp>
#include <qkdnq/reconcile/ldpc_reconcile.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace {

using qkdnq::bit_vector;
using namespace qkdnq::reconcile;

ldpc_frame_parameters with_key_reveals(ldpc_frame_parameters p) {
    p.key_reveal_rounds = 2;
    p.key_reveal_bits = 40;
    return p;
}

struct fixture {
    std::shared_ptr<const ldpc_code> code = std::make_shared<const ldpc_code>(make_ldpc_code(ldpc_distribution_rate_0_6, 2000, 1));
    ldpc_frame_parameters params = with_key_reveals(ldpc_frame_parameters::for_qber(*code, 60, 1, 60'000, 7, 0.1, 1.0, 3));
    bit_vector alice_key{params.key_bits()};
    bit_vector bob_key{params.key_bits()};
    fixture() {
        for (std::size_t i = 0; i < alice_key.size(); ++i) alice_key.set(i, ((i * 2654435761u) >> 9) & 1u);
        bob_key = alice_key;
        for (std::size_t i = 0; i < 100; ++i) bob_key.flip((i * 131 + 7) % bob_key.size());
    }
};

const fixture& fix() {
    static const fixture f;
    return f;
}

struct reference_run {
    bit_vector key;
    std::size_t attempts = 0;
};

const reference_run& reference() {
    static const reference_run r = [] {
        qkdnq::shake_drbg rng(1);
        ldpc_alice alice(fix().alice_key, fix().params, fix().code, rng);
        ldpc_bob bob(fix().bob_key, fix().params, fix().code);
        std::vector<std::uint8_t> m = alice.start();
        for (;;) {
            const ldpc_output b = bob.receive(m);
            const ldpc_output a = alice.receive(b.message);
            if (a.message.empty()) break;
            m = a.message;
        }
        return reference_run{bob.key(), bob.statistics().attempts};
    }();
    return r;
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    fuzz_reader in(input);
    const fixture& f = fix();
    switch (in.byte() % 3) {
        case 0: {
            ldpc_bob bob(f.bob_key, f.params, f.code);
            while (in.remaining() > 0 && !bob.finished()) {
                const std::size_t attempts = bob.statistics().attempts;
                const ldpc_output out = bob.receive(in.bytes(in.u16()));
                if (out.status != ldpc_status::ok) fuzz_check(bob.statistics().attempts == attempts, "a rejected message ran the decoder");
                fuzz_check(bob.statistics().revealed_bits <= f.params.punctured, "more revealed than punctured");
                fuzz_check(bob.statistics().revealed_key_bits <= std::size_t{f.params.key_reveal_rounds} * f.params.key_reveal_bits,
                           "more key bits revealed than the rounds allow");
            }
            break;
        }
        case 1: {
            qkdnq::shake_drbg rng(2);
            ldpc_alice alice(f.alice_key, f.params, f.code, rng);
            (void)alice.start();
            while (in.remaining() > 0 && !alice.finished()) {
                const std::size_t revealed = alice.revealed_bits();
                const ldpc_output out = alice.receive(in.bytes(in.u16()));
                if (out.status != ldpc_status::ok) {
                    fuzz_check(alice.revealed_bits() == revealed, "a rejected message revealed values");
                    fuzz_check(out.message.empty(), "a rejected message got an answer");
                }
                fuzz_check(alice.revealed_bits() <= f.params.punctured, "more revealed than punctured");
            }
            break;
        }
        default: {
            qkdnq::shake_drbg rng(1);
            ldpc_alice alice(f.alice_key, f.params, f.code, rng);
            ldpc_bob bob(f.bob_key, f.params, f.code);
            std::vector<std::uint8_t> m = alice.start();
            bool all_rejected = true;
            for (int round = 0; round < 100; ++round) {
                if (in.remaining() > 0) {
                    const ldpc_output b = bob.receive(altered_copy(m, in));
                    if (b.status == ldpc_status::ok) {
                        all_rejected = false;  // an altered message Bob could take: the run diverges
                        break;
                    }
                }
                const ldpc_output reply = bob.receive(m);
                fuzz_check(reply.status == ldpc_status::ok, "Bob rejected a genuine message after a rejection");
                if (in.remaining() > 0) {
                    const ldpc_output a = alice.receive(altered_copy(reply.message, in));
                    if (a.status == ldpc_status::ok) {
                        all_rejected = false;
                        break;
                    }
                }
                const ldpc_output next = alice.receive(reply.message);
                fuzz_check(next.status == ldpc_status::ok, "Alice rejected a genuine outcome after a rejection");
                if (next.message.empty()) break;
                m = next.message;
            }
            if (all_rejected) {
                fuzz_check(bob.finished() && alice.finished(), "the undisturbed run did not finish");
                fuzz_check(bob.key() == reference().key, "rejected messages changed the outcome");
                fuzz_check(bob.statistics().attempts == reference().attempts, "rejected messages changed the attempts");
            }
            break;
        }
    }
}
