# cmake -P script run by the consumer_find_package test (see tests/consumer.cmake):
#   1. cmake --install BUILD_DIR into WORK_DIR/prefix
#   2. configure and build SOURCE_DIR in WORK_DIR/build with CMAKE_PREFIX_PATH=WORK_DIR/prefix
#   3. run the consumer program
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER C_COMPILER)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run.cmake: ${var} is not set")
    endif()
endforeach()
if(NOT CONFIG)
    set(CONFIG RelWithDebInfo)
endif()

set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${prefix} ${build})

function(run_step name)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "consumer: ${name} failed (${result}): ${ARGN}")
    endif()
endfunction()

run_step(install ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --config ${CONFIG})
run_step(configure ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build} -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE=${CONFIG}
    -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_C_COMPILER=${C_COMPILER}
    "-DCMAKE_CXX_FLAGS=${FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${FLAGS}")
run_step(build ${CMAKE_COMMAND} --build ${build} --config ${CONFIG})

find_program(consumer imhooks_consumer PATHS ${build} ${build}/${CONFIG} NO_DEFAULT_PATH)
if(NOT consumer)
    message(FATAL_ERROR "consumer: imhooks_consumer was not built in ${build}")
endif()
run_step(run ${consumer})
message(STATUS "consumer: find_package(imhooks) from ${prefix} works")
