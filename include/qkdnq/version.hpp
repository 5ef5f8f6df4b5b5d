// The library's version (semantic versioning; the CMake package uses SameMajorVersion).
#pragma once

#define QKDNQ_VERSION_MAJOR 0
#define QKDNQ_VERSION_MINOR 1
#define QKDNQ_VERSION_PATCH 0

namespace qkdnq {
inline constexpr int version_major = QKDNQ_VERSION_MAJOR;
inline constexpr int version_minor = QKDNQ_VERSION_MINOR;
inline constexpr int version_patch = QKDNQ_VERSION_PATCH;
inline constexpr const char* version_string = "0.1.0";
}  // namespace qkdnq
