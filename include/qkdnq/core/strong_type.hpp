// Strong types: a distinct type per meaning, so a Toeplitz seed cannot be passed where an
// authentication key is expected (botan/src/lib/pubkey/kyber/kyber_common/kyber_types.h).
//
//   using toeplitz_seed = qkdnq::strong<qkdnq::secure_bytes, struct toeplitz_seed_tag>;
//
// Strong types have no stream output and no begin()/end(), so neither iostreams nor test
// frameworks print what they hold: secrets are not printable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <type_traits>
#include <utility>

namespace qkdnq {

template <class T, class Tag>
class strong {
public:
    using value_type = T;

    strong() = default;
    explicit strong(T value) noexcept(std::is_nothrow_move_constructible_v<T>) : m_value(std::move(value)) {}

    [[nodiscard]] T& get() & noexcept { return m_value; }
    [[nodiscard]] const T& get() const& noexcept { return m_value; }
    [[nodiscard]] T&& get() && noexcept { return std::move(m_value); }

    // The number of elements held, where T has a size (byte strings, bit vectors).
    [[nodiscard]] std::size_t size() const noexcept
        requires requires(const T& v) { v.size(); }
    {
        return m_value.size();
    }

    // A read-only view of the bytes, where T is a contiguous byte container.
    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept
        requires requires(const T& v) { std::span<const std::uint8_t>(v); }
    {
        return std::span<const std::uint8_t>(m_value);
    }

    friend bool operator==(const strong&, const strong&) = delete;  // compare secrets with ct::equal

private:
    T m_value{};
};

// Not printable: no operator<< for any strong type.
template <class T, class Tag>
std::ostream& operator<<(std::ostream&, const strong<T, Tag>&) = delete;

}  // namespace qkdnq
