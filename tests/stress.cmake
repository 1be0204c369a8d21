# The stress test: a plain executable that prints its figures and exits non-zero on a failed check.
# Included from tests/CMakeLists.txt; needs the imhooks and imhooks_testing targets.
if(NOT TARGET imhooks OR NOT TARGET imhooks_testing)
    return()
endif()

add_executable(imhooks_stress ${CMAKE_CURRENT_LIST_DIR}/stress_test.cpp)
target_link_libraries(imhooks_stress PRIVATE imhooks imhooks_testing)
target_compile_options(imhooks_stress PRIVATE ${IMHOOKS_WARNINGS})
# The run is bounded by time, and its budget follows the build: sanitizers slow every operation
# down several times, so there it does fewer operations in a budget that keeps it near 15 s (the
# source also sees the sanitizer macros; this definition makes the choice explicit).
if(SAN STREQUAL "thread" OR SAN STREQUAL "address")
    target_compile_definitions(imhooks_stress PRIVATE IMHOOKS_STRESS_SANITIZED=1)
endif()

set(IMHOOKS_STRESS_TEST
    "stress: random mounts, cancels, retries and setters keep every Result legal and leak nothing")
add_test(NAME "${IMHOOKS_STRESS_TEST}" COMMAND imhooks_stress)
set_tests_properties("${IMHOOKS_STRESS_TEST}" PROPERTIES
    LABELS "stress"
    TIMEOUT 180
    # It loads both cores for its whole run; timing-sensitive tests must not share them with it.
    RUN_SERIAL TRUE
    # A detached job's report is expected; a leak or race report is not.
    FAIL_REGULAR_EXPRESSION
        "ERROR: (LeakSanitizer|AddressSanitizer)|WARNING: ThreadSanitizer|runtime error:")
