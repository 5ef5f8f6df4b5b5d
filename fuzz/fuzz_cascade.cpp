// Cascade's message parsers and both sides on arbitrary and altered messages (reconcile/cascade.hpp).
//
// Fixed 300-bit keys with 15 errors and a fixed parameter set; byte 0 picks the mode:
//   0  Alice takes messages of the next u16 lengths as they are
//   1  a genuine run in which, before each genuine message, the receiving side gets a copy XORed
//      with fuzz bytes at a fuzz position
//   2  Bob, after his first request, takes replies of the next u16 lengths as they are
// Properties: nothing crashes or hangs; a rejected message changes nothing (Alice's disclosed
// parity count stays, and in mode 1 the run still ends exactly as the undisturbed run does when
// every altered copy was rejected); Bob never corrects more bits than the key has.
#include "driver.hpp"

#include <qkdnq/reconcile/cascade.hpp>

#include <cstdint>
#include <vector>

namespace {

using qkdnq::bit_vector;
using namespace qkdnq::reconcile;

constexpr std::size_t n = 300;

struct fixture {
    bit_vector alice_key{n};
    bit_vector bob_key{n};
    cascade_parameters params = cascade_parameters::for_variant(cascade_variant::yanetal, n, 50'000, 77);
    fixture() {
        for (std::size_t i = 0; i < n; ++i) alice_key.set(i, ((i * 2654435761u) >> 7) & 1u);
        bob_key = alice_key;
        for (std::size_t i = 0; i < 15; ++i) bob_key.flip((i * 97 + 13) % n);
    }
};

const fixture& fix() {
    static const fixture f;
    return f;
}

// The undisturbed run: Bob's final key.
const bit_vector& reference_key() {
    static const bit_vector key = [] {
        cascade_alice alice(fix().alice_key, fix().params);
        cascade_bob bob(fix().bob_key, fix().params);
        std::vector<std::uint8_t> m = bob.start();
        while (!bob.finished()) m = bob.receive(alice.respond(m).message).message;
        return bob.key();
    }();
    return key;
}

}  // namespace

void fuzz(std::span<const std::uint8_t> input) {
    fuzz_reader in(input);
    const fixture& f = fix();
    switch (in.byte() % 3) {
        case 0: {
            cascade_alice alice(f.alice_key, f.params);
            while (in.remaining() > 0) {
                const std::size_t before = alice.leaked_parities();
                const cascade_output out = alice.respond(in.bytes(in.u16()));
                if (out.status != cascade_status::ok) {
                    fuzz_check(alice.leaked_parities() == before, "a rejected request disclosed parities");
                    fuzz_check(out.message.empty(), "a rejected request got an answer");
                }
            }
            break;
        }
        case 1: {
            cascade_alice alice(f.alice_key, f.params);
            cascade_bob bob(f.bob_key, f.params);
            std::vector<std::uint8_t> request = bob.start();
            bool all_rejected = true;
            for (int round = 0; round < 10'000; ++round) {
                if (in.remaining() > 0) {
                    const std::size_t before = alice.leaked_parities();
                    const cascade_output r = alice.respond(altered_copy(request, in));
                    if (r.status != cascade_status::ok) {
                        fuzz_check(alice.leaked_parities() == before, "a rejected request disclosed parities");
                    } else {
                        all_rejected = false;  // an altered request Alice could take: the run diverges
                        break;
                    }
                }
                const cascade_output reply = alice.respond(request);
                fuzz_check(reply.status == cascade_status::ok, "Alice rejected a genuine request");
                if (bob.finished()) break;
                if (in.remaining() > 0) {
                    const cascade_output b = bob.receive(altered_copy(reply.message, in));
                    if (b.status == cascade_status::ok || b.status == cascade_status::inconsistent) {
                        all_rejected = false;  // e.g. flipped parity bits: valid, but wrong
                        fuzz_check(bob.statistics().corrected_bits <= n, "more corrections than bits");
                        break;
                    }
                }
                const cascade_output next = bob.receive(reply.message);
                fuzz_check(next.status == cascade_status::ok, "Bob rejected a genuine reply after a rejection");
                request = next.message;
            }
            if (all_rejected) {
                fuzz_check(bob.finished(), "the undisturbed run did not finish");
                fuzz_check(bob.key() == reference_key(), "rejected messages changed the outcome");
            }
            break;
        }
        default: {
            cascade_bob bob(f.bob_key, f.params);
            (void)bob.start();
            while (in.remaining() > 0 && !bob.finished()) {
                const cascade_output out = bob.receive(in.bytes(in.u16()));
                if (out.status == cascade_status::ok || out.status == cascade_status::inconsistent) {
                    fuzz_check(bob.statistics().corrected_bits <= n, "more corrections than bits");
                }
            }
            break;
        }
    }
}
