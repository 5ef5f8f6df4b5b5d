// Constant-time helpers: masks, selection, comparison, value barrier, and valgrind poisoning.
//
// A mask is all-ones (true) or all-zeros (false) in an unsigned integer, so choices made on a
// secret become arithmetic rather than branches (botan/src/lib/utils/ct_utils.h,
// mlkem-native/mlkem/src/verify.h). `value_barrier` hides a value from the optimiser so it cannot
// turn the arithmetic back into a branch.
//
// `poison`/`unpoison` mark memory undefined/defined for valgrind memcheck when
// QKDNQ_CT_VALGRIND is defined (the constant-time check, docs/security.md); memcheck then
// reports every branch, index or division that depends on a poisoned secret. Without the macro
// they compile to nothing.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#if defined(QKDNQ_CT_VALGRIND) && QKDNQ_CT_VALGRIND
#include <valgrind/memcheck.h>
#endif

namespace qkdnq::ct {

// Returns `x` unchanged through an empty asm statement the optimiser cannot see through.
template <std::unsigned_integral T>
[[nodiscard]] inline T value_barrier(T x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+r"(x) : :);
    return x;
#else
    volatile T v = x;
    return v;
#endif
}

// All-ones if the top bit of `x` is set, else zero.
template <std::unsigned_integral T>
[[nodiscard]] inline T expand_top_bit(T x) noexcept {
    return static_cast<T>(T{0} - static_cast<T>(value_barrier(x) >> (sizeof(T) * 8 - 1)));
}

// All-ones if `bit` (0 or 1) is 1, else zero.
template <std::unsigned_integral T>
[[nodiscard]] inline T mask_from_bit(T bit) noexcept {
    return static_cast<T>(T{0} - (value_barrier(bit) & T{1}));
}

// All-ones if `x == 0`, else zero.
template <std::unsigned_integral T>
[[nodiscard]] inline T is_zero(T x) noexcept {
    return expand_top_bit(static_cast<T>(~x & static_cast<T>(x - 1)));
}

// All-ones if `a == b`, else zero.
template <std::unsigned_integral T>
[[nodiscard]] inline T is_equal(T a, T b) noexcept {
    return is_zero(static_cast<T>(a ^ b));
}

// All-ones if `a < b`, else zero.
template <std::unsigned_integral T>
[[nodiscard]] inline T is_less(T a, T b) noexcept {
    // Top bit of (a ^ ((a ^ b) | ((a - b) ^ b))) is the borrow of a - b (Hacker's Delight 2-12).
    return expand_top_bit(static_cast<T>(a ^ ((a ^ b) | (static_cast<T>(a - b) ^ b))));
}

// `mask ? a : b` without a branch.
template <std::unsigned_integral T>
[[nodiscard]] inline T select(T mask, T a, T b) noexcept {
    return static_cast<T>(b ^ (value_barrier(mask) & (a ^ b)));
}

// Copies `src` over `dst` where `mask` is all-ones; leaves `dst` where it is zero.
inline void conditional_copy(std::uint8_t mask, std::span<std::uint8_t> dst,
                             std::span<const std::uint8_t> src) noexcept {
    const std::size_t n = dst.size() < src.size() ? dst.size() : src.size();
    for (std::size_t i = 0; i < n; ++i) dst[i] = select(mask, src[i], dst[i]);
}

// Marks `size` bytes at `data` as secret (undefined to memcheck).
inline void poison(const void* data, std::size_t size) noexcept {
#if defined(QKDNQ_CT_VALGRIND) && QKDNQ_CT_VALGRIND
    VALGRIND_MAKE_MEM_UNDEFINED(data, size);
#else
    (void)data;
    (void)size;
#endif
}

// Marks `size` bytes at `data` as public again (defined to memcheck): a declassification.
inline void unpoison(const void* data, std::size_t size) noexcept {
#if defined(QKDNQ_CT_VALGRIND) && QKDNQ_CT_VALGRIND
    VALGRIND_MAKE_MEM_DEFINED(data, size);
#else
    (void)data;
    (void)size;
#endif
}

template <class T, std::size_t N>
inline void poison(std::span<T, N> data) noexcept {
    poison(data.data(), data.size_bytes());
}
template <class T, std::size_t N>
inline void unpoison(std::span<T, N> data) noexcept {
    unpoison(data.data(), data.size_bytes());
}
template <class T>
    requires std::is_trivially_copyable_v<T>
inline void poison_object(const T& object) noexcept {
    poison(&object, sizeof(T));
}
template <class T>
    requires std::is_trivially_copyable_v<T>
inline void unpoison_object(const T& object) noexcept {
    unpoison(&object, sizeof(T));
}

// All-ones if the two equally long byte strings are equal, else zero; time depends on the
// length only. Lengths are public: spans of different lengths compare unequal at once.
[[nodiscard]] inline std::uint8_t equal_mask(std::span<const std::uint8_t> a,
                                             std::span<const std::uint8_t> b) noexcept {
    if (a.size() != b.size()) return 0;
    std::uint8_t difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i) difference = static_cast<std::uint8_t>(difference | (a[i] ^ b[i]));
    return is_zero(difference);
}

// Whether two byte strings are equal, in time that depends on their lengths only. The outcome
// itself is declassified (unpoisoned): callers branch on it.
[[nodiscard]] inline bool equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    std::uint8_t mask = equal_mask(a, b);
    unpoison(&mask, sizeof mask);
    return mask != 0;
}

}  // namespace qkdnq::ct
