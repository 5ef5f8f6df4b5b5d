# Warning flags for the project's own programs (tests, benchmarks, examples, fuzz targets).
# The library target itself carries no flags: consumers choose their own.
include_guard(GLOBAL)

add_library(qkdnq_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(qkdnq_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
    $<$<BOOL:${QKDNQ_WERROR}>:-Werror>)
endif()
