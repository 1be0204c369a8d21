# cmake -P script run by the consumer_find_package test (see tests/consumer.cmake):
#   1. cmake --install BUILD_DIR into WORK_DIR/prefix
#   2. configure and build SOURCE_DIR in WORK_DIR/build with CMAKE_PREFIX_PATH=WORK_DIR/prefix
#      (and PREFIX_PATH: where the build found its Dear ImGui package, if it did)
#   3. check that each program links exactly one Dear ImGui, run the consumer (and the runner
#      consumer's --help when the runner was installed)
# With OTHER_IMGUI=ON, step 2 runs with another Dear ImGui (1.99.9, made up in WORK_DIR/other, as
# pkg-config's imgui and as the CMake package imgui) found first, and must fail, naming both
# versions.
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

if(OTHER_IMGUI)
    set(other ${WORK_DIR}/other)
    file(REMOVE_RECURSE ${other})
    file(WRITE ${other}/include/imgui.h
         "#define IMGUI_VERSION       \"1.99.9\"\n#define IMGUI_VERSION_NUM   19990\n")
    file(WRITE ${other}/lib/pkgconfig/imgui.pc
         "Name: imgui\nDescription: another Dear ImGui\nVersion: 1.99.9\nCflags: -I${other}/include\nLibs:\n")
    file(WRITE ${other}/lib/cmake/imgui/imguiConfig.cmake
         "add_library(imgui::imgui INTERFACE IMPORTED)\n"
         "set_target_properties(imgui::imgui PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${other}/include)\n")
    execute_process(
        COMMAND ${CMAKE_COMMAND} -E env "PKG_CONFIG_PATH=${other}/lib/pkgconfig"
                "CMAKE_PREFIX_PATH=${other}:${env_prefix_path}"
            ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build} -G ${GENERATOR}
            -DCMAKE_BUILD_TYPE=${CONFIG} -DCMAKE_PREFIX_PATH=${prefix}
            -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_C_COMPILER=${C_COMPILER}
        RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    string(REGEX REPLACE "[ \n]+" " " flat "${output}")
    if(result EQUAL 0)
        message(FATAL_ERROR "consumer: find_package(imhooks) accepted another Dear ImGui:\n${output}")
    elseif(NOT flat MATCHES "imhooks was built against Dear ImGui [^ ]+, but the target '[^']+' found now is Dear ImGui 1\\.99\\.9")
        message(FATAL_ERROR "consumer: find_package(imhooks) failed, but not naming both "
                            "versions:\n${output}")
    endif()
    string(REGEX MATCH "imhooks was built against.*against this one\\." reason "${flat}")
    message(STATUS "consumer: find_package(imhooks) refuses Dear ImGui 1.99.9: ${reason}")
    return()
endif()
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
