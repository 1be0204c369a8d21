# The runner and a hand-written loop with FramePacer, in real windows under Xvfb (GLFW, OpenGL 3.3
# through Mesa). Included from tests/CMakeLists.txt; needs the runner (IMHOOKS_BUILD_RUNNER=ON).
#   runner_help                   --help prints the options, with no display, exit 0
#   runner_invalid_screenshot_key --screenshot-key F13 is named in the error
#   demo_help                     the demo's --help: its options and the runner's
#   runner_fast_keys              xdotool a and ctrl+a (before ImGui 1.87), four times each: every press seen
#   runner_screenshot_on_demand   SIGUSR1, then F12, each writes a screenshot of the next frame
#   runner_png_on_demand_N        their content
#   hand_loop_idle_and_animation  the README's loop: 0 frames idle, the animation's rate
if(NOT TARGET imhooks_runner)
    return()
endif()

add_executable(imhooks_runner_probe ${CMAKE_CURRENT_LIST_DIR}/window/runner_probe.cpp)
target_link_libraries(imhooks_runner_probe PRIVATE imhooks::runner imhooks::imhooks)
target_compile_options(imhooks_runner_probe PRIVATE ${IMHOOKS_WARNINGS})

add_test(NAME runner_help
    COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
            $<TARGET_FILE:imhooks_runner_probe> --help)
set_tests_properties(runner_help PROPERTIES
    TIMEOUT 60
    PASS_REGULAR_EXPRESSION "^usage: [^\n]*imhooks_runner_probe \\[options\\]\n  --help, -h.*--screenshot-key")
add_test(NAME runner_invalid_screenshot_key
    COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
            $<TARGET_FILE:imhooks_runner_probe> --screenshot-key F13)
set_tests_properties(runner_invalid_screenshot_key PROPERTIES
    TIMEOUT 60
    PASS_REGULAR_EXPRESSION "invalid value for --screenshot-key: 'F13' \\(expected F1 to F12, or none\\)")
if(TARGET imhooks_demo)
    add_test(NAME demo_help
        COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
                $<TARGET_FILE:imhooks_demo> --help)
    set_tests_properties(demo_help PROPERTIES
        TIMEOUT 60
        PASS_REGULAR_EXPRESSION "^usage: [^\n]*imhooks_demo \\[options\\]\n.*--panel NAME.*--frames N.*--screenshot-key")
endif()

# The README's loop compiled as written: Dear ImGui's backends as the runner compiles them (from
# the Dear ImGui in use), GL through glad.
if(TARGET imhooks_imgui_backends)
    add_executable(imhooks_hand_loop ${CMAKE_CURRENT_LIST_DIR}/window/hand_loop.cpp)
    target_link_libraries(imhooks_hand_loop PRIVATE
        imhooks::imhooks imhooks_imgui_backends imhooks_glad ${IMHOOKS_GLFW_LINK})
    target_compile_options(imhooks_hand_loop PRIVATE ${IMHOOKS_WARNINGS})
endif()

find_program(IMHOOKS_XVFB_RUN xvfb-run)
find_program(IMHOOKS_XDOTOOL xdotool)
if(NOT IMHOOKS_XVFB_RUN)
    message(WARNING "imhooks: xvfb-run not found, runner window tests skipped (apt-get install xvfb)")
    return()
endif()
set(IMHOOKS_RUNNER_XVFB ${IMHOOKS_XVFB_RUN} -a -s "-screen 0 1280x800x24")
set(IMHOOKS_RUNNER_WINDOW_ENV "")
if(SAN STREQUAL "address")
    list(APPEND IMHOOKS_RUNNER_WINDOW_ENV "ASAN_OPTIONS=detect_leaks=0")
elseif(SAN STREQUAL "thread")
    list(APPEND IMHOOKS_RUNNER_WINDOW_ENV
         "TSAN_OPTIONS=suppressions=${CMAKE_CURRENT_LIST_DIR}/window/tsan.supp")
endif()

if(TARGET imhooks_hand_loop)
    # The frame rate is only asserted without sanitizers (their frames are several times slower);
    # the sleep bound and the idle frames always are.
    set(hand_loop_min_fps 30)
    if(SAN)
        set(hand_loop_min_fps 0)
    endif()
    add_test(NAME hand_loop_idle_and_animation
        COMMAND ${IMHOOKS_RUNNER_XVFB} $<TARGET_FILE:imhooks_hand_loop> ${hand_loop_min_fps})
    set_tests_properties(hand_loop_idle_and_animation PROPERTIES
        LABELS "window"
        TIMEOUT 60
        ENVIRONMENT "${IMHOOKS_RUNNER_WINDOW_ENV}")
endif()

if(NOT IMHOOKS_XDOTOOL)
    message(WARNING "imhooks: xdotool not found, runner key tests skipped (apt-get install xdotool)")
    return()
endif()

if(NOT TARGET imhooks_png_check)
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(IMHOOKS_PC_STB REQUIRED IMPORTED_TARGET stb)
    add_executable(imhooks_png_check ${CMAKE_CURRENT_LIST_DIR}/window/png_check.cpp)
    target_link_libraries(imhooks_png_check PRIVATE PkgConfig::IMHOOKS_PC_STB)
    target_compile_options(imhooks_png_check PRIVATE ${IMHOOKS_WARNINGS})
endif()

set(IMHOOKS_ON_DEMAND_DIR ${CMAKE_CURRENT_BINARY_DIR}/screenshots/on-demand)
foreach(script fast_keys screenshot_on_demand)
    add_test(NAME runner_${script}
        COMMAND ${IMHOOKS_XVFB_RUN} -a -s "-screen 0 1400x900x24"
                bash ${CMAKE_CURRENT_LIST_DIR}/window/${script}.sh
                $<TARGET_FILE:imhooks_runner_probe> ${IMHOOKS_ON_DEMAND_DIR})
    set_tests_properties(runner_${script} PROPERTIES
        LABELS "window"
        TIMEOUT 120
        ENVIRONMENT "${IMHOOKS_RUNNER_WINDOW_ENV}")
endforeach()
set_tests_properties(runner_screenshot_on_demand PROPERTIES
    FIXTURES_SETUP imhooks_on_demand_screenshots)
# The probe's picture: 320 x 200, a magenta band along the bottom, a window with text.
foreach(n 1 2)
    add_test(NAME runner_png_on_demand_${n}
        COMMAND imhooks_png_check ${IMHOOKS_ON_DEMAND_DIR}/shot-${n}.png
                --size 320 200
                --colour 0 182 320 18 255 0 255 99
                --distinct 10 10 300 150 4)
    set_tests_properties(runner_png_on_demand_${n} PROPERTIES
        LABELS "window"
        TIMEOUT 60
        FIXTURES_REQUIRED imhooks_on_demand_screenshots)
endforeach()
