# Two consumer projects, built and run by ctest (fmt/test/find-package-test, add-subdirectory-test):
#  - find_package: install this build to a temporary prefix, then find_package(qkdnq CONFIG REQUIRED);
#  - add_subdirectory: a project that adds this source tree.
set(qkdnq_consumer_dir "${CMAKE_CURRENT_BINARY_DIR}/consumer")
set(qkdnq_consumer_args
  -DQKDNQ_SOURCE_DIR=${PROJECT_SOURCE_DIR}
  -DQKDNQ_BUILD_DIR=${PROJECT_BINARY_DIR}
  -DWORK_DIR=${qkdnq_consumer_dir}
  -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
  "-DCXX_FLAGS=${CMAKE_CXX_FLAGS}"
  -DGENERATOR=${CMAKE_GENERATOR})

add_test(NAME "consumer: find_package(qkdnq) against an install prefix"
  COMMAND ${CMAKE_COMMAND} ${qkdnq_consumer_args} -DMODE=find_package
          -P "${CMAKE_CURRENT_SOURCE_DIR}/consumer/run_consumer.cmake")
add_test(NAME "consumer: add_subdirectory(qkdnq)"
  COMMAND ${CMAKE_COMMAND} ${qkdnq_consumer_args} -DMODE=add_subdirectory
          -P "${CMAKE_CURRENT_SOURCE_DIR}/consumer/run_consumer.cmake")
set_tests_properties(
  "consumer: find_package(qkdnq) against an install prefix"
  "consumer: add_subdirectory(qkdnq)"
  PROPERTIES LABELS consumer RESOURCE_LOCK qkdnq_consumer)
