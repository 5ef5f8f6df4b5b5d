// Outcomes that normal use produces: `status` and `result<T>`, both [[nodiscard]].
//
// A tag that does not verify, a key pool that is exhausted or a decoder that does not converge is
// not a programmer error, so it is not an exception (mlkem-native's MLK_ERR_*): the caller must
// look at the status. Reading the value of a failed result is a programmer error and throws.
#pragma once

#include <qkdnq/core/error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace qkdnq {

enum class [[nodiscard]] status : std::uint8_t {
    ok = 0,
    verification_failed,  // a tag, hash or signature did not verify
    not_enough_key,       // a key pool or store holds fewer bits than asked for
    did_not_converge,     // an iterative decoder or protocol gave up
    malformed_message,    // a message from the peer could not be parsed
    unknown_key_id,       // a key store has no key with that ID
    no_secret_key,        // a finite-key bound leaves no secret key (length <= 0) for this block
    weak_public_key,      // a Diffie-Hellman public key of small order (the shared secret is 0)
    capacity_exceeded,    // a key store or pool is full
    duplicate_key_id,     // a key ID that is already stored, or already seen (a replay)
    expired,              // a delivered key whose validity has passed
};

[[nodiscard]] constexpr std::string_view to_string(status s) noexcept {
    switch (s) {
        case status::ok: return "ok";
        case status::verification_failed: return "verification failed";
        case status::not_enough_key: return "not enough key";
        case status::did_not_converge: return "did not converge";
        case status::malformed_message: return "malformed message";
        case status::unknown_key_id: return "unknown key id";
        case status::no_secret_key: return "no secret key";
        case status::weak_public_key: return "weak public key";
        case status::capacity_exceeded: return "capacity exceeded";
        case status::duplicate_key_id: return "duplicate key id";
        case status::expired: return "expired";
    }
    return "unknown status";
}

// A value of type T, or the status that says why there is none.
template <class T>
class [[nodiscard]] result {
public:
    result(T value) : m_value(std::move(value)), m_status(status::ok) {}  // NOLINT: implicit on purpose
    result(status failure) : m_status(failure) {                          // NOLINT: implicit on purpose
        if (failure == status::ok) {
            throw invalid_argument("qkdnq::result: a failed result needs a status other than 'ok'");
        }
    }

    [[nodiscard]] bool ok() const noexcept { return m_status == status::ok; }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] qkdnq::status error() const noexcept { return m_status; }

    [[nodiscard]] T& value() & {
        check();
        return *m_value;
    }
    [[nodiscard]] const T& value() const& {
        check();
        return *m_value;
    }
    [[nodiscard]] T&& value() && {
        check();
        return std::move(*m_value);
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

private:
    void check() const {
        if (!ok()) {
            detail::throw_invalid_state("qkdnq::result::value",
                                        std::string("the result holds no value (") +
                                            std::string(to_string(m_status)) + ")");
        }
    }

    std::optional<T> m_value;
    qkdnq::status m_status;
};

}  // namespace qkdnq
