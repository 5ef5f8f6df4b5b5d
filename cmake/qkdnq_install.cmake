# install(), the exported target qkdnq::qkdnq, qkdnqConfig.cmake and its version file
# (fmt/CMakeLists.txt). The build tree is exported too, for consumers that point at it.
include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(QKDNQ_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/qkdnq" CACHE STRING "Install folder of qkdnqConfig.cmake")

install(TARGETS qkdnq EXPORT qkdnqTargets)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/qkdnq" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT qkdnqTargets NAMESPACE qkdnq:: DESTINATION "${QKDNQ_CMAKE_DIR}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/qkdnqConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/qkdnqConfig.cmake"
  INSTALL_DESTINATION "${QKDNQ_CMAKE_DIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/qkdnqConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion
  ARCH_INDEPENDENT)
install(FILES
  "${PROJECT_BINARY_DIR}/qkdnqConfig.cmake"
  "${PROJECT_BINARY_DIR}/qkdnqConfigVersion.cmake"
  DESTINATION "${QKDNQ_CMAKE_DIR}")

export(EXPORT qkdnqTargets NAMESPACE qkdnq:: FILE "${PROJECT_BINARY_DIR}/qkdnqTargets.cmake")
