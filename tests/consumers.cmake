# An application with its own Dear ImGui, taking imhooks with add_subdirectory or with
# FetchContent: each a separate CMake project (tests/consumers/), configured, built, checked for
# exactly one Dear ImGui linked (tests/consumers/one_imgui.cmake) and run.
# Included from tests/CMakeLists.txt when IMHOOKS_TEST_CONSUMERS_IMGUI_DIR names Dear ImGui
# sources (the compatibility stage sets it: make test-compat).
# The check itself, on made-up link commands and maps: it passes on one ImGui and fails on two.
set(one_imgui_cases
    "one|one ImGui: app links /build/libapp_imgui.a"
    "two_libraries|the link command of app names 2 ImGui libraries"
    "two_archives|app takes Dear ImGui's objects from 2 archives"
    "two_backends|app takes Dear ImGui's backends from 2 archives")
foreach(entry ${one_imgui_cases})
    string(REPLACE "|" ";" entry "${entry}")
    list(GET entry 0 case)
    list(GET entry 1 expected)
    add_test(NAME "the one-ImGui check of the consumer tests: ${case}"
        COMMAND ${CMAKE_COMMAND} -D CASE=${case}
                -D WORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consumers/one_imgui_selftest
                -P ${CMAKE_CURRENT_LIST_DIR}/consumers/one_imgui_selftest.cmake)
    set_tests_properties("the one-ImGui check of the consumer tests: ${case}" PROPERTIES
        PASS_REGULAR_EXPRESSION "${expected}")
endforeach()

set(IMHOOKS_TEST_CONSUMERS_IMGUI_DIR "" CACHE PATH
    "Dear ImGui sources for the add_subdirectory and FetchContent consumer tests (empty: skipped)")
if(NOT IMHOOKS_TEST_CONSUMERS_IMGUI_DIR)
    return()
endif()
if(NOT EXISTS ${IMHOOKS_TEST_CONSUMERS_IMGUI_DIR}/imgui.h)
    message(FATAL_ERROR "IMHOOKS_TEST_CONSUMERS_IMGUI_DIR (${IMHOOKS_TEST_CONSUMERS_IMGUI_DIR}) "
                        "has no imgui.h")
endif()
find_program(IMHOOKS_XVFB_RUN xvfb-run)
set(consumer_xvfb "")
if(IMHOOKS_XVFB_RUN)
    set(consumer_xvfb -D XVFB_RUN=${IMHOOKS_XVFB_RUN})
endif()
set(consumer_common
    -D GENERATOR=${CMAKE_GENERATOR}
    -D CXX_COMPILER=${CMAKE_CXX_COMPILER}
    -D C_COMPILER=${CMAKE_C_COMPILER})

add_test(NAME consumer_add_subdirectory
    COMMAND ${CMAKE_COMMAND}
        -D SOURCE_DIR=${CMAKE_CURRENT_LIST_DIR}/consumers/add_subdirectory
        -D WORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consumers/add_subdirectory
        ${consumer_common} ${consumer_xvfb}
        "-D ARGS=-DIMGUI_DIR=${IMHOOKS_TEST_CONSUMERS_IMGUI_DIR}|-DIMHOOKS_DIR=${PROJECT_SOURCE_DIR}"
        -D PROGRAMS=app
        -D RUNNER_APP=runner_app
        -P ${CMAKE_CURRENT_LIST_DIR}/consumers/run.cmake)

# FetchContent takes imhooks from a source archive of this checkout, as from a release archive.
set(consumer_archive ${CMAKE_CURRENT_BINARY_DIR}/consumers/imhooks-source.tar.gz)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/consumers)
add_test(NAME consumer_fetchcontent_archive
    COMMAND ${CMAKE_COMMAND} -E tar czf ${consumer_archive}
        CMakeLists.txt cmake runtime hooks testing runner third_party
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(consumer_fetchcontent_archive PROPERTIES
    FIXTURES_SETUP imhooks_consumer_archive)
add_test(NAME consumer_fetchcontent
    COMMAND ${CMAKE_COMMAND}
        -D SOURCE_DIR=${CMAKE_CURRENT_LIST_DIR}/consumers/fetchcontent
        -D WORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consumers/fetchcontent
        ${consumer_common}
        "-D ARGS=-DIMGUI_DIR=${IMHOOKS_TEST_CONSUMERS_IMGUI_DIR}|-DIMHOOKS_ARCHIVE=${consumer_archive}"
        -D PROGRAMS=app
        -P ${CMAKE_CURRENT_LIST_DIR}/consumers/run.cmake)
set_tests_properties(consumer_add_subdirectory consumer_fetchcontent PROPERTIES
    LABELS "package"
    TIMEOUT 900)
set_tests_properties(consumer_fetchcontent PROPERTIES FIXTURES_REQUIRED imhooks_consumer_archive)
