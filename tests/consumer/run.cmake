# cmake -P script run by the consumer_find_package test (see tests/consumer.cmake):
#   1. cmake --install BUILD_DIR into WORK_DIR/prefix
#   2. configure and build SOURCE_DIR in WORK_DIR/build with CMAKE_PREFIX_PATH=WORK_DIR/prefix
#      (and PREFIX_PATH: where the build found its Dear ImGui package, if it did)
#   3. check that each program links exactly one Dear ImGui, run the consumer (and the runner
#      consumer's --help when the runner was installed)
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER C_COMPILER)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run.cmake: ${var} is not set")
    endif()
endforeach()
if(NOT CONFIG)
    set(CONFIG RelWithDebInfo)
endif()
include(${CMAKE_CURRENT_LIST_DIR}/../consumers/one_imgui.cmake)

set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${prefix} ${build})
# The build's own prefix path goes through the environment (':'-separated): a ';' list would be
# split into several arguments on the way to execute_process.
string(REPLACE "|" ":" env_prefix_path "${PREFIX_PATH}")

function(run_step name)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "consumer: ${name} failed (${result}): ${ARGN}")
    endif()
endfunction()

run_step(install ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --config ${CONFIG})
run_step(configure ${CMAKE_COMMAND} -E env "CMAKE_PREFIX_PATH=${env_prefix_path}"
    ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build} -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE=${CONFIG}
    -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_C_COMPILER=${C_COMPILER}
    "-DCMAKE_CXX_FLAGS=${FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${FLAGS}")
run_step(build ${CMAKE_COMMAND} --build ${build} --config ${CONFIG})

imhooks_check_one_imgui(${build} imhooks_consumer)
run_step(run ${build}/imhooks_consumer)
if(EXISTS ${build}/imhooks_consumer_runner)
    imhooks_check_one_imgui(${build} imhooks_consumer_runner)
    run_step("runner --help" ${build}/imhooks_consumer_runner --help)
endif()
message(STATUS "consumer: find_package(imhooks) from ${prefix} works")
