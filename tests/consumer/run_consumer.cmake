# Configures, builds and runs one consumer project (MODE = find_package | add_subdirectory).
# Invoked by ctest with -P; see consumer_tests.cmake for the variables.
cmake_minimum_required(VERSION 3.25)

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

set(build "${WORK_DIR}/${MODE}-build")
file(REMOVE_RECURSE "${build}")
set(configure_args -S "${QKDNQ_SOURCE_DIR}/tests/consumer/${MODE}" -B "${build}" -G "${GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" -DCMAKE_BUILD_TYPE=Release)

if(MODE STREQUAL "find_package")
  set(prefix "${WORK_DIR}/prefix")
  file(REMOVE_RECURSE "${prefix}")
  run_step(${CMAKE_COMMAND} --install "${QKDNQ_BUILD_DIR}" --prefix "${prefix}")
  if(NOT EXISTS "${prefix}/include/qkdnq/qkdnq.hpp")
    message(FATAL_ERROR "the install did not put qkdnq/qkdnq.hpp under ${prefix}/include")
  endif()
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${prefix}")
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND configure_args "-DQKDNQ_SOURCE_DIR=${QKDNQ_SOURCE_DIR}")
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()

run_step(${CMAKE_COMMAND} ${configure_args})
run_step(${CMAKE_COMMAND} --build "${build}")
run_step("${build}/consumer")
message(STATUS "consumer (${MODE}) built and ran")
