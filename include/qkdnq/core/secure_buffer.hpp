// Zeroizing storage for secrets.
//
// `secure_zero` wipes memory through a compiler barrier the optimiser cannot remove
// (botan/src/lib/base/secmem.h). `secure_vector<T>` / `secure_bytes` free their storage only
// after wiping it, also when they grow; `secure_array<N>` wipes itself in its destructor.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <span>
#include <string>
#include <vector>

namespace qkdnq {

// Overwrites `size` bytes at `data` with zeros; the store is never elided.
inline void secure_zero(void* data, std::size_t size) noexcept {
    if (size == 0) return;
#if defined(__GNUC__) || defined(__clang__)
    std::memset(data, 0, size);
    // The asm "reads" the memory, so the memset above is observable and cannot be removed.
    __asm__ __volatile__("" : : "r"(data) : "memory");
#else
    volatile std::uint8_t* p = static_cast<volatile std::uint8_t*>(data);
    for (std::size_t i = 0; i < size; ++i) p[i] = 0;
#endif
}

template <class T, std::size_t N>
inline void secure_zero(std::span<T, N> data) noexcept {
    secure_zero(data.data(), data.size_bytes());
}

// An allocator that wipes every block before it is returned to the heap.
template <class T>
struct zeroizing_allocator {
    using value_type = T;

    zeroizing_allocator() noexcept = default;
    template <class U>
    constexpr zeroizing_allocator(const zeroizing_allocator<U>&) noexcept {}

    [[nodiscard]] T* allocate(std::size_t n) {
        if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
        return static_cast<T*>(::operator new(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept {
        secure_zero(p, n * sizeof(T));
        ::operator delete(p);
    }

    template <class U>
    friend constexpr bool operator==(const zeroizing_allocator&, const zeroizing_allocator<U>&) noexcept {
        return true;
    }
};

template <class T>
using secure_vector = std::vector<T, zeroizing_allocator<T>>;
using secure_bytes = secure_vector<std::uint8_t>;
// Text that carries a secret (a base64 key, a JSON body with keys): wiped when freed. Short
// strings live inside the object (SSO) and are not wiped, so keep secrets longer than 15 chars
// or wipe them by hand.
using secure_string = std::basic_string<char, std::char_traits<char>, zeroizing_allocator<char>>;

// A fixed-size secret byte array that wipes itself when destroyed.
template <std::size_t N>
class secure_array {
public:
    secure_array() noexcept = default;
    secure_array(const secure_array&) = default;
    secure_array& operator=(const secure_array&) = default;
    ~secure_array() { secure_zero(m_bytes.data(), N); }

    [[nodiscard]] static constexpr std::size_t size() noexcept { return N; }
    [[nodiscard]] std::uint8_t* data() noexcept { return m_bytes.data(); }
    [[nodiscard]] const std::uint8_t* data() const noexcept { return m_bytes.data(); }
    [[nodiscard]] std::span<std::uint8_t, N> span() noexcept { return m_bytes; }
    [[nodiscard]] std::span<const std::uint8_t, N> span() const noexcept { return m_bytes; }
    std::uint8_t& operator[](std::size_t i) noexcept { return m_bytes[i]; }
    const std::uint8_t& operator[](std::size_t i) const noexcept { return m_bytes[i]; }

private:
    std::array<std::uint8_t, N> m_bytes{};
};

}  // namespace qkdnq
