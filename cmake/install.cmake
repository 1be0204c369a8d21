# Installation and the CMake package: after `cmake --install build --prefix P`, a project finds the
# library with find_package(imhooks) (CMAKE_PREFIX_PATH=P) and links imhooks::imhooks;
# imhooks::testing (the headless harness) comes with it when it was built, and
# find_package(imhooks COMPONENTS runner) adds imhooks::runner.
#
# The package finds the same Dear ImGui again, the way it was found here (cmake/imgui.cmake), and
# checks its version; it never links another one.
if(NOT TARGET imhooks)
    return()
endif()
set(IMHOOKS_INSTALL_TARGETS imhooks)
set(IMHOOKS_HEADER_DIRS runtime/include hooks/include)
if(TARGET imhooks_testing)
    set_target_properties(imhooks_testing PROPERTIES EXPORT_NAME testing)
    list(APPEND IMHOOKS_INSTALL_TARGETS imhooks_testing)
    list(APPEND IMHOOKS_HEADER_DIRS testing/include)
endif()
set(IMHOOKS_PACKAGE_HAS_RUNNER FALSE)
if(TARGET imhooks_runner)
    set(IMHOOKS_PACKAGE_HAS_RUNNER TRUE)
    list(APPEND IMHOOKS_HEADER_DIRS runner/include)
endif()

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(IMHOOKS_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/imhooks
    CACHE STRING "Where the imhooks CMake package files are installed (relative to the prefix)")

install(TARGETS ${IMHOOKS_INSTALL_TARGETS}
    EXPORT imhooksTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT imhooksTargets
    NAMESPACE imhooks::
    FILE imhooksTargets.cmake
    DESTINATION ${IMHOOKS_INSTALL_CMAKEDIR})

# The runner in an export set of its own, loaded only for find_package(imhooks COMPONENTS runner):
# users of the headless core need no GLFW.
if(IMHOOKS_PACKAGE_HAS_RUNNER)
    install(TARGETS imhooks_runner
        EXPORT imhooksRunnerTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
    install(EXPORT imhooksRunnerTargets
        NAMESPACE imhooks::
        FILE imhooksRunnerTargets.cmake
        DESTINATION ${IMHOOKS_INSTALL_CMAKEDIR})
endif()

# Public headers: runtime/include/imhooks/..., hooks/include/imhooks/... -> include/imhooks/...
foreach(dir ${IMHOOKS_HEADER_DIRS})
    if(EXISTS ${PROJECT_SOURCE_DIR}/${dir})
        install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    endif()
endforeach()

configure_package_config_file(
    ${CMAKE_CURRENT_LIST_DIR}/imhooksConfig.cmake.in
    ${PROJECT_BINARY_DIR}/imhooksConfig.cmake
    INSTALL_DESTINATION ${IMHOOKS_INSTALL_CMAKEDIR})
# 0.x: minor versions may break the API.
write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/imhooksConfigVersion.cmake
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMinorVersion)
install(FILES
    ${PROJECT_BINARY_DIR}/imhooksConfig.cmake
    ${PROJECT_BINARY_DIR}/imhooksConfigVersion.cmake
    ${CMAKE_CURRENT_LIST_DIR}/imhooksImGuiVersion.cmake
    DESTINATION ${IMHOOKS_INSTALL_CMAKEDIR})
