# cmake -P script run by the consumer tests (tests/consumers.cmake): configures and builds a
# separate CMake project, checks that each of its programs links exactly one Dear ImGui, and runs
# them.
#   SOURCE_DIR, WORK_DIR, GENERATOR, CXX_COMPILER, C_COMPILER
#   ARGS         extra configure arguments, separated by '|'
#   PROGRAMS     programs to check and run without arguments, separated by '|'
#   RUNNER_APP   optional: a runner program; run with --help, then (with XVFB_RUN) for 5 frames
#                with a screenshot
foreach(var SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER C_COMPILER PROGRAMS)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run.cmake: ${var} is not set")
    endif()
endforeach()
include(${CMAKE_CURRENT_LIST_DIR}/one_imgui.cmake)

set(build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${build})
string(REPLACE "|" ";" args "${ARGS}")
string(REPLACE "|" ";" programs "${PROGRAMS}")

function(run_step name)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "consumer: ${name} failed (${result}): ${ARGN}")
    endif()
endfunction()

run_step(configure ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build} -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_C_COMPILER=${C_COMPILER} ${args})
run_step(build ${CMAKE_COMMAND} --build ${build} -j2)

foreach(program ${programs} ${RUNNER_APP})
    imhooks_check_one_imgui(${build} ${program})
endforeach()
foreach(program ${programs})
    run_step(${program} ${build}/${program})
endforeach()
if(RUNNER_APP)
    run_step("${RUNNER_APP} --help" ${build}/${RUNNER_APP} --help)
    if(XVFB_RUN)
        run_step("${RUNNER_APP} in a window" ${XVFB_RUN} -a -s "-screen 0 640x480x24"
                 ${build}/${RUNNER_APP} --frames 5 --screenshot ${WORK_DIR}/${RUNNER_APP}.png)
    endif()
endif()
message(STATUS "consumer: ${SOURCE_DIR} works")
