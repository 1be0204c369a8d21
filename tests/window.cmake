# Window tests: run the demo in a real window (GLFW + OpenGL 3.3 through Mesa) under Xvfb.
# Included from tests/CMakeLists.txt; needs the demo (IMHOOKS_BUILD_DEMO=ON) and xvfb-run.
#   window_demo_screenshot   renders 10 frames and writes a PNG            (fixture setup)
#   window_png_check         checks the PNG's size and content             (needs the fixture)
#   window_click_counter     clicks Increment twice with xdotool, expects count 2
#   window_no_display        without DISPLAY: a clear error, no crash
#   demo_unknown_argument    an unknown argument is named in the error
if(NOT TARGET imhooks_demo)
    message(STATUS "imhooks: window tests skipped (the demo is not built)")
    return()
endif()

find_program(IMHOOKS_XVFB_RUN xvfb-run)
find_program(IMHOOKS_XDOTOOL xdotool)
if(NOT TARGET PkgConfig::STB)
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)
endif()

add_executable(imhooks_png_check ${CMAKE_CURRENT_LIST_DIR}/window/png_check.cpp)
target_link_libraries(imhooks_png_check PRIVATE PkgConfig::STB)
target_compile_options(imhooks_png_check PRIVATE ${IMHOOKS_WARNINGS})

# Tests that need no display.
add_test(NAME window_no_display
    COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
            $<TARGET_FILE:imhooks_demo> --frames 1)
set_tests_properties(window_no_display PROPERTIES
    LABELS "window"
    TIMEOUT 60
    PASS_REGULAR_EXPRESSION "cannot initialise GLFW.*xvfb-run")
add_test(NAME demo_unknown_argument COMMAND imhooks_demo --frames 1 --bogus)
set_tests_properties(demo_unknown_argument PROPERTIES
    TIMEOUT 60
    PASS_REGULAR_EXPRESSION "unknown argument: '--bogus'")

if(NOT IMHOOKS_XVFB_RUN)
    message(WARNING "imhooks: xvfb-run not found, window tests skipped (apt-get install xvfb)")
    return()
endif()

set(IMHOOKS_XVFB ${IMHOOKS_XVFB_RUN} -a -s "-screen 0 1280x800x24")
set(IMHOOKS_WINDOW_ENV "")
if(SAN STREQUAL "address")
    # The Mesa driver leaks a few KB that LeakSanitizer cannot suppress by name (the library is
    # unloaded by then): no leak check for tests that open a window.
    list(APPEND IMHOOKS_WINDOW_ENV "ASAN_OPTIONS=detect_leaks=0")
elseif(SAN STREQUAL "thread")
    list(APPEND IMHOOKS_WINDOW_ENV
         "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/window/tsan.supp")
endif()

set(IMHOOKS_SCREENSHOT ${CMAKE_CURRENT_BINARY_DIR}/window_demo.png)
add_test(NAME window_demo_screenshot
    COMMAND ${IMHOOKS_XVFB} $<TARGET_FILE:imhooks_demo>
            --frames 10 --width 800 --height 600 --screenshot ${IMHOOKS_SCREENSHOT})
set_tests_properties(window_demo_screenshot PROPERTIES
    LABELS "window"
    TIMEOUT 120
    ENVIRONMENT "${IMHOOKS_WINDOW_ENV}"
    FIXTURES_SETUP imhooks_demo_screenshot)

# The demo's clear colour (0.45, 0.55, 0.60) and its "Counter" window at (20, 20), 320 x 140
# (checked a few pixels inside its border).
add_test(NAME window_png_check
    COMMAND imhooks_png_check ${IMHOOKS_SCREENSHOT}
            --size 800 600 --clear 115 140 153 --window 24 24 312 132)
set_tests_properties(window_png_check PROPERTIES
    LABELS "window"
    TIMEOUT 60
    FIXTURES_REQUIRED imhooks_demo_screenshot)

if(IMHOOKS_XDOTOOL)
    add_test(NAME window_click_counter
        COMMAND ${IMHOOKS_XVFB} bash ${CMAKE_CURRENT_LIST_DIR}/window/click_counter.sh
                $<TARGET_FILE:imhooks_demo>)
    set_tests_properties(window_click_counter PROPERTIES
        LABELS "window"
        TIMEOUT 180
        ENVIRONMENT "${IMHOOKS_WINDOW_ENV}")
else()
    message(WARNING "imhooks: xdotool not found, window_click_counter skipped "
                    "(apt-get install xdotool)")
endif()
