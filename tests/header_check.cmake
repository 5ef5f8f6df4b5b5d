# Each public header compiles on its own: one generated translation unit per header
# (catch2/tests/CMakeLists.txt, CATCH_BUILD_SURROGATES), built by the ctest test below.
file(GLOB_RECURSE qkdnq_public_headers CONFIGURE_DEPENDS RELATIVE "${PROJECT_SOURCE_DIR}/include"
  "${PROJECT_SOURCE_DIR}/include/qkdnq/*.hpp")
set(qkdnq_header_units)
foreach(header IN LISTS qkdnq_public_headers)
  string(MAKE_C_IDENTIFIER "${header}" unit)
  set(unit_file "${CMAKE_CURRENT_BINARY_DIR}/header_check/${unit}.cpp")
  file(CONFIGURE OUTPUT "${unit_file}" CONTENT "#include <${header}>\n#include <${header}>  // and the include guard works\n")
  list(APPEND qkdnq_header_units "${unit_file}")
endforeach()
add_library(qkdnq_header_check OBJECT ${qkdnq_header_units})
target_link_libraries(qkdnq_header_check PRIVATE qkdnq::qkdnq qkdnq_warnings)
set_target_properties(qkdnq_header_check PROPERTIES EXCLUDE_FROM_ALL ON)

add_test(NAME "headers: each public header compiles on its own"
  COMMAND ${CMAKE_COMMAND} --build "${PROJECT_BINARY_DIR}" --target qkdnq_header_check)
set_tests_properties("headers: each public header compiles on its own" PROPERTIES LABELS headers)
