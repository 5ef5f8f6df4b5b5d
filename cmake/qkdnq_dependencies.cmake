# Third-party packages, all from Debian 12.
#
# Debian's xsimd 8.1 exports a plain `xsimd` target that links `xtl` without finding it,
# so xtl is found first. The same steps run in the installed qkdnqConfig.cmake.
include_guard(GLOBAL)

find_package(xtl REQUIRED)
find_package(xsimd REQUIRED)
if(NOT TARGET xsimd::xsimd)
  add_library(xsimd::xsimd INTERFACE IMPORTED)
  target_link_libraries(xsimd::xsimd INTERFACE xsimd)
endif()
