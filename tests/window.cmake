# Window tests: the demo in a real window (GLFW + OpenGL 3.3 through Mesa) under Xvfb.
# Included from tests/CMakeLists.txt; needs the demo (IMHOOKS_BUILD_DEMO=ON) and xvfb-run.
#   window_screenshot_NAME      the demo (or one panel) writes a PNG           (fixture setup)
#   window_png_NAME             checks that PNG's content with imhooks_png_check
#   window_click_primes         xdotool: Cancel, then Retry in the primes panel; SIGINT quits
#   window_click_blocking_call  xdotool: Cancel frees a call blocked in poll(); Retry; SIGTERM
#   window_idle                 3 s idle after settling: <= 3 frames, <= 2 % of a core
#   window_no_display           without DISPLAY: a clear error, no crash
#   demo_unknown_argument       an unknown argument is named in the error
#   demo_unknown_panel          an unknown --panel is named, with the known ones
# All are labelled "window" except the last two, which need no display.
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
add_test(NAME demo_unknown_panel COMMAND imhooks_demo --panel nope)
set_tests_properties(demo_unknown_panel PROPERTIES
    TIMEOUT 60
    PASS_REGULAR_EXPRESSION "unknown panel: 'nope' \\(expected one of primes, mandelbrot")

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

#-------------------------------------------------------------------------------------------------
# Screenshots, each checked for content
#-------------------------------------------------------------------------------------------------
# Colours of the demo (ImGui's dark style over the runner's clear colour), as Mesa draws them:
set(CLEAR 115 140 153)         # the background between the windows
set(TITLE 10 10 10)            # a title bar
set(TITLE_FOCUSED 41 74 122)   # the focused window's title bar
set(WINDOW 21 22 23)           # a window's background
set(FILL 230 179 0)            # a progress bar's fill (ImGuiCol_PlotHistogram)
set(FRAME 32 50 77)            # a progress bar's empty part (ImGuiCol_FrameBg)
set(RUNNING 77 158 255)        # demo::StateColour(Running)
set(FINISHED 102 217 115)      # demo::StateColour(Finished)
set(ERROR 255 92 92)           # demo::StateColour(Error)
set(FINISHED_NODE 58 110 65)   # the state diagram's current node, FINISHED, filled

set(IMHOOKS_SCREENSHOT_DIR ${CMAKE_CURRENT_BINARY_DIR}/screenshots)
file(MAKE_DIRECTORY ${IMHOOKS_SCREENSHOT_DIR})

# imhooks_screenshot_test(NAME DEMO_ARGS ... CHECKS ...): the demo, run with DEMO_ARGS, writes
# screenshots/NAME.png; imhooks_png_check checks it with CHECKS.
function(imhooks_screenshot_test name)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "DEMO_ARGS;CHECKS")
    set(png ${IMHOOKS_SCREENSHOT_DIR}/${name}.png)
    add_test(NAME window_screenshot_${name}
        COMMAND ${IMHOOKS_XVFB} $<TARGET_FILE:imhooks_demo> ${ARG_DEMO_ARGS} --screenshot ${png})
    set_tests_properties(window_screenshot_${name} PROPERTIES
        LABELS "window"
        TIMEOUT 120
        ENVIRONMENT "${IMHOOKS_WINDOW_ENV}"
        FIXTURES_SETUP imhooks_screenshot_${name})
    add_test(NAME window_png_${name} COMMAND imhooks_png_check ${png} ${ARG_CHECKS})
    set_tests_properties(window_png_${name} PROPERTIES
        LABELS "window"
        TIMEOUT 60
        FIXTURES_REQUIRED imhooks_screenshot_${name})
endfunction()

# One panel alone: a 432 x 404 window, the panel at (8, 8), 416 x 388, focused. Every panel
# shot is also checked for the margin, the title bar and some content.
set(PANEL_CHECKS
    --size 432 404
    --colour 0 0 432 8 ${CLEAR} 99           # the margin above the panel
    --colour 30 10 380 14 ${TITLE_FOCUSED} 60  # its title bar (the rest is the title's text)
    --distinct 8 30 416 360 12)              # notes, widgets, text

# 1. Primes, 1.5 s into counting to 20 M: RUNNING, and the progress bar partly filled.
imhooks_screenshot_test(primes
    DEMO_ARGS --panel primes --primes-limit 20000000 --quit-after-ms 1500
    CHECKS ${PANEL_CHECKS}
           --colour 16 132 100 20 ${RUNNING} 2     # the RUNNING badge
           --colour 16 157 399 19 ${FILL} 2 97     # progress bar: partly filled...
           --colour 16 157 399 19 ${FRAME} 2)      # ...and partly empty

# 2. Mandelbrot, once the render has finished: a picture with many colours and the set in black.
imhooks_screenshot_test(mandelbrot
    DEMO_ARGS --panel mandelbrot --quit-when-ready
    CHECKS ${PANEL_CHECKS}
           --distinct 16 69 400 225 500
           --colour 16 69 400 225 0 0 0 10 60
           --colour 16 299 80 20 ${FINISHED} 5)    # the FINISHED badge

# 3. Errors, once the job has thrown: the error message in red.
imhooks_screenshot_test(errors
    DEMO_ARGS --panel errors --quit-when-ready
    CHECKS ${PANEL_CHECKS}
           --colour 146 183 60 16 ${ERROR} 5       # the ERROR badge
           --colour 146 199 270 30 ${ERROR} 3)     # error_message()

# 4. Blocking call, 1.5 s into a call: the indeterminate bar's moving block is a third of it.
imhooks_screenshot_test(blocking
    DEMO_ARGS --panel blocking --start-call --quit-after-ms 1500
    CHECKS ${PANEL_CHECKS}
           --colour 16 212 100 20 ${RUNNING} 2
           --colour 16 235 400 19 ${FILL} 20 45
           --colour 16 235 400 19 ${FRAME} 50 80)

# 5. State machine, once the job has finished: the FINISHED node lit, a log of transitions.
imhooks_screenshot_test(states
    DEMO_ARGS --panel states --quit-when-ready
    CHECKS ${PANEL_CHECKS}
           --colour 330 72 82 18 ${FINISHED_NODE} 50  # the FINISHED node is lit...
           --colour 328 70 86 22 ${FINISHED} 4        # ...and outlined in green
           --distinct 16 227 400 80 8)             # the transitions table

# 7. The hook set, settled: the swatch drawn with the look the panel provides (warm), the one
# inside a ContextProvider with the innermost look (cool).
imhooks_screenshot_test(hooks
    DEMO_ARGS --panel hooks --quit-when-ready
    CHECKS ${PANEL_CHECKS}
           --colour 16 124 90 20 242 140 64 60     # "from context": warm
           --colour 130 124 100 20 89 178 242 60)  # "inner provider": cool

# 10. Search, once the debounced search of "ion" has streamed all its matches: FINISHED, and the
# matched lines listed.
imhooks_screenshot_test(search
    DEMO_ARGS --panel search --quit-when-ready
    CHECKS ${PANEL_CHECKS}
           --colour 16 104 70 14 ${FINISHED} 5     # the FINISHED badge
           --distinct 16 130 400 250 8)            # the matches

# 11. Thumbnails, once the visible rows' queries are done: each row's swatch in its own colour
# (a row still loading shows an empty outline).
imhooks_screenshot_test(thumbnails
    DEMO_ARGS --panel thumbnails --quit-when-ready
    CHECKS ${PANEL_CHECKS}
           --distinct 28 130 12 250 12)

# The same panel started with settings an earlier run saved (accent cool, zoom 1.4): both come
# back, so the swatches swap colours and grow; the file is written back with them at exit.
set(IMHOOKS_SETTINGS_SEED ${IMHOOKS_SCREENSHOT_DIR}/hooks-seed.ini)
set(IMHOOKS_SETTINGS ${IMHOOKS_SCREENSHOT_DIR}/hooks-restored.ini)
file(WRITE ${IMHOOKS_SETTINGS_SEED}
     "[imhooks][demo.accent]\nvalue=1\n\n[imhooks][demo.zoom]\nvalue=1.4\n\n"
     "[imhooks][demo.name]\nvalue=Ada\n")
add_test(NAME window_settings_seed
    COMMAND ${CMAKE_COMMAND} -E copy ${IMHOOKS_SETTINGS_SEED} ${IMHOOKS_SETTINGS})
set_tests_properties(window_settings_seed PROPERTIES
    LABELS "window" FIXTURES_SETUP imhooks_settings_seed)
imhooks_screenshot_test(hooks_restored
    DEMO_ARGS --panel hooks --settings ${IMHOOKS_SETTINGS} --quit-when-ready
    CHECKS ${PANEL_CHECKS}
           --colour 16 124 120 20 89 178 242 60    # "from context": cool, 1.4 times as large
           --colour 170 124 120 20 242 140 64 60)  # "inner provider": warm
set_tests_properties(window_screenshot_hooks_restored PROPERTIES
    FIXTURES_REQUIRED imhooks_settings_seed)
add_test(NAME window_settings_written_back
    COMMAND grep -Pzq "\\[imhooks\\]\\[demo.name\\]\\nvalue=Ada\\n" ${IMHOOKS_SETTINGS})
set_tests_properties(window_settings_written_back PROPERTIES
    LABELS "window" FIXTURES_REQUIRED imhooks_screenshot_hooks_restored)

# The whole demo, settled, on its first page: the menu bar, six windows in a 3 x 2 grid below it
# with the background between them, the inspector focused, and content in each window.
set(MENU 36 36 36)             # the main menu bar's background
imhooks_screenshot_test(demo
    DEMO_ARGS --quit-when-ready
    CHECKS --size 1280 800
           --colour 120 2 1100 15 ${MENU} 95       # the menu bar, right of its page names
           --colour 424 19 8 781 ${CLEAR} 99       # the gaps between the columns
           --colour 848 19 8 781 ${CLEAR} 99
           --colour 0 405 1280 8 ${CLEAR} 99       # the gap between the rows
           --colour 30 29 380 14 ${TITLE} 60       # title bars: the first five unfocused...
           --colour 454 29 380 14 ${TITLE} 60
           --colour 878 29 380 14 ${TITLE} 60
           --colour 30 415 380 14 ${TITLE} 60
           --colour 454 415 380 14 ${TITLE} 60
           --colour 878 415 380 14 ${TITLE_FOCUSED} 60  # ...the inspector focused
           --colour 16 700 380 80 ${WINDOW} 95     # the blocking-call window's empty part
           --colour 16 176 399 19 ${FILL} 95       # primes: done, the bar full
           --distinct 440 88 400 225 500           # the Mandelbrot picture
           --colour 990 218 270 30 ${ERROR} 3      # the error message
           --colour 754 477 82 18 ${FINISHED_NODE} 50  # the state machine's FINISHED node
           --distinct 864 539 400 240 12)          # the inspector's table

# The Tasks page 1.5 s into a save: one Task shown by two windows, both RUNNING, with the
# progress of the same run.
imhooks_screenshot_test(tasks
    DEMO_ARGS --page tasks --start-save --quit-after-ms 1500
    CHECKS --size 1280 800
           --colour 140 125 60 14 ${RUNNING} 2     # "Save as": the RUNNING badge
           --colour 16 148 399 17 ${FILL} 2 97     # its progress bar: partly filled...
           --colour 16 148 399 17 ${FRAME} 2       # ...and partly empty
           --colour 552 89 60 14 ${RUNNING} 2      # "Save status": RUNNING too
           --distinct 440 106 400 16 2)            # and the same run's progress as text

#-------------------------------------------------------------------------------------------------
# End to end: clicks and signals in a real window, idle cost
#-------------------------------------------------------------------------------------------------
if(IMHOOKS_XDOTOOL)
    # A screen larger than the demo's window, so that the pointer can enter it from outside.
    set(IMHOOKS_XVFB_LARGE ${IMHOOKS_XVFB_RUN} -a -s "-screen 0 1400x900x24")
    foreach(script click_primes click_blocking_call)
        add_test(NAME window_${script}
            COMMAND ${IMHOOKS_XVFB_LARGE} bash ${CMAKE_CURRENT_LIST_DIR}/window/${script}.sh
                    $<TARGET_FILE:imhooks_demo>)
        set_tests_properties(window_${script} PROPERTIES
            LABELS "window"
            TIMEOUT 240
            ENVIRONMENT "${IMHOOKS_WINDOW_ENV}")
    endforeach()
else()
    message(WARNING "imhooks: xdotool not found, window_click_* tests skipped "
                    "(apt-get install xdotool)")
endif()

# The idle figures (SPEC P6) are printed by the test: run ctest with -V or --output-on-failure.
add_test(NAME window_idle
    COMMAND ${IMHOOKS_XVFB} bash ${CMAKE_CURRENT_LIST_DIR}/window/idle.sh
            $<TARGET_FILE:imhooks_demo>)
set_tests_properties(window_idle PROPERTIES
    LABELS "window"
    TIMEOUT 120
    ENVIRONMENT "${IMHOOKS_WINDOW_ENV}")
