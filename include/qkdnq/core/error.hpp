// Errors: one exception hierarchy for programmer errors.
//
// Outcomes that normal use produces (a tag that does not verify, too little key) are not
// exceptions: they come back as `qkdnq::status` / `qkdnq::result<T>` (core/result.hpp).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qkdnq {

// Base of every exception the library throws.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An argument has the wrong length or is out of its documented range.
class invalid_argument : public error {
public:
    using error::error;
};

// An object was used in a state that does not allow the call (for example, absorbing into a
// hash that was already finalised, or reading the value of a result that holds an error).
class invalid_state : public error {
public:
    using error::error;
};

namespace detail {

[[noreturn]] inline void throw_invalid_length(std::string_view where, std::string_view argument,
                                              std::size_t actual, std::string_view expected) {
    std::string message;
    message.reserve(96);
    message.append(where).append(": argument '").append(argument).append("' has ");
    message.append(std::to_string(actual)).append(" bytes, expected ").append(expected);
    throw invalid_argument(message);
}

// Throws `invalid_argument` naming the argument unless `actual == expected` (lengths in bytes).
inline void require_length(std::string_view where, std::string_view argument, std::size_t actual,
                           std::size_t expected) {
    if (actual != expected) {
        throw_invalid_length(where, argument, actual, std::to_string(expected));
    }
}

// Throws `invalid_argument` naming the argument unless `actual <= maximum` (lengths in bytes).
inline void require_at_most(std::string_view where, std::string_view argument, std::size_t actual,
                            std::size_t maximum) {
    if (actual > maximum) {
        throw_invalid_length(where, argument, actual, "at most " + std::to_string(maximum));
    }
}

[[noreturn]] inline void throw_invalid_state(std::string_view where, std::string_view what) {
    std::string message;
    message.append(where).append(": ").append(what);
    throw invalid_state(message);
}

}  // namespace detail
}  // namespace qkdnq
